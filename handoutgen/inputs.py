"""Fingerprints: a leaflet job's input files (content, catalogs, templates, brand, theme, fonts,
generator code) -> one hash, so an unchanged leaflet need not be built again."""

from __future__ import annotations

import hashlib
import json
from functools import cached_property
from pathlib import Path

from . import __version__

PACKAGE_DIR = Path(__file__).resolve().parent


class Fingerprints:
    """Hashes input files once per run and combines them per job."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._files: dict[Path, str] = {}

    def file(self, path: Path) -> str:
        if path not in self._files:
            try:
                self._files[path] = hashlib.sha256(path.read_bytes()).hexdigest()
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
        generator = hashlib.sha256()
        for source in sorted(PACKAGE_DIR.glob("*.py")):
            generator.update(source.read_bytes())
        try:
            from importlib.metadata import version

            engine = version("reportlab")
        except Exception:  # pragma: no cover - metadata missing in odd installs
            engine = "unknown"
        return [
            *self.files(paths),
            ("generator", f"{__version__}:{generator.hexdigest()}"),
            ("reportlab", engine),
        ]

    def job(
        self,
        topic: str,
        locale: str,
        locale_files: list[Path],
        brand: str,
        edition: str,
        paper: str,
    ) -> str:
        brand_dir = self.root / "templates" / "brands" / brand
        themes = self.root / "templates" / "themes"
        paths = [
            self.root / "handouts" / f"{topic}.yaml",
            *locale_files,
            *(p for p in brand_dir.rglob("*") if p.is_file()),
            themes / "default.yaml",
        ]
        if edition != "standard":
            paths.append(themes / f"{edition}.yaml")
        record = {
            "job": [topic, locale, brand, edition, paper],
            "files": self.files(paths),
            "shared": self.shared,
        }
        return hashlib.sha256(json.dumps(record, sort_keys=True).encode()).hexdigest()
