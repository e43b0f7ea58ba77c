"""A Handout + today + the review policy (``templates/review.yaml``) -> its review state
(current, due soon, overdue) and the rows of the review report. Today is the machine's date,
or ``HANDOUTGEN_TODAY`` (YYYY-MM-DD) for a reproducible run."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError, SelectionError

TYPE_CHECKING = False
if TYPE_CHECKING:  # imported where used: a no-op rebuild asks only for today()
    from .model import Handout

FILE = "review.yaml"  # in templates/
TODAY = "HANDOUTGEN_TODAY"


def today() -> dt.date:
    """The date reviews are measured against."""
    value = os.environ.get(TODAY, "").strip()
    if not value:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise SelectionError(f"{TODAY}={value!r} is not a date (YYYY-MM-DD)") from None


def warn_days(templates_dir: Path, root: Path) -> int:
    """How many days ahead a coming review is announced (policy data)."""
    from .load import load_yaml

    src = load_yaml(templates_dir / FILE, root=root)
    data = src.data if isinstance(src.data, dict) else None
    value = data.get("warn_days") if data else None
    if src.problems or not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise InputError(
            src.problems or [src.problem(("warn_days",), "must be a whole number of days")]
        )
    return value


@dataclass(frozen=True)
class State:
    """A topic's review dates and where it stands today."""

    topic: str
    version: str
    review_status: str
    last_reviewed: dt.date
    next_review: dt.date
    days_left: int  # negative: overdue by that many days

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    def status(self, warn: int) -> str:
        if self.overdue:
            return "overdue"
        return "due soon" if self.days_left <= warn else "current"


def state(topic: str, handout: Handout, on: dt.date) -> State:
    return State(
        topic,
        handout.version,
        handout.review_status,
        handout.last_reviewed,
        handout.next_review,
        (handout.next_review - on).days,
    )
