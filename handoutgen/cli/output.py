"""How much a command prints: -q, -v and --json -> the options, the run's settings, grouped
problem lines ("(×N)") and the one JSON document a command writes to stdout."""

from __future__ import annotations

import argparse
import json
import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

    from ..build import Outcome, Report
    from ..errors import Problem

JSON_VERSION = 1  # the `--json` documents' format (README "Output for scripts: --json")
GROUP_SHOWN = 3  # leaflets named beside a grouped problem line; the rest are counted
DEFAULTS = {"quiet": False, "verbose": False, "json": False, "jobs": 0, "force": False}


def add_output_options(parser: argparse.ArgumentParser, *, as_json: bool = True) -> None:
    """-q, -v (and --json). Declared on the top level and on a command alike, each with no
    default of its own, so one given before the command is not reset by the command's
    parser (``settle`` fills the defaults in)."""
    quiet = parser.add_mutually_exclusive_group()
    quiet.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        default=argparse.SUPPRESS,
        help="print only problems and the summary (default: off)",
    )
    quiet.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=argparse.SUPPRESS,
        help="one line per leaflet, also on a terminal instead of the progress bar (default: off)",
    )
    if as_json:
        parser.add_argument(
            "--json",
            action="store_true",
            default=argparse.SUPPRESS,
            help="print one JSON document on stdout (keys in README.md); progress and "
            "messages go to stderr (default: off)",
        )


def add_build_run_options(parser: argparse.ArgumentParser) -> None:
    """--jobs and --force: build's, and the top level's (a bare `generate.py --jobs 4`)."""
    parser.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=argparse.SUPPRESS,
        metavar="N",
        help="worker processes (default: the number of CPUs)",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        default=argparse.SUPPRESS,
        help="rebuild leaflets whose inputs have not changed (default: off)",
    )


def settle(args: argparse.Namespace, top: argparse.Namespace | None = None) -> None:
    """Fill in what neither the top level nor the command set; ``top``'s values (the top
    level's, for a build with no command) count where ``args`` has none."""
    for name, default in DEFAULTS.items():
        if not hasattr(args, name):
            setattr(args, name, getattr(top, name, default) if top is not None else default)
    if not args.jobs:
        args.jobs = os.cpu_count() or 1


def grouped(lines: Iterable[str]) -> list[str]:
    """Each distinct line once, in first-seen order, with "(×N)" when it came N > 1 times."""
    counts: dict[str, int] = {}
    for line in lines:
        counts[line] = counts.get(line, 0) + 1
    return [f"{line} (×{n})" if n > 1 else line for line, n in counts.items()]


def by_reason(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, list[str]]]:
    """(leaflet, problem text) -> each distinct text once with the leaflets that gave it."""
    found: dict[str, list[str]] = {}
    for who, text in pairs:
        found.setdefault(text, []).append(who)
    return list(found.items())


def named(who: list[str]) -> str:
    """The leaflets of a grouped line: the first few, then how many more."""
    shown = ", ".join(who[:GROUP_SHOWN])
    more = len(who) - GROUP_SHOWN
    return f"{shown} and {more} more" if more > 0 else shown


def emit(document: dict[str, Any]) -> None:
    """The command's JSON document on stdout, the only thing written there."""
    sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def problem_json(problem: Problem | str) -> dict[str, Any]:
    """A problem as --json gives it: file, line, field, message (and the line as printed)."""
    if isinstance(problem, str):
        return {"file": None, "line": None, "field": None, "message": problem, "text": problem}
    return {
        "file": problem.path,
        "line": problem.line,
        "field": problem.field or None,
        "message": problem.message,
        "text": str(problem),
    }


def outcome_json(o: Outcome) -> dict[str, Any]:
    """One leaflet's result as --json gives it."""
    return {
        **o.job.values(),
        "status": o.status,
        "path": o.job.relpath if o.status in ("built", "up to date") else None,
        "pages": o.pages,
        "sha256": o.sha256,
        "draft": o.draft,
        "overdue": o.overdue,
        "reason": o.reason,
        "warnings": list(o.warnings),
        "previews": [path for path, _ in o.previews],
    }


def counts(report: Report) -> dict[str, int]:
    return {
        "leaflets": len(report.outcomes),
        "built": report.count("built"),
        "up_to_date": report.count("up to date"),
        "skipped": report.count("skipped"),
        "failed": report.count("failed"),
        "warnings": report.warnings,
    }


def build_json(report: Report, exit_code: int, out: Any) -> dict[str, Any]:
    """`build --json`: the counts, every leaflet, the output folder's problems."""
    return {
        "format_version": JSON_VERSION,
        "command": "build",
        "ok": exit_code == 0,
        "exit_code": exit_code,
        "out": str(out),
        "manifest": str(report.manifest) if report.manifest else None,
        "summary": counts(report),
        "leaflets": [outcome_json(o) for o in report.outcomes],
        "problems": [problem_json(p) for p in report.problems],
        "interrupted": report.interrupted,
    }


def unchanged_json(found: dict[str, Any], exit_code: int, out: Any) -> dict[str, Any]:
    """`build --json` answered from the manifest (no input changed): its counts, and its
    entries as this run's results (built ones are up to date)."""
    from ..manifest import previews_of

    total, skipped = int(found.get("leaflets", 0)), int(found.get("skipped", 0))
    try:
        entries = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["leaflets"]
    except (OSError, ValueError, KeyError, TypeError):
        entries = []
    keys = ("topic", "locale", "brand", "edition", "paper")
    leaflets = [
        {
            **{k: e.get(k) for k in keys},
            "status": "up to date" if e.get("status") == "built" else e.get("status"),
            "path": e.get("path"),
            "pages": e.get("pages", 0),
            "sha256": e.get("sha256"),
            "draft": bool(e.get("draft")),
            "overdue": bool(e.get("overdue")),
            "reason": e.get("reason"),
            "warnings": list(e.get("warnings") or []),
            "previews": [p for p, _ in previews_of(e)],
        }
        for e in entries
        if isinstance(e, dict) and e.get("status") in ("built", "skipped")
    ]
    return {
        "format_version": JSON_VERSION,
        "command": "build",
        "ok": exit_code == 0,
        "exit_code": exit_code,
        "out": str(out),
        "manifest": str(out / "manifest.json"),
        "summary": {
            "leaflets": total,
            "built": 0,
            "up_to_date": total - skipped,
            "skipped": skipped,
            "failed": 0,
            "warnings": int(found.get("warnings", 0) or 0),
        },
        "leaflets": leaflets,
        "problems": [],
        "interrupted": False,
        "unchanged": True,
    }
