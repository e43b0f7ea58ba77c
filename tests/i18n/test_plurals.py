"""Plural strings end to end: a template string with ``{% pluralize %}`` extracts with
msgid_plural, ``i18n update`` gives each catalog its own number of forms and keeps them, stats
and check require every form and check each, and the leaflet prints the form for its number."""

from __future__ import annotations

import gettext
import io
import shutil
import unicodedata
from pathlib import Path

import polib
import yaml
from pypdf import PdfReader

from handoutgen.build import Job, build_one
from handoutgen.i18n.checks import check_catalogs
from handoutgen.i18n.stamps import reviewed
from handoutgen.i18n.stats import catalog_stats
from handoutgen.i18n.workflow import (
    build_pot,
    compile_catalogs,
    po_path,
    stamp_review,
    update_catalogs,
)
from handoutgen.project import Project

from ..conftest import ROOT

SINGULAR = "This leaflet has %(count)s section."
PLURAL = "This leaflet has %(count)s sections."
LINE = (
    '  <p class="small">{% trans count=h.sections|length %}This leaflet has {{ count }} '
    "section.{% pluralize %}This leaflet has {{ count }} sections.{% endtrans %}</p>\n"
)
# one form per Arabic plural category, each a sentence of its own
AR_FORMS = [
    "لا توجد أقسام في هذه النشرة.",
    "في هذه النشرة قسم واحد.",
    "في هذه النشرة قسمان.",
    "في هذه النشرة %(count)s أقسام.",
    "في هذه النشرة %(count)s قسمًا.",
    "في هذه النشرة %(count)s قسم.",
]
DE_FORMS = ["Dieses Merkblatt hat einen Abschnitt.", "Dieses Merkblatt hat %(count)s Abschnitte."]


def plural_project(scratch: Project) -> Path:
    """A scratch project whose "about" box prints a plural string (a test fixture: no shipped
    template has one), merged into every catalog."""
    root = scratch.root
    shutil.copy(ROOT / "babel.cfg", root / "babel.cfg")
    about = root / "templates" / "standard" / "about.xml.j2"
    lines = about.read_text(encoding="utf-8").splitlines(keepends=True)
    about.write_text("".join([*lines[:7], LINE, *lines[7:]]), encoding="utf-8")
    update_catalogs(root)
    return root


def sections() -> int:
    data = yaml.safe_load((ROOT / "handouts" / "neuromyotonia.yaml").read_text(encoding="utf-8"))
    return len(data["sections"])


def the_entry(po: polib.POFile) -> polib.POEntry:
    [found] = [e for e in po if e.msgid == SINGULAR and not e.obsolete]
    return found


def fill(root: Path, babel_id: str, forms: list[str]) -> Path:
    path = po_path(root, babel_id)
    po = polib.pofile(str(path), wrapwidth=0)
    the_entry(po).msgstr_plural = dict(enumerate(forms))
    po.save(str(path))
    return path


def arabic_form(n: int) -> int:
    rule = polib.pofile(str(ROOT / "locales/ar/LC_MESSAGES/handouts.po")).metadata["Plural-Forms"]
    return gettext.c2py(rule.partition("plural=")[2].rstrip(";"))(n)


def text_of(pdf: bytes) -> str:
    """The words of a leaflet, Arabic presentation forms read as the letters they show."""
    pages = PdfReader(io.BytesIO(pdf)).pages
    return unicodedata.normalize("NFKC", "\n".join(page.extract_text() for page in pages))


def test_a_plural_string_extracts_with_its_plural_and_format_flag(scratch: Project):
    root = plural_project(scratch)
    [entry] = [e for e in build_pot(root) if e.msgid == SINGULAR]
    assert entry.msgctxt is None
    assert entry.msgid_plural == PLURAL
    assert entry.msgstr_plural == {0: "", 1: ""}
    assert "python-format" in entry.flags
    pot_text = (root / "locales" / "handouts.pot").read_text(encoding="utf-8")
    assert f'msgid_plural "{PLURAL}"\nmsgstr[0] ""\nmsgstr[1] ""\n' in pot_text


def test_update_gives_each_catalog_its_forms_and_keeps_them(scratch: Project):
    root = plural_project(scratch)
    counts = {"ar": 6, "de": 2, "tr": 2, "zh_Hans": 1}
    for babel_id, count in counts.items():
        entry = the_entry(polib.pofile(str(po_path(root, babel_id))))
        assert entry.msgid_plural == PLURAL
        assert entry.msgstr_plural == {i: "" for i in range(count)}, babel_id
    fill(root, "ar", AR_FORMS)
    fill(root, "de", DE_FORMS)
    before = po_path(root, "ar").read_bytes()
    update_catalogs(root)
    assert po_path(root, "ar").read_bytes() == before  # kept, byte for byte
    entry = the_entry(polib.pofile(str(po_path(root, "ar"))))
    assert entry.msgstr_plural == dict(enumerate(AR_FORMS)) and not entry.fuzzy
    # a changed plural keeps the translation, fuzzy, with the text it was made from
    about = root / "templates" / "standard" / "about.xml.j2"
    text = about.read_text(encoding="utf-8")
    about.write_text(text.replace("}} sections.{%", "}} parts.{%"), encoding="utf-8")
    update_catalogs(root)
    entry = the_entry(polib.pofile(str(po_path(root, "de"))))
    assert entry.fuzzy and entry.msgstr_plural == dict(enumerate(DE_FORMS))
    assert entry.previous_msgid_plural == PLURAL


