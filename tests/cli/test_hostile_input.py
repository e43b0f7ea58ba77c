"""Hostile input through the command line: every refusal named at its place, with no
traceback, in ``build``, ``check``, ``list`` and ``i18n``."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from handoutgen.cli import main
from handoutgen.project import Project

from ..conftest import ROOT
from ..test_load import _bomb
from .test_cli import run_cli


def _fails_cleanly(capsys, argv: list[str]) -> tuple[int, str]:
    code = main(argv)
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


def test_an_alias_bomb_in_a_topic_is_refused_by_check_build_and_extract(
    scratch: Project, tmp_path: Path, capsys
):
    (scratch.handouts_dir / "bomb.yaml").write_text(_bomb(9), encoding="utf-8")
    shutil.copy(ROOT / "babel.cfg", scratch.root)
    root = ["--root", str(scratch.root)]
    place = "handouts/bomb.yaml:5: a4[7]: more than 100000 values once its aliases are expanded"
    code, err = _fails_cleanly(capsys, [*root, "check"])
    assert code == 1 and place in err
    code, _ = _fails_cleanly(capsys, [*root, "build", "bomb", "--out", str(tmp_path / "out")])
    assert code == 1
    code, err = _fails_cleanly(capsys, [*root, "i18n", "extract"])
    assert code == 1 and "bomb.yaml:5: a4[7]: more than 100000 values" in err


def test_ten_thousand_levels_in_a_brand_are_refused_by_list_and_check(scratch: Project, capsys):
    brand = scratch.brands_dir / "example-clinic" / "brand.yaml"
    with brand.open("a", encoding="utf-8") as fh:
        fh.write("extra: " + "[" * 10_000 + "]" * 10_000 + "\n")
    assert main(["--root", str(scratch.root), "list"]) == 0
    assert "example-clinic [invalid: see 'generate.py check']" in capsys.readouterr().out
    code, err = _fails_cleanly(capsys, ["--root", str(scratch.root), "check"])
    assert code == 1
    assert "templates/brands/example-clinic/brand.yaml:" in err
    assert "nested more than 32 levels deep" in err


def test_an_isolate_in_a_brands_template_is_refused_at_its_line(
    scratch: Project, tmp_path: Path, capsys
):
    # it reached python-bidi as "internal error: AssertionError: LRI not allowed here"
    folder = scratch.brands_dir / "example-clinic" / "standard"
    folder.mkdir()
    (folder / "disclaimer.xml.j2").write_text(
        '<p class="small">Ask us.</p>\n<p class="small">Call \u2066us now\u2069.</p>\n',
        encoding="utf-8",
    )
    place = (
        "templates/brands/example-clinic/standard/disclaimer.xml.j2:2: template text (brand "
        "example-clinic): U+2066 LEFT-TO-RIGHT ISOLATE"
    )
    root = ["--root", str(scratch.root)]
    code, err = _fails_cleanly(capsys, [*root, "check"])
    assert code == 1 and place in err
    out = tmp_path / "out"
    argv = [*root, "build", "neuromyotonia", "--locale", "ar", "--brand", "example-clinic"]
    argv += ["--out", str(out)]
    assert main(argv) == 1
    [entry] = json.loads((out / "manifest.json").read_text())["leaflets"]
    assert entry["status"] == "failed" and entry["reason"].startswith(place)


@pytest.mark.parametrize(
    "argv",
    [
        ["build", "--locale", ""],
        ["build", "--brand", ""],
        ["build", "--paper", ""],
        ["build", "--edition", ""],
        ["build", ""],  # a topic
        ["build", "--locale", " "],
        ["build", "--locale", "es,"],
        ["i18n", "init", ""],
        ["i18n", "review", "", "--by", "Dr A"],
    ],
)
def test_an_empty_selection_is_a_usage_error_not_everything(argv, tmp_path: Path, capsys):
    # an unset CI variable ("--locale $LOCALE") expands to '': it must not widen to every
    # locale, brand, paper or edition
    with pytest.raises(SystemExit) as exited:
        main([*argv, "--out", str(tmp_path)] if argv[0] == "build" else argv)
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: generate.py ") and "empty" in err
    assert not (tmp_path / "manifest.json").exists()


@pytest.mark.parametrize(
    ("tag", "why"),
    [
        ("a" * 300, "not a language tag"),
        ("-".join(["ab"] * 100), "299 characters, more than a language tag's 35"),
        ("es/../../etc", "not a language tag"),
    ],
)
def test_a_locale_that_cannot_be_a_tag_is_refused_before_any_file(
    tag: str, why: str, tmp_path: Path, capsys
):
    # 300 characters raised OSError "File name too long" looking for its catalog
    assert main(["build", "--locale", tag, "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --locale ") and why in err and "Traceback" not in err


def _hostile_brands(scratch: Project) -> None:
    """Brand folders named with a terminal escape and with bytes that are not UTF-8, and a
    brand whose name holds an escape sequence."""
    clinic = scratch.brands_dir / "example-clinic"
    shutil.copytree(clinic, scratch.brands_dir / "red\x1b[31mX")
    shutil.copytree(clinic, os.fsdecode(bytes(scratch.brands_dir) + b"/bad\xff"))
    brand = clinic / "brand.yaml"
    text = brand.read_text(encoding="utf-8")
    hostile = 'name: "\\e]0;pwned\\a\\e[2J Riverside"\n'
    brand.write_text(text.replace("name: Riverside Neurology Clinic\n", hostile, 1))


def test_list_and_check_print_no_terminal_escape_and_no_lone_surrogate(scratch: Project):
    _hostile_brands(scratch)
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}  # strict: a lone surrogate crashed
    for command, code in (("list", 0), ("check", 1)):
        result = subprocess.run(
            [sys.executable, str(ROOT / "generate.py"), "--root", str(scratch.root), command],
            capture_output=True,
            env=env,
            timeout=120,
        )
        assert result.returncode == code, result.stderr.decode()
        printed = result.stdout + result.stderr
        assert b"Traceback" not in printed
        assert not any(b < 0x20 and b not in b"\t\n" for b in printed), printed
        assert b"\x9b" not in printed and b"\xff" not in printed
        if command == "list":
            assert b"red\\x1b[31mX" in printed and b"bad\\udcff" in printed
    checked = result.stderr.decode()
    assert "brand folder's name 'red\\x1b[31mX' holds U+001B" in checked
    assert "brand folder's name 'bad\\udcff' holds U+DCFF" in checked
    assert "example-clinic/brand.yaml:2: name: U+001B" in checked


def test_progress_lines_show_a_reason_with_an_escape_escaped(scratch: Project, tmp_path: Path):
    _hostile_brands(scratch)
    out = tmp_path / "out"
    result = run_cli("--root", str(scratch.root), "build", "--brand", "*", "--out", str(out))
    assert result.returncode == 1
    assert "\x1b" not in result.stdout + result.stderr
    assert "FAILED     neuromyotonia [en, red\\x1b[31mX, standard, letter]" in result.stdout


def test_a_terminal_that_is_not_utf8_gets_escapes_not_an_error():
    import io

    from handoutgen.cli.report import SafeText

    latin = io.TextIOWrapper(io.BytesIO(), encoding="latin-1")
    SafeText(latin).write("Ärzte: שלום \x1b[0m\n")
    latin.flush()
    assert latin.buffer.getvalue() == b"\xc4rzte: \\u05e9\\u05dc\\u05d5\\u05dd \\x1b[0m\n"
