"""notices: a brand's template override cannot leave out what protects the patient: the "not
yet checked by a clinician" notice, the draft mark on a draft, the review date."""

from __future__ import annotations

import shutil
from pathlib import Path

from handoutgen.build import Job, build_one
from handoutgen.cli import main
from handoutgen.project import Project

ROOT = Path(__file__).resolve().parent.parent


def _override(scratch: Project, name: str, old: str, new: str) -> Path:
    source = ROOT / "templates" / name
    target = scratch.root / "templates" / "brands" / "default" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    text = source.read_text(encoding="utf-8")
    assert old in text
    target.write_text(text.replace(old, new), encoding="utf-8")
    return target


def test_an_override_without_the_review_notice_is_refused(scratch: Project):
    _override(scratch, "leaflet.xml.j2", "This leaflet has not yet been checked", "This leaflet")
    for locale in ("en", "es"):
        rendered, outcome = build_one(
            Project(scratch.root), Job("neuromyotonia", locale, "default", "standard", "a4")
        )
        assert rendered is None and outcome.status == "failed"
        assert "required notice 'not-clinically-reviewed'" in outcome.reason
        assert "templates/brands/default/leaflet.xml.j2" in outcome.reason
    # the other brand, without the override, still builds
    rendered, _ = build_one(
        Project(scratch.root), Job("neuromyotonia", "en", "example-clinic", "standard", "a4")
    )
    assert rendered is not None
    assert main(["--root", str(scratch.root), "check"]) == 1


def test_an_override_without_the_draft_mark_cannot_build_a_draft(scratch: Project):
    _override(
        scratch,
        "standard/furniture.xml.j2",
        "<draft-mark>{% trans %}Draft: translation incomplete{% endtrans %}</draft-mark>",
        "",
    )
    po = scratch.root / "locales" / "es" / "LC_MESSAGES" / "handouts.po"
    text = po.read_text(encoding="utf-8")
    po.write_text(text.replace('msgstr "Dificultad para respirar."', 'msgstr ""'), "utf-8")
    job = Job("neuromyotonia", "es", "default", "standard", "a4")
    rendered, outcome = build_one(Project(scratch.root), job, allow_incomplete=True)
    assert rendered is None and "required notice 'draft-mark'" in outcome.reason
    shutil.rmtree(scratch.root / "templates" / "brands" / "default" / "standard")
    rendered, outcome = build_one(Project(scratch.root), job, allow_incomplete=True)
    assert rendered is not None and outcome.draft
