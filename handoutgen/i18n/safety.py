"""A PO catalog -> what must never reach paper: per translated entry, what changes or hides
what its source says (placeholders, named variables, numbers in order, bold, links, hidden
characters, text that prints nothing); per file, what makes entries ambiguous or cut short
(the same entry twice, unterminated strings). Run by ``i18n check`` and by every build."""

from __future__ import annotations

import re
from collections import Counter

import polib

from ..inline import InlineError, parse_inline, placeholders
from ..textrules import digit_problems, hidden_characters, numbers, prints_nothing
from .poflags import (
    NUMBERS_MAY_DIFFER,
    NUMBERS_REORDERED,
    is_translated,
    own_flags,
    plural_forms_of,
)

__all__ = ["NUMBERS_MAY_DIFFER", "NUMBERS_REORDERED", "check_entry", "file_problems"]
_FORMAT = re.compile(r"%\((\w+)\)[sd]")
# what %-formatting reads: %%, or a conversion with its flags, width and precision
_PERCENT = re.compile(r"%(?:%|(?:\((\w*)\))?[-#0 +]*(?:\d+|\*)?(?:\.(?:\d+|\*))?[a-zA-Z]?)")
# a letter that reads as a digit, beside a digit: "5O" for 50, "l0" for 10
_LOOKALIKE = re.compile(r"\d[OoIlІОΟ]|[OoIlІОΟ]\d")
_QUOTED = re.compile(r'^(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)?\s*"(.*)$')


def _inline_shape(text: str) -> tuple[int, tuple[str, ...]]:
    """(number of bold runs, link targets) of a string in the inline syntax."""
    spans = parse_inline(text)
    bold_runs = sum(1 for i, s in enumerate(spans) if s.bold and (i == 0 or not spans[i - 1].bold))
    return bold_runs, tuple(sorted(s.href for s in spans if s.href))


def check_entry(entry: polib.POEntry, forms: str | None = None) -> list[str]:
    """What is wrong with one translated entry: everything that could make the leaflet say
    something its source does not. A plural entry is checked form by form against the
    source that form translates (``forms``: its catalog's Plural-Forms), each problem named
    by its ``msgstr[i]``."""
    flags = own_flags(entry)
    template = entry.msgctxt is None or "python-format" in entry.flags
    if not entry.msgid_plural:
        return check_text(entry.msgid, entry.msgstr, flags, template)
    out = []
    for index, source, text, single in plural_forms_of(entry, forms):
        if text:
            found = check_text(source, text, flags, template, may_omit=single)
            out += [f"msgstr[{index}]: {problem}" for problem in found]
    return out


def check_text(
    source: str, text: str, flags: set[str], template: bool, may_omit: bool = False
) -> list[str]:
    """What is wrong with ``text`` as a translation of ``source``. ``may_omit``: a plural
    form used for one number only may leave out a named value ("one tablet")."""
    problems = []
    if prints_nothing(text) and not prints_nothing(source):
        problems.append("the translation prints nothing (spaces, '****' or invisible only)")
    if Counter(placeholders(source)) != Counter(placeholders(text)):
        problems.append(
            f"placeholders differ: source has {sorted(placeholders(source))}, "
            f"translation has {sorted(placeholders(text))}"
        )
    named, new_named = Counter(_FORMAT.findall(source)), Counter(_FORMAT.findall(text))
    renamed = not new_named <= named if may_omit else named != new_named
    if renamed:
        problems.append(
            f"named variables differ: source has {sorted(_FORMAT.findall(source))}"
            f", translation has {sorted(_FORMAT.findall(text))}"
        )
    try:
        shape = _inline_shape(text)
    except InlineError as exc:
        problems.append(f"inline syntax: {exc}")
    else:
        expected = _inline_shape(source)
        if shape[0] != expected[0]:
            problems.append(f"bold runs differ: source has {expected[0]}, translation {shape[0]}")
        if shape[1] != expected[1]:
            problems.append(
                f"link targets differ: source {list(expected[1])}, translation {list(shape[1])}"
            )
    if NUMBERS_MAY_DIFFER not in flags:
        src_numbers, new_numbers = numbers(source), numbers(text)
        if sorted(src_numbers) != sorted(new_numbers):
            problems.append(
                f"numbers differ: source {src_numbers}, translation {new_numbers} (add the "
                f"flag '{NUMBERS_MAY_DIFFER}' if meant)"
            )
        elif src_numbers != new_numbers and NUMBERS_REORDERED not in flags:
            problems.append(
                f"numbers in another order: source {src_numbers}, translation {new_numbers} "
                f'("1 in 5" must not become "5 in 1"; if the language\'s word order needs '
                f"it, add the flag '{NUMBERS_REORDERED}')"
            )
    if template and not renamed:
        # a template string: formatted with %, so every % is the source's own or '%%'
        wanted = Counter(m.group(0) for m in _PERCENT.finditer(source) if m.group(0) != "%%")
        found = Counter(m.group(0) for m in _PERCENT.finditer(text) if m.group(0) != "%%")
        if not (found <= wanted if may_omit else found == wanted):
            problems.append(
                f"format: the translation has {sorted(found.elements())} where the source has "
                f"{sorted(wanted.elements())} (write a literal % as %%)"
            )
    lookalikes = set(_LOOKALIKE.findall(text)) - set(_LOOKALIKE.findall(source))
    if lookalikes:
        problems.append(f"a letter that reads as a digit: {sorted(lookalikes)}")
    problems += [f"in the translation: {p}" for p in hidden_characters(text) + digit_problems(text)]
    return problems


