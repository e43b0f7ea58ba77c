"""Sheets (issue 15): the A5 booklet (pages two a side of A4 landscape sheets in saddle-stitch
order, padded with notes pages to a multiple of four, duplex flip on the short edge) and the
print-shop edition (bleed, crop marks, TrimBox and BleedBox). Validity (PDF/UA-1, PDF/A-2a and
the structure consistency check) is held over every shipped leaflet, these included, by
tests/pdf/test_tagged.py; here: page order, geometry, reading order and marks."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader
from reportlab.platypus import PageBreak

from handoutgen import sheets
from handoutgen.build import Job, build_one
from handoutgen.cli import main
from handoutgen.layout import furniture, page
from handoutgen.layout.builder import Builder
from handoutgen.layout.scripts import LocaleRules
from handoutgen.layout.styles import styles_for
from handoutgen.model import DocMeta, Furniture, Span
from handoutgen.project import Project
from handoutgen.render import lay_out
from handoutgen.theme import MM
from tests.pdf.test_tagged import check_consistency

TOPIC = "neuromyotonia"

ORDER = {
    8: [(8, 1), (2, 7), (6, 3), (4, 5)],
    12: [(12, 1), (2, 11), (10, 3), (4, 9), (8, 5), (6, 7)],
    16: [(16, 1), (2, 15), (14, 3), (4, 13), (12, 5), (6, 11), (10, 7), (8, 9)],
}


@pytest.mark.parametrize("pages", [8, 12, 16])
def test_saddle_stitch_order(pages: int):
    assert sheets.saddle_stitch(pages) == ORDER[pages]
    # bound on the right for a right-to-left language: every side mirrored
    assert sheets.saddle_stitch(pages, rtl=True) == [(r, left) for left, r in ORDER[pages]]
    # folded and nested, the sheets read 1, 2, 3 ...: every page once, pairs summing to n + 1
    flat = [p for side in ORDER[pages] for p in side]
    assert sorted(flat) == list(range(1, pages + 1))
    assert all(a + b == pages + 1 for a, b in ORDER[pages])


def test_padding_to_a_multiple_of_four():
    assert [sheets.padded(n) for n in (1, 4, 5, 12, 13, 16, 17)] == [4, 4, 8, 12, 16, 16, 20]


def _halves(pdf: bytes, top: float | None = None) -> list[tuple[str, str]]:
    """The text of the left and right halves of every PDF page (below ``top``, points)."""
    out = []
    document = pdfium.PdfDocument(pdf)
    for index in range(len(document)):
        pg = document[index]
        width, height = pg.get_size()
        text = pg.get_textpage()
        halves = [
            text.get_text_bounded(left=x, bottom=0, right=x + width / 2, top=top or height)
            for x in (0, width / 2)
        ]
        out.append((halves[0], halves[1]))
    return out


def _synthetic(project: Project, pages: int, locale: str = "en") -> bytes:
    """A booklet of ``pages`` pages, each saying which page it is: the real imposition, with
    a story of known length."""
    theme = project.theme("default", "booklet")
    rtl = locale in ("ar", "he")
    rules = LocaleRules(theme, locale, "rtl" if rtl else "ltr")
    from handoutgen.layout.fonts import register_families

    register_families(rules.families(), project.fonts_dir)
    geometry = page.page(theme, "a5")
    builder = Builder(styles_for(rules), geometry.frame_width, geometry.frame_height, tagged=True)
    story: list = []
    for n in range(1, pages + 1):
        story.append(builder.para((Span(f"Leaflet page {n}"),), "body", "P", builder.root))
        if n < pages:
            story.append(PageBreak())
    spans = Furniture("Header", "left", "{page}/{pages}", "right")
    painter = furniture.painter(spans, rules, geometry.size)
    meta = DocMeta("Booklet", "Test", "Order", (), locale, "rtl" if rtl else "ltr")
    edition = project.edition("booklet")
    placed = sheets.sheets(geometry.size, theme.papers, booklet=edition.booklet, rtl=rtl)
    return lay_out(meta, theme, geometry, builder, story, painter, placed=placed).pdf


def _page_of(text: str) -> int:
    return int(re.search(r"Leaflet page (\d+)", text).group(1))


@pytest.mark.parametrize("pages", [8, 12, 16])
@pytest.mark.parametrize("locale", ["en", "he"])
def test_booklet_sheets_hold_their_pages_in_saddle_stitch_order(
    project: Project, pages: int, locale: str
):
    pdf = _synthetic(project, pages, locale)
    found = [(_page_of(left), _page_of(right)) for left, right in _halves(pdf)]
    expected = ORDER[pages]
    if locale == "he":
        expected = [(r, left) for left, r in expected]
    assert found == expected
    check_consistency(pdf)  # marked content of two pages on one sheet, renumbered
    reader = PdfReader(io.BytesIO(pdf))
    assert all(
        (float(p.mediabox.width), float(p.mediabox.height)) == pytest.approx((842, 595), abs=1)
        for p in reader.pages
    )
    # reading order stays the logical page order, whatever the sheets hold
    text = " ".join(p.extract_text() for p in reader.pages)
    assert "Leaflet page" in text
    tree_order = _tree_texts(pdf)
    assert tree_order == [f"Leaflet page {n}" for n in range(1, pages + 1)]


def _tree_texts(pdf: bytes) -> list[str]:
    """Each P element's page, in structure-tree order: a synthetic page has one P, one MCID;
    on a sheet, MCID 0 is the page drawn first (the lower number), MCID 1 the other."""
    reader = PdfReader(io.BytesIO(pdf))
    pages = {pg.indirect_reference.idnum: i for i, pg in enumerate(reader.pages)}
    document = reader.trailer["/Root"]["/StructTreeRoot"]["/K"].get_object()
    halves = _halves(pdf)
    out = []
    for kid in document["/K"]:
        element = kid.get_object()
        assert element["/S"] == "/P"
        left, right = halves[pages[element.raw_get("/Pg").idnum]]
        kids = element["/K"]
        mcid = int(kids[0] if isinstance(kids, list) else kids)
        low, high = sorted((_page_of(left), _page_of(right)))
        out.append(f"Leaflet page {(low, high)[mcid]}")
    return out


def _footer_numbers(text: str) -> tuple[int, int]:
    """(page, pages) from a half's page number line ("Page 2 of 16", "第2页，共16页",
    "الصفحة 2 من 16"): the line with two numbers and nothing else numeric."""
    for line in text.splitlines():
        numbers = [int(n) for n in re.findall(r"\d+", line)]
        if len(numbers) == 2 and not re.search(r"\d[.:]\d|-\d", line):
            return numbers[0], numbers[1]
    raise AssertionError(f"no page number in {text[-120:]!r}")


def test_every_shipped_booklet_is_in_order_padded_and_marked_for_short_edge_duplex(
    every_leaflet, project: Project
):
    booklets = {j: t for j, (t, _) in every_leaflet.items() if j.edition == "booklet"}
    assert len(booklets) == len(project.topics()) * len(project.locales()) * len(project.brands())
    for job, rendered in booklets.items():
        pdf = rendered.pdf
        footers = _halves(pdf, top=30 * MM)  # the footer band, above the bottom margin
        halves = [tuple(_footer_numbers(h) for h in side) for side in footers]
        total = halves[0][0][1]
        assert total % 4 == 0 and len(halves) == total // 2, job
        rtl = job.locale in ("ar", "he")
        expected = sheets.saddle_stitch(total, rtl=rtl)
        assert [(a[0], b[0]) for a, b in halves] == expected, job
        reader = PdfReader(io.BytesIO(pdf))
        prefs = reader.trailer["/Root"]["/ViewerPreferences"]
        assert prefs["/Duplex"] == "/DuplexFlipShortEdge", job
        assert rendered.pages == len(reader.pages) == total // 2
        width, height = (float(v) for v in reader.pages[0].mediabox[2:])
        assert (width / MM, height / MM) == pytest.approx((297, 210), abs=0.5), job
        # the outline is the A5 leaflet's, in reading order (then the notes page's heading)
        plain = every_leaflet[job._replace(edition="standard")][0].pdf
        titles = [o.title for o in _flat(PdfReader(io.BytesIO(plain)).outline)]
        booklet_titles = [o.title for o in _flat(reader.outline)]
        assert booklet_titles[: len(titles)] == titles, job
        assert len(booklet_titles) - len(titles) == (1 if total > _a5_pages(plain) else 0)


def _flat(outline: list) -> list:
    out = []
    for item in outline:
        out.extend(_flat(item) if isinstance(item, list) else [item])
    return out


def _a5_pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def test_a_padded_booklet_ends_with_notes_pages_of_ruled_lines(every_leaflet):
    job = next(
        j
        for j, (t, _) in every_leaflet.items()
        if j.edition == "booklet" and j.locale == "en" and j.brand == "default"
    )
    tagged = every_leaflet[job][0]
    plain = every_leaflet[job._replace(edition="standard")][0]
    total = 2 * tagged.pages
    assert total > plain.pages, "pick a leaflet that needs padding"
    halves = _halves(tagged.pdf)
    order = sheets.saddle_stitch(total)
    for number in range(plain.pages + 1, total + 1):  # every notes page, titled and ruled
        side = next(i for i, pair in enumerate(order) if number in pair)
        half = order[side].index(number)
        assert "Notes and questions for your care team" in halves[side][half], number
        image = pdfium.PdfDocument(tagged.pdf)[side].render(scale=1).to_pil().convert("L")
        x0 = 0 if half == 0 else image.width // 2
        column = [image.getpixel((x0 + image.width // 4, y)) for y in range(image.height)]
        ruled = sum(1 for y in range(1, len(column)) if column[y] < 230 <= column[y - 1])
        assert ruled >= 12, number


def test_booklet_is_refused_on_another_paper(project: Project, capsys, tmp_path: Path):
    code = main(["build", TOPIC, "--edition", "booklet", "--paper", "a4", "--out", str(tmp_path)])
    said = capsys.readouterr()
    assert code == 2
    assert "booklet edition is not made on a4 paper" in said.out + said.err


# --- print shop ------------------------------------------------------------------------------


def test_every_print_shop_page_has_trim_bleed_and_crop_marks(every_leaflet):
    shop = {j: t for j, (t, _) in every_leaflet.items() if j.edition == "print-shop"}
    assert shop
    for job, rendered in shop.items():
        reader = PdfReader(io.BytesIO(rendered.pdf))
        plain = PdfReader(io.BytesIO(every_leaflet[job._replace(edition="standard")][0].pdf))
        assert len(reader.pages) == len(plain.pages), job
        for pg, original in zip(reader.pages, plain.pages, strict=True):
            media = [float(v) for v in pg.mediabox]
            trim = [float(v) for v in pg.trimbox]
            bleed = [float(v) for v in pg.bleedbox]
            size = [float(v) for v in original.mediabox]
            assert trim[2] - trim[0] == pytest.approx(size[2]) and trim[3] - trim[1] == (
                pytest.approx(size[3])
            )
            assert [b - t for b, t in zip(bleed, trim, strict=True)] == pytest.approx(
                [-3 * MM, -3 * MM, 3 * MM, 3 * MM], abs=1e-3
            )
            assert media[0] == 0 and media[2] == pytest.approx(trim[2] + trim[0])
            assert trim[0] == pytest.approx(9 * MM)  # mark offset 3 mm + length 6 mm
        check_consistency(rendered.pdf)


def test_crop_marks_lie_outside_the_bleed_and_the_page_inside_the_trim(every_leaflet):
    job = next(j for j in every_leaflet if j.edition == "print-shop" and j.locale == "ar")
    tagged = every_leaflet[job][0]
    plain = every_leaflet[job._replace(edition="standard")][0]
    scale = 2
    last = tagged.pages - 1  # page 1's title band runs into the bleed: see below
    shop = pdfium.PdfDocument(tagged.pdf)[last].render(scale=scale).to_pil().convert("L")
    page_image = pdfium.PdfDocument(plain.pdf)[last].render(scale=scale).to_pil().convert("L")
    offset = round(9 * MM * scale)
    inner = shop.crop((offset, offset, offset + page_image.width, offset + page_image.height))
    # the trimmed page is the standard page, pixel for pixel (within antialiasing)
    diff = sum(abs(a - b) > 40 for a, b in zip(inner.tobytes(), page_image.tobytes(), strict=True))
    assert diff < 0.005 * page_image.width * page_image.height
    # marks: dark pixels in the margin beyond the bleed, in line with the trim edges
    bleed = round(3 * MM * scale)
    margin = shop.crop((0, 0, offset - bleed, offset - bleed))
    assert min(margin.tobytes()) == 255  # nothing in the corner itself
    beside = shop.crop((0, offset - 1, offset - bleed, offset + 2))  # left of the top edge
    assert min(beside.tobytes()) < 128
    above = shop.crop((offset - 1, 0, offset + 2, offset - bleed))
    assert min(above.tobytes()) < 128


def test_the_title_band_runs_through_the_bleed_of_every_print_shop_leaflet(every_leaflet):
    """The band's colour fills the bleed beside it on both sides (where the standard page has
    only margin), and stops at the bleed's outer edge."""
    shop = {j: t for j, (t, _) in every_leaflet.items() if j.edition == "print-shop"}
    for job, rendered in shop.items():
        image = pdfium.PdfDocument(rendered.pdf)[0].render(scale=1).to_pil().convert("RGB")
        trim, bleed = 9 * MM, 3 * MM
        right_trim = image.width - trim
        inside = [round(trim - bleed / 2), round(right_trim + bleed / 2)]  # in the bleed
        margin = [round(trim + 3 * MM), round(right_trim - 3 * MM)]  # in the page's margin
        outside = [round(trim - bleed - 2 * MM), round(right_trim + bleed + 2 * MM)]
        rows = [
            y
            for y in range(image.height)
            if all(
                image.getpixel((x, y)) == image.getpixel((m, y)) != (255, 255, 255)
                for x, m in zip(inside, margin, strict=True)
            )
            and all(image.getpixel((x, y)) == (255, 255, 255) for x in outside)
        ]
        assert len(rows) >= 40, (job, len(rows))  # the band, 60 pt or more, at 72 dpi
        plain = every_leaflet[job._replace(edition="standard")][0].pdf
        flat = pdfium.PdfDocument(plain)[0].render(scale=1).to_pil().convert("RGB")
        edge = round(3 * MM)  # the standard page's margin beside its band stays white
        assert all(flat.getpixel((edge, y - round(trim))) == (255, 255, 255) for y in rows)


