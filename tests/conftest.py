"""Shared fixtures: the real project, a scratch copy of it, and leaflets built once per session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from handoutgen.build import Job, build_one
from handoutgen.model import Rendered
from handoutgen.project import Project

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def project() -> Project:
    return Project(ROOT)


def copy_project(dest: Path) -> Project:
    """A writable copy of the project's input folders."""
    for name in ("handouts", "templates", "fonts", "locales"):
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, dest / name)
    return Project(dest)


@pytest.fixture
def scratch(tmp_path: Path) -> Project:
    return copy_project(tmp_path / "project")


@pytest.fixture(scope="session")
def leaflets(project: Project) -> dict[tuple[str, str], Rendered]:
    """The neuromyotonia leaflet for both brands on A4 and Letter, rendered in memory."""
    out = {}
    for brand in ("default", "example-clinic"):
        for paper in ("a4", "letter"):
            rendered, outcome = build_one(
                project, Job("neuromyotonia", "en", brand, "standard", paper)
            )
            assert rendered is not None, outcome.reason
            out[(brand, paper)] = rendered
    return out


@pytest.fixture(scope="session")
def every_leaflet(project: Project) -> dict[Job, tuple[Rendered, Rendered]]:
    """Every shipped leaflet (each topic, locale, brand, edition and paper), built tagged (as
    shipped) and untagged, once per session."""
    from handoutgen.leaflet import Selection, expand

    every = ["*"]
    out = {}
    for job in expand(project, Selection(every, every, every, every, every)):
        tagged, outcome = build_one(project, job)
        plain, _ = build_one(project, job, tagged=False)
        assert tagged is not None and plain is not None, outcome.reason
        out[job] = (tagged, plain)
    return out


def described(obj: object, depth: int = 0) -> object:
    """A comparable picture of ReportLab's line and fragment objects: classes included (a split
    turns hyphenated word pieces into another class) and every attribute."""
    if depth > 8:
        return "..."
    if isinstance(obj, list | tuple):
        return (type(obj).__name__, [described(x, depth + 1) for x in obj])
    if hasattr(obj, "__dict__") and not callable(obj):
        return (
            type(obj).__name__,
            sorted((k, described(v, depth + 1)) for k, v in vars(obj).items()),
        )
    return (type(obj).__name__, repr(obj))
