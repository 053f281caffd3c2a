"""The rsapp Textual application: opens the database and shows the portfolio.

`make_app()` is the one factory used by the command line and by the tests.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy.engine import Engine
from sqlmodel import Session
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.screen import Screen

from rsapp.config import resolve_database_url


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

    def __init__(self, engine: Engine, *, today: date | None = None) -> None:
        super().__init__()
        self.engine = engine
        self.today = today or date.today()

    def session(self) -> Session:
        """A new session on the app's database (use in a `with` block)."""
        return Session(self.engine, expire_on_commit=False)

    def on_mount(self) -> None:
        from rsapp.screens.portfolio import PortfolioScreen

        self.push_screen(PortfolioScreen())

    # --- actions -------------------------------------------------------------------------------

    def action_help(self) -> None:
        from rsapp.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_command_palette(self) -> None:
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(id="--command-palette", placeholder="Søk etter kommandoer …"))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield SystemCommand("Hjelp: taster", "Vis alle taster og hva de gjør", self.action_help)
        yield from getattr(screen, "palette_commands", lambda: ())()
        yield SystemCommand("Utseende: bytt tema", "Velg fargetema", self.action_change_theme)
        yield SystemCommand("Avslutt", "Avslutt rsapp", self.action_quit)


def make_app(
    *, database_url: str | None = None, engine: Engine | None = None, today: date | None = None
) -> RsApp:
    """The app on `database_url` (or an already opened `engine`), schema migrated and data loaded."""
    if engine is None:
        from rsapp.db import open_database

        engine = open_database(resolve_database_url(database_url))
    return RsApp(engine, today=today)
