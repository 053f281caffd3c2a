"""Shared pieces of the command line: opening the database, errors, tables.

A command opens the database with :func:`open_db` and calls domain functions through it
(``db.call(function, *args)``); it never holds a session or writes SQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse

    from sqlalchemy.engine import Engine

    from rsapp.store.database import Database
    from rsapp.store.read_model import Reader


class CliError(Exception):
    """An error shown to the user as `Feil: …` with a non-zero exit code."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


#: What a command-line user does to see the current state (the screens say Ctrl+R instead).
CLI_REFRESH_HINT = "Kjør «rsapp prioriter vis» for å se hvordan det ser ut nå."


def cli_message(exc: BaseException) -> str:
    """The message of a domain error for the command line: the screens' Ctrl+R hint replaced."""
    from rsapp.store.unit_of_work import REFRESH_HINT

    text = str(exc)
    if REFRESH_HINT in text:
        text = text.replace(REFRESH_HINT, CLI_REFRESH_HINT)
    return text


def open_engine(args: argparse.Namespace) -> Engine:
    """The engine on the database the command names (``--db``), schema migrated, data loaded."""
    from rsapp.config import resolve_database_url
    from rsapp.db import DatabaseError, open_database

    try:
        return open_database(resolve_database_url(getattr(args, "db_url", None)))
    except DatabaseError as exc:
        raise CliError(str(exc)) from exc


def open_db(args: argparse.Namespace) -> Database:
    """The database the command names (``--db``), opened: call domain functions through it."""
    from rsapp.store.database import Database

    engine = open_engine(args)
    return Database(str(engine.url), engine=engine, owns_engine=True)


@contextmanager
def read_only(args: argparse.Namespace) -> Iterator[Reader]:
    """A reader for a read-only command (``liste``, ``runder``, ``prioriter vis``, ``sak liste``).

    A ready SQLite file (migrated, data loaded) is read through the standard library, so the
    command imports neither SQLAlchemy nor the models and answers at once; any other database
    (PostgreSQL, a new or old SQLite file) is opened as usual and read through a session.
    """
    from rsapp.config import resolve_database_url
    from rsapp.migrations import HEAD_REVISION
    from rsapp.store.read_model import SqliteReader, sqlite_path, sqlite_ready

    path = sqlite_path(resolve_database_url(getattr(args, "db_url", None)))
    if path is not None and sqlite_ready(path, HEAD_REVISION):
        reader = SqliteReader(path)
        try:
            yield reader
        finally:
            reader.close()
        return
    db = open_db(args)
    try:
        with db.read() as session_reader:
            yield session_reader
    finally:
        db.close()


def print_table(headers: list[str], rows: list[list[str]], right: set[int] | None = None) -> None:
    """A plain text table (no colours) on standard output."""
    right = right or set()
    widths = [len(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell))

    def fmt(row: list[str]) -> str:
        return "  ".join(
            c.rjust(widths[i]) if i in right else c.ljust(widths[i]) for i, c in enumerate(row)
        ).rstrip()

    print(fmt(headers))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(fmt(row))
