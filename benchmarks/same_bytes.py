"""Byte-identity check: every leaflet of a project, built in one process in a given order ->
a JSON file of SHA-256 digests; two such files -> the leaflets whose bytes differ.

A change meant to be invisible (a cache, a faster path) must give the same bytes as the code
before it, whatever the build order. Build with the old commit and with the new one, in
several orders, and compare:

    python benchmarks/same_bytes.py build --out /tmp/old.json           # at the old commit
    python benchmarks/same_bytes.py build --order shuffle --out /tmp/new.json
    python benchmarks/same_bytes.py compare /tmp/old.json /tmp/new.json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from handoutgen.build import build_one  # noqa: E402
from handoutgen.leaflet import Selection, expand  # noqa: E402
from handoutgen.project import Project  # noqa: E402


def digests(root: Path, order: str, topics: list[str] | None) -> dict[str, str]:
    """Every topic x locale x brand x edition x paper, built in ``order`` in this process:
    leaflet -> SHA-256 of its PDF, or its status when it was not built."""
    project = Project(root)
    every = ["*"]
    jobs = expand(project, Selection(topics or every, every, every, every, every))
    if order == "reverse":
        jobs.reverse()
    elif order == "shuffle":
        random.Random(7).shuffle(jobs)
    out = {}
    for job in jobs:
        rendered, outcome = build_one(project, job)
        out[str(job)] = hashlib.sha256(rendered.pdf).hexdigest() if rendered else outcome.status
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="build every leaflet and write their digests")
    build.add_argument("--root", type=Path, default=ROOT, help="project root (default: this one)")
    build.add_argument("--order", choices=("forward", "reverse", "shuffle"), default="forward")
    build.add_argument("--topic", action="append", dest="topics", help="only these topics")
    build.add_argument("--out", type=Path, required=True)
    compare = sub.add_parser("compare", help="list the leaflets whose digests differ")
    compare.add_argument("before", type=Path)
    compare.add_argument("after", type=Path)
    args = parser.parse_args(argv)
    if args.command == "build":
        found = digests(args.root.resolve(), args.order, args.topics)
        args.out.write_text(json.dumps(found, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        built = sum(1 for v in found.values() if len(v) == 64)
        print(f"{len(found)} leaflets, {built} built: {args.out}")
        return 0
    before = json.loads(args.before.read_text(encoding="utf-8"))
    after = json.loads(args.after.read_text(encoding="utf-8"))
    differ = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    for key in differ:
        print(f"differs: {key}: {before.get(key, 'absent')} -> {after.get(key, 'absent')}")
    print(f"{len(before)} vs {len(after)} leaflets, {len(differ)} differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
