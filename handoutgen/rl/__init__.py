"""The ReportLab adapter: the only place that touches ReportLab's private names -> fast paths
for the pinned ReportLab, and ReportLab's own classes everywhere else.

``fast()`` decides, for each leaflet, which of the two runs: the fast paths (the transcribed
line breaker, paragraph reuse, font codes by table, prepared images, quick frame copies) only
with caches on and the ReportLab this package was checked against. Both give the same bytes;
the tests build every shipped leaflet both ways. The private names each module here uses are
listed in ``tests/rl/test_private_names.py``: adding one is a conscious choice.
"""

from __future__ import annotations

import reportlab

from .. import cache

PINNED = "5.1.0"  # the ReportLab the fast paths were transcribed from (pyproject.toml pins it)


def installed() -> str:
    return str(getattr(reportlab, "Version", "unknown"))


def fast() -> bool:
    """Whether the fast paths run: caches on and the pinned ReportLab installed."""
    return cache.enabled() and getattr(reportlab, "Version", None) == PINNED


def mismatch() -> str | None:
    """A warning if the installed ReportLab is not the pinned one (then everything runs on
    ReportLab's own classes), else None."""
    version = installed()
    if version == PINNED:
        return None
    return (
        f"ReportLab {version} is installed, not {PINNED}: leaflets are built on ReportLab's "
        "own classes, without the fast paths (correct, slower); install reportlab=="
        f"{PINNED} for full speed"
    )
