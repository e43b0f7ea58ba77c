"""`build --preview`: every page as PNG beside its PDF, written atomically by the write stage,
recorded in the manifest, replaced or removed with the PDF, and removed by `clean`."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from handoutgen.cli import main
from handoutgen.project import Project

from ..test_manifest import entries


def build(root: Path, out: Path, *args: str) -> int:
    return main(
        ["--root", str(root), "build", "neuromyotonia", "--locale", "en", "--out", str(out), *args]
    )


def test_preview_writes_each_page_beside_the_pdf_and_the_manifest_lists_them(
    scratch: Project, tmp_path: Path
):
    out = tmp_path / "out"
    brands = ["--brand", "default,example-clinic", "-j", "1"]
    assert build(scratch.root, out, *brands, "--preview", "--preview-dpi", "30") == 0
    entry = entries(out)[("default", "en")]  # checked against docs/manifest.schema.json
    folder = out / "default" / "en"
    pictures = sorted(folder.glob("neuromyotonia.a4.p*.png"))
    assert len(pictures) == entry["pages"] >= 3
    assert [p["path"] for p in entry["previews"]] == [
        f"default/en/neuromyotonia.a4.p{n}.png" for n in range(1, entry["pages"] + 1)
    ]
    assert all(p.read_bytes().startswith(b"\x89PNG\r\n\x1a\n") for p in pictures)
    assert not list(out.rglob(".handoutgen-*.tmp"))

    # unchanged and asked again: up to date, the pictures kept; a changed PDF rebuilt
    # without --preview takes its old pictures with it
    assert build(scratch.root, out, "--preview", "--preview-dpi", "30") == 0
    assert sorted(folder.glob("*.png")) == pictures
    topic = scratch.handouts_dir / "neuromyotonia.yaml"
    topic.write_text(topic.read_text().replace("code: NEU-001", "code: NEU-002"))
    assert build(scratch.root, out) == 0
    assert not list(folder.glob("*.png")) and "previews" not in entries(out)[("default", "en")]

    # a leaflet no input makes any more: `clean` removes its PDF and its pictures
    clinic = out / "example-clinic" / "en"
    assert list(clinic.glob("*.png"))
    shutil.rmtree(scratch.brands_dir / "example-clinic")
    assert build(scratch.root, out) == 0
    assert main(["--root", str(scratch.root), "clean", "--out", str(out)]) == 0
    assert not clinic.exists()


def test_preview_without_pypdfium2_is_a_usage_error(tmp_path: Path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "pypdfium2", None)  # import fails
    out = tmp_path / "out"
    assert main(["build", "neuromyotonia", "--out", str(out), "--preview"]) == 2
    assert "pip install 'handoutgen[preview]'" in capsys.readouterr().err
    assert not list(out.rglob("*.pdf"))
