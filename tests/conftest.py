"""Shared fixtures: the real project, a scratch copy of it, and leaflets built once per session."""

from __future__ import annotations

import fcntl
import multiprocessing
import os
import pickle
import shutil
from concurrent.futures import ProcessPoolExecutor
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


_POOL: Project | None = None


def _pool_start(root: Path) -> None:
    global _POOL
    _POOL = Project(root)


def _pool_pair(job: Job) -> tuple[Job, Rendered, Rendered]:
    assert _POOL is not None
    tagged, outcome = build_one(_POOL, job)
    plain, _ = build_one(_POOL, job, tagged=False)
    assert tagged is not None and plain is not None, (str(job), outcome.reason)
    return job, tagged, plain


def _build_every_leaflet(root: Path, jobs: list[Job]) -> dict[Job, tuple[Rendered, Rendered]]:
    """Each job built tagged and untagged, spread over one process per CPU (forked, each with
    its own project and warm caches), in the jobs' order."""
    context = multiprocessing.get_context("fork")
    workers = max(1, min(os.cpu_count() or 1, 4))
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_pool_start, initargs=(root,)
    ) as pool:
        pairs = list(pool.map(_pool_pair, jobs, chunksize=2))
    return {job: (tagged, plain) for job, tagged, plain in pairs}


@pytest.fixture(scope="session")
def every_leaflet(
    project: Project, tmp_path_factory: pytest.TempPathFactory
) -> dict[Job, tuple[Rendered, Rendered]]:
    """Every shipped leaflet (each topic, locale, brand, edition and paper), built tagged (as
    shipped) and untagged, once per test run: under pytest-xdist the first worker to need them
    builds them on every CPU and the others read its file (test data of this run only)."""
    from handoutgen.leaflet import Selection, expand

    every = ["*"]
    jobs = expand(project, Selection(every, every, every, every, every))
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return _build_every_leaflet(project.root, jobs)
    shared = tmp_path_factory.getbasetemp().parent / "every-leaflet.pickle"
    with open(shared.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not shared.exists():
            built = _build_every_leaflet(project.root, jobs)
            part = shared.with_suffix(".part")
            part.write_bytes(pickle.dumps(built))
            part.replace(shared)
            return built
    built = pickle.loads(shared.read_bytes())
    assert list(built) == jobs
    return built


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
