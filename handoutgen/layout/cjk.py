"""Chinese, Japanese and Korean line rules: a paragraph's text and the lines ReportLab broke it
into -> the first break to undo. No line starts with a closing mark, and a run of Latin text
(a drug name, a dose, a phone number joined by no-break spaces) is never split."""

from __future__ import annotations

from reportlab.lib.textsplit import ALL_CANNOT_START

from ..rl.addresses import BREAKS_AFTER, break_points

# marks that never start a line: ReportLab's list plus full-width colon and semicolon
CANNOT_START = ALL_CANNOT_START + "\uff1a\uff1b\uff01\uff1f\uff0c\uff0e\uff09\u3001\u3002"

NO_BREAK = "\u00a0\u2007\u202f\u2060"  # no-break spaces and the word joiner


def glued(ch: str) -> bool:
    """A character of a run that must stay on one line inside CJK text: Latin letters, digits
    and their punctuation, or a no-break space."""
    return ch in NO_BREAK or (ord(ch) < 0x2E80 and not ch.isspace())


def first_bad_break(text: str, lines: list[str]) -> tuple[int, str] | None:
    """(line, the text at its end to push down) for the first line break to undo, or None.
    ``text`` is the paragraph's own text: what lies between two lines in it (nothing, a space
    ReportLab dropped, a no-break space) says whether the break was allowed."""
    cursor = 0
    for n, line in enumerate(lines):
        start = text.find(line, cursor) if line else cursor
        if start < 0 or text[cursor:start].strip(" \u00a0"):
            return None  # the lines do not map onto the text (a split part): leave them be
        if n:
            before, gap = lines[n - 1], text[cursor:start]
            if before and line:
                if line[0] in CANNOT_START:
                    return n - 1, before[-1]
                a, b = before[-1], line[0]
                split_run = not gap and glued(a) and glued(b)
                if split_run or any(ch in NO_BREAK for ch in gap + a + b):
                    tail = len(before)
                    while tail and glued(before[tail - 1]):
                        tail -= 1
                    if 0 < tail < len(before):  # a run longer than a line must break,
                        return n - 1, before[tail:]
                    allowed = a in BREAKS_AFTER and not (a == "/" and b == "/")
                    if split_run and not tail and not allowed:  # and after / . - @ ? = &
                        points = break_points(before)  # where possible (rl.addresses)
                        if points:
                            return n - 1, before[points[-1] :]
        cursor = start + len(line)
    return None


class CJKRules:
    """Paragraph feature: ReportLab's CJK breaking with the rules above (see
    ``rl.paragraphs.CJKBreaks``, which re-breaks a line until they hold)."""

    fix = staticmethod(first_bad_break)
