"""Fonts in the adapter: the fast subset encoding gives exactly ReportLab's codes and subsets."""

from __future__ import annotations

import contextlib
import functools
import random

from reportlab.pdfbase.ttfonts import TTFont

from handoutgen.rl.fonts import SubsetFont

from ..conftest import ROOT


@contextlib.contextmanager
def _reportlab_loops():
    """Counts the calls of ReportLab's own splitString (its loop over characters)."""
    slow = {"n": 0}
    original = TTFont.splitString

    @functools.wraps(original)
    def counted(self, text, doc, encoding="utf-8"):
        slow["n"] += 1
        return original(self, text, doc, encoding)

    TTFont.splitString = counted
    try:
        yield slow
    finally:
        TTFont.splitString = original


class _Doc:
    """Stands in for a PDF document: fonts keep their per-document state by it (weakly)."""


def test_the_fast_encoding_gives_reportlabs_codes_and_subsets():
    path = str(ROOT / "fonts" / "NotoSansSC-Leaflet-Regular.ttf")
    ours, theirs = SubsetFont("t-ours", path), TTFont("t-theirs", path)
    cjk = [chr(c) for c in sorted(ours.face.charToGlyph) if c > 0x4E00][:400]
    rng = random.Random(5)
    texts = ["", "Hello, world", "500\u00a0mg", "caf\u00e9 na\u00efve", "\u00a0"]
    texts += ["".join(rng.choice(cjk) for _ in range(rng.randint(1, 30))) for _ in range(60)]
    texts += ["Dose 药 \uffff \U0001f600 x", "Hello, world", "500\u00a0mg"]  # missing glyphs too
    texts += ["a\ufffeb", "\ufffe", "\x00 nul"]  # the table's filler, and code 0
    doc_a, doc_b = _Doc(), _Doc()
    for text in texts:
        assert ours.splitString(text, doc_a) == theirs.splitString(text, doc_b), text
    with _reportlab_loops() as slow:
        for text in texts:  # every character has its code now
            assert ours.splitString(text, doc_a) == theirs.splitString(text, doc_b), text
    # ReportLab's loop ran for every text of the reference font; for ours, in a document past
    # its first subset (CJK), not for the ASCII ones
    ascii_texts = [t for t in texts if t and t.isascii()]
    assert len(ascii_texts) >= 2
    assert len(texts) < slow["n"] <= 2 * len(texts) - len(ascii_texts)
    state_a, state_b = ours.state[doc_a], theirs.state[doc_b]
    assert state_a.assignments == state_b.assignments
    assert state_a.subsets == state_b.subsets and len(state_a.subsets) > 1  # past subset 0


def test_latin_text_takes_the_fast_encoding_once_its_characters_have_codes():
    path = str(ROOT / "fonts" / "NotoSans-Regular.ttf")
    ours, theirs = SubsetFont("l-ours", path), TTFont("l-theirs", path)
    texts = ["caf\u00e9 na\u00efve", "500\u00a0mg", "\u00a0", "Stra\u00dfe \u2013 \u201cok\u201d"]
    doc_a, doc_b = _Doc(), _Doc()
    for text in texts:
        assert ours.splitString(text, doc_a) == theirs.splitString(text, doc_b)
    with _reportlab_loops() as slow:
        for text in texts:
            assert ours.splitString(text, doc_a) == TTFont.splitString.__wrapped__(
                theirs, text, doc_b
            )
    assert slow["n"] == 0  # every one encoded by the codec
    assert ours.state[doc_a].assignments == theirs.state[doc_b].assignments
