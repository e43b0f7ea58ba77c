"""Bidirectional text: a line of words in logical order -> runs in display order (the Unicode
bidi algorithm, python-bidi's UAX #9, with every run of Latin words and numbers isolated so that
"500 mg" and "CASPR2" read left to right as a unit), each run shaped by HarfBuzz through
ReportLab (joined Arabic forms, marks kept, brackets mirrored)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import NamedTuple

from bidi.algorithm import (
    explicit_embed_and_overrides,
    get_embedding_levels,
    get_empty_storage,
    resolve_implicit_levels,
    resolve_neutral_types,
    resolve_weak_types,
)
from bidi.mirror import MIRRORED
from reportlab.lib.abag import ABag
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import shapeFragWord, shapeStr

_STRONG_RTL = {"R", "AL"}
_LTR_RUN = {"L", "EN", "AN"}
_LRE, _PDF = "\u202a", "\u202c"


@dataclass
class Piece:
    """Part of a word in one font and one span (a bold run or a link)."""

    text: str
    font: str
    href: str | None = None
    width: float = 0.0


Word = list[Piece]


_OPEN, _CLOSE = "([{«", ")]}»"


def _isolate_ltr_runs(text: str) -> tuple[str, list[int]]:
    """``text`` with each run of Latin words and numbers wrapped in LRE ... PDF (as a bidi
    isolate would), and for each character of the result its index in ``text`` (-1: added).
    A run never crosses a bracket; a run that fills a bracket pair, "(EMG)", takes the pair."""
    kinds = [unicodedata.bidirectional(c) for c in text]
    out: list[str] = []
    index: list[int] = []
    i, n = 0, len(text)
    while i < n:
        if kinds[i] in _LTR_RUN:
            j = last = i
            while j < n and kinds[j] not in _STRONG_RTL and text[j] not in _OPEN + _CLOSE:
                if kinds[j] in _LTR_RUN:
                    last = j
                j += 1
            start, end = i, last
            if (
                start > 0
                and last + 1 < n
                and text[start - 1] in _OPEN
                and text[last + 1] == _CLOSE[_OPEN.index(text[start - 1])]
                and out
                and out[-1] == text[start - 1]
            ):
                out.pop()
                index.pop()
                start, end = start - 1, last + 1
            out.append(_LRE)
            index.append(-1)
            out.extend(text[start : end + 1])
            index.extend(range(start, end + 1))
            out.append(_PDF)
            index.append(-1)
            i = end + 1
        else:
            out.append(text[i])
            index.append(i)
            i += 1
    return "".join(out), index


def base_level(text: str) -> int:
    """A paragraph's direction: right to left (1) if it holds any right-to-left letter, so a
    table cell "IVIG (...)" in a Hebrew leaflet still reads right to left; left to right (0)
    only for text without any, as an English source title or a clinic's address."""
    for ch in text:
        if unicodedata.bidirectional(ch) in _STRONG_RTL:
            return 1
    return 0 if any(unicodedata.bidirectional(ch) == "L" for ch in text) else 1


def bidi_levels(text: str, base: int = 1) -> list[int]:
    """The embedding level of each character of a line; ``base`` 1 for a right-to-left
    paragraph (RTL characters at 1, isolated LTR runs at 2), 0 for a left-to-right one."""
    marked, index = _isolate_ltr_runs(text) if base else (text, list(range(len(text))))
    storage = get_empty_storage()
    storage["base_level"], storage["base_dir"] = base, ("R" if base else "L")
    get_embedding_levels(marked, storage)
    explicit_embed_and_overrides(storage)
    resolve_weak_types(storage)
    resolve_neutral_types(storage, False)
    resolve_implicit_levels(storage, False)
    kept = storage["chars"]  # rule X9 has removed the LRE/PDF marks again
    if len(kept) == len(text):
        return [c["level"] for c in kept]
    levels = [1] * len(text)  # defensive: map through the marks if X9 kept any
    for char, source in zip(kept, (i for i in index if i >= 0), strict=False):
        levels[source] = char["level"]
    return levels


class Run(NamedTuple):
    """Text in one font, span and direction, as drawn."""

    text: str  # shaped, in display order
    font: str
    href: str | None
    rtl: bool  # its characters are in reverse (display) order
    rank: int  # its place in logical (reading) order


def display_runs(words: list[Word], space_font: str, size: float, base: int = 1) -> list[Run]:
    """A line of words (logical order) -> its runs in display order."""
    chars: list[str] = []
    owner: list[Piece] = []
    space = Piece(" ", space_font)
    for w, word in enumerate(words):
        if w:
            chars.append(" ")
            owner.append(space)
        for piece in word:
            chars.extend(piece.text)
            owner.extend([piece] * len(piece.text))
    levels = bidi_levels("".join(chars), base)
    runs: list[tuple[int, Piece, str]] = []
    for ch, level, piece in zip(chars, levels, owner, strict=True):
        if runs and runs[-1][0] == level and runs[-1][1] is piece:
            runs[-1] = (level, piece, runs[-1][2] + ch)
        else:
            runs.append((level, piece, ch))
    order = list(range(len(runs)))
    for floor in range(max((r[0] for r in runs), default=1), 0, -1):  # rule L2
        i = 0
        while i < len(order):
            if runs[order[i]][0] >= floor:
                j = i
                while j < len(order) and runs[order[j]][0] >= floor:
                    j += 1
                order[i:j] = reversed(order[i:j])
                i = j
            else:
                i += 1
    out = []
    for k in order:
        level, piece, text = runs[k]
        if level % 2 and not any(unicodedata.bidirectional(c) in _STRONG_RTL for c in text):
            # neutral characters in a right-to-left run: display order, mirrored brackets
            mirrored = "".join(MIRRORED.get(c, c) for c in reversed(text))
            out.append(Run(mirrored, piece.font, piece.href, True, k))
            continue
        rtl = bool(level % 2) and any(unicodedata.bidirectional(c) in _STRONG_RTL for c in text)
        out.append(Run(shape(text, piece.font, size), piece.font, piece.href, rtl, k))
    return out


_FEATURES = {"kern": True, "liga": True}  # not "dlig": no Yiddish digraphs or alef-lamed


def shape(text: str, font: str, size: float) -> str:
    """Text as drawn: Arabic (joining forms, marks) shaped by HarfBuzz into display order;
    Hebrew, which has no joining forms, reversed with mirrored brackets; Latin, digits and
    punctuation left as they are, so they stay plain, searchable text in the PDF."""
    kinds = {unicodedata.bidirectional(c) for c in text}
    marks = any(unicodedata.combining(c) for c in text)
    if "AL" in kinds or (kinds & _STRONG_RTL and marks):
        word = [
            pdfmetrics.stringWidth(text, font, size),
            (ABag(fontName=font, fontSize=size), text),
        ]
        return shapeFragWord(word, features=_FEATURES)[1][1]
    if "R" in kinds:
        return "".join(MIRRORED.get(c, c) for c in reversed(text))
    if marks:
        return shapeStr(text, font, size)  # left-to-right scripts with marks (Devanagari)
    return text


def run_width(run: Run, size: float) -> float:
    return pdfmetrics.stringWidth(run[0], run[1], size)
