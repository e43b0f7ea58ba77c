"""Hyphenation dictionaries: a pyphen dictionary name -> its patterns, parsed once and kept on
disk in buckets that a process reads only as its words need them (a German leaflet touches a
few hundred of its 66,000 patterns) instead of parsed from the dictionary (about 0.5 s).

A kept dictionary is data: JSON holding one text per bucket (each pattern followed by its
offset and digits, separated by spaces), parsed here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyphen

from ..cache import enabled
from ..cache.keys import file_digest, key
from ..cache.store import FOLDER, folder, kept

CACHE = f"{FOLDER}/hyphenation"  # under the project root: a build product, never committed


class Patterns:
    """pyphen's pattern table, read lazily: patterns grouped by their first two characters,
    each group a text unpacked on its first lookup. pyphen only calls ``get``
    (HyphDict.positions), and gets what the parsed dictionary holds."""

    __slots__ = ("_buckets", "_open")

    def __init__(self, buckets: dict[str, str]) -> None:
        self._buckets = buckets
        self._open: dict[str, dict[str, Any]] = {}

    def get(self, pattern: str, default: Any = None) -> Any:
        head = pattern[:2]
        table = self._open.get(head)
        if table is None:
            packed = self._buckets.get(head)
            table = self._open[head] = _unpacked(packed) if packed else {}
        return table.get(pattern, default)

    def as_dict(self) -> dict[str, Any]:
        """Every pattern (for tests and comparisons)."""
        return {p: v for b in self._buckets.values() for p, v in _unpacked(b).items()}


def bucketed(patterns: dict[str, Any]) -> dict[str, str]:
    """Patterns grouped by their first two characters, each group a text of words separated by
    spaces: a pattern, then its offset and digits (``2:100101``). ValueError for patterns that
    text cannot hold (nonstandard hyphenation, whose values are not plain digits)."""
    groups: dict[str, list[str]] = {}
    for pattern, (offset, values) in patterns.items():
        if not pattern or any(c.isspace() for c in pattern) or type(offset) is not int:
            raise ValueError(f"pattern {pattern!r} cannot be kept as text")
        if any(type(v) is not int or not 0 <= v <= 9 for v in values):
            raise ValueError(f"pattern {pattern!r} has nonstandard values")
        code = f"{offset}:{''.join(map(str, values))}"
        groups.setdefault(pattern[:2], []).extend((pattern, code))
    return {head: " ".join(words) for head, words in sorted(groups.items())}


_codes: dict[str, tuple[int, tuple[int, ...]]] = {}  # "2:100101" -> (2, (1, 0, 0, 1, 0, 1))


def _unpacked(text: str) -> dict[str, tuple[int, tuple[int, ...]]]:
    """A bucket's text -> its patterns, as pyphen holds them: (offset, values). The few
    thousand distinct (offset, values) pairs are made once and shared."""
    words = text.split(" ")
    table = {}
    for pattern, code in zip(words[::2], words[1::2], strict=True):
        found = _codes.get(code)
        if found is None:
            offset, _, digits = code.partition(":")
            found = _codes[code] = (int(offset), tuple(map(int, digits)))
        table[pattern] = found
    return table


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

    def parse() -> tuple[dict[str, str], int]:
        parsed.append(pyphen.HyphDict(path))
        return bucketed(parsed[0].patterns), parsed[0].maxlen

    # patterns with nonstandard hyphenation (ca, hu_HU) hold objects the text cannot: parsed
    # each time, once
    try:
        buckets, maxlen = kept(folder(root, "hyphenation"), path.stem, recipe, parse, loads=_read)
    except ValueError:
        pyphen.hdcache[path] = parsed[0] if parsed else pyphen.HyphDict(path)
        return
    hyph = pyphen.HyphDict.__new__(pyphen.HyphDict)
    hyph.patterns, hyph.cache, hyph.maxlen = Patterns(buckets), {}, maxlen
    pyphen.hdcache[path] = hyph


def _read(payload: bytes) -> tuple[dict[str, str], int]:
    """A kept dictionary: [buckets, maxlen], checked to be of that shape."""
    import json

    buckets, maxlen = json.loads(payload)
    if not (isinstance(buckets, dict) and all(type(t) is str for t in buckets.values())):
        raise ValueError("not a kept dictionary")
    if type(maxlen) is not int:
        raise ValueError("not a kept dictionary")
    return buckets, maxlen
