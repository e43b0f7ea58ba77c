"""Catalogs in every tool: GNU gettext (msgfmt -c, msgmerge, msgcat), Poedit and Weblate read
and save our catalogs without losing what the build relies on. Format flags, standard
header fields, our own flags kept where gettext keeps them, Plural-Forms by meaning, renamed
block ids, per-language commands, and saves by other tools that cause no churn."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from pathlib import Path

import polib
import pytest

from handoutgen.cli import main
from handoutgen.i18n.checks import check_catalogs
from handoutgen.i18n.poflags import NUMBERS_MAY_DIFFER, NUMBERS_REORDERED, own_flags
from handoutgen.i18n.workflow import (
    build_pot,
    catalog_locales,
    init_locale,
    po_path,
    pot_path,
    update_catalogs,
)
from handoutgen.project import Project

from ..conftest import ROOT

EMERGENCY_TITLE = "neuromyotonia/when-to-get-help/emergency/title"
THYMOMA = "neuromyotonia/causes/thymoma"
ANTIBODIES = "neuromyotonia/causes/antibodies"
PREPARE_CTX = "neuromyotonia/diagnosis/prepare"
STANDARD_FIELDS = (
    "POT-Creation-Date",
    "PO-Revision-Date",
    "Last-Translator",
    "Language-Team",
    "Language",
    "X-Generator",
)
EPOCH = 1_900_000_000  # 2030-03-17 17:46 UTC
EPOCH_TEXT = time.strftime("%Y-%m-%d %H:%M+0000", time.gmtime(EPOCH))


def gettext_tool(name: str) -> str:
    """GNU gettext's tool (Debian package ``gettext``, which .ci/run installs)."""
    found = shutil.which(name)
    assert found, f"{name} is not installed: apt-get install gettext"
    return found


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, check=False)


def ready(scratch: Project) -> Path:
    shutil.copy(ROOT / "babel.cfg", scratch.root / "babel.cfg")
    return scratch.root


def load(path: Path) -> polib.POFile:
    return polib.pofile(str(path), wrapwidth=0)


def entry(po: polib.POFile, ctx: str) -> polib.POEntry:
    [found] = [e for e in po if e.msgctxt == ctx and not e.obsolete]
    return found


# --- format flags: msgfmt -c checks what our check checks -----------------------------------------


def test_placeholder_entries_carry_python_brace_format():
    pot = load(pot_path(ROOT))
    braces = [e for e in pot if "{" in e.msgid and e.msgctxt]
    assert braces and all("python-brace-format" in e.flags for e in braces)
    assert all("python-brace-format" not in e.flags for e in pot if "{" not in e.msgid)
    assert all("python-format" in e.flags for e in pot if "%(" in e.msgid)
    for babel_id in catalog_locales(ROOT):
        po = load(po_path(ROOT, babel_id))
        assert "python-brace-format" in entry(po, EMERGENCY_TITLE).flags, babel_id


def test_msgfmt_check_passes_every_shipped_catalog_and_catches_a_lost_placeholder(
    scratch: Project,
):
    msgfmt = gettext_tool("msgfmt")
    for babel_id in catalog_locales(ROOT):
        path = po_path(ROOT, babel_id)
        done = run(msgfmt, "-c", "--check-header", "-o", "/dev/null", str(path))
        assert (done.returncode, done.stderr) == (0, ""), path
    path = po_path(scratch.root, "de")
    po = load(path)
    title = entry(po, EMERGENCY_TITLE)
    title.msgstr = title.msgstr.replace("{emergency_number}", "112")
    po.save(str(path))
    done = run(msgfmt, "-c", "-o", "/dev/null", str(path))
    assert done.returncode == 1 and "emergency_number" in done.stderr


# --- header fields --------------------------------------------------------------------------------


def test_shipped_catalogs_have_the_standard_header_fields():
    for path in [pot_path(ROOT), *(po_path(ROOT, i) for i in catalog_locales(ROOT))]:
        metadata = load(path).metadata
        assert [f for f in STANDARD_FIELDS if f not in metadata] == [], path
        assert metadata["X-Generator"], path
    for babel_id in catalog_locales(ROOT):
        metadata = load(po_path(ROOT, babel_id)).metadata
        assert metadata["Language"] == babel_id
        assert metadata["POT-Creation-Date"] == load(pot_path(ROOT)).metadata["POT-Creation-Date"]


