"""Jinja2 environment: brand folder over templates/, autoescaped, strict, with escaped gettext."""

from __future__ import annotations

import contextlib
import gettext as _gettext
import hashlib
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from .inline import literal

Translations = _gettext.NullTranslations


@cache
def environment(templates_dir: Path, brand_dir: Path | None) -> jinja2.Environment:
    """One environment per (templates, brand): the brand's own templates win over the defaults."""
    search = [str(brand_dir)] if brand_dir else []
    search.append(str(templates_dir))
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(search),
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


TEMPLATE_CACHE = ".cache/templates"  # under the project root; build products, never committed


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
    with: the folder is named by this module's source (the environment's options) and Jinja's
    version, so another version of either never reads the other's code. A folder that cannot
    be made means no cache, not an error."""
    key = "|".join((Path(__file__).read_text(encoding="utf-8"), jinja2.__version__, sys.version))
    folder = folder / hashlib.sha256(key.encode()).hexdigest()[:16]
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
