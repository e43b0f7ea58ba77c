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


def plain_data(node: yaml.Node, path: JsonPath, out: Sourced) -> Any:
    # a block scalar (> or |) starts at its indicator; its text starts on the next line
    block = isinstance(node, yaml.ScalarNode) and node.style in (">", "|")
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
            result[key] = plain_data(value_node, (*path, key), out)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [plain_data(item, (*path, i), out) for i, item in enumerate(node.value)]
    convert = _SCALARS.get(node.tag)
    if convert is None or node.style:  # quoted scalars and dates stay strings
        return node.value
    try:
        return convert(node.value)
    except ValueError:
        return node.value


def _compose(text: str) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError:
        # PyYAML's own parser decides and words the error: it names the offending character
        return yaml.compose(text, Loader=yaml.SafeLoader)


def load_yaml(path: Path, *, root: Path | None = None, text: str | None = None) -> Sourced:
    """Read ``path`` (or parse ``text``, already read from it); syntax errors and duplicate
    keys become problems, never exceptions."""
    display = str(path.relative_to(root)) if root and path.is_relative_to(root) else str(path)
    out = Sourced(path=path, display=display, data=None)
    try:
        if text is None:
            text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        out.problems.append(Problem(display, None, "", f"cannot read file: {exc}"))
        return out
    try:
        node = _compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        out.problems.append(Problem(display, line, "", f"YAML syntax error: {exc.problem}"))
        return out
    if node is None:
        out.problems.append(Problem(display, 1, "", "file is empty"))
        return out
    out.data = plain_data(node, (), out)
    return out
