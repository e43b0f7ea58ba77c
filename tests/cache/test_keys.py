"""The key recipe: files by content (an edit that keeps size and time is seen), the engine's
libraries by version, the package's code by content."""

from __future__ import annotations

import os
import re
import shutil
import time
from importlib.metadata import distribution
from pathlib import Path

from handoutgen.cache import keys


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def test_the_engine_lists_every_runtime_requirement():
    """Adding a dependency without adding it to ENGINE fails here: its version must be in
    every key, or an upgrade would leave leaflets 'up to date' that print otherwise."""
    required = {
        _normal(re.split(r"[<>=!~; \[]", r, maxsplit=1)[0])
        for r in distribution("handoutgen").requires or []
        if "extra ==" not in r
    }
    keyed = set(keys.ENGINE) | set(keys.MEASURING_ONLY)
    assert required <= keyed, sorted(required - keyed)
    package = Path(keys.__file__).resolve().parent.parent
    importing = {
        path.relative_to(package).parts[0]
        for path in package.rglob("*.py")
        for name in keys.MEASURING_ONLY
        if re.search(rf"^\s*(from|import) {name}\b", path.read_text(encoding="utf-8"), re.M)
    }
    assert importing == {"lint"}, importing  # measured text only, never a leaflet's bytes
    versions = dict(keys.engine())
    assert versions["reportlab"] == "5.1.0"
    assert all(versions[name] != "absent" for name in required & set(keys.ENGINE))
    assert versions["python"] and versions["zlib"]


def test_a_file_digest_is_of_its_bytes_even_when_size_and_time_are_restored(tmp_path: Path):
    path = tmp_path / "f.txt"
    path.write_text("alpha", encoding="utf-8")
    old = time.time_ns() - 10 * 10**9
    os.utime(path, ns=(old, old))
    first = keys.file_digest(path)
    assert first == keys.hash_file(str(path))
    path.write_text("ALPHA", encoding="utf-8")  # same size
    os.utime(path, ns=(old, old))  # and the old time, as touch -r does
    assert keys.file_digest(path) != first
    assert keys.file_digest(tmp_path / "absent") == "missing"


def test_a_digest_taken_right_after_a_change_is_not_remembered(tmp_path: Path, monkeypatch):
    path = tmp_path / "new.txt"
    path.write_text("one", encoding="utf-8")
    monkeypatch.setattr(keys, "RACY_FINE_SECONDS", 5.0)  # a slow clock tick
    keys.file_digest(path)
    assert keys._digests.get(str(path)) is None  # racy: changed just now
    old = time.time_ns() - 10 * 10**9
    os.utime(path, ns=(old, old))  # the change time is now, whatever the times set
    keys.file_digest(path)
    assert keys._digests.get(str(path)) is None
    monkeypatch.setattr(keys, "RACY_FINE_SECONDS", 0.0)  # as if the tick had gone by
    keys.file_digest(path)
    assert keys._digests.get(str(path)) is not None


def test_remembered_digests_survive_the_process_only_for_unchanged_files(
    tmp_path: Path, monkeypatch
):
    monkeypatch.setattr(keys, "RACY_FINE_SECONDS", 0.0)
    path = tmp_path / "kept.txt"
    path.write_text("kept", encoding="utf-8")
    old = time.time_ns() - 10 * 10**9
    os.utime(path, ns=(old, old))
    digest = keys.file_digest(path)
    index = tmp_path / "index.json"
    keys.save_index(index, tmp_path)
    keys._digests.clear()
    keys.load_index(index)
    assert keys._digests.get(str(path))[1] == digest
    time.sleep(0.02)  # past the file system's clock tick
    path.write_text("KEPT", encoding="utf-8")  # the inode's change time moves on
    os.utime(path, ns=(old, old))
    assert keys.file_digest(path) != digest


def test_the_code_digest_changes_with_any_module(tmp_path, monkeypatch):
    package = tmp_path / "handoutgen"
    shutil.copytree(keys.PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(keys, "PACKAGE_DIR", package)
    before = keys.code_digest()
    (package / "blocks" / "table.py").write_text("# a changed rule\n", encoding="utf-8")
    keys._code.clear()  # the code a process runs does not change under it: kept per process
    assert keys.code_digest() != before  # a module in a subpackage counts too
