"""Web and e-mail addresses -> the places a line may break inside them (after / . - @ and the
query's ? = &, never inside '//', no hyphen added), and ReportLab's URI splitter replaced by one
that offers exactly those places, so its line breaker never cuts an address mid-word ("htt" /
"ps://") and never leaves a piece of one running past the margin."""

from __future__ import annotations

import re
from typing import Any

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import paragraph as rl

BREAKS_AFTER = "/.-@?=&"  # an address breaks after one of these, or not at all
_ADDRESS = re.compile(
    r"^(?:[a-z][a-z0-9+.-]*://\S+|www\.\S+|mailto:\S+|[^\s@/]+@[^\s@/]+\.[^\s@/]+"
    # the rest of an address cut at a line's end: ReportLab offers it again when it does not
    # fit the next line either (a narrow column, large print). A path ("neurologic-disorders/
    # isaacs-syndrome"), a query ("drugInfo.cfm?setid=8d40...", "setid=8d40..."), or a chain
    # of four or more words joined by - or . ("prevention-programme-actions-required-...", an
    # identifier "8d409411-aa9f-4f3a-a52c-fbcb0c3ec053"), which prose does not print
    r"|[^\s/]+/\S*|\S*\w[?=&]\w\S*|[a-z0-9]+(?:[-.][a-z0-9]+){3,}[-./]?)$",
    re.I,
)


def is_address(word: str) -> bool:
    """Whether ``word`` is a web or e-mail address (``https://...``, ``www....``, ``a@b.c``),
    or what is left of one after a break (a path: letters, then a slash ...)."""
    return bool(_ADDRESS.match(word))


def break_points(word: str) -> list[int]:
    """Where a line may end inside ``word``: after each of BREAKS_AFTER that is neither the
    word's last character nor the first slash of '//'."""
    return [
        i + 1
        for i, ch in enumerate(word[:-1])
        if ch in BREAKS_AFTER and not (ch == "/" and word[i + 1] == "/")
    ]


def last_fitting(word: str, fits: object) -> int | None:
    """The longest head of ``word`` ending at a break point for which ``fits(head)`` is true
    (``fits`` a callable), or None."""
    for cut in reversed(break_points(word)):
        if fits(word[:cut]):  # type: ignore[operator]
            return cut
    return None


def _split_pairs(word: str | bytes) -> list[tuple[str, str]] | None:
    """ReportLab's ``_uri_split_pairs`` for our rule: None for a word that is not an address
    (it is hyphenated or kept as ReportLab would), else (head, tail) at every break point,
    longest head first (the order ReportLab tries them in)."""
    if isinstance(word, bytes):
        word = word.decode("utf8")
    if not is_address(word):
        return None
    return [(word[:cut], word[cut:]) for cut in reversed(break_points(word))]


def line_starts(text: str, widths: list[float], room: float, rooms: list[float]) -> set[int]:
    """Where the lines of an address longer than a line start (indices into ``text``, whose
    characters are ``widths`` wide): each line takes the longest head ending at a break point
    that fits; on the line it starts on (``room`` left) that may be none (it starts on the
    next, an index 0), on a line of its own (``rooms[n]`` for the n-th next line) a piece with
    no break point that fits is cut where the line ends, as ReportLab would."""
    points = break_points(text)
    starts: set[int] = set()
    start, line = 0, 0
    while sum(widths[start:]) > room + 1e-8:
        fitting = [p for p in points if p > start and sum(widths[start:p]) <= room + 1e-8]
        if fitting:
            cut = fitting[-1]
        elif line == 0 and start == 0 and widths and room < rooms[0]:
            cut = 0  # not even the first piece fits here: the address starts a line
        else:
            cut, used = start, 0.0
            while cut < len(text) - 1 and used + widths[cut] <= room:
                used += widths[cut]
                cut += 1
            cut = max(cut, start + 1)
        starts.add(cut)
        start = cut
        room = rooms[min(line, len(rooms) - 1)]
        line += 1
    return starts


def _split_word(
    w: Any,
    lineWidth: float,
    maxWidths: list[float],
    lineno: int,
    fontName: str,
    fontSize: float,
    encoding: str = "utf8",
) -> list[Any]:
    """ReportLab's ``_splitWord`` (a word longer than a line, in pieces that fit) with an
    address cut only at its break points."""
    text = w.decode(encoding) if isinstance(w, bytes) else str(w)
    if not is_address(text) or rl.isBidiStr(w):
        return _plain_split_word(w, lineWidth, maxWidths, lineno, fontName, fontSize, encoding)
    last = len(maxWidths) - 1
    widths = [stringWidth(c, fontName, fontSize, encoding) for c in text]
    room = maxWidths[min(last, lineno)] - lineWidth
    rooms = [maxWidths[min(last, lineno + n)] for n in range(1, len(text) + 1)]
    starts = sorted(line_starts(text, widths, room, rooms))
    heads = zip([0, *starts], starts, strict=True)  # a piece per line; the last one ends it
    pieces: list[Any] = [rl._SplitWord(text[a:b]) for a, b in heads]
    return [*pieces, rl._SplitWordEnd(text[starts[-1] if starts else 0 :])]


