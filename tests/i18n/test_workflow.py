"""The translator workflow on PO catalogs: init, update (fuzzy with correct ``#|`` lines),
round trips without churn, stats figures, check, compile."""

from __future__ import annotations

import gettext
import json
import re
import shutil
from pathlib import Path

import polib
import pytest
from babel.messages.plurals import get_plural

from handoutgen.cli import main
from handoutgen.errors import Problem, SelectionError
from handoutgen.i18n.checks import NUMBERS_MAY_DIFFER, check_catalogs, check_entry
from handoutgen.i18n.stats import catalog_stats
from handoutgen.i18n.workflow import (
    build_pot,
    catalog_locales,
    compile_catalogs,
    init_locale,
    merge,
    plural_forms,
    po_path,
    pot_path,
    update_catalogs,
)
from handoutgen.project import Project

from ..conftest import ROOT

COMPLETE = ["ar", "de", "es", "tr"]  # the complete shipped catalogs; others may be empty
ES = "locales/es/LC_MESSAGES/handouts.po"
YAML = "handouts/neuromyotonia.yaml"
SLEEP_CTX = "neuromyotonia/symptoms/during-sleep"
SLEEP_OLD = (
    "These symptoms can carry on even while you are asleep. They are often worse after exercise."
)
SLEEP_NEW = (
    "These symptoms can go on even while you are asleep. They are often worse after exercise."
)
SLEEP_NEWER = (
    "These symptoms can continue even while you are asleep. They are often worse after exercise."
)
AR_PLURALS = (
    "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : "
    "n%100>=11 ? 4 : 5);"
)


# --- helpers ------------------------------------------------------------------------------------


def with_cfg(project: Project) -> Path:
    shutil.copy(ROOT / "babel.cfg", project.root / "babel.cfg")
    return project.root


def checked_copy(project: Project) -> Path:
    """A scratch copy with babel.cfg and only the complete catalogs, so that problems planted
    by a test are the only ones (other catalogs may be work in progress)."""
    root = with_cfg(project)
    for babel_id in catalog_locales(root):
        if babel_id not in COMPLETE:
            shutil.rmtree(root / "locales" / babel_id)
    assert catalog_locales(root) == COMPLETE
    return root


def load(path: Path) -> polib.POFile:
    return polib.pofile(str(path), wrapwidth=0)


def save(po: polib.POFile, path: Path) -> None:
    po.wrapwidth = 0
    po.save(str(path))


def entry(po: polib.POFile, ctx: str | None, msgid: str | None = None) -> polib.POEntry:
    found = [
        e for e in po if not e.obsolete and e.msgctxt == ctx and (msgid is None or e.msgid == msgid)
    ]
    assert len(found) == 1, (ctx, msgid, len(found))
    return found[0]


def edit_yaml(root: Path, old: str, new: str) -> None:
    """Replace ``old`` once in the topic file; a folded paragraph may break it over lines."""
    path = root / YAML
    text = path.read_text(encoding="utf-8")
    if text.count(old) == 1:
        path.write_text(text.replace(old, new), encoding="utf-8")
        return
    pattern = re.compile(r"\s+".join(map(re.escape, old.split())))
    assert len(pattern.findall(text)) == 1, old
    path.write_text(pattern.sub(lambda _m: new, text), encoding="utf-8")


def po_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def entry_line(path: Path, ctx: str | None, msgid: str) -> int:
    """The first line (comments included) of the entry ``(ctx, msgid)`` in the file text."""
    lines = path.read_text(encoding="utf-8").splitlines()
    target = f"msgid {po_quote(msgid)}"
    for i, line in enumerate(lines):
        if line != target:
            continue
        j = i
        if ctx is not None:
            if lines[i - 1] != f"msgctxt {po_quote(ctx)}":
                continue
            j = i - 1
        elif lines[i - 1].startswith("msgctxt "):
            continue
        while j > 0 and lines[j - 1].startswith("#"):
            j -= 1
        return j + 1
    raise AssertionError(f"{ctx} {msgid!r} not in {path}")


