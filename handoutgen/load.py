"""Load stage: YAML files -> plain data plus the source line of every key and item."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import Problem

JsonPath = tuple[str | int, ...]

# libyaml's parser keeps the same marks as PyYAML's and composes about 20x faster
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class Sourced:
    """A YAML document as plain data, with the line each value starts on."""

    path: Path
    display: str  # the path as it appears in messages (relative to the project root)
    data: Any
    lines: dict[JsonPath, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def line(self, path: JsonPath) -> int | None:
        """The line of ``path``, or of its nearest ancestor that has one."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)

    def problem(self, path: JsonPath, message: str) -> Problem:
        return Problem(self.display, self.line(path), format_path(path), message)


def format_path(path: JsonPath) -> str:
    """``("sections", 3, "blocks", 1)`` -> ``sections[3].blocks[1]``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


_SCALARS = {
    "tag:yaml.org,2002:null": lambda v: None,
    "tag:yaml.org,2002:bool": lambda v: v.lower() in ("true", "yes", "on"),
    "tag:yaml.org,2002:int": lambda v: int(v.replace("_", ""), 0),
    "tag:yaml.org,2002:float": float,
}


@dataclass(frozen=True)
class Bounds:
    """How far a YAML file may nest and how many values it may hold (``templates/limits.yaml``,
    section ``yaml``)."""

    max_depth: int
    max_values: int

    @classmethod
    def of(cls, root: Path | None) -> Bounds:
        from .limits import limit

        return cls(limit(root, "yaml", "max_depth"), limit(root, "yaml", "max_values"))


class _Refused(Exception):
    """A file beyond its bounds: the one problem that says where."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


class _Expansion:
    """A composed node graph -> plain data, within bounds: every value counts, an alias as
    everything it repeats (the composer keeps an alias as its anchor's node, so a repeated
    node is an alias and its size is known from its first visit), and each level of nesting.
    A file beyond them is refused at the first value over, before it is built."""

    __slots__ = ("bounds", "left", "out", "sizes")

    def __init__(self, out: Sourced, bounds: Bounds) -> None:
        self.out, self.bounds = out, bounds
        self.left = bounds.max_values
        self.sizes: dict[int, int] = {}  # id of a mapping or list node -> values it holds

    def refuse(self, path: JsonPath, line: int | None, message: str) -> _Refused:
        return _Refused(Problem(self.out.display, line, format_path(path), message))

    def value(self, node: yaml.Node, path: JsonPath) -> Any:
        out = self.out
        if len(path) > self.bounds.max_depth:
            raise self.refuse(
                path,
                node.start_mark.line + 1,
                f"nested more than {self.bounds.max_depth} levels deep (the limit is "
                "yaml.max_depth in templates/limits.yaml)",
            )
        collection = not isinstance(node, yaml.ScalarNode)
        if collection:
            repeated = self.sizes.get(id(node))
            if repeated is not None and repeated > self.left:
                # the alias's own place: the key it is the value of, or the list it is in
                line = out.lines.get(path) or out.lines.get(path[:-1])
                raise self.refuse(
                    path,
                    line,
                    f"more than {self.bounds.max_values} values once its aliases are expanded "
                    "(an alias repeats everything its anchor holds; the limit is "
                    "yaml.max_values in templates/limits.yaml)",
                )
            before = self.left
        self.left -= 1
        if self.left < 0:
            raise self.refuse(
                path,
                node.start_mark.line + 1,
                f"more than {self.bounds.max_values} values (the limit is yaml.max_values "
                "in templates/limits.yaml)",
            )
        # a block scalar (> or |) starts at its indicator; its text starts on the next line
        block = not collection and node.style in (">", "|")
        out.lines[path] = node.start_mark.line + (2 if block else 1)
        if isinstance(node, yaml.MappingNode):
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                key = str(key_node.value)
                if key in result:
                    out.problems.append(
                        Problem(
                            out.display,
                            key_node.start_mark.line + 1,
                            format_path((*path, key)),
                            "duplicate key",
                        )
                    )
                    continue
                out.lines[(*path, key)] = key_node.start_mark.line + 1
                result[key] = self.value(value_node, (*path, key))
            self.sizes[id(node)] = before - self.left
            return result
        if isinstance(node, yaml.SequenceNode):
            items = [self.value(item, (*path, i)) for i, item in enumerate(node.value)]
            self.sizes[id(node)] = before - self.left
            return items
        convert = _SCALARS.get(node.tag)
        if convert is None or node.style:  # quoted scalars and dates stay strings
            return node.value
        try:
            return convert(node.value)
        except ValueError:
            return node.value


