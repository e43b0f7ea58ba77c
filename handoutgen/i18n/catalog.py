"""Catalogs at build time: a locale's PO files (its own and its CLDR parents') -> translations
looked up by context, compiled once per content and read in place; and where a catalog holds
an entry, for messages."""

from __future__ import annotations

import contextlib
import gettext as _gettext
import json
import mmap
import struct
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

import polib
from babel.core import get_global

from .. import cache
from ..cache import memoized
from ..cache.keys import engine_key, file_digest, key
from ..cache.store import FOLDER, folder
from ..errors import SelectionError
from .stamps import REVIEWER_HEADER, reviewed

SOURCE_LOCALE = "en"
DOMAIN = "handouts"


def to_babel(tag: str) -> str:
    """BCP-47 ``pt-BR`` -> Babel/gettext ``pt_BR``."""
    return tag.replace("-", "_")


def locale_chain(tag: str) -> list[str]:
    """Babel identifiers to look translations up in, most specific first, following CLDR's
    parents: ``pt-BR`` -> pt_BR, pt; ``pt-AO`` -> pt_AO, pt_PT, pt; ``es-MX`` -> es_MX, es_419,
    es."""
    ident = to_babel(tag)
    chain = [ident]
    parents = get_global("parent_exceptions")
    while True:
        if ident in parents:
            ident = parents[ident]
        elif "_" in ident:
            ident = ident.rsplit("_", 1)[0]
        else:
            break
        if ident == "root":
            break
        chain.append(ident)
    return chain


