"""Write stage: rendered PDFs and the manifest -> files in the output folder, atomically."""

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

MANIFEST = "manifest.json"
_UMASK = os.umask(0)
os.umask(_UMASK)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename:
    readers see the old file or the new one, never a partial one."""
    import tempfile  # not on the no-op path, which only reads

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_UMASK)  # mkstemp makes 0600; outputs are for sharing
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def remove_stale_temporaries(out_dir: Path) -> int:
    """Delete temporary files a killed run left behind (never a finished PDF)."""
    removed = 0
    for tmp in out_dir.rglob(".*.tmp"):
        if tmp.is_file():
            tmp.unlink(missing_ok=True)
            removed += 1
    return removed


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


def write_manifest(
    out_dir: Path,
    entries: Iterable[dict[str, Any]],
    *,
    generator: str,
    name: str = MANIFEST,
    stamp: dict[str, Any] | None = None,
) -> Path:
    """Merge ``entries`` into ``DIR/<name>``: a rebuilt leaflet replaces its old entry, entries
    of other leaflets whose files still exist are kept."""
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
    path = out_dir / name
    # a name that is not UTF-8 (a folder's bytes, as a lone surrogate) as its JSON escape
    text = json.dumps(body, indent=2, ensure_ascii=False) + "\n"
    write_atomic(path, text.encode("utf-8", "backslashreplace"))
    return path


def merge_manifests(out_dir: Path, *, generator: str) -> tuple[Path, int]:
    """Fold every ``manifest.shard-*.json`` in ``out_dir`` into ``manifest.json``."""
    shards = sorted(out_dir.glob("manifest.shard-*.json"))
    entries = [e for shard in shards for e in read_manifest(out_dir, shard.name)]
    path = write_manifest(out_dir, entries, generator=generator)
    for shard in shards:
        shard.unlink()
    return path, len(shards)
