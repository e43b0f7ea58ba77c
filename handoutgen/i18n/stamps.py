"""A PO catalog -> what its translation review stamp covers (a digest of every translated
entry) and whether the stamp still holds: a reviewer is printed only for the translations
they saw."""

from __future__ import annotations

import hashlib
import json

import polib

from .poflags import is_translated

REVIEWER_HEADER = "X-Reviewed-By"
REVIEW_DIGEST_HEADER = "X-Reviewed-Digest"  # what the reviewer saw (review_digest)

__all__ = ["REVIEWER_HEADER", "REVIEW_DIGEST_HEADER", "review_digest", "reviewed"]


def review_digest(po: polib.POFile) -> str:
    """What a translation review covers: every translated entry (context, source and
    translation, every form of a plural), as one SHA-256."""
    forms = po.metadata.get("Plural-Forms")
    rows = sorted(
        (e.msgctxt or "", e.msgid, _translation(e))
        for e in po
        if not e.obsolete and is_translated(e, forms)
    )
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode("utf-8")).hexdigest()


def _translation(entry: polib.POEntry) -> str:
    """An entry's translation: its msgstr, or every plural form (NUL-separated, as compiled)."""
    if entry.msgid_plural:
        return "\0".join(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural))
    return entry.msgstr


def reviewed(po: polib.POFile) -> tuple[str | None, bool]:
    """(the reviewer to print, whether a recorded review no longer covers the catalog): a
    review stamp (X-Reviewed-By) counts only while the catalog's translations are those it
    recorded (X-Reviewed-Digest); any change since makes it stale."""
    name = (po.metadata.get(REVIEWER_HEADER) or "").strip() or None
    if name is None:
        return None, False
    if (po.metadata.get(REVIEW_DIGEST_HEADER) or "").strip() == review_digest(po):
        return name, False
    return None, True
