"""Font families: a theme's files -> ReportLab names per brand, bold and italic mapped to the
right faces, one font per face name."""

from __future__ import annotations

from reportlab.pdfbase.ttfonts import TTFont

from handoutgen.layout.scripts import LocaleRules


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
    from handoutgen.layout.fonts import register_families

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

    from handoutgen.layout.fonts import register_families

    theme = project.theme("default", "standard")
    register_families(LocaleRules(theme, "en").families(), project.fonts_dir)
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

    from handoutgen.layout.fonts import register_families

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
