"""JSON Schema checks: loaded YAML + a schema file -> every violation, each at its file, line
and field. The schema is compiled by fastjsonschema (50x faster to say "valid"); a file it
rejects is checked again by jsonschema, which words every problem. Both are kept in memory by
the schema's content, never its path, and neither is kept on disk."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import cache
from .errors import Problem
from .load import JsonPath, Sourced

if TYPE_CHECKING:  # jsonschema (60 ms to import) only words the problems of a rejected file
    import jsonschema


_validators = cache.memo("schema validators")


def _validator(schema_path: Path) -> jsonschema.Draft202012Validator:
    import jsonschema

    text = schema_path.read_text(encoding="utf-8")
    found = _validators.get(("jsonschema", text))
    if found is None:
        found = _validators.put(
            ("jsonschema", text), jsonschema.Draft202012Validator(json.loads(text))
        )
    return found


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


def _fast_check(schema_path: Path) -> Callable[[Any], Any]:
    """The schema compiled to Python by fastjsonschema: about 50 times faster than jsonschema
    at saying "valid", which is the answer for almost every file. It stops at the first error,
    so a file it rejects is validated again by jsonschema, which reports every problem. Its
    draft-07 keywords are the only ones the shipped schemas use.

    The code is generated here, from the schema's text, once a process (the handout schema
    takes about 45 ms, the brand schema 4 ms) and never kept on disk: a file there could be
    replaced by other code. A topic read back from the topic cache needs no check at all."""
    import fastjsonschema

    text = schema_path.read_text(encoding="utf-8")
    found = _validators.get(("fastjsonschema", text))
    if found is None:
        schema = {**json.loads(text), "$schema": "http://json-schema.org/draft-07/schema#"}
        found = _validators.put(("fastjsonschema", text), fastjsonschema.compile(schema))
    return found


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
