"""A leaflet's printed pieces of text and its topic -> the machine-checkable PEMAT-P and CDC
Clear Communication Index items: a short summary at the top, calls to action, an urgent-help
box, question headings, sentence and paragraph length, abbreviations explained at first use,
linked sources and a review date not past."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..model import Brand, Handout
from . import readability
from .findings import Finding
from .policy import Policy
from .printed import BACK, TOP, Unit

# an all-capital token of 2+ letters (digits allowed: CASPR2, LGI1), not inside a longer word
_ABBREVIATION = re.compile(r"(?<![\w&])([A-Z][A-Z0-9]*[A-Z][A-Z0-9]*|[A-Z]{2,})(?![\w&])")
_COMPOUND = re.compile(r"(?:[-\u2010]\w+)*")  # the rest of a hyphenated word: "INR-Werte"
_OPENS = "(（"
_CLOSES = ")）"
_DOI = re.compile(r"\b10\.\d{4,9}/\S+|doi\.org/", re.IGNORECASE)


@dataclass
class Checked:
    """What the structure checks measured, and their findings."""

    figures: dict[str, Any] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)


def _count(text: str, language: str) -> int:
    return len(readability.words(text, language))


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def check(
    units: Sequence[Unit],
    handout: Handout,
    brand: Brand,
    language: str,
    policy: Policy,
    *,
    today: dt.date,
    topic_lines: dict[tuple[str | int, ...], int],
    topic_file: str,
    whole: str,
) -> Checked:
    out = Checked()
    add = out.findings.append
    counted = "characters" if language == "zh" else "words"  # what _count counts
    content = [u for u in units if u.section not in (TOP, BACK)]

    # a summary at the top, short
    summary = next((u for u in units if u.section == TOP and u.style == "summary"), None)
    limit = policy.per_language(language, "summary", "max_words")
    if summary is None:
        add(Finding("structure.summary", whole, TOP, "no summary before the first section"))
    else:
        n = _count(summary.text, language)
        out.figures["summary_words"] = n
        if n > limit:
            add(
                Finding(
                    "structure.summary",
                    summary.place,
                    TOP,
                    f"summary of {n} {counted} (at most {limit:g})",
                    n,
                    f"<= {limit:g}",
                )
            )

    # calls to action: a sentence giving the clinic's or the emergency number
    numbers = {_digits(v) for v in (brand.phone, brand.emergency_number) if _digits(v)}
    actions = [u for u in content if numbers & {_digits(m) for m in _numbers(u.text)}]
    out.figures["calls_to_action"] = len(actions)
    wanted = policy.structure("calls_to_action", "min")
    if len(actions) < wanted:
        add(
            Finding(
                "structure.calls_to_action",
                whole,
                "leaflet",
                f"{len(actions)} call(s) to action giving the clinic's or the emergency number "
                f"(at least {wanted:g})",
                len(actions),
                f">= {wanted:g}",
            )
        )

    # an urgent-help box
    urgent = {u.place for u in content if u.box == "urgent" and u.heading}
    out.figures["urgent_callouts"] = len(urgent)
    wanted = policy.structure("urgent_callout", "min")
    if len(urgent) < wanted:
        add(
            Finding(
                "structure.urgent_callout",
                whole,
                "leaflet",
                f"{len(urgent)} urgent-help box(es) (callout kind 'urgent'; at least {wanted:g})",
                len(urgent),
                f">= {wanted:g}",
            )
        )

    # question headings
    headings = [u for u in content if u.style == "h2"]
    marks = tuple(policy.per_language(language, "question_headings", "marks") or ("?",))
    openers = tuple((policy.structure("question_headings", "openers") or {}).get(language) or ())
    questions = [
        u
        for u in headings
        if u.text.endswith(marks) and (not openers or u.text.startswith(openers))
    ]
    share = len(questions) / len(headings) if headings else 0.0
    out.figures["question_headings"] = f"{len(questions)}/{len(headings)}"
    wanted = policy.structure("question_headings", "min_share")
    if share < wanted:
        plain = [u for u in headings if u not in questions]
        add(
            Finding(
                "structure.question_headings",
                plain[0].place if plain else whole,
                plain[0].section if plain else "leaflet",
                f"{len(questions)} of {len(headings)} section headings are questions "
                f"({share:.0%}; at least {wanted:.0%})",
                round(share, 2),
                f">= {wanted:g}",
            )
        )

    # long sentences, long paragraphs
    longest = policy.per_language(language, "sentences", "max_words")
    most = policy.structure("paragraphs", "max_sentences")
    for unit in units:
        if not unit.prose:
            continue
        said = readability.sentences(unit.text)
        if len(said) > most:
            add(
                Finding(
                    "structure.paragraphs",
                    unit.place,
                    unit.section,
                    f"paragraph of {len(said)} sentences (at most {most:g}): {unit.text[:60]!r}",
                    len(said),
                    f"<= {most:g}",
                )
            )
        for sentence in said:
            n = _count(sentence, language)
            if n > longest:
                add(
                    Finding(
                        "structure.sentences",
                        unit.place,
                        unit.section,
                        f"sentence of {n} {counted} (at most {longest:g}): {sentence[:80]!r}",
                        n,
                        f"<= {longest:g}",
                    )
                )

    out.findings += _abbreviations(units, brand, handout.code, policy, language)
    out.findings += _sources(handout, topic_lines, topic_file, policy)
    if policy.structure("review", "not_overdue") and handout.next_review < today:
        line = topic_lines.get(("next_review",), 1)
        add(
            Finding(
                "structure.review",
                f"{topic_file}:{line}",
                "leaflet",
                f"next review date {handout.next_review.isoformat()} has passed",
            )
        )
    return out


def _numbers(text: str) -> list[str]:
    """Runs of digits with the spaces, dashes and brackets phone numbers are written with."""
    return re.findall(r"\+?\d[\d\s\u00a0().\-]*\d|\d", text)


def _abbreviations(
    units: Sequence[Unit], brand: Brand, handout_code: str, policy: Policy, language: str
) -> list[Finding]:
    """Each all-capital token whose first use is not explained in brackets beside it (or
    beside the hyphenated word it begins, "INR-Werte (...)"), nor named as a kind of thing
    by one of the policy's naming words ("an antibody called LGI1", "LGI1 adlı bir antikor")."""
    allow = set(policy.structure("abbreviations", "allow"))
    named = policy.per_language(language, "abbreviations", "named") or {}
    brand_values = sorted((v for v in [*brand.origins(), handout_code] if v), key=len, reverse=True)
    seen: set[str] = set()
    out = []
    for unit in units:
        if unit.source or not (unit.prose or unit.heading):
            continue
        text = unit.text
        for value in brand_values:  # the clinic's name, address, postcode: printed as given
            text = text.replace(" ".join(value.split()), " ")
        for m in _ABBREVIATION.finditer(text):
            token = m.group(1)
            if token in seen or token in allow:
                continue
            seen.add(token)
            rest = text[m.end() :]
            after = rest.lstrip()
            before = text[: m.start()].rstrip()
            compound = rest[len(_COMPOUND.match(rest).group(0)) :].lstrip()  # type: ignore[union-attr]
            opens = any(bool(a) and a[0] in _OPENS for a in (after, compound))
            inside = bool(before) and before[-1] in _OPENS and bool(after) and after[0] in _CLOSES
            words_before = before.rstrip("*").split()
            word_before = words_before[-1].strip("*") if words_before else ""
            following = rest.split()[(0 if rest[:1].isspace() else 1) :]  # past its own word
            word_after = following[0].strip("*.,;:") if following else ""
            by_name = word_before in (named.get("before") or ()) or word_after in (
                named.get("after") or ()
            )
            explained = opens or inside or by_name
            if not explained:
                out.append(
                    Finding(
                        "structure.abbreviations",
                        unit.place,
                        unit.section,
                        f"{token!r} is not explained at its first use (write the words in "
                        f"brackets after it, or it in brackets after the words): {text[:60]!r}",
                    )
                )
    return out


def _sources(
    handout: Handout,
    topic_lines: dict[tuple[str | int, ...], int],
    topic_file: str,
    policy: Policy,
) -> list[Finding]:
    if not policy.structure("sources", "require_link"):
        return []
    out = []
    for i, source in enumerate(handout.sources):
        url = source.url or ""
        if url.startswith(("https://", "http://")) or _DOI.search(url) or _DOI.search(source.title):
            continue
        line = topic_lines.get(("sources", i), 1)
        out.append(
            Finding(
                "structure.sources",
                f"{topic_file}:{line}",
                "sources",
                f"source {source.title!r} has no URL or DOI",
            )
        )
    return out


def topic_lines(path: Path, root: Path) -> dict[tuple[str | int, ...], int]:
    """The topic file's lines by key path (for its metadata: sources, next_review), read by
    the pipeline's own loader."""
    from ..load import load_yaml

    return dict(load_yaml(path, root=root).lines)
