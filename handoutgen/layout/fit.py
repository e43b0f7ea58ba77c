"""A leaflet's last page -> whether it is nearly empty (under the theme's ``fit.last_page_min``
of its text frame), and the tighter themes to try, in order, to save that page: the space
above and below paragraphs, headings, boxes and figures scaled down in steps to
``fit.spacing_min`` of the theme's (never the text size or the line spacing)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any, TypeVar

from reportlab.platypus import Flowable

from ..theme import Theme

Laid = TypeVar("Laid")  # a laid-out leaflet (render.Rendered): anything with ``pages``

# spacing keys that are space between blocks (not indents, paddings or the sizes of things)
BETWEEN_BLOCKS = ("box_space", "figure_space", "masthead_space", "term_space_after")


class EndProbe(Flowable):
    """A flowable of no size at the end of the story: where the text ended (page, y)."""

    def __init__(self) -> None:
        super().__init__()
        self.width = self.height = 0
        self.at: tuple[int, float] | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return 0, 0

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
        self.at = (canvas.getPageNumber(), y)

    def draw(self) -> None:
        pass


def last_page_fill(probe: EndProbe, top: float, bottom: float) -> float:
    """The share of the last page's text frame (``top`` to ``bottom``) the text fills."""
    if probe.at is None or top <= bottom:
        return 1.0
    return max(0.0, min(1.0, (top - probe.at[1]) / (top - bottom)))


def too_empty(theme: Theme, fill: float, pages: int) -> bool:
    return pages > 1 and fill < theme.fit.get("last_page_min", 0.0)


def tighter(theme: Theme) -> list[Theme]:
    """The theme with its space between blocks scaled down, a step at a time, to
    ``fit.spacing_min`` of its own (``fit.steps`` themes, the least tightened first)."""
    lowest = theme.fit.get("spacing_min", 1.0)
    steps = int(theme.fit.get("steps", 0))
    out = []
    for n in range(1, steps + 1):
        scale = 1 - (1 - lowest) * n / steps
        styles = {
            name: replace(s, space_before=s.space_before * scale, space_after=s.space_after * scale)
            for name, s in theme.styles.items()
        }
        spacing = {k: v * scale if k in BETWEEN_BLOCKS else v for k, v in theme.spacing.items()}
        out.append(replace(theme, styles=styles, spacing=spacing))
    return out


def save_last_page(
    theme: Theme, laid: Laid, fill: float, again: Callable[[Theme], tuple[Laid, float]]
) -> tuple[Theme, Laid]:
    """The theme to lay a leaflet out in, and that layout: ``theme`` and ``laid`` as they are,
    unless its last page is too empty (``fill``) and a tighter theme lays it out (``again``:
    the layout and its last page's fill) on fewer pages: the least tightened that does and
    leaves no nearly empty last page itself, else the least tightened that takes as few
    pages as the tightest (a step that saves one page may end low again where the tightest
    saves two: de large print of emg-and-nerve-conduction, 11 pages; 10 with 12% on the
    last; 9). The tightest is tried first, so a leaflet no spacing saves costs one layout
    more."""
    pages = laid.pages  # type: ignore[attr-defined]
    steps = tighter(theme)
    if not steps or not too_empty(theme, fill, pages):
        return theme, laid
    tightest, _ = again(steps[-1])
    fewest = tightest.pages  # type: ignore[attr-defined]
    if fewest >= pages:
        return theme, laid
    first_as_few: tuple[Theme, Laid] | None = None
    for step in steps[:-1]:
        done, done_fill = again(step)
        shorter = done.pages  # type: ignore[attr-defined]
        if shorter < pages and not too_empty(theme, done_fill, shorter):
            return step, done
        if shorter <= fewest and first_as_few is None:
            first_as_few = step, done
    return first_as_few or (steps[-1], tightest)
