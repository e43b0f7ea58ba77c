"""Render stage: Document + Theme + paper -> PDF bytes (ReportLab; its camelCase stays in here).

Every block is drawn through one wrapper, ``Tagged``, that carries its structure role, and all
page furniture (running header, footer, draft mark) through one path, ``LeafletCanvas``: the two
places a tagged (PDF/UA) writer hooks into later.
"""

from __future__ import annotations

import copy
import io
import os
import re
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from reportlab.lib import colors as rl_colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.fonts import ps2tt, tt2ps
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.textsplit import ALL_CANNOT_START
from reportlab.lib.utils import ImageReader, _digester
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfdoc import PDFImageXObject, PDFObjectReference
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Table as RLTable
from reportlab.platypus.doctemplate import LayoutError
from reportlab.platypus.paraparser import ParaParser

from .errors import RenderError
from .fonts import coverage, face_label, font_file, font_name, register_families
from .inline import plain_text
from .linebreak import FastLines
from .model import (
    DocBlock,
    DocBox,
    DocDefinitions,
    DocHeading,
    DocList,
    DocMasthead,
    DocPara,
    DocTable,
    DocTitleBand,
    Document,
    Furniture,
    Inline,
    Rendered,
)
from .rtl import RTLParagraph, Run, draw_line, measure_line
from .theme import MM, TextStyle, Theme

PRODUCER = "handoutgen"


# --- structure: one wrapper for every block ---------------------------------------------------


@dataclass(frozen=True)
class Node:
    """A structure element: its role (H1, H2, P, L, LI, Lbl, Table, TH, TD, Figure, Div) and
    parent. Both halves of a split block keep pointing to the same node."""

    role: str
    parent: Node | None = None
    alt: str | None = None
    title: str | None = None  # for headings: the outline entry


class Tagged(Flowable):
    """Draws ``inner`` bracketed by the canvas's structure hooks; splits keep the same node."""

    def __init__(self, inner: Flowable, node: Node) -> None:
        super().__init__()
        self.inner = inner
        self.node = node
        self._wrapped: float | None = None

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        # a paragraph's lines depend on the width only: Platypus often measures the same
        # paragraph twice (keep-together groups, then the frame), so break its lines once
        if (
            self._wrapped == avail_width
            and isinstance(self.inner, Paragraph)
            and hasattr(self.inner, "blPara")
        ):  # a failed split drops the lines
            return self.width, self.height
        canv = getattr(self, "canv", None)
        if canv is None:
            self.width, self.height = self.inner.wrap(avail_width, avail_height)
        else:
            self.width, self.height = self.inner.wrapOn(canv, avail_width, avail_height)
        self._wrapped = avail_width
        return self.width, self.height

    def wrapOn(self, canv: Canvas, aw: float, ah: float) -> tuple[float, float]:
        self.canv = canv
        try:
            return self.wrap(aw, ah)
        finally:
            del self.canv

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        canv = getattr(self, "canv", None)
        if canv is None:
            parts = self.inner.split(avail_width, avail_height)
        else:
            parts = self.inner.splitOn(canv, avail_width, avail_height)
        return [Tagged(p, self.node) for p in parts]

    def splitOn(self, canv: Canvas, aw: float, ah: float) -> list[Flowable]:
        self.canv = canv
        try:
            return self.split(aw, ah)
        finally:
            del self.canv

    def drawOn(self, canv: Canvas, x: float, y: float, _sW: float = 0) -> None:
        begin = getattr(canv, "begin_block", None)
        if begin:
            begin(self.node, x, y, self.height)
        self.inner.drawOn(canv, x, y, _sW)
        end = getattr(canv, "end_block", None)
        if end:
            end(self.node)

    def getSpaceBefore(self) -> float:
        return self.inner.getSpaceBefore()

    def getSpaceAfter(self) -> float:
        return self.inner.getSpaceAfter()

    def getKeepWithNext(self) -> bool:
        # Platypus switches keepWithNext off on the flowables it has grouped, by setting the
        # attribute on them: honour that, or the same group is formed again and again.
        if "keepWithNext" in self.__dict__:
            return bool(self.__dict__["keepWithNext"])
        return self.inner.getKeepWithNext()

    def minWidth(self) -> float:
        return self.inner.minWidth()

    def identity(self, maxLen: int | None = None) -> str:
        return f"Tagged[{self.node.role}]({self.inner.identity(maxLen)})"


# --- page furniture: one path, drawn when the total page count is known -----------------------


@lru_cache(maxsize=16)
def _image_xobject(path: str, mask: Any, size: int, mtime_ns: int) -> PDFImageXObject:
    """An image file as a PDF image, named as ReportLab names an ImageReader's (by its pixels
    and mask). Keyed by the file's size and time, so a replaced logo is read again."""
    reader = ImageReader(path)
    rgb = reader.getRGBData()  # also splits off the alpha channel, as _dataA
    alpha = reader._dataA
    mdata = alpha.getRGBData() if mask == "auto" and alpha else str(mask).encode()
    return PDFImageXObject(_digester(rgb + mdata), reader, mask=mask)


