"""Leaflets in two languages side by side (``--locale es+en``), over every pair X+en of the
shipped locales, for each brand, on A4 and Letter: every section starts level in both columns
(the baselines of their first lines, read from the pages); every text of a language lies in
its own column and every character it prints is there; /Lang on each column's structure
elements; PDF/UA-1 and PDF/A-2a with 0 failures and a consistent structure tree; each
language through its own release gate; papers and editions too narrow for two columns refused
by name; the same bytes with caches off."""

from __future__ import annotations

import hashlib
import io
import unicodedata
from collections import defaultdict
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from pypdf import PdfReader
from pypdf.generic import DictionaryObject, IndirectObject

from handoutgen import blocks, cache
from handoutgen.bilingual import column_width, pair
from handoutgen.blocks.heading import DocHeading
from handoutgen.blocks.masthead import DocMasthead
from handoutgen.build import Job, build_one
from handoutgen.errors import SelectionError
from handoutgen.inline import plain_text
from handoutgen.leaflet import Selection, expand
from handoutgen.model import Rendered
from handoutgen.project import Project
from tests.pdf.test_tagged import _failures, check_consistency

OTHERS = ("es", "de", "tr", "ar", "he", "zh-Hans")
RTL = ("ar", "he")
LEVEL = 2.0  # points: two columns' first baselines differ by their fonts' ascents, no more


@pytest.fixture(scope="module")
def pairs(project: Project) -> dict[Job, Rendered]:
    """X+en for every shipped X, each brand, A4 and Letter; and en first beside Arabic and
    Chinese."""
    jobs = [
        Job("neuromyotonia", f"{other}+en", brand, "standard", paper)
        for other in OTHERS
        for brand in ("default", "example-clinic")
        for paper in ("a4", "letter")
    ]
    jobs += [Job("neuromyotonia", f"en+{other}", "default", "standard", "a4") for other in RTL]
    jobs.append(Job("neuromyotonia", "en+zh-Hans", "example-clinic", "standard", "letter"))
    out = {}
    for job in jobs:
        rendered, outcome = build_one(project, job)
        assert rendered is not None, (str(job), outcome.reason)
        out[job] = rendered
    return out


# --- reading the pages -------------------------------------------------------------------------


def _structure(pdf: bytes) -> tuple[Any, list[tuple[str | None, dict[tuple[int, int], str]]]]:
    """The document's /Lang and, for each child of the Document element in reading order, its
    /Lang and its leaves' (page index, MCID) -> role."""
    reader = PdfReader(io.BytesIO(pdf))
    pages = {pg.indirect_reference.idnum: n for n, pg in enumerate(reader.pages)}
    root = reader.trailer["/Root"]
    document = root["/StructTreeRoot"]["/K"].get_object()
    assert document["/S"] == "/Document"

    def leaves(element: DictionaryObject, out: dict[tuple[int, int], str], page: int) -> None:
        page = pages[element.raw_get("/Pg").idnum] if "/Pg" in element else page
        kids = element.get("/K", [])
        for kid in kids if isinstance(kids, list) else [kids]:
            if isinstance(kid, int):
                out[(page, kid)] = str(element["/S"])
            elif isinstance(kid, IndirectObject | DictionaryObject):
                kid = kid.get_object()
                if kid.get("/Type") == "/MCR":
                    out[(pages[kid.raw_get("/Pg").idnum], int(kid["/MCID"]))] = str(element["/S"])
                elif kid.get("/Type") != "/OBJR":
                    leaves(kid, out, page)

    parts = []
    for kid in document["/K"]:
        element = kid.get_object()
        found: dict[tuple[int, int], str] = {}
        leaves(element, found, 0)
        parts.append((str(element["/Lang"]) if "/Lang" in element else None, found))
    return root.get("/Lang"), parts


def _drawn(pdf: bytes) -> dict[tuple[int, int], list[tuple[float, float, float, str]]]:
    """(page index, MCID) -> each object drawn in it: a text's baseline, or the top of a
    picture or path; its left and right; its text ("" for a picture or path)."""
    out: dict[tuple[int, int], list[tuple[float, float, float, str]]] = defaultdict(list)
    doc = pdfium.PdfDocument(pdf)
    for n in range(len(doc)):
        pg = doc[n]
        textpage = pg.get_textpage()
        for obj in pg.get_objects():
            mcid = pdfium_c.FPDFPageObj_GetMarkedContentID(obj.raw)
            left, _, right, top = obj.get_bounds()
            if obj.type != pdfium_c.FPDF_PAGEOBJ_TEXT:
                out[(n, mcid)].append((top, left, right, ""))
                continue
            size = pdfium_c.FPDFTextObj_GetText(obj.raw, textpage.raw, None, 0)
            buffer = (pdfium_c.c_ushort * size)()
            pdfium_c.FPDFTextObj_GetText(obj.raw, textpage.raw, buffer, size)
            text = bytes(buffer).decode("utf-16-le").rstrip("\x00")
            out[(n, mcid)].append((obj.get_matrix().f, left, right, text))
    return out


