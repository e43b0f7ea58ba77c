"""rl/conformance.py: ToUnicode maps without unused codes, an end-of-line before every
``endstream`` of a conforming document (and plain ReportLab documents left as they were),
entries ReportLab has no keyword for, objects registered in one pass."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader
from reportlab.pdfgen.canvas import Canvas

from handoutgen.rl import conformance


def test_a_tounicode_map_keeps_only_the_codes_in_use():
    entries = ["<00> <0000>", "<01> <0041>", "<02> <0000>", "<03> <0628>"]
    cmap = "\n".join(["begincmap", "4 beginbfchar", *entries, "endbfchar", "endcmap"])
    fixed = conformance.used_codes_only(cmap)
    assert "2 beginbfchar" in fixed
    assert "<01> <0041>" in fixed and "<03> <0628>" in fixed
    assert "<0000>" not in fixed


def _pdf(conforming: bool) -> bytes:
    out = io.BytesIO()
    canv = Canvas(out, invariant=1)
    if conforming:
        conformance.conforming(canv)
    canv.drawString(72, 720, "Hello")
    canv.showPage()
    canv.save()
    return out.getvalue()


def test_streams_of_a_conforming_document_end_with_an_eol_not_counted_in_length():
    pdf = _pdf(conforming=True)
    for match in re.finditer(rb"/Length (\d+)[^>]*>>\s*stream\n", pdf):
        start = match.end()
        end = start + int(match.group(1))
        assert pdf[end : end + len(b"\r\nendstream")] == b"\r\nendstream"
    assert PdfReader(io.BytesIO(pdf)).pages[0].extract_text().strip() == "Hello"


def test_a_plain_reportlab_document_in_the_same_process_is_untouched():
    pdf = _pdf(conforming=False)
    assert b"\r\nendstream" not in pdf and pdf.startswith(b"%PDF-1.3")
    assert b"/ObjStm" not in pdf


def test_entries_reportlab_has_no_keyword_for_are_written():
    out = io.BytesIO()
    canv = Canvas(out, invariant=1)
    doc = conformance.conforming(canv)
    conformance.add_entries(doc.Catalog, MarkInfo=conformance.PDFDictionary({"Marked": "true"}))
    canv.showPage()
    canv.save()
    root = PdfReader(io.BytesIO(out.getvalue())).trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"]) is True


def test_registered_objects_are_numbered_in_order_and_written():
    out = io.BytesIO()
    canv = Canvas(out, invariant=1)
    doc = conformance.conforming(canv)
    made = [conformance.Raw(lambda number, string, n=n: b"<</N %d>>" % n) for n in range(3)]
    refs = conformance.register(doc, made)
    numbers = [doc.idToObjectNumberAndVersion[r.name][0] for r in refs]
    assert numbers == sorted(numbers) and len(set(numbers)) == 3
    conformance.add_entries(doc.Catalog, Extra=conformance.PDFArray(refs))
    canv.showPage()
    canv.save()
    root = PdfReader(io.BytesIO(out.getvalue())).trailer["/Root"]
    assert [int(x.get_object()["/N"]) for x in root["/Extra"]] == [0, 1, 2]
