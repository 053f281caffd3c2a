"""A ``DataTable`` whose columns are never drawn at an out-of-date width.

Textual's ``DataTable`` measures new rows when it is next idle, but the rows it drew before that
are cached under a key that the new widths do not change (Textual issues #3533 and #4470). When
a frame is drawn between ``add_row`` and that idle moment, which happens on a busy machine, the
table keeps showing its columns at header width (``28-202`` for ``28-2025``) until something else
redraws it. :class:`MeasuredTable` drops those drawings whenever the column widths change.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.widgets import DataTable
from textual.widgets.data_table import CellKey, RowKey

__all__ = ["MeasuredTable"]


class MeasuredTable(DataTable[Any]):
    """A ``DataTable`` that redraws its rows when a column's measured width changes."""

    def _widths(self) -> list[int]:
        return [column.content_width for column in self.columns.values()]

    def _redraw_if_wider(self, before: list[int]) -> None:
        if self._widths() != before:
            # Every render cache of DataTable is keyed on the update count: a new count makes
            # the next frame draw the rows at their new widths.
            self._update_count += 1
            self.refresh()

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        before = self._widths()
        super()._update_dimensions(new_rows)
        self._redraw_if_wider(before)

    def _update_column_widths(self, updated_cells: set[CellKey]) -> None:
        before = self._widths()
        super()._update_column_widths(updated_cells)
        self._redraw_if_wider(before)
