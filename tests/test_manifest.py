"""The manifest: how each leaflet was made (drafts, skips, overdue) against the run's options,
entries no input produces any more (stale, dropped), `clean`, `manifest merge` errors, and the
format version and JSON Schema every manifest the tool writes answers to."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import jsonschema
import polib
import pytest

from handoutgen.build import build_one
from handoutgen.cli import main
from handoutgen.leaflet import Job
from handoutgen.project import Project

from .conftest import ROOT

SCHEMA = json.loads((ROOT / "docs" / "manifest.schema.json").read_text(encoding="utf-8"))


def valid(path: Path) -> dict:
    """The manifest at ``path``, checked against docs/manifest.schema.json."""
    data = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(SCHEMA).validate(data)
    return data


def entries(
    out: Path, name: str = "manifest.json", topic: str = "neuromyotonia"
) -> dict[tuple[str, str], dict]:
    """The manifest's entries for ``topic`` (by brand and locale)."""
    return {
        (e["brand"], e["locale"]): e for e in valid(out / name)["leaflets"] if e["topic"] == topic
    }


def generate(root: Path, *args: str) -> int:
    return main(["--root", str(root), *args])


def incomplete(project: Project, locale: str = "de") -> None:
    path = project.locales_dir / locale / "LC_MESSAGES" / "handouts.po"
    po = polib.pofile(str(path), wrapwidth=0)
    next(e for e in po if e.msgctxt == "neuromyotonia/title").msgstr = ""
    po.save()


def test_a_complete_leaflet_is_the_same_whether_drafts_or_overdue_are_allowed(project: Project):
    """Why the options are not inputs of a leaflet: they change only drafts and overdue ones."""
    job = Job("neuromyotonia", "en", "example-clinic", "standard", "a4")
    plain, _ = build_one(project, job)
    allowed, outcome = build_one(project, job, allow_incomplete=True, allow_overdue=True)
    assert plain and allowed and plain.pdf == allowed.pdf and not outcome.draft


def test_drafts_and_skips_follow_the_options_in_the_batch_and_the_no_op_path(
    scratch: Project, tmp_path: Path, capsys
):
    incomplete(scratch)
    out = tmp_path / "out"
    args = ["build", "--locale", "de,en", "--out", str(out), "-j", "1"]
    draft = out / "default" / "de" / "neuromyotonia.a4.pdf"
    assert generate(scratch.root, *args) == 0  # both topics: only neuromyotonia's de skips
    assert "3 built, 1 skipped" in capsys.readouterr().out and not draft.exists()
    en = (out / "default" / "en" / "neuromyotonia.a4.pdf").stat().st_mtime_ns
    # after a skip, --allow-incomplete builds the draft; the complete leaflet is up to date
    assert generate(scratch.root, *args, "--allow-incomplete") == 0
    assert "1 built, 0 skipped, 0 failed, 3 up to date." in capsys.readouterr().out
    made = entries(out)
    assert made[("default", "de")]["draft"] and not made[("default", "en")]["draft"]
    assert draft.is_file() and (out / made[("default", "en")]["path"]).stat().st_mtime_ns == en
    assert generate(scratch.root, *args, "--allow-incomplete") == 0  # answered by the stamp
    assert "4 up to date (no input changed" in capsys.readouterr().out
    # after a draft, a plain build is not up to date: it skips, and the draft goes
    assert generate(scratch.root, *args) == 0
    assert "0 built, 1 skipped, 0 failed, 3 up to date." in capsys.readouterr().out
    # the draft goes; its folder keeps only the other topic's complete de leaflet
    assert not draft.exists()
    assert [p.name for p in draft.parent.iterdir()] == ["emg-and-nerve-conduction.a4.pdf"]
    assert entries(out)[("default", "de")]["status"] == "skipped"
    assert generate(scratch.root, *args) == 0
    assert "1 skipped, 0 failed, 3 up to date (no input changed" in capsys.readouterr().out
    # the stamp of a run with a skip does not answer a run that allows drafts
    assert generate(scratch.root, *args, "--allow-incomplete") == 0
    assert "1 built" in capsys.readouterr().out and draft.is_file()


