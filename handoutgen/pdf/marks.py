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
    leaf's (page, MCID, node). Only a tagged document is marked (``emit``): an untagged one
    skips all of it, and its bytes are those of a plain PDF."""

    def __init__(self, *, emit: bool = False) -> None:
        self.emit = emit
        self.leaves: list[tuple[int, int, Node]] = []
        # link annotations: (leaves begun so far, page, the leaf it is in, reference, dict)
        self.links: list[tuple[int, int, Node, Any, Any]] = []
        self.artifacts: list[tuple[int, str]] = []  # (page, kind)
        self.open: list[Node | None] = []  # a leaf's node, or None for an artifact
        self._next: dict[int, int] = {}

    def _begin_leaf(self, canv: Canvas, page: int, node: Node) -> None:
        mcid = self._next.get(page, 0)
        self._next[page] = mcid + 1
        self.leaves.append((page, mcid, node))
        canv.addLiteral(f"/{node.role} <</MCID {mcid}>> BDC")

    def count(self, page: int) -> int:
        """The marked-content ids given out on ``page``."""
        return self._next.get(page, 0)

    def move(self, where: dict[int, tuple[int, int]]) -> None:
        """Pages laid onto others (a booklet's sheets): page -> (the PDF page it is on, how far
        its ids moved there)."""
        self.leaves = [(where[p][0], m + where[p][1], n) for p, m, n in self.leaves]
        self.links = [(i, where[p][0], leaf, r, a) for i, p, leaf, r, a in self.links]
        self.artifacts = [(where[p][0], kind) for p, kind in self.artifacts]

    @property
    def in_leaf(self) -> Node | None:
        """The leaf whose content is being drawn, if any (and not inside an artifact)."""
        return self.open[-1] if self.open else None

    def begin_leaf(self, canv: Canvas, page: int, node: Node) -> bool:
        """Open a structure leaf's marked content; False (nothing opened) for a group, inside
        another bracket, or untagged."""
        if not self.emit or not node.leaf or self.open:
            return False
        self.open.append(node)
        self._begin_leaf(canv, page, node)
        return True

    def end_leaf(self, canv: Canvas) -> None:
        self.open.pop()
        canv.addLiteral("EMC")

    def begin_artifact(self, canv: Canvas, page: int, kind: str = "Layout") -> bool:
        """Open decoration: ``Layout`` (rules, bars, backgrounds, grids, tick boxes,
        underlines) or ``Pagination`` (running header, footer, page numbers). Inside a leaf,
        the leaf's content stops here and goes on under a new MCID afterwards."""
        if not self.emit or (self.open and self.open[-1] is None):
            return False  # untagged, or already decoration
        if self.open:
            canv.addLiteral("EMC")
        self.open.append(None)
        self.artifacts.append((page, kind))
        attributes = "" if kind == "Layout" else f" <</Type /{kind}>>"
        canv.addLiteral(f"/Artifact{attributes} BDC" if attributes else "/Artifact BMC")
        return True

    def end_artifact(self, canv: Canvas, page: int) -> None:
        self.open.pop()
        canv.addLiteral("EMC")
        if self.open:  # back in the leaf it interrupted
            self._begin_leaf(canv, page, self.open[-1])  # type: ignore[arg-type]

    @contextmanager
    def artifact(self, canv: Canvas, page: int, kind: str = "Layout") -> Iterator[None]:
        """``begin_artifact`` ... ``end_artifact`` around a block of drawing."""
        opened = self.begin_artifact(canv, page, kind)
        try:
            yield
        finally:
            if opened:
                self.end_artifact(canv, page)


def decoration(canv: Canvas) -> AbstractContextManager[None]:
    """The canvas's bracket for decoration (an artifact), where it has one (a leaflet's
    canvas; not a plain one in a test)."""
    bracket = getattr(canv, "decoration", None)
    return bracket() if bracket else nullcontext()


def tagged(canv: Canvas) -> bool:
    """Whether the canvas writes marked content (a tagged leaflet's)."""
    marks = getattr(canv, "marks", None)
    return bool(marks is not None and marks.emit)


class TableMarks(TableRenderCB):
    """ReportLab's table render callback: a table's backgrounds and lines drawn as artifacts
    (its cells are flowables that mark themselves). Given to tables of tagged documents."""

    def __init__(self) -> None:
        self._opened = False

    def _begin_decoration(self, table: Any) -> None:
        canv = table.canv
        marks = getattr(canv, "marks", None)
        self._opened = marks is not None and marks.begin_artifact(canv, canv.page)

    def _end_decoration(self, table: Any) -> None:
        if self._opened:
            self._opened = False
            table.canv.marks.end_artifact(table.canv, table.canv.page)

    def startBG(self, table: Any) -> None:
        self._begin_decoration(table)

    def endBG(self, table: Any) -> None:
        self._end_decoration(table)

    def startLines(self, table: Any) -> None:
        self._begin_decoration(table)

    def endLines(self, table: Any) -> None:
        self._end_decoration(table)

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
