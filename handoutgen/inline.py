"""Inline syntax: plain text with **bold**, [links](https://...) and {placeholders} -> spans.

This is the only markup content and translations may carry. Everything else is literal text:
the renderer hands every span to ReportLab as data, never through its markup parser.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from .model import Inline, Span

LINK_SCHEMES = ("https://", "http://", "mailto:", "tel:")
_TOKEN = re.compile(
    r"""\\(?P<escaped>[\\*\[\]{}])          # \*  \[  \{ ... : a literal character
      | (?P<bold>\*\*)                      # ** toggles bold
      | \[(?P<label>[^\[\]]+)\]\((?P<url>[^()\s]+)\)   # [text](url)
      | \{(?P<name>[a-z_][a-z0-9_]*)\}      # {placeholder}
      | (?P<stray>[\[\]{}])                 # anything else that looks like syntax is an error
    """,
    re.VERBOSE,
)


class InlineError(ValueError):
    """Text that does not follow the inline syntax."""


_SYNTAX_CHAR = re.compile(r"([\\*\[\]{}])")


def literal(text: str) -> str:
    """``text`` with every syntax character escaped, so it prints exactly as written (for
    values that are data, not content: clinic names, phone numbers, source titles)."""
    return _SYNTAX_CHAR.sub(r"\\\1", str(text))


def placeholders(text: str) -> list[str]:
    """Names of the ``{placeholders}`` in ``text``, in order."""
    return [m.group("name") for m in _TOKEN.finditer(text) if m.group("name")]


def parse_inline(text: str, values: Mapping[str, str] | None = None) -> Inline:
    """Split ``text`` into spans; ``values`` fills placeholders (``None``: keep them as written).

    Raises InlineError naming the first problem (unclosed bold, bad link, unknown placeholder).
    """
    spans: list[Span] = []
    bold = False
    buf: list[str] = []
    pos = 0

    def flush() -> None:
        if buf:
            spans.append(Span("".join(buf), bold=bold))
            buf.clear()

    for m in _TOKEN.finditer(text):
        buf.append(text[pos : m.start()])
        pos = m.end()
        if m.group("escaped"):
            buf.append(m.group("escaped"))
        elif m.group("bold"):
            flush()
            bold = not bold
        elif m.group("label"):
            url = m.group("url")
            if not url.startswith(LINK_SCHEMES):
                raise InlineError(
                    f"link target {url!r} must start with one of {', '.join(LINK_SCHEMES)}"
                )
            flush()
            spans.append(Span(m.group("label"), bold=bold, href=url))
        elif m.group("name"):
            name = m.group("name")
            if values is None:
                buf.append(m.group(0))
            elif name not in values:
                raise InlineError(
                    f"unknown placeholder {{{name}}} (expected one of {', '.join(sorted(values))})"
                )
            else:
                buf.append(values[name])
        else:
            raise InlineError(
                f"unexpected {m.group('stray')!r} at character {m.start() + 1}: write \\"
                f"{m.group('stray')} for a literal one; links are [text](https://...)"
            )
    buf.append(text[pos:])
    if bold:
        raise InlineError("'**' opens bold text that is never closed")
    flush()
    return tuple(s for s in spans if s.text)


def plain_text(spans: Inline) -> str:
    """The text of ``spans`` without formatting (for metadata, bookmarks and checks)."""
    return "".join(s.text for s in spans)