class LeafletCanvas(Canvas):
    """Defers pages so the footer can say "Page X of Y" in one build pass; draws all furniture
    through ``paint_furniture`` and records which structure role was drawn on which page."""

    paint_furniture: Callable[[Canvas, int, int], None] | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deferred: list[dict[str, Any]] = []
        self.structure: list[tuple[int, str]] = []
        self.outline: list[tuple[int, str, int, float]] = []  # page, title, level, top

    def begin_block(self, node: Node, x: float, y: float, height: float) -> None:
        page = len(self._deferred) + 1
        self.structure.append((page, node.role))
        if node.title and node.role in ("H1", "H2"):
            # destinations must be made while their page is current: see save()
            self.outline.append((page, node.title, 0 if node.role == "H1" else 1, y + height))

    def end_block(self, node: Node) -> None:
        pass

    def drawImage(
        self,
        image: Any,
        x: float,
        y: float,
        width: float | None = None,
        height: float | None = None,
        mask: Any = None,
        **kw: Any,
    ) -> Any:
        """An image file (the logo) is drawn from one decoded and compressed once per process
        (about 2 ms a leaflet), registered as ReportLab registers an ImageReader's: named by
        its pixels, so the bytes do not depend on where the file lies."""
        if not isinstance(image, str) or width is None or height is None or kw:
            return super().drawImage(image, x, y, width, height, mask, **kw)
        stat = os.stat(image)
        prepared = _image_xobject(image, mask, stat.st_size, stat.st_mtime_ns)
        doc = self._doc
        registered = doc.getXObjectName(prepared.name)
        if registered not in doc.idToObject:
            obj = copy.copy(prepared)  # ReportLab sets document references on it
            self._setXObjects(obj)
            doc.Reference(obj, registered)
            doc.addForm(obj.name, obj)
            smask = getattr(obj, "_smask", None)
            if smask:
                smask = copy.copy(smask)
                mask_name = doc.getXObjectName(smask.name)
                if mask_name in doc.idToObject:
                    obj.smask = PDFObjectReference(mask_name)
                else:
                    self._setXObjects(smask)
                    obj.smask = doc.Reference(smask, mask_name)
                del obj._smask
        self._currentPageHasImages = 1
        self.saveState()
        self.translate(x, y)
        self.scale(width, height)
        self._code.append(f"/{registered} Do")
        self.restoreState()
        self._formsinuse.append(prepared.name)  # the page's resources list it
        return prepared.width, prepared.height

    def showPage(self) -> None:
        self._deferred.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._deferred)
        outline = self.outline
        for number, state in enumerate(self._deferred, start=1):
            self.__dict__.update(state)
            for key, (page, title, level, top) in enumerate(outline):
                if page == number:
                    self.bookmarkHorizontal(f"h{key}", 0, top)
                    self.addOutlineEntry(title, f"h{key}", level=level)
            if self.paint_furniture:
                self.saveState()
                self.paint_furniture(self, self._pageNumber, total)
                self.restoreState()
            Canvas.showPage(self)
        Canvas.save(self)


# --- styles ---------------------------------------------------------------------------------


@cache
def _color(hex_value: str) -> rl_colors.Color:
    return rl_colors.HexColor(hex_value)


class Styles:
    """Theme text styles as ReportLab ParagraphStyles for one locale: each style's family is
    replaced by the locale's font chain, and line breaking follows the locale (hyphenation,
    CJK rules, right-to-left alignment)."""

    def __init__(self, theme: Theme, lang: str = "en", direction: str = "ltr") -> None:
        self.theme = theme
        self.lang = lang
        self.rtl = direction == "rtl"
        self.para: dict[str, ParagraphStyle] = {}
        self.chains: dict[str, tuple[str, ...]] = {}
        self._keys: dict[int, tuple[ParagraphStyle, int, list[tuple[str, str]]]] = {}
        self._unhyphenated: dict[int, tuple[ParagraphStyle, ParagraphStyle]] = {}
        body = theme.styles["body"]
        body_font = font_name(self.chain(body.family)[0], "regular")
        for name, ts in theme.styles.items():
            self.para[name] = self._style(ts, body_font)
        indent = theme.spacing["list_indent"]
        base = self.para["list_item"]
        side = {"rightIndent": indent} if self.rtl else {"leftIndent": indent}
        self.para["list_item"] = ParagraphStyle(
            "list_item",
            parent=base,
            bulletIndent=0,
            bulletFontName=base.fontName,
            bulletFontSize=base.fontSize,
            **side,
        )

    def chain(self, family: str) -> tuple[str, ...]:
        return self.theme.chain(self.lang, family)

    def _style(self, ts: TextStyle, body_font: str) -> ParagraphStyle:
        theme = self.theme
        family = self.chain(ts.family)[0]
        weight = ts.weight if ts.weight in theme.fonts[family] else "regular"
        extra: dict[str, Any] = {}
        hyphenation = theme.hyphenation_for(self.lang)
        if hyphenation and ts.name not in (
            "title",
            "h2",
            "h3",
            "masthead_name",
        ):  # no broken headings
            extra["hyphenationLang"] = hyphenation
            extra["hyphenationMinWordLength"] = theme.hyphenation_min_word_length
            extra["uriWasteReduce"] = 0.3  # with hyphenation on, URLs break only at slashes
        if theme.cjk(self.lang):
            extra["wordWrap"] = "CJK"
        elif self.lang.split("-")[0] in theme.scripts:
            extra["shaping"] = 1  # complex left-to-right scripts (Devanagari ...)
        return ParagraphStyle(
            ts.name,
            fontName=font_name(family, weight),
            fontSize=ts.size,
            leading=ts.leading,
            textColor=_color(ts.color),
            spaceBefore=ts.space_before,
            spaceAfter=ts.space_after,
            alignment=TA_RIGHT if self.rtl else TA_LEFT,
            allowWidows=0,
            allowOrphans=0,
            keepWithNext=1 if ts.name in ("h2", "h3") else 0,
            bulletFontName=body_font,
            splitLongWords=1,
            **extra,
        )

    def faces(self, style: ParagraphStyle) -> list[tuple[str, str]]:
        """(regular, bold) font names of the chain that draws ``style``, in order."""
        return self._known(style)[2]

    def key(self, style: ParagraphStyle) -> int:
        """A token for everything about ``style`` that a paragraph's fragments and line breaks
        depend on: its values, and the font files behind its font names (a brand may map a
        family to other files) and behind the locale's fallback faces. Equal styles of two
        leaflets get the same token."""
        return self._known(style)[1]

    def _known(self, style: ParagraphStyle) -> tuple[ParagraphStyle, int, list[tuple[str, str]]]:
        found = self._keys.get(id(style))
        if found is None or found[0] is not style:  # once per style and leaflet
            family = style.fontName.rsplit("-", 1)[0]
            chain = self.chain("sans") if family in self.chain("sans") else (family,)
            faces = []
            for fam in chain:
                regular = font_name(fam, "regular")
                bold = font_name(fam, "bold") if "bold" in self.theme.fonts[fam] else regular
                faces.append((regular, bold))
            values = tuple(
                (k, v if isinstance(v, Hashable) else repr(v))
                for k, v in sorted(style.__dict__.items())
                if k not in ("name", "parent")
            )
            # in order: a character takes the first face of the chain that has it
            names = [style.fontName, style.bulletFontName, *(n for pair in faces for n in pair)]
            # and what the parser turns each into for bold or italic text (the family
            # mapping is the process's, set by the brand registered last)
            faces_of = tuple((n, _mapped(n)) for n in dict.fromkeys(names))
            every = dict.fromkeys([*names, *(m for _, ms in faces_of for m in ms or ())])
            files = tuple((n, font_file(n)) for n in every)
            token = _STYLE_TOKENS.setdefault((values, faces_of, files), len(_STYLE_TOKENS))
            found = self._keys[id(style)] = (style, token, faces)
        return found

    def without_hyphenation(self, style: ParagraphStyle) -> ParagraphStyle:
        """``style`` with hyphenation off (for text holding a web address), made once."""
        found = self._unhyphenated.get(id(style))
        if found is None or found[0] is not style:
            plain = ParagraphStyle(
                f"{style.name}-nohyphen", parent=style, hyphenationLang="", uriWasteReduce=0
            )
            found = self._unhyphenated[id(style)] = (style, plain)
        return found[1]

    def derive(self, name: str, **changes: Any) -> ParagraphStyle:
        key = f"{name}|{sorted(changes.items())}"
        if key not in self.para:
            self.para[key] = ParagraphStyle(key, parent=self.para[name], **changes)
        return self.para[key]


