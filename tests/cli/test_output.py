"""How much the command line prints: --json documents, -q, -v, top-level --jobs/--force, grouped
problem lines and a progress bar that fits a narrow terminal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from handoutgen.build import Outcome, Report
from handoutgen.cli import main
from handoutgen.cli.output import grouped
from handoutgen.cli.report import Progress, bar_line, summary
from handoutgen.leaflet import Job
from handoutgen.project import Project

from .test_cli import run_cli

BUILD_KEYS = {
    "format_version",
    "command",
    "ok",
    "exit_code",
    "out",
    "manifest",
    "summary",
    "leaflets",
    "problems",
    "interrupted",
}
LEAFLET_KEYS = {
    "topic",
    "locale",
    "brand",
    "edition",
    "paper",
    "status",
    "path",
    "pages",
    "sha256",
    "draft",
    "overdue",
    "reason",
    "warnings",
    "previews",
}


def test_build_json_is_one_document_on_stdout_with_stable_keys(tmp_path: Path):
    result = run_cli(
        "build", "neuromyotonia", "--locale", "en,de", "--out", str(tmp_path), "--json"
    )
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)  # the whole of stdout: nothing else is printed there
    assert set(doc) == BUILD_KEYS and doc["command"] == "build" and doc["ok"] is True
    assert doc["summary"] == {
        "leaflets": 2,
        "built": 2,
        "up_to_date": 0,
        "skipped": 0,
        "failed": 0,
        "warnings": 0,
    }
    assert all(set(item) == LEAFLET_KEYS for item in doc["leaflets"])
    assert {i["path"] for i in doc["leaflets"]} == {
        "default/en/neuromyotonia.a4.pdf",
        "default/de/neuromyotonia.a4.pdf",
    }
    again = run_cli("--json", "build", "neuromyotonia", "--locale", "en,de", "--out", str(tmp_path))
    doc = json.loads(again.stdout)  # answered from the manifest: the same keys
    assert set(doc) >= BUILD_KEYS and doc["summary"]["up_to_date"] == 2
    assert [i["status"] for i in doc["leaflets"]] == ["up to date", "up to date"]


def test_quiet_prints_only_problems_and_the_summary_verbose_one_line_a_leaflet(tmp_path: Path):
    args = ("build", "neuromyotonia", "--locale", "en,de", "--out", str(tmp_path), "--force")
    quiet = run_cli("-q", *args)
    assert quiet.returncode == 0, quiet.stderr
    assert quiet.stdout.strip().splitlines() == [
        f"2 leaflet(s): 2 built, 0 skipped, 0 failed, 0 up to date. Manifest: "
        f"{tmp_path / 'manifest.json'}"
    ]
    verbose = run_cli(*args, "-v", "--jobs", "1")
    assert verbose.returncode == 0, verbose.stderr
    assert sum(line.startswith("built") for line in verbose.stdout.splitlines()) == 2


def test_top_level_jobs_and_force_reach_the_build(tmp_path: Path):
    args = ("build", "neuromyotonia", "--out", str(tmp_path))
    assert run_cli(*args).returncode == 0
    forced = run_cli("--jobs", "1", "--force", *args)  # before the command, as README shows
    assert "1 built" in forced.stdout, forced.stdout + forced.stderr
    from handoutgen.cli import _parser
    from handoutgen.cli.output import settle

    top = _parser(["--jobs", "3", "--force"]).parse_args(["--jobs", "3", "--force"])
    build = _parser(["build"]).parse_args(["build"])
    settle(build, top=top)  # a bare `generate.py --jobs 3 --force`: the build it runs
    assert (build.jobs, build.force, build.quiet, build.json) == (3, True, False, False)


def test_check_and_list_json(scratch: Project):
    doc = json.loads(run_cli("--root", str(scratch.root), "list", "--json").stdout)
    assert doc["topics"] == ["emg-and-nerve-conduction", "neuromyotonia"] and "example-clinic" in {
        b["id"] for b in doc["brands"]
    }
    brand = scratch.brands_dir / "example-clinic" / "brand.yaml"
    brand.write_text(brand.read_text().replace("paper: letter", "paper: tabloid"))
    result = run_cli("--root", str(scratch.root), "check", "--json")
    assert result.returncode == 1
    doc = json.loads(result.stdout)
    assert doc["ok"] is False and doc["command"] == "check"
    [problem] = [p for p in doc["problems"] if "tabloid" in p["message"]]
    assert problem["file"] == "templates/brands/example-clinic/brand.yaml" and problem["line"]
    assert set(problem) == {"file", "line", "field", "message", "text"}


def test_identical_problems_are_grouped_with_a_count(capsys):
    assert grouped(["a", "b", "a", "a"]) == ["a (×3)", "b"]
    why = "review overdue since 2020-01-01"
    report = Report(
        outcomes=[
            Outcome(Job("t", loc, "default", "standard", "a4"), "failed", reason=why)
            for loc in ("en", "de", "es", "tr", "ar")
        ]
        + [Outcome(Job("t", "he", "default", "standard", "a4"), "failed", reason="other")]
    )
    summary(report)
    out = capsys.readouterr().out
    assert out.count(why) == 1
    assert f"{why} (×5: t [en, default, standard, a4], t [de, default" in out
    assert "and 2 more)" in out and "t [he, default, standard, a4]: other" in out


@pytest.mark.parametrize("columns", [20, 40, 60, 80, 200])
def test_the_progress_bar_fits_the_terminal(columns: int, monkeypatch, capsys):
    counts = {"built": 1234, "up to date": 5, "skipped": 17, "failed": 2}
    line = bar_line(1258, 9999, counts, columns)
    assert len(line) <= columns - 1 and "1258/9999" in line
    monkeypatch.setenv("COLUMNS", str(columns))
    progress = Progress(3)
    for _ in range(3):
        progress(Outcome(Job("t", "en", "default", "standard", "a4"), "built"))
    drawn = capsys.readouterr().err.replace("\n", "").split("\r")[1:]
    assert len(drawn) == 3 and all(len(d) <= columns - 1 for d in drawn)


def test_an_unknown_folder_is_exit_2_naming_what_was_looked_for(tmp_path: Path, capsys):
    (tmp_path / "handouts").mkdir()
    assert main(["--root", str(tmp_path), "check"]) == 2
    assert "no topic (*.yaml)" in capsys.readouterr().err
    assert main(["--root", str(tmp_path / "nope"), "list"]) == 2
    result = run_cli("check", cwd=tmp_path.parent)
    assert result.returncode == 2 and "no handouts/ folder in" in result.stderr


def _options(parser, name: str):
    import argparse

    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub, p in action.choices.items():
                yield from _options(p, f"{name} {sub}")
        elif not isinstance(action, argparse._HelpAction | argparse._VersionAction):
            yield name, action


def test_every_option_has_help_with_its_default():
    from handoutgen.cli import COMMANDS, _parser

    found = []
    for command in COMMANDS:
        argv = {"i18n": ["i18n", "stats"], "manifest": ["manifest", "merge", "x"]}.get(
            command, [command, "brand", "x"] if command == "new" else [command]
        )
        found += list(_options(_parser(argv), "generate.py"))
    lacking = {
        (name, action.dest)
        for name, action in found
        if not action.help or (action.option_strings and "default" not in action.help)
    }
    assert not lacking, sorted(lacking)
