"""Blocks -> flowables: what a block kind lays itself out with (styles, text, tables, groups,
images, structure nodes) for one leaflet and frame width; the kind itself comes from the
block registry."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, KeepTogether, Spacer

from ..blocks import registry
from ..errors import RenderError
from ..inline import plain_text
from ..model import DocBlock, Inline
from ..pdf.marks import TableMarks
from ..pdf.structure import Node, Tagged
from ..rl import tables
from ..theme import MM
from . import images
from .styles import Styles, color
from .text import TextMaker


class Group(KeepTogether):
    """Flowables kept on one page; ``items`` are the flowables it was given."""

    def __init__(self, items: list[Flowable]) -> None:
        super().__init__(items)
        self.items = items


class Builder:
    """Turns Document blocks into tagged flowables for one leaflet's styles and frame width."""

    mm = MM

    def __init__(
        self, styles: Styles, frame_width: float, frame_height: float, *, tagged: bool = False
    ) -> None:
        self.marked = tagged  # decoration drawn by tables is bracketed only when tagged
        self.styles = styles
        self.theme = styles.theme
        self.rtl = styles.rtl
        self.width = frame_width
        self.frame_height = frame_height
        self.text = TextMaker(styles)
        self.root = Node("Document")
        self.level = 0  # of the last heading laid out, in the document's outline
        self.blocks: dict[Node, DocBlock] = {}  # a block's own node -> the block (for messages)
        # how far a band that runs to the page's edge reaches past the frame, left and right
        # (a print shop's, through the bleed: handoutgen.sheets); (0, 0): to the frame only
        self.edge: tuple[float, float] = (0.0, 0.0)

    # --- structure ------------------------------------------------------------------------

    def node(self, role: str, parent: Node, block: DocBlock | None = None, **extra: Any) -> Node:
        """A structure element; ``block`` names where it came from (for messages)."""
        origin = block.origin if block is not None and block.origin else None
        node = Node(role, parent, origin=origin, **extra)
        if block is not None:
            self.blocks[node] = block
        return node

    def tagged(self, flowable: Flowable, node: Node) -> Tagged:
        return Tagged(flowable, node)

    def para(
        self,
        spans: Inline,
        style: str | ParagraphStyle,
        role: str,
        parent: Node,
        **attributes: str,
    ) -> Tagged:
        """A paragraph of ``spans`` as the structure element ``role`` (H1, H2, P, TD ...),
        with table ``attributes`` (a header cell's Scope)."""
        st = self.styles.para[style] if isinstance(style, str) else style
        node = Node(role, parent, attributes=attributes or None)
        return Tagged(self.text(spans, st), node)

    def heading(
        self,
        spans: Inline,
        style: str | ParagraphStyle,
        level: int,
        parent: Node,
        *,
        inner: bool = False,
    ) -> Tagged:
        """A heading, tagged at ``level`` or one below the last heading, whichever is higher
        (no level is skipped). H1 and H2 go in the outline, unless ``inner`` (a box's title,
        which leaves the outline as it was)."""
        level = min(level, self.level + 1)
        made = self.para(spans, style, f"H{level}", parent)
        if not inner:
            self.level = level
            if level <= 2:
                made.node.title = plain_text(spans)
        return made

    # --- blocks ---------------------------------------------------------------------------

    def block(self, block: DocBlock, parent: Node, width: float) -> list[Flowable]:
        """``block`` laid out by its kind; a failure names the block."""
        kind = registry().of(block)
        try:
            return kind.layout(block, self, parent, width)
        except Exception as exc:  # a picture that will not open, a bad value ...: named
            where = block.origin or f"template block <{type(block).__name__}>"
            what = str(exc) if isinstance(exc, RenderError) else f"{type(exc).__name__}: {exc}"
            raise RenderError(f"cannot lay out {where}: {what}") from None

    # --- primitives -----------------------------------------------------------------------

    def color(self, hex_value: str) -> Any:
        return color(hex_value)

    def grid(
        self,
        rows: list[list[Any]],
        commands: list[tuple[Any, ...]],
        *,
        data: bool = False,
        **options: Any,
    ) -> Flowable:
        """A table in the body font (never ReportLab's non-embedded Helvetica), styled by
        ReportLab table commands; its backgrounds and lines are decoration. ``data``: a data
        table, split only between rows where enough rows stay on each side."""
        body = self.styles.para["body"]
        return tables.grid(
            rows,
            font=(body.fontName, body.fontSize),
            commands=commands,
            data=data,
            marks=TableMarks() if self.marked else None,
            **options,
        )

    def keep_together(self, flowables: list[Flowable]) -> Group:
        return Group(flowables)

    def spacer(self, height: float) -> Flowable:
        return Spacer(1, height)

    def image_at_height(self, path: Path, height: float) -> tuple[Flowable, float]:
        """An image file scaled to ``height``, and its width."""
        return images.at_height(path, height, self.styles.para["body"].fontName)

    def image_scaled(self, path: Path, scale: float) -> Flowable:
        """An image file at ``scale`` times its own size."""
        return images.scaled(path, scale, self.styles.para["body"].fontName)

    def natural_size(self, path: Path) -> tuple[float, float]:
        return images.natural_size(path)