def _mapped(name: str) -> tuple[str, ...] | None:
    """The font names ReportLab's parser sets text of font ``name`` in, for (regular, italic,
    bold, bold italic) text: the family mapping of fonts.register_families."""
    try:
        family = ps2tt(name)[0]
        return tuple(tt2ps(family, b, i) for b in (0, 1) for i in (0, 1))
    except ValueError:  # a font outside any family mapping: ReportLab's own standard fonts
        return None


def _runs(text: str, faces: list[tuple[str, str]], bold: bool) -> list[tuple[str, str]]:
    """Split ``text`` into (font, text) runs: each character in the first font that has it."""
    runs: list[tuple[str, str]] = []
    for ch in text:
        font = next(
            (
                f[1] if bold else f[0]
                for f in faces
                if ord(ch) in pdfmetrics.getFont(f[1] if bold else f[0]).face.charToGlyph
            ),
            faces[0][1] if bold else faces[0][0],
        )
        if runs and (runs[-1][0] == font or ch.isspace()):
            runs[-1] = (runs[-1][0], runs[-1][1] + ch)
        else:
            runs.append((font, ch))
    return runs


def _tree(spans: Inline, link_color: str, faces: list[tuple[str, str]] | None) -> list[Any]:
    """Spans -> the children of a ReportLab tuple tree: text nodes are data, never parsed."""
    nodes: list[Any] = []
    for span in spans:
        text = _WHITESPACE.sub(" ", span.text)
        children: list[Any]
        if faces and len(faces) > 1:
            primary = faces[0][1] if span.bold else faces[0][0]
            children = [
                t if font == primary else ("font", {"face": font}, [t])
                for font, t in _runs(text, faces, span.bold)
            ]
        else:
            children = [text]
        if span.href:
            children = [
                ("a", {"href": span.href, "color": _color(link_color)}, [("u", None, children)])
            ]
        if span.bold:
            children = [("b", None, children)]
        nodes.extend(children)
    # what ReportLab's own cleaner does to markup: no leading or trailing space
    if nodes and isinstance(nodes[0], str):
        nodes[0] = nodes[0].lstrip(" ")
    if nodes and isinstance(nodes[-1], str):
        nodes[-1] = nodes[-1].rstrip(" ")
    return nodes


# runs of ASCII white space become one space (a no-break space stays: it holds phone numbers)
_WHITESPACE = re.compile(r"[ \t\n\r\f\v]+")


def fragments(
    spans: Inline,
    style: ParagraphStyle,
    link_color: str,
    faces: list[tuple[str, str]] | None = None,
    token: int | None = None,
) -> list[Any]:
    """Spans -> ReportLab paragraph fragments for ``style``. The text goes in as tuple-tree data
    (``ParaParser.tt_parse``): nothing in it is ever read as markup, so a translation holding
    ``<img src=...>`` or ``&amp;`` prints exactly that, and no HTML parsing is paid for.
    With ``token`` (``Styles.key(style)``), a paragraph shaped like one parsed before takes
    copies of that one's fragments with its own texts (see _frag_templates)."""
    tree = _tree(spans, link_color, faces)
    texts: list[str] = []
    key = (token, link_color, _shape(tree, texts)) if token is not None else None
    known = _frag_templates.get(key) if key is not None else None
    if known is not None:
        return [_with_text(template, text) for template, text in zip(known, texts, strict=True)]
    _, frags, _ = ParaParser().tt_parse(("para", None, tree), style)
    if frags is None:  # pragma: no cover - the tree is built here and always well formed
        raise RenderError(f"cannot lay out {plain_text(spans)[:60]!r}")
    if key is not None and len(frags) == len(texts):
        if len(_frag_templates) >= FRAG_TEMPLATES_KEPT:
            _frag_templates.clear()
        # copies taken now: line breaking later marks the fragments it is given
        _frag_templates[key] = [copy.copy(f) for f in frags]
    return frags


# The parser makes one fragment per text node, and what it holds besides the text (font, size,
# colour, link, underline, counted from the paragraph's start) depends only on the tree around
# that text and the style. So a paragraph whose tree has the shape of one parsed before (plain
# text; a bold lead-in then text; text with a link ...) takes that paragraph's fragments with
# its own texts: the same fragments the parser would make, for a fraction of the time.
FRAG_TEMPLATES_KEPT = 4096
_frag_templates: dict[Hashable, list[Any]] = {}


