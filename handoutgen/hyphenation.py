"""Hyphenation dictionaries: a pyphen dictionary name -> its parsed patterns, loaded once per
process from a cache on disk (about 20 ms) instead of parsed from the dictionary (about 0.5 s)."""

from __future__ import annotations

from pathlib import Path

import pyphen

from .diskcache import marshalled

CACHE = ".cache/hyphenation"  # under the project root; a build product, never committed


def preload(dictionary: str, root: Path) -> None:
    """Make ``pyphen.Pyphen(lang=dictionary)`` (which ReportLab calls) find its patterns
    parsed. The cache is keyed by pyphen's version and the dictionary file, so an upgrade or
    a changed dictionary is parsed again; a cache that cannot be read or written is skipped."""
    path = pyphen.LANGUAGES.get(pyphen.language_fallback(dictionary) or "")
    if path is None or path in pyphen.hdcache:
        return
    stat = path.stat()
    key = f"{pyphen.__version__}|{path}|{stat.st_size}|{stat.st_mtime_ns}"

    def parse() -> tuple[dict[str, object], int]:
        parsed = pyphen.HyphDict(path)
        return parsed.patterns, parsed.maxlen

    # patterns with nonstandard hyphenation hold objects marshal cannot store: parsed each time
    patterns, maxlen = marshalled(root / CACHE, path.stem, key, parse)
    hyph = pyphen.HyphDict.__new__(pyphen.HyphDict)
    hyph.patterns, hyph.cache, hyph.maxlen = patterns, {}, maxlen
    pyphen.hdcache[path] = hyph
