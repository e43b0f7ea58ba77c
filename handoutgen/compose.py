"""Compose stage: localized handout + brand + templates -> a typed Document of blocks (no I/O)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import jinja2

from .errors import InputError, Problem
from .inline import InlineError, literal, parse_inline, plain_text
from .localize import locale_chain
from .model import (
    Brand,
    DocBlock,
    DocBox,
    DocDefinitions,
    DocHeading,
    DocList,
    DocMasthead,
    DocMeta,
    DocPara,
    DocTable,
    DocTitleBand,
    Document,
    Furniture,
    Inline,
    LocalizedHandout,
    in_language,
)
from .templating import Translations, environment, gettext_callables

MAIN_TEMPLATE = "leaflet.xml.j2"
_LAYOUT_SPACE = re.compile(r"[ \t\r\n]+")
PARA_CLASSES = ("body", "summary", "small", "large")


@dataclass(frozen=True)
class ComposeRequest:
    localized: LocalizedHandout
    brand: Brand
    edition: str
    translations: Translations
    draft: bool = False


# the template's text after substitution repeats across leaflets (its wording, the brand's
# details, a topic in several brands and papers): parsed once per process
PARSED_KEPT = 4096
_parsed: dict[tuple[str, tuple[tuple[str, str], ...]], Inline] = {}


class _Parser:
    """XML from the templates -> Document blocks; every element's text goes through the inline
    syntax, so markup can only come from this fixed vocabulary."""

    def __init__(self, values: Mapping[str, str], origin: str) -> None:
        self.values = values
        self.values_key = tuple(sorted(values.items()))
        self.origin = origin
        self.problems: list[Problem] = []

    def fail(self, where: str, message: str) -> None:
        self.problems.append(Problem(self.origin, None, where, message))

    def inline(self, el: ET.Element, where: str) -> Inline:
        # collapse the template's layout whitespace only: no-break spaces are meant
        text = _LAYOUT_SPACE.sub(" ", "".join(el.itertext())).strip(" ")
        key = (text, self.values_key)
        found = _parsed.get(key)
        if found is not None:
            return found
        try:
            spans = parse_inline(text, self.values)
        except InlineError as exc:
            self.fail(where, f"{exc} in {text[:60]!r}")
            return ()
        if len(_parsed) >= PARSED_KEPT:
            _parsed.clear()
        _parsed[key] = spans
        return spans

    def blocks(self, parent: ET.Element, where: str) -> list[DocBlock]:
        out: list[DocBlock] = []
        for child in parent:
            out.extend(self.block(child, f"{where}/{child.tag}"))
        return out

    def block(self, el: ET.Element, where: str) -> list[DocBlock]:
        tag = el.tag
        if tag == "section":
            return self.blocks(el, f"section[{el.get('id')}]")
        if tag == "h2":
            return [DocHeading(2, self.inline(el, where), anchor=None)]
        if tag == "p":
            cls = el.get("class", "body")
            if cls not in PARA_CLASSES:
                self.fail(where, f"unknown paragraph class {cls!r}")
            return [DocPara(self.inline(el, where), cls, keep_with_next=el.get("keep") == "next")]
        if tag == "list":
            kind = el.get("kind", "bullets")
            items = tuple(self.inline(li, where) for li in el.findall("li"))
            return [DocList(kind, items)]  # type: ignore[arg-type]
        if tag == "dl":
            terms = [self.inline(e, where) for e in el.findall("dt")]
            texts = [self.inline(e, where) for e in el.findall("dd")]
            return [DocDefinitions(tuple(zip(terms, texts, strict=True)))]
        if tag in ("callout", "box"):
            title_el = el.find("title")
            title = self.inline(title_el, where) if title_el is not None else None
            inner = [c for c in el if c.tag != "title"]
            blocks = [b for c in inner for b in self.block(c, f"{where}/{c.tag}")]
            return [DocBox(el.get("kind", "note"), title, tuple(blocks))]
        if tag == "table":
            rows = el.findall("tr")
            header = tuple(self.inline(c, where) for c in rows[0]) if rows else ()
            body = tuple(tuple(self.inline(c, where) for c in r) for r in rows[1:])
            widths = (
                tuple(float(w) for w in el.get("widths").split(",")) if el.get("widths") else None
            )
            cap = el.find("caption")
            caption = self.inline(cap, where) if cap is not None else None
            return [DocTable(header, body, widths, caption)]
        if tag == "masthead":
            name = self.inline(el.find("name"), where)  # type: ignore[arg-type]
            tag_el = el.find("tagline")
            tagline = self.inline(tag_el, where) if tag_el is not None else None
            logo = Path(el.get("logo")) if el.get("logo") else None
            return [DocMasthead(name, tagline, logo, el.get("logo-alt", ""))]
        if tag == "title-band":
            return [DocTitleBand(self.inline(el, where))]
        self.fail(where, f"unknown element <{tag}> in template output")
        return []


def _brand_text(brand: Brand, tag: str) -> SimpleNamespace:
    """The brand as templates see it in locale ``tag``: its text values escaped so that they
    print literally (a clinic called "Unit [B]" must not become a link), each in the leaflet's
    language where the brand gives one; URLs are validated by the schema."""
    chain = [ident.replace("_", "-") for ident in locale_chain(tag)]
    return SimpleNamespace(
        id=brand.id,
        name=literal(brand.name),
        tagline=literal(in_language(brand.tagline, chain) or "") or None,
        address=tuple(literal(line) for line in brand.address),
        phone=literal(brand.phone).replace(" ", "\u00a0"),  # a number never splits over lines
        emergency_number=literal(brand.emergency_number),
        website=brand.website,
        email=brand.email,
        footer_text=literal(in_language(brand.footer_text, chain) or brand.name),
        logo=brand.logo,
        logo_alt=in_language(brand.logo_alt, chain),
    )


def compose(request: ComposeRequest, *, templates_dir: Path) -> Document:
    """Render the leaflet template for one localized handout, brand and edition, and parse it."""
    loc = request.localized
    env = environment(templates_dir, request.brand.directory)
    origin = f"{request.brand.id}:{MAIN_TEMPLATE}"
    context = {
        "h": loc.handout,
        "brand": _brand_text(request.brand, loc.locale.tag),
        "locale": loc.locale,
        "dates": loc.dates,
        "translated": loc.translated,
        "translation_reviewer": loc.translation_reviewer,
        "edition": request.edition,
        "draft": request.draft,
        "page_token": "{page}",
        "pages_token": "{pages}",
        **gettext_callables(request.translations),
    }
    try:
        # an edition may compose differently (e.g. side by side): leaflet.<edition>.xml.j2
        template = env.select_template([f"leaflet.{request.edition}.xml.j2", MAIN_TEMPLATE])
        origin = f"{request.brand.id}:{template.name}"
        xml = template.render(context)
    except jinja2.TemplateSyntaxError as exc:
        raise InputError(
            [
                Problem(
                    exc.filename or exc.name or origin,
                    exc.lineno,
                    "",
                    f"template syntax error: {exc.message}",
                )
            ]
        ) from None
    except jinja2.UndefinedError as exc:
        raise InputError([Problem(origin, None, "", f"template error: {exc.message}")]) from None
    try:
        root = ET.fromstring(xml)
    except ET.ParseError as exc:
        line = exc.position[0]
        snippet = xml.splitlines()[line - 1].strip()[:80] if line else ""
        raise InputError(
            [
                Problem(
                    origin, None, "", f"template output is not well-formed XML ({exc}): {snippet!r}"
                )
            ]
        ) from None
    parser = _Parser(request.brand.placeholders(), origin)
    meta_el = root.find("meta")
    furn_el = root.find("furniture")
    if meta_el is None or furn_el is None:
        raise InputError(
            [Problem(origin, None, "", "template output needs <meta> and <furniture>")]
        )

    def text(el: ET.Element, tag: str) -> str:
        found = el.find(tag)
        return plain_text(parser.inline(found, tag)) if found is not None else ""

    meta = DocMeta(
        title=text(meta_el, "title"),
        author=text(meta_el, "author"),
        subject=text(meta_el, "subject"),
        keywords=tuple(plain_text(parser.inline(k, "keyword")) for k in meta_el.findall("keyword")),
        lang=root.get("lang", "en"),
        direction="rtl" if root.get("dir") == "rtl" else "ltr",
    )
    draft = furn_el.find("draft-mark")
    page_values = {**request.brand.placeholders(), "page": "{page}", "pages": "{pages}"}
    furniture_parser = _Parser(page_values, origin)

    def ftext(tag: str) -> str:
        found = furn_el.find(tag)  # type: ignore[union-attr]
        return plain_text(furniture_parser.inline(found, tag)) if found is not None else ""

    furniture = Furniture(
        running_header=ftext("running-header"),
        footer_left=ftext("footer-left"),
        footer_center=ftext("footer-center"),
        footer_right=ftext("footer-right"),
        draft_mark=ftext("draft-mark") if draft is not None else None,
    )
    blocks = [
        b for el in root if el.tag not in ("meta", "furniture") for b in parser.block(el, el.tag)
    ]
    if parser.problems or furniture_parser.problems:
        raise InputError(parser.problems + furniture_parser.problems)
    return Document(meta=meta, furniture=furniture, blocks=tuple(blocks))
