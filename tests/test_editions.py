"""Editions are data: templates/editions.yaml names each one and its theme layers; a new one is
an entry there (and a theme file), and every problem of the file is named at its line."""

from __future__ import annotations

import pytest

from handoutgen.build import Job, build_one
from handoutgen.editions import load_editions
from handoutgen.errors import InputError
from handoutgen.project import Project


def test_the_shipped_editions(project: Project):
    assert project.editions() == ["standard", "large-print", "booklet", "print-shop"]
    assert project.edition("large-print").theme == ("large-print",)
    assert project.edition("booklet").booklet.sheet == "a4"  # A5 pages on A4 sheets
    assert project.edition("print-shop").print_shop.bleed_mm == 3
    assert project.theme_files("large-print")[-1].name == "large-print.yaml"


def test_a_new_edition_is_data(scratch: Project):
    (scratch.themes_dir / "compact.yaml").write_text("styles:\n  body: {size: 10, leading: 13}\n")
    with (scratch.templates_dir / "editions.yaml").open("a", encoding="utf-8") as fh:
        fh.write("compact:\n  description: small print for a wallet\n  theme: [compact]\n")
    project = Project(scratch.root)
    assert project.editions() == ["standard", "large-print", "booklet", "print-shop", "compact"]
    assert project.theme("default", "compact").styles["body"].size == 10
    rendered, outcome = build_one(project, Job("neuromyotonia", "en", "default", "compact", "a4"))
    assert rendered is not None, outcome.reason
    assert outcome.job.relpath == "default/en/neuromyotonia.compact.a4.pdf"


def test_every_problem_of_the_editions_file_is_named_at_its_line(scratch: Project):
    path = scratch.templates_dir / "editions.yaml"
    path.write_text(
        "standard: {theme: []}\n"
        "Big Print: {theme: []}\n"
        "huge:\n  theme: [no-such-theme]\n"
        "odd:\n  description: x\n  colour: red\n"
        "two:\n  duplex: DuplexFlipSideways\n  papers: [a4]\n"
    )
    with pytest.raises(InputError) as caught:
        load_editions(scratch.templates_dir, root=scratch.root)
    found = [(p.line, p.field, p.message.split(" (")[0]) for p in caught.value.problems]
    assert found == [
        (2, "Big Print", "an edition name is lower-case letters, digits, -"),
        (4, "huge.theme[0]", "no theme 'no-such-theme'"),
        (
            6,
            "odd",
            "takes only 'booklet', 'description', 'duplex', 'papers', 'print_shop', 'theme'",
        ),
        (9, "two.duplex", "must be one of Simplex, DuplexFlipShortEdge, DuplexFlipLongEdge"),
        (10, "two.papers", "must be {only: [paper, ...], why: text}"),
    ]


def test_large_print_on_a5_is_refused_when_named_and_left_out_of_a_glob(project: Project):
    """UKAAF clear print: A4 or Letter. Named, A5 large print is a selection error that says
    why and what to choose; a glob over papers and editions leaves it out; a job made by hand
    fails with the same reason."""
    from handoutgen.errors import SelectionError
    from handoutgen.leaflet import Selection, expand

    with pytest.raises(SelectionError) as caught:
        expand(project, Selection(None, ["en"], None, ["large-print"], ["a5"]))
    assert "large-print edition is not made on a5 paper" in str(caught.value)
    assert "A4 or Letter" in str(caught.value) and "choose a4, letter" in str(caught.value)
    jobs = expand(project, Selection(None, ["en"], None, ["*"], ["*"]))
    assert {(j.edition, j.paper) for j in jobs} == {
        ("standard", "a4"),
        ("standard", "a5"),
        ("standard", "letter"),
        ("large-print", "a4"),
        ("large-print", "letter"),
        ("booklet", "a5"),  # A5 pages, two a side of A4
        ("print-shop", "a4"),
        ("print-shop", "a5"),
        ("print-shop", "letter"),
    }
    rendered, outcome = build_one(
        project, Job("neuromyotonia", "en", "default", "large-print", "a5")
    )
    assert rendered is None and outcome.status == "failed"
    assert "not made on a5 paper" in (outcome.reason or "")


def test_print_settings_are_in_every_pdf(project: Project):
    """Actual size (/PrintScaling /None, as the README asks) and each edition's duplex
    preference, read back from the PDF's /ViewerPreferences."""
    import io

    import pypdf

    for edition in project.editions():
        made = project.edition(edition)
        paper = "a4" if made.allows("a4") else made.papers[0]
        job = Job("neuromyotonia", "en", "default", edition, paper)
        rendered, outcome = build_one(project, job)
        assert rendered is not None, outcome.reason
        prefs = pypdf.PdfReader(io.BytesIO(rendered.pdf)).trailer["/Root"]["/ViewerPreferences"]
        assert prefs["/PrintScaling"] == "/None"
        assert prefs["/Duplex"] == "/" + project.edition(edition).duplex
