"""Atomic writes and the manifest."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from handoutgen.write import read_manifest, write_atomic, write_manifest


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
