"""Translatable strings: a Handout -> every string with its msgctxt, and the same Handout with
each string replaced (one walk drives translation lookup and catalog extraction)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace

from . import blocks
from .model import Handout


def map_strings(handout: Handout, fn: Callable[[str, str], str]) -> Handout:
    """Return ``handout`` with every translatable string replaced by ``fn(msgctxt, text)``.

    Contexts are built from stable ids (``topic/section/block[/field]``), never positions; each
    block kind says which of its fields are translated and under which context.
    """
    t = handout.id
    return replace(
        handout,
        title=fn(f"{t}/title", handout.title),
        summary=fn(f"{t}/summary", handout.summary),
        keywords=tuple(fn(f"{t}/keywords", k) for k in handout.keywords),
        authors=tuple(replace(p, role=fn(f"{t}/people/role", p.role)) for p in handout.authors),
        reviewers=tuple(replace(p, role=fn(f"{t}/people/role", p.role)) for p in handout.reviewers),
        sections=tuple(
            replace(
                s,
                heading=fn(f"{t}/{s.id}/heading", s.heading),
                blocks=tuple(blocks.strings(b, f"{t}/{s.id}", fn) for b in s.blocks),
            )
            for s in handout.sections
        ),
    )


def iter_strings(handout: Handout) -> Iterator[tuple[str, str]]:
    """Yield ``(msgctxt, text)`` for every translatable string of ``handout``, in reading order."""
    found: list[tuple[str, str]] = []

    def collect(ctx: str, text: str) -> str:
        found.append((ctx, text))
        return text

    map_strings(handout, collect)
    yield from found
