from __future__ import annotations

import copy

import pytest
from reportlab.platypus import Paragraph

from handoutgen.build import Job, build_one
from handoutgen.project import Project
from handoutgen.rl import linebreak
from handoutgen.rl.linebreak import FastLines

from ..conftest import described


def _both(para: Paragraph, frags: list, width: object) -> tuple[object, object]:
    """(ReportLab's breakLines, FastLines') for the same paragraph state: the lines, the
    fragments left on the paragraph, the widths list after, and the counters."""
    out = []
    for method in (Paragraph.breakLines, FastLines.breakLines):
        para.frags = copy.deepcopy(frags)
        widths = list(width) if isinstance(width, list) else width
        lines = method(para, widths)
        out.append(
            described(
                (
                    lines,
                    para.frags,
                    widths,
                    para._width_max,
                    para._hyphenations,
                    para._splitLongWordCount,
                )
            )
        )
    return out[0], out[1]


@pytest.fixture(scope="module")
def recorded(project: Project) -> list[tuple[Paragraph, list, object, bool]]:
    """Every line breaking of real leaflets (several locales, papers, editions, both brands):
    (paragraph, fragments it started from, widths, whether the fast path took it)."""
    calls = []
    original = FastLines.breakLines

    def record(self, width):
        frags = copy.deepcopy(self.frags)
        widths = list(width) if isinstance(width, list) else width
        if len(self.frags) == 1 and not _processed(self.frags):
            fast = self._fast_lines(list(widths) if isinstance(widths, list) else widths)
        else:
            fast = self._fast_frag_lines(list(widths) if isinstance(widths, list) else widths)
        self.frags = copy.deepcopy(frags)
        calls.append((self, frags, widths, fast is not None))
        return original(self, width)

    jobs = [
        Job("neuromyotonia", "en", "default", "standard", "a4"),
        Job("neuromyotonia", "de", "default", "standard", "letter"),  # hyphenated
        Job("neuromyotonia", "es", "example-clinic", "large-print", "letter"),  # wide text
        Job("neuromyotonia", "tr", "default", "standard", "a5"),
    ]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(FastLines, "breakLines", record)
        from handoutgen.rl import paragraphs

        paragraphs._layouts.clear()
        for job in jobs:
            rendered, outcome = build_one(project, job)
            assert rendered is not None, outcome.reason
    return calls


def _processed(frags: list) -> bool:
    from reportlab.platypus.paragraph import _processed_frags

    return bool(_processed_frags(frags))


def test_real_leaflets_break_as_reportlab_does(recorded):
    assert len(recorded) > 200
    for para, frags, widths, _fast in recorded:
        ours, theirs = _both(para, frags, widths)
        assert theirs == ours, "".join(getattr(f, "text", "") for f in frags)[:80]


def test_most_real_paragraphs_take_the_fast_paths(recorded):
    single = [fast for _, frags, _, fast in recorded if len(frags) == 1 and not _processed(frags)]
    several = [fast for _, frags, _, fast in recorded if len(frags) > 1 or _processed(frags)]
    assert single and several
    assert sum(single) / len(single) > 0.8
    assert sum(several) / len(several) > 0.6


def _para(project: Project, lang: str, spans, *, style: str = "body", marker=None):
    from handoutgen.layout.builder import Builder
    from handoutgen.layout.fonts import register_families
    from handoutgen.layout.hyphenation import preload
    from handoutgen.layout.scripts import LocaleRules
    from handoutgen.layout.styles import Styles

    theme = project.theme("default", "standard")
    rules = LocaleRules(theme, lang)
    register_families(rules.families(), project.fonts_dir)
    if rules.hyphenation:
        preload(rules.hyphenation, project.root)
    builder = Builder(Styles(rules), 300, 800)
    return builder.text(spans, builder.styles.para[style], marker=marker)


def _span(text: str, **kw):
    from handoutgen.model import Span

    return Span(text, **kw)


