"""Rendered leaflets: pages, text order, fonts, metadata, outline, footer, determinism, pixels."""

from __future__ import annotations

import hashlib
import io
import itertools
import re

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader

from handoutgen.build import Job, build_one
from handoutgen.model import Rendered
from handoutgen.project import Project

CASES = [
    ("default", "a4"),
    ("default", "letter"),
    ("example-clinic", "a4"),
    ("example-clinic", "letter"),
]


def reader(r: Rendered) -> PdfReader:
    return PdfReader(io.BytesIO(r.pdf))


def page_texts(r: Rendered) -> list[str]:
    return [p.extract_text() for p in reader(r).pages]


def squash(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("case", CASES)
def test_page_count_is_sane(leaflets, case):
    r = leaflets[case]
    assert 3 <= r.pages <= 12  # content 1.1: medicine safety, my-medicines table, diary, notes page
    assert len(reader(r).pages) == r.pages


@pytest.mark.parametrize("case", CASES)
def test_every_section_heading_appears_in_order(project: Project, leaflets, case):
    handout = project.handout("neuromyotonia")
    text = squash(" ".join(page_texts(leaflets[case])))
    position = text.index(handout.title)
    for section in handout.sections:
        found = text.find(section.heading, position)
        assert found > position, f"{section.heading!r} missing or out of order"
        position = found
    for standard in ("Sources", "Contact us", "About this leaflet"):
        assert standard in text[position:]


@pytest.mark.parametrize("case", CASES)
def test_fonts_are_embedded_subsets_and_no_standard_14(leaflets, case):
    fonts = {}
    for page in reader(leaflets[case]).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts[font["/BaseFont"]] = font
    assert fonts
    for name, font in fonts.items():
        assert re.match(r"^/[A-Z]{6}\+NotoSans", name), f"{name} is not an embedded subset"
        descriptor = font["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor, f"{name} has no embedded TrueType program"


@pytest.mark.parametrize("case", CASES)
def test_metadata_lang_and_display_title(leaflets, case):
    brand = {
        "default": "Northbridge Hospital Neurology Service",
        "example-clinic": "Riverside Neurology Clinic",
    }[case[0]]
    r = reader(leaflets[case])
    meta = r.metadata
    assert meta.title == "Neuromyotonia (Isaacs syndrome)"
    assert meta.author == brand
    assert meta.subject.startswith("Neuromyotonia is a rare condition")
    assert "CASPR2" in meta["/Keywords"]
    root = r.trailer["/Root"]
    assert root["/Lang"] == "en"
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])


def test_a_bookmark_per_section(project: Project, leaflets):
    r = reader(leaflets[("default", "a4")])
    outline = r.outline
    assert outline[0].title == "Neuromyotonia (Isaacs syndrome)"
    children = [o.title for o in outline[1]]
    headings = [s.heading for s in project.handout("neuromyotonia").sections]
    assert children[: len(headings)] == headings
    # each bookmark points at the page where its heading is printed
    texts = page_texts(leaflets[("default", "a4")])
    for item in outline[1]:
        page = r.get_destination_page_number(item)
        assert squash(item.title) in squash(texts[page])


@pytest.mark.parametrize("case", CASES)
def test_page_x_of_y_on_every_page(leaflets, case):
    brand = {
        "default": "Northbridge Hospital Neurology Service",
        "example-clinic": "Riverside Neurology Clinic",
    }[case[0]]
    texts = page_texts(leaflets[case])
    total = len(texts)
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {total}" in text
        assert "NEU-001 · Version 1.1" in text
        due = "25 November 2029" if case[0] == "default" else "November 25, 2029"
        assert f"Review due {due}".replace(" ", "") in text.replace(" ", "").replace("\xa0", "")
        running_header = f"{brand} · Neuromyotonia (Isaacs syndrome)"
        assert (running_header in text) == (number > 1)  # slim running header on later pages


