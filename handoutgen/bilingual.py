"""Two composed leaflets of one topic, one per language -> one PDF with the languages side by
side: the masthead once, both languages named and both titles on one band, then each part of
the template (a section, a box) as a row of two columns that start level; furniture in both
languages; each column's structure elements in its own language (``/Lang``).

The first language's column is on the side its lines start from: on the left for a
left-to-right language, on the right for Arabic or Hebrew, so that each reader starts where
their eye goes first. The document's language, masthead and reading order follow it: in the
structure tree, each part is read in the first language, then in the second."""

from __future__ import annotations

import dataclasses
import itertools
from collections import Counter
from collections.abc import Sequence
from typing import Any

from reportlab.platypus import Flowable

from .blocks.masthead import DocMasthead
from .blocks.paragraph import DocPara
from .blocks.title_band import DocTitleBand
from .layout import fit, furniture, page
from .layout.builder import Builder
from .layout.columns import Columns
from .layout.glyphs import Origins
from .layout.scripts import LocaleRules
from .layout.styles import color, styles_for
from .model import DocBlock, Document, Rendered, Span
from .pdf.structure import Node
from .render import lay_out, prepare
from .theme import MM, Theme

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

TITLE_JOIN = " · "  # the two titles in the PDF's title, as the running header joins its parts


@dataclasses.dataclass(frozen=True)
class Side:
    """One language of a bilingual leaflet: its composed document and its own name (CLDR's,
    in its own script: "Español", "العربية"), printed above its title."""

    document: Document
    name: str

    @property
    def lang(self) -> str:
        return self.document.meta.lang

    @property
    def rtl(self) -> bool:
        return self.document.meta.direction == "rtl"


def column_width(theme: Theme, frame_width: float) -> float:
    return (frame_width - theme.spacing["column_gap"]) / 2


def refusal(theme: Theme, paper: str, edition: str) -> str | None:
    """Why ``theme`` cannot print two languages side by side on ``paper`` (None if it can):
    a column would hold fewer than ``spacing.column_min_ems`` body-size ems a line."""
    least = theme.spacing["column_min_ems"]
    body = theme.styles["body"].size

    def width(name: str) -> float:
        return column_width(theme, page.page(theme, name).frame_width)

    if width(paper) >= least * body:
        return None
    fit = [name for name in theme.papers if width(name) >= least * body]
    return (
        f"two languages side by side need columns at least {least:g} times as wide as the "
        f"body text is tall (spacing.column_min_ems in the theme); on {paper} in the {edition} "
        f"edition a column would be {width(paper) / MM:.0f} mm, {width(paper) / body:.1f} "
        f"times its {body:g} pt body text. Wide enough in this edition: "
        f"{', '.join(fit) or 'no paper'}. Or print one leaflet per language"
    )


# --- aligning the two documents ---------------------------------------------------------------


def units(document: Document) -> list[tuple[str, tuple[DocBlock, ...]]]:
    """``document``'s blocks by the template element that made them, each keyed by the element
    (``section:symptoms#1``, ``box#2``: the n-th of its key)."""
    seen: Counter[str] = Counter()
    out = []
    at = 0
    for key, count in document.units or (("all", len(document.blocks)),):
        seen[key] += 1
        out.append((f"{key}#{seen[key]}", document.blocks[at : at + count]))
        at += count
    return out


Row = tuple[str, tuple[DocBlock, ...], tuple[DocBlock, ...]]


def pair(first: Document, second: Document) -> list[Row]:
    """The rows of a bilingual leaflet: each template element of ``first`` beside the same
    element of ``second``, in ``first``'s order; an element only one of them has (a brand's
    template that differs by language) is a row with one column empty, where it comes."""
    mine = units(first)
    theirs = units(second)
    shared = {key for key, _ in mine} & {key for key, _ in theirs}
    found = dict(theirs)
    rows: list[Row] = []
    waiting = [unit for unit in theirs]
    for key, blocks in mine:
        if key not in shared:
            rows.append((key, blocks, ()))
            continue
        while waiting and waiting[0][0] != key:
            other, more = waiting.pop(0)
            if other not in shared:
                rows.append((other, (), more))
        if waiting:
            waiting.pop(0)
        rows.append((key, blocks, found[key]))
    rows.extend((key, (), more) for key, more in waiting if key not in shared)
    return rows


