"""Atomic writes, temporaries, the output folder and the manifest (its lock and merge)."""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from handoutgen.errors import InputError
from handoutgen.write import (
    TEMPORARY,
    merge_manifests,
    prepare_output,
    read_manifest,
    remove_stale_temporaries,
    write_atomic,
    write_manifest,
)

from .conftest import ROOT


def test_write_atomic_replaces_and_leaves_no_temporary_files(tmp_path: Path):
    target = tmp_path / "a" / "leaflet.pdf"
    write_atomic(target, b"first")
    write_atomic(target, b"second")
    assert target.read_bytes() == b"second"
    assert os.listdir(target.parent) == ["leaflet.pdf"]


def test_a_failed_write_keeps_the_previous_good_file(tmp_path: Path, monkeypatch):
    target = tmp_path / "leaflet.pdf"
    write_atomic(target, b"good")

    def broken_fsync(fd: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(target, b"half")
    assert target.read_bytes() == b"good"
    assert os.listdir(tmp_path) == ["leaflet.pdf"]


def entry(topic: str, path: str | None, status: str = "built") -> dict:
    return {
        "topic": topic,
        "locale": "en",
        "brand": "b",
        "edition": "standard",
        "paper": "a4",
        "path": path,
        "pages": 3,
        "sha256": "x",
        "status": status,
        "warnings": [],
    }


def test_manifest_merges_with_the_leaflets_already_there(tmp_path: Path):
    (tmp_path / "one.pdf").write_bytes(b"1")
    write_manifest(tmp_path, [entry("one", "one.pdf"), entry("gone", "gone.pdf")], generator="g")
    (tmp_path / "two.pdf").write_bytes(b"2")
    write_manifest(tmp_path, [entry("two", "two.pdf")], generator="g")
    topics = [e["topic"] for e in read_manifest(tmp_path)]
    assert topics == ["one", "two"]  # "gone" has no file any more
    data = json.loads((tmp_path / "manifest.json").read_text())
    assert data["generator"] == "g"


def test_a_rebuilt_leaflet_replaces_its_entry(tmp_path: Path):
    (tmp_path / "one.pdf").write_bytes(b"1")
    write_manifest(tmp_path, [entry("one", "one.pdf")], generator="g")
    write_manifest(tmp_path, [entry("one", None, status="failed")], generator="g")
    assert [e["status"] for e in read_manifest(tmp_path)] == ["failed"]


def test_a_corrupt_manifest_is_replaced_not_fatal(tmp_path: Path):
    (tmp_path / "manifest.json").write_text("{not json")
    assert read_manifest(tmp_path) == []
    write_manifest(tmp_path, [entry("one", None, "skipped")], generator="g")
    assert len(read_manifest(tmp_path)) == 1


def test_a_users_tmp_files_are_never_removed(tmp_path: Path):
    """--out . must not remove anything this tool did not make: not a user's .*.tmp files,
    at any depth, nor the temporaries of an older version's naming."""
    mine = [".notes.tmp", "docs/.draft.tmp", "a/b/.x.tmp", "a/b/c/.deep.tmp", ".x.pdf.k2j3.tmp"]
    for name in mine:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("keep me")
    assert remove_stale_temporaries(tmp_path) == 0
    assert all((tmp_path / name).read_text() == "keep me" for name in mine)


def _holder(folder: Path) -> subprocess.Popen[str]:
    """A real process that starts writing a temporary in ``folder`` and stays busy."""
    code = (
        "import sys, time; from pathlib import Path; from handoutgen.write import _temporary\n"
        "fd, tmp = _temporary(Path(sys.argv[1]), 'leaflet.a4.pdf'); print(tmp, flush=True)\n"
        "time.sleep(60)"
    )
    return subprocess.Popen(
        [sys.executable, "-c", code, str(folder)], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )


def test_only_the_temporaries_of_dead_processes_are_removed(tmp_path: Path):
    folder = tmp_path / "default" / "en"
    folder.mkdir(parents=True)
    alive, killed = _holder(folder), _holder(folder)
    try:
        assert alive.stdout and killed.stdout
        live, dead = Path(alive.stdout.readline().strip()), Path(killed.stdout.readline().strip())
        assert live.name.startswith(TEMPORARY) and live.is_file() and dead.is_file()
        killed.kill()
        killed.wait()
        assert remove_stale_temporaries(tmp_path) == 1
        assert live.is_file() and not dead.exists()  # another run's file in flight is kept
    finally:
        alive.kill()
        alive.wait()
    assert remove_stale_temporaries(tmp_path) == 1 and not live.exists()


def test_a_cleaner_running_meanwhile_never_breaks_a_write(tmp_path: Path):
    stop = threading.Event()

    def clean() -> None:
        while not stop.is_set():
            remove_stale_temporaries(tmp_path)

    cleaner = threading.Thread(target=clean)
    cleaner.start()
    try:
        for i in range(300):
            write_atomic(tmp_path / "default" / "en" / f"{i}.pdf", b"x" * 1000)
    finally:
        stop.set()
        cleaner.join()
    assert len(list((tmp_path / "default" / "en").glob("*.pdf"))) == 300


def test_a_temporary_name_fits_wherever_the_final_name_fits(tmp_path: Path):
    target = tmp_path / ("a" * 240 + ".large.pdf")  # 250 characters: NAME_MAX is 255
    write_atomic(target, b"pdf")
    assert target.read_bytes() == b"pdf" and os.listdir(tmp_path) == [target.name]


def _add_entries(out: Path, worker: int, count: int) -> None:
    for i in range(count):
        write_manifest(out, [entry(f"t{worker}-{i}", None, "skipped")], generator="g")


def test_manifest_writers_in_parallel_processes_keep_every_entry(tmp_path: Path):
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_add_entries, args=(tmp_path, w, 15)) for w in range(6)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
        assert w.exitcode == 0
    assert len(read_manifest(tmp_path)) == 6 * 15


