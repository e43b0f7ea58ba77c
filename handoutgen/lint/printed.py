"""A composed leaflet (the pipeline's Document, placeholders filled, in its language) -> the
pieces of text it prints, in reading order, each with its section and the file:line it came
from: the topic's YAML line, the PO line of its translation, the template or brand.yaml line."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .. import blocks
from ..blocks.callout import DocBox
from ..blocks.heading import DocHeading
from ..inline import InlineError, parse_inline

if TYPE_CHECKING:
    from ..i18n.catalog import Catalog
    from ..model import Brand, Document, Handout, Inline, LocalizedHandout

TOP = "top"  # before the first section heading: the title and the summary
BACK = "back matter"  # the template's own sections after the content (sources, contact ...)
PROSE = frozenset(
    {
        "body",
        "summary",
        "small",
        "large",
        "list_item",
        "table_cell",
        "caption",
        "figure_caption",
    }
)
HEADINGS = frozenset({"h2", "h3"})
_AT = re.compile(r"\(([^()]+?:\d+)\)\s*$")
_FORMAT = re.compile(r"%\(\w+\)[sd]|\{\w+\}")


@dataclass(frozen=True)
class Unit:
    """One piece of printed text: a paragraph, list item, table cell, heading or box title."""

    text: str
    style: str  # the theme style it prints in (body, list_item, h2 ...)
    section: str  # the content section's id, TOP or BACK
    place: str  # file:line it came from
    box: str | None = None  # the callout kind of the box it is in (urgent, warning ...)
    source: bool = False  # an entry of the sources list (not prose)

    @property
    def prose(self) -> bool:
        return self.style in PROSE and not self.source

    @property
    def heading(self) -> bool:
        return self.style in HEADINGS


def plain(spans: Inline) -> str:
    return " ".join("".join(span.text for span in spans).split())


def _relative(path: Path, root: Path) -> str:
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)


class Places:
    """Printed text -> the file:line it came from, from what the catalog looked up for this
    leaflet (content and template strings) and the brand's own values."""

    def __init__(self, root: Path, handout: Handout, catalog: Catalog, brand: Brand) -> None:
        from ..i18n.catalog import DOMAIN, entry_place, source_place

        self.exact: dict[str, Callable[[], str] | str] = {}
        self.parts: list[tuple[str, Callable[[], str] | str]] = []
        topic_file = _relative(handout.path, root)
        pot = root / "locales" / f"{DOMAIN}.pot"
        values = brand.placeholders()

        for context, message, text, layer in catalog.lookups:
            if layer >= 0:
                po = catalog.paths[layer]

                def where(po: Path = po, c: str | None = context, m: str = message) -> str:
                    return entry_place(po, c, m, root)

            elif context and context in handout.lines:
                where = f"{topic_file}:{handout.lines[context]}"  # type: ignore[assignment]
            else:

                def where(c: str | None = context, m: str = message) -> str:
                    return source_place(pot, c, m) or "templates"

            try:
                printed = " ".join("".join(s.text for s in parse_inline(text, values)).split())
            except (InlineError, KeyError, ValueError):
                printed = " ".join(text.replace("**", "").split())
            self.exact.setdefault(printed, where)
            literal = max(_FORMAT.split(printed), key=len).strip()
            if len(literal) >= 12:
                self.parts.append((literal, where))
        for value, origin in brand.origins().items():
            self.exact.setdefault(" ".join(value.split()), origin.split(" (")[0])
        self.parts.sort(key=lambda p: len(p[0]), reverse=True)
        self.data = [v for v in brand.origins() if v] + [handout.code]

    def of(self, text: str, fallback: str) -> str:
        where = self.exact.get(text)
        if where is None:
            where = next((w for part, w in self.parts if part in text), None)
        if where is None:
            return fallback
        return where() if callable(where) else where


def _fallback(origin: str, root: Path) -> str:
    """A block's own origin as a place: its content line, else its template's file."""
    found = _AT.search(origin)
    if found:
        return found.group(1)
    if origin.startswith("template "):
        name = origin.split(":", 1)[-1]
        return f"templates/{name}"
    return origin or "templates"


def units(
    document: Document, localized: LocalizedHandout, places: Places, root: Path
) -> list[Unit]:
    """Every piece of text ``document`` prints, in reading order, with its section."""
    handout = localized.handout
    headings = {_heading(s.heading): s.id for s in handout.sections}
    markers = [s.url for s in handout.sources if s.url] + [s.title for s in handout.sources]
    data = sorted((" ".join(v.split()) for v in localized_data(places)), key=len, reverse=True)
    out: list[Unit] = []
    section = TOP
    for block in document.blocks:
        fallback = _fallback(block.origin, root)
        if isinstance(block, DocHeading) and block.level <= 2:
            section = headings.get(plain(block.text), BACK)
        box = block.kind if isinstance(block, DocBox) else None
        for style, spans in blocks.texts(block):
            text = plain(spans)
            if not text or not _words_left(text, data):
                continue  # nothing, or only the clinic's own data (an address, a phone line)
            source = style == "list_item" and any(m and m in text for m in markers)
            out.append(Unit(text, style, section, places.of(text, fallback), box, source))
    return out


def _heading(text: str) -> str:
    try:
        return plain(parse_inline(text))
    except InlineError:
        return " ".join(text.split())


def localized_data(places: Places) -> list[str]:
    """Values printed as given, not written for the leaflet: the brand's, the topic's code."""
    return places.data


def _words_left(text: str, data: list[str]) -> bool:
    """Whether ``text`` has letters once the data values are taken out of it."""
    text = re.sub(r"^[^:：]{1,20}[:：](?=\s*\S)", " ", text)  # a label: "Phone:", "Website:"
    for value in data:
        text = text.replace(value, " ")
    return bool(re.search(r"[^\W\d_]{2,}", text))
