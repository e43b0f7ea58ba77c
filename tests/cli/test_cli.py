"""The command line as users and scripts meet it: build, check, list, exit codes, manifest."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from handoutgen.cli import main
from handoutgen.project import Project

from ..conftest import ROOT


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "generate.py"), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_build_one_leaflet_writes_pdf_and_manifest(tmp_path: Path, capsys):
    code = main(
        [
            "build",
            "neuromyotonia",
            "--locale",
            "en",
            "--brand",
            "example-clinic",
            "--paper",
            "letter",
            "--out",
            str(tmp_path),
        ]
    )
    assert code == 0
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    [item] = manifest["leaflets"]
    pdf = tmp_path / item["path"]
    assert item["path"] == "example-clinic/en/neuromyotonia.letter.pdf"
    assert {k: item[k] for k in ("topic", "locale", "brand", "edition", "paper", "status")} == {
        "topic": "neuromyotonia",
        "locale": "en",
        "brand": "example-clinic",
        "edition": "standard",
        "paper": "letter",
        "status": "built",
    }
    assert item["sha256"] == hashlib.sha256(pdf.read_bytes()).hexdigest()
    assert item["pages"] >= 3 and item["warnings"] == []
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert "1 built, 0 skipped, 0 failed" in capsys.readouterr().out


def test_defaults_are_source_locale_default_brand_and_its_paper(tmp_path: Path):
    assert main(["build", "neuromyotonia", "--out", str(tmp_path)]) == 0
    [item] = json.loads((tmp_path / "manifest.json").read_text())["leaflets"]
    assert (item["locale"], item["brand"], item["paper"]) == ("en", "default", "a4")


def test_no_arguments_build_everything_with_each_brands_paper(scratch: Project, tmp_path: Path):
    out = tmp_path / "out"
    result = run_cli("--root", str(scratch.root), "build", "--out", str(out))
    assert result.returncode == 0, result.stderr
    items = json.loads((out / "manifest.json").read_text())["leaflets"]
    assert {(i["brand"], i["paper"]) for i in items} == {
        ("default", "a4"),
        ("example-clinic", "letter"),
    }
    plain = run_cli("--root", str(scratch.root), cwd=tmp_path)  # no command at all
    assert plain.returncode == 0, plain.stderr
    assert (tmp_path / "out" / "manifest.json").is_file()


def test_large_print_edition_and_a5(tmp_path: Path, capsys):
    """Large print on A5 is refused at selection (exit 2, why and what to choose); on A4 it
    builds."""
    args = ["build", "neuromyotonia", "--edition", "large-print", "--out", str(tmp_path)]
    assert main([*args, "--paper", "a5"]) == 2
    err = capsys.readouterr().err
    assert "large-print edition is not made on a5 paper" in err and "choose a4, letter" in err
    assert not (tmp_path / "manifest.json").exists()
    assert main([*args, "--paper", "a4"]) == 0
    [item] = json.loads((tmp_path / "manifest.json").read_text())["leaflets"]
    assert item["path"] == "default/en/neuromyotonia.large-print.a4.pdf"
    assert item["pages"] > 8


def test_unknown_brand_is_a_clear_error(tmp_path: Path):
    result = run_cli("build", "neuromyotonia", "--brand", "nope", "--out", str(tmp_path))
    assert result.returncode == 2
    assert "no brand matches 'nope' (available: default, example-clinic)" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_passes_on_the_shipped_project():
    result = run_cli("check")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok:")


def test_check_lists_every_problem_with_file_and_line_and_no_traceback(scratch: Project):
    path = scratch.handouts_dir / "neuromyotonia.yaml"
    lines = path.read_text().splitlines()
    first_type = next(i for i, line in enumerate(lines) if line.strip() == "- type: paragraph")
    lines[first_type] = lines[first_type].replace("paragraph", "bulets")
    version = next(i for i, line in enumerate(lines) if line.startswith("version:"))
    lines.insert(version + 1, "colour: blue")
    path.write_text("\n".join(lines) + "\n")
    brand = scratch.brands_dir / "example-clinic" / "brand.yaml"
    brand.write_text(brand.read_text().replace("paper: letter", "paper: tabloid"))
    (scratch.templates_dir / "standard" / "about.xml.j2").write_text("{% if %}\n")
    result = run_cli("--root", str(scratch.root), "check")
    assert result.returncode == 1
    err = result.stderr
    assert "Traceback" not in err
    assert (
        f"handouts/neuromyotonia.yaml:{first_type + 2}: sections[0].blocks[0].type: unknown "
        "block type 'bulets' (expected one of paragraph, bullets"
    ) in err
    assert f"handouts/neuromyotonia.yaml:{version + 2}: colour: unknown key 'colour'" in err
    assert "templates/brands/example-clinic/brand.yaml:" in err and "tabloid" in err
    assert "templates/standard/about.xml.j2:1: template syntax error" in err


def test_one_bad_leaflet_does_not_stop_the_batch(scratch: Project, tmp_path: Path):
    brand = scratch.brands_dir / "example-clinic" / "brand.yaml"
    brand.write_text(brand.read_text() + "unexpected: 1\n")
    out = tmp_path / "out"
    result = run_cli(
        "--root", str(scratch.root), "build", "neuromyotonia", "--brand", "*", "--out", str(out)
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    items = {i["brand"]: i for i in json.loads((out / "manifest.json").read_text())["leaflets"]}
    assert items["default"]["status"] == "built"
    assert items["example-clinic"]["status"] == "failed"
    assert "unknown key 'unexpected'" in items["example-clinic"]["reason"]
    assert "1 built, 0 skipped, 1 failed" in result.stdout
    assert not list(out.rglob("*.tmp"))
    assert not (out / "example-clinic").exists()


def test_the_summary_shows_what_a_failure_names(scratch: Project, tmp_path: Path):
    brand = scratch.brands_dir / "example-clinic" / "brand.yaml"
    brand.write_text(brand.read_text().replace("  en: Nerve", "  en: தமிழ் Nerve"))
    out = tmp_path / "out"
    result = run_cli(
        "--root", str(scratch.root), "build", "--brand", "example-clinic", "--out", str(out)
    )
    assert result.returncode == 1
    summary = result.stdout.split("Summary", 1)[1]
    assert "missing glyphs: 5 character(s) no font has" in summary
    assert "U+0BA4 TAMIL LETTER TA is in no font of locale en" in summary
    assert "templates/brands/example-clinic/brand.yaml:4 (tagline.en)" in summary


def test_check_finds_a_character_no_font_has_without_rendering(scratch: Project):
    brand = scratch.brands_dir / "example-clinic" / "brand.yaml"
    brand.write_text(brand.read_text().replace("  en: Nerve", "  en: ௐ Nerve"))
    result = run_cli("--root", str(scratch.root), "check")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    # named once per topic that prints the brand (two topics since content 1.1)
    assert result.stderr.splitlines() == [
        f"{topic}/example-clinic: missing glyph: U+0BD0 TAMIL OM is in no font of locale "
        "en (sans-regular (NotoSans-Regular.ttf)), from "
        "templates/brands/example-clinic/brand.yaml:4 (tagline.en): 'ௐ Nerve and muscle care'"
        for topic in ("emg-and-nerve-conduction", "neuromyotonia")
    ] + ["2 problem(s) found."]


def test_list_shows_topics_locales_brands_papers():
    result = run_cli("list")
    assert result.returncode == 0
    assert "neuromyotonia" in result.stdout
    assert "example-clinic" in result.stdout and "letter" in result.stdout
    assert "a4, a5, letter" in result.stdout
    assert "standard, large-print" in result.stdout


def test_a_closed_pipe_ends_quietly(monkeypatch, capsys):
    """`generate.py list | head -1`: the reader goes away; no traceback, SIGPIPE's status."""
    import io
    import os

    read, write = os.pipe()
    os.close(read)
    pipe = io.TextIOWrapper(os.fdopen(write, "wb", buffering=0), write_through=True)
    with capsys.disabled():
        monkeypatch.setattr(sys, "stdout", pipe)
        assert main(["--root", str(ROOT), "list"]) == 141
        monkeypatch.undo()
    pipe.close()


