"""Logo and figure files: an SVG is checked as the tree svglib draws (one parse), with no
reference outside itself and no text in the machine's fonts; sizes are bounded by
templates/limits.yaml from the file's status and header; a damaged file is named, never an
internal error."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest

from handoutgen import imagefiles
from handoutgen.errors import RenderError
from handoutgen.layout import images

SVG_NS = 'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
OUTSIDE = "/tmp/outside-the-project.png"


def _svg(body: str, size: str = 'width="100" height="50"') -> str:
    return f'<svg {SVG_NS} {size}><rect width="100" height="50" fill="#00f"/>{body}</svg>'


def _folder(tmp_path: Path, limits: str = "") -> Path:
    """A brand folder in a project of its own (with ``limits`` as its images section)."""
    folder = tmp_path / "templates" / "brands" / "clinic"
    folder.mkdir(parents=True)
    if limits:
        (tmp_path / "templates" / "limits.yaml").write_text(f"images:\n{limits}", "utf-8")
    return folder


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png(width: int, height: int, rows: bytes | None = None) -> bytes:
    """A grey PNG of ``width`` x ``height`` white pixels (or the given compressed ``rows``),
    made row by row so that even a huge one costs the test no memory."""
    if rows is None:
        packer = zlib.compressobj(9)
        row = b"\x00" + b"\xff" * width
        rows = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", rows)
        + _chunk(b"IEND", b"")
    )


# --- SVG: one parse, the tree that is drawn ------------------------------------------------------


@pytest.mark.parametrize(
    "declaration", ['encoding="UTF-7"', 'encoding = "UTF-7"', "encoding='utf-7'"]
)
def test_an_svg_in_utf7_cannot_hide_an_image_from_the_check(tmp_path, declaration):
    """svglib's parser honours UTF-7, in which ``+ADw-image`` is ``<image``."""
    hidden = f'+ADw-image width="9" height="9" xlink:href="{OUTSIDE}"/>'  # +ADw- is "<"
    body = _svg(hidden).encode("ascii")
    path = _folder(tmp_path) / "logo.svg"
    path.write_bytes(f'<?xml version="1.0" {declaration}?>'.encode() + body)
    assert b"<image" not in path.read_bytes()
    [message] = imagefiles.problems(path, "logo")
    assert message.lower() == "svg logos must be utf-8 (not utf-7)"


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (f'<image xlink:href="{OUTSIDE}" width="9" height="9"/>', "may not contain <image>"),
        ('<use xlink:href="other.svg#shape"/>', "may not contain <use>"),
        ('<rect style="fill:URL(file:///etc/x)" width="5" height="5"/>', "may not refer to other"),
        ('<rect fill="url( other.svg#g )" width="5" height="5"/>', "may not refer to other files"),
        ('<a href="file:///etc/passwd"><rect width="5" height="5"/></a>', "may not refer to other"),
        ("<style>@import url(other.css);</style>", "may not contain <style>"),
        ('<text x="5" y="20" font-family="DejaVu Sans">Clinic</text>', "convert the text to paths"),
        ("<?xml-stylesheet href='other.css'?>", "may not contain processing instructions"),
    ],
)
def test_an_svg_that_reaches_outside_itself_or_needs_a_system_font_is_refused(tmp_path, body, says):
    path = _folder(tmp_path) / "logo.svg"
    path.write_text(_svg(body), encoding="utf-8")
    found = imagefiles.problems(path, "logo")
    assert found and all(m.startswith("SVG logos may not") for m in found), found
    assert any(says in m for m in found), found


def test_a_stylesheet_instruction_before_the_root_is_refused(tmp_path):
    path = _folder(tmp_path) / "logo.svg"
    path.write_text('<?xml-stylesheet href="other.css"?>' + _svg(""), encoding="utf-8")
    assert imagefiles.problems(path, "logo") == [
        "SVG logos may not contain processing instructions"
    ]


