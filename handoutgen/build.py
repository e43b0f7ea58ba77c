"""Batch: a selection of topic x locale x brand x edition x paper -> leaflets, one stage after
another for each, failures isolated, outcomes reported and written to the manifest."""

from __future__ import annotations

import fnmatch
import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from . import __version__
from .compose import ComposeRequest, compose
from .errors import HandoutError, InputError, SelectionError
from .localize import SOURCE_LOCALE, localize
from .model import Rendered
from .project import DEFAULT_BRAND, STANDARD_EDITION, Project
from .render import render
from .write import write_atomic, write_manifest

Status = Literal["built", "skipped", "failed"]


@dataclass(frozen=True, order=True)
class Job:
    topic: str
    locale: str
    brand: str
    edition: str
    paper: str

    @property
    def relpath(self) -> str:
        """Where the leaflet goes inside the output folder."""
        edition = "" if self.edition == STANDARD_EDITION else f".{self.edition}"
        return f"{self.brand}/{self.locale}/{self.topic}{edition}.{self.paper}.pdf"

    def __str__(self) -> str:
        return f"{self.topic} [{self.locale}, {self.brand}, {self.edition}, {self.paper}]"


@dataclass(frozen=True)
class Outcome:
    job: Job
    status: Status
    pages: int = 0
    sha256: str | None = None
    warnings: tuple[str, ...] = ()
    reason: str | None = None
    draft: bool = False  # built with --allow-incomplete: some strings in the source language

    def manifest_entry(self) -> dict[str, object]:
        j = self.job
        entry: dict[str, object] = {
            "topic": j.topic,
            "locale": j.locale,
            "brand": j.brand,
            "edition": j.edition,
            "paper": j.paper,
            "path": j.relpath if self.status == "built" else None,
            "pages": self.pages,
            "sha256": self.sha256,
            "status": self.status,
            "warnings": list(self.warnings),
            "draft": self.draft,
        }
        if self.reason:
            entry["reason"] = self.reason
        return entry


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)
    manifest: Path | None = None

    def count(self, status: Status) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def ok(self) -> bool:
        return self.count("failed") == 0


@dataclass(frozen=True)
class Selection:
    """What to build; ``None`` for a dimension means its default (see ``expand``). Globs work."""

    topics: Sequence[str] | None = None
    locales: Sequence[str] | None = None
    brands: Sequence[str] | None = None
    editions: Sequence[str] | None = None
    papers: Sequence[str] | None = None

    @property
    def empty(self) -> bool:
        return not any((self.topics, self.locales, self.brands, self.editions, self.papers))


def _match(patterns: Sequence[str], available: Sequence[str], what: str) -> list[str]:
    chosen: list[str] = []
    for pattern in patterns:
        hits = fnmatch.filter(available, pattern)
        if not hits:
            raise SelectionError(
                f"no {what} matches {pattern!r} (available: {', '.join(available)})"
            )
        chosen.extend(h for h in hits if h not in chosen)
    return chosen


def _match_locales(project: Project, patterns: Sequence[str]) -> list[str]:
    """Globs match the locales with catalogs; a plain BCP-47 tag (``pt-BR``, ``pt_BR``) is
    accepted when it or a CLDR parent has a catalog."""
    chosen: list[str] = []
    for pattern in patterns:
        tag = pattern.replace("_", "-")
        if not any(c in pattern for c in "*?[") and project.resolves(tag):
            hits = [tag]
        else:
            hits = fnmatch.filter(project.locales(), pattern)
        if not hits:
            raise SelectionError(
                f"no locale matches {pattern!r} (available: {', '.join(project.locales())})"
            )
        chosen.extend(h for h in hits if h not in chosen)
    return chosen


