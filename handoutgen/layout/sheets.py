"""A leaflet's sheets on its canvas: the edition's Sheets (``handoutgen.sheets``) -> every page
drawn at its place on the PDF page, a print shop's trim and bleed boxes and crop marks (an
artifact), and a booklet's notes pages (the document's ``<notes>``) up to a multiple of four."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reportlab.platypus import Flowable

from ..blocks import registry
from ..model import Document
from ..pdf.marks import decoration
from ..rl.doc import frame
from ..sheets import Sheets, padded
from ..theme import MM
from .builder import Builder
from .page import Page
from .styles import color


def place(canv: Any, sheets: Sheets) -> None:
    """Set ``canv`` up for ``sheets``: where each page is drawn, which pages share a PDF page,
    a print shop's boxes."""
    if sheets.media == sheets.page:
        return
    boxes = sheets.boxes()
    if boxes:
        canv.setTrimBox(boxes["trim"])
        canv.setBleedBox(boxes["bleed"])
    canv.place_pages(sheets.origin, sheets.sides if sheets.booklet else None)


def crop_marks(sheets: Sheets) -> Callable[[Any, int, int], None] | None:
    """A painter of a print shop's crop marks: two at each corner of the trim box, in line
    with its edges, outside the bleed (drawn from the trim box's origin)."""
    shop = sheets.shop
    if shop is None:
        return None
    start, length = shop.mark_offset_mm * MM, shop.mark_length_mm * MM
    width, height = sheets.page
    ink = color(shop.mark_color)

    def paint(canv: Any, page: int, pages: int) -> None:
        canv.saveState()
        canv.setStrokeColor(ink)
        canv.setLineWidth(shop.mark_width)
        for x, out_x in ((0, -1), (width, 1)):
            for y, out_y in ((0, -1), (height, 1)):
                canv.line(x + out_x * start, y, x + out_x * (start + length), y)
                canv.line(x, y + out_y * start, x, y + out_y * (start + length))
        canv.restoreState()

    return paint


def notes_pages(
    document: Document, builder: Builder, geometry: Page
) -> Callable[[Any], None] | None:
    """What pads a booklet to a multiple of four pages: a notes page (the document's
    ``<notes>``: its title on the first, ruled lines on each) in the frame of a later page."""
    found = [(registry().of(b), b) for b in document.blocks]
    found = [(kind, b) for kind, b in found if hasattr(kind, "page")]
    if not found:
        return None
    kind, block = found[0]
    later = geometry.later

    def pad(canv: Any) -> None:
        for n in range(padded(canv.pages) - canv.pages):
            flowables = kind.page(block, builder, builder.root, first=n == 0)  # type: ignore[attr-defined]
            frame("notes", later.x1, later.y1, later.width, later.height).addFromList(
                flowables, canv
            )
            canv.showPage()

    return pad


class EdgeBand(Flowable):
    """A band (``inner``, its background ``fill`` and the rule under it) carried on past the
    text frame by ``edge`` (left, right): to the trim edges and through the bleed, drawn as
    decoration."""

    def __init__(
        self, inner: Flowable, edge: tuple[float, float], fill: Any, rule: tuple[float, Any]
    ) -> None:
        super().__init__()
        self.inner = inner
        self.edge = edge
        self.fill = fill
        self.rule = rule

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        canv = getattr(self, "canv", None)
        if canv is None:
            self.width, self.height = self.inner.wrap(avail_width, avail_height)
        else:
            self.width, self.height = self.inner.wrapOn(canv, avail_width, avail_height)
        return self.width, self.height

    def getSpaceBefore(self) -> float:
        return self.inner.getSpaceBefore()

    def getSpaceAfter(self) -> float:
        return self.inner.getSpaceAfter()

    def draw(self) -> None:
        canv = self.canv
        left, right = self.edge
        rule_width, rule_color = self.rule
        with decoration(canv):
            canv.saveState()
            canv.setFillColor(self.fill)
            canv.rect(-left, 0, left, self.height, stroke=0, fill=1)
            canv.rect(self.width, 0, right, self.height, stroke=0, fill=1)
            canv.setStrokeColor(rule_color)
            canv.setLineWidth(rule_width)
            canv.line(-left, 0, 0, 0)
            canv.line(self.width, 0, self.width + right, 0)
            canv.restoreState()
        self.inner.drawOn(canv, 0, 0)
