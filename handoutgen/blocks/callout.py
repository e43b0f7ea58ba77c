"""Callouts and boxes: ``type: callout`` (``kind``, ``title``, ``blocks``) and the templates'
``<callout>`` / ``<box>`` -> a framed group kept on one page, its bar and background colours
from the theme's ``boxes`` (a kind it does not list is drawn as a note)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal

from ..model import ContentBlock, DocBlock, Inline
from . import BlockKind, Reading, Translate, registry, strings

if TYPE_CHECKING:
    import xml.etree.ElementTree as ET

    from reportlab.platypus import Flowable

    from ..compose import Parser
    from ..layout.builder import Builder
    from ..load import JsonPath
    from ..pdf.structure import Node

CalloutKind = Literal["urgent", "warning", "tip", "note"]


@dataclass(frozen=True)
class Callout(ContentBlock):
    kind: CalloutKind
    title: str
    blocks: tuple[ContentBlock, ...]
    type = "callout"
    template = "blocks/callout.xml.j2"


@dataclass(frozen=True)
class DocBox(DocBlock):
    """A framed group kept on one page: a callout (urgent/warning/tip/note) or a standard box."""

    kind: str
    title: Inline | None
    blocks: tuple[DocBlock, ...]


class Kind(BlockKind):
    types = ("callout",)
    text_fields = ("title",)
    elements = ("callout", "box")
    document = (DocBox,)

    def read(self, data: dict[str, Any], path: JsonPath, reading: Reading) -> Callout:
        inner = []
        seen: set[str] = set()
        for n, block in enumerate(data["blocks"]):
            if block["id"] in seen:
                reading.problem((*path, "blocks", n, "id"), f"duplicate block id {block['id']!r}")
            seen.add(block["id"])
            kind = registry().for_type(block["type"])
            inner.append(kind.read(block, (*path, "blocks", n), reading))
        return Callout(data["id"], data["kind"], data["title"], tuple(inner))

    def strings(self, block: Callout, context: str, fn: Translate) -> Callout:
        return replace(
            block,
            title=fn(f"{context}/title", block.title),
            blocks=tuple(strings(b, context, fn) for b in block.blocks),
        )

    def compose(self, el: ET.Element, parser: Parser, where: str) -> list[DocBlock]:
        title_el = el.find("title")
        title = parser.inline(title_el, where) if title_el is not None else None
        inner = [c for c in el if c.tag != "title"]
        blocks = [b for c in inner for b in parser.block(c, f"{where}/{c.tag}")]
        kind = el.get("kind", "note")
        return [DocBox(kind, title, tuple(blocks), origin=parser.origin_of(el))]

    def layout(self, block: DocBox, b: Builder, parent: Node, width: float) -> list[Flowable]:
        sp = b.theme.spacing
        colors = b.theme.boxes.get(block.kind) or b.theme.boxes["note"]
        node = b.node("Div", parent, block)
        pad = sp["box_padding"]
        bar = sp["box_bar"] if colors.bar_width is None else colors.bar_width
        frame = colors.frame  # an outline all around: urgency as a shape, not only a tint
        inner_width = width - 2 * pad - bar - frame
        content: list[Flowable] = []
        if block.title:
            title_style = b.styles.derive("h3", textColor=b.color(colors.title))
            content.append(b.heading(block.title, title_style, b.level + 1, node, inner=True))
        for inner in block.blocks:
            content.extend(b.block(inner, node, inner_width))
        # the accent bar on the side where lines start: mirrored for right to left
        start, end = ("RIGHT", "LEFT") if b.rtl else ("LEFT", "RIGHT")
        table = b.grid(
            [[content]],
            [
                ("BACKGROUND", (0, 0), (-1, -1), b.color(colors.background)),
                ("LINEAFTER" if b.rtl else "LINEBEFORE", (0, 0), (0, -1), bar, b.color(colors.bar)),
                (f"{start}PADDING", (0, 0), (-1, -1), pad + bar),
                (f"{end}PADDING", (0, 0), (-1, -1), pad),
                ("TOPPADDING", (0, 0), (-1, -1), pad),
                ("BOTTOMPADDING", (0, 0), (-1, -1), pad - 3),
                *([("BOX", (0, 0), (-1, -1), frame, b.color(colors.bar))] if frame else []),
            ],
            colWidths=[width],
            splitInRow=1,
            box_lead=1 if block.title else 0,  # no piece of only its title at a page foot
        )
        space = sp["box_space"]
        return [b.keep_together([b.spacer(space / 2), b.tagged(table, node), b.spacer(space)])]

    def texts(self, block: DocBox) -> Iterator[tuple[str, Inline]]:
        if block.title:
            yield "h3", block.title
        for inner in block.blocks:
            yield from registry().of(inner).texts(inner)
