"""The front desk's words and pages: templates/serve/*.html.j2 + an interface language -> HTML,
in an autoescaped Jinja environment whose gettext reads the project's catalogs; and each
language's own name and direction for the pickers."""

from __future__ import annotations

import gettext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from ..cache import memo
from ..cache.keys import file_digest
from ..i18n.catalog import SOURCE_LOCALE, catalog_files, load_catalog, to_babel
from ..localize import locale_info

__all__ = ["FOLDER", "Language", "environment", "language", "negotiate", "render", "to_babel"]

FOLDER = "serve"  # in templates/: the pages, serve.yaml and static/
_ENVIRONMENTS = memo("serve environments", kept=16)


@dataclass(frozen=True)
class Language:
    """A language as the pickers show it: in its own name and script, and its direction."""

    tag: str
    name: str
    direction: str


def language(tag: str) -> Language:
    info = locale_info(tag)  # Babel's display name of the locale in itself, capitalised
    return Language(tag, info.language_name, info.direction)


class Translations(gettext.NullTranslations):
    """A locale's catalogs (its own and its CLDR parents') as gettext: translated, non-fuzzy
    entries that pass the catalog checks, else the English. Unlike a leaflet's catalog it
    records nothing, so one lasts as long as the catalog files are unchanged."""

    def __init__(self, locales_dir: Path, tag: str) -> None:
        super().__init__()
        self.layers = load_catalog(locales_dir, tag).layers

    def _find(self, key: str) -> str | None:
        for layer in self.layers:
            found = layer.get(key)
            if found:
                return None if key in layer.unsafe else found
        return None

    def gettext(self, message: str) -> str:
        return self._find(message) or message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        for layer in self.layers:
            found = layer.plural(singular, n)
            if found:
                return (singular if n == 1 else plural) if singular in layer.unsafe else found
        return singular if n == 1 else plural


def environment(root: Path, tag: str) -> jinja2.Environment:
    """The pages' environment in interface language ``tag``: autoescaped, strict about
    undefined names, translations from the catalogs as they are now on disk."""
    locales_dir = root / "locales"
    files = [] if tag == SOURCE_LOCALE else catalog_files(locales_dir, tag)
    key = (str(root), tag, tuple(file_digest(p) for p in files))
    found = _ENVIRONMENTS.get(key)
    if found is None:
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(root / "templates" / FOLDER),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            extensions=["jinja2.ext.i18n"],
            trim_blocks=True,
            lstrip_blocks=True,
        )
        translations = Translations(locales_dir, tag) if files else gettext.NullTranslations()
        env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
        found = _ENVIRONMENTS.put(key, env)
    return found  # type: ignore[no-any-return]


def render(root: Path, tag: str, name: str, **values: Any) -> str:
    """Template ``name`` of templates/serve/ in interface language ``tag``."""
    values.setdefault("ui", language(tag))
    return environment(root, tag).get_template(name).render(**values)


def negotiate(header: str, available: list[str], limit: int) -> str:
    """The interface language an Accept-Language header asks for, among ``available`` (the
    source language if none): the header's first ``limit`` characters, by quality."""
    from babel.core import negotiate_locale

    wanted: list[tuple[float, int, str]] = []
    for index, part in enumerate(header[:limit].split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        if tag and tag != "*":
            wanted.append((-quality, index, tag))
    preferred = [tag for _, _, tag in sorted(wanted)]
    found = negotiate_locale(preferred, available, sep="-") if preferred else None
    if found is None:  # zh-CN asks for Simplified Chinese: match on the language alone
        by_language = {t.split("-")[0].lower(): t for t in reversed(available)}
        asked = (t.split("-")[0].lower() for t in preferred)
        found = next((by_language[t] for t in asked if t in by_language), None)
    return found or SOURCE_LOCALE
