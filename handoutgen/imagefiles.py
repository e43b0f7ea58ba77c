"""Image files a topic or brand names (PNG, JPEG, SVG) -> the file inside its folder and, for an
SVG, the drawing the renderer uses; or why it cannot be used: outside its folder, not a
regular file, over the bounds of ``templates/limits.yaml``, broken, or an SVG that reaches
outside itself (an <image>, an external reference) or needs the machine's fonts (<text>).

An SVG is parsed once, by the parser svglib renders with (lxml, as ``svglib.load_svg_file``
sets it up), and that same tree is checked and then drawn: no second parser can read the bytes
another way. Sizes are checked from the file's status and a raster's header before anything is
decoded."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

from . import paths

SUFFIXES = (".png", ".jpg", ".jpeg", ".svg")
_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG"}
# elements that read other files, run code, or draw text in whatever font the machine has
_SVG_FORBIDDEN = {
    "image": "draw it as paths instead",
    "use": "draw it as paths instead",
    "script": "draw it as paths instead",
    "foreignObject": "draw it as paths instead",
    "feImage": "draw it as paths instead",
    "style": "use presentation attributes instead",
    "text": "convert the text to paths: it would print in a font of the machine that builds it",
    "tspan": "convert the text to paths",
    "textPath": "convert the text to paths",
}
_ENCODINGS = {"UTF-8", "UTF8", "ASCII", "US-ASCII"}


class ImageProblem(Exception):
    """Why an image file cannot be used: one message per problem."""

    def __init__(self, messages: list[str]) -> None:
        self.messages = messages
        super().__init__("; ".join(messages))


@dataclass(frozen=True)
class Bounds:
    """The ``images`` section of ``templates/limits.yaml``."""

    max_bytes: int
    max_pixels: int
    svg_max_bytes: int
    svg_max_elements: int


def bounds(path: Path) -> Bounds:
    """The limits of the project a picture belongs to (the folder above its ``handouts/`` or
    ``templates/`` folder), the engine's for a file elsewhere."""
    from .limits import limit

    root = project_of(path)
    return Bounds(*(limit(root, "images", name) for name in Bounds.__dataclass_fields__))


def project_of(path: Path) -> Path | None:
    """The project folder a picture lies in: the folder above its ``handouts/`` or
    ``templates/`` folder (a topic's figure, a brand's logo), or None."""
    return next((p.parent for p in path.parents if p.name in ("handouts", "templates")), None)


def shown(path: Path) -> str:
    """A picture's path as messages give it: from its project's folder."""
    root = project_of(path)
    return path.relative_to(root).as_posix() if root else str(path)


def resolve(
    folder: Path, name: str, what: str = "image", label: str | None = None
) -> tuple[Path | None, str | None]:
    """``name`` (relative to ``folder``) -> (the file, None), or (None, why not). Links are
    followed only while they stay inside ``folder`` (``label`` names it in messages)."""
    found, why = paths.inside(folder, name, what=what, label=label)
    if why:
        return None, why
    if found.suffix.lower() not in SUFFIXES:
        return None, f"{what} {name!r} must be a PNG, JPEG or SVG file"
    return found, None


def problems(path: Path, what: str = "image") -> list[str]:
    """Why an image file cannot be used (empty if it can); ``what`` names it (logo, figure).
    A raster file is decoded once here, so a damaged one is named now, not while drawing."""
    try:
        if path.suffix.lower() == ".svg":
            svg_drawing(path, what)
        else:
            raster_size(path, what, decode=True)
    except ImageProblem as exc:
        return exc.messages
    return []


def raster_size(path: Path, what: str = "image", *, decode: bool = False) -> tuple[int, int]:
    """A PNG or JPEG file's width and height in pixels, read from its header after its size
    in bytes and pixels is checked against the limits; ``decode``: every pixel decoded too."""
    import warnings

    from PIL import Image

    limits = bounds(path)
    why = paths.regular(path, limits.max_bytes)
    if why:
        raise ImageProblem([f"{what} file {why}"])
    expected = _FORMATS.get(path.suffix.lower())
    try:
        with warnings.catch_warnings():  # the limit below decides, not Pillow's own
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path, formats=[expected] if expected else None) as image:
                width, height = image.size
                if width * height > limits.max_pixels:
                    raise ImageProblem(
                        [
                            f"{what} is {width} x {height} pixels, over the limit of "
                            f"{limits.max_pixels} pixels (templates/limits.yaml)"
                        ]
                    )
                if decode:
                    image.verify()  # chunk checksums
            if decode:
                with Image.open(path, formats=[expected] if expected else None) as image:
                    image.load()  # the pixels themselves: a broken stream shows here
    except ImageProblem:
        raise
    except Exception as exc:  # Pillow raises many types for broken or unexpected files
        raise ImageProblem(
            [f"{what} is not a readable {expected or 'image'} file: {exc}"]
        ) from None
    if not (width > 0 and height > 0):
        raise ImageProblem([f"{what} has no pixels"])
    return width, height


