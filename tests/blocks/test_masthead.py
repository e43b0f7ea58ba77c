"""The masthead's logo: only the brand's checked logo is drawn, and a logo that cannot be drawn
fails its leaflet at the brand file's line, never as an internal error."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

from handoutgen.build import Job, build_one
from handoutgen.cli import main
from handoutgen.project import Project

TOPIC = "neuromyotonia"


def _damaged_png() -> bytes:
    """A 64 x 64 PNG whose chunk checksums are right but whose pixel data will not inflate."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    rows = zlib.compress(b"".join(b"\x00" + b"\x80" * 64 for _ in range(64)))
    rows = rows[:10] + b"\xff" * 10 + rows[20:]
    header = struct.pack(">IIBBBBB", 64, 64, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    )


def _build(root: Path, out: Path, brand: str, capsys) -> tuple[int, str]:
    argv = ["--root", str(root), "build", TOPIC, "--brand", brand, "--jobs", "1"]
    code = main([*argv, "--out", str(out)])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def _logo_line(brand_file: Path) -> int:
    return next(n for n, t in enumerate(brand_file.read_text().splitlines(), 1) if "logo:" in t)


def test_a_damaged_png_logo_fails_at_the_brand_line_not_as_an_internal_error(
    scratch: Project, tmp_path: Path, capsys
):
    (scratch.brands_dir / "default" / "logo.png").write_bytes(_damaged_png())
    code, said = _build(scratch.root, tmp_path / "out", "default", capsys)
    line = _logo_line(scratch.brands_dir / "default" / "brand.yaml")
    assert code == 1
    assert f"templates/brands/default/brand.yaml:{line}: logo: logo is not a readable PNG" in said
    assert "internal error" not in said and "Traceback" not in said


def test_an_svg_logo_of_no_size_fails_at_the_brand_line_not_as_a_division_by_zero(
    scratch: Project, tmp_path: Path, capsys
):
    logo = scratch.brands_dir / "example-clinic" / "logo.svg"
    logo.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 0 0"><rect width="9" height="9"/>'
        "</svg>"
    )
    code, said = _build(scratch.root, tmp_path / "out", "example-clinic", capsys)
    line = _logo_line(scratch.brands_dir / "example-clinic" / "brand.yaml")
    assert code == 1
    assert (
        f"templates/brands/example-clinic/brand.yaml:{line}: logo: SVG logos need a positive "
        "width and height (or viewBox)" in said
    )
    assert "ZeroDivisionError" not in said


def test_a_brand_template_cannot_show_another_file_as_its_logo(scratch: Project):
    shared = (scratch.templates_dir / "leaflet.xml.j2").read_text()
    outside = scratch.root / "elsewhere.png"
    outside.write_bytes((scratch.brands_dir / "default" / "logo.png").read_bytes())
    override = scratch.brands_dir / "default" / "leaflet.xml.j2"
    override.write_text(shared.replace('logo="{{ brand.logo }}"', f'logo="{outside}"'))
    rendered, outcome = build_one(
        Project(scratch.root), Job(TOPIC, "en", "default", "standard", "a4")
    )
    assert rendered is None and outcome.status == "failed"
    assert f"<masthead logo='{outside}'> is not the brand's logo" in (outcome.reason or "")
