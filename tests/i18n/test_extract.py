"""Extraction: every string of the handout YAML and the templates reaches the POT through Babel,
with its context, source line and translator comments; broken input fails loudly."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import polib
import pytest

from handoutgen.cli import main
from handoutgen.errors import InputError
from handoutgen.i18n.workflow import build_pot, extract_pot, pot_path
from handoutgen.project import Project
from handoutgen.strings import iter_strings

from ..conftest import ROOT

YAML = "handouts/neuromyotonia.yaml"
PYBABEL = ROOT / ".venv" / "bin" / "pybabel"
WHEN_TO_GET_HELP_NOTE = (
    "The when-to-get-help wording is waiting for clinical sign-off. Keep its meaning exactly. "
    'Do not soften it, and do not add or leave out any symptom. Keep "call now", '
    '"same day" and "within a few days" advice separate.'
)
EMERGENCY_NOTE = (
    "{emergency_number} is the local emergency phone number, e.g. 999 or 112. "
    "Keep {emergency_number} exactly as written."
)
_KEY = re.compile(r"^[A-Za-z_][\w-]*:\s*")


@pytest.fixture(scope="module")
def pot() -> polib.POFile:
    return build_pot(ROOT)


def by_key(pot: polib.POFile) -> dict[tuple[str | None, str], polib.POEntry]:
    return {(e.msgctxt, e.msgid): e for e in pot}


def _value(line: str) -> str:
    """The scalar written on a YAML line: list dashes, a ``key:`` and double quotes removed."""
    s = line.strip()
    while s.startswith("- "):
        s = s[2:].lstrip()
    s = _KEY.sub("", s)
    if len(s) >= 2 and s[0] == s[-1] == '"':
        s = s[1:-1]
    return s


def source_lines(strings: list[tuple[str, str]], text: str) -> list[tuple[int, bool]]:
    """(line where each string starts, whether it is a folded block scalar), found in the file
    text by scanning forward in reading order: a folded ``>-`` string starts on the line after
    its key, every other string on its own line."""
    lines = text.splitlines()
    cursor, out = 0, []
    for context, message in strings:
        for i in range(cursor, len(lines)):
            value = _value(lines[i])
            folded = i > 0 and lines[i - 1].rstrip().endswith((">-", ">"))
            if value == message or (folded and value and message.startswith(value + " ")):
                out.append((i + 1, folded))
                cursor = i + 1
                break
        else:
            raise AssertionError(f"{context}: {message[:40]!r} not found in the YAML text")
    return out


@pytest.fixture(scope="module")
def located(project: Project) -> list[tuple[str, str, int, bool]]:
    strings = list(iter_strings(project.handout("neuromyotonia")))
    text = (ROOT / YAML).read_text(encoding="utf-8")
    return [
        (ctx, str(msg), line, folded)
        for (ctx, msg), (line, folded) in zip(strings, source_lines(strings, text), strict=True)
    ]


def test_every_yaml_string_is_in_the_pot_with_its_context(pot, located):
    entries = by_key(pot)
    assert len(located) > 100
    for context, message, _, _ in located:
        entry = entries.get((context, message))
        assert entry is not None, f"{context}: {message[:40]!r} missing from the POT"
        assert entry.msgctxt == context
        assert entry.msgstr == ""
    # and nothing else from the YAML: each POT entry from it is one of these strings
    from_yaml = {k for k, e in entries.items() if any(f == YAML for f, _ in e.occurrences)}
    assert from_yaml == {(c, m) for c, m, _, _ in located}


def test_single_line_strings_point_at_their_line(pot, located):
    entries = by_key(pot)
    plain = [item for item in located if not item[3]]
    assert len(plain) > 60
    for context, message, line, _ in plain:
        occurrences = entries[(context, message)].occurrences
        assert (YAML, str(line)) in occurrences, (context, message, line, occurrences)
    # spot checks, exact
    assert entries[("neuromyotonia/title", "Neuromyotonia (Isaacs syndrome)")].occurrences == [
        (YAML, "4")
    ]
    assert entries[("neuromyotonia/keywords", "Morvan syndrome")].occurrences == [(YAML, "19")]


def test_folded_strings_point_at_the_line_their_text_starts_on(pot, located):
    entries = by_key(pot)
    folded = [item for item in located if item[3]]
    assert len(folded) > 15
    wrong = [
        (context, line, entries[(context, message)].occurrences)
        for context, message, line, _ in folded
        if (YAML, str(line)) not in entries[(context, message)].occurrences
    ]
    assert wrong == []


def test_summary_starts_on_the_line_after_its_key(located):
    """Guards the test helper itself: the folded summary's text starts on line 6."""
    summary = next(item for item in located if item[0] == "neuromyotonia/summary")
    assert summary[2:] == (6, True)
    lines = (ROOT / YAML).read_text(encoding="utf-8").splitlines()
    assert lines[4] == "summary: >-"
    assert lines[5].strip().startswith("Neuromyotonia is a rare condition")


