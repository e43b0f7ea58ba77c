"""Validate stage: loaded YAML -> typed Handout / Brand, or every problem of the file at once."""

from __future__ import annotations

import datetime as dt
import json
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .diskcache import marshalled
from .errors import InputError, Problem
from .inline import InlineError, parse_inline, placeholders
from .load import JsonPath, Sourced, format_path
from .model import (
    PLACEHOLDERS,
    Brand,
    Callout,
    Definition,
    Definitions,
    Handout,
    ItemList,
    Paragraph,
    Person,
    Section,
    Source,
    SourceText,
    Table,
    iter_strings,
)

if TYPE_CHECKING:  # jsonschema (60 ms to import) only words the problems of a rejected file
    import jsonschema


@cache
def _validator(schema_path: Path) -> jsonschema.Draft202012Validator:
    import jsonschema

    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


_TYPE_NAMES = {"object": "a mapping", "string": "text", "array": "a list"}


def _messages(error: jsonschema.ValidationError) -> list[tuple[JsonPath, str]]:
    """A schema error as (path, plain message) pairs: one per unknown key, at its own line."""
    path: JsonPath = tuple(error.absolute_path)
    if error.validator in ("oneOf", "anyOf") and error.context:
        # the branch of the value's own type (a text, or a mapping of texts) says what is wrong
        branches: dict[object, list[jsonschema.ValidationError]] = {}
        for sub in error.context:
            branches.setdefault(sub.schema_path[0], []).append(sub)
        fitting = [
            subs
            for subs in branches.values()
            if not any(e.validator == "type" and not e.relative_path for e in subs)
        ]
        if len(fitting) == 1:
            return [m for sub in fitting[0] for m in _messages(sub)]
        kinds = sorted({str(b.get("type")) for b in error.validator_value if "type" in b})
        return [(path, f"must be {' or '.join(_TYPE_NAMES.get(k, k) for k in kinds)}")]
    if error.validator == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        extra = [k for k in error.instance if k not in allowed]
        return [
            ((*path, key), f"unknown key {key!r} (expected one of {', '.join(allowed)})")
            for key in extra
        ]
    return [_message(error)]


def _message(error: jsonschema.ValidationError) -> tuple[JsonPath, str]:
    """A schema error as (path, plain message)."""
    path: JsonPath = tuple(error.absolute_path)
    v = error.validator
    if v == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return path, f"missing required key '{missing}'"
    if v == "enum":
        options = ", ".join(str(o) for o in error.validator_value)
        what = "block type" if path and path[-1] == "type" else "value"
        return path, f"unknown {what} {error.instance!r} (expected one of {options})"
    if v == "const":
        return path, f"must be {error.validator_value!r}, not {error.instance!r}"
    if v == "type":
        return path, f"must be of type {error.validator_value}, not {type(error.instance).__name__}"
    if v == "pattern":
        if "propertyNames" in error.schema_path:  # a key: point at its own line
            path = (*path, str(error.instance))
        hint = error.schema.get("description", f"pattern {error.validator_value}")
        return path, f"{error.instance!r} does not match the expected form ({hint})"
    if v in ("minItems", "minLength"):
        return path, "must not be empty"
    return path, error.message


@cache
def _fast_check(schema_path: Path) -> Callable[[Any], Any]:
    """The schema compiled to Python by fastjsonschema: about 50 times faster than jsonschema
    at saying "valid", which is the answer for almost every file. It stops at the first error,
    so a file it rejects is validated again by jsonschema, which reports every problem. Its
    draft-07 keywords are the only ones the shipped schemas use."""
    import fastjsonschema

    text = schema_path.read_text(encoding="utf-8")
    schema = {**json.loads(text), "$schema": "http://json-schema.org/draft-07/schema#"}
    # generating and compiling the validator takes about 40 ms a schema, in every process:
    # its compiled code is kept in the project's .cache, keyed by the schema text, the
    # fastjsonschema version and the Python bytecode version
    key = "|".join((text, fastjsonschema.VERSION, sys.implementation.cache_tag or ""))

    def generate() -> tuple[str, Any]:
        from fastjsonschema.ref_resolver import RefResolver

        source = fastjsonschema.compile_to_code(schema)
        name = RefResolver.from_schema(schema).get_scope_name()  # what compile() calls
        return name, compile(source, f"<schema {schema_path.name}>", "exec")

    # the schemas lie one folder below the project root (handouts/, templates/)
    folder = schema_path.resolve().parent.parent / SCHEMA_CACHE
    name, code = marshalled(folder, schema_path.stem, key, generate)
    namespace: dict[str, Any] = {}
    exec(code, namespace)
    return namespace[name]


