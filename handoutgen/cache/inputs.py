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
import stat
from pathlib import Path

from .keys import engine_key, file_digest, key, load_index, save_index, sha256

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

STAMPED = ("handouts", "templates", "locales", "fonts")  # every input folder of a project
INDEX = ".cache/digests.json"  # remembered file digests (keys.load_index)

IMAGES = (".png", ".jpg", ".jpeg", ".svg")  # what a topic's figures may be (imagefiles.SUFFIXES)


def topic_images(folder: Path, root: Path | None = None) -> list[Path]:
    """Every picture a topic in ``folder`` could show (``handouts/`` and below): each is an
    input of every topic there, so a changed one rebuilds, and revalidates, them all. (A
    topic's own list would need its YAML parsed; pictures rarely change.) Links are followed
    only inside the project (``root``, else the folder above ``folder``)."""
    found = walk(folder, folder.parent if root is None else root)
    return sorted(Path(shown) for shown, _ in found if shown.lower().endswith(IMAGES))


_skipped: dict[str, str] = {}  # a path left out of the inputs -> why
_OUT, _NOWHERE = "out of the project", "to nothing"
_SPECIAL = "not a regular file (a FIFO, socket or device)"


def walk(top: Path | str, root: Path | str) -> list[tuple[str, str]]:
    """Every file under ``top`` as (its path there, the real file to read), in name order,
    ``__pycache__`` left out. A symbolic link is followed only to a file or folder inside
    ``root`` (both resolved), each folder once; a link out of it, a dangling link and what is
    neither a regular file nor a folder (a FIFO, a device) are never opened: they are left
    out, and ``skipped`` lists them."""
    out: list[tuple[str, str]] = []
    _walk(os.fspath(top), os.path.realpath(root), set(), out)
    return out


def _walk(folder: str, inside: str, seen: set[str], out: list[tuple[str, str]]) -> None:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:  # not a folder, gone, unreadable: nothing to list
        return
    for entry in entries:
        path = entry.path
        if not entry.is_symlink():  # the kind the folder records: no system call
            if entry.is_dir(follow_symlinks=False):
                if entry.name != "__pycache__" and path not in seen:
                    seen.add(path)
                    _walk(path, inside, seen, out)
            elif entry.is_file(follow_symlinks=False):
                out.append((path, path))
            else:
                _skipped[path] = f"{_SPECIAL}: not read"
            continue
        target = os.path.realpath(path)
        try:
            st = os.stat(target) if _within(target, inside) else None
        except OSError:
            st = None
        if st is None:
            gone = not os.path.exists(target)
            _skipped[path] = f"a symbolic link {_NOWHERE if gone else _OUT}: not read"
        elif stat.S_ISDIR(st.st_mode):
            if _within(os.path.realpath(folder), target):
                _skipped[path] = "a symbolic link to a folder that holds it (a loop): not read"
            elif target not in seen:
                seen.add(target)  # a linked folder is walked once
                _walk(path, inside, seen, out)
        elif stat.S_ISREG(st.st_mode):
            out.append((path, target))
        else:
            _skipped[path] = f"{_SPECIAL}: not read"


def _within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(os.path.join(folder, ""))


def _readable(path: Path, root: Path) -> str | None:
    """The real file to read for an input the build names itself (a topic, a catalog, a theme
    file), or None if it is a link out of the project or not a regular file (recorded)."""
    name = os.fspath(path)
    target = os.path.realpath(name)
    inside = os.path.realpath(root)
    if not _within(target, inside):
        _skipped[name] = f"a symbolic link {_OUT}: not read"
        return None
    try:
        regular = stat.S_ISREG(os.stat(target).st_mode)
    except OSError:
        return target  # missing: its digest says so
    if not regular:
        _skipped[name] = f"{_SPECIAL}: not read"
        return None
    return target


def skipped(root: Path | None = None) -> list[str]:
    """What the walks of this process left out of the inputs under ``root``, one line each
    (``path: why``, the path from ``root``), for the build to report."""
    start = os.path.join(root, "") if root else ""
    return [
        f"{path[len(start) :]}: {why}"
        for path, why in sorted(_skipped.items())
        if path.startswith(start)
    ]


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
            name = _readable(p, self.root)
            out.append((shown, file_digest(name) if name else "not read"))
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
                Path(p)
                for p, _ in walk(t, self.root)
                if not p.startswith(
                    tuple(str(t / sub) + os.sep for sub in ("brands", "themes", "serve"))
                )  # a brand's and an edition's own files count for theirs; the front-desk
                # page's (templates/serve/) for no leaflet
            ]
            paths += [Path(p) for p, _ in walk(self.root / "fonts", self.root)]
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
            files = tuple(sorted(Path(p) for p, _ in walk(brand, self.root)))
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
            found = self._images[topic.parent] = tuple(topic_images(topic.parent, self.root))
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
        for path, target in walk(os.path.join(root, top), root):
            if not path.endswith((".mo", ".pyc")):
                entries.append(f"{path[skip:]}:{file_digest(target)}")
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
    tops = [(os.path.join(root, t), root) for t in STAMPED]
    for top, inside in (*tops, (os.fspath(PACKAGE_DIR), PACKAGE_DIR)):
        for path, target in walk(top, inside):
            if path.endswith((".mo", ".pyc")):
                continue
            try:
                st = os.stat(target)
            except OSError:  # removed meanwhile: the content decides
                return None
            last = max(st.st_mtime_ns, st.st_ctime_ns)
            coarse = st.st_mtime_ns % 10**9 == 0 and st.st_ctime_ns % 10**9 == 0
            if now - last <= (RACY_SECONDS if coarse else RACY_FINE_SECONDS) * 1e9:
                return None
            rows.append(
                f"{path}:{st.st_dev}:{st.st_ino}:{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}"
            )
    rows.append(repr(engine()))
    return sha256(
        "\n".join(rows).encode("utf-8", "surrogateescape")
    ).hexdigest()  # file names as bytes
