"""Command line: argv -> a build, check or list run, printed results and an exit code.
The only module that prints."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .. import __version__
from ..errors import HandoutError, InputError, SelectionError

TYPE_CHECKING = False  # not typing's: importing typing costs every run 3 ms

if TYPE_CHECKING:  # the engine loads only when a command needs it: --help stays fast
    from typing import Any

    from ..project import Project

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


COMMANDS = ("build", "manifest", "check", "i18n", "list", "review")
NO_CACHE_HELP = (
    "no caches, on disk or in memory, and ReportLab's own classes: every leaflet is built "
    "from its sources (the same bytes, slower); also HANDOUTGEN_NO_CACHE=1"
)


def _command(argv: list[str]) -> str | None:
    """The command ``argv`` names (the first word that is not an option), or None."""
    words = iter(argv)
    for word in words:
        if len(word) >= 3 and "--root".startswith(word):  # argparse takes --r, --ro, --roo
            next(words, None)
        elif not word.startswith("-"):
            return word if word in COMMANDS else None
    return None


class _Formatter(argparse.HelpFormatter):
    """argparse's help layout at the width argparse would choose, without importing shutil
    for it: argparse makes a formatter for every option it declares. The width is worked out
    as shutil.get_terminal_size does it: COLUMNS, else the terminal, else 80; minus 2."""

    def __init__(self, prog: str, **kw: Any) -> None:
        if kw.get("width") is None:
            try:
                columns = int(os.environ["COLUMNS"])
            except (KeyError, ValueError):
                columns = 0
            if columns <= 0:
                try:
                    columns = os.get_terminal_size(sys.__stdout__.fileno()).columns or 80
                except (AttributeError, ValueError, OSError):
                    columns = 80
            kw["width"] = columns - 2
        super().__init__(prog, **kw)


def _parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The command line. Every command is listed, but only the one ``argv`` names declares its
    options: each declaration costs argparse a few gettext look-ups on disk, and a no-op
    rebuild takes about 40 ms in all."""
    wanted = _command(sys.argv[1:] if argv is None else argv)
    p = argparse.ArgumentParser(
        prog="generate.py",
        formatter_class=_Formatter,
        description="Build printable patient leaflets. With no command: build everything.",
    )
    p.add_argument("--version", action="version", version=f"handoutgen {__version__}")
    p.add_argument("--root", type=Path, default=None, help=argparse.SUPPRESS)
    p.add_argument("--no-cache", action="store_true", help=NO_CACHE_HELP)
    sub = p.add_subparsers(dest="command")

    def command(name: str, **kw: Any) -> argparse.ArgumentParser:
        return sub.add_parser(name, formatter_class=_Formatter, **kw)

    b = command(
        "build",
        help="build leaflets (default: everything)",
        description="Build leaflets. With no selection: every topic, locale and "
        "brand. Otherwise unselected dimensions default to the source locale, the "
        "default brand, the standard edition and the brand's paper. Values may "
        "be globs ('*') and may repeat or be comma-separated.",
    )
    if wanted == "build":
        _build_options(b)
    m = command("manifest", help="manifest tools")
    if wanted == "manifest":
        merges = m.add_subparsers(dest="manifest", required=True)
        merge = merges.add_parser(
            "merge", help="fold shard manifests in DIR into DIR/manifest.json"
        )
        merge.add_argument("dir", type=Path)
    command("check", help="validate every content, brand, theme and template file")
    i18n = command(
        "i18n", help="translation catalogs: extract, init, update, compile, stats, check"
    )
    if wanted == "i18n":
        _i18n_commands(i18n)
    command("list", help="show topics, locales, brands, editions and papers")
    r = command("review", help="review dates and status of every topic and catalog")
    if wanted == "review":
        from .review import add_options

        add_options(r)
    return p