def test_dates_change_only_when_the_entries_do(scratch: Project, monkeypatch):
    root = ready(scratch)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    files = [pot_path(root), *(po_path(root, i) for i in catalog_locales(root))]
    before = {p: p.read_bytes() for p in files}
    update_catalogs(root)  # nothing changed: not a byte
    assert {p: p.read_bytes() for p in files} == before
    yaml_path = root / "handouts" / "neuromyotonia.yaml"
    text = yaml_path.read_text(encoding="utf-8")
    yaml_path.write_text(text.replace("get ready for", "prepare for"), encoding="utf-8")
    update_catalogs(root)
    pot, es = load(pot_path(root)), load(po_path(root, "es"))
    assert pot.metadata["POT-Creation-Date"] == EPOCH_TEXT
    assert es.metadata["POT-Creation-Date"] == EPOCH_TEXT
    assert es.metadata["PO-Revision-Date"] == EPOCH_TEXT
    old = load(po_path(ROOT, "es")).metadata
    assert es.metadata["Last-Translator"] == old["Last-Translator"]
    assert es.metadata["Language-Team"] == old["Language-Team"]


def test_init_writes_every_standard_field(scratch: Project, monkeypatch):
    root = ready(scratch)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    metadata = load(init_locale(root, "fr")).metadata
    assert {f: metadata[f] for f in STANDARD_FIELDS} == {
        "POT-Creation-Date": build_pot(root).metadata["POT-Creation-Date"],
        "PO-Revision-Date": EPOCH_TEXT,
        "Last-Translator": "",
        "Language-Team": "French",
        "Language": "fr",
        "X-Generator": "handoutgen",
    }


# --- our flags survive gettext's tools ------------------------------------------------------------


@pytest.mark.parametrize("tool", ["msgcat", "msgmerge"])
def test_our_flags_survive_msgcat_and_msgmerge(scratch: Project, tool: str):
    root = ready(scratch)
    path = po_path(root, "es")
    po = load(path)
    antibodies = entry(po, ANTIBODIES)
    antibodies.msgstr = antibodies.msgstr.replace("40", "50")
    antibodies.tcomment = NUMBERS_MAY_DIFFER
    po.save(str(path))
    assert check_catalogs(root, ["es", "tr"]) == []
    out = root / "out.po"
    if tool == "msgcat":
        done = run(gettext_tool("msgcat"), str(path), "-o", str(out))
    else:
        done = run(gettext_tool("msgmerge"), "-q", str(path), str(pot_path(root)), "-o", str(out))
    assert done.returncode == 0, done.stderr
    shutil.move(out, path)
    assert own_flags(entry(load(path), ANTIBODIES)) == {NUMBERS_MAY_DIFFER}
    tr = po_path(root, "tr")
    done = run(gettext_tool("msgcat"), str(tr), "-o", str(out))
    shutil.move(out, tr)
    assert own_flags(entry(load(tr), THYMOMA)) == {NUMBERS_REORDERED}
    assert check_catalogs(root, ["es", "tr"]) == []


def test_a_flag_in_the_old_place_is_read_and_moved_where_gettext_keeps_it(scratch: Project):
    root = ready(scratch)
    path = po_path(root, "es")
    po = load(path)
    antibodies = entry(po, ANTIBODIES)
    antibodies.msgstr = antibodies.msgstr.replace("40", "50")
    antibodies.flags.append(NUMBERS_MAY_DIFFER)
    po.save(str(path))
    assert check_catalogs(root, ["es"]) == []
    update_catalogs(root, ["es"])
    moved = entry(load(path), ANTIBODIES)
    assert NUMBERS_MAY_DIFFER not in moved.flags
    assert moved.tcomment.splitlines() == [NUMBERS_MAY_DIFFER]
    assert f"# {NUMBERS_MAY_DIFFER}\n" in path.read_text(encoding="utf-8")
    assert check_catalogs(root, ["es"]) == []


# --- Plural-Forms compared by meaning -------------------------------------------------------------


@pytest.mark.parametrize(
    ("forms", "problem"),
    [
        ("nplurals=2; plural=n != 1;", False),  # as Weblate writes it
        ("nplurals=2; plural=(n!=1)", False),
        ("nplurals=2; plural=n>1;", True),  # French: 0 is singular
        ("nplurals=3; plural=(n != 1);", True),
    ],
)
def test_plural_forms_are_compared_by_meaning(scratch: Project, forms: str, problem: bool):
    root = ready(scratch)
    path = po_path(root, "de")
    po = load(path)
    po.metadata["Plural-Forms"] = forms
    po.save(str(path))
    found = [p for p in check_catalogs(root, ["de"]) if "Plural-Forms" in p.message]
    assert bool(found) == problem, found


