"""One leaflet: a job -> load, validate, localize, compose and render, its outcome (built,
skipped by the release gate, or failed with its reason) and the PDF bytes; no file is written
here (that is ``write``'s job, driven by ``batch``)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from . import review
from .errors import HandoutError, SelectionError
from .i18n.catalog import DOMAIN
from .leaflet import Job, Selection
from .project import Project

if TYPE_CHECKING:
    from .i18n.catalog import Catalog
    from .model import Brand, Document, Handout, Rendered

__all__ = ["Job", "Language", "Outcome", "Selection", "build_one", "language", "origins_of"]

Status = Literal["built", "up to date", "skipped", "failed"]


@dataclass(frozen=True)
class Outcome:
    job: Job
    status: Status
    pages: int = 0
    sha256: str | None = None
    warnings: tuple[str, ...] = ()
    reason: str | None = None
    draft: bool = False  # built with --allow-incomplete: some strings in the source language
    overdue: bool = False  # built with --allow-overdue past its review date: marked
    inputs: str | None = None  # fingerprint of everything the leaflet was made from
    size: int | None = None

    def manifest_entry(self) -> dict[str, object]:
        j = self.job
        entry: dict[str, object] = {
            **j.values(),
            "path": j.relpath if self.status == "built" else None,
            "pages": self.pages,
            "sha256": self.sha256,
            "status": self.status,
            "warnings": list(self.warnings),
            "draft": self.draft,
            "overdue": self.overdue,
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
    problems: list[str] = field(default_factory=list)  # the output folder's, each at its file

    def count(self, status: Status) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def ok(self) -> bool:
        return self.count("failed") == 0 and not self.interrupted and not self.problems

    @property
    def warnings(self) -> int:
        return sum(len(o.warnings) for o in self.outcomes)


def origins_of(
    project: Project, source: Handout, catalog: Catalog, brand: Brand
) -> dict[str, str | Callable[[], str]]:
    """Each printed string -> where it came from: msgctxt with the PO file and line of its
    translation, the YAML line of its English, the template it was extracted from, or the
    brand.yaml line of a clinic's value. Places in catalogs are looked up only when asked for."""
    from functools import partial

    from .i18n.catalog import entry_place, source_place
    from .strings import iter_strings

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


@dataclass(frozen=True)
class Language:
    """One language of a leaflet through its gates: the composed document, where each of its
    printed strings came from, the strings it prints in the source language (a draft) and the
    language's own name."""

    document: Document
    origins: dict[str, str | Callable[[], str]]
    missing: tuple[str, ...]
    name: str


def language(
    project: Project,
    job: Job,
    locale: str,
    handout: Handout,
    *,
    overdue: bool,
    allow_incomplete: bool,
) -> Language | Outcome:
    """``locale``'s leaflet composed, or the outcome its gates give: failed by the safety gate
    (a translation a check refuses), skipped by the release gate (strings untranslated, unless
    ``allow_incomplete`` makes it a marked draft)."""
    from .compose import ComposeRequest, compose  # the heavy stages load only when building
    from .layout.hyphenation import preload
    from .layout.scripts import LocaleRules
    from .localize import localize

    brand = project.brand(job.brand)
    theme = project.theme(job.brand, job.edition)
    dictionary = LocaleRules(theme, locale).hyphenation
    if dictionary:
        preload(dictionary, project.root)
    catalog = project.catalog(locale)
    localized = localize(handout, catalog, locale, region=brand.region)
    request = ComposeRequest(localized, brand, job.edition, catalog, overdue=overdue)
    document = compose(request, templates_dir=project.templates_dir)
    # the safety gate: nothing a check refuses reaches paper, draft or not
    refused = catalog.refused(project.root)
    if refused:
        reason = f"{locale}: unsafe translation, not printed:\n  " + "\n  ".join(refused)
        return Outcome(job, "failed", reason=reason)
    # the release gate: every string this leaflet uses, content and template, translated
    missing = sorted(set(catalog.missing))
    if missing and not allow_incomplete:
        examples = "; ".join(m.split("|")[0][:60] for m in missing[:3])
        reason = (
            f"translation incomplete: {len(missing)} string(s) untranslated or fuzzy "
            f"in {locale} (e.g. {examples}); --allow-incomplete builds a marked draft"
        )
        return Outcome(job, "skipped", reason=reason)
    if missing:  # a draft: the missing strings in the source language, marked on every page
        request = ComposeRequest(
            localized, brand, job.edition, catalog, draft=True, overdue=overdue
        )
        document = compose(request, templates_dir=project.templates_dir)
    origins = origins_of(project, handout, catalog, brand)
    return Language(document, origins, tuple(missing), localized.locale.language_name)


