"""The speed layer's one seam: the switch (``--no-cache``, ``HANDOUTGEN_NO_CACHE=1``) -> memo
tables and stores that every cache in the package goes through, off together when it is off.

Every cache is made here (``memo``, ``memoized``) or through ``store`` (on disk), and every key
through ``keys`` (one recipe: content digests, engine versions). With the switch off, nothing is
read from or kept in a cache, and the ReportLab adapter (``handoutgen.rl``) uses ReportLab's
own classes instead of its fast paths: the same bytes, slower.
"""

from __future__ import annotations

import os
from collections import OrderedDict

TYPE_CHECKING = False  # typing is not imported on the no-op path
if TYPE_CHECKING:
    from collections.abc import Callable, Hashable, Iterable
    from typing import Any

ENV = "HANDOUTGEN_NO_CACHE"  # set to 1 (or true, yes): no caches, plain ReportLab


def _from_env() -> bool:
    return os.environ.get(ENV, "").strip().lower() in ("", "0", "false", "no")


_enabled = _from_env()
_tables: list[Memo] = []


def enabled() -> bool:
    """Whether caches and fast paths are on (the default)."""
    return _enabled


def set_enabled(on: bool) -> None:
    """Turn every cache on or off for this process and the workers it starts; what the memo
    tables hold is dropped either way."""
    global _enabled
    _enabled = on
    if on:
        os.environ.pop(ENV, None)
    else:
        os.environ[ENV] = "1"
    clear()


def clear() -> None:
    """Empty every memo table of the process."""
    for table in _tables:
        table.clear()


class Memo:
    """A process-wide table of results, registered with the seam: ``get`` finds nothing and
    ``put`` keeps nothing while caches are off. With ``kept``, the least recently used entry
    goes first once it is full; with ``kept`` and ``flush``, the whole table is emptied then
    (cheaper to look up, for tables whose entries are reused soon or not at all)."""

    __slots__ = ("_lru", "_rows", "kept", "name")

    def __init__(self, name: str, kept: int | None = None, *, flush: bool = False) -> None:
        self.name = name
        self.kept = kept
        self._lru = kept is not None and not flush
        self._rows: OrderedDict[Hashable, Any] = OrderedDict()

    def get(self, key: Hashable) -> Any:
        if not _enabled:
            return None
        found = self._rows.get(key)
        if found is not None and self._lru:
            self._rows.move_to_end(key)
        return found

    def put(self, key: Hashable, value: Any) -> Any:
        if _enabled:
            rows = self._rows
            if self.kept is not None and len(rows) >= self.kept:
                if self._lru:
                    rows.popitem(last=False)
                else:
                    rows.clear()
            rows[key] = value
        return value

    def clear(self) -> None:
        self._rows.clear()

    def fill(self, items: Iterable[tuple[Hashable, Any]]) -> None:
        """Keep many entries at once (those already kept stay as they are)."""
        if _enabled:
            rows = self._rows
            for key, value in items:
                rows.setdefault(key, value)

    def items(self) -> list[tuple[Hashable, Any]]:
        return list(self._rows.items()) if _enabled else []

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, key: Hashable) -> bool:
        return _enabled and key in self._rows


def memo(name: str, kept: int | None = None, *, flush: bool = False) -> Memo:
    """A new memo table, known to the seam."""
    table = Memo(name, kept, flush=flush)
    _tables.append(table)
    return table


def memoized(name: str, kept: int | None = None) -> Callable[[Callable[..., Any]], Any]:
    """A function's results kept in a memo table, by its (hashable) arguments."""

    def wrap(fn: Callable[..., Any]) -> Callable[..., Any]:
        table = memo(name, kept)

        def call(*args: Any) -> Any:
            found = table.get(args)
            if found is None:
                found = table.put(args, fn(*args))
            return found

        call.__doc__ = fn.__doc__
        call.__wrapped__ = fn  # type: ignore[attr-defined]
        call.table = table  # type: ignore[attr-defined]
        return call

    return wrap


def tables() -> list[Memo]:
    """Every memo table of the process (for tests and the README's list)."""
    return list(_tables)