def test_an_overdue_leaflet_is_up_to_date_only_while_overdue_ones_are_allowed(
    scratch: Project, tmp_path: Path, monkeypatch, capsys
):
    monkeypatch.setenv("HANDOUTGEN_TODAY", "2099-01-01")
    out = tmp_path / "out"
    args = ["build", "--locale", "en", "--out", str(out), "-j", "1"]
    assert generate(scratch.root, *args, "--allow-overdue") == 0
    assert entries(out)[("default", "en")]["overdue"]
    assert generate(scratch.root, *args, "--allow-overdue") == 0  # its two topics
    assert "2 up to date (no input changed" in capsys.readouterr().out
    assert generate(scratch.root, *args) == 1  # refused now: not answered from the manifest
    assert entries(out)[("default", "en")]["status"] == "failed"


def test_entries_no_input_produces_are_marked_stale_or_dropped_and_clean_removes_them(
    scratch: Project, tmp_path: Path, capsys
):
    out = tmp_path / "out"
    brands = scratch.brands_dir
    shutil.copytree(brands / "example-clinic", brands / "broken")
    (brands / "broken" / "brand.yaml").write_text("name: [\n")  # its leaflets fail
    args = ["build", "--brand", "*", "--locale", "en", "--out", str(out), "-j", "1"]
    assert generate(scratch.root, *args) == 1
    made = entries(out)
    assert made[("broken", "en")]["status"] == "failed"
    clinic = out / made[("example-clinic", "en")]["path"]
    shutil.rmtree(brands / "broken")
    shutil.rmtree(brands / "example-clinic")
    users = [out / "example-clinic" / "en" / "notes.pdf", out / "mine.pdf"]
    for path in users:
        path.write_bytes(b"a user's file")
    assert generate(scratch.root, "build", "--locale", "en", "--out", str(out), "-j", "1") == 0
    made = entries(out)
    assert ("broken", "en") not in made  # a failure with no file: dropped
    stale = made[("example-clinic", "en")]
    assert (
        stale["status"] == "stale"
        and "brand 'example-clinic' no longer exists" in (stale["reason"])
    )
    assert clinic.is_file() and stale["path"] == str(clinic.relative_to(out))
    capsys.readouterr()
    assert generate(scratch.root, "clean", "--out", str(out), "--dry-run") == 0
    assert f"would remove {clinic}" in capsys.readouterr().out and clinic.is_file()
    assert generate(scratch.root, "clean", "--out", str(out)) == 0
    said = capsys.readouterr().out
    assert f"removed {clinic} (its brand 'example-clinic' no longer exists)" in said
    assert "2 leaflet(s) that no input produces any more removed" in said  # its 2 topics
    assert not clinic.exists() and all(p.read_bytes() == b"a user's file" for p in users)
    assert set(entries(out)) == {("default", "en")}
    assert (out / "default" / "en" / "neuromyotonia.a4.pdf").is_file()


def test_clean_keeps_a_recorded_pdf_someone_changed_and_says_so(
    scratch: Project, tmp_path: Path, capsys
):
    out = tmp_path / "out"
    args = ["build", "--locale", "en", "--brand", "*", "--out", str(out), "-j", "1"]
    assert generate(scratch.root, *args) == 0
    shutil.rmtree(scratch.brands_dir / "example-clinic")
    changed = out / entries(out)[("example-clinic", "en")]["path"]
    changed.write_bytes(b"edited by hand")
    assert generate(scratch.root, "clean", "--out", str(out)) == 1
    assert f"{changed}: changed since this tool wrote it" in capsys.readouterr().err
    assert changed.read_bytes() == b"edited by hand" and ("example-clinic", "en") in entries(out)
    assert generate(scratch.root, "clean", "--out", str(tmp_path / "none")) == 1
    said = capsys.readouterr()
    assert "none: --out: no such folder" in said.err and said.out == ""
    assert not (tmp_path / "none").exists()


