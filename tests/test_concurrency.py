"""Several runs of generate.py into one output folder at once (the README's parallel shards,
single-leaflet builds side by side), a killed run's workers, and real full and read-only
disks. Real processes throughout."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from handoutgen.project import Project
from handoutgen.write import TEMPORARY

from .conftest import ROOT, copy_project
from .test_workers import _alive, children_of


@pytest.fixture(scope="module")
def copy(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """A copy of the project, with the real one's caches (keyed by content, so valid here)."""
    project = copy_project(tmp_path_factory.mktemp("concurrency") / "project")
    if (ROOT / ".cache").is_dir():
        shutil.copytree(ROOT / ".cache", project.root / ".cache")
    return project


def generate(project: Project, *args: str) -> subprocess.Popen[str]:
    command = [sys.executable, str(ROOT / "generate.py"), "--root", str(project.root), *args]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(processes: list[subprocess.Popen[str]]) -> list[tuple[int, str, str]]:
    results = []
    for p in processes:
        stdout, stderr = p.communicate(timeout=300)
        results.append((p.returncode, stdout, stderr))
    return results


def assert_whole(out: Path, count: int) -> None:
    """``count`` entries, each built leaflet whole and as recorded, no temporary left."""
    entries = json.loads((out / "manifest.json").read_text())["leaflets"]
    assert len(entries) == count
    for e in entries:
        assert e["status"] == "built", e
        data = (out / e["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == e["sha256"] and len(data) == e["size"]
        assert len(PdfReader(out / e["path"]).pages) == e["pages"]
    assert len(list(out.rglob("*.pdf"))) == count
    assert not [p for p in out.rglob("*") if p.name.startswith(TEMPORARY)]


def test_four_shards_at_once_then_merge(copy: Project, tmp_path: Path):
    out = tmp_path / "out"
    selection = ["neuromyotonia", "--locale", "en,es,de,tr", "--brand", "*", "--paper", "a4,a5"]
    for extra in ([], ["--force"]):  # a first build, then every leaflet replaced
        shards = [
            generate(
                copy, "build", *selection, *extra, "--shard", f"{i}/4", "-j", "2", "--out", str(out)
            )
            for i in range(1, 5)
        ]
        for code, stdout, stderr in finish(shards):
            assert code == 0 and "Traceback" not in stderr, stdout + stderr
            assert "4 leaflet(s): 4 built" in stdout
        [(code, stdout, stderr)] = finish([generate(copy, "manifest", "merge", str(out))])
        assert code == 0 and "merged 4 shard manifest(s)" in stdout, stderr
        assert_whole(out, 16)
        assert not list(out.glob("manifest.shard-*"))


def test_single_leaflet_builds_at_once_keep_every_entry(copy: Project, tmp_path: Path):
    out = tmp_path / "out"
    leaflets = [(loc, brand) for loc in ("en", "es", "de", "tr", "ar") for brand in ("*",)]
    runs = [
        generate(
            copy,
            "build",
            "neuromyotonia",
            "--locale",
            loc,
            "--brand",
            b,
            "-j",
            "1",
            "--out",
            str(out),
        )
        for loc, b in leaflets
    ] + [
        generate(
            copy,
            "build",
            "neuromyotonia",
            "--locale",
            loc,
            "--paper",
            "a5",
            "-j",
            "1",
            "--out",
            str(out),
        )
        for loc in ("en", "es", "de")
    ]
    for code, stdout, stderr in finish(runs):
        assert code == 0 and "Traceback" not in stderr, stdout + stderr
    assert_whole(out, 13)


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads /proc")
def test_kill_9_of_a_build_ends_its_workers_and_its_log(copy: Project, tmp_path: Path):
    out = tmp_path / "out"
    every = ("--locale", "*", "--brand", "*", "--edition", "*", "--paper", "a4,letter")
    build = generate(copy, "build", *every, "-j", "2", "--force", "--out", str(out))
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (len(workers) == 2 and list(out.rglob("*.pdf"))):
            workers = children_of(build.pid)
            time.sleep(0.02)
        assert len(workers) == 2, "the workers never started"
        build.send_signal(signal.SIGKILL)
        build.communicate(timeout=15)  # EOF: nothing holds the log pipe any more
        deadline = time.monotonic() + 10
        while any(map(_alive, workers)) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not any(map(_alive, workers))
    finally:
        build.kill()
        for pid in workers:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
    # a later run clears the dead run's temporaries, keeps its PDFs and resumes
    [(code, _, stderr)] = finish([generate(copy, "build", "--locale", "en", "--out", str(out))])
    assert code == 0, stderr
    assert not [p for p in out.rglob("*") if p.name.startswith(TEMPORARY)]
    for pdf in out.rglob("*.pdf"):
        assert PdfReader(pdf).pages


def _in_a_mount(disk: Path, options: str, script: str) -> subprocess.CompletedProcess[str]:
    """Run ``script`` (sh) with a tmpfs mounted at ``disk``, in a mount namespace of its own
    (gone when it ends); skip where this process may not mount."""
    if not shutil.which("unshare"):
        pytest.skip("no unshare")
    probe = subprocess.run(
        ["unshare", "-m", "sh", "-c", f"mount -t tmpfs -o size=64k tmpfs '{disk}'"],
        capture_output=True,
    )
    if probe.returncode != 0:
        pytest.skip("may not mount a file system here")
    return subprocess.run(
        ["unshare", "-m", "sh", "-c", f"mount -t tmpfs -o {options} tmpfs '{disk}' && {script}"],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_real_full_disk(copy: Project, tmp_path: Path):
    disk, after = tmp_path / "disk", tmp_path / "after"
    disk.mkdir()
    build = (
        f"'{sys.executable}' '{ROOT / 'generate.py'}' --root '{copy.root}' build neuromyotonia "
        f"--locale en,es,de,tr,ar,he -j 1 --out '{disk}'; echo \"exit $?\"; "
        f"cp -a '{disk}' '{after}'"
    )
    result = _in_a_mount(disk, "size=160k", build)
    assert "exit 1" in result.stdout and "Traceback" not in result.stderr, result.stderr
    assert "6 leaflet(s): " in result.stdout  # every leaflet tried
    assert "No space left on device" in result.stderr
    built = [p for p in after.rglob("*.pdf")]
    assert 0 < len(built) < 6
    for pdf in built:
        assert PdfReader(pdf).pages
    if (after / "manifest.json").exists():
        for e in json.loads((after / "manifest.json").read_text())["leaflets"]:
            if e["status"] == "built":
                data = (after / e["path"]).read_bytes()
                assert hashlib.sha256(data).hexdigest() == e["sha256"]
    else:
        assert "cannot save the manifest: No space left on device" in result.stderr
    assert not [p for p in after.rglob("*") if p.name.startswith(TEMPORARY)]


def test_a_real_read_only_out(copy: Project, tmp_path: Path):
    disk = tmp_path / "disk"
    disk.mkdir()
    build = (
        f"'{sys.executable}' '{ROOT / 'generate.py'}' --root '{copy.root}' build --locale en "
        f"--out '{disk}/new'; echo \"exit $?\"; '{sys.executable}' '{ROOT / 'generate.py'}' "
        f"--root '{copy.root}' build --locale en --out '{disk}'; echo \"exit $?\""
    )
    result = _in_a_mount(disk, "ro", build)
    assert result.stdout.count("exit 1") == 2 and "Traceback" not in result.stderr
    assert f"{disk}/new: --out: cannot make the folder: Read-only file system" in result.stderr
    assert f"{disk}: --out: cannot write in it: Read-only file system" in result.stderr
