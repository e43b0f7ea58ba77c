"""TrueType files -> ReportLab fonts installed under the theme's names (ReportLab's own font
table, so another brand's file for the same name replaces the last), and the fast text
encoding of the pinned ReportLab."""

from __future__ import annotations

import codecs
from typing import Any

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from .. import cache
from ..cache.keys import file_digest
from . import fast

FontError = (OSError, TTFError)  # what loading a broken or missing file raises


_REASONS = (  # words in ReportLab's message -> what to say instead
    ("postscript outlines", "PostScript (CFF) outlines are not supported: use a TrueType file"),
    ("does not allow", "the font does not allow embedding"),
    ("checksum", "its checksums do not match (a damaged file)"),
)


def reason(exc: BaseException) -> str:
    """Why a font file could not be loaded, in words that quote nothing of it (ReportLab's
    messages carry the file's first bytes, its path or its table checksums)."""
    if isinstance(exc, OSError):
        return exc.strerror or "cannot be read"
    text = str(exc).lower()
    return next((says for words, says in _REASONS if words in text), "not a TrueType font file")


_FILLER = "\ufffe"  # a noncharacter: stands for the codes a document has not assigned yet


class SubsetFont(TTFont):
    """ReportLab's TTFont, with a fast path for the text of one document: once every
    character of a string has its code in the document's first subset (almost all text, after
    the first lines), the string is encoded by one charmap codec call instead of ReportLab's
    loop over its characters. The same codes, so the same bytes; new characters, and codes
    past the first subset, go through ReportLab's own ``splitString``."""

    def splitString(self, text: Any, doc: Any, encoding: str = "utf-8") -> list[Any]:
        state = self.state.get(doc)
        table = getattr(state, "handoutgen_codes", None)
        if (
            table is not None
            and text
            and isinstance(text, str)
            and _FILLER not in text
            # a document past its first subset (CJK) has most of its text there: try only
            # ASCII text (str.isascii reads a flag)
            and (state.nextCode <= 256 or text.isascii())
        ):
            try:  # ReportLab sets a no-break space as a space
                return [(0, codecs.charmap_encode(text.replace("\xa0", " "), "strict", table)[0])]
            except UnicodeEncodeError:
                pass  # a character without a code in the first subset yet
        result = super().splitString(text, doc, encoding)
        if state is None:  # ReportLab made it
            state = self.state[doc]
        # codes are given in order (nextCode), so the first subset's only change while
        # nextCode is below 256
        filled = min(state.nextCode, 256)
        if getattr(state, "handoutgen_known", -1) != filled:
            decoding = [_FILLER] * 256
            for char, code in state.assignments.items():
                if code < 256:
                    decoding[code] = chr(char)
            state.handoutgen_codes = codecs.charmap_build("".join(decoding))
            state.handoutgen_known = filled
        return result


_parsed = cache.memo("parsed fonts")  # (name, file digest, class) -> font


def load(name: str, path: str) -> TTFont:
    """The font in file ``path``, named ``name``: parsed once per process and file content
    with the fast paths on, else parsed now with ReportLab's own class."""
    cls = SubsetFont if fast() else TTFont
    key = (name, file_digest(path), cls)
    font = _parsed.get(key)
    if font is None:
        font = _parsed.put(key, cls(name, path))
    return font


def install(name: str, font: TTFont) -> None:
    """Make ``name`` stand for ``font`` in ReportLab, replacing whatever it stood for.
    (``pdfmetrics.registerFont`` keeps the first font registered under a name, so which file a
    leaflet printed in would depend on what the process built before it.)"""
    pdfmetrics._fonts[name] = font
    # what registerFont records too: other code in the process that registers the same face
    # next (a ReportLab script beside the project) gets this font, not a second one, which one
    # PDF cannot hold beside it
    pdfmetrics._dynFaceNames[font.face.name] = font


def map_family(regular: str, bold: str, italic: str, bold_italic: str) -> None:
    """Bold and italic text inside paragraphs set in the right face, and each face name mapped
    back to its own role."""
    for face in sorted({regular, bold, italic, bold_italic}):
        addMapping(face, 0, 0, regular)
        addMapping(face, 1, 0, bold)
        addMapping(face, 0, 1, italic)
        addMapping(face, 1, 1, bold_italic)
    # addMapping also maps each font name back to (family, bold, italic), the last call for a
    # name winning: a name standing in for a missing face (no italic: the regular one) must
    # map back to its own role, or <b> on it would pick the bold italic file
    for bold_on, italic_on, face in (
        (1, 1, bold_italic),
        (0, 1, italic),
        (1, 0, bold),
        (0, 0, regular),
    ):
        addMapping(regular, bold_on, italic_on, face)


def face_name(font: TTFont) -> str:
    """A font's own (PostScript) name."""
    name = font.face.name
    return name.decode("latin-1") if isinstance(name, bytes) else str(name)


def codepoints(name: str) -> Any:
    """The characters (as code points) the installed font ``name`` has glyphs for."""
    return pdfmetrics.getFont(name).face.charToGlyph