def _shape(nodes: list[Any], texts: list[str]) -> tuple[Any, ...]:
    """A tuple tree without its texts (collected into ``texts``, in document order)."""
    out: list[Any] = []
    for node in nodes:
        if isinstance(node, str):
            texts.append(node)
            out.append(None)
        else:
            tag, attrs, children = node
            # a link's colour is the paragraph's link colour, part of the key
            items = tuple(sorted((k, v) for k, v in (attrs or {}).items() if k != "color"))
            out.append((tag, items, _shape(children, texts)))
    return tuple(out)


def _with_text(template: Any, text: str) -> Any:
    frag = copy.copy(template)
    frag.text = text
    return frag


# --- reuse: a paragraph laid out once per process, not once per leaflet -----------------------


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


_STYLE_TOKENS: dict[Hashable, int] = {}  # every distinct style this process has seen: a few dozen

LAYOUTS_KEPT = 1024  # per process, least recently used dropped: about 10 kB each, 10 MB
_layouts: OrderedDict[Hashable, Layout] = OrderedDict()


def reused_layout(key: Hashable, make: Callable[[], Layout]) -> Layout:
    """The shared Layout for ``key``, made on first use. ``key`` holds everything the
    fragments and line breaks depend on (text, style values, font files, paragraph class)."""
    found = _layouts.get(key)
    if found is not None:
        _layouts.move_to_end(key)
        return found
    found = _layouts[key] = make()
    if len(_layouts) > LAYOUTS_KEPT:
        _layouts.popitem(last=False)
    return found


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


class TextParagraph(ReusedLines, FastLines, Paragraph):
    """A paragraph of content text (left-to-right, not CJK)."""


def _line_text(line: Any) -> str:
    if hasattr(line, "words"):
        return "".join(getattr(w, "text", "") for w in line.words)
    if isinstance(line, tuple) and len(line) > 1:
        return "".join(line[1])
    return ""


# marks that never start a line: ReportLab's list plus full-width colon and semicolon
_CANNOT_START = ALL_CANNOT_START + "\uff1a\uff1b\uff01\uff1f\uff0c\uff0e\uff09\u3001\u3002"


_NO_BREAK = "\u00a0\u2007\u202f\u2060"  # no-break spaces and the word joiner


def _glued(ch: str) -> bool:
    """A character of a run that must stay on one line inside CJK text: Latin letters, digits
    and their punctuation (a drug name, a dose, a phone number), or a no-break space."""
    return ch in _NO_BREAK or (ord(ch) < 0x2E80 and not ch.isspace())


class CJKParagraph(ReusedLines, Paragraph):
    """ReportLab breaks CJK text between any two characters. Two rules are added: a line never
    starts with a closing mark (ReportLab hangs one, not two: "）。"), and a run of Latin text
    joined by no-break spaces (a phone number, "500 mg") is never split, nor a Latin word:
    the line before is re-broken shorter until the run moves down whole."""

    def breakLinesCJK(self, maxWidths: Any) -> Any:
        widths = list(maxWidths) if isinstance(maxWidths, list | tuple) else [maxWidths]
        full = widths[-1]  # the width every line after the listed ones gets
        text = "".join(getattr(f, "text", "") or "" for f in self.frags)
        for _ in range(12):
            result = super().breakLinesCJK(list(widths))
            lines = [_line_text(line) for line in result.lines]
            fix = _first_bad_break(text, lines)
            if fix is None:
                return result
            line, pushed = fix
            while len(widths) <= line + 1:  # only that line is shortened, not all after it
                widths.append(full)
            widths[line] -= (
                pdfmetrics.stringWidth(pushed, self.style.fontName, self.style.fontSize) + 0.5
            )
        return result


def _first_bad_break(text: str, lines: list[str]) -> tuple[int, str] | None:
    """(line, the text at its end to push down) for the first line break to undo, or None.
    ``text`` is the paragraph's own text: what lies between two lines in it (nothing, a space
    ReportLab dropped, a no-break space) says whether the break was allowed."""
    cursor = 0
    for n, line in enumerate(lines):
        start = text.find(line, cursor) if line else cursor
        if start < 0 or text[cursor:start].strip(" \u00a0"):
            return None  # the lines do not map onto the text (a split part): leave them be
        if n:
            before, gap = lines[n - 1], text[cursor:start]
            if before and line:
                if line[0] in _CANNOT_START:
                    return n - 1, before[-1]
                a, b = before[-1], line[0]
                split_run = not gap and _glued(a) and _glued(b)
                if split_run or any(ch in _NO_BREAK for ch in gap + a + b):
                    tail = len(before)
                    while tail and _glued(before[tail - 1]):
                        tail -= 1
                    if 0 < tail < len(before):  # a run longer than a line must break
                        return n - 1, before[tail:]
        cursor = start + len(line)
    return None


class CheckItem(ReusedLines, FastLines, Paragraph):
    """A list item paragraph whose marker is an empty tick box drawn beside its first line."""

    box_size = 10.0  # replaced from the theme (spacing.checkbox)
    line_width = 1.0  # spacing.checkbox_line

    def draw(self) -> None:
        super().draw()
        if self.bulletText is None:  # the continuation of a split item has no marker
            return
        style = self.style
        size = self.box_size
        baseline = self.height - style.fontSize * 0.93
        canv = self.canv
        canv.saveState()
        canv.setStrokeColor(style.textColor)
        canv.setLineWidth(self.line_width)
        canv.rect(style.bulletIndent, baseline - 0.12 * size, size, size, stroke=1, fill=0)
        canv.restoreState()


class DataTable(RLTable):
    """A data table that splits between rows only where at least ``min_rows`` body rows stay on
    each side: no lone row under a repeated header at the top of a page, none left behind."""

    min_rows = 2

    def _at_page_top(self) -> bool:
        """Whether nothing is above the table in its frame: moving on would not help then
        (rows too tall for two to fit on any page), so it splits the ordinary way."""
        doc = getattr(getattr(self, "canv", None), "_doctemplate", None)
        return bool(getattr(getattr(doc, "frame", None), "_atTop", True))

    def _head(self) -> int:
        rows = self.repeatRows
        return rows if isinstance(rows, int) else len(rows)

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        parts = super().split(availWidth, availHeight)
        if len(parts) != 2:
            return parts
        head = self._head()
        first = len(parts[0]._cellvalues) - head
        second = len(parts[1]._cellvalues) - head
        if first < self.min_rows and not self._at_page_top():
            return []  # the whole table starts on the next page
        missing = self.min_rows - second
        if missing > 0 and first - missing >= self.min_rows:
            end = head + first
            less = sum(self._rowHeights[end - missing : end])
            shorter = super().split(availWidth, availHeight - less - 0.01)
            if len(shorter) == 2:
                return shorter
        return parts


