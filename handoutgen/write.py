"""Write stage: rendered PDFs and the manifest -> files in the output folder, atomically and
safely when several runs write into one folder at once."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from .manifest import (
    FORMAT_VERSION,
    MANIFEST,
    SHARDS,
    VERSION_FIELD,
    missing_shards,
    present,
    shard_entries,
    shard_name,
    shard_number,
    stale,
    stamped_entries,
)

TYPE_CHECKING = False  # typing is not imported on the no-op path
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from .errors import Problem

    Gone = Callable[[dict[str, Any]], str | None]  # manifest.producible: why no input makes it


LOCK = ".handoutgen.lock"  # held while a manifest in the folder is read and rewritten
TEMPORARY = ".handoutgen-"  # every temporary this tool makes: .handoutgen-<random>.<name>.tmp
_NAME_KEPT = 60  # characters of the final name kept in its temporary's (NAME_MAX is 255 bytes)

try:
    import fcntl
except ImportError:  # not POSIX: no locks, and stale temporaries are told by their age
    fcntl = None  # type: ignore[assignment]


def _temporary(folder: Path, name: str) -> tuple[int, str]:
    """A new temporary file for ``name`` in ``folder``, open and locked: the lock tells any
    other run that a live process is writing it."""
    import secrets  # not on the no-op path, which only reads

    for _ in range(100):
        tmp = os.path.join(folder, f"{TEMPORARY}{secrets.token_hex(6)}.{name[:_NAME_KEPT]}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
        if fcntl is None:
            return fd, tmp
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if os.stat(tmp).st_ino == os.fstat(fd).st_ino:
                return fd, tmp
        except OSError:
            pass  # a cleaner took it between its creation and the lock: another name
        os.close(fd)
    raise FileExistsError(f"{folder}: cannot make a temporary file")


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename:
    readers see the old file or the new one, never a partial one. The temporary is locked
    until it has its final name (it is renamed while open)."""
    import contextlib

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = _temporary(path.parent, path.name)  # 0666 less the umask: outputs are shared
    try:
        with open(fd, "wb", closefd=False) as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fd)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):  # the error that brought us here is the one to tell
            os.unlink(tmp)
        raise
    finally:
        os.close(fd)


def _listing(folder: str) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as entries:
            return list(entries)
    except OSError:
        return []


def _folders(out_dir: Path) -> list[str]:
    """The folder and the two levels below it (``<brand>/<locale>/``): where this tool writes."""
    found: list[str] = []
    level = [str(out_dir)]
    for _ in range(3):
        found += level
        level = [e.path for f in level for e in _listing(f) if e.is_dir(follow_symlinks=False)]
    return found


def _remove_if_stale(path: str) -> bool:
    """Remove a temporary no live process holds the lock of (checked and removed under that
    lock); without locks, one a day old."""
    if fcntl is None:
        import time

        if os.stat(path).st_mtime > time.time() - 86400:
            return False
        os.unlink(path)
        return True
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False  # being written
        if os.stat(path).st_ino != os.fstat(fd).st_ino:
            return False
        os.unlink(path)
        return True
    finally:
        os.close(fd)


def remove_stale_temporaries(out_dir: Path) -> int:
    """Delete the temporary files that runs which died left where this tool writes: found by
    this tool's own name for them, and only those no live process is writing."""
    import contextlib

    removed = 0
    for folder in _folders(out_dir):
        for entry in _listing(folder):
            if entry.name.startswith(TEMPORARY) and entry.name.endswith(".tmp"):
                with contextlib.suppress(OSError):  # gone, or not ours: a later run tries again
                    removed += _remove_if_stale(entry.path)
    return removed


class _Locked:
    """The folder's manifest lock, held by one process at a time (``with _Locked(dir):``)."""

    def __init__(self, out_dir: Path) -> None:
        self.path = out_dir / LOCK
        self.fd = -1

    def __enter__(self) -> _Locked:
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
        if fcntl is not None:
            try:
                fcntl.flock(self.fd, fcntl.LOCK_EX)
            except BaseException:
                os.close(self.fd)
                raise
        return self

    def __exit__(self, *exc: object) -> None:
        os.close(self.fd)  # and with it the lock


