"""Validate stage: handout and brand files -> typed data, or InputError listing every problem.

Each problem prints as ``path:line: field: message``; the tests compute the expected line from
the document text so that they say *which* line, not just *a* line.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from handoutgen.blocks.callout import Callout
from handoutgen.blocks.definitions import Definitions
from handoutgen.blocks.lists import ItemList
from handoutgen.blocks.paragraph import Paragraph
from handoutgen.blocks.table import Table
from handoutgen.brands import validate_brand
from handoutgen.errors import InputError, Problem
from handoutgen.load import load_yaml
from handoutgen.model import Handout
from handoutgen.project import Project
from handoutgen.strings import iter_strings
from handoutgen.validate import validate_handout

REPO = Path(__file__).resolve().parents[1]
PROJECT = Project(REPO)
BLOCK_TYPES = "paragraph, bullets, steps, definitions, callout, checklist, table, figure"

# A minimal valid handout. Tests mutate it with `mutate()` and write it as tmp_path/"topic.yaml".
HANDOUT = """\
id: topic
code: TOP-001
title: A topic
summary: A short summary.
version: "1.0"
published: 2026-01-10
last_reviewed: 2026-01-10
next_review: 2027-01-10
review_status: not-clinically-reviewed
authors:
  - name: Ann Writer
    role: Patient information writer
reviewers: []
sources:
  - title: A source
    publisher: A publisher
    year: 2024
sections:
  - id: first
    heading: First section
    blocks:
      - type: paragraph
        id: intro
        text: Some text.
      - type: bullets
        id: list
        items:
          - Item one.
          - Item two.
"""

TABLE_SECTION = """\
  - id: second
    heading: Second section
    blocks:
      - type: table
        id: grid
        header: [Name, Value]
        widths: [1, 2]
        rows:
          - [a, b]
          - [c, d]
"""


# --- helpers -------------------------------------------------------------------------------------


def mutate(text: str, old: str, new: str) -> str:
    """Replace the one occurrence of ``old`` (failing loudly if the base document changed)."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based number of the ``occurrence``-th line containing ``needle``."""
    hits = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert len(hits) >= occurrence, f"{needle!r} not found {occurrence} time(s)"
    return hits[occurrence - 1]


def validate_text(tmp_path: Path, text: str, name: str = "topic") -> Handout:
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return validate_handout(load_yaml(path, root=tmp_path), PROJECT.handout_schema)


def problems_of(tmp_path: Path, text: str, name: str = "topic") -> list[Problem]:
    with pytest.raises(InputError) as exc:
        validate_text(tmp_path, text, name)
    return exc.value.problems


def only_problem(tmp_path: Path, text: str, name: str = "topic") -> Problem:
    problems = problems_of(tmp_path, text, name)
    assert len(problems) == 1, "\n".join(str(p) for p in problems)
    return problems[0]


# --- handouts: the base document and the shipped topic -------------------------------------------


def test_minimal_handout_is_valid(tmp_path):
    handout = validate_text(tmp_path, HANDOUT)
    assert handout.id == "topic"
    assert [s.id for s in handout.sections] == ["first"]
    assert handout.sections[0].blocks == (
        Paragraph("intro", "Some text."),
        ItemList("list", "bullets", ("Item one.", "Item two.")),
    )
    assert str(handout.published) == "2026-01-10"


def test_table_section_is_valid(tmp_path):
    handout = validate_text(tmp_path, HANDOUT + TABLE_SECTION)
    table = handout.sections[1].blocks[0]
    assert table == Table("grid", ("Name", "Value"), (("a", "b"), ("c", "d")), (1.0, 2.0))


def test_same_block_id_in_different_sections_is_allowed(tmp_path):
    text = HANDOUT + "  - id: second\n    heading: B\n    blocks:\n"
    text += "      - type: paragraph\n        id: intro\n        text: Again.\n"
    assert len(validate_text(tmp_path, text).sections) == 2


# --- handouts: one test per kind of problem -------------------------------------------------------


def test_unknown_block_type(tmp_path):
    text = mutate(HANDOUT, "type: bullets", "type: bulets")
    problem = only_problem(tmp_path, text)
    assert str(problem) == (
        f"topic.yaml:{line_of(text, 'type: bulets')}: sections[0].blocks[1].type: "
        f"unknown block type 'bulets' (expected one of {BLOCK_TYPES})"
    )


