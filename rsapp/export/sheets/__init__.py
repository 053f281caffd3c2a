"""The sheet builders of the Excel prioritisation list: «Prioritering», «Pott», «Regional liste».

Each builder reads only :class:`~rsapp.export.data.ExcelData` (the allocation and the texts) and
writes through the fenced writer (:mod:`rsapp.export.xlsx`); :func:`build` writes all three.
"""

from __future__ import annotations

from rsapp.export.data import ExcelData
from rsapp.export.sheets.common import (
    LABELS,
    MONEY_FORMAT,
    SHEET_POT,
    SHEET_PRIORITY,
    SHEET_REGIONAL,
    Layout,
    Styles,
    layout_for,
)
from rsapp.export.sheets.pot import write_pot
from rsapp.export.sheets.priority import write_priority
from rsapp.export.sheets.regional import write_regional
from rsapp.export.xlsx import Book

__all__ = ["LABELS", "MONEY_FORMAT", "SHEETS", "SHEET_POT", "SHEET_PRIORITY", "SHEET_REGIONAL", "build"]

#: The sheets, in order.
SHEETS = (SHEET_PRIORITY, SHEET_POT, SHEET_REGIONAL)


def build(book: Book, data: ExcelData) -> Layout:
    """Write the three sheets into ``book``; returns where everything landed."""
    styles = Styles(book)
    layout = layout_for(data)
    write_priority(book, styles, data, layout)
    write_pot(book, styles, data, layout)
    write_regional(book, styles, data, layout)
    return layout
