"""Paragraph text for ReportLab: a tuple tree of spans -> fragments (never parsed as markup),
and the Paragraph classes a leaflet draws with; with the fast paths on, a paragraph laid out
once per process is reused by every later leaflet that prints it."""

from __future__ import annotations

import copy
from collections.abc import Callable, Hashable
from typing import Any

from reportlab.platypus import Flowable, Paragraph
from reportlab.platypus.paraparser import ParaParser

from .. import cache
from . import addresses  # noqa: F401  (installs the address breaks into ReportLab's breaker)
from . import fast as fast_paths
from .linebreak import FastLines


def style_values(style: Any) -> tuple[tuple[str, Hashable], ...]:
    """Every value a ParagraphStyle holds itself (not through its parent), comparable: what
    its paragraphs' fragments and line breaks depend on, for a layout's key."""
    return tuple(
        (k, v if isinstance(v, Hashable) else repr(v))
        for k, v in sorted(style.__dict__.items())
        if k not in ("name", "parent")
    )


def parse(tree: list[Any], style: Any) -> list[Any] | None:
    """A tuple tree (``("b", None, [...])``, text nodes as data) -> ReportLab's fragments for
    ``style``: its parser's tuple-tree interface, so nothing in the text is read as markup."""
    return ParaParser().tt_parse(("para", None, tree), style)[1]


# The parser makes one fragment per text node, and what it holds besides the text (font, size,
# colour, link, underline, counted from the paragraph's start) depends only on the tree around
# that text and the style. So a paragraph whose tree has the shape of one parsed before (plain
# text; a bold lead-in then text; text with a link ...) takes that paragraph's fragments with
# its own texts: the same fragments the parser would make, for a fraction of the time.
_templates = cache.memo("fragment templates", kept=4096, flush=True)


def fragments(tree: list[Any], style: Any, token: Hashable) -> list[Any] | None:
    """``parse``, or with the fast paths on, copies of the fragments of a paragraph of the
    same shape and ``token`` (everything about the style) with this tree's texts."""
    if not fast_paths():
        return parse(tree, style)
    texts: list[str] = []
    key = (token, _shape(tree, texts))
    known = _templates.get(key)
    if known is not None:
        return [_with_text(template, text) for template, text in zip(known, texts, strict=True)]
    frags = parse(tree, style)
    if frags is not None and len(frags) == len(texts):
        # copies taken now: line breaking later marks the fragments it is given
        _templates.put(key, [copy.copy(f) for f in frags])
    return frags


def _shape(nodes: list[Any], texts: list[str]) -> tuple[Any, ...]:
    """A tuple tree without its texts (collected into ``texts``, in document order)."""
    out: list[Any] = []
    for node in nodes:
        if isinstance(node, str):
            texts.append(node)
            out.append(None)
        else:
            tag, attrs, children = node
            # a link's colour is the paragraph's link colour, part of the token
            items = tuple(sorted((k, v) for k, v in (attrs or {}).items() if k != "color"))
            out.append((tag, items, _shape(children, texts)))
    return tuple(out)


def _with_text(template: Any, text: str) -> Any:
    frag = copy.copy(template)
    frag.text = text
    return frag


class Layout:
    """What one text in one style lays out to, shared by every leaflet this process builds that
    prints it (a disclaimer, a topic in several brands, papers or editions): its fragments and
    the line breaks ReportLab found for them.

    ReportLab's ``wrap`` replaces a paragraph's fragments with the word list it broke them
    into, and a later wrap (another width) or split starts from that list. So a result is kept
    per (fragments it started from, width), and a reused paragraph walks the same states a
    fresh one would: the output is byte-identical whether or not anything was reused. Shared
    parts are only read; a paragraph that splits over a page first takes its own copy
    (ReportLab's split edits the words of the lines)."""

    __slots__ = ("frags", "known", "steps", "text")

    def __init__(self, text: str, frags: list[Any]) -> None:
        self.text = text
        self.frags = frags
        # the fragment lists a wrap may start from: the Layout's own and those wraps left;
        # held here, so their ids stay theirs
        self.known: dict[int, list[Any]] = {id(frags): frags}
        # (id of the fragments a wrap started from, width) -> what it left on the paragraph
        self.steps: dict[tuple[int, float], tuple[Any, ...]] = {}

    def step(self, frags: list[Any], width: float) -> tuple[int, float] | None:
        """The key of a wrap from ``frags``, or None: not fragments this Layout knows (a
        deep copy Platypus made to try a split), so not reused nor kept."""
        return (id(frags), width) if self.known.get(id(frags)) is frags else None

    def keep(self, step: tuple[int, float], result: tuple[Any, ...]) -> None:
        self.steps[step] = result
        self.known[id(result[0])] = result[0]

    def __copy__(self) -> Layout:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Layout:
        # Platypus deep-copies flowables to try splits (KeepTogether): copying every kept
        # line break each time is slow, and the copy's own fragments are not ones this
        # Layout knows, so it lays them out itself (see step)
        return self