def msgstr_line(path: Path, ctx: str | None, msgid: str) -> int:
    """The line of the ``msgstr`` of the entry ``(ctx, msgid)``: where check names it."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = entry_line(path, ctx, msgid)
    return next(n for n in range(start, len(lines) + 1) if lines[n - 1].startswith("msgstr"))


def previous_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("#|")]


# --- init and Plural-Forms ------------------------------------------------------------------------


def test_init_writes_a_new_unreviewed_catalog(scratch: Project):
    root = checked_copy(scratch)
    before = catalog_locales(root)
    assert set(COMPLETE) <= set(before) and "fr" not in before
    path = init_locale(root, "fr")
    assert path == root / "locales" / "fr" / "LC_MESSAGES" / "handouts.po"
    po = load(path)
    assert po.metadata["Language"] == "fr"
    assert po.metadata["Plural-Forms"] == "nplurals=2; plural=(n > 1);"
    assert po.metadata["X-Reviewed-By"] == ""
    assert po.header.splitlines()[:2] == [
        "French translation of the handoutgen patient leaflets.",
        "NOT REVIEWED: this catalog has not been reviewed by a qualified medical translator.",
    ]
    assert '"X-Reviewed-By: \\n"' in path.read_text(encoding="utf-8")
    pot = build_pot(root)
    assert [(e.msgctxt, e.msgid) for e in po] == [(e.msgctxt, e.msgid) for e in pot]
    assert all(e.msgstr == "" and not e.fuzzy for e in po)
    assert catalog_locales(root) == sorted([*before, "fr"])
    assert "fr" in Project(root).locales()
    assert check_catalogs(root) == []  # untranslated is not a problem, only unfinished


@pytest.mark.parametrize("tag", ["es", "xx-Nope", "en"])
def test_init_refuses_existing_unknown_and_source_locales(scratch: Project, tag: str):
    root = with_cfg(scratch)
    before = sorted(p.relative_to(root) for p in (root / "locales").rglob("*"))
    with pytest.raises(SelectionError):
        init_locale(root, tag)
    assert sorted(p.relative_to(root) for p in (root / "locales").rglob("*")) == before


def test_plural_forms_follow_cldr():
    assert plural_forms(ROOT, "tr") == "nplurals=2; plural=(n != 1);"
    assert plural_forms(ROOT, "ar") == AR_PLURALS
    assert plural_forms(ROOT, "ar_EG") == AR_PLURALS
    assert (
        plural_forms(ROOT, "de")
        == get_plural("de").plural_forms
        == ("nplurals=2; plural=(n != 1);")
    )
    # Arabic in CLDR order: zero, one, two, few (3-10), many (11-99), other
    expr = plural_forms(ROOT, "ar").split("plural=", 1)[1].rstrip(";")
    form = gettext.c2py(expr)
    assert [form(n) for n in (0, 1, 2, 3, 10, 11, 99, 100, 102, 103, 111)] == [
        0,
        1,
        2,
        3,
        3,
        4,
        4,
        5,
        5,
        3,
        4,
    ]


def test_shipped_catalog_headers(project: Project):
    assert set(COMPLETE) <= set(catalog_locales(project.root))
    for locale in catalog_locales(project.root):
        po = load(po_path(project.root, locale))
        assert po.metadata["Language"] == locale
        assert po.metadata["Plural-Forms"] == plural_forms(project.root, locale)
        assert po.metadata["X-Reviewed-By"] == ""
        assert "NOT REVIEWED" in po.header


def test_shipped_plural_forms_do_not_depend_on_babel(project: Project, monkeypatch):
    """Every shipped language's header comes from the project's table, not Babel's data."""
    import handoutgen.i18n.workflow as catalogs

    def no_babel(_locale: str):
        raise AssertionError("shipped Plural-Forms must come from locales/plural-forms.yaml")

    monkeypatch.setattr(catalogs, "get_plural", no_babel)
    for locale in catalog_locales(project.root):
        po = load(po_path(project.root, locale))
        assert po.metadata["Plural-Forms"] == plural_forms(project.root, locale)


# --- update: fuzzy entries and #| lines ----------------------------------------------------------


