"""The leaflet hand-written with plain ReportLab Platypus: the baseline the project is held to."""

from __future__ import annotations

import datetime as dt
import io
import re
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import yaml
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    Image,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

ROOT = Path(__file__).resolve().parent.parent
FONTS = ROOT / "fonts"
LOGO = ROOT / "templates" / "brands" / "default" / "logo.png"

PRIMARY = colors.HexColor("#1d5c8a")
ACCENT = colors.HexColor("#f2a900")
TEXT = colors.HexColor("#1a1a1a")
MUTED = colors.HexColor("#4a4a4a")
LINK = "#0b4f8a"
RULE = colors.HexColor("#9e9e9e")
BOXES = {  # kind -> bar, background, title colour
    "urgent": ("#b00020", "#fdecee", "#8a0019"),
    "warning": ("#b85c00", "#fff3e0", "#6d3700"),
    "tip": ("#2e7d32", "#edf7ee", "#1b5e20"),
    "note": ("#1d5c8a", "#eaf1f7", "#143f5f"),
    "contact": ("#f2a900", "#fbf6e9", "#1a1a1a"),
    "about": ("#9e9e9e", "#f4f4f4", "#1a1a1a"),
}

MARGIN_TOP, MARGIN_BOTTOM, MARGIN_SIDE = 15 * mm, 14 * mm, 18 * mm
HEADER, FOOTER, GAP = 9 * mm, 11 * mm, 4 * mm
PAGE_W, PAGE_H = A4
FRAME_W = PAGE_W - 2 * MARGIN_SIDE

_registered = False


def register_fonts() -> None:
    """Register Noto Sans (four faces) once per process."""
    global _registered
    if _registered:
        return
    for name, file in (
        ("PlainSans", "NotoSans-Regular.ttf"),
        ("PlainSans-Bold", "NotoSans-Bold.ttf"),
        ("PlainSans-Italic", "NotoSans-Italic.ttf"),
        ("PlainSans-BoldItalic", "NotoSans-BoldItalic.ttf"),
    ):
        pdfmetrics.registerFont(TTFont(name, str(FONTS / file)))
    pdfmetrics.registerFontFamily(
        "PlainSans",
        normal="PlainSans",
        bold="PlainSans-Bold",
        italic="PlainSans-Italic",
        boldItalic="PlainSans-BoldItalic",
    )
    _registered = True


def _style(name: str, size: float, leading: float, **kw: Any) -> ParagraphStyle:
    kw.setdefault("fontName", "PlainSans")
    kw.setdefault("textColor", TEXT)
    kw.setdefault("spaceAfter", 7)
    return ParagraphStyle(
        name,
        fontSize=size,
        leading=leading,
        bulletFontName="PlainSans",
        bulletFontSize=size,
        allowWidows=0,
        allowOrphans=0,
        **kw,
    )


BODY = _style("body", 12, 17)
TITLE = _style("title", 24, 29, fontName="PlainSans-Bold", textColor=colors.white, spaceAfter=0)
SUMMARY = _style("summary", 13, 19, spaceBefore=8, spaceAfter=10)
H2 = _style(
    "h2", 16, 21, fontName="PlainSans-Bold", textColor=PRIMARY, spaceBefore=12, spaceAfter=5
)
H2.keepWithNext = 1
INTRO = _style("intro", 12, 17, keepWithNext=1)
ITEM = _style("item", 12, 17, leftIndent=20, spaceAfter=3)
LAST_ITEM = _style("last-item", 12, 17, leftIndent=20)
TERM = _style("term", 12, 17, fontName="PlainSans-Bold", spaceAfter=1, keepWithNext=1)
DEFINITION = _style("definition", 12, 17, leftIndent=20)
TH = _style("th", 11, 15, fontName="PlainSans-Bold", spaceAfter=0)
TD = _style("td", 11, 15, spaceAfter=0)
CAPTION = _style("caption", 11, 15, textColor=MUTED, spaceAfter=4, keepWithNext=1)
SMALL = _style("small", 10.5, 14, spaceAfter=4)
LARGE = _style("large", 17, 23, fontName="PlainSans-Bold", spaceBefore=6, spaceAfter=4)
NAME = _style("name", 15, 19, fontName="PlainSans-Bold", textColor=PRIMARY, spaceAfter=0)
TAGLINE = _style("tagline", 10.5, 14, textColor=MUTED, spaceAfter=0)
BOX_TITLES = {
    kind: _style(f"box-{kind}", 13, 17, fontName="PlainSans-Bold", spaceAfter=4, textColor=title)
    for kind, (_, _, title) in BOXES.items()
}

