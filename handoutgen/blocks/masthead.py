"""The masthead: the templates' ``<masthead logo=... logo-alt=...>`` with the clinic's name and
tagline -> the brand's logo (a Figure with its alt text) beside the name, mirrored for
right-to-left leaflets."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..model import DocBlock, Inline
from . import BlockKind

if TYPE_CHECKING:
    import xml.etree.ElementTree as ET

    from reportlab.platypus import Flowable

    from ..compose import Parser
    from ..layout.builder import Builder
    from ..pdf.structure import Node


@dataclass(frozen=True)
class DocMasthead(DocBlock):
    name: Inline
    tagline: Inline | None
    logo: Path | None
    logo_alt: str


class Kind(BlockKind):
    elements = ("masthead",)
    document = (DocMasthead,)

    def compose(self, el: ET.Element, parser: Parser, where: str) -> list[DocBlock]:
        name_el = el.find("name")
        if name_el is None:
            parser.fail(where, "<masthead> needs a <name>")
            return []
        tag_el = el.find("tagline")
        tagline = parser.inline(tag_el, where) if tag_el is not None else None
        logo = Path(el.get("logo", "")) if el.get("logo") else None
        if logo is not None and logo != parser.logo:  # only the brand's own, checked logo
            parser.fail(where, f"<masthead logo={str(logo)!r}> is not the brand's logo", el)
            return []
        return [
            DocMasthead(
                parser.inline(name_el, where),
                tagline,
                logo,
                el.get("logo-alt", ""),
                origin=parser.origin_of(el),
            )
        ]

    def layout(self, block: DocMasthead, b: Builder, parent: Node, width: float) -> list[Flowable]:
        sp = b.theme.spacing
        node = b.node("Div", parent, block)
        text = [b.para(block.name, "masthead_name", "P", node)]
        if block.tagline:
            text.append(b.para(block.tagline, "masthead_tagline", "P", node))
        cells: list[Any] = []
        widths: list[float] = []
        if block.logo:
            logo, logo_width = b.image_at_height(block.logo, sp["masthead_logo_height_mm"] * b.mm)
            cells.append(b.tagged(logo, b.node("Figure", node, alt=block.logo_alt)))
            widths.append(logo_width + sp["logo_gap"])
        cells.append(text)
        widths.append(b.width - sum(widths))
        align: list[tuple[Any, ...]] = []
        if b.rtl:  # the logo on the right, the name to its left, right-aligned
            cells.reverse()
            widths.reverse()
            align = [("ALIGN", (-1, 0), (-1, 0), "RIGHT")]
        table = b.grid(
            [cells],
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                *align,
            ],
            colWidths=widths,
        )
        return [b.tagged(table, node), b.spacer(sp["masthead_space"])]

    def texts(self, block: DocMasthead) -> Iterator[tuple[str, Inline]]:
        yield "masthead_name", block.name
        if block.tagline:
            yield "masthead_tagline", block.tagline
