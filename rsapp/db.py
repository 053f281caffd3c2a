"""Engines, schema migrations (Alembic) and sessions.

The schema is created and changed only by the migrations in `rsapp/migrations/`, never by
`create_all` at run time. SQLite files run in WAL mode with foreign keys on.

Opening is careful about what can go wrong before the first screen (issue 11):

* only SQLite and PostgreSQL URLs are accepted, and a SQLite path that is a mistyped URL
  (``sqlite:/relative::bad`` becomes a file called ``sqlite:``…) is refused instead of created;
* a new data folder is made 0700 and a new SQLite file 0600 (:func:`rsapp.files.private_dir`,
  :func:`rsapp.store.identity.secure_sqlite_file`); a folder that cannot be made is named;
* a SQLite file the user may not write is opened read-only, so it can still be shown;
* a lock held by another program is waited for ``RSAPP_LOCK_TIMEOUT`` seconds (30), on SQLite
  (busy timeout) and PostgreSQL (``lock_timeout``) alike, and then reported;
* every INSERT and UPDATE is checked against :mod:`rsapp.store.limits` before it is sent;
* two processes opening a brand-new database at once take turns (a lock on the SQLite file's
  folder, an advisory lock on PostgreSQL), so both find the schema and the built-in data ready;
* every error becomes a :class:`DatabaseError` with one Norwegian sentence
  (:mod:`rsapp.store.errors`), never the driver's English, SQL or parameters.
"""

from __future__ import annotations

import os
import re
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

from rsapp.migrations import HEAD_REVISION
from rsapp.store import access
from rsapp.store.errors import describe, lock_timeout_seconds, safe_url
from rsapp.store.identity import establish, install_engine_rules, secure_sqlite_file
from rsapp.store.limits import install_guard


class DatabaseError(RuntimeError):
    """A database that cannot be opened or upgraded (Norwegian message)."""


#: Said when a URL is not one rsapp speaks.
SUPPORTED_URLS = (
    "rsapp bruker SQLite (sqlite:///sti/til/rsapp.sqlite3, eller bare en filsti) eller PostgreSQL "
    "(postgresql://bruker@tjener/database)"
)
#: A path component that is really the start of a URL (a slash too few or too many).
_URL_IN_PATH = re.compile(
    r"^(sqlite|postgres|postgresql|mysql|mariadb|oracle|mssql|file|https?)(\+\w+)?:", re.I
)
#: How long a process waits for another one that is creating the same new database.
CREATE_WAIT_SECONDS = 120


def check_url(url: str) -> None:
    """:class:`DatabaseError` for a URL rsapp does not speak, or a SQLite path that is a typo."""
    scheme = url.split("://", 1)[0] if "://" in url else ""
    dialect = scheme.split("+", 1)[0].lower()
    if dialect not in ("sqlite", "postgresql"):
        raise DatabaseError(f"Databasen «{safe_url(url)}» støttes ikke: {SUPPORTED_URLS}.")
    if dialect == "sqlite":
        rest = url.split("://", 1)[1]
        if rest and not rest.startswith("/"):
            raise DatabaseError(
                f"Database-URL-en «{url}» ser feil ut: en SQLite-fil skrives sqlite:///sti/til/fil.sqlite3 "
                "(tre skråstreker, fire for en absolutt sti)."
            )
        path = rest[1:]
        if path in ("", ":memory:") or path.startswith("file:"):
            return
        parts = Path(path).parts
        if any(_URL_IN_PATH.match(part) for part in parts) or "::" in path:
            raise DatabaseError(
                f"Databasestien «{path}» ser ut som en feilskrevet URL, så rsapp lager ingen ny database der. "
                "Skriv sqlite:///sti/til/fil.sqlite3 eller bare filstien."
            )


def _writable(path: Path) -> bool:
    """Whether this process may write the existing file ``path`` (tried, not guessed)."""
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError:
        return False
    os.close(fd)
    return True


def _sqlite_readonly_uri(path: Path) -> str:
    """A URI that opens ``path`` read-only; ``immutable`` when not even SQLite's shared-memory file
    can be made beside it (a read-only folder)."""
    uri = f"file:{quote(str(path))}?mode=ro"
    shm = Path(f"{path}-shm")
    if not shm.exists() and not os.access(path.parent, os.W_OK):
        uri += "&immutable=1"
    return uri


