"""Catalog checks: every PO catalog -> each problem with language, file, line and context:
out of step with the sources, header, the safety rules of ``i18n.safety`` (the same the build
enforces) and characters the locale's fonts cannot print."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..errors import HandoutError, Problem
from .poflags import missing_forms, nplurals, same_plural_rule
from .safety import NUMBERS_MAY_DIFFER, check_entry, file_problems, form_of, msgstr_line
from .workflow import (
    build_pot,
    has_text,
    load,
    plural_forms,
    po_path,
    pot_path,
    selected_locales,
)

__all__ = ["NUMBERS_MAY_DIFFER", "check_catalogs", "check_entry"]


def check_catalogs(root: Path, locales: list[str] | None = None) -> list[Problem]:
    """Every problem of every catalog (or of those of ``locales``, BCP-47 tags): out of sync
    with the sources, header, and per entry, each at the line of the ``msgstr`` to fix."""
    chosen = selected_locales(root, locales)
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
    for babel_id in chosen:
        path = po_path(root, babel_id)
        display = str(path.relative_to(root))
        po = load(path)
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        tag = babel_id.replace("_", "-")

        def add(
            line: int | None, field: str, message: str, tag: str = tag, display: str = display
        ) -> None:
            problems.append(Problem(display, line, f"[{tag}] {field}", message))

        if po.metadata.get("Language") != babel_id:
            add(1, "header", f"Language is {po.metadata.get('Language')!r}, expected {babel_id!r}")
        expected_plural = plural_forms(root, babel_id)
        forms = po.metadata.get("Plural-Forms")
        if not same_plural_rule(forms, expected_plural):  # by meaning: n != 1 is (n != 1)
            add(1, "header", f"Plural-Forms should be {expected_plural!r}")
        if "fuzzy" in (po.metadata_is_fuzzy or []):
            add(1, "header", "the header is marked fuzzy: compilers would skip the whole catalog")
        for line, message in file_problems(text, po):
            add(line, "file", message)
        have = {(e.msgctxt, e.msgid) for e in po if not e.obsolete}
        for ctx, msgid in sorted(wanted - have, key=lambda k: (k[0] or "", k[1])):
            add(None, ctx or msgid[:40], "missing from the catalog: run 'generate.py i18n update'")
        for entry in po:
            if entry.obsolete:
                continue
            field = entry.msgctxt or entry.msgid[:40]
            if (entry.msgctxt, entry.msgid) not in wanted:
                add(entry.linenum, field, "no longer in the sources: run 'generate.py i18n update'")
            at = msgstr_line(lines, entry.linenum)
            if entry.msgid_plural and not entry.fuzzy and any(entry.msgstr_plural.values()):
                for form in missing_forms(entry, forms):
                    message = f"msgstr[{form}] is empty: {tag} needs {nplurals(forms)} forms"
                    add(msgstr_line(lines, entry.linenum, form), field, message)
            for message in check_entry(entry, forms) if has_text(entry) else []:
                add(msgstr_line(lines, entry.linenum, form_of(message)), field, message)
            for text_form in [entry.msgstr, *entry.msgstr_plural.values()]:
                for message in glyphs(tag, text_form) if text_form else []:
                    add(at, field, message)
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
