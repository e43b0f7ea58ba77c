"""Project loading: validated topics kept on disk are read back as they were validated, and an
edited, invalid or damaged topic file is never served from the cache."""

from __future__ import annotations

import pytest

from handoutgen import validate
from handoutgen.errors import InputError
from handoutgen.project import TOPIC_CACHE, Project
from handoutgen.strings import iter_strings


def _strings(handout) -> list[tuple]:
    return [
        (c, str(t), type(t).__name__, getattr(t, "line", None)) for c, t in iter_strings(handout)
    ]


def _counted(monkeypatch) -> list[str]:
    calls: list[str] = []
    original = validate.validate_handout

    def counting(src, schema):
        calls.append(src.display)
        return original(src, schema)

    monkeypatch.setattr(validate, "validate_handout", counting)
    return calls


def test_a_kept_topic_is_read_back_as_validated(scratch: Project, monkeypatch):
    calls = _counted(monkeypatch)
    first = scratch.handout("neuromyotonia")
    assert len(calls) == 1 and list((scratch.root / TOPIC_CACHE).glob("neuromyotonia-*"))
    again = Project(scratch.root).handout("neuromyotonia")  # another process, in effect
    assert len(calls) == 1  # read back, not validated again
    assert again == first and again is not first
    assert (again.path, again.lines, again.notes) == (first.path, first.lines, first.notes)
    assert _strings(again) == _strings(first)  # with the line of every string


def test_an_edited_topic_is_validated_again(scratch: Project, monkeypatch):
    calls = _counted(monkeypatch)
    first = scratch.handout("neuromyotonia")
    path = scratch.handouts_dir / "neuromyotonia.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text("# a comment line\n" + text, encoding="utf-8")
    edited = Project(scratch.root).handout("neuromyotonia")
    assert len(calls) == 2
    assert edited == first  # the same content, every string one line further down
    assert [line + 1 for *_, line in _strings(first)] == [line for *_, line in _strings(edited)]


def test_an_invalid_topic_is_not_kept_and_reports_every_time(scratch: Project, monkeypatch):
    path = scratch.handouts_dir / "neuromyotonia.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("\nversion:", "\nversione:", 1))
    for _ in range(2):
        with pytest.raises(InputError) as err:
            Project(scratch.root).handout("neuromyotonia")
        assert "neuromyotonia.yaml" in str(err.value)
    assert not list((scratch.root / TOPIC_CACHE).glob("neuromyotonia-*"))


def test_a_damaged_cache_file_is_made_again(scratch: Project, monkeypatch):
    first = scratch.handout("neuromyotonia")
    (kept,) = (scratch.root / TOPIC_CACHE).glob("neuromyotonia-*")
    kept.write_bytes(kept.read_bytes()[:40])
    calls = _counted(monkeypatch)
    again = Project(scratch.root).handout("neuromyotonia")
    assert len(calls) == 1 and again == first and _strings(again) == _strings(first)
    assert len(kept.read_bytes()) > 40


def test_a_moved_project_does_not_reuse_the_old_paths(scratch: Project, tmp_path):
    scratch.handout("neuromyotonia")
    moved = tmp_path / "moved"
    scratch.root.rename(moved)
    handout = Project(moved).handout("neuromyotonia")
    assert handout.path.is_relative_to(moved)


def test_a_change_to_the_code_or_its_libraries_validates_again(scratch: Project, monkeypatch):
    from handoutgen import project as project_module

    calls = _counted(monkeypatch)
    scratch.handout("neuromyotonia")
    monkeypatch.setattr(project_module, "engine_key", lambda: "another version of the code")
    Project(scratch.root).handout("neuromyotonia")
    assert len(calls) == 2
