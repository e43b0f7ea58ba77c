"""A ReportLab document -> a file that can conform to PDF/A-2 and PDF/UA-1: catalog and page
entries ReportLab has no keyword for, every stream ended by an end-of-line marker, ToUnicode maps
that map only the codes in use, link annotations that can name their structure parent, and the
pieces (objects, references, the timestamp) the structure tree and metadata are written with."""

from __future__ import annotations

import re
from typing import Any

from reportlab.pdfbase.pdfdoc import (
    PDFArray,
    PDFDictionary,
    PDFDocument,
    PDFName,
    PDFObject,
    PDFObjectReference,
    PDFStream,
    PDFString,
)

from . import packed

__all__ = [
    "ConformingDocument",
    "PDFArray",
    "PDFDictionary",
    "PDFName",
    "PDFObjectReference",
    "PDFString",
    "Raw",
    "add_entries",
    "conforming",
    "last_annotation",
    "reference",
    "register",
    "stream",
    "timestamp",
]

_plain_stream_format = PDFStream.format


def _stream_format(self: PDFStream, document: Any) -> bytes:
    """ReportLab's stream, with an end-of-line marker before ``endstream`` (not counted in
    Length, ISO 19005-2 6.1.7.1) in a conforming document; other documents as ReportLab
    writes them. CR LF: data that ends in a CR cannot be taken for part of the marker."""
    out = _plain_stream_format(self, document)
    if getattr(document, "conforming", False):
        return out[: -len(b"endstream\n")] + b"\r\nendstream\n"
    return out


PDFStream.format = _stream_format  # type: ignore[method-assign]

_BFCHAR = re.compile(r"^<([0-9A-F]{2})> <([0-9A-F]{4})>$")


def used_codes_only(cmap: str) -> str:
    """A ToUnicode CMap of ReportLab's without the codes its subset never assigned (mapped to
    U+0000, which strict checkers refuse: ISO 14289-1 7.21.7)."""
    lines = cmap.split("\n")
    kept: list[str] = []
    count_at = -1
    entries = 0
    for line in lines:
        match = _BFCHAR.match(line)
        if match:
            if match.group(2) != "0000":
                kept.append(line)
                entries += 1
            continue
        if line.endswith(" beginbfchar"):
            count_at = len(kept)
        kept.append(line)
    if count_at >= 0:
        kept[count_at] = f"{entries} beginbfchar"
    return "\n".join(kept)


class Raw(PDFObject):
    """An object whose bytes are made as the file is written, by ``make(number, string)``:
    ``number(reference)`` gives a referenced object's number, ``string(text)`` a PDF text
    string (escaped, UTF-16 where needed)."""

    def __init__(self, make: Any) -> None:
        self.make = make

    def format(self, document: Any) -> bytes:
        numbers = document.idToObjectNumberAndVersion
        return self.make(
            lambda ref: numbers[ref.name][0], lambda text: PDFString(text).format(document)
        )


class ConformingDocument(PDFDocument):
    """ReportLab's document, made conforming as it is written (see ``conforming``), in a
    PDF 1.7 file with object streams (``rl.packed``)."""

    conforming = True

    def format(self) -> bytes:
        for name, obj in list(self.idToObject.items()):
            if name.startswith("toUnicodeCMap:") and isinstance(obj.content, str):
                obj.content = used_codes_only(obj.content)
        return packed.write(self)


def conforming(canv: Any) -> PDFDocument:
    """The document of ``canv``, written conforming from now on."""
    doc = canv._doc
    doc.__class__ = ConformingDocument
    return doc


def document(canv: Any) -> PDFDocument:
    return canv._doc


def add_entries(obj: Any, **entries: Any) -> None:
    """Entries ReportLab writes for a catalog or page dictionary it has no keyword for
    (StructTreeRoot, OutputIntents, StructParents, Tabs, Group ...)."""
    known = list(obj.__NoDefault__)
    for key, value in entries.items():
        if key not in known:
            known.append(key)
        setattr(obj, key, value)
    obj.__NoDefault__ = known


def reference(doc: PDFDocument, obj: Any) -> PDFObjectReference:
    """``obj`` as an indirect object of ``doc``, and a reference to it."""
    return doc.Reference(obj)


def register(doc: PDFDocument, objects: list[Any]) -> list[PDFObjectReference]:
    """New objects as indirect objects of ``doc``, numbered in order, and references to
    them: what ``doc.Reference`` does for each, without its checks (hundreds of structure
    elements a leaflet)."""
    counter = doc.objectcounter
    numbers, names, by_name = doc.idToObjectNumberAndVersion, doc.numberToId, doc.idToObject
    refs = []
    for obj in objects:
        counter += 1
        name = f"R{counter}"
        assert name not in by_name, name
        obj.__InternalName__ = name
        numbers[name] = (counter, 0)
        names[counter] = name
        by_name[name] = obj
        refs.append(PDFObjectReference(name))
    doc.objectcounter = counter
    return refs


def stream(content: bytes, *, compressed: bool, **entries: Any) -> PDFStream:
    """A stream object with dictionary ``entries``; uncompressed unless ``compressed``."""
    from reportlab.pdfbase.pdfdoc import PDFZCompress

    made = PDFStream(PDFDictionary(dict(entries)), content)
    made.filters = [PDFZCompress] if compressed else None  # None: the document's (none)
    return made


def last_annotation(canv: Any) -> tuple[PDFObjectReference, PDFDictionary]:
    """The annotation the canvas made last on its page: its reference and dictionary."""
    ref = canv._annotationrefs[-1]
    return ref, canv._doc.idToObject[ref.name]


def page_reference(doc: PDFDocument) -> PDFObjectReference:
    """The reference the page being written will have."""
    return doc.thisPageRef()


def timestamp(doc: PDFDocument) -> tuple[tuple[int, ...], int, int]:
    """The document's date (year, month, day, hour, minute, second) and UTC offset (hours,
    minutes), as its Info dictionary gives them."""
    ts = doc._timeStamp
    return tuple(ts.YMDhms), ts.dhh, ts.dmm
