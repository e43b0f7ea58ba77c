"""Fit, over every shipped leaflet: web and e-mail addresses break only after / . - @ ? = &, no text
overprints other text, large print is 16 pt or more everywhere (furniture included) with links
bold and not underlined, the running header keeps the topic, and the print dialog settings."""

from __future__ import annotations

import ctypes
import io
import itertools
import re
import unicodedata
from collections import Counter
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from pypdf import PdfReader

from handoutgen.build import Job, build_one
from handoutgen.project import Project

BREAKS_AFTER = "/.-@?=&"  # the characters an address may break after
ADDRESS_RUN = re.compile(r"[A-Za-z0-9:/._@%?=&#~+-]{2,}")
# a piece of an address, not a word of prose: a mark inside it ('myasthenia' / 'gravis.' and
# '40' / '45' end and start lines of prose, and happen to be in an address joined)
ADDRESS_MARK = re.compile(r"[:/@?=&_%#~]|[.-]\w")


class Char:
    __slots__ = ("bottom", "index", "left", "right", "size", "text", "top")

    def __init__(
        self, index: int, text: str, box: tuple[float, float, float, float], size: float
    ) -> None:
        self.index = index
        self.text = text
        self.left, self.bottom, self.right, self.top = box
        self.size = size


def page_chars(pdf: bytes) -> list[list[Char]]:
    """Every printed character of every page with its box and font size (pdfium: fast enough
    to read every shipped leaflet); the line breaks and spaces pdfium adds are left out."""
    document = pdfium.PdfDocument(pdf)
    pages = []
    for index in range(len(document)):
        text = document[index].get_textpage()
        chars = []
        for i in range(text.count_chars()):
            ch = chr(pdfium_c.FPDFText_GetUnicode(text.raw, i))
            size = pdfium_c.FPDFText_GetFontSize(text.raw, i)
            if ch.strip():
                chars.append(Char(i, ch, text.get_charbox(i, loose=False), size))
        pages.append(chars)
    return pages


def text_lines(pdf: bytes) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    lines = []
    for index in range(len(document)):
        lines += document[index].get_textpage().get_text_range().splitlines()
    return lines


def addresses(pdf: bytes) -> set[str]:
    """Every web and e-mail address the leaflet links to, as printed."""
    reader = PdfReader(io.BytesIO(pdf))
    found = set()
    for page in reader.pages:
        for annot in page.get("/Annots", []):
            uri = annot.get_object().get("/A", {}).get("/URI")
            if uri and str(uri).startswith(("http", "mailto:")):
                found.add(str(uri).removeprefix("mailto:"))
    return found


def bad_breaks(lines: list[str], known: set[str]) -> list[str]:
    """Each place an address of ``known`` is broken between two lines other than after one of
    BREAKS_AFTER, or with a hyphen added, as 'before|after'."""
    bad = []
    runs = [ADDRESS_RUN.findall(line) for line in lines]
    for first, second in itertools.pairwise(runs):
        if not first or not second:
            continue
        for end in {first[0], first[-1]}:
            for start in {second[0], second[-1]}:
                if not ADDRESS_MARK.search(end) and not ADDRESS_MARK.search(start):
                    continue
                for address in known:
                    if end + start in address:
                        cut = address.index(end + start) + len(end)
                        if address[cut - 1] not in BREAKS_AFTER:
                            bad.append(f"{address[:cut][-15:]}|{address[cut:][:10]}")
                    elif end.endswith("-") and end[:-1] + start in address:
                        bad.append(f"{end[-15:]}|{start[:10]} (hyphen added)")
    return bad


