"""Image files a topic or brand names (PNG, JPEG, SVG) -> the file inside its folder, or why it
cannot be used: outside the folder, missing, unreadable, or an SVG that reaches outside itself
(an <image> or external reference would make the renderer read other local files)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

SUFFIXES = (".png", ".jpg", ".jpeg", ".svg")
_SVG_FORBIDDEN = ("image", "use", "script", "foreignObject", "feImage", "style")


def resolve(folder: Path, name: str) -> tuple[Path | None, str | None]:
    """``name`` (relative to ``folder``) -> (the file, None), or (None, why not)."""
    if Path(name).is_absolute():
        return None, f"{name!r} must be a file name relative to {folder.name}/"
    path = (folder / name).resolve()
    if not path.is_relative_to(folder.resolve()):
        return None, f"{name!r} is outside {folder.name}/: images must lie in its folder"
    if not path.is_file():
        return None, f"image file {name!r} not found"
    if path.suffix.lower() not in SUFFIXES:
        return None, f"{name!r} must be a PNG, JPEG or SVG file"
    return path, None


def problems(path: Path, what: str = "image") -> list[str]:
    """Why an image file cannot be used (empty if it can); ``what`` names it (logo, image)."""
    if path.suffix.lower() != ".svg":
        try:
            from PIL import Image as PILImage

            with PILImage.open(path) as image:
                image.verify()
        except Exception as exc:  # Pillow raises many types for broken files
            return [f"{what} is not a readable image: {exc}"]
        return []
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [f"{what} is not a readable SVG file: {exc}"]
    if "<!ENTITY" in text or "<!DOCTYPE" in text:
        return [f"SVG {what}s may not declare a DOCTYPE or entities"]
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        return [f"{what} is not well-formed SVG: {exc}"]
    found = []
    for el in root.iter():
        tag = el.tag.rsplit("}", 1)[-1]
        if tag in _SVG_FORBIDDEN:
            found.append(f"SVG {what}s may not contain <{tag}> (draw it as paths instead)")
        for name, value in el.attrib.items():
            if name.rsplit("}", 1)[-1] == "href" and not value.startswith("#"):
                found.append(f"SVG {what}s may not refer to other files ({value!r})")
            if "url(" in value and "url(#" not in value:
                found.append(f"SVG {what}s may not refer to other files ({value!r})")
    try:
        width = float(root.get("width", "0").rstrip("px"))
        height = float(root.get("height", "0").rstrip("px"))
    except ValueError:
        width = height = 0.0
    if not (width > 0 and height > 0) and not root.get("viewBox"):
        found.append(f"SVG {what}s need a width and height or a viewBox")
    return sorted(set(found))
