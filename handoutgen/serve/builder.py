"""The front desk's builds: a leaflet's job -> its outcome, built (or found up to date) by the
batch in a child process of the server's own, one leaflet at a time, the PDF it replaces kept
in ``.previous/`` beside it."""

from __future__ import annotations

import contextlib
import multiprocessing
import threading
from pathlib import Path
from typing import Any

from ..leaflet import Job

PREVIOUS = ".previous"  # beside a leaflet: the PDF it replaced, for the changes view


def previous_path(out: Path, job: Job) -> Path:
    """Where the PDF a rebuild of ``job`` replaced is kept."""
    path = out / job.relpath
    return path.parent / PREVIOUS / path.name


class Builder:
    """The batch, run for one leaflet at a time in a child process. The batch wants its
    process's main thread (it sets a SIGTERM handler) and the engine keeps process-wide state
    (memo tables, ReportLab's font registry), so the server's request threads hand their jobs
    to one child, in turn; the child keeps the project loaded between builds and is started
    again if it dies. ``builds`` counts the leaflets it made (not found up to date)."""

    def __init__(
        self, root: Path, out: Path, *, allow_incomplete: bool = False, allow_overdue: bool = False
    ) -> None:
        self.args = (str(root), str(out), allow_incomplete, allow_overdue)
        self._context = multiprocessing.get_context("spawn")  # no fork of a threaded server
        self._turn = threading.Lock()
        self._process: Any = None
        self._conn: Any = None
        self.builds = 0

    def _spawn(self) -> None:
        parent, child = self._context.Pipe()
        process = self._context.Process(
            target=_child, args=(child, *self.args), name="handoutgen-serve-builder", daemon=True
        )
        process.start()
        child.close()
        self._process, self._conn = process, parent

    def start(self) -> None:
        """Start the child now (it loads the engine while the server takes its first
        requests), if it is not running."""
        with self._turn:
            if self._process is None or not self._process.is_alive():
                self._spawn()

    def build(self, job: Job) -> dict[str, Any]:
        """``job``'s manifest entry with its ``status`` (built, up to date, skipped, failed) and
        ``reason``: built if its inputs changed since the output folder's copy, else as found."""
        with self._turn:
            if self._process is None or not self._process.is_alive():
                self._spawn()
            try:
                self._conn.send(job.values())
                result: dict[str, Any] = self._conn.recv()
            except (EOFError, OSError):  # the child died (killed, out of memory): a new one next
                self.close()
                return {**job.values(), "status": "failed", "reason": "the builder stopped"}
            if result.get("status") == "built":
                self.builds += 1
            return result

    def close(self) -> None:
        """End the child (it also ends by itself when the server's end of its pipe closes)."""
        conn, process, self._conn, self._process = self._conn, self._process, None, None
        if conn is not None:
            conn.close()
        if process is not None:
            process.join(timeout=5)
            if process.is_alive():
                process.terminate()
                process.join()


def _child(conn: Any, root: str, out: str, allow_incomplete: bool, allow_overdue: bool) -> None:
    """The builder process: jobs in, outcomes out, until the server goes."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle
    from ..batch import BatchOptions, run
    from ..cache.inputs import identity
    from ..project import Project

    folder = Path(out)
    project, known = None, None
    options = BatchOptions(
        out=folder, jobs=1, allow_incomplete=allow_incomplete, allow_overdue=allow_overdue
    )
    while True:
        try:
            values = conn.recv()
        except (EOFError, OSError):
            return
        now = identity(Path(root), ("serve",))  # an edited project is loaded again
        if project is None or now is None or now != known:
            project, known = Project(Path(root)), now
        job = Job.from_values(values)
        try:
            conn.send(_build(project, job, folder, options, run))
        except (BrokenPipeError, OSError):
            return


def _build(project: Any, job: Job, out: Path, options: Any, run: Any) -> dict[str, Any]:
    from ..write import write_atomic

    path = out / job.relpath
    old = None
    with contextlib.suppress(OSError):
        old = path.read_bytes()
    report = run(project, [job], options)
    if not report.outcomes:
        why = "; ".join(report.problems) or "interrupted"
        return {**job.values(), "status": "failed", "reason": why}
    outcome = report.outcomes[0]
    entry = {**outcome.manifest_entry(), "status": outcome.status}
    if outcome.status == "built" and old is not None:
        try:
            if path.read_bytes() != old:
                write_atomic(previous_path(out, job), old)
        except OSError as exc:  # the leaflet is built; only the changes view misses it
            entry["warnings"] = [*entry.get("warnings", []), f"previous copy: {exc}"]
    return entry
