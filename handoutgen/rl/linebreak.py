"""A paragraph's single-style text -> its line breaks, as ReportLab's breakLines finds them,
without its per-word overhead."""

from __future__ import annotations

from typing import Any, NamedTuple

from reportlab.pdfbase.pdfmetrics import getAscentDescent, getFont
from reportlab.platypus import paragraph as rl

from .. import cache

WIDTHS_KEPT = 200_000  # words whose width is remembered, per process (a few MB)
# (font, size, encoding) -> word -> width; keyed by the font object, not its name: a brand may
# point a name at other files (rl.fonts.install), and fonts live as long as the process
_widths = cache.memo("word widths")
_kept = 0


def _width_of(font_name: str, size: float, encoding: Any) -> Any:
    """A word -> its width in ``font_name`` at ``size``: ReportLab's own measure, remembered."""
    font = getFont(font_name)
    key = (font, size, encoding)
    table = _widths.get(key)
    if table is None:
        table = _widths.put(key, {})
    measure = font.stringWidth

    def width(word: str) -> float:
        global _kept
        found = table.get(word)
        if found is None:
            found = table[word] = measure(word, size, encoding)
            _kept += 1
            if _kept > WIDTHS_KEPT:
                forget_widths()
        return found

    return width


def forget_widths() -> None:
    """Drop every remembered width (when the cache is full, or fonts were registered anew)."""
    global _kept
    _widths.clear()
    _kept = 0


def _hyphenator(style: Any) -> Any:
    """The hyphenation function ReportLab's breakLines makes from a style, with its errors
    (an unknown dictionary, a value that is neither a name nor a function)."""
    hyphenator = getattr(style, "hyphenationLang", "")
    if not hyphenator:
        return None
    if isinstance(hyphenator, str | bytes):  # as ReportLab's isStr
        hyphenator = hyphenator.strip()
        return rl.pyphen.Pyphen(lang=hyphenator).iterate if hyphenator and rl.pyphen else None
    if not callable(hyphenator):
        raise ValueError(
            "hyphenator should be a language spec or a callable unicode -->  pairs "
            f"not {hyphenator!r}"
        )
    return hyphenator


class _Setup(NamedTuple):
    widths: list[float]  # per line, the first narrowed for a marker as ReportLab does
    hyphenator: Any
    uri_waste: Any
    embedded: Any
    attempt: Any  # whether an overflowing word is offered to hyphenation
    min_length: int


def _setup(para: Any, width: Any) -> _Setup | None:
    """What both fast paths take from a paragraph's style and the widths it is broken at, as
    ReportLab's breakLines works them out; None where only ReportLab's loop will do (bidi or
    shaped text, hyphenation that takes part of the next word back, tuple widths)."""
    style = para.style
    if style.shaping or (style.wordWrap and style.wordWrap.upper() in ("RTL", "LTR")):
        return None
    if isinstance(width, tuple):
        return None  # ReportLab's own error, if a marker narrows the first line
    hyphenator = _hyphenator(style)
    uri_waste, embedded = style.uriWasteReduce, style.embeddedHyphenation
    if embedded > 1:
        return None
    # ReportLab's _handleBulletWidth narrows the first line in the list it is given: the
    # same, on a copy until the lines are known (a fallback starts from the original)
    widths = list(width) if isinstance(width, list) else [width]
    rl._handleBulletWidth(para.bulletText, style, widths)
    return _Setup(
        widths,
        hyphenator,
        uri_waste,
        embedded,
        hyphenator or uri_waste or embedded,
        getattr(style, "hyphenationMinWordLength", rl.hyphenationMinWordLength),
    )


def _frag_line(
    max_width: float,
    current: float,
    count: int,
    words: list[Any],
    size: float,
    ascent: float,
    descent: float,
    first: int,
) -> Any:
    """A finished line of several fragments, as ReportLab's breakLines records it."""
    return rl.FragLine(
        extraSpace=max_width - current,
        wordCount=count,
        lineBreak=False,
        words=words,
        fontSize=size,
        ascent=ascent,
        descent=descent,
        maxWidth=max_width,
        sFW=first,
    )


