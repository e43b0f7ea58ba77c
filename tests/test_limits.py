"""templates/limits.yaml: the engine's bounds on its input files, each read with its place."""

from __future__ import annotations

from pathlib import Path

import pytest

from handoutgen.errors import InputError
from handoutgen.limits import limit

from .conftest import ROOT


def _project(tmp_path: Path, text: str) -> Path:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "limits.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def test_the_shipped_limits_are_read():
    assert limit(ROOT, "yaml", "max_depth") > 8  # the shipped topic nests 8 deep


def test_a_project_without_its_own_file_uses_the_engines(tmp_path):
    assert limit(tmp_path, "yaml", "max_values") == limit(ROOT, "yaml", "max_values")


def test_a_projects_own_file_is_used(tmp_path):
    root = _project(tmp_path, "yaml:\n  max_depth: 5\n  max_values: 7\n")
    assert (limit(root, "yaml", "max_depth"), limit(root, "yaml", "max_values")) == (5, 7)


def test_a_bad_value_is_named_at_its_line(tmp_path):
    root = _project(tmp_path, "yaml:\n  max_depth: -3\n  max_values: lots\n")
    with pytest.raises(InputError) as caught:
        limit(root, "yaml", "max_depth")
    assert [str(p) for p in caught.value.problems] == [
        "templates/limits.yaml:2: yaml.max_depth: must be a positive whole number",
        "templates/limits.yaml:3: yaml.max_values: must be a positive whole number",
    ]


def test_a_missing_limit_is_named(tmp_path):
    root = _project(tmp_path, "yaml:\n  max_depth: 5\n")
    with pytest.raises(InputError, match=r"yaml\.max_values: missing limit"):
        limit(root, "yaml", "max_values")
