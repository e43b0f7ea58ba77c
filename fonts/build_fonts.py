"""Rebuild the derived fonts in fonts/ from Debian's Noto packages (repeatable, offline-safe).

    python fonts/build_fonts.py [--debs DIR]

- NotoSansArabicPlus-*.ttf, NotoSansHebrewPlus-*.ttf: Noto Sans Arabic / Hebrew merged with the
  Latin, digits and punctuation of Noto Sans, so that every word of a right-to-left leaflet
  (including "(EMG)", "500 mg", quotes) is shaped with one font.
- NotoSansSC-Leaflet-*.ttf: the characters the shipped Simplified Chinese catalog and templates
  use (plus CJK punctuation), cut from Noto Sans CJK SC and converted from CFF to TrueType
  outlines (ReportLab embeds TrueType only). Rerun this after the zh-Hans catalog changes: the
  render stage refuses any character the font lacks, naming it, so a stale subset cannot print
  blanks.

The .deb files come from Debian's package archive (`apt-get download fonts-noto-core
fonts-noto-cjk`), which this script runs when --debs is not given.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from fontTools import subset
from fontTools.merge import Merger
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
LATIN = [*range(0x20, 0x7F), *range(0xA0, 0x100), *range(0x2010, 0x2030), 0x2022, 0x2026, 0x20AC]
CJK_PUNCT = [
    *range(0x3000, 0x3020),
    *range(0xFF01, 0xFF5F),
    0x00B7,
    0x2014,
    0x2018,
    0x2019,
    0x201C,
    0x201D,
    0x2026,
]


def fetch(debs: Path) -> Path:
    """Download and unpack the Debian font packages into ``debs``."""
    debs.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["apt-get", "download", "fonts-noto-core", "fonts-noto-cjk"], cwd=debs, check=True
    )
    for deb in debs.glob("*.deb"):
        subprocess.run(["dpkg-deb", "-x", str(deb), str(debs / "x")], check=True)
    return debs / "x" / "usr" / "share" / "fonts"


def _subset(font: TTFont, unicodes: list[int]) -> TTFont:
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)
    return font


def merged_scripts(noto: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for weight in ("Regular", "Bold"):
            latin = Path(tmp) / f"latin-{weight}.ttf"
            _subset(TTFont(noto / f"NotoSans-{weight}.ttf"), LATIN).save(latin)
            for script in ("Arabic", "Hebrew"):
                merged = Merger().merge([str(noto / f"NotoSans{script}-{weight}.ttf"), str(latin)])
                merged.save(HERE / f"NotoSans{script}Plus-{weight}.ttf")


def _to_truetype(font: TTFont) -> TTFont:
    """CFF outlines -> quadratic TrueType glyf outlines (what ReportLab can embed)."""
    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = font.getGlyphOrder()
    glyf.glyphs = {}
    for name in glyf.glyphOrder:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    font["maxp"] = newTable("maxp")
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attr in (
        "maxZones",
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
        "maxPoints",
        "maxContours",
        "maxCompositePoints",
        "maxCompositeContours",
        "maxComponentDepth",
    ):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    maxp.numGlyphs = len(glyf.glyphOrder)
    font["head"].glyphDataFormat = 0
    font["post"].formatType = 2.0
    font["post"].extraNames = []
    font["post"].mapping = {}
    font.sfntVersion = "\x00\x01\x00\x00"
    return font


def cjk_characters() -> list[int]:
    import datetime

    import polib
    from babel import Locale
    from babel.dates import format_date

    used: set[int] = set(CJK_PUNCT) | set(LATIN)
    for po in (ROOT / "locales").glob("zh*/LC_MESSAGES/handouts.po"):
        locale = Locale.parse(po.parent.parent.name)
        for entry in polib.pofile(str(po)):
            used.update(ord(c) for c in entry.msgstr)
        # what Babel prints for this locale: its own name and dates in every month
        used.update(ord(c) for c in locale.get_display_name(locale) or "")
        for month in range(1, 13):
            day = datetime.date(2026, month, 28)
            for form in ("short", "medium", "long", "full"):
                used.update(ord(c) for c in format_date(day, form, locale=locale))
    # brands' own texts given per language (tagline, out_of_hours ...): their zh entries
    import yaml

    def walk(value: object, chinese: bool = False) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, chinese or str(key).startswith("zh"))
        elif isinstance(value, list):
            for item in value:
                walk(item, chinese)
        elif isinstance(value, str) and chinese:
            used.update(ord(c) for c in value)

    for brand in sorted((ROOT / "templates" / "brands").glob("*/brand.yaml")):
        walk(yaml.safe_load(brand.read_text(encoding="utf-8")))
    return sorted(used)


def cjk(fonts: Path) -> None:
    ttc = next(fonts.rglob("NotoSansCJK-Regular.ttc"))
    for weight, file in (("Regular", ttc), ("Bold", ttc.with_name("NotoSansCJK-Bold.ttc"))):
        font = TTFont(file, fontNumber=2)  # index 2: Simplified Chinese (SC)
        font = _subset(font, cjk_characters())
        font = _to_truetype(font)
        font.save(HERE / f"NotoSansSC-Leaflet-{weight}.ttf")
        font = TTFont(HERE / f"NotoSansSC-Leaflet-{weight}.ttf")  # reload: recompute tables
        font.save(HERE / f"NotoSansSC-Leaflet-{weight}.ttf")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--debs", type=Path, help="folder with unpacked Debian font packages")
    args = parser.parse_args(argv)
    fonts = args.debs if args.debs else fetch(Path(tempfile.mkdtemp()) / "debs")
    noto = next(fonts.rglob("NotoSans-Regular.ttf")).parent
    merged_scripts(noto)
    cjk(fonts)
    print("fonts rebuilt in", HERE)
    return 0


if __name__ == "__main__":
    sys.exit(main())
