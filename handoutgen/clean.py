"""The ``clean`` command's work: an output folder's manifests and the project -> the PDFs no
input produces any more removed, with their entries (through ``write``, which does every
removal and rewrite), and what was removed or kept."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .errors import InputError, Problem
from .manifest import MANIFEST, SHARDS, files
from .write import locked, read_manifest, remove_leaflet, save_manifest

__all__ = ["clean"]

Removed = tuple[str, str]  # (path in the folder, why no input produces it)


def clean(
    out_dir: Path, *, gone: Any, generator: str, dry_run: bool = False
) -> tuple[list[Removed], list[Problem]]:
    """Remove from ``out_dir`` the PDFs of the entries of its manifests (``manifest.json`` and
    shard manifests) whose leaflet no input produces any more (``gone``, see
    ``manifest.producible``), and those entries, under the folder's lock. No file a manifest
    does not record is touched, nor one whose content is not the recorded one. Returns what
    was removed (with ``dry_run``: would be) and the problems (a file kept, with why; a
    manifest of a newer format; one that cannot be saved)."""
    if not out_dir.is_dir():
        why = "not a folder" if out_dir.exists() else "no such folder"
        return [], [Problem(str(out_dir), None, "--out", why)]
    removed: list[Removed] = []
    problems: list[Problem] = []
    with locked(out_dir):
        for manifest in [out_dir / MANIFEST, *sorted(out_dir.glob(SHARDS))]:
            try:
                entries = read_manifest(out_dir, manifest.name)
                data = json.loads(manifest.read_text(encoding="utf-8")) if entries else {}
            except InputError as exc:  # a newer format: not ours to rewrite
                problems += exc.problems
                continue
            except (OSError, ValueError):
                continue  # gone meanwhile: nothing it records
            keep = _clean_entries(out_dir, entries, gone, dry_run, removed, problems)
            if dry_run or len(keep) == len(entries):
                continue
            shard = data.get("shard")
            number = (shard["index"], shard["count"]) if isinstance(shard, dict) else None
            generator = str(data.get("generator", generator))
            try:
                save_manifest(manifest, keep, generator, number, data.get("stamp"))
            except OSError as exc:
                why = f"cannot save the manifest: {exc.strerror or exc}"
                problems.append(Problem(str(manifest), None, "", why))
    return removed, problems


def _clean_entries(
    out_dir: Path,
    entries: list[dict[str, Any]],
    gone: Any,
    dry_run: bool,
    removed: list[Removed],
    problems: list[Problem],
) -> list[dict[str, Any]]:
    """The entries to keep; each gone one's file removed (or, dry, listed)."""
    keep = []
    for entry in entries:
        why = gone(entry)
        if not why:
            keep.append(entry)
            continue
        refused = False
        for path, sha256 in files(entry):
            problem = None if dry_run else remove_leaflet(out_dir, path, sha256)
            if problem:
                problems.append(Problem(str(out_dir / path), None, "", problem))
                refused = True
            else:
                removed.append((path, why))
        if refused:
            keep.append(entry)
    return keep
