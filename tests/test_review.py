"""Review governance: a leaflet past its review date is refused (or, with --allow-overdue,
marked on every page and recorded in the manifest); a rebuild notices a date passing;
``review`` reports every topic and catalog; ``check`` warns ahead of time."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from handoutgen.build import Job, build_one
from handoutgen.cli import main
from handoutgen.project import Project

ROOT = Path(__file__).resolve().parent.parent
DUE = "2029-11-25"  # neuromyotonia's next_review
JOB = Job("neuromyotonia", "es", "default", "standard", "a4")


def test_a_leaflet_past_its_review_date_is_refused(project, monkeypatch):
    monkeypatch.setenv("HANDOUTGEN_TODAY", "2029-11-26")
    rendered, outcome = build_one(project, JOB)
    assert rendered is None and outcome.status == "failed"
    assert f"review overdue since {DUE}" in outcome.reason and "--allow-overdue" in outcome.reason
    monkeypatch.setenv("HANDOUTGEN_TODAY", DUE)  # due today: still current
    rendered, _ = build_one(project, JOB)
    assert rendered is not None


def test_allow_overdue_marks_every_page_and_the_manifest(project, monkeypatch, tmp_path):
    monkeypatch.setenv("HANDOUTGEN_TODAY", "2030-01-01")
    rendered, outcome = build_one(project, JOB, allow_overdue=True)
    assert rendered is not None and outcome.overdue
    pages = PdfReader(io.BytesIO(rendered.pdf)).pages
    assert all("Revisión vencida" in p.extract_text() for p in pages)
    out = tmp_path / "out"
    args = ["--root", str(ROOT), "build", "neuromyotonia", "--locale", "es", "--out", str(out)]
    assert main([*args, "--jobs", "1"]) == 1
    assert main([*args, "--jobs", "1", "--allow-overdue"]) == 0
    entry = json.loads((out / "manifest.json").read_text())["leaflets"][0]
    assert entry["overdue"] is True and any("overdue" in w for w in entry["warnings"])


def test_a_rebuild_notices_the_review_date_passing(monkeypatch, tmp_path):
    out = tmp_path / "out"
    args = ["--root", str(ROOT), "build", "neuromyotonia", "--out", str(out), "--jobs", "1"]
    monkeypatch.setenv("HANDOUTGEN_TODAY", "2029-11-01")
    assert main(args) == 0
    assert main(args) == 0  # up to date
    monkeypatch.setenv("HANDOUTGEN_TODAY", "2029-12-01")
    assert main(args) == 1  # not "up to date": refused now
    entry = json.loads((out / "manifest.json").read_text())["leaflets"][0]
    assert entry["status"] == "failed" and "overdue" in entry["reason"]


def test_the_review_report(monkeypatch, capsys):
    monkeypatch.setenv("HANDOUTGEN_TODAY", "2029-10-01")
    assert main(["--root", str(ROOT), "review", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    topic = next(t for t in report["topics"] if t["topic"] == "neuromyotonia")
    assert topic["status"] == "due soon" and topic["next_review"] == DUE
    assert {c["locale"] for c in report["catalogs"]} >= {"es", "ar", "zh-Hans"}
    assert main(["--root", str(ROOT), "review", "--due", "10"]) == 0
    assert "neuromyotonia" not in capsys.readouterr().out.split("Catalogs:")[0]
    monkeypatch.setenv("HANDOUTGEN_TODAY", "2030-01-01")
    assert main(["--root", str(ROOT), "review", "--due", "10"]) == 1  # an overdue topic
    assert "overdue by 37 day(s)" in capsys.readouterr().out


@pytest.mark.parametrize(("today", "warned"), [("2026-12-04", False), ("2029-10-01", True)])
def test_check_warns_ahead_of_time(monkeypatch, capsys, today, warned):
    monkeypatch.setenv("HANDOUTGEN_TODAY", today)
    assert main(["--root", str(ROOT), "check"]) == 0
    assert ("review due 2029-11-25" in capsys.readouterr().err) is warned


def test_a_bad_today_is_a_clear_error(project: Project, monkeypatch):
    monkeypatch.setenv("HANDOUTGEN_TODAY", "tomorrow")
    rendered, outcome = build_one(project, JOB)
    assert rendered is None and "HANDOUTGEN_TODAY='tomorrow' is not a date" in outcome.reason
