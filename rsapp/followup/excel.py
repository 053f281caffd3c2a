"""The annual overview of funded projects as an Excel workbook (for Helse Nord's yearly report).

Sheet «Oversikt»: per project and year – awarded locally, awarded by Helse Nord, planned, paid
and the reports – with sums as formulas; sheet «Forfaller» lists what falls due in the next
30 days. Public openpyxl API only; written atomically with mode 0600.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlmodel import Session

from rsapp.followup.views import due_items, overview

__all__ = ["write_overview"]

KR_FORMAT = '#,##0 "kr"'


def write_overview(session: Session, path: Path, *, today: date, year: int | None = None) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    from rsapp.dates import format_date
    from rsapp.files import write_atomic

    rows = overview(session, year=year)
    book = Workbook()
    sheet = book.active
    sheet.title = "Oversikt"
    title = "Oppfølging av prosjekter med rekrutterings- og samhandlingstilskudd"
    sheet["A1"] = title + (f" – {year}" if year else "")
    sheet["A1"].font = Font(bold=True, size=13)
    sheet["A2"] = f"Dato {format_date(today)}"
    headers = [
        "Prosjekt",
        "Runde",
        "År",
        "Innvilget lokalt",
        "Innvilget Helse Nord",
        "Planlagt utbetalt",
        "Utbetalt",
        "Rapportering",
    ]
    sheet.append([])
    sheet.append(headers)
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    first = 5
    for row in rows:
        sheet.append(
            [
                row.project,
                row.round_name,
                row.year,
                row.awarded_local,
                row.awarded_regional,
                row.planned,
                row.paid,
                row.reported,
            ]
        )
    last = first + len(rows) - 1
    if rows:
        total_row = last + 1
        sheet.cell(total_row, 1, "Sum").font = Font(bold=True)
        for column in range(4, 8):
            letter = get_column_letter(column)
            cell = sheet.cell(total_row, column, f"=SUM({letter}{first}:{letter}{last})")
            cell.font = Font(bold=True)
    for column in range(4, 8):
        for r in range(first, last + 2):
            sheet.cell(r, column).number_format = KR_FORMAT
    for letter, width in zip("ABCDEFGH", (48, 34, 7, 16, 18, 17, 14, 48), strict=True):
        sheet.column_dimensions[letter].width = width
    for r in range(first, last + 1):
        sheet.cell(r, 8).alignment = Alignment(wrap_text=True, vertical="top")
        sheet.cell(r, 1).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A5"

    due = book.create_sheet("Forfaller")
    due.append(["Dato", "Hva", "Beløp", "Prosjekt", "Status"])
    for cell in due[1]:
        cell.font = Font(bold=True)
    for item in due_items(session, today=today):
        due.append(
            [item.due_on, item.what, item.amount, item.project, "forfalt" if item.overdue else item.status]
        )
        due.cell(due.max_row, 1).number_format = "DD.MM.YYYY"
        due.cell(due.max_row, 3).number_format = KR_FORMAT
    for letter, width in zip("ABCDE", (12, 30, 14, 48, 12), strict=True):
        due.column_dimensions[letter].width = width
    props = book.properties
    props.title = title
    props.creator = "rsapp"
    props.language = "nb-NO"
    return write_atomic(path, book.save)
