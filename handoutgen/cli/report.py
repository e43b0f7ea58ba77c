"""Build results -> what a person reads: one line per leaflet (logs, CI), a live progress bar
(a terminal), and the summary at the end; and the streams every command prints through, which
show data's control characters escaped instead of letting them act on the terminal."""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ..build import Outcome, Report


# what would act on a terminal or a log viewer (colours, cursor moves, titles, bells; C1
# controls are a second ESC; bidi controls reorder what follows) and lone surrogates (from a
# file name that is not UTF-8): shown as Python writes them in a string, e.g. \x1b
_ESCAPED = {c: f"\\x{c:02x}" for c in (*range(0x20), 0x7F, *range(0x80, 0xA0)) if c not in (9, 10)}
_ESCAPED |= {c: f"\\u{c:04x}" for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}
_ESCAPED |= {c: f"\\u{c:04x}" for c in range(0xD800, 0xE000)}


def shown(text: str) -> str:
    """``text`` with what could act on a terminal escaped (tab and line feed kept)."""
    return text if text.isprintable() else text.translate(_ESCAPED)


class SafeText:
    """A text stream (stdout, stderr) that writes what it is given through ``shown``, and a
    character its encoding lacks as an escape, never an error; anything else is the stream's
    own. Installed by ``main`` for every command, so no path prints data raw."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def write(self, text: str) -> int:
        safe = shown(text)
        try:
            self.inner.write(safe)
        except UnicodeEncodeError:  # a terminal that is not UTF-8
            encoding = getattr(self.inner, "encoding", None) or "ascii"
            self.inner.write(safe.encode(encoding, "backslashreplace").decode(encoding))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def raw(stream: Any) -> Any:
    """The stream under a SafeText: for what the command line writes itself (the progress
    bar's carriage return)."""
    return stream.inner if isinstance(stream, SafeText) else stream


MARKS = {
    "built": "built     ",
    "up to date": "up to date",
    "skipped": "skipped   ",
    "failed": "FAILED    ",
}


def print_outcome(o: Outcome) -> None:
    """One plain line per leaflet (logs, CI): status, leaflet, path or reason."""
    detail = f"{o.job.relpath} ({o.pages} pages)" if o.status in ("built", "up to date") else ""
    print(f"{MARKS[o.status]} {o.job} {detail}".rstrip(), flush=True)
    if o.reason:
        for line in o.reason.splitlines():
            print(f"           {line}", file=sys.stderr if o.status == "failed" else sys.stdout)
    for w in o.warnings:
        print(f"           warning: {w}")


class Progress:
    """A live progress bar on a terminal."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.counts = {k: 0 for k in MARKS}

    def __call__(self, o: Outcome) -> None:
        self.counts[o.status] += 1
        done = sum(self.counts.values())
        width = 30
        filled = int(width * done / max(self.total, 1))
        c = self.counts
        out = raw(sys.stderr)  # only counts: its carriage return redraws the bar
        out.write(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{self.total}  built "
            f"{c['built']}  up to date {c['up to date']}  skipped {c['skipped']}  "
            f"failed {c['failed']} "
        )
        out.flush()
        if done == self.total:
            out.write("\n")


_REASON_LINES = 6  # lines of a multi-line reason the summary shows; the manifest has them all


def summary(report: Report) -> None:
    print("\nSummary")
    for status in MARKS:
        chosen = [o for o in report.outcomes if o.status == status]
        print(f"  {status:<11} {len(chosen):>5}")
        if status in ("skipped", "failed"):
            for o in chosen:
                lines = (o.reason or "").splitlines() or [""]
                print(f"      {o.job}: {lines[0]}")
                for line in lines[1 : 1 + _REASON_LINES]:
                    print(f"          {line}")
                if len(lines) > 1 + _REASON_LINES:
                    print(f"          ... {len(lines) - 1 - _REASON_LINES} more in the manifest")
    warned = [o for o in report.outcomes if o.warnings]
    if warned:
        print(f"  warnings    {sum(len(o.warnings) for o in warned):>5}")
        for o in warned:
            for w in o.warnings:
                print(f"      {o.job}: {w}")
    if report.interrupted:
        print("  interrupted: finished leaflets are kept; run the same command again to resume")


def left_out(root: Any) -> None:
    """Warn of every file the input fingerprint left out (a link out of the project, a FIFO)."""
    from ..cache.inputs import skipped

    for line in skipped(root):
        print(f"warning: {line}", file=sys.stderr)
