"""Any text a leaflet prints (content, translation, brand) -> what could hide or disguise what it
says: characters that reorder or hide text, digits that are not what they look like, text that
prints nothing. One set of rules for ``check``, ``i18n check`` and the build."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from .inline import InlineError, parse_inline

# explicit embeddings, overrides and isolates: they reorder a line, so a number or a phone
# number can print scrambled (ISO 32000 cannot carry them either)
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# invisible everywhere: they split a number on paper ("91 1") or hide a word
INVISIBLE = frozenset("\u200b\u2060\ufeff\u180e\u2061\u2062\u2063\u2064")
# needed inside words of some scripts (Persian ZWNJ, Indic ZWJ; a soft hyphen marks a break),
# refused only beside a digit or a placeholder, where they can split a number
JOINERS = frozenset("\u200c\u200d\u00ad")
# marks a right-to-left text may need, and nothing else of Unicode's format characters
ALLOWED_FORMAT = frozenset("\u200e\u200f\u061c")

_PLACE = re.compile(r"\{[a-z_]+\}|%\(\w+\)[sd]")
_NUMBER = re.compile(r"\d+(?:[.,\u066b\u066c]\d+)*")  # \d: decimal digits of every script


def _name(ch: str) -> str:
    return f"U+{ord(ch):04X} {unicodedata.name(ch, 'UNNAMED')}"


def hidden_characters(text: str) -> list[str]:
    """Characters that reorder, hide or split what ``text`` prints."""
    problems: list[str] = []
    seen: set[str] = set()
    guarded = {m.start() - 1 for m in _PLACE.finditer(text)} | {
        m.end() for m in _PLACE.finditer(text)
    }
    for i, ch in enumerate(text):
        if ch in seen:
            continue
        category = unicodedata.category(ch)
        reason = None
        if ch in BIDI_CONTROLS:
            reason = "a bidi embedding, override or isolate (reorders the line)"
        elif ch in INVISIBLE:
            reason = "an invisible character"
        elif ch in JOINERS:
            before = text[i - 1] if i else ""
            after = text[i + 1] if i + 1 < len(text) else ""
            if before.isdigit() or after.isdigit() or i in guarded:
                reason = "an invisible character beside a number or placeholder"
        elif category == "Cf" and ch not in ALLOWED_FORMAT:
            reason = "an invisible formatting character"
        elif category in ("Cc", "Cs", "Co", "Cn") and ch not in "\n\t":
            reason = "a control, unassigned or private-use character"
        if reason:
            seen.add(ch)
            problems.append(f"{_name(ch)}: {reason}")
    return problems


def prints_nothing(text: str) -> bool:
    """Whether ``text`` (inline syntax) prints nothing visible: a space, ``****``, only
    invisible characters."""
    try:
        spans = parse_inline(text)
    except InlineError:
        return False  # reported as bad inline syntax
    shown = "".join(s.text for s in spans) + "".join(_PLACE.findall(text))
    return not any(
        not ch.isspace() and unicodedata.category(ch) not in ("Cf", "Cc", "Mn") for ch in shown
    )


def numbers(text: str) -> list[str]:
    """The numbers of ``text`` in order, each written with ASCII digits (Arabic-Indic and
    Persian digits are the same numbers)."""
    out = []
    for match in _NUMBER.finditer(_PLACE.sub(" ", text)):
        out.append(
            "".join(str(unicodedata.decimal(ch)) if ch.isdigit() else ch for ch in match.group(0))
        )
    return out


def digit_problems(text: str) -> list[str]:
    """Numbers that are not what they look like: digits of two scripts in one number ("4٠"),
    digits that are not decimal digits (superscripts, circled)."""
    problems = []
    for match in _NUMBER.finditer(_PLACE.sub(" ", text)):
        zeros = {ord(ch) - unicodedata.decimal(ch) for ch in match.group(0) if ch.isdigit()}
        if len(zeros) > 1:
            problems.append(f"{match.group(0)!r} mixes digits of two scripts")
    odd = sorted({ch for ch in text if unicodedata.category(ch) == "No" and ch.isdigit()})
    if odd:
        problems.append("digits that are not decimal digits: " + ", ".join(_name(ch) for ch in odd))
    return problems


def text_problems(text: str) -> list[str]:
    """Everything that could hide or disguise what ``text`` says (not comparing it with a
    source: see ``handoutgen.i18n.safety`` for translations)."""
    problems = hidden_characters(text) + digit_problems(text)
    if prints_nothing(text):
        problems.append("prints nothing (empty, spaces, '****' or invisible characters only)")
    return problems


def strings_in(
    data: Any, path: tuple[str | int, ...] = ()
) -> list[tuple[tuple[str | int, ...], str]]:
    """Every string value in ``data`` (mappings and lists of a YAML file) with its path."""
    if isinstance(data, str):
        return [(path, data)]
    if isinstance(data, dict):
        return [sp for k, v in data.items() for sp in strings_in(v, (*path, k))]
    if isinstance(data, list):
        return [sp for i, v in enumerate(data) for sp in strings_in(v, (*path, i))]
    return []