# --- blocks -> flowables ----------------------------------------------------------------------


class Builder:
    """Turns Document blocks into tagged flowables for one theme and frame width."""

    def __init__(self, styles: Styles, frame_width: float) -> None:
        self.styles = styles
        self.theme = styles.theme
        self.width = frame_width
        self.link = self.theme.colors.get("link", self.theme.colors["primary"])
        self.root = Node("Document")

    def grid(self, rows: list[list[Any]], cls: type[RLTable] = RLTable, **kw: Any) -> RLTable:
        """Every ReportLab table goes through here: its default cell font would otherwise be
        the non-embedded standard Helvetica."""
        table = cls(rows, **kw)
        body = self.styles.para["body"]
        table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), body.fontName, body.fontSize)]))
        return table

    def para(self, spans: Inline, style: str | ParagraphStyle, role: str, parent: Node) -> Tagged:
        st = self.styles.para[style] if isinstance(style, str) else style
        node = Node(role, parent, title=plain_text(spans) if role in ("H1", "H2") else None)
        return Tagged(self.text(spans, st), node)

    def text(
        self,
        spans: Inline,
        style: ParagraphStyle,
        *,
        marker: str | None = None,
        box: bool = False,
    ) -> Flowable:
        """The one place text becomes a flowable: a ReportLab Paragraph, or for right-to-left
        locales an RTLParagraph (shaped, bidi-ordered, right-aligned, mirrored markers)."""
        faces = self.styles.faces(style)
        if getattr(style, "hyphenationLang", "") and any(
            s.href and s.text.startswith(("http://", "https://")) for s in spans
        ):
            # ReportLab lets a web address overflow once hyphenation is on: not here
            style = self.styles.without_hyphenation(style)
        if self.styles.rtl:
            return RTLParagraph(
                spans,
                style,
                faces,
                _color(self.link),
                marker=marker,
                box=self.theme.spacing["checkbox"] if box else None,
            )
        cls: type[ReusedLines]
        if box:
            cls, marker = CheckItem, " "
        else:
            cls = CJKParagraph if self.theme.cjk(self.styles.lang) else TextParagraph
        token = self.styles.key(style)
        key = (cls, spans, marker, self.link, token)
        layout = reused_layout(
            key,
            lambda: Layout(plain_text(spans), fragments(spans, style, self.link, faces, token)),
        )
        para = cls(layout.text, style, bulletText=marker, frags=layout.frags)
        para.layout = layout
        if box:
            para.box_size = self.theme.spacing["checkbox"]
            para.line_width = self.theme.spacing["checkbox_line"]
        return para

    def block(self, block: DocBlock, parent: Node, width: float) -> list[Flowable]:
        sp = self.theme.spacing
        match block:
            case DocMasthead():
                return self.masthead(block, parent)
            case DocTitleBand():
                node = Node("H1", parent, title=plain_text(block.title))
                title = Tagged(self.text(block.title, self.styles.para["title"]), node)
                pad = sp["band_padding"]
                table = self.grid([[title]], colWidths=[width])
                table.setStyle(
                    TableStyle(
                        [
                            ("BACKGROUND", (0, 0), (-1, -1), _color(self.theme.colors["primary"])),
                            (
                                "LINEBELOW",
                                (0, 0),
                                (-1, -1),
                                sp["band_rule"],
                                _color(self.theme.colors["accent"]),
                            ),
                            ("LEFTPADDING", (0, 0), (-1, -1), pad),
                            ("RIGHTPADDING", (0, 0), (-1, -1), pad),
                            ("TOPPADDING", (0, 0), (-1, -1), pad),
                            ("BOTTOMPADDING", (0, 0), (-1, -1), pad),
                        ]
                    )
                )
                return [Tagged(table, Node("Div", parent))]
            case DocHeading():
                style = "h2" if block.level <= 2 else "h3"
                return [self.para(block.text, style, f"H{block.level}", parent)]
            case DocPara():
                style: str | ParagraphStyle = block.style
                if block.keep_with_next:
                    style = self.styles.derive(block.style, keepWithNext=1)
                return [self.para(block.text, style, "P", parent)]
            case DocList():
                return self.item_list(block, parent)
            case DocDefinitions():
                lnode = Node("L", parent)
                out: list[Flowable] = []
                term_style = self.styles.derive(
                    "body",
                    fontName=self.styles.para["h3"].fontName,
                    spaceAfter=sp["term_space_after"],
                    keepWithNext=1,
                )
                text_style = self.styles.derive(
                    "body",
                    **{"rightIndent" if self.styles.rtl else "leftIndent": sp["list_indent"]},
                )
                for term, text in block.items:
                    item = Node("LI", lnode)
                    out.append(self.para(term, term_style, "Lbl", item))
                    out.append(self.para(text, text_style, "LBody", item))
                return out
            case DocBox():
                return [self.box(block, parent, width)]
            case DocTable():
                return self.table(block, parent, width)
        raise TypeError(block)  # pragma: no cover

    def item_list(self, block: DocList, parent: Node) -> list[Flowable]:
        lnode = Node("L", parent)
        items: list[Flowable] = []
        checklist = block.kind == "checklist"
        style = self.styles.para["list_item"]
        last = self.styles.derive("list_item", spaceAfter=self.styles.para["body"].spaceAfter)
        for n, spans in enumerate(block.items, start=1):
            node = Node("LI", lnode)
            if n == len(block.items):
                style = last
            marker = None if checklist else f"{n}." if block.kind == "steps" else "\u2022"
            items.append(Tagged(self.text(spans, style, marker=marker, box=checklist), node))
        return [KeepTogether(items)] if checklist else items

    def masthead(self, block: DocMasthead, parent: Node) -> list[Flowable]:
        sp = self.theme.spacing
        height = sp["masthead_logo_height_mm"] * MM
        text = [self.para(block.name, "masthead_name", "P", parent)]
        if block.tagline:
            text.append(self.para(block.tagline, "masthead_tagline", "P", parent))
        cells: list[Any] = []
        widths: list[float] = []
        if block.logo:
            logo, logo_width = _logo(block.logo, height, self.styles.para["body"].fontName)
            cells.append(Tagged(logo, Node("Figure", parent, alt=block.logo_alt)))
            widths.append(logo_width + sp["logo_gap"])
        cells.append(text)
        widths.append(self.width - sum(widths))
        if self.styles.rtl:  # the logo on the right, the name to its left, right-aligned
            cells.reverse()
            widths.reverse()
            table_align = [("ALIGN", (-1, 0), (-1, 0), "RIGHT")]
        else:
            table_align = []
        table = self.grid([cells], colWidths=widths)
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                    *table_align,
                ]
            )
        )
        return [Tagged(table, Node("Div", parent)), Spacer(1, sp["masthead_space"])]

    def box(self, block: DocBox, parent: Node, width: float) -> Flowable:
        sp = self.theme.spacing
        colors = self.theme.boxes.get(block.kind) or self.theme.boxes["note"]
        node = Node("Div", parent)
        pad, bar = sp["box_padding"], sp["box_bar"]
        inner_width = width - 2 * pad - bar
        content: list[Flowable] = []
        if block.title:
            title_style = self.styles.derive("h3", textColor=_color(colors.title))
            content.append(self.para(block.title, title_style, "H3", node))
        for inner in block.blocks:
            content.extend(self.block(inner, node, inner_width))
        table = self.grid([[content]], colWidths=[width], splitInRow=1)
        table.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, -1), _color(colors.background)),
                    # the accent bar on the side where lines start: mirrored for RTL
                    (
                        "LINEAFTER" if self.styles.rtl else "LINEBEFORE",
                        (0, 0),
                        (0, -1),
                        bar,
                        _color(colors.bar),
                    ),
                    (
                        "RIGHTPADDING" if self.styles.rtl else "LEFTPADDING",
                        (0, 0),
                        (-1, -1),
                        pad + bar,
                    ),
                    ("LEFTPADDING" if self.styles.rtl else "RIGHTPADDING", (0, 0), (-1, -1), pad),
                    ("TOPPADDING", (0, 0), (-1, -1), pad),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), pad - 3),
                ]
            )
        )
        return KeepTogether(
            [Spacer(1, sp["box_space"] / 2), Tagged(table, node), Spacer(1, sp["box_space"])]
        )

    def table(self, block: DocTable, parent: Node, width: float) -> list[Flowable]:
        """A data table; its caption is a spanning first row, repeated with the header row on
        every page the table reaches, so the table can split anywhere between rows."""
        sp = self.theme.spacing
        colors = self.theme.colors
        node = Node("Table", parent)
        weights = block.widths or tuple(1.0 for _ in block.header)
        col_widths = [width * w / sum(weights) for w in weights]
        rows: list[list[Any]] = []
        if block.caption:
            caption = self.para(block.caption, "caption", "Caption", node)
            rows.append([caption] + [""] * (len(col_widths) - 1))
        top = len(rows)  # index of the header row
        rows.append([self.para(c, "table_header", "TH", node) for c in block.header])
        rows += [[self.para(c, "table_cell", "TD", node) for c in row] for row in block.rows]
        if self.styles.rtl:  # columns run right to left
            rows = [list(reversed(r)) if i >= top else r for i, r in enumerate(rows)]
            col_widths.reverse()
        table = self.grid(rows, DataTable, colWidths=col_widths, repeatRows=top + 1, splitByRow=1)
        pad = sp["table_padding"]
        commands: list[tuple[Any, ...]] = [
            ("BACKGROUND", (0, top), (-1, top), _color(colors["table_header"])),
            ("GRID", (0, top), (-1, -1), sp["grid_width"], _color(colors["table_grid"])),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, top), (-1, -1), pad),
            ("RIGHTPADDING", (0, top), (-1, -1), pad),
            ("TOPPADDING", (0, top), (-1, -1), pad),
            ("BOTTOMPADDING", (0, top), (-1, -1), pad),
        ]
        if top:
            commands += [
                ("SPAN", (0, 0), (-1, 0)),
                ("LEFTPADDING", (0, 0), (-1, 0), 0),
                ("TOPPADDING", (0, 0), (-1, 0), 0),
                ("BOTTOMPADDING", (0, 0), (-1, 0), 2),
            ]
        commands += [
            ("BACKGROUND", (0, r), (-1, r), _color(colors["table_stripe"]))
            for r in range(top + 2, len(rows), 2)
        ]
        table.setStyle(TableStyle(commands))
        return [Tagged(table, node), Spacer(1, sp["box_space"])]


