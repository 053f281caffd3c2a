"""The help screen (F1 or ?): every key of the screen below it and of the app, as they are now.

Built from the same bindings as the footer and the command palette (:mod:`rsapp.keymap`): the
keymap applied, one line per action with all its keys, the footer's name for it and what it
does. So the help cannot send the user to a key the footer does not have.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Static

from rsapp.keymap import GENERIC_IDS, BindingEntry, binding_entries, key_label

__all__ = ["HelpScreen", "help_table", "key_label"]


def help_table(entries: list[BindingEntry], title: str) -> Table:
    """Tast │ Handling (as in the footer) │ Forklaring."""
    table = Table(title=title, expand=True, title_justify="left", title_style="bold")
    table.add_column("Tast", style="bold", no_wrap=True)
    table.add_column("Handling", no_wrap=True)
    table.add_column("Forklaring", ratio=1)
    for entry in entries:
        explanation = entry.explanation
        table.add_row(
            entry.label,
            entry.description,
            "" if explanation == entry.description else explanation,
        )
    return table


class HelpScreen(ModalScreen[None]):
    """Hjelp: taster."""

    BINDINGS = [
        Binding("escape", "dismiss", "Lukk", id="help-close", tooltip="Lukk hjelpen"),
        Binding("f1,question_mark", "dismiss", "Lukk", show=False, id="help-close-alt"),
    ]

    def compose(self) -> ComposeResult:
        stack = [s for s in self.app.screen_stack if s is not self]
        below = stack[-1] if stack else None
        entries = binding_entries(below) if below is not None else []
        common = [e for e in entries if e.namespace is self.app or e.binding.id in GENERIC_IDS]
        own = [e for e in entries if e.namespace is below and e not in common]
        widget = [e for e in entries if e not in common and e not in own]
        name = _screen_name(below)
        palette = (self._key_of("command_palette", below) if below else None) or "Ctrl+P"
        with Vertical(id="help-body"):
            yield Static(Text(f"Hjelp – {name}" if name else "Hjelp", style="bold"), classes="title")
            with VerticalScroll(id="help-scroll"):
                if own:
                    yield Static(help_table(own, "Taster i dette bildet"), id="help-keys")
                if widget:
                    yield Static(help_table(widget, "I listen eller feltet som er valgt"), id="help-widget")
                if common:
                    yield Static(help_table(common, "Overalt"), id="help-common")
                yield Static(
                    f"Alle handlinger finnes også i kommandopaletten ({palette}), og knappene kan klikkes "
                    "med musen. Endringer lagres med en gang. Tastene kan endres i innstillingsfilen "
                    "(«rsapp config sti» viser hvor den er, «rsapp config taster» viser navnene).",
                    id="help-more",
                )
            close = self._key_of("dismiss", self) or "Esc"
            yield Button(f"Lukk ({close})", id="help-close", variant="primary")

    def _key_of(self, action: str, node: Screen | None = None) -> str | None:
        for key, active in (node or self.app.screen_stack[0]).active_bindings.items():
            if active.binding.action == action:
                return key_label(key)
        return None

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "help-close":
            self.dismiss()


def _screen_name(screen: Screen | None) -> str:
    if screen is None:
        return ""
    title = getattr(screen, "title", None) or ""
    if title and title != getattr(screen.app, "title", None):
        return str(title)
    doc = (type(screen).__doc__ or "").strip().splitlines()
    return doc[0].rstrip(".") if doc else ""
