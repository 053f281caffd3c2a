"""The fence around openpyxl: every private access rsapp makes lives in this module.

The sheet builders (:mod:`rsapp.export.sheets`) describe a workbook through a small interface,
:class:`Book` and :class:`Sheet`: styles as :class:`CellStyle` values, rows as lists of cells
``(kind, value, style)`` with ``kind`` ``"s"`` (text, never a formula), ``"n"`` (number or styled
blank) or ``"f"`` (formula, ``"=..."``), each row with its height in points, conditional formats as
:class:`Highlight` rules. Two writers implement it:

* **fast** (the default): openpyxl's write-only workbook writes everything but the rows (column
  widths, panes, merged cells, conditional formats, page setup, the package); the rows are built as
  XML text, one string per row, and spliced into the sheet's ``<sheetData/>`` in the temporary file
  openpyxl keeps for the sheet (``WorksheetWriter.out``, reached as ``WriteOnlyWorksheet._writer``)
  after the sheet is closed and before the workbook is zipped. About five times faster than
  openpyxl's per-cell writer, which is what makes 10 000 applications take under three seconds.
* **public**: the same write-only workbook through openpyxl's public API only (``WriteOnlyCell``,
  ``row_dimensions``). Slower, and the fallback whenever :func:`check_openpyxl` finds that the
  private parts are not what the fast writer expects.

:func:`check_openpyxl` names precisely what changed (``tests/test_export_excel.py`` calls it, so a
new openpyxl fails the suite loudly rather than writing a broken file); :func:`fast_writer_available`
caches its verdict for the process and logs the fallback once. Everything else (column widths,
page setup, merged cells, conditional formats, document properties) uses the public API in both
writers.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, Any

__all__ = [
    "SUPPORTED_OPENPYXL",
    "Book",
    "Cell",
    "CellStyle",
    "Highlight",
    "OpenpyxlChanged",
    "PageSetup",
    "Sheet",
    "check_openpyxl",
    "column_letter",
    "fast_writer_available",
]

log = logging.getLogger(__name__)

#: The openpyxl versions whose internals the fast writer was written against ("major.minor").
SUPPORTED_OPENPYXL = ("3.1",)

#: A cell as the builders write it: ``(kind, value, style)``; ``None`` leaves the cell out.
Cell = tuple[str, Any, Any]

_THIN = "A6A6A6"


class OpenpyxlChanged(RuntimeError):
    """openpyxl's private internals are not what the fast writer expects."""


# --- What a cell, a highlight and a page look like ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class CellStyle:
    """The look of a cell. ``border``: ``none``, ``cell`` (thin grid), ``header`` (medium bottom),
    ``total`` (double top). ``quote``: the cell is text that must stay text when edited."""

    size: float = 10.0
    bold: bool = False
    italic: bool = False
    color: str | None = None
    fill: str | None = None
    border: str = "cell"
    horizontal: str | None = None
    vertical: str = "top"
    wrap: bool = False
    number_format: str = "General"
    quote: bool = False


@dataclass(frozen=True, slots=True)
class Highlight:
    """What a conditional format changes when its formula is true."""

    fill: str | None = None
    top_border: str | None = None  # colour of a line above the cell
    bold: bool = False
    color: str | None = None


@dataclass(frozen=True, slots=True)
class PageSetup:
    """A4 landscape print settings of one sheet."""

    scale: int = 100
    title_rows: str | None = None  # "5:5": repeated on every page
    title_cols: str | None = None  # "A:B": repeated on every page across
    footer_left: str = ""
    footer_right: str = "Side &P av &N"
    footer_size: int = 8
    margin_side: float = 0.4  # inches
    margin_top: float = 0.6


def column_letter(index: int) -> str:
    """1 -> A, 27 -> AA."""
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


# --- Checking the private hooks ---------------------------------------------------------------------


def _expect(condition: bool, what: str, problems: list[str]) -> None:
    if not condition:
        problems.append(what)


