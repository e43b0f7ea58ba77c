"""The figure block: a picture beside the topic file, translatable alt text and caption, a width
as a fraction of the column, at the side where lines start, its bytes an input of the leaflet."""

from __future__ import annotations

import io
import json
import os
import shutil
from pathlib import Path

import page as pdf_validation
import pdfplumber
import pytest
from PIL import Image

from handoutgen.blocks.figure import Figure
from handoutgen.build import Job, build_one
from handoutgen.cli import main
from handoutgen.errors import InputError
from handoutgen.i18n.workflow import build_pot
from handoutgen.project import Project
from handoutgen.strings import iter_strings

from ..conftest import ROOT

TOPIC = "neuromyotonia"
CTX = f"{TOPIC}/what-it-is/nerve-picture"
ALT = "A nerve running from the spine to a muscle in the leg."
CAPTION = "The nerves that carry signals to your muscles."
SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100" viewBox="0 0 200 100">'
    '<rect x="5" y="5" width="190" height="90" fill="#1d5c8a"/>'
    '<circle cx="100" cy="50" r="30" fill="#f2a900"/></svg>'
)


def _picture(path: Path, size: tuple[int, int] = (400, 200)) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.new("RGB", size, (29, 92, 138))
    for x in range(size[0] // 4, size[0] // 2):
        for y in range(size[1] // 4, size[1] // 2):
            image.putpixel((x, y), (242, 169, 0))
    image.save(path)


def _with_figure(project: Project, **fields: object) -> Path:
    """The topic with a figure as the first block of its first section."""
    values = {"file": "figures/nerve.png", "alt": ALT, "caption": CAPTION, "width": 0.5}
    values.update(fields)
    lines = ["      - type: figure", "        id: nerve-picture"]
    lines += [f"        {k}: {json.dumps(v)}" for k, v in values.items() if v is not None]
    path = project.handouts_dir / f"{TOPIC}.yaml"
    text = path.read_text(encoding="utf-8")
    anchor = "    heading: What is neuromyotonia?\n    blocks:\n"
    path.write_text(text.replace(anchor, anchor + "\n".join(lines) + "\n", 1), encoding="utf-8")
    return path


@pytest.fixture
def figured(scratch: Project) -> Project:
    _picture(scratch.handouts_dir / "figures" / "nerve.png")
    _with_figure(scratch)
    return Project(scratch.root)


def test_a_figure_is_read_with_its_file_among_the_topics_files(figured: Project):
    handout = figured.handout(TOPIC)
    figure = handout.sections[0].blocks[0]
    assert isinstance(figure, Figure)
    assert (figure.file, figure.alt, figure.caption, figure.width) == (
        "figures/nerve.png",
        ALT,
        CAPTION,
        0.5,
    )
    assert handout.files == ((figured.handouts_dir / "figures" / "nerve.png").resolve(),)
    assert figure.origin.startswith(f"{CTX} (handouts/{TOPIC}.yaml:")


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"file": "figures/absent.png"}, "file", "image file 'figures/absent.png' not found"),
        ({"file": "figures/../../fonts/x.png"}, "file", "outside handouts/"),
        ({"file": "figures/evil.svg"}, "file", "SVG figures may not refer to other files"),
        ({"file": "figures/broken.png"}, "file", "figure is not a readable PNG file"),
        ({"file": "figures/words.svg"}, "file", "may not contain <text> (convert the text"),
        ({"file": "figures/fifo.png"}, "file", "image file 'figures/fifo.png' is not a regular"),
        ({"file": "figures/link.png"}, "file", "outside handouts/"),
        ({"alt": None}, "", "missing required key 'alt'"),
        ({"width": 1.5}, "width", "1.5"),
        ({"file": "figures/nerve.gif"}, "file", "does not match the expected form"),
    ],
)
def test_figure_problems_are_named_at_their_file_and_line(
    scratch: Project, fields: dict, field: str, message: str
):
    folder = scratch.handouts_dir / "figures"
    _picture(folder / "nerve.png")
    (folder / "evil.svg").write_text(
        SVG.replace("</svg>", '<a href="file:///etc/passwd"><rect/></a></svg>'), encoding="utf-8"
    )
    (folder / "broken.png").write_bytes(b"\x89PNG not really")
    (folder / "words.svg").write_text(SVG.replace("</svg>", "<text>A</text></svg>"), "utf-8")
    os.mkfifo(folder / "fifo.png")
    _picture(scratch.root / "elsewhere.png")
    os.symlink(scratch.root / "elsewhere.png", folder / "link.png")
    path = _with_figure(scratch, **fields)
    with pytest.raises(InputError) as caught:
        Project(scratch.root).handout(TOPIC)
    [problem] = caught.value.problems
    lines = path.read_text(encoding="utf-8").splitlines()
    block_line = lines.index("        id: nerve-picture")  # 0-based: the line before, 1-based
    assert problem.path == f"handouts/{TOPIC}.yaml"
    assert block_line <= (problem.line or 0) <= block_line + 6
    assert problem.field.startswith("sections[0].blocks[0]")
    assert problem.field.endswith(field)
    assert message in problem.message