def test_check_lists_every_problem_of_a_brand_at_once(scratch: Project):
    """Schema, logo and theme problems together, each at its line, once for all editions."""
    path = scratch.brands_dir / "example-clinic" / "brand.yaml"
    text = path.read_text()
    text = text.replace("logo: logo.svg", "logo: nothere.svg").replace("logo_alt:", "#logo_alt:")
    text = text.replace("phone: (555) 010-0144", "phone: 12")
    text = text.replace("theme:\n", "theme:\n  page: {margin_mm: {top: 3}}\n", 1)
    text = text.replace('primary: "#00665e"', 'primary: "notacolor"')
    path.write_text(text)
    lines = text.splitlines()

    def line_of(start: str) -> int:
        return next(n for n, line in enumerate(lines, 1) if line.strip().startswith(start))

    result = run_cli("--root", str(scratch.root), "check")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    brand = "templates/brands/example-clinic/brand.yaml"
    assert result.stderr.splitlines() == [
        f"{brand}:{line_of('logo:')}: logo: a logo needs 'logo_alt' (a text alternative)",
        f"{brand}:{line_of('logo:')}: logo: logo file 'nothere.svg' not found",
        f"{brand}:{line_of('phone:')}: phone: must be of type string, not int",
        f"{brand}:{line_of('page:')}: theme.page.margin_mm: office printers need margins of at "
        "least 12 mm",
        f"{brand}:{line_of('primary:')}: theme.colors.primary: 'notacolor' is not a #rrggbb colour",
        "5 problem(s) found.",
    ]


