"""Font chains and glyphs: text + a chain of fonts -> the font each character is set in, and
every character no font of its chain has (checked before anything is drawn: ReportLab would
print nothing there, silently)."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from .. import cache
from ..cache.keys import file_digest
from ..rl.fonts import codepoints
from .fonts import face_label, font_file

_coverage = cache.memo("font coverage")  # (name, file digest) per font -> its characters


def coverage(names: Iterable[str]) -> frozenset[str]:
    """Every character at least one of the registered fonts ``names`` has a glyph for."""
    fonts = tuple((name, file_digest(font_file(name) or "")) for name in names)
    found = _coverage.get(fonts)
    if found is None:
        found = _coverage.put(
            fonts, frozenset(chr(code) for name, _ in fonts for code in codepoints(name))
        )
    return found


def first_font(text: str, chain: list[str]) -> str:
    """The first font of the chain that has every character of ``text`` (else the first)."""
    for font in chain:
        cmap = codepoints(font)
        if all(ord(c) in cmap for c in text):
            return font
    return chain[0]


def font_runs(text: str, chain: list[str]) -> list[tuple[str, str]]:
    """``text`` as (font, text) runs: each character in the first font of the chain that has
    it; a space stays with the run before it."""
    runs: list[tuple[str, str]] = []
    for ch in text:
        font = first_font(ch, chain)
        if runs and (runs[-1][0] == font or ch.isspace()):
            runs[-1] = (runs[-1][0], runs[-1][1] + ch)
        else:
            runs.append((font, ch))
    return runs


def missing(text: str, names: tuple[str, ...]) -> list[str]:
    """The characters of ``text`` (sorted, once each) that no font of ``names`` has."""
    return sorted(set(text) - coverage(names) - {"\n", "\t"})


def describe(ch: str) -> str:
    """``U+E000 unnamed character``, ``U+05D0 HEBREW LETTER ALEF``."""
    return f"U+{ord(ch):04X} {unicodedata.name(ch, 'unnamed character')}"


def chain_label(names: tuple[str, ...]) -> str:
    return " > ".join(face_label(n) for n in names)


Origins = Mapping[str, "str | Callable[[], str]"]


@dataclass(frozen=True)
class Gap:
    """A character no font of its chain has, and where the text holding it came from."""

    char: str
    lang: str
    fonts: tuple[str, ...]  # the chain, as "name (file)"
    text: str
    origin: str

    def __str__(self) -> str:
        return (
            f"{describe(self.char)} is in no font of locale {self.lang} "
            f"({' > '.join(self.fonts)}), from {self.origin}: {self.text[:50]!r}"
        )


def gaps(
    lang: str,
    texts: Mapping[tuple[str, ...], list[str]],
    origins: Origins | None = None,
) -> list[Gap]:
    """Every character of ``texts`` (font chain -> the pieces of text set in it) that no font
    of its chain has, with where the text came from: ``origins`` maps a printed string to its
    msgctxt and file:line, or to a function that finds them."""
    origins = origins or {}
    found: dict[tuple[str, tuple[str, ...]], str] = {}
    for names, pieces in texts.items():
        for ch in missing("".join(pieces), names):
            found.setdefault((ch, names), next(t for t in pieces if ch in t))

    def origin(ch: str, text: str) -> str:
        holding = [(source, w) for source, w in origins.items() if ch in source]
        where = next(
            (w for source, w in holding if source in text or text in source),
            holding[0][1] if holding else "template or brand text",
        )
        return where() if callable(where) else where

    return [
        Gap(ch, lang, tuple(face_label(n) for n in names), text, origin(ch, text))
        for (ch, names), text in sorted(found.items())
    ]
