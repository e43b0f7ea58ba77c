"""Write stage: rendered PDFs and the manifest -> files in the output folder, atomically."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

MANIFEST = "manifest.json"
MANIFEST_KEY = ("topic", "locale", "brand", "edition", "paper")
_UMASK = os.umask(0)
os.umask(_UMASK)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename:
    readers see the old file or the new one, never a partial one."""
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


def read_manifest(out_dir: Path) -> list[dict[str, Any]]:
    path = out_dir / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = data.get("leaflets", [])
        return [
            e
            for e in entries
            if isinstance(e, dict)
            and all(isinstance(e.get(k), str) for k in MANIFEST_KEY)
            and isinstance(e.get("path"), str | None)
        ]
    except (OSError, ValueError, AttributeError):
        return []


def write_manifest(out_dir: Path, entries: Iterable[dict[str, Any]], *, generator: str) -> Path:
    """Merge ``entries`` into ``DIR/manifest.json``: a rebuilt leaflet replaces its old entry,
    entries of other leaflets whose files still exist are kept."""
    fresh = {tuple(e[k] for k in MANIFEST_KEY): e for e in entries}
    kept = [
        e
        for e in read_manifest(out_dir)
        if all(k in e for k in MANIFEST_KEY)
        and tuple(e[k] for k in MANIFEST_KEY) not in fresh
        and (e.get("path") is None or (out_dir / e["path"]).is_file())
    ]
    leaflets = sorted([*kept, *fresh.values()], key=lambda e: tuple(e[k] for k in MANIFEST_KEY))
    body = {"generator": generator, "leaflets": leaflets}
    path = out_dir / MANIFEST
    write_atomic(path, (json.dumps(body, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    return path
