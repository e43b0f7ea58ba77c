"""Localize stage: Handout + locale catalog -> LocalizedHandout (strings, dates for the locale)."""

from __future__ import annotations

import gettext as _gettext
from dataclasses import dataclass, field
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.messages.pofile import read_po

from .errors import SelectionError
from .model import Handout, LocaleInfo, LocalizedHandout, map_strings

SOURCE_LOCALE = "en"
DOMAIN = "handouts"


def to_babel(tag: str) -> str:
    """BCP-47 ``pt-BR`` -> Babel/gettext ``pt_BR``."""
    return tag.replace("-", "_")


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


@dataclass
class Catalog(_gettext.NullTranslations):
    """Translations read from a PO catalog; fuzzy and empty entries count as missing."""

    messages: dict[tuple[str | None, str], str] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__()

    def lookup(self, context: str | None, message: str) -> str:
        found = self.messages.get((context, message))
        if found is None:
            self.missing.append(f"{context}|{message}" if context else message)
            return message
        return found

    def gettext(self, message: str) -> str:
        return self.lookup(None, message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.lookup(None, singular if n == 1 else plural)

    def pgettext(self, context: str, message: str) -> str:
        return self.lookup(context, message)


def load_catalog(locales_dir: Path, tag: str) -> Catalog:
    """The catalog for ``tag``; the source locale has an empty one that falls back to itself."""
    catalog = Catalog()
    if tag == SOURCE_LOCALE:
        catalog.lookup = lambda context, message: message  # type: ignore[method-assign]
        return catalog
    po_path = locales_dir / to_babel(tag) / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not po_path.is_file():
        raise SelectionError(f"no catalog for locale {tag!r} ({po_path})")
    with po_path.open("rb") as fh:
        po = read_po(fh, locale=to_babel(tag))
    for msg in po:
        if not msg.id or msg.fuzzy or isinstance(msg.id, tuple):
            continue
        if isinstance(msg.string, str) and msg.string:
            catalog.messages[(msg.context, msg.id)] = msg.string
    return catalog


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
        handout=translated, locale=info, dates=dates, missing=tuple(catalog.missing[start:])
    )
