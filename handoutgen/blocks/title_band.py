"""The title band: the templates' ``<title-band>`` -> the leaflet's title (H1, the first
outline entry) on a band of the brand's primary colour with an accent rule."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..model import DocBlock, Inline
from . import BlockKind

if TYPE_CHECKING:
    import xml.etree.ElementTree as ET

    from reportlab.platypus import Flowable

    from ..compose import Parser
    from ..layout.builder import Builder
    from ..pdf.structure import Node


@dataclass(frozen=True)
class DocTitleBand(DocBlock):
    title: Inline


class Kind(BlockKind):
    elements = ("title-band",)
    document = (DocTitleBand,)

    def compose(self, el: ET.Element, parser: Parser, where: str) -> list[DocBlock]:
        return [DocTitleBand(parser.inline(el, where), origin=parser.origin_of(el))]

    def layout(self, block: DocTitleBand, b: Builder, parent: Node, width: float) -> list[Flowable]:
        sp = b.theme.spacing
        colors = b.theme.colors
        band = b.node("Div", parent, block)
        title = b.heading(block.title, "title", 1, band)
        pad = sp["band_padding"]
        table = b.grid(
            [[title]],
            [
                ("BACKGROUND", (0, 0), (-1, -1), b.color(colors["primary"])),
                ("LINEBELOW", (0, 0), (-1, -1), sp["band_rule"], b.color(colors["accent"])),
                ("LEFTPADDING", (0, 0), (-1, -1), pad),
                ("RIGHTPADDING", (0, 0), (-1, -1), pad),
                ("TOPPADDING", (0, 0), (-1, -1), pad),
                ("BOTTOMPADDING", (0, 0), (-1, -1), pad),
            ],
            colWidths=[width],
        )
        made = b.tagged(table, band)
        if b.edge != (0.0, 0.0):  # a print shop's: the band runs on to the edges, and past
            from ..layout.sheets import EdgeBand

            accent = (sp["band_rule"], b.color(colors["accent"]))
            return [EdgeBand(made, b.edge, b.color(colors["primary"]), accent)]
        return [made]

    def texts(self, block: DocTitleBand) -> Iterator[tuple[str, Inline]]:
        yield "title", block.title
