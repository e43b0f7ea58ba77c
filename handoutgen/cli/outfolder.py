"""The output folder's commands: ``manifest merge DIR`` and ``clean [--out DIR] [--dry-run]``
-> their options, their work (``write``, ``clean``), what they print and their exit code."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import __version__

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..project import Project

EXIT_OK, EXIT_FAILED = 0, 1
GENERATOR = f"handoutgen {__version__}"


def add_clean_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out", type=Path, default=Path("out"), help="output folder (default: out/)"
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="list what would be removed, remove nothing"
    )


def add_manifest_commands(parser: argparse.ArgumentParser) -> None:
    merges = parser.add_subparsers(dest="manifest", required=True)
    merge = merges.add_parser(
        "merge",
        help="fold the shard manifests in DIR (manifest.shard-I-of-N.json) into "
        "DIR/manifest.json; a missing or unreadable shard is an error (exit 1), the others "
        "are merged",
    )
    merge.add_argument("dir", type=Path)


def merge(project: Project, args: argparse.Namespace) -> int:
    from ..manifest import producible
    from ..write import merge_manifests

    path, count, problems = merge_manifests(args.dir, generator=GENERATOR, gone=producible(project))
    if count or not problems:
        print(f"merged {count} shard manifest(s) into {path}")
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    return EXIT_FAILED if problems else EXIT_OK


def clean(project: Project, args: argparse.Namespace) -> int:
    from ..clean import clean as remove
    from ..manifest import producible

    removed, problems = remove(
        args.out, gone=producible(project), generator=GENERATOR, dry_run=args.dry_run
    )
    verb = "would remove" if args.dry_run else "removed"
    for path, why in removed:
        print(f"{verb} {args.out / path} ({why})")
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    if args.out.is_dir():
        done = "to remove (dry run: nothing removed)" if args.dry_run else "removed"
        print(f"{len(removed)} leaflet(s) that no input produces any more {done}")
    return EXIT_FAILED if problems else EXIT_OK
