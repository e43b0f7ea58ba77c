"""Typed, immutable data passed between the pipeline stages: handouts, brands, documents."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

# --- content (handouts/<topic>.yaml) -------------------------------------------------------------


class SourceText(str):
    """A content string that remembers the line it was written on (for ``#:`` and messages)."""

    line: int

    def __new__(cls, value: str, line: int) -> SourceText:
        obj = super().__new__(cls, value)
        obj.line = line
        return obj

    def __getnewargs__(self) -> tuple[str, int]:  # pickled with its line (the topic cache)
        return str(self), self.line


ListKind = Literal["bullets", "steps", "checklist"]
CalloutKind = Literal["urgent", "warning", "tip", "note"]


@dataclass(frozen=True)
class Person:
    name: str
    role: str
    clinical: bool = False


@dataclass(frozen=True)
class Source:
    title: str
    publisher: str
    year: int
    url: str | None = None


@dataclass(frozen=True)
class Paragraph:
    id: str
    text: str


@dataclass(frozen=True)
class ItemList:
    id: str
    kind: ListKind
    items: tuple[str, ...]
    intro: str | None = None


@dataclass(frozen=True)
class Definition:
    term: str
    text: str


@dataclass(frozen=True)
class Definitions:
    id: str
    items: tuple[Definition, ...]
    intro: str | None = None


@dataclass(frozen=True)
class Callout:
    id: str
    kind: CalloutKind
    title: str
    blocks: tuple[Paragraph | ItemList, ...]


@dataclass(frozen=True)
class Table:
    id: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...] | None = None
    caption: str | None = None


Block = Paragraph | ItemList | Definitions | Callout | Table


@dataclass(frozen=True)
class Section:
    id: str
    heading: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Handout:
    """One topic's source content, validated."""

    id: str
    code: str
    title: str
    summary: str
    keywords: tuple[str, ...]
    version: str
    published: dt.date
    last_reviewed: dt.date
    next_review: dt.date
    review_status: Literal["not-clinically-reviewed", "clinically-reviewed"]
    authors: tuple[Person, ...]
    reviewers: tuple[Person, ...]
    sources: tuple[Source, ...]
    sections: tuple[Section, ...]
    path: Path = field(default=Path(), compare=False)
    # (msgctxt) -> source line, for messages that must name the place a string came from
    lines: dict[str, int] = field(default_factory=dict, compare=False, hash=False)
    # context prefix (topic/section or topic/section/block) -> note for translators
    notes: dict[str, str] = field(default_factory=dict, compare=False, hash=False)


def _map_block(block: Block, ctx: str, fn: Callable[[str, str], str]) -> Block:
    """Return ``block`` with every translatable string passed through ``fn(context, text)``."""
    c = f"{ctx}/{block.id}"
    match block:
        case Paragraph():
            return replace(block, text=fn(c, block.text))
        case ItemList():
            return replace(
                block,
                intro=fn(f"{c}/intro", block.intro) if block.intro else None,
                items=tuple(fn(c, item) for item in block.items),
            )
        case Definitions():
            return replace(
                block,
                intro=fn(f"{c}/intro", block.intro) if block.intro else None,
                items=tuple(
                    Definition(fn(f"{c}/term", d.term), fn(f"{c}/text", d.text))
                    for d in block.items
                ),
            )
        case Callout():
            return replace(
                block,
                title=fn(f"{c}/title", block.title),
                blocks=tuple(_map_block(b, c, fn) for b in block.blocks),  # type: ignore[misc]
            )
        case Table():
            return replace(
                block,
                caption=fn(f"{c}/caption", block.caption) if block.caption else None,
                header=tuple(fn(f"{c}/header", h) for h in block.header),
                rows=tuple(tuple(fn(c, cell) for cell in row) for row in block.rows),
            )
    raise TypeError(block)  # pragma: no cover


def map_strings(handout: Handout, fn: Callable[[str, str], str]) -> Handout:
    """Return ``handout`` with every translatable string replaced by ``fn(msgctxt, text)``.

    Contexts are built from stable ids (``topic/section/block[/field]``), never positions; the
    same walk drives translation lookup and catalog extraction.
    """
    t = handout.id
    return replace(
        handout,
        title=fn(f"{t}/title", handout.title),
        summary=fn(f"{t}/summary", handout.summary),
        keywords=tuple(fn(f"{t}/keywords", k) for k in handout.keywords),
        authors=tuple(replace(p, role=fn(f"{t}/people/role", p.role)) for p in handout.authors),
        reviewers=tuple(replace(p, role=fn(f"{t}/people/role", p.role)) for p in handout.reviewers),
        sections=tuple(
            replace(
                s,
                heading=fn(f"{t}/{s.id}/heading", s.heading),
                blocks=tuple(_map_block(b, f"{t}/{s.id}", fn) for b in s.blocks),
            )
            for s in handout.sections
        ),
    )


def iter_strings(handout: Handout) -> Iterator[tuple[str, str]]:
    """Yield ``(msgctxt, text)`` for every translatable string of ``handout``, in reading order."""
    found: list[tuple[str, str]] = []

    def collect(ctx: str, text: str) -> str:
        found.append((ctx, text))
        return text

    map_strings(handout, collect)
    yield from found


# --- brands and locales ---------------------------------------------------------------------------


BrandText = str | dict[str, str]  # one text, or the same text per language (BCP-47 tag -> text)


