"""A ReportLab document's objects -> a PDF 1.7 file with object streams and a cross-reference
stream: every object that is not itself a stream is written compressed, in object streams
(ISO 32000-1 7.5.7 and 7.5.8), so a tagged leaflet's hundreds of small structure elements cost
a few kilobytes instead of tens. ReportLab writes the objects; this writes the file around
them, as its ``PDFDocument.format`` does around a classic cross-reference table."""

from __future__ import annotations

import re
import struct
import zlib
from typing import Any

from reportlab.pdfbase import pdfdoc

VERSION = (1, 7)  # object streams need PDF 1.5; PDF/A-2 and PDF/UA-1 read PDF 1.7
PER_STREAM = 200  # objects in one object stream
# zlib's fastest level: these are a leaflet's small dictionaries (structure elements, pages),
# a quarter of a millisecond less per leaflet than the default level, for 1% more bytes
LEVEL = 1
_ID = re.compile(rb"\[\s*(<[0-9A-Fa-f]*>)\s*(<[0-9A-Fa-f]*>)\s*\]")


def _indirect(number: int, body: bytes) -> bytes:
    return b"%d 0 obj\n%s%sendobj\n" % (number, body, b"" if body.endswith(b"\n") else b"\n")


def _stream_object(number: int, entries: bytes, data: bytes) -> bytes:
    packed = zlib.compress(data, LEVEL)
    head = b"<< %s /Filter /FlateDecode /Length %d >>" % (entries, len(packed))
    return _indirect(number, head + b"\nstream\n" + packed + b"\r\nendstream\n")


def write(doc: Any) -> bytes:
    """The file of ``doc`` (a ReportLab PDFDocument whose pages, fonts and other objects are
    all registered), with its non-stream objects in object streams."""
    doc.encrypt.prepare(doc)
    catalog = doc.Reference(doc.Catalog)
    info = doc.Reference(doc.info)
    out = pdfdoc.PDFFile(VERSION)
    doc.__accum__ = out  # where ReportLab's objects look for the file being written
    numbers = doc.numberToId
    offsets: dict[int, int] = {}
    loose: list[tuple[int, bytes]] = []  # objects for the object streams
    counter = 0
    while True:  # objects may register more objects as they are formatted
        counter += 1
        name = numbers.get(counter)
        if name is None:
            break
        doc.encrypt.register(counter, 0)
        body = pdfdoc.format(doc.idToObject[name], doc, toplevel=1)
        if body.rstrip().endswith(b"endstream"):
            offsets[counter] = out.add(_indirect(counter, body))
        else:
            loose.append((counter, body.strip()))
    del doc.__accum__
    where: dict[int, tuple[int, int]] = {}  # object -> (its object stream, index there)
    next_number = counter
    for start in range(0, len(loose), PER_STREAM):
        chunk = loose[start : start + PER_STREAM]
        number = next_number
        next_number += 1
        header: list[bytes] = []
        bodies: list[bytes] = []
        at = 0
        for index, (member, body) in enumerate(chunk):
            header.append(b"%d %d" % (member, at))
            bodies.append(body)
            at += len(body) + 1
            where[member] = (number, index)
        head = b" ".join(header) + b"\n"
        entries = b"/Type /ObjStm /N %d /First %d" % (len(chunk), len(head))
        offsets[number] = out.add(_stream_object(number, entries, head + b"\n".join(bodies)))
    xref = next_number
    offsets[xref] = out.offset
    rows = [struct.pack(">BIH", 0, 0, 65535)]
    for number in range(1, xref + 1):
        if number in where:
            rows.append(struct.pack(">BIH", 2, *where[number]))
        else:
            rows.append(struct.pack(">BIH", 1, offsets[number], 0))
    ids = _ID.search(doc.ID())
    assert ids is not None, "ReportLab's document ID"
    trailer = b"/Type /XRef /Size %d /W [1 4 2] /Root %s /Info %s /ID [%s %s]" % (
        xref + 1,
        catalog.format(doc),
        info.format(doc),
        ids.group(1),
        ids.group(2),
    )
    out.add(_stream_object(xref, trailer, b"".join(rows)))
    out.add(b"startxref\n%d\n%%%%EOF\n" % offsets[xref])
    return out.format(doc)
