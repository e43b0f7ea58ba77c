"""Page furniture: the leaflet's running header, footer and draft mark + the page geometry ->
a painter that draws them on each page once the page count is known (in any script, mirrored
for right-to-left)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..model import Furniture
from ..theme import TextStyle
from .rtl import Run, draw_line, measure_line
from .scripts import LocaleRules
from .styles import color

Painter = Callable[[Any, int, int], None]


def painter(furniture: Furniture, rules: LocaleRules, page_size: tuple[float, float]) -> Painter:
    theme = rules.theme
    top, right, bottom, left = theme.margins
    width, height = page_size
    foot = theme.styles["footer"]
    head = theme.styles["running_header"]
    draft = theme.styles["draft_mark"]
    rule = color(theme.colors["rule"])
    rtl = rules.rtl

    # the same lines come back on every page (only the page number changes): measure once
    measured: dict[tuple[str, str], tuple[list[Run], float]] = {}

    def measure(text: str, style: TextStyle) -> tuple[list[Run], float]:
        found = measured.get((text, style.name))
        if found is None:
            faces = list(rules.faces(style.family, style.weight))
            found = measured[(text, style.name)] = measure_line(text, faces, style.size, rtl)
        return found

    canv_ref: list[Any] = []

    def line(text: str, x: float, y: float, align: str, style: TextStyle) -> None:
        draw_line(canv_ref[0], measure(text, style), x, y, align, style.size)

    header: list[str] = []

    def running_header() -> str:
        """The running header, cut to the width of the page (once a leaflet)."""
        if not header:
            text = furniture.running_header
            while text and measure(text, head)[1] > width - left - right:
                text = text[:-2].rstrip() + "…"
            header.append(text)
        return header[0]

    def paint(canv: Any, page: int, pages: int) -> None:
        canv_ref[:] = [canv]
        canv.setLineWidth(theme.spacing["rule_width"])
        canv.setStrokeColor(rule)
        # footer: a rule, then left / centre / right on one line (two if they do not fit)
        y_rule = bottom + theme.footer - 2
        canv.line(left, y_rule, width - right, y_rule)
        canv.setFillColor(color(foot.color))
        center = furniture.footer_center.replace("{page}", str(page)).replace("{pages}", str(pages))
        y = y_rule - foot.leading
        parts = [
            measure(s, foot)[1] for s in (furniture.footer_left, center, furniture.footer_right)
        ]
        frame_w = width - left - right
        # mirrored for right-to-left: the leaflet code starts where lines start
        start, end = ("right", "left") if rtl else ("left", "right")
        edge = {"left": left, "right": width - right}
        line(furniture.footer_left, edge[start], y, start, foot)
        line(furniture.footer_right, edge[end], y, end, foot)
        center_x = left + frame_w / 2
        gap = foot.size
        fits = (
            center_x - parts[1] / 2 >= left + max(parts[0], parts[2]) + gap
            and center_x + parts[1] / 2 <= width - right - max(parts[0], parts[2]) - gap
        )
        line(center, center_x, y if fits else y - foot.leading, "centre", foot)
        marks = " · ".join(m for m in (furniture.draft_mark, furniture.overdue_mark) if m)
        if marks:  # a draft, a leaflet past its review date: above the footer of every page
            canv.setFillColor(color(draft.color))
            line(marks, left + frame_w / 2, y_rule + 3, "centre", draft)
        if page > 1:  # slim running header, cut to the width of the page
            y_head = height - top - head.size
            canv.setFillColor(color(head.color))
            line(running_header(), edge[start], y_head, start, head)
            canv.line(
                left,
                height - top - theme.header + 2,
                width - right,
                height - top - theme.header + 2,
            )

    return paint
