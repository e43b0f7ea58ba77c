"""textrules: hidden characters, digits that are not what they look like, text that prints
nothing; and the same rules for topic content and brand files, named at file:line."""

from __future__ import annotations

import pytest

from handoutgen.project import Project
from handoutgen.textrules import digit_problems, hidden_characters, numbers, prints_nothing


@pytest.mark.parametrize(
    "text",
    ["call \u200b999", "\u202e999\u202c", "a\u2067b\u2069", "9\u00ad11", "9\u200d11", "x\u2061y"],
)
def test_hidden_characters_are_found(text):
    assert hidden_characters(text)


@pytest.mark.parametrize(
    "text",
    [
        "\u0645\u064a\u200c\u062e\u0648\u0627\u0647\u0645",  # Persian: ZWNJ inside a word
        "Ab\u00adteilung",  # a soft hyphen inside a word
        "\u200f(555) 010-0144",  # RLM where right-to-left text needs it
    ],
)
def test_marks_a_script_needs_are_allowed(text):
    assert hidden_characters(text) == []


def test_numbers_read_every_scripts_digits_in_order():
    assert numbers("1 de cada 5") == ["1", "5"]
    assert numbers("\u0661 \u0645\u0646 \u0665") == ["1", "5"]
    assert numbers("\u06f4\u06f0") == ["40"]
    assert numbers("call %(number)s or {emergency_number}") == []
    assert digit_problems("4\u0660") and digit_problems("\u00b2") and not digit_problems("40")


@pytest.mark.parametrize("text", [" ", "****", "\u200b", "  **  **"])
def test_text_that_prints_nothing(text):
    assert prints_nothing(text)
    assert not prints_nothing("{emergency_number}") and not prints_nothing("**x**")


def test_topic_content_with_a_hidden_character_or_empty_text_is_refused(scratch: Project):
    path = scratch.handouts_dir / "neuromyotonia.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("Trouble breathing.", "Trouble\u200b breathing.", 1)
    path.write_text(text, encoding="utf-8")
    from handoutgen.errors import InputError

    with pytest.raises(InputError) as info:
        Project(scratch.root).handout("neuromyotonia")
    message = str(info.value)
    assert "U+200B ZERO WIDTH SPACE" in message and "neuromyotonia.yaml:" in message


def test_a_brand_phone_with_a_soft_hyphen_is_refused(scratch: Project):
    import shutil

    from handoutgen.errors import InputError

    brand = scratch.root / "templates" / "brands" / "default" / "brand.yaml"
    if not brand.exists():
        shutil.copytree(Project(scratch.root).root.parent / "templates", scratch.root / "templates")
    text = brand.read_text(encoding="utf-8")
    start = text.index("phone:")
    end = text.index("\n", start)
    line = text[start:end]
    digits = [i for i, ch in enumerate(line) if ch.isdigit()]
    cut = digits[2]
    text = text[:start] + line[:cut] + "\u00ad" + line[cut:] + text[end:]
    brand.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        Project(scratch.root).brand("default")
    assert "U+00AD SOFT HYPHEN" in str(info.value) and "brand.yaml:" in str(info.value)