def _logo_size(path: Path) -> tuple[float, float]:
    stat = path.stat()
    return _logo_size_of(path, stat.st_size, stat.st_mtime_ns)


@cache  # by size and time too: a replaced logo is measured again
def _logo_size_of(path: Path, size: int, mtime_ns: int) -> tuple[float, float]:
    if path.suffix.lower() == ".svg":
        from svglib.svglib import svg2rlg

        drawing = svg2rlg(str(path))
        if drawing is None:
            raise RenderError(f"{path}: not a readable SVG")
        return drawing.width, drawing.height
    return ImageReader(str(path)).getSize()


def _logo(path: Path, height: float, font: str) -> tuple[Flowable, float]:
    """A PNG/JPEG or SVG logo scaled to ``height``, and its width."""
    w, h = _logo_size(path)
    scale = height / h
    if path.suffix.lower() == ".svg":
        from svglib.svglib import svg2rlg

        drawing = svg2rlg(str(path))
        drawing.scale(scale, scale)
        drawing.width, drawing.height = w * scale, h * scale
        drawing.initialFontName = font  # else the drawing starts in the non-embedded Helvetica
        return drawing, w * scale
    return Picture(str(path), w * scale, height), w * scale


class Picture(Flowable):
    """A raster image file drawn at a fixed size, centred in its space like ReportLab's Image;
    the canvas draws it from a copy prepared once per process."""

    def __init__(self, path: str, width: float, height: float) -> None:
        super().__init__()
        self.path = path
        self.width, self.height = width, height
        self.hAlign = "CENTER"

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        self.canv.drawImage(self.path, 0, 0, self.width, self.height, mask="auto")


