"""Image files (PNG, JPEG, SVG) -> flowables of a given height or width: a raster image drawn
from the canvas's prepared copy, an SVG as ReportLab vector drawing; sizes read once per file
content."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable

from .. import cache, imagefiles, paths
from ..cache.keys import file_digest
from ..errors import RenderError
from ..rl.canvas import draw_image

_sizes = cache.memo("image sizes")


def natural_size(path: Path) -> tuple[float, float]:
    """An image's own width and height (points for SVG, pixels for raster images). Raises
    RenderError naming the file if it is not one the checks accept (``imagefiles``)."""
    why = paths.regular(path)  # before hashing it: a FIFO put in its place would block
    if why:
        raise RenderError(f"{imagefiles.shown(path)}: {why}")
    key = (path, file_digest(path))
    found = _sizes.get(key)
    if found is None:
        if path.suffix.lower() == ".svg":
            drawing = _svg(path)
            found = (drawing.width, drawing.height)
        else:
            _checked(imagefiles.raster_size, path)  # from its header, before decoding
            found = ImageReader(str(path)).getSize()
        found = _sizes.put(key, found)
    return found


def _svg(path: Path) -> Any:
    """The drawing of an SVG, made from the very tree the checks passed."""
    return _checked(imagefiles.svg_drawing, path)


def _checked(read: Callable[[Path], Any], path: Path) -> Any:
    try:
        return read(path)
    except imagefiles.ImageProblem as exc:
        raise RenderError(f"{imagefiles.shown(path)}: {exc}") from None


def scaled(path: Path, scale: float, font: str, height: float | None = None) -> Flowable:
    """The image at ``scale`` times its own size (``height``: the height that scale gives,
    as the caller computed it); an SVG starts in ``font`` (else in ReportLab's non-embedded
    Helvetica)."""
    w, h = natural_size(path)
    if path.suffix.lower() == ".svg":
        drawing = _svg(path)
        drawing.scale(scale, scale)
        drawing.width, drawing.height = w * scale, h * scale
        drawing.initialFontName = font
        return drawing
    return Picture(str(path), w * scale, h * scale if height is None else height)


def at_height(path: Path, height: float, font: str) -> tuple[Flowable, float]:
    """The image scaled to ``height``, and its width."""
    w, h = natural_size(path)
    scale = height / h
    return scaled(path, scale, font, height), w * scale


class Picture(Flowable):
    """A raster image file drawn at a fixed size, centred in its space like ReportLab's Image."""

    def __init__(self, path: str, width: float, height: float) -> None:
        super().__init__()
        self.path = path
        self.width, self.height = width, height
        self.hAlign = "CENTER"

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        try:
            draw_image(self.canv, self.path, 0, 0, self.width, self.height)
        except Exception as exc:  # a file damaged since it was checked: named, not a crash
            shown = imagefiles.shown(Path(self.path))
            raise RenderError(f"{shown}: cannot draw the image: {type(exc).__name__}") from None
