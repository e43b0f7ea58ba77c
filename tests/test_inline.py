"""Inline syntax: **bold**, [text](https://...), {placeholder} and backslash escapes -> spans."""

from __future__ import annotations

import pytest

from handoutgen.inline import InlineError, parse_inline, placeholders, plain_text
from handoutgen.model import Span

VALUES = {"clinic_name": "Northbridge", "emergency_number": "999"}


def test_plain_text_is_one_span():
    assert parse_inline("Just words.") == (Span("Just words."),)


def test_empty_text_has_no_spans():
    assert parse_inline("") == ()
    assert parse_inline("****") == ()  # empty bold run: no empty spans


def test_bold_spans():
    assert parse_inline("Take **two** tablets") == (
        Span("Take "),
        Span("two", bold=True),
        Span(" tablets"),
    )


def test_bold_can_open_and_close_several_times():
    assert parse_inline("**a**b**c**") == (
        Span("a", bold=True),
        Span("b"),
        Span("c", bold=True),
    )


def test_single_asterisk_is_literal():
    assert parse_inline("2 * 3 = 6") == (Span("2 * 3 = 6"),)


def test_link_span():
    assert parse_inline("See [the NORD page](https://rarediseases.org/x) now.") == (
        Span("See "),
        Span("the NORD page", href="https://rarediseases.org/x"),
        Span(" now."),
    )


def test_link_inside_bold_is_bold():
    assert parse_inline("**Call [us](tel:0100) today**") == (
        Span("Call ", bold=True),
        Span("us", bold=True, href="tel:0100"),
        Span(" today", bold=True),
    )


@pytest.mark.parametrize(
    "url", ["https://example.org", "http://example.org", "mailto:a@example.org", "tel:+441234"]
)
def test_allowed_link_schemes(url):
    assert parse_inline(f"[x]({url})") == (Span("x", href=url),)


def test_placeholders_are_filled_from_the_mapping():
    assert parse_inline("Call {emergency_number} or ask {clinic_name}.", VALUES) == (
        Span("Call 999 or ask Northbridge."),
    )


def test_placeholder_inside_bold_is_filled_and_bold():
    assert parse_inline("**Call {emergency_number}**", VALUES) == (Span("Call 999", bold=True),)


def test_placeholders_are_kept_without_a_mapping():
    assert parse_inline("Call {emergency_number} now") == (Span("Call {emergency_number} now"),)


def test_placeholder_values_are_literal_text():
    # A value is not parsed again: markup in a clinic name stays literal.
    spans = parse_inline("Welcome to {clinic_name}", {"clinic_name": "**A & B** [x]"})
    assert spans == (Span("Welcome to **A & B** [x]"),)


def test_placeholders_lists_names_in_order():
    assert placeholders("{clinic_name}, {emergency_number} and {clinic_name}") == [
        "clinic_name",
        "emergency_number",
        "clinic_name",
    ]
    assert placeholders(r"no \{placeholders\} here") == []


def test_escapes_give_literal_characters():
    text = r"\*\*not bold\*\* \[not a link\] \{not_a_placeholder\} back\\slash"
    assert parse_inline(text, VALUES) == (
        Span(r"**not bold** [not a link] {not_a_placeholder} back\slash"),
    )


def test_html_and_ampersands_stay_literal_text_in_one_span():
    text = 'AT&T <img src="x"> & <b>bold?</b>'
    assert parse_inline(text) == (Span(text),)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Take **two tablets", "'**' opens bold text that is never closed"),
        ("**a** and **b", "never closed"),
        ("[click](javascript:alert)", "link target 'javascript:alert' must start with one of"),
        ("[files](ftp://example.org)", "link target 'ftp://example.org'"),
        ("[relative](/path/page)", "link target '/path/page'"),
        ("a { b", "unexpected '{' at character 3"),
        ("a } b", "unexpected '}' at character 3"),
        ("see [1] above", "unexpected '['"),
        ("a ] b", "unexpected ']' at character 3"),
        ("{Upper_case}", "unexpected '{' at character 1"),
        ("[text](javascript:alert(1))", "unexpected '['"),
    ],
)
def test_inline_errors(text, words):
    with pytest.raises(InlineError) as exc:
        parse_inline(text)
    assert words in str(exc.value)


def test_unknown_placeholder_is_an_error_when_filling():
    with pytest.raises(InlineError) as exc:
        parse_inline("Fax {clinic_fax}", VALUES)
    assert str(exc.value) == (
        "unknown placeholder {clinic_fax} (expected one of clinic_name, emergency_number)"
    )


def test_stray_bracket_error_explains_the_escape():
    with pytest.raises(InlineError) as exc:
        parse_inline("range [1-3")
    assert "write \\[ for a literal one" in str(exc.value)


def test_plain_text():
    spans = parse_inline("**Call** [us](tel:0100) on {emergency_number}.", VALUES)
    assert plain_text(spans) == "Call us on 999."
    assert plain_text(()) == ""
