"""The rsapp Textual application: opens the database and shows the portfolio.

`make_app()` is the one factory used by the command line and by the tests.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.screen import Screen

from rsapp.config import resolve_database_url
from rsapp.reader import Reader, SessionReader, SqliteReader, sqlite_path, sqlite_ready

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlmodel import Session


class RsApp(App[int]):
    """rsapp – møteforberedelse for RS-midler."""

    TITLE = "rsapp"
    SUB_TITLE = "Rekrutterings- og samhandlingstilskudd"
    CSS_PATH = ["styles/app.tcss"]
    ENABLE_COMMAND_PALETTE = True
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
    ]

    def __init__(
        self,
        *,
        engine: Engine | None = None,
        database_url: str | None = None,
        reader: Reader | None = None,
        today: date | None = None,
    ) -> None:
        super().__init__()
        if engine is None and database_url is None:
            raise ValueError("RsApp needs an engine or a database URL")
        self._engine = engine
        self.database_url = database_url or str(engine.url)  # type: ignore[union-attr]
        self._reader = reader
        self._engine_lock = threading.Lock()
        self.today = today or date.today()

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine, opened (schema checked, built-in data loaded) on first use."""
        with self._engine_lock:
            if self._engine is None:
                from rsapp.db import open_database

                self._engine = open_database(self.database_url)
            return self._engine

    def session(self) -> Session:
        """A new session on the app's database (use in a `with` block)."""
        from sqlmodel import Session

        return Session(self.engine, expire_on_commit=False)

    @contextmanager
    def read(self) -> Iterator[Reader]:
        """A reader for the read side: the fast stdlib one where there is one, else a session."""
        if self._reader is not None:
            yield self._reader
            return
        with self.session() as session:
            yield SessionReader(session)

    def on_mount(self) -> None:
        from rsapp.screens.portfolio import PortfolioScreen

        self.push_screen(PortfolioScreen())
        if self._engine is None:
            self.call_after_refresh(self._warm_up)

    def _warm_up(self) -> None:
        """After the first frame: open the full database layer in a thread, ready for the first edit."""
        self.run_worker(
            lambda: self.engine, thread=True, exclusive=True, group="warm-up", exit_on_error=False
        )

    # --- actions -------------------------------------------------------------------------------

    def action_help(self) -> None:
        from rsapp.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    async def action_quit(self) -> None:
        """Quit, after every open screen has written what the user changed but it had not saved yet."""
        for screen in reversed(self.screen_stack):
            flush = getattr(screen, "flush_unsaved", None)
            if flush is not None:
                flush()
        self.exit()

    def action_export_excel(self, round_id: int) -> None:
        """Ask for a file name and export the round's prioritisation list to Excel."""
        from rsapp.screens.export_excel import start_excel_export

        start_excel_export(self, round_id)

    def action_command_palette(self) -> None:
        from rsapp.widgets.palette import NorskCommandPalette

        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(
                NorskCommandPalette(id="--command-palette", placeholder="Søk etter kommandoer …")
            )

    def search_themes(self) -> None:
        from textual.theme import ThemeProvider

        from rsapp.widgets.palette import NorskCommandPalette

        self.push_screen(NorskCommandPalette(providers=[ThemeProvider], placeholder="Søk etter fargetema …"))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield SystemCommand("Hjelp: taster", "Vis alle taster og hva de gjør", self.action_help)
        yield from getattr(screen, "palette_commands", lambda: ())()
        yield SystemCommand("Utseende: bytt tema", "Velg fargetema", self.action_change_theme)
        yield SystemCommand("Avslutt", "Avslutt rsapp", self.action_quit)


def make_app(
    *, database_url: str | None = None, engine: Engine | None = None, today: date | None = None
) -> RsApp:
    """The app on `database_url` (or an already opened `engine`), schema migrated and data loaded.

    A SQLite file that is already migrated and loaded is first read through the standard library,
    so the first frame does not wait for SQLAlchemy; the engine opens right after it.
    """
    from rsapp.migrations import HEAD_REVISION

    if engine is not None:
        return RsApp(engine=engine, today=today)
    url = resolve_database_url(database_url)
    path = sqlite_path(url)
    if path is not None and sqlite_ready(path, HEAD_REVISION):
        return RsApp(database_url=url, reader=SqliteReader(path), today=today)
    from rsapp.db import open_database

    return RsApp(engine=open_database(url), database_url=url, today=today)