def prepare_output(out_dir: Path) -> None:
    """Make the output folder and check that files can be made in it; an InputError at the
    folder, with the reason, if not."""
    from .errors import InputError, Problem

    def refuse(message: str) -> InputError:
        return InputError([Problem(str(out_dir), None, "--out", message)])

    if out_dir.is_symlink() and not out_dir.exists():
        raise refuse(f"a symbolic link to {os.readlink(out_dir)}, which does not exist")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise refuse("not a folder") from None
    except OSError as exc:
        raise refuse(f"cannot make the folder: {exc.strerror or exc}") from None
    if not out_dir.is_dir():
        raise refuse("not a folder")
    try:
        with _Locked(out_dir):
            pass
    except OSError as exc:
        raise refuse(f"cannot write in it: {exc.strerror or exc}") from None


__all__ = ["FORMAT_VERSION", "MANIFEST", "stamped_entries"]  # re-exported: callers read them here


def _key(entry: dict[str, Any]) -> tuple[str, ...]:
    from .leaflet import manifest_key  # not imported on the no-op path, which needs none

    return manifest_key(entry)


def read_manifest(out_dir: Path, name: str = MANIFEST) -> list[dict[str, Any]]:
    """The entries of ``DIR/<name>``; a missing or corrupt manifest reads as empty, one of a
    newer format is an InputError at its file (``manifest.read``)."""
    from .manifest import read

    return read(out_dir / name)


