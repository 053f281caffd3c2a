"""The figures an exported workbook shows once LibreOffice has recalculated its formulas.

The prioritisation list is mostly formulas (the ledger's carry-over, the cut line, the sums, the
regional amounts), so what a reader sees is what a spreadsheet program computes, not what rsapp
wrote. :func:`recalculated_figures` lets LibreOffice (``soffice --headless``) open the workbook,
recalculate every formula and save a copy with the results, then reads that copy back into a
:class:`WorkbookFigures`: the ledger per year, each row's «Innenfor pott», the cut line, the sums
and the regional list. Tests compare these with :mod:`rsapp.allocation`, so the workbook can never
quietly disagree with the screen, the command line or the saksfremlegg.

LibreOffice runs with a fresh profile of its own (so it never meets another running instance) set
to recalculate every formula on load. Plain Python besides; needs ``soffice`` on the PATH.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rsapp.allocation import POSITION_ABOVE, POSITION_BELOW, POSITION_NO_POT, POSITION_UNKNOWN
from rsapp.export.data import ExportError
from rsapp.export.sheets.common import (
    FIRST_ROW,
    HEADER_ROW,
    LABELS,
    NO,
    NO_POT,
    NOT_LOCAL,
    SHEET_POT,
    SHEET_PRIORITY,
    SHEET_REGIONAL,
    UNKNOWN,
    YES,
)
from rsapp.libreoffice import find_soffice

if TYPE_CHECKING:
    from sqlmodel import Session

__all__ = [
    "RegionalFigures",
    "RowFigures",
    "WorkbookFigures",
    "YearFigures",
    "export_figures",
    "find_soffice",
    "read_figures",
    "recalculate",
    "recalculated_figures",
]

#: «Innenfor pott» as the allocation's positions (and whether the row is marked as fitting).
POSITIONS = {
    YES: POSITION_ABOVE,
    NOT_LOCAL: POSITION_ABOVE,
    NO: POSITION_BELOW,
    UNKNOWN: POSITION_UNKNOWN,
    NO_POT: POSITION_NO_POT,
}


@dataclass(slots=True)
class YearFigures:
    """One column of the ledger sheet «Pott»."""

    budget_year: int
    opening: int
    new_confirmed: int
    new_assumed: int
    earmarked: int
    recommended: int
    closing: int
    basis: str  # bekreftet / antatt / ingen pott
    before: int  # the closing balance had no application been counted
    open_earmarks: list[str] = field(default_factory=list)  # names shown as «ikke avklart» in the year


@dataclass(slots=True)
class RowFigures:
    """One application row of «Prioritering»."""

    rank: int
    name: str
    route: str
    within: str  # Ja / Nei / – / ? / ingen pott
    position: str  # rsapp.allocation.POSITION_*
    fits: bool  # «Ja»: above the line and paid from the local pot
    below: bool  # at or under the cut line
    applied: dict[int, int]  # years with an amount
    applied_total: int | None  # None: «ikke oppgitt»
    recommended: dict[int, int] | None  # None: «?»; years with an amount
    recommended_total: int | None
    left: dict[int, int]  # «Igjen ÅÅÅÅ» after the row


@dataclass(slots=True)
class RegionalFigures:
    """One row of «Regional liste»."""

    rank: int
    name: str
    by_year: dict[int, int] | None  # None: «ikke oppgitt»; years with something to forward
    total: int | None


@dataclass(slots=True)
class WorkbookFigures:
    """What the recalculated workbook shows."""

    round_year: int
    years: dict[int, YearFigures]  # the ledger, by budget year
    rows: list[RowFigures]  # in rank order
    cut_index: int | None  # index of the first row under the line; None: none is
    sum_within: dict[str, int | None]  # «Sum innenfor potten», by column header
    sum_all: dict[str, int | None]  # «Sum hele listen», by column header
    regional: list[RegionalFigures]
    regional_sum: dict[str, int | None]
    available: int | None  # «Til fordeling» in the round's year; None: pott ikke oppgitt
    carried_in: int | None  # «herav overført»
    left: int | None  # «Igjen … etter søknadene innenfor potten»: the round year's closing
    warnings_heading: str = ""
    warnings: list[str] = field(default_factory=list)

    @property
    def closing(self) -> dict[int, int]:
        """The closing balance per budget year."""
        return {year: item.closing for year, item in self.years.items()}

    @property
    def within(self) -> list[str]:
        """«Innenfor pott» of each row, in rank order."""
        return [row.within for row in self.rows]


# --- LibreOffice -----------------------------------------------------------------------------------

_RECALC_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">
<value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse">
<value>0</value></prop></item>
</oor:items>
"""


