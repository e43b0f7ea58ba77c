"""Benchmark tools: the byte-identity comparison reports every leaflet whose digest moved."""

from __future__ import annotations

import json
import sys

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))


def test_compare_names_each_leaflet_that_differs_and_fails(tmp_path, capsys):
    import same_bytes

    before, after = tmp_path / "a.json", tmp_path / "b.json"
    before.write_text(json.dumps({"x [en]": "1" * 64, "y [en]": "2" * 64, "z [en]": "skipped"}))
    after.write_text(json.dumps({"x [en]": "1" * 64, "y [en]": "3" * 64, "w [en]": "4" * 64}))
    assert same_bytes.main(["compare", str(before), str(after)]) == 1
    out = capsys.readouterr().out
    assert "differs: y [en]" in out and "differs: z [en]: skipped -> absent" in out
    assert "differs: w [en]: absent" in out and "x [en]" not in out
    assert same_bytes.main(["compare", str(before), str(before)]) == 0
