"""The Excel prioritisation list that the helsefellesskap sends to Helse Nord (.xlsx).

Four sheets, all built from one plain :class:`ExcelData` (so the benchmark can feed
synthetic data without a database):

* **Prioritering** – one row per application in rank order, with "Akkumulert" as a
  running formula, "Innenfor pott" as a formula against the pot, the cut line drawn as a
  thick border under the last funded row and the rows below it shaded, and a ``SUM`` row.
* **Avsetninger** – each earmark per budget year (open ones as "ikke avklart"), with sums.
* **Pott** – sources − earmarks = til fordeling − innstilt = igjen, every line a formula
  that refers to the other sheets, so a reader who changes an amount sees the totals follow.
* **Regional liste** – the applications routed to the regional scheme, in priority order.

Every number comes from :mod:`rsapp.allocation` (via :func:`rsapp.portfolio.round_allocation`);
the workbook only writes formulas that reproduce it, and the tests recalculate them in
LibreOffice and compare. Text is always written as text (never as a formula, whatever it
starts with), and the file is written to a temporary file beside the target and renamed,
so a crash never leaves half a workbook behind.

No Textual here. openpyxl is imported inside the functions that need it.
"""

from __future__ import annotations

import errno
import os
import re
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rsapp.allocation import LOCAL_ROUTES, ROUTE_BOTH, ROUTE_LABELS, ROUTE_REGIONAL, ROUTES, Allocation
from rsapp.dates import format_date

if TYPE_CHECKING:
    from openpyxl import Workbook
    from sqlmodel import Session

    from rsapp.allocation import ApplicationInput, EarmarkInput

__all__ = [
    "MONEY_FORMAT",
    "REGIONAL_ROUTES",
    "SHEET_EARMARKS",
    "SHEET_POT",
    "SHEET_PRIORITY",
    "SHEET_REGIONAL",
    "ExcelApplication",
    "ExcelData",
    "ExcelEarmark",
    "ExcelPot",
    "ExportError",
    "ExportFileExists",
    "build_workbook",
    "data_from_allocation",
    "default_filename",
    "excel_data",
    "export_round",
    "lock_file_for",
    "write_excel",
]

SHEET_PRIORITY = "Prioritering"
SHEET_EARMARKS = "Avsetninger"
SHEET_POT = "Pott"
SHEET_REGIONAL = "Regional liste"

#: Whole kroner with a (Norwegian, non-breaking) space between thousands and " kr".
#: ``[$-414]`` is the Norwegian bokmål locale: LibreOffice then shows "1 234 567 kr"
#: whatever its own locale; Excel uses the reader's separators (a space in Norway).
MONEY_FORMAT = '[$-414]#,##0\\ "kr";\\-#,##0\\ "kr"'
#: Routes that Helse Nord's Tildelingsutvalg sees on the regional list.
REGIONAL_ROUTES = frozenset({ROUTE_REGIONAL, ROUTE_BOTH})

NOT_STATED = "ikke oppgitt"
OPEN = "ikke avklart"
YES, NO = "Ja", "Nei"
#: "Innenfor pott" for a row the local pot does not pay (regional or not prioritised).
NOT_APPLICABLE = "Ikke aktuelt"
#: Beside the Sum row's Innstilt total on the Prioritering sheet.
SUM_GRANTED_NOTE = "Innstilt sum: bare rute «Lokal pott» og «Begge», som på arket «Pott»"

HEADER_ROW = 5  # rows 1-3 are the title, row 4 a note, row 5 the column headings
FIRST_ROW = HEADER_ROW + 1
MAX_CELL_TEXT = 32_767  # Excel's limit for the text of one cell
_UNSAFE_START = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class ExportError(Exception):
    """An export that cannot be done; the message is Norwegian and names the file."""


class ExportFileExists(ExportError):
    """The target file exists and overwriting was not asked for."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(
            f"Filen {path} finnes fra før. Velg et annet navn, eller bekreft at den skal overskrives."
        )


# --- The data the workbook is written from --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExcelApplication:
    """One row of the prioritisation list; money figures as :mod:`rsapp.allocation` computed them."""

    rank: int
    name: str
    owners: str
    municipalities: str  # "Rana, Alstahaug, Vefsn"
    hospital_trust: str
    applied_by_year: Mapping[int | None, int]  # budget year -> kr; None = no year given
    applied_total: int | None  # None: "ikke oppgitt"
    granted: int
    route: str
    counts_locally: bool
    cumulative: int
    within_pot: bool
    status: str  # Norwegian label
    comment: str = ""


@dataclass(frozen=True, slots=True)
class ExcelPot:
    label: str
    budget_year: int
    amount: int


@dataclass(frozen=True, slots=True)
class ExcelEarmark:
    name: str
    amounts: Mapping[int, int]  # empty when open
    is_open: bool
    source: str = ""  # the case that decided it, e.g. "Sak 23-2025, innstilling 4"


@dataclass(slots=True)
class ExcelData:
    """Everything the workbook shows, with the allocation's totals for reference."""

    helsefellesskap: str
    hospital_trust: str
    round_name: str
    round_year: int
    today: date
    decided: bool  # "Vedtatt" rather than "Utkast"
    applications: list[ExcelApplication]  # in rank order
    pots: list[ExcelPot]  # confirmed pots: the ones that count
    earmarks: list[ExcelEarmark]  # in the round's order, open ones included
    counted_years: frozenset[int]  # years with a confirmed pot
    assumed_pots: list[ExcelPot] = field(default_factory=list)  # shown, never counted
    warnings: list[str] = field(default_factory=list)
    # The allocation's own figures (what the formulas must recalculate to).
    pot_total: int = 0
    earmarked_total: int = 0
    available: int = 0
    granted_within_pot: int = 0
    granted_total: int = 0
    left_after_grants: int = 0

    @property
    def status_label(self) -> str:
        return "Vedtatt" if self.decided else "Utkast"

    @property
    def left_in_pot(self) -> int:
        """What is left of the pot after the grants above the line."""
        return self.available - self.granted_within_pot


