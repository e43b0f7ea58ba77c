"""The package's shape: every module says in one line what it turns into what, and none grows
past about 400 lines (the transcribed line breaker aside)."""

from __future__ import annotations

import ast
from pathlib import Path

import handoutgen

PACKAGE = Path(handoutgen.__file__).parent
LONGEST = 400
TRANSCRIBED = {"rl/linebreak.py"}  # ReportLab's breakLines, step for step: kept whole


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def test_no_module_is_over_400_lines():
    long = {
        p.relative_to(PACKAGE).as_posix(): n
        for p in _modules()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > LONGEST
    }
    assert set(long) <= TRANSCRIBED, long


def test_every_module_opens_with_a_docstring():
    missing = [
        p.relative_to(PACKAGE).as_posix()
        for p in _modules()
        if not ast.get_docstring(ast.parse(p.read_text(encoding="utf-8")))
    ]
    assert missing == []


def test_layout_never_imports_the_stages_above_it():
    """layout/, pdf/ and rl/ are below the stages: they never import compose, render,
    build, batch or the command line (WeasyPrint's layout/ never imports its writers)."""
    above = {"compose", "render", "build", "batch", "cli", "checks", "project"}
    bad = []
    for folder in ("layout", "pdf", "rl", "cache"):
        for path in (PACKAGE / folder).glob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.level:
                    parts = (node.module or "").split(".")
                    if node.level == 2 and parts[0] in above:
                        bad.append(f"{folder}/{path.name}: {node.module}")
    assert bad == []
