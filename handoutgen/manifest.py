"""The manifest's format: manifest.json and shard files -> their checked entries (versions, shard
numbers), and a project -> which recorded leaflets no input produces any more. Reads only; the
files are written by ``write``. ``docs/manifest.schema.json`` describes the format."""

from __future__ import annotations

import json
import os
import re
import stat

TYPE_CHECKING = False  # the no-op rebuild reads the stamp through here: no typing
if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path
    from typing import Any

    from .project import Project

MANIFEST = "manifest.json"
SHARDS = "manifest.shard-*.json"
FORMAT_VERSION = 2  # 1: no "format_version" field (read, and upgraded when rewritten)
VERSION_FIELD = "format_version"
STATUSES = ("built", "skipped", "failed", "stale")
_SHARD_NAME = re.compile(r"manifest\.shard-([1-9][0-9]*)-of-([1-9][0-9]*)\.json\Z")
_DEFAULTS: dict[str, Any] = {
    "path": None,
    "pages": 0,
    "sha256": None,
    "warnings": [],
    "draft": False,
    "overdue": False,
    "inputs": None,
    "size": None,
}


def shard_name(index: int, count: int) -> str:
    return f"manifest.shard-{index}-of-{count}.json"


def shard_number(name: str) -> tuple[int, int] | None:
    """(I, N) from a shard manifest's file name, or None."""
    found = _SHARD_NAME.match(name)
    return (int(found[1]), int(found[2])) if found else None


def _dimensions() -> tuple[str, ...]:
    from .leaflet import DIMENSIONS  # not imported on the no-op path, which needs none

    return DIMENSIONS


def valid(entry: Any) -> bool:
    """Whether ``entry`` is a leaflet entry: its dimensions and its path as the format says."""
    kept = entry.get("kept") if isinstance(entry, dict) else None
    return (
        isinstance(entry, dict)
        and all(isinstance(entry.get(k), str) for k in _dimensions())
        and isinstance(entry.get("path"), str | None)
        and (kept is None or (isinstance(kept, dict) and isinstance(kept.get("path"), str)))
    )


def version_problem(data: Any) -> str | None:
    """Why a manifest's body cannot be read by this generator (a newer format), else None."""
    version = data.get(VERSION_FIELD, 1) if isinstance(data, dict) else 1
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        return f"{VERSION_FIELD} {version!r} is not a format version"
    if version > FORMAT_VERSION:
        return (
            f"{VERSION_FIELD} {version} is newer than this generator reads ({FORMAT_VERSION}): "
            "use the generator that wrote it, or another --out"
        )
    return None


def upgraded(entry: dict[str, Any]) -> dict[str, Any]:
    """An entry of an older format with the fields of this one (their neutral values)."""
    missing = {k: v for k, v in _DEFAULTS.items() if k not in entry}
    return {**entry, **missing} if missing else entry


def read(path: Path) -> list[dict[str, Any]]:
    """The valid entries of the manifest at ``path``; a missing or corrupt one reads as empty
    (it is rewritten). A newer format is an InputError at the file: rewriting it would lose
    what this generator does not know."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    why = version_problem(data)
    if why:
        from .errors import InputError, Problem

        raise InputError([Problem(str(path), None, VERSION_FIELD, why)])
    leaflets = data.get("leaflets") if isinstance(data, dict) else None
    if not isinstance(leaflets, list):
        return []
    return [upgraded(e) for e in leaflets if valid(e)]


def shard_entries(path: Path) -> tuple[list[dict[str, Any]], str | None]:
    """A shard manifest's entries, or why it is not one (a folder, not JSON, a newer format,
    a number in the file that is not its name's)."""
    if path.is_dir():
        return [], "a folder, not a shard manifest"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        return [], f"cannot read it: {exc.strerror or exc}"
    except UnicodeDecodeError:
        return [], "not a manifest: not UTF-8 text"
    except ValueError as exc:
        return [], f"not a manifest: invalid JSON ({exc})"
    leaflets = data.get("leaflets") if isinstance(data, dict) else None
    if not isinstance(leaflets, list):
        return [], "not a manifest: no list of leaflets"
    why = version_problem(data)
    if why:
        return [], why
    said, number = data.get("shard"), shard_number(path.name)
    if said is not None and (not number or said != {"index": number[0], "count": number[1]}):
        return [], f"its shard {said!r} is not the one its name says"
    bad = [i for i, e in enumerate(leaflets) if not valid(e)]
    if bad:
        return [], f"not a manifest: leaflets[{bad[0]}] is not a leaflet entry"
    return [upgraded(e) for e in leaflets], None