# --- the page -------------------------------------------------------------------------------


def _furniture_painter(
    furniture: Furniture, styles: Styles, page_size: tuple[float, float]
) -> Callable[[Canvas, int, int], None]:
    theme = styles.theme
    top, right, bottom, left = theme.margins
    width, height = page_size
    foot = theme.styles["footer"]
    head = theme.styles["running_header"]
    draft = theme.styles["draft_mark"]
    rule = _color(theme.colors["rule"])
    rtl = styles.rtl

    # the same lines come back on every page (only the page number changes): measure once
    measured: dict[tuple[str, str], tuple[list[Run], float]] = {}

    def measure(text: str, style: TextStyle) -> tuple[list[Run], float]:
        found = measured.get((text, style.name))
        if found is None:
            faces = list(theme.faces(styles.lang, style.family, style.weight))
            found = measured[(text, style.name)] = measure_line(text, faces, style.size, rtl)
        return found

    def line(text: str, x: float, y: float, align: str, style: TextStyle) -> None:
        draw_line(canv_ref[0], measure(text, style), x, y, align, style.size)

    canv_ref: list[Canvas] = []

    @cache
    def running_header() -> str:
        """The running header, cut to the width of the page (once a leaflet)."""
        text = furniture.running_header
        while text and measure(text, head)[1] > width - left - right:
            text = text[:-2].rstrip() + "…"
        return text

    def paint(canv: Canvas, page: int, pages: int) -> None:
        canv_ref[:] = [canv]
        canv.setLineWidth(theme.spacing["rule_width"])
        canv.setStrokeColor(rule)
        # footer: a rule, then left / centre / right on one line (two if they do not fit)
        y_rule = bottom + theme.footer - 2
        canv.line(left, y_rule, width - right, y_rule)
        canv.setFillColor(_color(foot.color))
        center = furniture.footer_center.replace("{page}", str(page)).replace("{pages}", str(pages))
        y = y_rule - foot.leading
        parts = [
            measure(s, foot)[1] for s in (furniture.footer_left, center, furniture.footer_right)
        ]
        frame_w = width - left - right
        # mirrored for right-to-left: the leaflet code starts where lines start
        start, end = ("right", "left") if rtl else ("left", "right")
        edge = {"left": left, "right": width - right}
        line(furniture.footer_left, edge[start], y, start, foot)
        line(furniture.footer_right, edge[end], y, end, foot)
        center_x = left + frame_w / 2
        gap = foot.size
        fits = (
            center_x - parts[1] / 2 >= left + max(parts[0], parts[2]) + gap
            and center_x + parts[1] / 2 <= width - right - max(parts[0], parts[2]) - gap
        )
        line(center, center_x, y if fits else y - foot.leading, "centre", foot)
        if furniture.draft_mark:
            canv.setFillColor(_color(draft.color))
            line(furniture.draft_mark, left + frame_w / 2, y_rule + 3, "centre", draft)
        if page > 1:  # slim running header, cut to the width of the page
            y_head = height - top - head.size
            canv.setFillColor(_color(head.color))
            line(running_header(), edge[start], y_head, start, head)
            canv.line(
                left,
                height - top - theme.header + 2,
                width - right,
                height - top - theme.header + 2,
            )

    return paint


def _bind_headings(story: list[Flowable]) -> list[Flowable]:
    """A heading followed by a kept-together group (a callout, a checklist) joins that group:
    Platypus's keepWithNext does not reach into a KeepTogether, which strands the heading."""
    out: list[Flowable] = []
    for f in story:
        if isinstance(f, KeepTogether):
            lead: list[Flowable] = []  # a heading, then an introduction, ...
            while out and isinstance(out[-1], Tagged) and out[-1].getKeepWithNext():
                lead.insert(0, out.pop())
            if lead:
                f = KeepTogether([*lead, *f._content])
        out.append(f)
    return out


class _Doc(BaseDocTemplate):
    """Page 1 uses the "first" template, every later page the "later" one. A layout that stops
    making progress (Platypus can loop on a block it can neither place nor split) is an error,
    not a hung batch."""

    step_limit = 0

    def handle_pageBegin(self) -> None:
        super().handle_pageBegin()
        self._handle_nextPageTemplate("later")

    def handle_flowable(self, flowables: list[Flowable]) -> None:
        self.step_limit -= 1
        if self.step_limit < 0:
            raise RenderError(
                f"layout makes no progress on page {self.page} near "
                f"{flowables[0].identity(80) if flowables else 'the end'!r}"
            )
        super().handle_flowable(flowables)


def _texts(block: DocBlock) -> Iterator[tuple[str, Inline]]:
    """(style name, spans) of every piece of text a block draws."""
    match block:
        case DocBox():
            if block.title:
                yield "h3", block.title
            for inner in block.blocks:
                yield from _texts(inner)
        case DocPara():
            yield block.style, block.text
        case DocHeading():
            yield ("h2" if block.level <= 2 else "h3"), block.text
        case DocTitleBand():
            yield "title", block.title
        case DocMasthead():
            yield "masthead_name", block.name
            if block.tagline:
                yield "masthead_tagline", block.tagline
        case DocList():
            for item in block.items:
                yield "list_item", item
        case DocDefinitions():
            for term, text in block.items:
                yield "h3", term
                yield "body", text
        case DocTable():
            if block.caption:
                yield "caption", block.caption
            for cell in block.header:
                yield "table_header", cell
            for row in block.rows:
                for cell in row:
                    yield "table_cell", cell


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
        name = unicodedata.name(self.char, "unnamed character")
        return (
            f"U+{ord(self.char):04X} {name} is in no font of locale {self.lang} "
            f"({' > '.join(self.fonts)}), from {self.origin}: {self.text[:50]!r}"
        )


