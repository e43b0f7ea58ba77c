"""Fonts: the fast subset encoding gives exactly ReportLab's codes and subsets."""

from __future__ import annotations

import contextlib
import functools
import random

from reportlab.pdfbase.ttfonts import TTFont

from handoutgen.fonts import SubsetFont

from .conftest import ROOT


@contextlib.contextmanager
def _reportlab_loops():
    """Counts the calls of ReportLab's own splitString (its loop over characters)."""
    slow = {"n": 0}
    original = TTFont.splitString

    @functools.wraps(original)
    def counted(self, text, doc, encoding="utf-8"):
        slow["n"] += 1
        return original(self, text, doc, encoding)

    TTFont.splitString = counted
    try:
        yield slow
    finally:
        TTFont.splitString = original


class _Doc:
    """Stands in for a PDF document: fonts keep their per-document state by it (weakly)."""


def test_the_fast_encoding_gives_reportlabs_codes_and_subsets():
    path = str(ROOT / "fonts" / "NotoSansSC-Leaflet-Regular.ttf")
    ours, theirs = SubsetFont("t-ours", path), TTFont("t-theirs", path)
    cjk = [chr(c) for c in sorted(ours.face.charToGlyph) if c > 0x4E00][:400]
    rng = random.Random(5)
    texts = ["", "Hello, world", "500\u00a0mg", "caf\u00e9 na\u00efve", "\u00a0"]
    texts += ["".join(rng.choice(cjk) for _ in range(rng.randint(1, 30))) for _ in range(60)]
    texts += ["Dose 药 \uffff \U0001f600 x", "Hello, world", "500\u00a0mg"]  # missing glyphs too
    texts += ["a\ufffeb", "\ufffe", "\x00 nul"]  # the table's filler, and code 0
    doc_a, doc_b = _Doc(), _Doc()
    for text in texts:
        assert ours.splitString(text, doc_a) == theirs.splitString(text, doc_b), text
    with _reportlab_loops() as slow:
        for text in texts:  # every character has its code now
            assert ours.splitString(text, doc_a) == theirs.splitString(text, doc_b), text
    # ReportLab's loop ran for every text of the reference font; for ours, in a document past
    # its first subset (CJK), not for the ASCII ones
    ascii_texts = [t for t in texts if t and t.isascii()]
    assert len(ascii_texts) >= 2
    assert len(texts) < slow["n"] <= 2 * len(texts) - len(ascii_texts)
    state_a, state_b = ours.state[doc_a], theirs.state[doc_b]
    assert state_a.assignments == state_b.assignments
    assert state_a.subsets == state_b.subsets and len(state_a.subsets) > 1  # past subset 0


def test_latin_text_takes_the_fast_encoding_once_its_characters_have_codes():
    path = str(ROOT / "fonts" / "NotoSans-Regular.ttf")
    ours, theirs = SubsetFont("l-ours", path), TTFont("l-theirs", path)
    texts = ["caf\u00e9 na\u00efve", "500\u00a0mg", "\u00a0", "Stra\u00dfe \u2013 \u201cok\u201d"]
    doc_a, doc_b = _Doc(), _Doc()
    for text in texts:
        assert ours.splitString(text, doc_a) == theirs.splitString(text, doc_b)
    with _reportlab_loops() as slow:
        for text in texts:
            assert ours.splitString(text, doc_a) == TTFont.splitString.__wrapped__(
                theirs, text, doc_b
            )
    assert slow["n"] == 0  # every one encoded by the codec
    assert ours.state[doc_a].assignments == theirs.state[doc_b].assignments


def test_a_brand_that_maps_a_family_to_other_files_gets_them_whatever_was_built_before(
    scratch,
):
    import io

    from pypdf import PdfReader

    from handoutgen.build import Job, build_one

    brand = scratch.brands_dir / "example-clinic" / "brand.yaml"
    faces = "\n".join(f"      {w}: NotoSans-Bold.ttf" for w in ("regular", "bold", "italic"))
    brand.write_text(brand.read_text() + f"  fonts:\n    sans:\n{faces}\n")

    def fonts(brand_id: str) -> tuple[bytes, set[str]]:
        rendered, outcome = build_one(
            scratch, Job("neuromyotonia", "en", brand_id, "standard", "a4")
        )
        assert rendered is not None, outcome.reason
        names = {
            str(f.get_object()["/BaseFont"]).split("+")[-1]
            for page in PdfReader(io.BytesIO(rendered.pdf)).pages
            for f in page["/Resources"]["/Font"].values()
        }
        return rendered.pdf, names

    default_pdf, default_fonts = fonts("default")
    clinic_pdf, clinic_fonts = fonts("example-clinic")
    assert "NotoSans-Regular" in default_fonts and clinic_fonts == {"NotoSans-Bold"}
    assert fonts("default") == (default_pdf, default_fonts)  # and back, in the same process
    assert fonts("example-clinic") == (clinic_pdf, clinic_fonts)


def test_two_files_that_are_one_font_by_name_are_an_input_error_naming_both(scratch):
    import shutil

    import pytest

    from handoutgen.errors import InputError
    from handoutgen.fonts import register_families

    shutil.copy(scratch.fonts_dir / "NotoSans-Regular.ttf", scratch.fonts_dir / "Brand-Bold.ttf")
    families = {"sans": {"regular": "NotoSans-Regular.ttf", "bold": "Brand-Bold.ttf"}}
    with pytest.raises(InputError) as caught:
        register_families(families, scratch.fonts_dir)
    (problem,) = caught.value.problems
    assert problem.field == "fonts.sans.bold"
    assert "Brand-Bold.ttf and NotoSans-Regular.ttf are both the font" in problem.message
    # one file spelled two ways is one font, not two
    register_families({"sans": {"regular": "x/../NotoSans-Regular.ttf"}}, scratch.fonts_dir)


def test_other_reportlab_code_registering_the_same_face_shares_the_projects_font(project):
    import io

    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfgen.canvas import Canvas

    from handoutgen.fonts import register_families

    theme = project.theme("default", "standard")
    register_families(theme.families_for("en"), project.fonts_dir)
    path = str(project.fonts_dir / "NotoSans-Bold.ttf")
    pdfmetrics.registerFont(TTFont("ThirdParty-Bold", path))  # a script beside the project
    canvas = Canvas(io.BytesIO(), invariant=1)
    for name in ("sans-bold", "ThirdParty-Bold"):
        canvas.setFont(name, 12)
        canvas.drawString(72, 72, f"drawn in {name}")
    canvas.save()  # one PDF cannot hold two fonts of one face: this would raise


def test_a_family_without_italic_maps_bold_text_to_its_bold_face(project, tmp_path):
    """A family with a bold italic face but no italic one: ReportLab's reverse mapping keeps
    the last name registered, which once sent bold text through the bold italic file."""
    from reportlab.lib.fonts import ps2tt, tt2ps

    from handoutgen.fonts import register_families

    families = {
        "oddfam": {
            "regular": "NotoSans-Regular.ttf",
            "bold": "NotoSans-Bold.ttf",
            "bold_italic": "NotoSans-BoldItalic.ttf",
        }
    }
    register_families(families, project.fonts_dir)
    family, bold, italic = ps2tt("oddfam-regular")
    assert (bold, italic) == (0, 0)
    assert tt2ps(family, 1, italic) == "oddfam-bold"  # what <b> on body text asks for
    assert ps2tt("oddfam-bold")[1:] == (1, 0)
    assert tt2ps(family, 1, 1) == "oddfam-bold_italic"
