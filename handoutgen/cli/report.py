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


BAR_WIDTH = 30  # the progress bar's most characters; it narrows to fit the terminal
BAR_LEAST = 8  # under this, the bar is left out and only the counts are shown


def bar_line(done: int, total: int, c: dict[str, int], columns: int) -> str:
    """The progress line, at most ``columns - 1`` characters (a line as wide as the terminal
    wraps on some, and the carriage return would then redraw only its second half): the
    counts in words, else abbreviated, else the count done alone; the bar in what is left."""
    room = max(columns - 1, 1)
    counts = (
        f" {done}/{total}  built {c['built']}  up to date {c['up to date']}  skipped "
        f"{c['skipped']}  failed {c['failed']} ",
        f" {done}/{total} b{c['built']} u{c['up to date']} s{c['skipped']} f{c['failed']} ",
        f" {done}/{total} ",
    )
    for text in counts:
        width = min(BAR_WIDTH, room - len(text) - 2)
        if width >= BAR_LEAST:
            filled = int(width * done / max(total, 1))
            return f"[{'#' * filled}{'.' * (width - filled)}]{text}"
    return next((t for t in counts if len(t) <= room), counts[-1][:room])


class Progress:
    """A live progress bar on a terminal, on one line whatever its width."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.counts = {k: 0 for k in MARKS}

    def __call__(self, o: Outcome) -> None:
        import shutil

        self.counts[o.status] += 1
        done = sum(self.counts.values())
        columns = shutil.get_terminal_size().columns
        out = raw(sys.stderr)  # only counts: its carriage return redraws the bar
        out.write(f"\r{bar_line(done, self.total, self.counts, columns)}")
        out.flush()
        if done == self.total:
            out.write("\n")


_REASON_LINES = 6  # lines of a multi-line reason the summary shows; the manifest has them all


def summary(report: Report, *, quiet: bool = False) -> None:
    """Counts per status, then every reason and warning. A reason or warning that several
    leaflets share is printed once, "(×N)", with the leaflets it came from (the first few).
    ``quiet``: only the problems (skipped, failed, warnings), no counts table."""
    from .output import by_reason, named

    if not quiet:
        print("\nSummary")
    for status in MARKS:
        chosen = [o for o in report.outcomes if o.status == status]
        if not quiet:
            print(f"  {status:<11} {len(chosen):>5}")
        if status in ("skipped", "failed"):
            for reason, who in by_reason((str(o.job), o.reason or "") for o in chosen):
                lines = reason.splitlines() or [""]
                if len(who) == 1:
                    print(f"      {who[0]}: {lines[0]}")
                else:
                    print(f"      {lines[0]} (×{len(who)}: {named(who)})")
                for line in lines[1 : 1 + _REASON_LINES]:
                    print(f"          {line}")
                if len(lines) > 1 + _REASON_LINES:
                    print(f"          ... {len(lines) - 1 - _REASON_LINES} more in the manifest")
    warned = [o for o in report.outcomes if o.warnings]
    if warned:
        print(f"  warnings    {sum(len(o.warnings) for o in warned):>5}")
        pairs = ((str(o.job), w) for o in warned for w in o.warnings)
        for warning, who in by_reason(pairs):
            if len(who) == 1:
                print(f"      {who[0]}: {warning}")
            else:
                print(f"      {warning} (×{len(who)}: {named(who)})")
    if report.interrupted:
        print("  interrupted: finished leaflets are kept; run the same command again to resume")


def left_out(root: Any) -> None:
    """Warn of every file the input fingerprint left out (a link out of the project, a FIFO)."""
    from ..cache.inputs import skipped

    for line in skipped(root):
        print(f"warning: {line}", file=sys.stderr)
