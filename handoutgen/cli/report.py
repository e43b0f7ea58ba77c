"""Build results -> what a person reads: one line per leaflet (logs, CI), a live progress bar
(a terminal), and the summary at the end."""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..build import Outcome, Report


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
        sys.stderr.write(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{self.total}  built "
            f"{c['built']}  up to date {c['up to date']}  skipped {c['skipped']}  "
            f"failed {c['failed']} "
        )
        sys.stderr.flush()
        if done == self.total:
            sys.stderr.write("\n")


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
