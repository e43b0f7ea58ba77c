"""GNU ``.mo`` catalogs: a parsed PO file -> the bytes of its compiled catalog, written in one
pass (polib's ``to_binary`` joins its strings one at a time, quadratic in the file's size: 40,000
entries took seconds, an 87 MB catalog over ten minutes); and a compiled catalog read in place.
"""

from __future__ import annotations

import gettext as _gettext
import mmap
import struct
from collections import OrderedDict
from collections.abc import Callable

import polib

MAGIC = 0x950412DE


def plural_rule(forms: str) -> Callable[[int], int]:
    """The rule of a Plural-Forms header (``n != 1`` when it gives none); ValueError when its
    expression does not parse (gettext's own parser, which allows only C's arithmetic)."""
    expression = forms.partition("plural=")[2].strip().rstrip(";").strip() or "n != 1"
    return _gettext.c2py(expression)


def compiled(po: polib.POFile) -> bytes:
    """The ``.mo`` of a PO file, as polib's ``to_binary`` makes it (the same bytes, in UTF-8):
    the header entry first, then every translated entry (not fuzzy, not obsolete, every
    plural form filled: as many as its Plural-Forms names) sorted by its key,
    ``msgctxt\\x04msgid``."""
    from .poflags import is_translated

    forms = po.metadata.get("Plural-Forms")
    done = [e for e in po if is_translated(e, forms)]
    entries = sorted(done, key=lambda e: e.msgid_with_context.encode("utf-8"))
    keys, values = [], []
    for entry in [po.metadata_as_entry(), *entries]:
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        if entry.msgid_plural:
            key += f"\0{entry.msgid_plural}"
            value = "\0".join(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural))
        else:
            value = entry.msgstr
        keys.append(key.encode("utf-8"))
        values.append(value.encode("utf-8"))
    return mo_bytes(keys, values)


def mo_bytes(keys: list[bytes], values: list[bytes]) -> bytes:
    """A ``.mo`` file holding ``values[i]`` for ``keys[i]`` (keys in the order given, which
    readers expect sorted), with no hash table: seven header words, the key table, the value
    table, then the keys and the values, each NUL-terminated."""
    count = len(keys)
    key_start = 7 * 4 + 16 * count
    table: list[int] = []
    offset = key_start
    for key in keys:
        table += (len(key), offset)
        offset += len(key) + 1
    for value in values:
        table += (len(value), offset)
        offset += len(value) + 1
    header = struct.pack("<7I", MAGIC, 0, count, 7 * 4, 7 * 4 + 8 * count, 0, key_start)
    return b"".join(
        (
            header,
            struct.pack(f"<{len(table)}I", *table),
            *(part for key in keys for part in (key, b"\0")),
            *(part for value in values for part in (value, b"\0")),
        )
    )


class MoFile:
    """A compiled (GNU ``.mo``) catalog read in place, never parsed whole: a key is found by
    binary search over the file's sorted table, and the first lookup in a topic decodes that
    topic's entries, which sit together because keys sort by ``topic/section/...`` context.
    Only the last few topics are kept, so a catalog for 250 topics costs what one topic does."""

    KEPT_TOPICS = 8

    def __init__(self, data: bytes | mmap.mmap) -> None:
        magic = struct.unpack_from("<I", data, 0)[0]
        order = {0x950412DE: "<", 0xDE120495: ">"}.get(magic)
        if order is None:
            raise ValueError("not a compiled gettext catalog")
        self._bytes = data
        self._pair = struct.Struct(order + "II")
        header = struct.unpack_from(order + "4I", data, 4)
        _, self._entry_count, self._key_table, self._value_table = header
        self._found: dict[str, str] = {}  # translations decoded so far (shared strings)
        self._topics: OrderedDict[str, list[str]] = OrderedDict()  # topic -> its keys
        self._rule: Callable[[int], int] | None = None  # Plural-Forms, compiled when needed
        # what the safety checks found (i18n.safety), set where the catalog is compiled
        self.unsafe: dict[str, tuple[int, list[str]]] = {}
        self.file_problems: list[tuple[int, str]] = []
        self.review_stale = False
        self.headers = {}
        if self._entry_count and self._key_at(0) == b"":
            for line in self._value_at(0).decode("utf-8").splitlines():
                name, _, value = line.partition(":")
                self.headers[name.strip().lower()] = value.strip()

    def _key_at(self, i: int) -> bytes:
        length, offset = self._pair.unpack_from(self._bytes, self._key_table + 8 * i)
        return bytes(self._bytes[offset : offset + length]).split(b"\0", 1)[0]

    def _value_at(self, i: int) -> bytes:
        length, offset = self._pair.unpack_from(self._bytes, self._value_table + 8 * i)
        return bytes(self._bytes[offset : offset + length])

    def _first_at_or_after(self, target: bytes) -> int:
        lo, hi = 0, self._entry_count
        while lo < hi:
            mid = (lo + hi) // 2
            if self._key_at(mid) < target:
                lo = mid + 1
            else:
                hi = mid
        return lo

    def _get(self, key: str) -> str | None:
        if key in self._found:
            return self._found[key]
        context = key.partition("\x04")[0] if "\x04" in key else ""
        topic = context.partition("/")[0] if "/" in context else ""
        if topic:
            if topic in self._topics:
                self._topics.move_to_end(topic)
                return None  # the topic is loaded: this key has no translation
            self._load_topic(topic)
            return self._found.get(key)
        target = key.encode("utf-8")
        i = self._first_at_or_after(target)
        if i < self._entry_count and self._key_at(i) == target:
            self._found[key] = self._value_at(i).decode("utf-8")
            return self._found[key]
        return None

    def get(self, key: str) -> str | None:
        """The translation of ``key`` (``context\\x04message`` or ``message``), or None. An
        entry with plural forms is not a translation of its singular: see ``plural``."""
        found = self._get(key)
        return None if found is None or "\x00" in found else found

    def plural(self, singular: str, n: int) -> str | None:
        """The form for ``n`` of the plural entry ``singular``, or None."""
        found = self._get(singular)
        if found is None or "\x00" not in found:
            return None
        forms = found.split("\x00")
        index = self._plural_rule()(n)
        return forms[index] if 0 <= index < len(forms) and forms[index] else None

    def _plural_rule(self) -> Callable[[int], int]:
        if self._rule is None:
            self._rule = plural_rule(self.headers.get("plural-forms", ""))
        return self._rule

    def _load_topic(self, topic: str) -> None:
        prefix = f"{topic}/".encode()
        i = self._first_at_or_after(prefix)
        keys = []
        while i < self._entry_count and (raw := self._key_at(i)).startswith(prefix):
            key = raw.decode("utf-8")
            self._found[key] = self._value_at(i).decode("utf-8")
            keys.append(key)
            i += 1
        self._topics[topic] = keys
        if isinstance(self._bytes, mmap.mmap) and hasattr(mmap, "MADV_DONTNEED"):
            # the pages read stay in the system's file cache, but leave this process's memory:
            # otherwise every topic visited would add its part of the file to the RSS
            self._bytes.madvise(mmap.MADV_DONTNEED)
        while len(self._topics) > self.KEPT_TOPICS:
            for old in self._topics.popitem(last=False)[1]:
                self._found.pop(old, None)
