"""Batch: a selection of topic x locale x brand x edition x paper -> leaflets, one stage after
another for each, failures isolated, outcomes reported and written to the manifest."""

from __future__ import annotations

import contextlib
import fnmatch
import hashlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from . import __version__
from .errors import HandoutError, InputError, SelectionError
from .localize import DOMAIN, SOURCE_LOCALE, catalog_files
from .project import DEFAULT_BRAND, STANDARD_EDITION, Project
from .write import MANIFEST, read_manifest, remove_stale_temporaries, write_atomic, write_manifest

if TYPE_CHECKING:
    from .localize import Catalog
    from .model import Brand, Handout, Rendered

Status = Literal["built", "up to date", "skipped", "failed"]


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
    inputs: str | None = None  # fingerprint of everything the leaflet was made from
    size: int | None = None

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
            "inputs": self.inputs,
            "size": self.size,
        }
        if self.reason:
            entry["reason"] = self.reason
        return entry


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)
    manifest: Path | None = None
    interrupted: bool = False

    def count(self, status: Status) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def ok(self) -> bool:
        return self.count("failed") == 0 and not self.interrupted

    @property
    def warnings(self) -> int:
        return sum(len(o.warnings) for o in self.outcomes)


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
        else:  # an invalid brand is reported by each of its leaflets, as a failure
            papers = [project.brand_paper(brand)]
        for topic in topics:
            for locale in locales:
                for edition in editions:
                    for paper in papers:
                        jobs.append(Job(topic, locale, brand, edition, paper))
    return sorted(jobs)


def origins_of(
    project: Project, source: Handout, catalog: Catalog, brand: Brand
) -> dict[str, str | Callable[[], str]]:
    """Each printed string -> where it came from: msgctxt with the PO file and line of its
    translation, the YAML line of its English, the template it was extracted from, or the
    brand.yaml line of a clinic's value. Places in catalogs are looked up only when asked for."""
    from functools import partial

    from .localize import entry_place, source_place
    from .model import iter_strings

    yaml_lines = {context: getattr(text, "line", None) for context, text in iter_strings(source)}
    pot = project.locales_dir / f"{DOMAIN}.pot"

    def translated(layer: int, context: str | None, message: str) -> str:
        where = entry_place(catalog.paths[layer], context, message, project.root)
        english = yaml_lines.get(context) if context else None
        if english:
            where += f"; English at {source.path.name}:{english}"
        return f"msgctxt {context!r} ({where})" if context else f"msgid {message!r} ({where})"

    def template(context: str | None, message: str) -> str:
        place = source_place(pot, context, message)
        return f"template text {message[:40]!r}" + (f" ({place})" if place else "")

    out: dict[str, str | Callable[[], str]] = dict(brand.origins())
    for context, message, text, layer in catalog.lookups:
        key = text.replace("**", "")
        if layer >= 0:
            out[key] = partial(translated, layer, context, message)
        elif context in yaml_lines:
            line = yaml_lines[context]
            out[key] = f"msgctxt {context!r} ({source.path.name}:{line})"
        else:
            out[key] = partial(template, context, message)
    return out


def build_one(
    project: Project, job: Job, *, allow_incomplete: bool = False
) -> tuple[Rendered | None, Outcome]:
    """Run load -> validate -> localize -> compose -> render for one leaflet (no file I/O out)."""
    from .compose import ComposeRequest, compose  # the heavy stages load only when building
    from .localize import localize
    from .render import render

    try:
        handout = project.handout(job.topic)
        brand = project.brand(job.brand)
        theme = project.theme(job.brand, job.edition)
        dictionary = theme.hyphenation_for(job.locale)
        if dictionary:
            from .hyphenation import preload

            preload(dictionary, project.root)
        catalog = project.catalog(job.locale)
        localized = localize(handout, catalog, job.locale, region=brand.region)
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
        origins = origins_of(project, handout, catalog, brand)
        rendered = render(
            document, theme, paper=job.paper, fonts_dir=project.fonts_dir, origins=origins
        )
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


# --- the batch ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchOptions:
    out: Path
    jobs: int = 1
    allow_incomplete: bool = False
    force: bool = False
    shard: tuple[int, int] | None = None  # (index from 1, count)
    stamp: str | None = None  # recorded in the manifest if nothing fails (inputs.quick_stamp)

    @property
    def manifest_name(self) -> str:
        if self.shard is None:
            return MANIFEST
        return f"manifest.shard-{self.shard[0]}-of-{self.shard[1]}.json"


def shard_of(jobs: Sequence[Job], index: int, count: int) -> list[Job]:
    """The ``index``-th of ``count`` deterministic slices (1-based) of the sorted jobs: every job
    is in exactly one slice, and slices differ in size by at most one."""
    if not 1 <= index <= count:
        raise SelectionError(f"--shard {index}/{count}: the index must be between 1 and {count}")
    return sorted(jobs)[index - 1 :: count]


