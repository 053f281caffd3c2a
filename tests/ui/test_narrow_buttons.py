"""At 100×30 every button of *Møtets gang* can be reached with the mouse: the row of ten buttons
is wider than the screen, so it scrolls sideways instead of cutting Utsett, Protokoll and
Godkjenn off."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from textual.containers import Horizontal

from rsapp.app import make_app
from rsapp.screens.meeting_life import ApproveForm, MeetingLifeScreen
from tests.conftest import TODAY
from tests.ui.routes import ROUTES


async def test_the_last_button_of_motets_gang_is_reached_by_scrolling_the_row(engine: Engine) -> None:
    app = make_app(engine=engine, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await ROUTES["meeting_life"](pilot)
        screen = app.screen
        assert isinstance(screen, MeetingLifeScreen)
        row = screen.query_one(".life-buttons", Horizontal)
        approve = screen.query_one("#btn-life-approve")
        assert approve.region.right > row.region.right  # past the edge at 100 columns
        # ... and the user can scroll the row to it (Shift+wheel, or the row's scrollbar)
        assert row.allow_horizontal_scroll and row.show_horizontal_scrollbar
        row.scroll_to(x=row.max_scroll_x, animate=False, immediate=True)
        await pilot.pause(0.1)
        assert row.scroll_x == row.max_scroll_x
        await pilot.click("#btn-life-approve")  # a click where the button now is on screen
        await pilot.pause()
        assert isinstance(app.screen, ApproveForm)
