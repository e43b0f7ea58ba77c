"""Project layout: the folders of a checkout -> topics, brands, locales, editions and papers,
each loaded and validated once per process."""

from __future__ import annotations

import sys
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from .errors import InputError, Problem, SelectionError
from .load import Sourced, format_path, load_yaml
from .localize import (
    DOMAIN,
    SOURCE_LOCALE,
    Catalog,
    catalog_files,
    load_catalog,
    locale_chain,
)
from .model import Brand, Handout
from .theme import Theme, deep_merge, load_theme_layers, override_problems, resolve_theme

TOPIC_CACHE = ".cache/topics"  # under the project root; build products, never committed
DEFAULT_BRAND = "default"
KEPT_TOPICS = 8  # loaded topics kept in memory, most recently used
STANDARD_EDITION = "standard"


@dataclass
class Project:
    root: Path
    _handouts: OrderedDict[str, Handout] = field(default_factory=OrderedDict, repr=False)
    _brands: dict[str, Brand] = field(default_factory=dict, repr=False)
    _themes: dict[tuple[str, str], Theme] = field(default_factory=dict, repr=False)
    _theme_data: dict[str, dict] = field(default_factory=dict, repr=False)

    @property
    def handouts_dir(self) -> Path:
        return self.root / "handouts"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def themes_dir(self) -> Path:
        return self.templates_dir / "themes"

    @property
    def brands_dir(self) -> Path:
        return self.templates_dir / "brands"

    @property
    def locales_dir(self) -> Path:
        return self.root / "locales"

    @property
    def fonts_dir(self) -> Path:
        return self.root / "fonts"

    @property
    def handout_schema(self) -> Path:
        return self.handouts_dir / "handout.schema.json"

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
        variants = sorted(p.stem for p in self.themes_dir.glob("*.yaml") if p.stem != "default")
        return [STANDARD_EDITION, *variants]

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
        """A topic file -> its Handout, kept on disk under .cache/topics/ by the file's bytes,
        the schema's, the package's code and its parsers (_code_key): each worker of a batch
        loads the topics it builds, and a kept one is read back in a tenth of the time. A file
        that does not validate is not kept (its problems are raised each time)."""
        from .validate import validate_handout

        try:
            raw = path.read_bytes()
            text = raw.decode("utf-8")
            schema = self.handout_schema.read_bytes()
        except (OSError, UnicodeDecodeError):  # reported, with the place, by the loader
            return validate_handout(load_yaml(path, root=self.root), self.handout_schema)
        key = "|".join(
            (str(path), str(self.root), _sha(raw), _sha(schema), _code_key(), sys.version)
        )
        from .diskcache import pickled

        return pickled(
            self.root / TOPIC_CACHE,
            topic,
            key,
            lambda: validate_handout(
                load_yaml(path, root=self.root, text=text), self.handout_schema
            ),
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
            from .validate import validate_brand  # JSON Schema loads only when validating

            src = load_yaml(path, root=self.root)
            problems = []
            try:
                brand = validate_brand(src, self.brand_schema, papers=set(self.papers()))
            except InputError as exc:
                problems += exc.problems
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
        lines = {format_path(path): line for path, line in src.lines.items() if path}
        problems = []
        for edition in self.editions():
            try:
                resolve_theme(deep_merge(self.theme_data(edition), theme), origin=src.display)
            except InputError as exc:
                problems += [_at_line(p, src.display, lines) for p in exc.problems]
        return problems

    def theme_data(self, edition: str) -> dict:
        if edition not in self._theme_data:
            if edition not in self.editions():
                raise SelectionError(
                    f"unknown edition {edition!r} (available: {', '.join(self.editions())})"
                )
            self._theme_data[edition] = load_theme_layers(self.themes_dir, edition, root=self.root)
        return self._theme_data[edition]

    def theme(self, brand_id: str, edition: str) -> Theme:
        key = (brand_id, edition)
        if key not in self._themes:
            brand = self.brand(brand_id)
            data = deep_merge(self.theme_data(edition), brand.theme)
            origin = f"templates/themes (edition {edition}, with brand {brand_id})"
            try:
                self._themes[key] = resolve_theme(data, origin=origin)
            except InputError as exc:  # a value the brand set is named at its line
                raise InputError(
                    [_at_line(p, brand.source, brand.lines) for p in exc.problems]
                ) from None
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


def _at_line(problem: Problem, source: str, lines: dict[str, int]) -> Problem:
    """A theme problem in a value a brand overrides -> its brand.yaml file and line."""
    parts = problem.field.split(".")
    for n in range(len(parts), 0, -1):
        key = ".".join(["theme", *parts[:n]])
        if key in lines:
            return Problem(source, lines[key], f"theme.{problem.field}", problem.message)
    return problem


__all__ = ["DEFAULT_BRAND", "STANDARD_EDITION", "InputError", "Project"]


def _sha(data: bytes) -> str:
    from .inputs import sha256

    return sha256(data).hexdigest()


@cache
def _code_key() -> str:
    """What a kept Handout depends on besides its files: the whole package (loading, checks,
    the inline syntax, the model), the YAML parser and the schema validator that accepted it.
    (jsonschema is consulted only for a topic fastjsonschema rejects, and those are not kept.)"""
    from importlib.util import find_spec

    import yaml

    from . import __version__
    from .inputs import code_digest

    parts = [__version__, code_digest(), yaml.__version__]
    parts.append(str(getattr(yaml, "__with_libyaml__", None)))
    spec = find_spec("fastjsonschema")  # its version, without its 20 ms import
    if spec and spec.origin:
        folder = Path(spec.origin).parent
        for name in ("__init__.py", "version.py"):
            if (folder / name).is_file():
                parts.append(_sha((folder / name).read_bytes()))
    return "|".join(parts)