def data_from_allocation(
    allocation: Allocation,
    applications: Sequence[ApplicationInput],
    earmarks: Sequence[EarmarkInput],
    details: Mapping[int, Mapping[str, str]],
    *,
    helsefellesskap: str,
    hospital_trust: str,
    round_name: str,
    today: date,
    decided: bool = False,
    earmark_sources: Mapping[int, str] | None = None,
) -> ExcelData:
    """Combine an :class:`Allocation` with the texts of each application.

    ``applications`` and ``earmarks`` are the inputs the allocation was computed from;
    ``details`` maps an application key to ``owners``, ``municipalities``,
    ``hospital_trust``, ``status`` (label) and ``comment``.
    """
    by_key = {app.key: app for app in applications}
    rows = []
    for row in allocation.rows:
        app = by_key[row.key]
        info = details.get(row.key, {})
        rows.append(
            ExcelApplication(
                rank=row.rank,
                name=row.name,
                owners=info.get("owners", ""),
                municipalities=info.get("municipalities", ""),
                hospital_trust=info.get("hospital_trust", ""),
                applied_by_year=dict(app.applied_by_year),
                applied_total=row.applied_total,
                granted=row.granted,
                route=row.route,
                counts_locally=row.counts_locally,
                cumulative=row.cumulative,
                within_pot=row.within_pot,
                status=info.get("status", ""),
                comment=info.get("comment", ""),
            )
        )
    ledger = allocation.ledger
    sources = earmark_sources or {}
    return ExcelData(
        helsefellesskap=helsefellesskap,
        hospital_trust=hospital_trust,
        round_name=round_name,
        round_year=allocation.round_year,
        today=today,
        decided=decided,
        applications=rows,
        pots=[
            ExcelPot(p.origin or f"Lokal pott {p.budget_year}", p.budget_year, p.amount) for p in ledger.pots
        ],
        earmarks=[
            ExcelEarmark(
                e.name,
                {} if e.is_open else dict(e.amounts),
                e.is_open or not e.amounts,
                sources.get(e.key, ""),
            )
            for e in earmarks
        ],
        counted_years=ledger.counted_years,
        assumed_pots=[
            ExcelPot(p.origin or f"Lokal pott {p.budget_year}", p.budget_year, p.amount)
            for p in ledger.assumed_pots
        ],
        warnings=list(allocation.warnings),
        pot_total=ledger.pot_total,
        earmarked_total=ledger.earmarked_total,
        available=ledger.available,
        granted_within_pot=allocation.granted_within_pot,
        granted_total=allocation.granted_total,
        left_after_grants=allocation.left_after_grants,
    )


def excel_data(session: Session, round_id: int, *, today: date) -> ExcelData:
    """Read one round from the database into :class:`ExcelData`."""
    from sqlmodel import col, select

    from rsapp.models import Application, Earmark, Round
    from rsapp.portfolio import allocation_inputs, list_applications, round_allocation, rounds

    info = next((r for r in rounds(session) if r.id == round_id), None)
    round_ = session.get(Round, round_id)
    if info is None or round_ is None:
        raise ExportError(f"Fant ingen runde med id {round_id}.")
    allocation = round_allocation(session, round_id)
    _pots, earmarks, applications, _year = allocation_inputs(session, round_id)
    # ApplicationSummary carries no comment; read just that column.
    comments = dict(
        session.exec(
            select(Application.id, Application.comment).where(Application.round_id == round_id)
        ).all()
    )
    details = {
        s.id: {
            "owners": s.owners,
            "municipalities": ", ".join(s.municipalities),
            "hospital_trust": s.hospital_trust,
            "status": _status_label(s.status),
            "comment": comments.get(s.id, "") or "",
        }
        for s in list_applications(session, round_id)
    }
    sources = dict(
        session.exec(select(Earmark.id, Earmark.source_case).where(col(Earmark.round_id) == round_id)).all()
    )
    return data_from_allocation(
        allocation,
        applications,
        earmarks,
        details,
        helsefellesskap=info.helsefellesskap,
        hospital_trust=info.hospital_trust,
        round_name=info.name,
        today=today,
        decided=round_.status == "vedtatt",
        earmark_sources=sources,
    )


def _status_label(code: str) -> str:
    from rsapp.vocab import status_label

    return status_label(code)


def default_filename(helsefellesskap: str, round_year: int, today: date) -> str:
    """``Prioritering_Helgeland_2026_2025-10-20.xlsx`` for Helsefellesskap Helgeland's 2026 round."""
    short = re.sub(r"^helsefellesskap(?:et)?\s+", "", helsefellesskap.strip(), flags=re.IGNORECASE)
    short = "_".join(re.findall(r"\w+", short)) or "Helsefellesskap"
    return f"Prioritering_{short}_{round_year}_{today.isoformat()}.xlsx"


# --- Cells ----------------------------------------------------------------------------------------


def _clean_text(value: str) -> str:
    """Text as a cell can hold it: no XML-illegal control characters, at most 32 767 characters."""
    if _ILLEGAL_XML.search(value):
        value = _ILLEGAL_XML.sub("", value)
    if len(value) > MAX_CELL_TEXT:
        value = value[: MAX_CELL_TEXT - 1] + "…"
    return value


