"""A Spanish word -> its syllables, by the Real Academia's orthographic rules (diphthongs,
triphthongs and hiatus, with written accents); pyphen's hyphenation patterns leave out the
breaks a hyphen may not take (a lone first vowel, hiatus), so they under-count."""

from __future__ import annotations

import re

STRONG = frozenset("aeoáéóíú")  # open vowels, and a stressed close vowel (which breaks a pair)
WEAK = frozenset("iuüy")  # unstressed close vowels: they join a neighbour into one syllable
VOWELS = STRONG | WEAK
_LETTERS = re.compile(r"[^\W\d_]+")


def _vowel_at(word: str, i: int) -> bool:
    """Whether ``word[i]`` is a vowel; ``y`` is one only where no vowel follows it (``hoy``,
    ``muy``, the word ``y``), a consonant before a vowel (``yo``, ``mayo``)."""
    ch = word[i]
    if ch != "y":
        return ch in VOWELS
    return i + 1 >= len(word) or word[i + 1] not in VOWELS


def _joins(a: str, b: str) -> bool:
    """Whether two adjacent vowels are one syllable: an unstressed close vowel beside an open
    one (diphthong: ``ai``, ``ue``), or two different close vowels (``iu``, ``ui``); two open
    vowels, a written-accent close vowel (``í``, ``ú``) or a doubled close vowel are hiatus."""
    if a in STRONG and b in STRONG:
        return False
    if a == b:
        return False
    return a in WEAK or b in WEAK


def count(word: str) -> int:
    """The number of syllables in ``word`` (a token with no vowel, a number, counts one)."""
    letters = "".join(_LETTERS.findall(word.lower()))
    nuclei = 0
    previous: str | None = None
    for i, ch in enumerate(letters):
        if _vowel_at(letters, i):
            if previous is None or not _joins(previous, ch):
                nuclei += 1
            previous = ch
        else:
            previous = None
    return max(1, nuclei)
