"""Catalog checks: every PO catalog -> each problem with language, file, line and context:
out of step with the sources, header, the safety rules of ``i18n.safety`` (the same the build
enforces) and characters the locale's fonts cannot print."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..errors import HandoutError, Problem
from .safety import NUMBERS_MAY_DIFFER, check_entry, file_problems
from .workflow import build_pot, catalog_locales, load, plural_forms, po_path, pot_path

__all__ = ["NUMBERS_MAY_DIFFER", "check_catalogs", "check_entry"]


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
        for line, message in file_problems(path.read_text(encoding="utf-8"), po):
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