def make_engine(url: str) -> Engine:
    """An engine for `url`; creates the folder of a SQLite file (0700) and the file (0600).

    A SQLite file that exists but may not be written is opened read-only: it can be shown, and
    a change is refused with a Norwegian message.
    """
    check_url(url)
    timeout = lock_timeout_seconds()
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""
        readonly = False
        connect_args = {"check_same_thread": False, "timeout": timeout}
        if path and path != ":memory:" and not path.startswith("file:"):
            file = Path(path)
            if file.exists():
                readonly = not _writable(file)
            else:
                from rsapp.files import FileWriteError, private_dir

                try:
                    private_dir(file.parent)
                except FileWriteError as exc:
                    raise DatabaseError(f"{exc} rsapp trenger den til databasefilen {file.name}.") from None
            if not readonly:
                secure_sqlite_file(path)
            else:
                return _readonly_sqlite_engine(file.absolute(), timeout)
        engine = create_engine(url, connect_args=connect_args)
        _sqlite_events(engine, readonly=False)
        return engine
    engine = create_engine(
        url,
        pool_pre_ping=True,
        connect_args={"connect_timeout": 10, "options": f"-c lock_timeout={int(timeout * 1000)}"},
    )
    install_engine_rules(engine)
    install_guard(engine)
    return engine


def _sqlite_events(engine: Engine, *, readonly: bool) -> None:
    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record) -> None:  # pragma: no cover - trivial
        cursor = dbapi_connection.cursor()
        if not readonly:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        if not readonly:
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    install_engine_rules(engine)  # after the pragmas: --readonly, and what the user may write
    install_guard(engine)


def _readonly_sqlite_engine(file: Path, timeout: float) -> Engine:
    import sqlite3

    from sqlalchemy.engine import make_url

    uri = _sqlite_readonly_uri(file)

    def _connect() -> sqlite3.Connection:
        return sqlite3.connect(uri, uri=True, timeout=timeout, check_same_thread=False)

    engine = create_engine(make_url(f"sqlite:///{file}"), creator=_connect)  # the creator opens it
    _READONLY_ENGINES.add(engine)
    _sqlite_events(engine, readonly=True)
    return engine


#: Engines on SQLite files this process may only read.
_READONLY_ENGINES: weakref.WeakSet[Engine] = weakref.WeakSet()


def is_readonly_file(engine: Engine) -> bool:
    """Whether ``engine`` is a SQLite file opened read-only (the user may not write it)."""
    return engine in _READONLY_ENGINES


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


def _message(exc: BaseException, engine: Engine, action: str) -> str:
    return describe(exc, engine.url) or (
        f"Kunne ikke {action} databasen {safe_url(engine.url)}: uventet feil ({type(exc).__name__})."
    )


def ensure_schema(engine: Engine) -> None:
    """Upgrade unless the database is already at the newest revision (the cheap check runs first)."""
    try:
        if current_revision(engine) == HEAD_REVISION:
            return
        upgrade(engine)
    except DatabaseError:
        raise
    except Exception as exc:  # noqa: BLE001 - turned into a message the user can act on
        raise DatabaseError(_message(exc, engine, "åpne eller oppgradere")) from None


@contextmanager
def _creating(engine: Engine) -> Iterator[None]:
    """One process at a time creates or upgrades a database and loads the built-in data.

    SQLite: a lock on the file's folder (``flock``; SQLite's own locks are on the files, so the
    two never meet). PostgreSQL: a session advisory lock. A second process waits, then finds
    everything done.
    """
    if engine.dialect.name == "sqlite":
        database = engine.url.database or ""
        if not database or database == ":memory:":
            yield
            return
        import fcntl

        try:
            fd = os.open(Path(database).absolute().parent, os.O_RDONLY)
        except OSError:
            yield
            return
        try:
            deadline = time.monotonic() + CREATE_WAIT_SECONDS
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise DatabaseError(
                            f"En annen rsapp har holdt på å opprette databasen {safe_url(engine.url)} i over "
                            f"{CREATE_WAIT_SECONDS} sekunder. Prøv igjen når den er ferdig."
                        ) from None
                    time.sleep(0.05)
            yield
        finally:
            os.close(fd)  # releases the lock
        return
    if engine.dialect.name != "postgresql":
        yield
        return
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(hashtext('rsapp: create schema'))"))
        conn.commit()
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(hashtext('rsapp: create schema'))"))
            conn.commit()


def open_database(url: str, *, seed: bool = True) -> Engine:
    """Engine with the schema up to date and, on a new database, the built-in data loaded.

    Raises :class:`DatabaseError` (Norwegian, naming the database) for every failure.
    """
    engine = make_engine(url)
    try:
        with _creating(engine):
            ensure_schema(engine)
            # Who works (rsapp.store.access): the owner loads the built-in data, other users only read it.
            establish(engine)
            identity = access.current()
            if seed and identity.is_owner and not identity.readonly and not is_readonly_file(engine):
                from rsapp.seed import load_builtin

                with Session(engine) as session:
                    load_builtin(session)
    except DatabaseError:
        engine.dispose()
        raise
    except Exception as exc:  # noqa: BLE001 - turned into a message the user can act on
        message = describe(exc, engine.url)
        if message is None:
            raise
        engine.dispose()
        raise DatabaseError(message) from None
    return engine
