"""Exports of a round: the Excel prioritisation list for Helse Nord.

- :mod:`.excel` — the entry points: :func:`~rsapp.export.excel.export_round`, ``write_excel``,
  ``build_workbook``, ``default_filename``, and the export's errors
- :mod:`.data` — what the workbook is written from: the round's one allocation and its texts
- :mod:`.sheets` — the sheet builders: «Prioritering», «Pott», «Regional liste»
- :mod:`.measure` — column widths, wrapped lines, row heights and the print scale
- :mod:`.xlsx` — the writer; the one module that touches openpyxl's internals (fenced, with a
  public-API fallback)
- :mod:`.readback` — the figures a workbook shows once LibreOffice has recalculated it

Plain Python, no Textual. openpyxl is imported only when a workbook is written or read.
"""
