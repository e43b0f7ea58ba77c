"""Platypus's document machinery for a leaflet: frames and page templates -> a doc template that
lays flowables out on page 1 ("first") and every later page ("later"), and stops a layout that
makes no progress instead of hanging a batch."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate
from reportlab.platypus.doctemplate import LayoutError

from . import fast

_ATOMS = (int, float, str, bool, type(None))


class QuickCopyFrame(Frame):
    """ReportLab's Frame, deep-copied faster: Platypus copies the current frame every time it
    measures a group kept together (about twenty times a leaflet). What deepcopy would do, with
    the frame's numbers and names taken as they are (deepcopy returns those unchanged too)."""

    def __deepcopy__(self, memo: dict[int, Any]) -> QuickCopyFrame:
        new = self.__class__.__new__(self.__class__)
        memo[id(self)] = new
        new.__dict__.update(
            (k, v if type(v) in _ATOMS else copy.deepcopy(v, memo)) for k, v in vars(self).items()
        )
        return new


def frame(frame_id: str, x: float, y: float, width: float, height: float) -> Frame:
    """A frame without padding (the theme's margins are the page's)."""
    cls = QuickCopyFrame if fast() else Frame
    return cls(
        x,
        y,
        width,
        height,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id=frame_id,
    )


class Stalled(Exception):
    """Platypus looped on a flowable it could neither place nor split."""

    def __init__(self, page: int, flowable: Flowable | None) -> None:
        super().__init__(page)
        self.page = page
        self.flowable = flowable


class Unplaceable(Exception):
    """ReportLab's LayoutError (a flowable too large for any frame), with the flowable."""

    def __init__(self, page: int, flowable: Flowable | None, message: str) -> None:
        super().__init__(message)
        self.page = page
        self.flowable = flowable


class LeafletDoc(BaseDocTemplate):
    """Page 1 uses the "first" template, every later page the "later" one. A layout that stops
    making progress raises Stalled, one that cannot place a flowable Unplaceable."""

    step_limit = 0

    def __init__(self, target: Any, first: Frame, later: Frame, **options: Any) -> None:
        super().__init__(target, **options)
        self.addPageTemplates(
            [
                PageTemplate("first", [first], autoNextPageTemplate="later"),
                PageTemplate("later", [later]),
            ]
        )

    def handle_flowable(self, flowables: list[Flowable]) -> None:
        self.step_limit -= 1
        if self.step_limit < 0:
            raise Stalled(self.page, flowables[0] if flowables else None)
        first = flowables[0] if flowables else None
        try:
            super().handle_flowable(flowables)
        except LayoutError as exc:
            raise Unplaceable(self.page, first, str(exc)) from None


def build(doc: LeafletDoc, story: list[Flowable], canvasmaker: Callable[..., Any]) -> None:
    """Lay ``story`` out and draw it (a story of n flowables gets 50 n + 1000 steps)."""
    doc.step_limit = 50 * len(story) + 1000
    doc.build(story, canvasmaker=canvasmaker)


__all__ = ["LeafletDoc", "Stalled", "Unplaceable", "build", "frame", "grouped_keep_with_next"]


def grouped_keep_with_next(flowable: Flowable) -> Any:
    """What Platypus set as ``keepWithNext`` on a flowable it grouped with the next one (it
    writes the instance's own attributes directly), or None if it set nothing."""
    return vars(flowable).get("keepWithNext")