def test_changed_paragraph_becomes_fuzzy_with_the_original_source_in_previous_lines(
    scratch: Project,
):
    root = with_cfg(scratch)
    es_path = po_path(root, "es")
    translation = entry(load(es_path), SLEEP_CTX).msgstr
    assert translation

    edit_yaml(root, SLEEP_OLD, SLEEP_NEW)
    results = {r.locale: r for r in update_catalogs(root)}
    assert (results["es"].kept, results["es"].fuzzy, results["es"].new) == (311, 1, 0)
    assert results["es"].obsolete == 0
    es = entry(load(es_path), SLEEP_CTX)
    assert es.msgid == SLEEP_NEW
    assert es.fuzzy
    assert es.msgstr == translation
    assert es.previous_msgctxt == SLEEP_CTX
    assert es.previous_msgid == SLEEP_OLD
    block = (
        "#, fuzzy\n"
        f'#| msgctxt "{SLEEP_CTX}"\n'
        f'#| msgid "{SLEEP_OLD}"\n'
        f'msgctxt "{SLEEP_CTX}"\n'
        f'msgid "{SLEEP_NEW}"\n'
    )
    for locale in COMPLETE:  # every translated catalog, not only Spanish
        assert block in po_path(root, locale).read_text(encoding="utf-8"), locale
    first = es_path.read_text(encoding="utf-8")
    assert previous_lines(first) == [f'#| msgctxt "{SLEEP_CTX}"', f'#| msgid "{SLEEP_OLD}"']

    # a second update with nothing changed keeps the #| lines, byte for byte
    update_catalogs(root)
    assert es_path.read_text(encoding="utf-8") == first

    # changed again before anyone translated: the #| text is still the ORIGINAL source
    edit_yaml(root, SLEEP_NEW, SLEEP_NEWER)
    update_catalogs(root)
    es = entry(load(es_path), SLEEP_CTX)
    assert (es.msgid, es.fuzzy, es.msgstr) == (SLEEP_NEWER, True, translation)
    assert es.previous_msgid == SLEEP_OLD
    assert previous_lines(es_path.read_text(encoding="utf-8")) == [
        f'#| msgctxt "{SLEEP_CTX}"',
        f'#| msgid "{SLEEP_OLD}"',
    ]

    # the translator accepts (clears the fuzzy flag only): the next update drops the #| lines
    po = load(es_path)
    accepted = entry(po, SLEEP_CTX)
    accepted.flags.remove("fuzzy")
    save(po, es_path)
    assert previous_lines(es_path.read_text(encoding="utf-8"))  # still there before the update
    update_catalogs(root)
    text = es_path.read_text(encoding="utf-8")
    assert previous_lines(text) == []
    es = entry(load(es_path), SLEEP_CTX)
    assert (es.fuzzy, es.msgstr, es.previous_msgid) == (False, translation, None)


def _catalog(entries: list[polib.POEntry]) -> polib.POFile:
    po = polib.POFile(wrapwidth=0)
    po.metadata = {"Language": "es", "Content-Type": "text/plain; charset=UTF-8"}
    for e in entries:
        po.append(e)
    return po


def test_multi_line_previous_msgid_is_correctly_formed(tmp_path: Path):
    old = "First line of the paragraph.\nSecond line."
    new = "First line of the paragraph.\nSecond line, changed."
    newer = "First line, changed.\nSecond line, changed again."
    translation = "Primera línea del párrafo.\nSegunda línea."
    po = _catalog([polib.POEntry(msgctxt="t/s/p", msgid=old, msgstr=translation)])
    pot = _catalog([polib.POEntry(msgctxt="t/s/p", msgid=new, msgstr="")])
    merged, result = merge(po, pot, "es")
    assert (result.kept, result.fuzzy, result.new, result.obsolete) == (0, 1, 0, 0)
    expected = (
        "#, fuzzy\n"
        '#| msgctxt "t/s/p"\n'
        '#| msgid ""\n'
        '#| "First line of the paragraph.\\n"\n'
        '#| "Second line."\n'
        'msgctxt "t/s/p"\n'
        'msgid ""\n'
        '"First line of the paragraph.\\n"\n'
        '"Second line, changed."\n'
        'msgstr ""\n'
        '"Primera línea del párrafo.\\n"\n'
        '"Segunda línea."\n'
    )
    merged.wrapwidth = 0
    assert expected in str(merged)
    for line in previous_lines(str(merged)):
        assert re.fullmatch(r'#\| (msgctxt |msgid )?"(?:[^"\\]|\\.)*"', line), line

    # written, read back and merged again unchanged: identical
    path = tmp_path / "handouts.po"
    save(merged, path)
    reread = load(path)
    assert entry(reread, "t/s/p").previous_msgid == old
    again, result = merge(reread, pot, "es")
    again.wrapwidth = 0
    assert str(again) == path.read_text(encoding="utf-8")
    assert result.kept == 1

    # changed again: still the text the translation was made from
    third, _ = merge(again, _catalog([polib.POEntry(msgctxt="t/s/p", msgid=newer)]), "es")
    e = entry(third, "t/s/p")
    assert (e.msgid, e.msgstr, e.fuzzy, e.previous_msgid) == (newer, translation, True, old)


