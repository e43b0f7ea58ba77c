"""A file name a project file gives (a font, a logo, a figure) and the folder it must lie in ->
the regular file inside that folder, links followed only while they stay inside, or why not."""

from __future__ import annotations

import os
import stat
from pathlib import Path


def inside(
    folder: Path,
    name: object,
    *,
    what: str = "file",
    label: str | None = None,
    max_bytes: int | None = None,
) -> tuple[Path, str | None]:
    """``name`` relative to ``folder`` -> (the resolved file, None) if it is a regular file
    inside ``folder`` (after every ``..`` and symbolic link) of at most ``max_bytes``, else
    (the name as spelled, why not: a sentence about the ``what`` file, ``label`` naming the
    folder). Nothing is opened: only names and the file's status are read, so a device, a
    FIFO or a huge file is refused before anything reads it."""
    label = label or f"{folder.name}/"
    spelled = folder / str(name)
    said = f"{what} file {name!r}"
    if not isinstance(name, str) or not name.strip() or "\x00" in name:
        return spelled, f"{said} is not a file name"
    if Path(name).is_absolute():
        return spelled, f"{said} must be a file name relative to {label}"
    base = folder.resolve()
    try:
        target = (base / name).resolve()
    except (OSError, RuntimeError):  # a loop of links
        return spelled, f"{said} is a loop of symbolic links"
    if not target.is_relative_to(base):
        return spelled, f"{said} is outside {label}: the {what} must be a file in {label}"
    why = regular(target, max_bytes)
    if why:
        return spelled, f"{said} {why}"
    return target, None


def regular(path: Path | str, max_bytes: int | None = None) -> str | None:
    """Why ``path`` (links followed) is not a regular file of at most ``max_bytes``, or None."""
    try:
        st = os.stat(path)
    except OSError:
        return "not found"
    if not stat.S_ISREG(st.st_mode):
        return "is not a regular file"
    if max_bytes is not None and st.st_size > max_bytes:
        return f"is {st.st_size} bytes, over the limit of {max_bytes} (templates/limits.yaml)"
    return None


def within(path: str, top: str) -> bool:
    """Whether the resolved ``path`` lies in the resolved folder ``top`` (both real paths)."""
    return path == top or path.startswith(os.path.join(top, ""))
