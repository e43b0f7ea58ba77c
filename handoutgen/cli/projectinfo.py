"""`check` and `list`: the project's files -> every problem (grouped, or as JSON) and what
can be built (topics, locales, brands, editions, papers), as text or JSON."""

from __future__ import annotations

import argparse
import sys

from ..errors import HandoutError
from ..project import DEFAULT_BRAND, Project
from .output import JSON_VERSION, emit, grouped, problem_json

EXIT_OK, EXIT_FAILED = 0, 1


def check(project: Project, args: argparse.Namespace) -> int:
    """Every problem of every input file, at its file and line; exit 1 if any."""
    from ..checks import check_project
    from .review import warnings

    problems = check_project(project)
    due = warnings(project)  # reviews falling due: warnings, not problems
    counts = {
        "topics": len(project.topics()),
        "brands": len(project.brands()),
        "editions": len(project.editions()),
    }
    if args.json:
        emit(
            {
                "format_version": JSON_VERSION,
                "command": "check",
                "ok": not problems,
                "exit_code": EXIT_FAILED if problems else EXIT_OK,
                "root": str(project.root),
                "checked": counts,
                "problems": [problem_json(p) for p in problems],
                "warnings": [w.removeprefix("warning: ") for w in due],
            }
        )
        return EXIT_FAILED if problems else EXIT_OK
    for line in due:
        print(line, file=sys.stderr)
    for line in grouped(str(p) for p in problems):
        print(line, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) found.", file=sys.stderr)
        return EXIT_FAILED
    print(
        f"ok: {counts['topics']} topic(s), {counts['brands']} brand(s), "
        f"{counts['editions']} edition(s), templates and fonts checked."
    )
    return EXIT_OK


def _brands(project: Project) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for b in project.brands():
        row: dict[str, object] = {"id": b, "default": b == DEFAULT_BRAND}
        try:
            brand = project.brand(b)
        except HandoutError:
            rows.append({**row, "valid": False, "name": None, "paper": None})
            continue
        rows.append({**row, "valid": True, "name": brand.name, "paper": brand.paper})
    return rows


def show(project: Project, args: argparse.Namespace) -> int:
    """`list`: what the project can build."""
    brands = _brands(project)
    locales = project.locales()
    if args.json:
        emit(
            {
                "format_version": JSON_VERSION,
                "command": "list",
                "root": str(project.root),
                "topics": project.topics(),
                "locales": locales,
                "brands": brands,
                "editions": project.editions(),
                "papers": project.papers(),
            }
        )
        return EXIT_OK
    print("topics:  ", ", ".join(project.topics()))
    print("locales: ", ", ".join(locales))
    first, *others = locales
    for other in others[:1]:  # two languages side by side (bilingual.py)
        print("pairs:   ", f"two locales joined by '+', side by side: {other}+{first}, '*+{first}'")
    shown = []
    for b in brands:
        default = " (default)" if b["default"] else ""
        if not b["valid"]:
            shown.append(f"{b['id']}{default} [invalid: see 'generate.py check']")
        else:
            shown.append(f"{b['id']}{default} [{b['name']}; paper {b['paper']}]")
    print("brands:  ", "; ".join(shown))
    print("editions:", ", ".join(project.editions()))
    print("papers:  ", ", ".join(project.papers()))
    return EXIT_OK
