"""ReportLab's canvas for a leaflet: pages kept until the document is saved (so that what every
page shows last can know the page count), and image files drawn from a copy prepared once."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from reportlab.lib.utils import ImageReader, _digester
from reportlab.pdfbase.pdfdoc import PDFImageXObject, PDFObjectReference
from reportlab.pdfgen.canvas import Canvas

from .. import cache
from ..cache.keys import file_digest
from . import fast


class DeferredCanvas(Canvas):
    """Keeps every page until ``save``; then ``finish_page(page, pages)`` runs on each page in
    turn, with the page current and the total known, before the page is written."""

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

    def showPage(self) -> None:
        self._deferred.append(dict(self.__dict__))
        self._startPage()

    def finish_page(self, page: int, pages: int) -> None:
        """What is drawn on each page once the page count is known (overridden)."""

    def page_written(self, page: Any) -> None:
        """Called with each page's dictionary (ReportLab's PDFPage) as it is written."""

    def finish_document(self) -> None:
        """Called once every page is written, before the file is (overridden)."""

    def _setAnnotations(self, page: Any) -> None:  # ReportLab's last step for a page
        super()._setAnnotations(page)
        self.page_written(page)

    def save(self) -> None:
        total = len(self._deferred)
        for number, state in enumerate(self._deferred, start=1):
            self.__dict__.update(state)
            self.finish_page(number, total)
            Canvas.showPage(self)
        self.finish_document()
        Canvas.save(self)


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
