"""The input list: a leaflet job (or a whole build) -> every file it is made from, by content,
and the engine -> one fingerprint. The per-leaflet skip and the no-op rebuild use this one list,
so they cannot disagree about what is up to date.

A leaflet's inputs: its topic file and the files it refers to (figures), its locale's catalogs
(and their CLDR parents'), its brand folder, the theme files of its edition, the shared
templates and data, the fonts, the package's own code and every library that can change its
bytes (``keys.engine``). A whole build's stamp: every file under the input folders, the same
engine, and the selection.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from .keys import engine_key, file_digest, key, load_index, save_index, sha256

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

STAMPED = ("handouts", "templates", "locales", "fonts")  # every input folder of a project
INDEX = ".cache/digests.json"  # remembered file digests (keys.load_index)

IMAGES = (".png", ".jpg", ".jpeg", ".svg")  # what a topic's figures may be (imagefiles.SUFFIXES)


def topic_images(folder: Path) -> list[Path]:
    """Every picture a topic in ``folder`` could show (``handouts/`` and below): each is an
    input of every topic there, so a changed one rebuilds, and revalidates, them all. (A
    topic's own list would need its YAML parsed; pictures rarely change.)"""
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() in IMAGES and p.is_file())


class Inputs:
    """A run's fingerprints: files hashed once each (by content), grouped per leaflet."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._groups: dict[tuple[str, str, tuple[Path, ...]], str] = {}
        self._shared: str | None = None
        self._brand_files: dict[str, tuple[Path, ...]] = {}
        self._images: dict[Path, tuple[Path, ...]] = {}
        load_index(root / INDEX)

    def _listed(self, paths: list[Path]) -> list[tuple[str, str]]:
        out = []
        for p in sorted(set(paths)):
            shown = p.relative_to(self.root).as_posix() if p.is_relative_to(self.root) else str(p)
            name = os.fspath(p)
            out.append((shown, file_digest(name)))
        return out

    def _group(self, kind: str, name: str, paths: tuple[Path, ...]) -> str:
        """One digest for a group of files (a topic, a locale's catalogs, a brand, a theme)."""
        found = self._groups.get((kind, name, paths))
        if found is None:
            found = self._groups[(kind, name, paths)] = key(kind, name, self._listed(list(paths)))
        return found

    def shared(self) -> str:
        """What every leaflet depends on: shared templates and data, fonts, the engine."""
        if self._shared is None:
            t = self.root / "templates"
            paths = [
                p
                for p in t.rglob("*")
                if p.is_file()
                and (t / "brands") not in p.parents
                and (t / "themes") not in p.parents
            ]
            paths += [p for p in (self.root / "fonts").rglob("*") if p.is_file()]
            paths += list((self.root / "handouts").glob("*.json"))
            paths += [self.root / "locales" / "plural-forms.yaml"]
            self._shared = key("shared", self._listed(paths), engine_key())
        return self._shared

    def job(
        self,
        values: dict[str, str],
        *,
        topic: Path,
        catalogs: list[Path],
        brand: Path,
        themes: list[Path],
    ) -> str:
        """The fingerprint of one leaflet: its dimensions (``values``), its own inputs and
        everything shared."""
        files = self._brand_files.get(str(brand))
        if files is None:
            files = tuple(sorted(p for p in brand.rglob("*") if p.is_file()))
            self._brand_files[str(brand)] = files
        return key(
            "leaflet",
            sorted(values.items()),
            self.shared(),
            self._group("topic", topic.stem, self._topic(topic)),
            self._group("locale", values.get("locale", ""), tuple(catalogs)),
            self._group("brand", brand.name, files),
            self._group("edition", values.get("edition", ""), tuple(themes)),
        )

    def _topic(self, topic: Path) -> tuple[Path, ...]:
        """A topic file and the pictures it may show, listed once a run."""
        found = self._images.get(topic.parent)
        if found is None:
            found = self._images[topic.parent] = tuple(topic_images(topic.parent))
        return (topic, *found)

    def save(self) -> None:
        """Remember the digests taken, for the next run's no-op check."""
        save_index(self.root / INDEX, self.root)


def stamp(root: Path, selection: Any) -> str:
    """A whole build's stamp: the selection, the engine and the content of every file of the
    project's input folders. Equal stamps mean nothing changed since a run that succeeded,
    so a no-op rebuild can answer from the manifest without loading anything."""
    load_index(root / INDEX)
    entries: list[str] = []
    skip = len(os.path.join(root, ""))
    for top in STAMPED:
        for folder, dirs, files in os.walk(os.path.join(root, top)):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(files):
                if name.endswith((".mo", ".pyc")):
                    continue
                path = os.path.join(folder, name)
                entries.append(f"{path[skip:]}:{file_digest(path)}")
    save_index(root / INDEX, root)
    listed = json.dumps([repr(selection), engine_key(), entries])
    return sha256(listed.encode("utf-8")).hexdigest()


def identity(root: Path, selection: Any) -> str | None:
    """A cheap stand-in for ``stamp``: the selection, the engine and the identity of every
    file ``stamp`` reads (device, inode, size, modification and change time), or None when a
    file changed too recently for its times to tell a later write apart. Equal identities
    mean equal contents: the change time cannot be set back by copying tools."""
    import time

    from .keys import PACKAGE_DIR, RACY_FINE_SECONDS, RACY_SECONDS, engine

    now = time.time_ns()
    rows: list[str] = [repr(selection)]
    for top in (*(os.path.join(root, t) for t in STAMPED), os.fspath(PACKAGE_DIR)):
        for folder, dirs, files in os.walk(top):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(files):
                if name.endswith((".mo", ".pyc")):
                    continue
                try:
                    st = os.stat(os.path.join(folder, name))
                except OSError:  # removed meanwhile, a dangling link: the content decides
                    return None
                last = max(st.st_mtime_ns, st.st_ctime_ns)
                coarse = st.st_mtime_ns % 10**9 == 0 and st.st_ctime_ns % 10**9 == 0
                if now - last <= (RACY_SECONDS if coarse else RACY_FINE_SECONDS) * 1e9:
                    return None
                rows.append(
                    f"{folder}/{name}:{st.st_dev}:{st.st_ino}:{st.st_size}:"
                    f"{st.st_mtime_ns}:{st.st_ctime_ns}"
                )
    rows.append(repr(engine()))
    return sha256(
        "\n".join(rows).encode("utf-8", "surrogateescape")
    ).hexdigest()  # file names as bytes