SCHEMA_CACHE = ".cache/schemas"  # under the project root; build products, never committed


def schema_problems(src: Sourced, schema_path: Path) -> list[Problem]:
    """Every JSON Schema violation of ``src``, each with its file, line and field."""
    import fastjsonschema

    try:
        _fast_check(schema_path)(src.data)
        return []
    except fastjsonschema.JsonSchemaException:
        pass  # find and word every problem
    problems = []
    for error in _validator(schema_path).iter_errors(src.data):
        if error.validator in ("if", "allOf"):
            continue
        for path, message in _messages(error):
            problems.append(src.problem(path, message))
    return problems


def _date(src: Sourced, key: str, problems: list[Problem]) -> dt.date:
    try:
        return dt.date.fromisoformat(src.data[key])
    except (TypeError, ValueError):
        problems.append(src.problem((key,), f"{src.data[key]!r} is not a real date"))
        return dt.date.min


def _block(data: dict[str, Any]) -> Paragraph | ItemList | Definitions | Callout | Table:
    kind = data["type"]
    if kind == "paragraph":
        return Paragraph(data["id"], data["text"])
    if kind in ("bullets", "steps", "checklist"):
        return ItemList(data["id"], kind, tuple(data["items"]), data.get("intro"))
    if kind == "definitions":
        items = tuple(Definition(i["term"], i["text"]) for i in data["items"])
        return Definitions(data["id"], items, data.get("intro"))
    if kind == "callout":
        inner = tuple(_block(b) for b in data["blocks"])
        return Callout(data["id"], data["kind"], data["title"], inner)  # type: ignore[arg-type]
    widths = tuple(float(w) for w in data["widths"]) if "widths" in data else None
    rows = tuple(tuple(r) for r in data["rows"])
    return Table(data["id"], tuple(data["header"]), rows, widths, data.get("caption"))


def _string_paths(data: Any, path: JsonPath = ()) -> list[tuple[JsonPath, str]]:
    """Every string value in ``data`` with its path (for inline-syntax checks)."""
    if isinstance(data, str):
        return [(path, data)]
    if isinstance(data, dict):
        return [sp for k, v in data.items() for sp in _string_paths(v, (*path, k))]
    if isinstance(data, list):
        return [sp for i, v in enumerate(data) for sp in _string_paths(v, (*path, i))]
    return []


_TEXT_KEYS = {
    "title",
    "summary",
    "heading",
    "text",
    "intro",
    "term",
    "caption",
    "items",
    "header",
    "rows",
}


