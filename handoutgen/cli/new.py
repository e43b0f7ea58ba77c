"""`new brand ID` / `new topic ID`: the shipped example brand or topic -> a copy under the
project's own id, ready for `check`, and what to do next."""

from __future__ import annotations

import argparse
import os
import re
import shutil
from pathlib import Path

from .. import engine
from ..errors import SelectionError
from ..project import DEFAULT_BRAND

ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")  # lowercase letters, digits, single hyphens
MAX_ID = 64  # characters: an id names a folder or file and appears in every output path
EXIT_OK = 0


def add_options(parser: argparse.ArgumentParser) -> None:
    kinds = parser.add_subparsers(dest="new", required=True, metavar="KIND")
    for kind, example, where in (
        ("brand", engine.EXAMPLE_BRAND, "templates/brands/ID/"),
        ("topic", engine.EXAMPLE_TOPIC, "handouts/ID.yaml"),
    ):
        p = kinds.add_parser(
            kind,
            help=f"a new {kind} in {where}, copied from the shipped example ({example})",
        )
        p.add_argument(
            "id", metavar="ID", help="lowercase letters, digits and hyphens, e.g. riverside-neuro"
        )


def checked_id(value: str, kind: str) -> str:
    if len(value) > MAX_ID or not ID.fullmatch(value):
        raise SelectionError(
            f"{kind} id {value!r}: use lowercase letters, digits and single hyphens "
            f"(at most {MAX_ID} characters), e.g. riverside-neuro"
        )
    return value


def _inside(root: Path, target: Path) -> Path:
    """``target`` if it lies inside ``root`` once every link on its way is followed (a
    templates/ or handouts/ that links elsewhere is refused), else SelectionError."""
    real_root = os.path.realpath(root)
    real = os.path.realpath(target)
    if not real.startswith(os.path.join(real_root, "")):
        raise SelectionError(f"{target}: outside the project folder {root} (a link?); not written")
    return target


def _title(ident: str) -> str:
    return " ".join(word.capitalize() for word in ident.split("-"))


def new_brand(root: Path, ident: str) -> list[str]:
    shipped = engine.engine_dir() / "templates" / "brands"
    source = shipped / engine.EXAMPLE_BRAND
    target = _inside(root, root / "templates" / "brands" / ident)
    if target.exists() or target.is_symlink():
        raise SelectionError(f"{target}: brand {ident!r} exists already; not changed")
    first = not target.parent.exists()  # the project used the engine's brands until now
    staging = target.with_name(f".{ident}.new")
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(source, staging, symlinks=False)
    brand = staging / "brand.yaml"
    text = brand.read_text(encoding="utf-8")
    name = _title(ident)
    text = re.sub(r"(?m)^name: .*$", f"name: {name}", text, count=1)
    text = re.sub(r"(?m)^footer_text: .*$", f"footer_text: {name}", text, count=1)
    brand.write_text(text, encoding="utf-8")
    os.replace(staging, target)  # all or nothing: no half-copied brand folder
    shown = target.relative_to(root).as_posix()
    kept = []
    default = target.parent / DEFAULT_BRAND
    if first and ident != DEFAULT_BRAND:  # a build that names no brand still finds one
        shutil.copytree(shipped / DEFAULT_BRAND, default)
        kept = [
            f"  {default.relative_to(root).as_posix()}/ (the engine's default brand: "
            "a build that names no brand uses it; edit or remove it)"
        ]
    return [
        f"created {shown}/ (from the example brand {engine.EXAMPLE_BRAND}):",
        *(f"  {shown}/{p.name}" for p in sorted(target.iterdir())),
        *kept,
        "next:",
        f"  1. edit {shown}/brand.yaml: name, address, phone, website, emergency_number, "
        "paper, colours (its keys: templates/brand.schema.json)",
        "  2. replace the logo, or remove the logo and logo_alt lines",
        "  3. handoutgen check",
        f"  4. handoutgen build --brand {ident}",
    ]


def new_topic(root: Path, ident: str) -> list[str]:
    shipped = engine.engine_dir() / engine.MARKER
    source = shipped / f"{engine.EXAMPLE_TOPIC}.yaml"
    handouts = _inside(root, root / engine.MARKER)
    target = _inside(root, handouts / f"{ident}.yaml")
    if target.exists() or target.is_symlink():
        raise SelectionError(f"{target}: topic {ident!r} exists already; not changed")
    text = source.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^id: .*$", f"id: {ident}", text, count=1)
    text = re.sub(r"(?m)^code: .*$", f"code: {ident.upper()}", text, count=1)
    text = re.sub(r"(?m)^title: .*$", f"title: {_title(ident)}", text, count=1)
    handouts.mkdir(parents=True, exist_ok=True)
    created = []
    schema = handouts / "handout.schema.json"  # editors complete keys from it
    if not schema.exists():
        shutil.copyfile(shipped / "handout.schema.json", schema)
        created.append(schema)
    staging = handouts / f".{ident}.yaml.new"
    staging.write_text(text, encoding="utf-8")
    os.replace(staging, target)
    created.append(target)
    return [
        f"created (from the example topic {engine.EXAMPLE_TOPIC}):",
        *(f"  {p.relative_to(root).as_posix()}" for p in created),
        "next:",
        f"  1. write {target.relative_to(root).as_posix()}: title, summary, sections (README "
        "'For authors: a new topic'); keep review_status: not-clinically-reviewed until a "
        "clinician signs it off",
        "  2. handoutgen check",
        f"  3. handoutgen build {ident}     (English; other languages are skipped until "
        "translated)",
        "  4. for translators: handoutgen i18n update, translate the new entries, "
        "handoutgen i18n check (until then, build --allow-incomplete makes marked drafts)",
    ]


def run(root: Path, args: argparse.Namespace) -> int:
    ident = checked_id(args.id, args.new)
    for line in (new_brand if args.new == "brand" else new_topic)(root, ident):
        print(line)
    return EXIT_OK