def overprints(chars: list[Char]) -> list[str]:
    """Pairs of visible characters whose boxes overlap by more than a third of the smaller
    one in both directions: text drawn over text. Kerning, combining marks and ligatures (an
    Arabic lam-alef is two characters of one glyph, next to each other in the text) aside."""
    seen = [c for c in chars if not unicodedata.category(c.text).startswith("M")]
    seen.sort(key=lambda c: -c.top)
    found = []
    for n, a in enumerate(seen):
        for b in seen[n + 1 :]:
            if b.top <= a.bottom:
                break
            if abs(a.index - b.index) <= 2:
                continue
            across = min(a.right, b.right) - max(a.left, b.left)
            down = min(a.top, b.top) - max(a.bottom, b.bottom)
            if (
                across > min(a.right - a.left, b.right - b.left) / 3
                and down > min(a.top - a.bottom, b.top - b.bottom) / 3
            ):
                found.append(a.text + b.text)
    return found


def test_no_address_is_split_mid_word(every_leaflet):
    bad = {}
    for job, (tagged, _) in every_leaflet.items():
        found = bad_breaks(text_lines(tagged.pdf), addresses(tagged.pdf))
        if found:
            bad[job.relpath] = found
    assert bad == {}


def test_no_text_overprints_other_text(every_leaflet):
    bad = {}
    for job, (tagged, _) in every_leaflet.items():
        for number, chars in enumerate(page_chars(tagged.pdf), 1):
            found = overprints(chars)
            if found:
                bad[f"{job.relpath} page {number}"] = found[:5]
    assert bad == {}


def test_large_print_is_16_pt_or_more_everywhere(every_leaflet):
    """UKAAF: every character of a large-print leaflet, header, footer and page numbers
    included, at least 16 pt."""
    small = {}
    large = [j for j in every_leaflet if j.edition == "large-print"]
    assert len(large) >= 28  # 7 locales, 2 brands, A4 and Letter
    for job in large:
        sizes = [c.size for page in page_chars(every_leaflet[job][0].pdf) for c in page]
        if min(sizes) < 16 - 0.01:
            small[job.relpath] = min(sizes)
    assert small == {}


def test_print_settings_in_every_leaflet(every_leaflet, project: Project):
    for job, (tagged, _) in every_leaflet.items():
        prefs = PdfReader(io.BytesIO(tagged.pdf)).trailer["/Root"]["/ViewerPreferences"]
        assert prefs["/PrintScaling"] == "/None", job
        duplex = project.edition(job.edition).duplex
        assert prefs.get("/Duplex") == (f"/{duplex}" if duplex else None), job


def _glyphs(text: str) -> str:
    """Text as its drawn shapes: NFKC (Arabic presentation forms), no spaces, brackets as one
    (a right-to-left line draws a ')' as '(')."""
    return unicodedata.normalize("NFKC", text).replace(" ", "").replace(")", "(")


def test_the_running_header_keeps_the_topic(every_leaflet, project: Project):
    """Page 2 on: the running header holds every character of the title, however narrow the
    page or large the print (the brand's part is shortened first). Compared as characters,
    NFKC (Arabic presentation forms) and in any order (right-to-left runs)."""
    for job, (tagged, _) in every_leaflet.items():
        if job.edition not in ("standard", "large-print"):
            continue  # (a booklet's pages are imposed two to a sheet)
        theme = project.theme(job.brand, job.edition)
        height = theme.papers[job.paper][1]
        band = height - theme.margins[0] - theme.header
        title = PdfReader(io.BytesIO(tagged.pdf)).metadata.title
        wanted = Counter(_glyphs(title))
        for number, chars in enumerate(page_chars(tagged.pdf)[1:], 2):
            head = "".join(c.text for c in chars if c.bottom > band)
            found = Counter(_glyphs(head))
            assert not wanted - found, (job.relpath, number, head)


