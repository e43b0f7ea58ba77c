"""The review report: every topic's review dates and status and every catalog's reviewer and
revision date -> a table or JSON (``generate.py review``); and ``check``'s warnings for
reviews that fall due soon."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from .. import review
from ..errors import HandoutError
from ..i18n.workflow import catalog_locales, load, po_path
from ..project import Project

REVIEWER = "X-Reviewed-By"


def add_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--json",
        action="store_true",
        default=argparse.SUPPRESS,  # `generate.py --json review` too (output.settle)
        help="print JSON instead of a table (default: a table)",
    )
    parser.add_argument(
        "--due",
        type=int,
        metavar="DAYS",
        default=None,
        help="list only topics due for review within DAYS days, or overdue (default: all)",
    )


def topics(project: Project) -> list[dict[str, Any]]:
    on = review.today()
    warn = review.warn_days(project.templates_dir, project.root)
    rows = []
    for topic in project.topics():
        try:
            state = review.state(topic, project.handout(topic), on)
        except HandoutError as exc:
            rows.append({"topic": topic, "status": "invalid", "problem": str(exc)})
            continue
        rows.append(
            {
                "topic": topic,
                "version": state.version,
                "review_status": state.review_status,
                "last_reviewed": state.last_reviewed.isoformat(),
                "next_review": state.next_review.isoformat(),
                "days_left": state.days_left,
                "status": state.status(warn),
            }
        )
    return rows


def catalogs(project: Project) -> list[dict[str, Any]]:
    rows = []
    for babel_id in catalog_locales(project.root):
        po = load(po_path(project.root, babel_id))
        entries = [e for e in po if not e.obsolete]
        done = [e for e in entries if e.msgstr and "fuzzy" not in e.flags]
        rows.append(
            {
                "locale": babel_id.replace("_", "-"),
                "reviewed_by": (po.metadata.get(REVIEWER) or "").strip() or None,
                "revised": (po.metadata.get("PO-Revision-Date") or "").strip() or None,
                "translated": f"{len(done)}/{len(entries)}",
            }
        )
    return rows


def run(project: Project, args: argparse.Namespace) -> int:
    """Print the report; exit 1 if a listed topic is overdue (a cron job's signal)."""
    rows = topics(project)
    if args.due is not None:
        rows = [r for r in rows if r.get("days_left", 0) <= args.due]
    report = {"today": review.today().isoformat(), "topics": rows, "catalogs": catalogs(project)}
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        print(f"Reviews as of {report['today']}:")
        for r in rows:
            if r["status"] == "invalid":
                print(f"  {r['topic']:<24} invalid: see 'generate.py check'")
                continue
            left = r["days_left"]
            when = f"overdue by {-left} day(s)" if left < 0 else f"due in {left} day(s)"
            print(
                f"  {r['topic']:<24} v{r['version']:<6} {r['status']:<9} next review "
                f"{r['next_review']} ({when}); last {r['last_reviewed']}; {r['review_status']}"
            )
        print("Catalogs:")
        for c in report["catalogs"]:
            print(
                f"  {c['locale']:<8} {c['translated']:>8} translated; reviewed by "
                f"{c['reviewed_by'] or 'nobody yet'}; revised {c['revised'] or '-'}"
            )
    return 1 if any(r["status"] == "overdue" for r in rows) else 0


def warnings(project: Project) -> list[str]:
    """Reviews overdue or due within the policy's window, for ``check`` (not errors)."""
    out = []
    for r in topics(project):
        if r["status"] == "overdue":
            out.append(
                f"warning: {r['topic']}: review overdue since {r['next_review']} "
                "(builds refuse it without --allow-overdue)"
            )
        elif r["status"] == "due soon":
            out.append(f"warning: {r['topic']}: review due {r['next_review']}")
    return out


def print_warnings(project: Project) -> None:
    for line in warnings(project):
        print(line, file=sys.stderr)
