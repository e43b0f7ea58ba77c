"""The safety gate: a translation that changes or hides what its source says is refused by the
build itself (named by locale, file:line of its msgstr and msgctxt; exit 1), with
``--allow-incomplete`` too, and by ``i18n check``: one set of rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from handoutgen.build import Job, build_one
from handoutgen.cli import main
from handoutgen.i18n.checks import check_catalogs
from handoutgen.project import Project
from tests.i18n.test_workflow import checked_copy

ZWSP, ZWNJ, ZWJ, SHY, WJ, BOM, RLO, PDF_ = (
    "\u200b",
    "\u200c",
    "\u200d",
    "\u00ad",
    "\u2060",
    "\ufeff",
    "\u202e",
    "\u202c",
)


def _po(project: Project, locale: str) -> Path:
    return project.root / "locales" / locale / "LC_MESSAGES" / "handouts.po"


def _edit(project: Project, locale: str, old: str, new: str) -> int:
    """Replace ``old`` (a whole msgstr line) by ``new``; the line number of the msgstr."""
    path = _po(project, locale)
    lines = path.read_text(encoding="utf-8").split("\n")
    number = lines.index(old) + 1
    lines[number - 1] = new
    path.write_text("\n".join(lines), encoding="utf-8")
    return number


WHO = "si usted o la persona a la que cuida tiene:"
ES_CALL = f'msgstr "Llame ahora al {{emergency_number}} {WHO}"'
ES_PHONE = 'msgstr "Teléfono: **%(phone)s**"'
ES_THYMOMA_START = 'msgstr "En cerca de 1 de cada 5 personas'


def _thymoma(project: Project) -> str:
    text = _po(project, "es").read_text(encoding="utf-8")
    return next(line for line in text.split("\n") if line.startswith(ES_THYMOMA_START))


CASES = {
    "placeholder dropped": (
        ES_CALL,
        f'msgstr "Llame ahora {WHO}"',
        "placeholders differ",
    ),
    "hard-coded number": (
        ES_CALL,
        f'msgstr "Llame ahora al 112 {WHO}"',
        "placeholders",
    ),
    "zero width space": (
        ES_CALL,
        f'msgstr "Llame ahora al {ZWSP}{{emergency_number}} {WHO}"',
        "U+200B",
    ),
    "word joiner": (
        ES_CALL,
        f'msgstr "Llame ahora al {WJ}{{emergency_number}} {WHO}"',
        "U+2060",
    ),
    "byte order mark": (
        ES_CALL,
        f'msgstr "Llame ahora al {BOM}{{emergency_number}} {WHO}"',
        "U+FEFF",
    ),
    "joiner beside a placeholder": (
        ES_CALL,
        f'msgstr "Llame ahora al {ZWNJ}{{emergency_number}} {WHO}"',
        "U+200C",
    ),
    "soft hyphen beside a placeholder": (
        ES_CALL,
        f'msgstr "Llame ahora al {{emergency_number}}{SHY} {WHO}"',
        "U+00AD",
    ),
    "override": (
        ES_CALL,
        f'msgstr "Llame ahora al {RLO}{{emergency_number}}{PDF_} {WHO}"',
        "U+202E",
    ),
    "format width": (
        ES_PHONE,
        'msgstr "Teléfono: **%(phone)999999999s**"',
        "named variables differ",
    ),
    "format type": (ES_PHONE, 'msgstr "Teléfono: **%(phone)d**"', "format:"),
    "literal percent": (ES_PHONE, 'msgstr "Teléfono (100% gratis): **%(phone)s**"', "%%"),
    "variable dropped": (ES_PHONE, 'msgstr "Teléfono: **555**"', "named variables differ"),
    "a space": ('msgstr "Dificultad para respirar."', 'msgstr " "', "prints nothing"),
    "bold of nothing": ('msgstr "Dificultad para respirar."', 'msgstr "****"', "prints nothing"),
    "only invisible": ('msgstr "Dificultad para respirar."', f'msgstr "{ZWSP}"', "U+200B"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_build_refuses_a_translation_that_changes_or_hides_what_it_says(
    scratch: Project, case: str
):
    old, new, expected = CASES[case]
    line = _edit(scratch, "es", old, new)
    job = Job("neuromyotonia", "es", "default", "standard", "a4")
    for allow_incomplete in (False, True):  # a draft never prints a wrong number
        rendered, outcome = build_one(Project(scratch.root), job, allow_incomplete=allow_incomplete)
        assert rendered is None and outcome.status == "failed", case
        named = "msgid 'Phone: " if old == ES_PHONE else "msgctxt 'neuromyotonia/"
        assert f"locales/es/LC_MESSAGES/handouts.po:{line} {named}" in outcome.reason
        assert expected in outcome.reason and outcome.reason.startswith("es: unsafe translation")
    root = checked_copy(Project(scratch.root))
    assert any(expected in p.message for p in check_catalogs(root)), case


def _thymoma_case(scratch: Project, new_numbers: str) -> str:
    old = _thymoma(scratch)
    new = old.replace("1 de cada 5", new_numbers)
    _edit(scratch, "es", old, new)
    rendered, outcome = build_one(
        Project(scratch.root), Job("neuromyotonia", "es", "default", "standard", "a4")
    )
    assert rendered is None
    return outcome.reason


@pytest.mark.parametrize(
    ("numbers", "expected"),
    [
        ("1 de cada 50", "numbers differ"),
        ("5 de cada 1", "numbers in another order"),
        ("1 de cada 5O", "reads as a digit"),  # a Latin O beside a digit
        ("1 de cada \u2075", "not decimal digits"),  # a superscript five
        ("1 de cada 4\u0660", "mixes digits of two scripts"),  # ASCII 4, Arabic-Indic zero
    ],
)
def test_numbers_are_compared_in_order_and_digit_by_digit(scratch, numbers, expected):
    assert expected in _thymoma_case(scratch, numbers)


def test_the_same_numbers_in_other_digits_or_reordered_with_the_flag_are_accepted(
    scratch: Project,
):
    old = _thymoma(scratch)
    _edit(scratch, "es", old, old.replace("1 de cada 5", "\u0661 de cada \u0665"))
    root = checked_copy(Project(scratch.root))
    path = _po(Project(root), "es")
    problems = [p for p in check_catalogs(root) if "in no font" not in p.message]
    assert problems == []
    text = path.read_text(encoding="utf-8")
    reordered = old.replace("1 de cada 5", "5 personas, 1")
    text = text.replace(
        "\u0661 de cada \u0665", "5 personas, 1"
    ).replace(  # and flag it, as a Turkish translator does for "5 kişiden 1'i"
        'msgctxt "neuromyotonia/causes/thymoma"',
        '#, numbers-reordered\nmsgctxt "neuromyotonia/causes/thymoma"',
    )
    path.write_text(text, encoding="utf-8")
    assert reordered.split('"')[1][:20] in text
    assert [p for p in check_catalogs(root) if "thymoma" in p.field] == []


def test_a_link_address_and_bold_cannot_change(scratch: Project):
    text = _po(scratch, "es").read_text(encoding="utf-8")
    line = next(x for x in text.split("\n") if x.startswith("msgstr") and "](https://" in x)
    start = line.index("](https://") + 2
    changed = line[:start] + "https://evil.example/" + line[line.index(")", start) :]
    _edit(scratch, "es", line, changed)
    bold = _thymoma(scratch)
    _edit(scratch, "es", bold, bold.replace("**timoma**", "timoma"))
    rendered, outcome = build_one(
        Project(scratch.root), Job("neuromyotonia", "es", "default", "standard", "a4")
    )
    assert rendered is None
    assert "link targets differ" in outcome.reason and "bold runs differ" in outcome.reason


def test_an_entry_given_twice_or_a_string_left_open_refuses_the_catalog(scratch: Project, capsys):
    path = _po(scratch, "es")
    text = path.read_text(encoding="utf-8")
    duplicate = (
        '\nmsgctxt "neuromyotonia/when-to-get-help/emergency/emergency-signs"\n'
        'msgid "Trouble breathing."\nmsgstr "Dolor de cabeza leve."\n'
    )
    text = text + duplicate
    text = text.replace('msgstr "Contacto"', 'msgstr "Contacto')
    path.write_text(text, encoding="utf-8")
    rendered, outcome = build_one(
        Project(scratch.root), Job("neuromyotonia", "es", "default", "standard", "a4")
    )
    assert rendered is None
    assert "is given twice (first at line" in outcome.reason
    assert "a string is not closed on its line" in outcome.reason
    # and through the command line: exit 1, even for a draft
    code = main(
        [
            "--root",
            str(scratch.root),
            "build",
            "neuromyotonia",
            "--locale",
            "es",
            "--allow-incomplete",
            "--out",
            str(scratch.root / "out"),
        ]
    )
    assert code == 1
    captured = capsys.readouterr()
    assert "is given twice" in captured.err + captured.out
