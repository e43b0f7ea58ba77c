"""The canvas every leaflet is drawn on: blocks and decoration -> marked pages, page furniture
drawn on each page once the page count is known, and the outline of headings."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import Any

from ..rl import conformance
from ..rl.canvas import DeferredCanvas
from .marks import Marks
from .structure import Node

NOTHING, LEAF, ARTIFACT, LABEL = range(4)  # what a block opened

Painter = Callable[[Any, int, int], None]  # (canvas, page, pages)


class LeafletCanvas(DeferredCanvas):
    """Draws every block through the structure hooks (``begin_block``/``end_block``, called by
    ``Tagged``), decoration as artifacts, and the furniture of every page (``paint_furniture``,
    a pagination artifact) with "Page X of Y" known; records which role was drawn on which
    page and the outline entries of H1 and H2."""

    paint_furniture: Painter | None = None
    paint_marks: Painter | None = None
    # with tagging on: the structure tree's root, written with the document (``finish_tags``)
    root: Node | None = None
    finish_tags: Callable[[Any, list[Any]], None] | None = None
    # pages added once the layout is done (a booklet's notes pages), each ended by showPage
    pad: Callable[[Any], None] | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.marks = Marks()
        self.structure: list[tuple[int, str]] = []
        self.outline: list[tuple[int, str, int, float]] = []  # page, title, level, top
        self.open_blocks: list[int] = []  # per block drawn: what it opened
        self.label: Node | None = None  # an item whose marker is drawn next, as its Lbl
        self.page_refs: list[Any] = []
        self.deferred_outline: list[tuple[int, str, int]] = []

    def begin_block(
        self,
        node: Node,
        x: float,
        y: float,
        height: float,
        *,
        repeat: bool = False,
        labelled: bool = False,
    ) -> None:
        """``repeat``: drawn again (a table's header row on a later page), an artifact.
        ``labelled``: the block draws its marker first, tagged as the node's label."""
        page = self.page
        self.structure.append((page, node.role))
        if node.title and node.role in ("H1", "H2") and not repeat:
            # destinations must be made while their page is current: see finish_page
            self.outline.append((page, node.title, 0 if node.role == "H1" else 1, y + height))
        marks = self.marks
        if not marks.emit:
            opened = NOTHING
        elif repeat:
            opened = ARTIFACT if marks.begin_artifact(self, page, "Pagination") else NOTHING
        elif labelled and node.leaf and not marks.open:
            opened, self.label = LABEL, node
        else:
            opened = LEAF if marks.begin_leaf(self, page, node) else NOTHING
        self.open_blocks.append(opened)

    def end_block(self, node: Node) -> None:
        opened = self.open_blocks.pop()
        if opened == LEAF:
            self.marks.end_leaf(self)
        elif opened == ARTIFACT:
            self.marks.end_artifact(self, self.page)
        elif opened == LABEL:
            self.label = None

    def drawText(self, aTextObject: Any) -> None:
        node = self.label
        if node is None or node.label is None:
            super().drawText(aTextObject)
            return
        # the first text of a labelled block is its marker: the Lbl, then the body
        self.label = None
        marks, page = self.marks, self.page
        marks.begin_leaf(self, page, node.label)
        super().drawText(aTextObject)
        marks.end_leaf(self)
        marks.begin_leaf(self, page, node)
        self.open_blocks[-1] = LEAF

    def linkURL(self, url: str, rect: Any, relative: int = 0, *args: Any, **kw: Any) -> None:
        marks = self.marks
        if not marks.emit:
            super().linkURL(url, rect, relative, *args, **kw)
            return
        # printed (PDF/A), described (PDF/UA), and tied to a Link element in the leaf
        kw.update(F=4, Contents=conformance.PDFString(url))
        super().linkURL(url, rect, relative, *args, **kw)
        leaf = marks.in_leaf
        if leaf is not None:
            ref, annotation = conformance.last_annotation(self)
            marks.links.append((len(marks.leaves), self.page, leaf, ref, annotation))

    def page_written(self, page: Any) -> None:
        if not self.marks.emit:
            return
        doc = conformance.document(self)
        self.page_refs.append(conformance.page_reference(doc))
        entries: dict[str, Any] = {
            "StructParents": len(self.page_refs) - 1,
            "Tabs": conformance.PDFName("S"),
        }
        if page.hasImages:  # a picture with transparency blends in the page's colours
            entries["Group"] = conformance.PDFDictionary(
                {
                    "Type": conformance.PDFName("Group"),
                    "S": conformance.PDFName("Transparency"),
                    "CS": conformance.PDFName("DeviceRGB"),
                }
            )
        conformance.add_entries(page, **entries)

    def before_save(self) -> None:
        if self.pad is not None:
            self.pad(self)

    def mcid_offset(self, page: int, shared: Sequence[int]) -> int:
        # pages share a PDF page in reading order: a later page's ids follow an earlier one's
        return sum(self.marks.count(p) for p in shared if p < page)

    def finish_document(self) -> None:
        if self.sides is not None:  # a booklet: the outline in reading order, pages moved
            for key, title, level in sorted(self.deferred_outline):
                self.addOutlineEntry(title, f"h{key}", level=level)
            where = {}
            for side, group in enumerate(self.sides(self.pages), start=1):
                for page in group:
                    where[page] = (side, self.mcid_offset(page, group))
            self.marks.move(where)
        if self.marks.emit and self.finish_tags is not None:
            self.finish_tags(self, self.page_refs)

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
                if self.sides is not None:  # pages written out of order: entries at the end
                    self.deferred_outline.append((key, title, level))
                else:
                    self.addOutlineEntry(title, f"h{key}", level=level)
        if self.paint_furniture:
            with self.marks.artifact(self, page, "Pagination"):
                self.saveState()
                self.paint_furniture(self, self.getPageNumber(), pages)
                self.restoreState()
        if self.paint_marks:  # a print shop's crop marks: production aids, not the leaflet's
            with self.marks.artifact(self, page, "Page"):
                self.paint_marks(self, page, pages)