def _stats(root: Path, babel_id: str) -> dict[str, int]:
    [row] = [
        r.as_dict()
        for r in catalog_stats(root, ["neuromyotonia"], [babel_id])
        if r.part == "templates"
    ]
    return row


def test_stats_count_a_plural_only_with_every_form(scratch: Project):
    root = plural_project(scratch)
    full = _stats(root, "ar")["translated"]
    fill(root, "ar", AR_FORMS[:2])  # what a two-form tool would leave
    assert _stats(root, "ar")["translated"] == full
    assert _stats(root, "ar")["untranslated"] == 1
    fill(root, "ar", AR_FORMS)
    row = _stats(root, "ar")
    assert (row["translated"], row["untranslated"]) == (full + 1, 0)


def _line_of(path: Path, start: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if line.startswith(start))


def test_check_requires_every_form_and_checks_each_at_its_line(scratch: Project):
    root = plural_project(scratch)
    fill(root, "de", DE_FORMS)
    path = fill(root, "ar", AR_FORMS[:2])
    found = [p for p in check_catalogs(root, ["ar"]) if "msgstr[" in p.message]
    assert [(p.line, p.message) for p in found] == [
        (_line_of(path, "msgstr[0]"), f"msgstr[{i}] is empty: ar needs 6 forms")
        for i in range(2, 6)
    ]
    wrong = list(AR_FORMS)
    wrong[3] = "في هذه النشرة %(count)s أقسام و5 صفحات."  # a number the source lacks
    wrong[4] = "في هذه النشرة %(number)s قسمًا."  # a renamed variable
    path = fill(root, "ar", wrong)
    found = check_catalogs(root, ["ar"])
    assert [(p.line, p.message.split(":")[0]) for p in found] == [
        (_line_of(path, "msgstr[3]"), "msgstr[3]"),
        (_line_of(path, "msgstr[4]"), "msgstr[4]"),
    ]
    assert "numbers differ" in found[0].message
    assert "named variables differ" in found[1].message
    # a form used for one number only may say it in words ("one section")
    fill(root, "ar", AR_FORMS)
    assert check_catalogs(root, ["ar", "de"]) == []


def test_the_leaflet_prints_the_form_for_its_number(scratch: Project):
    root = plural_project(scratch)
    fill(root, "de", DE_FORMS)
    fill(root, "ar", AR_FORMS)
    project = Project(root)
    n = sections()
    rendered, outcome = build_one(project, Job("neuromyotonia", "de", "default", "standard", "a4"))
    assert rendered is not None, outcome.reason
    text = text_of(rendered.pdf)
    assert f"Dieses Merkblatt hat {n} Abschnitte." in text
    rendered, outcome = build_one(project, Job("neuromyotonia", "ar", "default", "standard", "a4"))
    assert rendered is not None, outcome.reason
    text = text_of(rendered.pdf)
    form = arabic_form(n)
    sentences = [" ".join((f % {"count": n}).replace(".", "").split()) for f in AR_FORMS]
    words = " ".join(text.replace(".", "").split())  # pypdf puts the full stop of RTL first
    found = [i for i, sentence in enumerate(sentences) if f" {sentence} " in f" {words} "]
    assert found == [form]  # whole words: "12 قسم" is the start of "12 قسمًا"


def test_the_build_skips_a_missing_form_and_refuses_a_wrong_one(scratch: Project):
    root = plural_project(scratch)
    fill(root, "ar", AR_FORMS[:2])
    project = Project(root)
    job = Job("neuromyotonia", "ar", "default", "standard", "a4")
    rendered, outcome = build_one(project, job)
    assert rendered is None and outcome.status == "skipped"
    assert SINGULAR in (outcome.reason or "")
    form = arabic_form(sections())
    wrong = list(AR_FORMS)
    wrong[form] = wrong[form].replace("%(count)s", "%(count)s 5")
    path = fill(root, "ar", wrong)
    rendered, outcome = build_one(project, job, allow_incomplete=True)
    assert rendered is None and outcome.status == "failed"
    where = f"locales/ar/LC_MESSAGES/handouts.po:{_line_of(path, f'msgstr[{form}]')}"
    assert where in (outcome.reason or ""), outcome.reason
    assert f"msgstr[{form}]: numbers differ" in (outcome.reason or "")


def test_a_review_stamp_covers_every_plural_form(scratch: Project):
    root = plural_project(scratch)
    path = fill(root, "ar", AR_FORMS)
    stamp_review(root, "ar", "Dr Test, medical translator")
    assert reviewed(polib.pofile(str(path))) == ("Dr Test, medical translator", False)
    changed = list(AR_FORMS)
    changed[4] = changed[4].replace("قسمًا", "بابًا")
    fill(root, "ar", changed)
    assert reviewed(polib.pofile(str(path))) == (None, True)


def test_compile_leaves_out_a_plural_missing_a_form(scratch: Project):
    root = plural_project(scratch)
    fill(root, "ar", AR_FORMS[:2])

    def arabic() -> gettext.GNUTranslations:
        [mo] = [p for p in compile_catalogs(root) if p.parent.parent.name == "ar"]
        with mo.open("rb") as fh:
            return gettext.GNUTranslations(fh)

    assert arabic().ngettext(SINGULAR, PLURAL, 1) == SINGULAR  # not half translated
    fill(root, "ar", AR_FORMS)
    assert [arabic().ngettext(SINGULAR, PLURAL, n) for n in (0, 1, 2, 5, 11, 100)] == [
        AR_FORMS[i] for i in (0, 1, 2, 3, 4, 5)
    ]
