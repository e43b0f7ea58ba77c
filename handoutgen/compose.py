"""Compose stage: localized handout + brand + templates -> a typed Document of blocks (no I/O
but reading templates). The templates' output is a small XML vocabulary; each element is
turned into document blocks by its block kind (``handoutgen.blocks``)."""

from __future__ import annotations

import re
import traceback
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import jinja2

from . import cache, notices
from .blocks import registry
from .brands import online_url
from .editions import template_names
from .errors import InputError, Problem
from .inline import InlineError, literal, parse_inline, plain_text
from .localize import locale_chain
from .model import Brand, DocBlock, DocMeta, Document, Furniture, Inline, in_language
from .templating import (
    TemplateRefused,
    TemplateTextError,
    Translations,
    environment,
    gettext_callables,
    new_run,
)

MAIN_TEMPLATE = "leaflet.xml.j2"
_LAYOUT_SPACE = re.compile(r"[ \t\r\n]+")
STRUCTURE = ("meta", "furniture")  # elements of the leaflet that are not blocks

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .model import LocalizedHandout


@dataclass(frozen=True)
class ComposeRequest:
    localized: LocalizedHandout
    brand: Brand
    edition: str
    translations: Translations
    draft: bool = False
    overdue: bool = False  # past its review date, printed with --allow-overdue (marked)


# the template's text after substitution repeats across leaflets (its wording, the brand's
# details, a topic in several brands and papers): parsed once per process
_parsed = cache.memo("parsed template text", kept=4096, flush=True)


class Parser:
    """XML from the templates -> Document blocks; every element's text goes through the inline
    syntax, so markup can only come from this fixed vocabulary."""

    def __init__(
        self,
        values: Mapping[str, str],
        origin: str,
        files: TopicFiles | None = None,
        logo: Path | None = None,
    ) -> None:
        self.values = values
        self.files = files or TopicFiles(Path(), ())
        self.logo = logo  # the one picture a masthead may show: the brand's validated logo
        self.values_key = tuple(sorted(values.items()))
        self.origin = origin
        self.problems: list[Problem] = []

    def fail(self, where: str, message: str, el: ET.Element | None = None) -> None:
        """A problem in the template's output; ``el``'s block names its own place."""
        at = el.get("at") if el is not None else None
        self.problems.append(Problem(at or self.origin, None, where, message))

    def origin_of(self, el: ET.Element) -> str:
        """Where an element's block came from: its ``at`` (a content block's msgctxt and
        line), else the template."""
        return el.get("at") or f"template {self.origin}"

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
        return _parsed.put(key, spans)

    def blocks(self, parent: ET.Element, where: str) -> list[DocBlock]:
        out: list[DocBlock] = []
        for child in parent:
            out.extend(self.block(child, f"{where}/{child.tag}"))
        return out

    def block(self, el: ET.Element, where: str) -> list[DocBlock]:
        if el.tag == "section":
            return self.blocks(el, f"section[{el.get('id')}]")
        kind = registry().for_element(el.tag)
        if kind is None:
            self.fail(where, f"unknown element <{el.tag}> in template output")
            return []
        return kind.compose(el, self, where)


class TopicFiles:
    """The files a template may show (a figure's ``src``): only those the topic names and
    validation accepted, by the name the topic gives them."""

    def __init__(self, folder: Path, allowed: tuple[Path, ...]) -> None:
        self.folder = folder
        self.allowed = set(allowed)

    def get(self, name: str) -> Path | None:
        from .imagefiles import resolve

        path, _ = resolve(self.folder, name)
        return path if path in self.allowed else None