def missing_glyphs(document: Document, theme: Theme, origins: Origins | None = None) -> list[Gap]:
    """Every character that no font of its chain has, with the locale, the fonts, and where the
    text came from (``origins`` maps a printed string to its msgctxt and file:line, or to a
    function that finds them). ReportLab would otherwise draw nothing there, silently."""
    lang = document.meta.lang
    origins = origins or {}
    # (family, weight) -> every piece of text drawn with it; checked once per distinct character
    texts: dict[tuple[str, str], list[str]] = {}

    def add(text: str, family: str, weight: str) -> None:
        texts.setdefault((family, weight), []).append(text)

    for block in document.blocks:
        for style_name, spans in _texts(block):
            style = theme.styles[style_name]
            for span in spans:
                bold = span.bold or style.weight in ("bold", "bold_italic")
                add(span.text, style.family, "bold" if bold else style.weight)
    furniture = document.furniture
    for style_name, text in (
        ("footer", furniture.footer_left),
        ("footer", furniture.footer_center),
        ("footer", furniture.footer_right),
        ("running_header", furniture.running_header),
        ("draft_mark", furniture.draft_mark or ""),
    ):
        style = theme.styles[style_name]
        add(text, style.family, style.weight)
    found: dict[tuple[str, tuple[str, ...]], str] = {}
    for (family, weight), pieces in texts.items():
        names = theme.faces(lang, family, weight)
        for ch in set("".join(pieces)) - coverage(names) - {"\n", "\t"}:
            text = next(t for t in pieces if ch in t)
            found.setdefault((ch, names), text)

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


_ATOMS = (int, float, str, bool, type(None))


class LeafletFrame(Frame):
    """ReportLab's Frame, deep-copied faster: Platypus copies the current frame every time it
    measures a group kept together (about twenty times a leaflet). What deepcopy would do, with
    the frame's numbers and names taken as they are (deepcopy returns those unchanged too)."""

    def __deepcopy__(self, memo: dict[int, Any]) -> LeafletFrame:
        new = self.__class__.__new__(self.__class__)
        memo[id(self)] = new
        new.__dict__.update(
            (k, v if type(v) in _ATOMS else copy.deepcopy(v, memo)) for k, v in vars(self).items()
        )
        return new


_STYLES_KEPT = 32
_styles_made: dict[tuple[int, str, str], tuple[Theme, Styles]] = {}


def _styles(theme: Theme, lang: str, direction: str) -> Styles:
    """The Styles of a theme and locale, made once per process: a theme is loaded once per
    project (Project.theme), and its styles, like the tokens of their values and font files
    (Styles.key), are the same for every leaflet of that theme and locale. (The font names
    are pointed at the theme's files again before each leaflet: register_families.)"""
    key = (id(theme), lang, direction)
    found = _styles_made.get(key)
    if found is None or found[0] is not theme:
        if len(_styles_made) >= _STYLES_KEPT:
            _styles_made.clear()
        found = _styles_made[key] = (theme, Styles(theme, lang, direction))
    return found[1]


def render(
    document: Document,
    theme: Theme,
    *,
    paper: str,
    fonts_dir: Path,
    origins: Origins | None = None,
) -> Rendered:
    """Lay out ``document`` on ``paper`` and return the PDF bytes, page count and structure.
    Raises RenderError, before drawing anything, if a character has no glyph in its font."""
    register_families(theme.families_for(document.meta.lang), fonts_dir)
    gaps = missing_glyphs(document, theme, origins)
    if gaps:
        raise RenderError(
            f"missing glyphs: {len(gaps)} character(s) no font has\n" + "\n".join(map(str, gaps))
        )
    styles = _styles(theme, document.meta.lang, document.meta.direction)
    page_size = theme.papers[paper]
    width, height = page_size
    top, right, bottom, left = theme.margins
    frame_w = width - left - right
    foot_h = theme.footer + theme.gap
    first = LeafletFrame(
        left,
        bottom + foot_h,
        frame_w,
        height - top - bottom - foot_h,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="first",
    )
    later_h = height - top - bottom - foot_h - theme.header - theme.gap
    later = LeafletFrame(
        left,
        bottom + foot_h,
        frame_w,
        later_h,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="later",
    )
    meta = document.meta
    buffer = io.BytesIO()
    body_font = font_name(theme.styles["body"].family, "regular")
    doc = _Doc(
        buffer,
        pagesize=page_size,
        invariant=1,
        title=meta.title,
        author=meta.author,
        subject=meta.subject,
        keywords=", ".join(meta.keywords),
        creator=PRODUCER,
        producer=PRODUCER,
        lang=meta.lang,
        displayDocTitle=1,
        initialFontName=body_font,
        initialFontSize=theme.styles["body"].size,
        pageCompression=1,
        leftMargin=left,
        rightMargin=right,
        topMargin=top,
        bottomMargin=bottom,
    )
    doc.addPageTemplates([PageTemplate("first", [first]), PageTemplate("later", [later])])
    builder = Builder(styles, frame_w)
    story = _bind_headings(
        [f for b in document.blocks for f in builder.block(b, builder.root, frame_w)]
    )
    painter = _furniture_painter(document.furniture, styles, page_size)
    canvas_holder: list[LeafletCanvas] = []

    def make_canvas(*args: Any, **kwargs: Any) -> LeafletCanvas:
        canv = LeafletCanvas(*args, **kwargs)
        canv.paint_furniture = painter
        canv.setViewerPreference("DisplayDocTitle", "true")
        canvas_holder.append(canv)
        return canv

    doc.step_limit = 50 * len(story) + 1000
    try:
        doc.build(story, canvasmaker=make_canvas)
    except LayoutError as exc:
        raise RenderError(f"layout failed: {exc}") from None
    canv = canvas_holder[-1]
    return Rendered(
        pdf=buffer.getvalue(), pages=len(canv._deferred), structure=tuple(canv.structure)
    )
