"""On-disk caches: a kind, a key (``cache.keys``) and a way to make a value -> the value, made
once and kept under the project's ``.cache/<kind>/`` for the processes that come after; with
caches off, made every time and nothing read or written."""

from __future__ import annotations

import contextlib
import marshal
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from . import enabled
from .keys import sha256

T = TypeVar("T")

FOLDER = ".cache"  # under the project root; build products, never committed


def folder(root: Path, kind: str) -> Path:
    """Where the cache ``kind`` lives in a project."""
    return root / FOLDER / kind


def marshalled(folder: Path, stem: str, key: str, make: Callable[[], T]) -> T:
    """``make()``'s value, kept in ``folder/<stem>-<hash of key>.marshal``: read back when the
    file is there and whole, else made and stored (atomically). A key holds everything the
    value depends on, so a changed input is a new file, never an old value; a folder that
    cannot be written, or a value marshal cannot store, is not kept, not an error."""
    return _kept(folder / f"{stem}-{_digest(key)}.marshal", make, marshal.dumps, marshal.loads)


def pickled(folder: Path, stem: str, key: str, make: Callable[[], T]) -> T:
    """The same for values marshal cannot store (the project's own classes), kept in
    ``folder/<stem>-<hash of key>.pickle``. Reading a pickle runs code its classes name:
    the cache folder is trusted as the project's own code is (the template cache holds
    compiled code too)."""
    import pickle

    def dumps(value: Any) -> bytes:
        return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)

    return _kept(folder / f"{stem}-{_digest(key)}.pickle", make, dumps, pickle.loads)


def _digest(key: str) -> str:
    return sha256(key.encode()).hexdigest()[:24]


def _kept(
    path: Path,
    make: Callable[[], T],
    dumps: Callable[[Any], bytes],
    loads: Callable[[bytes], Any],
) -> T:
    if not enabled():
        return make()
    # a file cut short or from elsewhere fails to load in one of these ways: made again
    with contextlib.suppress(Exception):
        return loads(path.read_bytes())  # type: ignore[no-any-return]
    value = make()
    with contextlib.suppress(Exception):
        from ..write import write_atomic

        write_atomic(path, dumps(value))
    return value