def _build_options(b: argparse.ArgumentParser) -> None:
    from .selection import nonempty  # '' (an unset variable) is a usage error, never "all"

    b.add_argument("topics", nargs="*", type=nonempty("topic"), help="topic ids (default: all)")
    b.add_argument(
        "--locale", action="append", dest="locales", metavar="TAG", type=nonempty("locale")
    )
    b.add_argument("--brand", action="append", dest="brands", metavar="ID", type=nonempty("brand"))
    b.add_argument(
        "--paper", action="append", dest="papers", metavar="NAME", type=nonempty("paper")
    )
    b.add_argument(
        "--edition", action="append", dest="editions", metavar="NAME", type=nonempty("edition")
    )
    b.add_argument("--out", type=Path, default=Path("out"), help="output folder (default: out/)")
    b.add_argument(
        "--allow-incomplete",
        action="store_true",
        help="build incomplete translations as marked drafts instead of skipping",
    )
    b.add_argument(
        "--allow-overdue",
        action="store_true",
        help="build leaflets past their review date, marked 'Review overdue' on every page "
        "(default: refused)",
    )
    b.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=os.cpu_count() or 1,
        metavar="N",
        help="worker processes (default: the number of CPUs)",
    )
    b.add_argument(
        "--force", action="store_true", help="rebuild leaflets whose inputs have not changed"
    )
    b.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    b.add_argument("--no-cache", action="store_true", default=argparse.SUPPRESS, help=NO_CACHE_HELP)
    b.add_argument(
        "--shard",
        metavar="I/N",
        type=_shard,
        help="build only the I-th of N deterministic slices (1-based); each shard "
        "writes manifest.shard-I-of-N.json, which 'manifest merge' folds together",
    )


def _i18n_commands(parser: argparse.ArgumentParser) -> None:
    from .selection import nonempty

    i18n = parser.add_subparsers(dest="i18n", required=True)
    i18n.add_parser("extract", help="write locales/handouts.pot from the content and templates")
    init = i18n.add_parser("init", help="start a catalog for a new locale")
    init.add_argument(
        "locale", type=nonempty("locale", glob=False), help="BCP-47 tag, e.g. es, pt-BR"
    )
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
    stamp = i18n.add_parser(
        "review",
        help="record that a medical translator checked a catalog as it is now (the stamp "
        "prints on its leaflets until a translation changes)",
    )
    stamp.add_argument("locale", type=nonempty("locale", glob=False), help="BCP-47 tag, e.g. es")
    stamp.add_argument("--by", required=True, help="the reviewer's name and role")


def _shard(value: str) -> tuple[int, int]:
    try:
        index, count = (int(v) for v in value.split("/"))
    except ValueError:
        raise argparse.ArgumentTypeError("expected I/N, e.g. 2/4") from None
    if not (count >= 1 and 1 <= index <= count):
        raise argparse.ArgumentTypeError(f"{value}: need 1 <= I <= N")
    return index, count


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
        args.allow_incomplete,
        args.allow_overdue,
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
    from ..write import stamped_entries
    from .report import left_out

    quick = identity(root, _selection_key(args))
    found = stamped_entries(
        args.out,
        lambda r: (
            (quick is not None and r.get("identity") == quick)
            or r.get("inputs") == _stamp(root, args)
        ),
    )
    if found is None:
        return None
    total, skipped = int(found.get("leaflets", 0)), int(found.get("skipped", 0))
    left_out(root)
    print(
        f"{total} leaflet(s): 0 built, {skipped} skipped, 0 failed, {total - skipped} up to "
        f"date (no input changed since the last complete run). Manifest: "
        f"{args.out / 'manifest.json'}"
    )
    return EXIT_FAILED if args.strict and found.get("warnings") else EXIT_OK


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
        if args.command == "i18n":
            from .i18n import run as i18n

            return i18n(project, args)
        if args.command == "manifest":
            from ..write import merge_manifests

            path, count, problems = merge_manifests(args.dir, generator=f"handoutgen {__version__}")
            print(f"merged {count} shard manifest(s) into {path}")
            for problem in problems:
                print(problem, file=sys.stderr)
            return EXIT_FAILED if problems else EXIT_OK
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
