"""The two primitives of tagged PDF: a structure leaf's drawing -> marked content with an MCID,
and decoration -> an artifact; brackets written into the page when the document is tagged,
and recorded either way (page, MCID, node) for the structure tree.

Marked content is only ever opened for a leaf: a group (a table, a callout, a list) has no
content of its own. Decoration drawn inside a leaf (a link's underline, a tick box) closes the
leaf's content, is drawn as an artifact, and the leaf goes on under a new MCID.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

from reportlab.platypus.tables import TableRenderCB

from .structure import Node

TYPE_CHECKING = False
if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas


class Marks:
    """One document's marked content: what is open, the next MCID of each page, and every
    leaf's (page, MCID, node). ``emit`` writes the operators into the page; without it the
    bookkeeping is the same and the bytes are those of an untagged PDF."""

    def __init__(self, *, emit: bool = False) -> None:
        self.emit = emit
        self.leaves: list[tuple[int, int, Node]] = []
        self.artifacts: list[tuple[int, str]] = []  # (page, kind)
        self._open: list[tuple[str, Node | None]] = []  # ("leaf", node) or ("artifact", None)
        self._next: dict[int, int] = {}

    def _mcid(self, page: int) -> int:
        mcid = self._next.get(page, 0)
        self._next[page] = mcid + 1
        return mcid

    def _begin_leaf(self, canv: Canvas, page: int, node: Node) -> None:
        mcid = self._mcid(page)
        self.leaves.append((page, mcid, node))
        if self.emit:
            canv.addLiteral(f"/{node.role} <</MCID {mcid}>> BDC")

    def _end(self, canv: Canvas) -> None:
        if self.emit:
            canv.addLiteral("EMC")

    @property
    def in_leaf(self) -> Node | None:
        """The leaf whose content is being drawn, if any (and not inside an artifact)."""
        if self._open and self._open[-1][0] == "leaf":
            return self._open[-1][1]
        return None

    @contextmanager
    def leaf(self, canv: Canvas, page: int, node: Node) -> Iterator[None]:
        """Bracket the drawing of a structure leaf; a group's drawing is not bracketed."""
        if not node.leaf or self._open:
            yield  # a group, or inside another bracket: nothing of its own
            return
        self._open.append(("leaf", node))
        self._begin_leaf(canv, page, node)
        try:
            yield
        finally:
            self._open.pop()
            self._end(canv)

    @contextmanager
    def artifact(self, canv: Canvas, page: int, kind: str = "Layout") -> Iterator[None]:
        """Bracket decoration: ``Layout`` (rules, bars, backgrounds, grids, tick boxes,
        underlines) or ``Pagination`` (running header, footer, page numbers)."""
        if self._open and self._open[-1][0] == "artifact":
            yield  # already decoration
            return
        leaf = self.in_leaf
        if leaf is not None:
            self._end(canv)  # the leaf's content stops here ...
        self._open.append(("artifact", None))
        self.artifacts.append((page, kind))
        if self.emit:
            attributes = "" if kind == "Layout" else f" <</Type /{kind}>>"
            canv.addLiteral(f"/Artifact{attributes} BDC" if attributes else "/Artifact BMC")
        try:
            yield
        finally:
            self._open.pop()
            self._end(canv)
            if leaf is not None:
                self._begin_leaf(canv, page, leaf)  # ... and goes on under a new MCID


def decoration(canv: Canvas) -> AbstractContextManager[None]:
    """The canvas's bracket for decoration (an artifact), where it has one (a leaflet's
    canvas; not a plain one in a test)."""
    bracket = getattr(canv, "decoration", None)
    return bracket() if bracket else nullcontext()


class TableMarks(TableRenderCB):
    """ReportLab's table render callback: a table's backgrounds and lines drawn as artifacts
    (its cells are flowables that mark themselves)."""

    def __init__(self) -> None:
        self._artifact: Any = None

    def _canvas_marks(self, table: Any) -> tuple[Any, Marks | None]:
        canv = table.canv
        return canv, getattr(canv, "marks", None)

    def _begin_artifact(self, table: Any) -> None:
        canv, marks = self._canvas_marks(table)
        if marks is not None:
            self._artifact = marks.artifact(canv, canv.page)
            self._artifact.__enter__()

    def _end_artifact(self, table: Any) -> None:
        if self._artifact is not None:
            artifact, self._artifact = self._artifact, None
            artifact.__exit__(None, None, None)

    def startBG(self, table: Any) -> None:
        self._begin_artifact(table)

    def endBG(self, table: Any) -> None:
        self._end_artifact(table)

    def startLines(self, table: Any) -> None:
        self._begin_artifact(table)

    def endLines(self, table: Any) -> None:
        self._end_artifact(table)

    def startTable(self, table: Any) -> None:
        pass

    def endTable(self, table: Any) -> None:
        pass

    def startRow(self, table: Any, row: int) -> None:
        pass

    def endRow(self, table: Any) -> None:
        pass

    def startCell(self, table: Any, *args: Any) -> None:
        pass

    def endCell(self, table: Any) -> None:
        pass