_WORKER: dict[str, object] = {}


def _init_worker(root: str) -> None:
    """Each worker process loads the project (fonts, templates, catalogs) once."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides what an interrupt means
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # forked with the parent's handler: undo it
    inherited = _WORKER.get("project")
    if not (isinstance(inherited, Project) and inherited.root == Path(root)):
        _WORKER["project"] = Project(Path(root))  # not forked: load it here


def _build_and_write(job: Job, out: str, allow_incomplete: bool, inputs: str) -> Outcome:
    """Build one leaflet and write it (in a worker, or in the parent when --jobs 1)."""
    project = _WORKER["project"]
    assert isinstance(project, Project)
    rendered, outcome = build_one(project, job, allow_incomplete=allow_incomplete)
    if rendered is not None:
        try:
            write_atomic(Path(out) / job.relpath, rendered.pdf)
        except OSError as exc:
            return Outcome(
                job, "failed", reason=f"cannot write {job.relpath}: {exc}", inputs=inputs
            )
        return replace(outcome, inputs=inputs, size=len(rendered.pdf))
    return replace(outcome, inputs=inputs)


_work = _build_and_write  # what workers run (a seam for fault-injection tests)


def _previous(out: Path, options: BatchOptions) -> dict[tuple[str, ...], dict[str, object]]:
    entries = read_manifest(out) + (
        read_manifest(out, options.manifest_name) if options.shard else []
    )
    return {
        tuple(str(e[k]) for k in ("topic", "locale", "brand", "edition", "paper")): e
        for e in entries
    }


def _up_to_date(entry: dict[str, object] | None, inputs: str, out: Path) -> bool:
    if not entry or entry.get("inputs") != inputs:
        return False
    if entry.get("status") == "skipped":
        return True
    if entry.get("status") != "built" or not isinstance(entry.get("path"), str):
        return False
    path = out / str(entry["path"])
    return path.is_file() and path.stat().st_size == entry.get("size")


def run(
    project: Project,
    jobs: Sequence[Job],
    options: BatchOptions,
    *,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> Report:
    """Build ``jobs`` into ``options.out``: unchanged leaflets are left alone, the rest are
    built by ``options.jobs`` worker processes; one failure never stops the others. The manifest
    is rewritten as results come in, so an interrupted run leaves a valid one and a rerun
    resumes where it stopped."""
    import signal
    import time

    from .inputs import Fingerprints

    out = options.out
    out.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(out)
    if options.shard:
        jobs = shard_of(jobs, *options.shard)
    prints = Fingerprints(project.root)
    previous = _previous(out, options)
    report = Report()
    entries: dict[Job, dict[str, object]] = {}
    todo: list[tuple[Job, str]] = []
    catalogs = {loc: catalog_files(project.locales_dir, loc) for loc in {j.locale for j in jobs}}
    for job in jobs:
        inputs = prints.job(
            job.topic,
            job.locale,
            catalogs[job.locale],
            job.brand,
            job.edition,
            job.paper,
        )
        key = (job.topic, job.locale, job.brand, job.edition, job.paper)
        old = previous.get(key)
        if not options.force and _up_to_date(old, inputs, out):
            assert old is not None
            status = "up to date" if old.get("status") == "built" else "skipped"
            outcome = Outcome(
                job,
                status,
                int(old.get("pages") or 0),  # type: ignore[arg-type]
                old.get("sha256"),
                tuple(old.get("warnings") or ()),  # type: ignore[arg-type]
                old.get("reason"),
                bool(old.get("draft")),
                inputs,  # type: ignore[arg-type]
                old.get("size"),
            )  # type: ignore[arg-type]
            entries[job] = dict(old)
            report.outcomes.append(outcome)
            if on_outcome:
                on_outcome(outcome)
        else:
            todo.append((job, inputs))

    last_save = time.monotonic()

    def save(final: bool = False) -> None:
        stamp = options.stamp if final and report.ok and len(report.outcomes) == len(jobs) else None
        report.manifest = write_manifest(
            out,
            entries.values(),
            generator=f"handoutgen {__version__}",
            name=options.manifest_name,
            stamp={
                "inputs": stamp,
                "leaflets": len(jobs),
                "skipped": report.count("skipped"),
                "warnings": report.warnings,
            }
            if stamp
            else None,
        )

    def record(outcome: Outcome) -> None:
        nonlocal last_save
        report.outcomes.append(outcome)
        entries[outcome.job] = outcome.manifest_entry()
        if on_outcome:
            on_outcome(outcome)
        if time.monotonic() - last_save > 2.0:  # checkpoint: survives a killed parent too
            save()
            last_save = time.monotonic()

    parent = os.getpid()

    def terminate(signum: int, frame: object) -> None:
        if os.getpid() != parent:  # a worker forked before it reset the handler: just stop
            os._exit(128 + signum)
        raise KeyboardInterrupt

    previous_handler = signal.signal(signal.SIGTERM, terminate)
    try:
        if options.jobs <= 1 or len(todo) <= 1:
            _WORKER.setdefault("project", project)
            if _WORKER["project"] is not project:
                _WORKER["project"] = project
            for job, inputs in todo:
                record(_work(job, str(out), options.allow_incomplete, inputs))
        else:
            _warm(project, [job for job, _ in todo])
            _WORKER["project"] = project  # forked workers inherit it, loaded once
            import gc

            # what the workers inherit stays shared: the collector would otherwise write to
            # every object it visits in them, and each page written is copied
            gc.freeze()
            try:
                _run_pool(project, todo, options, record)
            finally:
                gc.unfreeze()
    except KeyboardInterrupt:
        report.interrupted = True
    finally:
        signal.signal(signal.SIGTERM, previous_handler)
        save(final=True)
        remove_stale_temporaries(out)
    return report


def _warm(project: Project, jobs: list[Job]) -> None:
    """Load, in the parent, what every worker would otherwise load for itself: brands, themes,
    fonts and their coverage, compiled catalogs, hyphenation dictionaries and the templates.
    Forked workers start with all of it. Topics are not loaded here: each worker loads the few
    it is building (about 3 ms each), so a large library never sits in every worker."""
    from .compose import ComposeRequest, compose
    from .localize import localize

    def attempt(fn: Callable[[], object]) -> None:
        with contextlib.suppress(HandoutError):  # reported by each leaflet that needs it
            fn()

    locales = sorted({j.locale for j in jobs})
    for locale in locales:
        attempt(lambda loc=locale: project.catalog(loc))
    for brand, edition in sorted({(j.brand, j.edition) for j in jobs}):
        attempt(lambda b=brand, e=edition: _warm_theme(project, b, e, locales))
    # the templates (main, includes, the brand's overrides) compile on first use: compose one
    first = jobs[0]
    for brand, edition in sorted({(j.brand, j.edition) for j in jobs}):

        def template(b: str = brand, e: str = edition) -> None:
            catalog = project.catalog(SOURCE_LOCALE)
            localized = localize(project.handout(first.topic), catalog, SOURCE_LOCALE)
            compose(
                ComposeRequest(localized, project.brand(b), e, catalog),
                templates_dir=project.templates_dir,
            )

        attempt(template)


def _warm_theme(project: Project, brand: str, edition: str, locales: list[str]) -> None:
    from .fonts import coverage, register_families
    from .hyphenation import preload

    theme = project.theme(brand, edition)
    for locale in locales:
        register_families(theme.families_for(locale), project.fonts_dir)
        dictionary = theme.hyphenation_for(locale)
        if dictionary:
            preload(dictionary, project.root)
        for family in {s.family for s in theme.styles.values()}:
            for weight in ("regular", "bold"):
                coverage(theme.faces(locale, family, weight))


def _run_pool(
    project: Project,
    todo: list[tuple[Job, str]],
    options: BatchOptions,
    record: Callable[[Outcome], None],
) -> None:
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    context = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
    executor = ProcessPoolExecutor(
        max_workers=options.jobs,
        mp_context=context,
        initializer=_init_worker,
        initargs=(str(project.root),),
    )
    pending: dict[Future[Outcome], Job] = {}
    queue = list(todo)
    try:
        # keep a few jobs per worker in flight: enough to stay busy, few to cancel on Ctrl-C
        while queue or pending:
            while queue and len(pending) < options.jobs * 4:
                job, inputs = queue.pop(0)
                future = executor.submit(
                    _work, job, str(options.out), options.allow_incomplete, inputs
                )
                pending[future] = job
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                job = pending.pop(future)
                try:
                    record(future.result())
                except BrokenProcessPool:
                    record(
                        Outcome(
                            job,
                            "failed",
                            reason="a worker process died (killed or out "
                            "of memory); rerun to resume",
                        )
                    )
                except Exception as exc:
                    record(Outcome(job, "failed", reason=f"internal error: {exc}"))
            if (
                any(
                    isinstance(f.exception(), BrokenProcessPool)
                    for f in done
                    if f.done() and not f.cancelled()
                )
                and queue
            ):
                executor.shutdown(wait=False, cancel_futures=True)
                executor = ProcessPoolExecutor(
                    max_workers=options.jobs,
                    mp_context=context,
                    initializer=_init_worker,
                    initargs=(str(project.root),),
                )
    except KeyboardInterrupt:
        for process in list(getattr(executor, "_processes", {}).values()):
            process.terminate()
        executor.shutdown(wait=True, cancel_futures=True)
        raise
    else:
        executor.shutdown(wait=True)
