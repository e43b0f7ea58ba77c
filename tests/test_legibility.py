"""legibility: a theme (a brand's override included) whose text is smaller than its edition's
floor or fainter than WCAG AA on what is behind it is refused at the line that set it, by
``check`` and by the build, in every edition."""

from __future__ import annotations

import pytest

from handoutgen.build import Job, build_one
from handoutgen.cli import main
from handoutgen.errors import InputError
from handoutgen.legibility import contrast
from handoutgen.project import Project


def test_contrast_is_wcags_ratio():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#ffffff", "#ffffff") == pytest.approx(1)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


def test_every_shipped_theme_is_legible(project: Project):
    for brand in project.brands():
        for edition in project.editions():
            project.theme(brand, edition)  # raises if not


def _brand_theme(scratch: Project, override: str) -> Project:
    brand = scratch.root / "templates" / "brands" / "default" / "brand.yaml"
    brand.write_text(brand.read_text(encoding="utf-8") + override, encoding="utf-8")
    return Project(scratch.root)


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ("theme:\n  styles:\n    body: {size: 0}\n", "0 pt is under the 8 pt minimum"),
        ("theme:\n  styles:\n    body: {size: 1}\n", "1 pt is under the 8 pt minimum"),
        ("theme:\n  colors:\n    text: '#ffffff'\n", "#ffffff on #ffffff"),
        ("theme:\n  boxes:\n    urgent: {title: '#fdecee'}\n", "the urgent box"),
        ("theme:\n  colors:\n    link: '#dddddd'\n", "#dddddd on #ffffff"),
    ],
)
def test_a_brand_cannot_make_text_unreadable(scratch: Project, override: str, expected: str):
    project = _brand_theme(scratch, override)
    with pytest.raises(InputError) as info:
        project.brand("default")
    message = str(info.value)
    assert expected in message and "templates/brands/default/brand.yaml:" in message
    assert main(["--root", str(scratch.root), "check"]) == 1
    rendered, outcome = build_one(
        Project(scratch.root), Job("neuromyotonia", "en", "default", "standard", "a4")
    )
    assert rendered is None and outcome.status == "failed" and expected in outcome.reason