UTF7_SVG = (
    b'<?xml version="1.0" encoding="UTF-7"?>'
    b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
    b'width="10" height="10">+ADw-image xlink:href+AD0AIg-../x.png+ACI-/+AD4-</svg>'
)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("hidden.svg", UTF7_SVG, "must be UTF-8"),
        ("jpeg-in-png.png", None, "is not a readable PNG file"),
        ("huge.png", "bomb", "is not a readable PNG file"),
    ],
)
def test_pictures_are_read_as_the_renderer_reads_them(
    scratch: Project, name: str, data: object, message: str, monkeypatch
):
    """An SVG hiding an <image> behind a declared UTF-7 (which one XML parser honours and
    another does not), a JPEG named .png, a decompression bomb: refused."""
    folder = scratch.handouts_dir / "figures"
    folder.mkdir()
    if data is None:
        Image.new("RGB", (20, 10)).save(folder / name, format="JPEG")
    elif data == "bomb":
        from PIL import Image as PILImage

        _picture(folder / name, size=(300, 300))
        monkeypatch.setattr(PILImage, "MAX_IMAGE_PIXELS", 10_000)
    else:
        (folder / name).write_bytes(data)  # type: ignore[arg-type]
    _with_figure(scratch, file=f"figures/{name}")
    with pytest.raises(InputError) as caught:
        Project(scratch.root).handout(TOPIC)
    assert any(message in p.message for p in caught.value.problems), caught.value


def test_a_replaced_picture_is_checked_again_not_read_back_from_the_topic_cache(
    figured: Project,
):
    figured.handout(TOPIC)  # validated and kept
    (figured.handouts_dir / "figures" / "nerve.png").write_bytes(b"\x89PNG broken now")
    with pytest.raises(InputError, match="figure is not a readable PNG file"):
        Project(figured.root).handout(TOPIC)


def test_alt_text_and_caption_are_strings_to_translate(figured: Project):
    shutil.copy(ROOT / "babel.cfg", figured.root / "babel.cfg")
    strings = dict(iter_strings(figured.handout(TOPIC)))
    assert strings[f"{CTX}/alt"] == ALT and strings[f"{CTX}/caption"] == CAPTION
    pot = {(e.msgctxt, e.msgid): e for e in build_pot(figured.root)}
    assert (f"{CTX}/alt", ALT) in pot and (f"{CTX}/caption", CAPTION) in pot
    assert pot[(f"{CTX}/alt", ALT)].occurrences[0][0] == f"handouts/{TOPIC}.yaml"


def _image_box(pdf: bytes) -> tuple[dict, float, float, str]:
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        page = doc.pages[0]
        images = [i for i in page.images if i["height"] < 200]  # not the masthead logo
        return images[-1], float(page.width), float(page.height), page.extract_text()


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_a_figure_is_drawn_at_its_width_where_lines_start(figured: Project, locale: str):
    job = Job(TOPIC, locale, "default", "standard", "a4")
    rendered, outcome = build_one(figured, job, allow_incomplete=True)
    assert rendered is not None, outcome.reason
    box, width, _, text = _image_box(rendered.pdf)
    theme = figured.theme("default", "standard")
    _, right, _, left = theme.margins
    column = width - left - right
    assert box["width"] == pytest.approx(column * 0.5, abs=0.5)
    assert box["height"] == pytest.approx(column * 0.5 / 2, abs=0.5)  # 400 x 200 pixels
    if locale == "ar":  # mirrored: at the right margin
        assert box["x1"] == pytest.approx(width - right, abs=0.5)
    else:
        assert box["x0"] == pytest.approx(left, abs=0.5)
    assert CAPTION.split()[0] in text  # an untranslated caption prints in English (draft)


