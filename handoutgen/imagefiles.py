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


_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG"}


def problems(path: Path, what: str = "image") -> list[str]:
    """Why an image file cannot be used (empty if it can); ``what`` names it (logo, figure).
    A raster file must be the PNG or JPEG its name says, within Pillow's size limit; an SVG
    is read from its bytes as the renderer reads it (UTF-8 only: a declared UTF-7 could hide
    an element from one parser and not the other)."""
    if path.suffix.lower() != ".svg":
        return _raster(path, what)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return [f"{what} is not a readable SVG file: {exc}"]
    head = data[:200].lower()
    if b"<!entity" in data.lower() or b"<!doctype" in data.lower():
        return [f"SVG {what}s may not declare a DOCTYPE or entities"]
    if b"encoding=" in head.split(b"?>")[0] and not any(
        e in head for e in (b'encoding="utf-8"', b"encoding='utf-8'")
    ):
        return [f"SVG {what}s must be UTF-8 (no other declared encoding)"]
    try:
        data.decode("utf-8")
        root = ET.fromstring(data)
    except (UnicodeDecodeError, ET.ParseError) as exc:
        return [f"{what} is not well-formed UTF-8 SVG: {exc}"]
    return sorted(set(_svg_problems(root, what)))


def _raster(path: Path, what: str) -> list[str]:
    import warnings

    from PIL import Image as PILImage

    expected = _FORMATS.get(path.suffix.lower())
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            with PILImage.open(path, formats=[expected] if expected else None) as image:
                image.verify()
    except Exception as exc:  # Pillow raises many types for broken or unexpected files
        return [f"{what} is not a readable {expected or 'image'} file: {exc}"]
    return []


def _svg_problems(root: ET.Element, what: str) -> list[str]:
    found = []
    for el in root.iter():
        tag = el.tag.rsplit("}", 1)[-1] if isinstance(el.tag, str) else ""
        if tag in _SVG_FORBIDDEN:
            found.append(f"SVG {what}s may not contain <{tag}> (draw it as paths instead)")
        for name, value in el.attrib.items():
            if name.rsplit("}", 1)[-1] == "href" and not value.startswith("#"):
                found.append(f"SVG {what}s may not refer to other files ({value!r})")
            if "url(" in value and any(not u.startswith("#") for u in _urls(value)):
                found.append(f"SVG {what}s may not refer to other files ({value!r})")
    try:
        width = float(root.get("width", "0").rstrip("px"))
        height = float(root.get("height", "0").rstrip("px"))
    except ValueError:
        width = height = 1.0  # a unit svglib understands (mm, pt ...): sized by it
    if not (width > 0 and height > 0) and not root.get("viewBox"):
        found.append(f"SVG {what}s need a width and height or a viewBox")
    return found


def _urls(value: str) -> list[str]:
    """The targets of every ``url(...)`` in an attribute value."""
    out = []
    for part in value.split("url(")[1:]:
        out.append(part.split(")", 1)[0].strip().strip("'\""))
    return out
