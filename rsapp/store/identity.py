"""The identity of this process, found in the database, and the rules every connection carries.

* :func:`install_engine_rules` — on every new connection of an engine: ``--readonly`` makes the
  connection itself read-only (SQLite ``PRAGMA query_only``, PostgreSQL ``READ ONLY``
  transactions), and on SQLite an authorizer refuses, at the database's door, every write the
  current user may not make (an SSU member writes only their ranking and assessments), also for
  code that does not go through the unit of work;
* :func:`establish` — who this process works as (:mod:`rsapp.store.access`): on PostgreSQL the
  login (the owner of the tables, or a user of ``app_user``), on SQLite the OS user;
* :func:`secure_sqlite_file` — the SQLite file (and its WAL files) readable by its owner only,
  the data folder 0700.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Connection, Engine

from rsapp.store import access

__all__ = ["establish", "install_engine_rules", "pg_identity", "secure_sqlite_file"]

#: The tables an SSU member writes (SQLite's authorizer; PostgreSQL has the same in its policies).
MEMBER_WRITABLE = frozenset({"member_ranking", "assessment_score", "assessment_note", "changelog"})
_WRITES = frozenset({sqlite3.SQLITE_INSERT, sqlite3.SQLITE_UPDATE, sqlite3.SQLITE_DELETE})


def _authorizer(
    action: int, arg1: str | None, _arg2: str | None, dbname: str | None, _source: str | None
) -> int:
    if action not in _WRITES:
        return sqlite3.SQLITE_OK
    identity = access.current()
    if identity.can_change_shared or dbname == "temp" or (arg1 or "").startswith("sqlite_"):
        return sqlite3.SQLITE_OK
    if identity.role == access.ROLE_SSU and not identity.readonly and arg1 in MEMBER_WRITABLE:
        return sqlite3.SQLITE_OK
    return sqlite3.SQLITE_DENY


def _readonly() -> bool:
    return access.current().readonly or access.requested() is True


def install_engine_rules(engine: Engine) -> None:
    """Give every new connection of ``engine`` the current user's rules (see the module docstring)."""
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _sqlite_rules(dbapi_connection: Any, _record: Any) -> None:
            if _readonly():
                cursor = dbapi_connection.cursor()
                cursor.execute("PRAGMA query_only=ON")
                cursor.close()
            dbapi_connection.set_authorizer(_authorizer)

    elif engine.dialect.name == "postgresql":

        @event.listens_for(engine, "connect")
        def _pg_rules(dbapi_connection: Any, _record: Any) -> None:
            if _readonly():
                cursor = dbapi_connection.cursor()
                cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
                cursor.close()
                dbapi_connection.commit()


class _ConnReader:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def rows(self, sql: str, params: Any = None) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in self.conn.execute(text(sql), dict(params or {})).all()]


def pg_identity(conn: Connection, *, readonly: bool = False, signed_in: bool = False) -> access.Identity:
    """The identity of the connection's PostgreSQL login: the owner of the tables (or a superuser)
    has every right; any other login is the ``app_user`` whose ``db_role`` it is."""
    login, superuser, owner = conn.execute(
        text(
            "SELECT current_user, COALESCE((SELECT rolsuper FROM pg_roles WHERE rolname = current_user), false),"
            " COALESCE((SELECT pg_has_role(current_user, tableowner, 'MEMBER') FROM pg_tables"
            " WHERE schemaname = 'public' AND tablename = 'round'), false)"
        )
    ).one()
    if superuser or owner:
        return access.Identity(login, readonly=readonly, signed_in=signed_in)
    row = conn.execute(
        text(
            f"SELECT {access.USER_COLUMNS} FROM app_user u"
            " LEFT JOIN helsefellesskap h ON h.id = u.helsefellesskap_id WHERE u.db_role = current_user"
        )
    ).first()
    if row is None or not row[-1]:
        # Not (or no longer) a user of this database: the database shows such a login nothing.
        return access.Identity(login, role=access.ROLE_LESETILGANG, helsefellesskap_id=0, readonly=True)
    return access.identity_from_row(tuple(row), readonly=readonly, signed_in=signed_in)


def establish(engine: Engine) -> access.Identity | None:
    """Find and set who this process works as, when the command line asked for it
    (:func:`rsapp.store.access.request`) and nobody has signed in; returns it (else None)."""
    wanted = access.requested()
    if wanted is None or access.is_set():
        return None
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            identity = pg_identity(conn, readonly=wanted)
        else:
            identity = access.resolve_sqlite_identity(_ConnReader(conn), readonly=wanted)
    access.set_current(identity)
    return identity


def secure_sqlite_file(path: str | Path) -> None:
    """Create the SQLite file readable by its owner only (0600), and tighten an existing one and
    its ``-wal``/``-shm`` files; rsapp's own data folder gets 0700."""
    from rsapp.config import user_data_dir
    from rsapp.files import PRIVATE_DIR_MODE, PRIVATE_FILE_MODE

    file = Path(path)
    try:
        if file.parent.resolve() == user_data_dir().resolve():
            os.chmod(file.parent, PRIVATE_DIR_MODE)
        if not file.exists():
            os.close(os.open(file, os.O_CREAT | os.O_WRONLY, PRIVATE_FILE_MODE))
        for candidate in (file, Path(f"{file}-wal"), Path(f"{file}-shm")):
            if candidate.exists() and candidate.stat().st_mode & 0o077:
                os.chmod(candidate, PRIVATE_FILE_MODE)
    except OSError:
        pass  # not ours to change (e.g. a file of another user opened read-only): SQLite will say more