LINK_RE = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
BOLD_RE = re.compile(r"\*\*(.+?)\*\*")


def load(topic: Path, brand: Path) -> dict[str, Any]:
    """The topic's YAML with the clinic's details under ``clinic``."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when it is there
    data = yaml.load(topic.read_text("utf-8"), Loader=loader)
    clinic = yaml.load(brand.read_text("utf-8"), Loader=loader)
    for key, value in clinic.items():  # a text given per language: the English one
        if key != "theme" and isinstance(value, dict):
            clinic[key] = value.get("en", next(iter(value.values())))
    data["clinic"] = clinic
    return data


@cache
def logo_size(path: Path) -> tuple[int, int]:
    return ImageReader(str(path)).getSize()


def date(value: dt.date) -> str:
    return f"{value.day}\u00a0{value:%B}\u00a0{value.year}"


class Leaflet:
    """One leaflet's flowables."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        clinic = data["clinic"]
        self.fill = {
            "{clinic_name}": clinic["name"],
            "{clinic_phone}": clinic["phone"].replace(" ", "\u00a0"),
            "{clinic_website}": clinic["website"],
            "{emergency_number}": clinic["emergency_number"],
        }

    def markup(self, text: str) -> str:
        """**bold**, [links](url) and {placeholders} -> ReportLab paragraph markup."""
        for key, value in self.fill.items():
            text = text.replace(key, value)
        text = escape(text)
        text = LINK_RE.sub(
            lambda m: f'<a href={quoteattr(m[2])} color="{LINK}"><u>{m[1]}</u></a>', text
        )
        return BOLD_RE.sub(r"<b>\1</b>", text)

    def para(self, text: str, style: ParagraphStyle, **kw: Any) -> Paragraph:
        return Paragraph(self.markup(text), style, **kw)

    def items(self, kind: str, items: list[str]) -> list[Flowable]:
        out: list[Flowable] = []
        for n, item in enumerate(items, start=1):
            style = LAST_ITEM if n == len(items) else ITEM
            if kind == "checklist":
                out.append(CheckItem(self.markup(item), style, bulletText=" "))
            else:
                bullet = f"{n}." if kind == "steps" else "\u2022"
                out.append(self.para(item, style, bulletText=bullet))
        return [KeepTogether(out)] if kind == "checklist" else out

    def box(self, kind: str, title: str, content: list[Flowable]) -> Flowable:
        bar, background, _ = BOXES[kind]
        table = Table(
            [[[self.para(title, BOX_TITLES[kind]), *content]]], colWidths=[FRAME_W], splitInRow=1
        )
        table.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor(background)),
                    ("LINEBEFORE", (0, 0), (0, -1), 4, colors.HexColor(bar)),
                    ("LEFTPADDING", (0, 0), (-1, -1), 13),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 9),
                    ("TOPPADDING", (0, 0), (-1, -1), 9),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                ]
            )
        )
        return KeepTogether([Spacer(1, 4), table, Spacer(1, 8)])

    def block(self, block: dict[str, Any]) -> list[Flowable]:
        kind = block["type"]
        out: list[Flowable] = []
        if block.get("intro"):
            out.append(self.para(block["intro"], INTRO))
        if kind == "paragraph":
            out.append(self.para(block["text"], BODY))
        elif kind in ("bullets", "steps", "checklist"):
            out += self.items(kind, block["items"])
        elif kind == "definitions":
            for d in block["items"]:
                out += [self.para(d["term"], TERM), self.para(d["text"], DEFINITION)]
        elif kind == "callout":
            inner = [f for b in block["blocks"] for f in self.block(b)]
            out.append(self.box(block["kind"], block["title"], inner))
        elif kind == "table":
            out += self.table(block)
        return out

    def table(self, block: dict[str, Any]) -> list[Flowable]:
        weights = block.get("widths") or [1] * len(block["header"])
        widths = [FRAME_W * w / sum(weights) for w in weights]
        rows = [[self.para(c, TH) for c in block["header"]]]
        rows += [[self.para(c, TD) for c in row] for row in block["rows"]]
        table = Table(rows, colWidths=widths, repeatRows=1)
        style = [
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e3ecf4")),
            ("GRID", (0, 0), (-1, -1), 0.6, colors.HexColor("#8c9aa6")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 5),
            ("RIGHTPADDING", (0, 0), (-1, -1), 5),
            ("TOPPADDING", (0, 0), (-1, -1), 5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
        ]
        style += [
            ("BACKGROUND", (0, r), (-1, r), colors.HexColor("#f5f8fb"))
            for r in range(2, len(rows), 2)
        ]
        table.setStyle(TableStyle(style))
        caption = [self.para(block["caption"], CAPTION)] if "caption" in block else []
        return [*caption, table, Spacer(1, 8)]

    def masthead(self, logo: Path) -> list[Flowable]:
        clinic = self.data["clinic"]
        w, h = logo_size(logo)
        image = Image(str(logo), width=w * 15 * mm / h, height=15 * mm)
        text = [self.para(clinic["name"], NAME), self.para(clinic["tagline"], TAGLINE)]
        cell = image.drawWidth + 8
        table = Table([[image, text]], colWidths=[cell, FRAME_W - cell])
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                ]
            )
        )
        band = Table([[self.para(self.data["title"], TITLE)]], colWidths=[FRAME_W])
        band.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, -1), PRIMARY),
                    ("LINEBELOW", (0, 0), (-1, -1), 4, ACCENT),
                    ("LEFTPADDING", (0, 0), (-1, -1), 12),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 12),
                    ("TOPPADDING", (0, 0), (-1, -1), 12),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 12),
                ]
            )
        )
        return [table, Spacer(1, 6), band]

    def story(self, logo: Path) -> list[Flowable]:
        d = self.data
        clinic = d["clinic"]
        story = self.masthead(logo)
        story.append(self.para(d["summary"], SUMMARY))
        story.append(
            self.box(
                "note",
                "Sample text",
                [
                    self.para(
                        "This leaflet has not yet been checked by a clinician. Ask your care "
                        "team before you act on it.",
                        BODY,
                    )
                ],
            )
        )
        for section in d["sections"]:
            story.append(self.para(section["heading"], H2))
            for block in section["blocks"]:
                story += self.block(block)
        story.append(self.para("Sources", H2))
        story.append(self.para("This leaflet is based on these sources:", BODY))
        sources = []
        for s in d["sources"]:
            text = f"{s['title']}. {s['publisher']}, {s['year']}."
            sources.append(text + (f" [{s['url']}]({s['url']})" if s.get("url") else ""))
        story += self.items("steps", sources)
        phone = self.fill["{clinic_phone}"]
        contact = [
            self.para(f"**{clinic['name']}**, " + ", ".join(clinic["address"]), BODY),
            self.para(f"Phone: **{phone}**", BODY),
            self.para(f"Website: [{clinic['website']}]({clinic['website']})", BODY),
            self.para(f"Email: [{clinic['email']}](mailto:{clinic['email']})", BODY),
            self.para(f"In an emergency, call **{clinic['emergency_number']}**.", BODY),
            self.para(
                "Tell us what you think of this leaflet: we use your comments to make it better.",
                BODY,
            ),
        ]
        story.append(self.box("contact", "Contact us", contact))
        about = [
            self.para(
                f"Leaflet {d['code']}, version {d['version']}. Published {date(d['published'])}. "
                f"Last changed {date(d['last_reviewed'])}. Next review due "
                f"{date(d['next_review'])}.",
                SMALL,
            ),
            *(self.para(f"Written by: {p['name']}, {p['role']}.", SMALL) for p in d["authors"]),
            self.para(
                "Review status: **not yet checked by a clinician.** This is sample text. A "
                "clinician must check it before it is given to patients.",
                SMALL,
            ),
            self.para("Language: English.", SMALL),
        ]
        story.append(self.box("about", "About this leaflet", about))
        story.append(
            self.para(
                "This leaflet gives facts that apply to most people. It does not replace advice "
                "from your own doctor, nurse or care team. They know you and your health. If you "
                "are worried about your health, contact them.",
                SMALL,
            )
        )
        story.append(
            self.para(
                "You can get this leaflet in large print and in other languages. Please ask us, "
                f"or call {phone}.",
                LARGE,
            )
        )
        return story


