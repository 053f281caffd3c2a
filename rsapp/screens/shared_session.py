"""The app's side of shared use: live updates of the screen in front, and files to the browser.

:class:`LiveUpdates` starts a :class:`~rsapp.store.live.ChangeWatcher` for the app's database
(after the first frame, or after signing in) and, when another session has changed something,
asks the screen in front to show it: the top-most screen of the stack with a ``live_refresh()``
method gets it once that screen is the one shown (a dialog on top waits); changes that come
close together give one refresh (:data:`DEBOUNCE_SECONDS`). A screen is asked again shortly
after while a write of its own is under way (the worker groups it names in ``LIVE_WAITS_FOR``)
or when ``live_refresh()`` returns False (busy otherwise: a move not yet saved, a note typed). A stale edit is still refused by the
store with its own message.

:func:`offer_file` hands a file rsapp has written to the user: in the browser
(``rsapp serve``) as a download, in a terminal it stays where it was written.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.timer import Timer

if TYPE_CHECKING:
    from textual.app import App

    from rsapp.store.live import ChangeWatcher

__all__ = ["DEBOUNCE_SECONDS", "LiveUpdates", "download_folder", "offer_file"]

DEBOUNCE_SECONDS = 0.2
RETRY_SECONDS = 0.5

_MIME = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pdf": "application/pdf",
    ".json": "application/json",
    ".md": "text/markdown",
    ".html": "text/html",
}


_download_folder: Path | None = None


def download_folder() -> Path:
    """This browser session's own folder on the server for files on their way to the browser
    (0700, under the system's temporary folder; one per session process)."""
    global _download_folder
    if _download_folder is None or not _download_folder.is_dir():
        import tempfile

        _download_folder = Path(tempfile.mkdtemp(prefix="rsapp-nedlasting-"))
    return _download_folder


def offer_file(app: App[Any], path: Path) -> bool:
    """Send ``path`` to the browser as a download when the app runs in one; True if it was sent."""
    if not app.is_web:
        return False
    app.deliver_binary(
        path, save_filename=path.name, open_method="download", mime_type=_MIME.get(path.suffix.lower())
    )
    return True


class LiveUpdates:
    """Watches the app's database and refreshes the screen in front (see the module docstring)."""

    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self.watcher: ChangeWatcher | None = None
        self._timer: Timer | None = None
        self.changes = 0  # notices received (tests and the footer may show it)
        self._lock = threading.Lock()  # start (a worker thread) against stop (the app closing)
        self._stopped = False

    def start(self) -> None:
        """Start watching, from a thread (opening the engine on PostgreSQL may take a moment)."""
        if self.watcher is not None:
            return
        self.app.run_worker(self._start, thread=True, group="live", exit_on_error=False, name="live-start")

    def _start(self) -> None:
        from rsapp.store.live import ChangeWatcher, track_backend_pids

        db = getattr(self.app, "db", None)
        if db is None:
            return
        url = db.url
        pids: set[int] = set()
        if url.startswith("postgresql"):
            pids = track_backend_pids(db.engine)
            url = db.engine.url.render_as_string(hide_password=False)
        watcher = ChangeWatcher(url, self._noticed, own_pids=pids)
        with self._lock:
            if self._stopped:  # the app closed while this worker was on its way: start nothing
                return
            self.watcher = watcher
            watcher.start()

    def stop(self) -> None:
        """Stop watching, for good: a start still on its way starts nothing."""
        with self._lock:
            self._stopped = True
            watcher, self.watcher = self.watcher, None
        if watcher is not None:
            watcher.stop()

    def _noticed(self, _table: str) -> None:
        """From the watcher's thread: a change was committed by someone else."""
        try:
            self.app.call_from_thread(self._schedule)
        except RuntimeError:  # the app is shutting down
            pass

    def _schedule(self, delay: float = DEBOUNCE_SECONDS) -> None:
        self.changes += 1
        if self._timer is None:
            self._timer = self.app.set_timer(delay, self._refresh)

    def _refresh(self) -> None:
        self._timer = None
        target = next(
            (screen for screen in reversed(self.app.screen_stack) if hasattr(screen, "live_refresh")), None
        )
        if target is None:
            return
        waits_for = getattr(target, "LIVE_WAITS_FOR", ())
        if (
            target is not self.app.screen or saving(target, *waits_for) or not target.live_refresh()  # type: ignore[attr-defined]
        ):
            self._timer = self.app.set_timer(RETRY_SECONDS, self._refresh)


def saving(screen: Any, *groups: str) -> bool:
    """Whether ``screen`` has a worker of one of ``groups`` still under way (a live refresh waits
    for its own writes: it would show the database without the change the user just made)."""
    return any(worker.group in groups and not worker.is_finished for worker in screen.workers)
