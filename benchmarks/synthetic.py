"""Synthetic leaflet library for the benchmarks: many topics x locales from the real content."""

from __future__ import annotations

import copy
import random
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import polib
import yaml

from handoutgen.project import Project

ROOT = Path(__file__).resolve().parent.parent
SOURCE_TOPIC = "neuromyotonia"
SOURCE_LOCALE = "en"
LIST_TYPES = ("bullets", "steps", "checklist", "definitions")


def topic_ids(topics: int) -> list[str]:
    """The library's topics: the real one plus ``topics - 1`` synthetic ones (t0001, ...)."""
    return [SOURCE_TOPIC, *(f"t{i:04d}" for i in range(1, topics))]


def _rotate(items: list[Any], rng: random.Random) -> list[Any]:
    if len(items) < 2:
        return items
    k = rng.randrange(len(items))
    return items[k:] + items[:k]


def _vary_block(block: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    if block["type"] in LIST_TYPES:
        block["items"] = _rotate(block["items"], rng)
    elif block["type"] == "table":
        block["rows"] = _rotate(block["rows"], rng)
    elif block["type"] == "callout":
        block["blocks"] = [_vary_block(b, rng) for b in block["blocks"]]
    return block


def vary(source: dict[str, Any], topic: str, index: int, seed: int) -> dict[str, Any]:
    """A copy of ``source`` as topic ``topic``: sections and blocks shuffled, list items and
    table rows rotated, one or two blocks dropped. Strings are unchanged, so translations apply."""
    rng = random.Random(f"{seed}:{topic}")
    data = copy.deepcopy(source)
    data["id"] = topic
    data["code"] = f"SYN-{index:04d}"
    sections = data["sections"]
    rng.shuffle(sections)
    for section in sections:
        rng.shuffle(section["blocks"])
        section["blocks"] = [_vary_block(b, rng) for b in section["blocks"]]
    for _ in range(rng.randint(1, 2)):
        candidates = [s for s in sections if len(s["blocks"]) > 1]
        if candidates:
            section = rng.choice(candidates)
            section["blocks"].pop(rng.randrange(len(section["blocks"])))
    return data


def _write_catalog(path: Path, topics: Sequence[str]) -> None:
    """Duplicate every ``neuromyotonia/...`` entry for each synthetic topic."""
    po = polib.pofile(str(path), wrapwidth=0)
    prefix = f"{SOURCE_TOPIC}/"
    originals = [e for e in po if e.msgctxt and e.msgctxt.startswith(prefix) and not e.obsolete]
    for topic in topics:
        if topic == SOURCE_TOPIC:
            continue
        for entry in originals:
            assert entry.msgctxt is not None
            po.append(
                polib.POEntry(
                    msgctxt=f"{topic}/{entry.msgctxt[len(prefix) :]}",
                    msgid=entry.msgid,
                    msgstr=entry.msgstr,
                    msgid_plural=entry.msgid_plural,
                    msgstr_plural=dict(entry.msgstr_plural),
                    flags=list(entry.flags),
                    comment=entry.comment,
                )
            )
    po.wrapwidth = 0
    po.save(str(path))


def build_library(
    root: Path,
    *,
    topics: int = 50,
    locales: Sequence[str] = ("en", "es", "de", "tr"),
    seed: int = 1,
) -> Project:
    """Write a library of ``topics`` topics (the real one included) and the catalogs of
    ``locales`` into ``root`` (which must not exist) and return its Project."""
    root.mkdir(parents=True)
    for folder in ("handouts", "templates", "fonts"):
        shutil.copytree(ROOT / folder, root / folder)
    shutil.copy2(ROOT / "babel.cfg", root / "babel.cfg")
    (root / "locales").mkdir()
    for item in (ROOT / "locales").iterdir():
        if item.is_file():
            shutil.copy2(item, root / "locales" / item.name)
    ids = topic_ids(topics)
    source = yaml.safe_load((ROOT / "handouts" / f"{SOURCE_TOPIC}.yaml").read_text("utf-8"))
    for index, topic in enumerate(ids):
        if topic == SOURCE_TOPIC:
            continue
        text = yaml.safe_dump(
            vary(source, topic, index, seed), sort_keys=False, allow_unicode=True, width=10_000
        )
        (root / "handouts" / f"{topic}.yaml").write_text(text, encoding="utf-8")
    for locale in locales:
        if locale == SOURCE_LOCALE:
            continue
        src = ROOT / "locales" / locale.replace("-", "_") / "LC_MESSAGES"
        dst = root / "locales" / locale.replace("-", "_") / "LC_MESSAGES"
        dst.mkdir(parents=True)
        shutil.copy2(src / "handouts.po", dst / "handouts.po")
        _write_catalog(dst / "handouts.po", ids)
    return Project(root)


@contextmanager
def library(
    *, topics: int = 50, locales: Sequence[str] = ("en", "es", "de", "tr"), seed: int = 1
) -> Iterator[Project]:
    """A synthetic library in a temporary folder, removed afterwards."""
    tmp = Path(tempfile.mkdtemp(prefix="handoutgen-bench-"))
    try:
        yield build_library(tmp / "library", topics=topics, locales=locales, seed=seed)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