class FastLines:
    """Mixin for ReportLab's Paragraph: its two common cases, one fragment of plain words (one
    font, size and colour) and several plain-text fragments (bold, links, fallback fonts),
    broken by the same greedy loop as ``Paragraph.breakLines`` with the same arithmetic, so the
    same lines to the last bit; words measured once per process. Everything rarer (soft
    hyphens, a word that is hyphenated or too long for a line, bidi or shaped text, images,
    line breaks, split word pieces) is ReportLab's own code."""

    frags: list[Any]
    style: Any
    encoding: Any
    bulletText: Any

    def breakLines(self, width: Any) -> Any:
        frags = self.frags
        if len(frags) == 1 and not rl._processed_frags(frags):
            lines = self._fast_lines(width)
        else:
            lines = self._fast_frag_lines(width)
        if lines is None:
            return super().breakLines(width)  # type: ignore[misc]
        return lines

    def _fast_lines(self, width: Any) -> Any:
        """One fragment as the parser made it (the caller checked)."""
        style = self.style
        f = self.frags[0]
        text = getattr(f, "text", None)
        if text is None or style.endDots or hasattr(f, "cbDefn") or hasattr(f, "backColor"):
            return None
        if rl._shy in text:
            return None
        text = rl.strip(text)
        if not text:
            return None
        setup = _setup(self, width)
        if setup is None:
            return None
        widths, hyphenator, uri_waste, embedded, attempt, min_length = setup
        font_name, font_size = f.fontName, f.fontSize
        measure = _width_of(font_name, font_size, self.encoding)
        nobr = getattr(f, "nobr", False)
        split_long = style.splitLongWords
        last = len(widths) - 1
        max_width = widths[0]
        space = measure(" ")
        shrink = style.spaceShrinkage * space
        lines: list[tuple[float, list[str]]] = []
        line: list[str] = []
        current = -space  # as ReportLab: no space before the first word
        widest: float = 0  # ReportLab's start value, an int
        lineno = 0
        for word in rl.split(text):
            word_width = measure(word)
            new = current + space + word_width
            limit = max_width + shrink * len(line)
            if new > limit:
                if attempt:
                    parts = rl._hyphenateWord(
                        None if nobr else hyphenator,
                        font_name,
                        font_size,
                        word,
                        word_width,
                        new,
                        limit,
                        False if nobr else uri_waste,
                        embedded and not nobr,
                        min_length,
                    )
                    if parts:
                        return None  # the word is hyphenated: ReportLab's loop does that
                if split_long:
                    n = min(lineno, last)
                    if word_width > max(widths[n : n + 1]):
                        return None  # a word longer than a line: ReportLab splits it
            if new <= limit or not line:
                line.append(word)
                current = new
            else:
                if current > widest:
                    widest = current
                lines.append((max_width - current, line))
                line = [word]
                current = word_width
                lineno += 1
                max_width = widths[min(last, lineno)]
        if line:
            if current > widest:
                widest = current
            lines.append((max_width - current, line))
        if isinstance(width, list):
            width[:] = widths
        self.height = 0
        self._width_max = widest
        self._splitLongWordCount = self._hyphenations = 0
        ascent, descent = getAscentDescent(font_name, font_size)
        return f.clone(kind=0, lines=lines, ascent=ascent, descent=descent, fontSize=font_size)

    def _fast_frag_lines(self, width: Any) -> Any:
        """Several fragments of plain text (bold, links, fallback fonts): ReportLab's loop for
        them, step by step, with what it recomputes for every word computed once per paragraph
        (a space's width, a font's ascent and descent, whether two fragments look the same)."""
        style = self.style
        frags = self.frags
        if not frags:
            return None
        if getattr(self, "autoLeading", getattr(style, "autoLeading", "")) not in ("", "off"):
            return None
        # fragments as the parser made them, or the word list an earlier wrap left (a
        # paragraph wrapped again at another width): plain words only, checked below
        if not rl._processed_frags(frags):
            for f in frags:
                text = getattr(f, "text", None)
                if not isinstance(text, str) or rl._shy in text or hasattr(f, "cbDefn"):
                    return None
                if hasattr(f, "lineBreak") or hasattr(f, "backColor"):
                    return None
        setup = _setup(self, width)
        if setup is None:
            return None
        widths, hyphenator, uri_waste, embedded, attempt, min_length = setup
        max_width = widths[0]
        last = len(widths) - 1
        fragwords = rl._getFragWords(frags, max_width)
        for w in fragwords:
            if type(w) is not list and type(w) is not rl._HSFrag:
                return None
            for part in w[1:]:
                f = part[0]
                if getattr(f, "_fkind", None) != rl._FK_TEXT or not isinstance(part[1], str):
                    return None
                if rl._shy in part[1] or hasattr(f, "cbDefn") or hasattr(f, "lineBreak"):
                    return None
                if hasattr(f, "backColor"):
                    return None
        shrinkage = style.spaceShrinkage
        split_long = style.splitLongWords
        hs_frag = rl._HSFrag
        text_kind = rl._FK_TEXT
        metrics: dict[tuple[str, float], tuple[float, float]] = {}
        spaces: dict[tuple[str, float], float] = {}
        same: dict[tuple[int, int], bool] = {}

        def ascent_descent(name: str, size: float) -> tuple[float, float]:
            found = metrics.get((name, size))
            if found is None:
                found = metrics[(name, size)] = getAscentDescent(name, size)
            return found

        def space_width(name: str, size: float) -> float:
            found = spaces.get((name, size))
            if found is None:
                found = spaces[(name, size)] = getFont(name).stringWidth(" ", size)
            return found

        widest: float = 0
        lineno = 0
        lines: list[Any] = []
        words: list[Any] = []  # the runs of the line being filled
        run_spaces: list[float] = []  # the width of a space in each of them
        fw: list[Any] = []
        s_fw = 0
        n = 0
        space: float = 0
        current: float = 0
        max_size: float = 0
        max_ascent = min_descent = 0.0
        g: Any = None
        g_src: Any = None
        for w in fragwords:
            fw.append(w)
            f = w[-1][0]
            font_name = f.fontName
            font_size = f.fontSize
            if not words:
                n = space = current = 0
                max_size = font_size
                max_ascent, min_descent = ascent_descent(font_name, font_size)
            word_width = w[0]
            f = w[1][0]
            new = current + space + word_width if word_width > 0 else current
            limit = max_width
            if shrinkage:  # every run on the line is text (checked above)
                shrink = space
                for wi, wi_space in zip(words, run_spaces, strict=True):
                    ns = wi.text.count(" ")
                    if ns:
                        shrink += ns * wi_space
                shrink *= shrinkage
                limit += shrink
            if new > limit:
                if attempt:
                    ok = not getattr(f, "nobr", False)
                    parts = rl._hyphenateFragWord(
                        hyphenator if ok else None,
                        w,
                        new,
                        limit,
                        uri_waste if ok else False,
                        embedded and ok,
                        min_length,
                    )
                    if parts:
                        return None
                if split_long:
                    nmw = min(lineno, last)
                    if word_width > max(widths[nmw : nmw + 1]):
                        return None
            if not (new > limit and n > 0):
                text = w[1][1]
                if text:
                    n += 1
                font_size = f.fontSize
                ascent, descent = ascent_descent(f.fontName, font_size)
                if font_size > max_size:  # max() and min() keep the first of equals: so does this
                    max_size = font_size
                if ascent > max_ascent:
                    max_ascent = ascent
                if descent < min_descent:
                    min_descent = descent
                if not words:
                    g = f.clone()
                    g_src = f
                    words = [g]
                    run_spaces = [space_width(g.fontName, g.fontSize)]
                    g.text = text
                else:
                    key = (id(g_src), id(f))
                    alike = same.get(key)
                    if alike is None:
                        alike = same[key] = bool(rl.sameFrag(g_src, f))
                    if not alike:
                        if space:
                            i = len(words) - 1
                            while i >= 0:
                                wi = words[i]
                                i -= 1
                                if wi._fkind == text_kind:
                                    if not wi.text.endswith(" "):
                                        wi.text += " "
                                    break
                        g = f.clone()
                        g_src = f
                        words.append(g)
                        run_spaces.append(space_width(g.fontName, g.fontSize))
                        g.text = text
                    elif space:
                        if not g.text.endswith(" "):
                            g.text += " " + text
                        else:
                            g.text += text
                    else:
                        g.text += text
                space = space_width(font_name, font_size) if type(w) is hs_frag else 0
                ni = 0
                for part in w[2:]:
                    g = part[0].clone()
                    g_src = part[0]
                    g.text = part[1]
                    if g.text:
                        ni = 1
                    words.append(g)
                    run_spaces.append(space_width(g.fontName, g.fontSize))
                    font_size = g.fontSize
                    ascent, descent = ascent_descent(g.fontName, font_size)
                    if font_size > max_size:
                        max_size = font_size
                    if ascent > max_ascent:
                        max_ascent = ascent
                    if descent < min_descent:
                        min_descent = descent
                if not text and ni:
                    n += 1
                current = new
            else:
                if current > widest:
                    widest = current
                lines.append(
                    _frag_line(
                        max_width, current, n, words, max_size, max_ascent, min_descent, s_fw
                    )
                )
                s_fw = len(fw) - 1
                lineno += 1
                max_width = widths[min(last, lineno)]
                space = space_width(font_name, font_size) if type(w) is hs_frag else 0
                current = word_width
                n = 1
                g = f.clone()
                g_src = f
                max_size = g.fontSize
                max_ascent, min_descent = ascent_descent(g.fontName, max_size)
                words = [g]
                run_spaces = [space_width(g.fontName, g.fontSize)]
                g.text = w[1][1]
                for part in w[2:]:
                    g = part[0].clone()
                    g_src = part[0]
                    g.text = part[1]
                    words.append(g)
                    run_spaces.append(space_width(g.fontName, g.fontSize))
                    font_size = g.fontSize
                    ascent, descent = ascent_descent(g.fontName, font_size)
                    if font_size > max_size:
                        max_size = font_size
                    if ascent > max_ascent:
                        max_ascent = ascent
                    if descent < min_descent:
                        min_descent = descent
        if words:
            if current > widest:
                widest = current
            lines.append(
                _frag_line(max_width, current, n, words, max_size, max_ascent, min_descent, s_fw)
            )
        if isinstance(width, list):
            width[:] = widths
        self.height = 0
        self._width_max = widest
        self._splitLongWordCount = self._hyphenations = 0
        self.frags = fw
        return rl.ParaLines(kind=1, lines=lines)
