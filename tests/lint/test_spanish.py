"""The Spanish syllabifier against words whose syllables the RAE's rules fix (diphthongs,
triphthongs, hiatus with and without a written accent, silent u, y as a vowel), and against
pyphen's count on the shipped Spanish leaflet, which it must not under-count."""

from __future__ import annotations

import pytest

from handoutgen.lint import spanish

# word -> syllables, by the Ortografía de la lengua española (2010), 4.1
KNOWN = {
    # one syllable: diphthongs and triphthongs, monosyllables by the 2010 rules
    "bien": 1,
    "pie": 1,
    "huir": 1,
    "guion": 1,
    "buey": 1,
    "hoy": 1,
    "muy": 1,
    "rey": 1,
    "y": 1,
    "que": 1,
    "fue": 1,
    "dios": 1,
    "sal": 1,
    # diphthongs inside words
    "ciudad": 2,
    "cuidado": 3,
    "aire": 2,
    "causa": 2,
    "agua": 2,
    "nervio": 2,
    "quiero": 2,
    "guerra": 2,
    "pingüino": 3,
    "aguantar": 3,
    "estudiáis": 3,
    "Uruguay": 3,
    "miastenia": 3,
    "anticuerpos": 4,
    "inmunitario": 5,
    "neuromiotonía": 6,
    # hiatus: two open vowels, or a close vowel with a written accent
    "país": 2,
    "baúl": 2,
    "día": 2,
    "reír": 2,
    "leer": 2,
    "creer": 2,
    "poeta": 3,
    "océano": 4,
    "aéreo": 4,
    "zoológico": 5,
    "tenía": 3,
    "frecuencia": 3,
    "chiita": 3,
    "síntomas": 3,
    "músculos": 3,
    "calambres": 3,
    "enfermedad": 4,
    "espinal": 3,
    "médula": 3,
    "periféricos": 5,
    "autoinmune": 4,  # o-i: an orthographic diphthong "hemorragia": 4,
    # y before a vowel is a consonant; h does not join vowels
    "ayer": 2,
    "mayo": 2,
    "ahumado": 4,
    "prohibir": 3,
    "ahora": 3,
}


@pytest.mark.parametrize(("word", "expected"), sorted(KNOWN.items()))
def test_known_words(word: str, expected: int) -> None:
    assert spanish.count(word) == expected


def test_a_token_without_vowels_counts_one() -> None:
    assert spanish.count("40") == 1
    assert spanish.count("TC") == 1


def test_pyphen_under_counts_what_the_rules_count(project) -> None:
    """On the shipped Spanish leaflet pyphen (textstat's count) finds fewer syllables: it
    leaves out breaks a hyphen may not take (a lone first vowel, hiatus). The rules count at
    least as many in every word, and more in all."""
    import pyphen

    from handoutgen.lint.readability import words
    from handoutgen.strings import iter_strings

    catalog = project.catalog("es")
    handout = project.handout("neuromyotonia")
    text = " ".join(catalog.pgettext(ctx, msg) for ctx, msg in iter_strings(handout))
    dic = pyphen.Pyphen(lang="es")
    found = [w for w in words(text, "es") if any(c.isalpha() for c in w)]
    ours = sum(spanish.count(w) for w in found)
    theirs = sum(len(dic.positions(w.lower())) + 1 for w in found)
    assert ours > theirs * 1.03, (ours, theirs)