# about 10 kB each: 20 MB. A leaflet of content 1.1 has about 180 distinct layouts (130 before), so
# 2048 keeps a batch's working set (a topic in several locales, brands, editions and papers)
_layouts = cache.memo("paragraph layouts", kept=2048)


def reused_layout(key: Hashable, make: Callable[[], Layout]) -> Layout:
    """The shared Layout for ``key``, made on first use. ``key`` holds everything the
    fragments and line breaks depend on (text, style values, font files, paragraph class)."""
    found = _layouts.get(key)
    return found if found is not None else _layouts.put(key, make())


# what Paragraph.wrap (and its breakLines) leaves on the paragraph for drawing and splitting
_WRAP_RESULT = (
    "frags",
    "blPara",
    "height",
    "_wrapWidths",
    "_width_max",
    "_hyphenations",
    "_splitLongWordCount",
)


class ReusedLines:
    """Mixin for the Paragraph classes: a wrap another paragraph of the same Layout already
    did from the same state is not done again."""

    layout: Layout | None = None
    frags: list[Any]

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        layout = self.layout
        if layout is None:
            return super().wrap(availWidth, availHeight)  # type: ignore[misc]
        step = layout.step(self.frags, availWidth)
        done = layout.steps.get(step) if step else None
        if done is None:
            size = super().wrap(availWidth, availHeight)  # type: ignore[misc]
            if step and size[0] == availWidth:  # not the "cannot fit at all" answer
                layout.keep(step, tuple(getattr(self, a, 0) for a in _WRAP_RESULT))
            return size
        for attr, value in zip(_WRAP_RESULT, done, strict=True):
            setattr(self, attr, value)
        self.width = availWidth
        return availWidth, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        if self.layout is not None:  # from here on, lines and fragments of its own
            self.layout = None
            # copied together, so what the lines share with the fragments stays shared; the
            # lines are kept, not re-broken: a table splits a cell at the width it measured
            self.frags, self.__dict__["blPara"] = copy.deepcopy(
                (self.frags, self.__dict__.get("blPara"))
            )
            if self.__dict__["blPara"] is None:
                del self.__dict__["blPara"]
        return super().split(availWidth, availHeight)  # type: ignore[misc]


BreakFix = Callable[[str, list[str]], "tuple[int, str] | None"]


def line_text(line: Any) -> str:
    """The text of one line ReportLab broke a paragraph into."""
    if hasattr(line, "words"):
        return "".join(getattr(w, "text", "") for w in line.words)
    if isinstance(line, tuple) and len(line) > 1:
        return "".join(line[1])
    return ""


class CJKBreaks:
    """Mixin for CJK paragraphs: ReportLab breaks them between any two characters; ``fix``
    (a locale rule) names a break to undo, and the line before it is re-broken shorter until
    the rule holds (at most twelve times)."""

    frags: list[Any]
    style: Any
    fix: BreakFix

    def breakLinesCJK(self, maxWidths: Any) -> Any:
        from reportlab.pdfbase.pdfmetrics import stringWidth

        widths = list(maxWidths) if isinstance(maxWidths, list | tuple) else [maxWidths]
        full = widths[-1]  # the width every line after the listed ones gets
        text = "".join(getattr(f, "text", "") or "" for f in self.frags)
        for _ in range(12):
            result = super().breakLinesCJK(list(widths))  # type: ignore[misc]
            found = self.fix(text, [line_text(line) for line in result.lines])
            if found is None:
                return result
            line, pushed = found
            while len(widths) <= line + 1:  # only that line is shortened, not all after it
                widths.append(full)
            widths[line] -= stringWidth(pushed, self.style.fontName, self.style.fontSize) + 0.5
        return result


_classes: dict[tuple[type, ...], type] = {}


def paragraph_class(*features: type, cjk: bool = False, fast: bool | None = None) -> type:
    """The Paragraph class for text with ``features`` (mixins of the layout: a tick box ...),
    CJK line rules or not: with the fast paths on, reuse of laid-out paragraphs and (for
    text broken at spaces) the transcribed line breaker; else ReportLab's own Paragraph."""
    speed: tuple[type, ...] = ()
    if fast_paths() if fast is None else fast:
        speed = (ReusedLines,) if cjk else (ReusedLines, FastLines)
    bases = (*features, *speed, *((CJKBreaks,) if cjk else ()), Paragraph)
    found = _classes.get(bases)
    if found is None:
        name = "".join(b.__name__ for b in bases[:-1]) + "Paragraph"
        found = _classes[bases] = type(name, bases, {})
    return found