def _shard(out: Path, index: int, count: int, topic: str) -> None:
    leaflet = {
        "topic": topic,
        "locale": "en",
        "brand": "default",
        "edition": "standard",
        "paper": "a4",
        "path": None,
        "pages": 0,
        "sha256": None,
        "status": "skipped",
        "warnings": [],
        "draft": False,
        "overdue": False,
        "inputs": None,
        "size": None,
        "reason": "r",
    }
    body = {"format_version": 2, "generator": "g", "shard": {"index": index, "count": count}}
    body["leaflets"] = [leaflet]
    (out / f"manifest.shard-{index}-of-{count}.json").write_text(json.dumps(body))


def test_merge_refuses_a_missing_folder_a_file_and_a_set_with_a_missing_shard(
    tmp_path: Path, capsys
):
    missing = tmp_path / "missing"
    assert generate(ROOT, "manifest", "merge", str(missing)) == 1
    assert f"error: {missing}: no such folder" in capsys.readouterr().err
    assert not missing.exists()
    file = tmp_path / "manifest.json"
    file.write_text("{}")
    assert generate(ROOT, "manifest", "merge", str(file)) == 1
    err = capsys.readouterr().err
    assert f"error: {file}: not a folder" in err and "internal error" not in err
    out = tmp_path / "out"
    out.mkdir()
    assert generate(ROOT, "manifest", "merge", str(out)) == 1
    assert "no shard manifests" in capsys.readouterr().err
    _shard(out, 1, 3, "one")
    _shard(out, 3, 3, "three")
    assert generate(ROOT, "manifest", "merge", str(out)) == 1
    said = capsys.readouterr()
    assert "missing shard manifest(s) manifest.shard-2-of-3.json (--shard 2/3)" in said.err
    assert "kept, not merged" in said.err and "merged 0" not in said.out
    assert not (out / "manifest.json").exists() and len(list(out.glob("manifest.shard-*"))) == 2
    _shard(out, 2, 3, "two")  # the missing slice is built: the whole set merges
    assert generate(ROOT, "manifest", "merge", str(out)) == 0
    assert "merged 3 shard manifest(s)" in capsys.readouterr().out
    assert [e["topic"] for e in valid(out / "manifest.json")["leaflets"]] == [
        "one",
        "three",
        "two",
    ]


def test_every_manifest_the_tool_writes_answers_to_the_schema(scratch: Project, tmp_path: Path):
    out = tmp_path / "out"
    common = ["--brand", "*", "--locale", "en", "--out", str(out), "-j", "1"]
    for i in (1, 2):
        assert generate(scratch.root, "build", *common, "--shard", f"{i}/2") == 0
        shard = valid(out / f"manifest.shard-{i}-of-2.json")
        assert shard["shard"] == {"index": i, "count": 2} and shard["format_version"] == 2
    assert generate(scratch.root, "manifest", "merge", str(out)) == 0
    assert len(valid(out / "manifest.json")["leaflets"]) == 4  # 2 brands x 2 topics
    assert generate(scratch.root, "build", *common) == 0  # a single run, stamped
    assert "stamp" in valid(out / "manifest.json")
    shutil.rmtree(scratch.brands_dir / "example-clinic")
    assert generate(scratch.root, "build", "--locale", "en", "--out", str(out), "-j", "1") == 0
    assert "stale" in {e["status"] for e in valid(out / "manifest.json")["leaflets"]}
    assert generate(scratch.root, "clean", "--out", str(out)) == 0
    assert len(valid(out / "manifest.json")["leaflets"]) == 2  # the default brand's 2 topics