def _links_drawn(pdf: bytes) -> tuple[int, int, int]:
    """(links, underlined, bold): the link areas of a leaflet, how many have a line drawn
    along their foot, and how many are set in a bold face."""
    import pdfplumber

    links = underlined = bold = 0
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for page in doc.pages:
            strokes = [*page.lines, *(r for r in page.rects if r["height"] < 1.5)]
            for link in page.hyperlinks:
                inside = [
                    c
                    for c in page.chars
                    if c["text"].strip()
                    and link["x0"] <= (c["x0"] + c["x1"]) / 2 <= link["x1"]
                    # the link area spans the line's body: most of it inside the glyph box
                    and min(c["bottom"], link["bottom"]) - max(c["top"], link["top"])
                    > 0.6 * (link["bottom"] - link["top"])
                ]
                if not inside:
                    continue
                links += 1
                bold += all("Bold" in c["fontname"] for c in inside)
                underlined += any(
                    abs(s["top"] - link["bottom"]) < 4
                    and s["x0"] < link["x1"]
                    and s["x1"] > link["x0"]
                    for s in strokes
                )
    return links, underlined, bold


@pytest.mark.parametrize("locale", ["en", "he", "zh-Hans"])
def test_large_print_links_are_bold_never_underlined(project: Project, locale: str):
    """UKAAF: no underlining. A link stays a link (its annotation) and is told from the text
    around it by weight as well as colour (the theme's links); standard print underlines."""
    drawn = {}
    for edition in ("standard", "large-print"):
        rendered, outcome = build_one(
            project, Job("neuromyotonia", locale, "default", edition, "a4")
        )
        assert rendered is not None, outcome.reason
        drawn[edition] = _links_drawn(rendered.pdf)
    links, underlined, bold = drawn["large-print"]
    assert links >= 5 and underlined == 0 and bold == links
    links, underlined, _ = drawn["standard"]
    assert links >= 5 and underlined == links


def test_footer_parts_move_to_lines_of_their_own_rather_than_overprint(scratch: Project):
    """A footer too wide for one line (here 24 pt, in Spanish, whose review date is long):
    its parts are measured and set on as many lines as they need, inside the page, with the
    text frame above them; before, the start and end parts overprinted each other."""
    layer = scratch.themes_dir / "large-print.yaml"
    layer.write_text(
        layer.read_text().replace(
            "  footer: {size: 17, leading: 21}", "  footer: {size: 24, leading: 29}"
        )
    )
    project = Project(scratch.root)
    rendered, outcome = build_one(
        project, Job("neuromyotonia", "es", "default", "large-print", "a4")
    )
    assert rendered is not None, outcome.reason
    theme = project.theme("default", "large-print")
    bottom = theme.margins[2]
    for chars in page_chars(rendered.pdf):
        assert overprints(chars) == []
        footer = [c for c in chars if abs(c.size - 24) < 0.1 and c.top < 200]
        assert len({round(c.bottom) for c in footer}) >= 2  # more than one line
        assert min(c.bottom for c in footer) >= bottom - 8  # inside the page's margin
        body = [c for c in chars if c not in footer]
        assert min(c.bottom for c in body) > max(c.top for c in footer)


def test_an_address_breaks_only_after_slash_dot_hyphen_or_at():
    from handoutgen.rl.addresses import break_points, is_address, line_starts

    assert is_address("https://www.orpha.net/en/disease/detail/84142")
    assert is_address("neurology@northbridge-hospital.example")
    assert not is_address("Nervenübererregbarkeit") and not is_address("500 mg")
    word = "https://a.b-c/d@e"
    assert [word[:p] for p in break_points(word)] == [
        "https://",
        "https://a.",
        "https://a.b-",
        "https://a.b-c/",
        "https://a.b-c/d@",
    ]
    # one unit a character: 6 left on this line, then lines of 10
    text = "https://www.example.org/a-long-path"
    starts = sorted(line_starts(text, [1.0] * len(text), 6, [10.0] * 10))
    assert starts[0] == 0  # "https://" does not fit in 6: the address starts the next line
    pieces = [text[a:b] for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]
    assert pieces == ["https://", "www.", "example.", "org/a-", "long-path"]