def _semantic_problems(src: Sourced) -> list[Problem]:
    """Checks a schema cannot express: unique ids, inline syntax, placeholders, shapes, dates."""
    data = src.data
    problems: list[Problem] = []
    expected_id = src.path.stem
    if data["id"] != expected_id:
        problems.append(
            src.problem(("id",), f"id {data['id']!r} must match the file name {expected_id!r}")
        )
    seen_sections: set[str] = set()
    for si, section in enumerate(data["sections"]):
        if section["id"] in seen_sections:
            problems.append(
                src.problem(("sections", si, "id"), f"duplicate section id {section['id']!r}")
            )
        seen_sections.add(section["id"])
        seen_blocks: set[str] = set()
        for bi, block in enumerate(section["blocks"]):
            bpath: JsonPath = ("sections", si, "blocks", bi)
            if block["id"] in seen_blocks:
                problems.append(src.problem((*bpath, "id"), f"duplicate block id {block['id']!r}"))
            seen_blocks.add(block["id"])
            if block["type"] == "table":
                columns = len(block["header"])
                for ri, row in enumerate(block["rows"]):
                    if len(row) != columns:
                        problems.append(
                            src.problem(
                                (*bpath, "rows", ri),
                                f"row has {len(row)} cell(s), the header has {columns}",
                            )
                        )
                if "widths" in block and len(block["widths"]) != columns:
                    problems.append(
                        src.problem(
                            (*bpath, "widths"),
                            f"{len(block['widths'])} widths for {columns} columns",
                        )
                    )
            if block["type"] == "callout":
                inner_ids = [b["id"] for b in block["blocks"]]
                for ii, bid in enumerate(inner_ids):
                    if bid in inner_ids[:ii]:
                        problems.append(
                            src.problem((*bpath, "blocks", ii, "id"), f"duplicate block id {bid!r}")
                        )
    for path, text in _string_paths(data):
        if not any(p in _TEXT_KEYS for p in path if isinstance(p, str)):
            continue
        try:
            parse_inline(text)
        except InlineError as exc:
            problems.append(src.problem(path, str(exc)))
            continue
        for name in placeholders(text):
            if name not in PLACEHOLDERS:
                problems.append(
                    src.problem(
                        path,
                        f"unknown placeholder {{{name}}} "
                        f"(expected one of {', '.join(PLACEHOLDERS)})",
                    )
                )
    return problems


def validate_handout(src: Sourced, schema_path: Path) -> Handout:
    """Turn a loaded handout file into a Handout, or raise InputError with all its problems."""
    problems = list(src.problems)
    if src.data is not None and not isinstance(src.data, dict):
        problems.append(src.problem((), "a handout file must be a mapping of keys"))
    if problems:
        raise InputError(problems)
    problems = schema_problems(src, schema_path)
    if problems:  # semantic checks assume the shape is right
        raise InputError(problems)
    problems = _semantic_problems(src)
    d = _with_lines(src.data, src)
    dates = {k: _date(src, k, problems) for k in ("published", "last_reviewed", "next_review")}
    if dates["last_reviewed"] < dates["published"]:
        problems.append(src.problem(("last_reviewed",), "is before 'published'"))
    if dates["next_review"] <= dates["last_reviewed"]:
        problems.append(src.problem(("next_review",), "must be after 'last_reviewed'"))
    reviewers = tuple(
        Person(p["name"], p["role"], p.get("clinical", False)) for p in d["reviewers"]
    )
    if d["review_status"] == "clinically-reviewed" and not any(r.clinical for r in reviewers):
        problems.append(
            src.problem(
                ("review_status",), "'clinically-reviewed' needs a reviewer with 'clinical: true'"
            )
        )
    if problems:
        raise InputError(problems)
    handout = Handout(
        id=d["id"],
        code=d["code"],
        title=d["title"],
        summary=d["summary"],
        keywords=tuple(d.get("keywords", ())),
        version=d["version"],
        published=dates["published"],
        last_reviewed=dates["last_reviewed"],
        next_review=dates["next_review"],
        review_status=d["review_status"],
        authors=tuple(Person(p["name"], p["role"], p.get("clinical", False)) for p in d["authors"]),
        reviewers=reviewers,
        sources=tuple(
            Source(s["title"], s["publisher"], s["year"], s.get("url")) for s in d["sources"]
        ),
        sections=tuple(
            Section(s["id"], s["heading"], tuple(_block(b) for b in s["blocks"]))
            for s in d["sections"]
        ),
        path=src.path,
    )
    for ctx, text in iter_strings(handout):
        handout.lines.setdefault(ctx, getattr(text, "line", 1))
    for section in d["sections"]:
        if section.get("translator_note"):
            handout.notes[f"{d['id']}/{section['id']}"] = str(section["translator_note"])
        for block in section["blocks"]:
            prefix = f"{d['id']}/{section['id']}/{block['id']}"
            if block.get("translator_note"):
                handout.notes[prefix] = str(block["translator_note"])
            for inner in block.get("blocks", ()):
                if inner.get("translator_note"):
                    handout.notes[f"{prefix}/{inner['id']}"] = str(inner["translator_note"])
    return handout


