"""Load stage: YAML -> plain data with source lines; bad YAML becomes problems, never exceptions."""

from __future__ import annotations

from pathlib import Path

import pytest

from handoutgen.errors import InputError, Problem
from handoutgen.load import Sourced, format_path, load_yaml
from handoutgen.project import Project

from .conftest import ROOT


def load_text(tmp_path: Path, text: str, name: str = "doc.yaml") -> Sourced:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_yaml(path, root=tmp_path)


def test_valid_document_loads_without_problems(tmp_path):
    src = load_text(tmp_path, "title: Hello\ncount: 3\nitems:\n  - a\n  - b\n")
    assert src.problems == []
    assert src.data == {"title": "Hello", "count": 3, "items": ["a", "b"]}
    assert src.display == "doc.yaml"


def test_syntax_error_is_a_problem_with_its_line(tmp_path):
    # The flow sequence opened on line 2 is never closed; the parser notices on line 3.
    src = load_text(tmp_path, "a: 1\nb: [1, 2\nc: 3\n")  # no exception
    assert src.data is None
    assert len(src.problems) == 1
    problem = src.problems[0]
    assert problem.path == "doc.yaml"
    assert problem.line == 3
    assert "YAML syntax error" in problem.message
    assert str(problem).startswith("doc.yaml:3: YAML syntax error:")


def test_bad_indentation_is_reported_on_the_offending_line(tmp_path):
    src = load_text(tmp_path, "a: 1\nb:\n  c: 1\n  d: 2\n e: 3\n")
    assert src.data is None
    assert [(p.line, p.message.split(":")[0]) for p in src.problems] == [(5, "YAML syntax error")]


def test_a_tab_is_named_in_the_syntax_error(tmp_path):
    # libyaml parses good files; PyYAML's parser words the error and names the character
    src = load_text(tmp_path, "a: 1\nb:\n\tc: 1\n")
    assert [(p.line, p.message) for p in src.problems] == [
        (3, "YAML syntax error: found character '\\t' that cannot start any token")
    ]


@pytest.mark.parametrize(
    ("char", "kind"),
    [
        ("\x7f", "a control character"),
        ("\x01", "a control character"),
        ("\ufffe", "a noncharacter"),
    ],
)
def test_a_character_yaml_refuses_is_a_problem_at_its_line(tmp_path, char, kind):
    # a DEL in a title was a ReaderError traceback (topics) or an 'internal error' (brands)
    src = load_text(tmp_path, f"a: 1\nb: x{char}y\nc: 3\n")
    assert src.data is None
    assert [(p.line, p.message) for p in src.problems] == [
        (2, f"U+{ord(char):04X} is {kind}, not allowed in a YAML file")
    ]


def test_libyaml_and_pyyaml_give_the_same_lines(tmp_path):
    import yaml

    from handoutgen import load as load_module

    path = ROOT / "handouts" / "neuromyotonia.yaml"
    fast = load_module.load_yaml(path)
    slow_loader, load_module._Loader = load_module._Loader, yaml.SafeLoader
    try:
        slow = load_module.load_yaml(path)
    finally:
        load_module._Loader = slow_loader
    assert fast.data == slow.data and fast.lines == slow.lines and len(fast.lines) > 250


def test_duplicate_key_is_reported_at_the_duplicate(tmp_path):
    text = "a: 1\nb:\n  c: 1\n  c: 2\na: 3\n"
    src = load_text(tmp_path, text)
    assert [str(p) for p in src.problems] == [
        "doc.yaml:4: b.c: duplicate key",
        "doc.yaml:5: a: duplicate key",
    ]
    # The first occurrence wins; the document still loads so other checks can run.
    assert src.data == {"a": 1, "b": {"c": 1}}


def test_duplicate_key_deep_inside_a_list(tmp_path):
    text = "sections:\n  - id: one\n    heading: A\n  - id: two\n    heading: B\n    id: three\n"
    src = load_text(tmp_path, text)
    assert src.problems == [Problem("doc.yaml", 6, "sections[1].id", "duplicate key")]


