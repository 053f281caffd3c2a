"""Logg inn: the first screen of rsapp in the browser (``rsapp serve``).

textual-serve has no sign-in of its own, so every browser session's process starts here: the
user's name and password are checked in a thread worker (:func:`rsapp.store.users.authenticate`:
the argon2 hash, and on PostgreSQL the database login itself), and only then does the app open
the database as that user. Each failure costs a little more waiting before the next try.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Input, Label, Static

if TYPE_CHECKING:
    from rsapp.store.access import Identity

__all__ = ["SignInRefused", "SignInScreen", "SignedIn"]


@dataclass(eq=False)
class SignedIn(Message):
    """The user's name and password were accepted; ``url`` is the database as that user."""

    identity: Identity
    url: str


@dataclass(eq=False)
class SignInRefused(Message):
    """Signing in failed (``text`` is Norwegian)."""

    text: str


#: Seconds to wait before answering after the n-th failure in a row (capped).
BACKOFF_SECONDS = (0.0, 1.0, 2.0, 4.0, 8.0)


class SignInScreen(Screen[None]):
    """Logg inn med brukernavn og passord."""

    CSS_PATH = "../styles/sign_in.tcss"
    BINDINGS = [
        Binding("ctrl+q", "app.quit", "Avslutt", id="sign-in-quit", tooltip="Lukk rsapp"),
    ]

    def __init__(self, database_url: str) -> None:
        super().__init__()
        self.database_url = database_url
        self.failures = 0

    def compose(self) -> ComposeResult:
        with Vertical(id="sign-in-box"):
            yield Static("rsapp – logg inn", id="sign-in-title")
            yield Static(
                "Møteforberedelse for RS-midler. Logg inn med brukernavnet og passordet du har fått "
                "fra sekretariatet.",
                id="sign-in-info",
            )
            yield Label("Brukernavn")
            yield Input(id="sign-in-user", placeholder="f.eks. kari.nordmann")
            yield Label("Passord")
            yield Input(id="sign-in-password", password=True)
            yield Button("Logg inn", id="sign-in-ok", variant="primary")
            yield Static(id="sign-in-error", markup=False)  # the database's own words: plain text

    def on_mount(self) -> None:
        self.title = "rsapp"
        self.sub_title = "Logg inn"
        self.query_one("#sign-in-user", Input).focus()

    @on(Input.Submitted, "#sign-in-user")
    def _user_entered(self) -> None:
        self.query_one("#sign-in-password", Input).focus()

    @on(Input.Submitted, "#sign-in-password")
    @on(Button.Pressed, "#sign-in-ok")
    def _submit(self) -> None:
        user = self.query_one("#sign-in-user", Input).value
        password = self.query_one("#sign-in-password", Input).value
        if not user.strip() or not password:
            self._show_error("Skriv brukernavn og passord.")
            return
        self.query_one("#sign-in-ok", Button).disabled = True
        self._show_error("Logger inn …", error=False)
        self._authenticate(user, password, BACKOFF_SECONDS[min(self.failures, len(BACKOFF_SECONDS) - 1)])

    @work(thread=True, exclusive=True, exit_on_error=False, group="sign-in", description="Logger inn")
    def _authenticate(self, user: str, password: str, wait: float) -> None:
        from rsapp.store.users import SignInError, authenticate

        if wait:
            time.sleep(wait)
        try:
            identity, url = authenticate(self.database_url, user, password)
        except SignInError as exc:
            self.post_message(SignInRefused(str(exc)))
            return
        except Exception as exc:  # noqa: BLE001 - the database may be down: say so, in Norwegian
            self.post_message(SignInRefused(f"Kunne ikke kontakte databasen: {str(exc).splitlines()[0]}"))
            return
        self.post_message(SignedIn(identity, url))

    @on(SignInRefused)
    def _refused(self, message: SignInRefused) -> None:
        self.failures += 1
        self.query_one("#sign-in-ok", Button).disabled = False
        password = self.query_one("#sign-in-password", Input)
        password.value = ""
        password.focus()
        self._show_error(message.text)

    @on(SignedIn)
    def _signed_in(self, message: SignedIn) -> None:
        self.app.signed_in(message.identity, message.url)  # type: ignore[attr-defined]

    def _show_error(self, text: str, *, error: bool = True) -> None:
        line = self.query_one("#sign-in-error", Static)
        line.update(text)
        line.set_class(True, "shown")
        line.styles.color = None if error else "gray"
