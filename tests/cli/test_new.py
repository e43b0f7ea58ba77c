"""`new brand ID` and `new topic ID`: copies of the shipped examples that pass `check`, ids
refused when malformed or taken, nothing written outside the project."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from handoutgen.cli import main
from handoutgen.project import Project


def test_a_new_topic_and_brand_pass_check_and_build(scratch: Project, tmp_path: Path, capsys):
    root = str(scratch.root)
    assert main(["--root", root, "new", "topic", "knee-pain"]) == 0
    out = capsys.readouterr().out
    assert "handouts/knee-pain.yaml" in out and "i18n update" in out
    assert main(["--root", root, "new", "brand", "lakeside"]) == 0
    out = capsys.readouterr().out
    assert "templates/brands/lakeside/brand.yaml" in out and "build --brand lakeside" in out
    brand = (scratch.root / "templates/brands/lakeside/brand.yaml").read_text()
    assert "name: Lakeside\n" in brand
    assert main(["--root", root, "check"]) == 0, capsys.readouterr().err
    capsys.readouterr()
    # English builds; a language without the new strings is skipped until translated (or a
    # marked draft with --allow-incomplete), never failed
    selection = ["knee-pain", "--locale", "en,de", "--brand", "lakeside"]
    code = main(["--root", root, "build", *selection, "--out", str(tmp_path / "out"), "--json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0
    status = {i["locale"]: i["status"] for i in doc["leaflets"]}
    assert status == {"en": "built", "de": "skipped"}


def test_an_empty_folder_becomes_a_project(tmp_path: Path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["new", "topic", "first"]) == 0
    assert main(["new", "brand", "clinic-1"]) == 0
    capsys.readouterr()
    assert (tmp_path / "handouts" / "handout.schema.json").is_file()
    assert (tmp_path / "templates" / "brands" / "default" / "brand.yaml").is_file()
    assert main(["check"]) == 0, capsys.readouterr().err
    assert not (tmp_path / "templates" / "leaflet.xml.j2").exists()


@pytest.mark.parametrize("ident", ["Bad", "a_b", "a-", "a--b", "../x", "a/b", "", "x" * 65])
def test_a_malformed_id_is_refused(ident: str, tmp_path: Path, capsys):
    assert main(["--root", str(tmp_path), "new", "brand", ident]) == 2
    assert "lowercase letters, digits" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_an_existing_id_or_a_folder_linked_out_is_refused(scratch: Project, tmp_path: Path, capsys):
    root = str(scratch.root)
    topic = scratch.handouts_dir / "neuromyotonia.yaml"
    before = topic.read_bytes()
    assert main(["--root", root, "new", "topic", "neuromyotonia"]) == 2
    assert main(["--root", root, "new", "brand", "example-clinic"]) == 2
    assert "exists already" in capsys.readouterr().err and topic.read_bytes() == before
    outside = tmp_path / "outside"
    outside.mkdir()
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "handouts").mkdir(parents=True)
    os.symlink(outside, elsewhere / "templates")  # templates/ links out of the project
    (elsewhere / "handouts" / "x.yaml").write_text("id: x\n")
    assert main(["--root", str(elsewhere), "new", "brand", "lakeside"]) == 2
    assert "outside the project folder" in capsys.readouterr().err
    assert list(outside.iterdir()) == []


def test_a_clinics_folder_extracts_its_topics_and_the_engines_templates(tmp_path: Path, capsys):
    """A folder with no babel.cfg and no templates of its own: `i18n update` takes the
    topics from it and the template strings from the engine, so translators can go on."""
    import shutil

    from ..conftest import ROOT

    clinic = tmp_path / "clinic"
    for name in ("handouts", "locales"):
        shutil.copytree(ROOT / name, clinic / name)
    root = ["--root", str(clinic)]
    assert main([*root, "new", "topic", "knee-pain"]) == 0
    assert main([*root, "i18n", "update", "de"]) == 0
    po = (clinic / "locales" / "de" / "LC_MESSAGES" / "handouts.po").read_text()
    assert 'msgctxt "knee-pain/' in po and "#: templates/standard/" in po
    pot = (clinic / "locales" / "handouts.pot").read_text()
    assert pot.count("msgid ") == (ROOT / "locales" / "handouts.pot").read_text().count(
        "msgid "
    ) + po.count('msgctxt "knee-pain/')