def test_an_svg_with_text_never_asks_the_machine_for_a_font(tmp_path, monkeypatch):
    """svglib looks text fonts up with fc-match: the drawing is refused before that."""
    import subprocess

    def no_process(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"ran {args}")

    monkeypatch.setattr(subprocess, "Popen", no_process)
    path = _folder(tmp_path) / "logo.svg"
    path.write_text(_svg('<text x="5" y="20">Clinic</text>'), encoding="utf-8")
    with pytest.raises(RenderError, match=r"templates/brands/clinic/logo\.svg: SVG image"):
        images.natural_size(path)


def test_the_renderer_draws_only_a_checked_tree(tmp_path):
    """A file that changed after validation (or never went through it) is checked again."""
    path = _folder(tmp_path) / "logo.svg"
    path.write_text(_svg(f'<image xlink:href="{OUTSIDE}" width="9" height="9"/>'), "utf-8")
    with pytest.raises(RenderError, match="may not contain <image>"):
        images.scaled(path, 1.0, "Helvetica")


def test_a_well_formed_svg_is_drawn_from_the_checked_tree(tmp_path):
    path = _folder(tmp_path) / "logo.svg"
    path.write_text(_svg("", 'width="100" height="50" viewBox="0 0 200 100"'), "utf-8")
    assert imagefiles.problems(path, "logo") == []
    assert images.natural_size(path) == (75.0, 37.5)  # CSS pixels to points


@pytest.mark.parametrize("size", ['viewBox="0 0 0 0"', 'width="0" height="0"', 'width="nan"'])
def test_an_svg_of_no_size_is_named_not_a_division_by_zero(tmp_path, size):
    path = _folder(tmp_path) / "logo.svg"
    path.write_text(_svg("", size), encoding="utf-8")
    assert imagefiles.problems(path, "logo") == [
        "SVG logos need a positive width and height (or viewBox)"
    ]
    with pytest.raises(RenderError, match=r"logo\.svg: SVG image.* positive width and height"):
        images.at_height(path, 20.0, "Helvetica")


def test_an_svg_that_needs_repair_to_parse_is_refused(tmp_path):
    """svglib's parser recovers from broken XML; what it recovered is refused, not guessed."""
    path = _folder(tmp_path) / "logo.svg"
    path.write_text(_svg("<g><rect/></svg>"), encoding="utf-8")
    [message] = imagefiles.problems(path, "logo")
    assert message.startswith("logo is not a well-formed SVG file (line 1:")


# --- bounds from templates/limits.yaml ------------------------------------------------------------


def test_an_svg_with_more_elements_than_the_limit_is_refused_before_it_is_drawn(tmp_path):
    path = _folder(tmp_path) / "logo.svg"
    path.write_text(_svg('<rect width="1" height="1"/>' * 5000), encoding="utf-8")
    assert imagefiles.problems(path, "logo") == [
        "SVG logo has more than 5000 elements (templates/limits.yaml)"
    ]


def test_an_svg_over_the_byte_limit_is_refused_before_it_is_read(tmp_path):
    folder = _folder(
        tmp_path,
        "  max_bytes: 100000\n  max_pixels: 100\n  svg_max_bytes: 400\n  svg_max_elements: 10\n",
    )
    path = folder / "logo.svg"
    path.write_text(_svg(" " * 400), encoding="utf-8")
    size = path.stat().st_size
    assert imagefiles.problems(path, "logo") == [
        f"SVG logo file is {size} bytes, over the limit of 400 (templates/limits.yaml)"
    ]


def test_a_png_over_the_pixel_limit_is_refused_from_its_header(tmp_path):
    """9000 x 9000 passed Pillow's own bomb check and cost over 1 GB a leaflet to draw."""
    path = _folder(tmp_path) / "logo.png"
    path.write_bytes(_png(9000, 9000))
    assert imagefiles.problems(path, "logo") == [
        "logo is 9000 x 9000 pixels, over the limit of 25000000 pixels (templates/limits.yaml)"
    ]
    with pytest.raises(RenderError, match=r"logo\.png: logo|logo\.png: image is 9000 x 9000"):
        images.natural_size(path)