def test_unknown_block_type_inside_a_callout(tmp_path):
    callout = (
        "      - type: callout\n        id: box\n        kind: tip\n        title: A tip\n"
        "        blocks:\n          - type: table\n            id: inner\n"
        "            header: [A]\n            rows: [[a]]\n"
    )
    text = HANDOUT + callout
    problem = only_problem(tmp_path, text)
    assert str(problem) == (
        f"topic.yaml:{line_of(text, '- type: table')}: sections[0].blocks[2].blocks[0].type: "
        "unknown block type 'table' (expected one of paragraph, bullets, steps, checklist)"
    )


def test_unknown_key_is_an_error_not_ignored(tmp_path):
    # The typo is the section's first key, so the mapping's line is also the key's line.
    text = mutate(
        HANDOUT,
        "  - id: first\n    heading: First section\n",
        "  - heding: First section\n    id: first\n",
    )
    problems = problems_of(tmp_path, text)
    line = line_of(text, "heding:")
    assert sorted(str(p) for p in problems) == [
        f"topic.yaml:{line}: sections[0].heding: unknown key 'heding' "
        "(expected one of blocks, heading, id, translator_note)",
        f"topic.yaml:{line}: sections[0]: missing required key 'heading'",
    ]


def test_unknown_top_level_key(tmp_path):
    text = "colour: blue\n" + HANDOUT
    problem = only_problem(tmp_path, text)
    assert str(problem).startswith("topic.yaml:1: colour: unknown key 'colour' (expected one of ")


def test_unknown_key_is_reported_at_its_own_line(tmp_path):
    text = mutate(HANDOUT, "    heading: First section\n", "    heding: First section\n")
    problems = problems_of(tmp_path, text)
    unknown = [p for p in problems if "unknown key 'heding'" in p.message]
    assert len(unknown) == 1
    assert unknown[0].line == line_of(text, "heding:")


@pytest.mark.parametrize(
    ("old", "new", "field", "key", "anchor"),
    [
        ("code: TOP-001\n", "", "", "code", "id: topic"),
        ("        text: Some text.\n", "", "sections[0].blocks[0]", "text", "type: paragraph"),
        ("        items:\n          - Item one.\n          - Item two.\n", "",
         "sections[0].blocks[1]", "items", "type: bullets"),
    ],
)  # fmt: skip
def test_missing_required_key(tmp_path, old, new, field, key, anchor):
    text = mutate(HANDOUT, old, new)
    problem = only_problem(tmp_path, text)
    where = f"topic.yaml:{line_of(text, anchor)}"
    expected = f"{where}: {field}: " if field else f"{where}: "
    assert str(problem) == f"{expected}missing required key '{key}'"


@pytest.mark.parametrize(
    ("old", "new", "anchor", "field", "message"),
    [
        ('version: "1.0"', "version: 1.0", "version:", "version",
         "must be of type string, not float"),
        ("year: 2024", 'year: "2024"', "year:", "sources[0].year",
         "must be of type integer, not str"),
        ("reviewers: []", "reviewers: none", "reviewers:", "reviewers",
         "must be of type array, not str"),
        ("text: Some text.", "text: 42", "text: 42", "sections[0].blocks[0].text",
         "must be of type string, not int"),
    ],
)  # fmt: skip
def test_wrong_type(tmp_path, old, new, anchor, field, message):
    text = mutate(HANDOUT, old, new)
    problem = only_problem(tmp_path, text)
    assert str(problem) == f"topic.yaml:{line_of(text, anchor)}: {field}: {message}"


def test_unknown_enum_value(tmp_path):
    text = mutate(HANDOUT, "not-clinically-reviewed", "reviewed")
    problem = only_problem(tmp_path, text)
    assert str(problem).startswith(
        f"topic.yaml:{line_of(text, 'review_status')}: review_status: unknown value 'reviewed' "
        "(expected one of not-clinically-reviewed, clinically-reviewed)"
    )


@pytest.mark.parametrize("bad", ["2026-1-10", "10/01/2026", "2026-01-10T00:00"])
def test_date_with_the_wrong_form(tmp_path, bad):
    text = mutate(HANDOUT, "published: 2026-01-10", f"published: {bad}")
    problem = only_problem(tmp_path, text)
    assert str(problem).startswith(f"topic.yaml:6: published: {bad!r} does not match")
    assert "YYYY-MM-DD" in problem.message


def test_impossible_date(tmp_path):
    text = mutate(HANDOUT, "published: 2026-01-10", "published: 2026-02-30")
    problem = only_problem(tmp_path, text)
    assert str(problem) == "topic.yaml:6: published: '2026-02-30' is not a real date"


