"""A leaflet's document information -> the XMP packet PDF/A-2a and PDF/UA-1 ask for (the same
title, author, subject, keywords, tools and dates as the Info dictionary, and both
identifications) and the sRGB output intent the page colours are read in."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from string import Template
from typing import Any
from xml.sax.saxutils import escape

from ..rl import conformance as pdf

# characters XML 1.0 cannot hold (the content checks refuse most of them before this)
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@cache
def _data(name: str) -> bytes:
    return (resources.files(__package__) / "data" / name).read_bytes()


def _text(value: Any) -> str:
    return escape(_NOT_XML.sub("", str(value or "")))


def xmp(info: dict[str, str], lang: str, date: str) -> bytes:
    """The XMP packet for ``info`` (title, author, subject, keywords, creator, producer)."""
    template = Template(_data("xmp.xml").decode("utf-8"))
    values = {key: _text(info.get(key)) for key in ("title", "author", "subject", "keywords")}
    values.update(
        creator=_text(info.get("creator")),
        producer=_text(info.get("producer")),
        lang=_text(lang),
        date=date,
    )
    return template.substitute(values).encode("utf-8")


def _xmp_date(canv: Any) -> str:
    """The Info dictionary's date, as XMP writes it."""
    (year, month, day, hour, minute, second), dhh, dmm = pdf.timestamp(pdf.document(canv))
    sign = "-" if dhh < 0 else "+"
    return (
        f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}"
        f"{sign}{abs(dhh):02d}:{abs(dmm):02d}"
    )


def write(canv: Any, lang: str) -> None:
    """Add the XMP metadata stream and the sRGB output intent to ``canv``'s document."""
    doc = pdf.document(canv)
    info = doc.info
    fields = {
        key: getattr(info, key, "")
        for key in ("title", "author", "subject", "keywords", "creator", "producer")
    }
    metadata = pdf.stream(
        xmp(fields, lang, _xmp_date(canv)),
        compressed=False,  # PDF/A: the packet must be readable as it is
        Type=pdf.PDFName("Metadata"),
        Subtype=pdf.PDFName("XML"),
    )
    profile = pdf.stream(_data("sRGB2014.icc"), compressed=True, N=3)
    intent = pdf.PDFDictionary(
        {
            "Type": pdf.PDFName("OutputIntent"),
            "S": pdf.PDFName("GTS_PDFA1"),
            "OutputConditionIdentifier": pdf.PDFString("sRGB IEC61966-2.1"),
            "RegistryName": pdf.PDFString("http://www.color.org"),
            "Info": pdf.PDFString("sRGB IEC61966-2.1"),
            "DestOutputProfile": pdf.reference(doc, profile),
        }
    )
    pdf.add_entries(
        doc.Catalog,
        Metadata=pdf.reference(doc, metadata),
        OutputIntents=pdf.PDFArray([intent]),
    )
