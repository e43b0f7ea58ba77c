"""Selection values on the command line -> checked values: an empty one (an unset variable
expanded to '') is a usage error, never "everything"; a language tag is well formed and within
the length ``templates/limits.yaml`` allows before any file is looked up by it."""

from __future__ import annotations

import argparse
import re

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from pathlib import Path

# BCP 47's shape: subtags of 1 to 8 letters or digits, joined by '-' (or gettext's '_')
_TAG = re.compile(r"[A-Za-z0-9]{1,8}(?:[-_][A-Za-z0-9]{1,8})*")
GLOB = "*?["


def nonempty(what: str, *, glob: bool = True) -> Callable[[str], str]:
    """An argparse ``type``: the value as given, or a usage error if it, or an item of its
    comma-separated list, is empty or blank (``glob``: the option takes globs, and '*' is how
    to ask for every value)."""
    hint = f"; to select every {what}, give '*'" if glob else ""

    def check(value: str) -> str:
        if not value.strip():
            raise argparse.ArgumentTypeError(f"empty {what} (an unset variable?){hint}")
        if any(not item.strip() for item in value.split(",")):
            raise argparse.ArgumentTypeError(f"{value!r} has an empty {what} in its list")
        return value

    check.__name__ = what  # argparse names the type in some messages
    return check


def check_tags(root: Path, patterns: Sequence[str] | None) -> str | None:
    """Why a requested language tag cannot be one (None if all can): not shaped like a BCP 47
    tag, or longer than ``locale.max_tag_length``. A glob is matched against the catalogs,
    never looked up as a file. Two tags joined by ``+`` (two languages side by side) are
    checked one by one."""
    from ..limits import limit

    longest = None
    # two languages side by side are two tags joined by '+' (es+en), each checked
    tags = [tag for pattern in patterns or () for tag in pattern.split("+")]
    for pattern in patterns or ():
        if pattern.count("+") > 1:
            return f"--locale {pattern[:40]!r}: a leaflet has one language, or two (es+en)"
    for pattern in tags:
        if any(c in pattern for c in GLOB):
            continue
        if not _TAG.fullmatch(pattern):
            return (
                f"--locale {pattern[:40]!r}: not a language tag (BCP 47: letters and digits "
                "in parts of up to 8, joined by '-', e.g. pt-BR)"
            )
        longest = longest or limit(root, "locale", "max_tag_length")
        if len(pattern) > longest:
            return (
                f"--locale {pattern[:40]!r}...: {len(pattern)} characters, more than a "
                f"language tag's {longest} (locale.max_tag_length in templates/limits.yaml)"
            )
    return None
