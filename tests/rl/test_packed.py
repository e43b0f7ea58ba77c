"""rl/packed.py: a PDF 1.7 file whose non-stream objects sit in object streams, indexed by a
cross-reference stream that every reader here agrees with."""

from __future__ import annotations

import io
import re
import zlib

import pypdfium2 as pdfium
from pypdf import PdfReader

from handoutgen.build import Job


def _xref(pdf: bytes) -> tuple[dict, bytes]:
    start = int(re.search(rb"startxref\n(\d+)\n%%EOF\n$", pdf).group(1))
    head = pdf[start:]
    dictionary = head[: head.index(b"stream\n")]
    assert b"/Type /XRef" in dictionary and b"/W [1 4 2]" in dictionary
    length = int(re.search(rb"/Length (\d+)", dictionary).group(1))
    body = head.index(b"stream\n") + len(b"stream\n")
    return dictionary, zlib.decompress(head[body : body + length])


def test_every_object_is_where_the_cross_reference_stream_says(every_leaflet):
    job = Job("neuromyotonia", "en", "default", "standard", "a4")
    pdf = every_leaflet[job][0].pdf
    assert pdf.startswith(b"%PDF-1.7\n")
    _, rows = _xref(pdf)
    entries = [rows[i : i + 7] for i in range(0, len(rows), 7)]
    assert entries[0] == b"\x00\x00\x00\x00\x00\xff\xff"  # object 0: free
    in_streams = 0
    for number, entry in enumerate(entries[1:], start=1):
        kind, field, index = entry[0], int.from_bytes(entry[1:5]), int.from_bytes(entry[5:])
        if kind == 1:  # at an offset: a stream, an object stream or the index itself
            assert pdf[field:].startswith(b"%d 0 obj\n" % number), number
        else:
            assert kind == 2 and index >= 0
            in_streams += 1
    assert in_streams > 100  # the structure elements, pages, fonts' dictionaries ...
    reader = PdfReader(io.BytesIO(pdf), strict=True)
    assert len(reader.pages) == every_leaflet[job][0].pages
    assert len(pdfium.PdfDocument(pdf)) == every_leaflet[job][0].pages


def test_the_same_leaflet_gives_the_same_bytes(project, every_leaflet):
    from handoutgen.build import build_one

    job = Job("neuromyotonia", "ar", "example-clinic", "large-print", "letter")
    again, _ = build_one(project, job)
    assert again is not None and again.pdf == every_leaflet[job][0].pdf