def test_the_limits_are_the_projects_own(tmp_path):
    folder = _folder(
        tmp_path,
        "  max_bytes: 200\n  max_pixels: 100\n  svg_max_bytes: 400\n  svg_max_elements: 10\n",
    )
    (folder / "small.png").write_bytes(_png(20, 5))
    (folder / "wide.png").write_bytes(_png(20, 6))
    (folder / "heavy.png").write_bytes(_png(5, 5) + b"\x00" * 200)
    assert imagefiles.problems(folder / "small.png", "logo") == []
    assert imagefiles.problems(folder / "wide.png", "logo") == [
        "logo is 20 x 6 pixels, over the limit of 100 pixels (templates/limits.yaml)"
    ]
    [heavy] = imagefiles.problems(folder / "heavy.png", "logo")
    assert heavy.startswith("logo file is 2") and "over the limit of 200" in heavy


# --- damaged files: named, not an internal error -------------------------------------------------


def test_a_png_whose_pixel_data_is_damaged_is_refused_at_the_check(tmp_path):
    """Its chunk checksums are right, so verify() passed it, and drawing it crashed."""
    path = _folder(tmp_path) / "logo.png"
    good = zlib.compress(b"".join(b"\x00" + b"\x80" * 64 for _ in range(64)))
    path.write_bytes(_png(64, 64, good[:10] + b"\xff" * 10 + good[20:]))
    [message] = imagefiles.problems(path, "logo")
    assert message.startswith("logo is not a readable PNG file:")


def test_a_png_damaged_after_its_check_is_named_when_it_is_drawn(tmp_path):
    import io

    from reportlab.pdfgen.canvas import Canvas

    path = _folder(tmp_path) / "logo.png"
    path.write_bytes(_png(64, 64))
    picture, _ = images.at_height(path, 20.0, "Helvetica")
    damaged = zlib.compress(b"".join(b"\x00" + b"\x80" * 64 for _ in range(64)))
    path.write_bytes(_png(64, 64, damaged[:10] + b"\xff" * 10 + damaged[20:]))
    picture.canv = Canvas(io.BytesIO())
    with pytest.raises(RenderError, match=r"templates/brands/clinic/logo\.png: cannot draw"):
        picture.draw()


# --- files outside the folder ---------------------------------------------------------------------


def test_a_picture_that_links_outside_its_folder_or_is_not_a_file_is_refused(tmp_path):
    import os

    folder = _folder(tmp_path)
    secret = tmp_path / "secret.png"
    secret.write_bytes(_png(4, 4))
    os.symlink(secret, folder / "link.png")
    os.mkfifo(folder / "fifo.png")
    (folder / "real.png").write_bytes(_png(4, 4))
    os.symlink("real.png", folder / "inside.png")
    assert imagefiles.resolve(folder, "link.png", "logo", "the brand folder") == (
        None,
        "logo file 'link.png' is outside the brand folder: the logo must be a file in the "
        "brand folder",
    )
    assert imagefiles.resolve(folder, "fifo.png") == (
        None,
        "image file 'fifo.png' is not a regular file",
    )
    assert imagefiles.resolve(folder, str(secret))[1] == (
        f"image file '{secret}' must be a file name relative to clinic/"
    )
    assert imagefiles.resolve(folder, "inside.png") == ((folder / "real.png").resolve(), None)


def test_a_picture_replaced_by_a_fifo_after_its_check_is_named_not_waited_for(tmp_path):
    import os
    import signal

    class Waited(Exception):  # not an OSError: reading a file swallows those
        pass

    def waited(*_: object) -> None:
        raise Waited("the renderer opened a FIFO")

    path = _folder(tmp_path) / "logo.png"
    os.mkfifo(path)
    before = signal.signal(signal.SIGALRM, waited)
    signal.setitimer(signal.ITIMER_REAL, 10, 1)
    try:
        with pytest.raises(RenderError, match=r"clinic/logo\.png: is not a regular"):
            images.natural_size(path)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, before)