def test_lines_map_gives_the_line_of_nested_items(tmp_path):
    text = (
        "# a comment line\n"  # 1
        "title: Hello\n"  # 2
        "sections:\n"  # 3
        "  - id: first\n"  # 4
        "    items:\n"  # 5
        "      - one\n"  # 6
        "      - two\n"  # 7
        "  - id: second\n"  # 8
        "    text: >-\n"  # 9
        "      folded\n"  # 10
        "      text\n"  # 11
    )
    src = load_text(tmp_path, text)
    assert src.problems == []
    assert src.lines[("title",)] == 2
    assert src.lines[("sections", 0)] == 4
    assert src.lines[("sections", 0, "id")] == 4
    assert src.lines[("sections", 0, "items", 0)] == 6
    assert src.lines[("sections", 0, "items", 1)] == 7
    assert src.lines[("sections", 1)] == 8
    assert src.lines[("sections", 1, "text")] == 10  # a folded string: where its text starts
    assert src.data["sections"][1]["text"] == "folded text"


def test_line_falls_back_to_the_nearest_ancestor(tmp_path):
    src = load_text(tmp_path, "title: Hello\nsections:\n  - id: first\n    heading: A\n")
    # A key that does not exist (e.g. a missing required key) takes its parent's line.
    assert src.line(("sections", 0, "blocks")) == 3
    assert src.line(("sections", 0, "blocks", 2, "text")) == 3
    problem = src.problem(("sections", 0, "blocks"), "missing")
    assert str(problem) == "doc.yaml:3: sections[0].blocks: missing"


def test_empty_file_is_a_problem(tmp_path):
    src = load_text(tmp_path, "")
    assert src.data is None
    assert [str(p) for p in src.problems] == ["doc.yaml:1: file is empty"]


def test_comment_only_file_is_empty(tmp_path):
    src = load_text(tmp_path, "# nothing here yet\n\n")
    assert src.data is None
    assert [p.message for p in src.problems] == ["file is empty"]


def test_unreadable_file_is_a_problem(tmp_path):
    (tmp_path / "bad.yaml").write_bytes(b"title: caf\xe9\n")  # Latin-1, not UTF-8
    src = load_yaml(tmp_path / "bad.yaml", root=tmp_path)
    assert src.data is None
    assert len(src.problems) == 1
    assert src.problems[0].message.startswith("cannot read file")

    missing = load_yaml(tmp_path / "missing.yaml", root=tmp_path)
    assert missing.problems[0].message.startswith("cannot read file")


def test_scalars_quoted_values_and_dates_stay_strings(tmp_path):
    text = 'a: "999"\nb: 999\nc: 2026-02-30\nd: yes\ne: ~\nf: 1.5\ng: 0118\n'
    src = load_text(tmp_path, text)
    assert src.data == {
        "a": "999",
        "b": 999,
        "c": "2026-02-30",  # dates are checked (and rejected) by the validator, not the loader
        "d": True,
        "e": None,
        "f": 1.5,
        "g": "0118",
    }


def test_display_path_is_relative_to_root(tmp_path):
    sub = tmp_path / "handouts"
    sub.mkdir()
    (sub / "x.yaml").write_text("a: [\n", encoding="utf-8")
    src = load_yaml(sub / "x.yaml", root=tmp_path)
    assert src.display == "handouts/x.yaml"
    assert str(src.problems[0]).startswith("handouts/x.yaml:")


def test_format_path():
    assert format_path(("sections", 3, "blocks", 1)) == "sections[3].blocks[1]"
    assert format_path(("sections", 0, "blocks", 1, "type")) == "sections[0].blocks[1].type"
    assert format_path(("id",)) == "id"
    assert format_path(()) == ""


