"""Live updates: notice, within a second, that someone else changed the database.

:class:`ChangeWatcher` runs in a thread of its own, on a connection of its own, and calls
``on_change(table)`` when the database has changed:

* **PostgreSQL**: ``LISTEN rsapp_endringer``. Every table has a statement trigger that sends
  ``NOTIFY rsapp_endringer, '<table>'`` (migration 0007), delivered when the writing transaction
  commits. Notices sent by this process's own connections (:func:`track_backend_pids`) are
  skipped: the screen that made a change already shows it;
* **SQLite**: ``PRAGMA data_version``, polled every :data:`POLL_SECONDS` on a connection that
  never writes: its value changes whenever another connection (another session, another
  process, or this process's engine) has committed. The table is not known (``"?"``).

The watcher never reads data and never writes: a screen reads what it shows itself. It stops
with :meth:`ChangeWatcher.stop`. Plain Python (no Textual); the app turns ``on_change`` into a
refresh of the screen in front.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from typing import Any

__all__ = ["CHANNEL", "POLL_SECONDS", "ChangeWatcher", "track_backend_pids"]

CHANNEL = "rsapp_endringer"
POLL_SECONDS = 0.25


def track_backend_pids(engine: Any) -> set[int]:
    """The PostgreSQL backend pids of ``engine``'s connections, kept up to date as connections
    are checked out (each asked once); empty for SQLite."""
    pids: set[int] = set()
    if engine.dialect.name != "postgresql":
        return pids
    from sqlalchemy import event

    @event.listens_for(engine, "checkout")
    def _remember(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        pid = record.info.get("rsapp_pid")
        if pid is None:
            pid = getattr(getattr(dbapi_connection, "info", None), "backend_pid", None)
            record.info["rsapp_pid"] = pid
        if pid is not None:
            pids.add(int(pid))

    return pids


class ChangeWatcher:
    """Calls ``on_change(table)`` from its own thread whenever the database at ``url`` changes."""

    def __init__(
        self,
        url: str,
        on_change: Callable[[str], None],
        *,
        own_pids: set[int] | None = None,
        interval: float = POLL_SECONDS,
    ) -> None:
        self.url = url
        self.on_change = on_change
        self.own_pids = own_pids if own_pids is not None else set()
        self.interval = interval
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None
        self.error: str | None = None

    def start(self) -> ChangeWatcher:
        thread = threading.Thread(target=self._run, name="rsapp-live", daemon=True)
        thread.start()
        self._thread = thread  # only a started thread: stop() may join it at any moment
        return self

    def wait_ready(self, timeout: float = 5.0) -> bool:
        """Wait until the watcher listens (tests; a change made before that might be missed)."""
        return self._ready.wait(timeout)

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        try:
            if self.url.startswith("postgresql"):
                self._listen()
            elif self.url.startswith("sqlite:///"):
                self._poll(self.url[len("sqlite:///") :])
        except Exception as exc:  # noqa: BLE001 - a watcher that fails leaves Ctrl+R; say why once
            self.error = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        finally:
            self._ready.set()

    def _listen(self) -> None:
        import psycopg
        from sqlalchemy.engine import make_url

        parsed = make_url(self.url)
        conninfo = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(f"LISTEN {CHANNEL}")
            self._ready.set()
            while not self._stop.is_set():
                for notice in conn.notifies(timeout=self.interval):
                    if notice.pid not in self.own_pids:
                        self.on_change(notice.payload or "?")
                    if self._stop.is_set():
                        break

    def _poll(self, path: str) -> None:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5, check_same_thread=False)
        try:
            last = conn.execute("PRAGMA data_version").fetchone()[0]
            self._ready.set()
            while not self._stop.wait(self.interval):
                now = conn.execute("PRAGMA data_version").fetchone()[0]
                if now != last:
                    last = now
                    self.on_change("?")
        finally:
            conn.close()
