"""The bounds of one rendering (``templates/limits.yaml``, section ``templates``): steps
counted as a template runs, sizes worked out before a text is made, and which exceptions are
the template's fault rather than the engine's."""

from __future__ import annotations

import contextlib
import os
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, NoReturn

import jinja2

LIMITS_FILE = "templates/limits.yaml"
MAX_INT_BITS = 4096  # a number a template computes (2**4096 has 1,234 digits)


class TemplateLimitError(jinja2.TemplateRuntimeError):
    """A template went past one of its bounds (``templates/limits.yaml``)."""


@dataclass(frozen=True)
class Limits:
    steps: int
    output: int
    seconds: int


CONTAINERS = (list, tuple, dict, set, frozenset)
SIZED = (*CONTAINERS, range)


# --- the bounds of one rendering --------------------------------------------------------------

state = threading.local()  # the rendering under way in this thread


class _Budget:
    __slots__ = ("deadline", "limits", "output", "steps", "ticks")

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.steps = limits.steps
        self.output = limits.output
        self.deadline = time.thread_time() + limits.seconds
        self.ticks = 0


@contextlib.contextmanager
def rendering(limits: Limits) -> Iterator[None]:
    """Bounds for a rendering, unless one is under way (an import or include shares them)."""
    if getattr(state, "budget", None) is not None:
        yield
        return
    state.budget = _Budget(limits)
    try:
        yield
    finally:
        state.budget = None


def charge(n: int = 1) -> None:
    """Count ``n`` steps against the rendering under way (none while compiling, where Jinja
    folds constants: no loop runs then)."""
    budget = getattr(state, "budget", None)
    if budget is None:
        return
    budget.steps -= n
    if budget.steps < 0:
        raise TemplateLimitError(
            f"more than {budget.limits.steps} loop turns, calls and items in one leaflet "
            f"(templates.max_steps in {LIMITS_FILE})"
        )
    budget.ticks += 1
    if not budget.ticks & 127 and time.thread_time() > budget.deadline:
        raise TemplateLimitError(
            f"more than {budget.limits.seconds} s of processor time for one leaflet "
            f"(templates.max_seconds in {LIMITS_FILE})"
        )


def counting(items: Any) -> Iterator[Any]:
    for item in items:
        charge()
        yield item


def text_size(value: Any, limit: int) -> int:
    """About how long ``str(value)`` is, for a list, tuple, mapping or set, without making it:
    each item looked at is a step, and the count stops past ``limit``."""
    total, stack = 0, [value]
    while stack and total <= limit:
        item = stack.pop()
        charge()
        if isinstance(item, str):
            total += len(item) + 2
        elif isinstance(item, dict):
            total += 2 + 4 * len(item)
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, CONTAINERS):
            total += 2 + 2 * len(item)
            stack.extend(item)
        else:
            total += len(str(item))
    return total


_SPEC = re.compile(r"%(?:\([^)]*\))?[#0 +\-]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?(.?)", re.S)


def format_size(fmt: str, values: Any, limit: int) -> int:
    """At most how long ``fmt % values`` is (printf-style), or TemplateLimitError."""
    specs = _SPEC.findall(fmt)
    if not specs:
        return len(fmt)
    widest = 0
    for width, precision, _ in specs:
        for number in (width, precision):
            if number == "*":
                raise TemplateLimitError("a '*' width or precision in a format is not allowed")
            if number:
                widest = max(widest, int(number) if len(number) < 12 else limit + 1)
    if isinstance(values, dict):
        items: Any = list(values.values())
    elif isinstance(values, tuple):
        items = values
    else:
        items = (values,)
    largest = max((text_size(v, limit) for v in items), default=0)
    return len(fmt) + len(specs) * (widest + largest + 32)


def too_long(size: int, limits: Limits) -> TemplateLimitError:
    return TemplateLimitError(
        f"a text or list of more than {limits.output} characters or items "
        f"({size if size <= 10 * limits.output else 'many more'}; "
        f"templates.max_output in {LIMITS_FILE})"
    )


_HERE = os.path.join(os.path.dirname(__file__), "")  # this package
_ENGINE = os.path.join(os.path.dirname(os.path.dirname(__file__)), "")  # handoutgen


def template_fault(exc: BaseException, *, here: bool = False) -> jinja2.TemplateError | None:
    """``exc`` as the template's error, or None for the engine's own (a bug: it must show as
    one): raised by the engine's Python code, or by this package's unless ``here`` (where it
    carries out an operation a template asked for: ``'a' * 'b'`` fails in a frame of this
    package). A template that calls itself without end or runs out of memory is the
    template's."""
    if isinstance(exc, RecursionError):
        return TemplateLimitError(
            "templates nested too deeply: an include, import, macro or recursive loop that "
            "calls itself without end?"
        )
    if isinstance(exc, MemoryError):
        return TemplateLimitError("out of memory")
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    where = tb.tb_frame.f_code.co_filename if tb is not None else ""
    if where.startswith(_ENGINE) and not (here and where.startswith(_HERE)):
        return None
    return jinja2.TemplateRuntimeError(f"{type(exc).__name__}: {exc}")


def reraise(exc: Exception) -> NoReturn:
    """Raise ``exc``, as the template's error where it is one (see ``template_fault``)."""
    if isinstance(exc, jinja2.TemplateError | RecursionError | MemoryError):
        raise exc  # the rendering's own handler turns the last two into limit errors
    fault = template_fault(exc, here=True)
    if fault is None:
        raise exc
    raise fault.with_traceback(exc.__traceback__) from None
