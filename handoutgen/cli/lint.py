"""``generate.py lint``: the selected leaflets measured against templates/lint.yaml -> figures,
hardest sentences and findings at file:line and section, as text or JSON; exit 1 under
``--strict`` on any finding, or when a leaflet cannot be composed."""

from __future__ import annotations

import argparse
import json
from typing import Any

from ..leaflet import Selection
from ..project import Project


def add_options(parser: argparse.ArgumentParser) -> None:
    from .selection import nonempty

    parser.add_argument(
        "topics", nargs="*", type=nonempty("topic"), help="topic ids (default: all)"
    )
    for option, dest, metavar, what in (
        ("--locale", "locales", "TAG", "locale"),
        ("--brand", "brands", "ID", "brand"),
        ("--edition", "editions", "NAME", "edition"),
    ):
        parser.add_argument(
            option, action="append", dest=dest, metavar=metavar, type=nonempty(what)
        )
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.add_argument(
        "--strict", action="store_true", help="exit 1 if any measure is past its limit"
    )


def _split(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


def run(project: Project, args: argparse.Namespace) -> int:
    from .. import lint, review
    from ..errors import SelectionError
    from .selection import check_tags

    selection = Selection(
        topics=args.topics or None,
        locales=_split(args.locales),
        brands=_split(args.brands),
        editions=_split(args.editions),
    )
    why = check_tags(project.root, selection.locales)
    if why:
        raise SelectionError(why)
    policy = lint.load(project.templates_dir, project.root)
    syllables = lint.Syllables()  # dictionaries loaded once for the run
    results = [
        lint.lint_leaflet(project, job, policy, syllables) for job in lint.jobs(project, selection)
    ]
    findings = sum(len(r.findings) for r in results)
    errors = [r for r in results if r.error]
    if args.json:
        report = {
            "policy": policy.source.display,
            "today": review.today().isoformat(),
            "leaflets": [r.as_dict() for r in results],
            "findings": findings,
            "strict": args.strict,
        }
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        for result in results:
            _print(result.as_dict())
        print(
            f"\n{len(results)} leaflet(s) measured against {policy.source.display}: "
            f"{findings} finding(s), {len(errors)} could not be composed."
        )
    if errors or (args.strict and findings):
        return 1
    return 0


def _figures(figures: dict[str, Any]) -> str:
    return ", ".join(
        f"{k} {v:g}" if isinstance(v, float) else f"{k} {v}" for k, v in figures.items()
    )


def _print(r: dict[str, Any]) -> None:
    print(f"{r['topic']} [{r['locale']}, {r['brand']}, {r['edition']}]")
    if r["error"]:
        print(f"  error: {r['error']}")
        return
    print(f"  leaflet: {_figures(r['figures'])}")
    for name, figures in r["sections"].items():
        print(f"  {name}: {_figures(figures)}")
    if r["hardest_sentences"]:
        print("  hardest sentences:")
        for h in r["hardest_sentences"]:
            print(
                f"    {h['place']}: [{h['section']}] {h['measure']} {h['value']:g}: {h['sentence']}"
            )
    for f in r["findings"]:
        print(f"  {f['place']}: [{f['section']}] {f['rule']}: {f['message']}")
