"""A translation review stamp covers the translations its reviewer saw: the leaflet prints the
reviewer only while they are unchanged; after a change (in the translation, or in the English
it translates) it says the translation changed since it was checked."""

from __future__ import annotations

import io

from pypdf import PdfReader

from handoutgen.build import Job, build_one
from handoutgen.cli import main
from handoutgen.project import Project
from tests.i18n.test_workflow import with_cfg

JOB = Job("neuromyotonia", "es", "default", "standard", "a4")
REVIEWER = "Ana Ruiz, medical translator"


def _text(project: Project) -> str:
    rendered, outcome = build_one(Project(project.root), JOB)
    assert rendered is not None, outcome.reason
    return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(rendered.pdf)).pages)


def test_the_stamp_prints_only_while_the_translations_are_those_reviewed(scratch: Project):
    root = str(scratch.root)
    assert REVIEWER not in _text(scratch)
    assert main(["--root", root, "i18n", "review", "es", "--by", REVIEWER]) == 0
    assert REVIEWER in " ".join(_text(scratch).split())
    po = scratch.root / "locales" / "es" / "LC_MESSAGES" / "handouts.po"
    text = po.read_text(encoding="utf-8")
    po.write_text(text.replace("Dificultad para respirar.", "Dificultad al respirar."), "utf-8")
    after = " ".join(_text(scratch).split())
    assert REVIEWER not in after
    assert "modificada desde la última vez" in after


def test_a_change_in_the_english_source_also_ends_the_stamp(scratch: Project):
    root = str(scratch.root)
    with_cfg(scratch)
    assert main(["--root", root, "i18n", "review", "es", "--by", REVIEWER]) == 0
    topic = scratch.handouts_dir / "neuromyotonia.yaml"
    topic.write_text(
        topic.read_text(encoding="utf-8").replace("Trouble breathing.", "Difficulty breathing."),
        encoding="utf-8",
    )
    assert main(["--root", root, "i18n", "update"]) == 0  # the entry turns fuzzy
    rendered, outcome = build_one(Project(scratch.root), JOB, allow_incomplete=True)
    assert rendered is not None, outcome.reason
    text = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(rendered.pdf)).pages).split()
    )
    assert REVIEWER not in text and "modificada desde la última vez" in text
