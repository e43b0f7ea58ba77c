"""A theme's font families (TrueType files in fonts/) -> ReportLab font names a leaflet draws
with, bold and italic mapped to the right faces; which file each name stands for now."""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import InputError, Problem
from ..rl import fonts as rl_fonts
from ..theme import font_file_problems

WEIGHTS = ("regular", "bold", "italic", "bold_italic")
_registered: dict[str, Path] = {}  # font name -> the file it stands for now


def font_name(family: str, weight: str) -> str:
    """The name a family's face is registered under with ReportLab: ``sans-bold``."""
    return f"{family}-{weight}"


def register_families(families: dict[str, dict[str, str]], fonts_dir: Path) -> None:
    """Register every face of every family, and map <b>/<i> inside paragraphs to the right face.

    A file that several names of one theme stand for is one font (a PDF cannot hold two fonts
    of one face), named by the first of those names in sorted order, so that too depends on
    the theme alone. Raises InputError naming every face that cannot be used; a file that is
    not a regular file inside ``fonts_dir`` within the size limit is never opened."""
    problems: list[Problem] = []
    unusable = dict(font_file_problems(families, fonts_dir))  # field -> why (never opened)
    names_of: dict[Path, list[str]] = {}
    for family, faces in families.items():
        for weight, file_name in faces.items():
            names_of.setdefault(_file(fonts_dir, file_name), []).append(font_name(family, weight))
    files_of: dict[str, Path] = {}  # a font's own (PostScript) name -> the file it came from
    for family, faces in families.items():
        for weight, file_name in faces.items():
            name = font_name(family, weight)
            path = _file(fonts_dir, file_name)
            where = f"fonts.{family}.{weight}"
            shown = f"{fonts_dir.name}/{file_name}"
            if weight not in WEIGHTS:
                message = f"unknown face (expected one of {', '.join(WEIGHTS)})"
                problems.append(Problem("theme", None, where, message))
                continue
            if where in unusable:
                problems.append(Problem("theme", None, where, unusable[where]))
                continue
            try:
                font = rl_fonts.load(min(names_of[path]), str(path))
            except rl_fonts.FontError as exc:
                message = f"cannot load TrueType font: {rl_fonts.reason(exc)}"
                problems.append(Problem(shown, None, where, message))
                continue
            face = rl_fonts.face_name(font)
            other = files_of.setdefault(face, path)
            if other != path:
                problems.append(
                    Problem(
                        shown,
                        None,
                        where,
                        f"{path.name} and {other.name} are both the font {face!r}: a PDF can "
                        "hold only one font of a name (use one file, or fonts with their own "
                        "names)",
                    )
                )
                continue
            rl_fonts.install(name, font)
            _registered[name] = path
        if problems:
            continue
        regular = font_name(family, "regular")
        bold = font_name(family, "bold") if "bold" in faces else regular
        italic = font_name(family, "italic") if "italic" in faces else regular
        bold_italic = font_name(family, "bold_italic") if "bold_italic" in faces else bold
        rl_fonts.map_family(regular, bold, italic, bold_italic)
    if problems:
        raise InputError(problems)


def _file(fonts_dir: Path, file_name: str) -> Path:
    """A theme's font file, spelled one way (``x/../F.ttf`` is ``F.ttf``)."""
    return Path(os.path.normpath(fonts_dir / file_name))


def font_file(name: str) -> str | None:
    """The file a registered font name was last registered from, or None."""
    path = _registered.get(name)
    return str(path) if path else None


def face_label(name: str) -> str:
    """``sans-regular (NotoSans-Regular.ttf)``: a registered font and the file it came from."""
    path = _registered.get(name)
    return f"{name} ({path.name})" if path else name
