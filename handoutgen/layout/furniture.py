"""Page furniture: the leaflet's running header, footer and draft mark + the page geometry ->
a painter that draws them on each page once the page count is known (in any script, mirrored
for right-to-left), and the height of the footer band they need."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any

from ..model import Furniture
from ..theme import TextStyle
from .rtl import Run, draw_line, measure_line
from .scripts import LocaleRules
from .styles import color

Painter = Callable[[Any, int, int], None]
ELLIPSIS = "…"
WIDEST_COUNT = "00"  # page numbers the footer makes room for (digits are of one width)


def _rows(widths: list[float], frame_w: float, gap: float) -> list[list[int]]:
    """Which footer parts (0 start, 1 centre, 2 end) share a line, from their measured widths:
    all three with the centre clear of both sides by ``gap``; else start and end on the first
    line and the centre below; else each on a line of its own. Nothing overlaps."""
    start, centre, end = widths
    side = max(start, end)
    clear = centre == 0 or frame_w / 2 - centre / 2 >= side + gap
    if clear and start + end + gap <= frame_w:
        return [[0, 1, 2]]
    if start + end + gap <= frame_w:
        return [[0, 2], [1]]
    return [[0], [2], [1]]


def _count(text: str, page: str, pages: str) -> str:
    return text.replace("{page}", page).replace("{pages}", pages)


def footer_band(furniture: Furniture, rules: LocaleRules, page_size: tuple[float, float]) -> float:
    """The height of the footer band (above the bottom margin): the theme's, or more when the
    footer's parts, measured at the footer size, need more lines than it holds."""
    theme = rules.theme
    foot = theme.styles["footer"]
    _, right, _, left = theme.margins
    faces = list(rules.faces(foot.family, foot.weight))
    texts = (
        furniture.footer_left,
        _count(furniture.footer_center, WIDEST_COUNT, WIDEST_COUNT),
        furniture.footer_right,
    )
    widths = [measure_line(t, faces, foot.size, rules.rtl)[1] if t else 0.0 for t in texts]
    rows = len(_rows(widths, page_size[0] - left - right, foot.size))
    # the rule sits 2 pt under the band's top; the last line's descenders stay in the band
    return max(theme.footer, 2 + rows * foot.leading + 0.3 * foot.size)


def header_band(
    furniture: Furniture, rules: LocaleRules, page_size: tuple[float, float], topic: str
) -> float:
    """The height of the running header's band: the theme's, or more when the topic, which
    is never cut, wraps onto more lines than it holds."""
    theme = rules.theme
    head = theme.styles["running_header"]
    _, right, _, left = theme.margins
    faces = list(rules.faces(head.family, head.weight))
    frame_w = page_size[0] - left - right
    lines = _keep_topic(
        furniture.running_header,
        topic,
        lambda t: measure_line(t, faces, head.size, rules.rtl)[1] <= frame_w,
        rtl=rules.rtl,
    )
    return max(theme.header, (len(lines) - 1) * head.leading + head.size + 0.3 * head.size + 4)


def _keep_topic(
    text: str, topic: str, fits: Callable[[str], bool], *, rtl: bool = False
) -> list[str]:
    """The running header as lines that fit: the rest shortened word by word (then dropped)
    before the topic is touched; the topic itself is never cut, it wraps. In a right-to-left
    line, the ellipsis after left-to-right words (a Latin clinic name) stays after them."""
    if fits(text):
        return [text]
    if not topic or topic not in text:
        return _wrap(text, fits)
    before, after = text.split(topic, 1)
    for part in ("before", "after"):
        core = (before if part == "before" else after).strip(" ·|-–—")
        if not core:
            continue
        words = core.split(" ")
        while words:
            words.pop()
            kept = " ".join(words)
            # in a right-to-left line an ellipsis after left-to-right words would be set on
            # their left: written before them, it shows at their end
            latin = rtl and any(unicodedata.bidirectional(c) == "L" for c in kept)
            short = (ELLIPSIS + kept if latin else kept + ELLIPSIS) if words else ""
            if part == "before":
                before = before.replace(core, short, 1) if short else ""
            else:
                after = after.replace(core, short, 1) if short else ""
            core = short
            if fits(before + topic + after):
                return [before + topic + after]
    return _wrap(topic, fits)