@pytest.mark.parametrize("next_review", ["2025-12-31", "2026-01-10"])
def test_next_review_must_be_after_last_reviewed(tmp_path, next_review):
    text = mutate(HANDOUT, "next_review: 2027-01-10", f"next_review: {next_review}")
    problem = only_problem(tmp_path, text)
    assert str(problem) == "topic.yaml:8: next_review: must be after 'last_reviewed'"


def test_last_reviewed_before_published(tmp_path):
    text = mutate(HANDOUT, "last_reviewed: 2026-01-10", "last_reviewed: 2025-06-01")
    problem = only_problem(tmp_path, text)
    assert str(problem) == "topic.yaml:7: last_reviewed: is before 'published'"


def test_duplicate_section_id(tmp_path):
    text = HANDOUT + "  - id: first\n    heading: Again\n    blocks:\n"
    text += "      - type: paragraph\n        id: other\n        text: More.\n"
    problem = only_problem(tmp_path, text)
    assert str(problem) == (
        f"topic.yaml:{line_of(text, '- id: first', 2)}: sections[1].id: "
        "duplicate section id 'first'"
    )


def test_duplicate_block_id(tmp_path):
    text = mutate(HANDOUT, "        id: list\n", "        id: intro\n")
    problem = only_problem(tmp_path, text)
    assert str(problem) == (
        f"topic.yaml:{line_of(text, 'id: intro', 2)}: sections[0].blocks[1].id: "
        "duplicate block id 'intro'"
    )


def test_duplicate_block_id_inside_a_callout(tmp_path):
    callout = (
        "      - type: callout\n        id: box\n        kind: note\n        title: A note\n"
        "        blocks:\n"
        "          - type: paragraph\n            id: same\n            text: One.\n"
        "          - type: paragraph\n            id: same\n            text: Two.\n"
    )
    text = HANDOUT + callout
    problem = only_problem(tmp_path, text)
    assert str(problem) == (
        f"topic.yaml:{line_of(text, 'id: same', 2)}: sections[0].blocks[2].blocks[1].id: "
        "duplicate block id 'same'"
    )


def test_table_row_with_wrong_cell_count(tmp_path):
    text = HANDOUT + mutate(TABLE_SECTION, "- [c, d]", "- [c, d, e]")
    problem = only_problem(tmp_path, text)
    assert str(problem) == (
        f"topic.yaml:{line_of(text, '[c, d, e]')}: sections[1].blocks[0].rows[1]: "
        "row has 3 cell(s), the header has 2"
    )


def test_table_widths_count_mismatch(tmp_path):
    text = HANDOUT + mutate(TABLE_SECTION, "widths: [1, 2]", "widths: [1, 2, 3]")
    problem = only_problem(tmp_path, text)
    assert str(problem) == (
        f"topic.yaml:{line_of(text, 'widths:')}: sections[1].blocks[0].widths: "
        "3 widths for 2 columns"
    )


def test_unclosed_bold(tmp_path):
    text = mutate(HANDOUT, "- Item two.", "- Item **two.")
    problem = only_problem(tmp_path, text)
    assert str(problem) == (
        f"topic.yaml:{line_of(text, 'Item **two')}: sections[0].blocks[1].items[1]: "
        "'**' opens bold text that is never closed"
    )


def test_link_with_javascript_scheme(tmp_path):
    text = mutate(HANDOUT, "text: Some text.", "text: See [this](javascript:alert).")
    problem = only_problem(tmp_path, text)
    assert str(problem).startswith(
        f"topic.yaml:{line_of(text, 'javascript')}: sections[0].blocks[0].text: "
        "link target 'javascript:alert' must start with one of https://"
    )


def test_javascript_link_with_parentheses_is_rejected_too(tmp_path):
    # Not parsed as a link at all (URLs may not contain parentheses): a stray '[' error.
    text = mutate(HANDOUT, "text: Some text.", "text: See [this](javascript:alert(1)).")
    problem = only_problem(tmp_path, text)
    assert str(problem).startswith(
        f"topic.yaml:{line_of(text, 'javascript')}: sections[0].blocks[0].text: unexpected '['"
    )


def test_unknown_placeholder(tmp_path):
    text = mutate(HANDOUT, "title: A topic", "title: Call {clinic_fax}")
    problem = only_problem(tmp_path, text)
    assert str(problem) == (
        "topic.yaml:3: title: unknown placeholder {clinic_fax} "
        "(expected one of clinic_name, clinic_phone, clinic_website, emergency_number)"
    )