def recalculate(
    paths: Sequence[Path | str],
    folder: Path | str,
    *,
    to: str = "xlsx",
    soffice: str | None = None,
    timeout: float = 300,
) -> dict[Path, Path]:
    """Let LibreOffice open each workbook, recalculate it and save it into ``folder`` as ``to``.

    ``to`` is a LibreOffice conversion target: ``xlsx``, ``ods``, ``pdf``, or a ``csv:…`` filter.
    Returns each input path with the file written for it (for csv, the first sheet's file).
    """
    program = soffice or find_soffice()
    if program is None:
        raise ExportError("LibreOffice (soffice) finnes ikke på maskinen; installer libreoffice-calc.")
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    inputs = [Path(p).resolve() for p in paths]
    with tempfile.TemporaryDirectory(prefix="rsapp-lo-") as profile:
        user = Path(profile) / "user"
        user.mkdir()
        (user / "registrymodifications.xcu").write_text(_RECALC_ALWAYS, encoding="utf-8")
        result = subprocess.run(  # noqa: S603 - our own arguments, no shell
            [
                program,
                "--headless",
                "--norestore",
                "--nolockcheck",
                f"-env:UserInstallation={Path(profile).as_uri()}",
                "--convert-to",
                to,
                "--outdir",
                str(out),
                *map(str, inputs),
            ],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    suffix = to.split(":", 1)[0]
    written: dict[Path, Path] = {}
    for path in inputs:
        target = out / f"{path.stem}.{suffix}"
        if suffix == "csv":
            sheets = sorted(out.glob(f"{path.stem}-*.csv"))
            target = sheets[0] if sheets else target
        if not target.exists():
            raise ExportError(
                f"LibreOffice skrev ikke {target.name} ({result.returncode}): {result.stderr.strip()[:500]}"
            )
        written[path] = target
    return written


def recalculated_figures(path: Path | str, *, soffice: str | None = None) -> WorkbookFigures:
    """The figures ``path`` shows after LibreOffice recalculated it."""
    return recalculated_figures_many([path], soffice=soffice)[Path(path).resolve()]


def recalculated_figures_many(
    paths: Sequence[Path | str], *, soffice: str | None = None
) -> dict[Path, WorkbookFigures]:
    """:func:`recalculated_figures` for several workbooks with one start of LibreOffice."""
    with tempfile.TemporaryDirectory(prefix="rsapp-recalc-") as folder:
        copies = recalculate(paths, folder, soffice=soffice)
        return {source: read_figures(copy) for source, copy in copies.items()}


def export_figures(session: Session, round_id: int, folder: Path | str, *, today: date) -> WorkbookFigures:
    """Export a round's prioritisation list into ``folder`` and return what LibreOffice makes of it.

    For the cross-output test: the same round on screen, in ``rsapp prioriter vis``, in the
    saksfremlegg and here must show the same per-year balances, cut line and regional list.
    """
    from rsapp.export.excel import export_round

    path = export_round(session, round_id, Path(folder) / "prioritering.xlsx", today=today, force=True)
    return recalculated_figures(path)


# --- Reading the recalculated copy -----------------------------------------------------------------


def _amount(value: Any) -> int | None:
    """A cell's amount: a number (LibreOffice may store 1.0 for 1), else None."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return None
    number = float(value)
    rounded = round(number)
    if abs(number - rounded) > 1e-6:
        raise ValueError(f"not whole kroner: {value!r}")
    return int(rounded)


def _header(ws: Any) -> dict[str, int]:
    return {str(cell.value): cell.column for cell in ws[HEADER_ROW] if cell.value not in (None, "")}


def read_figures(path: Path | str) -> WorkbookFigures:
    """The figures of a workbook whose formulas hold computed values (a LibreOffice copy)."""
    from openpyxl import load_workbook

    wb = load_workbook(path, data_only=True, read_only=False)
    prio, pot, regional = wb[SHEET_PRIORITY], wb[SHEET_POT], wb[SHEET_REGIONAL]
    ledger, round_year, headline, warnings_heading, warnings = _read_pot(pot)
    rows, sums = _read_priority(prio)
    cut = next((index for index, row in enumerate(rows) if row.below), None)
    items, regional_sum = _read_regional(regional)
    return WorkbookFigures(
        round_year=round_year,
        years=ledger,
        rows=rows,
        cut_index=cut,
        sum_within=sums.get(LABELS.sum_within, {}),
        sum_all=sums.get(LABELS.sum_all, {}),
        regional=items,
        regional_sum=regional_sum,
        available=headline.get("available"),
        carried_in=headline.get("carried"),
        left=headline.get("left"),
        warnings_heading=warnings_heading,
        warnings=warnings,
    )


def _years_of(header: dict[str, int], prefix: str) -> dict[int, int]:
    out = {}
    for text, column in header.items():
        if text.startswith(prefix) and text[len(prefix) :].isdigit():
            out[int(text[len(prefix) :])] = column
    return out


def _read_priority(ws: Any) -> tuple[list[RowFigures], dict[str, dict[str, int | None]]]:
    header = _header(ws)
    applied_cols = _years_of(header, "Søkt ")
    word = next(
        (text.split(" ")[0] for text in header if text.endswith(" i alt") and not text.startswith("Søkt")),
        "Innstilt",
    )
    recommended_cols = _years_of(header, f"{word} ")
    left_cols = _years_of(header, "Igjen ")
    col = header.__getitem__
    rows: list[RowFigures] = []
    sums: dict[str, dict[str, int | None]] = {}
    row = FIRST_ROW
    while True:
        name = ws.cell(row=row, column=col(LABELS.name)).value
        rank = ws.cell(row=row, column=col(LABELS.rank)).value
        if name in (LABELS.sum_within, LABELS.sum_all):
            sums[name] = {
                text: _amount(ws.cell(row=row, column=column).value)
                for text, column in header.items()
                if column not in (col(LABELS.rank), col(LABELS.name))
                and ws.cell(row=row, column=column).value is not None
            }
            if name == LABELS.sum_all:
                break
            row += 1
            continue
        if rank is None:
            break
        value = ws.cell
        within = str(value(row=row, column=col(LABELS.within)).value or "")
        recommended_values = {y: value(row=row, column=c).value for y, c in recommended_cols.items()}
        unknown = any(v == UNKNOWN for v in recommended_values.values())
        applied_total = value(row=row, column=col(LABELS.applied_total)).value
        recommended_total = value(row=row, column=col(LABELS.recommended_total(word))).value
        rows.append(
            RowFigures(
                rank=int(rank),
                name=str(name or ""),
                route=str(value(row=row, column=col(LABELS.route)).value or ""),
                within=within,
                position=POSITIONS.get(within, within),
                fits=within == YES,
                below=_amount(value(row=row, column=col(LABELS.below)).value) == 1,
                applied={
                    y: a
                    for y, c in applied_cols.items()
                    if (a := _amount(value(row=row, column=c).value)) is not None
                },
                applied_total=_amount(applied_total),
                recommended=None
                if unknown
                else {y: a for y, v in recommended_values.items() if (a := _amount(v)) is not None},
                recommended_total=_amount(recommended_total),
                left={y: _amount(value(row=row, column=c).value) or 0 for y, c in left_cols.items()},
            )
        )
        row += 1
    return rows, sums


def _read_pot(ws: Any) -> tuple[dict[int, YearFigures], int, dict[str, int | None], str, list[str]]:
    header = _header(ws)
    year_cols = {int(text): column for text, column in header.items() if text.isdigit()}
    labels: dict[str, int] = {}
    earmark_rows: list[tuple[str, int]] = []
    warnings_heading = ""
    warnings: list[str] = []
    in_warnings = False
    for row in range(FIRST_ROW, ws.max_row + 1):
        label = ws.cell(row=row, column=1).value
        if label is None:
            continue
        label = str(label)
        if in_warnings:
            warnings.append(label)
        elif label.startswith("Varsler ved eksport"):
            warnings_heading, in_warnings = label, True
        else:
            labels.setdefault(label, row)
            if label.startswith("− ") and not label.endswith(" innenfor potten"):
                earmark_rows.append((label[2:], row))
    recommended_row = next(row for label, row in labels.items() if label.endswith(" innenfor potten"))

    def number(label_row: int, year: int) -> int:
        return _amount(ws.cell(row=label_row, column=year_cols[year]).value) or 0

    ledger = {}
    for year in sorted(year_cols):
        ledger[year] = YearFigures(
            budget_year=year,
            opening=number(labels[LABELS.opening], year),
            new_confirmed=number(labels[LABELS.new_confirmed], year),
            new_assumed=number(labels[LABELS.new_assumed], year),
            earmarked=number(labels[LABELS.earmarked], year),
            recommended=number(recommended_row, year),
            closing=number(labels[LABELS.closing], year),
            basis=str(ws.cell(row=labels[LABELS.basis], column=year_cols[year]).value or ""),
            before=number(labels[LABELS.before], year),
            open_earmarks=[
                name
                for name, row in earmark_rows
                if ws.cell(row=row, column=year_cols[year]).value == "ikke avklart"
            ],
        )
    round_year = next(
        (int(label.rsplit(" ", 1)[1]) for label in labels if label.startswith("Til fordeling ")),
        min(year_cols),
    )
    headline: dict[str, int | None] = {}
    at = year_cols.get(round_year)
    for key, label in (
        ("available", LABELS.to_distribute(round_year)),
        ("carried", LABELS.carried(round_year - 1)),
        ("left", LABELS.left_after(round_year)),
    ):
        if label in labels and at is not None:
            headline[key] = _amount(ws.cell(row=labels[label], column=at).value)
    return ledger, round_year, headline, warnings_heading, warnings


def _read_regional(ws: Any) -> tuple[list[RegionalFigures], dict[str, int | None]]:
    header = _header(ws)
    year_cols = _years_of(header, "Søkes regionalt ")
    total_col = header[LABELS.regional_total]
    items: list[RegionalFigures] = []
    row = FIRST_ROW
    while True:
        name = ws.cell(row=row, column=header[LABELS.name]).value
        if name == LABELS.sum_ or name is None:
            break
        total = ws.cell(row=row, column=total_col).value
        stated = total != "ikke oppgitt"
        items.append(
            RegionalFigures(
                rank=int(ws.cell(row=row, column=header[LABELS.regional_rank]).value),
                name=str(name),
                by_year={
                    y: a for y, c in year_cols.items() if (a := _amount(ws.cell(row=row, column=c).value))
                }
                if stated
                else None,
                total=_amount(total) if stated else None,
            )
        )
        row += 1
    sums = {
        text: _amount(ws.cell(row=row, column=column).value)
        for text, column in header.items()
        if column in (*year_cols.values(), total_col)
    }
    return items, sums