def _brand_text(brand: Brand, tag: str) -> SimpleNamespace:
    """The brand as templates see it in locale ``tag``: its text values escaped so that they
    print literally (a clinic called "Unit [B]" must not become a link), each in the leaflet's
    language where the brand gives one; URLs are validated by the schema."""
    chain = [ident.replace("_", "-") for ident in locale_chain(tag)]

    def option(value: object) -> object:
        if isinstance(value, str | dict):
            text = in_language(value, chain)  # type: ignore[arg-type]
            return literal(text) if text is not None else None
        if isinstance(value, list):  # a list of texts (lines of an address ...)
            return tuple(option(v) for v in value)
        return value  # a number or a flag

    fixed = {"id", "name", "tagline", "address", "phone", "emergency_number", "website"}
    fixed |= {"email", "footer_text", "logo", "logo_alt"}
    return SimpleNamespace(
        **{k: option(v) for k, v in brand.options.items() if k not in fixed},
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


def _shown(filename: str | None, roots: list[Path]) -> str | None:
    """A template file as messages name it: relative to the project."""
    if not filename:
        return None
    path = Path(filename)
    for root in roots:
        if path.is_relative_to(root):
            return path.relative_to(root).as_posix()
    return filename


def _template_place(exc: BaseException) -> tuple[str | None, int | None]:
    """The template file and line an error at render time was raised in: the innermost frame
    Jinja mapped back to a template."""
    found: tuple[str | None, int | None] = (None, None)
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename.endswith(".j2"):
            found = (frame.filename, frame.lineno)
    return found


def compose(request: ComposeRequest, *, templates_dir: Path) -> Document:
    """Render the leaflet template for one localized handout, brand and edition, and parse it."""
    loc = request.localized
    brand = request.brand
    new_run()
    env = environment(templates_dir, brand.directory)
    roots = [templates_dir.parent]
    origin = f"{brand.id}:{MAIN_TEMPLATE}"
    context = {
        "h": loc.handout,
        "brand": _brand_text(brand, loc.locale.tag),
        "locale": loc.locale,
        "dates": loc.dates,
        "translated": loc.translated,
        "translation_reviewer": loc.translation_reviewer,
        "translation_changed": loc.translation_changed,
        "edition": request.edition,
        "online_url": online_url(brand, loc.handout.id, loc.locale.tag),
        "draft": request.draft,
        "overdue": request.overdue,
        "page_token": "{page}",
        "pages_token": "{pages}",
        **gettext_callables(request.translations),
    }
    try:
        # an edition may compose differently (e.g. side by side): leaflet.<edition>.xml.j2
        template = env.select_template(template_names(request.edition, MAIN_TEMPLATE))
        origin = f"{brand.id}:{template.name}"
        xml = template.render(context)
    except jinja2.TemplateSyntaxError as exc:
        where = _shown(exc.filename, roots) or exc.name or origin
        # a refused file (a link out, a FIFO ...) is never read: named, as it, at its path
        what = {TemplateTextError: "text", TemplateRefused: "refused"}.get(
            type(exc), "syntax error"
        )
        message = f"template {what} (brand {brand.id}): {exc.message}"
        raise InputError([Problem(where, exc.lineno, "", message)]) from None
    except jinja2.TemplateError as exc:
        file, line = _template_place(exc)
        where = _shown(file, roots) or origin
        message = f"template error (brand {brand.id}, {origin}): {exc.message}"
        raise InputError([Problem(where, line, "", message)]) from None
    try:
        root = ET.fromstring(xml)
    except ET.ParseError as exc:
        line = exc.position[0]
        snippet = xml.splitlines()[line - 1].strip()[:80] if line else ""
        message = f"template output is not well-formed XML ({exc}): {snippet!r}"
        raise InputError([Problem(origin, None, "", message)]) from None
    handout = loc.handout
    files = TopicFiles(handout.path.parent, handout.files)
    parser = Parser(brand.placeholders(), origin, files, brand.logo)
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
    page_values = {**brand.placeholders(), "page": "{page}", "pages": "{pages}"}
    furniture_parser = Parser(page_values, origin)

    def ftext(tag: str) -> str:
        found = furn_el.find(tag)  # type: ignore[union-attr]
        return plain_text(furniture_parser.inline(found, tag)) if found is not None else ""

    furniture = Furniture(
        running_header=ftext("running-header"),
        footer_left=ftext("footer-left"),
        footer_center=ftext("footer-center"),
        footer_right=ftext("footer-right"),
        draft_mark=ftext("draft-mark") if draft is not None else None,
        overdue_mark=ftext("overdue-mark") if furn_el.find("overdue-mark") is not None else None,
    )
    made = [(el, parser.block(el, el.tag)) for el in root if el.tag not in STRUCTURE]
    blocks = [b for _, found in made for b in found]
    units = tuple(
        (f"section:{el.get('id')}" if el.tag == "section" else el.tag, len(found))
        for el, found in made
    )
    if parser.problems or furniture_parser.problems:
        raise InputError(parser.problems + furniture_parser.problems)
    document = Document(meta=meta, furniture=furniture, blocks=tuple(blocks), units=units)
    root_dir = templates_dir.parent
    left_out = notices.missing(
        document,
        notices.load_notices(templates_dir, root_dir),
        conditions={
            "always",
            *(("draft",) if request.draft else ()),
            *(("overdue",) if request.overdue else ()),
            *(
                ()
                if handout.review_status == "clinically-reviewed"
                else ("not-clinically-reviewed",)
            ),
        },
        gettext=request.translations.gettext,
    )
    if left_out:  # a brand's template override cannot drop what protects the patient
        raise notices.refuse(left_out, brand.directory, root_dir)
    return document
