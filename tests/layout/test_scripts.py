"""Every script prints right: right-to-left order and mirroring, CJK breaking, font chains,
nothing outside the frame, and a missing glyph is an error, never a blank."""

from __future__ import annotations

import io
import itertools
import re
import shutil
import unicodedata

import pdfplumber
import polib
import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader

from handoutgen.build import Job, build_one
from handoutgen.layout.bidi import bidi_levels
from handoutgen.project import Project

from ..conftest import ROOT

MM = 72 / 25.4


@pytest.fixture(scope="module")
def built(project: Project) -> dict[tuple[str, str], bytes]:
    """Every shipped locale, both brands on their own paper (A4 and Letter)."""
    out = {}
    for locale in project.locales():
        for brand, paper in (("default", "a4"), ("example-clinic", "letter")):
            rendered, outcome = build_one(
                project, Job("neuromyotonia", locale, brand, "standard", paper)
            )
            assert rendered is not None, f"{locale}/{brand}: {outcome.reason}"
            out[(locale, brand)] = rendered.pdf
    return out


def chunks(pdf: bytes, page: int) -> list[tuple[float, float, str]]:
    """(x, y, text) of every string drawn on a page, in content-stream order."""
    found: list[tuple[float, float, str]] = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            found.append((tm[4] + cm[4], tm[5] + cm[5], text.strip()))

    PdfReader(io.BytesIO(pdf)).pages[page].extract_text(visitor_text=visit)
    return found


def test_every_shipped_locale_is_built_and_checked_here(project: Project):
    assert {"en", "es", "de", "tr", "ar", "he", "zh-Hans"} <= set(project.locales())


@pytest.mark.parametrize("locale", ["ar", "he"])
def test_numbers_read_left_to_right_inside_right_to_left_lines(built, locale):
    """'... 40 to 45 in every 100 ...': drawn right to left, each number left to right."""
    drawn = chunks(built[(locale, "default")], 0)
    rows: dict[float, dict[str, float]] = {}
    for x, y, text in drawn:
        rows.setdefault(round(y), {})[text] = x
    row = next(
        r
        for r in rows.values()
        if {"40", "45", "100"} <= set(r)
        or {"-40", "45", "100"} <= set(r)
        or (any(k.endswith("40") for k in r) and "45" in r and "100" in r)
    )
    x40 = next(x for text, x in row.items() if text.endswith("40"))
    assert x40 > row["45"] > row["100"]
    latin = [text for _x, _y, text in drawn]
    assert "CASPR2" in latin  # a Latin word keeps its own left-to-right order


def test_hebrew_words_are_drawn_in_reverse_reading_order(built, project: Project):
    """Reading a Hebrew line right to left gives the catalog's words in their order."""
    catalog = polib.pofile(str(project.locales_dir / "he" / "LC_MESSAGES" / "handouts.po"))
    heading = next(e.msgstr for e in catalog if e.msgctxt == "neuromyotonia/causes/heading")
    drawn = chunks(built[("he", "default")], 0)
    by_line: dict[int, list[tuple[float, str]]] = {}
    for x, y, text in drawn:
        by_line.setdefault(round(y), []).append((x, text))
    ligatures = str.maketrans(
        {"\u05f0": "\u05d5\u05d5", "\u05f1": "\u05d5\u05d9", "\u05f2": "\u05d9\u05d9"}
    )  # shaping joins יי, וו, וי
    lines = [
        " ".join(t for _x, t in sorted(items, reverse=True)).translate(ligatures)
        for items in by_line.values()
    ]
    assert any(heading.replace("?", "") in line.replace("?", "") for line in lines), heading


