"""Command line arguments: argv -> the parsed namespace (argparse), declaring only the options
of the command argv names."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .. import __version__

TYPE_CHECKING = False  # not typing's: importing typing costs every run 3 ms

if TYPE_CHECKING:
    from typing import Any

COMMANDS = ("build", "manifest", "clean", "check", "i18n", "list", "review", "serve", "lint")
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
        from .outfolder import add_manifest_commands

        add_manifest_commands(m)
    c = command("clean", help="remove the PDFs in --out that no input produces any more")
    if wanted == "clean":
        from .outfolder import add_clean_options

        add_clean_options(c)
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
    s = command("serve", help="the front-desk web page: find, preview and print leaflets")
    if wanted == "serve":
        from .serve import add_options as serve_options

        serve_options(s)
    lint = command(
        "lint",
        help="measure leaflets as printed: readability and structure (templates/lint.yaml)",
        description="Measure each selected leaflet as printed (content and template "
        "wording, the brand's values filled in) against templates/lint.yaml. Default: every "
        "topic and locale, the default brand, the standard edition.",
    )
    if wanted == "lint":
        from .lint import add_options as lint_options

        lint_options(lint)
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
    update = i18n.add_parser(
        "update",
        help="re-extract and merge into every catalog, or LOCALE's (changed strings "
        "become fuzzy, with the old source text in #| lines)",
    )
    i18n.add_parser(
        "compile", help="write .mo files next to the catalogs (builds do not need them)"
    )
    stats = i18n.add_parser("stats", help="translated / fuzzy / untranslated, per locale and topic")
    stats.add_argument("--json", action="store_true", help="machine-readable output")
    check = i18n.add_parser(
        "check", help="placeholders, inline syntax, numbers, plural forms and sync with the sources"
    )
    for verb in (update, stats, check):  # one language, or several; none: every catalog
        verb.add_argument(
            "locales",
            nargs="*",
            metavar="LOCALE",
            type=nonempty("locale", glob=False),
            help="BCP-47 tag of a catalog, e.g. es (default: every catalog)",
        )
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
