"""Project layout: the folders of a checkout -> topics, brands, locales, editions and papers,
each loaded and validated once per process."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from . import engine, legibility
from .cache.codec import Codec
from .cache.keys import engine_key, file_digest, key
from .cache.store import FOLDER, folder, kept
from .editions import Edition, load_editions
from .errors import InputError, Problem, SelectionError
from .i18n.catalog import (
    DOMAIN,
    SOURCE_LOCALE,
    Catalog,
    catalog_files,
    load_catalog,
    locale_chain,
)
from .leaflet import STANDARD_EDITION
from .load import Sourced, load_yaml
from .model import Brand, Handout
from .textrules import hidden_characters
from .theme import (
    Places,
    Theme,
    deep_merge,
    load_theme_layers,
    override_problems,
    places_of,
    resolve_theme,
)

TOPIC_CACHE = f"{FOLDER}/topics"  # under the project root; build products, never committed
DEFAULT_BRAND = "default"
KEPT_TOPICS = 8  # loaded topics kept in memory, most recently used


@dataclass
class Project:
    root: Path
    _handouts: OrderedDict[str, Handout] = field(default_factory=OrderedDict, repr=False)
    _brands: dict[str, Brand] = field(default_factory=dict, repr=False)
    _themes: dict[tuple[str, str], Theme] = field(default_factory=dict, repr=False)
    _theme_data: dict[str, tuple[dict, Places]] = field(default_factory=dict, repr=False)
    _editions: dict[str, Edition] | None = field(default=None, repr=False)
    _legibility: dict | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        # file digests an earlier process remembered (fonts, templates ...): not hashed again
        from .cache.inputs import INDEX
        from .cache.keys import load_index

        load_index(self.root / INDEX)

    @property
    def handouts_dir(self) -> Path:
        return self.root / "handouts"

    @property
    def templates_dir(self) -> Path:
        return engine.templates_dir(self.root)

    @property
    def themes_dir(self) -> Path:
        return self.templates_dir / "themes"

    @property
    def brands_dir(self) -> Path:
        return engine.brands_dir(self.root)

    @property
    def locales_dir(self) -> Path:
        return self.root / "locales"

    @property
    def fonts_dir(self) -> Path:
        return engine.fonts_dir(self.root)

    @property
    def handout_schema(self) -> Path:
        return engine.handout_schema(self.root)

    @property
    def brand_schema(self) -> Path:
        return self.templates_dir / "brand.schema.json"

    # --- what exists ------------------------------------------------------------------------

    def topics(self) -> list[str]:
        return sorted(p.stem for p in self.handouts_dir.glob("*.yaml"))

    def brands(self) -> list[str]:
        return sorted(p.parent.name for p in self.brands_dir.glob("*/brand.yaml"))

    def locales(self) -> list[str]:
        """The source locale plus every locale with a catalog, as BCP-47 tags."""
        found = {
            p.parent.parent.name.replace("_", "-")
            for p in self.locales_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po")
        }
        return [SOURCE_LOCALE, *sorted(found - {SOURCE_LOCALE})]

    def editions(self) -> list[str]:
        """Every edition of ``templates/editions.yaml``, ``standard`` first."""
        return list(self._edition_table())

    def edition(self, name: str) -> Edition:
        table = self._edition_table()
        if name not in table:
            raise SelectionError(f"unknown edition {name!r} (available: {', '.join(table)})")
        return table[name]

    def _edition_table(self) -> dict[str, Edition]:
        if self._editions is None:
            self._editions = load_editions(self.templates_dir, root=self.root)
        return self._editions

    def theme_files(self, edition: str) -> list[Path]:
        """The theme files an edition is made of, in order."""
        layers = self.edition(edition).theme
        return [self.themes_dir / f"{name}.yaml" for name in ("default", *layers)]

    def papers(self) -> list[str]:
        return sorted(self.theme_data(STANDARD_EDITION)["papers"])

    # --- loading (cached) ---------------------------------------------------------------------

    def handout(self, topic: str) -> Handout:
        """A topic, loaded and validated. The last few are kept (a batch builds a topic's
        leaflets one after another), so memory stays flat however large the library is."""
        if topic in self._handouts:
            self._handouts.move_to_end(topic)
        else:
            path = self.handouts_dir / f"{topic}.yaml"
            if not path.is_file():
                raise SelectionError(
                    f"unknown topic {topic!r} (available: {', '.join(self.topics())})"
                )
            self._handouts[topic] = self._validated(topic, path)
            while len(self._handouts) > KEPT_TOPICS:
                self._handouts.popitem(last=False)
        return self._handouts[topic]

    def _validated(self, topic: str, path: Path) -> Handout:
        """A topic file -> its Handout, kept on disk under .cache/topics/ (as JSON data, see
        ``_topic_codec``) by the file's bytes, the schema's, the pictures beside it and the
        engine (every library and the package's code): each worker of a batch loads the topics
        it builds, and a kept one is read back in a tenth of the time. A file that does not
        validate is not kept (its problems are raised each time)."""
        from .validate import validate_handout

        try:
            text = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError):  # reported, with the place, by the loader
            return validate_handout(load_yaml(path, root=self.root), self.handout_schema)
        from .cache.inputs import topic_images
        from .limits import limits_file

        pictures = [(str(p), file_digest(p)) for p in topic_images(self.handouts_dir)]
        recipe = key(
            "topic",
            str(path),
            str(self.root),
            file_digest(path),
            file_digest(self.handout_schema),
            file_digest(limits_file(self.root)),  # the bounds it was loaded within
            pictures,  # a figure is checked when its topic is validated
            engine_key(),
        )
        codec = _topic_codec()
        return kept(  # type: ignore[no-any-return]
            folder(self.root, "topics"),
            topic,
            recipe,
            lambda: validate_handout(
                load_yaml(path, root=self.root, text=text), self.handout_schema
            ),
            dumps=codec.dumps,
            loads=codec.loads,
        )

    def brand_paper(self, brand_id: str) -> str:
        """A brand's default paper, read without validating the brand (building one of its
        leaflets validates it and reports every problem)."""
        if brand_id in self._brands:
            return self._brands[brand_id].paper
        data = load_yaml(self.brands_dir / brand_id / "brand.yaml", root=self.root).data
        paper = data.get("paper") if isinstance(data, dict) else None
        return paper if isinstance(paper, str) and paper in self.papers() else "unknown"

    def brand(self, brand_id: str) -> Brand:
        if brand_id not in self._brands:
            path = self.brands_dir / brand_id / "brand.yaml"
            if not path.is_file():
                raise SelectionError(
                    f"unknown brand {brand_id!r} (available: {', '.join(self.brands())})"
                )
            from .brands import validate_brand  # JSON Schema loads only when validating

            src = load_yaml(path, root=self.root)
            problems = []
            try:
                brand = validate_brand(src, self.brand_schema, papers=set(self.papers()))
            except InputError as exc:
                problems += exc.problems
            # the folder's name is the brand's id, in output paths, the manifest and messages
            problems += [
                src.problem((), f"the brand folder's name {brand_id!r} holds {m}")
                for m in hidden_characters(brand_id)
            ]
            theme = src.data.get("theme") if isinstance(src.data, dict) else None
            if isinstance(theme, dict):  # typos and wrong types in the overrides, all at once
                base = self.theme_data(STANDARD_EDITION)
                found = override_problems(base, theme)
                problems += [src.problem(("theme", *p), m) for p, m in found]
                if not found:  # then the values: colours, margins ... in every edition
                    problems += self._theme_value_problems(src, theme)
            if problems:
                raise InputError(sorted(set(problems), key=lambda p: (p.line or 0, p.field)))
            self._brands[brand_id] = brand
        return self._brands[brand_id]

    def _theme_value_problems(self, src: Sourced, theme: dict) -> list[Problem]:
        problems = []
        for edition in self.editions():
            data, places = self._theme_layers(edition)
            places = {**places, **places_of(src, ("theme",))}
            try:
                resolved = resolve_theme(
                    deep_merge(data, theme),
                    origin=src.display,
                    places=places,
                    fonts_dir=self.fonts_dir,
                )
            except InputError as exc:
                problems += exc.problems
            else:
                problems += legibility.problems(
                    resolved, edition, self.legibility_rules(), places, src.display
                )
        return problems

    def legibility_rules(self) -> dict:
        """The floors no theme may go under (``templates/legibility.yaml``)."""
        if self._legibility is None:
            self._legibility = legibility.load_rules(self.templates_dir, self.root)
        return self._legibility

    def _theme_layers(self, edition: str) -> tuple[dict, Places]:
        if edition not in self._theme_data:
            layers = self.edition(edition).theme
            self._theme_data[edition] = load_theme_layers(self.themes_dir, layers, root=self.root)
        return self._theme_data[edition]

    def theme_data(self, edition: str) -> dict:
        """The edition's theme before any brand's overrides, as plain data."""
        return self._theme_layers(edition)[0]

    def theme(self, brand_id: str, edition: str) -> Theme:
        """The resolved theme of a brand in an edition. A problem names the file and line
        that set the value: a theme file, or the brand's ``theme:``."""
        key = (brand_id, edition)
        if key not in self._themes:
            brand = self.brand(brand_id)
            data, places = self._theme_layers(edition)
            brand_places = {
                tuple(name.split(".")[1:]): (brand.source, line, "theme.")
                for name, line in brand.lines.items()
                if name.startswith("theme.")
            }
            origin = f"templates/themes (edition {edition}, with brand {brand_id})"
            places = {**places, **brand_places}
            theme = resolve_theme(
                deep_merge(data, brand.theme),
                origin=origin,
                places=places,
                fonts_dir=self.fonts_dir,
            )
            # too small or too faint to read: refused here, for every stage that asks
            unreadable = legibility.problems(
                theme, edition, self.legibility_rules(), places, origin
            )
            if unreadable:
                raise InputError(unreadable)
            self._themes[key] = theme
        return self._themes[key]

    def resolves(self, locale: str) -> bool:
        """Whether ``locale`` (BCP-47) can be built: it or a CLDR parent has a catalog."""
        chain = locale_chain(locale)
        return chain[-1] == SOURCE_LOCALE or bool(catalog_files(self.locales_dir, locale))

    def catalog(self, locale: str) -> Catalog:
        """A fresh catalog per leaflet, so its record of missing strings is the leaflet's own."""
        if not self.resolves(locale):
            raise SelectionError(
                f"unknown locale {locale!r} (available: {', '.join(self.locales())})"
            )
        return load_catalog(self.locales_dir, locale)


_codecs: list[Codec] = []


def _topic_codec() -> Codec:
    """JSON for a Handout: every dataclass of the model and of the block kinds' modules, and
    the model's texts that remember their line (``SourceText``, rebuilt with its line)."""
    if not _codecs:
        import dataclasses
        import inspect
        import sys

        from . import blocks, model

        modules = [model, *(sys.modules[type(k).__module__] for k in blocks.registry().kinds)]
        classes = [
            c
            for m in modules
            for _, c in inspect.getmembers(m, inspect.isclass)
            if c.__module__ == m.__name__
            and (
                dataclasses.is_dataclass(c)
                or (issubclass(c, str) and c.__getnewargs__ is not str.__getnewargs__)
            )
        ]
        _codecs.append(Codec(classes))
    return _codecs[0]


__all__ = ["DEFAULT_BRAND", "STANDARD_EDITION", "InputError", "Project"]