def test_an_older_manifest_is_read_and_a_newer_one_refused(
    scratch: Project, tmp_path: Path, capsys
):
    out = tmp_path / "out"
    args = ["build", "--locale", "en", "--out", str(out), "-j", "1"]
    assert generate(scratch.root, *args) == 0
    path = out / "manifest.json"
    data = json.loads(path.read_text())
    pdf = out / data["leaflets"][0]["path"]
    old = {  # format 1: no version, no stamp, entries without the later fields
        "generator": "handoutgen 0.0.9",
        "leaflets": [
            {k: v for k, v in e.items() if k not in ("draft", "overdue", "inputs", "size")}
            for e in data["leaflets"]
        ],
    }
    path.write_text(json.dumps(old))
    assert generate(scratch.root, *args) == 0  # rebuilt (no fingerprint), rewritten as 2
    assert valid(path)["format_version"] == 2
    newer = {**valid(path), "format_version": 3}
    path.write_text(json.dumps(newer))
    digest = hashlib.sha256(pdf.read_bytes()).hexdigest()
    capsys.readouterr()
    for command in (args, ["clean", "--out", str(out)]):
        assert generate(scratch.root, *command) == 1
        err = capsys.readouterr().err
        assert f"{path}: format_version: format_version 3 is newer than this generator" in err
    (out / "manifest.shard-1-of-1.json").write_text(json.dumps({**newer, "leaflets": []}))
    assert generate(scratch.root, "manifest", "merge", str(out)) == 1
    assert "format_version 3 is newer" in capsys.readouterr().err
    assert json.loads(path.read_text()) == newer  # never rewritten
    assert hashlib.sha256(pdf.read_bytes()).hexdigest() == digest


@pytest.mark.parametrize("version", ["2", 0, True])
def test_a_format_version_that_is_not_one_is_refused(tmp_path: Path, version, capsys):
    (tmp_path / "manifest.json").write_text(json.dumps({"format_version": version, "leaflets": []}))
    assert generate(ROOT, "clean", "--out", str(tmp_path)) == 1
    assert "is not a format version" in capsys.readouterr().err


def test_what_no_input_produces_is_told_by_each_dimension(scratch: Project):
    from handoutgen.manifest import producible

    (scratch.handouts_dir / "neuromyotonia.yaml").rename(scratch.handouts_dir / "other.yaml")
    shutil.rmtree(scratch.locales_dir / "tr")
    gone = producible(scratch)

    def leaflet(topic: str = "other", locale: str = "es", **kw: str) -> dict:
        return {"topic": topic, "locale": locale, "brand": "default", "edition": "standard"} | {
            "paper": "a4",
            **kw,
        }

    assert gone(leaflet()) is None and gone(leaflet(locale="es-MX")) is None  # a parent's
    assert gone(leaflet("neuromyotonia")) == "its topic 'neuromyotonia' no longer exists"
    assert gone(leaflet(locale="tr")) == "its locale 'tr' no longer exists"
    assert gone(leaflet(locale="es+tr")) == "its locale 'tr' no longer exists"
    assert gone(leaflet(brand="gone")) == "its brand 'gone' no longer exists"
    assert gone(leaflet(edition="poster")) == "its edition 'poster' no longer exists"
    assert gone(leaflet(paper="tabloid")) == "its paper 'tabloid' no longer exists"


def test_a_failure_keeps_the_last_good_pdf_recorded_and_never_a_draft(
    scratch: Project, tmp_path: Path
):
    out = tmp_path / "out"
    incomplete(scratch)
    args = ["build", "--locale", "de,en", "--paper", "a4", "--out", str(out), "-j", "1"]
    assert generate(scratch.root, *args, "--allow-incomplete") == 0
    good = entries(out)[("default", "en")]
    draft = out / entries(out)[("default", "de")]["path"]
    pdf = (out / good["path"]).read_bytes()
    brand = scratch.brands_dir / "default" / "brand.yaml"
    brand.write_text("name: [\n")  # every leaflet of the brand fails now
    assert generate(scratch.root, *args) == 1
    made = entries(out)
    assert made[("default", "en")]["status"] == "failed" and made[("default", "en")]["kept"] == {
        "path": good["path"],
        "sha256": good["sha256"],
    }
    assert (out / good["path"]).read_bytes() == pdf  # never replaced by a failure
    assert not draft.exists() and "kept" not in made[("default", "de")]  # a draft is not kept
    shutil.rmtree(scratch.brands_dir / "default")
    shutil.copytree(scratch.brands_dir / "example-clinic", scratch.brands_dir / "other")
    assert generate(scratch.root, "clean", "--out", str(out)) == 0
    assert not (out / good["path"]).exists() and entries(out) == {}
