"""The database a screen or a command works on: one handle, so that neither holds a session.

:class:`Database` opens the SQLAlchemy engine on first use (schema checked, built-in data
loaded; safe from several threads), hands out sessions to the functions it calls
(:meth:`Database.call`) and readers for the read model (:meth:`Database.read`). A SQLite file
that is ready may come with a stdlib :class:`~rsapp.store.read_model.SqliteReader`, so the
first reads need no SQLAlchemy at all.

Screens and the CLI call ``db.call(function, *args)``: the function gets a fresh session as
its first argument and does its own unit of work; the caller never sees the session. This
module imports SQLAlchemy only when the engine or a session is first needed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Concatenate, ParamSpec, TypeVar

from rsapp.store.read_model import Reader, SessionReader

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlmodel import Session

__all__ = ["Database"]

P = ParamSpec("P")
R = TypeVar("R")


class Database:
    """The app's (or a command's) database: a URL, an engine opened on demand, an optional fast reader."""

    def __init__(
        self,
        url: str | None = None,
        *,
        engine: Engine | None = None,
        reader: Reader | None = None,
        owns_engine: bool = False,
    ) -> None:
        """``engine``: one already opened (the caller disposes of it unless ``owns_engine``);
        ``reader``: the stdlib reader of a ready SQLite file (closed by :meth:`close`)."""
        if engine is None and url is None:
            raise ValueError("Database needs an engine or a URL")
        self._engine = engine
        self._owns_engine = owns_engine or engine is None
        self.url: str = url if url is not None else str(engine.url)  # type: ignore[union-attr]
        self._reader = reader
        self._lock = threading.Lock()

    @property
    def fast_reader(self) -> Reader | None:
        """The stdlib reader, when the database is a ready SQLite file (else None)."""
        return self._reader

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine, opened (schema checked, built-in data loaded) on first use."""
        with self._lock:
            if self._engine is None:
                from rsapp.db import open_database

                self._engine = open_database(self.url)
            return self._engine

    @property
    def engine_open(self) -> bool:
        return self._engine is not None

    def session(self) -> Session:
        """A new session (use it in a ``with`` block). Objects stay readable after a commit."""
        from sqlmodel import Session

        return Session(self.engine, expire_on_commit=False)

    def call(self, function: Callable[Concatenate[Session, P], R], *args: P.args, **kwargs: P.kwargs) -> R:
        """``function(session, *args, **kwargs)`` in a fresh session, closed afterwards."""
        with self.session() as session:
            return function(session, *args, **kwargs)

    @contextmanager
    def read(self) -> Iterator[Reader]:
        """A reader for the read model: the fast stdlib one where there is one, else a session."""
        if self._reader is not None:
            yield self._reader
            return
        with self.session() as session:
            yield SessionReader(session)

    def close(self) -> None:
        """Close the fast reader, and dispose of the engine if this handle opened it."""
        close = getattr(self._reader, "close", None)
        if close is not None:
            close()
        if self._engine is not None and self._owns_engine:
            self._engine.dispose()
