"""The ``i18n`` command: extract, init, update, compile, stats, check -> the translator workflow's
results printed, and an exit code."""

from __future__ import annotations

import argparse
import json
import sys

from . import EXIT_FAILED, EXIT_OK

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..project import Project


def run(project: Project, args: argparse.Namespace) -> int:
    from ..i18n import checks, stats, workflow

    root = project.root
    if args.i18n == "extract":
        path, count = workflow.extract_pot(root)
        print(f"{path.relative_to(root)}: {count} entries")
    elif args.i18n == "init":
        path = workflow.init_locale(root, args.locale)
        print(
            f"created {path.relative_to(root)}: translate it, then run "
            f"'generate.py i18n check' and 'generate.py build --locale {args.locale}'"
        )
    elif args.i18n == "update":
        for r in workflow.update_catalogs(root, args.locales):
            print(
                f"{r.locale}: {r.kept} kept, {r.fuzzy} changed (now fuzzy), {r.new} new, "
                f"{r.obsolete} obsolete"
            )
    elif args.i18n == "compile":
        for path in workflow.compile_catalogs(root):
            print(f"wrote {path.relative_to(root)}")
    elif args.i18n == "stats":
        rows = stats.catalog_stats(root, project.topics(), args.locales)
        if args.json:
            print(json.dumps([r.as_dict() for r in rows], indent=2))
        else:
            inherits = any(r.inherited for r in rows)  # a regional catalog over its parent
            print(
                f"{'locale':8} {'part':16} {'translated':>10} "
                + (f"{'inherited':>9} " if inherits else "")
                + f"{'fuzzy':>6} {'untransl.':>9} {'words done':>10} {'words left':>10} {'%':>6}"
            )
            for r in rows:
                print(
                    f"{r.locale.replace('_', '-'):8} {r.part:16} {r.translated:>10} "
                    + (f"{r.inherited:>9} " if inherits else "")
                    + f"{r.fuzzy:>6} {r.untranslated:>9} "
                    f"{r.translated_words + r.inherited_words:>10} "
                    f"{r.fuzzy_words + r.untranslated_words:>10} {r.percent:>6.1f}"
                )
            if inherits:
                print("inherited: empty in a regional catalog, printed from its parent's")
    elif args.i18n == "review":
        path, covered = workflow.stamp_review(root, args.locale, args.by)
        print(
            f"{path.relative_to(root)}: reviewed by {args.by.strip()} ({covered} entries); "
            "the stamp prints until a translation changes"
        )
    elif args.i18n == "check":
        problems = checks.check_catalogs(root, args.locales)
        for problem in problems:
            print(problem, file=sys.stderr)
        if problems:
            print(f"{len(problems)} problem(s) found.", file=sys.stderr)
            return EXIT_FAILED
        checked = workflow.selected_locales(root, args.locales)
        print(f"ok: {len(checked)} catalog(s) checked.")
    return EXIT_OK