def check_openpyxl() -> None:
    """Raise :class:`OpenpyxlChanged` naming every private part that is not as expected.

    Checks the version; that a closed write-only sheet still keeps its writer in ``._writer``,
    whose XML file is ``.out``, and that closing a sheet with no rows writes an empty
    ``<sheetData/>`` through ``write_rows()``; then writes a small workbook through the fast
    writer and reads it back with openpyxl.
    """
    import openpyxl
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet
    from openpyxl.worksheet._writer import WorksheetWriter

    problems: list[str] = []
    version = ".".join(openpyxl.__version__.split(".")[:2])
    _expect(
        version in SUPPORTED_OPENPYXL,
        f"openpyxl {openpyxl.__version__} is not a version the fast writer was checked against "
        f"({', '.join(SUPPORTED_OPENPYXL)})",
        problems,
    )
    _expect(hasattr(WriteOnlyWorksheet, "_writer"), "WriteOnlyWorksheet._writer is gone", problems)
    _expect(
        callable(getattr(WriteOnlyWorksheet, "close", None)), "WriteOnlyWorksheet.close is gone", problems
    )
    try:
        init = inspect.getsource(WorksheetWriter.__init__)
        close = inspect.getsource(WriteOnlyWorksheet.close)
    except (OSError, TypeError, AttributeError):
        init = close = ""
    _expect("self.out = out" in init, "WorksheetWriter no longer keeps its file in .out", problems)
    _expect(
        "self._writer.write_rows()" in close,
        "WriteOnlyWorksheet.close no longer writes an empty sheet's rows through write_rows()",
        problems,
    )
    if not problems:
        try:
            _probe()
        except Exception as exc:  # noqa: BLE001 - any failure of the probe is the news
            problems.append(f"a workbook written by the fast writer does not read back: {exc!r}")
    if problems:
        raise OpenpyxlChanged(
            "openpyxl has changed under rsapp's fast Excel writer (rsapp/export/xlsx.py): "
            + "; ".join(problems)
            + ". The export falls back on the public API; update the fast writer and SUPPORTED_OPENPYXL."
        )


def _probe() -> None:
    """Write a small workbook with the fast writer and check what openpyxl reads back."""
    import io

    from openpyxl import load_workbook

    book = Book(fast=True, checked=True)
    plain = book.style(CellStyle())
    money = book.style(CellStyle(number_format="#,##0", bold=True))
    sheet = book.sheet("Probe", [10.0, 12.0, 8.0])
    sheet.append([("s", "=tekst & <mer>", plain), ("n", 1234, money)], 20.0)
    sheet.append([("f", '=IF(B1>=0,"Ja","Nei")', money), None, ("n", None, plain)], None)
    sheet.append([("s", " mellomrom ", plain)], 31.5)
    sheet.merge("A3:C3")
    sheet.highlight("A1:C2", "$B1>0", Highlight(fill="E7E6E6"))
    buffer = io.BytesIO()
    book.save(buffer)
    ws = load_workbook(buffer)["Probe"]
    got = (
        ws["A1"].value,
        ws["A1"].data_type,
        ws["B1"].value,
        ws["B1"].font.b,
        ws["B1"].number_format,
        ws["A2"].value,
        ws["A3"].value,
        ws.row_dimensions[1].height,
        ws.row_dimensions[3].height,
        [str(r) for r in ws.merged_cells.ranges],
        len(ws.conditional_formatting),
        ws.column_dimensions["B"].width,
    )
    expected = (
        "=tekst & <mer>",
        "s",
        1234,
        True,
        "#,##0",
        '=IF(B1>=0,"Ja","Nei")',
        " mellomrom ",
        20.0,
        31.5,
        ["A3:C3"],
        1,
        12.0,
    )
    if got != expected:
        raise AssertionError(f"read back {got}, expected {expected}")


_FAST: bool | None = None


def fast_writer_available() -> bool:
    """Whether the fast writer may be used (checked once per process; a failure is logged once)."""
    global _FAST
    if _FAST is None:
        try:
            check_openpyxl()
        except OpenpyxlChanged as exc:
            log.warning("%s", exc)
            _FAST = False
        else:
            _FAST = True
    return _FAST


# --- The writers ------------------------------------------------------------------------------------


class _Letters(dict[int, str]):
    """Column index -> letters, filled on demand."""

    def __missing__(self, index: int) -> str:
        letters = self[index] = column_letter(index)
        return letters


_LETTERS = _Letters()


#: An empty ``sheetData`` element as openpyxl writes it (through lxml, or the standard library).
_EMPTY_ROWS = (b"<sheetData></sheetData>", b"<sheetData/>", b"<sheetData />")


def _escape(text: str) -> str:
    if "&" in text or "<" in text or ">" in text:
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text


