"""Editions: ``templates/editions.yaml`` -> typed descriptors of each way of printing a leaflet
(its theme layers, the template it composes with), or every problem of the file at once."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError
from .leaflet import STANDARD_EDITION
from .load import load_yaml

FILE = "editions.yaml"  # in templates/
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class Edition:
    name: str
    description: str
    theme: tuple[str, ...]  # layers of templates/themes/ over default.yaml, in order

    def template_names(self, main: str) -> list[str]:
        return template_names(self.name, main)


def template_names(edition: str, main: str) -> list[str]:
    """The main templates an edition composes with, in order: its own, then the shared one."""
    return [main.replace(".xml.j2", f".{edition}.xml.j2"), main]


def load_editions(templates_dir: Path, *, root: Path) -> dict[str, Edition]:
    """Every edition the project defines (``standard`` always, first)."""
    src = load_yaml(templates_dir / FILE, root=root)
    problems = list(src.problems)
    data = src.data if isinstance(src.data, dict) else {}
    if not src.problems and not isinstance(src.data, dict):
        problems.append(src.problem((), "must be a mapping of edition names"))
    themes = templates_dir / "themes"
    out: dict[str, Edition] = {}
    for name, spec in data.items():
        if not _NAME.match(str(name)):
            problems.append(
                src.problem((name,), "an edition name is lower-case letters, digits, -")
            )
            continue
        if not isinstance(spec, dict) or set(spec) - {"description", "theme"}:
            problems.append(src.problem((name,), "needs only 'description' and 'theme'"))
            continue
        layers = spec.get("theme") or []
        if not isinstance(layers, list) or not all(isinstance(x, str) for x in layers):
            problems.append(src.problem((name, "theme"), "must be a list of theme names"))
            continue
        for n, layer in enumerate(layers):
            if layer == "default" or not (themes / f"{layer}.yaml").is_file():
                found = ", ".join(sorted(p.stem for p in themes.glob("*.yaml")))
                problems.append(
                    src.problem((name, "theme", n), f"no theme {layer!r} (found: {found})")
                )
        out[str(name)] = Edition(str(name), str(spec.get("description", "")), tuple(layers))
    if STANDARD_EDITION not in out and not problems:
        problems.append(src.problem((), f"the {STANDARD_EDITION!r} edition must be defined"))
    if problems:
        raise InputError(problems)
    standard = out.pop(STANDARD_EDITION)
    return {STANDARD_EDITION: standard, **out}
