"""How much room text and amounts need in a sheet: column widths, wrapped lines, row heights, page scale.

Spreadsheet programs do not fit a row's height to wrapped text written by another program
(LibreOffice keeps the stored height, so the lines of a too-short row run into the next row in
print), so the export sets every row's height itself. It estimates the lines of each wrapped cell
with the advance widths of DejaVu Sans, the widest of the fonts a reader's program may use in place
of Calibri (LibreOffice substitutes it where Carlito is missing), measured in *character units*:
the width of a digit in the workbook's default font (Calibri 11 pt), the unit of a column width.
Line breaks are taken at spaces only (a program that also breaks at hyphens needs fewer lines), and
widths carry a safety margin, so a row is never too short; at worst it has a little air.

:func:`page_scale` picks the print scale of an A4 landscape page: the whole width on one page when
the smallest text stays at :data:`MIN_PRINTED_PT` or more, else that smallest allowed scale and
the columns spread over pages side by side.

Plain Python: no openpyxl here.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

__all__ = [
    "A4_LANDSCAPE_WIDTH_PT",
    "MIN_PRINTED_PT",
    "column_points",
    "line_count",
    "money_width",
    "page_scale",
    "row_height",
    "text_width",
]

#: Smallest size any text may have on paper, in points.
MIN_PRINTED_PT = 7.0
#: Width of A4 in landscape, in points.
A4_LANDSCAPE_WIDTH_PT = 841.89
#: Points per character unit in the widest rendering (a DejaVu Sans 11 pt digit is 7.0 pt).
UNIT_PT = 7.0
#: Room a cell keeps free around its text, in character units.
CELL_PADDING = 0.9
#: Extra room on every width estimate (rounding, kerning, another font's metrics).
SAFETY = 1.06
#: Line pitch as a share of the font size, and the room above and below the lines (points).
LINE_FACTOR = 1.25
ROW_PADDING_PT = 4.0
#: Width of a character missing from the tables (wider than most).
_UNKNOWN = 1.35
_BASE_SIZE = 11.0

# Advance widths of DejaVu Sans and DejaVu Sans Bold, in digits of DejaVu Sans (regular).
_REGULAR = (
    (0.43, "'"),
    (0.44, "ijl"),
    (0.46, "IJ"),
    (0.5, " ,.’‘·\xa0"),
    (0.53, "/:;\\|"),
    (0.55, "f"),
    (0.57, "-"),
    (0.61, "()[]"),
    (0.62, "t"),
    (0.63, "!"),
    (0.65, "r"),
    (0.72, '"'),
    (0.79, "*_`–§°"),
    (0.81, "“”"),
    (0.82, "s"),
    (0.83, "?z"),
    (0.86, "c"),
    (0.88, "L"),
    (0.9, "F"),
    (0.91, "k"),
    (0.93, "vxy"),
    (0.95, "P"),
    (0.96, "TYaoøåöä«»"),
    (0.97, "eéè"),
    (0.99, "EÉ"),
    (1.0, "$0123456789Sbdghnpqu{}ü"),
    (1.03, "K"),
    (1.08, "ABVXZÅÄ"),
    (1.09, "R"),
    (1.1, "C"),
    (1.15, "UÜ"),
    (1.18, "HN"),
    (1.21, "D"),
    (1.22, "G"),
    (1.23, "&"),
    (1.24, "OQØÖ"),
    (1.29, "w"),
    (1.32, "#+<=>^~−✓"),
    (1.36, "M"),
    (1.49, "%"),
    (1.52, "½"),
    (1.53, "mÆ"),
    (1.54, "æ"),
    (1.55, "W"),
    (1.57, "@—…"),
)
_BOLD = (
    (0.48, "'"),
    (0.54, "ijl"),
    (0.55, " \xa0"),
    (0.57, "/\\|"),
    (0.58, "IJ"),
    (0.6, ",.’‘·"),
    (0.63, ":;"),
    (0.65, "-"),
    (0.68, "f"),
    (0.72, "!()[]"),
    (0.75, "t"),
    (0.78, "r"),
    (0.79, "_`–§°"),
    (0.82, '"*'),
    (0.91, "?z"),
    (0.93, "c"),
    (0.94, "s"),
    (1.0, "L"),
    (1.01, "x"),
    (1.02, "vy«»"),
    (1.03, "“”"),
    (1.05, "k"),
    (1.06, "aåä"),
    (1.07, "EFTeéÉè"),
    (1.08, "oøö"),
    (1.09, "$0123456789"),
    (1.12, "hnu{}ü"),
    (1.13, "Sbdgpq"),
    (1.14, "YZ"),
    (1.15, "CP"),
    (1.2, "B"),
    (1.21, "RX"),
    (1.22, "AKVÅÄ"),
    (1.28, "UÜ"),
    (1.29, "G"),
    (1.3, "D"),
    (1.32, "#+<=>HN^~−✓"),
    (1.34, "OQØÖ"),
    (1.37, "&"),
    (1.45, "w"),
    (1.56, "M"),
    (1.57, "%@—…"),
    (1.63, "½"),
    (1.64, "m"),
    (1.65, "æ"),
    (1.71, "Æ"),
    (1.73, "W"),
)


def _table(groups: Iterable[tuple[float, str]]) -> dict[str, float]:
    return {char: width for width, chars in groups for char in chars}


_WIDTHS = {False: _table(_REGULAR), True: _table(_BOLD)}
_WORDS: dict[bool, dict[str, float]] = {False: {}, True: {}}
_LINES: dict[tuple[str, float, float, bool], int] = {}


def _word(word: str, bold: bool) -> float:
    cache = _WORDS[bold]
    width = cache.get(word)
    if width is None:
        table = _WIDTHS[bold]
        width = sum(table.get(char, _UNKNOWN) for char in word)
        if len(cache) < 200_000:
            cache[word] = width
    return width


def text_width(text: str, size: float = 10.0, *, bold: bool = False) -> float:
    """The width of one line of ``text`` in character units (with the safety margin)."""
    space = _WIDTHS[bold][" "]
    words = text.split(" ")
    units = sum(_word(word, bold) for word in words) + space * (len(words) - 1)
    return units * size / _BASE_SIZE * SAFETY


def line_count(text: str, width: float, size: float = 10.0, *, bold: bool = False) -> int:
    """How many lines ``text`` takes, wrapped at spaces in a column ``width`` characters wide."""
    if not text:
        return 1
    key = (text, width, size, bold)
    lines = _LINES.get(key)
    if lines is not None:
        return lines
    room = max(width - CELL_PADDING, 1.0) * _BASE_SIZE / size / SAFETY  # in units at 11 pt
    if "\n" not in text and len(text) * 1.75 <= room:
        lines = 1
    else:
        lines = sum(_paragraph_lines(part, room, bold) for part in text.split("\n"))
    if len(_LINES) < 100_000:
        _LINES[key] = lines
    return lines


def _paragraph_lines(text: str, room: float, bold: bool) -> int:
    space = _WIDTHS[bold][" "]
    lines = 1
    used = 0.0
    for word in text.split(" "):
        width = _word(word, bold)
        if used and used + space + width <= room:
            used += space + width
            continue
        if used:
            lines += 1
        if width <= room:
            used = width
        else:  # a word longer than the line is broken inside
            extra = math.ceil(width / room) - 1
            lines += extra
            used = width - extra * room
    return lines


def row_height(lines: int, size: float = 10.0) -> float:
    """The height in points of a row whose tallest cell has ``lines`` lines of ``size`` points."""
    return round(max(lines, 1) * size * LINE_FACTOR + ROW_PADDING_PT, 2)


def money_width(
    amounts: Iterable[int],
    size: float = 10.0,
    minimum: float = 9.0,
    *,
    negative: bool = True,
    bold: bool = False,
) -> float:
    """A column width that shows the largest amount as ``12 345 678 kr`` (``−`` before it when
    the column may hold a negative amount)."""
    largest = max((abs(a) for a in amounts), default=0)
    digits = len(str(largest))
    text = ("−" if negative else "") + "0" * digits + "\u00a0" * ((digits - 1) // 3) + " kr"
    return max(round(text_width(text, size, bold=bold) + CELL_PADDING + 0.3, 1), minimum)


def column_points(width: float) -> float:
    """A column's printed width in points in the widest rendering."""
    return width * UNIT_PT + 1.0


def page_scale(widths: Sequence[float], *, smallest_pt: float, margins_pt: float) -> tuple[int, int]:
    """The print scale (percent) for columns of ``widths``, and how many columns the first page holds.

    The whole width on one page if the smallest text (``smallest_pt``) stays at least
    :data:`MIN_PRINTED_PT`; else the smallest scale that keeps it so.
    """
    room = A4_LANDSCAPE_WIDTH_PT - margins_pt
    total = sum(column_points(w) for w in widths)
    lowest = math.ceil(MIN_PRINTED_PT / smallest_pt * 100 + 1)
    scale = min(100, math.floor(room / total * 100)) if total else 100
    scale = max(scale, lowest)
    used = 0.0
    first_page = 0
    for width in widths:
        used += column_points(width) * scale / 100
        if used > room:
            break
        first_page += 1
    return scale, max(first_page, 1)
