"""The sandboxed environment: the generated code counts every loop, output and ``~``; every
call, filter and operator goes through the bounds; a template too deeply nested to compile is
a syntax error at its line."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.compiler import CodeGenerator
from jinja2.filters import FILTERS
from jinja2.parser import Parser
from jinja2.runtime import LoopContext, Macro, Undefined
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.tests import TESTS
from jinja2.utils import Cycler, Joiner, Namespace, _PassArg

from .bounds import (
    CONTAINERS,
    LIMITS_FILE,
    MAX_INT_BITS,
    SIZED,
    Limits,
    TemplateLimitError,
    charge,
    counting,
    format_size,
    rendering,
    reraise,
    state,
    template_fault,
    text_size,
    too_long,
)
from .names import (
    CHECKS,
    CLASSES,
    FILTER_NAMES,
    METHODS,
    STRINGIFY,
    TEST_NAMES,
    checked_format,
    checked_join,
    checked_sum,
)

# --- the generated code: every loop, output and ~ is counted -----------------------------------


LOOP_FILTER = "_loop_items"  # put by the compiler on every loop's iterable


@jinja2.pass_context  # never folded into a constant at compile time: always counted
def _loop_items(context: Any, value: Any) -> Any:
    return context.environment.iterate(value)


class _CodeGenerator(CodeGenerator):
    def visit_Template(self, node: nodes.Template, frame: Any = None) -> None:
        for loop in node.find_all(nodes.For):  # before Jinja looks up the filters it uses
            if not (isinstance(loop.iter, nodes.Filter) and loop.iter.name == LOOP_FILTER):
                loop.iter = nodes.Filter(
                    loop.iter, LOOP_FILTER, [], [], None, None, lineno=loop.iter.lineno
                )
        super().visit_Template(node, frame)

    def visit_Concat(self, node: nodes.Concat, frame: Any) -> None:
        self.write("environment.sized(")
        super().visit_Concat(node, frame)
        self.write(")")

    def _output_const_repr(self, group: Any) -> str:
        return f"environment.emit({super()._output_const_repr(group)})"

    def _output_child_pre(self, node: nodes.Expr, frame: Any, finalize: Any) -> None:
        self.write("environment.emit(")
        super()._output_child_pre(node, frame, finalize)

    def _output_child_post(self, node: nodes.Expr, frame: Any, finalize: Any) -> None:
        super()._output_child_post(node, frame, finalize)
        self.write(")")


class _Template(jinja2.Template):
    """A template rendered within its environment's bounds; an exception raised by the
    template's own code (not by the engine it calls) becomes a TemplateError with the
    template's file and line in its traceback."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        with rendering(self.environment.limits):  # type: ignore[attr-defined]
            try:
                return super().render(*args, **kwargs)
            except jinja2.TemplateError:
                raise
            except Exception as exc:
                converted = template_fault(exc)
                if converted is None:
                    raise
                raise converted.with_traceback(exc.__traceback__) from None

    def generate(self, *args: Any, **kwargs: Any) -> Iterator[str]:
        with rendering(self.environment.limits):  # type: ignore[attr-defined]
            yield from super().generate(*args, **kwargs)

    def make_module(self, *args: Any, **kwargs: Any) -> Any:
        with rendering(self.environment.limits):  # type: ignore[attr-defined]
            return super().make_module(*args, **kwargs)


# --- the environment ---------------------------------------------------------------------------


class TemplateSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox with only the names templates need, and bounds."""

    code_generator_class = _CodeGenerator
    template_class = _Template
    intercepted_binops = frozenset({"+", "*", "**", "%"})

    def __init__(
        self, limits: Limits, filters: dict[str, Any] | None = None, **options: Any
    ) -> None:
        super().__init__(**options)
        self.limits = limits
        self.finalize = self._printable
        self.globals.clear()
        self.globals.update(
            range=self._range, dict=dict, namespace=Namespace, cycler=Cycler, joiner=Joiner
        )
        chosen = {name: FILTERS[name] for name in FILTER_NAMES}
        chosen.update(join=checked_join, format=checked_format, sum=checked_sum)
        chosen.update(filters or {})
        self.filters = {name: self._filter(name, fn) for name, fn in chosen.items()}
        self.filters[LOOP_FILTER] = _loop_items
        self.tests = {name: TESTS[name] for name in TEST_NAMES}
        self._safe: dict[tuple[type, str, type], bool] = {}

    # what a template may reach
    def getattr(self, obj: Any, attribute: str) -> Any:
        """Jinja's sandboxed ``obj.attribute``, with each decision kept: it depends only on
        the name and the kinds of object and value (and str.format is refused outright)."""
        try:
            value = getattr(obj, attribute)
        except AttributeError:
            try:
                return obj[attribute]
            except (TypeError, LookupError):
                return self.undefined(obj=obj, name=attribute)
        key = (type(obj), attribute, type(value))
        safe = self._safe.get(key)
        if safe is None:
            if len(self._safe) > 4096:  # names from data (|attr): a bounded table
                self._safe.clear()
            safe = self._safe[key] = self.is_safe_attribute(obj, attribute, value)
        return value if safe else self.unsafe_undefined(obj, attribute)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if not super().is_safe_attribute(obj, attr, value):
            return False
        if isinstance(value, Macro) or not callable(value) or isinstance(value, Undefined):
            return True
        return any(isinstance(obj, kind) and attr in names for kind, names in METHODS)

    def is_safe_callable(self, obj: Any) -> bool:
        if isinstance(obj, type) and obj not in CLASSES:
            return False
        return super().is_safe_callable(obj)

    def wrap_str_format(self, value: Any) -> None:
        return None  # str.format is not one of the methods a template may call

    # what it may do
    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        charge()
        if isinstance(__obj, LoopContext) and args:  # a recursive loop's next level
            args = (__self.iterate(args[0]), *args[1:])
        try:
            result = super().call(__context, __obj, *args, **kwargs)
        except Exception as exc:
            reraise(exc)
        return __self.bounded(result)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            for a, b in ((left, right), (right, left)):
                if isinstance(a, str | list | tuple) and isinstance(b, int):
                    self.check_size(len(a) * max(b, 0))
            if isinstance(left, int) and isinstance(right, int):
                self._check_bits(left.bit_length() + right.bit_length())
        elif operator == "**":
            if isinstance(left, int) and isinstance(right, int) and right > 0 and abs(left) > 1:
                self._check_bits(left.bit_length() * right)
        elif operator == "%" and isinstance(left, str):
            self.check_size(format_size(left, right, self.limits.output))
        try:
            result = self.binop_table[operator](left, right)
        except Exception as exc:
            reraise(exc)
        return self.bounded(result)

    def _check_bits(self, bits: int) -> None:
        if bits > MAX_INT_BITS:
            raise TemplateLimitError(f"a number of more than {MAX_INT_BITS} bits")

    def _range(self, *args: int) -> range:
        numbers = range(*args)
        try:
            n = len(numbers)
        except OverflowError:  # more than the machine can count
            n = self.limits.steps + 1
        if n > self.limits.steps:  # counted as it is used: by a loop, or given to a filter
            raise TemplateLimitError(
                f"a range of more than {self.limits.steps} numbers "
                f"(templates.max_steps in {LIMITS_FILE})"
            )
        return numbers

    def _filter(self, name: str, fn: Any) -> Any:
        """``fn`` counted as a step, given a counted iterable, its value sized first if it
        makes text of it, its arguments checked where they could make a long text."""
        skip = 1 if _PassArg.from_obj(fn) is not None else 0
        stringify = name in STRINGIFY
        check = CHECKS.get(name)

        @functools.wraps(fn)
        def bounded(*args: Any, **kwargs: Any) -> Any:
            charge()
            if len(args) > skip:
                value = args[skip]
                if isinstance(value, SIZED):
                    charge(len(value))
                    if stringify:
                        self.check_size(text_size(value, self.limits.output))
                elif isinstance(value, Iterator):
                    args = (*args[:skip], counting(value), *args[skip + 1 :])
            try:
                if check is not None:
                    check(self, *args[skip:], **kwargs)
                result = fn(*args, **kwargs)
            except Exception as exc:
                reraise(exc)
            return self.bounded(result)

        return bounded

    # called by the generated code
    def iterate(self, value: Any) -> Any:
        """What a loop takes, item by item: each turn is a step (and the clock is looked at
        every so often, however little the turn does)."""
        if isinstance(value, Undefined):
            return value
        try:
            items = iter(value)
        except TypeError as exc:  # {% for x in 5 %}
            reraise(exc)
        return counting(items)

    def emit(self, text: str) -> str:
        """Text written (to the leaflet, or kept by a macro, call or filter block)."""
        budget = getattr(state, "budget", None)
        if budget is not None:
            budget.output -= len(text)
            if budget.output < 0:
                raise TemplateLimitError(
                    f"more than {self.limits.output} characters written for one leaflet "
                    f"(templates.max_output in {LIMITS_FILE})"
                )
        return text

    def sized(self, text: str) -> str:
        self.check_size(len(text))
        return text

    def check_size(self, size: int) -> None:
        if size > self.limits.output:
            raise too_long(size, self.limits)

    def bounded(self, value: Any) -> Any:
        """A value a call, filter or operator made: a text or list within bounds (a list's
        items counted as steps)."""
        if isinstance(value, str):
            self.check_size(len(value))
        elif isinstance(value, CONTAINERS):
            self.check_size(len(value))
            charge(len(value))
        return value

    def _printable(self, value: Any) -> Any:
        """A value printed by ``{{ }}``: a list is sized before it is made into text."""
        if isinstance(value, CONTAINERS):
            self.check_size(text_size(value, self.limits.output))
        return value

    # a template nested too deeply to compile: a syntax error at its line, not a crash
    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        parser = Parser(self, source, name, filename)
        try:
            return parser.parse()
        except RecursionError:
            line = parser.stream.current.lineno
        raise jinja2.TemplateSyntaxError(_TOO_DEEP, line, name, filename)

    def _generate(
        self,
        source: nodes.Template,
        name: str | None,
        filename: str | None,
        defer_init: bool = False,
    ) -> str:
        generator = self.code_generator_class(
            self, name, filename, None, defer_init, self.optimized
        )
        try:
            generator.visit(source)
        except RecursionError:
            line = getattr(generator, "_last_line", 0) or _deepest_line(source)
            raise jinja2.TemplateSyntaxError(_TOO_DEEP, line, name, filename) from None
        return generator.stream.getvalue()  # type: ignore[attr-defined,no-any-return]

    def _compile(self, source: str, filename: str) -> Any:
        try:
            return compile(source, filename, "exec")
        except (SyntaxError, RecursionError, MemoryError) as exc:
            line = _template_line(source, getattr(exc, "lineno", None))
        raise jinja2.TemplateSyntaxError(_TOO_DEEP, line, None, filename)


_TOO_DEEP = "nested too deeply to compile (expressions, filters or blocks inside each other)"


def _deepest_line(tree: nodes.Node) -> int:
    """The line of the most deeply nested node of ``tree`` (walked without recursion)."""
    deepest, line = -1, 0
    stack = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > deepest:
            deepest, line = depth, getattr(node, "lineno", line) or line
        stack.extend((child, depth + 1) for child in node.iter_child_nodes())
    return line


def _template_line(source: str, python_line: int | None) -> int:
    """The template line that generated Python line ``python_line`` (0 if unknown), from the
    ``debug_info`` Jinja writes at the end of a compiled template."""
    found = re.search(r"^debug_info = '([\d=&]*)'", source, re.M)
    if not found or not python_line:
        return 0
    line = 0
    for pair in filter(None, found.group(1).split("&")):
        template_line, generated = (int(n) for n in pair.split("="))
        if generated <= python_line:
            line = template_line
    return line
