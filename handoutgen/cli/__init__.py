"""Command line: argv -> a build, check or list run, printed results and an exit code.
The only module that prints."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..errors import HandoutError, InputError, SelectionError
from .parser import COMMANDS, _command, _parser  # noqa: F401 (tests use them)

TYPE_CHECKING = False  # not typing's: importing typing costs every run 3 ms

if TYPE_CHECKING:  # the engine loads only when a command needs it: --help stays fast
    from ..project import Project

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _split(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


def _stamp(root: Path, args: argparse.Namespace) -> str:
    from ..cache.inputs import stamp

    return stamp(root, _selection_key(args))


def _identity(root: Path, args: argparse.Namespace) -> str | None:
    from ..cache.inputs import identity

    return identity(root, _selection_key(args))


def _selection_key(args: argparse.Namespace) -> tuple[object, ...]:
    from .. import review

    return (
        args.topics,
        _split(args.locales),
        _split(args.brands),
        _split(args.editions),
        _split(args.papers),
        review.today().isoformat(),  # a leaflet can fall overdue overnight
        str(args.out),
    )


def _unchanged(root: Path, args: argparse.Namespace) -> int | None:
    """A no-op rebuild answered from the manifest alone: same selection, no input file
    touched since a run in which nothing failed (None: do the real check)."""
    if args.force or args.shard or not (args.out / "manifest.json").is_file():
        return None
    from .. import cache

    if not cache.enabled():
        return None
    from ..cache.inputs import identity
    from ..manifest import stamped_entries
    from .report import left_out

    quick = identity(root, _selection_key(args))
    found = stamped_entries(
        args.out,
        lambda r: (
            (quick is not None and r.get("identity") == quick)
            or r.get("inputs") == _stamp(root, args)
        ),
    )
    if found is None or not _same_made(found, args):
        return None
    total, skipped = int(found.get("leaflets", 0)), int(found.get("skipped", 0))
    left_out(root)
    print(
        f"{total} leaflet(s): 0 built, {skipped} skipped, 0 failed, {total - skipped} up to "
        f"date (no input changed since the last complete run). Manifest: "
        f"{args.out / 'manifest.json'}"
    )
    return EXIT_FAILED if args.strict and found.get("warnings") else EXIT_OK


def _same_made(stamped: dict[str, object], args: argparse.Namespace) -> bool:
    """Whether this run's options would make what the stamped run made: they change only
    incomplete translations (skipped, or drafts) and leaflets past their review date."""
    counts = [stamped.get(k) for k in ("skipped", "drafts", "overdue")]
    if not all(isinstance(n, int) for n in counts):
        return False
    skipped, drafts, overdue = counts
    return not (
        (args.allow_incomplete and skipped)
        or (drafts and not args.allow_incomplete)
        or (overdue and not args.allow_overdue)
    )


def _build(project: Project, args: argparse.Namespace) -> int:
    from ..batch import BatchOptions, run
    from ..leaflet import Selection, expand
    from .report import Progress, left_out, print_outcome, summary

    selection = Selection(
        topics=args.topics or None,
        locales=_split(args.locales),
        brands=_split(args.brands),
        editions=_split(args.editions),
        papers=_split(args.papers),
    )
    if args.out.exists() and not args.out.is_dir():
        raise SelectionError(f"--out {args.out} is a file, not a folder")
    from .selection import check_tags

    why = check_tags(project.root, selection.locales)
    if why:
        raise SelectionError(why)
    jobs = expand(project, selection)
    options = BatchOptions(
        out=args.out,
        jobs=max(1, args.jobs),
        force=args.force,
        allow_incomplete=args.allow_incomplete,
        allow_overdue=args.allow_overdue,
        shard=args.shard,
        stamp=None if args.shard else _stamp(project.root, args),
        identity=None if args.shard else _identity(project.root, args),
    )
    live = sys.stderr.isatty() and sys.stdout.isatty()
    report = run(project, jobs, options, on_outcome=Progress(len(jobs)) if live else print_outcome)
    summary(report)
    left_out(project.root)
    print(
        f"\n{len(report.outcomes)} leaflet(s): {report.count('built')} built, "
        f"{report.count('skipped')} skipped, {report.count('failed')} failed, "
        f"{report.count('up to date')} up to date. Manifest: {report.manifest or 'not saved'}"
    )
    for problem in report.problems:  # the output folder's: a full disk, a read-only folder
        print(f"error: {problem}", file=sys.stderr)
    if report.interrupted:
        return 130
    if not report.ok or (args.strict and report.warnings):
        return EXIT_FAILED
    return EXIT_OK


def _check(project: Project) -> int:
    from ..checks import check_project
    from .review import print_warnings

    problems = check_project(project)
    print_warnings(project)  # reviews falling due: warnings, not problems
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


def _list(project: Project) -> int:
    from ..project import DEFAULT_BRAND

    print("topics:  ", ", ".join(project.topics()))
    print("locales: ", ", ".join(project.locales()))
    first, *others = project.locales()
    for other in others[:1]:  # two languages side by side (bilingual.py)
        print("pairs:   ", f"two locales joined by '+', side by side: {other}+{first}, '*+{first}'")
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
    """Run the command ``argv`` names; everything it prints goes through streams that show
    data's control characters escaped (``report.SafeText``)."""
    from .report import SafeText

    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = SafeText(out), SafeText(err)
    try:
        return _main(argv)
    except Exception as exc:  # a bug: said in one line, as every other problem is
        print(f"internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        sys.stdout, sys.stderr = out, err


def _main(argv: list[str] | None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = _parser(argv).parse_args(argv)
    root = args.root or Path(__file__).resolve().parent.parent.parent
    if getattr(args, "no_cache", False):
        from .. import cache

        cache.set_enabled(False)
    if args.command in (None, "build"):
        # no command: build everything (the top level takes no build options)
        build_args = args if args.command else _parser(["build"]).parse_args(["build"])
        answered = _unchanged(root.resolve(), build_args)
        if answered is not None:
            return answered

    from ..project import Project
    from ..rl import mismatch

    if args.command in (None, "build", "check"):
        warning = mismatch()
        if warning:
            print(f"warning: {warning}", file=sys.stderr)
    project = Project(root.resolve())
    try:
        if args.command == "check":
            return _check(project)
        if args.command == "list":
            return _list(project)
        if args.command == "review":
            from .review import run as review_report

            return review_report(project, args)
        if args.command == "serve":
            from .serve import run as serve

            return serve(project, args)
        if args.command == "lint":
            from .lint import run as lint

            return lint(project, args)
        if args.command == "i18n":
            from .i18n import run as i18n

            return i18n(project, args)
        if args.command in ("manifest", "clean"):
            from . import outfolder

            return (outfolder.merge if args.command == "manifest" else outfolder.clean)(
                project, args
            )
        if args.command is None:
            args = build_args
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
    except BrokenPipeError:  # `generate.py ... | head`: the reader has gone, like a C tool stop
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # nothing more to flush at exit
        return 128 + 13  # SIGPIPE
