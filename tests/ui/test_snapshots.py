"""What the secretariat sees: every screen and dialog as a picture, at a wide (160×45) and a
narrow (100×30) size.

Each snapshot starts the app the way a user does (``make_app`` on a migrated SQLite file, so the
fast standard-library reader draws the first frame) on the built-in Helgeland data, with ``today``
fixed to 20.10.2025 and the cursor blink frozen (``tests/ui/conftest.py``), and goes where a user
goes (``tests/ui/routes.py``: the keys from the start screen). The other clock a screen has is a
toast's lifetime: toasts are cleared before the picture is taken (the Pilot tests assert what
they say). Slow redraws are waited for by condition, never by a fixed sleep. Before each picture,
the screen is also read for cut or split amounts (``tests/ui/amounts.py``).

A failing snapshot writes ``snapshot_report.html`` with the old and new picture side by side. Update
a baseline (``pytest tests/ui/test_snapshots.py --snapshot-update``) only after reading that diff
and the new SVG in ``tests/ui/__snapshots__/``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from tests.ui.amounts import amount_problems
from tests.ui.routes import ROUTES, ready

SIZES = [pytest.param((160, 45), id="160x45"), pytest.param((100, 30), id="100x30")]

SnapCompare = Callable[..., bool]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("route", list(ROUTES))
def test_screen(snap_compare: SnapCompare, app: Any, route: str, size: tuple[int, int]) -> None:
    """The screen ``route`` names, as the user sees it; no amount on it cut or split."""

    async def run_before(pilot: Pilot) -> None:
        await ROUTES[route](pilot)
        await ready(pilot)
        assert amount_problems(pilot.app) == []

    assert snap_compare(app, terminal_size=size, run_before=run_before)
