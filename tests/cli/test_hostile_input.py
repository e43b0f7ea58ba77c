"""Hostile input through the command line: every refusal named at its place, with no
traceback, in ``build``, ``check``, ``list`` and ``i18n``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from handoutgen.cli import main
from handoutgen.project import Project

from ..conftest import ROOT
from ..test_load import _bomb


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
    argv = [*root, "build", "--locale", "ar", "--brand", "example-clinic", "--out", str(out)]
    assert main(argv) == 1
    [entry] = json.loads((out / "manifest.json").read_text())["leaflets"]
    assert entry["status"] == "failed" and entry["reason"].startswith(place)
