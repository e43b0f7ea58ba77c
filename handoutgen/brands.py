"""Brands: a loaded ``brand.yaml`` -> a typed Brand (its logo checked), or every problem of
the file at once."""

from __future__ import annotations

import re
from pathlib import Path

from . import cache, imagefiles
from .errors import InputError
from .load import Sourced, format_path
from .model import Brand
from .schema import schema_problems
from .textrules import hidden_characters, strings_in, text_problems

# the keys every stage knows by name; any other key brand.schema.json declares is an option a
# template shows as {{ brand.<key> }} (text per language where the brand gives one)
KNOWN = {
    "name",
    "tagline",
    "logo",
    "logo_alt",
    "address",
    "phone",
    "website",
    "email",
    "emergency_number",
    "footer_text",
    "region",
    "paper",
    "theme",
}
NOT_PRINTED = {"logo", "region", "paper", "theme"}  # every other string shows on the leaflet
ONLINE_PLACEHOLDERS = ("topic", "locale")  # what an online_url may name: {topic}, {locale}
_BRACES = re.compile(r"\{([^{}]*)\}|[{}]")


def online_url_problems(url: str) -> list[str]:
    """What is wrong with a brand's ``online_url`` template beyond its schema (https, no
    spaces or brackets): a placeholder other than {topic} and {locale}, a stray brace."""
    problems = []
    for match in _BRACES.finditer(url):
        name = match.group(1)
        if name is None:
            problems.append(f"a lone {match.group()!r}: placeholders are {{topic}} and {{locale}}")
        elif name not in ONLINE_PLACEHOLDERS:
            problems.append(f"unknown placeholder {{{name}}} (known: {{topic}}, {{locale}})")
    return problems


def online_url(brand: Brand, topic: str, locale: str) -> str | None:
    """The address of a leaflet's online copy (the brand's ``online_url`` filled in), or None
    for a brand without one."""
    template = brand.options.get("online_url")
    if not isinstance(template, str):
        return None
    return template.replace("{topic}", topic).replace("{locale}", locale)


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
    logo = None
    if isinstance(
        d.get("logo"), str
    ):  # a file of the brand folder, checked as every picture is (imagefiles)
        logo, why = imagefiles.resolve(directory, d["logo"], "logo", "the brand folder")
        if logo is None:
            problems.append(src.problem(("logo",), str(why)))
        else:
            problems += [src.problem(("logo",), m) for m in imagefiles.problems(logo, "logo")]
        if not d.get("logo_alt"):
            problems.append(src.problem(("logo",), "a logo needs 'logo_alt' (a text alternative)"))
    if isinstance(d.get("online_url"), str):
        problems += [src.problem(("online_url",), m) for m in online_url_problems(d["online_url"])]
    # printed on every page (name, phone, emergency number, address ...): nothing hidden,
    # nothing that disguises a number, nothing that prints empty
    for path, text in strings_in(d):
        printed = bool(path) and path[0] not in NOT_PRINTED
        found = text_problems(text) if printed else hidden_characters(text)
        problems += [src.problem(path, m) for m in found]
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
        options=_options(d, schema_path),
        source=src.display,
        lines={format_path(path): line for path, line in src.lines.items() if path},
    )


def _options(data: dict, schema_path: Path) -> dict[str, object]:
    """Every option the schema declares (None where the brand leaves it out)."""
    import json

    text = schema_path.read_text(encoding="utf-8")
    declared = _declared.get(text)
    if declared is None:
        declared = _declared.put(text, list(json.loads(text).get("properties", {})))
    return {key: data.get(key) for key in declared if key not in KNOWN}


_declared = cache.memo("brand schema properties", kept=4)
