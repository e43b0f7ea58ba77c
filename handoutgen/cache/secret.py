"""The key that signs the on-disk caches: ``HANDOUTGEN_CACHE_KEY``, else a random key made once
per user (mode 0600) in the user's cache folder -> bytes, or None (then no cache is read or
written on disk).

The key never lives in the project, so a ``.cache/`` planted in a checkout, restored from a CI
cache shared with other branches, or copied from another machine carries no entry this user's
builds accept: a file there can be read back only if it was written with this key.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

ENV = "HANDOUTGEN_CACHE_KEY"  # a CI that shares caches between its own runs sets one secret
FILE = "cache-key"  # in $XDG_CACHE_HOME/handoutgen/ (else ~/.cache/handoutgen/)
SIZE = 32  # bytes of a made key
MIN_ENV = 16  # characters: a shorter key from the environment is refused (caches off)

_found: list[bytes | None] = []  # this process's key, looked up once


def key() -> bytes | None:
    """The signing key, or None when there is none to be had (no cache on disk then)."""
    if not _found:
        _found.append(_lookup())
    return _found[0]


def forget() -> None:
    """Look the key up again on next use (tests, a changed environment)."""
    _found.clear()


def _lookup() -> bytes | None:
    given = os.environ.get(ENV, "").strip()
    if given:
        return given.encode("utf-8") if len(given) >= MIN_ENV else None
    try:
        return _from_file(key_file())
    except (OSError, RuntimeError):  # no home, a read-only one, a file not ours: caches off
        return None


def key_file() -> Path:
    """Where this user's key is kept: ``$XDG_CACHE_HOME/handoutgen/cache-key`` (an absolute
    XDG_CACHE_HOME only, as the XDG spec says), else ``~/.cache/handoutgen/cache-key``."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    folder = Path(base) if os.path.isabs(base) else Path.home() / ".cache"
    return folder / "handoutgen" / FILE


def _from_file(path: Path) -> bytes | None:
    found = _read(path)
    if found is not None:
        return found
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    # made whole under another name, then linked into place: two processes making it at once
    # both end up with the one that was linked first
    spare = path.with_name(f".{FILE}.{os.getpid()}")
    fd = os.open(spare, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(os.urandom(SIZE))
        with contextlib.suppress(FileExistsError):
            os.link(spare, path)
    finally:
        spare.unlink(missing_ok=True)
    return _read(path)


def _read(path: Path) -> bytes | None:
    """The key in ``path``, or None if there is no file. A file that is a link, not a regular
    file, not this user's, readable by others or too short is never used (and not replaced)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except FileNotFoundError:
        return None
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fh.fileno())
        if not stat.S_ISREG(st.st_mode) or st.st_uid != os.geteuid() or st.st_mode & 0o077:
            raise RuntimeError(f"{path}: not a private file of this user")
        found = fh.read(SIZE + 1)
    if len(found) != SIZE:
        raise RuntimeError(f"{path}: not a key")
    return found
