"""Jinja2 environment: brand folder over templates/, autoescaped, strict, with escaped gettext."""

from __future__ import annotations

import contextlib
import gettext as _gettext
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from . import cache
from .cache.keys import file_digest, key
from .cache.store import FOLDER
from .inline import literal

Translations = _gettext.NullTranslations


_checked = [0]  # the compose run a template's bytes were last checked in


def new_run() -> None:
    """A new compose run: each template's bytes are checked again (once in the run, however
    often the leaflet includes it)."""
    _checked[0] += 1


class TemplateTextError(jinja2.TemplateSyntaxError):
    """A template's own text holds a character that hides or reorders what it prints."""


def _refuse_hidden(source: str, name: str, filename: str) -> None:
    """TemplateTextError at the first line of ``source`` holding a character the text rules
    refuse (controls, bidi embeddings and isolates, invisible characters): a template's text
    prints as written, so it answers to the rules content does."""
    from .textrules import hidden_characters

    for number, line in enumerate(source.split("\n"), 1):
        line = line.removesuffix("\r").replace("\t", " ")
        if line.isprintable():  # almost every line: no need to look at each character
            continue
        found = hidden_characters(line)
        if found:
            raise TemplateTextError(found[0], number, name, filename)


class _Loader(jinja2.FileSystemLoader):
    """Jinja's file loader, with a template up to date while its bytes are the same (Jinja's
    own check compares modification times, which ``touch -r`` or ``cp -p`` restore), and its
    text held to the rules of printed text."""

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        source, filename, _ = super().get_source(environment, template)
        _refuse_hidden(source, template, filename)
        digest = file_digest(filename)
        seen = [_checked[0], True]

        def uptodate() -> bool:
            if seen[0] != _checked[0]:
                seen[:] = [_checked[0], file_digest(filename) == digest]
            return bool(seen[1])

        return source, filename, uptodate


_environments = cache.memo("template environments", kept=16)


def environment(templates_dir: Path, brand_dir: Path | None) -> jinja2.Environment:
    """One environment per (templates, brand): the brand's own templates win over the defaults.
    Kept for the process (its templates are compiled once, and again when their bytes
    change), unless caches are off."""
    found = _environments.get((templates_dir, brand_dir))
    if found is None:
        found = _environments.put((templates_dir, brand_dir), _make(templates_dir, brand_dir))
    return found


def _make(templates_dir: Path, brand_dir: Path | None) -> jinja2.Environment:
    search = [str(brand_dir)] if brand_dir else []
    search.append(str(templates_dir))
    env = jinja2.Environment(
        loader=_Loader(search),
        bytecode_cache=_bytecode_cache(templates_dir.parent / TEMPLATE_CACHE),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=False,
        keep_trailing_newline=True,
    )
    env.newstyle_gettext = True  # type: ignore[attr-defined]
    env.filters["literal"] = literal  # data that must print exactly as written
    return env


TEMPLATE_CACHE = f"{FOLDER}/templates"  # under the project root; build products, never committed


class _BytecodeCache(jinja2.FileSystemBytecodeCache):
    """Jinja's on-disk cache of compiled templates, where failing to read or write a cached
    template (a folder another user owns, a full disk, a file cut short) only means compiling
    it again."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        # a file cut short or garbled (pickle, marshal or EOF errors): compiled again
        with contextlib.suppress(Exception):
            super().load_bytecode(bucket)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def _bytecode_cache(folder: Path) -> jinja2.BytecodeCache | None:
    """Compiled templates kept between runs (about 60 ms a process for the shipped ones).
    Jinja keys each by its file name and source checksum, not by the options it was compiled
    with: the folder is named by this module's source (the environment's options), Jinja's
    version and Python's, so another version of any never reads the other's code. A folder
    that cannot be made means no cache, not an error; with caches off, none."""
    if not cache.enabled():
        return None
    recipe = key("templates", file_digest(__file__), jinja2.__version__, sys.version)
    folder = folder / recipe[:16]
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return _BytecodeCache(str(folder))


def gettext_callables(translations: Translations) -> dict[str, Callable[..., Any]]:
    """``gettext``/``ngettext`` for templates that treat translations as text, never markup.

    Jinja's own i18n helpers mark a translation safe; a catalog is untrusted input, so escape it
    first, then let Markup's ``%`` escape the named variables.
    """

    @jinja2.pass_context
    def gettext(_ctx: jinja2.runtime.Context, message: str, **variables: Any) -> Markup:
        return escape(translations.gettext(message)) % variables

    @jinja2.pass_context
    def ngettext(
        _ctx: jinja2.runtime.Context, singular: str, plural: str, n: int, **variables: Any
    ) -> Markup:
        variables.setdefault("num", n)
        return escape(translations.ngettext(singular, plural, n)) % variables

    @jinja2.pass_context
    def pgettext(
        _ctx: jinja2.runtime.Context, context: str, message: str, **variables: Any
    ) -> Markup:
        return escape(translations.pgettext(context, message)) % variables

    return {"gettext": gettext, "ngettext": ngettext, "pgettext": pgettext, "_": gettext}
