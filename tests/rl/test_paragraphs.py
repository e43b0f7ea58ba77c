"""Paragraphs in the adapter: text reaches ReportLab as data, fragments made from a template of
the same shape are the parser's, and a layout reused across leaflets gives the bytes of a cold
build."""

from __future__ import annotations

import copy
import hashlib
import shutil

import pytest
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

from handoutgen import cache
from handoutgen.build import Job, build_one
from handoutgen.layout import text as text_module
from handoutgen.layout.builder import Builder
from handoutgen.layout.fonts import register_families
from handoutgen.layout.hyphenation import preload
from handoutgen.layout.scripts import LocaleRules
from handoutgen.layout.styles import Styles, color, styles_for
from handoutgen.layout.text import tree
from handoutgen.model import Span
from handoutgen.project import Project
from handoutgen.rl import paragraphs
from handoutgen.rl.linebreak import FastLines
from handoutgen.rl.paragraphs import Layout, fragments, parse, reused_layout

from ..conftest import described


def _builder(project: Project, lang: str = "en") -> Builder:
    rules = LocaleRules(project.theme("default", "standard"), lang)
    register_families(rules.families(), project.fonts_dir)
    if rules.hyphenation:
        preload(rules.hyphenation, project.root)
    return Builder(Styles(rules), 300, 800)


def test_fragments_take_text_as_data_with_bold_links_and_fallback_fonts(project: Project):
    theme = project.theme("default", "standard")
    register_families(theme.fonts, project.fonts_dir)
    style = ParagraphStyle("t", fontName="sans-regular", fontSize=10, leading=12)
    hostile = 'AT&T <img src="/etc/passwd"/> &amp; <b>x</b>  \n  two  spaces'
    spans = (
        Span(" " + hostile),
        Span(" bold", bold=True),
        Span("site", href="https://example.org/a?b=1&c=2"),
        Span(" 500\u00a0mg "),
    )
    frags = parse(tree(spans, color("#123456"), None), style)
    assert frags is not None
    assert "".join(f.text for f in frags) == (
        'AT&T <img src="/etc/passwd"/> &amp; <b>x</b> two spaces boldsite 500\u00a0mg'
    )
    by_text = {f.text: f for f in frags}
    assert by_text[" bold"].fontName == "sans-bold"
    assert by_text["site"].link == [(0, "https://example.org/a?b=1&c=2")]
    assert by_text["site"].us_lines and by_text["site"].textColor.hexval() == "0x123456"
    assert not any(f.link for f in frags if f.text != "site")
    assert all(not hasattr(f, "cbDefn") for f in frags)  # no image, no anchor
    # a character the first font lacks is set in the next font of the chain
    chain = [("sans-regular", "sans-bold"), ("cjk-sc-regular", "cjk-sc-bold")]
    mixed = parse(tree((Span("Dose 药"), Span("药 x", bold=True)), color("#000000"), chain), style)
    assert [(f.text, f.fontName) for f in mixed or []] == [
        ("Dose ", "sans-regular"),
        ("药", "cjk-sc-regular"),
        ("药 ", "cjk-sc-bold"),
        ("x", "sans-bold"),
    ]


# --- layouts reused across leaflets: the same bytes, warm or cold ------------------------------

REUSE_JOBS = [
    Job("neuromyotonia", "en", "default", "large-print", "letter"),  # table cells split in rows
    Job("neuromyotonia", "en", "example-clinic", "large-print", "letter"),
    Job("neuromyotonia", "en", "default", "standard", "a4"),
    Job("neuromyotonia", "de", "example-clinic", "large-print", "letter"),  # hyphenation off
    Job("neuromyotonia", "de", "default", "standard", "letter"),  # hyphenated
    Job("neuromyotonia", "zh-Hans", "default", "standard", "a4"),  # CJK line breaking
    Job("neuromyotonia", "ar", "default", "standard", "a4"),  # right to left
]


def _sha(project: Project, job: Job) -> str:
    rendered, outcome = build_one(project, job)
    assert rendered is not None, outcome.reason
    return hashlib.sha256(rendered.pdf).hexdigest()


def test_reused_layouts_give_the_bytes_of_a_cold_build(project: Project, monkeypatch):
    breaks = {"n": 0}
    original, fast = Paragraph.breakLines, FastLines.breakLines

    def counted(self, width):
        if not isinstance(self, FastLines):  # counted once, where it starts
            breaks["n"] += 1
        return original(self, width)

    def counted_fast(self, width):
        breaks["n"] += 1
        return fast(self, width)

    monkeypatch.setattr(Paragraph, "breakLines", counted)
    monkeypatch.setattr(FastLines, "breakLines", counted_fast)
    cold, cold_breaks = {}, {}
    for job in REUSE_JOBS:
        paragraphs._layouts.clear()
        breaks["n"] = 0
        cold[job] = _sha(project, job)
        cold_breaks[job] = breaks["n"]
    for order in (REUSE_JOBS, REUSE_JOBS[::-1]):
        paragraphs._layouts.clear()
        for job in order:
            _sha(project, job)  # every layout of the set in the cache
        for job in order:
            breaks["n"] = 0
            assert _sha(project, job) == cold[job], job
            if cold_breaks[job]:  # right-to-left paragraphs break their own lines
                # what is broken again: the parts of paragraphs split over a page (a quarter
                # of them in the 56-page German large-print A5 leaflet of content 1.1)
                assert breaks["n"] <= cold_breaks[job] // 3, (job, breaks["n"])


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", "A sentence long enough to need several lines in a narrow column. "),
        # hyphenated: the split takes ReportLab's path that edits fragment classes
        ("de", "Nervenübererregbarkeitssyndrom und Autoimmunerkrankungsbehandlungen sowie "),
    ],
)
def test_a_split_paragraph_leaves_its_shared_layout_as_it_was(project: Project, lang, words):
    builder = _builder(project, lang)
    width = 170
    spans = (
        Span(words * 6),
        Span("A link", href="https://example.org/a/long/path/that/breaks"),
        Span(" and bold words", bold=True),
        Span(" after it. " * 8),
    )

    def lines(para) -> list[str]:
        if not hasattr(para, "blPara"):
            para.wrap(width, 1000)
        return [" ".join(getattr(w, "text", "") for w in line.words) for line in para.blPara.lines]

    def state(layout) -> object:
        return {k: (described(v[0]), described(v[1].lines)) for k, v in layout.steps.items()}

    first = builder.text(spans, builder.styles.para["body"])
    first.wrap(width, 1000)
    expected = lines(first)
    layout = first.layout
    assert layout is not None and layout.steps
    if lang == "de":
        assert first._hyphenations > 0
    before = state(layout)
    top, rest = first.split(width, first.style.leading * 2)  # de: after "...erkran-"
    assert first.layout is None  # it took its own copy before ReportLab's split edited it
    assert state(layout) == before
    second = builder.text(spans, builder.styles.para["body"])
    assert second.layout is layout
    second.wrap(width, 1000)
    assert lines(second) == expected
    top2, rest2 = second.split(width, second.style.leading * 2)
    assert [lines(p) for p in (top2, rest2)] == [lines(p) for p in (top, rest)]
    assert state(layout) == before


