"""Headings: a section's ``heading`` (composed as ``<h2>`` by the templates) -> an H2 or H3 in
the heading styles, an outline entry for H2."""

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
class DocHeading(DocBlock):
    level: int
    text: Inline
    anchor: str | None = None


def style_of(level: int) -> str:
    return "h2" if level <= 2 else "h3"


class Kind(BlockKind):
    elements = ("h2", "h3")
    document = (DocHeading,)

    def compose(self, el: ET.Element, parser: Parser, where: str) -> list[DocBlock]:
        level = int(el.tag[1])
        return [DocHeading(level, parser.inline(el, where), origin=parser.origin_of(el))]

    def layout(self, block: DocHeading, b: Builder, parent: Node, width: float) -> list[Flowable]:
        return [b.heading(block.text, style_of(block.level), block.level, parent)]

    def texts(self, block: DocHeading) -> Iterator[tuple[str, Inline]]:
        yield style_of(block.level), block.text
