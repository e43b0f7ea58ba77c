"""The front desk's state: a project folder and an output folder -> what may be asked for (the
ids it knows), leaflets built on demand (one build per leaflet at a time), their review state,
the search index and the settings of templates/serve/serve.yaml."""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import review
from ..cache import memo
from ..errors import HandoutError, InputError
from ..leaflet import STANDARD_EDITION, Job
from ..project import DEFAULT_BRAND, Project
from .builder import Builder, previous_path
from .pages import Pdf
from .search import Entry, build_index
from .ui import FOLDER

SETTINGS = "serve.yaml"  # in templates/serve/
_CHOICES = memo("serve choices", kept=4)  # by the project's identity
_INDEX = memo("serve search index", kept=2)


@dataclass(frozen=True)
class Choices:
    """Every id a request may name; anything else is not found."""

    topics: tuple[str, ...]
    locales: tuple[str, ...]
    brands: dict[str, str]  # id -> the clinic's name, as written
    brand_papers: dict[str, str]  # id -> its own paper
    editions: dict[str, tuple[str, ...]]  # name -> the papers it is made on
    papers: tuple[str, ...]


@dataclass(frozen=True)
class Leaflet:
    """A leaflet as the front desk shows it: how its build went, its PDF if there is one, and
    what to say before it is printed."""

    job: Job
    status: str  # built, up to date, skipped, failed
    reason: str | None
    pdf: Pdf | None
    draft: bool
    overdue: bool
    reviewed: bool  # clinically reviewed
    next_review: dt.date | None
    warnings: tuple[str, ...] = ()


@dataclass
class Site:
    root: Path
    out: Path
    allow_incomplete: bool = False
    allow_overdue: bool = False
    settings: dict[str, int] = field(init=False)
    builder: Builder = field(init=False)

    def __post_init__(self) -> None:
        self.root = self.root.resolve()
        self.settings = load_settings(self.root)
        self.builder = Builder(
            self.root,
            self.out,
            allow_incomplete=self.allow_incomplete,
            allow_overdue=self.allow_overdue,
        )
        self._engine = threading.Lock()  # the server's own use of the project (not builds)
        self._guard = threading.Lock()
        self._leaflets: dict[Job, threading.Lock] = {}
        self._project: Project | None = None
        self._identity: str | None = None

    @contextlib.contextmanager
    def project(self) -> Iterator[tuple[Project, str | None]]:
        """The project, loaded again when any of its files changed, held by one thread."""
        from ..cache.inputs import identity

        with self._engine:
            now = identity(self.root, ("serve",))
            if self._project is None or now is None or now != self._identity:
                self._project, self._identity = Project(self.root), now
            yield self._project, now

    def choices(self) -> Choices:
        with self.project() as (project, now):
            found = _CHOICES.get(now) if now else None
            if found is None:
                editions = {}
                for name in project.editions():
                    allowed = project.edition(name)
                    editions[name] = tuple(p for p in project.papers() if allowed.allows(p))
                brands = {}
                for b in project.brands():
                    try:
                        brands[b] = project.brand(b).name
                    except HandoutError:  # an invalid brand is not offered
                        continue
                found = Choices(
                    tuple(project.topics()),
                    tuple(project.locales()),
                    brands,
                    {b: project.brand_paper(b) for b in brands},
                    editions,
                    tuple(project.papers()),
                )
                if now:
                    _CHOICES.put(now, found)
            return found  # type: ignore[no-any-return]

    def index(self, choices: Choices) -> list[Entry]:
        with self.project() as (project, now):
            found = _INDEX.get(now) if now else None
            if found is None:
                found = build_index(project, list(choices.topics), list(choices.locales))
                if now:
                    _INDEX.put(now, found)
            return found  # type: ignore[no-any-return]

    def _lock(self, job: Job) -> threading.Lock:
        with self._guard:
            return self._leaflets.setdefault(job, threading.Lock())

    def leaflet(self, job: Job) -> Leaflet:
        """``job`` built, or found up to date in the output folder; one build of a leaflet at a
        time, so requests that arrive while it is built get what that build made."""
        with self._lock(job):
            entry = self.builder.build(job)
            pdf = None
            if entry.get("status") in ("built", "up to date"):
                with contextlib.suppress(OSError):  # removed meanwhile: said as not built
                    pdf = Pdf(self.out / job.relpath)
        reviewed, next_review = False, None
        with self.project() as (project, _), contextlib.suppress(HandoutError):
            handout = project.handout(job.topic)
            reviewed = handout.review_status == "clinically-reviewed"
            next_review = handout.next_review
        overdue = next_review is not None and next_review < review.today()
        status, reason = str(entry.get("status")), entry.get("reason")
        if status in ("built", "up to date") and pdf is None:
            status, reason = "failed", f"{job.relpath}: removed while it was read"
        return Leaflet(
            job,
            status,
            reason,
            pdf,
            bool(entry.get("draft")),
            overdue,
            reviewed,
            next_review,
            tuple(entry.get("warnings") or ()),
        )

    def previous(self, job: Job) -> Pdf | None:
        """The PDF the last rebuild of ``job`` replaced, if this server rebuilt it."""
        with self._lock(job):
            try:
                return Pdf(previous_path(self.out, job))
            except OSError:
                return None

    def pair_refusal(self, job: Job) -> str | None:
        """Why ``job``'s brand, edition and paper cannot hold two languages side by side
        (None if they can)."""
        from ..bilingual import refusal

        with self.project() as (project, _):
            try:
                return refusal(project.theme(job.brand, job.edition), job.paper, job.edition)
            except HandoutError as exc:
                return str(exc)

    def default_job(
        self,
        choices: Choices,
        topic: str,
        values: dict[str, str | None],
        second: str | None = None,
    ) -> Job:
        """A job from a request's (already validated) values, the rest defaulted as ``build``
        does: English, the default brand, the standard edition, the brand's paper (or the
        edition's first, where it is not made on that one)."""
        brand = values.get("brand") or (
            DEFAULT_BRAND if DEFAULT_BRAND in choices.brands else next(iter(choices.brands))
        )
        edition = values.get("edition") or STANDARD_EDITION
        papers = choices.editions[edition]
        paper = values.get("paper") or choices.brand_papers.get(brand, "")
        if paper not in papers:
            paper = papers[0]
        locale = values.get("locale") or choices.locales[0]
        locales = (locale, second) if second else (locale,)
        return Job(topic, locales, brand, edition, paper)

    def close(self) -> None:
        self.builder.close()


def load_settings(root: Path) -> dict[str, int]:
    """templates/serve/serve.yaml: each value a positive whole number."""
    from ..load import load_yaml

    src = load_yaml(root / "templates" / FOLDER / SETTINGS, root=root)
    data: Any = src.data if isinstance(src.data, dict) else {}
    problems = list(src.problems)
    for name, value in data.items():
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            problems.append(src.problem((name,), "must be a positive whole number"))
    if problems or not data:
        raise InputError(problems or [src.problem((), "must be a mapping of settings")])
    return {str(k): int(v) for k, v in data.items()}