def missing_shards(names: list[str]) -> dict[int, list[int]]:
    """Shard counts N -> the slices I of N that none of ``names`` (shard file names) holds."""
    found: dict[int, set[int]] = {}
    for name in names:
        number = shard_number(name)
        if number:
            found.setdefault(number[1], set()).add(number[0])
    missing = {n: [i for i in range(1, n + 1) if i not in have] for n, have in found.items()}
    return {n: gone for n, gone in sorted(missing.items()) if gone}


def stamped_entries(out_dir: Path, matches: Callable[[dict[str, Any]], bool]) -> Any:
    """The stamp record (inputs, identity, leaflets, skipped, drafts, overdue, warnings of the
    stamped run) if ``matches`` accepts it, the manifest is of this format, and every built
    leaflet is still there at its recorded size; else None."""
    try:
        data = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get(VERSION_FIELD) != FORMAT_VERSION:
        return None  # an older one is rewritten by the real run; a newer one is its error
    recorded = data.get("stamp")
    if not isinstance(recorded, dict) or not matches(recorded):
        return None
    folder = str(out_dir)
    for e in data.get("leaflets", []):
        if isinstance(e, dict) and e.get("status") == "built":
            path = e.get("path")
            if not isinstance(path, str):
                return None
            try:  # one stat a leaflet: this is the whole of a no-op rebuild
                st = os.stat(os.path.join(folder, path))
            except OSError:
                return None
            if not stat.S_ISREG(st.st_mode) or st.st_size != e.get("size"):
                return None
    return recorded


def producible(project: Project) -> Callable[[dict[str, Any]], str | None]:
    """A test of a manifest entry: why no input produces its leaflet any more (its topic,
    brand, edition or paper, or a locale, no longer exists), or None if some selection still
    can. It does not depend on any selection, so any run can tell."""
    known = {
        "topic": set(project.topics()),
        "brand": set(project.brands()),
        "edition": set(project.editions()),
        "paper": set(project.papers()),
    }
    locales: dict[str, bool] = {}

    def why(entry: dict[str, Any]) -> str | None:
        for dimension, names in known.items():
            if entry[dimension] not in names:
                return f"its {dimension} {entry[dimension]!r} no longer exists"
        for tag in str(entry["locale"]).split("+"):
            if tag not in locales:
                locales[tag] = bool(tag) and project.resolves(tag)
            if not locales[tag]:
                return f"its locale {tag!r} no longer exists"
        return None

    return why


def files(entry: dict[str, Any]) -> list[tuple[str, str | None]]:
    """The PDFs of this tool's that ``entry`` records, as (path in the folder, sha256): the
    leaflet's, and the last good one a failed build left in place (``kept``)."""
    found = [(entry["path"], entry.get("sha256"))] if entry.get("path") else []
    kept = entry.get("kept")
    return found + ([(kept["path"], kept.get("sha256"))] if kept else [])


def last_good(entry: dict[str, Any] | None, out_dir: Path) -> dict[str, Any] | None:
    """What a failed build's entry records of the PDF it leaves in place (a failure never
    replaces the last good file): ``entry``'s file, if it is still there."""
    for path, sha256 in files(entry or {}):
        if os.path.isfile(os.path.join(out_dir, path)):
            return {"path": path, "sha256": sha256}
    return None


def present(entry: dict[str, Any], out_dir: Path) -> dict[str, Any] | None:
    """``entry`` as the folder now has it: None if its PDF is gone, without ``kept`` if that
    one is."""
    if entry["path"] is not None and not os.path.isfile(os.path.join(out_dir, entry["path"])):
        return None
    kept = entry.get("kept")
    if kept and not os.path.isfile(os.path.join(out_dir, kept["path"])):
        return {k: v for k, v in entry.items() if k != "kept"}
    return entry


def stale(entry: dict[str, Any], why: str) -> dict[str, Any] | None:
    """What becomes of the entry of a leaflet no input produces: one with a file of this
    tool's is kept as ``stale`` (so ``clean`` can remove that file), one without is dropped."""
    if entry.get("status") == "stale":
        return entry
    if not files(entry):
        return None
    return {**entry, "status": "stale", "reason": f"{why}: 'generate.py clean' removes it"}
