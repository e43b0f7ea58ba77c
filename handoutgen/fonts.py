"""Font registration: a theme's TrueType families in fonts/ -> ReportLab font names, once."""

from __future__ import annotations

import codecs
import os
from functools import cache
from pathlib import Path
from typing import Any

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from .errors import InputError, Problem
from .theme import font_name

WEIGHTS = ("regular", "bold", "italic", "bold_italic")
_registered: dict[str, Path] = {}  # font name -> the file it stands for now
_loaded: dict[tuple[str, Path], SubsetFont] = {}  # parsed once per process


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


def register_families(families: dict[str, dict[str, str]], fonts_dir: Path) -> None:
    """Register every face of every family, and map <b>/<i> inside paragraphs to the right face.

    Not through pdfmetrics.registerFont: it keeps the first font registered under a name, so
    another brand's file for the same family would be ignored for the rest of the process
    (which file a leaflet got would depend on what was built before it). A file that several
    names of one theme stand for is one font (a PDF cannot hold two fonts of one face), named
    by the first of those names in sorted order, so that too depends on the theme alone."""
    problems: list[Problem] = []
    names_of: dict[Path, list[str]] = {}
    for family, faces in families.items():
        for weight, file_name in faces.items():
            names_of.setdefault(_file(fonts_dir, file_name), []).append(font_name(family, weight))
    files_of: dict[str, Path] = {}  # a font's own (PostScript) name -> the file it came from
    for family, faces in families.items():
        for weight, file_name in faces.items():
            name = font_name(family, weight)
            path = _file(fonts_dir, file_name)
            if weight not in WEIGHTS:
                problems.append(
                    Problem(
                        "theme",
                        None,
                        f"fonts.{family}.{weight}",
                        f"unknown face (expected one of {', '.join(WEIGHTS)})",
                    )
                )
                continue
            key = (min(names_of[path]), path)
            font = _loaded.get(key)
            if font is None:
                try:
                    font = _loaded[key] = SubsetFont(key[0], str(path))
                except (OSError, TTFError) as exc:
                    problems.append(
                        Problem(
                            str(path),
                            None,
                            f"fonts.{family}.{weight}",
                            f"cannot load TrueType font: {exc}",
                        )
                    )
                    continue
            face = _face_name(font)
            other = files_of.setdefault(face, path)
            if other != path:
                problems.append(
                    Problem(
                        str(path),
                        None,
                        f"fonts.{family}.{weight}",
                        f"{path.name} and {other.name} are both the font {face!r}: a PDF can "
                        "hold only one font of a name (use one file, or fonts with their own "
                        "names)",
                    )
                )
                continue
            pdfmetrics._fonts[name] = font
            # what registerFont records too: other code in the process that registers the
            # same face next (a ReportLab script beside the project) gets this font, not a
            # second one, which one PDF cannot hold beside it
            pdfmetrics._dynFaceNames[font.face.name] = font
            _registered[name] = path
        if problems:
            continue
        regular = font_name(family, "regular")
        bold = font_name(family, "bold") if "bold" in faces else regular
        italic = font_name(family, "italic") if "italic" in faces else regular
        bold_italic = font_name(family, "bold_italic") if "bold_italic" in faces else bold
        for face in sorted({regular, bold, italic, bold_italic}):
            addMapping(face, 0, 0, regular)
            addMapping(face, 1, 0, bold)
            addMapping(face, 0, 1, italic)
            addMapping(face, 1, 1, bold_italic)
        # addMapping also maps each font name back to (family, bold, italic), the last call
        # for a name winning: a name standing in for a missing face (no italic: the regular
        # one) must map back to its own role, or <b> on it would pick the bold italic file
        for bold_on, italic_on, face in (
            (1, 1, bold_italic),
            (0, 1, italic),
            (1, 0, bold),
            (0, 0, regular),
        ):
            addMapping(regular, bold_on, italic_on, face)
    if problems:
        raise InputError(problems)


def _file(fonts_dir: Path, file_name: str) -> Path:
    """A theme's font file, spelled one way (``x/../F.ttf`` is ``F.ttf``)."""
    return Path(os.path.normpath(fonts_dir / file_name))


def _face_name(font: TTFont) -> str:
    name = font.face.name
    return name.decode("latin-1") if isinstance(name, bytes) else str(name)


def coverage(names: tuple[str, ...]) -> frozenset[str]:
    """Every character at least one of the registered fonts ``names`` has a glyph for."""
    return _coverage(tuple((name, _registered.get(name)) for name in names))


@cache  # by name and file: a name can stand for another file in another brand
def _coverage(fonts: tuple[tuple[str, Path | None], ...]) -> frozenset[str]:
    return frozenset(
        chr(code) for name, _ in fonts for code in pdfmetrics.getFont(name).face.charToGlyph
    )


def font_file(name: str) -> str | None:
    """The file a registered font name was last registered from, or None."""
    path = _registered.get(name)
    return str(path) if path else None


def face_label(name: str) -> str:
    """``sans-regular (NotoSans-Regular.ttf)``: a registered font and the file it came from."""
    path = _registered.get(name)
    return f"{name} ({path.name})" if path else name