def test_links_are_clickable_and_only_safe_schemes(leaflets):
    uris = []
    for page in reader(leaflets[("default", "a4")]).pages:
        for annot in page.get("/Annots", []):
            action = annot.get_object().get("/A")
            if action and "/URI" in action:
                uris.append(str(action["/URI"]))
    assert "https://rarediseases.org/rare-diseases/acquired-neuromyotonia/" in uris
    assert "mailto:neurology@northbridge-hospital.example" in uris
    assert all(u.startswith(("https://", "http://", "mailto:", "tel:")) for u in uris)


def test_structure_roles_are_recorded_for_every_block(leaflets):
    roles = [role for _page, role in leaflets[("default", "a4")].structure]
    assert roles.count("H1") == 1
    assert roles.count("H2") >= 10
    for role in ("P", "TH", "TD", "Figure", "Lbl", "LBody", "H3"):  # leaves: LI is a group
        assert role in roles, role
    pages = {page for page, _role in leaflets[("default", "a4")].structure}
    assert pages == set(range(1, leaflets[("default", "a4")].pages + 1))


def test_two_builds_are_byte_identical(project: Project, leaflets):
    again, _ = build_one(project, Job("neuromyotonia", "en", "default", "standard", "a4"))
    assert again is not None
    first = hashlib.sha256(leaflets[("default", "a4")].pdf).hexdigest()
    assert hashlib.sha256(again.pdf).hexdigest() == first