class Catalog(_gettext.NullTranslations):
    """Translations along a locale chain, compiled from PO catalogs in memory. Fuzzy and empty
    entries are not translations; every lookup that falls back to the source is recorded."""

    def __init__(
        self,
        layers: list[MoFile] | None = None,
        *,
        source: bool = False,
        reviewer: str | None = None,
        paths: list[Path] | None = None,
    ) -> None:
        super().__init__()
        self.layers = layers or []
        self.paths = paths or []  # the PO file of each layer
        self.source = source
        self.reviewer = reviewer
        # a review was recorded, but the translations changed since: not printed as checked
        self.review_stale = bool(layers and getattr(layers[0], "review_stale", False))
        self.missing: list[str] = []
        self.unsafe: list[tuple[int, str]] = []  # (layer, key) of translations that fail a check
        # every lookup: (context, message, what it gave, index of the layer or -1 for the source)
        self.lookups: list[tuple[str | None, str, str, int]] = []

    def lookup(self, context: str | None, message: str) -> str:
        if not self.source:
            key = f"{context}\x04{message}" if context else message
            for index, layer in enumerate(self.layers):
                found = layer.get(key)
                if found:
                    if key in layer.unsafe:  # recorded (the build refuses the leaflet) and
                        # never used: composing goes on with the source, and cannot fail on it
                        self.unsafe.append((index, key))
                        found = message
                    self.lookups.append((context, message, found, index))
                    return found
            self.missing.append(f"{context}|{message}" if context else message)
        self.lookups.append((context, message, message, -1))
        return message

    def gettext(self, message: str) -> str:
        return self.lookup(None, message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """The plural form for ``n`` by each catalog's own Plural-Forms rule."""
        if not self.source:
            for index, layer in enumerate(self.layers):
                found = layer.plural(singular, n)
                if found:
                    if singular in layer.unsafe:
                        self.unsafe.append((index, singular))
                        found = singular if n == 1 else plural
                    self.lookups.append((None, singular, found, index))
                    return found
            self.missing.append(singular)
        source = singular if n == 1 else plural
        self.lookups.append((None, singular, source, -1))
        return source

    def pgettext(self, context: str, message: str) -> str:
        return self.lookup(context, message)

    def refused(self, root: Path) -> list[str]:
        """Why what this leaflet looked up must not be printed: each translation it uses that
        fails a safety check, and each catalog of its chain that is ambiguous or cut short,
        named by file:line (and msgctxt)."""
        out = []
        for index, layer in enumerate(self.layers):
            where = _relative(self.paths[index], root) if index < len(self.paths) else "catalog"
            out += [f"{where}:{line}: {problem}" for line, problem in layer.file_problems]
        for index, entry in dict.fromkeys(self.unsafe):
            line, problems = self.layers[index].unsafe[entry]
            where = _relative(self.paths[index], root) if index < len(self.paths) else "catalog"
            if "\x04" in entry:
                named = f"msgctxt {entry.partition(chr(4))[0]!r}"
            else:  # a template string: no context
                named = f"msgid {entry[:50]!r}"
            out += [f"{where}:{line} {named}: {problem}" for problem in problems]
        return out


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


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
            expression = self.headers.get("plural-forms", "").partition("plural=")[2]
            expression = expression.strip().rstrip(";") or "n != 1"
            self._rule = _gettext.c2py(expression)
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


_compiled_catalogs = cache.memo("compiled catalogs")


def _compiled(path: Path) -> tuple[MoFile, str | None]:
    """A PO file's translations, compiled at build time and cached by content (once per
    process and PO content; on disk under ``.cache/catalogs``, named by the PO's hash, written
    once and never changed, so a mapped copy cannot be rewritten under a running build:
    ``i18n compile`` or ``msgfmt`` write the ``.mo`` beside the PO, which builds never read).
    Fuzzy entries are left out. With caches off, compiled in memory every time."""
    digest = file_digest(path)
    found = _compiled_catalogs.get((path, digest))
    if found is None:
        found = _compiled_catalogs.put((path, digest), _compile(path, digest))
    return found


def _compile(path: Path, digest: str) -> tuple[MoFile, str | None]:
    root = path.parents[3]  # <root>/locales/<id>/LC_MESSAGES/<domain>.po
    ident = path.parent.parent.name
    # named by the catalog's bytes, and the engine that compiled it (polib, the package)
    cached = folder(root, "catalogs") / f"{ident}-{key('catalog', digest, engine_key())[:32]}.mo"
    if not cache.enabled():
        text = path.read_text(encoding="utf-8")
        po = polib.pofile(text)
        reviewer, stale = reviewed(po)
        return _checked(MoFile(po.to_binary()), *_safety(text, po), stale), reviewer
    with contextlib.suppress(OSError, ValueError, struct.error):  # missing or unreadable
        with cached.open("rb") as fh:
            mapped = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        compiled = MoFile(mapped)
        checked = compiled.headers.get(_SAFETY_HEADER.lower())
        if compiled.headers.get(_SOURCE_HEADER.lower()) == digest and checked:
            found = json.loads(checked)
            stale = bool(found.get("review_stale"))
            reviewer = None if stale else compiled.headers.get(REVIEWER_HEADER.lower(), "")
            unsafe = {k: (line, list(p)) for k, (line, p) in found["entries"].items()}
            problems = [(line, message) for line, message in found["file"]]
            return _checked(compiled, unsafe, problems, stale), (reviewer or "").strip() or None
        mapped.close()
    text = path.read_text(encoding="utf-8")
    po = polib.pofile(text)
    unsafe, problems = _safety(text, po)
    reviewer, stale = reviewed(po)
    po.metadata[_SOURCE_HEADER] = digest
    po.metadata[_SAFETY_HEADER] = json.dumps(
        {"entries": unsafe, "file": problems, "review_stale": stale},
        ensure_ascii=True,
        sort_keys=True,
    )
    data = po.to_binary()
    with contextlib.suppress(OSError):  # a read-only checkout still builds
        from ..write import write_atomic

        write_atomic(cached, data)
        for old in cached.parent.glob(f"{ident}-*.mo"):  # earlier versions of this catalog
            if old != cached:
                old.unlink(missing_ok=True)
    return _checked(MoFile(data), unsafe, problems, stale), reviewer


def _safety(
    text: str, po: polib.POFile
) -> tuple[dict[str, tuple[int, list[str]]], list[tuple[int, str]]]:
    from .safety import file_problems, unsafe_entries

    return unsafe_entries(po, text), file_problems(text, po)


def _checked(
    mo: MoFile,
    unsafe: dict[str, tuple[int, list[str]]],
    problems: list[tuple[int, str]],
    stale: bool = False,
) -> MoFile:
    mo.unsafe = unsafe
    mo.file_problems = problems
    mo.review_stale = stale
    return mo


CATALOG_CACHE = f"{FOLDER}/catalogs"  # under the project root; build products, never committed
_SOURCE_HEADER = "X-Compiled-From-Sha256"
_SAFETY_HEADER = "X-Handoutgen-Safety"  # what i18n.safety found, as JSON


def catalog_files(locales_dir: Path, tag: str) -> list[Path]:
    return [
        p
        for ident in locale_chain(tag)
        if (p := locales_dir / ident / "LC_MESSAGES" / f"{DOMAIN}.po").is_file()
    ]


def load_catalog(locales_dir: Path, tag: str) -> Catalog:
    """The catalog for ``tag``: its own PO file and those of its CLDR parents."""
    if locale_chain(tag)[-1] == SOURCE_LOCALE:
        return Catalog(source=True)
    files = catalog_files(locales_dir, tag)
    if not files:
        raise SelectionError(
            f"no catalog for locale {tag!r} (looked for "
            f"{', '.join(locale_chain(tag))} in {locales_dir})"
        )
    compiled = [_compiled(p) for p in files]
    return Catalog([t for t, _ in compiled], reviewer=compiled[0][1], paths=files)


@memoized("catalog entry lines", kept=16)
def _entry_lines(path: Path, digest: str) -> dict[tuple[str | None, str], int]:
    """(msgctxt, msgid) -> line of each entry of a PO or POT file (read only to name a place)."""
    return {(e.msgctxt, e.msgid): e.linenum for e in polib.pofile(str(path)) if not e.obsolete}


@memoized("template places", kept=4)
def _occurrences(path: Path, digest: str) -> dict[tuple[str | None, str], str]:
    """(msgctxt, msgid) -> the first ``#:`` reference of each entry of the POT."""
    return {
        (e.msgctxt, e.msgid): f"{e.occurrences[0][0]}:{e.occurrences[0][1]}"
        for e in polib.pofile(str(path))
        if e.occurrences
    }


def entry_place(path: Path, context: str | None, message: str, root: Path) -> str:
    """``locales/es/LC_MESSAGES/handouts.po:120``: where a catalog holds an entry."""
    line = _entry_lines(path, file_digest(path)).get((context, message))
    shown = path.relative_to(root) if path.is_relative_to(root) else path
    return f"{shown}:{line}" if line else str(shown)


def source_place(pot: Path, context: str | None, message: str) -> str | None:
    """The template file and line an entry was extracted from, read off the POT's ``#:``."""
    if not pot.is_file():
        return None
    return _occurrences(pot, file_digest(pot)).get((context, message))