def _row_xml(cells: Sequence[Cell | None], height: float | None, row: int) -> str:
    """One ``<row>`` of SpreadsheetML, as text."""
    suffix = str(row)
    parts = [
        f'<row r="{suffix}" ht="{height:.2f}" customHeight="1">'
        if height is not None
        else f'<row r="{suffix}">'
    ]
    add = parts.append
    letters = _LETTERS
    column = 0
    for cell in cells:
        column += 1
        if cell is None:
            continue
        kind, value, style = cell
        where = letters[column] + suffix
        if kind == "f":
            add(f'<c r="{where}" s="{style}"><f>{_escape(value[1:])}</f></c>')
        elif kind == "s":
            space = ' xml:space="preserve"' if value[:1].isspace() or value[-1:].isspace() else ""
            add(f'<c r="{where}" s="{style}" t="inlineStr"><is><t{space}>{_escape(value)}</t></is></c>')
        elif value is None:
            add(f'<c r="{where}" s="{style}"/>')
        else:
            add(f'<c r="{where}" s="{style}" t="n"><v>{value}</v></c>')
    add("</row>")
    return "".join(parts)


def _splice(path: str, rows: list[str]) -> None:
    """Put the rows into the closed sheet's XML file, in place of its empty ``<sheetData/>``."""
    with open(path, "rb") as handle:
        xml = handle.read()
    for empty in _EMPTY_ROWS:
        at = xml.find(empty)
        if at >= 0 and xml.count(b"<sheetData") == 1:
            break
    else:
        raise OpenpyxlChanged("the sheet openpyxl wrote has no single empty <sheetData/> to fill")
    with open(path, "wb") as handle:
        handle.write(xml[:at])
        handle.write(b"<sheetData>")
        handle.write("".join(rows).encode("utf-8"))
        handle.write(b"</sheetData>")
        handle.write(xml[at + len(empty) :])


class _StyleParts:
    """The openpyxl objects of one :class:`CellStyle` (public API)."""

    def __init__(self, spec: CellStyle) -> None:
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        thin = Side(style="thin", color=_THIN)
        self.font = Font(name="Calibri", size=spec.size, bold=spec.bold, italic=spec.italic, color=spec.color)
        self.fill = PatternFill("solid", fgColor=spec.fill) if spec.fill else PatternFill()
        self.border = {
            "none": Border(),
            "cell": Border(left=thin, right=thin, top=thin, bottom=thin),
            "header": Border(left=thin, right=thin, top=thin, bottom=Side(style="medium")),
            "total": Border(left=thin, right=thin, top=Side(style="double"), bottom=thin),
        }[spec.border]
        self.alignment = Alignment(
            horizontal=spec.horizontal, vertical=spec.vertical, wrap_text=spec.wrap or None
        )
        self.number_format = spec.number_format
        self.quote = spec.quote

    def apply(self, cell: Any) -> None:
        cell.font = self.font
        cell.fill = self.fill
        cell.border = self.border
        cell.alignment = self.alignment
        cell.number_format = self.number_format
        if self.quote:
            cell.quotePrefix = True


class _WorkbookShim:
    """Stands in for a worksheet when a style is registered before any sheet exists."""

    def __init__(self, workbook: Any) -> None:
        self.parent = workbook


class Book:
    """A workbook being written, sheet after sheet, row after row (write-only: save once)."""

    def __init__(self, *, fast: bool | None = None, checked: bool = False) -> None:
        from openpyxl import Workbook

        self.fast = fast_writer_available() if fast is None else fast
        if self.fast and not checked and not fast_writer_available():
            raise OpenpyxlChanged("the fast Excel writer is not available with this openpyxl")
        self.workbook = Workbook(write_only=True)
        self._shim = _WorkbookShim(self.workbook)
        self._styles: dict[CellStyle, Any] = {}
        self.sheets: list[Sheet] = []

    def style(self, spec: CellStyle) -> Any:
        """The handle a cell of this look carries (a style id, or the openpyxl objects)."""
        handle = self._styles.get(spec)
        if handle is None:
            parts = _StyleParts(spec)
            if self.fast:
                from openpyxl.cell import WriteOnlyCell

                cell = WriteOnlyCell(self._shim)
                parts.apply(cell)
                handle = str(cell.style_id)
            else:
                handle = parts
            self._styles[spec] = handle
        return handle

    def sheet(
        self,
        title: str,
        widths: Sequence[float],
        *,
        print_columns: int | None = None,
        freeze: str | None = None,
        page: PageSetup | None = None,
    ) -> Sheet:
        """A new sheet with its column widths (in characters), panes and page; only the first
        ``print_columns`` columns are printed (all when None)."""
        ws = self.workbook.create_sheet(title)
        for index, width in enumerate(widths, start=1):
            ws.column_dimensions[column_letter(index)].width = round(width, 2)
        if freeze:
            ws.freeze_panes = freeze
        _page_setup(ws, page or PageSetup())
        sheet = Sheet(self, ws)
        sheet.print_columns = print_columns or len(widths)
        self.sheets.append(sheet)
        return sheet

    def save(self, handle: IO[bytes]) -> None:
        try:
            for sheet in self.sheets:
                sheet.finish()
            self.workbook.save(handle)
        except BaseException:
            self.abandon()
            raise

    def abandon(self) -> None:
        """Close the streams of sheets whose save failed, so no temporary file is left open."""
        for sheet in self.sheets:
            ws = sheet.ws
            try:
                if not ws.closed:
                    ws.close()
            except Exception:  # noqa: BLE001, S110 - best effort after the real error
                pass


