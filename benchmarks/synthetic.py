"""Synthetic leaflet library for the benchmarks: many topics x locales from the real content."""

from __future__ import annotations

import copy
import random
import re
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


# what a word must not be taken out of: escapes, bold marks, links, placeholders
_MARKUP = re.compile(r"\\.|\*\*|\[[^\]]*\]\([^)]*\)|\{[^}]*\}")


def _drop_words(segment: str, rng: random.Random) -> str:
    words = segment.split(" ")
    if len(words) < 6:
        return segment
    kept = [
        w
        for i, w in enumerate(words)
        if not (0 < i < len(words) - 1 and w.isalpha() and rng.random() < 0.15)
    ]
    return " ".join(kept)


def vary_text(text: str, key: str) -> str:
    """``text`` with about one plain word in seven left out (never inside markup, never a
    word with punctuation), chosen by ``key``. Each topic words its paragraphs a little
    differently, as real topics have their own text: nothing one topic laid out (line breaks,
    fragments) fits another's paragraph, for the project's reuse and Typst's memoisation
    alike. Template wording and brand details stay shared, as in a real library."""
    rng = random.Random(key)
    out, pos = [], 0
    for m in _MARKUP.finditer(text):
        out += [_drop_words(text[pos : m.start()], rng), m.group(0)]
        pos = m.end()
    out.append(_drop_words(text[pos:], rng))
    return "".join(out)


def _vary_strings(node: Any, topic: str, texts: set[str]) -> Any:
    """Every translatable string (one of ``texts``) of a topic's data, varied for ``topic``."""
    if isinstance(node, dict):
        return {k: _vary_strings(v, topic, texts) for k, v in node.items()}
    if isinstance(node, list):
        return [_vary_strings(v, topic, texts) for v in node]
    if isinstance(node, str) and node in texts:
        return vary_text(node, f"{topic}|{node}")
    return node


def vary(
    source: dict[str, Any], topic: str, index: int, seed: int, texts: set[str] | None = None
) -> dict[str, Any]:
    """A copy of ``source`` as topic ``topic``: sections and blocks shuffled, list items and
    table rows rotated, one or two blocks dropped, and each of ``texts`` (the translatable
    strings) varied by ``vary_text``; the catalogs get the same variation."""
    rng = random.Random(f"{seed}:{topic}")
    data = copy.deepcopy(source)
    if texts:
        data = _vary_strings(data, topic, texts)
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


def _texts(path: Path) -> set[str]:
    """The source topic's translatable strings (the msgids of its catalog entries)."""
    po = polib.pofile(str(path), wrapwidth=0)
    prefix = f"{SOURCE_TOPIC}/"
    return {
        e.msgid
        for e in po
        if e.msgctxt and e.msgctxt.startswith(prefix) and not e.obsolete and not e.msgid_plural
    }


def _write_catalog(path: Path, topics: Sequence[str]) -> None:
    """Duplicate every ``neuromyotonia/...`` entry for each synthetic topic, source text and
    translation varied for that topic (``vary_text``)."""
    po = polib.pofile(str(path), wrapwidth=0)
    prefix = f"{SOURCE_TOPIC}/"
    originals = [e for e in po if e.msgctxt and e.msgctxt.startswith(prefix) and not e.obsolete]
    for topic in topics:
        if topic == SOURCE_TOPIC:
            continue
        for entry in originals:
            assert entry.msgctxt is not None
            plural = bool(entry.msgid_plural)
            key = f"{topic}|{entry.msgid}"
            po.append(
                polib.POEntry(
                    msgctxt=f"{topic}/{entry.msgctxt[len(prefix) :]}",
                    msgid=entry.msgid if plural else vary_text(entry.msgid, key),
                    msgstr=entry.msgstr
                    if plural
                    else vary_text(entry.msgstr, f"{key}|{path.parent.parent.name}"),
                    msgid_plural=entry.msgid_plural,
                    msgstr_plural=dict(entry.msgstr_plural),
                    flags=list(entry.flags),
                    comment=entry.comment,
                    tcomment=entry.tcomment,  # the translator's `# numbers-reordered` lives here
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
    texts = _texts(ROOT / "locales" / "es" / "LC_MESSAGES" / "handouts.po")
    for index, topic in enumerate(ids):
        if topic == SOURCE_TOPIC:
            continue
        text = yaml.safe_dump(
            vary(source, topic, index, seed, texts),
            sort_keys=False,
            allow_unicode=True,
            width=10_000,
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
