"""Closing rsapp while live updates are still starting: no error on the way out, no watcher left
running. (Found by the start-up benchmark, which closes the app at its first frame: the start,
in a worker thread, had made the watcher but not yet started its thread when the app closed, and
joining it raised ``RuntimeError`` — shown to the user as «rsapp stoppet på grunn av en
programfeil».)"""

from __future__ import annotations

import threading
import time

from rsapp.app import make_app
from rsapp.db import open_database
from rsapp.screens.shared_session import LiveUpdates
from rsapp.store.live import ChangeWatcher
from tests.conftest import TODAY


def _live_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "rsapp-live" and t.is_alive()]


def _until_no_live_threads() -> list[threading.Thread]:
    deadline = time.monotonic() + 5
    while _live_threads() and time.monotonic() < deadline:
        time.sleep(0.02)
    return _live_threads()


def test_a_start_that_arrives_after_the_app_closed_starts_nothing(sqlite_url: str) -> None:
    open_database(sqlite_url).dispose()
    app = make_app(database_url=sqlite_url, today=TODAY)
    try:
        live = LiveUpdates(app)
        live.stop()  # the app closes ...
        live._start()  # ... before the worker that starts the watcher has run
        assert live.watcher is None
        assert _until_no_live_threads() == []
    finally:
        app.db.close()


def test_stopping_a_watcher_while_another_thread_starts_it_never_fails(sqlite_url: str) -> None:
    open_database(sqlite_url).dispose()
    errors: list[BaseException] = []
    for _ in range(200):
        watcher = ChangeWatcher(sqlite_url, lambda _table: None, interval=0.01)
        starting = threading.Thread(target=watcher.start)
        starting.start()
        try:
            watcher.stop()
        except RuntimeError as exc:  # "cannot join thread before it is started"
            errors.append(exc)
        starting.join()
        watcher.stop()
    assert errors == []
    assert _until_no_live_threads() == []
