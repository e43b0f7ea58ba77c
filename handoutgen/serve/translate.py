"""The translator's view: a built leaflet -> each catalog entry it prints (its msgctxt, English,
translation and place in the PO file) with the pages where it prints, found by its text in
each page's extracted text."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..leaflet import Job
from ..project import Project

_LINK = re.compile(r"\[((?:[^\]\\]|\\.)*)\]\([^)]*\)")  # [text](address) -> text
_HOLE = re.compile(r"\{[a-z_]+\}|%\([a-z_]+\)[sd]|%%")  # filled in when printed
_ESCAPED = re.compile(r"\\(.)")
PROBE = 16  # characters of its start and end looked for, for a text split over pages


@dataclass(frozen=True)
class Row:
    locale: str
    context: str | None
    source: str
    translation: str | None  # None: untranslated, the English prints
    place: str | None  # the PO file and line of the translation
    pages: tuple[int, ...]  # from 1; empty: not found by its text


def squash(text: str) -> str:
    """Text as compared: compatibility forms, no case, and no spaces, line breaks, hyphens
    or invisible characters (a paragraph broken over lines or hyphenated still matches)."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return "".join(
        c for c in text if c not in "-\u2010\u2011\u00ad" and unicodedata.category(c)[0] not in "ZC"
    )


def literal(printed: str) -> str:
    """The longest run of literal text of a string as the catalog holds it, squashed: markup
    removed, placeholders (filled in when printed) cut out; empty if shorter than 3."""
    plain = _ESCAPED.sub(r"\1", _LINK.sub(r"\1", printed.replace("**", "")))
    longest = max((squash(run) for run in _HOLE.split(plain)), key=len, default="")
    return longest if len(longest) >= 3 else ""


def pages_of(printed: str, squashed: list[str]) -> tuple[int, ...]:
    """The pages (from 1) of ``squashed`` page texts where ``printed`` prints: those holding
    its longest literal run whole, else (a paragraph split over a page break) those holding
    its start or its end."""
    run = literal(printed)
    if not run:
        return ()
    whole = tuple(i + 1 for i, t in enumerate(squashed) if run in t)
    if whole:
        return whole
    ends = (run[:PROBE], run[-PROBE:])
    return tuple(i + 1 for i, t in enumerate(squashed) if any(e in t for e in ends))


def rows(
    project: Project, job: Job, texts: tuple[str, ...], *, draft: bool, overdue: bool
) -> list[Row]:
    """Every catalog entry ``job``'s leaflet looks up, language by language (two side by
    side: the first's, then the second's), in the order it prints them, with the pages (of
    ``texts``, the built PDF's page texts) where each prints."""
    from ..compose import ComposeRequest, compose
    from ..i18n.catalog import entry_place
    from ..localize import localize

    brand = project.brand(job.brand)
    squashed = [squash(t) for t in texts]
    out: list[Row] = []
    for locale in job.locales:
        catalog = project.catalog(locale)
        localized = localize(project.handout(job.topic), catalog, locale, region=brand.region)
        request = ComposeRequest(
            localized, brand, job.edition, catalog, draft=draft, overdue=overdue
        )
        compose(request, templates_dir=project.templates_dir)
        seen: set[tuple[str | None, str]] = set()
        for context, message, found, layer in catalog.lookups:
            if (context, message) in seen:
                continue
            seen.add((context, message))
            if layer >= 0:
                place = entry_place(catalog.paths[layer], context, message, project.root)
                out.append(Row(locale, context, message, found, place, pages_of(found, squashed)))
            else:
                out.append(Row(locale, context, message, None, None, pages_of(message, squashed)))
    return out
