"""The JSON codec of cached values: a topic comes back equal, of the same classes, with the line
of every string; only the classes it was made with are ever rebuilt."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest

from handoutgen.cache.codec import Codec
from handoutgen.model import Person, SourceText
from handoutgen.project import Project, _topic_codec


def _shape(value: object) -> object:
    """Every value with its exact class, and the line of a SourceText."""
    if dataclasses.is_dataclass(value):
        fields = [(f.name, _shape(getattr(value, f.name))) for f in dataclasses.fields(value)]
        return (type(value), fields)
    if isinstance(value, tuple | list):
        return (type(value), [_shape(v) for v in value])
    if isinstance(value, dict):
        return (type(value), [(_shape(k), _shape(v)) for k, v in value.items()])
    return (type(value), value, getattr(value, "line", None))


def test_every_shipped_topic_comes_back_equal_with_its_classes_and_lines(project: Project):
    codec = _topic_codec()
    for topic in project.topics():
        handout = project.handout(topic)
        again = codec.loads(codec.dumps(handout))
        assert again == handout
        assert _shape(again) == _shape(handout)
        assert (again.path, again.files, again.lines, again.notes) == (
            handout.path,
            handout.files,
            handout.lines,
            handout.notes,
        )


def test_the_text_is_plain_json_with_no_names_outside_the_classes_given():
    codec = Codec([Person, SourceText])
    value = {
        "who": (Person(SourceText("Ana", 3), "nurse", True), None),
        "when": dt.date(2024, 1, 31),
        "where": Path("handouts/x.yaml"),
        (1, "a"): [1.5, "plain", False],
    }
    text = codec.dumps(value)
    assert json.loads(text)  # JSON, nothing else
    again = codec.loads(text)
    assert again == value and _shape(again) == _shape(value)
    assert again["who"][0].name.line == 3


@pytest.mark.parametrize(
    "planted",
    [
        {"c": "os.system", "a": ["echo hi"]},
        {"c": "builtins.eval", "f": [["source", "1"]]},
        {"c": "handoutgen.model.Brand", "f": []},  # a real class, not one the codec was given
        {"t": [1], "extra": 2},
        {"reduce": ["os.system", ["echo hi"]]},
    ],
)
def test_a_name_it_was_not_given_is_refused(planted):
    codec = Codec([Person, SourceText])
    with pytest.raises(ValueError):
        codec.loads(json.dumps({"d": [["x", planted]]}))


def test_a_value_of_a_class_it_was_not_given_is_not_written():
    codec = Codec([Person])
    for value in (object(), {1, 2}, dt.datetime(2024, 1, 1), SourceText("x", 1), b"bytes"):
        with pytest.raises(TypeError):
            codec.dumps(value)
    with pytest.raises(ValueError):
        codec.dumps(float("inf"))


def test_the_codec_is_made_of_the_models_and_block_kinds_classes_only():
    names = set(_topic_codec()._by_name)
    assert "handoutgen.model.Handout" in names and "handoutgen.model.SourceText" in names
    assert "handoutgen.blocks.callout.Callout" in names
    assert all(n.startswith(("handoutgen.model.", "handoutgen.blocks.")) for n in names)
