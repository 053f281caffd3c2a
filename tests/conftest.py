"""Shared fixtures: a real SQLite file per test, and a real PostgreSQL server for the suite."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from rsapp.db import open_database

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "tests" / "fixtures" / "seeds"  # public documents, see README.md there
TODAY = date(2025, 10, 20)  # Monday of week 43, 2025: the extraordinary SSU meeting

_counter = itertools.count()


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the real user's data or config."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("RSAPP_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "share"))
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("RSAPP_DATABASE_URL", raising=False)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[object]:
    from tests.pgserver import PostgresServer

    server = PostgresServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'rsapp.sqlite3'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The same test on a SQLite file and on a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'rsapp.sqlite3'}"
    server = request.getfixturevalue("pg_server")
    return server.create_database(f"rsapp_test_{os.getpid()}_{next(_counter)}")


@pytest.fixture
def engine(sqlite_url: str) -> Iterator[Engine]:
    """A SQLite file with the schema migrated and the built-in data loaded."""
    eng = open_database(sqlite_url)
    yield eng
    eng.dispose()


@pytest.fixture
def any_engine(db_url: str) -> Iterator[Engine]:
    """Like `engine`, on SQLite and on PostgreSQL."""
    eng = open_database(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine) as s:
        yield s


# --- Pilot tests: starting the app, waiting for its workers ---------------------------------------


@pytest.fixture(params=["fast", "engine"])
def start_app(
    request: pytest.FixtureRequest, engine: Engine, sqlite_url: str
) -> Iterator[Callable[..., Any]]:
    """Makes the app for a Pilot test in both ways it runs.

    ``fast``: as a real start does: the database (made by the ``engine`` fixture) is a ready
    SQLite file, read through the stdlib reader before SQLAlchemy; the app opens its own
    engine after the first frame. ``engine``: on the test's already opened engine.
    """
    from rsapp.app import make_app

    made: list[Any] = []

    def make(**kwargs: Any) -> Any:
        kwargs.setdefault("today", TODAY)
        if request.param == "fast":
            app = make_app(database_url=sqlite_url, **kwargs)
            assert app.db.fast_reader is not None, "a ready SQLite file starts with the fast reader"
        else:
            app = make_app(engine=engine, **kwargs)
        made.append(app)
        return app

    yield make
    for app in made:
        app.db.close()


async def settle(pilot: Any) -> None:
    """Wait until the app's thread workers have finished and what they posted is handled
    (a worker's message may start another worker: wait for those too)."""
    app = pilot.app
    for _ in range(20):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if all(worker.is_finished for worker in app.workers):
            return


async def wait_until(pilot: Any, condition: Any, seconds: float = 2.0) -> float:
    """Seconds until ``condition()`` holds (pumping the app), or fail after ``seconds``: for what
    arrives from outside the app (another session's change), so no worker can be waited for."""
    import time

    start = time.monotonic()
    while time.monotonic() - start < seconds:
        await pilot.pause(0.05)
        if condition():
            return time.monotonic() - start
    raise AssertionError(f"not within {seconds} s")


def require(present: bool, what: str) -> None:
    """A program a test needs (LibreOffice, pdftotext, Chromium). In CI, where ``.ci/run``
    installs it, its absence fails the test; on a machine without it the test is skipped, saying
    what is missing."""
    if present:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{what} mangler; .ci/run skal installere det")
    pytest.skip(f"{what} mangler her")