def test_known_placeholders_are_accepted(tmp_path):
    text = mutate(HANDOUT, "text: Some text.", "text: Call {emergency_number} or {clinic_phone}.")
    assert validate_text(tmp_path, text).sections[0].blocks[0].text.startswith("Call {emerg")


def test_stray_brace(tmp_path):
    text = mutate(HANDOUT, "- Item one.", "- Item { one.")
    problem = only_problem(tmp_path, text)
    assert str(problem).startswith(
        f"topic.yaml:{line_of(text, 'Item { one')}: sections[0].blocks[1].items[0]: "
        "unexpected '{' at character 6"
    )


def test_escaped_syntax_characters_are_accepted(tmp_path):
    text = mutate(HANDOUT, "text: Some text.", r"text: 'Literal \{braces\}, \[brackets\] and \*\*'")
    assert validate_text(tmp_path, text).sections[0].blocks[0].text.startswith("Literal")


def test_id_must_match_the_file_name(tmp_path):
    problem = only_problem(tmp_path, HANDOUT, name="other-topic")
    assert str(problem) == (
        "other-topic.yaml:1: id: id 'topic' must match the file name 'other-topic'"
    )


def test_clinically_reviewed_needs_a_clinical_reviewer(tmp_path):
    text = mutate(HANDOUT, "not-clinically-reviewed", "clinically-reviewed")
    problem = only_problem(tmp_path, text)
    assert str(problem) == (
        "topic.yaml:9: review_status: 'clinically-reviewed' needs a reviewer with 'clinical: true'"
    )
    # A reviewer who is not marked clinical does not count either ...
    lay = mutate(text, "reviewers: []", "reviewers:\n  - name: Lay Reader\n    role: Patient panel")
    assert only_problem(tmp_path, lay).field == "review_status"
    # ... and a clinical one makes the file valid.
    ok = mutate(lay, "role: Patient panel", "role: Consultant neurologist\n    clinical: true")
    assert validate_text(tmp_path, ok).review_status == "clinically-reviewed"


def test_duplicate_yaml_key_is_reported_by_the_validator(tmp_path):
    text = mutate(HANDOUT, "title: A topic\n", "title: A topic\ntitle: Again\n")
    problem = only_problem(tmp_path, text)
    assert str(problem) == "topic.yaml:4: title: duplicate key"


def test_yaml_syntax_error_is_an_input_error(tmp_path):
    problem = only_problem(tmp_path, HANDOUT + "  - id: [broken\n")
    assert problem.path == "topic.yaml"
    assert problem.line is not None
    assert "YAML syntax error" in problem.message


# --- handouts: every problem at once --------------------------------------------------------------


def test_several_semantic_problems_are_all_reported(tmp_path):
    text = mutate(HANDOUT, "next_review: 2027-01-10", "next_review: 2025-01-10")
    text = mutate(text, "summary: A short summary.", "summary: A **short summary.")
    text += "  - id: first\n    heading: Again\n    blocks:\n"
    text += "      - type: paragraph\n        id: x\n        text: '{nope}'\n"
    with pytest.raises(InputError) as exc:
        validate_text(tmp_path, text)
    expected = [
        ("summary", line_of(text, "summary:")),
        ("next_review", line_of(text, "next_review:")),
        ("sections[1].id", line_of(text, "- id: first", 2)),
        ("sections[1].blocks[0].text", line_of(text, "{nope}")),
    ]
    assert sorted((p.field, p.line) for p in exc.value.problems) == sorted(expected)
    assert len({p.line for p in exc.value.problems}) == 4
    # The exception's message lists them all, one per line, in file order.
    lines = str(exc.value).splitlines()
    assert len(lines) == 4
    assert [int(line.split(":")[1]) for line in lines] == sorted(line for _, line in expected)


def test_several_schema_problems_are_all_reported(tmp_path):
    text = mutate(HANDOUT, 'version: "1.0"', "version: 1.0")
    text = mutate(text, "published: 2026-01-10", "published: 2026-1-10")
    text = mutate(text, "type: bullets", "type: bulets")
    problems = problems_of(tmp_path, text)
    assert [(p.line, p.field) for p in problems] == [
        (line_of(text, "version:"), "version"),
        (line_of(text, "published:"), "published"),
        (line_of(text, "bulets"), "sections[0].blocks[1].type"),
    ]


