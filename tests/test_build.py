"""The release gate: a leaflet is built in a language only when everything it prints is
translated; --allow-incomplete makes a visibly marked draft instead."""

from __future__ import annotations

import io
import json
from pathlib import Path

import polib
from pypdf import PdfReader

from handoutgen.build import Job, build_one
from handoutgen.cli import main
from handoutgen.project import Project
from handoutgen.strings import iter_strings


def po(project: Project, locale: str) -> polib.POFile:
    return polib.pofile(
        str(project.locales_dir / locale / "LC_MESSAGES" / "handouts.po"), wrapwidth=0
    )


def translation(project: Project, locale: str, msgid: str, context: str | None = None) -> str:
    return next(e.msgstr for e in po(project, locale) if e.msgid == msgid and e.msgctxt == context)


def texts(pdf: bytes) -> list[str]:
    return [
        " ".join(p.extract_text().replace("\xa0", " ").split())
        for p in PdfReader(io.BytesIO(pdf)).pages
    ]


def test_a_spanish_leaflet_is_spanish_throughout(project: Project):
    rendered, outcome = build_one(project, Job("neuromyotonia", "es", "default", "standard", "a4"))
    assert rendered is not None, outcome.reason
    assert outcome.draft is False
    pages = texts(rendered.pdf)
    text = " ".join(pages)
    handout = project.handout("neuromyotonia")
    for section in handout.sections:
        heading = translation(project, "es", section.heading, f"neuromyotonia/{section.id}/heading")
        assert heading and heading != section.heading
        assert heading in text, heading
    for context, english in iter_strings(handout):
        plain = english.replace("**", "")
        if len(plain) > 40 and "[" not in plain:
            assert plain[:40] not in text, f"English left in the Spanish leaflet: {context}"
    for english in ("About this leaflet", "Contact us", "Sources", "Page 1 of"):
        assert english not in text
    es_page = translation(project, "es", "Page %(page)s of %(pages)s")
    assert es_page.replace("%(page)s", "1").replace("%(pages)s", str(len(pages))) in pages[0]
    unchecked = translation(
        project, "es", "Translation: **not yet checked by a qualified medical translator.**"
    ).replace("**", "")
    assert unchecked in text
    assert "Español" in text  # the language's own name
    assert "25 de noviembre de 2029" in text  # dates in Spanish
    assert PdfReader(io.BytesIO(rendered.pdf)).trailer["/Root"]["/Lang"] == "es"


def _blank(
    project: Project, locale: str, *, context: str | None, msgid_start: str, fuzzy: bool = False
) -> str:
    catalog = po(project, locale)
    entry = next(e for e in catalog if e.msgctxt == context and e.msgid.startswith(msgid_start))
    if fuzzy:
        entry.flags.append("fuzzy")
    else:
        entry.msgstr = ""
    catalog.save()
    return entry.msgid


def test_an_incomplete_translation_is_skipped_with_its_reason(
    scratch: Project, tmp_path: Path, capsys
):
    _blank(scratch, "es", context="neuromyotonia/symptoms/heading", msgid_start="What")
    args = ["build", "neuromyotonia", "--locale", "es,de", "--out", str(tmp_path)]
    code = main(["--root", str(scratch.root), *args])
    assert code == 0  # skipping is not failing
    out = capsys.readouterr().out
    assert "1 built, 1 skipped, 0 failed" in out
    assert "translation incomplete: 1 string(s)" in out
    items = {
        i["locale"]: i for i in json.loads((tmp_path / "manifest.json").read_text())["leaflets"]
    }
    assert items["es"]["status"] == "skipped" and items["es"]["path"] is None
    assert "neuromyotonia/symptoms/heading" in items["es"]["reason"]
    assert items["de"]["status"] == "built"
    assert not (tmp_path / "default" / "es").exists()


def test_a_fuzzy_entry_or_a_missing_template_string_also_stops_the_leaflet(scratch: Project):
    _blank(scratch, "tr", context="neuromyotonia/causes/heading", msgid_start="", fuzzy=True)
    _blank(scratch, "de", context=None, msgid_start="Contact us")
    for locale in ("tr", "de"):
        rendered, outcome = build_one(
            scratch, Job("neuromyotonia", locale, "default", "standard", "a4")
        )
        assert rendered is None and outcome.status == "skipped", locale
        assert "1 string(s)" in (outcome.reason or "")


def test_allow_incomplete_builds_a_draft_marked_on_every_page(scratch: Project, tmp_path: Path):
    english = _blank(scratch, "es", context="neuromyotonia/symptoms/heading", msgid_start="What")
    code = main(
        [
            "--root",
            str(scratch.root),
            "build",
            "neuromyotonia",
            "--locale",
            "es",
            "--allow-incomplete",
            "--out",
            str(tmp_path),
        ]
    )
    assert code == 0
    [item] = json.loads((tmp_path / "manifest.json").read_text())["leaflets"]
    assert item["status"] == "built" and item["draft"] is True
    assert any("source language" in w for w in item["warnings"])
    pages = texts((tmp_path / item["path"]).read_bytes())
    mark = translation(scratch, "es", "Draft: translation incomplete")
    assert mark
    assert all(mark in page for page in pages)
    assert english in " ".join(pages)  # the missing string, in the source language


def test_a_complete_translation_has_no_draft_mark(project: Project):
    rendered, _ = build_one(
        project, Job("neuromyotonia", "de", "example-clinic", "standard", "letter")
    )
    assert rendered is not None
    mark = translation(project, "de", "Draft: translation incomplete")
    assert not any(mark in page for page in texts(rendered.pdf))


def test_a_recorded_reviewer_replaces_the_unchecked_notice(scratch: Project):
    catalog = po(scratch, "es")
    catalog.metadata["X-Reviewed-By"] = "Dra. Ana Ruiz, traductora médica"
    catalog.save()
    job = Job("neuromyotonia", "es", "default", "standard", "a4")
    # a name alone records nothing the reviewer saw: not printed as checked
    rendered, _ = build_one(Project(scratch.root), job)
    assert rendered is not None
    assert "Dra. Ana Ruiz" not in " ".join(texts(rendered.pdf))
    from handoutgen.i18n.workflow import stamp_review

    stamp_review(scratch.root, "es", "Dra. Ana Ruiz, traductora médica")
    rendered, outcome = build_one(Project(scratch.root), job)
    assert rendered is not None, outcome.reason
    text = " ".join(texts(rendered.pdf))
    assert "Dra. Ana Ruiz, traductora médica" in text
    unchecked = translation(
        scratch, "es", "Translation: **not yet checked by a qualified medical translator.**"
    ).replace("**", "")
    assert unchecked not in text


def test_the_default_batch_builds_every_complete_locale_and_says_why_others_are_not(
    scratch: Project, tmp_path: Path, capsys
):
    code = main(["--root", str(scratch.root), "build", "--out", str(tmp_path)])
    assert code == 0
    items = json.loads((tmp_path / "manifest.json").read_text())["leaflets"]
    by_locale = {(i["locale"], i["brand"]): i for i in items}
    for locale in ("en", "es", "de", "tr", "ar", "he", "zh-Hans"):
        for brand in ("default", "example-clinic"):
            assert by_locale[(locale, brand)]["status"] == "built", (locale, brand)
    built = sum(1 for i in items if i["status"] == "built")
    assert f"{built} built," in capsys.readouterr().out
    assert not [i for i in items if i["status"] == "failed"]
