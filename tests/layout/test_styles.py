"""Styles per locale: made once per theme and locale, tokens that tell styles and font files
apart, and nothing that grows per leaflet."""

from __future__ import annotations

from handoutgen.build import Job, build_one
from handoutgen.layout import styles as styles_module
from handoutgen.layout.fonts import font_file, register_families
from handoutgen.layout.scripts import LocaleRules
from handoutgen.layout.styles import Styles, styles_for
from handoutgen.project import Project


def test_styles_are_made_once_per_theme_and_locale(project: Project):
    theme = project.theme("default", "standard")
    other = project.theme("example-clinic", "standard")
    en = styles_for(LocaleRules(theme, "en"))
    assert styles_for(LocaleRules(theme, "en")) is en
    assert styles_for(LocaleRules(theme, "de")) is not en
    assert styles_for(LocaleRules(other, "en")) is not en
    assert styles_for(LocaleRules(theme, "ar", "rtl")).rtl and not en.rtl


def test_a_layout_is_reused_only_for_the_same_style_and_font_files(project: Project, monkeypatch):
    theme = project.theme("default", "standard")
    rules = LocaleRules(theme, "en")
    register_families(rules.families(), project.fonts_dir)
    styles, again = Styles(rules), Styles(rules)
    body = styles.para["body"]
    assert styles.key(body) == again.key(again.para["body"])  # equal styles of two leaflets
    assert styles.key(body) != styles.key(styles.para["h2"])
    assert styles.key(body) != styles.key(styles.derive("body", fontSize=body.fontSize + 1))
    # a brand that maps the family to another file: the same names, another layout
    assert font_file(body.fontName).endswith(".ttf")
    monkeypatch.setattr(
        styles_module,
        "font_file",
        lambda n: "/elsewhere/Other.ttf" if n == body.fontName else font_file(n),
    )
    other = Styles(rules)
    assert other.key(other.para["body"]) != styles.key(body)


def test_styles_kept_for_a_process_do_not_grow_per_leaflet(project: Project):
    job = Job("neuromyotonia", "de", "default", "standard", "a4")  # links: no-hyphen styles
    build_one(project, job)
    styles = styles_for(LocaleRules(project.theme("default", "standard"), "de"))
    sizes = []
    for _ in range(3):
        build_one(project, job)
        sizes.append(
            (len(styles._keys), len(styles._unhyphenated), len(styles_module._STYLE_TOKENS))
        )
    assert sizes[0] == sizes[1] == sizes[2]


def test_headings_are_never_hyphenated_and_stay_with_what_follows(project: Project):
    """Per-style rules are theme data (``hyphenate``, ``keep_with_next``), not code."""
    theme = project.theme("default", "standard")
    de = Styles(LocaleRules(theme, "de"))
    assert de.para["body"].hyphenationLang == "de_DE"
    for name in ("title", "h2", "h3", "masthead_name"):
        assert not getattr(de.para[name], "hyphenationLang", ""), name
    assert de.para["h2"].keepWithNext and de.para["h3"].keepWithNext
    assert not de.para["body"].keepWithNext
    large = Styles(LocaleRules(project.theme("default", "large-print"), "de"))
    assert not getattr(large.para["body"], "hyphenationLang", "")  # large print: never