# --- the shipped topic ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def neuromyotonia() -> Handout:
    src = load_yaml(PROJECT.handouts_dir / "neuromyotonia.yaml", root=REPO)
    return validate_handout(src, PROJECT.handout_schema)


def all_blocks(handout: Handout):
    for section in handout.sections:
        for block in section.blocks:
            yield section, block
            if isinstance(block, Callout):
                for inner in block.blocks:
                    yield section, inner


def block_type(block) -> str:
    if isinstance(block, ItemList):
        return block.kind
    return {Paragraph: "paragraph", Definitions: "definitions", Callout: "callout", Table: "table"}[
        type(block)
    ]


def test_neuromyotonia_sections(neuromyotonia):
    ids = [s.id for s in neuromyotonia.sections]
    assert len(ids) >= 9
    for expected in (
        "what-it-is",
        "causes",
        "symptoms",
        "diagnosis",
        "treatment",
        "living-with-it",
        "when-to-get-help",
        "questions-to-ask",
        "more-information",
    ):
        assert expected in ids
    assert neuromyotonia.id == "neuromyotonia"
    assert neuromyotonia.review_status == "not-clinically-reviewed"


def test_neuromyotonia_uses_every_block_type(neuromyotonia):
    used = {block_type(block) for _, block in all_blocks(neuromyotonia)}
    assert used == set(BLOCK_TYPES.split(", ")) - {"figure"}  # it has no picture yet


def test_neuromyotonia_when_to_get_help_has_urgent_and_warning_callouts(neuromyotonia):
    section = next(s for s in neuromyotonia.sections if s.id == "when-to-get-help")
    kinds = {b.kind for b in section.blocks if isinstance(b, Callout)}
    assert {"urgent", "warning"} <= kinds


@pytest.mark.parametrize("phrase", ["myotonic dystrophy", "mouth guard"])
def test_neuromyotonia_does_not_mention(neuromyotonia, phrase):
    for ctx, text in iter_strings(neuromyotonia):
        assert phrase not in text.lower(), ctx
    raw = (PROJECT.handouts_dir / "neuromyotonia.yaml").read_text(encoding="utf-8").lower()
    assert phrase not in " ".join(raw.split())  # also across folded line breaks


# --- translation contexts and their source lines --------------------------------------------------


FIELD_CONTEXTS = ("intro", "term", "text", "title", "caption", "header")


def test_iter_strings_contexts_are_built_from_ids(neuromyotonia):
    t = neuromyotonia.id
    allowed = {f"{t}/title", f"{t}/summary", f"{t}/keywords", f"{t}/people/role"}
    for section in neuromyotonia.sections:
        allowed.add(f"{t}/{section.id}/heading")
        for block in section.blocks:
            base = f"{t}/{section.id}/{block.id}"
            allowed |= {base, *(f"{base}/{field}" for field in FIELD_CONTEXTS)}
            if isinstance(block, Callout):
                allowed |= {f"{base}/{inner.id}" for inner in block.blocks}
                allowed |= {f"{base}/{inner.id}/intro" for inner in block.blocks}
    contexts = [ctx for ctx, _ in iter_strings(neuromyotonia)]
    assert contexts, "no strings"
    for ctx in contexts:
        assert ctx in allowed, ctx
        assert not any(part.isdigit() for part in ctx.split("/")), ctx
    assert contexts[:2] == ["neuromyotonia/title", "neuromyotonia/summary"]
    assert "neuromyotonia/causes/heading" in contexts
    assert "neuromyotonia/causes/thymoma" in contexts
    assert "neuromyotonia/when-to-get-help/emergency/title" in contexts
    assert "neuromyotonia/when-to-get-help/emergency/emergency-signs" in contexts
    assert "neuromyotonia/treatment/treatment-table/header" in contexts


def test_contexts_do_not_shift_when_a_block_is_inserted(tmp_path):
    before = dict(iter_strings(validate_text(tmp_path, HANDOUT + TABLE_SECTION)))
    new_block = "      - type: paragraph\n        id: new\n        text: Inserted first.\n"
    text = mutate(HANDOUT, "    blocks:\n", "    blocks:\n" + new_block) + TABLE_SECTION
    after = dict(iter_strings(validate_text(tmp_path, text)))
    for ctx, value in before.items():
        assert after.get(ctx) == value, ctx
    assert after["topic/first/intro"] == before["topic/first/intro"] == "Some text."
    assert after["topic/first/new"] == "Inserted first."