def test_a_changed_list_item_matches_its_own_old_item(scratch: Project):
    root = with_cfg(scratch)
    es_path = po_path(root, "es")
    ctx = "neuromyotonia/symptoms/main-symptoms"
    before = {e.msgid: e.msgstr for e in load(es_path) if e.msgctxt == ctx}
    assert len(before) == 8
    edit_yaml(root, "- Stiff muscles.", "- Stiff or rigid muscles.")
    edit_yaml(root, "- Heavy sweating.", "- Heavy sweating, even at night.")
    results = {r.locale: r for r in update_catalogs(root)}
    assert (results["es"].kept, results["es"].fuzzy, results["es"].new) == (310, 2, 0)
    after = [e for e in load(es_path) if e.msgctxt == ctx]
    assert len(after) == 8
    for e in after:
        if e.msgid == "Stiff or rigid muscles.":
            assert (e.fuzzy, e.previous_msgid, e.msgstr) == (
                True,
                "Stiff muscles.",
                before["Stiff muscles."],
            )
        elif e.msgid == "Heavy sweating, even at night.":
            assert (e.fuzzy, e.previous_msgid, e.msgstr) == (
                True,
                "Heavy sweating.",
                before["Heavy sweating."],
            )
        else:
            assert (e.fuzzy, e.previous_msgid, e.msgstr) == (False, None, before[e.msgid])


PREPARE = """      - type: paragraph
        id: prepare
        text: >-
          Ask your team how to get ready for each test and when you will get
          your results.
"""
PREPARE_TEXT = "Ask your team how to get ready for each test and when you will get your results."
WAITING = """      - type: paragraph
        id: waiting
        text: Waiting for results can be hard.
"""


def test_new_paragraph_is_untranslated_and_removed_one_obsolete(scratch: Project):
    root = with_cfg(scratch)
    es_path = po_path(root, "es")
    old = entry(load(es_path), "neuromyotonia/diagnosis/prepare").msgstr
    edit_yaml(root, PREPARE, WAITING)
    results = {r.locale: r for r in update_catalogs(root)}
    r = results["es"]
    assert (r.kept, r.fuzzy, r.new, r.obsolete) == (311, 0, 1, 1)
    po = load(es_path)
    new = entry(po, "neuromyotonia/diagnosis/waiting")
    assert (new.msgid, new.msgstr, new.fuzzy) == ("Waiting for results can be hard.", "", False)
    [gone] = [e for e in po if e.obsolete]
    assert (gone.msgctxt, gone.msgid, gone.msgstr) == (
        "neuromyotonia/diagnosis/prepare",
        PREPARE_TEXT,
        old,
    )
    text = es_path.read_text(encoding="utf-8")
    assert (
        '#~ msgctxt "neuromyotonia/diagnosis/prepare"\n'
        f'#~ msgid "{PREPARE_TEXT}"\n'
        f"#~ msgstr {po_quote(old)}\n"
    ) in text
    # obsolete entries round-trip too
    update_catalogs(root)
    assert es_path.read_text(encoding="utf-8") == text


def test_a_removed_paragraph_that_comes_back_gets_its_translation_back(scratch: Project):
    root = with_cfg(scratch)
    es_path = po_path(root, "es")
    old = entry(load(es_path), "neuromyotonia/diagnosis/prepare").msgstr
    edit_yaml(root, PREPARE, WAITING)
    update_catalogs(root)
    edit_yaml(root, WAITING, PREPARE)
    update_catalogs(root)
    po = load(es_path)
    back = entry(po, "neuromyotonia/diagnosis/prepare")
    assert back.msgstr == old
    assert not [e for e in po if e.obsolete and e.msgctxt == "neuromyotonia/diagnosis/prepare"]


FEEDBACK = "Tell us what you think of this leaflet: we use your comments to make it better."


def test_changed_template_wording_is_fuzzy_and_unrelated_wording_is_new(scratch: Project):
    root = with_cfg(scratch)
    es_path = po_path(root, "es")
    old = entry(load(es_path), None, FEEDBACK).msgstr
    contact = root / "templates" / "standard" / "contact.xml.j2"
    text = contact.read_text(encoding="utf-8")
    changed = FEEDBACK.replace("we use your comments", "we read every comment and use it")
    assert text.count(FEEDBACK) == 1 and text.count("Contact us") == 1
    text = text.replace(FEEDBACK, changed).replace("Contact us", "Get in touch")
    contact.write_text(text, encoding="utf-8")
    r = {r.locale: r for r in update_catalogs(root)}["es"]
    assert (r.kept, r.fuzzy, r.new, r.obsolete) == (310, 1, 1, 1)
    po = load(es_path)
    e = entry(po, None, changed)
    assert (e.fuzzy, e.msgstr, e.previous_msgctxt, e.previous_msgid) == (True, old, None, FEEDBACK)
    assert previous_lines(es_path.read_text(encoding="utf-8")) == [f'#| msgid "{FEEDBACK}"']
    assert (entry(po, None, "Get in touch").msgstr, entry(po, None, "Get in touch").fuzzy) == (
        "",
        False,
    )
    assert [(o.msgctxt, o.msgid) for o in po if o.obsolete] == [(None, "Contact us")]