def _band_shares(r: Rendered) -> dict[tuple[int, int, int], float]:
    """Every non-white colour in the top third of page 1, with its share of that area."""
    page = pdfium.PdfDocument(r.pdf)[0]
    image = page.render(scale=50 / 72).to_pil().convert("RGB")
    w, h = image.size
    top = image.crop((0, 0, w, h // 3))
    counts = top.getcolors(maxcolors=1 << 20)
    area = top.size[0] * top.size[1]
    return {c: n / area for n, c in counts if c != (255, 255, 255)}


@pytest.mark.parametrize(
    ("brand", "rgb"), [("default", (0x1D, 0x5C, 0x8A)), ("example-clinic", (0x00, 0x66, 0x5E))]
)
def test_brand_colour_band_on_page_one(leaflets, brand, rgb):
    # a band, not a thin rule: the brand colour covers more than 5% of the top third (a box
    # drawn there, such as the sample-text note, may cover more)
    shares = _band_shares(leaflets[(brand, "a4")])
    near = sum(
        share for c, share in shares.items() if max(abs(c[i] - rgb[i]) for i in range(3)) <= 8
    )
    assert near > 0.05


def test_margins_leave_twelve_mm(leaflets):
    """No ink within 12 mm of any page edge (office printers clip there)."""
    margin_px = 12 / 25.4 * 50
    for r in (leaflets[("default", "a4")], leaflets[("example-clinic", "letter")]):
        for page in pdfium.PdfDocument(r.pdf):
            image = page.render(scale=50 / 72).to_pil().convert("L")
            w, h = image.size
            m = int(margin_px) - 1
            for box in ((0, 0, w, m), (0, h - m, w, h), (0, 0, m, h), (w - m, 0, w, h)):
                lo, _hi = image.crop(box).getextrema()
                assert lo >= 250, f"ink in the margin {box}"


@pytest.mark.parametrize("case", CASES)
def test_no_heading_is_the_last_block_of_a_page(leaflets, case):
    structure = leaflets[case].structure
    for (page, role), (next_page, _next_role) in itertools.pairwise(structure):
        if role in ("H1", "H2", "H3", "Caption", "Lbl"):
            assert next_page == page, f"{role} stranded at the bottom of page {page}"


@pytest.fixture(scope="module")
def editions(project: Project) -> dict[tuple[str, str, str], Rendered]:
    """Every shipped locale, standard and large print, A4 and Letter (default brand)."""
    out = {}
    for locale in project.locales():
        for edition in ("standard", "large-print"):
            for paper in ("a4", "letter"):
                job = Job("neuromyotonia", locale, "default", edition, paper)
                rendered, outcome = build_one(project, job)
                assert rendered is not None, outcome.reason
                out[(locale, edition, paper)] = rendered
    return out


def test_no_heading_or_introduction_ends_a_page_in_any_edition(project: Project, editions):
    import pdfplumber

    for (locale, edition, paper), rendered in editions.items():
        where = f"{locale}/{edition}/{paper}"
        for (page, role), (next_page, _) in itertools.pairwise(rendered.structure):
            if role in ("H1", "H2", "H3", "Caption", "Lbl"):
                assert next_page == page, f"{where}: {role} stranded at the bottom of page {page}"
        theme = project.theme("default", edition)
        frame_bottom = theme.margins[2] + theme.footer + theme.gap
        with pdfplumber.open(io.BytesIO(rendered.pdf)) as pdf:
            for number, page in enumerate(pdf.pages[:-1], 1):
                # the text frame's lines (by their tops: an Arabic glyph's descent may reach a
                # little below the frame, 0.4 pt on ar A4 page 4), not the footer under it
                body = [c for c in page.chars if c["top"] < page.height - frame_bottom]
                last = max(body, key=lambda c: (round(c["top"]), c["x0"]))
                row = [c for c in body if round(c["top"]) == round(last["top"])]
                ends = (
                    max(row, key=lambda c: c["x0"])
                    if locale not in ("ar", "he")
                    else min(row, key=lambda c: c["x0"])
                )
                assert ends["text"] not in ":：", f"{where}: an introduction ends page {number}"


@pytest.mark.parametrize("case", CASES)
def test_callouts_and_checklists_stay_on_one_page(project: Project, leaflets, case):
    texts = [squash(t) for t in page_texts(leaflets[case])]
    handout = project.handout("neuromyotonia")
    for section in handout.sections:
        for block in section.blocks:
            first = last = None
            if block.__class__.__name__ == "Callout":
                first, last = block.title, block.blocks[-1]
                last = getattr(last, "text", None) or last.items[-1]
            elif getattr(block, "kind", None) == "checklist":
                first, last = block.items[0], block.items[-1]
            if first is None:
                continue
            for name, value in project.brand(case[0]).placeholders().items():
                first = first.replace(f"{{{name}}}", value)
                last = last.replace(f"{{{name}}}", value)
            first, last = first.replace("**", ""), last.replace("**", "")
            pages = [i for i, t in enumerate(texts) if squash(first)[:40] in t]
            assert pages, first
            assert squash(last)[:40] in texts[pages[0]], f"{block.id} split across pages"


def test_a_long_table_splits_with_its_header_repeated(scratch: Project):
    path = scratch.handouts_dir / "neuromyotonia.yaml"
    rows = "".join(
        f"          - [Row {n} treatment, Row {n} explanation of what it does]\n" for n in range(60)
    )
    section = (
        "  - id: long-table\n    heading: A long table\n    blocks:\n"
        "      - type: table\n        id: big\n"
        "        header: [Column A heading, Column B heading]\n        rows:\n" + rows
    )
    path.write_text(path.read_text().replace("sections:\n", "sections:\n" + section, 1))
    rendered, outcome = build_one(scratch, Job("neuromyotonia", "en", "default", "standard", "a4"))
    assert rendered is not None, outcome.reason
    texts = page_texts(rendered)
    with_rows = [
        t
        for t in texts
        if "Row 0 treatment" in t or "Row 59 treatment" in t or "Row 30 treatment" in t
    ]
    pages_with_table = [i for i, t in enumerate(texts) if "Row " in t and "treatment" in t]
    assert len(pages_with_table) >= 2 and with_rows
    for i in pages_with_table:
        assert "Column A heading" in texts[i], f"header row not repeated on page {i + 1}"


def _line_starts(rendered: Rendered) -> dict[str, float]:
    """The first few words of every drawn line -> the x where the line starts."""
    import pdfplumber

    starts: dict[str, float] = {}
    with pdfplumber.open(io.BytesIO(rendered.pdf)) as pdf:
        for page in pdf.pages:
            for line in page.extract_text_lines():
                starts.setdefault(line["text"][:30], line["x0"])
    return starts


def test_definitions_and_list_items_hang_from_their_indent(project: Project, leaflets):
    rendered = leaflets[("default", "a4")]
    starts = _line_starts(rendered)
    indent = project.theme("default", "standard").spacing["list_indent"]
    term = starts["EMG (electromyography)"]
    text = next(x for t, x in starts.items() if t.startswith("A test that records"))
    assert text == pytest.approx(term + indent, abs=0.5)  # the explanation under its term
    # a bullet item's second line starts under its text, not under the bullet
    import pdfplumber

    hanging = 0
    with pdfplumber.open(io.BytesIO(rendered.pdf)) as pdf:
        for page in pdf.pages:
            lines = page.extract_text_lines()
            for a, b in itertools.pairwise(lines):
                same_item = b["top"] - a["bottom"] < 8  # not the gap after a list
                if a["text"].startswith("•") and not b["text"].startswith("•") and same_item:
                    assert b["x0"] == pytest.approx(a["x0"] + indent, abs=0.5), b["text"]
                    hanging += 1
    assert hanging >= 3


def test_no_widows_or_orphans(scratch: Project):
    """Paragraphs of two or three lines can only split by leaving a single line behind or
    carrying one over: with widow and orphan control, none is split over two pages."""
    path = scratch.handouts_dir / "neuromyotonia.yaml"
    filler = " ".join(["several plain words"] * 9)
    blocks = "".join(
        f"      - type: paragraph\n        id: p{n}\n"
        f"        text: Start{n} {filler} {'more words ' * (n % 2) * 2}End{n}\n"
        for n in range(60)
    )
    section = f"  - id: many\n    heading: Many paragraphs\n    blocks:\n{blocks}"
    path.write_text(path.read_text().replace("sections:\n", "sections:\n" + section, 1))
    rendered, outcome = build_one(scratch, Job("neuromyotonia", "en", "default", "standard", "a4"))
    assert rendered is not None, outcome.reason
    texts = page_texts(rendered)
    splits = 0
    for n in range(60):
        start = next(i for i, t in enumerate(texts) if f"Start{n} " in t)
        end = next(i for i, t in enumerate(texts) if f" End{n}" in t)
        splits += start != end
    assert splits == 0


def test_a_table_with_tall_rows_still_builds_in_large_print(scratch: Project):
    """Rows so tall that two never fit on one page: the table splits one row a page."""
    path = scratch.handouts_dir / "neuromyotonia.yaml"
    long = " ".join(["This explanation is deliberately long so that a single row is tall."] * 4)
    text = path.read_text()
    for start in (
        "            - Takes harmful antibodies",
        "            - You are given antibodies",
    ):
        line = next(line for line in text.splitlines() if line.startswith(start))
        text = text.replace(line, "            - " + long)
    path.write_text(text)
    for paper in ("a4", "letter"):  # large print is not made on A5 (UKAAF)
        rendered, outcome = build_one(
            scratch, Job("neuromyotonia", "en", "default", "large-print", paper)
        )
        assert rendered is not None, outcome.reason
        assert long[:60] in " ".join(" ".join(t.split()) for t in page_texts(rendered))


# --- text -> fragments: data, never markup ----------------------------------------------------


# --- the logo: prepared once per process, named by its pixels ---------------------------------


def _logo_streams(rendered: Rendered) -> list[bytes]:
    page = reader(rendered).pages[0]
    xobjects = page["/Resources"]["/XObject"]
    return [x.get_object().get_data() for x in xobjects.values()]


def test_a_raster_logo_is_the_same_bytes_wherever_the_project_lies(tmp_path):
    from PIL import Image as PILImage

    from tests.conftest import copy_project

    built = []
    for where in ("one", "two/deeper"):
        project = copy_project(tmp_path / where)
        brand = project.brands_dir / "default"
        with PILImage.open(brand / "logo.png") as im:
            im.convert("RGB").save(brand / "logo.jpg", quality=90)
        yaml = brand / "brand.yaml"
        yaml.write_text(yaml.read_text().replace("logo: logo.png", "logo: logo.jpg"))
        rendered, outcome = build_one(
            project, Job("neuromyotonia", "en", "default", "standard", "a4")
        )
        assert rendered is not None, outcome.reason
        built.append(rendered)
    # JPEG is embedded as it is (DCT), and named by its pixels, not by its absolute path
    assert built[0].pdf == built[1].pdf
    assert _logo_streams(built[0]) == [
        (tmp_path / "one/templates/brands/default/logo.jpg").read_bytes()
    ]


def test_a_replaced_logo_is_read_again(scratch: Project):
    import os

    from PIL import Image as PILImage

    job = Job("neuromyotonia", "en", "default", "standard", "a4")
    first, _ = build_one(scratch, job)
    logo = scratch.brands_dir / "default" / "logo.png"
    stat = logo.stat()
    PILImage.new("RGBA", (240, 120), (200, 30, 30, 255)).save(logo)  # another shape too
    os.utime(logo, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    second, _ = build_one(scratch, job)
    assert first is not None and second is not None
    assert _logo_streams(first) != _logo_streams(second)
    # drawn at the new shape: twice as wide as high, at the same height
    scales = [
        [float(v) for v in re.findall(r"([\d.]+) 0 0 ([\d.]+) 0 0 cm\s*/FormXob", text)[0]]
        for text in (
            reader(r).pages[0].get_contents().get_data().decode("latin-1") for r in (first, second)
        )
    ]
    (w1, h1), (w2, h2) = scales
    assert abs(w1 / h1 - 1) < 0.01 and abs(w2 / h2 - 2) < 0.01 and abs(h1 - h2) < 0.01
    # the new logo is what is printed: its red is on page one
    page = pdfium.PdfDocument(second.pdf)[0].render(scale=1).to_pil().convert("RGB")
    assert (200, 30, 30) in {page.getpixel((x, y)) for x in range(0, 200) for y in range(0, 140)}


def test_a_block_that_cannot_be_placed_is_named_by_its_context_and_line(scratch: Project):
    path = scratch.handouts_dir / "neuromyotonia.yaml"
    long_cell = " ".join(["word"] * 900)
    text = path.read_text().replace(
        "        rows:\n", f"        rows:\n          - [{long_cell}, x]\n", 1
    )
    path.write_text(text)
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "id: treatment-table" in t)
    job = Job("neuromyotonia", "en", "default", "large-print", "letter")
    rendered, outcome = build_one(Project(scratch.root), job)
    assert rendered is None and outcome.status == "failed"
    assert outcome.reason.startswith(
        f"neuromyotonia/treatment/treatment-table (handouts/neuromyotonia.yaml:{line - 1})"
    ), outcome.reason
    assert "does not fit on a page" in outcome.reason and "Tagged" not in outcome.reason


def _with_rows(scratch: Project, rows: str) -> None:
    path = scratch.handouts_dir / "neuromyotonia.yaml"
    path.write_text(path.read_text().replace("        rows:\n", f"        rows:\n{rows}", 1))


def _failed(scratch: Project, brand: str = "default") -> str:
    job = Job("neuromyotonia", "en", brand, "standard", "a4")
    rendered, outcome = build_one(Project(scratch.root), job)
    assert rendered is None and outcome.status == "failed" and outcome.reason
    assert "Tagged" not in outcome.reason and "0x" not in outcome.reason  # no object's repr
    return outcome.reason


def test_a_table_row_taller_than_a_page_is_named_by_its_index_and_text(scratch: Project):
    tall = " ".join(["Plasma exchange takes harmful antibodies out of your blood."] * 150)
    # 30 short rows first: the table splits, and the tall row is in the part that moves on
    short = "".join(f"          - [Row {n}, short]\n" for n in range(30))
    _with_rows(scratch, short + f"          - [Tall row, {tall}]\n")
    reason = _failed(scratch)
    assert reason.startswith("neuromyotonia/treatment/treatment-table (handouts/neuromyotonia")
    assert re.search(
        r"does not fit on a page \(page \d+\): rows\[30\] \('Tall row' \.\.\.\) is \d+ pt tall; "
        r"a page's text frame is 680 pt: shorten the row or split it",
        reason,
    ), reason


def test_a_table_heading_taller_than_a_page_is_named(scratch: Project):
    path = scratch.handouts_dir / "neuromyotonia.yaml"
    word = "x" * 10_000
    path.write_text(path.read_text().replace("          - Treatment\n", f"          - {word}\n"))
    assert "its heading (caption and header row) is" in _failed(scratch)


def test_a_ten_thousand_letter_word_in_the_title_names_the_topic_line(scratch: Project):
    path = scratch.handouts_dir / "neuromyotonia.yaml"
    word = "x" * 10_000
    path.write_text(path.read_text().replace("title: Neuromyotonia", f"title: {word}", 1))
    reason = _failed(scratch)
    assert reason.startswith(
        "template default:leaflet.xml.j2, text from msgctxt 'neuromyotonia/title' "
        "(neuromyotonia.yaml:4): 'xxxxxxxx"
    ), reason
    assert "does not fit on a page" in reason


def test_a_ten_thousand_letter_word_in_a_brand_name_names_the_brand_line(scratch: Project):
    path = scratch.brands_dir / "example-clinic" / "brand.yaml"
    word = "x" * 10_000
    path.write_text(path.read_text().replace("name: Riverside", f"name: {word}", 1))
    reason = _failed(scratch, "example-clinic")
    assert reason.startswith(
        "template example-clinic:leaflet.xml.j2, text from "
        "templates/brands/example-clinic/brand.yaml:2 (name): 'xxxx"
    ), reason


@pytest.mark.parametrize("char", ["\u2066", "\u202e", "\x1b", "\x85", "\udcff"])
def test_a_character_no_line_can_carry_is_refused_before_layout_with_its_origin(
    project: Project, char: str
):
    # content, brands and translations are refused before; this is the last guard (an LRI
    # reached python-bidi as "AssertionError: LRI not allowed here")
    from dataclasses import replace

    from handoutgen.blocks.paragraph import DocPara
    from handoutgen.compose import ComposeRequest, compose
    from handoutgen.errors import RenderError
    from handoutgen.localize import localize
    from handoutgen.model import Span
    from handoutgen.render import render

    handout, catalog = project.handout("neuromyotonia"), project.catalog("ar")
    brand = project.brand("default")
    request = ComposeRequest(localize(handout, catalog, "ar"), brand, "standard", catalog)
    document = compose(request, templates_dir=project.templates_dir)
    n, para = next((n, b) for n, b in enumerate(document.blocks) if isinstance(b, DocPara))
    text = f"{para.text[0].text[:10]}{char}{para.text[0].text[10:]}"
    changed = (*document.blocks[:n], replace(para, text=(Span(text),)), *document.blocks[n + 1 :])
    origins = {text: "msgctxt 'x/y/z' (handouts.po:7)"}
    with pytest.raises(RenderError) as caught:
        render(
            replace(document, blocks=changed),
            project.theme("default", "standard"),
            paper="a4",
            fonts_dir=project.fonts_dir,
            origins=origins,
        )
    assert f"U+{ord(char):04X}" in str(caught.value)
    assert "cannot be printed, from msgctxt 'x/y/z' (handouts.po:7)" in str(caught.value)
