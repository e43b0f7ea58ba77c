"""A built PDF -> its pages as PNG previews (pypdfium2), kept in the output folder under the
PDF's SHA-256, and the text of each page, for the front desk's previews and views."""

from __future__ import annotations

import hashlib
import io
import threading
from pathlib import Path
from typing import Any

from ..cache import memo
from ..write import write_atomic

PREVIEWS = ".previews"  # in the output folder: <sha256 of the PDF>/<dpi>-<page>.png
_PDFIUM = threading.Lock()  # PDFium is not thread-safe: one call into it at a time
_COUNTS = memo("serve page counts", kept=64)  # by the PDF's SHA-256
_TEXTS = memo("serve page texts", kept=16)


class Pdf:
    """A PDF this server built, read once: its bytes, their SHA-256 and its page count."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.data = path.read_bytes()
        self.sha256 = hashlib.sha256(self.data).hexdigest()
        self.pages = _page_count(self.sha256, self.data)


def _document(data: bytes) -> Any:
    """An open PDFium document (the caller holds the lock and closes it)."""
    import pypdfium2 as pdfium

    return pdfium.PdfDocument(data)


def _page_count(sha: str, data: bytes) -> int:
    found = _COUNTS.get(sha)
    if found is None:
        with _PDFIUM:
            document = _document(data)
            try:
                found = _COUNTS.put(sha, len(document))
            finally:
                document.close()
    return int(found)


def preview(out: Path, pdf: Pdf, page: int, dpi: int) -> Path:
    """Page ``page`` (from 1) of ``pdf`` as a PNG at ``dpi``: made once, then read from the
    output folder (named by the PDF's content, so never an older version's)."""
    target = out / PREVIEWS / pdf.sha256 / f"{dpi}-{page}.png"
    if target.is_file():
        return target
    with _PDFIUM:
        if target.is_file():  # another request made it meanwhile
            return target
        document = _document(pdf.data)
        try:
            image = document[page - 1].render(scale=dpi / 72).to_pil()
        finally:
            document.close()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False)
    write_atomic(target, buffer.getvalue())
    return target


def page_texts(pdf: Pdf) -> tuple[str, ...]:
    """The text of each page, as PDFium extracts it (reading order, right-to-left text as
    written)."""
    found = _TEXTS.get(pdf.sha256)
    if found is None:
        with _PDFIUM:
            document = _document(pdf.data)
            try:
                texts = []
                for page in document:
                    text = page.get_textpage()
                    texts.append(text.get_text_range())
                    text.close()
                    page.close()
            finally:
                document.close()
        found = _TEXTS.put(pdf.sha256, tuple(texts))
    return found  # type: ignore[no-any-return]


def changed_pages(out: Path, old: Pdf, new: Pdf, dpi: int) -> list[int]:
    """The pages (from 1) that look different in ``new`` than in ``old``, by their previews'
    pixels; a page only one of them has is changed."""
    from PIL import Image

    changed = []
    for page in range(1, max(old.pages, new.pages) + 1):
        if page > old.pages or page > new.pages:
            changed.append(page)
            continue
        a, b = preview(out, old, page, dpi), preview(out, new, page, dpi)
        if a.read_bytes() == b.read_bytes():
            continue
        with Image.open(a) as x, Image.open(b) as y:
            if x.size != y.size or x.tobytes() != y.tobytes():
                changed.append(page)
    return changed
