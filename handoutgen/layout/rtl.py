"""Right-to-left paragraphs: spans -> shaped words, broken into lines in logical order, each line
put in display order (layout.bidi), right-aligned, splittable across pages; and single lines of
page furniture in any script.

ReportLab 5.1's own RTL needs a package that is not on the index, and its shaping alone leaves
words running left to right. Here lines are filled in reading order first, then reordered.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable

from ..model import Inline
from ..pdf.marks import decoration, tagged
from ..rl.addresses import last_fitting
from ..rl.canvas import draw_runs
from .bidi import Piece, Run, Word, base_level, display_runs, run_width, shape
from .glyphs import first_font


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
        box: tuple[float, float] | None = None,  # a tick box: side, line width
        lines: list[list[Word]] | None = None,
        first: bool = True,
        underline: bool = True,  # links underlined (the theme's links.underline)
    ) -> None:
        super().__init__()
        self.spans = spans
        self.style = style
        self.fonts = fonts  # (regular, bold) font names, in chain order
        self.link_color = link_color
        self.marker = marker
        self.box = box
        self._broken = lines
        self._wrapped_for: float | None = None
        self.first = first  # the first part of a split paragraph carries the marker
        self.underline = underline
        self.keepWithNext = style.keepWithNext
        self.base = base_level("".join(s.text for s in spans))

    def _chain(self, bold: bool) -> list[str]:
        return [b if bold else r for r, b in self.fonts]

    def _split_words(self) -> list[Word]:
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
                font = first_font(part, chain)
                piece = Piece(
                    part,
                    font,
                    span.href,
                    pdfmetrics.stringWidth(shape(part, font, size), font, size),
                )
                if open_word and words:
                    words[-1].append(piece)
                else:
                    words.append([piece])
                open_word = True
        return words

    def _fit_words(self, words: list[Word], width: float) -> list[Word]:
        """Words wider than a line (long web addresses) cut into pieces that fit: after
        / . - @ ? = & where possible (rl.addresses), else anywhere. Nothing runs outside the
        frame."""
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
                font = piece.font
                if pdfmetrics.stringWidth(rest, font, size) > width:
                    found = last_fitting(
                        rest,
                        lambda head, f=font: pdfmetrics.stringWidth(head, f, size) <= width,
                    )
                    cut = found or cut
                while cut > 1 and pdfmetrics.stringWidth(rest[:cut], font, size) > width:
                    cut -= 1  # no break point fits: a piece as long as the line
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
        for word in self._fit_words(self._split_words(), width):
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
        if self._broken is None or (
            self.first
            and self._wrapped_for not in (None, avail_width)
            and not getattr(self, "_split_done", False)
        ):
            width = avail_width - self.style.leftIndent - self.style.rightIndent
            self._broken = self._break(width)
        self._wrapped_for = avail_width
        self.width = avail_width
        self.height = len(self._broken) * self.style.leading
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        self.wrap(avail_width, avail_height)
        assert self._broken is not None
        n = len(self._broken)
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
            lines=self._broken[:fit],
            first=self.first,
            underline=self.underline,
        )
        tail = RTLParagraph(
            self.spans,
            self.style,
            self.fonts,
            self.link_color,
            lines=self._broken[fit:],
            first=False,
            underline=self.underline,
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
        assert self._broken is not None
        right = self.width - style.rightIndent
        size = style.fontSize
        y = self.height - size * 1.05
        if self.first:  # before the text: a list item's marker is read first (its Lbl)
            self._draw_marker(canv, y)
        for line in self._broken:
            runs = display_runs(line, self.fonts[0][0], size, self.base)
            x = right - sum(run_width(r, size) for r in runs)
            # one text object a line: runs placed in display order, written in reading order,
            # right-to-left ones marked as reversed, so text extraction reads the line logically
            placed = []
            for run in runs:
                color = self.link_color if run.href else style.textColor
                placed.append((run.rank, x, run.text, run.font, color, run.rtl))
                x += run_width(run, size)
            draw_runs(canv, y, size, sorted(placed), reversed_marks=tagged(canv))
            x = right - sum(run_width(r, size) for r in runs)
            for text, font, href, *_ in runs:
                width = pdfmetrics.stringWidth(text, font, size)
                if href and text.strip():
                    canv.linkURL(href, (x, y - 2, x + width, y + size), relative=1)
                    if self.underline:
                        canv.setStrokeColor(self.link_color)
                        canv.setLineWidth(0.5)
                        canv.line(x, y - 1.5, x + width, y - 1.5)
                x += width
            y -= style.leading

    def _draw_marker(self, canv: Any, baseline: float) -> None:
        style = self.style
        canv.setFillColor(style.textColor)
        if self.box:
            size, line_width = self.box
            with decoration(canv):
                canv.setStrokeColor(style.textColor)
                canv.setLineWidth(line_width)
                canv.rect(self.width - size, baseline - 0.12 * size, size, size, stroke=1, fill=0)
        elif self.marker:
            font = first_font(self.marker, self._chain(False))
            canv.setFont(font, style.bulletFontSize)
            canv.drawRightString(
                self.width, baseline, shape(self.marker, font, style.bulletFontSize)
            )


def measure_line(text: str, fonts: list[str], size: float, rtl: bool) -> tuple[list[Run], float]:
    """One line of page furniture in any script (font chain, shaping, bidi order): its runs in
    drawing order and its width. ``draw_line`` draws them."""
    runs = _line_runs(text, fonts, size, rtl)
    return runs, sum(run_width(r, size) for r in runs)


def _line_runs(text: str, fonts: list[str], size: float, rtl: bool) -> list[Run]:
    words = [[Piece(w, first_font(w, fonts))] for w in text.split(" ") if w]
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
    return [Run(shape(t, f, size), f, None, False, n) for n, (f, t) in enumerate(runs)]


def draw_line(
    canv: Any, line: tuple[list[Run], float], x: float, y: float, align: str, size: float
) -> None:
    """A measured line, aligned left, right or centre about ``x``."""
    runs, width = line
    start = {"left": x, "right": x - width, "centre": x - width / 2}[align]
    for shaped, font, *_ in runs:
        canv.setFont(font, size)
        canv.drawString(start, y, shaped)
        start += pdfmetrics.stringWidth(shaped, font, size)