def test_handout_lines_point_at_the_source_of_each_context(neuromyotonia):
    source = (PROJECT.handouts_dir / "neuromyotonia.yaml").read_text(encoding="utf-8")
    file_lines = source.splitlines()
    first: dict[str, str] = {}
    for ctx, text in iter_strings(neuromyotonia):
        first.setdefault(ctx, text)
    assert set(neuromyotonia.lines) == set(first)
    for ctx, text in first.items():
        line = neuromyotonia.lines[ctx]
        assert 1 <= line <= len(file_lines), ctx
        # The string starts on that line, or on the next one for a folded (>-) block scalar.
        words = " ".join(text.split()[:3])
        nearby = " ".join(" ".join(file_lines[line - 1 : line + 1]).split())
        assert words in nearby, f"{ctx}: line {line} does not hold {words!r}"
    assert neuromyotonia.lines["neuromyotonia/title"] == line_of(source, "title: Neuromyotonia")
    assert neuromyotonia.lines["neuromyotonia/causes/heading"] == line_of(
        source, "heading: What causes it?"
    )


def test_handout_lines_for_a_small_document(tmp_path):
    handout = validate_text(tmp_path, HANDOUT)
    assert handout.lines == {
        "topic/title": line_of(HANDOUT, "title: A topic"),
        "topic/summary": line_of(HANDOUT, "summary:"),
        "topic/people/role": line_of(HANDOUT, "role:"),
        "topic/first/heading": line_of(HANDOUT, "heading: First section"),
        "topic/first/intro": line_of(HANDOUT, "text: Some text."),
        "topic/first/list": line_of(HANDOUT, "- Item one."),
    }


# --- brands ---------------------------------------------------------------------------------------

BRAND = """\
name: Test Clinic
logo: logo.png
logo_alt: Test Clinic logo
phone: 0100 000 000
emergency_number: "112"
paper: a4
"""


def brand_dir(tmp_path: Path, text: str, *, brand_id: str = "test-clinic", logo: bool = True):
    directory = tmp_path / "templates" / "brands" / brand_id
    directory.mkdir(parents=True)
    if logo:
        shutil.copy(PROJECT.brands_dir / "default" / "logo.png", directory / "logo.png")
    (directory / "brand.yaml").write_text(text, encoding="utf-8")
    return directory


def validate_brand_text(tmp_path: Path, text: str, **kwargs):
    directory = brand_dir(tmp_path, text, **kwargs)
    src = load_yaml(directory / "brand.yaml", root=tmp_path)
    return validate_brand(src, PROJECT.brand_schema, papers=set(PROJECT.papers()))


def brand_problems(tmp_path: Path, text: str, **kwargs) -> list[Problem]:
    with pytest.raises(InputError) as exc:
        validate_brand_text(tmp_path, text, **kwargs)
    return exc.value.problems


BRAND_FILE = "templates/brands/test-clinic/brand.yaml"


@pytest.mark.parametrize(
    ("brand_id", "paper", "logo_suffix", "emergency"),
    [("default", "a4", ".png", "999"), ("example-clinic", "letter", ".svg", "911")],
)
def test_shipped_brands_validate(brand_id, paper, logo_suffix, emergency):
    src = load_yaml(PROJECT.brands_dir / brand_id / "brand.yaml", root=REPO)
    brand = validate_brand(src, PROJECT.brand_schema, papers=set(PROJECT.papers()))
    assert brand.id == brand_id
    assert brand.paper == paper
    assert brand.logo is not None
    assert brand.logo.suffix == logo_suffix
    assert brand.logo.is_file()
    assert brand.logo_alt
    assert brand.emergency_number == emergency


def test_minimal_brand_is_valid(tmp_path):
    brand = validate_brand_text(tmp_path, BRAND)
    assert brand.id == "test-clinic"  # the folder name
    assert brand.logo == tmp_path / "templates/brands/test-clinic/logo.png"
    assert brand.placeholders()["emergency_number"] == "112"


def test_brand_without_logo_is_valid(tmp_path):
    text = mutate(BRAND, "logo: logo.png\nlogo_alt: Test Clinic logo\n", "")
    assert validate_brand_text(tmp_path, text, logo=False).logo is None


def test_brand_logo_file_missing(tmp_path):
    problems = brand_problems(tmp_path, BRAND, logo=False)
    assert [str(p) for p in problems] == [f"{BRAND_FILE}:2: logo: logo file 'logo.png' not found"]