def _bomb(levels: int, fanout: int = 10) -> str:
    """The billion laughs: each anchor a list of ``fanout`` aliases of the one before."""
    lines = ["a0: &a0 [" + ", ".join(["x"] * fanout) + "]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * fanout) + "]")
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_is_refused_at_the_alias_before_it_is_expanded(tmp_path):
    import time
    import tracemalloc

    path = tmp_path / "bomb.yaml"
    path.write_text(_bomb(9), encoding="utf-8")  # a billion values once expanded
    tracemalloc.start()
    started = time.perf_counter()
    try:
        src = load_yaml(path, root=tmp_path)
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert src.data is None
    [problem] = src.problems
    # a4 holds 10 x 11,111 values: the 8th alias in it passes 100,000
    assert (problem.line, problem.field) == (5, "a4[7]")
    assert problem.message.startswith("more than 100000 values once its aliases are expanded")
    # refused in 0.03 s, under 20 MB traced (expanded, a billion values would take hours); the
    # bound leaves room for a loaded CI machine
    assert elapsed < 5.0 and peak < 50_000_000


def test_the_value_limit_comes_from_the_projects_limits_file(tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "limits.yaml").write_text(
        "yaml:\n  max_depth: 32\n  max_values: 1000\n", encoding="utf-8"
    )
    src = load_text(tmp_path, _bomb(5))  # 111,111 values: a second's work, unbounded
    assert [(p.line, p.field) for p in src.problems] == [(3, "a2[7]")]
    assert "more than 1000 values" in src.problems[0].message
    # a file this size without aliases is refused at the value over the limit
    src = load_text(tmp_path, "items:\n" + "".join(f"  - {i}\n" for i in range(1200)))
    assert [str(p) for p in src.problems] == [
        "doc.yaml:1000: items[998]: more than 1000 values (the limit is yaml.max_values in "
        "templates/limits.yaml)"
    ]


def test_aliases_within_the_limit_still_load(tmp_path):
    src = load_text(tmp_path, "a: &who {name: Ann, role: GP}\nb: [*who, *who]\n")
    assert src.problems == []
    assert src.data["b"] == [{"name": "Ann", "role": "GP"}] * 2


def test_nesting_beyond_the_limit_is_refused_at_its_line(tmp_path):
    deep = "".join("  " * i + f"k{i}:\n" for i in range(40)) + "  " * 40 + "x\n"
    src = load_text(tmp_path, "title: A\n" + deep)
    assert src.data is None
    [problem] = src.problems
    assert problem.line == 35 and problem.field.endswith(".k31.k32")  # k32's value
    assert "nested more than 32 levels deep" in problem.message


def test_ten_thousand_levels_are_refused_not_a_recursion_error(tmp_path):
    # libyaml gives up at 1000 levels and PyYAML's own composer recurses at every level:
    # the refusal reads the file's events one by one
    src = load_text(tmp_path, "a: " + "[" * 10_000 + "]" * 10_000 + "\n")
    assert [(p.line, p.message.split(" (")[0]) for p in src.problems] == [
        (1, "nested more than 32 levels deep")
    ]
    block = "".join(" " * i + f"k{i}:\n" for i in range(2000)) + " " * 2000 + "x\n"
    src = load_text(tmp_path, block)
    assert [(p.line, p.message.split(" (")[0]) for p in src.problems] == [
        (33, "nested more than 32 levels deep")
    ]


def test_deep_nesting_with_pyyaml_alone_is_refused_not_a_recursion_error(tmp_path):
    import yaml

    from handoutgen import load as load_module

    slow_loader, load_module._Loader = load_module._Loader, yaml.SafeLoader
    try:
        src = load_text(tmp_path, "a: " + "[" * 3000 + "]" * 3000 + "\n")
    finally:
        load_module._Loader = slow_loader
    assert [p.message.split(" (")[0] for p in src.problems] == ["nested more than 32 levels deep"]


def test_a_topic_kept_in_the_cache_is_loaded_again_within_lowered_limits(scratch):
    assert scratch.handout("neuromyotonia").id == "neuromyotonia"  # validated and kept
    limits = scratch.templates_dir / "limits.yaml"
    limits.write_text("yaml:\n  max_depth: 32\n  max_values: 100\n", encoding="utf-8")
    with pytest.raises(InputError, match="more than 100 values"):
        Project(scratch.root).handout("neuromyotonia")