def test_translator_note_reaches_every_entry_of_its_section(pot):
    in_section = [e for e in pot if (e.msgctxt or "").startswith("neuromyotonia/when-to-get-help/")]
    assert len(in_section) == 27
    for entry in in_section:
        assert entry.comment.split("\n")[0] == WHEN_TO_GET_HELP_NOTE, entry.msgctxt
    others = [e for e in pot if e not in in_section]
    assert all(WHEN_TO_GET_HELP_NOTE not in e.comment for e in others)
    text = str(pot)
    assert (
        f"#. {WHEN_TO_GET_HELP_NOTE}\n#: {YAML}:403\n"
        'msgctxt "neuromyotonia/when-to-get-help/heading"\n'
    ) in text


def test_placeholder_entries_explain_the_placeholder(pot):
    entry = by_key(pot)[
        (
            "neuromyotonia/when-to-get-help/emergency/title",
            "Call {emergency_number} now if you or the person you care for has:",
        )
    ]
    assert entry.comment.split("\n") == [WHEN_TO_GET_HELP_NOTE, EMERGENCY_NOTE]
    assert f"#. {WHEN_TO_GET_HELP_NOTE}\n#. {EMERGENCY_NOTE}\n" in str(pot)
    phone = by_key(pot)[
        (
            "neuromyotonia/when-to-get-help/contact-team/title",
            "Contact your team on {clinic_phone} within a few days if:",
        )
    ]
    assert phone.comment.split("\n")[1:] == [
        "{clinic_phone} is the clinic's phone number. Keep {clinic_phone} exactly as written."
    ]
    # every content entry with a {placeholder} explains each one it uses
    for e in pot:
        for name in set(re.findall(r"\{(\w+)\}", e.msgid)):
            assert f"{{{name}}} is " in e.comment, (e.msgctxt, name)


def test_bold_and_link_entries_carry_the_markup_note(pot):
    note = "Keep **bold** markers and [link text](address) links; translate the link text only."
    intro = next(e for e in pot if e.msgctxt == "neuromyotonia/what-it-is/intro")
    assert intro.comment == note
    links = next(e for e in pot if e.msgctxt == "neuromyotonia/more-information/organisations")
    assert note in links.comment.split("\n")
    title = next(e for e in pot if e.msgctxt == "neuromyotonia/title")
    assert title.comment == ""


def test_template_strings_carry_translators_comments_without_the_tag(pot):
    entries = by_key(pot)
    page = entries[(None, "Page %(page)s of %(pages)s")]
    assert page.comment == "%(page)s is this page's number, %(pages)s the number of pages."
    assert page.occurrences == [("templates/standard/furniture.xml.j2", "7")]
    assert page.flags == ["python-format"]
    assert (
        "#. %(page)s is this page's number, %(pages)s the number of pages.\n"
        "#: templates/standard/furniture.xml.j2:7\n"
        "#, python-format\n"
        'msgid "Page %(page)s of %(pages)s"\n'
    ) in str(pot)
    phone = entries[(None, "Phone: **%(phone)s**")]
    assert phone.comment == "%(phone)s is the clinic's phone number. Keep the ** bold markers."
    draft = entries[(None, "Draft: translation incomplete")]
    assert draft.comment == ("printed on every page of a leaflet whose translation is unfinished.")
    assert not any("Translators:" in e.comment for e in pot)
    # template wording has no context; it is all there
    templates = [e for e in pot if e.msgctxt is None]
    assert len(templates) == 92  # 33 leaflet wordings, 59 of the front-desk page
    assert all(f.startswith("templates/") for e in templates for f, _ in e.occurrences)


