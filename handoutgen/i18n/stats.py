"""Catalog coverage: every PO catalog -> entries and source words translated, inherited from a
parent catalog, fuzzy and untranslated, per locale and topic."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import polib

from .catalog import locale_chain
from .poflags import is_translated
from .workflow import load, po_path, selected_locales


def _translated(po: polib.POFile) -> set[tuple[str | None, str]]:
    forms = po.metadata.get("Plural-Forms")
    return {(e.msgctxt, e.msgid) for e in po if is_translated(e, forms)}


# --- stats --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Coverage:
    locale: str
    part: str  # a topic id, or "templates"
    translated: int
    fuzzy: int
    untranslated: int
    translated_words: int
    fuzzy_words: int
    untranslated_words: int
    inherited: int = 0  # empty here, translated in a parent catalog (es-MX -> es): printed
    inherited_words: int = 0

    @property
    def entries(self) -> int:
        return self.translated + self.inherited + self.fuzzy + self.untranslated

    @property
    def percent(self) -> float:
        """The share that prints translated: this catalog's own entries and its parents'."""
        done = self.translated + self.inherited
        return round(100 * done / self.entries, 1) if self.entries else 100.0

    def as_dict(self) -> dict[str, object]:
        return {
            "locale": self.locale.replace("_", "-"),
            "part": self.part,
            "entries": self.entries,
            "translated": self.translated,
            "fuzzy": self.fuzzy,
            "untranslated": self.untranslated,
            "translated_words": self.translated_words,
            "fuzzy_words": self.fuzzy_words,
            "untranslated_words": self.untranslated_words,
            "inherited": self.inherited,
            "inherited_words": self.inherited_words,
            "percent": self.percent,
        }


def part_of(entry: polib.POEntry, topics: set[str]) -> str:
    head = (entry.msgctxt or "").split("/")[0]
    return head if head in topics else "templates"


def catalog_stats(
    root: Path, topics: list[str], locales: list[str] | None = None
) -> list[Coverage]:
    """Per locale (every catalog, or those of ``locales``) and topic (and "templates"):
    entries and source words translated, fuzzy (never counted as translated) and
    untranslated. A plural entry counts as translated only with every form its catalog's
    Plural-Forms needs (Arabic: six)."""
    out = []
    for babel_id in selected_locales(root, locales):
        counts: dict[str, Counter[str]] = {}
        parents = [  # CLDR parents with a catalog of their own: es_MX -> es_419, es
            _translated(load(p))
            for p in [po_path(root, ident) for ident in locale_chain(babel_id)[1:]]
            if p.is_file()
        ]
        po = load(po_path(root, babel_id))
        forms = po.metadata.get("Plural-Forms")
        for entry in po:
            if entry.obsolete:
                continue
            done = is_translated(entry, forms)
            state = "fuzzy" if entry.fuzzy else "translated" if done else "untranslated"
            if state == "untranslated" and any((entry.msgctxt, entry.msgid) in p for p in parents):
                state = "inherited"
            c = counts.setdefault(part_of(entry, set(topics)), Counter())
            c[state] += 1
            c[f"{state}_words"] += len(entry.msgid.split()) + len(entry.msgid_plural.split())
        for part in sorted(counts):
            c = counts[part]
            out.append(
                Coverage(
                    babel_id,
                    part,
                    c["translated"],
                    c["fuzzy"],
                    c["untranslated"],
                    c["translated_words"],
                    c["fuzzy_words"],
                    c["untranslated_words"],
                    c["inherited"],
                    c["inherited_words"],
                )
            )
    return out