class CheckItem(Paragraph):
    """A list item with an empty tick box as its marker."""

    def draw(self) -> None:
        super().draw()
        baseline = self.height - self.style.fontSize * 0.93
        self.canv.setLineWidth(0.9)
        self.canv.setStrokeColor(TEXT)
        self.canv.rect(0, baseline - 1.2, 10, 10, stroke=1, fill=0)


class PageCountCanvas(Canvas):
    """Keeps every page until the end so the footer can say "Page X of Y" in one pass."""

    header = ""
    footer_left = ""
    footer_right = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self.furniture(total)
            Canvas.showPage(self)
        Canvas.save(self)

    def furniture(self, total: int) -> None:
        page = self._pageNumber
        self.saveState()
        self.setLineWidth(0.5)
        self.setStrokeColor(RULE)
        y_rule = MARGIN_BOTTOM + FOOTER - 2
        self.line(MARGIN_SIDE, y_rule, PAGE_W - MARGIN_SIDE, y_rule)
        self.setFont("PlainSans", 10)
        self.setFillColor(MUTED)
        y = y_rule - 12
        self.drawString(MARGIN_SIDE, y, self.footer_left)
        self.drawCentredString(PAGE_W / 2, y, f"Page {page} of {total}")
        self.drawRightString(PAGE_W - MARGIN_SIDE, y, self.footer_right)
        if page > 1:
            self.drawString(MARGIN_SIDE, PAGE_H - MARGIN_TOP - 10, self.header)
            y_head = PAGE_H - MARGIN_TOP - HEADER + 2
            self.line(MARGIN_SIDE, y_head, PAGE_W - MARGIN_SIDE, y_head)
        self.restoreState()