def test_update_of_unchanged_catalogs_is_byte_identical(scratch: Project):
    root = with_cfg(scratch)
    locales = catalog_locales(root)
    files = [pot_path(root), *(po_path(root, loc) for loc in locales)]
    before = [p.read_bytes() for p in files]
    results = update_catalogs(root)
    assert [(r.locale, r.kept, r.fuzzy, r.new, r.obsolete) for r in results] == [
        (loc, 312, 0, 0, 0) for loc in locales
    ]
    assert [p.read_bytes() for p in files] == before
    # and a plain polib load/save with the project's convention does not churn either
    for path, data in zip(files[1:], before[1:], strict=True):
        save(load(path), path)
        assert path.read_bytes() == data


def test_long_lines_are_never_wrapped(project: Project):
    for locale in catalog_locales(project.root):
        text = po_path(project.root, locale).read_text(encoding="utf-8")
        header, _, body = text.partition("\n\n")
        assert header.count('\n"') > 5  # the header's own continuation lines
        # no entry spans several lines: none of our strings contains a newline
        assert [line for line in body.splitlines() if line.startswith('"')] == []
        assert max(len(line) for line in body.splitlines()) > 300


# --- stats ----------------------------------------------------------------------------------------


PARTS = ("emg-and-nerve-conduction", "neuromyotonia", "templates")  # topics, then templates


def _pot_parts(root: Path) -> dict[str, list[polib.POEntry]]:
    parts: dict[str, list[polib.POEntry]] = {part: [] for part in PARTS}
    for e in load(pot_path(root)):
        head = (e.msgctxt or "").split("/")[0]
        parts[head if head in PARTS[:-1] else "templates"].append(e)
    return parts


def _words(entries: list[polib.POEntry]) -> int:
    return sum(len(e.msgid.split()) for e in entries)


def test_shipped_catalogs_are_complete(project: Project):
    parts = _pot_parts(project.root)
    assert {k: len(v) for k, v in parts.items()} == {
        "emg-and-nerve-conduction": 59,
        "neuromyotonia": 161,
        "templates": 92,  # 59 of them the front-desk page's
    }
    rows = [c.as_dict() for c in catalog_stats(project.root, project.topics())]
    locales = catalog_locales(project.root)
    assert [(r["locale"], r["part"]) for r in rows] == [
        (loc.replace("_", "-"), part) for loc in locales for part in PARTS
    ]
    for r in rows:  # every catalog, complete or not, has every entry of the POT
        assert r["entries"] == len(parts[r["part"]])
        assert r["translated"] + r["fuzzy"] + r["untranslated"] + r["inherited"] == r["entries"]
    expected = [
        {
            "locale": loc,
            "part": part,
            "entries": len(parts[part]),
            "translated": len(parts[part]),
            "fuzzy": 0,
            "untranslated": 0,
            "translated_words": _words(parts[part]),
            "fuzzy_words": 0,
            "untranslated_words": 0,
            "inherited": 0,
            "inherited_words": 0,
            "percent": 100.0,
        }
        for loc in COMPLETE
        for part in PARTS
    ]
    assert [r for r in rows if r["locale"] in COMPLETE] == expected


BLANKED = [  # (msgctxt, msgid): 3 untranslated entries, 2 + 2 + 16 = 20 words
    ("neuromyotonia/symptoms/main-symptoms", "Muscle cramps."),
    ("neuromyotonia/symptoms/main-symptoms", "Stiff muscles."),
    ("neuromyotonia/symptoms/during-sleep", SLEEP_OLD),
]
FUZZIED = [  # one content entry (2 words) and one template entry (4 words)
    ("neuromyotonia/when-to-get-help/emergency/emergency-signs", "Trouble breathing."),
    (None, "Page %(page)s of %(pages)s"),
]


def _plant_stats(root: Path) -> None:
    path = po_path(root, "es")
    po = load(path)
    for ctx, msgid in BLANKED:
        entry(po, ctx, msgid).msgstr = ""
    for ctx, msgid in FUZZIED:
        e = entry(po, ctx, msgid)
        assert e.msgstr
        e.flags.append("fuzzy")
    save(po, path)


