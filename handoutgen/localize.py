"""Localize stage: Handout + locale catalog -> LocalizedHandout (strings, dates for the locale)."""

from __future__ import annotations

from babel import Locale, UnknownLocaleError
from babel.dates import format_date

from .cache import memoized
from .errors import SelectionError
from .i18n.catalog import (
    DOMAIN,
    REVIEWER_HEADER,
    SOURCE_LOCALE,
    Catalog,
    MoFile,
    catalog_files,
    entry_place,
    load_catalog,
    locale_chain,
    source_place,
    to_babel,
)
from .model import Handout, LocaleInfo, LocalizedHandout
from .strings import map_strings

__all__ = [
    "DOMAIN",
    "REVIEWER_HEADER",
    "SOURCE_LOCALE",
    "Catalog",
    "MoFile",
    "catalog_files",
    "date_locale",
    "entry_place",
    "load_catalog",
    "locale_chain",
    "locale_info",
    "localize",
    "source_place",
    "to_babel",
]


def locale_info(tag: str) -> LocaleInfo:
    try:
        loc = Locale.parse(to_babel(tag))
    except (UnknownLocaleError, ValueError) as exc:
        raise SelectionError(f"unknown locale {tag!r}: {exc}") from None
    return LocaleInfo(
        tag=tag,
        language_name=(loc.get_display_name(loc) or tag)[:1].upper()
        + (loc.get_display_name(loc) or tag)[1:],
        direction="rtl" if loc.text_direction == "rtl" else "ltr",
    )


@memoized("date locales")  # Babel's parse costs about 0.3 ms, on every leaflet
def date_locale(tag: str, region: str | None) -> str:
    """The Babel locale for dates: ``en`` for a GB clinic formats dates as ``en_GB`` does."""
    babel_tag = to_babel(tag)
    if region and "_" not in babel_tag:
        try:
            return str(Locale.parse(f"{babel_tag}_{region}"))
        except (UnknownLocaleError, ValueError):
            pass
    return babel_tag


def localize(
    handout: Handout, catalog: Catalog, tag: str, *, region: str | None = None
) -> LocalizedHandout:
    """Translate every string of ``handout`` and format its dates for locale ``tag`` (and the
    clinic's ``region`` where the locale names none)."""
    info = locale_info(tag)
    start = len(catalog.missing)
    translated = map_strings(handout, catalog.pgettext)
    babel_locale = date_locale(tag, region)
    dates = {
        # no-break spaces: a date is never split across two lines
        key: format_date(getattr(handout, key), format="long", locale=babel_locale).replace(
            " ", "\u00a0"
        )
        for key in ("published", "last_reviewed", "next_review")
    }
    return LocalizedHandout(
        handout=translated,
        locale=info,
        dates=dates,
        missing=tuple(catalog.missing[start:]),
        translated=not catalog.source,
        translation_reviewer=catalog.reviewer,
        translation_changed=catalog.review_stale,
    )
