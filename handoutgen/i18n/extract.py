"""Extraction: handout YAML and Jinja2 templates -> catalog template entries (POT), via Babel.

``extract_handout`` is a Babel extraction method (entry point ``babel.extractors: handout``), so
plain ``pybabel extract -F babel.cfg`` works as well as ``generate.py i18n extract``.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import jinja2
import yaml
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg

from ..errors import InputError, Problem
from ..inline import placeholders
from ..load import Bounds, Sourced, parse_yaml
from ..strings import iter_strings
from ..validate import validate_handout

PACKAGE_ROOT = Path(__file__).resolve().parent.parent.parent
COMMENT_TAGS = ("Translators:",)
KEYWORDS = {**DEFAULT_KEYWORDS, "pgettext": ((1, "c"), 2)}


def _placeholder_notes(root: Path) -> dict[str, str]:
    path = root / "templates" / "placeholders.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else {}
    return {str(k): str(v) for k, v in (data or {}).items()}


def extract_handout(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: dict[str, Any]
) -> Iterator[tuple[int, str, tuple[str, str], list[str]]]:
    """Babel extraction method: one ``pgettext(context, text)`` per translatable string.

    Contexts come from stable ids (``topic/section/block[/field]``); comments carry the
    ``translator_note`` of the section or block and explain each ``{placeholder}``. A file with
    problems raises InputError (extraction must not silently skip content).
    """
    root = Path(options.get("root", PACKAGE_ROOT))
    name = getattr(fileobj, "name", "handout.yaml")
    path = Path(name) if Path(name).is_absolute() else (root / name)
    text = fileobj.read().decode("utf-8")
    src = parse_yaml(text, Sourced(path=path, display=str(name), data=None), Bounds.of(root))
    schema = Path(options.get("schema", root / "handouts" / "handout.schema.json"))
    handout = validate_handout(src, schema)
    notes = _placeholder_notes(root)
    for context, message in iter_strings(handout):
        comments = [
            note
            for prefix, note in handout.notes.items()
            if context == prefix or context.startswith(prefix + "/")
        ]
        comments += [
            f"{{{p}}} is {notes[p]}" for p in dict.fromkeys(placeholders(message)) if p in notes
        ]
        if "**" in message or "](" in message:
            comments.append(
                "Keep **bold** markers and [link text](address) links; translate "
                "the link text only."
            )
        yield getattr(message, "line", 1), "pgettext", (context, str(message)), comments


@dataclass
class Entry:
    context: str | None
    msgid: str
    plural: str | None = None  # msgid_plural of an ngettext / {% pluralize %} string
    locations: list[tuple[str, int]] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)


def _refuse_template(root: Path, filename: str) -> None:
    """InputError if the template file Babel is about to open is one the build would refuse
    (``templating.TemplateRefused``): Babel opens what it finds, a FIFO or a link to any file."""
    from ..templating import TemplateRefused, environment, read_template

    try:
        read_template(environment(root / "templates", None), root / filename)
    except TemplateRefused as exc:
        message = f"template refused: {exc.message}"
        raise InputError([Problem(filename, None, "", message)]) from None


def extract(root: Path) -> list[Entry]:
    """Every translatable string of the project, in file and line order, as catalog entries."""
    cfg = root / "babel.cfg"
    with cfg.open("rb") as fh:
        method_map, options_map = parse_mapping_cfg(io.TextIOWrapper(fh, encoding="utf-8"))
    for options in options_map.values():
        options.setdefault("root", str(root))
    entries: dict[tuple[str | None, str], Entry] = {}
    current = [""]

    def visiting(filename: str, method: str, options: dict[str, Any]) -> None:
        current[0] = filename
        if method == "jinja2":  # read as the build reads it: no link out of templates/, no FIFO
            _refuse_template(root, filename)

    found = extract_from_dir(
        str(root),
        method_map,
        options_map,
        keywords=KEYWORDS,
        comment_tags=COMMENT_TAGS,
        callback=visiting,
        strip_comment_tags=True,
    )
    try:
        collected = list(found)
    except jinja2.TemplateSyntaxError as exc:
        raise InputError(
            [Problem(current[0], exc.lineno, "", f"template syntax error: {exc.message}")]
        ) from None
    for filename, lineno, message, comments, context in collected:
        plural = None
        if isinstance(message, tuple):  # ngettext: singular and plural
            message, plural = message[0], message[1]
        key = (context, message)
        entry = entries.setdefault(key, Entry(context, message, plural))
        entry.locations.append((Path(filename).as_posix(), lineno))
        for comment in comments:
            if comment not in entry.comments:
                entry.comments.append(comment)
        entry.flags |= format_flags(message, plural)
    return list(entries.values())


def format_flags(message: str, plural: str | None = None) -> set[str]:
    """The gettext format flags of a source string, so ``msgfmt -c``, Poedit and Weblate
    check its translations too: ``python-format`` for ``%(name)s`` (template strings),
    ``python-brace-format`` for ``{placeholder}`` (content strings)."""
    flags = set()
    texts = [message] + ([plural] if plural else [])
    if any("%(" in text for text in texts):
        flags.add("python-format")
    if any(placeholders(text) for text in texts):
        flags.add("python-brace-format")
    return flags
