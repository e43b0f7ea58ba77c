"""Fault injection for batch tests: a worker that dies like an OOM-killed process, a disk that
fills up, a folder that turns read-only (the output folder's writes only: the project's caches
are taken to be on another disk)."""

from __future__ import annotations

import errno
import os
import signal
from pathlib import Path

from handoutgen import batch, write

_write_atomic = write.write_atomic  # the real one, before any test replaces it


def fragile_work(job, *args):
    if job.locale == "de":
        os.kill(os.getpid(), signal.SIGKILL)
    return batch._build_and_write(job, *args)


def _used(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


class FullDisk:
    """``write_atomic`` onto a disk that fills up: after ``writes`` successful writes, another
    process takes all but ``room`` bytes of the free space; from then on a write that does
    not fit fails with ENOSPC, and a file removed gives its space back. ``room=None``: every
    write fails from then on, whatever is removed. Install with ``install(monkeypatch)``."""

    def __init__(self, folder: Path, *, writes: int, room: int | None = 4096) -> None:
        self.folder, self.writes, self.room = folder, writes, room
        self.capacity: int | None = None
        self.refused: list[Path] = []

    def __call__(self, path: Path, data: bytes) -> None:
        if not path.is_relative_to(self.folder):  # the project's caches: another disk
            return _write_atomic(path, data)
        if self.capacity is None and self.writes <= 0:
            self.capacity = _used(self.folder) + (self.room or 0)
        if self.capacity is not None and (
            self.room is None or _used(self.folder) + len(data) > self.capacity
        ):
            self.refused.append(path)
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        _write_atomic(path, data)
        self.writes -= 1

    def install(self, monkeypatch) -> None:
        monkeypatch.setattr(write, "write_atomic", self)
        monkeypatch.setattr(batch, "write_atomic", self)


class ReadOnly(FullDisk):
    """A folder whose file system was remounted read-only: every write fails with EROFS."""

    def __init__(self, folder: Path) -> None:
        super().__init__(folder, writes=0, room=None)

    def __call__(self, path: Path, data: bytes) -> None:
        if not path.is_relative_to(self.folder):
            return _write_atomic(path, data)
        self.refused.append(path)
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))
