"""``generate.py lint``: findings at file:line and section (topic YAML, PO entry), the JSON
report's shape, exit codes with and without --strict, a policy file's problems at their line,
and no network access at all (textstat would otherwise download NLTK's CMU dictionary)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from handoutgen.cli import main
from tests.conftest import ROOT, copy_project


def lint(root: Path, *args: str) -> int:
    return main(["--root", str(root), "lint", *args])


@pytest.fixture(scope="module")
def english_report() -> dict:
    """The shipped English leaflet's report, made with every network call refused."""
    import nltk

    blocked: list[str] = []
    state = {"on": True}

    def hook(event: str, args: tuple) -> None:
        if state["on"] and event.startswith(("socket.", "urllib.")):
            blocked.append(event)
            raise OSError(f"network blocked in this test: {event}")

    sys.addaudithook(hook)  # audit hooks cannot be removed: this one is switched off after
    download = nltk.download
    nltk.download = lambda *a, **k: blocked.append("nltk.download")  # type: ignore[assignment]
    try:
        from contextlib import redirect_stdout
        from io import StringIO

        out = StringIO()
        with redirect_stdout(out):
            code = lint(ROOT, "neuromyotonia", "--locale", "en", "--json")
    finally:
        state["on"] = False
        nltk.download = download
    assert blocked == []
    assert code == 0  # findings are printed; without --strict they do not fail
    return json.loads(out.getvalue())


def test_json_shape(english_report: dict) -> None:
    assert set(english_report) == {"policy", "today", "leaflets", "findings", "strict"}
    assert english_report["policy"] == "templates/lint.yaml"
    (leaflet,) = english_report["leaflets"]
    assert {"topic", "locale", "brand", "edition", "figures", "sections"} <= set(leaflet)
    assert (leaflet["topic"], leaflet["locale"], leaflet["brand"], leaflet["edition"]) == (
        "neuromyotonia",
        "en",
        "default",
        "standard",
    )
    figures = leaflet["figures"]
    assert 0 < figures["flesch_kincaid_grade"] < 20 and 3 < figures["smog"] < 20
    assert figures["words"] > 500 and figures["question_headings"] == "13/13"
    # each content section measured, sources left out of the prose
    assert {"what-it-is", "treatment", "when-to-get-help"} <= set(leaflet["sections"])
    hardest = leaflet["hardest_sentences"]
    assert len(hardest) == 5 and all(h["words"] >= 8 for h in hardest)
    assert {h["measure"] for h in hardest} == {"flesch_kincaid_grade"}
    values = [h["value"] for h in hardest]
    assert values == sorted(values, reverse=True)
    assert all(not h["sentence"].startswith("Acquired Neuromyotonia") for h in hardest)
    for finding in leaflet["findings"]:
        assert set(finding) == {"rule", "place", "section", "message", "value", "limit"}
        assert ":" in finding["place"]
    assert english_report["findings"] == len(leaflet["findings"])


def test_a_long_sentence_is_found_at_its_topic_line(tmp_path: Path, capsys) -> None:
    project = copy_project(tmp_path / "p")
    topic = project.root / "handouts" / "neuromyotonia.yaml"
    lines = topic.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if "Neuromyotonia is a rare illness. It" in line)
    long = " ".join(["The nerves that control your muscles"] * 6) + " all work."
    lines[at] = lines[at].replace("Neuromyotonia is a rare illness. It", long + " It")
    topic.write_text("".join(lines), encoding="utf-8")
    assert lint(project.root, "neuromyotonia", "--locale", "en", "--json") == 0
    findings = json.loads(capsys.readouterr().out)["leaflets"][0]["findings"]
    found = [f for f in findings if f["rule"] == "structure.sentences"]
    # the block's line (its text starts on the line after `text: >-`)
    block_line = int(found[0]["place"].rsplit(":", 1)[1])
    assert found[0]["place"].startswith("handouts/neuromyotonia.yaml:")
    assert at + 1 - 3 <= block_line <= at + 1
    assert found[0]["section"] == "what-it-is" and found[0]["value"] == 38


def test_a_translation_finding_names_its_po_entry(tmp_path: Path, capsys) -> None:
    """A finding in a translation is placed at its entry of the catalog: the entry's first line
    (its translator comments), the entry running on to its msgctxt and msgid."""
    import polib

    project = copy_project(tmp_path / "p")
    path = project.root / "locales/es/LC_MESSAGES/handouts.po"
    catalog = polib.pofile(str(path), wrapwidth=0)
    context = "neuromyotonia/what-it-is/intro"
    entry = next(e for e in catalog if e.msgctxt == context)
    long = " ".join(["Los nervios que controlan sus músculos"] * 6) + " trabajan."
    entry.msgstr = long + " También se llama **síndrome de Isaacs**."  # its bold kept
    catalog.save()
    assert lint(project.root, "neuromyotonia", "--locale", "es", "--json") == 0
    findings = json.loads(capsys.readouterr().out)["leaflets"][0]["findings"]
    in_po = [f for f in findings if f["place"].startswith("locales/es/LC_MESSAGES/handouts.po:")]
    assert [f["rule"] for f in in_po if f["section"] == "what-it-is"] == ["structure.sentences"]
    po = path.read_text(encoding="utf-8").splitlines()
    for finding in in_po:
        line = int(finding["place"].rsplit(":", 1)[1])
        assert po[line - 1].strip() and (line == 1 or not po[line - 2].strip()), finding
        end = next((i for i in range(line, len(po)) if not po[i].strip()), len(po))
        entry_lines = po[line - 1 : end]
        assert any(x.startswith(("msgctxt", "msgid")) for x in entry_lines), finding
        if finding["section"] == "what-it-is":
            assert f'msgctxt "{context}"' in entry_lines, finding


