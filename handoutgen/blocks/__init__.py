"""Block kinds: one module per kind of block -> the registry every stage asks how to read,
check, translate, compose, lay out and glyph-check a block.

A kind is a module here defining ``Kind`` (a ``BlockKind``), plus its data: its part of
``handouts/handout.schema.json``, its template ``templates/blocks/<type>.xml.j2`` and any theme
styles or spacing it names. The registry finds the modules itself; nothing else in the package
names a kind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from ..errors import Problem
from ..model import ContentBlock, DocBlock, Inline

if TYPE_CHECKING:
    import xml.etree.ElementTree as ET

    from reportlab.platypus import Flowable

    from ..compose import Parser
    from ..layout.builder import Builder
    from ..load import JsonPath, Sourced
    from ..pdf.structure import Node

Translate = Callable[[str, str], str]  # (msgctxt, text) -> text


class Reading:
    """What reading a block may need besides its data: the file it is in, problems to add."""

    def __init__(self, src: Sourced, folder: Path) -> None:
        self.src = src
        self.folder = folder  # the topic file's folder: files a block names lie in it
        self.problems: list[Problem] = []
        self.files: list[Path] = []  # files blocks refer to (their bytes are inputs)

    def problem(self, path: JsonPath, message: str) -> None:
        self.problems.append(self.src.problem(path, message))


class BlockKind:
    """How every stage handles one kind of block. Class attributes name what it covers."""

    types: ClassVar[tuple[str, ...]] = ()  # YAML ``type`` values it reads (content blocks)
    elements: ClassVar[tuple[str, ...]] = ()  # template elements it composes
    document: ClassVar[tuple[type[DocBlock], ...]] = ()  # document blocks it lays out
    text_fields: ClassVar[tuple[str, ...]] = ()  # YAML keys whose strings are printed

    # --- content: load, validate, translate -------------------------------------------------

    def read(self, data: dict[str, Any], path: JsonPath, reading: Reading) -> ContentBlock:
        """A schema-valid mapping -> the content block (problems go to ``reading``)."""
        raise NotImplementedError(self.types)

    def strings(self, block: Any, context: str, fn: Translate) -> ContentBlock:
        """``block`` with every translatable string passed through ``fn(msgctxt, text)``;
        ``context`` is ``topic/section/block``."""
        raise NotImplementedError(self.types)

    # --- document: compose, lay out, check --------------------------------------------------

    def compose(self, el: ET.Element, parser: Parser, where: str) -> list[DocBlock]:
        """A template element -> document blocks."""
        raise NotImplementedError(self.elements)

    def layout(self, block: Any, b: Builder, parent: Node, width: float) -> list[Flowable]:
        """A document block -> tagged flowables ``width`` wide."""
        raise NotImplementedError(self.document)

    def texts(self, block: Any) -> Iterator[tuple[str, Inline]]:
        """(style name, spans) of every piece of text the block draws."""
        raise NotImplementedError(self.document)


def _kinds() -> tuple[BlockKind, ...]:
    """Every module of this package that defines a ``Kind``: adding a kind is adding a
    module (and its data), nothing else."""
    import importlib
    import pkgutil

    kinds = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        kind = getattr(module, "Kind", None)
        if isinstance(kind, type) and issubclass(kind, BlockKind):
            kinds.append(kind())
    return tuple(kinds)


class Registry:
    """Every kind, found by YAML type, template element or document block class."""

    def __init__(self, kinds: tuple[BlockKind, ...]) -> None:
        for attribute in ("types", "elements", "document"):
            claimed = [x for k in kinds for x in getattr(k, attribute)]
            twice = sorted({str(x) for x in claimed if claimed.count(x) > 1})
            if twice:
                raise TypeError(f"block kinds claim the same {attribute}: {', '.join(twice)}")
        self.kinds = kinds
        self.by_type = {t: k for k in kinds for t in k.types}
        self.by_element = {e: k for k in kinds for e in k.elements}
        self.by_document = {d: k for k in kinds for d in k.document}

    def for_type(self, name: str) -> BlockKind:
        return self.by_type[name]

    def for_element(self, tag: str) -> BlockKind | None:
        return self.by_element.get(tag)

    def of(self, block: DocBlock) -> BlockKind:
        return self.by_document[type(block)]

    def types(self) -> list[str]:
        """Every YAML block type, as the schema lists them."""
        return list(self.by_type)


_registry: list[Registry] = []


def registry() -> Registry:
    """The registry of every block kind (made on first use)."""
    if not _registry:
        _registry.append(Registry(_kinds()))
    return _registry[0]


def read(data: dict[str, Any], path: JsonPath, reading: Reading) -> ContentBlock:
    return registry().for_type(data["type"]).read(data, path, reading)


def strings(block: ContentBlock, context: str, fn: Translate) -> ContentBlock:
    return registry().for_type(block.type).strings(block, f"{context}/{block.id}", fn)


def texts(block: DocBlock) -> Iterator[tuple[str, Inline]]:
    return registry().of(block).texts(block)