def _letters(text: str) -> str:
    """Letters and digits only, Arabic presentation forms read as their letters (NFKC)."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if ch.isalnum())


def test_arabic_lines_with_latin_words_and_numbers_are_drawn_in_reading_order(built, project):
    """Read right to left, the glyphs drawn on each line holding CASPR2 give the catalog's text
    in its own order: Arabic words, the Latin antibody names and the numbers between them."""
    catalog = polib.pofile(str(project.locales_dir / "ar" / "LC_MESSAGES" / "handouts.po"))
    texts = [_letters(e.msgstr) for e in catalog if "CASPR2" in e.msgstr]
    pdf = built[("ar", "default")]
    checked = 0
    for page in range(len(PdfReader(io.BytesIO(pdf)).pages)):
        rows: dict[int, list[tuple[float, str]]] = {}
        for x, y, text in chunks(pdf, page):
            rows.setdefault(round(y), []).append((x, text))
        for items in rows.values():
            if not any("CASPR2" in t for _x, t in items):
                continue
            line = _letters("".join(t for _x, t in sorted(items, reverse=True)))
            assert any(line in text for text in texts), line
            assert len(line) > 30
            checked += 1
    assert checked >= 2


def test_bidi_levels_isolate_latin_and_number_runs():
    text = "נוטלים 500 mg (EMG) ביום."
    levels = bidi_levels(text)
    start = text.index("500 mg")
    assert levels[start : start + 6] == [2, 2, 2, 2, 2, 2]
    assert levels[text.index("(")] == levels[text.index(")")] == 2  # the pair goes with EMG
    assert levels[text.index("נ")] == 1 and levels[-1] == 1  # the full stop ends the RTL line


def _bar_columns(pdf: bytes, page: int, rgb: tuple[int, int, int]) -> list[int]:
    image = pdfium.PdfDocument(pdf)[page].render(scale=1).to_pil().convert("RGB")
    width, height = image.size
    pixels = image.load()
    return [
        x
        for x in range(width)
        for y in range(0, height, 4)
        if max(abs(a - b) for a, b in zip(pixels[x, y], rgb, strict=True)) < 12
    ]


@pytest.mark.parametrize(("locale", "side"), [("en", "left"), ("ar", "right"), ("he", "right")])
def test_callout_accent_bars_sit_where_lines_start(built, locale, side):
    pdf = built[(locale, "default")]
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    page = next(p for p in range(pages) if _bar_columns(pdf, p, (0xB0, 0x00, 0x20)))
    xs = _bar_columns(pdf, page, (0xB0, 0x00, 0x20))  # the urgent box's bar
    width = pdfium.PdfDocument(pdf)[page].get_width()
    middle = (min(xs) + max(xs)) / 2
    assert (middle < width / 2) == (side == "left")


@pytest.mark.parametrize("locale", ["ar", "he"])
def test_lists_tables_and_footer_are_mirrored(built, locale):
    pdf = built[(locale, "default")]
    reader = PdfReader(io.BytesIO(pdf))
    width = float(reader.pages[0].mediabox.width)
    every = [(p, x, y, t) for p in range(len(reader.pages)) for x, y, t in chunks(pdf, p)]
    bullets = [x for _p, x, _y, t in every if t == "•"]
    assert bullets and min(bullets) > width / 2  # bullets on the right
    ivig = [x for _p, x, _y, t in every if "IVIG" in t]
    assert ivig and max(ivig) > width / 2  # the treatment column is the right-hand one
    code = [x for _p, x, _y, t in every if t.startswith("NEU-001")]
    assert code and min(code) > width / 2  # the leaflet code starts the footer, on the right


@pytest.mark.parametrize("locale", ["en", "es", "de", "tr", "ar", "he", "zh-Hans"])
def test_nothing_is_drawn_outside_the_frame(built, locale):
    for brand in ("default", "example-clinic"):
        with pdfplumber.open(io.BytesIO(built[(locale, brand)])) as pdf:
            for number, page in enumerate(pdf.pages, start=1):
                outside = [
                    c["text"]
                    for c in page.chars
                    if c["x0"] < 12 * MM - 0.5
                    or c["x1"] > page.width - 12 * MM + 0.5
                    or c["top"] < 12 * MM - 0.5
                    or c["bottom"] > page.height - 12 * MM + 0.5
                ]
                assert not outside, f"{locale}/{brand} page {number}: {''.join(outside)[:40]}"


def test_chinese_lines_never_start_with_closing_punctuation(built):
    for brand in ("default", "example-clinic"):
        with pdfplumber.open(io.BytesIO(built[("zh-Hans", brand)])) as pdf:
            for page in pdf.pages:
                rows: dict[int, list[dict]] = {}
                for c in page.chars:
                    rows.setdefault(round(c["top"]), []).append(c)
                for row in rows.values():
                    first = min(row, key=lambda c: c["x0"])["text"]
                    assert first not in "。，、；：！？）", f"a line starts with {first}"


PHONES = {"default": "01632960123", "example-clinic": "(555)010-0144"}


def test_a_phone_number_is_never_split_over_two_lines(built):
    """In every locale (CJK breaks between any two characters; RTL reorders runs)."""
    for (locale, brand), pdf in built.items():
        phone = PHONES[brand]
        whole = 0
        with pdfplumber.open(io.BytesIO(pdf)) as doc:
            for number, page in enumerate(doc.pages, 1):
                rows: dict[int, list[dict]] = {}
                for c in page.chars:
                    rows.setdefault(round(c["top"]), []).append(c)
                texts = [
                    "".join(c["text"] for c in sorted(row, key=lambda c: c["x0"])).replace(" ", "")
                    for _, row in sorted(rows.items())
                ]
                texts = [t.replace("\u00a0", "") for t in texts]
                whole += sum(t.count(phone) for t in texts)
                for a, b in itertools.pairwise(texts):
                    for k in range(2, len(phone) - 1):
                        head, tail = phone[:k], phone[k:]
                        split = (a.endswith(head) or a.startswith(head)) and (
                            b.startswith(tail) or b.endswith(tail)
                        )
                        assert not split, f"{locale}/{brand} page {number}: {a!r} / {b!r}"
        assert whole >= 2, f"{locale}/{brand}: the phone number printed whole {whole} time(s)"


def test_each_script_is_set_in_its_own_embedded_font(built):
    expected = {
        "ar": "NotoSansArabic",
        "he": "NotoSansHebrew",
        "zh-Hans": "NotoSansCJK",
        "de": "NotoSans-",
    }
    for locale, font in expected.items():
        names = {
            str(f.get_object()["/BaseFont"])
            for page in PdfReader(io.BytesIO(built[(locale, "default")])).pages
            for f in page["/Resources"]["/Font"].values()
        }
        assert any(font in name for name in names), (locale, names)
        assert all("+" in name for name in names)  # subsets, all embedded


def _with_translation(scratch: Project, locale: str, context: str, text: str) -> None:
    path = scratch.locales_dir / locale / "LC_MESSAGES" / "handouts.po"
    catalog = polib.pofile(str(path), wrapwidth=0)
    next(e for e in catalog if e.msgctxt == context).msgstr = text
    catalog.save()


def test_a_character_no_font_has_is_an_error_naming_it_and_its_source(scratch: Project):
    _with_translation(scratch, "es", "neuromyotonia/causes/heading", "¿Qué lo causa? தமிழ்")
    rendered, outcome = build_one(scratch, Job("neuromyotonia", "es", "default", "standard", "a4"))
    assert rendered is None and outcome.status == "failed"
    reason = outcome.reason or ""
    assert "U+0BA4 TAMIL LETTER TA is in no font of locale es" in reason
    assert "sans-bold (NotoSans-Bold.ttf)" in reason
    po = polib.pofile(str(scratch.locales_dir / "es" / "LC_MESSAGES" / "handouts.po"))
    line = next(e.linenum for e in po if e.msgctxt == "neuromyotonia/causes/heading")
    assert (
        f"msgctxt 'neuromyotonia/causes/heading' (locales/es/LC_MESSAGES/handouts.po:{line}; "
        "English at neuromyotonia.yaml:"
    ) in reason
    assert reason.splitlines()[0] == "missing glyphs: 5 character(s) no font has"


def test_a_gap_in_template_wording_names_its_catalog_entry(scratch: Project):
    path = scratch.locales_dir / "es" / "LC_MESSAGES" / "handouts.po"
    po = polib.pofile(str(path), wrapwidth=0)
    entry = next(e for e in po if e.msgid == "About this leaflet")
    entry.msgstr += " தமிழ்"
    po.save()
    _, outcome = build_one(scratch, Job("neuromyotonia", "es", "default", "standard", "a4"))
    reason = outcome.reason or ""
    place = f"locales/es/LC_MESSAGES/handouts.po:{entry.linenum}"
    assert f"msgid 'About this leaflet' ({place})" in reason


def test_a_gap_in_a_brand_value_names_its_brand_file_and_line(scratch: Project):
    path = scratch.brands_dir / "example-clinic" / "brand.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines, 1) if line.startswith("tagline:"))
    lines[number - 1] = "tagline: Nerve care தமிழ்"  # one text for every language
    while lines[number].startswith("  "):  # instead of one per language
        del lines[number]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _, outcome = build_one(scratch, Job("neuromyotonia", "en", "example-clinic", "standard", "a4"))
    reason = outcome.reason or ""
    assert "U+0BA4 TAMIL LETTER TA is in no font of locale en" in reason
    assert f"templates/brands/example-clinic/brand.yaml:{number} (tagline)" in reason


def _catalog_as(scratch: Project, source: str, target: str) -> None:
    """A copy of ``source``'s catalog as the catalog of locale ``target``."""
    shutil.copytree(scratch.locales_dir / source, scratch.locales_dir / target)
    path = scratch.locales_dir / target / "LC_MESSAGES" / "handouts.po"
    catalog = polib.pofile(str(path), wrapwidth=0)
    catalog.metadata["Language"] = target
    catalog.save()


