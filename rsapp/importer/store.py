"""Where the import reads and writes: one set of SQL, two ways to run it.

The import's reads and writes are plain SQL (``:name`` parameters) run through a :class:`Db`:

- :class:`SessionDb`, on a SQLAlchemy session inside :func:`rsapp.store.unit_of_work` — the
  app, PostgreSQL, and every database that is not yet migrated; round lock, version claim and
  change-log entry come from the unit of work, rows are added as model objects;
- :class:`SqliteDb`, on the standard library's ``sqlite3``, for a SQLite file that is already
  migrated and loaded: ``rsapp import`` then starts without SQLAlchemy, whose import costs more
  than the rest of an import together. It does what the unit of work does, in the same SQL:
  ``BEGIN IMMEDIATE`` (SQLite's write lock), the round lock, the version claim
  (``UPDATE … WHERE version = :v``) and the change-log row; values are stored as SQLAlchemy
  stores them, and a parity test holds both paths to the same rows.

:func:`as_store` turns an engine, a database URL or a store into an :class:`ImportStore`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, Protocol

from rsapp.importer.errors import ImportFailure

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

__all__ = [
    "Db",
    "ImportStore",
    "SessionDb",
    "SqliteDb",
    "EngineStore",
    "SqliteStore",
    "as_store",
    "open_store",
]

REFRESH_HINT = "Trykk Ctrl+R for å oppdatere."


class Db(Protocol):
    """One open connection: reads, and inside :meth:`ImportStore.write` writes."""

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[tuple[Any, ...]]: ...
    def insert(self, table: str, values: dict[str, Any]) -> int: ...
    def update(self, table: str, row_id: int, values: dict[str, Any]) -> None: ...
    def execute(self, sql: str, params: Mapping[str, Any] | None = None) -> int: ...
    def lock_round(self, round_id: int) -> None: ...
    def claim(self, application_id: int, version: int, what: str) -> int: ...
    def log(
        self,
        entity: str,
        entity_id: int | None,
        action: str,
        summary: str,
        old: str = "",
        new: str = "",
        round_id: int | None = None,
        user: str | None = None,
    ) -> None: ...


class ImportStore(Protocol):
    def read(self) -> Any: ...  # a context manager yielding a Db
    def write(self, round_ids: list[int]) -> Any: ...  # a context manager: one transaction


# --------------------------------------------------------------------------- SQLAlchemy


def _model(table: str) -> Any:
    from rsapp import models

    for name in dir(models):
        obj = getattr(models, name)
        if getattr(obj, "__tablename__", None) == table:
            return obj
    raise KeyError(table)


class SessionDb:
    """A :class:`Db` on a SQLAlchemy session; writes inside a :class:`~rsapp.store.UnitOfWork`."""

    def __init__(self, session: Any, uow: Any = None) -> None:
        self.session = session
        self.uow = uow

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[tuple[Any, ...]]:
        from sqlalchemy import text

        return [tuple(r) for r in self.session.execute(text(sql), dict(params or {})).all()]

    def insert(self, table: str, values: dict[str, Any]) -> int:
        obj = _model(table)(**values)
        self.session.add(obj)
        self.session.flush()
        return int(getattr(obj, "id", 0) or 0)

    def update(self, table: str, row_id: int, values: dict[str, Any]) -> None:
        from sqlalchemy import update

        core = _model(table).__table__
        self.session.execute(update(core).where(core.c.id == row_id).values(**values))

    def execute(self, sql: str, params: Mapping[str, Any] | None = None) -> int:
        from sqlalchemy import text

        result = self.session.execute(text(sql), dict(params or {}))
        return int(getattr(result, "rowcount", 0) or 0)

    def lock_round(self, round_id: int) -> None:
        self.uow.lock_round(round_id)

    def claim(self, application_id: int, version: int, what: str) -> int:
        return int(self.uow.claim(_model("application"), application_id, version, what))

    def log(
        self,
        entity: str,
        entity_id: int | None,
        action: str,
        summary: str,
        old: str = "",
        new: str = "",
        round_id: int | None = None,
        user: str | None = None,
    ) -> None:
        entry = self.uow.log(entity, entity_id, action, summary, old, new, round_id)
        if user:
            entry.user = user


class EngineStore:
    """Reads and writes through a SQLAlchemy engine, writes through the unit of work."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @contextmanager
    def read(self) -> Iterator[Db]:
        from sqlmodel import Session

        with Session(self.engine) as session:
            yield SessionDb(session)

    @contextmanager
    def write(self, round_ids: list[int]) -> Iterator[Db]:
        from sqlmodel import Session

        from rsapp.store.unit_of_work import DatabaseFailure, StoreError, unit_of_work

        with Session(self.engine, expire_on_commit=False) as session:
            try:
                with unit_of_work(session) as uow:
                    for round_id in sorted(set(round_ids)):
                        uow.lock_round(round_id)
                    yield SessionDb(session, uow)
            except DatabaseFailure as exc:  # the database refused or failed: said as on the sqlite3 path
                raise ImportFailure("", f"kunne ikke lagres. {exc}") from None
            except StoreError as exc:
                raise ImportFailure("", str(exc)) from exc