def test_layouts_kept_are_bounded(monkeypatch):
    monkeypatch.setattr(paragraphs, "_layouts", cache.Memo("test layouts", kept=3))
    made = [reused_layout(n, lambda n=n: Layout(str(n), [])) for n in range(5)]
    assert len(paragraphs._layouts) == 3
    assert reused_layout(4, lambda: Layout("new", [])) is made[4]
    assert reused_layout(0, lambda: Layout("again", [])).text == "again"  # dropped first


def test_a_deep_copy_platypus_makes_lays_itself_out_and_keeps_nothing(project: Project):
    builder = _builder(project)
    spans = (Span("Words enough for a few lines of a narrow column here. " * 5),)
    para = builder.text(spans, builder.styles.para["body"])
    para.wrap(200, 1000)
    layout = para.layout
    steps = dict(layout.steps)
    twin = copy.deepcopy(para)  # what KeepTogether does to try a split
    assert twin.layout is layout and twin.frags is not para.frags
    twin.wrap(150, 1000)
    assert layout.steps == steps  # a copy's fragments are not the layout's: nothing kept
    fresh = builder.text(spans, builder.styles.para["body"])
    fresh.layout = None  # laid out from scratch
    fresh.wrap(150, 1000)
    assert twin.blPara.lines == fresh.blPara.lines  # one style: plain (space, words) lines


def test_fragments_from_a_template_are_the_parsers(project: Project, monkeypatch):
    """Fragments made from an earlier paragraph of the same shape equal, attribute for
    attribute, those the parser makes: for every paragraph of leaflets in several locales
    (fallback fonts in zh-Hans, hyphenation in de) and both brands."""
    seen: list[tuple[object, object]] = []

    def compared(tree_, style, token):
        frags = fragments(tree_, style, token)
        parsed = parse(tree_, style)
        # as made: line breaking marks the fragments it is given afterwards
        seen.append(([described(f) for f in frags], [described(f) for f in parsed]))
        return frags

    monkeypatch.setattr(text_module, "fragments", compared)
    paragraphs._templates.clear()
    paragraphs._layouts.clear()
    for job in (
        Job("neuromyotonia", "en", "default", "standard", "a4"),
        Job("neuromyotonia", "de", "example-clinic", "standard", "a4"),
        Job("neuromyotonia", "zh-Hans", "default", "large-print", "letter"),
        Job("neuromyotonia", "tr", "example-clinic", "large-print", "letter"),
    ):
        _sha(project, job)
    assert len(seen) > 100
    assert len(paragraphs._templates) < len(seen) / 3  # most came from a template
    for frags, parsed in seen:
        assert frags == parsed


def test_a_brand_with_other_faces_gets_its_own_fragments(scratch: Project):
    """Two brands whose font chains differ only in a face the other lacks (bold italic): the
    same shape of paragraph must not take the other brand's fragments."""
    brand_dir = scratch.brands_dir / "bi"
    shutil.copytree(scratch.brands_dir / "default", brand_dir)
    with (brand_dir / "brand.yaml").open("a", encoding="utf-8") as fh:
        fh.write("theme:\n  fonts:\n    cjk-sc: {bold_italic: NotoSans-BoldItalic.ttf}\n")
    paragraphs._templates.clear()
    out: dict[str, set] = {}
    for brand, spans in (
        ("default", (Span("重要", bold=True), Span("请注意。"))),
        ("bi", (Span("提示", bold=True), Span("请休息。"))),
        ("default", (Span("警告", bold=True), Span("请休息。"))),
    ):
        rules = LocaleRules(scratch.theme(brand, "standard"), "zh-Hans")
        register_families(rules.families(), scratch.fonts_dir)
        styles = styles_for(rules)
        style = styles.para["body"]
        faces, token = styles.faces(style), styles.key(style)
        link = "#0b4f8a"
        made = fragments(tree(spans, color(link), faces), style, (token, link))
        parsed = parse(tree(spans, color(link), faces), style)
        assert [(f.fontName, f.text) for f in made] == [(f.fontName, f.text) for f in parsed]
        out.setdefault(brand, set()).add(token)
        assert made[0].fontName == "cjk-sc-bold"  # bold text in the bold face, either brand
    assert out["default"].isdisjoint(out["bi"])
