"""Fixtures for the UI tests: a frozen cursor, so a snapshot does not depend on when it is taken,
and the app the routes of ``tests/ui/routes.py`` start from."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from textual.widgets import Input, TextArea

from rsapp.app import make_app
from rsapp.db import open_database
from tests.conftest import TODAY
from tests.ui.routes import IMPORT_HOME, import_home


@pytest.fixture(autouse=True)
def no_cursor_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep every cursor in its shown state (Harlequin's fixture; Posting turns ``cursor_blink`` off).

    A snapshot is taken after a pause longer than the blink interval, so a blinking cursor would
    be on in one run and off in the next. Only the toggle is stopped: focus and blur still show
    and hide the cursor as they do for a user.
    """
    monkeypatch.setattr(Input, "_toggle_cursor", lambda _self: None)
    monkeypatch.setattr(TextArea, "_toggle_cursor_blink_visible", lambda _self: None)


@pytest.fixture
def app(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The app as a user starts it: a ready SQLite file (migrated, built-in data), the fast reader.

    Home is a fixed folder (the import screen's file tree starts there and names it)."""
    import_home()
    monkeypatch.setenv("HOME", str(IMPORT_HOME))
    monkeypatch.chdir(IMPORT_HOME)
    open_database(sqlite_url).dispose()
    made = make_app(database_url=sqlite_url, today=TODAY)
    assert made.db.fast_reader is not None
    yield made
    made.db.close()
