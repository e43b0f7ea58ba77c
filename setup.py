"""Wheel build step: the engine's top-level templates/ and fonts/ (and the example topic and
its schema) -> package data under handoutgen/_engine/, so a non-editable install has them.

The folders stay at the repository's top level (the design fixes their names); setuptools
data-files land outside the package where nothing finds them reliably, so build_py copies
them into the built package instead. handoutgen.engine.engine_dir() is the one reader.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
SHIPPED = "_engine"  # handoutgen.engine.SHIPPED
FOLDERS = ("templates", "fonts")
FILES = (
    "handouts/handout.schema.json",  # topics are validated against it
    "handouts/neuromyotonia.yaml",  # `new topic` copies it
    "babel.cfg",  # `i18n extract`/`update` in a clinic's folder: which files hold strings
)
LEFT_OUT = ("*.pyc", "__pycache__", "build_fonts.py")  # tools, not the engine's data


class BuildWithEngine(build_py):
    """build_py, then the engine's folders copied into the built package (not in an editable
    install: there engine_dir() reads the checkout's own folders)."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "handoutgen" / SHIPPED
        shutil.rmtree(target, ignore_errors=True)
        for name in FOLDERS:
            shutil.copytree(HERE / name, target / name, ignore=shutil.ignore_patterns(*LEFT_OUT))
        for name in FILES:
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(HERE / name, target / name)


setup(cmdclass={"build_py": BuildWithEngine})