class _Styles:
    """Pre-built style arrays, so each cell costs one shared reference, not a style lookup."""

    def __init__(self, ws: Any) -> None:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        self._cache: dict[tuple[str, str, bool], Any] = {}
        self._ws = ws
        thin = Side(style="thin", color="A6A6A6")
        self._fonts = {
            "title": Font(bold=True, size=14),
            "subtitle": Font(bold=True, size=11),
            "note": Font(italic=True, size=9, color="595959"),
            "header": Font(bold=True),
            "total": Font(bold=True),
        }
        self._fill_header = PatternFill("solid", fgColor="D9E1F2")
        self._fill_below = PatternFill("solid", fgColor="E7E6E6")
        self._fill_total = PatternFill("solid", fgColor="F2F2F2")
        self._border_header = Border(bottom=Side(style="medium"), top=thin, left=thin, right=thin)
        self._border_cell = Border(left=thin, right=thin, bottom=thin, top=thin)
        self._border_cut = Border(left=thin, right=thin, top=thin, bottom=Side(style="thick", color="C00000"))
        self._border_total = Border(top=Side(style="double"), left=thin, right=thin, bottom=thin)
        self._align = {
            "text": Alignment(vertical="top"),
            "wrap": Alignment(vertical="top", wrap_text=True),
            "money": Alignment(vertical="top", horizontal="right"),
            "int": Alignment(vertical="top", horizontal="center"),
            "center": Alignment(vertical="top", horizontal="center"),
            "header": Alignment(vertical="center", horizontal="center", wrap_text=True),
            "title": Alignment(vertical="center"),
        }
        self._new = WriteOnlyCell

    def get(self, kind: str, variant: str = "normal", quote: bool = False) -> Any:
        """Style for a cell of ``kind`` (text, wrap, money, int, center) in a row ``variant``.

        Variants: normal, below (under the cut line: shaded), cut (last funded row: thick
        bottom border), total (the sum row), header, title, subtitle, note, plain.
        """
        key = (kind, variant, quote)
        style = self._cache.get(key)
        if style is None:
            cell = self._new(self._ws)
            if variant in ("title", "subtitle", "note"):
                cell.font = self._fonts[variant]
                cell.alignment = self._align["title"]
            elif variant == "header":
                cell.font = self._fonts["header"]
                cell.fill = self._fill_header
                cell.border = self._border_header
                cell.alignment = self._align["header"]
            else:
                cell.alignment = self._align[kind]
                if variant != "plain":
                    cell.border = {"cut": self._border_cut, "total": self._border_total}.get(
                        variant, self._border_cell
                    )
                if variant == "below":
                    cell.fill = self._fill_below
                elif variant == "total":
                    cell.fill = self._fill_total
                    cell.font = self._fonts["total"]
            if kind == "money":
                cell.number_format = MONEY_FORMAT
            if quote:
                cell.quotePrefix = True
            style = self._cache[key] = cell._style
        return style


def _place_cells(values: Sequence[Any], row_idx: int) -> Any:
    """Stand-in for ``WriteOnlyWorksheet._values_to_row`` for rows made only of ready cells.

    openpyxl's own version first tries each value as a plain value and falls back on a
    ``ValueError`` (with a formatted message) for every ``Cell`` – most of the export's time.
    """
    for col_idx, cell in enumerate(values, 1):
        if cell is not None:
            cell.column = col_idx
            cell.row = row_idx
            yield cell


_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def _write_row(xf: Any, row: Any, row_idx: int) -> None:
    """Stand-in for ``WorksheetWriter.write_row`` for our ready cells: one lxml tree per row.

    openpyxl opens a nested ``xf.element`` context per cell; building the row as one small
    tree and writing it at once does the same XML in about half the time.
    """
    from lxml.etree import Element, SubElement

    suffix = str(row_idx)
    element = Element("row", r=suffix)
    for cell in row:
        value = cell._value
        data_type = cell.data_type
        attrs = {"r": _LETTERS[cell.column] + suffix, "s": cell.style_id}
        if value is None:
            SubElement(element, "c", attrs)
        elif data_type == "s":
            attrs["t"] = "inlineStr"
            text = SubElement(SubElement(SubElement(element, "c", attrs), "is"), "t")
            text.text = value
            if value != value.strip():
                text.set(_XML_SPACE, "preserve")
        elif data_type == "f":
            SubElement(SubElement(element, "c", attrs), "f").text = value[1:]
        else:
            attrs["t"] = "n"
            SubElement(SubElement(element, "c", attrs), "v").text = str(value)
    xf.write(element)


class _Letters(dict):
    """Column index -> letters, filled on demand."""

    def __missing__(self, index: int) -> str:
        letters = self[index] = _col(index)
        return letters


_LETTERS = _Letters()
_READY_CELL: type | None = None


def _ready_cell_class() -> type:
    """A ``Cell`` whose style id is computed once per style, not looked up for every cell."""
    global _READY_CELL
    if _READY_CELL is None:
        from openpyxl.cell.cell import Cell

        class ReadyCell(Cell):
            __slots__ = ("style_id",)  # shadows Cell.style_id (a lookup in the workbook's style list)
            has_style = True

        _READY_CELL = ReadyCell
    return _READY_CELL


