"""Printed prose in one language -> sentences, words and syllables, and the readability
indices published for that language: Flesch-Kincaid grade and SMOG (English),
Fernández-Huerta and INFLESZ (Spanish), the first Wiener Sachtextformel (German), Ateşman
(Turkish); sentence and word length for every language (characters for Chinese)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

# a sentence ends at . ! ? (and their Arabic, Chinese and full-width forms) before a space,
# a closing quote or bracket, or the end; Chinese needs no space after its full stop
_END = re.compile(r"(?<=[.!?؟。！？])[\"'”’»)\]]*\s+|(?<=[。！？])")
# a German ordinal or date, "25.", ends no sentence; a number after ':' does ("HLA-B*15:02.")
_ORDINAL = re.compile(r"(?<![\w.:])\d{1,2}\.$")
_URL = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\S+")
_BREAKS = re.compile(r"[\u2010-\u2015/·•]")  # dashes and slashes part words, as spaces do
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_RUN = re.compile(r"[^\W_\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")

Counter = Callable[[str], int]


def sentences(text: str) -> list[str]:
    """A piece of printed text -> its sentences (a list item or a heading with no full stop
    is one sentence)."""
    parts: list[str] = []
    for part in _END.split(" ".join(text.split())):
        part = part.strip()
        if parts and _ORDINAL.search(parts[-1]):  # "25. November", "1. Wiener": not an end
            parts[-1] += " " + part
        elif part:
            parts.append(part)
    return [p for p in parts if words(p, "und")]


def words(text: str, language: str) -> list[str]:
    """The words of ``text`` as textstat counts them (punctuation dropped, a hyphenated word
    and a contraction one word), with web and mail addresses left out and dashes and slashes
    parting words; for Chinese, each Han character and each run of other letters or digits."""
    from textstat.backend.selections import list_words  # 170 ms (NLTK): only when measuring

    text = _BREAKS.sub(" ", _URL.sub(" ", text))
    if language == "zh":
        return _HAN.findall(text) + _LATIN_RUN.findall(_HAN.sub(" ", text))
    return list_words(text)


@dataclass(frozen=True)
class Stats:
    """Counts over some sentences of one language."""

    sentences: int = 0
    words: int = 0
    syllables: int = 0
    polysyllables: int = 0  # words of 3 syllables or more
    monosyllables: int = 0
    long_words: int = 0  # words of more than 6 letters (Wiener Sachtextformel's IW)
    longest: int = 0  # words in the longest sentence

    def __add__(self, other: Stats) -> Stats:
        return Stats(
            self.sentences + other.sentences,
            self.words + other.words,
            self.syllables + other.syllables,
            self.polysyllables + other.polysyllables,
            self.monosyllables + other.monosyllables,
            self.long_words + other.long_words,
            max(self.longest, other.longest),
        )


def sentence_stats(sentence: str, language: str, counter: Counter | None = None) -> Stats:
    """Counts for one sentence; ``counter`` counts a word's syllables (None: the language
    is measured by sentence length only)."""
    found = words(sentence, language)
    counts = [counter(w) for w in found] if counter else []
    return Stats(
        sentences=1,
        words=len(found),
        syllables=sum(counts),
        polysyllables=sum(1 for c in counts if c >= 3),
        monosyllables=sum(1 for c in counts if c == 1),
        long_words=sum(1 for w in found if len(w.replace("'", "")) > 6),
        longest=len(found),
    )


def total(stats: Iterable[Stats]) -> Stats:
    out = Stats()
    for s in stats:
        out = out + s
    return out


# --- the indices: each from its published formula ---------------------------------------------


def flesch_kincaid_grade(s: Stats) -> float:
    """Kincaid et al. 1975: 0.39 words/sentence + 11.8 syllables/word - 15.59 (US grade)."""
    return 0.39 * s.words / s.sentences + 11.8 * s.syllables / s.words - 15.59


def smog(s: Stats) -> float:
    """McLaughlin 1969, as a formula: 1.043 sqrt(30 polysyllables/sentences) + 3.1291."""
    return 1.043 * math.sqrt(30 * s.polysyllables / s.sentences) + 3.1291


def fernandez_huerta(s: Stats) -> float:
    """Fernández Huerta 1959 (as corrected): 206.84 - 60 syllables/word - 1.02 words/sentence
    (0-100, higher is easier)."""
    return 206.84 - 60 * s.syllables / s.words - 1.02 * s.words / s.sentences


def inflesz(s: Stats) -> float:
    """Szigriszt-Pazos perspicuity 1993, read on the INFLESZ scale (Barrio-Cantalejo 2008):
    206.835 - 62.3 syllables/word - words/sentence (higher is easier)."""
    return 206.835 - 62.3 * s.syllables / s.words - s.words / s.sentences


def wiener_sachtextformel(s: Stats) -> float:
    """Bamberger and Vanecek 1984, first formula: 0.1935 MS + 0.1672 SL + 0.1297 IW -
    0.0327 ES - 0.875 (a school year, 4 to 15), with MS, IW, ES per cent of words."""
    ms = 100 * s.polysyllables / s.words
    iw = 100 * s.long_words / s.words
    es = 100 * s.monosyllables / s.words
    return 0.1935 * ms + 0.1672 * s.words / s.sentences + 0.1297 * iw - 0.0327 * es - 0.875


def atesman(s: Stats) -> float:
    """Ateşman 1997: 198.825 - 40.175 syllables/word - 2.610 words/sentence (0-100)."""
    return 198.825 - 40.175 * s.syllables / s.words - 2.610 * s.words / s.sentences


def words_per_sentence(s: Stats) -> float:
    return s.words / s.sentences


def longest_sentence(s: Stats) -> float:
    return float(s.longest)


INDICES: dict[str, Callable[[Stats], float]] = {
    "flesch_kincaid_grade": flesch_kincaid_grade,
    "smog": smog,
    "fernandez_huerta": fernandez_huerta,
    "inflesz": inflesz,
    "wiener_sachtextformel": wiener_sachtextformel,
    "atesman": atesman,
    "words_per_sentence": words_per_sentence,
    "longest_sentence": longest_sentence,
}

# which indices each language has (its primary subtag); every language also gets sentence length
BY_LANGUAGE = {
    "en": ("flesch_kincaid_grade", "smog"),
    "es": ("fernandez_huerta", "inflesz"),
    "de": ("wiener_sachtextformel",),
    "tr": ("atesman",),
}
LENGTH = ("words_per_sentence", "longest_sentence")
# the index that ranks a language's hardest sentences (length where it has none)
RANKED_BY = {
    "en": "flesch_kincaid_grade",
    "es": "inflesz",
    "de": "wiener_sachtextformel",
    "tr": "atesman",
}
HIGHER_IS_EASIER = frozenset({"fernandez_huerta", "inflesz", "atesman"})


def indices(s: Stats, language: str) -> dict[str, float]:
    """Every index the language has, over ``s``, rounded to 2 places (none for no words)."""
    if not s.words or not s.sentences:
        return {}
    names = BY_LANGUAGE.get(language, ()) + LENGTH
    return {name: round(INDICES[name](s), 2) for name in names}


def ranking(language: str) -> str:
    """The measure that ranks a language's sentences by difficulty."""
    return RANKED_BY.get(language, "characters" if language == "zh" else "words")


def difficulty(s: Stats, language: str) -> float:
    """How hard one sentence is, for ranking: its language's index (turned so that higher
    is harder), else its length."""
    name = RANKED_BY.get(language)
    if not name or not s.words:
        return float(s.words)
    value = INDICES[name](s)
    return -value if name in HIGHER_IS_EASIER else value