class LeafletDoc(BaseDocTemplate):
    """Page 1 without the running header, every later page with it."""

    def handle_pageBegin(self) -> None:
        super().handle_pageBegin()
        self._handle_nextPageTemplate("later")


def build(data: dict[str, Any], logo: Path = LOGO) -> bytes:
    """The leaflet for ``data`` (see ``load``) as PDF bytes."""
    register_fonts()
    buffer = io.BytesIO()
    bottom = MARGIN_BOTTOM + FOOTER + GAP
    doc = LeafletDoc(
        buffer,
        pagesize=A4,
        title=data["title"],
        author=data["clinic"]["name"],
        leftMargin=MARGIN_SIDE,
        rightMargin=MARGIN_SIDE,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
    )
    first_h = PAGE_H - MARGIN_TOP - bottom
    later_h = first_h - HEADER - GAP
    pad = {"leftPadding": 0, "rightPadding": 0, "topPadding": 0, "bottomPadding": 0}
    doc.addPageTemplates(
        [
            PageTemplate("first", [Frame(MARGIN_SIDE, bottom, FRAME_W, first_h, **pad)]),
            PageTemplate("later", [Frame(MARGIN_SIDE, bottom, FRAME_W, later_h, **pad)]),
        ]
    )

    class Canvas_(PageCountCanvas):
        header = f"{data['clinic']['footer_text']} \u00b7 {data['title']}"
        footer_left = f"{data['code']} \u00b7 Version {data['version']}"
        footer_right = f"Review due {date(data['next_review'])}"

    doc.build(Leaflet(data).story(logo), canvasmaker=Canvas_)
    return buffer.getvalue()


if __name__ == "__main__":
    import sys

    leaflet = load(ROOT / "handouts" / "neuromyotonia.yaml", LOGO.parent / "brand.yaml")
    Path(sys.argv[1] if len(sys.argv) > 1 else "plain-reportlab.pdf").write_bytes(build(leaflet))