def test_a_devanagari_locale_is_shaped_with_its_configured_font(scratch: Project):
    _catalog_as(scratch, "es", "hi")
    _with_translation(scratch, "hi", "neuromyotonia/title", "न्यूरोमायोटोनिया (आइज़ैक्स सिंड्रोम)")
    rendered, outcome = build_one(scratch, Job("neuromyotonia", "hi", "default", "standard", "a4"))
    assert rendered is not None, outcome.reason
    fonts = {
        str(f.get_object()["/BaseFont"])
        for page in PdfReader(io.BytesIO(rendered.pdf)).pages
        for f in page["/Resources"]["/Font"].values()
    }
    assert any("NotoSansDevanagari" in f for f in fonts)


def _hyphenated_words(pdf: bytes) -> list[str]:
    """Words split over two lines with a hyphen (not web addresses, not a word's own hyphen)."""
    words = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        lines = page.extract_text().splitlines()
        for line, after in itertools.pairwise(lines):
            last = line.rstrip().split(" ")[-1]
            first = after.lstrip().split(" ")[0]
            if re.fullmatch(r"\w+-", last) and first[:1].islower() and "/" not in line:
                words.append(last[:-1] + first.rstrip(".,;:"))
    return words


def test_german_hyphenation_splits_only_long_compounds(built):
    words = _hyphenated_words(built[("de", "default")])
    assert words  # some long words are hyphenated at line ends
    assert all(len(w) >= 14 for w in words), words  # never a drug or clinic name


