"""Values made of a set of known dataclasses -> JSON text, and back to equal values of the same
types: for caches that must hold data, never code. Only the classes named when the codec is made
are ever rebuilt (looked up in its own table, never imported by name), by calling them with
their fields, so reading an entry cannot run anything a class does not run when it is made.

Every JSON object in the text is one tagged value: ``{"t": [...]}`` a tuple, ``{"d": [[k,
v], ...]}`` a dict, ``{"date": "2024-01-31"}``, ``{"path": "..."}``, ``{"c": name, "f": [[field,
value], ...]}`` a dataclass and ``{"c": name, "a": [...]}`` a ``str`` subclass rebuilt from its
``__getnewargs__`` (a text that remembers its line). Lists, text, numbers, booleans and None are
themselves.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any


class Codec:
    """JSON for values built of ``classes`` (dataclasses, and ``str`` subclasses that define
    ``__getnewargs__``), tuples, lists, dicts, dates and paths."""

    def __init__(self, classes: list[type]) -> None:
        self._by_name: dict[str, type] = {}
        for cls in classes:
            if not (dataclasses.is_dataclass(cls) or issubclass(cls, str)):
                raise TypeError(f"{cls!r} is neither a dataclass nor a str subclass")
            self._by_name[_name(cls)] = cls
        self._names = {cls: name for name, cls in self._by_name.items()}

    def dumps(self, value: Any) -> bytes:
        """The value as JSON text (UTF-8); TypeError for anything it cannot hold."""
        text = json.dumps(self._encoded(value), ensure_ascii=False, allow_nan=False)
        return text.encode("utf-8")

    def loads(self, text: bytes | str) -> Any:
        """The value back; ValueError for text this codec did not write."""
        return json.loads(text, object_hook=self._decoded)

    def _encoded(self, value: Any) -> Any:
        kind = type(value)
        if value is None or kind in (bool, int, float, str):
            return value
        if kind is tuple:
            return {"t": [self._encoded(v) for v in value]}
        if kind is list:
            return [self._encoded(v) for v in value]
        if kind is dict:
            return {"d": [[self._encoded(k), self._encoded(v)] for k, v in value.items()]}
        if kind is dt.date:
            return {"date": value.isoformat()}
        if kind is _PATH:
            return {"path": str(value)}
        name = self._names.get(kind)
        if name is None:
            raise TypeError(f"a cache cannot hold a {kind.__module__}.{kind.__qualname__}")
        if issubclass(kind, str):
            return {"c": name, "a": [self._encoded(v) for v in value.__getnewargs__()]}
        fields = []
        for f in dataclasses.fields(value):
            if not f.init:
                raise TypeError(f"{name}.{f.name} is not set by its constructor")
            fields.append([f.name, self._encoded(getattr(value, f.name))])
        return {"c": name, "f": fields}

    def _decoded(self, obj: dict[str, Any]) -> Any:
        if len(obj) == 1:
            ((tag, data),) = obj.items()
            if tag == "t" and type(data) is list:
                return tuple(data)
            if tag == "d" and type(data) is list:
                return {_hashable(k): v for k, v in data}
            if tag == "date" and type(data) is str:
                return dt.date.fromisoformat(data)
            if tag == "path" and type(data) is str:
                return Path(data)
        elif len(obj) == 2 and "c" in obj:
            cls = self._by_name.get(obj["c"])
            if cls is None:
                raise ValueError(f"unknown class {obj['c']!r}")
            if issubclass(cls, str) and type(obj.get("a")) is list:
                return cls(*obj["a"])
            if type(obj.get("f")) is list:
                return cls(**{str(name): value for name, value in obj["f"]})
        raise ValueError(f"not a value this codec writes: {sorted(obj)}")


_PATH = type(Path())  # PosixPath or WindowsPath


def _name(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _hashable(key: Any) -> Any:
    if isinstance(key, list):
        raise ValueError("a list cannot be a key")
    return key
