"""A leaflet's dimensions: topic, locale(s), brand, edition and paper -> one job, and what every
part of the package reads off it: its path in the output folder, its manifest key, its name in
messages, and the selection a command line or a script makes of them. The one place the
dimensions are written out."""

from __future__ import annotations

import fnmatch
from collections import namedtuple

from .errors import SelectionError

TYPE_CHECKING = False  # the no-op rebuild reads DIMENSIONS: no typing, no dataclasses
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from .project import Project

DIMENSIONS = ("topic", "locale", "brand", "edition", "paper")  # manifest keys, in order
STANDARD_EDITION = "standard"
LOCALE_JOIN = "+"  # a leaflet in two languages is spelled "es+en"


class Job(namedtuple("_Job", ["topic", "locales", "brand", "edition", "paper"])):
    """One leaflet to build. ``locales`` is a tuple: one language, or (later) two side by
    side; a plain string is taken as one (``Job("x", "es", ...)``, ``"es+en"``). Ordered and
    hashed as its values; immutable."""

    __slots__ = ()
    topic: str
    locales: tuple[str, ...]
    brand: str
    edition: str
    paper: str

    def __new__(
        cls, topic: str, locales: str | tuple[str, ...], brand: str, edition: str, paper: str
    ) -> Job:
        if isinstance(locales, str):
            locales = tuple(locales.split(LOCALE_JOIN))
        return super().__new__(cls, topic, tuple(locales), brand, edition, paper)

    @property
    def locale(self) -> str:
        """The locale as the manifest and the command line spell it (``es``, ``es+en``)."""
        return LOCALE_JOIN.join(self.locales)

    def values(self) -> dict[str, str]:
        """Dimension -> value, as the manifest records them."""
        return {
            "topic": self.topic,
            "locale": self.locale,
            "brand": self.brand,
            "edition": self.edition,
            "paper": self.paper,
        }

    @property
    def key(self) -> tuple[str, ...]:
        """The manifest key: the values in DIMENSIONS order."""
        values = self.values()
        return tuple(values[d] for d in DIMENSIONS)

    @classmethod
    def from_values(cls, values: Mapping[str, object]) -> Job:
        return cls(*(str(values[d]) for d in DIMENSIONS))  # type: ignore[arg-type]

    @property
    def relpath(self) -> str:
        """Where the leaflet goes inside the output folder."""
        edition = "" if self.edition == STANDARD_EDITION else f".{self.edition}"
        return f"{self.brand}/{self.locale}/{self.topic}{edition}.{self.paper}.pdf"

    def __str__(self) -> str:
        return f"{self.topic} [{self.locale}, {self.brand}, {self.edition}, {self.paper}]"


def manifest_key(entry: Mapping[str, object]) -> tuple[str, ...]:
    """A manifest entry's key (DIMENSIONS order)."""
    return tuple(str(entry[d]) for d in DIMENSIONS)


class Selection(
    namedtuple(
        "_Selection",
        ["topics", "locales", "brands", "editions", "papers"],
        defaults=(None, None, None, None, None),
    )
):
    """What to build: for each dimension, names or globs; ``None`` means its default (see
    ``expand``)."""

    __slots__ = ()
    topics: Sequence[str] | None
    locales: Sequence[str] | None
    brands: Sequence[str] | None
    editions: Sequence[str] | None
    papers: Sequence[str] | None

    @property
    def empty(self) -> bool:
        return not any(self)


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
    accepted when it or a CLDR parent has a catalog. Two of them joined by ``+`` (``es+en``,
    ``'*+en'``) are two languages side by side: every pair of two different locales they
    match, the first language first."""
    chosen: list[str] = []
    for pattern in patterns:
        if LOCALE_JOIN in pattern:
            parts = pattern.split(LOCALE_JOIN)
            if len(parts) != 2:
                raise SelectionError(f"--locale {pattern!r}: a leaflet has one or two languages")
            firsts, seconds = (_match_locales(project, [part]) for part in parts)
            pairs = [f"{a}{LOCALE_JOIN}{b}" for a in firsts for b in seconds if a != b]
            if not pairs:
                raise SelectionError(f"--locale {pattern!r}: two different languages are needed")
            chosen.extend(p for p in pairs if p not in chosen)
            continue
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
    from .i18n.catalog import SOURCE_LOCALE
    from .project import DEFAULT_BRAND

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
        for edition in editions:
            made = project.edition(edition)
            for paper in papers:
                if made.allows(paper):
                    jobs.extend(
                        Job(t, loc, brand, edition, paper) for t in topics for loc in locales
                    )
                elif _named(sel.editions, edition) and _named(sel.papers, paper):
                    raise SelectionError(made.refusal(paper))
    return sorted(jobs)


def _named(patterns: Sequence[str] | None, value: str) -> bool:
    """Whether ``value`` was asked for by name (or is the default), not only matched by a glob:
    an edition a paper cannot carry is refused when named, and left out of a glob."""
    return not patterns or value in patterns


def shard_of(jobs: Sequence[Job], index: int, count: int) -> list[Job]:
    """The ``index``-th of ``count`` deterministic slices (1-based) of the sorted jobs: every job
    is in exactly one slice, and slices differ in size by at most one."""
    if not 1 <= index <= count:
        raise SelectionError(f"--shard {index}/{count}: the index must be between 1 and {count}")
    return sorted(jobs)[index - 1 :: count]
