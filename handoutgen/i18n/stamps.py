"""A PO catalog -> what its translation review stamp covers (a digest of every translated
entry) and whether the stamp still holds: a reviewer is printed only for the translations
they saw."""

from __future__ import annotations

import hashlib
import json

import polib

REVIEWER_HEADER = "X-Reviewed-By"
REVIEW_DIGEST_HEADER = "X-Reviewed-Digest"  # what the reviewer saw (review_digest)

__all__ = ["REVIEWER_HEADER", "REVIEW_DIGEST_HEADER", "review_digest", "reviewed"]


def review_digest(po: polib.POFile) -> str:
    """What a translation review covers: every translated entry (context, source and
    translation), as one SHA-256."""
    rows = sorted(
        (e.msgctxt or "", e.msgid, e.msgstr)
        for e in po
        if not e.obsolete and e.msgstr and "fuzzy" not in e.flags
    )
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode("utf-8")).hexdigest()


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
