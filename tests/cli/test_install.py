"""A non-editable install on a clinic's own folder: the wheel -> a fresh venv -> `handoutgen
build` in a folder holding only topics, brands and locales (the engine's templates and fonts
come from the wheel), and `handoutgen check` refused in an empty folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from ..conftest import ROOT

# builds a wheel without build isolation (offline: the dev venv's setuptools, >= 77 for the
# SPDX licence string) and installs it with the dev venv's pip; about 15 s
pytestmark = pytest.mark.wheel

SOURCES = (
    "pyproject.toml",
    "setup.py",
    "README.md",
    "babel.cfg",
    "handoutgen",
    "templates",
    "fonts",
)


def _venv_with_wheel(tmp_path: Path) -> Path:
    """A fresh venv holding the built wheel (not the checkout), its dependencies read from the
    dev venv's site-packages (a path line: that folder's own .pth files, the editable
    install's among them, are not run)."""
    src = tmp_path / "src"
    src.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(ROOT / name, src / name)
    (src / "handouts").mkdir()
    for name in ("handout.schema.json", "neuromyotonia.yaml"):
        shutil.copy2(ROOT / "handouts" / name, src / "handouts" / name)
    wheels = tmp_path / "wheels"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run(
        [*pip, "wheel", str(src), "--no-deps", "--no-build-isolation", "-w", str(wheels)],
        check=True,
        timeout=120,
    )
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    Path(purelib, "dev-venv.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    [wheel] = wheels.glob("handoutgen-*.whl")
    subprocess.run(
        [*pip, "--python", str(python), "install", "--no-deps", str(wheel)], check=True, timeout=120
    )
    return venv


def _run(venv: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run(
        [venv / "bin" / "handoutgen", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_an_installed_wheel_builds_a_clinics_folder_and_refuses_an_empty_one(tmp_path: Path):
    venv = _venv_with_wheel(tmp_path)
    clinic = tmp_path / "clinic"
    shutil.copytree(ROOT / "handouts", clinic / "handouts")
    shutil.copytree(ROOT / "templates" / "brands", clinic / "templates" / "brands")
    shutil.copytree(ROOT / "locales", clinic / "locales")
    engine = subprocess.run(
        [venv / "bin" / "python", "-c", "import handoutgen.engine as e; print(e.engine_dir())"],
        cwd=clinic,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert engine.startswith(str(venv)) and engine.endswith("handoutgen/_engine"), engine

    (clinic / "sub").mkdir()  # found from a folder inside the project too
    built = _run(venv, clinic / "sub", "build", "neuromyotonia", "--out", str(clinic / "out"))
    assert built.returncode == 0, built.stdout + built.stderr
    pdf = clinic / "out" / "default" / "en" / "neuromyotonia.a4.pdf"
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert not (clinic / "templates" / "leaflet.xml.j2").exists()  # no copy of the engine made

    # a translator's next step in the clinic: the engine's template strings come from the wheel
    update = _run(venv, clinic, "i18n", "update", "de")
    assert update.returncode == 0, update.stdout + update.stderr
    assert (
        "#: templates/" in (clinic / "locales" / "de" / "LC_MESSAGES" / "handouts.po").read_text()
    )

    empty = tmp_path / "empty"
    empty.mkdir()
    refused = _run(venv, empty, "check")
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert "no handouts/ folder in" in refused.stderr and "Traceback" not in refused.stderr
    assert not refused.stdout.startswith("ok")
