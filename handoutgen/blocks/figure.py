"""Figures: ``type: figure`` (``file`` beside the topic file: PNG, JPEG or SVG; ``alt``
required; optional ``caption``; ``width`` as a fraction of the column) -> the picture at that
width, at the side where lines start (right in right-to-left leaflets; the picture itself is
never flipped), its caption under it, both kept on one page. Alt text and caption are
translated like any content string; the file's bytes are an input of every leaflet that shows
it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import imagefiles
from ..inline import plain_text
from ..model import ContentBlock, DocBlock, Inline
from . import BlockKind, Reading, Translate

if TYPE_CHECKING:
    import xml.etree.ElementTree as ET

    from reportlab.platypus import Flowable

    from ..compose import Parser
    from ..layout.builder import Builder
    from ..load import JsonPath
    from ..pdf.structure import Node


@dataclass(frozen=True)
class Figure(ContentBlock):
    file: str  # relative to the topic file's folder, as written
    alt: str
    caption: str | None = None
    width: float = 1.0
    type = "figure"
    template = "blocks/figure.xml.j2"


@dataclass(frozen=True)
class DocFigure(DocBlock):
    path: Path
    alt: str
    caption: Inline | None
    width: float  # fraction of the column


class Kind(BlockKind):
    types = ("figure",)
    text_fields = ("alt", "caption")
    elements = ("figure",)
    document = (DocFigure,)

    def read(self, data: dict[str, Any], path: JsonPath, reading: Reading) -> Figure:
        name = data["file"]
        found, why = imagefiles.resolve(reading.folder, name)
        if found is None:
            reading.problem((*path, "file"), str(why))
        else:
            for message in imagefiles.problems(found, "figure"):
                reading.problem((*path, "file"), message)
            reading.files.append(found)
        width = float(data.get("width", 1.0))
        return Figure(data["id"], name, data["alt"], data.get("caption"), width)

    def strings(self, block: Figure, context: str, fn: Translate) -> Figure:
        return replace(
            block,
            alt=fn(f"{context}/alt", block.alt),
            caption=fn(f"{context}/caption", block.caption) if block.caption else None,
        )

    def compose(self, el: ET.Element, parser: Parser, where: str) -> list[DocBlock]:
        name = el.get("src", "")
        found = parser.files.get(name)
        if found is None:  # only a file the topic names and validation accepted
            parser.fail(where, f"<figure src={name!r}> is not an image file of this topic", el)
            return []
        try:
            width = float(el.get("width", "1"))
        except ValueError:
            width = 0.0
        if not 0 < width <= 1:
            parser.fail(where, f"<figure width={el.get('width')!r}> must be in (0, 1]", el)
            return []
        alt_el = el.find("alt")
        alt = plain_text(parser.inline(alt_el, where)) if alt_el is not None else ""
        if not alt.strip():
            parser.fail(where, "<figure> needs alt text", el)
        cap = el.find("caption")
        caption = parser.inline(cap, where) if cap is not None else None
        return [DocFigure(found, alt, caption, width, origin=parser.origin_of(el))]

    def layout(self, block: DocFigure, b: Builder, parent: Node, width: float) -> list[Flowable]:
        sp = b.theme.spacing
        group = b.node("Div", parent, block)
        natural_w, natural_h = b.natural_size(block.path)
        scale = width * block.width / natural_w
        share = min(max(sp["figure_max_height"], 0.05), 1.0)  # of a page, whatever a brand sets
        tallest = b.frame_height * share
        if natural_h * scale > tallest:  # a tall picture is narrowed to fit a page
            scale = tallest / natural_h
        picture = b.image_scaled(block.path, scale)
        picture.hAlign = "RIGHT" if b.rtl else "LEFT"  # where lines start
        parts: list[Flowable] = [b.spacer(sp["figure_space"] / 2)]
        parts.append(b.tagged(picture, b.node("Figure", group, alt=block.alt)))
        if block.caption:
            parts.append(b.spacer(sp["figure_caption_gap"]))
            parts.append(b.para(block.caption, "figure_caption", "Caption", group))
        parts.append(b.spacer(sp["figure_space"] / 2))
        return [b.keep_together(parts)]

    def texts(self, block: DocFigure) -> Iterator[tuple[str, Inline]]:
        if block.caption:
            yield "figure_caption", block.caption
