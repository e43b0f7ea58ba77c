"""A measure past its policy limit -> a Finding: the rule, the file:line and section it is
at, what was measured and the limit."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Finding:
    rule: str  # readability.flesch_kincaid_grade, structure.sentences ...
    place: str  # file:line of the text (topic YAML, PO entry, template, brand.yaml)
    section: str  # the content section's id, "top", "back matter" or "leaflet"
    message: str
    value: float | None = None
    limit: str | None = None  # "<= 7", ">= 55"

    def __str__(self) -> str:
        return f"{self.place}: [{self.section}] {self.rule}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        return asdict(self)
