"""Text blocks: spans + a style -> the flowable that sets them in the leaflet's script (a
ReportLab paragraph given its text as data, CJK rules where they apply, or a right-to-left
paragraph), with a list marker or a tick box."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable

from ..errors import RenderError
from ..inline import plain_text
from ..model import Inline
from ..pdf.marks import decoration
from ..rl import fast
from ..rl.paragraphs import Layout, fragments, paragraph_class, reused_layout
from .cjk import CJKRules
from .glyphs import font_runs
from .rtl import RTLParagraph
from .styles import Styles, color

# runs of ASCII white space become one space (a no-break space stays: it holds phone numbers)
_WHITESPACE = re.compile(r"[ \t\n\r\f\v]+")


def tree(
    spans: Inline, link: Any, faces: list[tuple[str, str]] | None, *, underline: bool = True
) -> list[Any]:
    """Spans -> the children of a ReportLab tuple tree: text nodes are data, never parsed. With
    several faces (a font chain), each character is set in the first face that has it. Links
    are underlined unless ``underline`` is off (the theme's ``links``)."""
    nodes: list[Any] = []
    for span in spans:
        text = _WHITESPACE.sub(" ", span.text)
        children: list[Any]
        if faces and len(faces) > 1:
            primary = faces[0][1] if span.bold else faces[0][0]
            chain = [b if span.bold else r for r, b in faces]
            children = [
                t if font == primary else ("font", {"face": font}, [t])
                for font, t in font_runs(text, chain)
            ]
        else:
            children = [text]
        if span.href:
            inner = [("u", None, children)] if underline else children
            children = [("a", {"href": span.href, "color": link}, inner)]
        if span.bold:
            children = [("b", None, children)]
        nodes.extend(children)
    # what ReportLab's own cleaner does to markup: no leading or trailing space
    if nodes and isinstance(nodes[0], str):
        nodes[0] = nodes[0].lstrip(" ")
    if nodes and isinstance(nodes[-1], str):
        nodes[-1] = nodes[-1].rstrip(" ")
    return nodes


class TickBox:
    """Paragraph feature: an empty tick box drawn beside the first line, as decoration."""

    box_size = 10.0  # replaced from the theme (spacing.checkbox)
    line_width = 1.0  # spacing.checkbox_line
    bulletText: Any
    style: Any
    height: float
    canv: Any

    def draw(self) -> None:
        super().draw()  # type: ignore[misc]
        if self.bulletText is None:  # the continuation of a split item has no marker
            return
        style = self.style
        size = self.box_size
        baseline = self.height - style.fontSize * 0.93
        canv = self.canv
        with decoration(canv):
            canv.saveState()
            canv.setStrokeColor(style.textColor)
            canv.setLineWidth(self.line_width)
            canv.rect(style.bulletIndent, baseline - 0.12 * size, size, size, stroke=1, fill=0)
            canv.restoreState()


class TextMaker:
    """The one place text becomes a flowable, for one leaflet's styles."""

    def __init__(self, styles: Styles) -> None:
        self.styles = styles
        self.theme = styles.theme
        self.link = self.theme.colors.get("link", self.theme.colors["primary"])
        self.link_color = color(self.link)
        self.fast = fast()  # decided once a leaflet, as the classes below
        self.text_class = paragraph_class(
            *((CJKRules,) if styles.rules.cjk else ()), cjk=styles.rules.cjk, fast=self.fast
        )
        self.box_class = paragraph_class(TickBox, fast=self.fast)
        links = self.theme.links
        self.underline = links.get("underline", True)
        self.bold_links = links.get("bold", False)

    def __call__(
        self,
        spans: Inline,
        style: ParagraphStyle,
        *,
        marker: str | None = None,
        box: bool = False,
    ) -> Flowable:
        styles = self.styles
        faces = styles.faces(style)
        if self.bold_links and any(s.href and not s.bold for s in spans):
            spans = tuple(replace(s, bold=True) if s.href else s for s in spans)
        if getattr(style, "hyphenationLang", "") and any(
            s.href and s.text.startswith(("http://", "https://")) for s in spans
        ):
            # ReportLab lets a web address overflow once hyphenation is on: not here
            style = styles.without_hyphenation(style)
        spacing = self.theme.spacing
        if styles.rtl:
            return RTLParagraph(
                spans,
                style,
                faces,
                self.link_color,
                marker=marker,
                underline=self.underline,
                box=(spacing["checkbox"], spacing["checkbox_line"]) if box else None,
            )
        if box:
            cls, marker = self.box_class, " "
        else:
            cls = self.text_class
        token = styles.key(style)
        if self.fast:
            key = (cls, spans, marker, self.link, self.underline, token)
            made = reused_layout(key, lambda: self._layout(spans, style, faces, token))
            para = cls(made.text, style, bulletText=marker, frags=made.frags)
            para.layout = made
        else:
            made = self._layout(spans, style, faces, token)
            para = cls(made.text, style, bulletText=marker, frags=made.frags)
        if box:
            para.box_size = spacing["checkbox"]
            para.line_width = spacing["checkbox_line"]
        return para

    def _layout(self, spans: Inline, style: ParagraphStyle, faces: Any, token: int) -> Layout:
        nodes = tree(spans, self.link_color, faces, underline=self.underline)
        parts = fragments(nodes, style, (token, self.link, self.underline))
        if parts is None:  # pragma: no cover - the tree is built here, always well formed
            raise RenderError(f"cannot lay out {plain_text(spans)[:60]!r}")
        return Layout(plain_text(spans), parts)
