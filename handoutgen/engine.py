"""The engine's own folders and the project folder: the package and the current directory ->
where the shipped templates/ and fonts/ are, and which folder is the project."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import SelectionError

_PACKAGE = Path(__file__).resolve().parent
SHIPPED = "_engine"  # in a wheel: handoutgen/_engine/ holds templates/, fonts/, handouts/
MARKER = "handouts"  # a project folder is one with a handouts/ folder (topics)
TEMPLATE = "leaflet.xml.j2"  # a templates/ folder with this file is a complete set of templates
EXAMPLE_TOPIC = "neuromyotonia"  # what `new topic` copies
EXAMPLE_BRAND = "example-clinic"  # what `new brand` copies


def engine_dir() -> Path:
    """The folder holding the engine's templates/, fonts/ and example topic: handoutgen/_engine/
    in an installed wheel (setup.py copies them there), else the checkout's top level (an
    editable install, or running from the repository). The one place that knows."""
    shipped = _PACKAGE / SHIPPED
    if (shipped / "templates" / TEMPLATE).is_file():
        return shipped
    return _PACKAGE.parent


def templates_dir(root: Path | None) -> Path:
    """The templates a project uses: its own templates/ if it holds a complete set (the
    checkout, or a clinic that copied them all), else the engine's."""
    if root is not None and (root / "templates" / TEMPLATE).is_file():
        return root / "templates"
    return engine_dir() / "templates"


def brands_dir(root: Path) -> Path:
    """A project's brand folders: its templates/brands/, else the engine's (default, example)."""
    own = root / "templates" / "brands"
    return own if own.is_dir() else engine_dir() / "templates" / "brands"


def fonts_dir(root: Path) -> Path:
    """A project's fonts: its own fonts/ folder if it has one, else the engine's."""
    own = root / "fonts"
    return own if own.is_dir() else engine_dir() / "fonts"


def handout_schema(root: Path) -> Path:
    """The topic schema: the project's handouts/handout.schema.json, else the engine's."""
    own = root / MARKER / "handout.schema.json"
    return own if own.is_file() else engine_dir() / MARKER / "handout.schema.json"


def find_root(given: Path | None, start: Path | None = None, *, new: bool = False) -> Path:
    """The project folder: ``given`` (``--root``) if it is one, else the first folder from the
    current directory upwards that has a ``handouts/`` folder. SelectionError (exit 2) naming
    what was looked for and where, for none, or for a folder with no topic at all. With
    ``new`` (the `new` command), a folder that is not a project yet becomes one: ``given``,
    else the current directory."""
    if given is not None:
        if not given.is_dir():
            raise SelectionError(f"--root {given}: no such folder")
        found = given.resolve()
        if new:
            return found
        if not (found / MARKER).is_dir():
            raise SelectionError(
                f"--root {given}: not a handoutgen project (no {MARKER}/ folder in it)"
            )
    else:
        here = (start or Path(os.getcwd())).resolve()
        found = next((p for p in (here, *here.parents) if (p / MARKER).is_dir()), None)
        if new:
            return found or here
        if found is None:
            raise SelectionError(
                f"no handoutgen project here: no {MARKER}/ folder in {here} or any folder "
                f"above it (run in a project folder, give --root DIR, or start one with "
                f"'handoutgen new topic ID')"
            )
    if not any((found / MARKER).glob("*.yaml")):
        raise SelectionError(
            f"{found / MARKER}: no topic (*.yaml) in it; add one with 'handoutgen new topic ID'"
        )
    return found