def _columns(job: Job, project: Project) -> dict[str, tuple[float, float]]:
    """Each language's column, as x from and to on the page."""
    theme = project.theme(job.brand, job.edition)
    _, right, _, left = theme.margins
    page_width = theme.papers[job.paper][0]
    width = column_width(theme, page_width - left - right)
    first, second = job.locales
    sides = [(left, left + width), (page_width - right - width, page_width - right)]
    if first in RTL:
        sides.reverse()
    return {first: sides[0], second: sides[1]}


# --- every pair ----------------------------------------------------------------------------------


def test_every_section_starts_level_in_both_columns(pairs):
    checked = 0
    for job, rendered in pairs.items():
        _, parts = _structure(rendered.pdf)
        texts = _drawn(rendered.pdf)
        tops = []
        for lang, leaves in parts:
            if lang is None:  # the masthead, across the page
                continue
            # the earliest (page, MCID) that draws: the first line of its column (a part with
            # a picture beside its text, the online copy's QR code, centres them: not compared)
            first = min(key for key in leaves if texts[key])
            centred = "/Figure" in leaves.values()
            tops.append((lang, first[0], None if centred else texts[first][0][0]))
        assert len(tops) % 2 == 0 and len(tops) >= 20, (str(job), tops)
        for (lang_a, page_a, y_a), (lang_b, page_b, y_b) in zip(tops[::2], tops[1::2], strict=True):
            assert (lang_a, lang_b) == job.locales, str(job)
            assert page_a == page_b, (str(job), lang_a, page_a, page_b)
            if y_a is not None and y_b is not None:
                assert abs(y_a - y_b) <= LEVEL, (str(job), lang_a, y_a, y_b)
                checked += 1
    assert checked >= 26 * 10


def test_each_language_prints_in_its_own_column_with_every_character(pairs, project):
    for job, rendered in pairs.items():
        columns = _columns(job, project)
        hang = project.theme(job.brand, job.edition).spacing["column_gap"] / 2
        _, parts = _structure(rendered.pdf)
        texts = _drawn(rendered.pdf)
        printed: dict[str, set[str]] = defaultdict(set)
        for lang, leaves in parts:
            if lang is None:
                continue
            x_from, x_to = columns[lang]
            for key in leaves:
                for _, left, right, text in texts[key]:
                    if text.strip():
                        # in its column, a closing mark hanging into the gap at most (CJK)
                        assert x_from - hang <= left and right <= x_to + hang, (str(job), text)
                        printed[lang].update(text)
        for locale in job.locales:
            wanted: set[str] = set()
            for block in _document(project, job, locale).blocks:
                if isinstance(block, DocMasthead):  # the first language's, across the page
                    continue
                for _, spans in blocks.texts(block):
                    wanted.update(plain_text(spans))
            missing = wanted - set(" \u00a0\n") - printed[locale]
            assert not missing, (str(job), locale, sorted(missing)[:20])


def _document(project: Project, job: Job, locale: str) -> Any:
    from handoutgen.build import language

    handout = project.handout(job.topic)
    made = language(project, job, locale, handout, overdue=False, allow_incomplete=False)
    return made.document