def test_an_svg_figure_is_drawn_as_vectors_and_tagged_as_a_figure(scratch: Project):
    (scratch.handouts_dir / "figures").mkdir()
    (scratch.handouts_dir / "figures" / "plan.svg").write_text(SVG, encoding="utf-8")
    _with_figure(scratch, file="figures/plan.svg", width=0.4, caption=None)
    job = Job(TOPIC, "en", "default", "standard", "a4")
    rendered, outcome = build_one(Project(scratch.root), job, tagged=True)
    assert rendered is not None, outcome.reason
    roles = [role for page, _, role in rendered.marks if page == 1]
    assert roles.count("Figure") == 2  # the logo and the picture
    for profile in ("ua1", "2a"):  # with its alt text, and its caption a Caption
        assert not pdf_validation.validate_pdf_bytes(rendered.pdf, profile=profile).failures
    blue = (29 / 255, 92 / 255, 138 / 255)
    with pdfplumber.open(io.BytesIO(rendered.pdf)) as doc:
        fills = [
            r
            for r in doc.pages[0].rects
            if r["non_stroking_color"] == pytest.approx(blue, abs=0.01)
        ]
    left = Project(scratch.root).theme("default", "standard").margins[3]
    column = Project(scratch.root).theme("default", "standard").papers["a4"][0] - 2 * left
    # the picture's own rectangle: 190 of its 200 points, at 0.4 of the column, from the left
    drawn = [r for r in fills if r["width"] == pytest.approx(column * 0.4 * 190 / 200, abs=1)]
    assert drawn and drawn[0]["x0"] == pytest.approx(left + column * 0.4 * 5 / 200, abs=1)


def test_a_tall_figure_is_narrowed_to_fit_a_page(scratch: Project):
    _picture(scratch.handouts_dir / "figures" / "tall.png", size=(100, 1500))
    _with_figure(scratch, file="figures/tall.png", width=1.0)
    project = Project(scratch.root)
    rendered, outcome = build_one(project, Job(TOPIC, "en", "default", "standard", "a5"))
    assert rendered is not None, outcome.reason
    theme = project.theme("default", "standard")
    top, _, bottom, _ = theme.margins
    frame = theme.papers["a5"][1] - top - bottom - theme.footer - theme.gap - theme.header
    frame -= theme.gap
    with pdfplumber.open(io.BytesIO(rendered.pdf)) as doc:
        heights = [i["height"] for p in doc.pages for i in p.images if i["width"] < 100]
    assert heights and max(heights) <= frame * theme.spacing["figure_max_height"] + 0.5


def test_a_changed_picture_rebuilds_the_leaflets_that_show_it(figured: Project, tmp_path: Path):
    out = tmp_path / "out"
    args = ["--root", str(figured.root), "build", TOPIC, "--out", str(out), "--jobs", "1"]
    assert main(args) == 0
    assert main([*args, "--shard", "1/1"]) == 0
    _picture(figured.handouts_dir / "figures" / "nerve.png", size=(400, 201))
    for extra in ([], ["--shard", "1/1"]):
        assert main([*args, *extra]) == 0
        name = "manifest.shard-1-of-1.json" if extra else "manifest.json"
        [entry] = json.loads((out / name).read_text())["leaflets"]
        assert entry["status"] == "built"


def test_a_template_cannot_show_a_file_the_topic_does_not_name(figured: Project):
    override = figured.brands_dir / "default" / "blocks" / "figure.xml.j2"
    override.parent.mkdir()
    override.write_text('<figure src="../fonts/OFL.txt" width="1"><alt>x</alt></figure>\n')
    rendered, outcome = build_one(
        Project(figured.root), Job(TOPIC, "en", "default", "standard", "a4")
    )
    assert rendered is None and outcome.status == "failed"
    assert "is not an image file of this topic" in (outcome.reason or "")