def test_an_address_keeps_its_hyphens_when_its_paragraph_splits_between_pages():
    """A page split joins the pieces of an address cut after '-' and breaks them again:
    ReportLab's joiner dropped the '-' ending each piece ('drugsafetyupdate/' printed for
    'drug-safety-update/' in the A5 leaflets' sources); the query's ? = & are break points."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph

    import handoutgen.rl.addresses  # noqa: F401  (the address breaks, installed)

    url = (
        "https://www.gov.uk/drug-safety-update/valproate-pregnancy-prevention-programme-"
        "actions-required-now-from-gps-specialists-and-dispensers?a=b-c&d=e-f"
    )
    style = ParagraphStyle("s", fontName="Helvetica", fontSize=10, leading=12)
    style.uriWasteReduce, style.splitLongWords = 0.3, 1
    markup = url.replace("&", "&amp;")
    para = Paragraph(f'Source, 2024. <a href="{markup}"><u>{markup}</u></a>', style)
    _, height = para.wrap(120, 1000)
    parts = para.split(120, height / 2)
    assert len(parts) == 2
    lines = []
    for part in parts:
        part.wrap(120, 1000)
        lines += ["".join(w.text for w in line.words) for line in part.blPara.lines]
    assert "".join(lines).split(" ")[-1] == url, lines
    assert all(line.endswith(tuple(BREAKS_AFTER)) for line in lines[1:-1]), lines


def _empty_box_pieces(pdf: bytes, theme: Any) -> list[str]:
    """Pieces of boxes (filled in a box background colour of ``theme``) holding no text but
    their bold title (pdfium: page objects and characters, fast enough for every leaflet)."""
    backgrounds = {
        tuple(int(b.background[i : i + 2], 16) for i in (1, 3, 5)): kind
        for kind, b in theme.boxes.items()
    }
    document = pdfium.PdfDocument(pdf)
    found = []
    for number in range(len(document)):
        page = document[number]
        text = page.get_textpage()
        plain = []  # (x, y) of each character not in a bold face
        for i in range(text.count_chars()):
            printed = chr(pdfium_c.FPDFText_GetUnicode(text.raw, i)).strip()
            if printed and pdfium_c.FPDFText_GetFontWeight(text.raw, i) < 600:
                left, bottom, right, top = text.get_charbox(i)
                plain.append(((left + right) / 2, (bottom + top) / 2))
        for obj in page.get_objects(max_depth=5):
            if obj.type != pdfium_c.FPDF_PAGEOBJ_PATH:
                continue
            mode, stroke = ctypes.c_int(), ctypes.c_int()
            pdfium_c.FPDFPath_GetDrawMode(obj.raw, mode, stroke)
            rgba = [ctypes.c_uint() for _ in range(4)]
            pdfium_c.FPDFPageObj_GetFillColor(obj.raw, *rgba)
            kind = backgrounds.get(tuple(v.value for v in rgba[:3]))
            if not mode.value or kind is None:
                continue
            left, bottom, right, top = obj.get_bounds()
            if not any(left <= x <= right and bottom <= y <= top for x, y in plain):
                found.append(f"page {number + 1}: {kind} box, {top - bottom:.0f} pt")
    return found


def test_no_box_is_left_as_an_empty_piece(every_leaflet, project: Project):
    bad = {}
    for job, (tagged, _) in every_leaflet.items():
        found = _empty_box_pieces(tagged.pdf, project.theme(job.brand, job.edition))
        if found:
            bad[job.relpath] = found
    assert bad == {}


def test_no_box_piece_is_left_empty_at_a_page_foot(scratch: Project):
    """Large print on A5 (allowed here) is where boxes split worst: 23 pieces of the contact
    and about boxes held only their background or title at a page's foot before. A split
    that would leave such a piece moves the box on whole."""
    editions = scratch.templates_dir / "editions.yaml"
    editions.write_text(
        editions.read_text().replace("    only: [a4, letter]", "    only: [a4, letter, a5]")
    )
    project = Project(scratch.root)
    theme = project.theme("default", "large-print")
    for locale in ("he", "tr", "zh-Hans"):
        rendered, outcome = build_one(
            project, Job("neuromyotonia", locale, "default", "large-print", "a5")
        )
        assert rendered is not None, outcome.reason
        assert _empty_box_pieces(rendered.pdf, theme) == [], locale


@pytest.mark.parametrize("locale", ["en", "ar", "zh-Hans"])
def test_urgency_survives_greyscale(project: Project, locale: str):
    """The emergency box and the same-day box differ by shape, not tint alone: printed in
    greyscale, the emergency box is outlined all around (the theme's boxes.urgent.frame)
    and the same-day box is not; both keep their worded titles."""
    rendered, outcome = build_one(
        project, Job("neuromyotonia", locale, "default", "standard", "a4")
    )
    assert rendered is not None, outcome.reason
    theme = project.theme("default", "standard")
    colours = {
        tuple(int(theme.boxes[k].background[i : i + 2], 16) for i in (1, 3, 5)): k
        for k in ("urgent", "warning")
    }
    document = pdfium.PdfDocument(rendered.pdf)
    outlined = {"urgent": [], "warning": []}
    for number in range(len(document)):
        page = document[number]
        grey = page.render(scale=2).to_pil().convert("L")
        height = page.get_height()
        for obj in page.get_objects(max_depth=5):
            if obj.type != pdfium_c.FPDF_PAGEOBJ_PATH:
                continue
            rgba = [ctypes.c_uint() for _ in range(4)]
            pdfium_c.FPDFPageObj_GetFillColor(obj.raw, *rgba)
            kind = colours.get(tuple(v.value for v in rgba[:3]))
            if kind is None:
                continue
            left, bottom, right, top = obj.get_bounds()
            y = 2 * (height - (bottom + top) / 2)
            # the box's end edge (its start edge holds the accent bar): dark only if outlined
            edge = left if locale == "ar" else right
            outlined[kind].append(min(grey.getpixel((int(2 * edge) + d, int(y))) for d in (-1, 0)))
    assert outlined["urgent"] and max(outlined["urgent"]) < 110
    assert outlined["warning"] and min(outlined["warning"]) > 200


def _last_page_fill(pdf: bytes, theme: Any, paper: str) -> float:
    """How much of the last page's text frame is filled, from the lowest thing drawn in it
    (text, pictures, QR code, box backgrounds) above the footer band (theme geometry)."""
    height = theme.papers[paper][1]
    top, _, bottom, _ = theme.margins
    frame_top = height - top - theme.header - theme.gap
    frame_bottom = bottom + theme.footer + theme.gap
    document = pdfium.PdfDocument(pdf)
    page = document[len(document) - 1]
    lowest = frame_top
    for obj in page.get_objects(max_depth=5):
        low, high = obj.get_bounds()[1], obj.get_bounds()[3]
        if frame_bottom - 2 < low and high < frame_top:
            lowest = min(lowest, low)
    return (frame_top - lowest) / (frame_top - frame_bottom)


def test_no_last_page_under_a_quarter_where_tighter_spacing_saves_it(
    every_leaflet, project: Project, monkeypatch
):
    """Every shipped leaflet whose last page is under the theme's fit.last_page_min (a
    quarter) is one that even the tightest spacing the theme allows cannot shorten: built
    again at that spacing, it has as many pages (a leaflet already saved a page by it may
    still end low: then it is left as it is)."""
    import handoutgen.layout.fit as fit
    from handoutgen.layout.fit import tighter

    low = {}
    for job, (tagged, _) in every_leaflet.items():
        if job.edition not in ("standard", "large-print"):
            continue
        theme = project.theme(job.brand, job.edition)
        fill = _last_page_fill(tagged.pdf, theme, job.paper)
        if fill < theme.fit["last_page_min"] - 0.02:
            low[job] = (tagged.pages, fill)
    # 24 of the 70 before fitting (he Letter 7%, de Letter 11%), 8 after; v1.1 ships 140 (two
    # topics) and 11 end low, 8 of them large print of 11-24 pages whose last page holds only
    # the closing 'also in standard print' note (looked at: en, he, zh-Hans A4), none of them
    # shortened by the tightest spacing (below)
    assert len(low) <= 11, low
    themes = project.theme
    monkeypatch.setattr(project, "theme", lambda brand, ed: tighter(themes(brand, ed))[-1])
    monkeypatch.setattr(fit, "too_empty", lambda theme, fill, pages: False)  # that spacing only
    for job, (pages, fill) in low.items():
        rendered, outcome = build_one(project, job)
        assert rendered is not None, outcome.reason
        assert rendered.pages >= pages, (job.relpath, f"{fill:.0%}", rendered.pages)


def test_a_nearly_empty_last_page_is_saved_by_tighter_spacing(project: Project, monkeypatch):
    """he A4 ends with 11% of its 11th page (v1.1; with v1.0, de Letter 11%, he Letter 7%):
    the space between blocks, scaled down within the theme's limits, fits it on a page fewer;
    without fitting it would not."""
    import handoutgen.layout.fit as fit

    job = Job("neuromyotonia", "he", "default", "standard", "a4")
    rendered, outcome = build_one(project, job)
    assert rendered is not None, outcome.reason
    monkeypatch.setattr(fit, "too_empty", lambda theme, fill, pages: False)
    loose, _ = build_one(project, job)
    assert loose is not None and rendered.pages == loose.pages - 1
    theme = project.theme("default", "standard")
    assert _last_page_fill(loose.pdf, theme, "a4") < 0.25


def test_a_title_too_long_for_one_header_line_wraps_and_the_text_starts_below_it(
    scratch: Project,
):
    """The running header never cuts the topic: a title wider than the page at 17 pt wraps
    onto a second header line, the header's band grows and the text frame starts under it;
    nothing overprints."""
    path = scratch.handouts_dir / "neuromyotonia.yaml"
    long = "Neuromyotonia (Isaacs syndrome), acquired peripheral nerve hyperexcitability"
    path.write_text(
        path.read_text().replace("title: Neuromyotonia (Isaacs syndrome)", f"title: {long}", 1)
    )
    project = Project(scratch.root)
    rendered, outcome = build_one(
        project, Job("neuromyotonia", "en", "default", "large-print", "a4")
    )
    assert rendered is not None, outcome.reason
    theme = project.theme("default", "large-print")
    band = theme.papers["a4"][1] - theme.margins[0] - theme.header
    for chars in page_chars(rendered.pdf)[1:]:
        assert overprints(chars) == []
        head = [c for c in chars if c.bottom > band - 30 and abs(c.size - 17) < 0.1]
        bottoms = sorted(c.bottom for c in head)
        lines = 1 + sum(b - a > 8 for a, b in itertools.pairwise(bottoms))
        assert lines == 2  # the header's two lines (glyph boxes: bottoms vary within a line)
        assert Counter(_glyphs(long)) <= Counter(_glyphs("".join(c.text for c in head)))
        body = [c for c in chars if c not in head and c.top < band]
        assert max(c.top for c in body) < min(c.bottom for c in head) - 4


def test_no_text_runs_past_the_margins(every_leaflet, project: Project):
    """Every character of every shipped leaflet lies between the side margins (an address's
    rest that is never cut again ran 572 pt past the right one in large print). A Chinese
    closing mark that starts inside the line may hang past its end, as CJK type sets it."""
    from handoutgen.layout.cjk import CANNOT_START

    bad = {}
    for job, (tagged, _) in every_leaflet.items():
        if job.edition not in ("standard", "large-print"):
            continue  # (a booklet's and a print shop's pages sit on larger sheets)
        theme = project.theme(job.brand, job.edition)
        width = theme.papers[job.paper][0]
        _, right, _, left = theme.margins
        for number, chars in enumerate(page_chars(tagged.pdf), 1):
            out = [
                c.text
                for c in chars
                if c.left < left - 1
                or (
                    c.right > width - right + 1
                    and not (c.text in CANNOT_START and c.left < width - right + 1)
                )
            ]
            if out:
                bad[f"{job.relpath} page {number}"] = "".join(out)[:40]
    assert bad == {}
