"""A resolved Theme + the floors of ``templates/legibility.yaml`` -> every style too small for
its edition and every text too faint on what is behind it (WCAG AA), each named at the file
and line that set the value: a brand cannot shrink or whiten the emergency signs away."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .errors import InputError, Problem
from .load import load_yaml
from .theme import Places, TextStyle, Theme, place

FILE = "legibility.yaml"  # in templates/


def _luminance(hex_color: str) -> float:
    """WCAG relative luminance of #rrggbb."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(foreground: str, background: str) -> float:
    """The WCAG contrast ratio of two #rrggbb colours (1 to 21)."""
    lighter, darker = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def load_rules(templates_dir: Path, root: Path) -> dict[str, Any]:
    """The floors (``templates/legibility.yaml``), or InputError naming the file."""
    src = load_yaml(templates_dir / FILE, root=root)
    if src.problems or not isinstance(src.data, dict):
        raise InputError(src.problems or [src.problem((), "must be a mapping of keys")])
    return src.data


def problems(
    theme: Theme, edition: str, rules: dict[str, Any], places: Places, origin: str
) -> list[Problem]:
    """Every legibility problem of ``theme`` built as ``edition``."""
    out: list[Problem] = []

    def bad(field: str, message: str) -> None:
        found = place(places, field)
        if found is None:
            out.append(Problem(origin, None, field, message))
        else:
            out.append(Problem(found[0], found[1], found[2] + field, message))

    floors = rules.get("minimum_size_pt") or {}
    floor = float(floors.get(edition, floors.get("standard", 0)))
    for name, style in theme.styles.items():
        if style.size < floor and ("styles", name, "size") in places:  # where it is set, not
            # each style that inherits it
            bad(
                f"styles.{name}.size",
                f"{style.size:g} pt is under the {floor:g} pt minimum "
                f"of the {edition} edition ({FILE})",
            )
    page = str(rules.get("page_background", "#ffffff"))
    limits = rules.get("contrast") or {}

    def needed(style: TextStyle) -> float:
        bold = style.weight in ("bold", "bold_italic")
        large = style.size >= float(limits.get("large_size_pt", 18)) or (
            bold and style.size >= float(limits.get("large_bold_size_pt", 14))
        )
        return float(limits.get("large_text" if large else "text", 4.5))

    def behind(name: str) -> str:
        return page if name == "page" else theme.colors.get(name, page)

    def blame(field: str, color: str) -> str:
        """The field that set ``color``: a brand's own colour of that value, if it has one
        (styles name colours, so a brand's ``colors.text`` is what made them faint)."""
        for name, value in theme.colors.items():
            found = place(places, f"colors.{name}")
            if value == color and found is not None and found[2].startswith("theme."):
                return f"colors.{name}"
        return field

    def check(field: str, style: TextStyle, color: str, background: str, where: str) -> None:
        ratio, want = contrast(color, background), needed(style)
        if ratio < want:
            field = blame(field, color)
            bad(
                field,
                f"{color} on {background} ({where}, {edition} edition) has a contrast of "
                f"{ratio:.2f}:1, under the {want:g}:1 WCAG AA asks ({FILE})",
            )

    drawn_on = rules.get("backgrounds") or {}
    for name, style in theme.styles.items():
        for background in drawn_on.get(name, ["page"]):
            where = "the page" if background == "page" else f"colour {background}"
            check(f"styles.{name}.color", style, style.color, behind(background), where)
    body = theme.styles["body"]
    for color_name in rules.get("text_colors") or ():
        if color_name in theme.colors:
            check(f"colors.{color_name}", body, theme.colors[color_name], page, "the page")
    for kind, box in theme.boxes.items():
        heading = theme.styles.get("h3", body)
        check(f"boxes.{kind}.title", heading, box.title, box.background, f"the {kind} box")
        for name in rules.get("in_boxes") or ():
            if name in theme.styles:
                style = theme.styles[name]
                check(
                    f"boxes.{kind}.background",
                    style,
                    style.color,
                    box.background,
                    f"{name} text in the {kind} box",
                )
        for color_name in rules.get("text_colors") or ():
            if color_name in theme.colors:
                check(
                    f"boxes.{kind}.background",
                    body,
                    theme.colors[color_name],
                    box.background,
                    f"{color_name} in the {kind} box",
                )
    return out
