"""The canvas every leaflet is drawn on: blocks and decoration -> marked pages, page furniture
drawn on each page once the page count is known, and the outline of headings."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from ..rl.canvas import DeferredCanvas
from .marks import Marks
from .structure import Node

Painter = Callable[[Any, int, int], None]  # (canvas, page, pages)


class LeafletCanvas(DeferredCanvas):
    """Draws every block through the structure hooks (``begin_block``/``end_block``, called by
    ``Tagged``), decoration as artifacts, and the furniture of every page (``paint_furniture``,
    a pagination artifact) with "Page X of Y" known; records which role was drawn on which
    page and the outline entries of H1 and H2."""

    paint_furniture: Painter | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.marks = Marks()
        self.structure: list[tuple[int, str]] = []
        self.outline: list[tuple[int, str, int, float]] = []  # page, title, level, top
        self.open_blocks: list[bool] = []  # per block drawn: whether it opened a leaf

    def begin_block(self, node: Node, x: float, y: float, height: float) -> None:
        page = self.page
        self.structure.append((page, node.role))
        if node.title and node.role in ("H1", "H2"):
            # destinations must be made while their page is current: see finish_page
            self.outline.append((page, node.title, 0 if node.role == "H1" else 1, y + height))
        marks = self.marks
        self.open_blocks.append(marks.emit and marks.begin_leaf(self, page, node))

    def end_block(self, node: Node) -> None:
        if self.open_blocks.pop():
            self.marks.end_leaf(self)

    def decoration(self, kind: str = "Layout") -> AbstractContextManager[None]:
        """A bracket for drawing that is not content (rules, bars, tick boxes ...)."""
        return self.marks.artifact(self, self.page, kind)

    def line(self, x1: float, y1: float, x2: float, y2: float) -> None:
        # a line drawn inside a leaf is ReportLab underlining a link: decoration
        marks = self.marks
        if marks.emit and marks.open and marks.open[-1] is not None:
            marks.begin_artifact(self, self.page)
            super().line(x1, y1, x2, y2)
            marks.end_artifact(self, self.page)
        else:
            super().line(x1, y1, x2, y2)

    def finish_page(self, page: int, pages: int) -> None:
        for key, (on, title, level, top) in enumerate(self.outline):
            if on == page:
                self.bookmarkHorizontal(f"h{key}", 0, top)
                self.addOutlineEntry(title, f"h{key}", level=level)
        if self.paint_furniture:
            with self.marks.artifact(self, page, "Pagination"):
                self.saveState()
                self.paint_furniture(self, self.getPageNumber(), pages)
                self.restoreState()
