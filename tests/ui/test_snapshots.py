"""What the secretariat sees: the main screens as pictures, at a wide (160×45) and a narrow (100×30) size.

Each snapshot starts the app the way a user does (``make_app`` on a migrated SQLite file, so the
fast standard-library reader draws the first frame) on the built-in Helgeland data, with ``today``
fixed to 20.10.2025 and the cursor blink frozen (``tests/ui/conftest.py``). The other clock a screen
has is a toast's lifetime: toasts are cleared before the picture is taken (the Pilot tests assert
what they say). Slow redraws are waited for by condition, never by a fixed sleep.

A failing snapshot writes ``snapshot_report.html`` with the old and new picture side by side. Update
a baseline (``pytest tests/ui/test_snapshots.py --snapshot-update``) only after reading that diff
and the new SVG in ``tests/ui/__snapshots__/``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Markdown

from rsapp.app import make_app
from rsapp.db import open_database
from tests.conftest import TODAY, settle

SIZES = [pytest.param((160, 45), id="160x45"), pytest.param((100, 30), id="100x30")]

SnapCompare = Callable[..., bool]


@pytest.fixture
def app(sqlite_url: str) -> Iterator[Any]:
    """The app as a user starts it: a ready SQLite file (migrated, built-in data), the fast reader."""
    open_database(sqlite_url).dispose()
    made = make_app(database_url=sqlite_url, today=TODAY)
    assert made.db.fast_reader is not None
    yield made
    made.db.close()


async def _settled(pilot: Pilot) -> None:
    """Every worker done (and the workers their messages started) and the screen redrawn."""
    await pilot.pause()
    await settle(pilot)


async def _press(pilot: Pilot, *keys: str) -> None:
    await pilot.press(*keys)
    await _settled(pilot)


async def _snapshot_ready(pilot: Pilot) -> None:
    """The screen without its toasts: a toast disappears after some seconds of wall-clock time, so
    whether it is still there depends on how fast the machine ran (the Pilot tests assert them)."""
    pilot.app.clear_notifications()
    await _settled(pilot)


async def _until(pilot: Pilot, condition: Callable[[], bool], what: str) -> None:
    """Wait for something drawn after a timer (not a worker), however slow the machine is."""
    for _ in range(200):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"gave up waiting for {what}")


@pytest.mark.parametrize("size", SIZES)
def test_portfolio(snap_compare: SnapCompare, app: Any, size: tuple[int, int]) -> None:
    """The start screen: pot header, the round's applications, the footer's keys."""

    async def run_before(pilot: Pilot) -> None:
        await _settled(pilot)
        assert type(pilot.app.screen).__name__ == "PortfolioScreen"
        await _snapshot_ready(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_application(snap_compare: SnapCompare, app: Any, size: tuple[int, int]) -> None:
    """The first application opened with Enter: its fields, amounts and where each came from."""

    async def run_before(pilot: Pilot) -> None:
        await _settled(pilot)
        await _press(pilot, "enter")
        assert type(pilot.app.screen).__name__ == "ApplicationScreen"
        await _snapshot_ready(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_prioritisation(snap_compare: SnapCompare, app: Any, size: tuple[int, int]) -> None:
    """The ranking of Helgeland 2026 with the cut line (baseline to regenerate after the ledger change)."""

    async def run_before(pilot: Pilot) -> None:
        await _settled(pilot)
        await _press(pilot, "p")
        assert type(pilot.app.screen).__name__ == "PrioritisationScreen"
        await _snapshot_ready(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_case(snap_compare: SnapCompare, app: Any, size: tuple[int, int]) -> None:
    """The prioritisation case drafted from data for the meeting in week 43, opened for editing."""

    async def run_before(pilot: Pilot) -> None:
        await _settled(pilot)
        await _press(pilot, "k")  # meetings
        await _press(pilot, "n")  # new meeting, prefilled with the round's meeting day
        await _press(pilot, "ctrl+s")
        await _press(pilot, "p")  # draft the prioritisation case …
        await _press(pilot, "enter")  # … with the proposed number
        await _press(pilot, "tab")  # to the saksliste
        await _press(pilot, "enter")  # open the case
        screen = pilot.app.screen
        assert type(screen).__name__ == "CaseEditScreen"
        # The preview is rebuilt a moment after the last change (a timer), then mounted in batches.
        preview = screen.query_one("#preview", Markdown)
        await _until(
            pilot,
            lambda: preview.source == screen.preview_markdown() and not preview.lock.is_locked,
            "the case preview",
        )
        await _snapshot_ready(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
