"""Definitions: ``type: definitions`` (``items`` of ``{term, text}``, optional ``intro``) and the
templates' ``<dl>`` -> terms in the heading face, each explanation indented under its term."""

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


@dataclass(frozen=True)
class Definition:
    term: str
    text: str


@dataclass(frozen=True)
class Definitions(ContentBlock):
    items: tuple[Definition, ...]
    intro: str | None = None
    type = "definitions"
    template = "blocks/definitions.xml.j2"


@dataclass(frozen=True)
class DocDefinitions(DocBlock):
    items: tuple[tuple[Inline, Inline], ...]


class Kind(BlockKind):
    types = ("definitions",)
    text_fields = ("items", "intro", "term", "text")
    elements = ("dl",)
    document = (DocDefinitions,)

    def read(self, data: dict[str, Any], path: JsonPath, reading: Reading) -> Definitions:
        items = tuple(Definition(i["term"], i["text"]) for i in data["items"])
        return Definitions(data["id"], items, data.get("intro"))

    def strings(self, block: Definitions, context: str, fn: Translate) -> Definitions:
        return replace(
            block,
            intro=fn(f"{context}/intro", block.intro) if block.intro else None,
            items=tuple(
                Definition(fn(f"{context}/term", d.term), fn(f"{context}/text", d.text))
                for d in block.items
            ),
        )

    def compose(self, el: ET.Element, parser: Parser, where: str) -> list[DocBlock]:
        terms = [parser.inline(e, where) for e in el.findall("dt")]
        texts = [parser.inline(e, where) for e in el.findall("dd")]
        if len(terms) != len(texts):
            parser.fail(where, f"{len(terms)} <dt> but {len(texts)} <dd>")
        pairs = tuple(zip(terms, texts, strict=False))
        return [DocDefinitions(pairs, origin=parser.origin_of(el))]

    def layout(
        self, block: DocDefinitions, b: Builder, parent: Node, width: float
    ) -> list[Flowable]:
        sp = b.theme.spacing
        lnode = b.node("L", parent, block)
        out: list[Flowable] = []
        term_style = b.styles.derive(
            "body",
            fontName=b.styles.para["h3"].fontName,
            spaceAfter=sp["term_space_after"],
            keepWithNext=1,
        )
        indent = "rightIndent" if b.rtl else "leftIndent"
        text_style = b.styles.derive("body", **{indent: sp["list_indent"]})
        for term, text in block.items:
            item = b.node("LI", lnode)
            out.append(b.para(term, term_style, "Lbl", item))
            out.append(b.para(text, text_style, "LBody", item))
        return out

    def texts(self, block: DocDefinitions) -> Iterator[tuple[str, Inline]]:
        for term, text in block.items:
            yield "h3", term
            yield "body", text