def svg_drawing(path: Path, what: str = "image") -> Any:
    """An SVG file -> the ReportLab drawing svglib makes of it, from the one tree that was
    checked; or ImageProblem listing every reason it cannot be used."""
    from svglib.svglib import SvgRenderer

    root = svg_tree(path, what)
    try:
        # nothing outside the SVG's own folder could be read (the checks refuse references)
        drawing = SvgRenderer(str(path), external_reference_root=str(path.parent)).render(root)
    except Exception as exc:  # svglib's many failures on odd values
        raise ImageProblem([f"SVG {what} cannot be drawn: {type(exc).__name__}: {exc}"]) from None
    size = (drawing.width, drawing.height)
    if not all(isinstance(v, int | float) and math.isfinite(v) and v > 0 for v in size):
        raise ImageProblem([f"SVG {what}s need a positive width and height (or viewBox)"])
    return drawing


def svg_tree(path: Path, what: str = "image") -> Any:
    """An SVG file's root element, parsed as svglib parses it, after every check passed."""
    from lxml import etree

    limits = bounds(path)
    why = paths.regular(path, limits.svg_max_bytes)
    if why:
        raise ImageProblem([f"SVG {what} file {why}"])
    try:
        with open(path, "rb") as fh:
            data = fh.read(limits.svg_max_bytes + 1)
    except OSError as exc:
        raise ImageProblem([f"{what} is not a readable SVG file: {exc.strerror}"]) from None
    if len(data) > limits.svg_max_bytes:  # grew since its status was read
        raise ImageProblem([f"SVG {what} file is over the limit of {limits.svg_max_bytes} bytes"])
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ImageProblem([f"SVG {what}s must be UTF-8 text (byte {exc.start})"]) from None
    # svglib's own parser settings (svglib.svglib.load_svg_file): the tree it would render
    parser = etree.XMLParser(remove_comments=True, recover=True, resolve_entities=False)
    root = etree.fromstring(data, parser)
    errors = [e for e in parser.error_log if e.level >= etree.ErrorLevels.ERROR]
    if root is None or errors:
        first = errors[0] if errors else None
        where = f" (line {first.line}: {first.message})" if first else ""
        raise ImageProblem([f"{what} is not a well-formed SVG file{where}"])
    found = _document_problems(root, what, limits)
    if found:
        raise ImageProblem(found)
    return root


def _document_problems(root: Any, what: str, limits: Bounds) -> list[str]:
    """What the whole document may not have: another encoding, a DOCTYPE, too many
    elements, processing instructions; then each element's own problems."""
    from lxml import etree

    info = root.getroottree().docinfo
    if (info.encoding or "UTF-8").upper() not in _ENCODINGS:
        return [f"SVG {what}s must be UTF-8 (not {info.encoding})"]
    if info.doctype or info.internalDTD is not None:
        return [f"SVG {what}s may not declare a DOCTYPE or entities"]
    if etree.QName(root).localname != "svg":
        return [f"{what} is not an SVG file (its root element is not <svg>)"]
    if sum(1 for _ in islice(root.iter(), limits.svg_max_elements + 1)) > limits.svg_max_elements:
        return [
            f"SVG {what} has more than {limits.svg_max_elements} elements (templates/limits.yaml)"
        ]
    around = [*root.itersiblings(preceding=True), *root.itersiblings()]
    found: set[str] = set()
    for node in [*around, *root.iter()]:
        found.update(_element_problems(node, what))
    return sorted(found)


def _element_problems(node: Any, what: str) -> list[str]:
    from lxml import etree

    if node.tag is etree.PI:  # <?xml-stylesheet href=...?> and the like
        return [f"SVG {what}s may not contain processing instructions"]
    if not isinstance(node.tag, str):  # an entity reference left unresolved
        return [f"SVG {what}s may not contain entities"]
    found = []
    tag = etree.QName(node).localname
    if tag in _SVG_FORBIDDEN:
        found.append(f"SVG {what}s may not contain <{tag}> ({_SVG_FORBIDDEN[tag]})")
    for name, value in node.attrib.items():
        if etree.QName(name).localname == "href" and not value.startswith("#"):
            found.append(f"SVG {what}s may not refer to other files ({value[:80]!r})")
        if any(not u.startswith("#") for u in _urls(value)):
            found.append(f"SVG {what}s may not refer to other files ({value[:80]!r})")
    return found


def _urls(value: str) -> list[str]:
    """The targets of every ``url(...)`` in an attribute value (CSS spells it in any case)."""
    return [m.group(1).strip().strip("'\"") for m in _URL.finditer(value)]


_URL = re.compile(r"url\(([^)]*)\)?", re.IGNORECASE)
