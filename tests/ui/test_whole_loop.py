"""The whole loop a new user does at 100×30, with the keyboard: browse, rank, export, draft; and
after every step, no amount on the screen is cut or split.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.engine import Engine
from textual.widgets import Markdown

from rsapp.app import make_app
from rsapp.widgets.ranked_list import RankedList
from tests.conftest import TODAY
from tests.ui.amounts import amount_problems
from tests.ui.routes import press, settled, until


async def test_browse_rank_export_draft_at_100x30(engine: Engine) -> None:
    app = make_app(engine=engine, today=TODAY)
    seen: list[str] = []

    def look(step: str) -> None:
        app.clear_notifications()
        assert amount_problems(app) == [], step
        seen.append(f"{step}: {type(app.screen).__name__}")

    async with app.run_test(size=(100, 30)) as pilot:
        await settled(pilot)
        look("portfolio")
        await press(pilot, "down", "down", "enter")  # browse: the third application
        look("application")
        assert type(app.screen).__name__ == "ApplicationScreen"
        await press(pilot, "escape")

        await press(pilot, "p")  # rank
        look("prioritisation")
        ranked = app.screen.query_one(RankedList)
        await press(pilot, "end")
        last = ranked.cursor_key
        await press(pilot, "shift+up")
        await pilot.pause(0.3)
        await settled(pilot)
        assert ranked.rows[-2].key == last
        look("after a move")
        await press(pilot, "g")  # the recommendation dialog
        look("recommendation dialog")
        await press(pilot, "escape")

        await press(pilot, "e")  # export
        look("export dialog")
        await press(pilot, "enter")
        await settled(pilot)
        home = Path(os.environ["HOME"])
        assert list(home.rglob("Prioritering_*.xlsx"))
        look("after the export")
        await press(pilot, "escape")

        await press(pilot, "k", "n")  # draft: the meeting, then the prioritisation case
        await press(pilot, "ctrl+s")
        await press(pilot, "p")
        await press(pilot, "enter")
        look("meetings")
        await press(pilot, "tab", "enter")
        screen = app.screen
        assert type(screen).__name__ == "CaseEditScreen"
        preview = screen.query_one("#preview", Markdown)
        await until(pilot, lambda: bool(preview.source) and not preview.lock.is_locked, "the preview")
        look("case")
    assert len(seen) == 9