def _expected_es(root: Path) -> list[dict[str, object]]:
    parts = _pot_parts(root)
    content, templates = parts["neuromyotonia"], parts["templates"]
    emg = parts["emg-and-nerve-conduction"]
    return [
        {
            "locale": "es",
            "part": "emg-and-nerve-conduction",
            "entries": len(emg),
            "translated": len(emg),
            "fuzzy": 0,
            "untranslated": 0,
            "translated_words": _words(emg),
            "fuzzy_words": 0,
            "untranslated_words": 0,
            "inherited": 0,
            "inherited_words": 0,
            "percent": 100.0,
        },
        {
            "locale": "es",
            "part": "neuromyotonia",
            "entries": len(content),
            "translated": len(content) - 4,
            "fuzzy": 1,
            "untranslated": 3,
            "translated_words": _words(content) - 20 - 2,
            "fuzzy_words": 2,
            "untranslated_words": 20,
            "inherited": 0,
            "inherited_words": 0,
            "percent": round(100 * (len(content) - 4) / len(content), 1),
        },
        {
            "locale": "es",
            "part": "templates",
            "entries": len(templates),
            "translated": len(templates) - 1,
            "fuzzy": 1,
            "untranslated": 0,
            "translated_words": _words(templates) - 4,
            "fuzzy_words": 4,
            "untranslated_words": 0,
            "inherited": 0,
            "inherited_words": 0,
            "percent": round(100 * (len(templates) - 1) / len(templates), 1),
        },
    ]


def test_stats_count_untranslated_and_fuzzy_entries_and_words(scratch: Project):
    root = scratch.root
    _plant_stats(root)
    rows = [c for c in catalog_stats(root, scratch.topics()) if c.locale == "es"]
    expected = _expected_es(root)
    assert [r.as_dict() for r in rows] == expected
    assert expected[1]["percent"] == 97.5 and expected[2]["percent"] == 98.9
    # fuzzy never counts as translated
    for r in rows:
        assert r.translated + r.fuzzy + r.untranslated == r.entries
        assert (r.percent < 100.0) == (r.part != "emg-and-nerve-conduction")  # planted: not EMG
    others = [
        c
        for c in catalog_stats(root, scratch.topics())
        if c.locale in COMPLETE and c.locale != "es"
    ]
    assert all(c.percent == 100.0 for c in others) and len(others) == 3 * len(PARTS)


def test_stats_count_a_regional_catalogs_parent_translations_as_inherited(scratch: Project):
    root = with_cfg(scratch)
    path = init_locale(root, "es-MX")
    po = load(path)
    own = next(e for e in po if e.msgctxt == "neuromyotonia/title")
    own.msgstr = "Neuromiotonía (síndrome de Isaacs)"
    save(po, path)
    rows = {c.part: c for c in catalog_stats(root, scratch.topics()) if c.locale == "es_MX"}
    topic = rows["neuromyotonia"]
    assert topic.translated == 1 and topic.untranslated == 0 and topic.fuzzy == 0
    assert topic.inherited == topic.entries - 1 and topic.percent == 100.0
    assert rows["templates"].inherited == rows["templates"].entries


