"""Columns side by side: each column's flowables -> one flowable that starts them level, splits
over pages column by column (the shorter column padded to the longer) and draws a rule between
them; each section of a bilingual leaflet is one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.platypus import Flowable
from reportlab.platypus.doctemplate import LayoutError

from ..rl.tables import at_frame_top
from .builder import Group

FUZZ = 1e-6  # ReportLab's own tolerance in frames

# (flowable, space above it, its height, its width): a column's stack, kept-together groups
# opened into their flowables
Stacked = tuple[Flowable, float, float, float]


def _size(f: Flowable, canv: Any, width: float, height: float) -> tuple[float, float]:
    return f.wrapOn(canv, width, height) if canv is not None else f.wrap(width, height)


def stack(
    items: Sequence[Flowable], canv: Any, width: float, height: float, after: float | None = None
) -> list[Stacked]:
    """``items`` one under another as a frame sets them: between two, the larger of the upper
    one's space after and the lower one's space before; none above the first."""
    out: list[Stacked] = []
    for f in items:
        if isinstance(f, Group):
            inner = stack(f.items, canv, width, height, after)
            out.extend(inner)
            if inner:
                after = inner[-1][0].getSpaceAfter()
            continue
        gap = 0.0 if after is None else max(f.getSpaceBefore(), after)
        w, h = _size(f, canv, width, height)
        out.append((f, gap, h, w))
        after = f.getSpaceAfter()
    return out


def _height(stacked: list[Stacked]) -> float:
    return sum(gap + h for _, gap, h, _ in stacked)


def fill(
    items: Sequence[Flowable], canv: Any, width: float, height: float, *, top: bool, full: float
) -> tuple[list[Flowable], list[Flowable]]:
    """What of one column's ``items`` goes in ``height``: the flowables placed (whole, or the
    first part of one split) and the rest. A kept-together group moves on whole unless no page
    (``full`` tall) holds it; a heading never ends a part. ``top``: nothing is above, so moving
    on would not help."""
    queue = list(items)
    placed: list[Flowable] = []
    used = 0.0
    after: float | None = None
    while queue:
        f = queue[0]
        gap = 0.0 if after is None else max(f.getSpaceBefore(), after)
        room = height - used - gap
        if room <= FUZZ:
            break
        h = _height(stack([f], canv, width, room))
        if h <= room + FUZZ:
            placed.append(queue.pop(0))
            used += gap + h
            after = f.getSpaceAfter()
            continue
        if isinstance(f, Group):
            if h <= full + FUZZ and (placed or not top):
                break
            queue[0:1] = f.items  # taller than any page: split between its flowables
            continue
        if canv is None:
            parts = f.split(width, room)
        else:  # a box or table asks whether it is at the top (rl.tables.at_frame_top)
            canv.column_top = top and not placed
            try:
                parts = f.splitOn(canv, width, room)
            finally:
                del canv.column_top
        if len(parts) > 1 and _size(parts[0], canv, width, room)[1] <= room + FUZZ:
            placed.append(parts[0])
            queue[0:1] = parts[1:]
        break
    while queue and placed and placed[-1].getKeepWithNext() and (len(placed) > 1 or not top):
        queue.insert(0, placed.pop())  # a heading goes on with what it introduces
    return placed, queue


class Columns(Flowable):
    """``columns`` of flowables, column ``i`` at ``xs[i]`` from the frame's left edge, each
    ``width`` wide, all starting at the same height. A part that begins the row (``start``)
    begins every column on the same page, or none. ``rule``: (line width, colour) of a rule
    between the columns, decoration; ``full``: the height of a page's text frame."""

    def __init__(
        self,
        columns: Sequence[Sequence[Flowable]],
        xs: Sequence[float],
        width: float,
        full: float,
        rule: tuple[float, Any] | None = None,
        *,
        start: bool = True,
    ) -> None:
        super().__init__()
        self.columns = [list(c) for c in columns]
        self.xs = list(xs)
        self.column_width = width
        self.full = full
        self.rule = rule
        self.start = start
        self.stacks: list[list[Stacked]] = []

    @property
    def items(self) -> list[Flowable]:
        """Every flowable of every column (for messages that name a block)."""
        return [f for column in self.columns for f in column]

    def _again(self, columns: list[list[Flowable]], *, start: bool) -> Columns:
        return Columns(columns, self.xs, self.column_width, self.full, self.rule, start=start)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        canv = getattr(self, "canv", None)
        self.stacks = [stack(c, canv, self.column_width, avail_height) for c in self.columns]
        self.width = avail_width
        self.height = max((_height(s) for s in self.stacks), default=0.0)
        return self.width, self.height

    def getSpaceBefore(self) -> float:
        return max((c[0].getSpaceBefore() for c in self.columns if c), default=0.0)

    def getSpaceAfter(self) -> float:
        return max((c[-1].getSpaceAfter() for c in self.columns if c), default=0.0)

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        canv = getattr(self, "canv", None)
        top = at_frame_top(canv) if canv is not None else avail_height >= self.full - 1
        width = self.column_width
        cuts = [fill(c, canv, width, avail_height, top=top, full=self.full) for c in self.columns]
        if (
            not top
            and self.start
            and any(c and not p for c, (p, _) in zip(self.columns, cuts, strict=True))
        ):
            return []  # a row starts level in every column: all on the next page
        if not any(placed for placed, _ in cuts):
            if top:
                raise LayoutError(f"nothing of a column fits a page of {self.full:.0f} pt")
            return []
        first = self._again([placed for placed, _ in cuts], start=self.start)
        if not any(rest for _, rest in cuts):
            return [first]
        return [first, self._again([rest for _, rest in cuts], start=False)]

    def drawOn(self, canv: Any, x: float, y: float, _sW: float = 0) -> None:
        if not self.stacks:
            self.wrapOn(canv, self.width, self.height)
        for stacked, left in zip(self.stacks, self.xs, strict=True):
            top = y + self.height
            for f, gap, h, w in stacked:
                top -= gap + h
                f.drawOn(canv, x + left, top, _sW=self.column_width - w)
        if self.rule and self.rule[0] > 0 and len(self.xs) > 1:
            line_width, colour = self.rule
            middle = x + (self.xs[0] + self.column_width + self.xs[1]) / 2
            with canv.decoration():
                canv.saveState()
                canv.setLineWidth(line_width)
                canv.setStrokeColor(colour)
                canv.line(middle, y, middle, y + self.height)
                canv.restoreState()
