"""The rsapp Textual application: opens the database and shows the portfolio.

`make_app()` is the one factory used by the command line and by the tests. It reads what the
first frame shows (the portfolio) before the app starts, through the stdlib SQLite reader when
the database is a ready SQLite file, so the first frame waits neither for SQLAlchemy nor for a
read on the UI thread; the full database layer opens in a worker right after it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from datetime import date
from typing import TYPE_CHECKING

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.screen import Screen

from rsapp.config import resolve_database_url
from rsapp.keymap import KeymapFile, key_label, load_keymap, palette_commands
from rsapp.store.database import Database
from rsapp.store.read_model import Reader, SqliteReader, sqlite_path, sqlite_ready

if TYPE_CHECKING:
    from pathlib import Path

    from sqlalchemy.engine import Engine
    from sqlmodel import Session

    from rsapp.messages import DocumentWritten
    from rsapp.portfolio import PortfolioData
    from rsapp.store.access import Identity


class RsApp(App[int]):
    """rsapp – møteforberedelse for RS-midler."""

    TITLE = "rsapp"
    SUB_TITLE = "Rekrutterings- og samhandlingstilskudd"
    CSS_PATH = ["styles/app.tcss"]
    ENABLE_COMMAND_PALETTE = True
    #: Screens get the class -narrow below 120 columns and -short below 40 lines (styles/*.tcss).
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (40, "-tall")]
    BINDINGS = [
        Binding(
            "ctrl+p",
            "command_palette",
            "Kommandoer",
            show=False,
            priority=True,
            id="command-palette",
            tooltip="Åpne kommandopaletten",
        ),
        Binding("f1", "help", "Hjelp", id="help", tooltip="Vis tastene"),
        Binding("question_mark", "help", "Hjelp", show=False, id="help-alt"),
        Binding("q", "quit", "Avslutt", id="quit", tooltip="Avslutt rsapp"),
        Binding(
            "ctrl+q", "quit", "Avslutt", show=False, priority=True, id="quit-ctrl", tooltip="Avslutt rsapp"
        ),
    ]

    def __init__(
        self,
        *,
        db: Database | None,
        today: date | None = None,
        portfolio: PortfolioData | None = None,
        live: bool = False,
        sign_in_url: str | None = None,
    ) -> None:
        """``live``: show other sessions' changes as they happen (rsapp.screens.shared_session);
        ``sign_in_url``: start with the sign-in screen on that database (the browser), ``db`` None."""
        from rsapp.screens.shared_session import LiveUpdates
        from rsapp.widgets.palette import norwegian_builtins
        from rsapp.widgets.wrap import keep_amounts_whole

        norwegian_builtins()  # Textual's own key names in Norwegian ("Lukk listen", not "Dismiss menu")
        keep_amounts_whole()  # no line breaks inside "1 234 567 kr", wherever text wraps
        super().__init__()
        self.db = db  # type: ignore[assignment]  # None only until the user has signed in
        self.database_url = db.url if db is not None else (sign_in_url or "")
        self.sign_in_url = sign_in_url
        self.today = today or date.today()
        self._start_portfolio = portfolio
        self.live = LiveUpdates(self) if live or sign_in_url else None
        self._after_first_frame: list[Callable[[], object]] = []
        # The user's keys (config.toml, [taster]): the footer, F1 and the palette follow them.
        self.keymap_file: KeymapFile = load_keymap()
        if self.keymap_file.keymap:
            self.set_keymap(self.keymap_file.keymap)

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine, opened (schema checked, built-in data loaded) on first use."""
        return self.db.engine

    def session(self) -> Session:
        """A new session on the app's database (use in a `with` block, in a worker).

        Kept for the screens that still open sessions themselves; new code calls
        ``self.db.call(function, ...)`` instead.
        """
        return self.db.session()

    def read(self) -> AbstractContextManager[Reader]:
        """A reader for the read model: the fast stdlib one where there is one, else a session."""
        return self.db.read()

    def after_first_frame(self, callback: Callable[[], object]) -> None:
        """Call ``callback`` once the first frame is drawn: work the start need not wait for
        (``rsapp`` switches the garbage collector back on and makes the day's copy of the file)."""
        self._after_first_frame.append(callback)

    def breakpoint_classes(self) -> list[str]:
        """The classes a screen of the terminal's size gets from the breakpoints (as Textual gives
        them on its first resize). A screen given them before it is mounted is styled once, not
        styled and then restyled."""
        width, height = self.size
        classes: list[str] = []
        for points, size in ((self.HORIZONTAL_BREAKPOINTS, width), (self.VERTICAL_BREAKPOINTS, height)):
            classes += [name for at, name in sorted(points or (), reverse=True) if size >= at][:1]
        return classes

    def take_start_portfolio(self) -> PortfolioData | None:
        """The portfolio read before the app started (once; later reads happen in workers)."""
        data, self._start_portfolio = self._start_portfolio, None
        return data

    #: The Norwegian sentence printed when the app stopped on an error (see _handle_exception).
    failure_message: str | None = None
    #: Seconds a lost terminal gives the app to save and stop before the process ends itself.
    HANGUP_GRACE_SECONDS = 5.0

    def get_driver_class(self):  # type: ignore[no-untyped-def]
        """Textual's terminal driver, told to notice a terminal that has gone (end of input)."""
        return _hangup_aware_driver() or super().get_driver_class()

    def run(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        """Run the app; a failure ends with one Norwegian line on standard error, never a traceback."""
        result = super().run(*args, **kwargs)
        if self.failure_message:
            import sys

            print(f"Feil: {self.failure_message}", file=sys.stderr)
        return result

    def _handle_exception(self, error: Exception) -> None:
        """A screen or worker failed where nothing caught it: stop cleanly with a Norwegian message
        (database and file errors described from their kind; the traceback's shape goes to
        ``feil.log`` without values) instead of Textual's traceback with local variables."""
        from textual.worker import WorkerFailed

        from rsapp.failure import user_message

        inner = error.error if isinstance(error, WorkerFailed) else error
        self._return_code = 1
        if self._exception is None:  # kept, so that run_test() still re-raises it in the tests
            self._exception = error
            self._exception_event.set()
        try:
            self.failure_message = user_message(inner)
        except Exception:  # noqa: BLE001 - the message itself failed: say the least
            self.failure_message = "rsapp stoppet på grunn av en programfeil."
        self._close_messages_no_wait()

    def _watch_terminal(self) -> None:
        """SIGHUP (the terminal window closed, SSH dropped, tmux killed the pane) and SIGTERM quit
        the app as ``q`` does: what is shown but not saved is saved first."""
        import asyncio
        import signal

        if self.is_headless:
            return
        loop = asyncio.get_running_loop()
        for number in (signal.SIGHUP, signal.SIGTERM):
            try:
                loop.add_signal_handler(number, self.terminal_gone, number.name)
            except (NotImplementedError, RuntimeError, ValueError):  # pragma: no cover - not POSIX
                pass

    def terminal_gone(self, reason: str = "") -> None:
        """The terminal is gone (a signal or the end of input): save, quit, and make sure the process
        ends within :attr:`HANGUP_GRACE_SECONDS` even if saving or the terminal hangs."""
        import os
        import threading

        if getattr(self, "_terminal_gone", False):
            return
        self._terminal_gone = True

        def _deadline() -> None:  # pragma: no cover - only when quitting hangs
            os._exit(1)

        timer = threading.Timer(self.HANGUP_GRACE_SECONDS, _deadline)
        timer.daemon = True
        timer.start()
        self.run_worker(self.action_quit(), group="hangup", exit_on_error=False)

    def _clean_after_killed_runs(self) -> None:
        """After the first frame: remove what killed rsapp processes left behind (in a thread)."""
        from rsapp.housekeeping import clean_after_killed_runs

        self.run_worker(clean_after_killed_runs, thread=True, group="housekeeping", exit_on_error=False)

    def get_default_screen(self) -> Screen:
        """The first screen: the portfolio, with the breakpoint classes of the terminal's size, so
        that it is styled once. (Textual's own first screen is an empty one, which would be
        composed, styled and drawn under it for nothing.) A browser session starts with Textual's,
        and the sign-in screen pushed on it."""
        if self.sign_in_url is not None:
            return super().get_default_screen()
        from rsapp.screens.portfolio import PortfolioScreen

        screen = PortfolioScreen(self.take_start_portfolio())
        screen.add_class(*self.breakpoint_classes(), update=False)
        return screen

    def on_mount(self) -> None:
        self._watch_terminal()
        if self.keymap_file.keymap:  # buttons that name a key name the user's key
            self.screen_change_signal.subscribe(self, self._relabel_buttons)
            self._relabel_buttons(self.screen)
        if self.sign_in_url is not None:
            from rsapp.screens.sign_in import SignInScreen

            self.push_screen(SignInScreen(self.sign_in_url))
        else:
            self._say_who()

    def on_ready(self) -> None:
        """The first frame is on screen (Textual's Ready): now the work the start need not wait for."""
        if not self.is_headless:
            self._clean_after_killed_runs()
        for callback in self._after_first_frame:
            callback()
        if self.sign_in_url is not None:  # nothing is opened before the user has signed in
            return
        if not self.db.engine_open:
            self._warm_up()
        if self.live is not None:
            self.live.start()
        if self.keymap_file.exists:
            self._check_keymap()

    def _relabel_buttons(self, screen: Screen) -> None:
        from rsapp.keymap import relabel_buttons

        self.call_after_refresh(relabel_buttons, screen)

    def _check_keymap(self) -> None:
        """Say what is wrong in the keymap file (after the first frame: naming unknown ids means
        importing every screen)."""
        from rsapp.keymap import unknown_ids

        problems = list(self.keymap_file.problems)
        path = self.keymap_file.path
        problems += [
            f"{path}, [taster] {binding_id}: ukjent id (se «rsapp config taster»)."
            for binding_id in unknown_ids(self.keymap_file.keymap)
        ]
        if problems:
            self.notify(
                "\n".join(problems),
                title="Tastene i innstillingsfilen",
                severity="warning",
                timeout=15,
                markup=False,  # «[taster]» is the file's section, not markup
            )

    def signed_in(self, identity: Identity, url: str) -> None:
        """The sign-in screen accepted the user: work as them, on the database as them."""
        from rsapp.screens.portfolio import PortfolioScreen
        from rsapp.store import access

        access.set_current(identity)
        self.db = Database(url)
        self.database_url = url
        self.switch_screen(PortfolioScreen(None))
        self.call_after_refresh(self._warm_up)
        if self.live is not None:
            self.call_after_refresh(self.live.start)
        self._say_who()

    def _say_who(self) -> None:
        """Who works, when it is not simply the owner of the database (shared use)."""
        from rsapp.store import access

        identity = access.current()
        if identity.readonly:
            self.notify("Skrivebeskyttet: ingen endringer kan lagres.", title=identity.label, timeout=6)
        elif not identity.is_owner or identity.signed_in:
            self.notify(f"Logget inn som {identity.label}.", timeout=5, markup=False)

    def offer_file(self, path: Path) -> None:
        """A file rsapp wrote: a download in the browser (rsapp serve); in a terminal it stays put."""
        from rsapp.screens.shared_session import offer_file

        offer_file(self, path)

    def on_document_written(self, message: DocumentWritten) -> None:
        """Every Word or PDF document a screen has written reaches the browser as a download.
        (A handler by name, not ``@on``: the app's start does not import the messages.)"""
        self.offer_file(message.path)

    def on_unmount(self) -> None:
        if self.live is not None:
            self.live.stop()

    def _warm_up(self) -> None:
        """After the first frame: open the full database layer in a thread, ready for the first edit."""
        self.run_worker(
            lambda: self.db.engine, thread=True, exclusive=True, group="warm-up", exit_on_error=False
        )

    # --- actions -------------------------------------------------------------------------------

    def action_help(self) -> None:
        from rsapp.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    async def action_quit(self) -> None:
        """Quit, after every open screen has written what the user changed but it had not saved yet."""
        from textual.worker import Worker

        for screen in reversed(self.screen_stack):
            flush = getattr(screen, "flush_unsaved", None)
            if flush is None:
                continue
            pending = flush()
            if isinstance(pending, Worker):  # a save running in a thread worker: let it finish
                try:
                    await pending.wait()
                except Exception:  # noqa: BLE001 - the screen has told the user; quit anyway
                    pass
        self.exit()

    def action_export_excel(self, round_id: int) -> None:
        """Ask for a file name and export the round's prioritisation list to Excel."""
        from rsapp.screens.export_excel import start_excel_export

        start_excel_export(self, round_id)

    def action_command_palette(self) -> None:
        from rsapp.widgets.palette import NorskCommandPalette

        if self.use_command_palette and not CommandPalette.is_open(self):  # type: ignore[arg-type]
            self.push_screen(
                NorskCommandPalette(id="--command-palette", placeholder="Søk etter kommandoer …")
            )

    def search_themes(self) -> None:
        from textual.theme import ThemeProvider

        from rsapp.widgets.palette import NorskCommandPalette

        self.push_screen(NorskCommandPalette(providers=[ThemeProvider], placeholder="Søk etter fargetema …"))

    def get_key_display(self, binding: Binding) -> str:
        """Keys read the same in the footer, the help and the palette (:func:`rsapp.keymap.key_label`)."""
        return binding.key_display or key_label(binding.key)

    def action_help_quit(self) -> None:
        """Ctrl+C does not quit (it copies): say which key does, in Norwegian."""
        keys = [
            key
            for key, active in self.active_bindings.items()
            if active.binding.action in ("quit", "app.quit")
        ]
        if keys:
            self.notify(f"Trykk {key_label(keys[0])} for å avslutte rsapp.", title="Vil du avslutte?")

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The palette: every named key of the screen (from the keymap) and the screen's own commands."""
        offered = [
            SystemCommand("Hjelp: taster", "Vis alle taster og hva de gjør", self.action_help),
            *getattr(screen, "palette_commands", lambda: ())(),
            SystemCommand("Utseende: bytt tema", "Velg fargetema", self.action_change_theme),
            SystemCommand("Avslutt", "Avslutt rsapp", self.action_quit),
        ]
        yield from palette_commands(self, screen, offered)


def _hangup_aware_driver():  # type: ignore[no-untyped-def]
    """Textual's Linux driver, changed in one thing: when the terminal gives end of input (the
    window closed, SSH dropped), Textual would read nothing over and over at full speed, for ever;
    this one tells the app (:meth:`RsApp.terminal_gone`) and stops reading."""
    import sys

    if sys.platform == "win32":  # pragma: no cover
        return None
    import os
    import selectors
    from codecs import getincrementaldecoder

    from textual._xterm_parser import XTermParser
    from textual.drivers.linux_driver import LinuxDriver

    class HangupAwareDriver(LinuxDriver):
        def _gone(self) -> None:
            app = self._app
            loop = getattr(app, "_loop", None)
            if loop is not None:
                loop.call_soon_threadsafe(app.terminal_gone, "EOF")

        def run_input_thread(self) -> None:
            selector = selectors.SelectSelector()
            selector.register(self.fileno, selectors.EVENT_READ)
            parser = XTermParser(self._debug)
            decode = getincrementaldecoder("utf-8")().decode
            try:
                while not self.exit_event.is_set():
                    ready = selector.select(0.1)
                    if ready:
                        try:
                            data = os.read(self.fileno, 1024 * 4)
                        except OSError:  # EIO: the terminal is gone
                            data = b""
                        if not data:
                            self._gone()
                            return
                        for event in parser.feed(decode(data)):
                            self.process_message(event)
                    for event in parser.tick():
                        self.process_message(event)
            finally:
                selector.close()

    return HangupAwareDriver


def make_app(
    *,
    database_url: str | None = None,
    engine: Engine | None = None,
    today: date | None = None,
    live: bool = False,
    sign_in: bool = False,
) -> RsApp:
    """The app on `database_url` (or an already opened `engine`), schema migrated and data loaded.

    A SQLite file that is already migrated and loaded is read through the standard library, so
    the first frame does not wait for SQLAlchemy; the engine opens right after it. What the first
    frame shows is read here, before the app's event loop starts. ``live``: other sessions'
    changes appear as they happen; ``sign_in``: start with the sign-in screen and open nothing
    before the user has signed in (a browser session of ``rsapp serve``).
    """
    from rsapp.migrations import HEAD_REVISION
    from rsapp.portfolio import load_portfolio

    if sign_in:
        return RsApp(db=None, today=today, sign_in_url=resolve_database_url(database_url))
    if engine is not None:
        db = Database(engine=engine)
    else:
        url = resolve_database_url(database_url)
        path = sqlite_path(url)
        if path is not None and sqlite_ready(path, HEAD_REVISION):
            db = Database(url, reader=SqliteReader(path))
        else:
            from rsapp.db import open_database

            db = Database(url, engine=open_database(url), owns_engine=True)
    with db.read() as reader:
        portfolio = load_portfolio(reader)
    return RsApp(db=db, today=today, portfolio=portfolio, live=live)