def _split_frag_word(w: Any, maxWidth: float, maxWidths: list[float], lineno: int) -> list[Any]:
    """ReportLab's ``_splitFragWord`` (a word of several fragments longer than a line) with
    an address cut only at its break points: the same pieces, cut where ``line_starts``
    says instead of at the last character that fits."""
    # an empty fragment prints nothing: the first piece of an address that a page's split
    # put back together with the rest (left empty on the line above) is dropped, or the
    # address was not recognised and was cut mid-word ('2020. h' / 'ttps://...')
    chars = [c for c in rl._fragWordIter(w) if c[2] != "" or hasattr(c[0], "cbDefn")]
    text = "".join(c if isinstance(c, str) else "" for _, _, c in chars)
    if len(text) != len(chars) or not is_address(text):
        return _plain_split_frag_word(w, maxWidth, maxWidths, lineno)
    last = len(maxWidths) - 1
    rooms = [maxWidths[min(last, lineno + n)] for n in range(1, len(text) + 1)]
    starts = line_starts(text, [cw for _, cw, _ in chars], maxWidth, rooms)
    out: list[Any] = []
    pieces: list[Any] = []
    frag_text = ""
    word_width = 0.0
    f = w[1][0]
    for index, (g, cw, c) in enumerate(chars):
        cut = index in starts
        if g is not f or cut:
            f = f.clone()
            if hasattr(f, "text"):
                f.text = frag_text
            if cut and not index:  # the address starts the next line: nothing drawn here
                f.us_lines, f.link = [], []
            pieces.append((f, frag_text))
            if cut:
                out.append(rl._SplitFrag([word_width, *pieces]))
                pieces = []
                word_width = 0.0
            frag_text = ""
            f = g
        word_width += cw
        frag_text += c
    pieces.append((f, frag_text))
    end = rl._SplitFragHS if isinstance(w, rl._HSFrag) else rl._SplitFragH
    out.append(end([word_width, *pieces]))
    return out


def _rejoin_split_frag_words(pieces: list[Any]) -> list[Any]:
    """ReportLab's ``_rejoinSplitFragWords`` (a word's pieces from the lines of a paragraph
    split between pages, joined again to be broken anew) without its loss of hyphens: it drops
    a '-' ending any piece it joins to one of the same style, so an address cut after '-'
    ('drug-' / 'safety-update/') came back as 'drugsafety-update/'. Only a hyphen the breaker
    added (a hyphenation's head) or a soft hyphen's is taken away."""
    out: list[Any] = [0]
    width = 0.0
    style = None
    for piece in pieces:
        width += piece[0]
        added = isinstance(piece, rl._SplitFragHY)
        for part in piece[1:]:
            part_style, text = part
            if added and part is piece[-1]:
                width -= stringWidth(text[-1], part_style.fontName, part_style.fontSize) + 1e-8
                text = rl._shyUnsplit(text)  # strip the '-'
            if part_style is style:
                before = out[-1][1]
                soft = isinstance(before, rl._SHYIndexedStr) or hasattr(text, "_shyIndices")
                out[-1] = (part_style, rl._shyUnsplit(before, text) if soft else before + text)
            else:
                out.append((part_style, text))
                style = part_style
    out[0] = width
    return rl._reconstructSplitFrags(pieces[-1])(out)  # type: ignore[no-any-return]


_plain_split_word = rl._splitWord
_plain_split_frag_word = rl._splitFragWord


def install() -> None:
    """Point ReportLab's line breaker (its own loop, and so both the fast and the plain path)
    at the functions above: an address is offered its break points when it does not fit a
    line's end (``_split_pairs``; a style asks for that with ``uriWasteReduce``), and is cut
    only there when it is longer than a line; and its pieces keep their hyphens when a page
    split joins them again."""
    rl._uri_split_pairs = _split_pairs
    rl._splitWord = _split_word
    rl._splitFragWord = _split_frag_word
    rl._rejoinSplitFragWords = _rejoin_split_frag_words


install()
