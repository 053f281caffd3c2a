"""A ``DataTable`` whose columns are never drawn at an out-of-date width.

Textual's ``DataTable`` measures new rows when it is next idle, but the rows it drew before that
are cached under a key that the new widths do not change (Textual issues #3533 and #4470). When
a frame is drawn between ``add_row`` and that idle moment, which happens on a busy machine, the
table keeps showing its columns at header width (``28-202`` for ``28-2025``) until something else
redraws it. :class:`MeasuredTable` drops those drawings whenever the column widths change.

It also shows text as it is: ``DataTable`` reads every ``str`` cell and label as Rich markup, so
an application titled ``Prosjekt [pilot] i Vefsn`` would show as ``Prosjekt  i Vefsn``. Text
from the database is data, never markup: :class:`MeasuredTable` turns a ``str`` into a plain
``Text`` as it is added (read back, ``str(cell)`` is the text shown).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.text import Text, TextType
from textual.widgets import DataTable
from textual.widgets.data_table import CellKey, CellType, ColumnKey, RowDoesNotExist, RowKey

__all__ = ["MeasuredTable"]


def _plain(value: Any, *, wrap: bool = False) -> Any:
    """A ``str`` as the plain text it is (no markup); anything else as it is."""
    if isinstance(value, str):
        return Text(value, end="", no_wrap=not wrap)
    return value


class MeasuredTable(DataTable[Any]):
    """A ``DataTable`` that redraws its rows when a column's measured width changes, and shows
    text cells and labels as plain text."""

    def add_column(
        self,
        label: TextType,
        *,
        width: int | None = None,
        key: str | None = None,
        default: CellType | None = None,
    ) -> ColumnKey:
        return super().add_column(_plain(label), width=width, key=key, default=_plain(default))

    def add_row(
        self,
        *cells: CellType,
        height: int | None = 1,
        key: str | None = None,
        label: TextType | None = None,
    ) -> RowKey:
        wrap = height != 1
        return super().add_row(
            *(_plain(cell, wrap=wrap) for cell in cells),
            height=height,
            key=key,
            label=_plain(label, wrap=wrap),
        )

    def update_cell(
        self,
        row_key: RowKey | str,
        column_key: ColumnKey | str,
        value: CellType,
        *,
        update_width: bool = False,
    ) -> None:
        row = self.rows.get(row_key if isinstance(row_key, RowKey) else RowKey(row_key))
        wrap = row is not None and row.height != 1
        super().update_cell(row_key, column_key, _plain(value, wrap=wrap), update_width=update_width)

    def selected_key(self) -> str | None:
        """The key of the row under the cursor (None in an empty table)."""
        if self.row_count == 0:
            return None
        return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value

    def select_key(self, key: str | None) -> None:
        """Put the cursor on the row ``key``; a row that is gone leaves the cursor where it is."""
        if key is None:
            return
        try:
            self.move_cursor(row=self.get_row_index(key))
        except RowDoesNotExist:
            pass

    def _widths(self) -> list[int]:
        return [column.content_width for column in self.columns.values()]

    def _redraw_if_widths_changed(self, before: list[int]) -> None:
        if self._widths() != before:
            # Every render cache of DataTable is keyed on the update count: a new count makes
            # the next frame draw the rows at their new widths.
            self._update_count += 1
            self.refresh()

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        before = self._widths()
        super()._update_dimensions(new_rows)
        self._redraw_if_widths_changed(before)

    def _update_column_widths(self, updated_cells: set[CellKey]) -> None:
        before = self._widths()
        super()._update_column_widths(updated_cells)
        self._redraw_if_widths_changed(before)
