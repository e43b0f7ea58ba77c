"""Typed, immutable data passed between the pipeline stages: handouts, brands, documents."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, Literal

# --- content (handouts/<topic>.yaml) -------------------------------------------------------------


class SourceText(str):
    """A content string that remembers the line it was written on (for ``#:`` and messages)."""

    line: int

    def __new__(cls, value: str, line: int) -> SourceText:
        obj = super().__new__(cls, value)
        obj.line = line
        return obj

    def __getnewargs__(self) -> tuple[str, int]:  # rebuilt with its line (the topic cache)
        return str(self), self.line


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
class ContentBlock:
    """A block of a topic's content (``handouts/<topic>.yaml``); each kind is a subclass in
    its own module of ``handoutgen.blocks``, which says how every stage handles it."""

    id: str
    # where it was written: ``neuromyotonia/symptoms/list (handouts/neuromyotonia.yaml:42)``
    # (for messages; not part of its value)
    origin: str = field(default="", compare=False, kw_only=True)

    type: ClassVar[str] = ""  # its YAML ``type`` (a kind with several, per instance)
    template: ClassVar[str] = ""  # the template that composes it


@dataclass(frozen=True)
class Section:
    id: str
    heading: str
    blocks: tuple[ContentBlock, ...]


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
    # files the content refers to (figures), inside the topic's folder
    files: tuple[Path, ...] = field(default=(), compare=False)
    # (msgctxt) -> source line, for messages that must name the place a string came from
    lines: dict[str, int] = field(default_factory=dict, compare=False, hash=False)
    # context prefix (topic/section or topic/section/block) -> note for translators
    notes: dict[str, str] = field(default_factory=dict, compare=False, hash=False)


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
    # every other key brand.schema.json declares: for templates, as {{ brand.<key> }}
    options: dict[str, object] = field(default_factory=dict, compare=False, hash=False)
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
        texts = {k: v for k, v in self.options.items() if isinstance(v, str | dict)}
        for key, value in (
            *((k, getattr(self, k)) for k in ("tagline", "footer_text", "logo_alt")),
            *texts.items(),
        ):
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
    translation_changed: bool = False  # reviewed once, changed since: the stamp no longer holds


# --- composed document (what the templates produce, what the renderer draws) ----------------------


@dataclass(frozen=True)
class Span:
    """A run of text with uniform formatting. ``href`` makes it a link."""

    text: str
    bold: bool = False
    href: str | None = None


Inline = tuple[Span, ...]


@dataclass(frozen=True)
class DocBlock:
    """A block of a composed document (what the templates produce, what the renderer draws);
    each kind is a subclass in its own module of ``handoutgen.blocks``."""

    # where it came from, for messages: a msgctxt and file:line, or a template
    origin: str = field(default="", compare=False, kw_only=True)


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
    overdue_mark: str | None = None  # "Review overdue", with --allow-overdue


@dataclass(frozen=True)
class Document:
    meta: DocMeta
    furniture: Furniture
    blocks: tuple[DocBlock, ...]
    # the template's top-level elements in order: (``section:<id>`` or the element's tag, how
    # many of ``blocks`` it made); what a leaflet in two languages aligns side by side
    units: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class Rendered:
    """A leaflet laid out in memory: the PDF, its page count, and what was drawn with which role."""

    pdf: bytes
    pages: int
    warnings: tuple[str, ...] = ()
    structure: tuple[tuple[int, str], ...] = ()  # (page, role) per block, in drawing order
    marks: tuple[tuple[int, int, str], ...] = ()  # (page, MCID, role) per structure leaf
