"""The quality gate: each selected leaflet, composed as it prints -> readability figures per
language (whole leaflet and per section), its hardest sentences, and findings against the
policy in ``templates/lint.yaml``, each at its file:line and section."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import HandoutError
from ..leaflet import Job, Selection
from ..project import Project
from . import readability
from .findings import Finding
from .policy import Policy, load
from .printed import BACK, TOP, Places, Unit, units
from .structure import check, topic_lines
from .syllables import Syllables

__all__ = ["Finding", "LeafletLint", "Policy", "Syllables", "jobs", "lint_leaflet", "load"]


@dataclass
class LeafletLint:
    """One leaflet's measures and findings (``error``: it could not be composed)."""

    job: Job
    figures: dict[str, Any] = field(default_factory=dict)
    sections: dict[str, dict[str, Any]] = field(default_factory=dict)
    hardest: list[dict[str, Any]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "topic": self.job.topic,
            "locale": self.job.locale,
            "brand": self.job.brand,
            "edition": self.job.edition,
            "figures": self.figures,
            "sections": self.sections,
            "hardest_sentences": self.hardest,
            "findings": [f.as_dict() for f in self.findings],
            "error": self.error,
        }


def jobs(project: Project, selection: Selection) -> list[Job]:
    """The leaflets a selection names, one per topic, locale, brand and edition (the paper
    does not change the words): by default every topic and locale, the default brand and the
    standard edition."""
    from ..leaflet import expand
    from ..project import DEFAULT_BRAND

    chosen = Selection(
        topics=selection.topics,
        locales=selection.locales or ["*"],
        brands=selection.brands or [DEFAULT_BRAND],
        editions=selection.editions,
    )
    seen: dict[tuple[str, ...], Job] = {}
    for job in expand(project, chosen):
        for locale in job.locales:  # a two-language leaflet is measured language by language
            one = Job(job.topic, locale, job.brand, job.edition, job.paper)
            seen.setdefault((job.topic, locale, job.brand, job.edition), one)
    return list(seen.values())


def language_of(locale: str) -> str:
    return locale.replace("_", "-").split("-")[0].lower()


def lint_leaflet(
    project: Project, job: Job, policy: Policy, syllables: Syllables | None = None
) -> LeafletLint:
    """Compose ``job``'s leaflet (as the build does, without rendering) and measure it;
    ``syllables`` holds the dictionaries already loaded (give one to a run of many)."""
    from .. import review
    from ..compose import ComposeRequest, compose
    from ..localize import localize

    result = LeafletLint(job)
    try:
        (locale,) = job.locales
        handout = project.handout(job.topic)
        brand = project.brand(job.brand)
        catalog = project.catalog(locale)
        localized = localize(handout, catalog, locale, region=brand.region)
        overdue = review.state(job.topic, handout, review.today()).overdue
        request = ComposeRequest(localized, brand, job.edition, catalog, overdue=overdue)
        document = compose(request, templates_dir=project.templates_dir)
        missing = sorted(set(catalog.missing))
        places = Places(project.root, handout, catalog, brand)
        printed = units(document, localized, places, project.root)
    except HandoutError as exc:
        result.error = str(exc)
        return result
    topic_file = str(handout.path.relative_to(project.root))
    title_line = handout.lines.get(f"{handout.id}/title")
    whole = f"{topic_file}:{title_line}" if title_line else topic_file
    language = language_of(locale)
    if missing:
        result.figures["untranslated"] = len(missing)
    counter = (syllables or Syllables()).counter(language)
    _readability(result, printed, language, policy, whole, counter)
    checked = check(
        printed,
        localized.handout,
        brand,
        language,
        policy,
        today=review.today(),
        topic_lines=topic_lines(handout.path, project.root),
        topic_file=topic_file,
        whole=whole,
    )
    result.figures.update(checked.figures)
    result.findings += checked.findings
    return result


def _readability(
    result: LeafletLint,
    printed: list[Unit],
    language: str,
    policy: Policy,
    topic_file: str,
    counter: readability.Counter | None,
) -> None:
    """Figures for the whole leaflet and each section, findings past the limits for those
    long enough to judge, and the hardest sentences."""
    measured: list[tuple[Unit, str, readability.Stats]] = [
        (unit, sentence, readability.sentence_stats(sentence, language, counter))
        for unit in printed
        if unit.prose
        for sentence in readability.sentences(unit.text)
    ]
    order = list(dict.fromkeys(u.section for u, _, _ in measured))
    scopes = {"leaflet": [s for _, _, s in measured]}
    scopes.update({name: [s for u, _, s in measured if u.section == name] for name in order})
    heading_place = {u.section: u.place for u in printed if u.style == "h2"}
    heading_place.setdefault(TOP, next((u.place for u in printed if u.section == TOP), topic_file))
    limits = policy.limits(language)
    least = policy.readability("min_words")
    for name, stats in scopes.items():
        total = readability.total(stats)
        figures = {
            "sentences": total.sentences,
            "words": total.words,
            **readability.indices(total, language),
        }
        if name == "leaflet":
            result.figures.update(figures)
        else:
            result.sections[name] = figures
        if total.words < least:
            continue
        place = topic_file if name == "leaflet" else heading_place.get(name, topic_file)
        if name == BACK:
            place = next((u.place for u, _, _ in measured if u.section == BACK), place)
        for limit in limits:
            value = figures.get(limit.name)
            if value is not None and not limit.passes(value):
                result.findings.append(
                    Finding(
                        f"readability.{limit.name}",
                        place,
                        name,
                        f"{limit.name} {value:g} over {total.words} words "
                        f"(limit {limit.describe()}, {limit.place})",
                        value,
                        limit.describe(),
                    )
                )
    shortest = policy.readability("hardest_min_words")
    ranked = sorted(
        (m for m in measured if m[2].words >= shortest),
        key=lambda m: readability.difficulty(m[2], language),
        reverse=True,
    )
    measure = readability.ranking(language)
    for unit, sentence, stats in ranked[: policy.readability("hardest_sentences")]:
        result.hardest.append(
            {
                "place": unit.place,
                "section": unit.section,
                "words": stats.words,
                "measure": measure,
                "value": round(readability.INDICES[measure](stats), 2)
                if measure in readability.INDICES
                else stats.words,
                "sentence": sentence,
            }
        )
