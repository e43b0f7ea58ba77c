"""The online copy: a brand's ``online_url`` -> a QR code on the leaflet's last pages that a
phone decodes to that leaflet's own address, beside the address as a link, with alt text on its
Figure; no ``online_url``, no code; a bad ``online_url`` refused at its brand.yaml line."""

from __future__ import annotations

import io
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import zxingcpp
from pypdf import PdfReader

from handoutgen.build import Job, build_one
from handoutgen.cli import main
from handoutgen.project import Project

TOPIC = "neuromyotonia"
BASE = "https://riverside-neuro.example/leaflets"


def decoded(pdf: bytes) -> list[str]:
    """The QR codes found on the rendered pages (at 100 dpi), from the last page back to the
    first that holds one."""
    document = pdfium.PdfDocument(pdf)
    for index in reversed(range(len(document))):
        image = document[index].render(scale=100 / 72).to_pil()
        found = [r.text for r in zxingcpp.read_barcodes(image) if r.format.name == "QRCode"]
        if found:
            return found
    return []


def link_targets(pdf: bytes) -> set[str]:
    reader = PdfReader(io.BytesIO(pdf))
    return {
        str(a.get_object()["/A"]["/URI"])
        for page in reader.pages
        for a in page.get("/Annots", [])
        if "/URI" in a.get_object().get("/A", {})
    }


def figure_alts(pdf: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(pdf))
    out = []
    stack = [reader.trailer["/Root"]["/StructTreeRoot"]["/K"].get_object()]
    while stack:
        element = stack.pop()
        if not hasattr(element, "get"):
            continue
        if element.get("/S") == "/Figure":
            out.append(str(element["/Alt"]))
        kids = element.get("/K", [])
        for kid in kids if isinstance(kids, list) else [kids]:
            if hasattr(kid, "get_object"):
                stack.append(kid.get_object())
    return out


def test_every_leaflet_with_an_online_url_shows_a_qr_code_of_its_own_address(
    every_leaflet, project: Project
):
    checked = 0
    for job, (tagged, _) in every_leaflet.items():
        if job.brand != "example-clinic":
            continue
        url = f"{BASE}/{job.topic}/{job.locale}"
        assert decoded(tagged.pdf) == [url], job
        assert url in link_targets(tagged.pdf), job  # the address beside it is a link
        if job.locale in ("en", "es", "de", "tr"):  # printed in its short form, no https://
            pages = PdfReader(io.BytesIO(tagged.pdf)).pages
            text = "".join(p.extract_text() for p in pages).replace("\n", "")
            assert url.removeprefix("https://") in text, job
        alts = figure_alts(tagged.pdf)
        assert len(alts) == 2 and all(a.strip() for a in alts), (job, alts)  # logo and code
        checked += 1
    assert checked >= 30  # every paper and edition example-clinic is made in


def test_no_online_url_no_code(every_leaflet):
    for job, (tagged, _) in every_leaflet.items():
        if job.brand == "default" and job.locale in ("en", "ar"):
            assert decoded(tagged.pdf) == [], job
            assert not any("QR" in a for a in figure_alts(tagged.pdf)), job


def test_the_alt_text_is_translated(every_leaflet):
    job = next(j for j in every_leaflet if j.brand == "example-clinic" and j.locale == "es")
    alts = figure_alts(every_leaflet[job][0].pdf)
    assert any(a.startswith("Código QR") for a in alts), alts


def _set_online_url(project: Project, value: str) -> Path:
    brand = project.brands_dir / "example-clinic" / "brand.yaml"
    lines = brand.read_text(encoding="utf-8").splitlines()
    lines = [f"online_url: {value}" if t.startswith("online_url:") else t for t in lines]
    brand.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return brand


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("http://riverside-neuro.example/{topic}/{locale}", "online_url"),
        ("https://riverside-neuro.example/{topic}/{lang}", "unknown placeholder {lang}"),
        ("https://riverside-neuro.example/{topic}/{locale", "a lone '{'"),
    ],
)
def test_a_bad_online_url_is_refused_at_its_line(
    scratch: Project, tmp_path: Path, capsys, value: str, said: str
):
    brand = _set_online_url(scratch, value)
    line = next(
        n for n, t in enumerate(brand.read_text().splitlines(), 1) if t.startswith("online_url")
    )
    code = main(["--root", str(scratch.root), "check"])
    out = capsys.readouterr()
    text = out.out + out.err
    assert code == 1
    assert f"templates/brands/example-clinic/brand.yaml:{line}: online_url" in text, text
    assert said in text and "Traceback" not in text


def test_another_address_gives_another_code(scratch: Project):
    _set_online_url(scratch, "https://leaflets.example/nm/{locale}/{topic}.html")
    rendered, outcome = build_one(scratch, Job(TOPIC, "he", "example-clinic", "standard", "a5"))
    assert rendered is not None, outcome.reason
    assert decoded(rendered.pdf) == [f"https://leaflets.example/nm/he/{TOPIC}.html"]
