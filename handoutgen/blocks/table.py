"""Data tables: ``type: table`` (``header``, ``rows``, optional ``widths`` and ``caption``) and
the templates' ``<table>`` -> a table whose caption and header row repeat on every page it
reaches, striped rows, columns right to left in right-to-left leaflets."""

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
class Table(ContentBlock):
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...] | None = None
    caption: str | None = None
    type = "table"
    template = "blocks/table.xml.j2"


@dataclass(frozen=True)
class DocTable(DocBlock):
    header: tuple[Inline, ...]
    rows: tuple[tuple[Inline, ...], ...]
    widths: tuple[float, ...] | None = None
    caption: Inline | None = None


class Kind(BlockKind):
    types = ("table",)
    text_fields = ("caption", "header", "rows")
    elements = ("table",)
    document = (DocTable,)

    def read(self, data: dict[str, Any], path: JsonPath, reading: Reading) -> Table:
        columns = len(data["header"])
        for n, row in enumerate(data["rows"]):
            if len(row) != columns:
                reading.problem(
                    (*path, "rows", n), f"row has {len(row)} cell(s), the header has {columns}"
                )
        if "widths" in data and len(data["widths"]) != columns:
            reading.problem(
                (*path, "widths"), f"{len(data['widths'])} widths for {columns} columns"
            )
        widths = tuple(float(w) for w in data["widths"]) if "widths" in data else None
        rows = tuple(tuple(r) for r in data["rows"])
        return Table(data["id"], tuple(data["header"]), rows, widths, data.get("caption"))

    def strings(self, block: Table, context: str, fn: Translate) -> Table:
        return replace(
            block,
            caption=fn(f"{context}/caption", block.caption) if block.caption else None,
            header=tuple(fn(f"{context}/header", h) for h in block.header),
            rows=tuple(tuple(fn(context, cell) for cell in row) for row in block.rows),
        )

    def compose(self, el: ET.Element, parser: Parser, where: str) -> list[DocBlock]:
        rows = el.findall("tr")
        header = tuple(parser.inline(c, where) for c in rows[0]) if rows else ()
        body = tuple(tuple(parser.inline(c, where) for c in r) for r in rows[1:])
        widths = None
        if el.get("widths"):
            try:
                widths = tuple(float(w) for w in el.get("widths", "").split(","))
            except ValueError:
                parser.fail(where, f"widths {el.get('widths')!r} are not numbers")
        cap = el.find("caption")
        caption = parser.inline(cap, where) if cap is not None else None
        return [DocTable(header, body, widths, caption, origin=parser.origin_of(el))]

    def layout(self, block: DocTable, b: Builder, parent: Node, width: float) -> list[Flowable]:
        """Its caption is a spanning first row, repeated with the header row on every page
        the table reaches, so the table can split anywhere between rows."""
        sp = b.theme.spacing
        colors = b.theme.colors
        node = b.node("Table", parent, block)
        weights = block.widths or tuple(1.0 for _ in block.header)
        col_widths = [width * w / sum(weights) for w in weights]
        rows: list[list[Any]] = []
        if block.caption:
            caption = b.para(block.caption, "caption", "Caption", node)
            rows.append([caption] + [""] * (len(col_widths) - 1))
        top = len(rows)  # index of the header row
        head = b.node("TR", node)
        rows.append([b.para(c, "table_header", "TH", head, Scope="Column") for c in block.header])
        for row in block.rows:
            tr = b.node("TR", node)
            rows.append([b.para(c, "table_cell", "TD", tr) for c in row])
        if b.rtl:  # columns run right to left
            rows = [list(reversed(r)) if i >= top else r for i, r in enumerate(rows)]
            col_widths.reverse()
        pad = sp["table_padding"]
        commands: list[tuple[Any, ...]] = [
            ("BACKGROUND", (0, top), (-1, top), b.color(colors["table_header"])),
            ("GRID", (0, top), (-1, -1), sp["grid_width"], b.color(colors["table_grid"])),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, top), (-1, -1), pad),
            ("RIGHTPADDING", (0, top), (-1, -1), pad),
            ("TOPPADDING", (0, top), (-1, -1), pad),
            ("BOTTOMPADDING", (0, top), (-1, -1), pad),
        ]
        if top:
            commands += [
                ("SPAN", (0, 0), (-1, 0)),
                ("LEFTPADDING", (0, 0), (-1, 0), 0),
                ("TOPPADDING", (0, 0), (-1, 0), 0),
                ("BOTTOMPADDING", (0, 0), (-1, 0), 2),
            ]
        commands += [
            ("BACKGROUND", (0, r), (-1, r), b.color(colors["table_stripe"]))
            for r in range(top + 2, len(rows), 2)
        ]
        table = b.grid(
            rows, commands, data=True, colWidths=col_widths, repeatRows=top + 1, splitByRow=1
        )
        return [b.tagged(table, node), b.spacer(sp["box_space"])]

    def texts(self, block: DocTable) -> Iterator[tuple[str, Inline]]:
        if block.caption:
            yield "caption", block.caption
        for cell in block.header:
            yield "table_header", cell
        for row in block.rows:
            for cell in row:
                yield "table_cell", cell