def test_an_output_folder_that_cannot_be_used_is_named_with_why(tmp_path: Path):
    dangling = tmp_path / "out"
    dangling.symlink_to(tmp_path / "gone")
    with pytest.raises(InputError, match=r"out: --out: a symbolic link to .*gone, which does not"):
        prepare_output(dangling)
    (tmp_path / "file").write_text("x")
    with pytest.raises(InputError, match="file: --out: not a folder"):
        prepare_output(tmp_path / "file")
    with pytest.raises(InputError, match="cannot make the folder: Not a directory"):
        prepare_output(tmp_path / "file" / "sub")
    prepare_output(tmp_path / "new" / "out")
    assert (tmp_path / "new" / "out").is_dir()


def _shard(out: Path, i: int, body: str) -> Path:
    path = out / f"manifest.shard-{i}-of-4.json"
    path.write_text(body)
    return path


def test_merge_names_every_shard_it_cannot_read_and_keeps_it(tmp_path: Path):
    good = json.dumps({"leaflets": [entry("one", None, "skipped")]})
    _shard(tmp_path, 1, good)
    bad = _shard(tmp_path, 2, '{"leaflets": [')
    (tmp_path / "manifest.shard-3-of-4.json").mkdir()
    odd = _shard(tmp_path, 4, json.dumps({"leaflets": [{"topic": 1}]}))
    path, merged, problems = merge_manifests(tmp_path, generator="g")
    assert path == tmp_path / "manifest.json"
    text = "\n".join(map(str, problems))
    assert f"{bad}: not a manifest: invalid JSON" in text
    assert "manifest.shard-3-of-4.json: a folder, not a shard manifest" in text
    assert f"{odd}: not a manifest: leaflets[0] is not a leaflet entry" in text
    # a set is merged only whole, so that merging again after the rerun merges all of it
    assert "the shards of 4 are kept, not merged" in text and len(problems) == 4
    assert merged == 0 and bad.is_file() and odd.is_file()
    assert (tmp_path / "manifest.shard-1-of-4.json").is_file() and not path.exists()
    for i in (2, 4):
        _shard(tmp_path, i, good.replace("one", f"slice {i}"))
    (tmp_path / "manifest.shard-3-of-4.json").rmdir()
    _shard(tmp_path, 3, good.replace("one", "slice 3"))
    assert merge_manifests(tmp_path, generator="g")[1:] == (4, [])
    assert [e["topic"] for e in read_manifest(tmp_path)] == ["one", "slice 2", "slice 3", "slice 4"]
