"""A built PDF -> one PNG per page (pypdfium2), named beside it:
``<brand>/<locale>/<topic>[.<edition>].<paper>.p<N>.png`` (N from 1), for `build --preview`."""

from __future__ import annotations

import io

from .errors import SelectionError

SUFFIX = ".png"
MISSING = (
    "build --preview needs pypdfium2 (PDFium, a wheel with no system library): "
    "pip install 'handoutgen[preview]'"
)


def available() -> None:
    """SelectionError (a usage error, before any leaflet is built) without pypdfium2."""
    try:
        import pypdfium2  # noqa: F401
    except ImportError:
        raise SelectionError(MISSING) from None


def name(relpath: str, page: int) -> str:
    """Page ``page``'s picture of the PDF at ``relpath`` (both inside the output folder)."""
    return f"{relpath.removesuffix('.pdf')}.p{page}{SUFFIX}"


def render(pdf: bytes, dpi: int) -> list[bytes]:
    """Every page of ``pdf`` as PNG bytes at ``dpi`` (white paper, as printed)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        pages = []
        for page in document:
            image = page.render(scale=dpi / 72).to_pil()
            buffer = io.BytesIO()
            image.save(buffer, format="PNG")
            pages.append(buffer.getvalue())
        return pages
    finally:
        document.close()
