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


# --- the walk: links only inside the project, regular files only, never a hang -------------------


class _Waited(Exception):  # not an OSError: hashing a file swallows those
    pass


@pytest.fixture
def no_hang():
    """Fail a test that would block (opening a FIFO, reading /dev/zero) instead of waiting."""
    import signal

    def waited(*_: object) -> None:
        raise _Waited("an input walk blocked")

    before = signal.signal(signal.SIGALRM, waited)
    signal.setitimer(signal.ITIMER_REAL, 20, 1)  # again every second, should one be swallowed
    yield
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, before)


def _job(prints, project: Project) -> str:
    from handoutgen.i18n.catalog import catalog_files

    return prints.job(
        {"locale": "es", "brand": "default"},
        topic=project.handouts_dir / f"{TOPIC}.yaml",
        catalogs=catalog_files(project.locales_dir, "es"),
        brand=project.brands_dir / "default",
        themes=project.theme_files("standard"),
    )


def _fingerprints(project: Project) -> tuple[str, str | None, str]:
    from handoutgen.cache import inputs, keys

    keys._digests.clear()  # hash again: what each file holds now
    return (
        inputs.stamp(project.root, "selection"),
        inputs.identity(project.root, "selection"),
        _job(inputs.Inputs(project.root), project),
    )


def test_a_fifo_or_a_link_to_a_device_in_the_project_never_blocks_the_fingerprint(
    scratch: Project, no_hang
):
    from handoutgen.cache import inputs

    os.mkfifo(scratch.fonts_dir / "fifo.ttf")
    os.symlink("/dev/zero", scratch.fonts_dir / "zero.ttf")
    os.mkfifo(scratch.brands_dir / "default" / "fifo")
    stamp, _, job = _fingerprints(scratch)
    assert stamp and job
    assert inputs.Inputs(scratch.root).shared()
    left_out = inputs.skipped(scratch.root)
    assert "fonts/fifo.ttf: not a regular file (a FIFO, socket or device): not read" in left_out
    assert "fonts/zero.ttf: a symbolic link out of the project: not read" in left_out
    assert any(line.startswith("templates/brands/default/fifo: not a") for line in left_out)


def test_a_file_outside_the_project_is_never_an_input_even_through_a_link(
    scratch: Project, tmp_path: Path, monkeypatch
):
    """A link to /etc/shadow was opened and hashed; now the content out there is never read."""
    from handoutgen.cache import keys

    monkeypatch.setattr(keys, "RACY_FINE_SECONDS", 0.0)
    secret = tmp_path / "secret"
    secret.write_text("first secret")
    os.symlink(secret, scratch.brands_dir / "default" / "shadow")
    os.symlink(secret, scratch.templates_dir / "standard" / "shadow.xml.j2")
    po = scratch.locales_dir / "es" / "LC_MESSAGES" / "handouts.po"
    po.rename(tmp_path / "es.po")
    os.symlink(tmp_path / "es.po", po)
    read: list[str] = []
    hash_file = keys.hash_file
    monkeypatch.setattr(keys, "hash_file", lambda name: read.append(name) or hash_file(name))
    before = _fingerprints(scratch)
    secret.write_text("other secret")
    (tmp_path / "es.po").write_text("changed out there")
    assert _fingerprints(scratch) == before
    assert not [name for name in read if not name.startswith(str(scratch.root))]


def test_a_link_inside_the_project_to_a_file_inside_it_is_followed(scratch: Project, monkeypatch):
    from handoutgen.cache import keys

    monkeypatch.setattr(keys, "RACY_FINE_SECONDS", 0.0)
    shared = scratch.templates_dir / "standard" / "disclaimer.xml.j2"
    os.symlink("../../standard", scratch.brands_dir / "default" / "standard")
    os.symlink(scratch.brands_dir / "default", scratch.brands_dir / "default" / "loop")
    before = _fingerprints(scratch)
    shared.write_text(shared.read_text() + "\n")
    after = _fingerprints(scratch)
    assert all(b != a for b, a in zip(before, after, strict=True))


def test_a_dangling_link_never_stops_a_build_and_every_left_out_file_is_reported(
    scratch: Project, tmp_path: Path, capsys, no_hang
):
    for folder in ("handouts", "templates", "templates/brands/default", "locales", "fonts"):
        os.symlink(tmp_path / "nowhere", scratch.root / folder / "dangling.png")
    os.mkfifo(scratch.fonts_dir / "fifo.ttf")
    out = tmp_path / "out"
    for _ in range(2):  # built, then answered as unchanged: reported both times
        _build(scratch.root, out)
        said = capsys.readouterr().err
        assert "warning: fonts/fifo.ttf: not a regular file" in said
        for folder in ("handouts", "templates", "locales", "fonts"):
            assert f"warning: {folder}/dangling.png: a symbolic link to nothing" in said