# --- laying the rows out ------------------------------------------------------------------------


@dataclasses.dataclass
class Sheet:
    """What every row is laid out with: a builder per side (sharing one structure tree), each
    side's column position from the frame's left edge, the column width and the rule."""

    sides: Sequence[Side]
    builders: Sequence[Builder]
    xs: Sequence[float]
    width: float
    full: float
    rule: tuple[float, Any]

    def columns(self, cells: Sequence[Sequence[Flowable]]) -> Columns:
        return Columns(cells, self.xs, self.width, self.full, self.rule)


def _band(sheet: Sheet, titles: Sequence[DocTitleBand], nodes: Sequence[Node]) -> Flowable:
    """Both titles (H1, each in its side's structure) on one band of the brand's colour, each
    over its column."""
    first = sheet.builders[0]
    sp = first.theme.spacing
    colors = first.theme.colors
    heads = [
        b.heading(title.title, "title", 1, node)
        for b, title, node in zip(sheet.builders, titles, nodes, strict=True)
    ]
    for later in heads[1:]:  # one outline: the first title, every section in both beneath
        later.node.title = None
    cells = [head for _, head in sorted(zip(sheet.xs, heads, strict=True), key=lambda c: c[0])]
    gap = first.theme.spacing["column_gap"]
    pad = sp["band_padding"]
    return first.grid(
        [cells],
        [
            ("BACKGROUND", (0, 0), (-1, -1), color(colors["primary"])),
            ("LINEBELOW", (0, 0), (-1, -1), sp["band_rule"], color(colors["accent"])),
            ("LEFTPADDING", (0, 0), (-1, -1), pad),
            ("RIGHTPADDING", (0, 0), (-1, -1), pad),
            ("TOPPADDING", (0, 0), (-1, -1), pad),
            ("BOTTOMPADDING", (0, 0), (-1, -1), pad),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ],
        colWidths=[sheet.width + gap / 2] * len(cells),
    )


def story(sheet: Sheet, rows: Sequence[Row]) -> list[Flowable]:
    """Every row as flowables: the masthead across the page (the first language's), the
    language names and the title band, then a row of columns per template element."""
    first = sheet.builders[0]
    root = first.root
    out: list[Flowable] = []
    for key, *parts in rows:
        if not any(parts):  # an element that made no blocks
            continue
        if any(isinstance(block, DocMasthead) for block in parts[0] or parts[1]):
            for block in parts[0] or parts[1]:
                out.extend(first.block(block, root, first.width))
            continue
        role = "Sect" if key.startswith("section:") else "Div"
        nodes = [Node(role, root, lang=side.lang) for side in sheet.sides]
        if all(len(blocks) == 1 and isinstance(blocks[0], DocTitleBand) for blocks in parts):
            out.append(_band(sheet, [blocks[0] for blocks in parts], nodes))  # type: ignore[misc]
            continue
        cells = []
        for b, blocks, node in zip(sheet.builders, parts, nodes, strict=True):
            made = [f for block in blocks for f in b.block(block, node, sheet.width)]
            cells.append(page.bind_headings(made))
        out.append(sheet.columns(cells))
    return out


def _painter(
    sides: Sequence[Side], theme: Theme, size: tuple[float, float], xs: Sequence[float], w: float
) -> tuple[furniture.Painter, float]:
    """Each side's furniture (running header, footer, marks) over its own column, in its own
    language and direction; and the footer band the taller of them needs."""
    top, _, bottom, left = theme.margins
    boxed = []
    for side, x in zip(sides, xs, strict=True):
        box = dataclasses.replace(theme, margins=(top, size[0] - left - x - w, bottom, left + x))
        boxed.append((side, LocaleRules(box, side.lang, side.document.meta.direction)))
    # one footer band, the taller language's, so that both footers start level
    band = max(furniture.footer_band(s.document.furniture, r, size) for s, r in boxed)
    painters = [
        furniture.painter(
            side.document.furniture, rules, size, topic=side.document.meta.title, band=band
        )
        for side, rules in boxed
    ]

    def paint(canv: Any, page_number: int, pages: int) -> None:
        for each in painters:
            canv.saveState()
            each(canv, page_number, pages)
            canv.restoreState()

    return paint, band


