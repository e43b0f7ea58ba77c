"""The structure checks on printed pieces of text: abbreviations explained at first use
(either way round, in any script's brackets), question headings per language (Spanish
¿...?), calls to action and the urgent box, paragraph and sentence length, the summary, and
every shipped leaflet under --strict with the default policy."""

from __future__ import annotations

import datetime as dt

import pytest

from handoutgen.leaflet import Selection
from handoutgen.lint import Syllables, jobs, lint_leaflet, load
from handoutgen.lint.printed import TOP, Unit
from handoutgen.lint.structure import check


@pytest.fixture(scope="module")
def policy(project):
    return load(project.templates_dir, project.root)


def _check(project, policy, units, language="en"):
    handout = project.handout("neuromyotonia")
    return check(
        units,
        handout,
        project.brand("default"),
        language,
        policy,
        today=dt.date(2027, 1, 1),
        topic_lines={},
        topic_file="t.yaml",
        whole="t.yaml:4",
    )


def _rules(checked, rule):
    return [f for f in checked.findings if f.rule == f"structure.{rule}"]


def test_abbreviations_explained_either_way_at_first_use(project, policy) -> None:
    units = [
        Unit("You may have an EMG (electromyography) test.", "body", "s", "a:1"),
        Unit("Intravenous immunoglobulin (IVIG) helps.", "body", "s", "a:2"),
        Unit("胸部扫描（CT）。", "body", "s", "a:3"),
        Unit("Later, IVIG and EMG and CT again; the NHS can help.", "body", "s", "a:4"),
        Unit("An MRI scan looks for a thymoma.", "body", "s", "a:5"),
        Unit("Ask about CASPR2 antibodies (CASPR2 means contactin...).", "body", "s", "a:6"),
    ]
    found = _rules(_check(project, policy, units), "abbreviations")
    assert [(f.place, f.message.split("'")[1]) for f in found] == [
        ("a:5", "MRI"),
        ("a:6", "CASPR2"),
    ]


def test_an_abbreviation_named_as_a_kind_of_thing_or_beginning_a_bracketed_word(
    project, policy
) -> None:
    """'an antibody called LGI1' defines LGI1 by its kind (the policy's naming words, before
    the name or after it as Turkish puts them); 'INR-Werte (...)' explains the word INR begins.
    A bracket after the next word, or no naming word, is still no explanation."""
    english = [
        Unit("Less often, an antibody called LGI1 is found.", "body", "s", "a:1"),
        Unit("It looks for a gene type called **HLA-B*15:02**.", "body", "s", "a:2"),
        Unit("Bring your INR results (your blood clotting tests).", "body", "s", "a:3"),
        Unit("The antibody CASPR2 is found.", "body", "s", "a:4"),
    ]
    found = _rules(_check(project, policy, english), "abbreviations")
    assert [f.message.split("'")[1] for f in found] == ["INR", "CASPR2"]
    german = [
        Unit("Bringen Sie Ihre INR-Werte (Blutgerinnungswerte) mit.", "body", "s", "a:1"),
        Unit("Er sucht nach einem Gentyp namens HLA-B*15:02.", "body", "s", "a:2"),
        Unit("Eine MRT-Aufnahme hilft.", "body", "s", "a:3"),
    ]
    found = _rules(_check(project, policy, german, "de"), "abbreviations")
    assert [f.message.split("'")[1] for f in found] == ["MRT"]
    turkish = [
        Unit("En sık bulunan antikora **CASPR2** denir.", "body", "s", "a:1"),
        Unit("Bu test **HLA-B\\*15:02** adlı bir gen tipini arar.", "body", "s", "a:2"),
        Unit("LGI1 bulunur.", "body", "s", "a:3"),
    ]
    found = _rules(_check(project, policy, turkish, "tr"), "abbreviations")
    assert [f.message.split("'")[1] for f in found] == ["LGI1"]