def test_large_print_is_not_hyphenated(project: Project):
    rendered, outcome = build_one(
        project, Job("neuromyotonia", "de", "default", "large-print", "a4")
    )
    assert rendered is not None, outcome.reason
    assert _hyphenated_words(rendered.pdf) == []


def test_hebrew_is_drawn_without_discretionary_ligatures(built):
    for brand in ("default", "example-clinic"):
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(built[("he", brand)])).pages)
        assert not [c for c in text if "\u05f0" <= c <= "\u05f2" or c == "\ufb4f"]


def test_an_english_paragraph_in_an_arabic_leaflet_keeps_left_to_right_order(built):
    """A source title is a left-to-right paragraph (rule P2): its full stop stays at its end."""
    for page in PdfReader(io.BytesIO(built[("ar", "default")])).pages:
        text = " ".join(page.extract_text().split())
        if "Acquired Neuromyotonia." in text:
            assert ".Disease Database" not in text and "Disease Database, 2020." in text
            break
    else:
        raise AssertionError("source list not found")


def test_arabic_vowel_marks_are_kept(scratch: Project):
    """Harakat (fatha, damma, shadda, kasra) are drawn with their letters, not dropped."""
    vocalized = "مَا هُوَ التَّوَتُّرُ العَصَبِيُّ العَضَلِيُّ؟"
    _with_translation(scratch, "ar", "neuromyotonia/what-it-is/heading", vocalized)
    rendered, outcome = build_one(scratch, Job("neuromyotonia", "ar", "default", "standard", "a4"))
    assert rendered is not None, outcome.reason
    drawn = "".join(t for p in range(rendered.pages) for _x, _y, t in chunks(rendered.pdf, p))
    drawn = unicodedata.normalize("NFKC", drawn)
    for mark in ("\u064e", "\u064f", "\u0650", "\u0651"):
        assert drawn.count(mark) >= vocalized.count(mark), unicodedata.name(mark)