def build_one(
    project: Project,
    job: Job,
    *,
    allow_incomplete: bool = False,
    allow_overdue: bool = False,
    tagged: bool = True,
) -> tuple[Rendered | None, Outcome]:
    """Run load -> validate -> localize -> compose -> render for one leaflet (no file I/O out).
    A leaflet past its review date is refused unless ``allow_overdue`` (then marked on every
    page). ``tagged`` writes the structure layer's marked content into the pages. A leaflet in
    two languages (``es+en``) passes each language through its gates and prints them side by
    side (``bilingual``), where the edition's columns are wide enough on its paper."""
    from .bilingual import Side, refusal, render_pair
    from .render import render

    try:
        if len(job.locales) not in (1, 2):
            raise SelectionError(f"{job.locale}: a leaflet is built in one or two languages")
        handout = project.handout(job.topic)
        overdue = review.state(job.topic, handout, review.today()).overdue
        if overdue and not allow_overdue:
            reason = (
                f"review overdue since {handout.next_review.isoformat()}: not printed "
                "(--allow-overdue prints it marked 'Review overdue' on every page)"
            )
            return None, Outcome(job, "failed", reason=reason)
        edition = project.edition(job.edition)
        if not edition.allows(job.paper):
            return None, Outcome(job, "failed", reason=edition.refusal(job.paper))
        theme = project.theme(job.brand, job.edition)
        why = refusal(theme, job.paper, job.edition) if len(job.locales) == 2 else None
        if len(job.locales) == 2 and (edition.booklet or edition.print_shop):
            why = f"the {job.edition} edition is made in one language at a time"
        if why:
            return None, Outcome(job, "failed", reason=f"{job.locale}: {why}")
        languages = []
        for locale in job.locales:
            made = language(
                project,
                job,
                locale,
                handout,
                overdue=overdue,
                allow_incomplete=allow_incomplete,
            )
            if isinstance(made, Outcome):
                return None, made
            languages.append(made)
        missing = [m for one in languages for m in one.missing]
        if len(languages) == 2:
            rendered = render_pair(
                [Side(one.document, one.name) for one in languages],
                theme,
                paper=job.paper,
                fonts_dir=project.fonts_dir,
                origins={k: v for one in languages for k, v in one.origins.items()},
                tagged=tagged,
                duplex=edition.duplex,
            )
        else:
            document, origins = languages[0].document, languages[0].origins
            rendered = render(
                document,
                theme,
                paper=job.paper,
                fonts_dir=project.fonts_dir,
                origins=origins,
                tagged=tagged,
                duplex=edition.duplex,
                booklet=edition.booklet,
                print_shop=edition.print_shop,
            )
    except HandoutError as exc:
        return None, Outcome(job, "failed", reason=str(exc))
    except Exception as exc:  # a bug must not stop the batch; the reason says what broke
        return None, Outcome(job, "failed", reason=f"internal error: {type(exc).__name__}: {exc}")
    warnings = tuple(rendered.warnings)
    if missing:
        warnings += (f"draft: {len(missing)} string(s) printed in the source language",)
    digest = hashlib.sha256(rendered.pdf).hexdigest()
    if overdue:
        warnings += (f"review overdue since {handout.next_review.isoformat()}: marked",)
    return rendered, Outcome(
        job, "built", rendered.pages, digest, warnings, draft=bool(missing), overdue=overdue
    )
