"""The batch: a selection of topic x locale x brand x edition x paper -> jobs, built by worker
processes one stage after another, unchanged leaflets skipped by their input fingerprints,
failures isolated, each outcome written to the manifest as it comes in."""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from . import __version__, cache, review
from .build import Outcome, Report, build_one
from .errors import HandoutError
from .i18n.catalog import SOURCE_LOCALE, catalog_files
from .leaflet import Job, Selection, expand, manifest_key, shard_of
from .manifest import MANIFEST, last_good, previews_of, producible, shard_name
from .previews import name, render
from .project import Project
from .write import (
    prepare_output,
    read_manifest,
    remove_leaflet,
    remove_stale_temporaries,
    write_atomic,
    write_manifest,
)

__all__ = ["BatchOptions", "Selection", "expand", "run", "shard_of"]

CHECKPOINT_SECONDS = 2.0  # the manifest is saved at least this often while results come in


@dataclass(frozen=True)
class BatchOptions:
    out: Path
    jobs: int = 1
    allow_incomplete: bool = False
    allow_overdue: bool = False
    force: bool = False
    shard: tuple[int, int] | None = None  # (index from 1, count)
    stamp: str | None = None  # recorded in the manifest if nothing fails (cache.inputs.stamp)
    identity: str | None = None  # its cheap stand-in (cache.inputs.identity)
    preview_dpi: int = 0  # build --preview: PNG pages beside each PDF at this resolution

    @property
    def manifest_name(self) -> str:
        return MANIFEST if self.shard is None else shard_name(*self.shard)


_WORKER: dict[str, object] = {}