def file_problems(text: str, po: polib.POFile) -> list[tuple[int, str]]:
    """(line, problem) for what a PO file's parser lets through: an entry given twice (the
    second would silently win; msgfmt refuses the file) and a string not closed on its line
    (its last character would be lost)."""
    problems: list[tuple[int, str]] = []
    first: dict[tuple[str | None, str], int] = {}
    for entry in po:
        if entry.obsolete:
            continue
        key = (entry.msgctxt, entry.msgid)
        if key in first:
            problems.append(
                (
                    entry.linenum,
                    f"msgctxt {entry.msgctxt!r} is given twice (first at line {first[key]}): "
                    "one entry each",
                )
            )
        else:
            first[key] = entry.linenum
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("#"):
            continue
        match = _QUOTED.match(stripped)
        if match and not _closed(match.group(1)):
            problems.append((number, "a string is not closed on its line (missing '\"')"))
    return problems


def _closed(rest: str) -> bool:
    """Whether the text after an opening quote ends with an unescaped closing quote."""
    escaped = False
    for i, ch in enumerate(rest):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == '"':
            return rest[i + 1 :].strip() == ""
    return False


def unsafe_entries(po: polib.POFile, text: str) -> dict[str, tuple[int, list[str]]]:
    """``context\\x04message`` (as compiled) -> (line of its msgstr, problems) of every
    translated entry that fails a check; ``text`` is the file's. A plural entry is
    translated only with every form its catalog's rule needs, and named at the line of
    its first faulty form."""
    out: dict[str, tuple[int, list[str]]] = {}
    lines: list[str] | None = None
    forms = po.metadata.get("Plural-Forms")
    for entry in po:
        if not is_translated(entry, forms):
            continue
        found = check_entry(entry, forms)
        if found:
            lines = lines if lines is not None else text.splitlines()
            key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
            out[key] = (msgstr_line(lines, entry.linenum, form_of(found[0])), found)
    return out


def form_of(problem: str) -> int | None:
    """The form a problem of ``check_entry`` names (``msgstr[2]: ...``), or None."""
    found = re.match(r"msgstr\[(\d+)\]", problem)
    return int(found.group(1)) if found else None


def msgstr_line(lines: list[str], start: int, form: int | None = None) -> int:
    """The line of the ``msgstr`` (of ``msgstr[form]``) of the entry that starts at line
    ``start``: where a translator fixes it (a form the entry lacks: its first ``msgstr``)."""
    wanted = "msgstr" if form is None else f"msgstr[{form}]"
    first = None
    for number in range(max(start, 1), len(lines) + 1):
        line = lines[number - 1]
        if line.startswith(wanted):
            return number
        if line.startswith("msgstr") and first is None:
            first = number
        if number > start and not line.strip():
            break  # the next entry
    return first or start
