"""Hyphenation dictionaries: a pyphen dictionary name -> its patterns, parsed once and kept on
disk in buckets that a process reads only as its words need them (a German leaflet touches a
few hundred of its 66,000 patterns) instead of parsed from the dictionary (about 0.5 s)."""

from __future__ import annotations

import marshal
from pathlib import Path
from typing import Any

import pyphen

from ..cache import enabled
from ..cache.keys import file_digest, key
from ..cache.store import FOLDER, folder, marshalled

CACHE = f"{FOLDER}/hyphenation"  # under the project root: a build product, never committed


class Patterns:
    """pyphen's pattern table, read lazily: patterns grouped by their first two characters,
    each group a marshalled dict unpacked on its first lookup. pyphen only calls ``get``
    (HyphDict.positions), and gets what the parsed dictionary holds."""

    __slots__ = ("_buckets", "_open")

    def __init__(self, buckets: dict[str, bytes]) -> None:
        self._buckets = buckets
        self._open: dict[str, dict[str, Any]] = {}

    def get(self, pattern: str, default: Any = None) -> Any:
        head = pattern[:2]
        table = self._open.get(head)
        if table is None:
            packed = self._buckets.get(head)
            table = self._open[head] = marshal.loads(packed) if packed else {}
        return table.get(pattern, default)

    def as_dict(self) -> dict[str, Any]:
        """Every pattern (for tests and comparisons)."""
        return {p: v for b in self._buckets.values() for p, v in marshal.loads(b).items()}


def bucketed(patterns: dict[str, Any]) -> dict[str, bytes]:
    groups: dict[str, dict[str, Any]] = {}
    for pattern, value in patterns.items():
        groups.setdefault(pattern[:2], {})[pattern] = value
    return {head: marshal.dumps(group) for head, group in sorted(groups.items())}


def preload(dictionary: str, root: Path) -> None:
    """Make ``pyphen.Pyphen(lang=dictionary)`` (which ReportLab calls) find its patterns
    parsed. The cache is keyed by pyphen's version and the dictionary file's content, so an
    upgrade or a changed dictionary is parsed again; a cache that cannot be read or written
    is skipped."""
    path = pyphen.LANGUAGES.get(pyphen.language_fallback(dictionary) or "")
    if path is None or path in pyphen.hdcache or not enabled():
        return  # with caches off, pyphen parses the dictionary itself
    recipe = key("hyphenation", pyphen.__version__, file_digest(path))

    parsed: list[pyphen.HyphDict] = []

    def parse() -> tuple[dict[str, bytes], int]:
        parsed.append(pyphen.HyphDict(path))
        return bucketed(parsed[0].patterns), parsed[0].maxlen

    # patterns with nonstandard hyphenation (ca, hu_HU) hold objects marshal cannot store:
    # parsed each time, once
    try:
        buckets, maxlen = marshalled(folder(root, "hyphenation"), path.stem, recipe, parse)
    except ValueError:
        pyphen.hdcache[path] = parsed[0] if parsed else pyphen.HyphDict(path)
        return
    hyph = pyphen.HyphDict.__new__(pyphen.HyphDict)
    hyph.patterns, hyph.cache, hyph.maxlen = Patterns(buckets), {}, maxlen
    pyphen.hdcache[path] = hyph
