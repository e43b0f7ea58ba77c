"""Write stage: rendered PDFs and the manifest -> files in the output folder, atomically and
safely when several runs write into one folder at once."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterable
from pathlib import Path

TYPE_CHECKING = False  # typing is not imported on the no-op path
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from .errors import Problem

MANIFEST = "manifest.json"
SHARDS = "manifest.shard-*.json"
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


def _dimensions() -> tuple[str, ...]:
    """A leaflet's manifest key (not imported on the no-op path, which needs none)."""
    from .leaflet import DIMENSIONS

    return DIMENSIONS


def _valid(entry: Any) -> bool:
    return (
        isinstance(entry, dict)
        and all(isinstance(entry.get(k), str) for k in _dimensions())
        and isinstance(entry.get("path"), str | None)
    )


def stamped_entries(out_dir: Path, matches: Callable[[dict[str, Any]], bool]) -> Any:
    """The stamp record (inputs, identity, leaflets, skipped, warnings of the stamped run) if
    ``matches`` accepts it and every built leaflet is still there at its recorded size;
    else None."""
    try:
        data = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    recorded = data.get("stamp") if isinstance(data, dict) else None
    if not isinstance(recorded, dict) or not matches(recorded):
        return None
    folder = str(out_dir)
    for e in data.get("leaflets", []):
        if isinstance(e, dict) and e.get("status") == "built":
            path = e.get("path")
            if not isinstance(path, str):
                return None
            try:  # one stat a leaflet: this is the whole of a no-op rebuild
                st = os.stat(os.path.join(folder, path))
            except OSError:
                return None
            if not stat.S_ISREG(st.st_mode) or st.st_size != e.get("size"):
                return None
    return recorded


def read_manifest(out_dir: Path, name: str = MANIFEST) -> list[dict[str, Any]]:
    """The entries of ``DIR/<name>``; a missing or corrupt manifest reads as empty."""
    try:
        data = json.loads((out_dir / name).read_text(encoding="utf-8"))
        return [e for e in data.get("leaflets", []) if _valid(e)]
    except (OSError, ValueError, AttributeError):
        return []


def _manifest_bytes(
    out_dir: Path,
    entries: Iterable[dict[str, Any]],
    generator: str,
    name: str,
    stamp: dict[str, Any] | None,
) -> bytes:
    """``entries`` merged into what ``DIR/<name>`` holds now, as the file's bytes."""
    keys = _dimensions()
    fresh = {tuple(e[k] for k in keys): e for e in entries}
    kept = [
        e
        for e in read_manifest(out_dir, name)
        if tuple(e[k] for k in keys) not in fresh
        and (e.get("path") is None or (out_dir / e["path"]).is_file())
    ]
    leaflets = sorted([*kept, *fresh.values()], key=lambda e: tuple(e[k] for k in keys))
    body: dict[str, Any] = {"generator": generator, "leaflets": leaflets}
    if stamp:  # the inputs of a run in which nothing failed (see cache.inputs.stamp)
        body["stamp"] = stamp
    return (json.dumps(body, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def write_manifest(
    out_dir: Path,
    entries: Iterable[dict[str, Any]],
    *,
    generator: str,
    name: str = MANIFEST,
    stamp: dict[str, Any] | None = None,
    discard_stale: bool = False,
) -> Path:
    """Merge ``entries`` into ``DIR/<name>``, under the folder's lock: a rebuilt leaflet
    replaces its old entry, entries of other leaflets whose files still exist are kept.
    ``discard_stale``: if it cannot be written (a full disk), remove the old one, which no
    longer tells what is in the folder, and try again in the space that frees; an OSError if
    that fails too."""
    path = out_dir / name
    with _Locked(out_dir):
        data = _manifest_bytes(out_dir, entries, generator, name, stamp)
        try:
            write_atomic(path, data)
        except OSError:
            if not discard_stale:
                raise
            path.unlink(missing_ok=True)
            write_atomic(path, data)
    return path


def _shard_entries(path: Path) -> tuple[list[dict[str, Any]], str | None]:
    """A shard manifest's entries, or why it is not one."""
    if path.is_dir():
        return [], "a folder, not a shard manifest"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        return [], f"cannot read it: {exc.strerror or exc}"
    except UnicodeDecodeError:
        return [], "not a manifest: not UTF-8 text"
    except ValueError as exc:
        return [], f"not a manifest: invalid JSON ({exc})"
    leaflets = data.get("leaflets") if isinstance(data, dict) else None
    if not isinstance(leaflets, list):
        return [], "not a manifest: no list of leaflets"
    bad = [i for i, e in enumerate(leaflets) if not _valid(e)]
    if bad:
        return [], f"not a manifest: leaflets[{bad[0]}] is not a leaflet entry"
    return leaflets, None


def merge_manifests(out_dir: Path, *, generator: str) -> tuple[Path, int, list[Problem]]:
    """Fold every ``manifest.shard-*.json`` in ``out_dir`` into ``manifest.json`` and remove
    it. A shard that is not a manifest is kept and named, with why, among the problems; the
    others are merged. Returns the manifest, the number of shards merged and the problems."""
    from .errors import Problem

    if not out_dir.is_dir():
        return out_dir / MANIFEST, 0, [Problem(str(out_dir), None, "", "no such folder")]
    problems: list[Problem] = []
    merged: list[Path] = []
    entries: list[dict[str, Any]] = []
    path = out_dir / MANIFEST
    try:
        with _Locked(out_dir):  # no run saves a shard manifest while it is read and removed
            for shard in sorted(out_dir.glob(SHARDS)):
                found, why = _shard_entries(shard)
                if why:
                    problems.append(Problem(str(shard), None, "", f"{why}; kept, not merged"))
                else:
                    entries += found
                    merged.append(shard)
            if merged:
                data = _manifest_bytes(out_dir, entries, generator, MANIFEST, None)
                write_atomic(path, data)
                for shard in merged:
                    shard.unlink()
    except OSError as exc:
        why = f"cannot write: {exc.strerror or exc}; the shard manifests are kept"
        return path, 0, [*problems, Problem(str(path), None, "", why)]
    return path, len(merged), problems
