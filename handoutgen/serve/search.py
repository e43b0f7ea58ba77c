"""Topic search for the front desk: every topic in every shipped language (its title, summary,
keywords and section headings, from the catalogs) -> an index, and a query -> the topics whose
text in some language holds every word of it."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from ..errors import HandoutError
from ..project import Project


@dataclass(frozen=True)
class Entry:
    """One topic in one language, as the search reads it."""

    topic: str
    locale: str
    title: str
    summary: str
    text: str  # folded: title, summary, keywords and headings


@dataclass(frozen=True)
class Hit:
    """A topic found, in the language it matched in."""

    topic: str
    title: str
    summary: str
    locale: str  # the language it matched (and is shown) in


def fold(text: str) -> str:
    """Text for matching: compatibility forms, no accents or vowel marks (Arabic harakat,
    Hebrew niqqud), no case, single spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.category(c).startswith("M"))
    return " ".join(bare.casefold().split())


def build_index(project: Project, topics: list[str], locales: list[str]) -> list[Entry]:
    """Every valid topic in every locale: its strings through the locale's catalog (English
    where a string is untranslated). A topic that does not load is left out."""
    from ..localize import localize

    index: list[Entry] = []
    for topic in topics:
        try:
            handout = project.handout(topic)
        except HandoutError:
            continue
        for locale in locales:
            try:
                h = localize(handout, project.catalog(locale), locale).handout
            except HandoutError:
                continue
            words = [h.title, h.summary, *h.keywords, *(s.heading for s in h.sections)]
            index.append(Entry(topic, locale, h.title, h.summary, fold(" ".join(words))))
    return index


def search(index: list[Entry], query: str, ui: str, limit: int) -> list[Hit]:
    """The topics whose text in some language holds every word of ``query`` (all topics for
    an empty query), in topic order, at most ``limit``. Each is shown in the interface
    language ``ui`` if that is where it matched (or nothing was asked), else in the language
    that matched."""
    words = fold(query).split()
    by_topic: dict[str, dict[str, Entry]] = {}
    for entry in index:
        by_topic.setdefault(entry.topic, {})[entry.locale] = entry
    hits: list[Hit] = []
    for topic, entries in by_topic.items():
        matched = [e for e in entries.values() if all(w in e.text for w in words)]
        if not matched:
            continue
        chosen = next((e for e in matched if e.locale == ui), matched[0])
        hits.append(Hit(topic, chosen.title, chosen.summary, chosen.locale))
        if len(hits) >= limit:
            break
    return hits
