"""Command line: argv -> a build, check or list run, printed results and an exit code.
The only module that prints."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import __version__, catalogs
from .build import Outcome, Selection, expand, run
from .checks import check_project
from .errors import HandoutError, InputError, SelectionError
from .project import DEFAULT_BRAND, Project

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="generate.py",
        description="Build printable patient leaflets. With no command: build everything.",
    )
    p.add_argument("--version", action="version", version=f"handoutgen {__version__}")
    p.add_argument("--root", type=Path, default=None, help=argparse.SUPPRESS)
    sub = p.add_subparsers(dest="command")
    b = sub.add_parser(
        "build",
        help="build leaflets (default: everything)",
        description="Build leaflets. With no selection: every topic, locale and "
        "brand. Otherwise unselected dimensions default to the source locale, the "
        "default brand, the standard edition and the brand's paper. Values may "
        "be globs ('*') and may repeat or be comma-separated.",
    )
    b.add_argument("topics", nargs="*", help="topic ids (default: all)")
    b.add_argument("--locale", action="append", dest="locales", metavar="TAG")
    b.add_argument("--brand", action="append", dest="brands", metavar="ID")
    b.add_argument("--paper", action="append", dest="papers", metavar="NAME")
    b.add_argument("--edition", action="append", dest="editions", metavar="NAME")
    b.add_argument("--out", type=Path, default=Path("out"), help="output folder (default: out/)")
    b.add_argument(
        "--allow-incomplete",
        action="store_true",
        help="build incomplete translations as marked drafts instead of skipping",
    )
    sub.add_parser("check", help="validate every content, brand, theme and template file")
    i18n = sub.add_parser(
        "i18n", help="translation catalogs: extract, init, update, compile, stats, check"
    ).add_subparsers(dest="i18n", required=True)
    i18n.add_parser("extract", help="write locales/handouts.pot from the content and templates")
    init = i18n.add_parser("init", help="start a catalog for a new locale")
    init.add_argument("locale", help="BCP-47 tag, e.g. es, pt-BR")
    i18n.add_parser(
        "update",
        help="re-extract and merge into every catalog (changed strings "
        "become fuzzy, with the old source text in #| lines)",
    )
    i18n.add_parser(
        "compile", help="write .mo files next to the catalogs (builds do not need them)"
    )
    stats = i18n.add_parser("stats", help="translated / fuzzy / untranslated, per locale and topic")
    stats.add_argument("--json", action="store_true", help="machine-readable output")
    i18n.add_parser("check", help="placeholders, inline syntax, numbers and sync with the sources")
    sub.add_parser("list", help="show topics, locales, brands, editions and papers")
    return p


def _split(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


def _print_outcome(o: Outcome) -> None:
    mark = {"built": "built  ", "skipped": "skipped", "failed": "FAILED "}[o.status]
    detail = f"{o.job.relpath} ({o.pages} pages)" if o.status == "built" else ""
    print(f"{mark} {o.job} {detail}".rstrip(), flush=True)
    if o.reason:
        for line in o.reason.splitlines():
            print(f"        {line}", file=sys.stderr if o.status == "failed" else sys.stdout)
    for w in o.warnings:
        print(f"        warning: {w}")


def _build(project: Project, args: argparse.Namespace) -> int:
    selection = Selection(
        topics=args.topics or None,
        locales=_split(args.locales),
        brands=_split(args.brands),
        editions=_split(args.editions),
        papers=_split(args.papers),
    )
    if args.out.exists() and not args.out.is_dir():
        raise SelectionError(f"--out {args.out} is a file, not a folder")
    jobs = expand(project, selection)
    report = run(
        project, jobs, args.out, allow_incomplete=args.allow_incomplete, on_outcome=_print_outcome
    )
    print(
        f"\n{len(report.outcomes)} leaflet(s): {report.count('built')} built, "
        f"{report.count('skipped')} skipped, {report.count('failed')} failed. "
        f"Manifest: {report.manifest}"
    )
    return EXIT_OK if report.ok else EXIT_FAILED


def _check(project: Project) -> int:
    problems = check_project(project)
    for problem in problems:
        print(problem, file=sys.stderr)
    n = len(project.topics())
    if problems:
        print(f"{len(problems)} problem(s) found.", file=sys.stderr)
        return EXIT_FAILED
    print(
        f"ok: {n} topic(s), {len(project.brands())} brand(s), "
        f"{len(project.editions())} edition(s), templates and fonts checked."
    )
    return EXIT_OK


def _i18n(project: Project, args: argparse.Namespace) -> int:
    root = project.root
    if args.i18n == "extract":
        path, count = catalogs.extract_pot(root)
        print(f"{path.relative_to(root)}: {count} entries")
    elif args.i18n == "init":
        path = catalogs.init_locale(root, args.locale)
        print(
            f"created {path.relative_to(root)}: translate it, then run "
            f"'generate.py i18n check' and 'generate.py build --locale {args.locale}'"
        )
    elif args.i18n == "update":
        for r in catalogs.update_catalogs(root):
            print(
                f"{r.locale}: {r.kept} kept, {r.fuzzy} changed (now fuzzy), {r.new} new, "
                f"{r.obsolete} obsolete"
            )
    elif args.i18n == "compile":
        for path in catalogs.compile_catalogs(root):
            print(f"wrote {path.relative_to(root)}")
    elif args.i18n == "stats":
        rows = catalogs.catalog_stats(root, project.topics())
        if args.json:
            print(json.dumps([r.as_dict() for r in rows], indent=2))
        else:
            print(
                f"{'locale':8} {'part':16} {'translated':>10} {'fuzzy':>6} {'untransl.':>9} "
                f"{'words done':>10} {'words left':>10} {'%':>6}"
            )
            for r in rows:
                print(
                    f"{r.locale.replace('_', '-'):8} {r.part:16} {r.translated:>10} "
                    f"{r.fuzzy:>6} {r.untranslated:>9} {r.translated_words:>10} "
                    f"{r.fuzzy_words + r.untranslated_words:>10} {r.percent:>6.1f}"
                )
    elif args.i18n == "check":
        problems = catalogs.check_catalogs(root)
        for problem in problems:
            print(problem, file=sys.stderr)
        if problems:
            print(f"{len(problems)} problem(s) found.", file=sys.stderr)
            return EXIT_FAILED
        print(f"ok: {len(catalogs.catalog_locales(root))} catalog(s) checked.")
    return EXIT_OK


def _list(project: Project) -> int:
    print("topics:  ", ", ".join(project.topics()))
    print("locales: ", ", ".join(project.locales()))
    brands = []
    for b in project.brands():
        default = " (default)" if b == DEFAULT_BRAND else ""
        try:
            brand = project.brand(b)
        except HandoutError:
            brands.append(f"{b}{default} [invalid: see 'generate.py check']")
            continue
        brands.append(f"{b}{default} [{brand.name}; paper {brand.paper}]")
    print("brands:  ", "; ".join(brands))
    print("editions:", ", ".join(project.editions()))
    print("papers:  ", ", ".join(project.papers()))
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    root = args.root or Path(__file__).resolve().parent.parent
    project = Project(root.resolve())
    try:
        if args.command == "check":
            return _check(project)
        if args.command == "list":
            return _list(project)
        if args.command == "i18n":
            return _i18n(project, args)
        if args.command is None:
            args = _parser().parse_args(["build", *(argv or [])])
        return _build(project, args)
    except InputError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return EXIT_FAILED
    except HandoutError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
