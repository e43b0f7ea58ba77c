"""Fingerprints: a leaflet job's input files (content, catalogs, templates, brand, theme, fonts,
generator code) -> one hash, so an unchanged leaflet need not be built again."""

from __future__ import annotations

import json
from functools import cache, cached_property
from pathlib import Path

from . import __version__

try:  # hashlib's own SHA-256, without loading OpenSSL: 3 ms of every no-op rebuild
    from _sha256 import sha256  # CPython 3.11
except ImportError:  # pragma: no cover - other versions and interpreters
    try:
        from _sha2 import sha256  # CPython 3.12+
    except ImportError:
        from hashlib import sha256

PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def code_digest() -> str:
    """One hash of the generator's own code (every module of the package), once a process."""
    generator = sha256()
    for source in sorted(PACKAGE_DIR.glob("*.py")):
        generator.update(source.read_bytes())
    return generator.hexdigest()


class Fingerprints:
    """Hashes input files once per run and combines them per job."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._files: dict[Path, str] = {}

    def file(self, path: Path) -> str:
        if path not in self._files:
            try:  # streamed: a large catalog or font never sits in memory whole
                with path.open("rb") as fh:
                    import hashlib  # for file_digest; not on the no-op path

                    self._files[path] = hashlib.file_digest(fh, "sha256").hexdigest()
            except OSError:
                self._files[path] = "missing"
        return self._files[path]

    def files(self, paths: list[Path]) -> list[tuple[str, str]]:
        return [
            (
                p.relative_to(self.root).as_posix()
                if p.is_relative_to(self.root)
                else p.as_posix(),
                self.file(p),
            )
            for p in sorted(set(paths))
        ]

    @cached_property
    def shared(self) -> list[tuple[str, str]]:
        """Inputs every leaflet depends on: shared templates and data, fonts, the generator."""
        t = self.root / "templates"
        paths = [
            p
            for p in t.rglob("*")
            if p.is_file() and (t / "brands") not in p.parents and (t / "themes") not in p.parents
        ]
        paths += list((self.root / "fonts").glob("*"))
        paths += list((self.root / "handouts").glob("*.json"))
        paths += [self.root / "locales" / "plural-forms.yaml"]
        # ReportLab's own version string: importlib.metadata costs 20 ms to import
        import reportlab

        engine = str(getattr(reportlab, "Version", "unknown"))
        return [
            *self.files(paths),
            ("generator", f"{__version__}:{code_digest()}"),
            ("reportlab", engine),
        ]

    @cache  # noqa: B019 - one Fingerprints per run; the cache dies with it
    def _group(self, kind: str, key: str, paths: tuple[Path, ...]) -> str:
        """One hash for a group of inputs (a topic, a locale's catalogs, a brand, a theme)."""
        listed = json.dumps([kind, key, self.files(list(paths))])
        return sha256(listed.encode()).hexdigest()

    @cache  # noqa: B019 - one Fingerprints per run; the cache dies with it
    def _brand_files(self, brand_dir: Path) -> tuple[Path, ...]:
        return tuple(sorted(p for p in brand_dir.rglob("*") if p.is_file()))

    @cached_property
    def _shared_hash(self) -> str:
        return sha256(json.dumps(self.shared).encode()).hexdigest()

    def job(
        self,
        topic: str,
        locale: str,
        locale_files: list[Path],
        brand: str,
        edition: str,
        paper: str,
    ) -> str:
        """The fingerprint of one leaflet: its own inputs and everything shared."""
        brand_dir = self.root / "templates" / "brands" / brand
        themes = self.root / "templates" / "themes"
        theme_files = [themes / "default.yaml"]
        if edition != "standard":
            theme_files.append(themes / f"{edition}.yaml")
        brand_files = self._brand_files(brand_dir)
        parts = [
            topic,
            locale,
            brand,
            edition,
            paper,
            self._shared_hash,
            self._group("topic", topic, (self.root / "handouts" / f"{topic}.yaml",)),
            self._group("locale", locale, tuple(locale_files)),
            self._group("brand", brand, brand_files),
            self._group("edition", edition, tuple(theme_files)),
        ]
        return sha256("\n".join(parts).encode()).hexdigest()


STAMPED = ("handouts", "templates", "locales", "fonts", "handoutgen")


def quick_stamp(root: Path, selection: object) -> str:
    """A cheap stamp of a whole build: the selection and the size and modification time of
    every input file. Equal stamps mean nothing changed since a run that succeeded, so a
    no-op rebuild can answer from the manifest without loading anything. Any change falls
    back to the full check by content hashes."""
    import os

    entries = [repr(selection), __version__]
    for top in STAMPED:
        for folder, dirs, files in os.walk(root / top):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(files):
                if name.endswith((".mo", ".pyc")):
                    continue
                st = os.stat(os.path.join(folder, name))
                entries.append(f"{folder}/{name}:{st.st_size}:{st.st_mtime_ns}")
    return sha256("\n".join(entries).encode()).hexdigest()
