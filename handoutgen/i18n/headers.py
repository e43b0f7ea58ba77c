"""A catalog's entries and previous header -> its standard gettext header fields
(POT-Creation-Date, PO-Revision-Date, Last-Translator, Language-Team, Language, X-Generator),
with a date changed only when the entries change, so an unchanged run rewrites the same bytes."""

from __future__ import annotations

import os
import time

import polib

GENERATOR = "handoutgen"
# what xgettext writes into a template: a catalog made from it replaces them
TEMPLATE_DEFAULTS = {
    "PO-Revision-Date": "YEAR-MO-DA HO:MI+ZONE",
    "Last-Translator": "FULL NAME <EMAIL@ADDRESS>",
    "Language-Team": "LANGUAGE <LL@li.org>",
    "Language": "",
}


def now() -> str:
    """The time in gettext's header form (``2026-12-05 08:00+0000``), UTC; from
    ``SOURCE_DATE_EPOCH`` when it is set (reproducible-builds convention)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    seconds = int(epoch) if epoch.isdigit() else int(time.time())
    return time.strftime("%Y-%m-%d %H:%M+0000", time.gmtime(seconds))


def entries_of(po: polib.POFile | None) -> str:
    """What a template says apart from its header: every entry as it is written."""
    if po is None:
        return ""
    return "\n".join(e.__unicode__(wrapwidth=0) for e in po)


def translations_of(po: polib.POFile | None) -> list[tuple[object, ...]]:
    """What a catalog's translators wrote: per entry its source, translation, fuzzy mark and
    translator comment (not the notes, places and wrapping a tool may redo)."""
    if po is None:
        return []
    return [
        (
            e.obsolete,
            e.msgctxt,
            e.msgid,
            e.msgid_plural,
            e.msgstr,
            sorted(e.msgstr_plural.items()),
            e.fuzzy,
            e.tcomment or "",
        )
        for e in po
    ]


def template_header(new: polib.POFile, old: polib.POFile | None) -> dict[str, str]:
    """The header fields of a freshly extracted template: its creation date is the old
    template's while the entries are the same, else now."""
    same = old is not None and entries_of(old) == entries_of(new)
    created = (old.metadata.get("POT-Creation-Date") if same and old else None) or now()
    return {"POT-Creation-Date": created, **TEMPLATE_DEFAULTS, "X-Generator": GENERATOR}


def catalog_header(
    merged: polib.POFile, old: polib.POFile | None, pot: polib.POFile, language: str, team: str
) -> dict[str, str]:
    """The header of a merged (or new) catalog: the old one's fields kept (a translator's
    tool writes Last-Translator, PO-Revision-Date and X-Generator), the template's creation
    date (as msgmerge copies it), a revision date set now when an entry or translation
    changed or none was recorded, and each standard field the old header lacks added."""
    metadata = dict(old.metadata) if old is not None else {}
    if "POT-Creation-Date" in pot.metadata:
        metadata["POT-Creation-Date"] = pot.metadata["POT-Creation-Date"]
    if (
        old is None
        or translations_of(old) != translations_of(merged)
        or not _set(metadata, "PO-Revision-Date")
    ):
        metadata["PO-Revision-Date"] = now()
    metadata.setdefault("Last-Translator", "")
    if not _set(metadata, "Language-Team"):
        metadata["Language-Team"] = team
    if not _set(metadata, "Language"):
        metadata["Language"] = language
    if not _set(metadata, "X-Generator"):
        metadata["X-Generator"] = GENERATOR
    return metadata


def _set(metadata: dict[str, str], name: str) -> bool:
    """Whether a field holds a value of its own (not absent, empty or xgettext's default)."""
    value = metadata.get(name, "").strip()
    return bool(value) and value != TEMPLATE_DEFAULTS.get(name)
