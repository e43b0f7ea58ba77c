"""The README's recipe for libraries that outgrow one machine: N `--shard I/N` builds run by a
job runner (here GNU parallel, as a CI matrix or a Kubernetes Indexed Job would), then
`manifest merge`, give the manifest a single run gives."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from handoutgen.project import Project

SHARDS = 3
SELECTION = ("--locale", "en,de,es", "--brand", "*", "--jobs", "1", "-q")


def leaflets(out: Path) -> list[dict]:
    data = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    key = ("topic", "locale", "brand", "edition", "paper")
    return sorted(data["leaflets"], key=lambda e: tuple(e[k] for k in key))


@pytest.mark.skipif(
    shutil.which("parallel") is None,
    reason="GNU parallel is not installed (.ci/run installs it: apt-get install -y -qq parallel)",
)
def test_shards_run_by_gnu_parallel_then_merged_equal_a_single_run(
    scratch: Project, tmp_path: Path
):
    root = str(scratch.root)
    command = [sys.executable, "-m", "handoutgen", "--root", root, "build", *SELECTION]
    sharded, single = tmp_path / "sharded", tmp_path / "single"
    run = subprocess.run(
        ["parallel", "--will-cite", "--quote", "--halt", "now,fail=1", "--jobs", str(SHARDS)]
        + [*command, "--out", str(sharded), "--shard", "{}/" + str(SHARDS), ":::"]
        + [str(i) for i in range(1, SHARDS + 1)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    shards = sorted(p.name for p in sharded.glob("manifest.shard-*.json"))
    assert shards == [f"manifest.shard-{i}-of-{SHARDS}.json" for i in range(1, SHARDS + 1)]
    merge = [sys.executable, "-m", "handoutgen", "--root", root, "manifest", "merge"]
    merged = subprocess.run([*merge, str(sharded)], capture_output=True, text=True)
    assert merged.returncode == 0, merged.stderr
    alone = subprocess.run([*command, "--out", str(single)], capture_output=True, text=True)
    assert alone.returncode == 0, alone.stderr
    assert len(leaflets(single)) == 2 * 3 * 2  # two topics, three languages, two brands
    assert leaflets(sharded) == leaflets(single)
    for entry in leaflets(single):  # the same bytes too
        assert (sharded / entry["path"]).read_bytes() == (single / entry["path"]).read_bytes()