# --- a renamed block id keeps its translation, fuzzy ----------------------------------------------


def test_a_renamed_block_keeps_its_translation_as_fuzzy(scratch: Project):
    root = ready(scratch)
    old = entry(load(po_path(root, "es")), PREPARE_CTX)
    yaml_path = root / "handouts" / "neuromyotonia.yaml"
    text = yaml_path.read_text(encoding="utf-8")
    assert text.count("id: prepare\n") == 1
    yaml_path.write_text(text.replace("id: prepare\n", "id: getting-ready\n"), encoding="utf-8")
    [es] = [r for r in update_catalogs(root) if r.locale == "es"]
    assert (es.fuzzy, es.new, es.obsolete) == (1, 0, 0)
    po = load(po_path(root, "es"))
    renamed = entry(po, "neuromyotonia/diagnosis/getting-ready")
    assert (renamed.msgid, renamed.msgstr, renamed.fuzzy) == (old.msgid, old.msgstr, True)
    assert (renamed.previous_msgctxt, renamed.previous_msgid) == (PREPARE_CTX, old.msgid)
    assert not [e for e in po if e.msgctxt == PREPARE_CTX]


# --- one language at a time -----------------------------------------------------------------------


def test_update_stats_and_check_take_a_language(scratch: Project, capsys):
    root = ready(scratch)
    yaml_path = root / "handouts" / "neuromyotonia.yaml"
    text = yaml_path.read_text(encoding="utf-8")
    yaml_path.write_text(text.replace("get ready for", "prepare for"), encoding="utf-8")
    de_before = po_path(root, "de").read_bytes()
    assert main(["--root", str(root), "i18n", "update", "es"]) == 0
    [line] = capsys.readouterr().out.splitlines()
    assert re.fullmatch(r"es: \d+ kept, 1 changed \(now fuzzy\), 0 new, 0 obsolete", line)
    assert po_path(root, "de").read_bytes() == de_before
    assert main(["--root", str(root), "i18n", "stats", "--json", "es"]) == 0

    rows = json.loads(capsys.readouterr().out)
    assert {r["locale"] for r in rows} == {"es"} and sum(r["fuzzy"] for r in rows) == 1
    # check names only the language asked for: de is out of step, es is not
    assert main(["--root", str(root), "i18n", "check", "es"]) == 0
    assert capsys.readouterr().out.strip() == "ok: 1 catalog(s) checked."
    assert main(["--root", str(root), "i18n", "check", "de"]) == 1
    assert "[de]" in capsys.readouterr().err
    assert main(["--root", str(root), "i18n", "check", "pt-BR"]) == 2
    assert "no catalog for locale 'pt-BR'" in capsys.readouterr().err
    # no language: every catalog, as before
    assert main(["--root", str(root), "i18n", "update"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == len(catalog_locales(root))


# --- saves by Weblate, Poedit and gettext cause no churn ------------------------------------------


def _wrapped_save(path: Path) -> None:
    """As Poedit and Weblate save with wrapping on: lines folded at 79 columns."""
    po = polib.pofile(str(path))
    po.wrapwidth = 78
    po.save(str(path))


def _msgcat_save(path: Path) -> None:
    out = path.with_suffix(".tmp")
    done = run(gettext_tool("msgcat"), str(path), "-o", str(out))
    assert done.returncode == 0, done.stderr
    shutil.move(out, path)


def _msgmerge_save(path: Path) -> None:
    """As Weblate's msgmerge add-on or a maintainer's msgmerge would write it."""
    out = path.with_suffix(".tmp")
    pot = path.parents[2] / "handouts.pot"
    done = run(gettext_tool("msgmerge"), "-q", "--previous", str(path), str(pot), "-o", str(out))
    assert done.returncode == 0, done.stderr
    shutil.move(out, path)


@pytest.mark.parametrize(
    "save", [_wrapped_save, _msgcat_save, _msgmerge_save], ids=["wrapped", "msgcat", "msgmerge"]
)
def test_a_catalog_saved_by_another_tool_round_trips_through_update(scratch: Project, save):
    root = ready(scratch)
    update_catalogs(root)
    before = {i: po_path(root, i).read_bytes() for i in catalog_locales(root)}
    for babel_id in before:
        save(po_path(root, babel_id))
    assert po_path(root, "tr").read_bytes() != before["tr"]  # the tool did change the text
    update_catalogs(root)
    assert {i: po_path(root, i).read_bytes() for i in before} == before