@pytest.mark.parametrize(
    ("argv", "command", "expected"),
    [
        (["build", "--locale", "de", "-j", "2", "--shard", "1/2"], "build", {"jobs": 2}),
        (["--root", "build", "check"], "check", {}),  # a root folder named like a command
        (["--root=x", "i18n", "stats", "--json"], "i18n", {"json": True, "i18n": "stats"}),
        (["--ro", "/x", "build", "--loc", "zz"], "build", {"locales": ["zz"]}),  # abbreviated
        (["--r", "list", "build", "-j", "3"], "build", {"jobs": 3}),
        (["manifest", "merge", "out"], "manifest", {"manifest": "merge"}),
        (["list"], "list", {}),
        ([], None, {}),
    ],
)
def test_only_the_named_command_declares_its_options_and_each_still_parses(argv, command, expected):
    from handoutgen.cli import _command, _parser

    assert _command(argv) == command
    args = _parser(argv).parse_args(argv)
    assert args.command == command
    for key, value in expected.items():
        assert getattr(args, key) == value
    if command != "build":  # build's options are not the others'
        with pytest.raises(SystemExit):
            _parser([*argv, "--locale", "de"]).parse_args([*argv, "--locale", "de"])


def test_help_lists_every_option_at_the_width_argparse_would_use(monkeypatch, capsys):
    from handoutgen.cli import _parser

    monkeypatch.setenv("COLUMNS", "60")
    with pytest.raises(SystemExit):
        _parser(["build", "--help"]).parse_args(["build", "--help"])
    text = capsys.readouterr().out
    for option in ("--locale", "--brand", "--paper", "--edition", "--out", "--jobs", "--shard"):
        assert option in text
    assert max(len(line) for line in text.splitlines()) <= 58
    monkeypatch.setenv("COLUMNS", "0")  # not usable: the terminal, else 80, as shutil does
    with pytest.raises(SystemExit):
        _parser(["--help"]).parse_args(["--help"])
    assert max(len(line) for line in capsys.readouterr().out.splitlines()) <= 78


def test_check_writes_nothing_into_the_templates(scratch: Project):
    assert main(["--root", str(scratch.root), "check"]) == 0
    assert not list(scratch.templates_dir.rglob(".cache"))
