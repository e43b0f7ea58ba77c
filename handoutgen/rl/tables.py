"""Tables for a leaflet: rows of flowables -> ReportLab tables that set their own font (never
the non-embedded Helvetica) and, for data, split between rows only where enough rows stay."""

from __future__ import annotations

from typing import Any

from reportlab.platypus import Flowable, Spacer, TableStyle
from reportlab.platypus import Table as RLTable


class DataTable(RLTable):
    """A data table that splits between rows only where at least ``min_rows`` body rows stay on
    each side: no lone row under a repeated header at the top of a page, none left behind."""

    min_rows = 2

    def _at_page_top(self) -> bool:
        """Whether nothing is above the table in its frame: moving on would not help then
        (rows too tall for two to fit on any page), so it splits the ordinary way."""
        return at_frame_top(getattr(self, "canv", None))

    def _head(self) -> int:
        rows = self.repeatRows
        return rows if isinstance(rows, int) else len(rows)

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        parts = super().split(availWidth, availHeight)
        if len(parts) != 2:
            return parts
        head = self._head()
        first = len(parts[0]._cellvalues) - head
        second = len(parts[1]._cellvalues) - head
        if first < self.min_rows and not self._at_page_top():
            return []  # the whole table starts on the next page
        missing = self.min_rows - second
        if missing > 0 and first - missing >= self.min_rows:
            end = head + first
            less = sum(self._rowHeights[end - missing : end])
            shorter = super().split(availWidth, availHeight - less - 0.01)
            if len(shorter) == 2:
                return shorter
        return parts


class BoxTable(RLTable):
    """A box (one cell of flowables on a background) that never leaves a piece of itself at
    a page foot with nothing in it but its background and its title: such a split moves the
    box on whole, unless nothing is above it on this page. Nor one at the next page's head
    with nothing in it but its padding (all its text fitted, its bottom padding did not): the
    split is made higher up, so that its last lines go on with the padding."""

    lead = 0  # flowables at the top of the cell that say nothing on their own (its title)

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        parts = super().split(availWidth, availHeight)
        if len(parts) == 2 and not _says(parts[1], 0):
            less = parts[1].wrap(availWidth, availHeight)[1]
            while less < availHeight:
                higher = super().split(availWidth, availHeight - less)
                if len(higher) == 2 and _says(higher[1], 0):
                    parts = higher
                    break
                less *= 2
        top = at_frame_top(getattr(self, "canv", None))
        if len(parts) == 2 and not top and not _says(parts[0], self.lead):
            return []
        return parts


def _says(piece: RLTable, lead: int) -> bool:
    """Whether the one cell of a box's ``piece`` holds a flowable other than a spacer after
    its first ``lead`` ones (its title)."""
    cell = piece._cellvalues[0][0]
    items = list(cell) if isinstance(cell, list | tuple) else [cell]
    return any(not isinstance(f, Spacer) for f in items[lead:])


def at_frame_top(canv: Any) -> bool:
    """Whether nothing is drawn yet in the frame Platypus is filling on ``canv`` (True when
    it cannot tell: no canvas, no document), for a flowable deciding whether moving on to
    the next page would help. Inside a column (layout.columns) the column says: what is
    already placed above in it counts, though the frame holds nothing yet."""
    column = getattr(canv, "column_top", None)
    if column is not None:
        return bool(column)
    doc = getattr(canv, "_doctemplate", None)
    return bool(getattr(getattr(doc, "frame", None), "_atTop", True))


def grid(
    rows: list[list[Any]],
    *,
    font: tuple[str, float],
    commands: list[tuple[Any, ...]],
    data: bool = False,
    marks: Any = None,
    box_lead: int | None = None,
    **options: Any,
) -> RLTable:
    """A table of ``rows`` in ``font`` (name, size) styled by ``commands`` (ReportLab's table
    style commands); ``data`` for a data table's splitting rules; ``box_lead`` for a box's
    (BoxTable: the number of its title flowables); ``marks`` is called as ReportLab's table
    render callback (backgrounds and lines as decoration)."""
    cls = DataTable if data else RLTable if box_lead is None else BoxTable
    table = cls(rows, renderCB=marks, **options)
    if box_lead is not None:
        table.lead = box_lead
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), *font)]))
    table.setStyle(TableStyle(commands))
    return table


def row_heights(flowable: Flowable) -> tuple[float, ...]:
    """The heights of a table's rows as its last wrap measured them (none for another
    flowable, or a table not yet wrapped)."""
    if not isinstance(flowable, RLTable):
        return ()
    return tuple(getattr(flowable, "_rowHeights", None) or ())