def test_question_headings_per_language(project, policy) -> None:
    def headings(texts, language):
        units = [Unit(t, "h2", f"s{i}", f"h:{i}") for i, t in enumerate(texts)]
        return _check(project, policy, units, language)

    es = headings(["¿Qué es?", "Causas", "Síntomas?"], "es")  # the last lacks its ¿
    assert es.figures["question_headings"] == "1/3"
    assert _rules(es, "question_headings")[0].place == "h:1"
    ar = headings(["ما هو؟", "الأعراض"], "ar")
    assert ar.figures["question_headings"] == "1/2" and not _rules(ar, "question_headings")
    zh = headings(["什么是神经性肌强直？"], "zh")
    assert zh.figures["question_headings"] == "1/1"


def test_calls_to_action_and_the_urgent_box(project, policy) -> None:
    none = _check(project, policy, [Unit("Rest well.", "body", "s", "a:1")])
    assert _rules(none, "calls_to_action") and _rules(none, "urgent_callout")
    units = [
        Unit("Call 999 now if you have:", "h3", "help", "a:1", box="urgent"),
        Unit("Trouble breathing.", "list_item", "help", "a:2", box="urgent"),
        Unit("Contact your team on 01632\u00a0960\u00a0123 if:", "h3", "help", "a:3", "note"),
    ]
    done = _check(project, policy, units)
    assert done.figures["calls_to_action"] == 2 and done.figures["urgent_callouts"] == 1
    assert not _rules(done, "calls_to_action") and not _rules(done, "urgent_callout")


def test_long_paragraphs_long_sentences_and_the_summary(project, policy) -> None:
    six = " ".join(f"Sentence {i} is short." for i in range(6))
    long = "word " * 26 + "end."
    summary = " ".join(["Neuromyotonia makes muscles twitch."] * 13)  # 52 words
    checked = _check(
        project,
        policy,
        [
            Unit(summary, "summary", TOP, "t:6"),
            Unit(six, "body", "s", "p:1"),
            Unit(long, "list_item", "s", "p:2"),
            Unit(long, "list_item", "s", "p:3", source=True),  # a source entry: not prose
        ],
    )
    assert [f.place for f in _rules(checked, "paragraphs")] == ["t:6", "p:1"]
    assert [f.value for f in _rules(checked, "sentences")] == [27]
    assert _rules(checked, "summary")[0].value == 52


def test_chinese_is_measured_in_characters(project, policy) -> None:
    sentence = "您" * 46 + "。"  # 46 characters: over the 45 a Chinese sentence may have
    checked = _check(project, policy, [Unit(sentence, "body", "s", "p:1")], "zh")
    (found,) = _rules(checked, "sentences")
    assert found.value == 46 and "46 characters (at most 45)" in found.message
    ok = _check(project, policy, [Unit(sentence[1:], "body", "s", "p:1")], "zh")
    assert not _rules(ok, "sentences")


def test_a_source_without_url_or_doi_and_an_overdue_review(project, policy) -> None:
    checked = _check(project, policy, [])
    sources = _rules(checked, "sources")
    handout = project.handout("neuromyotonia")
    unlinked = [s for s in handout.sources if not s.url]
    assert len(sources) == len(unlinked)
    late = check(
        [],
        handout,
        project.brand("default"),
        "en",
        policy,
        today=handout.next_review + dt.timedelta(days=1),
        topic_lines={("next_review",): 17},
        topic_file="t.yaml",
        whole="t.yaml:4",
    )
    assert [f.place for f in _rules(late, "review")] == ["t.yaml:17"]


# Issue 13 requires every shipped leaflet to pass these defaults from the standards: every
# topic and language, in both brands (their own wording: out-of-hours, driving and support
# lines) and every edition (large print and the booklet print other template lines). Until
# the plain-language round of 2026-12-05 this failed on 28 readability limits (en SMOG, de
# Wiener Sachtextformel, es Fernández-Huerta, tr Ateşman); it must never fail again.
def test_every_shipped_leaflet_passes_strict_with_the_default_policy(project, policy) -> None:
    found = []
    syllables = Syllables()
    for job in jobs(project, Selection(brands=["*"], editions=["*"])):
        result = lint_leaflet(project, job, policy, syllables)
        assert result.error is None, result.error
        found += [f"{job.locale}: {f}" for f in result.findings]
    assert found == [], "\n".join(found)