def test_strict_exits_1_on_a_finding_and_0_under_a_policy_it_meets(tmp_path: Path, capsys) -> None:
    project = copy_project(tmp_path / "p")
    topic = project.root / "handouts" / "neuromyotonia.yaml"
    text = topic.read_text(encoding="utf-8")
    long = " ".join(["Your nerves send signals to your muscles"] * 4) + " all day."
    assert "Neuromyotonia is a rare illness." in text
    topic.write_text(text.replace("Neuromyotonia is a rare illness.", long), encoding="utf-8")
    assert lint(project.root, "neuromyotonia", "--locale", "en", "--strict") == 1
    out = capsys.readouterr().out
    assert "finding(s)" in out and "handouts/neuromyotonia.yaml:" in out
    assert "structure.sentences" in out
    policy = project.root / "templates" / "lint.yaml"
    lenient = policy.read_text(encoding="utf-8")
    for old, new in (
        ("{max: 7}", "{max: 99}"),
        ("{max: 8}", "{max: 99}"),
        ("require_link: true", "require_link: false"),
        ("allow: [", "allow: [CASPR2, LGI1, CT, MRI, IVIG, NORD, HLA, "),
        ("max_words: {default: 25,", "max_words: {default: 99,"),
        ("max_sentences: 5", "max_sentences: 99"),
    ):
        lenient = lenient.replace(old, new)
    policy.write_text(lenient, encoding="utf-8")
    assert lint(project.root, "neuromyotonia", "--locale", "en", "--strict") == 0
    assert "0 finding(s)" in capsys.readouterr().out


def test_a_policy_problem_is_named_at_its_line(tmp_path: Path, capsys) -> None:
    project = copy_project(tmp_path / "p")
    policy = project.root / "templates" / "lint.yaml"
    text = policy.read_text(encoding="utf-8")
    text = text.replace("smog: {max: 8}", 'smog: {max: "eight"}').replace(
        "atesman: {min: 70}", "atesmann: {min: 70}"
    )
    policy.write_text(text, encoding="utf-8")
    assert lint(project.root, "--locale", "en") == 1
    err = capsys.readouterr().err
    lines = text.splitlines()
    smog = next(i for i, line in enumerate(lines, 1) if '"eight"' in line)
    typo = next(i for i, line in enumerate(lines, 1) if "atesmann" in line)
    assert f"templates/lint.yaml:{smog}: readability.en.smog: must be" in err
    assert f"templates/lint.yaml:{typo}: readability.tr.atesmann: unknown measure" in err
    assert "Traceback" not in err


def test_default_selection_is_every_topic_and_locale_default_brand_standard(project) -> None:
    from handoutgen.leaflet import Selection
    from handoutgen.lint import jobs

    chosen = jobs(project, Selection())
    assert {j.locale for j in chosen} == set(project.locales())
    assert {j.topic for j in chosen} == set(project.topics())
    assert {(j.brand, j.edition) for j in chosen} == {("default", "standard")}


def test_no_cache_measures_the_same(capsys) -> None:
    """--no-cache composes without caches; the dictionaries are loaded once per run either
    way (a memo table per word made it load the CMU dictionary for every word: minutes)."""
    from handoutgen import cache

    assert lint(ROOT, "neuromyotonia", "--locale", "en", "--json") == 0
    cached = capsys.readouterr().out
    cache.set_enabled(False)
    try:
        command = ["--root", str(ROOT), "--no-cache", "lint", "neuromyotonia", "--locale", "en"]
        assert main([*command, "--json"]) == 0
    finally:
        cache.set_enabled(True)
    assert capsys.readouterr().out == cached


def test_check_names_a_policy_problem_too(tmp_path: Path, capsys) -> None:
    project = copy_project(tmp_path / "p")
    policy = project.root / "templates" / "lint.yaml"
    text = policy.read_text(encoding="utf-8").replace(
        "require_link: true", "require_link: yes please"
    )
    policy.write_text(text, encoding="utf-8")
    assert main(["--root", str(project.root), "check"]) == 1
    line = next(i for i, x in enumerate(text.splitlines(), 1) if "yes please" in x)
    assert f"templates/lint.yaml:{line}: structure.sources.require_link: must be true or false" in (
        capsys.readouterr().err
    )
