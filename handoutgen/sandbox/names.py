"""The names a template may use: Jinja's filters and tests that are safe, the methods of the
objects it is given, and the filters that could make a long text, checked before they make it."""

from __future__ import annotations

from typing import Any

import jinja2
from jinja2.filters import make_attrgetter, sync_do_join
from jinja2.runtime import LoopContext
from jinja2.utils import Cycler, Joiner, Namespace
from markupsafe import Markup, soft_str

from .bounds import format_size, text_size, too_long

# Jinja's filters that cannot run code, read a file or make a text much longer than what they
# are given (``join``, ``replace``, ``format``, ``batch`` and ``slice`` are checked first).
# Left out: ``safe`` and ``forceescape`` (data never becomes markup), ``random`` (the same
# inputs make the same leaflet), ``center``, ``indent``, ``wordwrap``, ``pprint``, ``urlize``,
# ``urlencode``, ``xmlattr``, ``tojson``, ``filesizeformat`` (unneeded, or a text of any
# length from a number) and ``striptags`` (its time grows with the square of the text).
# fmt: off
FILTER_NAMES = (
    "abs", "attr", "batch", "capitalize", "count", "d", "default", "dictsort", "e", "escape",
    "first", "float", "format", "groupby", "int", "items", "join", "last", "length", "list",
    "lower", "map", "max", "min", "reject", "rejectattr", "replace", "reverse", "round",
    "select", "selectattr", "slice", "sort", "string", "sum", "title", "trim", "truncate",
    "unique", "upper", "wordcount",
)
# filters that turn their value into text: a list given to one is sized first
STRINGIFY = frozenset((
    "capitalize", "e", "escape", "format", "literal", "lower", "replace", "string", "title",
    "trim", "truncate", "upper", "wordcount",
))
TEST_NAMES = (
    "defined", "undefined", "none", "boolean", "true", "false", "integer", "float", "number",
    "string", "mapping", "sequence", "iterable", "odd", "even", "divisibleby", "in", "sameas",
    "lower", "upper", "escaped", "==", "eq", "equalto", "!=", "ne", ">", "gt", "greaterthan",
    ">=", "ge", "<", "lt", "lessthan", "<=", "le",
)
# str methods that cannot make a text longer than the one they are called on
_TEXT_METHODS = frozenset((
    "capitalize", "casefold", "count", "endswith", "find", "index", "isalnum", "isalpha",
    "isascii", "isdecimal", "isdigit", "isidentifier", "islower", "isnumeric", "isprintable",
    "isspace", "istitle", "isupper", "lower", "lstrip", "partition", "removeprefix",
    "removesuffix", "rfind", "rindex", "rpartition", "rsplit", "rstrip", "split", "splitlines",
    "startswith", "strip", "swapcase", "title", "upper",
))
# fmt: on
# the methods a template may call, by the kind of object (nothing else that can be called is
# reachable through an attribute, except a macro)
METHODS: tuple[tuple[type | tuple[type, ...], frozenset[str]], ...] = (
    (Markup, _TEXT_METHODS | {"unescape"}),
    (str, _TEXT_METHODS),
    (dict, frozenset({"items", "keys", "values", "get"})),
    ((list, tuple), frozenset({"count", "index"})),
    (LoopContext, frozenset({"cycle", "changed"})),
    (Cycler, frozenset({"next", "reset"})),
)
CLASSES = (dict, Cycler, Joiner, Namespace)  # classes a template may call: its globals


# --- filters that could make a long text, checked before they make it -------------------------


@jinja2.pass_eval_context
def checked_join(eval_ctx: Any, value: Any, d: Any = "", attribute: Any = None) -> str:
    env = eval_ctx.environment
    if attribute is not None:
        value = map(make_attrgetter(env, attribute), value)
    items = list(value)
    size = len(soft_str(d)) * max(len(items) - 1, 0)
    for item in items:
        size += len(item) if isinstance(item, str) else text_size(item, env.limits.output)
        env.check_size(size)
    return sync_do_join(eval_ctx, items, d)


@jinja2.pass_environment
def checked_format(environment: Any, value: Any, *args: Any, **kwargs: Any) -> str:
    if args and kwargs:
        raise jinja2.FilterArgumentError("can't handle positional and keyword arguments together")
    values = kwargs or args
    fmt = soft_str(value)
    environment.check_size(format_size(fmt, values, environment.limits.output))
    return fmt % values


@jinja2.pass_environment
def checked_sum(environment: Any, iterable: Any, attribute: Any = None, start: Any = 0) -> Any:
    if attribute is not None:
        iterable = map(make_attrgetter(environment, attribute), iterable)
    items = list(iterable)
    for item in (start, *items):
        if not isinstance(item, int | float):
            raise jinja2.TemplateRuntimeError("sum adds numbers only")
    return sum(items, start)


def _check_replace(env: Any, s: Any, old: Any, new: Any, count: Any = None) -> None:
    text, old, new = soft_str(s), soft_str(old), soft_str(new)
    times = text.count(old) if old else len(text) + 1
    if isinstance(count, int) and count >= 0:
        times = min(times, count)
    env.check_size(len(text) + times * max(len(new) - len(old), 0))


def _check_count(env: Any, value: Any, number: Any, fill_with: Any = None) -> None:
    if isinstance(number, int) and number > env.limits.output:
        raise too_long(number, env.limits)


CHECKS = {"replace": _check_replace, "batch": _check_count, "slice": _check_count}