def expand(project: Project, sel: Selection) -> list[Job]:
    """The jobs a selection names. An empty selection means everything: every topic in every
    locale for every brand, standard edition, each brand's default paper. Otherwise a missing
    dimension means: every topic, the source locale, the default brand, the standard edition,
    the brand's default paper."""
    everything = sel.empty
    topics = _match(sel.topics or ["*"], project.topics(), "topic")
    locales = _match_locales(project, sel.locales or (["*"] if everything else [SOURCE_LOCALE]))
    brands = _match(
        sel.brands or (["*"] if everything else [DEFAULT_BRAND]), project.brands(), "brand"
    )
    editions = _match(sel.editions or [STANDARD_EDITION], project.editions(), "edition")
    jobs = []
    for brand in brands:
        if sel.papers:
            papers = _match(sel.papers, project.papers(), "paper")
        else:
            try:
                papers = [project.brand(brand).paper]
            except InputError:  # reported by each of the brand's leaflets, as a failure
                papers = ["unknown"]
        for topic in topics:
            for locale in locales:
                for edition in editions:
                    for paper in papers:
                        jobs.append(Job(topic, locale, brand, edition, paper))
    return sorted(jobs)


def build_one(
    project: Project, job: Job, *, allow_incomplete: bool = False
) -> tuple[Rendered | None, Outcome]:
    """Run load -> validate -> localize -> compose -> render for one leaflet (no file I/O out)."""
    try:
        handout = project.handout(job.topic)
        brand = project.brand(job.brand)
        theme = project.theme(job.brand, job.edition)
        catalog = project.catalog(job.locale)
        localized = localize(handout, catalog, job.locale, region=brand.region)
        if localized.locale.direction == "rtl":
            reason = (
                f"right-to-left layout ({localized.locale.language_name}) is not "
                "supported by the renderer yet: the catalog is kept, no PDF is made"
            )
            return None, Outcome(job, "skipped", reason=reason)
        request = ComposeRequest(localized, brand, job.edition, catalog)
        document = compose(request, templates_dir=project.templates_dir)
        # the release gate: every string this leaflet uses, content and template, translated
        missing = sorted(set(catalog.missing))
        if missing and not allow_incomplete:
            examples = "; ".join(m.split("|")[0][:60] for m in missing[:3])
            reason = (
                f"translation incomplete: {len(missing)} string(s) untranslated or fuzzy "
                f"in {job.locale} (e.g. {examples}); --allow-incomplete builds a marked draft"
            )
            return None, Outcome(job, "skipped", reason=reason)
        if missing:  # a draft: the missing strings in the source language, marked on every page
            request = ComposeRequest(localized, brand, job.edition, catalog, draft=True)
            document = compose(request, templates_dir=project.templates_dir)
        rendered = render(document, theme, paper=job.paper, fonts_dir=project.fonts_dir)
    except InputError as exc:
        return None, Outcome(job, "failed", reason=str(exc))
    except HandoutError as exc:
        return None, Outcome(job, "failed", reason=str(exc))
    except Exception as exc:  # a bug must not stop the batch; the reason says what broke
        return None, Outcome(job, "failed", reason=f"internal error: {type(exc).__name__}: {exc}")
    warnings = tuple(rendered.warnings)
    if missing:
        warnings += (f"draft: {len(missing)} string(s) printed in the source language",)
    digest = hashlib.sha256(rendered.pdf).hexdigest()
    return rendered, Outcome(job, "built", rendered.pages, digest, warnings, draft=bool(missing))


def run(
    project: Project,
    jobs: Iterable[Job],
    out_dir: Path,
    *,
    allow_incomplete: bool = False,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> Report:
    """Build ``jobs`` into ``out_dir``; one failure never stops the others."""
    report = Report()
    for job in jobs:
        rendered, outcome = build_one(project, job, allow_incomplete=allow_incomplete)
        if rendered is not None:
            try:
                write_atomic(out_dir / job.relpath, rendered.pdf)
            except OSError as exc:
                outcome = Outcome(job, "failed", reason=f"cannot write {job.relpath}: {exc}")
        report.outcomes.append(outcome)
        if on_outcome:
            on_outcome(outcome)
    report.manifest = write_manifest(
        out_dir,
        (o.manifest_entry() for o in report.outcomes),
        generator=f"handoutgen {__version__}",
    )
    return report
