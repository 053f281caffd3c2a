"""The table every screen uses draws its columns at the width of their content, even when a frame
was drawn before the table measured its new rows (Textual #3533/#4470: ``28-202`` for ``28-2025``
on a busy machine)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from textual.app import App, ComposeResult

from rsapp.widgets.table import MeasuredTable


class _TableApp(App[None]):
    # A table of fixed size, as on the screens: new rows do not resize it (a resize redraws).
    CSS = "#cases { height: 6; }"

    def compose(self) -> ComposeResult:
        yield MeasuredTable(id="cases")


@asynccontextmanager
async def _table() -> AsyncIterator[tuple[MeasuredTable, Any]]:
    """An empty table of fixed size in an app of 80×10, and the pilot."""
    app = _TableApp()
    async with app.run_test(size=(80, 10)) as pilot:
        yield app.query_one(MeasuredTable), pilot


async def test_rows_drawn_before_measuring_are_redrawn_at_their_width() -> None:
    async with _table() as (table, pilot):
        table.add_column("Saksnr", key="number")
        table.add_column("Sak", key="title")
        await pilot.pause()
        table.add_row("28-2025", "Rekrutterings- og samhandlingstilskudd 2026", key="28")
        # A frame drawn before the table is idle, as a busy machine does: header widths.
        assert "28-2025" not in table.render_line(1).text
        await pilot.pause()
        line = table.render_line(1).text
        assert "28-2025" in line
        assert "Rekrutterings- og samhandlingstilskudd 2026" in line


async def test_an_updated_cell_is_redrawn_at_its_new_width() -> None:
    async with _table() as (table, pilot):
        table.add_column("Vedtak", key="outcome")
        table.add_row("Utsatt", key="28")
        await pilot.pause()
        table.update_cell("28", "outcome", "Vedtatt som innstilt", update_width=True)
        table.render_line(1)
        await pilot.pause()
        assert "Vedtatt som innstilt" in table.render_line(1).text


async def test_text_in_square_brackets_is_shown_as_it_is() -> None:
    """Text from the database is never read as markup: ``[pilot]`` and ``[kr]`` stay."""
    async with _table() as (table, pilot):
        table.add_column("Prosjekt [navn]", key="title")
        table.add_column("Beløp", key="amount")
        table.add_row("Prosjekt [pilot] i Vefsn", "Budsjett [kr]", key="1")
        await pilot.pause()
        assert "Prosjekt [navn]" in table.render_line(0).text
        line = table.render_line(1).text
        assert "Prosjekt [pilot] i Vefsn" in line and "Budsjett [kr]" in line
        assert str(table.get_row("1")[0]) == "Prosjekt [pilot] i Vefsn"
        table.update_cell("1", "amount", "[b]fet[/b]", update_width=True)
        await pilot.pause()
        assert "[b]fet[/b]" in table.render_line(1).text
