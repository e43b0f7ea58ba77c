"""A composed Document -> the safety notices it must carry (``templates/notices.yaml``) and
does not: a brand's template override cannot drop the draft mark or the "not yet checked by a
clinician" notice."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from . import blocks
from .cache import memoized
from .cache.keys import file_digest
from .errors import InputError, Problem
from .inline import InlineError, parse_inline
from .load import load_yaml
from .model import Document

FILE = "notices.yaml"  # in templates/


def _plain(text: str) -> str:
    with contextlib.suppress(InlineError):  # bad syntax is reported elsewhere
        text = "".join(span.text for span in parse_inline(text))
    return " ".join(text.split())


def load_notices(templates_dir: Path, root: Path) -> dict[str, dict[str, str]]:
    """The required notices, read once per process and file content."""
    path = templates_dir / FILE
    return _read(path, root, file_digest(path))


@memoized("required notices", kept=4)
def _read(path: Path, root: Path, digest: str) -> dict[str, dict[str, str]]:
    src = load_yaml(path, root=root)
    if src.problems or not isinstance(src.data, dict):
        raise InputError(src.problems or [src.problem((), "must be a mapping of keys")])
    return src.data


def missing(
    document: Document,
    notices: dict[str, dict[str, str]],
    *,
    conditions: set[str],
    gettext: Any,
) -> list[str]:
    """The names of the notices ``document`` should carry and does not: those whose
    ``when`` is among ``conditions`` (always, draft, overdue, not-clinically-reviewed)."""
    body = " ".join(
        _plain("".join(span.text for span in spans))
        for block in document.blocks
        for _, spans in blocks.texts(block)
    )
    out = []
    for name, notice in notices.items():
        if notice.get("when", "always") not in conditions:
            continue
        if "furniture" in notice:
            shown = getattr(document.furniture, notice["furniture"], None)
            if not (shown or "").strip():
                out.append(name)
        elif _plain(gettext(notice["text"])) not in body:
            out.append(name)
    return out


def refuse(names: list[str], brand_dir: Path, root: Path) -> InputError:
    """The error for a leaflet without ``names``, naming the brand's template overrides."""
    overrides = (
        sorted(str(p.relative_to(root)) for p in brand_dir.rglob("*.j2") if p.is_file())
        if brand_dir.is_dir()
        else []
    )
    where = ", ".join(overrides) if overrides else "the leaflet templates"
    return InputError(
        [
            Problem(
                where,
                None,
                "",
                f"the leaflet leaves out the required notice {name!r} (templates/{FILE})",
            )
            for name in names
        ]
    )
