"""The portfolio as a new user meets it at 100×30: nothing moves after the first frame, a chosen
filter hands the keys back to the table, an empty table says why, and the columns that matter
stay in view.
"""

from __future__ import annotations

from sqlalchemy.engine import Engine
from textual.widgets import DataTable, Input, Select, Static

from rsapp.app import make_app
from rsapp.money import format_kr
from rsapp.screens.portfolio import GIVE_WAY, PortfolioScreen, column_widths, period_cell
from rsapp.widgets.wrap import WrappedStatic
from tests.conftest import TODAY, settle
from tests.screen_text import static_text


async def test_the_first_frame_has_the_final_layout(engine: Engine) -> None:
    app = make_app(engine=engine, today=TODAY)
    first: dict[str, object] = {}

    def remember() -> None:
        screen = app.screen
        assert isinstance(screen, PortfolioScreen)
        for selector in ("#pot-header", "#filters", "#applications", "#portfolio-status"):
            first[selector] = screen.query_one(selector).region
        first["columns"] = [
            str(c.label) for c in screen.query_one("#applications", DataTable).columns.values()
        ]

    async with app.run_test(size=(100, 30)) as pilot:
        app.call_after_refresh(remember)  # the first frame: before the real filter menus arrive
        await pilot.pause()
        await settle(pilot)
        screen = app.screen
        assert first, "the first frame was not seen"
        assert len(screen.query(Select)) == 3  # the menus are there now …
        for selector in ("#pot-header", "#filters", "#applications", "#portfolio-status"):
            assert screen.query_one(selector).region == first[selector], selector  # … and nothing moved
        assert [str(c.label) for c in screen.query_one("#applications", DataTable).columns.values()] == first[
            "columns"
        ]


async def test_at_100_columns_what_matters_is_in_view(engine: Engine) -> None:
    app = make_app(engine=engine, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        table = screen.query_one("#applications", DataTable)
        labels = [str(c.label) for c in table.columns.values()]
        for label in ("Nr", "Prosjekt", "Søkt 2026", "Søkt totalt", "Periode", "Status"):
            assert label in labels
        assert sum(c.get_render_width(table) for c in table.columns.values()) <= table.size.width
        search = screen.query_one("#search", Input)
        assert search.region.right <= 100 and search.region.width >= 16
        header = static_text(screen.query_one("#pot-header", WrappedStatic))
        assert f"Til fordeling {format_kr(5_300_000)}" in header.replace("\n", " ")


def test_columns_give_way_in_the_stated_order() -> None:
    from rsapp.screens.portfolio import COLUMNS

    natural = {c.key: c.width or 10 for c in COLUMNS}
    wide = [c.key for c, _ in column_widths(COLUMNS, natural, 400)]
    assert wide == [c.key for c in COLUMNS]
    total = sum(w + 2 for w in natural.values())
    shown = {c.key: w for c, w in column_widths(COLUMNS, natural, total - 10)}
    assert shown["title"] == natural["title"] - 10  # the project name shortens first …
    assert all(shown[k] == natural[k] for k in natural if k != "title")  # … and only it
    narrow = {c.key: w for c, w in column_widths(COLUMNS, natural, 98)}
    assert "municipalities" not in narrow and "owners" not in narrow
    for key in ("rank", "applied_year", "applied_total", "period", "status"):  # never give way
        assert narrow[key] == natural[key]
    assert [key for key, _ in GIVE_WAY][0] == "title"


def test_a_period_written_as_text_reads_tidily() -> None:
    assert period_cell("01.04.2025–31.03.2028") == "04.2025–03.2028"
    assert period_cell("over en periode på fem år") == "5 år"
    assert period_cell("6 måneder (forprosjekt)") == "6 måneder (forprosjekt)"
    assert period_cell("") == "ikke oppgitt"


async def test_a_chosen_filter_gives_the_keys_back_to_the_table(engine: Engine) -> None:
    app = make_app(engine=engine, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("f4")  # the status list
        await pilot.pause()
        assert screen.query_one("#filter-status", Select).expanded
        await pilot.press("down", "enter")  # «Mottatt»
        await pilot.pause()
        assert screen.query_one("#filter-status", Select).value == "mottatt"
        assert isinstance(app.focused, DataTable)
        await pilot.press("enter")  # opens the application, not the list again
        await settle(pilot)
        assert type(app.screen).__name__ == "ApplicationScreen"


async def test_an_empty_table_says_why(engine: Engine) -> None:
    app = make_app(engine=engine, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        empty = screen.query_one("#portfolio-empty", Static)
        assert not empty.display
        screen.query_one("#filter-status", Select).value = "avslatt"
        await pilot.pause()
        assert screen.query_one("#applications", DataTable).row_count == 0
        assert empty.display
        text = static_text(empty)
        assert "ingen har status «Avslått»" in text and "Helgeland 2026" in text
        screen.query_one("#filter-status", Select).value = ""
        await pilot.press("slash", *"zzz")
        await pilot.pause()
        assert "ingen treff på «zzz»" in static_text(empty)
        await pilot.press("escape")
        await pilot.pause()
        assert not empty.display
