"""Read-only SQL access for the read side, over stdlib sqlite3 or a SQLAlchemy session.

The portfolio's queries are plain SQL with `:name` parameters, which both drivers accept, so
there is one query code path. The stdlib reader lets rsapp draw its first frame without
importing SQLAlchemy; everything that writes goes through SQLModel sessions.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any, Protocol


class Reader(Protocol):
    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> Sequence[Sequence[Any]]: ...


class SqliteReader:
    """A reader on a SQLite file through the standard library."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self.conn = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
        self.conn.execute("PRAGMA foreign_keys=ON")

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[tuple[Any, ...]]:
        return self.conn.execute(sql, dict(params or {})).fetchall()

    def close(self) -> None:
        self.conn.close()


class SessionReader:
    """A reader on a SQLAlchemy/SQLModel session (any database)."""

    def __init__(self, session: Any) -> None:
        self.session = session

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[tuple[Any, ...]]:
        from sqlalchemy import text

        return [tuple(r) for r in self.session.execute(text(sql), dict(params or {})).all()]


def as_reader(source: Any) -> Reader:
    """A Reader as is; a Session wrapped."""
    if hasattr(source, "rows"):
        return source
    return SessionReader(source)


def as_date(value: Any) -> date | None:
    """SQLite hands dates back as ISO text, PostgreSQL as dates."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def sqlite_path(url: str) -> str | None:
    """The file of a `sqlite:///path` URL, else None."""
    if not url.startswith("sqlite:///"):
        return None
    path = url[len("sqlite:///") :]
    return path if path and path != ":memory:" else None


def sqlite_ready(path: str, head_revision: str) -> bool:
    """The file exists, is migrated to `head_revision` and holds at least one round."""
    if not Path(path).is_file():
        return False
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            (version,) = conn.execute("SELECT version_num FROM alembic_version").fetchone() or (None,)
            (rounds,) = conn.execute('SELECT COUNT(*) FROM "round"').fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    return version == head_revision and rounds > 0