def test_brand_logo_without_alt_text(tmp_path):
    problems = brand_problems(tmp_path, mutate(BRAND, "logo_alt: Test Clinic logo\n", ""))
    assert [str(p) for p in problems] == [
        f"{BRAND_FILE}:2: logo: a logo needs 'logo_alt' (a text alternative)"
    ]


def test_brand_unknown_paper(tmp_path):
    problems = brand_problems(tmp_path, mutate(BRAND, "paper: a4", "paper: a3"))
    assert [str(p) for p in problems] == [
        f"{BRAND_FILE}:6: paper: unknown paper 'a3' (expected one of a4, a5, letter)"
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("112", "must be of type string, not int"),  # unquoted: YAML reads a number
        ('"1-1-2"', "'1-1-2' does not match the expected form"),
        ('"1"', "'1' does not match the expected form"),
        ('"call 112"', "'call 112' does not match the expected form"),
    ],
)
def test_brand_invalid_emergency_number(tmp_path, value, message):
    problems = brand_problems(tmp_path, mutate(BRAND, '"112"', value))
    assert len(problems) == 1
    assert str(problems[0]).startswith(f"{BRAND_FILE}:5: emergency_number: {message}")


def test_brand_unknown_key(tmp_path):
    problems = brand_problems(tmp_path, "colour: red\n" + BRAND)
    assert len(problems) == 1
    assert str(problems[0]).startswith(
        f"{BRAND_FILE}:1: colour: unknown key 'colour' (expected one of "
    )


def test_brand_unknown_key_is_reported_at_its_own_line(tmp_path):
    text = BRAND + "colour: red\n"
    problems = brand_problems(tmp_path, text)
    assert [p.line for p in problems] == [line_of(text, "colour:")]


def test_brand_problems_are_reported_together(tmp_path):
    text = mutate(BRAND, "paper: a4", "paper: a3")
    text = mutate(text, "logo_alt: Test Clinic logo\n", "")
    problems = brand_problems(tmp_path, text, logo=False)
    assert [(p.line, p.field) for p in problems] == [(2, "logo"), (2, "logo"), (5, "paper")]
    assert re.search(r"not found.*\n.*logo_alt.*\n.*unknown paper", str(InputError(problems)))


@pytest.mark.parametrize(
    ("tagline", "line", "field", "message"),
    [
        (
            "tagline:\n  en: Care\n  Spanish!: Cuidado\n",
            3,
            "tagline.Spanish!",
            "'Spanish!' does not match the expected form (a language tag such as es or zh-Hans)",
        ),
        ("tagline:\n  en: Care\n  es: 12\n", 3, "tagline.es", "must be of type string, not int"),
        ("tagline: [Care, Cuidado]\n", 1, "tagline", "must be a mapping or text"),
    ],
)
def test_a_brand_text_per_language_is_checked(tmp_path, tagline, line, field, message):
    problems = brand_problems(tmp_path, tagline + BRAND)
    assert [(p.line, p.field, p.message) for p in problems] == [(line, field, message)]


def test_a_brand_text_per_language_is_valid(tmp_path):
    brand = validate_brand_text(tmp_path, "tagline:\n  en: Care\n  zh-Hans: 护理\n" + BRAND)
    assert brand.tagline == {"en": "Care", "zh-Hans": "护理"}
    assert brand.origins()["护理"] == f"{BRAND_FILE}:3 (tagline.zh-Hans)"


# --- logos that reach outside the brand folder ------------------------------------------------


def _brand_with_logo(tmp_path, logo_name: str, logo_text: str | None):
    brand_dir = tmp_path / "templates" / "brands" / "svg-clinic"
    brand_dir.mkdir(parents=True)
    if logo_text is not None:
        (brand_dir / logo_name).write_text(logo_text)
    (brand_dir / "brand.yaml").write_text(
        f"name: SVG Clinic\nlogo: {logo_name}\nlogo_alt: a logo\nphone: '1'\n"
        "emergency_number: '112'\npaper: a4\n"
    )
    src = load_yaml(brand_dir / "brand.yaml", root=tmp_path)
    return src


@pytest.mark.parametrize(
    "svg",
    [
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'width="10" height="10"><image xlink:href="/etc/hostname" width="10" height="10"/></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        '<rect fill="url(file:///etc/x)" width="5" height="5"/></svg>',
        '<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>&x;</text></svg>',
        "not svg at all <",
    ],
)
def test_an_svg_logo_that_reads_other_files_is_refused(tmp_path, svg):
    src = _brand_with_logo(tmp_path, "logo.svg", svg)
    with pytest.raises(InputError) as exc:
        validate_brand(src, PROJECT.brand_schema, papers={"a4"})
    assert all(p.field == "logo" for p in exc.value.problems)
    assert "brand.yaml:2: logo:" in str(exc.value)


