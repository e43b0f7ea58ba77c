"""On-disk caches: a value is made once, read back by later callers, and made again when its
file is broken; a value marshal cannot store is simply not kept."""

from __future__ import annotations

from handoutgen.cache.store import marshalled


def test_made_once_then_read_back_and_made_again_when_broken(tmp_path):
    made = []

    def make():
        made.append(1)
        return {"patterns": [1, 2, 3]}

    assert marshalled(tmp_path, "x", "key", make) == {"patterns": [1, 2, 3]}
    assert marshalled(tmp_path, "x", "key", make) == {"patterns": [1, 2, 3]}
    assert len(made) == 1
    (kept,) = tmp_path.iterdir()
    kept.write_bytes(b"\x00broken")
    assert marshalled(tmp_path, "x", "key", make) == {"patterns": [1, 2, 3]}
    assert len(made) == 2 and kept.read_bytes() != b"\x00broken"
    marshalled(tmp_path, "x", "another key", make)  # another key, another file
    assert len(made) == 3 and len(list(tmp_path.iterdir())) == 2


def test_a_value_marshal_cannot_store_is_returned_and_not_kept(tmp_path):
    value = marshalled(tmp_path / "sub", "x", "key", lambda: object)
    assert value is object and not (tmp_path / "sub").exists()