def _with_lines(data: Any, src: Sourced, path: JsonPath = ()) -> Any:
    """``data`` with every string replaced by a SourceText that knows its line."""
    if isinstance(data, str):
        return SourceText(data, src.line(path) or 1)
    if isinstance(data, dict):
        return {k: _with_lines(v, src, (*path, k)) for k, v in data.items()}
    if isinstance(data, list):
        return [_with_lines(v, src, (*path, i)) for i, v in enumerate(data)]
    return data


_SVG_FORBIDDEN = ("image", "use", "script", "foreignObject", "feImage", "style")


def logo_problems(path: Path) -> list[str]:
    """Why a logo file cannot be used: unreadable, or an SVG that reaches outside itself
    (an <image> or external reference would make the renderer read other local files)."""
    if path.suffix.lower() != ".svg":
        try:
            from PIL import Image as PILImage

            with PILImage.open(path) as image:
                image.verify()
        except Exception as exc:  # Pillow raises many types for broken files
            return [f"logo is not a readable image: {exc}"]
        return []
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [f"logo is not a readable SVG file: {exc}"]
    if "<!ENTITY" in text or "<!DOCTYPE" in text:
        return ["SVG logos may not declare a DOCTYPE or entities"]
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        return [f"logo is not well-formed SVG: {exc}"]
    problems = []
    for el in root.iter():
        tag = el.tag.rsplit("}", 1)[-1]
        if tag in _SVG_FORBIDDEN:
            problems.append(f"SVG logos may not contain <{tag}> (draw it as paths instead)")
        for name, value in el.attrib.items():
            if name.rsplit("}", 1)[-1] == "href" and not value.startswith("#"):
                problems.append(f"SVG logos may not refer to other files ({value!r})")
            if "url(" in value and "url(#" not in value:
                problems.append(f"SVG logos may not refer to other files ({value!r})")
    try:
        width, height = (
            float(root.get("width", "0").rstrip("px")),
            float(root.get("height", "0").rstrip("px")),
        )
    except ValueError:
        width = height = 0.0
    if not (width > 0 and height > 0) and not root.get("viewBox"):
        problems.append("SVG logos need a width and height or a viewBox")
    return sorted(set(problems))


def validate_brand(src: Sourced, schema_path: Path, *, papers: set[str]) -> Brand:
    """Turn a loaded brand file into a Brand, or raise InputError with all its problems."""
    if src.problems or not isinstance(src.data, dict):  # unreadable: nothing more to check
        raise InputError(src.problems or [src.problem((), "must be a mapping of keys")])
    # schema and semantic checks together, so one run lists every problem of the file
    problems = schema_problems(src, schema_path)
    d = src.data
    directory = src.path.parent
    if isinstance(d.get("paper"), str) and d["paper"] not in papers:
        problems.append(
            src.problem(
                ("paper",),
                f"unknown paper {d['paper']!r} (expected one of {', '.join(sorted(papers))})",
            )
        )
    logo = (directory / d["logo"]).resolve() if isinstance(d.get("logo"), str) else None
    if logo is not None:
        if not logo.is_relative_to(directory.resolve()):
            problems.append(src.problem(("logo",), "the logo must be a file in the brand folder"))
        elif not logo.is_file():
            problems.append(src.problem(("logo",), f"logo file {d['logo']!r} not found"))
        elif logo.suffix.lower() not in (".png", ".svg", ".jpg", ".jpeg"):
            problems.append(src.problem(("logo",), "logo must be a PNG, JPEG or SVG file"))
        else:
            problems += [src.problem(("logo",), m) for m in logo_problems(logo)]
        if not d.get("logo_alt"):
            problems.append(src.problem(("logo",), "a logo needs 'logo_alt' (a text alternative)"))
    if problems:
        raise InputError(problems)
    return Brand(
        id=directory.name,
        name=d["name"],
        directory=directory,
        address=tuple(d.get("address", ())),
        phone=d["phone"],
        website=d.get("website"),
        email=d.get("email"),
        emergency_number=str(d["emergency_number"]),
        footer_text=d.get("footer_text"),
        paper=d["paper"],
        logo=logo,
        logo_alt=d.get("logo_alt"),
        tagline=d.get("tagline"),
        region=d.get("region"),
        theme=d.get("theme", {}),
        source=src.display,
        lines={format_path(path): line for path, line in src.lines.items() if path},
    )
