"""A catalog a build cannot read is named at its file and line, never a traceback or "internal
error": a syntax error, a file that is not UTF-8, a header naming another charset, a Plural-Forms
rule that does not parse or picks no form. It fails its own locale's leaflets; the batch goes
on, also with several worker processes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from handoutgen.errors import InputError
from handoutgen.i18n import catalog as catalogs
from handoutgen.i18n.catalog import load_catalog
from handoutgen.project import Project

from ..conftest import ROOT

ES = "locales/es/LC_MESSAGES/handouts.po"
DE = "locales/de/LC_MESSAGES/handouts.po"
SPANISH = 'msgstr "Dificultad para respirar."'
PLURAL = '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"'


def _line(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def _problems(project: Project, tag: str = "es") -> list[tuple[str, int | None, str]]:
    catalogs._compiled_catalogs.clear()  # another process, in effect
    with pytest.raises(InputError) as caught:
        load_catalog(project.locales_dir, tag)
    return [(p.path, p.line, p.message) for p in caught.value.problems]


def _edit(project: Project, old: str, new: str, path: str = ES) -> str:
    file = project.root / path
    text = file.read_text(encoding="utf-8")
    assert old in text
    text = text.replace(old, new, 1)
    file.write_text(text, encoding="utf-8")
    return text


def test_a_syntax_error_is_named_at_its_line(scratch: Project):
    text = _edit(scratch, SPANISH, f"{SPANISH}\nthis is not a PO line")
    [(path, at, message)] = _problems(scratch)
    assert (path, at, message) == (ES, _line(text, "this is not"), "syntax error: not a PO entry")
    _edit(scratch, f"{SPANISH}\nthis is not a PO line", 'msgstr "Dificultad "para" respirar."')
    [(path, at, message)] = _problems(scratch)
    assert (path, at, message) == (
        ES,
        _line(text, SPANISH),
        "syntax error: unescaped double quote found",
    )


def test_a_catalog_that_is_not_utf8_is_named_at_its_first_foreign_byte(scratch: Project):
    file = scratch.root / ES
    text = file.read_text(encoding="utf-8")
    file.write_bytes(text.encode("latin-1", errors="replace"))
    first = min(i for i, c in enumerate(text) if ord(c) > 127)
    [(path, at, message)] = _problems(scratch)
    assert (path, at) == (ES, text[:first].count("\n") + 1)
    assert message.startswith("not UTF-8 (bytes ") and "save the catalog as UTF-8" in message


def test_a_header_naming_another_charset_is_named_at_its_line(scratch: Project):
    text = _edit(scratch, "charset=UTF-8", "charset=ISO-8859-1")
    [(path, at, message)] = _problems(scratch)
    assert (path, at) == (ES, _line(text, '"Content-Type:'))
    assert "charset=ISO-8859-1" in message and "say charset=UTF-8" in message


@pytest.mark.parametrize(
    ("forms", "why"),
    [
        ("nplurals=2; plural=(n !=;", "does not parse"),
        ("nplurals=2; plural=__import__('os');", "does not parse"),
        ("nplurals=2; plural=(n > 5) / (n - 3);", "fails for n=3"),
        ("nplurals=2; plural=n;", "gives form 2 for n=2, of nplurals=2"),
        ("nplurals=x; plural=0;", "nplurals must be a whole number"),
        ("nplurals=1;", "no plural= rule"),
    ],
)
def test_plural_forms_that_cannot_be_used_are_named_at_their_line(scratch: Project, forms, why):
    text = _edit(scratch, PLURAL, f'"Plural-Forms: {forms}\\n"')
    [(path, at, message)] = _problems(scratch)
    assert (path, at) == (ES, _line(text, '"Plural-Forms:'))
    assert message.startswith(f"Plural-Forms {forms!r}: {why}")


def test_every_header_problem_is_named_at_once(scratch: Project):
    _edit(scratch, "charset=UTF-8", "charset=ISO-8859-1")
    _edit(scratch, PLURAL, '"Plural-Forms: nplurals=2; plural=(n !=;\\n"')
    assert [m.split(" ")[0] for *_, m in _problems(scratch)] == ["the", "Plural-Forms"]


def test_a_broken_catalog_is_read_once_a_process(scratch: Project, monkeypatch):
    _edit(scratch, SPANISH, f"{SPANISH}\nthis is not a PO line")
    _problems(scratch)
    from handoutgen.i18n import catalog

    def again(*args: object) -> None:
        raise AssertionError("read again")

    monkeypatch.setattr(catalog, "read_po", again)
    for _ in range(2):  # the same problem, not read again
        with pytest.raises(InputError, match="syntax error"):
            load_catalog(scratch.locales_dir, "es")


def test_broken_catalogs_fail_their_own_leaflets_and_the_batch_goes_on(
    scratch: Project, tmp_path: Path
):
    """es has a syntax error, de is Latin-1: both fail, named at file and line, with two
    worker processes; tr builds."""
    _edit(scratch, SPANISH, f"{SPANISH}\nthis is not a PO line")
    de = scratch.root / DE
    de.write_bytes(de.read_text(encoding="utf-8").encode("latin-1", errors="replace"))
    out = tmp_path / "out"
    args = ["--root", str(scratch.root), "build", "neuromyotonia", "--locale", "es,de,tr"]
    result = subprocess.run(
        [sys.executable, str(ROOT / "generate.py"), *args, "--out", str(out), "--jobs", "2"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output and "internal error" not in output
    leaflets = json.loads((out / "manifest.json").read_text())["leaflets"]
    status = {e["locale"]: (e["status"], e.get("reason", "")) for e in leaflets}
    assert status["tr"][0] == "built"
    assert status["es"][0] == "failed" and status["es"][1].startswith(f"{ES}:")
    assert "syntax error" in status["es"][1]
    assert status["de"][0] == "failed" and status["de"][1].startswith(f"{DE}:")
    assert "not UTF-8" in status["de"][1]
    assert f"{ES}:" in output and f"{DE}:" in output
