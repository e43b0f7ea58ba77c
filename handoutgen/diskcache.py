"""On-disk build caches: a key and a way to make a value -> the value, made once and kept
(marshalled, under the project's .cache/) for the processes that come after."""

from __future__ import annotations

import contextlib
import hashlib
import marshal
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def marshalled(folder: Path, stem: str, key: str, make: Callable[[], T]) -> T:
    """``make()``'s value, kept in ``folder/<stem>-<hash of key>.marshal``: read back when the
    file is there and whole, else made and stored (atomically). A key holds everything the
    value depends on, so a changed input is a new file, never an old value; a folder that
    cannot be written, or a value marshal cannot store, is not kept, not an error."""
    path = folder / f"{stem}-{hashlib.sha256(key.encode()).hexdigest()[:24]}.marshal"
    with contextlib.suppress(OSError, ValueError, EOFError, TypeError):
        return marshal.loads(path.read_bytes())  # type: ignore[no-any-return]
    value = make()
    with contextlib.suppress(OSError, ValueError):
        from .write import write_atomic

        write_atomic(path, marshal.dumps(value))
    return value