class _CellMaker:
    """Creates styled cells for a write-only sheet without openpyxl's per-cell type guessing."""

    def __init__(self, ws: Any) -> None:
        ws._values_to_row = _place_cells  # every row we append is a list of Cells (or None)
        self.ws = ws
        self.styles = _Styles(ws)
        self._cls = _ready_cell_class()
        self._new = self._cls.__new__
        self._style_ids: dict[int, int] = {}
        self._cell_styles = ws.parent._cell_styles

    def _make(self, value: Any, data_type: str, style: Any) -> Any:
        cell = self._new(self._cls)
        cell.parent = self.ws
        cell._style = style
        style_id = self._style_ids.get(id(style))
        if style_id is None:
            style_id = self._style_ids[id(style)] = str(self._cell_styles.add(style))
        cell.style_id = style_id
        cell._value = value
        cell.data_type = data_type
        cell.row = 0
        cell.column = 0
        cell._hyperlink = None
        cell._comment = None
        return cell

    def text(self, value: str, kind: str = "text", variant: str = "normal") -> Any:
        """Always text: a value starting with =, +, -, @, tab or CR is never a formula."""
        value = _clean_text(value) if value else value
        if not value:
            return self.blank(kind, variant)
        quote = value.startswith(_UNSAFE_START)
        return self._make(value, "s", self.styles.get(kind, variant, quote))

    def number(self, value: int, kind: str = "money", variant: str = "normal") -> Any:
        return self._make(value, "n", self.styles.get(kind, variant))

    def formula(self, formula: str, kind: str = "money", variant: str = "normal") -> Any:
        return self._make(formula, "f", self.styles.get(kind, variant))

    def blank(self, kind: str = "text", variant: str = "normal") -> Any:
        return self._make(None, "n", self.styles.get(kind, variant))


# --- Sheet layout helpers -------------------------------------------------------------------------


