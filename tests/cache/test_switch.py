"""The switch: with caches off (``--no-cache``, ``HANDOUTGEN_NO_CACHE=1``) nothing is kept or
read, ReportLab's own classes draw, and every shipped leaflet comes out byte for byte the same;
an unpinned ReportLab takes that plain path, with one warning."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import reportlab

from handoutgen import cache, rl
from handoutgen.build import build_one
from handoutgen.cli import main
from handoutgen.project import Project


@pytest.fixture
def caches_off():
    cache.set_enabled(False)
    try:
        yield
    finally:
        cache.set_enabled(True)


SLICES = 4  # the cold builds, in slices that pytest-xdist spreads over its workers


@pytest.mark.parametrize("part", range(SLICES))
def test_every_shipped_leaflet_is_the_same_bytes_with_caches_off(
    project: Project, every_leaflet, part: int
):
    jobs = list(every_leaflet)
    assert len(jobs) >= 80
    warm = {str(job): hashlib.sha256(every_leaflet[job][0].pdf).hexdigest() for job in jobs}
    mine = jobs[part::SLICES]
    cache.set_enabled(False)
    try:
        assert not rl.fast()
        cold, fresh = {}, Project(project.root)
        for job in reversed(mine):
            rendered, outcome = build_one(fresh, job)
            assert rendered is not None, (job, outcome.reason)
            cold[str(job)] = hashlib.sha256(rendered.pdf).hexdigest()
    finally:
        cache.set_enabled(True)
    assert cold == {str(job): warm[str(job)] for job in mine}


def test_caches_off_keep_nothing_and_read_nothing(scratch: Project, tmp_path: Path, caches_off):
    out = tmp_path / "out"
    assert main(["--root", str(scratch.root), "build", "--locale", "de", "--out", str(out)]) == 0
    assert not (scratch.root / ".cache").exists()
    assert all(len(table) == 0 for table in cache.tables())
    # and nothing is skipped: every leaflet is built again
    assert main(["--root", str(scratch.root), "build", "--locale", "de", "--out", str(out)]) == 0
    entries = json.loads((out / "manifest.json").read_text())["leaflets"]
    assert [e["status"] for e in entries] == ["built", "built"]  # one per topic


@pytest.mark.parametrize("where", ["before the command", "after it", "environment"])
def test_the_command_line_switch_and_the_environment_variable(
    scratch: Project, tmp_path: Path, monkeypatch, where: str
):
    args = ["--root", str(scratch.root), "build", "--out", str(tmp_path / "out")]
    if where == "before the command":
        args.insert(0, "--no-cache")
    elif where == "after it":
        args.append("--no-cache")
    else:
        monkeypatch.setenv(cache.ENV, "1")
        monkeypatch.setattr(cache, "_enabled", cache._from_env())
    try:
        assert main(args) == 0
        assert not cache.enabled() and not rl.fast()
        assert not (scratch.root / ".cache").exists()
    finally:
        cache.set_enabled(True)


def test_an_unpinned_reportlab_builds_on_the_plain_path_with_one_warning(
    scratch: Project, tmp_path: Path, monkeypatch, capsys
):
    pinned = tmp_path / "pinned"
    assert main(["--root", str(scratch.root), "build", "--locale", "ar", "--out", str(pinned)]) == 0
    capsys.readouterr()
    monkeypatch.setattr(reportlab, "Version", "5.2.0")
    assert not rl.fast() and cache.enabled()  # caches stay on; the fast paths do not run
    other = tmp_path / "other"
    args = ["--root", str(scratch.root), "build", "--locale", "ar,en", "--out", str(other)]
    assert main([*args, "--jobs", "1"]) == 0
    err = capsys.readouterr().err
    assert err.count("warning: ReportLab 5.2.0 is installed, not 5.1.0") == 1
    path = "default/ar/neuromyotonia.a4.pdf"
    assert (other / path).read_bytes() == (pinned / path).read_bytes()


def test_memo_tables_forget_the_least_used_or_everything_when_full(caches_off):
    cache.set_enabled(True)
    lru, flushed = cache.memo("lru", kept=2), cache.memo("flushed", kept=2, flush=True)
    for table in (lru, flushed):
        table.put("a", 1)
        table.put("b", 2)
        assert table.get("a") == 1  # "a" is now the most recently used
        table.put("c", 3)
    assert (lru.get("a"), lru.get("b"), lru.get("c")) == (1, None, 3)
    assert (flushed.get("a"), flushed.get("b"), flushed.get("c")) == (None, None, 3)
    cache.set_enabled(False)  # off: nothing found, nothing kept, and what was kept dropped
    assert lru.get("c") is None and lru.put("d", 4) == 4 and len(lru) == 0