CASES = {
    "plain": ("en", [_span("Plain words that wrap over a few lines in a column. " * 4)], True),
    "no-break space": ("en", [_span("Call 0800\u00a0123\u00a0456 or ask. " * 6)], True),
    "bold and link": (
        "en",
        [
            _span("Lead in: ", bold=True),
            _span("text that runs on " * 5),
            _span("a link", href="https://example.org/x"),
            _span(", and more words after it. " * 3),
        ],
        True,
    ),
    "word longer than a line": ("en", [_span("short " + "x" * 90 + " short")], False),
    "soft hyphens": ("en", [_span("Neuro\u00admyo\u00adtonia is rare. " * 8)], False),
    "German, hyphenated": (
        "de",
        [_span("Die Autoimmunerkrankungsbehandlung und Nervenübererregbarkeit. " * 5)],
        False,
    ),
    "German, bold, hyphenated": (
        "de",
        [
            _span("Wichtig: ", bold=True),
            _span("Die Autoimmunerkrankungsbehandlung und Nervenübererregbarkeit. " * 5),
        ],
        False,
    ),
    "German, short words": ("de", [_span("Ein Satz mit kurzen Wörtern. " * 8)], True),
}


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("width", [90.0, 170.0, [150.0, 170.0]])
def test_edge_cases_break_as_reportlab_does(project: Project, name, width):
    lang, spans, fast_everywhere = CASES[name]
    para = _para(project, lang, tuple(spans))
    frags = copy.deepcopy(para.frags)
    ours, theirs = _both(para, frags, width)
    assert theirs == ours
    if fast_everywhere:  # and it was the fast path that gave them, not a fallback
        para.frags = copy.deepcopy(frags)
        several = len(frags) > 1
        took = (para._fast_frag_lines if several else para._fast_lines)(copy.copy(width))
        assert took is not None


def test_a_marker_narrows_the_first_line_as_reportlab_does(project: Project):
    para = _para(project, "en", (_span("Item text that wraps onto a second line. " * 3),))
    para.bulletText = "\u2022" * 30  # wider than the indent: the first line gets shorter
    frags = copy.deepcopy(para.frags)
    ours, theirs = _both(para, frags, [170.0, 170.0])
    assert theirs == ours
    para.frags = frags
    widths = [170.0, 170.0]
    assert para._fast_lines(widths) is not None
    assert widths[0] < 170.0 == widths[1]  # the first line, and only it, was narrowed


def test_a_second_wrap_from_the_word_list_breaks_as_reportlab_does(project: Project):
    spans = (_span("Bold start ", bold=True), _span("then plain words to wrap. " * 8))
    para = _para(project, "en", spans)
    para.layout = None
    para.wrap(200, 1000)
    assert _processed(para.frags)  # ReportLab left its word list on the paragraph
    ours, theirs = _both(para, copy.deepcopy(para.frags), [120.0, 120.0])
    assert theirs == ours
    para.frags = copy.deepcopy(para.frags)
    assert para._fast_frag_lines([120.0, 120.0]) is not None


def test_word_widths_are_kept_per_font_and_bounded(project: Project, monkeypatch):
    para = _para(project, "en", (_span("alpha beta gamma delta " * 5),))
    monkeypatch.setattr(linebreak, "WIDTHS_KEPT", 3)
    linebreak.forget_widths()
    para.breakLines([170.0, 170.0])
    assert linebreak._kept <= 3  # the cache was emptied when it filled
    keys = [k for k, table in linebreak._widths.items() if table]
    assert all(k[0] is not None for k in keys)


def test_bad_settings_fail_as_in_reportlab(project: Project):
    para = _para(project, "en", (_span("Some words to break. " * 4),))
    frags = copy.deepcopy(para.frags)
    cases = [
        ("hyphenationLang", "xx_ZZ", [170.0, 170.0]),  # no such dictionary
        ("hyphenationLang", 1, [170.0, 170.0]),  # neither a name nor a function
    ]
    for attr, value, width in cases:
        saved = para.style
        para.style = copy.copy(saved)
        setattr(para.style, attr, value)
        errors = []
        for method in (Paragraph.breakLines, FastLines.breakLines):
            para.frags = copy.deepcopy(frags)
            with pytest.raises(Exception) as err:
                method(para, list(width))
            errors.append(type(err.value))
        para.style = saved
        assert errors[0] is errors[1], (attr, value)
    para.bulletText = "\u2022" * 30  # tuple widths with a wide marker: ReportLab's TypeError
    for method in (Paragraph.breakLines, FastLines.breakLines):
        para.frags = copy.deepcopy(frags)
        with pytest.raises(TypeError):
            method(para, (170.0, 170.0))
