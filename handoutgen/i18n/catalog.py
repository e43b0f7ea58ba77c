"""Catalogs at build time: a locale's PO files (its own and its CLDR parents') -> translations
looked up by context, compiled once per content and read in place; and where a catalog holds
an entry, for messages."""

from __future__ import annotations

import contextlib
import gettext as _gettext
import hashlib
import json
import mmap
import struct
from pathlib import Path

import polib
from babel.core import get_global

from .. import cache
from ..cache import memoized
from ..cache.keys import engine_key, file_digest, key
from ..cache.store import FOLDER, folder, verified_length, write_sealed
from ..errors import InputError, SelectionError
from ..limits import limits_file
from .mofile import MoFile, compiled
from .poread import read_po
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


_compiled_catalogs = cache.memo("compiled catalogs")


def _compiled(path: Path) -> tuple[MoFile, str | None]:
    """A PO file's translations, compiled at build time and cached by content (once per
    process and PO content; on disk under ``.cache/catalogs``, named by the PO's hash, written
    once and never changed, so a mapped copy cannot be rewritten under a running build:
    ``i18n compile`` or ``msgfmt`` write the ``.mo`` beside the PO, which builds never read).
    Fuzzy entries are left out. With caches off, compiled in memory every time. A catalog
    that cannot be read raises InputError naming it (and is not read again this process)."""
    digest = file_digest(path)
    found = _compiled_catalogs.get((path, digest))
    if found is None:
        try:
            found = _compile(path, digest)
        except InputError as exc:
            found = exc
        _compiled_catalogs.put((path, digest), found)
    if isinstance(found, InputError):
        raise found
    return found


def _compile(path: Path, digest: str) -> tuple[MoFile, str | None]:
    root = path.parents[3]  # <root>/locales/<id>/LC_MESSAGES/<domain>.po
    ident = path.parent.parent.name
    # the catalog's bytes, the bounds it was read within, and the engine that compiled it
    recipe = key("catalog", digest, file_digest(limits_file(root)), engine_key())
    cached = folder(root, "catalogs") / f"{ident}-{recipe[:32]}.mo"
    if cache.enabled():
        found = _read_back(cached, recipe, digest)
        if found is not None:
            return found
    raw, text, po = read_po(path, root, _relative(path, root))
    unsafe, problems = _safety(text, po)
    reviewer, stale = reviewed(po)
    po.metadata[_SOURCE_HEADER] = digest
    po.metadata[_SAFETY_HEADER] = json.dumps(
        {"entries": unsafe, "file": problems, "review_stale": stale},
        ensure_ascii=True,
        sort_keys=True,
    )
    data = compiled(po)
    # kept only when the bytes compiled are those the digest names (not changed meanwhile)
    if cache.enabled() and hashlib.sha256(raw).hexdigest() == digest:
        with contextlib.suppress(OSError):  # a read-only checkout still builds
            if write_sealed(cached, data, recipe):
                for old in cached.parent.glob(f"{ident}-*.mo"):  # earlier versions
                    if old != cached:
                        old.unlink(missing_ok=True)
    return _checked(MoFile(data), unsafe, problems, stale), reviewer


def _read_back(cached: Path, recipe: str, digest: str) -> tuple[MoFile, str | None] | None:
    """The compiled catalog kept for ``recipe``, mapped in place, or None: missing, cut short,
    changed, planted or made from other bytes (its trailer's HMAC and the PO digest in its
    header are both checked) are all a miss."""
    try:
        with cached.open("rb") as fh:
            mapped = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):  # missing, unreadable, empty
        return None
    try:
        if verified_length(mapped, recipe) is None:
            raise ValueError("not an entry for this catalog")
        if hasattr(mmap, "MADV_DONTNEED"):  # the pages hashed leave this process's memory
            mapped.madvise(mmap.MADV_DONTNEED)
        compiled = MoFile(mapped)
        checked = compiled.headers.get(_SAFETY_HEADER.lower())
        if compiled.headers.get(_SOURCE_HEADER.lower()) != digest or not checked:
            raise ValueError("made from other bytes")
        found = json.loads(checked)
        stale = bool(found.get("review_stale"))
        reviewer = None if stale else compiled.headers.get(REVIEWER_HEADER.lower(), "")
        unsafe = {k: (line, list(p)) for k, (line, p) in found["entries"].items()}
        problems = [(line, message) for line, message in found["file"]]
    except (ValueError, KeyError, TypeError, struct.error):  # our own data of another format
        mapped.close()
        return None
    return _checked(compiled, unsafe, problems, stale), (reviewer or "").strip() or None


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
