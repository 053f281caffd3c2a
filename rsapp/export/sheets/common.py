"""What the three sheets share: names, labels, number formats, styles, the title block, the layout.

:class:`Layout` places every cell that one sheet's formulas read on another (the list's year
and sum columns, the ledger's rows), so the three builders agree before any row is written.
The labels here are also what :mod:`rsapp.export.readback` looks for when it reads a workbook
back, so the two cannot drift apart.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from rsapp.allocation import ROUTE_BOTH, ROUTE_LABELS, ROUTE_LOCAL
from rsapp.dates import format_date
from rsapp.export.data import ExcelData
from rsapp.export.measure import MIN_PRINTED_PT, line_count, page_scale, row_height
from rsapp.export.xlsx import Book, Cell, CellStyle, PageSetup, Sheet, column_letter
from rsapp.vocab import NOT_SETTLED, NOT_STATED

__all__ = [
    "BELOW_FILL",
    "FIRST_ROW",
    "HEADER_ROW",
    "LABELS",
    "MONEY_FORMAT",
    "MONEY_FORMAT_NO_ZERO",
    "SHEET_POT",
    "SHEET_PRIORITY",
    "SHEET_REGIONAL",
    "Layout",
    "Styles",
    "clean_text",
    "layout_for",
]

SHEET_PRIORITY = "Prioritering"
SHEET_POT = "Pott"
SHEET_REGIONAL = "Regional liste"

HEADER_ROW = 5  # rows 1-4: the title block
FIRST_ROW = HEADER_ROW + 1

#: Whole kroner, a real minus sign (U+2212), " kr". ``[$-414]`` is Norwegian bokmål: LibreOffice
#: groups thousands with a (non-breaking) space whatever its own locale, Excel with the reader's.
MONEY_FORMAT = '[$-414]#,##0\\ "kr";"\u2212"#,##0\\ "kr"'
#: The same, with 0 shown as an empty cell (the regional list: nothing left to forward that year).
MONEY_FORMAT_NO_ZERO = MONEY_FORMAT + ";"

BELOW_FILL = "E7E6E6"  # rows under the cut line
CUT_COLOR = "C00000"  # the cut line itself

YES, NO, NOT_LOCAL, UNKNOWN, NO_POT = "Ja", "Nei", "–", "?", "ingen pott"


@dataclass(frozen=True)
class _Labels:
    """Every fixed text of the workbook that a formula or the read-back depends on."""

    rank: str = "Nr"
    name: str = "Prosjekt"
    owners: str = "Prosjekteiere"
    municipalities: str = "Kommuner"
    trust: str = "Helseforetak"
    applied_total: str = "Søkt i alt"
    route: str = "Rute"
    within: str = "Innenfor pott"
    status: str = "Status"
    comment: str = "Kommentar"
    draws: str = "Trekker fra potten"
    below: str = "Under streken"
    sum_within: str = "Sum innenfor potten"
    sum_all: str = "Sum hele listen"
    # Pott
    post: str = "Post"
    note: str = "Merknad"
    opening: str = "Inngående saldo (overført fra året før)"
    new_confirmed: str = "Ny pott, bekreftet"
    new_assumed: str = "Ny pott, antatt (ikke bekreftet)"
    earmarked: str = "Avsetninger i alt"
    closing: str = "= Utgående saldo (overføres til neste år)"
    basis: str = "Grunnlag"
    before: str = "Saldo uten søknader (grunnlaget for streken)"
    confirmed: str = "bekreftet"
    assumed: str = "antatt, ikke bekreftet"
    # Regional liste
    regional_rank: str = "Prioritet"
    regional_total: str = "Søkes regionalt i alt"
    sum_: str = "Sum"

    @staticmethod
    def applied(year: int) -> str:
        return f"Søkt {year}"

    @staticmethod
    def recommended(word: str, year: int) -> str:
        return f"{word} {year}"

    @staticmethod
    def recommended_total(word: str) -> str:
        return f"{word} i alt"

    @staticmethod
    def left(year: int) -> str:
        return f"Igjen {year}"

    @staticmethod
    def recommended_within(word: str) -> str:
        return f"− {word} innenfor potten"

    @staticmethod
    def regional(year: int) -> str:
        return f"Søkes regionalt {year}"

    @staticmethod
    def notes(day: str) -> str:
        return f"Merknader ved eksport {day}"

    @staticmethod
    def warnings(day: str) -> str:
        return f"Varsler ved eksport {day}"

    @staticmethod
    def to_distribute(year: int) -> str:
        return f"Til fordeling {year}"

    @staticmethod
    def carried(year: int) -> str:
        return f"herav overført fra {year}"

    @staticmethod
    def left_after(year: int) -> str:
        return f"Igjen {year} etter søknadene innenfor potten"


LABELS = _Labels()
ROUTE_TEXT = ROUTE_LABELS
LOCAL_ROUTE_TEXTS = (ROUTE_LABELS[ROUTE_LOCAL], ROUTE_LABELS[ROUTE_BOTH])
OPEN_TEXT = NOT_SETTLED
NOT_STATED_TEXT = NOT_STATED

MAX_CELL_TEXT = 32_767  # Excel's limit for the text of one cell
_UNSAFE_START = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean_text(value: str) -> str:
    """Text as a cell can hold it: no XML-illegal characters, at most 32 767 characters."""
    if _ILLEGAL_XML.search(value):
        value = _ILLEGAL_XML.sub("", value)
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    if len(value) > MAX_CELL_TEXT:
        value = value[: MAX_CELL_TEXT - 1] + "…"
    return value


# --- Styles ------------------------------------------------------------------------------------------

BODY_PT = 10.0
NOTE_PT = 10.0
HEADER_PT = 10.0
TITLE_PT = 14.0
SUBTITLE_PT = 11.0
#: The smallest text printed from a sheet's cells (the footer is sized to the scale, see page_for).
SMALLEST_PT = min(BODY_PT, NOTE_PT, HEADER_PT)


class Styles:
    """The handles of every look the sheets use, registered once per book."""

    def __init__(self, book: Book) -> None:
        s = book.style
        self.title = s(CellStyle(size=TITLE_PT, bold=True, border="none", wrap=True))
        self.subtitle = s(CellStyle(size=SUBTITLE_PT, bold=True, border="none", wrap=True))
        self.note = s(CellStyle(size=NOTE_PT, italic=True, color="404040", border="none", wrap=True))
        self.heading = s(CellStyle(size=SUBTITLE_PT, bold=True, border="none"))
        self.header = s(
            CellStyle(
                size=HEADER_PT,
                bold=True,
                fill="D9E1F2",
                border="header",
                horizontal="center",
                vertical="center",
                wrap=True,
            )
        )
        self.text = s(CellStyle())
        self.wrap = s(CellStyle(wrap=True))
        self.center = s(CellStyle(horizontal="center"))
        self.int = s(CellStyle(horizontal="center", number_format="0"))
        self.money = s(CellStyle(horizontal="right", number_format=MONEY_FORMAT))
        self.money_no_zero = s(CellStyle(horizontal="right", number_format=MONEY_FORMAT_NO_ZERO))
        self.money_text = s(CellStyle(horizontal="right"))
        self.total_text = s(CellStyle(bold=True, fill="F2F2F2", border="total"))
        self.total_money = s(
            CellStyle(
                bold=True, fill="F2F2F2", border="total", horizontal="right", number_format=MONEY_FORMAT
            )
        )
        self.total_money_text = s(CellStyle(bold=True, fill="F2F2F2", border="total", horizontal="right"))
        self.ledger_total_text = s(CellStyle(bold=True, border="total"))
        self.plain_wrap = s(CellStyle(border="none", wrap=True))
        # The walk's helper columns (1/0), right of the printed area: "ja" / "nei" on screen.
        self.helper = s(
            CellStyle(
                size=8.0, italic=True, color="7F7F7F", horizontal="center", number_format='"ja";"ja";"nei"'
            )
        )
        self._quoted = {
            "text": s(CellStyle(quote=True)),
            "wrap": s(CellStyle(wrap=True, quote=True)),
            "plain_wrap": s(CellStyle(border="none", wrap=True, quote=True)),
            "center": s(CellStyle(horizontal="center", quote=True)),
        }

    def cell_text(self, value: str, kind: str = "text") -> Cell | None:
        """A text cell that stays text (a value starting with =, +, -, @ is never a formula)."""
        value = clean_text(value) if value else value
        if not value:
            return ("n", None, getattr(self, kind))
        if value.startswith(_UNSAFE_START):
            return ("s", value, self._quoted[kind])
        return ("s", value, getattr(self, kind))


# --- The layout ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class Layout:
    """Where every cross-referenced figure lands, computed before any sheet is written."""

    years: list[int]  # year columns of the list
    ledger_years: list[int]  # year columns of the ledger
    checked: list[int]  # years with a confirmed pot: the cut line keeps their closing ≥ 0
    left_years: list[int]  # checked years a row can draw on: an «Igjen» column each
    static_years: list[int]  # checked years before any year column: only their balance counts
    pot_stated: bool
    # Prioritering
    columns: dict[str, int] = field(default_factory=dict)
    applied: dict[int, int] = field(default_factory=dict)
    recommended: dict[int, int] = field(default_factory=dict)
    left: dict[int, int] = field(default_factory=dict)
    extras: list[int] = field(default_factory=list)
    widths: list[float] = field(default_factory=list)
    printed: int = 0  # the columns up to this one are printed; the walk's helpers are not
    first: int = FIRST_ROW
    last: int = FIRST_ROW - 1  # == first - 1 when the list is empty
    sum_within_row: int = 0
    sum_all_row: int = 0
    # Pott
    ledger_col: dict[int, int] = field(default_factory=dict)
    pot_rows: list[int] = field(default_factory=list)
    earmark_rows: list[int] = field(default_factory=list)
    ledger_rows: dict[str, int] = field(default_factory=dict)

    def col(self, name: str) -> str:
        return column_letter(self.columns[name])


def layout_for(data: ExcelData) -> Layout:
    """Place the columns of the list and the rows of the ledger."""
    allocation = data.allocation
    years = data.years
    checked, _budget = allocation.ledger.budget()
    first_year = min(years)
    layout = Layout(
        years=years,
        ledger_years=data.ledger_years,
        checked=checked,
        left_years=[year for year in checked if year >= first_year],
        static_years=[year for year in checked if year < first_year],
        pot_stated=allocation.ledger.pot_stated,
    )
    column = 0

    def place(name: str) -> int:
        nonlocal column
        column += 1
        layout.columns[name] = column
        return column

    for name in ("rank", "name", "owners", "municipalities", "trust"):
        place(name)
    for year in years:
        layout.applied[year] = place(f"applied {year}")
        layout.recommended[year] = place(f"recommended {year}")
    for name in ("applied_total", "recommended_total", "route", "within"):
        place(name)
    for year in layout.left_years:
        layout.left[year] = place(f"left {year}")
    place("status")
    for index, _extra in enumerate(data.extra_columns):
        layout.extras.append(place(f"extra {index}"))
    for name in ("comment", "notes", "draws", "below"):
        place(name)
    layout.printed = layout.columns["notes"]
    n = len(allocation.rows)
    layout.last = FIRST_ROW + n - 1
    layout.sum_within_row = layout.last + 1
    layout.sum_all_row = layout.last + 2

    # Pott: the ledger, one column per year after the label.
    for index, year in enumerate(layout.ledger_years, start=2):
        layout.ledger_col[year] = index
    ledger = allocation.ledger
    row = FIRST_ROW
    layout.ledger_rows["opening"] = row
    layout.pot_rows = list(range(row + 1, row + 1 + len(ledger.pots)))
    row += len(ledger.pots)
    layout.earmark_rows = list(range(row + 1, row + 1 + len(ledger.earmarks)))
    row += len(ledger.earmarks)
    for name in ("recommended", "closing"):
        row += 1
        layout.ledger_rows[name] = row
    row += 1  # an empty row
    for name in ("new_confirmed", "new_assumed", "earmarked", "basis", "before"):
        row += 1
        layout.ledger_rows[name] = row
    return layout


# --- The title block and the page -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Page:
    """How a sheet prints: its setup, how many columns page one holds, whether all fit on it."""

    setup: PageSetup
    span: int
    one_page: bool


def page_for(widths: Sequence[float], data: ExcelData, title: str, printed: int | None = None) -> Page:
    """A4 landscape at a scale that keeps the smallest text (the footer too) at 7 pt or more.

    A sheet too wide for one page at that scale prints its columns over several pages side by
    side, with columns A:B (rank and name) repeated on each.
    """
    shown = list(widths[:printed] if printed else widths)
    base = PageSetup()
    scale, first_page = page_scale(shown, smallest_pt=SMALLEST_PT, margins_pt=2 * base.margin_side * 72)
    one_page = first_page >= len(shown)
    footer = max(base.footer_size, math.ceil(MIN_PRINTED_PT * 1.05 * 100 / scale))
    setup = PageSetup(
        scale=scale,
        title_rows=f"{HEADER_ROW}:{HEADER_ROW}",
        title_cols=None if one_page else "A:B",
        footer_left=f"{data.helsefellesskap} – {title}",
        footer_size=footer,
    )
    return Page(setup, first_page, one_page)


def title_block(
    sheet: Sheet,
    styles: Styles,
    data: ExcelData,
    heading: str,
    note: str,
    widths: Sequence[float],
    page: Page,
) -> None:
    """Rows 1-4: who, what, when (draft or decided) in columns A:B, and a reading note beside them.

    The title stays within A:B, the columns repeated on every page of a wide sheet, so no page
    prints a clipped piece of it; the note fills the rest of page one (C up to the last column
    there), merged over the four rows, which are as tall as the wrapped texts need.
    """
    title_width = sum(widths[:2])
    lines = [
        (clean_text(data.helsefellesskap), styles.title, TITLE_PT),
        (clean_text(f"{heading} – {data.round_name}"), styles.subtitle, SUBTITLE_PT),
        (f"Dato {format_date(data.today)} · {data.status_label}", styles.subtitle, SUBTITLE_PT),
    ]
    heights = [row_height(line_count(text, title_width, size, bold=True), size) for text, _, size in lines]
    note = clean_text(note)
    span = min(page.span, len(widths))
    beside = span >= 3
    if beside:
        note_lines = line_count(note, sum(widths[2:span]), NOTE_PT)
        heights.append(max(row_height(1, NOTE_PT), row_height(note_lines, NOTE_PT) - sum(heights)))
    else:
        heights.append(row_height(line_count(note, title_width, NOTE_PT), NOTE_PT))
    for index, (text, style, _size) in enumerate(lines):
        cells: list[Cell | None] = [("s", text, style)]
        if beside and index == 0:
            cells += [None, ("s", note, styles.note)]
        sheet.append(cells, heights[index])
    sheet.append([] if beside else [("s", note, styles.note)], heights[3])
    for row in range(1, 4 if beside else 5):
        sheet.merge(f"A{row}:B{row}")
    if beside:
        sheet.merge(f"C1:{column_letter(span)}4")


def block_columns(page: Page, count: int) -> int:
    """How many columns a free text under a table may be merged over without being cut in print."""
    return max(1, min(page.span, count) if page.one_page else 2)


def header_row(sheet: Sheet, styles: Styles, headers: Sequence[str], widths: Sequence[float]) -> None:
    lines = max(
        (line_count(h, w, HEADER_PT, bold=True) for h, w in zip(headers, widths, strict=False)), default=1
    )
    sheet.append(
        [("s", clean_text(h), styles.header) if h else None for h in headers], row_height(lines, HEADER_PT)
    )


def text_lines(texts: Sequence[tuple[str, float]]) -> int:
    """The lines the tallest of ``(text, column width)`` needs at body size."""
    lines = 1
    for text, width in texts:
        if text:
            count = line_count(text, width, BODY_PT)
            if count > lines:
                lines = count
    return lines


def ref(sheet: str, column: int, row: int) -> str:
    """An absolute reference to a cell on another sheet: ``'Pott'!$C$9``."""
    return f"'{sheet}'!${column_letter(column)}${row}"


def cells_of(columns: Sequence[int], row: int) -> list[str]:
    return [f"{column_letter(c)}{row}" for c in columns]


def args(values: Sequence[str]) -> str:
    return ",".join(values)


def empty(styles: Styles, kind: str = "text") -> Cell:
    return ("n", None, getattr(styles, kind))


def any_cells(values: Sequence[Any]) -> bool:
    return any(v is not None for v in values)
