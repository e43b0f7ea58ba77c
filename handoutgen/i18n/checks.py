"""Catalog checks: every PO catalog -> each problem with language, file, line and context:
out of step with the sources, header, placeholders, inline syntax, numbers and characters the
locale's fonts cannot print."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import polib

from ..errors import HandoutError, Problem
from ..inline import InlineError, parse_inline, placeholders
from .workflow import build_pot, catalog_locales, load, plural_forms, po_path, pot_path

NUMBERS_MAY_DIFFER = "numbers-may-differ"  # PO flag: the translation may change the numbers
_FORMAT = re.compile(r"%\((\w+)\)s")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


# --- check --------------------------------------------------------------------------------------


def _numbers(text: str) -> Counter[str]:
    """Numbers in ``text`` with every script's digits read as 0-9 (so Arabic-Indic digits for
    a dose still match)."""
    normal = "".join(str(unicodedata.digit(ch)) if ch.isdigit() else ch for ch in text)
    return Counter(m.group(0) for m in _NUMBER.finditer(normal))


def _inline_shape(text: str) -> tuple[int, tuple[str, ...]]:
    """(number of bold runs, link targets) of a string in the inline syntax."""
    spans = parse_inline(text)
    bold_runs = sum(1 for i, s in enumerate(spans) if s.bold and (i == 0 or not spans[i - 1].bold))
    return bold_runs, tuple(sorted(s.href for s in spans if s.href))


def check_entry(entry: polib.POEntry) -> list[str]:
    """What is wrong with one translated entry (placeholders, inline syntax, numbers)."""
    source, text = entry.msgid, entry.msgstr
    problems = []
    if Counter(placeholders(source)) != Counter(placeholders(text)):
        problems.append(
            f"placeholders differ: source has {sorted(placeholders(source))}, "
            f"translation has {sorted(placeholders(text))}"
        )
    if Counter(_FORMAT.findall(source)) != Counter(_FORMAT.findall(text)):
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
    if NUMBERS_MAY_DIFFER not in entry.flags:
        src_numbers = _numbers(_FORMAT.sub("", source))
        new_numbers = _numbers(_FORMAT.sub("", text))
        if src_numbers != new_numbers:
            problems.append(
                f"numbers differ: source {sorted(src_numbers.elements())}, translation "
                f"{sorted(new_numbers.elements())} (add the flag '{NUMBERS_MAY_DIFFER}' if meant)"
            )
    return problems


def check_catalogs(root: Path) -> list[Problem]:
    """Every problem of every catalog: out of sync with the sources, header, and per entry."""
    pot = build_pot(root)
    wanted = {(e.msgctxt, e.msgid) for e in pot}
    problems: list[Problem] = []
    committed = pot_path(root)
    if not committed.is_file() or {(e.msgctxt, e.msgid) for e in load(committed)} != wanted:
        problems.append(
            Problem(
                str(committed.relative_to(root)),
                None,
                "",
                "out of date with the sources: run 'generate.py i18n update'",
            )
        )
    glyphs = _glyph_checker(root)
    for babel_id in catalog_locales(root):
        path = po_path(root, babel_id)
        display = str(path.relative_to(root))
        po = load(path)
        tag = babel_id.replace("_", "-")

        def add(
            line: int | None, field: str, message: str, tag: str = tag, display: str = display
        ) -> None:
            problems.append(Problem(display, line, f"[{tag}] {field}", message))

        if po.metadata.get("Language") != babel_id:
            add(1, "header", f"Language is {po.metadata.get('Language')!r}, expected {babel_id!r}")
        expected_plural = plural_forms(root, babel_id)
        if po.metadata.get("Plural-Forms") != expected_plural:
            add(1, "header", f"Plural-Forms should be {expected_plural!r}")
        if "fuzzy" in (po.metadata_is_fuzzy or []):
            add(1, "header", "the header is marked fuzzy: compilers would skip the whole catalog")
        have = {(e.msgctxt, e.msgid) for e in po if not e.obsolete}
        for ctx, msgid in sorted(wanted - have, key=lambda k: (k[0] or "", k[1])):
            add(None, ctx or msgid[:40], "missing from the catalog: run 'generate.py i18n update'")
        for entry in po:
            if entry.obsolete:
                continue
            field = entry.msgctxt or entry.msgid[:40]
            if (entry.msgctxt, entry.msgid) not in wanted:
                add(entry.linenum, field, "no longer in the sources: run 'generate.py i18n update'")
            if entry.msgstr:
                for message in check_entry(entry):
                    add(entry.linenum, field, message)
                for message in glyphs(tag, entry.msgstr):
                    add(entry.linenum, field, message)
    return problems


def _glyph_checker(root: Path) -> Callable[[str, str], list[str]]:
    """A check that every character of a translation has a glyph in its locale's fonts (the
    default brand's theme, regular and bold), so a gap shows before any leaflet is built."""
    from ..layout.fonts import register_families
    from ..layout.glyphs import chain_label, describe, missing
    from ..layout.scripts import LocaleRules
    from ..project import DEFAULT_BRAND, STANDARD_EDITION, Project

    try:
        theme = Project(root).theme(DEFAULT_BRAND, STANDARD_EDITION)
        register_families(theme.fonts, root / "fonts")
    except HandoutError:  # reported by 'check'; translations are still checked for the rest
        return lambda tag, text: []
    family = theme.styles["body"].family

    def check(tag: str, text: str) -> list[str]:
        out: dict[str, str] = {}  # one message per character: the first face set lacking it
        for weight in ("regular", "bold"):
            names = LocaleRules(theme, tag).faces(family, weight)
            for ch in missing(text, names):
                out.setdefault(
                    ch, f"{describe(ch)} is in no font of locale {tag} ({chain_label(names)})"
                )
        return list(out.values())

    return check
