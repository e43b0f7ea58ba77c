"""What a project's ``.cache/`` holds can neither run code nor stand in for a source: a pickle,
marshalled code or compiled catalog put there (planted in a checkout, restored from a CI cache
shared with other branches) is never loaded; a compiled catalog that does not verify is
compiled again from its PO file."""

from __future__ import annotations

import marshal
import pickle
from pathlib import Path

import polib

from handoutgen.cli import main
from handoutgen.i18n import catalog as catalogs
from handoutgen.i18n.catalog import load_catalog
from handoutgen.project import Project
from handoutgen.schema import _validators

TROUBLE = ("neuromyotonia/when-to-get-help/emergency/emergency-signs", "Trouble breathing.")
SPANISH = "Dificultad para respirar."


class _Runs:
    """A pickle that runs code when it is loaded: it writes a file."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        import pathlib

        return (pathlib.Path.write_text, (pathlib.Path(self.marker), "ran"))  # type: ignore[return-value]


def _code_that_runs(marker: Path) -> bytes:
    source = f"open({str(marker)!r}, 'w').write('ran')\n__name__ = 'x'\n"
    return marshal.dumps(("validate", compile(source, "planted", "exec")))


def _plant_everywhere(root: Path, marker: Path) -> int:
    """Every file under .cache/ replaced by code that writes ``marker`` when it is loaded (as
    a pickle or as marshalled code, by its name); also such files beside them, named as the
    caches were named before."""
    planted = 0
    cache = root / ".cache"
    for kind, suffix in (("topics", ".pickle"), ("schemas", ".marshal")):
        (cache / kind).mkdir(parents=True, exist_ok=True)
        (cache / kind / f"planted{suffix}").touch()
    for path in sorted(cache.rglob("*")):
        if path.is_file() and path.suffix in (".pickle", ".json", ".marshal"):
            if path.name == "digests.json":
                continue
            if path.suffix == ".marshal":
                path.write_bytes(_code_that_runs(marker))
            else:
                path.write_bytes(pickle.dumps(_Runs(marker)))
            planted += 1
    return planted


def test_planted_pickles_and_code_never_run_and_check_passes(scratch: Project, tmp_path):
    marker = tmp_path / "ran"
    first = scratch.handout("neuromyotonia")
    assert main(["--root", str(scratch.root), "check"]) == 0
    # the same names as the caches write, with code in them
    assert _plant_everywhere(scratch.root, marker) >= 3
    _validators.clear()  # a new process, in effect
    again = Project(scratch.root).handout("neuromyotonia")
    assert again == first
    assert main(["--root", str(scratch.root), "check"]) == 0
    assert not marker.exists()


def test_the_schema_check_keeps_no_code_on_disk(scratch: Project):
    _validators.clear()
    Project(scratch.root).handout("neuromyotonia")
    cache = scratch.root / ".cache"
    assert not (cache / "schemas").exists()
    assert not [p for p in cache.rglob("*") if p.suffix in (".marshal", ".pickle", ".pyc")]


def _compiled_entry(root: Path) -> Path:
    (found,) = (root / catalogs.CATALOG_CACHE).glob("es-*.mo")
    return found


def _forged(entry: Path, replacement: str) -> bytes:
    """The kept catalog with one translation changed, every header (the PO's digest, the
    safety record) as it was, and the trailer as it was."""
    data = entry.read_bytes()
    mo = polib.mofile(str(entry))
    for found in mo:
        if found.msgctxt == TROUBLE[0]:
            found.msgstr = replacement
    forged = mo.to_binary()
    end = data.rfind(b"\n#handoutgen-cache-1 ")
    return forged + (data[end:] if end >= 0 else b"")


def test_a_planted_compiled_catalog_does_not_replace_the_po_file(scratch: Project):
    catalogs._compiled_catalogs.clear()
    assert load_catalog(scratch.locales_dir, "es").pgettext(*TROUBLE) == SPANISH
    entry = _compiled_entry(scratch.root)
    entry.write_bytes(_forged(entry, "Respire hondo y espere."))
    catalogs._compiled_catalogs.clear()  # another process
    assert load_catalog(scratch.locales_dir, "es").pgettext(*TROUBLE) == SPANISH


def test_a_compiled_catalog_cut_short_is_compiled_again(scratch: Project):
    catalogs._compiled_catalogs.clear()
    whole = load_catalog(scratch.locales_dir, "es")
    assert whole.pgettext(*TROUBLE) == SPANISH
    entry = _compiled_entry(scratch.root)
    data = entry.read_bytes()
    entry.write_bytes(data[: len(data) * 2 // 3])
    catalogs._compiled_catalogs.clear()
    again = load_catalog(scratch.locales_dir, "es")
    assert again.pgettext(*TROUBLE) == SPANISH and not again.missing
    assert _compiled_entry(scratch.root).read_bytes() == data  # and kept whole again


def test_a_planted_digest_index_does_not_stand_in_for_a_files_bytes(tmp_path, monkeypatch):
    """.cache/digests.json names a file's digest by its identity (inode, times): one written by
    someone else, claiming other bytes for a file as it stands, is not read."""
    import json
    import os
    import time

    from handoutgen.cache import keys

    path = tmp_path / "handouts" / "topic.yaml"
    path.parent.mkdir()
    path.write_text("title: real\n", encoding="utf-8")
    old = time.time_ns() - 10 * 10**9
    os.utime(path, ns=(old, old))
    real = keys.hash_file(str(path))
    st = os.stat(path)
    ident = [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]
    index = tmp_path / ".cache" / "digests.json"
    index.parent.mkdir()
    index.write_text(json.dumps({str(path): [ident, "0" * 64]}), encoding="utf-8")
    monkeypatch.setattr(keys, "_loaded", set())
    keys._digests.clear()
    keys.load_index(index)
    assert keys.file_digest(path) == real
