"""Theme text styles + locale rules -> ReportLab ParagraphStyles for one locale, each with a
token for everything its paragraphs' fragments and line breaks depend on."""

from __future__ import annotations

from typing import Any

from reportlab.lib import colors as rl_colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.fonts import ps2tt, tt2ps
from reportlab.lib.styles import ParagraphStyle

from .. import cache
from ..cache.keys import file_digest
from ..rl.paragraphs import style_values
from ..theme import TextStyle, Theme
from .fonts import font_file, font_name
from .scripts import LocaleRules

_colors = cache.memo("colours")


def color(hex_value: str) -> rl_colors.Color:
    """A theme colour (``#rrggbb``) as ReportLab's colour."""
    found = _colors.get(hex_value)
    return found if found is not None else _colors.put(hex_value, rl_colors.HexColor(hex_value))


_AROUND = ("spaceBefore", "spaceAfter")
_STYLE_TOKENS = cache.memo("style tokens")  # every distinct style of the process: a few dozen


class Styles:
    """Theme text styles as ReportLab ParagraphStyles for one locale: each style's family is
    replaced by the locale's font chain, and line breaking follows the locale (hyphenation,
    CJK rules, right-to-left alignment)."""

    def __init__(self, rules: LocaleRules) -> None:
        theme = rules.theme
        self.rules = rules
        self.theme = theme
        self.lang = rules.lang
        self.rtl = rules.rtl
        self.para: dict[str, ParagraphStyle] = {}
        self._keys: dict[int, tuple[ParagraphStyle, int, list[tuple[str, str]]]] = {}
        self._unhyphenated: dict[int, tuple[ParagraphStyle, ParagraphStyle]] = {}
        body = theme.styles["body"]
        body_font = font_name(rules.chain(body.family)[0], "regular")
        for name, ts in theme.styles.items():
            self.para[name] = self._make_style(ts, body_font)
        indent = theme.spacing["list_indent"]
        base = self.para["list_item"]
        side = {"rightIndent": indent} if self.rtl else {"leftIndent": indent}
        self.para["list_item"] = ParagraphStyle(
            "list_item",
            parent=base,
            bulletIndent=0,
            bulletFontName=base.fontName,
            bulletFontSize=base.fontSize,
            **side,
        )

    def _make_style(self, ts: TextStyle, body_font: str) -> ParagraphStyle:
        theme = self.theme
        family = self.rules.chain(ts.family)[0]
        weight = ts.weight if ts.weight in theme.fonts[family] else "regular"
        return ParagraphStyle(
            ts.name,
            fontName=font_name(family, weight),
            fontSize=ts.size,
            leading=ts.leading,
            textColor=color(ts.color),
            spaceBefore=ts.space_before,
            spaceAfter=ts.space_after,
            alignment=TA_RIGHT if self.rtl else TA_LEFT,
            allowWidows=0,
            allowOrphans=0,
            keepWithNext=1 if ts.keep_with_next else 0,
            bulletFontName=body_font,
            splitLongWords=1,
            **self.rules.breaking(ts),
        )

    def faces(self, style: ParagraphStyle) -> list[tuple[str, str]]:
        """(regular, bold) font names of the chain that draws ``style``, in order."""
        return self._known(style)[2]

    def key(self, style: ParagraphStyle) -> int:
        """A token for everything about ``style`` that a paragraph's fragments and line breaks
        depend on: its values, and the font files behind its font names (a brand may map a
        family to other files) and behind the locale's fallback faces. Equal styles of two
        leaflets get the same token."""
        return self._known(style)[1]

    def _known(self, style: ParagraphStyle) -> tuple[ParagraphStyle, int, list[tuple[str, str]]]:
        found = self._keys.get(id(style))
        if found is None or found[0] is not style:  # once per style and leaflet
            family = style.fontName.rsplit("-", 1)[0]
            sans = self.rules.chain("sans")
            chain = sans if family in sans else (family,)
            faces = []
            for fam in chain:
                regular = font_name(fam, "regular")
                bold = font_name(fam, "bold") if "bold" in self.theme.fonts[fam] else regular
                faces.append((regular, bold))
            # the space around a paragraph changes neither its fragments nor its lines: left
            # out, a leaflet laid out again with tighter spacing (layout.fit) reuses them
            values = tuple(kv for kv in style_values(style) if kv[0] not in _AROUND)
            # in order: a character takes the first face of the chain that has it
            names = [style.fontName, style.bulletFontName, *(n for pair in faces for n in pair)]
            # and what the parser turns each into for bold or italic text (the family
            # mapping is the process's, set by the brand registered last)
            faces_of = tuple((n, _mapped(n)) for n in dict.fromkeys(names))
            every = dict.fromkeys([*names, *(m for _, ms in faces_of for m in ms or ())])
            files = tuple((n, file_digest(font_file(n) or "")) for n in every)
            token_key = (values, faces_of, files)
            token = _STYLE_TOKENS.get(token_key)
            if token is None:
                token = _STYLE_TOKENS.put(token_key, len(_STYLE_TOKENS))
            found = self._keys[id(style)] = (style, token, faces)
        return found

    def without_hyphenation(self, style: ParagraphStyle) -> ParagraphStyle:
        """``style`` with hyphenation off (for text holding a web address), made once."""
        found = self._unhyphenated.get(id(style))
        if found is None or found[0] is not style:
            plain = ParagraphStyle(f"{style.name}-nohyphen", parent=style, hyphenationLang="")
            found = self._unhyphenated[id(style)] = (style, plain)
        return found[1]

    def derive(self, name: str, **changes: Any) -> ParagraphStyle:
        key = f"{name}|{sorted(changes.items())}"
        if key not in self.para:
            self.para[key] = ParagraphStyle(key, parent=self.para[name], **changes)
        return self.para[key]


def _mapped(name: str) -> tuple[str, ...] | None:
    """The font names ReportLab's parser sets text of font ``name`` in, for (regular, italic,
    bold, bold italic) text: the family mapping of layout.fonts.register_families."""
    try:
        family = ps2tt(name)[0]
        return tuple(tt2ps(family, b, i) for b in (0, 1) for i in (0, 1))
    except ValueError:  # a font outside any family mapping: ReportLab's own standard fonts
        return None


_made = cache.memo("styles", kept=32)


def styles_for(rules: LocaleRules) -> Styles:
    """The Styles of a theme and locale, made once per process: a theme is loaded once per
    project (Project.theme), and its styles, like the tokens of their values and font files
    (Styles.key), are the same for every leaflet of that theme and locale. (The font names
    are pointed at the theme's files again before each leaflet: register_families.)"""
    key = (id(rules.theme), rules.lang, rules.direction)
    found = _made.get(key)
    if found is None or found[0] is not rules.theme:
        found = _made.put(key, (rules.theme, Styles(rules)))
    return found[1]


__all__ = ["Styles", "Theme", "color", "styles_for"]