def named(side: Side) -> Document:
    """``side``'s document with its language's own name, in its own script, above its title:
    a template element of its own (a row of the leaflet), printed and checked like the rest."""
    document = side.document
    elements = document.units or (("all", len(document.blocks)),)
    starts = list(itertools.accumulate((count for _, count in elements), initial=0))
    band = [
        n
        for n, (_, count) in enumerate(elements)
        if any(isinstance(b, DocTitleBand) for b in document.blocks[starts[n] : starts[n] + count])
    ]
    unit = band[0] if band else 0
    start = starts[unit]
    name = DocPara((Span(side.name),), "language_name", origin="the language's own name")
    return dataclasses.replace(
        document,
        blocks=(*document.blocks[:start], name, *document.blocks[start:]),
        units=(*elements[:unit], ("language-name", 1), *elements[unit:]),
    )


def render_pair(
    sides: Sequence[Side],
    theme: Theme,
    *,
    paper: str,
    fonts_dir: Path,
    origins: Origins | None = None,
    tagged: bool = True,
    duplex: str | None = None,
    fitting: bool = True,
) -> Rendered:
    """Lay two languages' documents out side by side on ``paper`` (see the module's notes);
    the checks of ``render.render`` apply to each, and so does ``fitting``: a nearly empty
    last page is saved by tighter spacing where that makes the leaflet a page shorter."""
    given = sides
    sides = [dataclasses.replace(side, document=named(side)) for side in sides]
    rules = [prepare(side.document, theme, fonts_dir, origins) for side in sides]
    size = theme.papers[paper]
    frame_width = page.page(theme, paper).frame_width
    width = column_width(theme, frame_width)
    right = width + theme.spacing["column_gap"]  # the right column's left edge
    xs = [right, 0.0] if sides[0].rtl else [0.0, right]
    painter, band = _painter(sides, theme, size, xs, width)
    geometry = page.page(theme, paper, footer=band)
    builders = [
        Builder(styles_for(r), geometry.frame_width, geometry.frame_height, tagged=tagged)
        for r in rules
    ]
    for other in builders[1:]:  # one structure tree, one record of blocks for messages
        other.root = builders[0].root
        other.blocks = builders[0].blocks
    rule = (theme.spacing["column_rule"], color(theme.colors["rule"]))
    sheet = Sheet(sides, builders, xs, width, geometry.frame_height, rule)
    flowables = story(sheet, pair(sides[0].document, sides[1].document))
    probe = fit.EndProbe()  # where the text ends (the taller column's end)
    flowables.append(probe)
    first, second = (side.document.meta for side in sides)
    meta = dataclasses.replace(
        first,
        title=first.title + TITLE_JOIN + second.title,
        keywords=first.keywords + tuple(k for k in second.keywords if k not in first.keywords),
    )
    rendered = lay_out(
        meta,
        theme,
        geometry,
        builders[0],
        flowables,
        painter,
        origins=origins,
        tagged=tagged,
        duplex=duplex,
    )
    last = probe.at[0] if probe.at else rendered.pages
    fill = fit.last_page_fill(probe, geometry.frame_top(last), geometry.frame_bottom)
    if not fitting or not fit.too_empty(theme, fill, rendered.pages):
        return rendered
    for tighter in fit.tighter(theme):  # the least tightened that saves the page, if any
        again = render_pair(
            given,
            tighter,
            paper=paper,
            fonts_dir=fonts_dir,
            origins=origins,
            tagged=tagged,
            duplex=duplex,
            fitting=False,
        )
        if again.pages < rendered.pages:
            return again
    return rendered


__all__ = ["Side", "pair", "refusal", "render_pair", "units"]
