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


def test_a_font_that_will_not_load_is_named_without_quoting_its_bytes(scratch):
    import pytest

    from handoutgen.errors import InputError
    from handoutgen.layout.fonts import register_families

    (scratch.fonts_dir / "Junk.ttf").write_bytes(b"root:x:0:0:root:/root:/bin/bash\n" * 40)
    with pytest.raises(InputError) as caught:
        register_families({"sans": {"regular": "Junk.ttf"}}, scratch.fonts_dir)
    assert [str(p) for p in caught.value.problems] == [
        "fonts/Junk.ttf: fonts.sans.regular: cannot load TrueType font: not a TrueType font file"
    ]


def test_registering_never_opens_a_font_outside_fonts_or_a_special_file(scratch):
    """The last line of defence, for a theme that did not come through Project.theme."""
    import os
    import signal

    import pytest

    from handoutgen.errors import InputError
    from handoutgen.layout.fonts import register_families

    os.mkfifo(scratch.fonts_dir / "fifo.ttf")  # opening it would wait for a writer forever
    families = {"sans": {"regular": "/etc/passwd", "bold": "fifo.ttf", "italic": "../x.ttf"}}

    class Waited(Exception):  # not an OSError: nothing on the way may swallow it
        pass

    def waited(*_: object) -> None:
        raise Waited("a FIFO in fonts/ was opened")

    before = signal.signal(signal.SIGALRM, waited)
    signal.alarm(20)
    try:
        with pytest.raises(InputError) as caught:
            register_families(families, scratch.fonts_dir)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, before)
    assert sorted(p.message.split("' ", 1)[1] for p in caught.value.problems) == [
        "is not a regular file",
        "is outside fonts/: the font must be a file in fonts/",
        "must be a file name relative to fonts/",
    ]


def test_a_build_with_a_font_outside_fonts_fails_at_the_brand_line_without_a_traceback(
    scratch, tmp_path, capsys
):
    from handoutgen.cli import main

    brand = scratch.brands_dir / "example-clinic" / "brand.yaml"
    text = brand.read_text().replace(
        "theme:\n", "theme:\n  fonts: {sans: {regular: /etc/passwd}}\n"
    )
    brand.write_text(text)
    line = text.splitlines().index("  fonts: {sans: {regular: /etc/passwd}}") + 1
    argv = ["--root", str(scratch.root), "build", "neuromyotonia", "--brand", "example-clinic"]
    code = main([*argv, "--jobs", "1", "--out", str(tmp_path / "out")])
    out = capsys.readouterr()
    assert code == 1
    assert (
        f"templates/brands/example-clinic/brand.yaml:{line}: theme.fonts.sans.regular: font file "
        "'/etc/passwd' must be a file name relative to fonts/" in out.out + out.err
    )
    assert "Traceback" not in out.out + out.err and "root:" not in out.out + out.err
