"""templates/lint.yaml -> the Policy lint measures against: readability limits per language,
structure limits; every problem of the file at its line, at once."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError, Problem
from ..load import JsonPath, Sourced, load_yaml
from .readability import INDICES

FILE = "lint.yaml"
DEFAULT = "default"
SETTINGS = ("min_words", "hardest_sentences", "hardest_min_words")


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


@dataclass(frozen=True)
class Limit:
    """A limit on one measure: at most ``max`` or at least ``min``."""

    name: str
    max: float | None = None
    min: float | None = None
    place: str = ""  # lint.yaml:line

    def passes(self, value: float) -> bool:
        if self.max is not None and value > self.max:
            return False
        return not (self.min is not None and value < self.min)

    def describe(self) -> str:
        return f"<= {self.max:g}" if self.max is not None else f">= {self.min:g}"


@dataclass(frozen=True)
class Policy:
    data: dict[str, Any]
    source: Sourced = field(compare=False, repr=False)

    def place(self, *path: str | int) -> str:
        return f"{self.source.display}:{self.source.line(tuple(path))}"

    def limits(self, language: str) -> list[Limit]:
        """The readability limits for a language: its own, then the defaults it does not set."""
        table = self.data.get("readability", {})
        chosen: dict[str, Limit] = {}
        for key in (language, DEFAULT):
            for name, bound in (table.get(key) or {}).items():
                if name not in chosen:
                    chosen[name] = Limit(
                        name, bound.get("max"), bound.get("min"), self.place("readability", key)
                    )
        return list(chosen.values())

    def readability(self, key: str) -> Any:
        return self.data.get("readability", {})[key]

    def structure(self, *path: str) -> Any:
        value: Any = self.data.get("structure", {})
        for key in path:
            value = value[key]
        return value

    def per_language(self, language: str, *path: str) -> Any:
        """A structure value that may be given per language (``{default: 25, zh: 45}``)."""
        value = self.structure(*path)
        if isinstance(value, dict):
            return value.get(language, value.get(DEFAULT))
        return value


def load(templates_dir: Path, root: Path) -> Policy:
    """Read and check the policy; an InputError names every problem at its line."""
    src = load_yaml(templates_dir / FILE, root=root)
    problems = list(src.problems)
    data = src.data
    if not problems and not isinstance(data, dict):
        problems.append(src.problem((), "must be a mapping"))
    if not problems:
        problems += _check(src, data)
    if problems:
        raise InputError(problems)
    return Policy(data, src)


def _check(src: Sourced, data: dict[str, Any]) -> list[Problem]:
    problems: list[Problem] = []

    def need(ok: bool, path: JsonPath, message: str) -> bool:
        if not ok:
            problems.append(src.problem(path, message))
        return ok

    read = data.get("readability")
    if need(isinstance(read, dict), ("readability",), "must be a mapping"):
        for key in SETTINGS:
            need(
                isinstance(read.get(key), int) and read[key] >= 0,
                ("readability", key),
                "must be a whole number",
            )
        for language, table in read.items():
            if language in SETTINGS:
                continue
            if not need(isinstance(table, dict), ("readability", language), "must be a mapping"):
                continue
            for name, bound in table.items():
                path = ("readability", language, name)
                if not need(
                    name in INDICES, path, f"unknown measure (one of {', '.join(INDICES)})"
                ):
                    continue
                need(
                    isinstance(bound, dict)
                    and len(bound) == 1
                    and next(iter(bound)) in ("max", "min")
                    and _number(next(iter(bound.values()))),
                    path,
                    "must be {max: N} or {min: N}",
                )
    structure = data.get("structure")
    if need(isinstance(structure, dict), ("structure",), "must be a mapping"):
        numbers = [
            ("summary", "max_words"),
            ("calls_to_action", "min"),
            ("urgent_callout", "min"),
            ("question_headings", "min_share"),
            ("sentences", "max_words"),
            ("paragraphs", "max_sentences"),
        ]
        for path in numbers:
            value: Any = structure
            for key in path:
                value = value.get(key) if isinstance(value, dict) else None
            values = value.values() if isinstance(value, dict) else [value]
            need(
                all(_number(v) and v >= 0 for v in values) and bool(values),
                ("structure", *path),
                "must be a number (or one per language)",
            )
        for path in (("sources", "require_link"), ("review", "not_overdue")):
            value = (structure.get(path[0]) or {}).get(path[1])
            need(isinstance(value, bool), ("structure", *path), "must be true or false")
        allow = (structure.get("abbreviations") or {}).get("allow")
        need(
            isinstance(allow, list) and all(isinstance(a, str) for a in allow),
            ("structure", "abbreviations", "allow"),
            "must be a list of tokens",
        )
        named = (structure.get("abbreviations") or {}).get("named") or {}
        need(
            isinstance(named, dict)
            and all(
                isinstance(v, dict)
                and set(v) <= {"before", "after"}
                and all(isinstance(w, list) for w in v.values())
                and all(isinstance(x, str) for w in v.values() for x in w)
                for v in named.values()
            ),
            ("structure", "abbreviations", "named"),
            "must map languages to {before: [words], after: [words]}",
        )
        for key in ("marks", "openers"):
            marks = (structure.get("question_headings") or {}).get(key)
            need(
                isinstance(marks, dict)
                and all(
                    isinstance(v, list) and all(isinstance(m, str) for m in v)
                    for v in marks.values()
                ),
                ("structure", "question_headings", key),
                "must map languages to lists of marks",
            )
    return problems