def _init_worker(root: str) -> None:
    """Each worker process loads the project (fonts, templates, catalogs) once."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides what an interrupt means
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # forked with the parent's handler: undo it
    inherited = _WORKER.get("project")
    if not (isinstance(inherited, Project) and inherited.root == Path(root)):
        _WORKER["project"] = Project(Path(root))  # not forked: load it here


def _build_and_write(
    job: Job, out: str, allow: tuple[bool, bool], inputs: str, preview_dpi: int = 0
) -> Outcome:
    """Build one leaflet and write it (in a worker, or in the parent when --jobs 1), and with
    ``preview_dpi`` its pages as PNG beside it; ``allow``: (incomplete, overdue)."""
    project = _WORKER["project"]
    assert isinstance(project, Project)
    rendered, outcome = build_one(project, job, allow_incomplete=allow[0], allow_overdue=allow[1])
    if rendered is not None:
        path = Path(out) / job.relpath
        pages: list[tuple[str, str]] = []
        try:
            write_atomic(path, rendered.pdf)
            for n, png in enumerate(render(rendered.pdf, preview_dpi) if preview_dpi else (), 1):
                pages.append((name(job.relpath, n), hashlib.sha256(png).hexdigest()))
                write_atomic(Path(out) / pages[-1][0], png)
        except OSError as exc:  # a full disk, a read-only folder, a name too long
            reason = f"{path}: cannot write: {exc.strerror or exc}"
            return Outcome(job, "failed", reason=reason, inputs=inputs, previews=tuple(pages))
        return replace(outcome, inputs=inputs, size=len(rendered.pdf), previews=tuple(pages))
    return replace(outcome, inputs=inputs)


_work = _build_and_write  # what workers run (a seam for fault-injection tests)


def _previous(out: Path, options: BatchOptions) -> dict[tuple[str, ...], dict[str, object]]:
    entries = read_manifest(out) + (
        read_manifest(out, options.manifest_name) if options.shard else []
    )
    return {manifest_key(e): e for e in entries}


def _up_to_date(
    entry: dict[str, object] | None, inputs: str, out: Path, options: BatchOptions, overdue: bool
) -> bool:
    """Whether ``entry`` is what this run would make of the same ``inputs``: the options are
    not inputs (a complete leaflet is the same with or without them), so how the entry was
    made decides. A skip (an incomplete translation) is up to date unless drafts are allowed
    now; a draft only while they are; a leaflet past its review date only while that is."""
    if not entry or entry.get("inputs") != inputs:
        return False
    if overdue and not options.allow_overdue:
        return False  # refused now, whatever it was
    if entry.get("status") == "skipped":
        return not options.allow_incomplete
    if entry.get("draft") and not options.allow_incomplete:
        return False
    if entry.get("status") != "built" or not isinstance(entry.get("path"), str):
        return False
    pictures = previews_of(entry)
    if options.preview_dpi and not (pictures and all((out / p).is_file() for p, _ in pictures)):
        return False  # pictures asked for that the last run did not make
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

    from .cache.inputs import Inputs

    out = options.out
    prepare_output(out)  # an InputError at --out if no file can be made there
    remove_stale_temporaries(out)
    if options.shard:
        jobs = shard_of(jobs, *options.shard)
    prints = Inputs(project.root)
    previous = _previous(out, options)
    report = Report()
    entries: dict[Job, dict[str, object]] = {}
    todo: list[tuple[Job, str]] = []
    catalogs = {
        loc: [p for tag in j.locales for p in catalog_files(project.locales_dir, tag)]
        for j in jobs
        for loc in [j.locale]
    }
    themes: dict[str, list[Path]] = {}
    skips = cache.enabled() and not options.force  # with caches off, everything is built
    allow = (options.allow_incomplete, options.allow_overdue)
    on = review.today()
    overdue: dict[str, str] = {}  # topic -> whether past its review date today (an input)
    for job in jobs:
        if job.topic not in overdue:
            try:
                handout = project.handout(job.topic)
                overdue[job.topic] = str(review.state(job.topic, handout, on).overdue)
            except HandoutError:
                overdue[job.topic] = "unknown"  # reported when it is built
        if job.edition not in themes:
            try:
                themes[job.edition] = project.theme_files(job.edition)
            except HandoutError:
                themes[job.edition] = []
        inputs = prints.job(
            {**job.values(), "overdue": overdue[job.topic]},
            topic=project.handouts_dir / f"{job.topic}.yaml",
            catalogs=catalogs[job.locale],
            brand=project.brands_dir / job.brand,
            themes=themes[job.edition],
        )
        old = previous.get(job.key)
        if skips and _up_to_date(old, inputs, out, options, overdue[job.topic] == "True"):
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
                bool(old.get("overdue")),
                inputs,  # type: ignore[arg-type]
                old.get("size"),  # type: ignore[arg-type]
                tuple(previews_of(old)),
            )
            entries[job] = dict(old)
            report.outcomes.append(outcome)
            if on_outcome:
                on_outcome(outcome)
        else:
            todo.append((job, inputs))

    last_save = time.monotonic()

    def save(final: bool = False) -> None:
        stamp = options.stamp if final and report.ok and len(report.outcomes) == len(jobs) else None
        path = out / options.manifest_name
        try:
            report.manifest = write_manifest(
                out,
                entries.values(),
                generator=f"handoutgen {__version__}",
                name=options.manifest_name,
                stamp={
                    "inputs": stamp,
                    "identity": options.identity,
                    "leaflets": len(jobs),
                    "skipped": report.count("skipped"),
                    "drafts": sum(o.draft for o in report.outcomes),
                    "overdue": sum(o.overdue for o in report.outcomes),
                    "warnings": report.warnings,
                }
                if stamp
                else None,
                # a leaflet written by this run makes the old manifest untrue
                discard_stale=final and report.count("built") > 0,
                shard=options.shard,
                gone=None if options.shard else gone,
            )
        except OSError as exc:
            if not final:
                return  # the final save tries again; the leaflets go on
            report.manifest = None
            kept = (
                "the previous one is kept (no leaflet changed)"
                if path.exists() and not report.count("built")
                else "the previous one is kept, and may not match the leaflets"
                if path.exists()
                else "there is none now; the next build writes it"
            )
            report.problems.append(
                f"{path}: cannot save the manifest: {exc.strerror or exc}; {kept}"
            )

    gone = producible(project)

    def record(outcome: Outcome) -> None:
        nonlocal last_save
        old = previous.get(outcome.job.key)
        entry = outcome.manifest_entry()
        unmade = outcome.status in ("skipped", "failed")
        if unmade and old and old.get("draft") and not options.allow_incomplete:
            # a draft is not the leaflet of a run without drafts: it goes (if unchanged)
            for p, sha in previews_of(old):
                remove_leaflet(out, p, sha)
            remove_leaflet(out, str(old["path"]), old.get("sha256"))  # type: ignore[arg-type]
        elif outcome.status == "built" and old and previews_of(old):
            if not outcome.previews and old.get("sha256") == outcome.sha256:
                entry["previews"] = old["previews"]  # the same PDF: its pictures still show it
            else:  # pictures of the PDF it replaced go
                made = {p for p, _ in outcome.previews}
                for p, sha in previews_of(old):
                    if p not in made:
                        remove_leaflet(out, p, sha)
        if outcome.status == "failed" and last_good(old, out):
            entry["kept"] = last_good(old, out)  # a failure never replaces the last good PDF
        report.outcomes.append(outcome)
        entries[outcome.job] = entry
        if on_outcome:
            on_outcome(outcome)
        if time.monotonic() - last_save > CHECKPOINT_SECONDS:  # survives a killed parent too
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
                record(_work(job, str(out), allow, inputs, options.preview_dpi))
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
        prints.save()
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

    locales = sorted({tag for j in jobs for tag in j.locales})
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
    from .layout.fonts import register_families
    from .layout.glyphs import coverage
    from .layout.hyphenation import preload
    from .layout.scripts import LocaleRules

    theme = project.theme(brand, edition)
    for locale in locales:
        rules = LocaleRules(theme, locale)
        register_families(rules.families(), project.fonts_dir)
        if rules.hyphenation:
            preload(rules.hyphenation, project.root)
        for family in {s.family for s in theme.styles.values()}:
            for weight in ("regular", "bold"):
                coverage(rules.faces(family, weight))


def _run_pool(
    project: Project,
    todo: list[tuple[Job, str]],
    options: BatchOptions,
    record: Callable[[Outcome], None],
) -> None:
    """Build ``todo`` in ``options.jobs`` worker processes, each one leaflet at a time: a
    worker that dies fails the leaflet it was building, and a new one takes its place."""
    from .workers import Lost, Raised
    from .workers import run as run_workers

    allow = (options.allow_incomplete, options.allow_overdue)

    def done(job: object, result: object) -> None:
        assert isinstance(job, Job)
        if isinstance(result, Outcome):
            record(result)
        elif isinstance(result, Lost):
            code = result.exitcode or 0
            how = f"signal {-code}" if code < 0 else f"exit status {code}"
            reason = (
                f"a worker process died while building it ({how}: killed or out of memory); "
                "rerun to resume"
            )
            record(Outcome(job, "failed", reason=reason))
        else:
            message = result.message if isinstance(result, Raised) else repr(result)
            record(Outcome(job, "failed", reason=f"internal error: {message}"))

    run_workers(
        [
            (job, (job, str(options.out), allow, inputs, options.preview_dpi))
            for job, inputs in todo
        ],
        size=options.jobs,
        work=_work,
        done=done,
        initializer=_init_worker,
        initargs=(str(project.root),),
    )