def test_a_print_shop_variant_of_large_print_is_an_editions_entry(scratch: Project):
    editions = scratch.templates_dir / "editions.yaml"
    text = editions.read_text(encoding="utf-8")
    shop = text[text.index("print-shop:") :].replace("print-shop:", "large-print-shop:", 1)
    shop = shop.replace("theme: []", "theme: [large-print]", 1)
    editions.write_text(text + shop, encoding="utf-8")
    fresh = Project(scratch.root)
    rendered, outcome = build_one(fresh, Job(TOPIC, "he", "default", "large-print-shop", "a4"))
    assert rendered is not None, outcome.reason
    reader = PdfReader(io.BytesIO(rendered.pdf))
    assert float(reader.pages[0].trimbox[2]) - float(reader.pages[0].trimbox[0]) == (
        pytest.approx(210 * MM)
    )
    check_consistency(rendered.pdf)


@pytest.mark.parametrize(
    ("entry", "said"),
    [
        ("  print_shop: {bleed_mm: 3}\n", "print_shop: must give bleed_mm"),
        ("  booklet: {sheet: 4}\n", "booklet.sheet: must be the name of a paper"),
    ],
)
def test_a_bad_sheet_entry_is_named_at_its_line(scratch: Project, capsys, entry: str, said: str):
    editions = scratch.templates_dir / "editions.yaml"
    text = editions.read_text(encoding="utf-8")
    editions.write_text(text + "broken:\n  theme: []\n" + entry, encoding="utf-8")
    code = main(["--root", str(scratch.root), "list"])
    out = capsys.readouterr()
    line = len(text.splitlines()) + 3
    assert code != 0
    assert f"templates/editions.yaml:{line}: broken.{said}" in out.out + out.err


def test_two_languages_side_by_side_are_not_imposed_silently(project: Project):
    """A print shop's or a booklet's leaflet in two languages is refused, not printed plain."""
    rendered, outcome = build_one(project, Job(TOPIC, "es+en", "default", "print-shop", "a4"))
    assert rendered is None and outcome.status == "failed"
    assert "print-shop edition is made in one language at a time" in (outcome.reason or "")


@pytest.mark.parametrize(
    ("sheet", "said"),
    [("a3", "no paper 'a3' for a booklet's sheets"), ("a5", "do not fit side by side on a5")],
)
def test_a_booklet_sheet_that_cannot_hold_its_pages_fails_its_leaflet(
    scratch: Project, sheet: str, said: str
):
    editions = scratch.templates_dir / "editions.yaml"
    text = editions.read_text(encoding="utf-8").replace("{sheet: a4}", f"{{sheet: {sheet}}}")
    editions.write_text(text, encoding="utf-8")
    rendered, outcome = build_one(
        Project(scratch.root), Job(TOPIC, "en", "default", "booklet", "a5")
    )
    assert rendered is None and outcome.status == "failed"
    assert said in (outcome.reason or "") and "internal error" not in (outcome.reason or "")
