"""Theme cascade: default theme + edition + brand overrides (YAML) -> one typed Theme."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import InputError, Problem
from .load import Sourced, load_yaml

MM = 72 / 25.4  # points per millimetre
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
_STYLE_KEYS = {
    "parent",
    "font",
    "weight",
    "size",
    "leading",
    "color",
    "space_before",
    "space_after",
    "hyphenate",
    "keep_with_next",
}


@dataclass(frozen=True)
class TextStyle:
    name: str
    family: str
    weight: str  # "regular" | "bold" | "italic" | "bold_italic"
    size: float
    leading: float
    color: str  # #rrggbb
    space_before: float
    space_after: float
    hyphenate: bool = True  # may be hyphenated where its locale is (never headings)
    keep_with_next: bool = False  # stays on the page of what follows (headings)


@dataclass(frozen=True)
class BoxColors:
    bar: str
    background: str
    title: str
    bar_width: float | None = None  # the accent bar's width (None: spacing.box_bar)
    frame: float = 0.0  # an outline all around, in the bar colour (0: none): a shape, not a tint


@dataclass(frozen=True)
class Theme:
    """Everything visual about a leaflet, resolved: fonts, paper, geometry, colours, styles."""

    fonts: dict[str, dict[str, str]]  # family -> weight -> file name in fonts/
    papers: dict[str, tuple[float, float]]  # name -> (width, height) in points
    margins: tuple[float, float, float, float]  # top, right, bottom, left (points)
    header: float
    footer: float
    gap: float
    colors: dict[str, str]
    boxes: dict[str, BoxColors]
    styles: dict[str, TextStyle]
    spacing: dict[str, float]
    scripts: dict[str, tuple[str, ...]] = field(default_factory=dict)  # locale -> font chain
    hyphenation: dict[str, str] = field(default_factory=dict)  # language -> pyphen dictionary
    hyphenation_min_word_length: int = 14  # shorter words are never hyphenated
    cjk_wrap: tuple[str, ...] = ()  # languages broken between any two characters
    links: dict[str, bool] = field(default_factory=dict)  # underline, bold: how links look
    fit: dict[str, float] = field(default_factory=dict)  # saving a nearly empty last page


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """``override`` merged into a copy of ``base``; mappings merge, everything else replaces."""
    out = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


EXTENSIBLE = ("fonts", "papers")  # an override may add a font family or a paper size


def override_problems(
    base: Any, override: Any, path: tuple[str, ...] = ()
) -> list[tuple[tuple[str, ...], str]]:
    """Keys and value types in ``override`` that the theme it overrides does not have: typos
    (``colours``, ``primry``) and wrong types are errors, never silently ignored."""
    problems: list[tuple[tuple[str, ...], str]] = []
    if not isinstance(override, dict):
        return [(path, "must be a mapping of keys")]
    for key, value in override.items():
        here = (*path, str(key))
        if key not in base:
            if path and path[0] in EXTENSIBLE:
                continue
            known = ", ".join(sorted(map(str, base))) if base else "none"
            problems.append((here, f"unknown key {key!r} (expected one of {known})"))
            continue
        expected = base[key]
        if isinstance(expected, dict):
            problems += override_problems(expected, value, here)
        elif isinstance(expected, bool) or isinstance(value, bool):
            if type(expected) is not type(value):
                problems.append((here, f"{value!r} has the wrong type"))
        elif isinstance(expected, int | float) and not isinstance(value, int | float):
            problems.append((here, f"{value!r} is not a number"))
        elif isinstance(expected, str) and not isinstance(value, str):
            problems.append((here, f"{value!r} is not text"))
    return problems


# key path -> (file, line, how that file spells the key's parents) that set it
Places = dict[tuple[str, ...], tuple[str, int, str]]


def places_of(src: Sourced, prefix: tuple[str, ...] = ()) -> Places:
    """Where each key under ``prefix`` of a loaded file was set: its path below the prefix ->
    (file, line, ``prefix.`` as a field name)."""
    n = len(prefix)
    spelled = "".join(f"{p}." for p in prefix)
    return {
        tuple(str(k) for k in path[n:]): (src.display, line, spelled)
        for path, line in src.lines.items()
        if len(path) > n and tuple(path[:n]) == prefix
    }


def place(places: Places, field: str) -> tuple[str, int, str] | None:
    """The file and line that set ``field`` (``colors.link``), or its nearest parent."""
    parts = tuple(field.split(".")) if field else ()
    while parts:
        if parts in places:
            return places[parts]
        parts = parts[:-1]
    return None


def load_theme_layers(
    themes_dir: Path, layers: tuple[str, ...] = (), *, root: Path
) -> tuple[dict[str, Any], Places]:
    """The default theme with an edition's layers (``themes/<name>.yaml``) merged over it, in
    order, and where each value was set."""
    from .validate import hidden_in

    problems: list[Problem] = []
    files = [load_yaml(themes_dir / "default.yaml", root=root)]
    files += [load_yaml(themes_dir / f"{layer}.yaml", root=root) for layer in layers]
    data: dict[str, Any] = {}
    places: Places = {}
    for n, layer in enumerate(files):
        problems += layer.problems
        if n and isinstance(layer.data, dict):  # an edition may only change what exists
            problems += [
                layer.problem(path, message)
                for path, message in override_problems(data, layer.data)
            ]
        if isinstance(layer.data, dict):
            problems += hidden_in(layer)  # no control or hidden character in any value
            data = deep_merge(data, layer.data)
            places.update(places_of(layer))
        elif not layer.problems:
            problems.append(Problem(layer.display, 1, "", "a theme file must be a mapping"))
    if problems:
        raise InputError(problems)
    return data, places


def font_file_problems(fonts: dict[str, Any], fonts_dir: Path) -> list[tuple[str, str]]:
    """(field, why) for every font file a theme names that is not a regular file inside
    ``fonts_dir`` (no absolute path, no ``..`` or link out of it) within the size limit of
    ``templates/limits.yaml``. Only names and file status are read, never a file's bytes."""
    from . import limits, paths

    max_bytes = limits.limit(fonts_dir.parent, "fonts", "max_bytes")
    found = []
    for family, faces in fonts.items():
        for weight, name in faces.items() if isinstance(faces, dict) else ():
            _, why = paths.inside(fonts_dir, name, what="font", max_bytes=max_bytes)
            if why:
                found.append((f"fonts.{family}.{weight}", why))
    return found