def _body(
    generator: str,
    leaflets: list[dict[str, Any]],
    shard: tuple[int, int] | None = None,
    stamp: dict[str, Any] | None = None,
) -> bytes:
    body: dict[str, Any] = {VERSION_FIELD: FORMAT_VERSION, "generator": generator}
    if shard:
        body["shard"] = {"index": shard[0], "count": shard[1]}
    body["leaflets"] = sorted(leaflets, key=_key)
    if stamp:  # the inputs of a run in which nothing failed (see cache.inputs.stamp)
        body["stamp"] = stamp
    return (json.dumps(body, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _manifest_bytes(
    out_dir: Path,
    entries: Iterable[dict[str, Any]],
    generator: str,
    name: str,
    stamp: dict[str, Any] | None,
    shard: tuple[int, int] | None = None,
    gone: Gone | None = None,
) -> bytes:
    """``entries`` merged into what ``DIR/<name>`` holds now, as the file's bytes. An old entry
    whose file is gone is dropped; one that ``gone`` says no input produces any more is
    marked stale if it has a file, else dropped (``manifest.stale``)."""
    fresh = {_key(e): e for e in entries}
    kept = []
    for old in read_manifest(out_dir, name):
        e = None if _key(old) in fresh else present(old, out_dir)
        if e is None:
            continue
        why = gone(e) if gone else None
        marked = stale(e, why) if why else e
        if marked is not None:
            kept.append(marked)
    return _body(generator, [*kept, *fresh.values()], shard, stamp)


def write_manifest(
    out_dir: Path,
    entries: Iterable[dict[str, Any]],
    *,
    generator: str,
    name: str = MANIFEST,
    stamp: dict[str, Any] | None = None,
    discard_stale: bool = False,
    shard: tuple[int, int] | None = None,
    gone: Gone | None = None,
) -> Path:
    """Merge ``entries`` into ``DIR/<name>``, under the folder's lock: a rebuilt leaflet
    replaces its old entry, entries of other leaflets whose files still exist are kept (those
    no input produces any more, by ``gone``: marked stale or dropped). A shard manifest
    records its ``shard`` (I, N). ``discard_stale``: if it cannot be written (a full disk),
    remove the old one, which no longer tells what is in the folder, and try again in the
    space that frees; an OSError if that fails too."""
    path = out_dir / name
    with _Locked(out_dir):
        data = _manifest_bytes(out_dir, entries, generator, name, stamp, shard, gone)
        try:
            write_atomic(path, data)
        except OSError:
            if not discard_stale:
                raise
            path.unlink(missing_ok=True)
            write_atomic(path, data)
    return path


def _folder_problem(out_dir: Path) -> list[Problem]:
    """Why ``out_dir`` is not a folder to read manifests in (it is never created here)."""
    from .errors import Problem

    if out_dir.is_dir():
        return []
    why = "not a folder" if out_dir.exists() else "no such folder"
    return [Problem(str(out_dir), None, "", f"{why}: give the output folder (--out) of the build")]


def merge_manifests(
    out_dir: Path, *, generator: str, gone: Gone | None = None
) -> tuple[Path, int, list[Problem]]:
    """Fold every ``manifest.shard-I-of-N.json`` in ``out_dir`` into ``manifest.json`` and
    remove it. A set of N shards is merged only whole: a shard that is not a manifest is
    named, with why, and so is each slice missing from its set (1/3 and 3/3 without 2/3); that
    set's shards are all kept, not merged, so that merging again once the slice is built
    merges all of them. No shard at all, or a folder that does not exist or is a file, is a
    problem too. Returns the manifest, the number of shards merged and the problems."""
    from .errors import Problem

    path = out_dir / MANIFEST
    problems = _folder_problem(out_dir)
    if problems:
        return path, 0, problems
    merged: list[Path] = []
    entries: dict[Path, list[dict[str, Any]]] = {}
    try:
        with _Locked(out_dir):  # no run saves a shard manifest while it is read and removed
            shards = sorted(out_dir.glob(SHARDS))
            sets: dict[int, list[Path]] = {}  # N -> its shards that can be merged
            broken: set[int] = set(missing_shards([s.name for s in shards]))
            for shard in shards:
                number = shard_number(shard.name)
                found, why = shard_entries(shard)
                if not number or number[0] > number[1]:
                    why = "not a shard manifest's name (manifest.shard-I-of-N.json, I <= N)"
                if why:
                    problems.append(Problem(str(shard), None, "", f"{why}; kept, not merged"))
                    broken.add(number[1] if number else 0)
                else:
                    sets.setdefault(number[1], []).append(shard)  # type: ignore[index]
                    entries[shard] = found
            for count, absent in missing_shards([s.name for s in shards]).items():
                names = ", ".join(shard_name(i, count) for i in absent)
                slices = ", ".join(f"{i}/{count}" for i in absent)
                why = f"missing shard manifest(s) {names} (--shard {slices})"
                problems.append(Problem(str(out_dir), None, "", why))
            for count in sorted(broken & set(sets)):
                why = (
                    f"the shards of {count} are kept, not merged, until every one of them "
                    f"can be: build the missing or unreadable ones and merge again"
                )
                problems.append(Problem(str(out_dir), None, "", why))
            merged = [s for n, group in sorted(sets.items()) if n not in broken for s in group]
            if not shards:
                why = f"no shard manifests ({SHARDS}) to merge"
                problems.append(Problem(str(out_dir), None, "", why))
            if merged:
                fresh = [e for shard in merged for e in entries[shard]]
                data = _manifest_bytes(out_dir, fresh, generator, MANIFEST, None, gone=gone)
                write_atomic(path, data)
                for shard in merged:
                    shard.unlink()
    except OSError as exc:
        why = f"cannot write: {exc.strerror or exc}; the shard manifests are kept"
        return path, 0, [*problems, Problem(str(path), None, "", why)]
    return path, len(merged), problems


def remove_leaflet(out_dir: Path, relpath: str, sha256: str | None) -> str | None:
    """Remove the PDF this tool wrote at ``relpath`` in ``out_dir``, as a manifest records it,
    and the ``<brand>/<locale>/`` folders that leaves empty; None if done, else why it is
    kept: a path out of the folder or through a link, not a regular file, or content that is
    not the recorded ``sha256`` (someone else's file now)."""
    import hashlib

    parts = Path(relpath).parts
    if Path(relpath).is_absolute() or ".." in parts or not relpath.endswith(".pdf"):
        return "not a leaflet's path inside the folder: kept"
    path = out_dir / relpath
    if any(p.is_symlink() for p in [path, *path.parents][: len(parts)]):
        return "a symbolic link on its way: kept"
    try:
        with open(path, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                return "not a regular file: kept"
            if sha256 and hashlib.sha256(fh.read()).hexdigest() != sha256:
                return "changed since this tool wrote it (its sha256 differs): kept"
        os.unlink(path)
    except FileNotFoundError:
        return None  # already gone
    except OSError as exc:
        return f"cannot remove it: {exc.strerror or exc}"
    for folder in path.parents[: len(parts) - 1]:
        try:
            os.rmdir(folder)
        except OSError:
            break  # not empty, or not ours to remove
    return None


def save_manifest(
    path: Path,
    leaflets: list[dict[str, Any]],
    generator: str,
    shard: tuple[int, int] | None,
    stamp: dict[str, Any] | None,
) -> None:
    """Write the manifest at ``path`` with exactly ``leaflets`` (the caller holds the lock)."""
    write_atomic(path, _body(generator, leaflets, shard, stamp))


locked = _Locked  # ``with locked(DIR):`` for a command that reads and rewrites its manifests
