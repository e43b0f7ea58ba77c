"""ReportLab's canvas for a leaflet: pages kept until the document is saved (so that what every
page shows last can know the page count), and image files drawn from a copy prepared once."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Sequence
from typing import Any

from reportlab.lib.utils import ImageReader, _digester
from reportlab.pdfbase.pdfdoc import PDFImageXObject, PDFObjectReference
from reportlab.pdfgen.canvas import Canvas

from .. import cache
from ..cache.keys import file_digest
from . import fast


class DeferredCanvas(Canvas):
    """Keeps every page until ``save``; then ``finish_page(page, pages)`` runs on each page in
    turn, with the page current and the total known, before the page is written.

    With ``place_pages(origin, sides)``, each page is drawn at ``origin(page)`` of a larger
    PDF page (a print shop's media, a booklet's sheet), and ``sides(pages)`` groups the pages
    each PDF page holds (a booklet's two, side by side); the marked content of a page that
    joins another is renumbered after it (``mcid_offset``)."""

    origin: Callable[[int], tuple[float, float]] | None = None
    sides: Callable[[int], Sequence[Sequence[int]]] | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deferred: list[dict[str, Any]] = []

    @property
    def page(self) -> int:
        """The number of the page being drawn, from 1."""
        return len(self._deferred) + 1

    @property
    def pages(self) -> int:
        """The pages finished so far."""
        return len(self._deferred)

    def place_pages(
        self,
        origin: Callable[[int], tuple[float, float]],
        sides: Callable[[int], Sequence[Sequence[int]]] | None = None,
    ) -> None:
        """Draw every page from here on at ``origin(page)``; write the pages of each group of
        ``sides(pages)`` on one PDF page."""
        self.origin, self.sides = origin, sides
        self._place()

    def _place(self) -> None:
        if self.origin is not None:
            x, y = self.origin(self.page)
            if x or y:
                self.translate(x, y)

    def showPage(self) -> None:
        self._deferred.append(dict(self.__dict__))
        self._startPage()
        self._place()

    def finish_page(self, page: int, pages: int) -> None:
        """What is drawn on each page once the page count is known (overridden)."""

    def before_save(self) -> None:
        """Called once every page is laid out, before any is finished (overridden: pages
        added here, each ended by ``showPage``, count too)."""

    def mcid_offset(self, page: int, shared: Sequence[int]) -> int:
        """How far the marked-content ids of ``page`` move on a PDF page it shares with the
        pages ``shared`` (overridden)."""
        return 0

    def page_written(self, page: Any) -> None:
        """Called with each page's dictionary (ReportLab's PDFPage) as it is written."""

    def finish_document(self) -> None:
        """Called once every page is written, before the file is (overridden)."""

    def _setAnnotations(self, page: Any) -> None:  # ReportLab's last step for a page
        super()._setAnnotations(page)
        self.page_written(page)

    def save(self) -> None:
        self.before_save()
        total = len(self._deferred)
        if self.sides is None:
            for number, state in enumerate(self._deferred, start=1):
                self.__dict__.update(state)
                self.finish_page(number, total)
                Canvas.showPage(self)
        else:
            for group in self.sides(total):
                self._write_side(group, total)
        self.finish_document()
        Canvas.save(self)

    def _write_side(self, group: Sequence[int], total: int) -> None:
        """The pages of ``group`` finished and written as one PDF page, each in its own
        graphics state (its own origin), in reading order: their content, marked-content ids,
        resources and annotations one after the other."""
        code: list[str] = []
        forms: list[Any] = []
        annotations: list[Any] = []
        colors: dict[Any, Any] = {}
        shading: dict[Any, Any] = {}
        images = 0
        for number in sorted(group):  # in reading order, wherever on the sheet each lies
            self.__dict__.update(self._deferred[number - 1])
            self.finish_page(number, total)
            offset = self.mcid_offset(number, group)
            code += ["q", *(renumbered(self._code, offset) if offset else self._code), "Q"]
            forms += self._formsinuse
            annotations += self._annotationrefs
            colors.update(self._colorsUsed)
            shading.update(self._shadingUsed)
            images |= bool(self._currentPageHasImages)
        self._code, self._formsinuse, self._annotationrefs = code, forms, annotations
        self._colorsUsed, self._shadingUsed = colors, shading
        self._currentPageHasImages = images
        Canvas.showPage(self)


_MCID = re.compile(r"(/\w+ <</MCID )(\d+)(>> BDC)")


def renumbered(code: list[str], offset: int) -> list[str]:
    """A page's content with every marked-content id moved by ``offset`` (each is written as
    an operator of its own: ``/P <</MCID 3>> BDC``)."""
    out = []
    for item in code:
        match = _MCID.fullmatch(item)
        if match:
            item = f"{match.group(1)}{int(match.group(2)) + offset}{match.group(3)}"
        out.append(item)
    return out


def draw_runs(
    canv: Canvas,
    y: float,
    size: float,
    runs: Sequence[tuple[int, float, str, str, Any, bool]],
    *,
    reversed_marks: bool,
) -> None:
    """Runs of (rank, x, text, font, colour, reversed) on the baseline ``y``, written in the
    order given as one text object. With ``reversed_marks``, a run whose characters are in
    reverse (display) order is marked ``/ReversedChars`` (ISO 32000-1 14.8.2.3.3), for text
    extraction and screen readers."""
    text = canv.beginText(0, y)
    for _, x, chars, font, color, reverse in runs:
        text.setTextOrigin(x, y)
        text.setFont(font, size)
        text.setFillColor(color)
        marked = reverse and reversed_marks
        if marked:
            text._code.append("/ReversedChars BMC")
        text.textOut(chars)
        if marked:
            text._code.append("EMC")
    canv.drawText(text)


_images = cache.memo("prepared images", kept=16)


def _prepared(path: str, mask: Any) -> PDFImageXObject:
    """An image file as a PDF image, named as ReportLab names an ImageReader's (by its pixels
    and mask), made once per process and file content."""
    key = (path, file_digest(path), mask)
    found = _images.get(key)
    if found is None:
        reader = ImageReader(path)
        rgb = reader.getRGBData()  # also splits off the alpha channel, as _dataA
        alpha = reader._dataA
        mdata = alpha.getRGBData() if mask == "auto" and alpha else str(mask).encode()
        found = _images.put(key, PDFImageXObject(_digester(rgb + mdata), reader, mask=mask))
    return found


def draw_image(canv: Canvas, path: str, x: float, y: float, width: float, height: float) -> None:
    """An image file drawn at a size (transparency kept), named by its pixels so the bytes do
    not depend on where the file lies. With the fast paths on, from a copy decoded and
    compressed once per process (about 2 ms a leaflet), registered as ReportLab registers an
    ImageReader's; else by ReportLab's drawImage from an ImageReader."""
    mask = "auto"
    if not fast():
        canv.drawImage(ImageReader(path), x, y, width, height, mask=mask)
        return
    prepared = _prepared(path, mask)
    doc = canv._doc
    registered = doc.getXObjectName(prepared.name)
    if registered not in doc.idToObject:
        obj = copy.copy(prepared)  # ReportLab sets document references on it
        canv._setXObjects(obj)
        doc.Reference(obj, registered)
        doc.addForm(obj.name, obj)
        smask = getattr(obj, "_smask", None)
        if smask:
            smask = copy.copy(smask)
            mask_name = doc.getXObjectName(smask.name)
            if mask_name in doc.idToObject:
                obj.smask = PDFObjectReference(mask_name)
            else:
                canv._setXObjects(smask)
                obj.smask = doc.Reference(smask, mask_name)
            del obj._smask
    canv._currentPageHasImages = 1
    canv.saveState()
    canv.translate(x, y)
    canv.scale(width, height)
    canv._code.append(f"/{registered} Do")
    canv.restoreState()
    canv._formsinuse.append(prepared.name)  # the page's resources list it
