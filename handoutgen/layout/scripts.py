"""Locale rules: a theme + a locale -> how its text is set: the font chain of each family, the
direction, hyphenation, CJK line breaking and shaping. The one place a rule per language or
script lives; its data is the theme's ``scripts``, ``hyphenation`` and ``cjk_wrap``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..theme import TextStyle, Theme
from .fonts import font_name


@dataclass(frozen=True)
class LocaleRules:
    theme: Theme
    lang: str  # BCP-47
    direction: str = "ltr"

    @property
    def rtl(self) -> bool:
        return self.direction == "rtl"

    @property
    def language(self) -> str:
        return self.lang.split("-")[0]

    def chain(self, family: str) -> tuple[str, ...]:
        """The font families that draw ``family`` text in this locale, in order: the theme's
        ``scripts`` chain (for ``sans``, by language-Script or language), else the family."""
        parts = self.lang.split("-")
        for key in ("-".join(parts[:2]), parts[0]):
            if key in self.theme.scripts and family == "sans":
                return self.theme.scripts[key]
        return (family,)

    def faces(self, family: str, weight: str) -> tuple[str, ...]:
        """The font names that draw ``family`` text of ``weight``, in chain order; a family
        without that weight draws it with its regular face."""
        fonts = self.theme.fonts
        return tuple(
            font_name(f, weight if weight in fonts[f] else "regular") for f in self.chain(family)
        )

    def families(self) -> dict[str, dict[str, str]]:
        """The font families a leaflet in this locale draws with: its styles' chains only."""
        used = {f for style in self.theme.styles.values() for f in self.chain(style.family)}
        return {family: faces for family, faces in self.theme.fonts.items() if family in used}

    @property
    def hyphenation(self) -> str | None:
        """The pyphen dictionary, or None: not hyphenated (or hyphenation off)."""
        table = self.theme.hyphenation
        return table.get(self.lang) or table.get(self.language)

    @property
    def cjk(self) -> bool:
        """Broken between any two characters (Chinese, Japanese, Korean)."""
        return self.language in self.theme.cjk_wrap

    @property
    def shaping(self) -> bool:
        """A script of its own that is not CJK (Devanagari ...): shaped by HarfBuzz."""
        return not self.cjk and self.language in self.theme.scripts

    def breaking(self, style: TextStyle) -> dict[str, Any]:
        """ReportLab paragraph options for how ``style``'s lines break in this locale."""
        # a web or e-mail address breaks only after / . - @ ? = & (rl.addresses), when it is longer
        # than a line or the line it would end is under 70% full; else it moves down whole
        options: dict[str, Any] = {"uriWasteReduce": 0.3}
        if self.hyphenation and style.hyphenate:
            options["hyphenationLang"] = self.hyphenation
            options["hyphenationMinWordLength"] = self.theme.hyphenation_min_word_length
        if self.cjk:
            options["wordWrap"] = "CJK"
        elif self.shaping:
            options["shaping"] = 1
        return options
