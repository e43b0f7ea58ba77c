"""Paragraphs: ``type: paragraph`` (``text``) and the templates' ``<p class="...">`` -> a
paragraph in one of the theme's text styles."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from ..model import ContentBlock, DocBlock, Inline
from . import BlockKind, Reading, Translate

if TYPE_CHECKING:
    import xml.etree.ElementTree as ET

    from reportlab.platypus import Flowable

    from ..compose import Parser
    from ..layout.builder import Builder
    from ..load import JsonPath
    from ..pdf.structure import Node

CLASSES = ("body", "summary", "small", "large")  # the styles a template's <p> may name


@dataclass(frozen=True)
class Paragraph(ContentBlock):
    text: str
    type = "paragraph"
    template = "blocks/paragraph.xml.j2"


@dataclass(frozen=True)
class DocPara(DocBlock):
    text: Inline
    style: str = "body"
    keep_with_next: bool = False  # an introduction stays on the page of what it introduces


class Kind(BlockKind):
    types = ("paragraph",)
    text_fields = ("text",)
    elements = ("p",)
    document = (DocPara,)

    def read(self, data: dict[str, Any], path: JsonPath, reading: Reading) -> Paragraph:
        return Paragraph(data["id"], data["text"])

    def strings(self, block: Paragraph, context: str, fn: Translate) -> Paragraph:
        return replace(block, text=fn(context, block.text))

    def compose(self, el: ET.Element, parser: Parser, where: str) -> list[DocBlock]:
        cls = el.get("class", "body")
        if cls not in CLASSES:
            parser.fail(where, f"unknown paragraph class {cls!r}")
        text = parser.inline(el, where)
        return [DocPara(text, cls, el.get("keep") == "next", origin=parser.origin_of(el))]

    def layout(self, block: DocPara, b: Builder, parent: Node, width: float) -> list[Flowable]:
        style: Any = block.style
        if block.keep_with_next:
            style = b.styles.derive(block.style, keepWithNext=1)
        return [b.para(block.text, style, "P", parent)]

    def texts(self, block: DocPara) -> Iterator[tuple[str, Inline]]:
        yield block.style, block.text