# --------------------------------------------------------------------------- stdlib sqlite3


def _adapt(value: Any) -> Any:
    """A value as SQLAlchemy stores it in SQLite."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (list, dict)):
        return json.dumps(value)
    return value


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class SqliteDb:
    """A :class:`Db` on a stdlib ``sqlite3`` connection (see the module docstring)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[tuple[Any, ...]]:
        return self.conn.execute(sql, {k: _adapt(v) for k, v in (params or {}).items()}).fetchall()

    def insert(self, table: str, values: dict[str, Any]) -> int:
        columns = list(values)
        sql = (
            f"INSERT INTO {_quoted(table)} ({', '.join(_quoted(c) for c in columns)}) "
            f"VALUES ({', '.join(':' + c for c in columns)})"
        )
        cursor = self.conn.execute(sql, {c: _adapt(v) for c, v in values.items()})
        return int(cursor.lastrowid or 0)

    def update(self, table: str, row_id: int, values: dict[str, Any]) -> None:
        sets = ", ".join(f"{_quoted(c)} = :{c}" for c in values)
        params = {c: _adapt(v) for c, v in values.items()} | {"_id": row_id}
        self.conn.execute(f"UPDATE {_quoted(table)} SET {sets} WHERE id = :_id", params)

    def execute(self, sql: str, params: Mapping[str, Any] | None = None) -> int:
        return self.conn.execute(sql, {k: _adapt(v) for k, v in (params or {}).items()}).rowcount

    def lock_round(self, round_id: int) -> None:
        if self.conn.execute('UPDATE "round" SET year = year WHERE id = ?', (round_id,)).rowcount == 0:
            raise ImportFailure("", f"Fant ingen runde med id {round_id}.")

    def claim(self, application_id: int, version: int, what: str) -> int:
        cursor = self.conn.execute(
            "UPDATE application SET version = version + 1 WHERE id = ? AND version = ?",
            (application_id, version),
        )
        if cursor.rowcount == 1:
            return version + 1
        if self.conn.execute("SELECT 1 FROM application WHERE id = ?", (application_id,)).fetchone() is None:
            raise ImportFailure(
                "", f"{what} finnes ikke lenger; en annen bruker kan ha slettet den. {REFRESH_HINT}"
            )
        raise ImportFailure("", f"{what} er endret av en annen bruker. {REFRESH_HINT}")

    def log(
        self,
        entity: str,
        entity_id: int | None,
        action: str,
        summary: str,
        old: str = "",
        new: str = "",
        round_id: int | None = None,
        user: str | None = None,
    ) -> None:
        from rsapp.config import current_user

        self.insert(
            "changelog",
            {
                "at": datetime.now(UTC),
                "user": (user or current_user())[:80],
                "round_id": round_id,
                "entity": entity,
                "entity_id": entity_id,
                "action": action,
                "summary": summary,
                "old": old,
                "new": new,
            },
        )


class SqliteStore:
    """Reads and writes a migrated SQLite file through the standard library."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._conn: sqlite3.Connection | None = None

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            from rsapp.store.errors import lock_timeout_seconds

            conn = sqlite3.connect(
                self.path, timeout=lock_timeout_seconds(), isolation_level=None, check_same_thread=False
            )
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            self._conn = conn
        return self._conn

    @contextmanager
    def read(self) -> Iterator[Db]:
        yield SqliteDb(self.conn)

    @contextmanager
    def write(self, round_ids: list[int]) -> Iterator[Db]:
        conn = self.conn
        _check_access(conn, round_ids)  # the unit of work's rules (rsapp.store.access), on this path too
        conn.execute("BEGIN IMMEDIATE")
        try:
            db = SqliteDb(conn)
            for round_id in sorted(set(round_ids)):
                db.lock_round(round_id)
            yield db
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def _check_access(conn: sqlite3.Connection, round_ids: list[int]) -> None:
    """Only the sekretariat of the round's helsefellesskap (or the owner) imports; Norwegian refusal."""
    from rsapp.store import access

    try:
        access.require_shared_write()
        for round_id in set(round_ids):
            row = conn.execute('SELECT helsefellesskap_id FROM "round" WHERE id = ?', (round_id,)).fetchone()
            access.require_round(row[0] if row else None)
    except access.AccessDenied as exc:
        raise ImportFailure("", str(exc)) from None


def as_store(source: Any) -> ImportStore:
    """An :class:`ImportStore` for an engine, a store, or a database URL."""
    if hasattr(source, "read") and hasattr(source, "write"):
        return source
    if isinstance(source, str):
        return open_store(source)
    return EngineStore(source)


def open_store(url: str) -> ImportStore:
    """The store for a database URL: stdlib sqlite3 for a SQLite file that is migrated and
    loaded, otherwise an engine (which migrates and loads it first)."""
    from rsapp.migrations import HEAD_REVISION
    from rsapp.store.read_model import sqlite_path, sqlite_ready

    path = sqlite_path(url)
    if path is not None and sqlite_ready(path, HEAD_REVISION):
        return SqliteStore(path)
    from rsapp.db import open_database

    return EngineStore(open_database(url))
