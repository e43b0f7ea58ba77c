"""``templates/limits.yaml`` -> the bounds the engine puts on its input files, one section per
concern, each value a positive whole number named at its line when it is not one."""

from __future__ import annotations

from pathlib import Path

from . import cache, engine
from .errors import InputError, Problem

FILE = "limits.yaml"  # in templates/

_read = cache.memo("limits files", kept=4)


def limits_file(root: Path | None) -> Path:
    """The limits file a project at ``root`` uses."""
    if root is not None and (root / "templates" / FILE).is_file():
        return root / "templates" / FILE
    return engine.templates_dir(None) / FILE  # the engine's, for a project without one


def limit(root: Path | None, section: str, name: str) -> int:
    """One limit (``limit(root, "yaml", "max_depth")``), or InputError naming the file."""
    found = sections(root).get(section, {}).get(name)
    if found is None:
        display = _display(limits_file(root), root)
        raise InputError([Problem(display, None, f"{section}.{name}", "missing limit")])
    return found


def sections(root: Path | None) -> dict[str, dict[str, int]]:
    """Every section of the limits file, or InputError naming the file and line."""
    path = limits_file(root)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError([Problem(str(path), None, "", f"cannot read file: {exc}")]) from None
    parsed = _read.get((str(path), raw))
    if parsed is None:
        parsed = _read.put((str(path), raw), _parse(raw, _display(path, root)))
    return parsed


def _display(path: Path, root: Path | None) -> str:
    return str(path.relative_to(root)) if root and path.is_relative_to(root) else str(path)


def _parse(raw: bytes, display: str) -> dict[str, dict[str, int]]:
    """Every section of the file, as mappings of names to positive whole numbers. The file is
    read with libyaml's composer, which refuses nesting deeper than 1000 levels and keeps an
    alias as one shared node; only two levels are walked."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        node = yaml.compose(raw.decode("utf-8"), Loader=loader)
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        raise InputError([Problem(display, line, "", f"cannot read limits: {exc}")]) from None
    if not isinstance(node, yaml.MappingNode):
        raise InputError([Problem(display, 1, "", "must be a mapping of sections")])
    problems: list[Problem] = []
    out: dict[str, dict[str, int]] = {}
    for key, value in node.value:
        if not isinstance(value, yaml.MappingNode):
            problems.append(Problem(display, key.start_mark.line + 1, key.value, "not a section"))
            continue
        found = out[str(key.value)] = {}
        for name, number in value.value:
            field = f"{key.value}.{name.value}"
            text = number.value if isinstance(number, yaml.ScalarNode) else ""
            if not (number.tag.endswith(":int") and text.isdigit() and int(text) > 0):
                line = number.start_mark.line + 1
                problems.append(Problem(display, line, field, "must be a positive whole number"))
                continue
            found[str(name.value)] = int(text)
    if problems:
        raise InputError(problems)
    return out