def _col(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def _ref(sheet: str, cell: str) -> str:
    """An absolute reference to ``cell`` on ``sheet`` ("'Pott'!$C$9")."""
    letters = cell.rstrip("0123456789")
    return f"'{sheet}'!${letters}${cell[len(letters) :]}"


def _range(sheet: str, col: str, first: int, last: int) -> str:
    return f"'{sheet}'!${col}${first}:${col}${last}"


def _width(texts: Sequence[str], minimum: float, maximum: float) -> float:
    """A column width that fits the longest text (in characters), within the limits."""
    longest = max(map(len, texts), default=0)
    return float(min(max(longest + 2, minimum), maximum))


def _money_width(amounts: Sequence[int]) -> float:
    largest = max(map(abs, amounts), default=0)
    digits = len(str(largest))
    return float(max(digits + (digits - 1) // 3 + 5, 12))


def _setup_sheet(ws: Any, data: ExcelData, title: str, widths: Sequence[float], freeze: str) -> None:
    """Page setup, widths and frozen panes: everything a write-only sheet needs before its first row."""
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[_col(index)].width = width
    ws.freeze_panes = freeze
    ws.print_title_rows = f"1:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddFooter.left.text = f"{data.helsefellesskap} – {title}"
    ws.oddFooter.right.text = "Side &P av &N"
    ws.oddFooter.left.size = ws.oddFooter.right.size = 8
    # Start the sheet's stream now (widths, panes and page setup are written first) and let
    # our own row writer put the cells out.
    ws._get_writer()
    ws._writer.write_row = _write_row


def _title_rows(ws: Any, cells: _CellMaker, data: ExcelData, heading: str, note: str, ncols: int) -> None:
    """Rows 1-4 (merged across the sheet) and nothing else."""
    last = _col(max(ncols, 1))
    lines = [
        (data.helsefellesskap, "title"),
        (f"{heading} – {data.round_name}", "subtitle"),
        (f"Dato {format_date(data.today)} · {data.status_label}", "subtitle"),
        (note, "note"),
    ]
    for row, (text, variant) in enumerate(lines, start=1):
        ws.append([cells.text(text, "text", variant)])
        if ncols > 1:
            ws.merged_cells.add(f"A{row}:{last}{row}")


def _header_row(ws: Any, cells: _CellMaker, headers: Sequence[str]) -> None:
    ws.append([cells.text(h, "text", "header") for h in headers])


# --- The workbook ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Layout:
    """Where the figures that other sheets refer to end up."""

    years: list[int]  # application budget years with a column of their own
    no_year: bool  # a column for amounts without a year
    prio_first: int
    prio_last: int  # == prio_first - 1 when there are no applications
    col_granted: str
    col_cumulative: str
    col_within: str
    col_route: str
    earmark_total_cell: str  # "H9" on Avsetninger: what the pot loses to earmarks
    pot_available_cell: str  # "C9" on Pott: til fordeling


def _application_years(data: ExcelData) -> tuple[list[int], bool]:
    years: set[int] = set()
    no_year = False
    for app in data.applications:
        for year in app.applied_by_year:
            if year is None:
                no_year = True
            else:
                years.add(year)
    return sorted(years), no_year


def _earmark_years(data: ExcelData) -> list[int]:
    return sorted({year for e in data.earmarks if not e.is_open for year in e.amounts})


# On the Pott sheet, "Til fordeling" is the third line after the pot lines (sum, earmarks, available).
_POT_AVAILABLE = 2


def _layout(data: ExcelData) -> _Layout:
    years, no_year = _application_years(data)
    base = 5 + len(years) + (1 if no_year else 0) + 1  # A-E, years, [no year], total
    n = len(data.applications)
    earmark_cols = 2 + len(_earmark_years(data)) + 2  # name, source, years, sum, counted
    earmark_total_row = FIRST_ROW + len(data.earmarks)
    pot_available_row = FIRST_ROW + len(data.pots) + _POT_AVAILABLE
    return _Layout(
        years=years,
        no_year=no_year,
        prio_first=FIRST_ROW,
        prio_last=FIRST_ROW + n - 1,
        col_granted=_col(base + 1),
        col_cumulative=_col(base + 2),
        col_within=_col(base + 3),
        col_route=_col(base + 4),
        earmark_total_cell=f"{_col(earmark_cols)}{earmark_total_row}",
        pot_available_cell=f"C{pot_available_row}",
    )


def build_workbook(data: ExcelData) -> Workbook:
    """The four-sheet workbook (write-only: save it once, with :func:`write_excel`)."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    layout = _layout(data)
    _priority_sheet(wb.create_sheet(SHEET_PRIORITY), data, layout)
    _earmark_sheet(wb.create_sheet(SHEET_EARMARKS), data, layout)
    _pot_sheet(wb.create_sheet(SHEET_POT), data, layout)
    _regional_sheet(wb.create_sheet(SHEET_REGIONAL), data, layout)

    props = wb.properties
    props.title = f"Prioriteringsliste – {data.round_name}"
    props.subject = f"{data.helsefellesskap}: prioritert liste til Helse Nord ({data.status_label.lower()})"
    props.creator = data.helsefellesskap
    props.lastModifiedBy = data.helsefellesskap
    props.language = "nb-NO"
    props.keywords = "RS-midler; prioritering; Helse Nord"
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    props.created = props.modified = now
    wb.calculation.fullCalcOnLoad = True  # no cached values: make Excel calculate on open
    return wb


def _applied_cells(
    cells: _CellMaker, app: ExcelApplication, layout: _Layout, row: int, first_col: int, variant: str
):
    """Søkt per year (+ without year) and the total (a SUM formula, or "ikke oppgitt")."""
    by_year = app.applied_by_year
    out = []
    for year in layout.years:
        amount = by_year.get(year)
        out.append(
            cells.blank("money", variant) if amount is None else cells.number(amount, "money", variant)
        )
    if layout.no_year:
        amount = by_year.get(None)
        out.append(
            cells.blank("money", variant) if amount is None else cells.number(amount, "money", variant)
        )
    if app.applied_total is None:
        out.append(cells.text(NOT_STATED, "money", variant))
    else:
        last = first_col + len(out) - 1
        if last >= first_col:
            out.append(cells.formula(f"=SUM({_col(first_col)}{row}:{_col(last)}{row})", "money", variant))
        else:  # pragma: no cover - a stated total always has a budget line
            out.append(cells.number(app.applied_total, "money", variant))
    return out


def _applied_headers(layout: _Layout) -> list[str]:
    headers = [f"Søkt {year}" for year in layout.years]
    if layout.no_year:
        headers.append("Søkt, år ikke oppgitt")
    headers.append("Søkt totalt")
    return headers


_LOCAL_LABELS = [ROUTE_LABELS[r] for r in ROUTES if r in LOCAL_ROUTES]


def _local_granted_formula(layout: _Layout, sheet: str | None = None) -> str:
    """Innstilt over the whole list for rows the local pot pays (route «Lokal pott» or «Begge»).

    ``sheet``: refer to the Prioritering sheet from another sheet; None on that sheet itself.
    """
    first, last = layout.prio_first, layout.prio_last
    if last < first:
        return "=0"
    if sheet is None:
        granted = f"{layout.col_granted}{first}:{layout.col_granted}{last}"
        route = f"{layout.col_route}{first}:{layout.col_route}{last}"
    else:
        granted = _range(sheet, layout.col_granted, first, last)
        route = _range(sheet, layout.col_route, first, last)
    return "=" + "+".join(f'SUMIFS({granted},{route},"{label}")' for label in _LOCAL_LABELS)


def _sum_cells(cells: _CellMaker, first_col: int, last_col: int, first: int, last: int) -> list[Any]:
    """A SUM formula per column (``=0`` when the list is empty)."""
    out = []
    for index in range(first_col, last_col + 1):
        letter = _col(index)
        formula = f"=SUM({letter}{first}:{letter}{last})" if last >= first else "=0"
        out.append(cells.formula(formula, "money", "total"))
    return out


def _priority_sheet(ws: Any, data: ExcelData, layout: _Layout) -> None:
    cells = _CellMaker(ws)
    apps = data.applications
    applied_headers = _applied_headers(layout)
    headers = [
        "Prioritet",
        "Prosjekt",
        "Prosjekteiere",
        "Kommuner",
        "Helseforetak",
        *applied_headers,
        "Innstilt beløp",
        "Akkumulert",
        "Innenfor pott",
        "Rute",
        "Status",
        "Kommentar",
    ]
    ncols = len(headers)
    amounts = [a.applied_total or 0 for a in apps] + [a.cumulative for a in apps] + [data.available]
    money = _money_width(amounts)
    widths = [
        10,
        _width([a.name for a in apps], 24, 48),
        _width([a.owners for a in apps], 16, 36),
        _width([a.municipalities for a in apps], 12, 30),
        _width([a.hospital_trust for a in apps], 14, 26),
        *([max(money, len(h) + 2) for h in applied_headers]),
        max(money, 16),
        max(money, 14),
        10,
        _width([ROUTE_LABELS.get(a.route, a.route) for a in apps], 10, 18),
        _width([a.status for a in apps], 10, 18),
        _width([a.comment for a in apps], 14, 40),
    ]
    _setup_sheet(ws, data, "prioritert liste", widths, f"C{FIRST_ROW}")
    note = (
        "Innstilt beløp telles i lokal pott for rute «Lokal pott» og «Begge». Streken (tykk rød linje) står under "
        "siste søknad som får plass; radene under er skyggelagt. Summer og akkumulert er formler."
    )
    _title_rows(ws, cells, data, "Prioritert liste", note, ncols)
    _header_row(ws, cells, headers)

    first_applied = 6
    granted_col, cumulative_col = layout.col_granted, layout.col_cumulative
    available = _ref(SHEET_POT, layout.pot_available_cell)
    last_within = max((i for i, a in enumerate(apps) if a.within_pot), default=-1)
    any_below = any(not a.within_pot for a in apps)
    text, number, formula = cells.text, cells.number, cells.formula
    append = ws.append
    for index, app in enumerate(apps):
        row = FIRST_ROW + index
        if not app.within_pot:
            variant = "below"
        elif index == last_within and any_below:
            variant = "cut"
        else:
            variant = "normal"
        if app.counts_locally:
            cumulative = (
                f"={granted_col}{row}" if index == 0 else f"={cumulative_col}{row - 1}+{granted_col}{row}"
            )
        else:
            cumulative = "=0" if index == 0 else f"={cumulative_col}{row - 1}"
        append(
            [
                number(app.rank, "int", variant),
                text(app.name, "wrap", variant),
                text(app.owners, "wrap", variant),
                text(app.municipalities, "wrap", variant),
                text(app.hospital_trust, "wrap", variant),
                *_applied_cells(cells, app, layout, row, first_applied, variant),
                number(app.granted, "money", variant),
                formula(cumulative, "money", variant),
                formula(f'=IF({cumulative_col}{row}<={available},"{YES}","{NO}")', "center", variant)
                if app.counts_locally
                else text(NOT_APPLICABLE, "center", variant),
                text(ROUTE_LABELS.get(app.route, app.route), "text", variant),
                text(app.status, "text", variant),
                text(app.comment, "wrap", variant),
            ]
        )
    last = layout.prio_last
    # Søkt: every row. Innstilt: only what the local pot pays, as "Innstilt fra lokal pott,
    # hele listen" on the Pott sheet (a regional row's grant is not local money).
    sum_row = [
        cells.blank("int", "total"),
        text("Sum", "text", "total"),
        *(cells.blank("text", "total") for _ in range(3)),
        *_sum_cells(cells, first_applied, first_applied + len(applied_headers) - 1, FIRST_ROW, last),
        formula(_local_granted_formula(layout), "money", "total"),
        *(cells.blank("text", "total") for _ in range(ncols - 5 - len(applied_headers) - 2)),
        text(SUM_GRANTED_NOTE, "wrap", "total"),
    ]
    append(sum_row)
    if apps:
        ws.auto_filter.ref = f"A{HEADER_ROW}:{_col(ncols)}{last}"


def _earmark_sheet(ws: Any, data: ExcelData, layout: _Layout) -> None:
    cells = _CellMaker(ws)
    years = _earmark_years(data)
    counted = [i for i, year in enumerate(years) if year in data.counted_years]
    first_year = 3
    sum_col = first_year + len(years)
    counted_col = sum_col + 1
    headers = [
        "Avsetning",
        "Vedtak",
        *(str(year) for year in years),
        "Sum",
        f"Trekkes fra potten {data.round_year}",
    ]
    ncols = len(headers)
    money = _money_width([sum(e.amounts.values()) for e in data.earmarks])
    widths = [
        _width([e.name for e in data.earmarks], 24, 48),
        _width([e.source for e in data.earmarks], 12, 36),
        *([money] * len(years)),
        money,
        max(money, 18),
    ]
    _setup_sheet(ws, data, "avsetninger", widths, f"B{FIRST_ROW}")
    counted_text = ", ".join(str(year) for year in sorted(data.counted_years)) or "ingen"
    note = (
        f"Bare beløp i år med bekreftet pott ({counted_text}) trekkes fra potten. "
        f"Avsetninger uten vedtatt beløp står som «{OPEN}» og telles ikke som 0."
    )
    _title_rows(ws, cells, data, "Avsetninger", note, ncols)
    _header_row(ws, cells, headers)
    for index, earmark in enumerate(data.earmarks):
        row = FIRST_ROW + index
        line = [cells.text(earmark.name, "wrap"), cells.text(earmark.source, "wrap")]
        if earmark.is_open:
            line += [cells.text(OPEN, "money") for _ in range(len(years) + 2)]
        else:
            for year in years:
                amount = earmark.amounts.get(year)
                line.append(cells.blank("money") if amount is None else cells.number(amount))
            if years:
                line.append(cells.formula(f"=SUM({_col(first_year)}{row}:{_col(sum_col - 1)}{row})"))
            else:  # pragma: no cover - a decided earmark has at least one year
                line.append(cells.formula("=0"))
            parts = [f"{_col(first_year + i)}{row}" for i in counted]
            line.append(cells.formula("=" + "+".join(parts) if parts else "=0"))
        ws.append(line)
    last = FIRST_ROW + len(data.earmarks) - 1
    ws.append(
        [
            cells.text("Sum", "text", "total"),
            cells.blank("text", "total"),
            *_sum_cells(cells, first_year, counted_col, FIRST_ROW, last),
        ]
    )
    if data.earmarks:
        ws.auto_filter.ref = f"A{HEADER_ROW}:{_col(ncols)}{last}"


def _pot_sheet(ws: Any, data: ExcelData, layout: _Layout) -> None:
    cells = _CellMaker(ws)
    headers = ["Post", "Budsjettår", "Beløp", "Merknad"]
    labels = [p.label for p in data.pots] + [e.name for e in data.earmarks] + data.warnings
    money = _money_width([data.pot_total, data.available, data.granted_total, data.earmarked_total])
    _setup_sheet(ws, data, "pott", [_width(labels, 44, 60), 11, max(money, 16), 48], f"A{FIRST_ROW}")
    note = "Hver sum er en formel mot arkene «Prioritering» og «Avsetninger»: endres et beløp der, følger summene."
    _title_rows(ws, cells, data, "Lokal pott", note, len(headers))
    _header_row(ws, cells, headers)

    text, number, formula, blank = cells.text, cells.number, cells.formula, cells.blank
    rows_written = HEADER_ROW

    def append(line: list[Any]) -> int:
        nonlocal rows_written
        ws.append(line)
        rows_written += 1
        return rows_written

    for pot in data.pots:
        append([text(pot.label, "wrap"), number(pot.budget_year, "int"), number(pot.amount), blank()])
    n = len(data.pots)
    first, last = layout.prio_first, layout.prio_last
    if last >= first:
        granted = _range(SHEET_PRIORITY, layout.col_granted, first, last)
        within = _range(SHEET_PRIORITY, layout.col_within, first, last)
        route = _range(SHEET_PRIORITY, layout.col_route, first, last)
        within_formula = "=" + "+".join(
            f'SUMIFS({granted},{within},"{YES}",{route},"{label}")' for label in _LOCAL_LABELS
        )
    else:
        within_formula = "=0"
    whole_formula = _local_granted_formula(layout, sheet=SHEET_PRIORITY)
    sources = f"=SUM(C{FIRST_ROW}:C{FIRST_ROW + n - 1})" if n else "=0"
    total = "total"
    sum_row = append(
        [
            text("Sum bekreftet pott", "text", total),
            blank("text", total),
            formula(sources, "money", total),
            blank("text", total),
        ]
    )
    earmarks_row = append(
        [
            text("− Avsetninger som trekkes fra", "wrap"),
            blank(),
            formula("=" + _ref(SHEET_EARMARKS, layout.earmark_total_cell)),
            text("Se arket «Avsetninger»", "wrap"),
        ]
    )
    available_row = append(
        [
            text("= Til fordeling", "text", total),
            blank("text", total),
            formula(f"=C{sum_row}-C{earmarks_row}", "money", total),
            blank("text", total),
        ]
    )
    assert f"C{available_row}" == layout.pot_available_cell
    granted_row = append(
        [
            text("− Innstilt innenfor potten", "wrap"),
            blank(),
            formula(within_formula),
            text("Rute «Lokal pott» eller «Begge», over streken", "wrap"),
        ]
    )
    append(
        [
            text("= Igjen i potten", "text", total),
            blank("text", total),
            formula(f"=C{available_row}-C{granted_row}", "money", total),
            blank("text", total),
        ]
    )
    append([])
    whole_row = append(
        [
            text("Innstilt fra lokal pott, hele listen", "wrap"),
            blank(),
            formula(whole_formula),
            text("Også søknadene under streken", "wrap"),
        ]
    )
    append(
        [
            text("Til fordeling minus hele listen", "wrap"),
            blank(),
            formula(f"=C{available_row}-C{whole_row}"),
            text("Negativt: listen går over potten", "wrap"),
        ]
    )
    open_earmarks = [e for e in data.earmarks if e.is_open]
    if open_earmarks or data.assumed_pots:
        append([])
    for earmark in open_earmarks:
        append(
            [
                text(f"Ikke avklart: {earmark.name}", "wrap"),
                blank(),
                text(OPEN, "money"),
                text("Telles ikke som 0; beløpet må avklares", "wrap"),
            ]
        )
    for pot in data.assumed_pots:
        append(
            [
                text(f"Antatt: {pot.label}", "wrap"),
                number(pot.budget_year, "int"),
                number(pot.amount),
                text("Ikke bekreftet; telles ikke", "wrap"),
            ]
        )
    if data.warnings:
        append([])
        append([text("Varsler", "text", "subtitle")])
        for warning in data.warnings:  # not wrapped: a long warning runs on over the empty cells
            append([text(warning, "text", "plain")])


def _regional_sheet(ws: Any, data: ExcelData, layout: _Layout) -> None:
    cells = _CellMaker(ws)
    apps = [(i, a) for i, a in enumerate(data.applications) if a.route in REGIONAL_ROUTES]
    applied_headers = _applied_headers(layout)
    headers = [
        "Nr",
        "Prioritet i helsefellesskapet",
        "Prosjekt",
        "Prosjekteiere",
        "Kommuner",
        "Helseforetak",
        *applied_headers,
        "Rute",
        "Innenfor lokal pott",
    ]
    ncols = len(headers)
    only = [a for _, a in apps]
    money = _money_width([a.applied_total or 0 for a in only])
    widths = [
        6,
        13,
        _width([a.name for a in only], 24, 48),
        _width([a.owners for a in only], 16, 36),
        _width([a.municipalities for a in only], 12, 30),
        _width([a.hospital_trust for a in only], 14, 26),
        *([max(money, len(h) + 2) for h in applied_headers]),
        _width([ROUTE_LABELS.get(a.route, a.route) for a in only], 10, 18),
        12,
    ]
    _setup_sheet(ws, data, "regional liste", widths, f"D{FIRST_ROW}")
    note = (
        f"Søknader som {data.helsefellesskap} sender videre til Tildelingsutvalget i Helse Nord, "
        "i helsefellesskapets prioriterte rekkefølge."
    )
    _title_rows(ws, cells, data, "Regional liste", note, ncols)
    _header_row(ws, cells, headers)
    first_applied = 7
    for number_, (index, app) in enumerate(apps, start=1):
        row = FIRST_ROW + number_ - 1
        prio_row = FIRST_ROW + index
        within = (
            cells.formula(f"={_ref(SHEET_PRIORITY, f'{layout.col_within}{prio_row}')}", "center")
            if app.counts_locally
            else cells.text(NOT_APPLICABLE, "center")
        )
        ws.append(
            [
                cells.number(number_, "int"),
                cells.number(app.rank, "int"),
                cells.text(app.name, "wrap"),
                cells.text(app.owners, "wrap"),
                cells.text(app.municipalities, "wrap"),
                cells.text(app.hospital_trust, "wrap"),
                *_applied_cells(cells, app, layout, row, first_applied, "normal"),
                cells.text(ROUTE_LABELS.get(app.route, app.route)),
                within,
            ]
        )
    last = FIRST_ROW + len(apps) - 1
    ws.append(
        [
            cells.blank("int", "total"),
            cells.blank("int", "total"),
            cells.text("Sum", "text", "total"),
            *(cells.blank("text", "total") for _ in range(3)),
            *_sum_cells(cells, first_applied, first_applied + len(applied_headers) - 1, FIRST_ROW, last),
            cells.blank("text", "total"),
            cells.blank("text", "total"),
        ]
    )
    if apps:
        ws.auto_filter.ref = f"A{HEADER_ROW}:{_col(ncols)}{last}"


# --- Writing the file -----------------------------------------------------------------------------


def lock_file_for(path: Path) -> Path | None:
    """The lock file LibreOffice (``.~lock.NAME#``) or Excel (``~$NAME``) keeps while ``path`` is open."""
    for candidate in (path.with_name(f".~lock.{path.name}#"), path.with_name(f"~${path.name}")):
        if candidate.exists():
            return candidate
    return None


def _check_target(path: Path, *, force: bool) -> None:
    parent = path.parent
    if not parent.exists():
        raise ExportError(f"Mappen {parent} finnes ikke. Velg en mappe som finnes.")
    if not parent.is_dir():
        raise ExportError(f"{parent} er ikke en mappe.")
    if path.is_dir():
        raise ExportError(f"{path} er en mappe, ikke en fil. Skriv et filnavn som slutter på .xlsx.")
    lock = lock_file_for(path)
    if lock is not None:
        raise ExportError(
            f"Filen {path} er åpen i et annet program (låsefilen {lock.name} finnes). "
            "Lukk filen i LibreOffice eller Excel og prøv igjen."
        )
    if path.exists() and not force:
        raise ExportFileExists(path)


#: Norwegian reasons for the errno values a save commonly meets (never the English strerror).
_ERRNO_REASONS = {
    errno.ENOENT: "mappen finnes ikke (eller ble fjernet underveis)",
    errno.ENOTDIR: "en del av stien er en fil, ikke en mappe",
    errno.EISDIR: "det finnes en mappe med det navnet",
    errno.EEXIST: "det finnes allerede noe med det navnet",
    errno.EBUSY: "filen er i bruk av et annet program. Lukk den og prøv igjen",
    errno.ETXTBSY: "filen er i bruk av et annet program. Lukk den og prøv igjen",
    errno.EROFS: "mappen ligger på et skrivebeskyttet område. Velg en annen mappe",
    errno.ENOSPC: "disken er full",
    errno.EDQUOT: "diskkvoten er brukt opp",
    errno.ENAMETOOLONG: "filnavnet eller stien er for lang",
    errno.EINVAL: "filnavnet er ugyldig",
    errno.EMFILE: "for mange åpne filer. Lukk noen programmer og prøv igjen",
    errno.ENFILE: "for mange åpne filer. Lukk noen programmer og prøv igjen",
    errno.EIO: "lese-/skrivefeil på disken",
    errno.EXDEV: "den midlertidige filen og målet ligger på ulike disker",
    errno.ELOOP: "stien har for mange symbolske lenker",
}


def _os_error_message(path: Path, exc: OSError) -> str:
    """A Norwegian message naming the file and why it could not be written."""
    number = exc.errno
    if number in (errno.EACCES, errno.EPERM):
        reason = (
            "ingen skrivetilgang (eller filen er låst av et annet program). "
            "Lukk filen eller velg en annen mappe"
        )
    elif number in _ERRNO_REASONS:
        reason = _ERRNO_REASONS[number]
    else:
        reason = f"systemfeil (errno {number})" if number is not None else "ukjent systemfeil"
    return f"Kan ikke skrive {path}: {reason}."


def write_excel(data: ExcelData, path: Path | str, *, force: bool = False) -> Path:
    """Write the workbook to ``path`` atomically (temporary file beside it, then rename).

    Raises :class:`ExportFileExists` if ``path`` exists and ``force`` is false, and
    :class:`ExportError` (Norwegian, naming the file) when the folder is missing, the file
    is open in LibreOffice/Excel, or it cannot be written.
    """
    path = Path(path).expanduser()
    if not path.is_absolute():
        path = Path.cwd() / path
    _check_target(path, force=force)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise ExportError(_os_error_message(path, exc)) from exc
    tmp = Path(tmp_name)
    workbook = None
    try:
        with os.fdopen(fd, "wb") as handle:
            workbook = build_workbook(data)
            workbook.save(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        os.replace(tmp, path)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        _abandon(workbook)
        if isinstance(exc, OSError):
            raise ExportError(_os_error_message(path, exc)) from exc
        raise
    return path


def _abandon(workbook: Workbook | None) -> None:
    """Close the streams of a write-only workbook whose save failed, so nothing is left half-open."""
    for ws in getattr(workbook, "_sheets", ()):
        try:
            if not ws.closed:
                ws.close()
        except Exception:  # noqa: BLE001, S110 - best effort after the real error
            pass


def export_round(
    session: Session, round_id: int, path: Path | str, *, today: date, force: bool = False
) -> Path:
    """Read the round and write its prioritisation list to ``path``; returns the absolute path."""
    return write_excel(excel_data(session, round_id, today=today), path, force=force)
