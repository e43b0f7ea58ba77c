"""Render stage: a Document + Theme + paper -> PDF bytes, page count and structure.

Every character is checked against its locale's fonts before anything is drawn; then each
block is laid out by its kind (``handoutgen.blocks``) through ``layout.builder``, drawn through
the structure layer (``handoutgen.pdf``) on ReportLab (reached through ``handoutgen.rl``).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from . import blocks, sheets
from .errors import RenderError
from .inline import plain_text
from .layout import fit, furniture, page
from .layout import sheets as sheet_layout
from .layout.builder import Builder
from .layout.fonts import font_name, register_families
from .layout.glyphs import Gap, Origins, describe, gaps
from .layout.scripts import LocaleRules
from .layout.styles import styles_for
from .model import DocMeta, Document, Rendered
from .pdf import metadata, tree
from .pdf.canvas import LeafletCanvas
from .pdf.structure import Tagged
from .rl import conformance, tables
from .rl import doc as rl_doc
from .sheets import Booklet, PrintShop
from .textrules import BIDI_CONTROLS
from .theme import Theme

PRODUCER = "handoutgen"


def rules_of(document: Document, theme: Theme) -> LocaleRules:
    return LocaleRules(theme, document.meta.lang, document.meta.direction)


# what no line can carry: controls (but tab and line feed), lone surrogates, and the bidi
# embeddings, overrides and isolates (they reorder a line; python-bidi cannot lay an isolate
# out at all). Content, brand and translations are refused before (validation, the safety
# gate), template text when it is read: this is the last guard, before anything is drawn.
_UNPRINTABLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff" + "".join(sorted(BIDI_CONTROLS)) + "]"
)


def _printed_texts(document: Document) -> Iterator[str]:
    """Every text of ``document``: its metadata, blocks and page furniture."""
    meta = document.meta
    yield from (meta.title, meta.author, meta.subject, *meta.keywords)
    for block in document.blocks:
        for _, spans in blocks.texts(block):
            yield from (span.text for span in spans)
    furn = document.furniture
    yield from (furn.footer_left, furn.footer_center, furn.footer_right, furn.running_header)
    yield from (furn.draft_mark or "", furn.overdue_mark or "")


def unprintable(document: Document, origins: Origins | None = None) -> list[str]:
    """Every character of ``document`` that no line can carry (``_UNPRINTABLE``), once each,
    with where the text holding it came from."""
    found: dict[str, str] = {}
    for text in _printed_texts(document):
        for match in _UNPRINTABLE.finditer(text):
            found.setdefault(match.group(), text)
    out = []
    for ch, text in sorted(found.items()):
        holding = [where for source, where in (origins or {}).items() if ch in source]
        where = holding[0] if holding else "template or brand text"
        where = where() if callable(where) else where
        out.append(f"{describe(ch)} cannot be printed, from {where}: {text[:50]!r}")
    return out


def missing_glyphs(document: Document, theme: Theme, origins: Origins | None = None) -> list[Gap]:
    """Every character that no font of its chain has, with the locale, the fonts, and where the
    text came from (``origins`` maps a printed string to its msgctxt and file:line, or to a
    function that finds them). The fonts must be registered."""
    rules = rules_of(document, theme)
    by_face: dict[tuple[str, str], list[str]] = {}  # (family, weight) -> texts

    def add(text: str, family: str, weight: str) -> None:
        by_face.setdefault((family, weight), []).append(text)

    for block in document.blocks:
        for style_name, spans in blocks.texts(block):
            style = theme.styles[style_name]
            for span in spans:
                bold = span.bold or style.weight in ("bold", "bold_italic")
                add(span.text, style.family, "bold" if bold else style.weight)
    furn = document.furniture
    for style_name, text in (
        ("footer", furn.footer_left),
        ("footer", furn.footer_center),
        ("footer", furn.footer_right),
        ("running_header", furn.running_header),
        ("draft_mark", furn.draft_mark or ""),
        ("draft_mark", furn.overdue_mark or ""),
    ):
        style = theme.styles[style_name]
        add(text, style.family, style.weight)
    texts: dict[tuple[str, ...], list[str]] = {}
    for (family, weight), pieces in by_face.items():
        texts.setdefault(rules.faces(family, weight), []).extend(pieces)
    return gaps(document.meta.lang, texts, origins)


def _tagged(flowable: Any) -> Tagged | None:
    """The first tagged flowable in ``flowable`` whose structure node knows where its block
    came from."""
    seen = 0
    stack = [flowable]
    while stack and seen < 200:
        f = stack.pop(0)
        seen += 1
        if isinstance(f, Tagged) and f.node.origin:
            return f
        stack.extend(getattr(f, "items", None) or ([f.inner] if isinstance(f, Tagged) else []))
    return None


def _text_origin(block: Any, origins: Origins | None) -> str | None:
    """Where the text of a block the template wrote (the title band, the masthead) came from:
    the topic's msgctxt and line, a translation's PO line, the brand's line. The block's
    longest text first (the one most likely not to fit), each matched to the source that is
    it (spaces collapsed, as the template's layout collapses them), else to the longest
    source it holds."""
    sources = {" ".join(source.split()): where for source, where in (origins or {}).items()}
    sources.pop("", None)
    texts = [" ".join(plain_text(spans).split()) for _, spans in blocks.texts(block)]
    for text in sorted(texts, key=len, reverse=True):
        held = [source for source in sources if source in text or text in source]
        if text in sources or held:
            where = sources.get(text) or sources[max(held, key=len)]
            return f"{where() if callable(where) else where}: {text[:40]!r}"
    return None


def _place(flowable: Any, builder: Builder, origins: Origins | None) -> str:
    """Where a flowable's block came from (its structure node's origin, and for a block the
    template wrote, where its text came from), for messages."""
    tagged = _tagged(flowable)
    if tagged is None:
        return "a block"
    where = tagged.node.origin
    block = builder.blocks.get(tagged.node)
    if where.startswith("template ") and block is not None:
        text = _text_origin(block, origins)
        if text:
            where += f", text from {text}"
    return where


def _too_tall(flowable: Any, builder: Builder, frame_height: float) -> str | None:
    """Which row of a table is taller than a page's text frame, if one is: ``rows[i]`` of the
    table block (a table split over pages keeps its last rows, under its repeated heading)."""
    tagged = _tagged(flowable)
    block = builder.blocks.get(tagged.node) if tagged is not None else None
    body = getattr(block, "rows", None)
    heights = tables.row_heights(tagged.inner) if tagged is not None else ()
    if not heights or not isinstance(body, tuple):
        return None
    tallest = max(range(len(heights)), key=heights.__getitem__)
    if heights[tallest] <= frame_height:
        return None
    size = f"{heights[tallest]:.0f} pt tall; a page's text frame is {frame_height:.0f} pt"
    index = len(body) - len(heights) + tallest
    if index < 0:  # the heading: its caption and header row, repeated on every page
        return f"its heading (caption and header row) is {size}"
    first = plain_text(body[index][0]) if body[index] else ""
    return f"rows[{index}] ({first[:30]!r} ...) is {size}: shorten the row or split it"


def prepare(
    document: Document, theme: Theme, fonts_dir: Path, origins: Origins | None = None
) -> LocaleRules:
    """The locale rules of ``document``, its fonts registered; RenderError, before anything is
    drawn, for a character no line can carry or no font has."""
    refused = unprintable(document, origins)
    if refused:
        raise RenderError(
            f"unprintable characters: {len(refused)} control, surrogate or bidi control "
            "character(s)\n" + "\n".join(refused)
        )
    rules = rules_of(document, theme)
    register_families(rules.families(), fonts_dir)
    missing = missing_glyphs(document, theme, origins)
    if missing:
        raise RenderError(
            f"missing glyphs: {len(missing)} character(s) no font has\n"
            + "\n".join(map(str, missing))
        )
    return rules


def render(
    document: Document,
    theme: Theme,
    *,
    paper: str,
    fonts_dir: Path,
    origins: Origins | None = None,
    tagged: bool = True,
    duplex: str | None = None,
    booklet: Booklet | None = None,
    print_shop: PrintShop | None = None,
    fitting: bool = True,
) -> Rendered:
    """Lay ``document`` out on ``paper`` and return the PDF bytes, page count and structure.
    Raises RenderError, before drawing anything, if a character has no glyph in its font,
    and names the block that cannot be laid out. ``tagged`` (the default) writes a tagged
    PDF/UA-1 and PDF/A-2a file: marked content, structure tree, XMP and output intent;
    untagged, the pages look the same. The print dialog is asked for actual size
    (/PrintScaling /None) and ``duplex`` (the edition's two-sided preference). A ``booklet``
    or ``print_shop`` edition's pages go onto its sheets (``handoutgen.sheets``). With
    ``fitting``, a last page under the theme's ``fit.last_page_min`` is saved by tighter
    spacing where that fits the leaflet on a page fewer (``layout.fit``); a booklet is
    spaced as its A5 leaflet is."""

    def once(chosen: Theme, *, on_sheets: bool = True) -> tuple[Rendered, float]:
        return _render_once(
            document,
            chosen,
            paper=paper,
            fonts_dir=fonts_dir,
            origins=origins,
            tagged=tagged if on_sheets else False,
            duplex=duplex,
            booklet=booklet if on_sheets else None,
            print_shop=print_shop if on_sheets else None,
        )

    rendered, fill = once(theme)
    if not fitting:
        return rendered
    if booklet is None:
        return fit.save_last_page(theme, rendered, fill, once)[1]
    leaflet, leaflet_fill = once(theme, on_sheets=False)  # the A5 pages the booklet holds
    chosen, _ = fit.save_last_page(theme, leaflet, leaflet_fill, lambda t: once(t, on_sheets=False))
    return rendered if chosen is theme else once(chosen)[0]


def _render_once(
    document: Document,
    theme: Theme,
    *,
    paper: str,
    fonts_dir: Path,
    origins: Origins | None,
    tagged: bool,
    duplex: str | None,
    booklet: Booklet | None,
    print_shop: PrintShop | None,
) -> tuple[Rendered, float]:
    """``render`` in ``theme`` as it is: the leaflet, and how full its last page is."""
    rules = prepare(document, theme, fonts_dir, origins)
    styles = styles_for(rules)
    band = furniture.footer_band(document.furniture, rules, theme.papers[paper])
    head = furniture.header_band(
        document.furniture, rules, theme.papers[paper], document.meta.title
    )
    geometry = page.page(theme, paper, footer=band, header=head)
    try:
        placed = sheets.sheets(
            geometry.size, theme.papers, booklet=booklet, shop=print_shop, rtl=rules.rtl
        )
    except ValueError as exc:
        raise RenderError(f"{paper} pages: {exc}") from None
    builder = Builder(styles, geometry.frame_width, geometry.frame_height, tagged=tagged)
    builder.edge = placed.edge(theme.margins)
    story = page.story(document, builder)
    probe = fit.EndProbe()  # where the text ends: a nearly empty last page is saved below
    story.append(probe)
    pad = sheet_layout.notes_pages(document, builder, geometry) if placed.booklet else None
    painter = furniture.painter(document.furniture, rules, geometry.size, topic=document.meta.title)
    rendered = lay_out(
        document.meta,
        theme,
        geometry,
        builder,
        story,
        painter,
        origins=origins,
        tagged=tagged,
        duplex=duplex,
        placed=placed,
        pad=pad,
    )
    last = probe.at[0] if probe.at else rendered.pages
    return rendered, fit.last_page_fill(probe, geometry.frame_top(last), geometry.frame_bottom)


def lay_out(
    meta: DocMeta,
    theme: Theme,
    geometry: page.Page,
    builder: Builder,
    story: list[Any],
    painter: furniture.Painter,
    *,
    origins: Origins | None = None,
    tagged: bool = True,
    duplex: str | None = None,
    placed: sheets.Sheets | None = None,
    pad: Callable[[Any], None] | None = None,
) -> Rendered:
    """``story`` (made by ``builder``) laid out on pages of ``geometry``, each page's furniture
    drawn by ``painter``, placed on the sheets of ``placed`` (and a booklet padded by ``pad``):
    the PDF bytes, page count and structure (see ``render``)."""
    placed = placed or sheets.Sheets(geometry.size, geometry.size)
    buffer = io.BytesIO()
    top, right, bottom, left = theme.margins
    doc = rl_doc.LeafletDoc(
        buffer,
        geometry.first,
        geometry.later,
        pagesize=placed.media,
        invariant=1,
        title=meta.title,
        author=meta.author,
        subject=meta.subject,
        keywords=", ".join(meta.keywords),
        creator=PRODUCER,
        producer=PRODUCER,
        lang=meta.lang,
        displayDocTitle=1,
        initialFontName=font_name(theme.styles["body"].family, "regular"),
        initialFontSize=theme.styles["body"].size,
        pageCompression=1,
        leftMargin=left,
        rightMargin=right,
        topMargin=top,
        bottomMargin=bottom,
    )
    made: list[LeafletCanvas] = []

    def finish_tags(canv: LeafletCanvas, pages: list[Any]) -> None:
        tree.write(canv, builder.root, canv.marks, pages)
        metadata.write(canv, meta.lang)

    def make_canvas(*args: Any, **kwargs: Any) -> LeafletCanvas:
        canv = LeafletCanvas(*args, **kwargs)
        canv.paint_furniture = painter
        canv.marks.emit = tagged
        if tagged:
            conformance.conforming(canv)
            canv.finish_tags = finish_tags
        canv.setViewerPreference("DisplayDocTitle", "true")
        canv.setViewerPreference("PrintScaling", "None")  # actual size: margins and 16 pt hold
        if duplex:
            canv.setViewerPreference("Duplex", duplex)
        sheet_layout.place(canv, placed)
        canv.paint_marks = sheet_layout.crop_marks(placed)
        canv.pad = pad
        made.append(canv)
        return canv

    try:
        rl_doc.build(doc, story, make_canvas)
    except rl_doc.Stalled as exc:
        where = _place(exc.flowable, builder, origins)
        raise RenderError(f"layout makes no progress on page {exc.page} at {where}") from None
    except rl_doc.Unplaceable as exc:
        where = _place(exc.flowable, builder, origins)
        row = _too_tall(exc.flowable, builder, geometry.frame_height)
        raise RenderError(
            f"{where} does not fit on a page (page {exc.page}): "
            + (row or "it is taller or wider than the text frame, even on a page of its own")
        ) from None
    canv = made[-1]
    return Rendered(
        pdf=buffer.getvalue(),
        pages=len(placed.sides(canv.pages)),
        structure=tuple(canv.structure),
        # as written: page by page, in each page's order (a booklet's sheets hold pages 16|1)
        marks=tuple(sorted((page, mcid, node.role) for page, mcid, node in canv.marks.leaves)),
    )
