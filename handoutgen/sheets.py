"""An edition's sheets: ``booklet`` and ``print_shop`` of templates/editions.yaml -> where each
laid-out page lies on the sheet a printer takes. A booklet puts two pages side by side on a
landscape sheet in saddle-stitch order (8|1, 2|7, 6|3, 4|5), padded to a multiple of four; a
print shop's page is its trim box inside a bleed and crop marks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .theme import MM

BOOKLET_KEYS = {"sheet"}
PRINT_SHOP_KEYS = {"bleed_mm", "mark_offset_mm", "mark_length_mm", "mark_width", "mark_color"}
PRINT_SHOP_OPTIONS = {"title_band_to_edge"}  # may be left out


@dataclass(frozen=True)
class Booklet:
    """A booklet: pages of the edition's paper, two a side of ``sheet`` (landscape)."""

    sheet: str


@dataclass(frozen=True)
class PrintShop:
    """A print shop's page: ``bleed_mm`` of background past the trim on every side, crop marks
    ``mark_length_mm`` long starting ``mark_offset_mm`` (at least the bleed) from the trim,
    ``mark_width`` points wide in ``mark_color``. With ``title_band_to_edge``, the title band
    runs across the page to the trim edges and on into the bleed."""

    bleed_mm: float
    mark_offset_mm: float
    mark_length_mm: float
    mark_width: float
    mark_color: str
    title_band_to_edge: bool = False


Problem = Callable[[tuple[Any, ...], str], None]  # (path in the edition, message)


def read_booklet(value: object, problem: Problem) -> Booklet | None:
    if not isinstance(value, dict) or set(value) != BOOKLET_KEYS:
        problem((), "must be {sheet: PAPER} (the paper two pages go on, side by side)")
        return None
    if not isinstance(value["sheet"], str):
        problem(("sheet",), "must be the name of a paper")
        return None
    return Booklet(value["sheet"])


def read_print_shop(value: object, problem: Problem) -> PrintShop | None:
    if not isinstance(value, dict) or not PRINT_SHOP_KEYS <= set(value) <= (
        PRINT_SHOP_KEYS | PRINT_SHOP_OPTIONS
    ):
        wanted = ", ".join(sorted(PRINT_SHOP_KEYS))
        problem((), f"must give {wanted} (and may give {', '.join(PRINT_SHOP_OPTIONS)})")
        return None
    to_edge = value.get("title_band_to_edge", False)
    if not isinstance(to_edge, bool):
        problem(("title_band_to_edge",), "must be true or false")
        return None
    numbers = {}
    for key in sorted(PRINT_SHOP_KEYS - {"mark_color"}):
        number = value[key]
        if isinstance(number, bool) or not isinstance(number, int | float) or number < 0:
            problem((key,), f"must be a number of at least 0, not {number!r}")
            return None
        numbers[key] = float(number)
    color = value["mark_color"]
    if not isinstance(color, str) or len(color) != 7 or not color.startswith("#"):
        problem(("mark_color",), "must be #rrggbb")
        return None
    if numbers["mark_offset_mm"] < numbers["bleed_mm"]:
        problem(("mark_offset_mm",), "crop marks start outside the bleed: at least bleed_mm")
        return None
    return PrintShop(mark_color=color, title_band_to_edge=to_edge, **numbers)


def padded(pages: int) -> int:
    """The pages of a booklet of ``pages``: the next multiple of four."""
    return -(-max(pages, 1) // 4) * 4


def saddle_stitch(pages: int, *, rtl: bool = False) -> list[tuple[int, int]]:
    """The (left, right) pages of every side of a booklet of ``pages`` (a multiple of four),
    in print order: sheet 1 front, sheet 1 back, sheet 2 front ... Folded and nested, the
    sheets read 1, 2, 3 ... Bound on the right for a right-to-left language: mirrored."""
    if pages % 4:
        raise ValueError(f"a booklet has a multiple of four pages, not {pages}")
    sides = []
    for side in range(pages // 2):
        outer, inner = pages - side, side + 1
        pair = (outer, inner) if side % 2 == 0 else (inner, outer)
        sides.append(pair[::-1] if rtl else pair)
    return sides


@dataclass(frozen=True)
class Sheets:
    """Where each page goes: the PDF page (``media``, points), each laid-out page's origin on
    it, which pages share a PDF page, and the boxes and marks of a print shop."""

    media: tuple[float, float]
    page: tuple[float, float]
    booklet: bool = False
    rtl: bool = False
    offset: tuple[float, float] = (0.0, 0.0)  # of the trim box, or of a booklet's left page
    shop: PrintShop | None = None

    def origin(self, page: int) -> tuple[float, float]:
        """Where page ``page`` (from 1) starts on its PDF page."""
        x, y = self.offset
        if self.booklet and (page % 2 == 1) != self.rtl:  # odd pages on the right
            x += self.page[0]
        return x, y

    def sides(self, pages: int) -> list[tuple[int, ...]]:
        """The pages of each PDF page, in the order they are printed."""
        if self.booklet:
            return [tuple(pair) for pair in saddle_stitch(pages, rtl=self.rtl)]
        return [(n,) for n in range(1, pages + 1)]

    def edge(self, margins: tuple[float, float, float, float]) -> tuple[float, float]:
        """How far a band that runs to the edge reaches past the text frame, left and right
        (``margins``: top, right, bottom, left): to the trim and through the bleed; (0, 0)
        where nothing runs to the edge."""
        if self.shop is None or not self.shop.title_band_to_edge:
            return 0.0, 0.0
        bleed = self.shop.bleed_mm * MM
        return margins[3] + bleed, margins[1] + bleed

    def boxes(self) -> dict[str, tuple[float, float, float, float]]:
        """A print shop's TrimBox and BleedBox."""
        if self.shop is None:
            return {}
        x, y = self.offset
        w, h = self.page
        b = self.shop.bleed_mm * MM
        return {"trim": (x, y, x + w, y + h), "bleed": (x - b, y - b, x + w + b, y + h + b)}


def sheets(
    page: tuple[float, float],
    papers: dict[str, tuple[float, float]],
    *,
    booklet: Booklet | None = None,
    shop: PrintShop | None = None,
    rtl: bool = False,
) -> Sheets:
    """The sheets of an edition for pages of size ``page`` (``papers``: the theme's sizes)."""
    width, height = page
    if booklet is not None:
        if booklet.sheet not in papers:
            raise ValueError(f"no paper {booklet.sheet!r} for a booklet's sheets")
        long, short = sorted(papers[booklet.sheet], reverse=True)
        if 2 * width > long + 0.5 or height > short + 0.5:
            raise ValueError(
                f"two {width / MM:.0f} x {height / MM:.0f} mm pages do not fit side by side on "
                f"{booklet.sheet} ({long / MM:.0f} x {short / MM:.0f} mm)"
            )
        offset = ((long - 2 * width) / 2, (short - height) / 2)
        return Sheets((long, short), page, booklet=True, rtl=rtl, offset=offset)
    if shop is not None:
        margin = (shop.mark_offset_mm + shop.mark_length_mm) * MM
        media = (width + 2 * margin, height + 2 * margin)
        return Sheets(media, page, offset=(margin, margin), shop=shop)
    return Sheets(page, page)
