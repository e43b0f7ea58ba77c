"""The three stale results issue 10 reproduced: a skip or a cache that answers from something
other than the content of its inputs. Each test failed on 2c93356."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from handoutgen.cli import main
from handoutgen.errors import InputError
from handoutgen.project import Project

from ..conftest import ROOT

TOPIC = "neuromyotonia"


def _build(root: Path, out: Path, *extra: str) -> list[dict]:
    code = main(["--root", str(root), "build", TOPIC, "--jobs", "1", "--out", str(out), *extra])
    assert code == 0
    name = "manifest.shard-1-of-1.json" if "--shard" in extra else "manifest.json"
    return json.loads((out / name).read_text())["leaflets"]


def _same_size_edit(path: Path, old: str, new: str) -> None:
    """Replace ``old`` by ``new`` (same length) and give the file back its old times, as
    ``touch -r``, ``cp -p``, ``rsync -t`` and tar do."""
    assert len(old.encode()) == len(new.encode())
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)


def test_an_edit_that_keeps_size_and_mtime_is_rebuilt(scratch: Project, tmp_path: Path, capsys):
    out = tmp_path / "out"
    [first] = _build(scratch.root, out)
    _same_size_edit(scratch.handouts_dir / f"{TOPIC}.yaml", "muscles", "MUSCLES")
    capsys.readouterr()
    [second] = _build(scratch.root, out)
    assert "1 built" in capsys.readouterr().out
    assert second["sha256"] != first["sha256"]
    # and the bytes are those of a build from nothing
    [fresh] = _build(scratch.root, tmp_path / "fresh", "--force")
    assert fresh["sha256"] == second["sha256"]


def _fake_version(site: Path, distribution: str, version: str) -> None:
    """A distribution's metadata folder claiming another version, first on the path."""
    info = site / f"{distribution}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {distribution}\nVersion: {version}\n", encoding="utf-8"
    )


@pytest.mark.parametrize("distribution", ["pyphen", "babel", "jinja2", "python_bidi"])
def test_another_library_version_rebuilds_on_both_paths(
    scratch: Project, tmp_path: Path, monkeypatch, capsys, distribution: str
):
    """The quick no-op path (a whole build) and the fingerprint path (``--shard 1/1``, each
    leaflet) see the same inputs: a library's version is one of them on both."""
    paths = {"quick": (tmp_path / "quick", ()), "shard": (tmp_path / "shard", SHARD)}

    def built(path: str) -> str:
        capsys.readouterr()
        out, extra = paths[path]
        _build(scratch.root, out, *extra)
        return capsys.readouterr().out

    for path in paths:
        built(path)
    site = tmp_path / "site"
    _fake_version(site, distribution, "99.0")
    monkeypatch.syspath_prepend(str(site))
    for path in paths:
        assert "1 built" in built(path), path
    monkeypatch.undo()  # and back to the installed one
    for path in paths:
        assert "1 built" in built(path), path
    for path in paths:
        assert "1 up to date" in built(path), path


SHARD = ("--shard", "1/1")


def test_a_schema_change_is_seen_by_the_same_process_and_the_next(scratch: Project):
    assert Project(scratch.root).handout(TOPIC).code == "NEU-001"
    schema_path = scratch.handout_schema
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    schema["properties"]["code"]["pattern"] = "^X-[0-9]+$"  # now rejects NEU-001
    schema_path.write_text(json.dumps(schema, indent=2), encoding="utf-8")
    with pytest.raises(InputError, match="code"):
        Project(scratch.root).handout(TOPIC)
    done = subprocess.run(
        [sys.executable, str(ROOT / "generate.py"), "--root", str(scratch.root), "check"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stdout
    assert "code" in done.stderr


def test_the_quick_identity_stands_for_contents_and_steps_aside_for_fresh_files(
    scratch: Project, monkeypatch
):
    from handoutgen.cache import inputs, keys

    root = scratch.root
    monkeypatch.setattr(keys, "RACY_FINE_SECONDS", 3600.0)  # every file is "just changed"
    assert inputs.identity(root, "selection") is None  # cannot vouch: the content decides
    monkeypatch.setattr(keys, "RACY_FINE_SECONDS", 0.0)
    first = inputs.identity(root, "selection")
    assert first is not None and inputs.identity(root, "selection") == first
    assert inputs.identity(root, "another selection") != first
    content = inputs.stamp(root, "selection")
    topic = scratch.handouts_dir / f"{TOPIC}.yaml"
    os.utime(topic)  # touched: a new identity, the same content
    assert inputs.identity(root, "selection") != first
    assert inputs.stamp(root, "selection") == content
