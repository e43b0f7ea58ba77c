"""Structure elements -> the flowables that draw them: every block is drawn through ``Tagged``,
which brackets its drawing as the element's marked content (at leaves only)."""

from __future__ import annotations

from itertools import count
from typing import Any

from reportlab.platypus import Flowable, Paragraph

from ..rl.doc import grouped_keep_with_next


class Node:
    """A structure element: its role (H1, H2, P, L, LI, Lbl, LBody, Table, TR, TH, TD,
    Caption, Figure, Div, Link), parent, alt text, language (where it differs from the
    document's), attributes (a header cell's scope) and where it came from (a msgctxt or
    file:line, for messages). A node with children groups them; only a leaf holds marked
    content. Both halves of a split block keep pointing to the same node. An LBody may have
    a ``label``: the Lbl leaf its flowable's marker (bullet, number) is drawn as."""

    __slots__ = (
        "alt",
        "attributes",
        "children",
        "label",
        "lang",
        "origin",
        "parent",
        "role",
        "seq",
        "title",
    )
    _made = count()  # creation order: the reading order of a group's children
    # ``children`` counts them (a list would tie parent and child in a cycle only the
    # garbage collector could free, a few hundred per leaflet)

    def __init__(
        self,
        role: str,
        parent: Node | None = None,
        *,
        alt: str | None = None,
        title: str | None = None,
        origin: str | None = None,
        lang: str | None = None,
        attributes: dict[str, str] | None = None,
    ) -> None:
        self.role = role
        self.parent = parent
        self.alt = alt
        self.title = title  # for headings: the outline entry
        self.lang = lang
        self.attributes = attributes
        self.label: Node | None = None
        self.seq = next(Node._made)
        self.origin = origin if origin is not None else (parent.origin if parent else None)
        self.children = 0
        if parent is not None:
            parent.children += 1

    @property
    def leaf(self) -> bool:
        return not self.children

    def __repr__(self) -> str:
        return f"Node({self.role!r}, origin={self.origin!r})"


class Tagged(Flowable):
    """Draws ``inner`` bracketed by the canvas's structure hooks; splits keep the same node."""

    def __init__(self, inner: Flowable, node: Node) -> None:
        super().__init__()
        self.inner = inner
        self.node = node
        self._wrapped: float | None = None
        self.drawn = False  # drawn again: a table's header row repeated on a later page

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        # a paragraph's lines depend on the width only: Platypus often measures the same
        # paragraph twice (keep-together groups, then the frame), so its lines are broken
        # once per width. Not only for speed: ReportLab's wrap is not idempotent (wrapped
        # again, a web address split over lines gains an empty fragment), so this is part of
        # what the leaflet looks like, with caches on or off
        if (
            self._wrapped == avail_width
            and isinstance(self.inner, Paragraph)
            and hasattr(self.inner, "blPara")  # a failed split drops the lines
        ):
            return self.width, self.height
        canv = getattr(self, "canv", None)
        if canv is None:
            self.width, self.height = self.inner.wrap(avail_width, avail_height)
        else:
            self.width, self.height = self.inner.wrapOn(canv, avail_width, avail_height)
        self._wrapped = avail_width
        return self.width, self.height

    def wrapOn(self, canv: Any, aw: float, ah: float) -> tuple[float, float]:
        self.canv = canv
        try:
            return self.wrap(aw, ah)
        finally:
            del self.canv

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        canv = getattr(self, "canv", None)
        if canv is None:
            parts = self.inner.split(avail_width, avail_height)
        else:
            parts = self.inner.splitOn(canv, avail_width, avail_height)
        return [Tagged(p, self.node) for p in parts]

    def splitOn(self, canv: Any, aw: float, ah: float) -> list[Flowable]:
        self.canv = canv
        try:
            return self.split(aw, ah)
        finally:
            del self.canv

    def drawOn(self, canv: Any, x: float, y: float, _sW: float = 0) -> None:
        begin = getattr(canv, "begin_block", None)
        if begin:
            begin(self.node, x, y, self.height, repeat=self.drawn, labelled=self._labelled())
        self.drawn = True
        self.inner.drawOn(canv, x, y, _sW)
        end = getattr(canv, "end_block", None)
        if end:
            end(self.node)

    def _labelled(self) -> bool:
        """Whether this part of the block draws its node's label (the marker) first: the
        first part of a list item (ReportLab's bullet text, a right-to-left marker)."""
        if self.node.label is None:
            return False
        inner = self.inner
        if getattr(inner, "bulletText", None):
            return True
        return bool(getattr(inner, "marker", None) and getattr(inner, "first", False))

    def getSpaceBefore(self) -> float:
        return self.inner.getSpaceBefore()

    def getSpaceAfter(self) -> float:
        return self.inner.getSpaceAfter()

    def getKeepWithNext(self) -> bool:
        # Platypus switches keepWithNext off on the flowables it has grouped: honour that, or
        # the same group is formed again and again
        grouped = grouped_keep_with_next(self)
        return self.inner.getKeepWithNext() if grouped is None else bool(grouped)

    def minWidth(self) -> float:
        return self.inner.minWidth()

    def identity(self, maxLen: int | None = None) -> str:
        return f"Tagged[{self.node.role}]({self.inner.identity(maxLen)})"
