"""Live updates beyond the portfolio and the prioritisation: on the meetings screen, in *Møtets
gang* and on the assessment screen a change made in another session appears within 2 s without
Ctrl+R, and what the user is typing is never replaced by it.

Two sessions on one SQLite file: the app (``live=True``, watching ``PRAGMA data_version``) and
another connection that commits a change, as a second rsapp would.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import text
from textual.widgets import DataTable, Input, Static

from rsapp.app import RsApp, make_app
from rsapp.db import open_database
from tests.conftest import TODAY, wait_until
from tests.screen_text import static_text
from tests.ui.routes import ROUTES


@asynccontextmanager
async def _live(url: str, route: str) -> AsyncIterator[tuple[RsApp, Any]]:
    """The app with live updates on ``url``, at 160×45, on the screen ``route`` leads to, once it
    watches the database; the database is closed afterwards."""
    app = make_app(database_url=url, today=TODAY, live=True)
    try:
        async with app.run_test(size=(160, 45)) as pilot:
            await ROUTES[route](pilot)
            await _watching(pilot, app)
            yield app, pilot
    finally:
        app.db.close()


async def _watching(pilot: Any, app: RsApp) -> None:
    await wait_until(pilot, lambda: app.live is not None and app.live.watcher is not None, 5)
    assert app.live is not None and app.live.watcher is not None
    assert app.live.watcher.wait_ready()


def _other_session(url: str, statement: str) -> None:
    other = open_database(url)
    try:
        with other.begin() as connection:
            assert connection.execute(text(statement)).rowcount == 1
    finally:
        other.dispose()


def _cells(table: DataTable[Any], column: int) -> list[str]:
    return [str(table.get_row_at(i)[column]) for i in range(table.row_count)]


async def test_a_case_renamed_elsewhere_appears_on_the_meetings_screen(engine: Any, sqlite_url: str) -> None:
    async with _live(sqlite_url, "meetings") as (app, pilot):
        saksliste = app.screen.query_one("#saksliste", DataTable)
        assert "Eventuelt" in _cells(saksliste, 1)
        _other_session(
            sqlite_url, "UPDATE meeting_case SET title = 'Eventuelt (endret)' WHERE title = 'Eventuelt'"
        )
        took = await wait_until(pilot, lambda: "Eventuelt (endret)" in _cells(saksliste, 1))
        assert took < 2.0


async def test_a_case_renamed_elsewhere_appears_in_motets_gang_with_the_selection_kept(
    engine: Any, sqlite_url: str
) -> None:
    async with _live(sqlite_url, "meeting_life") as (app, pilot):
        cases = app.screen.query_one("#life-cases", DataTable)
        await pilot.press("down")  # the second case selected
        selected = cases.cursor_row
        assert selected == 1
        _other_session(
            sqlite_url, "UPDATE meeting_case SET title = 'Eventuelt (endret)' WHERE title = 'Eventuelt'"
        )
        await wait_until(pilot, lambda: "Eventuelt (endret)" in _cells(cases, 1))
        assert cases.cursor_row == selected


async def test_the_assessment_shows_a_change_made_elsewhere_but_never_replaces_a_note_being_written(
    engine: Any, sqlite_url: str
) -> None:
    async with _live(sqlite_url, "assessment") as (app, pilot):
        screen = app.screen
        head = screen.query_one("#assess-head", Static)
        application_id = screen.application_id  # type: ignore[attr-defined]
        _other_session(
            sqlite_url, f"UPDATE application SET name = 'Nytt navn fra kollega' WHERE id = {application_id}"
        )
        await wait_until(pilot, lambda: "Nytt navn fra kollega" in static_text(head, width=150))

        # A note typed but not saved yet (the user has moved on to the list): kept as typed.
        note = screen.query_one("#overall-note", Input)
        note.focus()
        await pilot.press(*"Halvferdig merknad")
        screen.query_one("#assess-items", DataTable).focus()
        await pilot.pause()
        _other_session(
            sqlite_url, f"UPDATE application SET name = 'Enda et navn' WHERE id = {application_id}"
        )
        time.sleep(0.05)
        await pilot.pause(1.5)
        assert note.value == "Halvferdig merknad"
        assert "Nytt navn fra kollega" in static_text(head, width=150)  # not read again meanwhile


async def test_a_member_registered_elsewhere_appears_in_the_habilitet_register(
    engine: Any, sqlite_url: str
) -> None:
    async with _live(sqlite_url, "habilitet") as (app, pilot):
        people = app.screen.query_one("#hab-people", DataTable)
        assert "Kari Kollega" not in _cells(people, 0)
        _other_session(
            sqlite_url,
            "INSERT INTO assessor (name, role, organisation, active, version, created_at) "
            "VALUES ('Kari Kollega', 'SSU-medlem', 'Vefsn kommune', 1, 1, '2025-10-20 10:00:00')",
        )
        await wait_until(pilot, lambda: "Kari Kollega" in _cells(people, 0))


async def test_the_open_application_shows_a_change_made_elsewhere_at_the_place_scrolled_to(
    engine: Any, sqlite_url: str
) -> None:
    from textual.containers import VerticalScroll

    async with _live(sqlite_url, "application") as (app, pilot):
        screen = app.screen
        body = screen.query_one("#application-body", VerticalScroll)
        facts = screen.query_one("#application-facts", Static)
        application_id = screen.application_id  # type: ignore[attr-defined]

        # Another session's change elsewhere (another application): nothing here is redrawn.
        _other_session(
            sqlite_url,
            "UPDATE application SET owners = 'Andre eiere' "
            f"WHERE id = (SELECT min(id) FROM application WHERE id <> {application_id})",
        )
        await pilot.pause(1.5)
        assert screen.query_one("#application-facts", Static) is facts

        body.scroll_to(y=10, animate=False, immediate=True)
        await pilot.pause()
        _other_session(
            sqlite_url,
            f"UPDATE application SET owners = 'Vefsn kommune og Nye eiere' WHERE id = {application_id}",
        )
        await wait_until(
            pilot,
            lambda: "Nye eiere" in static_text(screen.query_one("#application-facts", Static), width=150),
        )
        await pilot.pause()
        assert body.scroll_y == 10