def test_a_logo_outside_the_brand_folder_is_refused(tmp_path):
    (tmp_path / "secret.png").write_bytes(b"\x89PNG")
    src = _brand_with_logo(tmp_path, "../../../secret.png", None)
    with pytest.raises(InputError, match="the logo must be a file in the brand folder"):
        validate_brand(src, PROJECT.brand_schema, papers={"a4"})


def test_a_corrupt_png_logo_is_refused_before_rendering(tmp_path):
    src = _brand_with_logo(tmp_path, "logo.png", "this is not a PNG")
    with pytest.raises(InputError, match="logo is not a readable PNG file"):
        validate_brand(src, PROJECT.brand_schema, papers={"a4"})


# --- the fast schema check agrees with jsonschema ------------------------------------------------


def _mutations(data: object, path: tuple = ()):
    """(description, document) pairs: each a copy of ``data`` with one change somewhere."""
    import copy

    def at(doc, p):
        for k in p:
            doc = doc[k]
        return doc

    node = at(data, path)
    if isinstance(node, dict):
        for key in list(node):
            for label, change in (
                ("drop", lambda d, k=key: d.pop(k)),
                ("to int", lambda d, k=key: d.__setitem__(k, 7)),
                ("to list", lambda d, k=key: d.__setitem__(k, ["x"])),
                ("to empty", lambda d, k=key: d.__setitem__(k, "")),
                ("to mapping", lambda d, k=key: d.__setitem__(k, {"x": "y"})),
            ):
                doc = copy.deepcopy(data)
                change(at(doc, path))
                yield f"{path}.{key}: {label}", doc
            yield from _mutations(data, (*path, key))
        doc = copy.deepcopy(data)
        at(doc, path)["unexpected_key"] = "x"
        yield f"{path}: extra key", doc
    elif isinstance(node, list):
        for i in range(min(len(node), 3)):
            yield from _mutations(data, (*path, i))
        doc = copy.deepcopy(data)
        at(doc, path).clear()
        yield f"{path}: emptied", doc


@pytest.mark.parametrize(
    ("document", "schema"),
    [
        ("handouts/neuromyotonia.yaml", "handouts/handout.schema.json"),
        ("templates/brands/default/brand.yaml", "templates/brand.schema.json"),
        ("templates/brands/example-clinic/brand.yaml", "templates/brand.schema.json"),
    ],
)
def test_the_fast_schema_check_agrees_with_jsonschema(document, schema):
    import fastjsonschema

    from handoutgen.schema import _fast_check, _validator

    data = load_yaml(REPO / document).data
    fast, full = _fast_check(REPO / schema), _validator(REPO / schema)
    checked = rejected = 0
    for label, doc in _mutations(data):
        try:
            fast(doc)
            fast_ok = True
        except fastjsonschema.JsonSchemaException:
            fast_ok = False
        assert fast_ok == full.is_valid(doc), label
        checked += 1
        rejected += not fast_ok
    assert checked > 90 and rejected > 40


def test_a_control_or_hidden_character_in_a_theme_file_is_refused_at_its_line(tmp_path):
    # a NUL in a hyphenation dictionary's name was silently no hyphenation
    from handoutgen.theme import load_theme_layers

    themes = tmp_path / "templates" / "themes"
    shutil.copytree(REPO / "templates" / "themes", themes)
    text = (themes / "default.yaml").read_text(encoding="utf-8")
    text = mutate(text, "  de: de_DE\n", '  de: "de_\\0DE"\n  "n\\el": nl_NL\n')
    text = mutate(text, "  ar: [arabic, sans]\n", '  ar: ["arabic\\u2066", sans]\n')
    (themes / "default.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_theme_layers(themes, root=tmp_path)
    found = [(p.line, p.field, p.message.split(":")[0]) for p in caught.value.problems]
    assert found == [
        (line_of(text, "arabic\\u2066"), "scripts.ar[0]", "U+2066 LEFT-TO-RIGHT ISOLATE"),
        (line_of(text, "de_\\0DE"), "hyphenation.de", "U+0000 UNNAMED"),
        (line_of(text, "n\\el"), "hyphenation.n\x1bl", "U+001B UNNAMED"),
    ]
