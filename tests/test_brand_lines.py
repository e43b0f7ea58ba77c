"""A brand's own lines in a topic: out_of_hours in the same-day box, driving and support_groups
after the paragraphs with those ids (templates/blocks/callout.xml.j2 and paragraph.xml.j2)."""

from __future__ import annotations

import re

from handoutgen.blocks.callout import DocBox
from handoutgen.blocks.paragraph import DocPara
from handoutgen.compose import ComposeRequest, compose
from handoutgen.localize import load_catalog, localize
from handoutgen.project import Project

SAME_DAY = "the same day if you have:"


def _doc(project: Project, brand: str, locale: str = "en"):
    catalog = load_catalog(project.locales_dir, locale)
    localized = localize(project.handout("neuromyotonia"), catalog, locale)
    request = ComposeRequest(localized, project.brand(brand), "standard", catalog)
    return compose(request, templates_dir=project.templates_dir)


def _text(block: object) -> str:
    return "".join(s.text for s in getattr(block, "text", ()) or ())


def _box(doc, title_part: str) -> DocBox:
    return next(
        b
        for b in doc.blocks
        if isinstance(b, DocBox) and b.title and title_part in "".join(s.text for s in b.title)
    )


def test_the_same_day_box_ends_with_the_brands_out_of_hours_route(project: Project):
    uk = _box(_doc(project, "default"), SAME_DAY)
    assert "NHS 111" in _text(uk.blocks[-1])
    us = _box(_doc(project, "example-clinic"), SAME_DAY)
    # a no-break space holds the number together (it was split over two lines in de large print)
    assert "after-hours nurse line at (555)\u00a0010-0199" in _text(us.blocks[-1])
    emergency = _box(_doc(project, "default"), "now if you or the person you care for has:")
    assert not any("NHS 111" in _text(b) for b in emergency.blocks)


def test_the_route_prints_in_the_leaflets_language(project: Project):
    box = next(
        b
        for b in _doc(project, "default", "es").blocks
        if isinstance(b, DocBox) and any("NHS 111" in _text(x) for x in b.blocks)
    )
    assert "Cuando estemos cerrados" in _text(box.blocks[-1])


def test_driving_and_support_lines_follow_their_paragraphs(project: Project):
    paras = [_text(b) for b in _doc(project, "default").blocks if isinstance(b, DocPara)]
    driving = next(i for i, t in enumerate(paras) if t.startswith("Driving"))
    assert "DVLA (Driver and Vehicle Licensing Agency)" in paras[driving + 1]
    support = next(i for i, t in enumerate(paras) if t.startswith("Support"))
    assert "support groups near Northbridge" in paras[support + 1]
    us = [_text(b) for b in _doc(project, "example-clinic").blocks if isinstance(b, DocPara)]
    assert any("differ from state to state" in t for t in us)
    assert not any("DVLA" in t for t in us)


def test_a_brand_without_the_lines_prints_nothing_there(scratch: Project):
    brand = scratch.brands_dir / "default" / "brand.yaml"
    text = brand.read_text(encoding="utf-8")
    for key in ("out_of_hours", "driving", "support_groups"):  # each key and its language lines
        text = re.sub(rf"^{key}:.*\n(?:  .*\n)*", "", text, flags=re.M)
    brand.write_text(text, encoding="utf-8")
    doc = _doc(Project(scratch.root), "default")
    box = _box(doc, SAME_DAY)
    assert _text(box.blocks[-1]) == ""  # the box ends with its medicine list, not a paragraph
    paras = [_text(b) for b in doc.blocks if isinstance(b, DocPara)]
    driving = next(i for i, t in enumerate(paras) if t.startswith("Driving"))
    assert paras[driving + 1].startswith("Support")
