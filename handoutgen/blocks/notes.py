"""Notes pages: the templates' ``<notes><title>...</title></notes>`` -> nothing in the flow of a
leaflet; the page a booklet is padded with (to a multiple of four pages): the title as a
heading, then ruled lines to write on (decoration) down the page."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from reportlab.platypus import Flowable

from ..model import DocBlock, Inline
from ..pdf.marks import decoration
from . import BlockKind

if TYPE_CHECKING:
    import xml.etree.ElementTree as ET

    from ..compose import Parser
    from ..layout.builder import Builder
    from ..pdf.structure import Node


@dataclass(frozen=True)
class DocNotes(DocBlock):
    title: Inline


class RuledLines(Flowable):
    """Lines ``gap`` apart across the width, down the height it is given (decoration)."""

    def __init__(self, gap: float, width: float, color: Any) -> None:
        super().__init__()
        self.gap = gap
        self.line_width = width
        self.color = color

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width, self.height = avail_width, avail_height
        return avail_width, avail_height

    def draw(self) -> None:
        canv = self.canv
        with decoration(canv):
            canv.saveState()
            canv.setStrokeColor(self.color)
            canv.setLineWidth(self.line_width)
            y = self.height - self.gap
            while y >= 0:
                canv.line(0, y, self.width, y)
                y -= self.gap
            canv.restoreState()


class Kind(BlockKind):
    elements = ("notes",)
    document = (DocNotes,)

    def compose(self, el: ET.Element, parser: Parser, where: str) -> list[DocBlock]:
        title = el.find("title")
        if title is None:
            parser.fail(where, "<notes> needs a <title>", el)
            return []
        return [DocNotes(parser.inline(title, where), origin=parser.origin_of(el))]

    def layout(self, block: DocNotes, b: Builder, parent: Node, width: float) -> list[Flowable]:
        return []  # drawn only on the pages a booklet adds: see ``page``

    def page(self, block: DocNotes, b: Builder, parent: Node, *, first: bool) -> list[Flowable]:
        """One notes page: the title, then ruled lines to the page's foot. Only the first
        notes page's title goes in the outline."""
        sp = b.theme.spacing
        lines = RuledLines(sp["notes_line_gap"], sp["rule_width"], b.color(b.theme.colors["rule"]))
        return [b.heading(block.title, "h2", 2, parent, inner=not first), lines]

    def texts(self, block: DocNotes) -> Iterator[tuple[str, Inline]]:
        yield "h2", block.title
