"""The Excel prioritisation list that the helsefellesskap sends to Helse Nord (.xlsx).

The entry points the screens and the command line use. The work is split along three seams:

* :mod:`rsapp.export.data`: what the workbook is written from, the round's one
  :class:`~rsapp.allocation.Allocation` (read once) and the texts beside it;
* :mod:`rsapp.export.sheets`: the sheets «Prioritering» (the ranked list, søkt and innstilt per
  year, the cut line as formulas and conditional formats), «Pott» (the ledger by budget year,
  carried over) and «Regional liste» (what is forwarded to Helse Nord);
* :mod:`rsapp.export.xlsx`: the writer, and the one place openpyxl's internals are touched.

The file is written with :func:`rsapp.files.write_atomic`: a temporary file beside the target,
renamed over it, readable by its owner only; a locked or unwritable target gives one Norwegian
sentence naming the file. :mod:`rsapp.export.readback` reads a workbook back after LibreOffice
recalculated it, for the tests that hold the formulas to the allocation.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from rsapp.export.data import (
    ApplicationText,
    ExcelData,
    ExportError,
    ExtraColumn,
    data_from_allocation,
    excel_data,
)
from rsapp.export.sheets import MONEY_FORMAT, SHEET_POT, SHEET_PRIORITY, SHEET_REGIONAL, SHEETS, build
from rsapp.export.xlsx import Book

if TYPE_CHECKING:
    from sqlmodel import Session

__all__ = [
    "MONEY_FORMAT",
    "SHEETS",
    "SHEET_POT",
    "SHEET_PRIORITY",
    "SHEET_REGIONAL",
    "ApplicationText",
    "ExcelData",
    "ExportError",
    "ExportFileExists",
    "ExtraColumn",
    "build_workbook",
    "data_from_allocation",
    "default_filename",
    "excel_data",
    "export_round",
    "write_excel",
]


class ExportFileExists(ExportError):
    """The target file exists and overwriting was not asked for."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(
            f"Filen {path} finnes fra før. Velg et annet navn, eller bekreft at den skal overskrives."
        )


def default_filename(helsefellesskap: str, round_year: int, today: date) -> str:
    """``Prioritering_Helgeland_2026_2025-10-20.xlsx`` for Helsefellesskap Helgeland's 2026 round."""
    short = re.sub(r"^helsefellesskap(?:et)?\s+", "", helsefellesskap.strip(), flags=re.IGNORECASE)
    short = "_".join(re.findall(r"\w+", short)) or "Helsefellesskap"
    return f"Prioritering_{short}_{round_year}_{today.isoformat()}.xlsx"


def build_workbook(data: ExcelData, *, fast: bool | None = None) -> Book:
    """The three-sheet workbook, ready to :meth:`~rsapp.export.xlsx.Book.save` once.

    ``fast``: None uses the fast writer when openpyxl is as expected, False the public API only.
    """
    from datetime import UTC, datetime

    book = Book(fast=fast)
    try:
        build(book, data)
    except BaseException:
        book.abandon()
        raise
    props = book.workbook.properties
    props.title = f"Prioriteringsliste – {data.round_name}"
    props.subject = f"{data.helsefellesskap}: prioritert liste til Helse Nord ({data.status_label.lower()})"
    props.creator = data.helsefellesskap
    props.lastModifiedBy = data.helsefellesskap
    props.language = "nb-NO"
    props.keywords = "RS-midler; prioritering; Helse Nord"
    props.created = props.modified = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    book.workbook.calculation.fullCalcOnLoad = True  # no cached values: calculate on open
    return book


def write_excel(data: ExcelData, path: Path | str, *, force: bool = False, fast: bool | None = None) -> Path:
    """Write the workbook to ``path`` atomically, mode 0600; returns the absolute path.

    Raises :class:`ExportFileExists` if ``path`` exists and ``force`` is false, and
    :class:`ExportError` (Norwegian, naming the file) when the folder is missing, the file is
    open in LibreOffice or Excel, or it cannot be written. The target is checked before the
    workbook is built, so a locked file is reported at once.
    """
    from rsapp.files import FileWriteError, TargetExistsError, check_target, write_atomic

    try:
        target = check_target(path, overwrite=force)
        book = build_workbook(data, fast=fast)
        return write_atomic(target, book.save, overwrite=force)
    except TargetExistsError as exc:
        raise ExportFileExists(exc.path) from exc
    except FileWriteError as exc:
        raise ExportError(str(exc)) from exc


def export_round(
    session: Session, round_id: int, path: Path | str, *, today: date, force: bool = False
) -> Path:
    """Read the round and write its prioritisation list to ``path``; returns the absolute path."""
    return write_excel(excel_data(session, round_id, today=today), path, force=force)
