"""Editions: ``templates/editions.yaml`` -> typed descriptors of each way of printing a leaflet
(its theme layers, the template it composes with), or every problem of the file at once."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError
from .leaflet import STANDARD_EDITION
from .load import load_yaml
from .sheets import Booklet, PrintShop, read_booklet, read_print_shop

FILE = "editions.yaml"  # in templates/
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_KEYS = {"description", "theme", "duplex", "papers", "booklet", "print_shop"}
# the PDF's /ViewerPreferences /Duplex values (ISO 32000-1, table 150)
DUPLEX = ("Simplex", "DuplexFlipShortEdge", "DuplexFlipLongEdge")


@dataclass(frozen=True)
class Edition:
    name: str
    description: str
    theme: tuple[str, ...]  # layers of templates/themes/ over default.yaml, in order
    duplex: str | None = None  # the print dialog's duplex preference (DUPLEX), if any
    papers: tuple[str, ...] | None = None  # the papers it is made on; None: every paper
    papers_why: str = ""  # why only those, for the message that refuses another
    booklet: Booklet | None = None  # pages imposed two a side on a sheet (handoutgen.sheets)
    print_shop: PrintShop | None = None  # bleed, crop marks, trim and bleed boxes

    def allows(self, paper: str) -> bool:
        return self.papers is None or paper in self.papers

    def refusal(self, paper: str) -> str:
        """Why this edition is not made on ``paper`` (a paper it does not allow)."""
        why = f": {self.papers_why}" if self.papers_why else ""
        made = ", ".join(self.papers or ())
        return f"the {self.name} edition is not made on {paper} paper{why} (choose {made})"

    def template_names(self, main: str) -> list[str]:
        return template_names(self.name, main)


def template_names(edition: str, main: str) -> list[str]:
    """The main templates an edition composes with, in order: its own, then the shared one."""
    return [main.replace(".xml.j2", f".{edition}.xml.j2"), main]


def load_editions(templates_dir: Path, *, root: Path) -> dict[str, Edition]:
    """Every edition the project defines (``standard`` always, first)."""
    src = load_yaml(templates_dir / FILE, root=root)
    problems = list(src.problems)
    data = src.data if isinstance(src.data, dict) else {}
    if not src.problems and not isinstance(src.data, dict):
        problems.append(src.problem((), "must be a mapping of edition names"))
    themes = templates_dir / "themes"
    out: dict[str, Edition] = {}
    for name, spec in data.items():
        if not _NAME.match(str(name)):
            problems.append(
                src.problem((name,), "an edition name is lower-case letters, digits, -")
            )
            continue
        if not isinstance(spec, dict) or set(spec) - _KEYS:
            problems.append(
                src.problem((name,), f"takes only {', '.join(repr(k) for k in sorted(_KEYS))}")
            )
            continue
        duplex = spec.get("duplex")
        if duplex is not None and duplex not in DUPLEX:
            problems.append(src.problem((name, "duplex"), f"must be one of {', '.join(DUPLEX)}"))
        papers = spec.get("papers")
        only: tuple[str, ...] | None = None
        why = ""
        if papers is not None:
            listed = papers.get("only") if isinstance(papers, dict) else None
            if (
                not isinstance(papers, dict)
                or set(papers) - {"only", "why"}
                or not isinstance(listed, list)
                or not listed
                or not all(isinstance(x, str) for x in listed)
                or not isinstance(papers.get("why", ""), str)
            ):
                problems.append(
                    src.problem((name, "papers"), "must be {only: [paper, ...], why: text}")
                )
            else:
                only, why = tuple(listed), str(papers.get("why", ""))
        sheets = _sheets(
            spec, lambda path, message, n=name: problems.append(src.problem((n, *path), message))
        )
        layers = spec.get("theme") or []
        if not isinstance(layers, list) or not all(isinstance(x, str) for x in layers):
            problems.append(src.problem((name, "theme"), "must be a list of theme names"))
            continue
        for n, layer in enumerate(layers):
            if layer == "default" or not (themes / f"{layer}.yaml").is_file():
                found = ", ".join(sorted(p.stem for p in themes.glob("*.yaml")))
                problems.append(
                    src.problem((name, "theme", n), f"no theme {layer!r} (found: {found})")
                )
        out[str(name)] = Edition(
            str(name),
            str(spec.get("description", "")),
            tuple(layers),
            duplex if duplex in DUPLEX else None,
            only,
            why,
            *sheets,
        )
    if STANDARD_EDITION not in out and not problems:
        problems.append(src.problem((), f"the {STANDARD_EDITION!r} edition must be defined"))
    if problems:
        raise InputError(problems)
    standard = out.pop(STANDARD_EDITION)
    return {STANDARD_EDITION: standard, **out}


def _sheets(
    spec: dict, problem: Callable[[tuple, str], None]
) -> tuple[Booklet | None, PrintShop | None]:
    """An edition's ``booklet`` and ``print_shop`` (at most one of them)."""
    booklet = print_shop = None
    if "booklet" in spec:
        booklet = read_booklet(spec["booklet"], lambda p, m: problem(("booklet", *p), m))
    if "print_shop" in spec:
        print_shop = read_print_shop(
            spec["print_shop"], lambda p, m: problem(("print_shop", *p), m)
        )
    if booklet is not None and print_shop is not None:
        problem(("print_shop",), "an edition is a booklet or a print shop's, not both")
    return booklet, print_shop