def test_committed_pot_matches_a_fresh_extraction(pot):
    assert str(polib.pofile(str(pot_path(ROOT)), wrapwidth=0)) == str(pot)


def _scratch_with_cfg(scratch: Project) -> Path:
    shutil.copy(ROOT / "babel.cfg", scratch.root / "babel.cfg")
    return scratch.root


def test_plain_pybabel_extract_gives_the_same_entries(scratch: Project, pot, tmp_path: Path):
    root = _scratch_with_cfg(scratch)
    out = tmp_path / "out.pot"
    proc = subprocess.run(
        [str(PYBABEL), "extract", "-F", "babel.cfg", "-o", str(out), "."],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    theirs = polib.pofile(str(out), wrapwidth=0)
    assert {(e.msgctxt, e.msgid) for e in theirs} == {(e.msgctxt, e.msgid) for e in pot}
    assert len(theirs) == len(pot)
    title = next(e for e in theirs if e.msgctxt == "neuromyotonia/title")
    assert title.occurrences == [(YAML, "4")]


BROKEN = "<p>{% trans %}Fine so far{% endtrans %}</p>\n{% if %}\n"


def test_a_template_with_a_syntax_error_fails_extraction(scratch: Project, tmp_path: Path):
    root = _scratch_with_cfg(scratch)
    (root / "templates" / "standard" / "broken.xml.j2").write_text(BROKEN, encoding="utf-8")
    before = pot_path(root).read_bytes()
    with pytest.raises(InputError) as info:
        build_pot(root)
    [problem] = info.value.problems
    assert (problem.path, problem.line) == ("templates/standard/broken.xml.j2", 2)
    assert problem.message.startswith("template syntax error")
    # the project command leaves the committed POT alone
    with pytest.raises(InputError):
        extract_pot(root)
    assert pot_path(root).read_bytes() == before
    # and plain pybabel fails too instead of skipping the template
    proc = subprocess.run(
        [str(PYBABEL), "extract", "-F", "babel.cfg", "-o", str(tmp_path / "out.pot"), "."],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode != 0
    assert "TemplateSyntaxError" in proc.stderr


def test_cli_reports_a_broken_template_with_file_and_line(scratch: Project, capsys):
    root = _scratch_with_cfg(scratch)
    (root / "templates" / "standard" / "broken.xml.j2").write_text(BROKEN, encoding="utf-8")
    code = main(["--root", str(root), "i18n", "extract"])
    assert code == 1
    assert "templates/standard/broken.xml.j2:2" in capsys.readouterr().err


def test_a_schema_problem_fails_extraction_naming_file_and_line(scratch: Project):
    root = _scratch_with_cfg(scratch)
    path = root / YAML
    text = path.read_text(encoding="utf-8")
    assert text.count("kind: urgent") == 1
    line = text[: text.index("kind: urgent")].count("\n") + 1
    path.write_text(text.replace("kind: urgent", "kind: loud"), encoding="utf-8")
    with pytest.raises(InputError) as info:
        build_pot(root)
    [problem] = info.value.problems
    assert Path(problem.path).as_posix().endswith(YAML)
    assert problem.line == line
    assert problem.field == "sections[8].blocks[1].kind"
    assert "'loud'" in problem.message
    assert f"{YAML}:{line}: sections[8].blocks[1].kind: unknown value 'loud'" in str(info.value)


def test_a_yaml_syntax_error_fails_extraction_naming_file_and_line(scratch: Project):
    root = _scratch_with_cfg(scratch)
    path = root / YAML
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[19] == 'version: "1.1"\n'
    lines.insert(20, "  - stray list item\n")  # line 21: a list where a key must be
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(InputError) as info:
        build_pot(root)
    [problem] = info.value.problems
    assert Path(problem.path).as_posix().endswith(YAML)
    assert problem.line == 21
    assert problem.message.startswith("YAML syntax error")
