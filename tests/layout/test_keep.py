"""Page breaks around boxes -> a section that opens with a paragraph introducing a box
("When should I get help?": "These boxes are for you and your carers", then the emergency
box) prints its heading, that paragraph and the box's first line on one page, in every
shipped single-language leaflet whose pages are not imposed (booklets are)."""

from __future__ import annotations

import re

import pypdfium2 as pdfium

from handoutgen.blocks.callout import Callout
from handoutgen.blocks.lists import ItemList
from handoutgen.blocks.paragraph import Paragraph
from handoutgen.inline import parse_inline
from handoutgen.localize import localize
from handoutgen.project import Project


def _plain(text: str) -> str:
    return "".join(span.text for span in parse_inline(text))


def _probe(text: str) -> str:
    """The first words of ``text`` (for Chinese, its first characters), as extracted text
    shows them once white space is dropped."""
    words = _plain(text).split()
    return re.sub(r"\s+", "", " ".join(words[:3]) if len(words) > 2 else _plain(text)[:6])


def _pages(pdf: bytes) -> list[str]:
    doc = pdfium.PdfDocument(pdf)
    return [re.sub(r"\s+", "", page.get_textpage().get_text_range()) for page in doc]


def test_a_box_introduced_at_the_top_of_its_section_starts_on_the_heading_page(
    every_leaflet, project: Project
):
    checked = 0
    for job, (tagged, _) in every_leaflet.items():
        if len(job.locales) != 1 or job.edition == "booklet":
            continue
        (locale,) = job.locales
        brand = project.brand(job.brand)
        handout = localize(
            project.handout(job.topic), project.catalog(locale), locale, region=brand.region
        ).handout
        pages = _pages(tagged.pdf)
        for section in handout.sections:
            intro, box = (*section.blocks, None, None)[:2]
            if not (isinstance(intro, Paragraph) and isinstance(box, Callout)):
                continue
            first = next(b for b in box.blocks if isinstance(b, ItemList | Paragraph))
            line = first.items[0] if isinstance(first, ItemList) else first.text
            heading, opening = re.sub(r"\s+", "", _plain(section.heading)), _probe(line)
            on = [i for i, text in enumerate(pages) if heading in text]
            assert on, (job.relpath, section.heading)
            assert opening in pages[on[0]], (job.relpath, section.id, on[0] + 1)
            checked += 1
    assert checked >= 100  # neuromyotonia's when-to-get-help, in every language and edition