def resolve_theme(
    data: dict[str, Any],
    *,
    origin: str,
    places: Places | None = None,
    fonts_dir: Path | None = None,
) -> Theme:
    """Check a merged theme mapping and turn it into a Theme. A problem names the file and
    line that set the value (``places``), else ``origin``. With ``fonts_dir``, every font file
    must be a regular file in it (``font_file_problems``)."""
    problems: list[Problem] = []

    def bad(field: str, message: str) -> None:
        found = place(places or {}, field)
        if found is None:
            problems.append(Problem(origin, None, field, message))
        else:
            problems.append(Problem(found[0], found[1], found[2] + field, message))

    for key in ("fonts", "papers", "page", "colors", "boxes", "styles", "spacing"):
        if not isinstance(data.get(key), dict):
            bad(key, "missing or not a mapping")
    if problems:
        raise InputError(problems)
    colors: dict[str, str] = {}
    for name, value in data["colors"].items():
        if not (isinstance(value, str) and _HEX.match(value)):
            bad(f"colors.{name}", f"{value!r} is not a #rrggbb colour")
        colors[name] = str(value)

    def color(field: str, value: Any) -> str:
        if isinstance(value, str) and _HEX.match(value):
            return value
        if value in colors:
            return colors[value]
        bad(field, f"{value!r} is neither #rrggbb nor a colour name ({', '.join(colors)})")
        return "#000000"

    fonts = data["fonts"]
    for family, faces in fonts.items():
        if not isinstance(faces, dict) or "regular" not in faces:
            bad(f"fonts.{family}", "needs at least a 'regular' TrueType file")
    for field_name, message in font_file_problems(fonts, fonts_dir) if fonts_dir else ():
        bad(field_name, message)
    papers = {}
    for name, size in data["papers"].items():
        try:
            papers[name] = (float(size["width_mm"]) * MM, float(size["height_mm"]) * MM)
        except (KeyError, TypeError, ValueError):
            bad(f"papers.{name}", "needs width_mm and height_mm")
    page = data["page"]
    margin = page.get("margin_mm", {})
    try:
        margins = tuple(float(margin[k]) * MM for k in ("top", "right", "bottom", "left"))
    except (KeyError, TypeError, ValueError):
        bad("page.margin_mm", "needs numeric top, right, bottom and left")
        margins = (12 * MM,) * 4  # already reported; do not report it twice
    bands = {}
    for key in ("header_mm", "footer_mm", "gap_mm"):
        try:
            bands[key] = float(page[key]) * MM
        except (KeyError, TypeError, ValueError):
            bad(f"page.{key}", "missing or not a number")
    if min(margins) < 12 * MM:
        bad("page.margin_mm", "office printers need margins of at least 12 mm")
    boxes = {}
    for kind, spec in data["boxes"].items():
        sizes = {k: spec[k] for k in ("bar_width", "frame") if k in spec}
        for key, value in sizes.items():
            if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
                bad(f"boxes.{kind}.{key}", f"{value!r} is not a width in points")
                sizes[key] = 0.0
        boxes[kind] = BoxColors(
            *(color(f"boxes.{kind}.{k}", spec.get(k)) for k in ("bar", "background", "title")),
            **{k: float(v) for k, v in sizes.items()},
        )
    raw_styles = data["styles"]
    if "body" not in raw_styles:
        bad("styles.body", "the body style is required")
        raise InputError(problems)
    styles: dict[str, TextStyle] = {}

    def resolve(name: str, trail: tuple[str, ...] = ()) -> dict[str, Any]:
        spec = raw_styles[name]
        unknown = set(spec) - _STYLE_KEYS
        if unknown:
            bad(
                f"styles.{name}",
                f"unknown key {', '.join(sorted(unknown))} "
                f"(expected one of {', '.join(sorted(_STYLE_KEYS))})",
            )
        parent = spec.get("parent", "body" if name != "body" else None)
        if parent is None:
            return dict(spec)
        if parent in trail or parent not in raw_styles:
            bad(f"styles.{name}.parent", f"unknown or circular parent {parent!r}")
            return dict(spec)
        base = resolve(parent, (*trail, name))
        base.update({k: v for k, v in spec.items() if k != "parent"})
        return base

    for name in raw_styles:
        spec = resolve(name)
        family = spec.get("font", "sans")
        weight = spec.get("weight", "regular")
        if family not in fonts:
            bad(f"styles.{name}.font", f"unknown font family {family!r}")
        elif weight not in fonts[family]:
            bad(f"styles.{name}.weight", f"family {family!r} has no {weight!r} face")
        try:
            styles[name] = TextStyle(
                name,
                family,
                weight,
                float(spec["size"]),
                float(spec["leading"]),
                color(f"styles.{name}.color", spec.get("color", "text")),
                float(spec.get("space_before", 0)),
                float(spec.get("space_after", 0)),
                spec.get("hyphenate", True) is not False,
                spec.get("keep_with_next", False) is True,
            )
        except (KeyError, TypeError, ValueError):
            bad(f"styles.{name}", "needs numeric size and leading")
    spacing = {}
    for key, value in data["spacing"].items():
        if not isinstance(value, int | float):
            bad(f"spacing.{key}", f"{value!r} is not a number")
        else:
            spacing[key] = float(value)
    scripts: dict[str, tuple[str, ...]] = {}
    for lang, chain in (data.get("scripts") or {}).items():
        if not isinstance(chain, list) or not all(f in fonts for f in chain):
            bad(f"scripts.{lang}", f"{chain!r} must be a list of font families from 'fonts'")
        else:
            scripts[str(lang)] = tuple(chain)
    hyphenation = {str(k): str(v) for k, v in (data.get("hyphenation") or {}).items()}
    if data.get("hyphenate", True) is False:
        hyphenation = {}
    min_word = data.get("hyphenation_min_word_length", 14)
    if not isinstance(min_word, int) or isinstance(min_word, bool) or min_word < 2:
        bad("hyphenation_min_word_length", f"{min_word!r} is not a whole number of at least 2")
    cjk_wrap = tuple(str(x) for x in (data.get("cjk_wrap") or ()))
    links = {"underline": True, "bold": False, **(data.get("links") or {})}
    for key, value in links.items():
        if not isinstance(value, bool):
            bad(f"links.{key}", f"{value!r} is not true or false")
    fit = dict(data.get("fit") or {})
    for key, value in fit.items():
        if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
            bad(f"fit.{key}", f"{value!r} is not a number of at least 0")
    if problems:
        raise InputError(problems)
    return Theme(
        fonts=fonts,
        papers=papers,
        margins=margins,  # type: ignore[arg-type]
        header=bands["header_mm"],
        footer=bands["footer_mm"],
        gap=bands["gap_mm"],
        colors=colors,
        boxes=boxes,
        styles=styles,
        spacing=spacing,
        scripts=scripts,
        hyphenation=hyphenation,
        hyphenation_min_word_length=min_word if isinstance(min_word, int) else 14,
        cjk_wrap=cjk_wrap,
        links=links,
        fit={k: float(v) for k, v in fit.items()},
    )