def test_a_persian_leaflet_is_set_right_to_left_in_the_arabic_font(scratch: Project):
    _catalog_as(scratch, "ar", "fa")
    _with_translation(scratch, "fa", "neuromyotonia/title", "نورومیوتونی (سندرم آیزاکس)")
    rendered, outcome = build_one(scratch, Job("neuromyotonia", "fa", "default", "standard", "a4"))
    assert rendered is not None, outcome.reason
    reader = PdfReader(io.BytesIO(rendered.pdf))
    fonts = {
        str(f.get_object()["/BaseFont"])
        for page in reader.pages
        for f in page["/Resources"]["/Font"].values()
    }
    assert any("NotoSansArabic" in f for f in fonts)
    assert reader.metadata is not None and reader.trailer["/Root"]["/Lang"] == "fa"
    width = float(reader.pages[0].mediabox.width)
    every = [(x, t) for p in range(len(reader.pages)) for x, _y, t in chunks(rendered.pdf, p)]
    bullets = [x for x, t in every if t == "•"]
    assert bullets and min(bullets) > width / 2  # lists mirrored, as in Arabic
    title = [t for x, t in every if "آیزاکس" in unicodedata.normalize("NFKC", t)]
    assert title  # the Persian letters (ی, ک) reached the page


def _cjk_lines(cls, text: str, width: float) -> list[str]:
    from reportlab.lib.styles import ParagraphStyle

    from handoutgen.layout.fonts import register_families
    from handoutgen.rl.paragraphs import line_text as _line_text

    register_families(
        {"cjk-sc": {"regular": "NotoSansSC-Leaflet-Regular.ttf"}}, Project(ROOT).fonts_dir
    )
    style = ParagraphStyle("t", fontName="cjk-sc-regular", fontSize=10, leading=14, wordWrap="CJK")
    para = cls(text, style)
    para.wrap(width, 1000)
    return [_line_text(line) for line in para.blPara.lines]


def _cjk_class() -> type:
    from handoutgen.layout.cjk import CJKRules
    from handoutgen.rl.paragraphs import paragraph_class

    return paragraph_class(CJKRules, cjk=True)


def test_cjk_rules_leave_ordinary_breaks_alone():
    """Breaks at spaces between Latin words, and between Chinese characters, are kept as
    ReportLab makes them: only a split Latin word or no-break run is undone."""
    from reportlab.platypus import Paragraph

    text = (
        "请在服药前仔细阅读本说明书。please read the patient information leaflet carefully "
        "before you take this medicine and keep it " + "如有疑问请咨询医生或药师。" * 3
    )
    assert _cjk_lines(_cjk_class(), text, 150) == _cjk_lines(Paragraph, text, 150)


def test_cjk_moves_a_phone_number_down_whole():
    from reportlab.platypus import Paragraph

    phone = "01632\u00a0960\u00a0123"
    text = f"如有任何问题，请在工作日拨打电话联系我们的团队{phone}。谢谢。" * 2
    tried = 0
    for width in range(120, 320, 4):
        plain = _cjk_lines(Paragraph, text, width)
        if sum(line.count(phone) for line in plain) == 2:
            continue  # ReportLab did not split it at this width
        tried += 1
        fixed = _cjk_lines(_cjk_class(), text, width)
        assert sum(line.count(phone) for line in fixed) == 2, (width, fixed)
        assert len(fixed) <= len(plain) + 1
    assert tried >= 5