def _wrap(text: str, fits: Callable[[str], bool]) -> list[str]:
    """``text`` in as many lines as it needs, broken between words."""
    lines: list[str] = []
    for word in text.split(" "):
        if lines and fits(f"{lines[-1]} {word}"):
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def painter(
    furniture: Furniture,
    rules: LocaleRules,
    page_size: tuple[float, float],
    *,
    topic: str = "",
    band: float = 0.0,
) -> Painter:
    """Draws the furniture of each page. ``topic`` (the leaflet's title) is what the running
    header keeps when it must be shortened to the width of the page; ``band``: a footer band
    at least this tall (columns side by side share the tallest, so their footers line up)."""
    theme = rules.theme
    top, right, bottom, left = theme.margins
    width, height = page_size
    foot = theme.styles["footer"]
    head = theme.styles["running_header"]
    draft = theme.styles["draft_mark"]
    rule = color(theme.colors["rule"])
    rtl = rules.rtl
    frame_w = width - left - right
    band = max(band, footer_band(furniture, rules, page_size))
    head_band = header_band(furniture, rules, page_size, topic)

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

    header: list[list[str]] = []

    def running_header() -> list[str]:
        """The running header's lines, fitted to the width of the page (once a leaflet)."""
        if not header:
            header.append(
                _keep_topic(
                    furniture.running_header,
                    topic,
                    lambda t: measure(t, head)[1] <= frame_w,
                    rtl=rtl,
                )
            )
        return header[0]

    # the footer's arrangement, decided once from the widest page count it makes room for
    widest = _count(furniture.footer_center, WIDEST_COUNT, WIDEST_COUNT)
    parts = (furniture.footer_left, widest, furniture.footer_right)
    rows = _rows([measure(t, foot)[1] if t else 0.0 for t in parts], frame_w, foot.size)

    def paint(canv: Any, page: int, pages: int) -> None:
        canv_ref[:] = [canv]
        canv.setLineWidth(theme.spacing["rule_width"])
        canv.setStrokeColor(rule)
        # footer: a rule, then start / centre / end, on as many lines as their widths need
        y_rule = bottom + band - 2
        canv.line(left, y_rule, width - right, y_rule)
        canv.setFillColor(color(foot.color))
        center = _count(furniture.footer_center, str(page), str(pages))
        # mirrored for right-to-left: the leaflet code starts where lines start
        start, end = ("right", "left") if rtl else ("left", "right")
        edge = {"left": left, "right": width - right}
        placed = [
            (furniture.footer_left, edge[start], start),
            (center, left + frame_w / 2, "centre"),
            (furniture.footer_right, edge[end], end),
        ]
        for n, row in enumerate(rows, 1):
            for i in row:
                text, x, align = placed[i]
                if text:
                    line(text, x, y_rule - n * foot.leading, align, foot)
        marks = " · ".join(m for m in (furniture.draft_mark, furniture.overdue_mark) if m)
        if marks:  # a draft, a leaflet past its review date: above the footer of every page
            canv.setFillColor(color(draft.color))
            line(marks, left + frame_w / 2, y_rule + 3, "centre", draft)
        if page > 1:  # slim running header, fitted to the width of the page
            y_head = height - top - head.size
            canv.setFillColor(color(head.color))
            for n, text in enumerate(running_header()):
                line(text, edge[start], y_head - n * head.leading, start, head)
            y_rule = height - top - head_band + 2  # under the header's last line
            canv.line(left, y_rule, width - right, y_rule)

    return paint
