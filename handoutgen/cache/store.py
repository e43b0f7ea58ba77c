"""On-disk caches: a kind, a key (``cache.keys``) and a way to make a value -> the value, made
once and kept under the project's ``.cache/<kind>/`` for the processes that come after; with
caches off, made every time and nothing read or written.

An entry holds only data (JSON, or a format its reader parses itself: never pickle, marshal or
code), followed by a trailer with the digest of its key (which holds the digest of every
source it was made from) and an HMAC of both under the user's cache key (``cache.secret``).
An entry is used only when its trailer names the key asked for and its HMAC is right; anything
else (cut short, edited, planted, made for other sources, or signed with another key) is a
miss and is made again. Without a key, nothing is read or written on disk.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from . import enabled
from .keys import sha256

T = TypeVar("T")

FOLDER = ".cache"  # under the project root; build products, never committed

_MARK = b"\n#handoutgen-cache-1 "
TRAILER = len(_MARK) + 64 + 1 + 64 + 1  # mark, key digest, space, HMAC, newline
_BIG = 1 << 20  # payloads this large are signed with OpenSSL's SHA-256 (several times faster)
try:  # a constant-time comparison, without hmac's import of OpenSSL
    from _operator import _compare_digest as _same
except ImportError:  # pragma: no cover - other interpreters
    from hmac import compare_digest as _same

_IPAD = bytes(x ^ 0x36 for x in range(256))
_OPAD = bytes(x ^ 0x5C for x in range(256))


def folder(root: Path, kind: str) -> Path:
    """Where the cache ``kind`` lives in a project."""
    return root / FOLDER / kind


def kept(
    folder: Path,
    stem: str,
    key: str,
    make: Callable[[], T],
    *,
    dumps: Callable[[T], bytes] = lambda value: _json(value),
    loads: Callable[[bytes], T] = json.loads,
) -> T:
    """``make()``'s value, kept in ``folder/<stem>-<hash of key>.json``: read back when the
    entry is there and verified, else made and stored (atomically). ``dumps`` writes the value
    as data (JSON unless told otherwise) and ``loads`` reads it back. A key holds everything
    the value depends on, so a changed input is a new file, never an old value; a folder that
    cannot be written, or a value ``dumps`` cannot write, is not kept, not an error."""
    if not enabled():
        return make()
    path = folder / f"{stem}-{_digest(key)}.json"
    with contextlib.suppress(OSError):
        payload = unsealed(path.read_bytes(), key)
        if payload is not None:
            with contextlib.suppress(Exception):  # our own data, of another format version
                return loads(payload)
    value = make()
    with contextlib.suppress(ValueError, TypeError, OSError):
        write_sealed(path, dumps(value), key)
    return value


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, allow_nan=False).encode("utf-8")


def _digest(key: str) -> str:
    return sha256(key.encode()).hexdigest()[:24]


def write_sealed(path: Path, payload: bytes, key: str) -> bool:
    """Write ``payload`` and its trailer to ``path`` atomically; False (nothing written) when
    there is no cache key. Raises OSError when the folder cannot be written."""
    trailer = seal(payload, key)
    if trailer is None:
        return False
    from ..write import write_atomic

    write_atomic(path, payload + trailer)
    return True


def seal(payload: bytes, key: str) -> bytes | None:
    """The trailer that makes ``payload`` an entry for ``key``, or None without a cache key."""
    from .secret import key as secret

    found = secret()
    if found is None:
        return None
    named = sha256(key.encode("utf-8")).hexdigest().encode()
    return _MARK + named + b" " + _mac(found, named, payload).encode() + b"\n"


def verified_length(data: bytes | Any, key: str) -> int | None:
    """The length of the payload of an entry for ``key`` (``data`` is its bytes or a memory
    map), or None when it is not one: no trailer, another key, a wrong HMAC or no cache key."""
    from .secret import key as secret

    found = secret()
    end = len(data) - TRAILER
    if found is None or end < 0:
        return None
    trailer = bytes(data[end:])
    named = sha256(key.encode("utf-8")).hexdigest().encode()
    if trailer[: len(_MARK)] != _MARK or trailer[len(_MARK) : len(_MARK) + 64] != named:
        return None
    given = trailer[len(_MARK) + 65 : -1]
    with memoryview(data) as view:
        expected = _mac(found, named, view[:end]).encode()
    return end if _same(given, expected) else None


def unsealed(data: bytes, key: str) -> bytes | None:
    """The payload of an entry for ``key``, or None when ``data`` is not one."""
    end = verified_length(data, key)
    return None if end is None else data[:end]


def _mac(secret: bytes, named: bytes, payload: bytes | memoryview) -> str:
    """HMAC-SHA256 (RFC 2104) of the key digest and the payload. Written out so that reading
    a small entry needs only the interpreter's own SHA-256, not OpenSSL (``hmac`` imports it:
    3 ms of a no-op rebuild)."""
    if len(payload) > _BIG:
        from hashlib import sha256 as hasher
    else:
        hasher = sha256
    block = secret if len(secret) <= 64 else hasher(secret).digest()
    block = block.ljust(64, b"\0")
    inner = hasher(block.translate(_IPAD))
    inner.update(_MARK)
    inner.update(named)
    inner.update(payload)
    outer = hasher(block.translate(_OPAD))
    outer.update(inner.digest())
    return outer.hexdigest()