def in_language(value: BrandText | None, chain: Sequence[str]) -> str | None:
    """A brand's text for a leaflet whose language ``chain`` is most specific first
    (``["es-MX", "es-419", "es"]``: CLDR's parents): the first language of the chain the brand
    gives, else English (``en``, then any ``en-...``), else the first text given."""
    if value is None or isinstance(value, str):
        return value
    for tag in chain:
        if tag in value:
            return value[tag]
    if "en" in value:
        return value["en"]
    english = [v for k, v in value.items() if k.startswith("en-")]
    return english[0] if english else next(iter(value.values()), None)


@dataclass(frozen=True)
class Brand:
    """A clinic's identity, contact details and theme overrides (``templates/brands/<id>/``)."""

    id: str
    name: str
    directory: Path
    address: tuple[str, ...]
    phone: str
    website: str | None
    email: str | None
    emergency_number: str
    footer_text: BrandText | None
    paper: str
    logo: Path | None
    logo_alt: BrandText | None
    tagline: BrandText | None
    region: str | None = None
    theme: dict = field(default_factory=dict, compare=False, hash=False)
    source: str = ""  # brand.yaml as messages name it
    lines: dict[str, int] = field(default_factory=dict, compare=False, hash=False)

    def origins(self) -> dict[str, str]:
        """Each printed value -> ``templates/brands/x/brand.yaml:4 (tagline)``."""
        values: dict[str, str | None] = {
            "name": self.name,
            "phone": self.phone,
            "website": self.website,
            "email": self.email,
            "emergency_number": self.emergency_number,
        }
        for key in ("tagline", "footer_text", "logo_alt"):
            value = getattr(self, key)
            if isinstance(value, dict):
                values.update({f"{key}.{lang}": text for lang, text in value.items()})
            else:
                values[key] = value
        values.update({f"address[{i}]": line for i, line in enumerate(self.address)})
        return {
            value: f"{self.source}:{self.lines.get(key, 1)} ({key})"
            for key, value in values.items()
            if value
        }

    def placeholders(self) -> dict[str, str]:
        """Values content strings may name as ``{placeholder}``."""
        return {
            "clinic_name": self.name,
            "clinic_phone": self.phone.replace(" ", "\u00a0"),  # never split over two lines
            "clinic_website": self.website or "",
            "emergency_number": self.emergency_number,
        }


PLACEHOLDERS = ("clinic_name", "clinic_phone", "clinic_website", "emergency_number")


@dataclass(frozen=True)
class LocaleInfo:
    tag: str  # BCP-47, e.g. "en", "pt-BR"
    language_name: str  # the language's own name, e.g. "English", "Türkçe"
    direction: Literal["ltr", "rtl"]


@dataclass(frozen=True)
class LocalizedHandout:
    """A handout with its strings in one locale and its dates formatted for it."""

    handout: Handout
    locale: LocaleInfo
    dates: dict[str, str]
    missing: tuple[str, ...] = ()  # msgctxts that fell back to the source language
    translated: bool = False  # False for the source language
    translation_reviewer: str | None = None  # from the catalog header X-Reviewed-By


# --- composed document (what the templates produce, what the renderer draws) ----------------------


@dataclass(frozen=True)
class Span:
    """A run of text with uniform formatting. ``href`` makes it a link."""

    text: str
    bold: bool = False
    href: str | None = None


Inline = tuple[Span, ...]


@dataclass(frozen=True)
class DocHeading:
    level: int
    text: Inline
    anchor: str | None = None


@dataclass(frozen=True)
class DocPara:
    text: Inline
    style: str = "body"
    keep_with_next: bool = False  # an introduction stays on the page of what it introduces


@dataclass(frozen=True)
class DocList:
    kind: ListKind
    items: tuple[Inline, ...]


@dataclass(frozen=True)
class DocDefinitions:
    items: tuple[tuple[Inline, Inline], ...]


@dataclass(frozen=True)
class DocTable:
    header: tuple[Inline, ...]
    rows: tuple[tuple[Inline, ...], ...]
    widths: tuple[float, ...] | None = None
    caption: Inline | None = None


@dataclass(frozen=True)
class DocBox:
    """A framed group kept on one page: a callout (urgent/warning/tip/note) or a standard box."""

    kind: str
    title: Inline | None
    blocks: tuple[DocBlock, ...]


@dataclass(frozen=True)
class DocMasthead:
    name: Inline
    tagline: Inline | None
    logo: Path | None
    logo_alt: str


@dataclass(frozen=True)
class DocTitleBand:
    title: Inline


DocBlock = (
    DocHeading | DocPara | DocList | DocDefinitions | DocTable | DocBox | DocMasthead | DocTitleBand
)


@dataclass(frozen=True)
class DocMeta:
    title: str
    author: str
    subject: str
    keywords: tuple[str, ...]
    lang: str
    direction: Literal["ltr", "rtl"]


@dataclass(frozen=True)
class Furniture:
    """Text drawn on every page; ``{page}`` and ``{pages}`` are filled in at render time."""

    running_header: str
    footer_left: str
    footer_center: str
    footer_right: str
    draft_mark: str | None = None


@dataclass(frozen=True)
class Document:
    meta: DocMeta
    furniture: Furniture
    blocks: tuple[DocBlock, ...]


@dataclass(frozen=True)
class Rendered:
    """A leaflet laid out in memory: the PDF, its page count, and what was drawn with which role."""

    pdf: bytes
    pages: int
    warnings: tuple[str, ...] = ()
    structure: tuple[tuple[int, str], ...] = ()  # (page, role) per block, in drawing order