def plain_data(node: yaml.Node, path: JsonPath, out: Sourced, bounds: Bounds) -> Any:
    """``node`` as plain data, each value's line in ``out.lines``; a file beyond ``bounds``
    is a problem in ``out.problems`` and no data (None)."""
    try:
        return _Expansion(out, bounds).value(node, path)
    except _Refused as refused:
        out.problems.append(refused.problem)
        return None


def _compose(text: str, display: str, bounds: Bounds) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        raise _explained(text, display, bounds, exc) from None
    except RecursionError:  # PyYAML's own composer (no libyaml) recurses at every level
        raise _explained(text, display, bounds, None) from None
    except yaml.reader.ReaderError as exc:  # a character YAML refuses (a control such as DEL)
        line = text.count("\n", 0, exc.position) + 1
        code = exc.character if isinstance(exc.character, int) else 0
        kind = "a control character" if code < 0x20 or 0x7F <= code < 0xA0 else "a noncharacter"
        message = f"U+{code:04X} is {kind}, not allowed in a YAML file"
        raise _Refused(Problem(display, line, "", message)) from None


def _explained(
    text: str, display: str, bounds: Bounds, error: yaml.MarkedYAMLError | None
) -> _Refused:
    """Why ``text`` does not compose, in PyYAML's words (its parser names the offending
    character; libyaml's does not): its events are read one by one, without recursion and
    without keeping them, so a file nested too deep is named at the line it goes too deep."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > bounds.max_depth:
                    return _Refused(
                        Problem(
                            display,
                            event.start_mark.line + 1,
                            "",
                            f"nested more than {bounds.max_depth} levels deep (the limit "
                            "is yaml.max_depth in templates/limits.yaml)",
                        )
                    )
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.MarkedYAMLError as exc:
        error = exc
    if error is None:  # not reached: composing only fails where parsing fails or too deep
        return _Refused(Problem(display, None, "", "YAML syntax error"))
    mark = error.problem_mark or error.context_mark
    line = mark.line + 1 if mark else None
    return _Refused(Problem(display, line, "", f"YAML syntax error: {error.problem}"))


def load_yaml(
    path: Path, *, root: Path | None = None, text: str | None = None, bounds: Bounds | None = None
) -> Sourced:
    """Read ``path`` (or parse ``text``, already read from it); syntax errors, duplicate keys
    and a file beyond its bounds (nesting, values: ``templates/limits.yaml`` of ``root``)
    become problems, never exceptions."""
    display = str(path.relative_to(root)) if root and path.is_relative_to(root) else str(path)
    out = Sourced(path=path, display=display, data=None)
    try:
        if text is None:
            text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        out.problems.append(Problem(display, None, "", f"cannot read file: {exc}"))
        return out
    return parse_yaml(text, out, bounds or Bounds.of(root))


def parse_yaml(text: str, out: Sourced, bounds: Bounds) -> Sourced:
    """``text`` (the file ``out`` names) parsed into ``out``: its data, lines and problems."""
    try:
        node = _compose(text, out.display, bounds)
    except _Refused as refused:
        out.problems.append(refused.problem)
        return out
    if node is None:
        out.problems.append(Problem(out.display, 1, "", "file is empty"))
        return out
    out.data = plain_data(node, (), out, bounds)
    return out
