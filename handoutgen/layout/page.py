"""The page: a theme and paper -> the page size and the frames of page 1 and of later pages;
a document's blocks -> the story Platypus lays out (headings bound to what they introduce)."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.platypus import Flowable, Frame

from ..model import Document
from ..pdf.structure import Tagged
from ..rl.doc import frame
from ..theme import Theme
from .builder import Builder, Group


@dataclass(frozen=True)
class Page:
    size: tuple[float, float]
    frame_width: float
    frame_height: float  # of later pages (the smaller frame)
    first: Frame  # page 1: below the top margin
    later: Frame  # pages 2+: below the running header
    frame_bottom: float = 0.0  # the text frames' foot, above the footer band

    def frame_top(self, page: int) -> float:
        """The top of the text frame of ``page`` (1-based)."""
        return self.frame_bottom + (self.first.height if page == 1 else self.frame_height)


def page(
    theme: Theme, paper: str, *, footer: float | None = None, header: float | None = None
) -> Page:
    """The page of ``paper``; ``footer`` and ``header``: the bands' heights when the footer
    or the running header needs more lines than the theme's band holds
    (layout.furniture.footer_band, header_band)."""
    size = theme.papers[paper]
    width, height = size
    top, right, bottom, left = theme.margins
    frame_w = width - left - right
    foot_h = max(theme.footer, footer or 0.0) + theme.gap
    first = frame("first", left, bottom + foot_h, frame_w, height - top - bottom - foot_h)
    later_h = height - top - bottom - foot_h - max(theme.header, header or 0.0) - theme.gap
    later = frame("later", left, bottom + foot_h, frame_w, later_h)
    return Page(size, frame_w, later_h, first, later, bottom + foot_h)


def story(document: Document, builder: Builder) -> list[Flowable]:
    """Every block of ``document`` as flowables, in order."""
    flowables = [f for b in document.blocks for f in builder.block(b, builder.root, builder.width)]
    return bind_headings(flowables)


def bind_headings(story: list[Flowable]) -> list[Flowable]:
    """A heading followed by a kept-together group (a callout, a checklist) joins that group:
    Platypus's keepWithNext does not reach into a KeepTogether, which strands the heading."""
    out: list[Flowable] = []
    for f in story:
        if isinstance(f, Group):
            lead: list[Flowable] = []  # a heading, then an introduction, ...
            while out and isinstance(out[-1], Tagged) and out[-1].getKeepWithNext():
                lead.insert(0, out.pop())
            if lead:
                f = Group([*lead, *f.items])
        out.append(f)
    return out
