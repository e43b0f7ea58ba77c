"""Validate stage: a loaded topic file -> a typed Handout, or every problem of the file at once
(schema, then the checks a schema cannot express: ids, inline syntax, placeholders, dates, and
each block kind's own checks)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from . import blocks
from .errors import InputError, Problem
from .inline import InlineError, parse_inline, placeholders
from .load import JsonPath, Sourced
from .model import PLACEHOLDERS, Handout, Person, Section, Source, SourceText
from .schema import schema_problems
from .strings import iter_strings
from .textrules import hidden_characters, strings_in, text_problems

__all__ = ["hidden_in", "schema_problems", "validate_handout"]


def _date(src: Sourced, key: str, problems: list[Problem]) -> dt.date:
    try:
        return dt.date.fromisoformat(src.data[key])
    except (TypeError, ValueError):
        problems.append(src.problem((key,), f"{src.data[key]!r} is not a real date"))
        return dt.date.min


# keys whose strings are printed (and so may use the inline syntax): the topic's own, and
# each block kind's
_TOPIC_TEXT_KEYS = {"title", "summary", "heading"}


def _text_keys() -> set[str]:
    return _TOPIC_TEXT_KEYS | {f for k in blocks.registry().kinds for f in k.text_fields}


def _semantic_problems(src: Sourced) -> list[Problem]:
    """Checks a schema cannot express: unique ids, inline syntax and placeholders."""
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
            if block["id"] in seen_blocks:
                path: JsonPath = ("sections", si, "blocks", bi, "id")
                problems.append(src.problem(path, f"duplicate block id {block['id']!r}"))
            seen_blocks.add(block["id"])
    text_keys = _text_keys()
    for path, text in strings_in(data):
        if not any(p in text_keys for p in path if isinstance(p, str)):
            # not printed as text (ids, keywords, file names): still nothing hidden
            problems += [src.problem(path, m) for m in hidden_characters(text)]
            continue
        problems += [src.problem(path, m) for m in text_problems(text)]
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


def hidden_in(src: Sourced) -> list[Problem]:
    """Every key and string value of a loaded file holding a character that hides, reorders
    or controls what it says (C0 and C1 controls, lone surrogates, noncharacters, bidi and
    invisible characters), at its line and field: for files whose text is data, not printed
    (theme files)."""
    problems: list[Problem] = []

    def keys(data: Any, path: JsonPath) -> None:
        if isinstance(data, dict):
            for key, value in data.items():
                if not key.isprintable():
                    problems.extend(src.problem((*path, key), m) for m in hidden_characters(key))
                keys(value, (*path, key))
        elif isinstance(data, list):
            for n, value in enumerate(data):
                keys(value, (*path, n))

    keys(src.data, ())
    for path, text in strings_in(src.data):
        if not text.isprintable():  # every character it could name is not printable
            problems += [src.problem(path, m) for m in hidden_characters(text)]
    return problems


def _origins(block: Any, context: str, src: Sourced, path: JsonPath) -> Any:
    """``block`` (and the blocks inside it) knowing where it was written."""
    from dataclasses import replace

    where = f"{context}/{block.id} ({src.display}:{src.line(path) or 1})"
    inner = getattr(block, "blocks", None)
    if isinstance(inner, tuple):
        inner = tuple(
            _origins(b, f"{context}/{block.id}", src, (*path, "blocks", n))
            for n, b in enumerate(inner)
        )
        return replace(block, origin=where, blocks=inner)
    return replace(block, origin=where)


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
    reading = blocks.Reading(src, src.path.parent)
    sections = []
    for si, s in enumerate(d["sections"]):
        content = []
        for bi, b in enumerate(s["blocks"]):
            path: JsonPath = ("sections", si, "blocks", bi)
            block = blocks.read(b, path, reading)
            content.append(_origins(block, f"{d['id']}/{s['id']}", src, path))
        sections.append(Section(s["id"], s["heading"], tuple(content)))
    problems += reading.problems
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
        sections=tuple(sections),
        path=src.path,
        files=tuple(dict.fromkeys(reading.files)),
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
