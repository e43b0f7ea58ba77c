"""The online copy: the templates' ``<online href=...>`` (the brand's ``online_url`` for this
leaflet) with its alt text and lines -> a vector QR code (a Figure with the alt text) beside
the lines, which show the address as a link; the code on the side where lines start."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from reportlab.graphics.barcode import qrencoder
from reportlab.platypus import Flowable

from ..inline import plain_text
from ..model import DocBlock, Inline
from . import BlockKind

if TYPE_CHECKING:
    import xml.etree.ElementTree as ET

    from ..compose import Parser
    from ..layout.builder import Builder
    from ..pdf.structure import Node

QUIET_ZONE = 4  # modules of blank margin around a QR code (ISO/IEC 18004)


@dataclass(frozen=True)
class DocOnline(DocBlock):
    url: str
    alt: str
    lines: tuple[Inline, ...]


def modules(data: str) -> list[list[bool]]:
    """The dark (True) and light modules of ``data``'s QR code, error correction level M,
    the smallest version that holds it (ReportLab's encoder)."""
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(data)
    code.make()
    return [[bool(m) for m in row] for row in code.modules]


class QrCode(Flowable):
    """A QR code ``size`` wide and tall, quiet zone included, drawn as one filled path of
    rectangles (vector, no picture)."""

    def __init__(self, data: str, size: float, fill: Any) -> None:
        super().__init__()
        self.rows = modules(data)
        self.size = size
        self.fill = fill
        self.width = self.height = size

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        count = len(self.rows) + 2 * QUIET_ZONE
        unit = self.size / count
        path = self.canv.beginPath()
        for r, row in enumerate(self.rows):
            top = self.size - (r + QUIET_ZONE) * unit
            c = 0
            for dark, run in itertools.groupby(row):
                n = len(list(run))
                if dark:
                    path.rect((c + QUIET_ZONE) * unit, top - unit, n * unit, unit)
                c += n
        self.canv.setFillColor(self.fill)
        self.canv.drawPath(path, stroke=0, fill=1)


class Kind(BlockKind):
    elements = ("online",)
    document = (DocOnline,)

    def compose(self, el: ET.Element, parser: Parser, where: str) -> list[DocBlock]:
        url = el.get("href", "")
        if not url.startswith("https://") or any(c.isspace() for c in url):
            parser.fail(where, f"<online href={url!r}> must be an https address", el)
            return []
        alt_el = el.find("alt")
        alt = plain_text(parser.inline(alt_el, where)) if alt_el is not None else ""
        if not alt.strip():
            parser.fail(where, "<online> needs alt text for its QR code", el)
            return []
        lines = tuple(parser.inline(p, where) for p in el.findall("p"))
        return [DocOnline(url, alt, lines, origin=parser.origin_of(el))]

    def layout(self, block: DocOnline, b: Builder, parent: Node, width: float) -> list[Flowable]:
        sp = b.theme.spacing
        node = b.node("Div", parent, block)
        size = sp["qr_size_mm"] * b.mm
        code = QrCode(block.url, size, b.color(b.theme.colors["qr"]))
        text = [b.para(line, style, "P", node) for style, line in _styled(block.lines)]
        cells: list[Any] = [b.tagged(code, b.node("Figure", node, alt=block.alt)), text]
        widths = [size + sp["qr_gap"], width - size - sp["qr_gap"]]
        if b.rtl:  # the code on the right, where lines start
            cells.reverse()
            widths.reverse()
        table = b.grid(
            [cells],
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ],
            colWidths=widths,
        )
        space = b.spacer(sp["qr_space"])
        return [b.keep_together([space, b.tagged(table, node)])]

    def texts(self, block: DocOnline) -> Iterator[tuple[str, Inline]]:
        yield from _styled(block.lines)


def _styled(lines: tuple[Inline, ...]) -> list[tuple[str, Inline]]:
    """Each line with its style: the first leads, the others show the address."""
    return [("online_lead" if n == 0 else "online_address", line) for n, line in enumerate(lines)]
