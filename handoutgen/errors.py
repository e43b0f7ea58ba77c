"""Problems found in input files, and the small exception tree the CLI turns into exit codes."""

from __future__ import annotations

from collections import namedtuple

TYPE_CHECKING = False  # the command line imports this on every run: typing costs it 3 ms
if TYPE_CHECKING:
    from typing import NamedTuple

    class _Place(NamedTuple):
        path: str
        line: int | None
        field: str
        message: str

else:
    _Place = namedtuple("_Place", ["path", "line", "field", "message"])


class Problem(_Place):
    """One problem at one place: ``path:line: field: message``. (A named tuple, not a
    dataclass: the command line imports it on every run, and dataclasses cost 6 ms.)"""

    __slots__ = ()

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


class HandoutError(Exception):
    """Base of every error the CLI reports without a traceback."""


class InputError(HandoutError):
    """One or more problems in content, brand, theme or template files."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.path, p.line or 0, p.field))
        super().__init__("\n".join(str(p) for p in self.problems))


class SelectionError(HandoutError):
    """A requested topic, locale, brand, paper or edition does not exist."""


class RenderError(HandoutError):
    """ReportLab could not lay out a leaflet."""
