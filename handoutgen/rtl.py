"""Right-to-left paragraphs: spans -> shaped words, broken into lines in logical order, each line
put in display order by the Unicode bidi algorithm, right-aligned, splittable across pages.

ReportLab 5.1's own RTL needs a package that is not on the index, and its shaping alone leaves
words running left to right. Here lines are filled in reading order first; then each line's
characters get bidi levels (python-bidi's implementation of UAX #9, with every run of Latin words
and numbers isolated so that "500 mg" and "CASPR2" read left to right as a unit), runs are
reordered (rule L2), and each run is shaped by HarfBuzz through ReportLab (joined Arabic forms,
marks kept, brackets mirrored).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

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
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import shapeFragWord, shapeStr
from reportlab.platypus import Flowable

from .model import Inline

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


def _covers(font: str, text: str) -> bool:
    cmap = pdfmetrics.getFont(font).face.charToGlyph
    return all(ord(c) in cmap for c in text)


def pick_font(text: str, fonts: list[str]) -> str:
    """The first font of the chain that has every character of ``text``."""
    return next((f for f in fonts if _covers(f, text)), fonts[0])


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


def display_runs(
    words: list[Word], space_font: str, size: float, base: int = 1
) -> list[tuple[str, str, str | None]]:
    """A line of words (logical order) -> (shaped text, font, href) runs in display order."""
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
            out.append(
                ("".join(MIRRORED.get(c, c) for c in reversed(text)), piece.font, piece.href)
            )
            continue
        out.append((_shape(text, piece.font, size), piece.font, piece.href))
    return out


_FEATURES = {"kern": True, "liga": True}  # not "dlig": no Yiddish digraphs or alef-lamed


def _shape(text: str, font: str, size: float) -> str:
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


def _run_width(run: tuple[str, str, str | None], size: float) -> float:
    return pdfmetrics.stringWidth(run[0], run[1], size)


class RTLParagraph(Flowable):
    """A right-to-left paragraph, with an optional marker (bullet, number, tick box) on its
    right; splits between lines, never leaving a single line behind or ahead."""

    def __init__(
        self,
        spans: Inline,
        style: ParagraphStyle,
        fonts: list[tuple[str, str]],
        link_color: Any,
        *,
        marker: str | None = None,
        box: float | None = None,
        lines: list[list[Word]] | None = None,
        first: bool = True,
    ) -> None:
        super().__init__()
        self.spans = spans
        self.style = style
        self.fonts = fonts  # (regular, bold) font names, in chain order
        self.link_color = link_color
        self.marker = marker
        self.box = box
        self._lines = lines
        self._wrapped_for: float | None = None
        self.first = first  # the first part of a split paragraph carries the marker
        self.keepWithNext = style.keepWithNext
        self.base = base_level("".join(s.text for s in spans))

    def _chain(self, bold: bool) -> list[str]:
        return [b if bold else r for r, b in self.fonts]

    def _words(self) -> list[Word]:
        """Words across span boundaries: "**bold**." is one word of two pieces."""
        size = self.style.fontSize
        style_bold = self.style.fontName.endswith("-bold")
        words: list[Word] = []
        open_word = False
        for span in self.spans:
            chain = self._chain(span.bold or style_bold)
            parts = span.text.split(" ")
            for n, part in enumerate(parts):
                if n:
                    open_word = False
                if not part:
                    continue
                font = pick_font(part, chain)
                piece = Piece(
                    part,
                    font,
                    span.href,
                    pdfmetrics.stringWidth(_shape(part, font, size), font, size),
                )
                if open_word and words:
                    words[-1].append(piece)
                else:
                    words.append([piece])
                open_word = True
        return words

    def _fit_words(self, words: list[Word], width: float) -> list[Word]:
        """Words wider than a line (long web addresses) cut into pieces that fit: after a
        slash where possible, else anywhere. Nothing runs outside the frame."""
        size = self.style.fontSize
        out: list[Word] = []
        for word in words:
            if sum(p.width for p in word) <= width or len(word) != 1:
                out.append(word)
                continue
            piece = word[0]
            rest = piece.text
            while rest:
                cut = len(rest)
                while cut > 1 and pdfmetrics.stringWidth(rest[:cut], piece.font, size) > width:
                    slash = rest.rfind("/", 0, cut - 1)
                    cut = slash + 1 if slash > 0 else cut - 1
                chunk, rest = rest[:cut], rest[cut:]
                out.append(
                    [
                        Piece(
                            chunk,
                            piece.font,
                            piece.href,
                            pdfmetrics.stringWidth(chunk, piece.font, size),
                        )
                    ]
                )
        return out

    def _break(self, width: float) -> list[list[Word]]:
        space = pdfmetrics.stringWidth(" ", self.fonts[0][0], self.style.fontSize)
        lines: list[list[Word]] = []
        line: list[Word] = []
        used = 0.0
        for word in self._fit_words(self._words(), width):
            w = sum(p.width for p in word)
            if line and used + space + w > width:
                lines.append(line)
                line, used = [word], w
            else:
                used += (space if line else 0) + w
                line.append(word)
        if line:
            lines.append(line)
        return lines

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        if self._lines is None or (
            self.first
            and self._wrapped_for not in (None, avail_width)
            and not getattr(self, "_split_done", False)
        ):
            width = avail_width - self.style.leftIndent - self.style.rightIndent
            self._lines = self._break(width)
        self._wrapped_for = avail_width
        self.width = avail_width
        self.height = len(self._lines) * self.style.leading
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        self.wrap(avail_width, avail_height)
        assert self._lines is not None
        n = len(self._lines)
        fit = min(int(avail_height // self.style.leading), n - 2)  # no widow, no orphan
        if fit < 2:
            return []
        head = RTLParagraph(
            self.spans,
            self.style,
            self.fonts,
            self.link_color,
            marker=self.marker,
            box=self.box,
            lines=self._lines[:fit],
            first=self.first,
        )
        tail = RTLParagraph(
            self.spans,
            self.style,
            self.fonts,
            self.link_color,
            lines=self._lines[fit:],
            first=False,
        )
        head._split_done = tail._split_done = True  # type: ignore[attr-defined]
        head.last = False  # type: ignore[attr-defined]
        return [head, tail]

    def getSpaceBefore(self) -> float:
        return self.style.spaceBefore if self.first else 0

    def getSpaceAfter(self) -> float:
        return 0 if getattr(self, "last", True) is False else self.style.spaceAfter

    def draw(self) -> None:
        canv = self.canv
        style = self.style
        assert self._lines is not None
        right = self.width - style.rightIndent
        size = style.fontSize
        y = self.height - size * 1.05
        for number, line in enumerate(self._lines):
            runs = display_runs(line, self.fonts[0][0], size, self.base)
            x = right - sum(_run_width(r, size) for r in runs)
            for text, font, href in runs:
                width = pdfmetrics.stringWidth(text, font, size)
                canv.setFont(font, size)
                canv.setFillColor(self.link_color if href else style.textColor)
                canv.drawString(x, y, text)
                if href and text.strip():
                    canv.linkURL(href, (x, y - 2, x + width, y + size), relative=1)
                    canv.setStrokeColor(self.link_color)
                    canv.setLineWidth(0.5)
                    canv.line(x, y - 1.5, x + width, y - 1.5)
                x += width
            if number == 0 and self.first:
                self._draw_marker(canv, y)
            y -= style.leading

    def _draw_marker(self, canv: Any, baseline: float) -> None:
        style = self.style
        canv.setFillColor(style.textColor)
        if self.box:
            size = self.box
            canv.setStrokeColor(style.textColor)
            canv.setLineWidth(0.9)
            canv.rect(self.width - size, baseline - 0.12 * size, size, size, stroke=1, fill=0)
        elif self.marker:
            font = pick_font(self.marker, self._chain(False))
            canv.setFont(font, style.bulletFontSize)
            canv.drawRightString(
                self.width, baseline, _shape(self.marker, font, style.bulletFontSize)
            )


Run = tuple[str, str, str | None]  # shaped text, font, and (right to left) its logical text


def measure_line(text: str, fonts: list[str], size: float, rtl: bool) -> tuple[list[Run], float]:
    """One line of page furniture in any script (font chain, shaping, bidi order): its runs in
    drawing order and its width. ``draw_line`` draws them."""
    runs = _line_runs(text, fonts, size, rtl)
    return runs, sum(_run_width(r, size) for r in runs)


def _line_runs(text: str, fonts: list[str], size: float, rtl: bool) -> list[Run]:
    words = [[Piece(w, pick_font(w, fonts))] for w in text.split(" ") if w]
    if rtl:
        return display_runs(words, fonts[0], size)
    runs: list[tuple[str, str]] = []  # left to right: one run per font, spaces included
    for n, word in enumerate(words):
        piece = word[0]
        chunk = (" " if n else "") + piece.text
        if runs and runs[-1][0] == piece.font:
            runs[-1] = (piece.font, runs[-1][1] + chunk)
        else:
            runs.append((piece.font, chunk))
    return [(_shape(t, f, size), f, None) for f, t in runs]


def draw_line(
    canv: Any, line: tuple[list[Run], float], x: float, y: float, align: str, size: float
) -> None:
    """A measured line, aligned left, right or centre about ``x``."""
    runs, width = line
    start = {"left": x, "right": x - width, "centre": x - width / 2}[align]
    for shaped, font, _ in runs:
        canv.setFont(font, size)
        canv.drawString(start, y, shaped)
        start += pdfmetrics.stringWidth(shaped, font, size)