def test_stats_json_from_the_command_line(scratch: Project, capsys):
    root = scratch.root
    _plant_stats(root)
    assert main(["--root", str(root), "i18n", "stats", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r for r in rows if r["locale"] == "es"] == _expected_es(root)
    locales = catalog_locales(root)
    assert sorted({r["locale"] for r in rows}) == sorted(loc.replace("_", "-") for loc in locales)
    assert len(rows) == len(PARTS) * len(locales)


# --- check --------------------------------------------------------------------------------------

ANTIBODIES = "neuromyotonia/causes/antibodies"
EMERGENCY_TITLE = "neuromyotonia/when-to-get-help/emergency/title"
INTRO = "neuromyotonia/what-it-is/intro"
LINKS = "neuromyotonia/more-information/organisations"
ORPHANET = "https://www.orpha.net/en/disease/detail/84142"
PHONE = "Phone: **%(phone)s**"


def _replace(old: str, new: str):
    def plant(e: polib.POEntry) -> None:
        assert e.msgstr.count(old) == 1, (old, e.msgstr)
        e.msgstr = e.msgstr.replace(old, new)

    return plant


PLANTED = {
    "placeholder removed": (
        EMERGENCY_TITLE,
        None,
        _replace("{emergency_number}", "número de emergencias"),
        "placeholders differ",
    ),
    "placeholder renamed": (
        EMERGENCY_TITLE,
        None,
        _replace("{emergency_number}", "{numero_de_emergencia}"),
        "placeholders differ",
    ),
    "named variable changed": (
        None,
        PHONE,
        _replace("%(phone)s", "%(telefono)s"),
        "named variables differ",
    ),
    "bold unbalanced": (
        INTRO,
        None,
        _replace("**síndrome de Isaacs**", "**síndrome de Isaacs"),
        "inline syntax",
    ),
    "bold removed": (
        INTRO,
        None,
        _replace("**síndrome de Isaacs**", "síndrome de Isaacs"),
        "bold runs differ",
    ),
    "link target changed": (
        LINKS,
        None,
        _replace(ORPHANET, "https://example.org/isaacs/84142"),
        "link targets differ",
    ),
    "javascript link": (
        LINKS,
        None,
        _replace(ORPHANET, "javascript:alert(84142)"),
        "",  # an unsafe link is either refused by the inline syntax or a changed target
    ),
    "number changed": (ANTIBODIES, None, _replace("40", "50"), "numbers differ"),
    "character no font has": (
        INTRO,
        None,
        _replace("síndrome de Isaacs", "síndrome de Isaacs ௐ"),
        "U+0BD0 TAMIL OM is in no font of locale es (sans-regular (NotoSans-Regular.ttf))",
    ),
}


@pytest.mark.parametrize("kind", list(PLANTED))
def test_check_reports_each_planted_error_kind(scratch: Project, kind: str):
    ctx, msgid, plant, fragment = PLANTED[kind]
    root = checked_copy(scratch)
    path = po_path(root, "es")
    po = load(path)
    e = entry(po, ctx, msgid)
    plant(e)
    save(po, path)
    line = msgstr_line(path, ctx, e.msgid)
    problems = check_catalogs(root)
    assert len(problems) == 1, problems
    [problem] = problems
    assert problem.path == ES
    assert problem.line == line
    assert problem.field == f"[es] {ctx or e.msgid[:40]}"
    assert fragment in problem.message
    assert str(problem).startswith(f"{ES}:{line}: [es] {ctx or e.msgid[:40]}: ")


def test_javascript_link_is_named_in_the_problem(scratch: Project):
    root = checked_copy(scratch)
    path = po_path(root, "es")
    po = load(path)
    _replace(ORPHANET, "javascript:alert(84142)")(entry(po, LINKS))
    save(po, path)
    [problem] = check_catalogs(root)
    assert "inline syntax" in problem.message or "link targets differ" in problem.message


def _set_numbers(root: Path, new: str, *, flag: bool = False) -> None:
    path = po_path(root, "es")
    po = load(path)
    e = entry(po, ANTIBODIES)
    _replace("40", new)(e)
    if flag:
        e.flags.append(NUMBERS_MAY_DIFFER)
    save(po, path)


def test_numbers_may_differ_flag_accepts_a_changed_number(scratch: Project):
    root = checked_copy(scratch)
    _set_numbers(root, "50", flag=True)
    assert f"#, {NUMBERS_MAY_DIFFER}\n" in po_path(root, "es").read_text(encoding="utf-8")
    assert check_catalogs(root) == []


def test_arabic_indic_digits_for_the_same_number_are_accepted(scratch: Project):
    root = checked_copy(scratch)
    _set_numbers(root, "٤٠")
    # the same number in another script's digits is no numbers problem (Spanish fonts have no
    # Arabic-Indic digits, which the glyph check reports on its own)
    assert [p for p in check_catalogs(root) if "is in no font" not in p.message] == []


def test_check_entry_numbers():
    def problems(msgstr: str, *flags: str) -> list[str]:
        e = polib.POEntry(msgid="In an emergency, call 999.", msgstr=msgstr, flags=list(flags))
        return check_entry(e)

    [message] = problems("En caso de emergencia, llame al 998.")
    assert message.startswith("numbers differ: source ['999'], translation ['998']")
    assert problems("En caso de emergencia, llame al 998.", NUMBERS_MAY_DIFFER) == []
    assert problems("في حالة الطوارئ، اتصل بالرقم ٩٩٩.") == []  # Arabic-Indic
    assert problems("در شرایط اضطراری با ۹۹۹ تماس بگیرید.") == []  # Extended Arabic-Indic
    assert problems("في حالة الطوارئ، اتصل بالرقم ٩٩٨.")  # still a different number
    assert problems("En caso de emergencia, llame al 999 o al 112.")  # an extra number
    # numbers inside %(name)s variables are not numbers
    e = polib.POEntry(msgid="Version %(version)s", msgstr="Versión %(version)s")
    assert check_entry(e) == []


def test_check_reports_a_missing_entry(scratch: Project):
    root = checked_copy(scratch)
    path = po_path(root, "es")
    po = load(path)
    po.remove(entry(po, SLEEP_CTX))
    save(po, path)
    assert check_catalogs(root) == [
        Problem(
            ES,
            None,
            f"[es] {SLEEP_CTX}",
            "missing from the catalog: run 'generate.py i18n update'",
        )
    ]


def test_check_reports_a_stale_extra_entry(scratch: Project):
    root = checked_copy(scratch)
    path = po_path(root, "es")
    po = load(path)
    po.append(
        polib.POEntry(
            msgctxt="neuromyotonia/symptoms/old-paragraph",
            msgid="An old paragraph.",
            msgstr="Un párrafo antiguo.",
        )
    )
    save(po, path)
    line = entry_line(path, "neuromyotonia/symptoms/old-paragraph", "An old paragraph.")
    assert check_catalogs(root) == [
        Problem(
            ES,
            line,
            "[es] neuromyotonia/symptoms/old-paragraph",
            "no longer in the sources: run 'generate.py i18n update'",
        )
    ]


def test_check_reports_an_entry_out_of_sync_with_a_changed_template(scratch: Project):
    root = checked_copy(scratch)
    furniture = root / "templates" / "standard" / "furniture.xml.j2"
    text = furniture.read_text(encoding="utf-8")
    assert text.count("Review due {{ date }}") == 1
    furniture.write_text(text.replace("Review due {{ date }}", "Next review {{ date }}"))
    problems = check_catalogs(root)
    messages = {(p.path, p.field, p.message.split(":")[0]) for p in problems}
    assert ("locales/handouts.pot", "", "out of date with the sources") in messages
    locales = catalog_locales(root)
    for loc in locales:
        display, tag = f"locales/{loc}/LC_MESSAGES/handouts.po", loc.replace("_", "-")
        assert (display, f"[{tag}] Next review %(date)s", "missing from the catalog") in messages
        assert (display, f"[{tag}] Review due %(date)s", "no longer in the sources") in messages
    assert len(problems) == 1 + 2 * len(locales)


def test_check_reports_a_wrong_plural_forms_header(scratch: Project):
    root = checked_copy(scratch)
    path = po_path(root, "tr")
    po = load(path)
    po.metadata["Plural-Forms"] = "nplurals=1; plural=0;"  # what Babel 2.18 says for Turkish
    save(po, path)
    assert check_catalogs(root) == [
        Problem(
            "locales/tr/LC_MESSAGES/handouts.po",
            1,
            "[tr] header",
            "Plural-Forms should be 'nplurals=2; plural=(n != 1);'",
        )
    ]


def test_check_reports_a_fuzzy_header_and_a_wrong_language(scratch: Project):
    root = checked_copy(scratch)
    path = po_path(root, "de")
    po = load(path)
    po.metadata_is_fuzzy = ["fuzzy"]
    po.metadata["Language"] = "de_DE"
    save(po, path)
    display = "locales/de/LC_MESSAGES/handouts.po"
    assert check_catalogs(root) == [
        Problem(display, 1, "[de] header", "Language is 'de_DE', expected 'de'"),
        Problem(
            display,
            1,
            "[de] header",
            "the header is marked fuzzy: compilers would skip the whole catalog",
        ),
    ]


def test_shipped_catalogs_have_no_problems(project: Project):
    assert check_catalogs(project.root) == []


def test_check_command_exit_status(scratch: Project, capsys):
    root = checked_copy(scratch)
    assert main(["--root", str(root), "i18n", "check"]) == 0
    checked = f"ok: {len(catalog_locales(root))} catalog(s) checked."
    assert capsys.readouterr().out.strip() == checked
    _set_numbers(root, "50")
    line = msgstr_line(
        po_path(root, "es"), ANTIBODIES, entry(load(po_path(root, "es")), ANTIBODIES).msgid
    )
    assert main(["--root", str(root), "i18n", "check"]) == 1
    err = capsys.readouterr().err
    assert f"{ES}:{line}: [es] {ANTIBODIES}: numbers differ" in err
    assert err.rstrip().endswith("1 problem(s) found.")


# --- compile ------------------------------------------------------------------------------------


def test_compiled_catalogs_read_with_gettext_and_leave_out_fuzzy(scratch: Project):
    root = scratch.root
    es_path = po_path(root, "es")
    po = load(es_path)
    title = entry(po, "neuromyotonia/title")
    title.flags.append("fuzzy")
    save(po, es_path)
    written = compile_catalogs(root)
    assert written == [po_path(root, loc).with_suffix(".mo") for loc in catalog_locales(root)]
    assert all(path.is_file() for path in written)
    for loc in COMPLETE:
        source = load(po_path(root, loc))
        with po_path(root, loc).with_suffix(".mo").open("rb") as fh:
            mo = gettext.GNUTranslations(fh)
        summary = entry(source, "neuromyotonia/summary")
        assert mo.pgettext(summary.msgctxt, summary.msgid) == summary.msgstr != summary.msgid
        contact = entry(source, None, "Contact us")
        assert mo.gettext("Contact us") == contact.msgstr != "Contact us"
        assert mo.info()["language"] == loc
    with es_path.with_suffix(".mo").open("rb") as fh:
        es = gettext.GNUTranslations(fh)
    assert title.msgstr
    assert es.pgettext("neuromyotonia/title", title.msgid) == title.msgid  # fuzzy: left out