def test_lang_on_each_column_and_the_document(pairs):
    for job, rendered in pairs.items():
        document_lang, parts = _structure(rendered.pdf)
        assert document_lang == job.locales[0]
        langs = [lang for lang, _ in parts if lang is not None]
        assert set(langs) == set(job.locales), str(job)
        assert langs[::2] == [job.locales[0]] * (len(langs) // 2)  # first language first


def test_both_languages_named_on_page_one_in_their_own_script(pairs):
    names = {"en": "English", "es": "Español", "ar": "العربية", "zh-Hans": "中文"}
    for job, rendered in pairs.items():
        page_one = pdfium.PdfDocument(rendered.pdf)[0].get_textpage().get_text_range()
        for locale in job.locales:
            if locale in names:
                assert names[locale] in page_one, (str(job), locale)


@pytest.mark.parametrize("profile", ["ua1", "2a"])
def test_every_pair_passes_pdf_ua1_and_pdf_a2a_and_the_consistency_check(pairs, profile):
    failed = {str(job): _failures(r.pdf, profile) for job, r in pairs.items()}
    assert not {k: v for k, v in failed.items() if v}
    if profile == "ua1":
        for rendered in pairs.values():
            check_consistency(rendered.pdf)


def test_right_to_left_first_language_is_on_the_right(pairs, project):
    for first, second in (("ar", "en"), ("en", "ar"), ("he", "en")):
        job = Job("neuromyotonia", f"{first}+{second}", "default", "standard", "a4")
        columns = _columns(job, project)
        middle = project.theme("default", "standard").papers["a4"][0] / 2
        assert columns["en"][1] < middle < columns[first if first != "en" else second][0]
        _, parts = _structure(pairs[job].pdf)
        texts = _drawn(pairs[job].pdf)
        rtl = first if first != "en" else second
        drawn = [t for lang, leaves in parts if lang == rtl for key in leaves for t in texts[key]]
        assert drawn and all(left > middle for _, left, _, _ in drawn)


def _normal(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


def test_text_extracts_column_by_column_in_logical_order(pairs, project):
    """Within each section the first language's column, then the second's: every section
    heading of both languages is found, in that order, by pypdf and by pdfium (Arabic and
    Hebrew as written, not in display order)."""
    for job, rendered in pairs.items():
        headings = {
            locale: [
                _normal(plain_text(block.text))
                for block in _document(project, job, locale).blocks
                if isinstance(block, DocHeading)
            ]
            for locale in job.locales
        }
        first, second = (headings[locale] for locale in job.locales)
        assert len(first) == len(second) >= 8
        expected = [h for both in zip(first, second, strict=True) for h in both]
        pages = PdfReader(io.BytesIO(rendered.pdf)).pages
        by_pypdf = _normal(" ".join(p.extract_text() for p in pages))
        document = pdfium.PdfDocument(rendered.pdf)
        by_pdfium = _normal(
            " ".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
        )
        for text in (by_pypdf, by_pdfium):
            at = 0
            for heading in expected:
                found = text.find(heading, at)
                assert found >= 0, (str(job), heading, text[at : at + 200])
                at = found + len(heading)


def test_tagged_and_untagged_pairs_are_pixel_identical(project):
    job = Job("neuromyotonia", "he+en", "example-clinic", "standard", "letter")
    tagged, _ = build_one(project, job)
    plain, _ = build_one(project, job, tagged=False)
    assert tagged is not None and plain is not None and tagged.pages == plain.pages

    def pixels(pdf: bytes) -> list[bytes]:
        doc = pdfium.PdfDocument(pdf)
        return [doc[i].render(scale=100 / 72).to_pil().tobytes() for i in range(len(doc))]

    assert pixels(tagged.pdf) == pixels(plain.pdf)


# --- selection, refusals, gates -------------------------------------------------------------------


def test_a_pair_is_selected_with_plus_and_globs(project):
    jobs = expand(project, Selection(["neuromyotonia"], ["*+en"]))
    assert sorted(j.locale for j in jobs) == sorted(f"{x}+en" for x in OTHERS)
    job = expand(project, Selection(["neuromyotonia"], ["es+en"], ["example-clinic"]))[0]
    assert job.locales == ("es", "en")
    assert job.relpath == "example-clinic/es+en/neuromyotonia.letter.pdf"
    assert job.values()["locale"] == "es+en"
    for bad in ("es+es", "es+en+de", "es+xx"):
        with pytest.raises(SelectionError):
            expand(project, Selection(["neuromyotonia"], [bad]))
    everything = expand(project, Selection())  # no selection: never a pair
    assert all(len(j.locales) == 1 for j in everything)


@pytest.mark.parametrize(
    ("edition", "paper", "fits"),
    [("standard", "a5", "a4, letter"), ("large-print", "a4", "no paper")],
)
def test_papers_and_editions_too_narrow_for_two_columns_are_refused(project, edition, paper, fits):
    rendered, outcome = build_one(project, Job("neuromyotonia", "es+en", "default", edition, paper))
    assert rendered is None and outcome.status == "failed"
    assert "spacing.column_min_ems" in outcome.reason
    assert f"Wide enough in this edition: {fits}" in outcome.reason


def test_each_language_goes_through_its_own_release_gate(scratch):
    po = scratch.locales_dir / "tr" / "LC_MESSAGES" / "handouts.po"
    text = po.read_text(encoding="utf-8")
    entry = 'msgctxt "neuromyotonia/symptoms/heading"'
    assert entry in text
    head, tail = text.split(entry, 1)
    msgid, rest = tail.split("msgstr ", 1)
    po.write_text(head + entry + msgid + 'msgstr ""' + rest.split("\n", 1)[1], encoding="utf-8")
    for locale in ("tr+en", "en+tr"):
        rendered, outcome = build_one(
            scratch, Job("neuromyotonia", locale, "default", "standard", "a4")
        )
        assert rendered is None and outcome.status == "skipped", outcome
        assert "in tr" in outcome.reason
    rendered, outcome = build_one(
        scratch, Job("neuromyotonia", "es+en", "default", "standard", "a4")
    )
    assert rendered is not None, outcome.reason


def test_same_bytes_every_time_and_with_caches_off(project, pairs):
    job = Job("neuromyotonia", "ar+en", "example-clinic", "standard", "letter")
    again, _ = build_one(project, job)
    cache.set_enabled(False)
    try:
        plain, _ = build_one(project, job)
    finally:
        cache.set_enabled(True)
    digests = {hashlib.sha256(r.pdf).hexdigest() for r in (pairs[job], again, plain)}
    assert len(digests) == 1


def test_rows_pair_template_elements_by_key():
    from handoutgen.model import DocMeta, Document, Furniture

    def doc(units: list[tuple[str, int]]) -> Document:
        meta = DocMeta("t", "a", "s", (), "en", "ltr")
        total = sum(n for _, n in units)
        return Document(meta, Furniture("", "", "", ""), tuple(range(total)), tuple(units))  # type: ignore[arg-type]

    first = doc([("masthead", 1), ("section:a", 2), ("p", 1), ("p", 1)])
    second = doc([("masthead", 1), ("box", 1), ("section:a", 3), ("p", 1)])
    rows = pair(first, second)
    assert [(key, len(a), len(b)) for key, a, b in rows] == [
        ("masthead#1", 1, 1),
        ("box#1", 0, 1),
        ("section:a#1", 2, 3),
        ("p#1", 1, 1),
        ("p#2", 1, 0),
    ]


def test_list_says_how_to_ask_for_two_languages(project, capsys):
    from handoutgen.cli import main

    assert main(["--root", str(project.root), "list"]) == 0
    assert (
        "pairs:    two locales joined by '+', side by side: ar+en, '*+en'"
        in capsys.readouterr().out
    )


def test_review_and_draft_marks_print_in_both_languages_on_every_page(project, monkeypatch):
    monkeypatch.setenv("HANDOUTGEN_TODAY", "2031-01-01")  # past the topic's next review
    job = Job("neuromyotonia", "es+en", "default", "standard", "a4")
    refused, outcome = build_one(project, job)
    assert refused is None and "review overdue" in outcome.reason
    rendered, outcome = build_one(project, job, allow_overdue=True)
    assert rendered is not None and outcome.overdue
    document = pdfium.PdfDocument(rendered.pdf)
    for n in range(len(document)):
        text = document[n].get_textpage().get_text_range()
        assert "Revisión vencida" in text and "Review overdue" in text, n
        assert f"Página {n + 1} de {len(document)}" in text and f"Page {n + 1} of" in text


def test_one_outline_the_first_title_then_every_section_in_both_languages(pairs):
    job = Job("neuromyotonia", "es+en", "default", "standard", "a4")
    outline = PdfReader(io.BytesIO(pairs[job].pdf)).outline
    assert [entry.title for entry in outline if not isinstance(entry, list)] == [
        "Neuromiotonía (síndrome de Isaacs)"
    ]
    sections = [entry.title for entry in outline[1]]
    assert sections[:4] == [
        "¿Qué es la neuromiotonía?",
        "What is neuromyotonia?",
        "¿Cuál es la causa?",
        "What causes it?",
    ]
    assert len(sections) % 2 == 0 and len(sections) >= 16


def test_an_address_longer_than_two_lines_breaks_on_every_line(project):
    """The rest of an address cut at a line's end is cut again at / . - @ when it does not fit
    the next line either: in a column, and in large print (it ran 572 pt past the margin)."""
    from handoutgen.rl.addresses import is_address

    assert is_address("neurologic-disorders/peripheral-nervous-system/isaacs-syndrome")
    assert not is_address("syndrome") and not is_address("and or")
    for job in (
        Job("neuromyotonia", "en", "default", "large-print", "a4"),
        Job("neuromyotonia", "de+en", "default", "standard", "a4"),
    ):
        rendered, outcome = build_one(project, job)
        assert rendered is not None, outcome.reason
        theme = project.theme(job.brand, job.edition)
        edge = theme.papers[job.paper][0] - theme.margins[1]
        for drawn in _drawn(rendered.pdf).values():
            for _, _, right, text in drawn:
                assert right <= edge + 1 or not text.strip(), (str(job), text)


def test_no_overprint_and_no_empty_box_piece(pairs, project):
    """Two of the fit rules of every shipped leaflet (tests/layout/test_fit.py), over every
    pair: no text drawn over text (across the columns either), no box piece left empty."""
    from tests.layout.test_fit import _empty_box_pieces, overprints, page_chars

    bad = {}
    for job, rendered in pairs.items():
        found = []
        for number, chars in enumerate(page_chars(rendered.pdf), 1):
            found += [f"page {number}: {pair}" for pair in overprints(chars)[:3]]
        found += _empty_box_pieces(rendered.pdf, project.theme(job.brand, job.edition))
        if found:
            bad[job.relpath] = found
    assert bad == {}


def test_no_address_split_mid_word(pairs):
    from tests.layout.test_fit import addresses, bad_breaks, text_lines

    bad = {}
    for job, rendered in pairs.items():
        found = bad_breaks(text_lines(rendered.pdf), addresses(rendered.pdf))
        if found:
            bad[job.relpath] = found
    assert bad == {}


def test_both_footers_start_level(pairs, project):
    """The two languages' footers share the taller one's band: their first lines (page
    furniture, artifacts) are on one baseline on every page, however many lines each needs."""
    for job in (
        Job("neuromyotonia", "zh-Hans+en", "default", "standard", "a4"),
        Job("neuromyotonia", "ar+en", "example-clinic", "standard", "letter"),
    ):
        theme = project.theme(job.brand, job.edition)
        middle = theme.papers[job.paper][0] / 2
        footers: dict[tuple[int, bool], float] = {}
        for (page_index, mcid), drawn in _drawn(pairs[job].pdf).items():
            for y, left, _, text in drawn:
                if mcid == -1 and text.strip() and y < theme.margins[2] + theme.footer * 2:
                    key = (page_index, left > middle)
                    footers[key] = max(footers.get(key, 0.0), y)
        pages = {page_index for page_index, _ in footers}
        assert len(pages) == pairs[job].pages
        for page_index in pages:
            assert abs(footers[(page_index, False)] - footers[(page_index, True)]) < 0.5, job


def test_build_writes_a_pair_where_the_manifest_says(project, tmp_path):
    import json

    from handoutgen.cli import main

    out = tmp_path / "out"
    argv = ["--root", str(project.root), "build", "neuromyotonia", "--locale", "he+en"]
    assert main([*argv, "--out", str(out)]) == 0
    (entry,) = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["leaflets"]
    assert (entry["locale"], entry["path"], entry["status"]) == (
        "he+en",
        "default/he+en/neuromyotonia.a4.pdf",
        "built",
    )
    pdf = (out / entry["path"]).read_bytes()
    assert hashlib.sha256(pdf).hexdigest() == entry["sha256"]
    assert main([*argv, "--locale", "es+en+de", "--out", str(out)]) == 2  # a usage error


def test_a_nearly_empty_last_page_is_saved_by_tighter_spacing(project):
    """As for one language (layout/fit.py): he+en on Letter ends its 20th page nearly empty
    (v1.1 with the key points; he+en A4 did at 19 pages before them, 11 with v1.0); with the
    space between blocks tightened within the theme's limits it takes 19."""
    from handoutgen.bilingual import Side, render_pair
    from handoutgen.build import language

    job = Job("neuromyotonia", "he+en", "default", "standard", "letter")
    handout = project.handout(job.topic)
    made = [
        language(project, job, locale, handout, overdue=False, allow_incomplete=False)
        for locale in job.locales
    ]
    sides = [Side(one.document, one.name) for one in made]  # type: ignore[union-attr]
    theme = project.theme(job.brand, job.edition)
    options = {"paper": job.paper, "fonts_dir": project.fonts_dir}
    loose = render_pair(sides, theme, fitting=False, **options)  # type: ignore[arg-type]
    fitted = render_pair(sides, theme, **options)  # type: ignore[arg-type]
    assert (loose.pages, fitted.pages) == (20, 19)
