"""Fixtures for the UI tests: a frozen cursor, so a snapshot does not depend on when it is taken."""

from __future__ import annotations

import pytest
from textual.widgets import Input, TextArea


@pytest.fixture(autouse=True)
def no_cursor_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep every cursor in its shown state (Harlequin's fixture; Posting turns ``cursor_blink`` off).

    A snapshot is taken after a pause longer than the blink interval, so a blinking cursor would
    be on in one run and off in the next. Only the toggle is stopped: focus and blur still show
    and hide the cursor as they do for a user.
    """
    monkeypatch.setattr(Input, "_toggle_cursor", lambda _self: None)
    monkeypatch.setattr(TextArea, "_toggle_cursor_blink_visible", lambda _self: None)
