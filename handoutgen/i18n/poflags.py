"""PO entries -> our own flags (kept as translator comment lines, where msgmerge and msgcat
keep them, or read from the ``#,`` line) and, for a plural entry, each form with the source
text it translates; Plural-Forms rules compared by what they pick, not how they are spelled."""

from __future__ import annotations

import re
from collections.abc import Callable

import polib

from .mofile import plural_rule

NUMBERS_MAY_DIFFER = "numbers-may-differ"  # the translation may change the numbers
# the same numbers in another order, as the language's grammar needs ("1 in 5" is
# "5 kişiden 1'i" in Turkish), set by the translator, seen by the reviewer
NUMBERS_REORDERED = "numbers-reordered"
OWN_FLAGS = (NUMBERS_MAY_DIFFER, NUMBERS_REORDERED)
PLURAL_SAMPLES = range(201)  # rules are compared on n = 0..200
_NPLURALS = re.compile(r"nplurals\s*=\s*(\d+)")


def own_flags(entry: polib.POEntry) -> set[str]:
    """Our flags on ``entry``: a translator comment line that is just the flag (``#
    numbers-reordered``: GNU msgmerge and msgcat drop a ``#,`` flag they do not know, and
    keep translator comments) or, as catalogs had them before, on the ``#,`` line."""
    lines = {line.strip() for line in (entry.tcomment or "").splitlines()}
    return {f for f in OWN_FLAGS if f in lines or f in entry.flags}


def has_flag(entry: polib.POEntry, flag: str) -> bool:
    return flag in own_flags(entry)


def store_own_flags(entry: polib.POEntry) -> None:
    """Move our flags from the ``#,`` line to translator comment lines (once each), where
    gettext's own tools keep them."""
    moved = [f for f in OWN_FLAGS if f in entry.flags]
    if not moved:
        return
    entry.flags = [f for f in entry.flags if f not in OWN_FLAGS]
    lines = (entry.tcomment or "").splitlines()
    present = {line.strip() for line in lines}
    entry.tcomment = "\n".join([*lines, *(f for f in moved if f not in present)])


def nplurals(forms: str | None) -> int:
    """The number of forms a Plural-Forms header names (2, gettext's default, without one)."""
    found = _NPLURALS.search(forms or "")
    return int(found.group(1)) if found else 2


def picks(forms: str) -> tuple[int, tuple[int, ...]]:
    """What a Plural-Forms rule means: its number of forms and the form it picks for each
    n of ``PLURAL_SAMPLES``. ValueError when it does not parse."""
    rule = plural_rule(forms)
    return nplurals(forms), tuple(rule(n) for n in PLURAL_SAMPLES)


def same_plural_rule(a: str | None, b: str | None) -> bool:
    """Whether two Plural-Forms headers mean the same (``n != 1`` is ``(n != 1)``)."""
    if a is None or b is None:
        return a == b
    try:
        return picks(a) == picks(b)
    except (ValueError, ArithmeticError):
        return a.strip() == b.strip()


def plural_forms_of(entry: polib.POEntry, forms: str | None) -> list[tuple[int, str, str, bool]]:
    """For a plural entry: (index, source, translation, single) of every form the header's
    rule needs, an absent form as ``""``. The source of the form that ``n = 1`` picks is
    ``msgid``, of every other form ``msgid_plural``; ``single`` says that the form is used
    for one n only (so it may say "one" or "two" instead of the number)."""
    count = nplurals(forms)
    try:
        rule: Callable[[int], int] = plural_rule(forms or "")
        used = [rule(n) for n in PLURAL_SAMPLES]
    except (ValueError, ArithmeticError):
        used = [0 if n == 1 else 1 for n in PLURAL_SAMPLES]
    singular = used[1]
    return [
        (
            i,
            entry.msgid if i == singular else entry.msgid_plural,
            entry.msgstr_plural.get(i, ""),
            used.count(i) == 1,
        )
        for i in range(count)
    ]


def missing_forms(entry: polib.POEntry, forms: str | None) -> list[int]:
    """The plural forms an entry with ``msgid_plural`` lacks (empty or absent) of the
    ``nplurals`` its catalog's rule needs."""
    if not entry.msgid_plural:
        return []
    return [i for i, _, text, _ in plural_forms_of(entry, forms) if not text]


def is_translated(entry: polib.POEntry, forms: str | None) -> bool:
    """Translated and printable: not obsolete, not fuzzy, and every form filled (a plural
    entry needs all ``nplurals`` forms of its catalog)."""
    if entry.obsolete or entry.fuzzy:
        return False
    if entry.msgid_plural:
        return not missing_forms(entry, forms)
    return bool(entry.msgstr)
