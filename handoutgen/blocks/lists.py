"""Lists: ``type: bullets | steps | checklist`` (``items``, optional ``intro``) and the
templates' ``<list kind="...">`` -> bulleted, numbered or tick-box items (L > LI)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal

from ..model import ContentBlock, DocBlock, Inline
from . import BlockKind, Reading, Translate

if TYPE_CHECKING:
    import xml.etree.ElementTree as ET

    from reportlab.platypus import Flowable

    from ..compose import Parser
    from ..layout.builder import Builder
    from ..load import JsonPath
    from ..pdf.structure import Node

ListKind = Literal["bullets", "steps", "checklist"]
KINDS = ("bullets", "steps", "checklist")


@dataclass(frozen=True)
class ItemList(ContentBlock):
    kind: ListKind
    items: tuple[str, ...]
    intro: str | None = None
    template = "blocks/list.xml.j2"

    @property
    def type(self) -> str:  # type: ignore[override]
        return self.kind


@dataclass(frozen=True)
class DocList(DocBlock):
    kind: ListKind
    items: tuple[Inline, ...]


class Kind(BlockKind):
    types = KINDS
    text_fields = ("items", "intro")
    elements = ("list",)
    document = (DocList,)

    def read(self, data: dict[str, Any], path: JsonPath, reading: Reading) -> ItemList:
        return ItemList(data["id"], data["type"], tuple(data["items"]), data.get("intro"))

    def strings(self, block: ItemList, context: str, fn: Translate) -> ItemList:
        return replace(
            block,
            intro=fn(f"{context}/intro", block.intro) if block.intro else None,
            items=tuple(fn(context, item) for item in block.items),
        )

    def compose(self, el: ET.Element, parser: Parser, where: str) -> list[DocBlock]:
        kind = el.get("kind", "bullets")
        if kind not in KINDS:
            parser.fail(where, f"unknown list kind {kind!r} (expected one of {', '.join(KINDS)})")
            kind = "bullets"
        items = tuple(parser.inline(li, where) for li in el.findall("li"))
        return [DocList(kind, items, origin=parser.origin_of(el))]  # type: ignore[arg-type]

    def layout(self, block: DocList, b: Builder, parent: Node, width: float) -> list[Flowable]:
        lnode = b.node("L", parent, block)
        items: list[Flowable] = []
        checklist = block.kind == "checklist"
        style = b.styles.para["list_item"]
        last = b.styles.derive("list_item", spaceAfter=b.styles.para["body"].spaceAfter)
        for n, spans in enumerate(block.items, start=1):
            item = b.node("LI", lnode)
            if n == len(block.items):
                style = last
            marker = None if checklist else f"{n}." if block.kind == "steps" else "\u2022"
            label = None if checklist else b.node("Lbl", item)  # a tick box is decoration
            body = b.node("LBody", item)
            body.label = label
            items.append(b.tagged(b.text(spans, style, marker=marker, box=checklist), body))
        return [b.keep_together(items)] if checklist else items

    def texts(self, block: DocList) -> Iterator[tuple[str, Inline]]:
        for item in block.items:
            yield "list_item", item
