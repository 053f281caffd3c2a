"""Exports of a round: the Excel prioritisation list (`rsapp.export.excel`).

Plain Python, no Textual. Heavy libraries (openpyxl) are imported only by the exporter
modules themselves, which only the export path imports.
"""
