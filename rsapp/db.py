"""Engines, schema migrations (Alembic) and sessions.

The schema is created and changed only by the migrations in `rsapp/migrations/`, never by
`create_all` at run time. SQLite files run in WAL mode with foreign keys on.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

from rsapp.migrations import HEAD_REVISION
from rsapp.store import access
from rsapp.store.identity import establish, install_engine_rules, secure_sqlite_file


class DatabaseError(RuntimeError):
    """A database that cannot be opened or upgraded (Norwegian message)."""


def make_engine(url: str) -> Engine:
    """An engine for `url`; creates the folder of a SQLite file."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            secure_sqlite_file(path)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:  # pragma: no cover - trivial
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        install_engine_rules(engine)  # after the pragmas: --readonly, and what the user may write
        return engine
    engine = create_engine(url, pool_pre_ping=True)
    install_engine_rules(engine)
    return engine


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to `revision` with Alembic (imported only when needed)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    if engine.dialect.name != "sqlite":
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
        return
    # SQLite changes a table by copying it (Alembic's batch mode). Dropping the old copy with
    # foreign keys on would delete every row that refers to it (ON DELETE CASCADE): the pragma
    # is switched off for the migration (it only takes effect outside a transaction), the keys
    # are checked before the commit, and it is switched on again for the pooled connection.
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        conn.commit()  # SQLAlchemy's autobegun transaction; SQLite itself began none for a pragma
        try:
            with conn.begin():
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, revision)
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
                if broken:
                    raise DatabaseError(
                        f"Oppgraderingen ville gitt {len(broken)} brutte koblinger i databasen."
                    )
        finally:
            conn.exec_driver_sql("PRAGMA foreign_keys=ON")
            conn.commit()


def ensure_schema(engine: Engine) -> None:
    """Upgrade unless the database is already at the newest revision (the cheap check runs first)."""
    try:
        if current_revision(engine) == HEAD_REVISION:
            return
        upgrade(engine)
    except Exception as exc:  # noqa: BLE001 - turned into a message the user can act on
        raise DatabaseError(f"Kunne ikke åpne eller oppgradere databasen {engine.url!r}: {exc}") from exc


def open_database(url: str, *, seed: bool = True) -> Engine:
    """Engine with the schema up to date and, on a new database, the built-in data loaded."""
    engine = make_engine(url)
    ensure_schema(engine)
    # Who works (rsapp.store.access): the owner loads the built-in data, other users only read it.
    establish(engine)
    identity = access.current()
    if seed and identity.is_owner and not identity.readonly:
        from rsapp.seed import load_builtin

        with Session(engine) as session:
            load_builtin(session)
    return engine