def _page_setup(ws: Any, page: PageSetup) -> None:
    setup = ws.page_setup
    setup.orientation = "landscape"
    setup.paperSize = "9"  # A4
    setup.scale = page.scale
    ws.sheet_properties.pageSetUpPr.fitToPage = False
    ws.print_options.horizontalCentered = False
    margins = ws.page_margins
    margins.left = margins.right = page.margin_side
    margins.top = margins.bottom = page.margin_top
    margins.header = margins.footer = 0.3
    if page.title_rows:
        ws.print_title_rows = page.title_rows
    if page.title_cols:
        ws.print_title_cols = page.title_cols
    footer = ws.oddFooter
    footer.left.text = page.footer_left
    footer.right.text = page.footer_right
    footer.left.size = footer.right.size = page.footer_size


class Sheet:
    """One sheet of a :class:`Book`; rows go out in order as they are appended."""

    def __init__(self, book: Book, ws: Any) -> None:
        self.book = book
        self.ws = ws
        self.rows = 0
        self.print_columns = 0
        self._xml: list[str] = []
        self.append = self._append_fast if book.fast else self._append_public  # type: ignore[method-assign]

    def append(self, cells: Sequence[Cell | None], height: float | None) -> int:
        """Write one row (cells from column A) with its height in points; returns its number."""
        raise NotImplementedError  # replaced per instance in __init__

    def _append_fast(self, cells: Sequence[Cell | None], height: float | None) -> int:
        self.rows += 1
        self._xml.append(_row_xml(cells, height, self.rows))
        return self.rows

    def finish(self) -> None:
        """Set the print area (the printed columns, every row written); with the fast writer,
        close the sheet (openpyxl writes all but the rows), then put the rows in."""
        ws = self.ws
        if ws.closed:
            return
        if self.print_columns and self.rows:
            ws.print_area = f"A1:{column_letter(self.print_columns)}{self.rows}"
        if not self.book.fast:
            return
        ws.close()
        _splice(ws._writer.out, self._xml)
        self._xml = []

    def _append_public(self, cells: Sequence[Cell | None], height: float | None) -> int:
        from openpyxl.cell import WriteOnlyCell

        ws = self.ws
        self.rows += 1
        if height is not None:
            ws.row_dimensions[self.rows].height = round(height, 2)
        out: list[Any] = []
        for cell in cells:
            if cell is None:
                out.append(None)
                continue
            kind, value, parts = cell
            made = WriteOnlyCell(ws)
            if kind == "s":
                made.value = value
                made.data_type = "s"  # text stays text, whatever it starts with
            else:
                made.value = value
            parts.apply(made)
            out.append(made)
        ws.append(out)
        return self.rows

    def merge(self, ref: str) -> None:
        self.ws.merged_cells.add(ref)

    def highlight(self, ref: str, formula: str, look: Highlight) -> None:
        """A conditional format on ``ref``: ``look`` where ``formula`` (for the top-left cell) holds."""
        from openpyxl.formatting.rule import FormulaRule
        from openpyxl.styles import Border, Font, PatternFill, Side

        self.ws.conditional_formatting.add(
            ref,
            FormulaRule(
                formula=[formula],
                fill=PatternFill("solid", fgColor=look.fill, bgColor=look.fill) if look.fill else None,
                border=Border(top=Side(style="thin", color=look.top_border)) if look.top_border else None,
                font=Font(bold=look.bold or None, color=look.color) if (look.bold or look.color) else None,
            ),
        )
