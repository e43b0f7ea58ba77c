"""The batch: selection with globs, incremental rebuilds, shards, interruption, exit codes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from handoutgen.batch import BatchOptions, run
from handoutgen.cli import main
from handoutgen.errors import SelectionError
from handoutgen.leaflet import Selection, expand, shard_of
from handoutgen.project import Project

from .conftest import ROOT


def manifest(out: Path, name: str = "manifest.json") -> list[dict]:
    return json.loads((out / name).read_text())["leaflets"]


def test_selection_with_globs(project: Project):
    jobs = expand(project, Selection(locales=["e*"], brands=["*"], papers=["a4", "a5"]))
    assert {j.locale for j in jobs} == {"en", "es"}
    assert {j.brand for j in jobs} == {"default", "example-clinic"}
    assert {j.paper for j in jobs} == {"a4", "a5"}
    assert {j.topic for j in jobs} == {"emg-and-nerve-conduction", "neuromyotonia"}
    assert len(jobs) == 16  # 2 topics x 2 locales x 2 brands x 2 papers
    everything = expand(project, Selection())
    assert {(j.brand, j.paper) for j in everything} == {
        ("default", "a4"),
        ("example-clinic", "letter"),
    }
    assert {j.locale for j in everything} == set(project.locales())
    assert {j.edition for j in expand(project, Selection(editions=["*"]))} == {
        "standard",
        "large-print",
        "print-shop",  # the booklet is made on A5 only: a glob over the brands' papers skips it
    }
    with pytest.raises(SelectionError, match="no paper matches 'tabloid'"):
        expand(project, Selection(papers=["tabloid"]))


def test_shards_cover_every_job_exactly_once(project: Project):
    jobs = expand(project, Selection(locales=["*"], brands=["*"], editions=["*"], papers=["*"]))
    for count in (1, 2, 3, 7):
        slices = [shard_of(jobs, i, count) for i in range(1, count + 1)]
        flat = [j for s in slices for j in s]
        assert sorted(flat) == sorted(jobs) and len(flat) == len(set(flat))
        assert max(map(len, slices)) - min(map(len, slices)) <= 1
        assert slices == [shard_of(list(reversed(jobs)), i, count) for i in range(1, count + 1)]


def test_shard_manifests_merge_into_one(scratch: Project, tmp_path: Path):
    out = tmp_path / "out"
    for i in (1, 2):
        code = main(
            [
                "--root",
                str(scratch.root),
                "build",
                "neuromyotonia",
                "--locale",
                "en,de",
                "--brand",
                "*",
                "--shard",
                f"{i}/2",
                "--jobs",
                "1",
                "--out",
                str(out),
            ]
        )
        assert code == 0
    assert {len(manifest(out, f"manifest.shard-{i}-of-2.json")) for i in (1, 2)} == {2}
    assert main(["--root", str(scratch.root), "manifest", "merge", str(out)]) == 0
    merged = manifest(out)
    assert len(merged) == 4 and not list(out.glob("manifest.shard-*"))


def test_an_unchanged_leaflet_is_not_rebuilt_and_a_changed_catalog_rebuilds_only_its_own(
    scratch: Project, tmp_path: Path
):
    out = tmp_path / "out"
    jobs = expand(scratch, Selection(topics=["neuromyotonia"], locales=["en", "es", "de"]))
    first = run(scratch, jobs, BatchOptions(out=out))
    assert first.count("built") == 3
    mtimes = {e["locale"]: (out / e["path"]).stat().st_mtime_ns for e in manifest(out)}
    again = run(scratch, jobs, BatchOptions(out=out))
    assert again.count("up to date") == 3 and again.count("built") == 0
    catalog = scratch.locales_dir / "de" / "LC_MESSAGES" / "handouts.po"
    catalog.write_text(catalog.read_text().replace("Merkblatt", "Infoblatt", 1))
    third = run(scratch, jobs, BatchOptions(out=out))
    assert [o.job.locale for o in third.outcomes if o.status == "built"] == ["de"]
    assert third.count("up to date") == 2
    after = {e["locale"]: (out / e["path"]).stat().st_mtime_ns for e in manifest(out)}
    assert after["en"] == mtimes["en"] and after["es"] == mtimes["es"]
    assert after["de"] != mtimes["de"]
    forced = run(scratch, jobs, BatchOptions(out=out, force=True))
    assert forced.count("built") == 3
    entry = manifest(out)[0]
    assert len(entry["inputs"]) == 64 and entry["size"] > 1000


def test_a_changed_template_or_brand_rebuilds_everything_it_touches(
    scratch: Project, tmp_path: Path
):
    out = tmp_path / "out"
    jobs = expand(scratch, Selection(topics=["neuromyotonia"], brands=["*"]))
    run(scratch, jobs, BatchOptions(out=out))
    logo = scratch.brands_dir / "example-clinic" / "brand.yaml"
    logo.write_text(logo.read_text().replace("Nerve and muscle care", "Nerve care"))
    report = run(scratch, jobs, BatchOptions(out=out))
    assert [o.job.brand for o in report.outcomes if o.status == "built"] == ["example-clinic"]
    disclaimer = scratch.templates_dir / "standard" / "disclaimer.xml.j2"
    disclaimer.write_text(disclaimer.read_text().replace("facts that apply", "facts that hold"))
    assert run(scratch, jobs, BatchOptions(out=out)).count("built") == 2


def test_parallel_build_gives_the_same_files_as_serial(project: Project, tmp_path: Path):
    jobs = expand(
        project, Selection(topics=["neuromyotonia"], locales=["en", "es", "tr", "de"], brands=["*"])
    )
    serial = run(project, jobs, BatchOptions(out=tmp_path / "a", jobs=1))
    parallel = run(project, jobs, BatchOptions(out=tmp_path / "b", jobs=2))
    assert serial.count("built") == parallel.count("built") == 8
    shas = [
        {(e["locale"], e["brand"]): e["sha256"] for e in manifest(tmp_path / d)} for d in ("a", "b")
    ]
    assert shas[0] == shas[1]


def test_exit_codes_and_summary(scratch: Project, tmp_path: Path, capsys):
    out = tmp_path / "out"
    assert main(["--root", str(scratch.root), "build", "--out", str(out), "-j", "2"]) == 0
    text = capsys.readouterr().out
    statuses = [e["status"] for e in manifest(out)]
    built, skipped = statuses.count("built"), statuses.count("skipped")
    assert built >= 8 and built + skipped == len(statuses)
    assert f"{built} built, {skipped} skipped, 0 failed, 0 up to date" in text
    assert "Summary" in text
    assert main(["--root", str(scratch.root), "build", "--out", str(out)]) == 0
    assert f"0 built, {skipped} skipped, 0 failed, {built} up to date" in capsys.readouterr().out
    # a warning fails the run only with --strict
    assert (
        main(
            [
                "--root",
                str(scratch.root),
                "build",
                "neuromyotonia",
                "--locale",
                "es",
                "--out",
                str(out),
                "--allow-incomplete",
                "--strict",
            ]
        )
        == 0
    )  # complete: no warning
    catalog = scratch.locales_dir / "es" / "LC_MESSAGES" / "handouts.po"
    text = catalog.read_text()
    catalog.write_text(text.replace('msgstr "Fuentes"', 'msgstr ""', 1))
    args = [
        "--root",
        str(scratch.root),
        "build",
        "neuromyotonia",
        "--locale",
        "es",
        "--out",
        str(out),
        "--allow-incomplete",
    ]
    assert main(args) == 0
    assert main([*args, "--strict", "--force"]) == 1
    brand = scratch.brands_dir / "default" / "brand.yaml"
    brand.write_text(brand.read_text() + "oops: 1\n")
    assert main(["--root", str(scratch.root), "build", "neuromyotonia", "--out", str(out)]) == 1
    assert "FAILED" in capsys.readouterr().out


def test_an_interrupted_run_leaves_complete_pdfs_and_a_valid_manifest(
    scratch: Project, tmp_path: Path
):
    out = tmp_path / "out"
    cmd = [
        sys.executable,
        str(ROOT / "generate.py"),
        "--root",
        str(scratch.root),
        "build",
        "neuromyotonia",
        "--locale",
        "en,es,de",
        "--brand",
        "*",
        "--edition",
        "*",
        "--paper",
        "a4,a5",
        "-j",
        "2",
        "--out",
        str(out),
    ]
    process = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # wait until some leaflets exist, then stop it
        if len(list(out.rglob("*.pdf"))) >= 3:
            break
        time.sleep(0.05)
    process.send_signal(signal.SIGTERM)
    _stdout, stderr = process.communicate(timeout=60)
    assert "Traceback" not in stderr
    assert process.returncode in (130, 0)  # 0 only if it finished before the signal
    assert not list(out.rglob("*.tmp"))
    entries = manifest(out)
    built = [e for e in entries if e["status"] == "built"]
    assert built
    for e in built:
        pdf = out / e["path"]
        assert pdf.stat().st_size == e["size"]
        assert len(PdfReader(pdf).pages) == e["pages"]
    for pdf in out.rglob("*.pdf"):  # nothing half-written, even if not in the manifest yet
        assert PdfReader(pdf).pages
    total = len(
        expand(
            scratch,
            Selection(
                topics=["neuromyotonia"],
                locales=["en", "es", "de"],
                brands=["*"],
                editions=["*"],
                papers=["a4", "a5"],
            ),
        )
    )
    rerun = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{len(built)} up to date" in rerun.stdout
    assert len(manifest(out)) == total


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork to kill a worker")
def test_a_killed_worker_fails_its_leaflet_not_the_batch(
    project: Project, tmp_path: Path, monkeypatch
):
    from handoutgen import batch as build

    from ._faults import fragile_work

    monkeypatch.setattr(build, "_work", fragile_work)
    jobs = expand(project, Selection(topics=["neuromyotonia"], locales=["en", "es", "de", "tr"]))
    report = run(project, jobs, BatchOptions(out=tmp_path / "out", jobs=2))
    failed = [o for o in report.outcomes if o.status == "failed"]
    assert failed and all("worker process died" in (o.reason or "") for o in failed)
    assert report.count("built") + len(failed) == 4
    assert not list((tmp_path / "out").rglob("*.tmp"))


def test_a_no_op_rebuild_is_answered_from_the_stamp_until_something_changes(
    scratch: Project, tmp_path: Path, capsys
):
    out = tmp_path / "out"
    args = [
        "--root",
        str(scratch.root),
        "build",
        "neuromyotonia",
        "--locale",
        "en,de",
        "--out",
        str(out),
        "-j",
        "1",
    ]
    assert main(args) == 0
    assert "2 built" in capsys.readouterr().out
    assert main(args) == 0
    assert "2 up to date (no input changed" in capsys.readouterr().out
    (out / "default" / "de" / "neuromyotonia.a4.pdf").unlink()  # a missing PDF: rebuild it
    assert main(args) == 0
    assert "1 built, 0 skipped, 0 failed, 1 up to date" in capsys.readouterr().out
    path = scratch.handouts_dir / "neuromyotonia.yaml"
    os.utime(path)  # touched, same content: inputs are their bytes, so nothing changed
    assert main(args) == 0
    assert "2 up to date (no input changed" in capsys.readouterr().out
    path.write_text(path.read_text() + "# a comment\n")  # new bytes, the same content
    assert main(args) == 0
    assert "2 built" in capsys.readouterr().out


def test_allow_incomplete_is_an_input_of_the_skip(scratch: Project, tmp_path: Path):
    """A leaflet skipped for an incomplete translation is built when the run allows drafts,
    and a draft is rebuilt when it no longer does."""
    import polib

    catalog = scratch.locales_dir / "de" / "LC_MESSAGES" / "handouts.po"
    po = polib.pofile(str(catalog), wrapwidth=0)
    next(e for e in po if e.msgctxt == "neuromyotonia/title").msgstr = ""
    po.save()
    jobs = expand(scratch, Selection(topics=["neuromyotonia"], locales=["de"]))
    out = tmp_path / "out"
    assert run(scratch, jobs, BatchOptions(out=out)).count("skipped") == 1
    drafts = run(scratch, jobs, BatchOptions(out=out, allow_incomplete=True))
    assert drafts.count("built") == 1 and drafts.outcomes[0].draft
    assert run(scratch, jobs, BatchOptions(out=out)).count("skipped") == 1


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork to kill a worker")
def test_a_killed_worker_fails_only_the_leaflet_it_was_building(
    project: Project, tmp_path: Path, monkeypatch
):
    from handoutgen import batch as build

    from ._faults import fragile_work

    monkeypatch.setattr(build, "_work", fragile_work)  # a worker dies on each German leaflet
    jobs = expand(
        project, Selection(topics=["neuromyotonia"], locales=["en", "es", "de", "tr"], brands=["*"])
    )
    report = run(project, jobs, BatchOptions(out=tmp_path / "out", jobs=2))
    failed = sorted((o.job.locale, o.job.brand) for o in report.outcomes if o.status == "failed")
    assert failed == [("de", "default"), ("de", "example-clinic")]
    assert report.count("built") == 6 and len(report.outcomes) == 8
    assert "signal 9" in next(o.reason for o in report.outcomes if o.status == "failed")


def _rebuild_with_a_new_brand_name(scratch: Project, out: Path) -> list:
    """Four leaflets built into ``out``; then the brand changes, so all four are rebuilt."""
    jobs = expand(scratch, Selection(topics=["neuromyotonia"], locales=["en", "es", "de", "tr"]))
    assert run(scratch, jobs, BatchOptions(out=out)).count("built") == 4
    brand = scratch.brands_dir / "default" / "brand.yaml"
    brand.write_text(brand.read_text().replace("footer_text:", "footer_text: New", 1))
    return jobs


def _matches_the_disk(out: Path) -> None:
    import hashlib

    for e in manifest(out):
        if e["status"] == "built":
            assert hashlib.sha256((out / e["path"]).read_bytes()).hexdigest() == e["sha256"]
    for pdf in out.rglob("*.pdf"):
        assert PdfReader(pdf).pages


def test_a_disk_that_fills_up_fails_the_leaflets_it_refuses_and_the_batch_goes_on(
    scratch: Project, tmp_path: Path, monkeypatch
):
    from handoutgen import batch

    from ._faults import FullDisk

    out = tmp_path / "out"
    jobs = _rebuild_with_a_new_brand_name(scratch, out)
    FullDisk(out, writes=1, room=2048).install(monkeypatch)  # room for one more leaflet
    monkeypatch.setattr(batch, "CHECKPOINT_SECONDS", 0)  # the manifest saved after each
    report = run(scratch, jobs, BatchOptions(out=out))
    assert [o.status for o in report.outcomes] == ["built", "failed", "failed", "failed"]
    for o in report.outcomes[1:]:
        assert o.reason == f"{out / o.job.relpath}: cannot write: No space left on device"
    # the old manifest, untrue once a leaflet changed, made room for the new one
    assert report.problems == [] and report.manifest == out / "manifest.json"
    assert [e["status"] for e in manifest(out)] == ["built", "failed", "failed", "failed"]
    _matches_the_disk(out)
    assert not report.ok


def test_a_manifest_that_cannot_be_saved_is_a_placed_failure_never_a_traceback(
    scratch: Project, tmp_path: Path, monkeypatch, capsys
):
    from ._faults import FullDisk

    out = tmp_path / "out"
    _rebuild_with_a_new_brand_name(scratch, out)
    FullDisk(out, writes=1, room=None).install(monkeypatch)
    args = [
        "--root",
        str(scratch.root),
        "build",
        "neuromyotonia",
        "--locale",
        "en,es,de,tr",
        "--out",
        str(out),
    ]
    assert main([*args, "-j", "1"]) == 1
    err = capsys.readouterr().err
    assert f"error: {out / 'manifest.json'}: cannot save the manifest: No space left on " in err
    assert "there is none now" in err
    assert not (out / "manifest.json").exists()  # no manifest saying what is no longer so
    assert len(list(out.rglob("*.pdf"))) == 4


def test_a_folder_turned_read_only_keeps_its_manifest_and_says_so(
    scratch: Project, tmp_path: Path, monkeypatch, capsys
):
    from ._faults import ReadOnly

    out = tmp_path / "out"
    _rebuild_with_a_new_brand_name(scratch, out)
    before = (out / "manifest.json").read_bytes()
    ReadOnly(out).install(monkeypatch)
    args = [
        "--root",
        str(scratch.root),
        "build",
        "neuromyotonia",
        "--locale",
        "en,es,de,tr",
        "--out",
        str(out),
    ]
    assert main([*args, "-j", "1"]) == 1
    captured = capsys.readouterr()
    assert "Read-only file system; the previous one is kept (no leaflet changed)" in captured.err
    assert "0 built, 0 skipped, 4 failed" in captured.out
    assert (out / "manifest.json").read_bytes() == before
    _matches_the_disk(out)


def test_an_out_that_is_a_dangling_link_is_named_not_a_traceback(
    scratch: Project, tmp_path: Path, capsys
):
    out = tmp_path / "out"
    out.symlink_to(tmp_path / "elsewhere")
    code = main(
        ["--root", str(scratch.root), "build", "neuromyotonia", "--locale", "en", "--out", str(out)]
    )
    assert code == 1
    err = capsys.readouterr().err
    assert f"{out}: --out: a symbolic link to {tmp_path / 'elsewhere'}, which does not" in err


def test_a_topic_id_too_long_for_a_file_name_fails_that_leaflet_only(
    scratch: Project, tmp_path: Path
):
    long = "a" * 240
    source = (scratch.handouts_dir / "neuromyotonia.yaml").read_text()
    (scratch.handouts_dir / f"{long}.yaml").write_text(
        source.replace("id: neuromyotonia", f"id: {long}", 1)
    )
    out = tmp_path / "out"
    jobs = expand(
        Project(scratch.root),
        Selection(topics=[long, "neuromyotonia"], locales=["en"], editions=["*"]),
    )
    report = run(Project(scratch.root), jobs, BatchOptions(out=out))
    status = {(o.job.topic, o.job.edition): o for o in report.outcomes}
    assert status[(long, "standard")].status == "built"  # 247 characters: a name that fits
    too_long = status[(long, "large-print")]
    assert too_long.status == "failed"
    assert too_long.reason == f"{out / too_long.job.relpath}: cannot write: File name too long"
    assert status[("neuromyotonia", "large-print")].status == "built"
    assert status[(long, "print-shop")].status == "failed"
    assert len(manifest(out)) == 6  # standard, large print and print shop, of each topic


def test_a_build_into_a_users_folder_leaves_their_tmp_files(scratch: Project, tmp_path: Path):
    out = tmp_path / "home"
    (out / "notes").mkdir(parents=True)
    users = [out / ".session.tmp", out / "notes" / ".draft.tmp"]
    for f in users:
        f.write_text("mine")
    code = main(
        ["--root", str(scratch.root), "build", "neuromyotonia", "--locale", "en", "--out", str(out)]
    )
    assert code == 0 and all(f.read_text() == "mine" for f in users)
