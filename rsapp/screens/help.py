"""The help screen (F1 or ?): every key of the screen below it and of the app."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

KEY_NAMES = {
    "enter": "Enter",
    "escape": "Esc",
    "slash": "/",
    "question_mark": "?",
    "backspace": "Tilbake",
    "up": "↑",
    "down": "↓",
    "home": "Home",
    "end": "End",
    "delete": "Delete",
    "space": "Mellomrom",
}


def key_label(key: str) -> str:
    parts = key.split("+")
    return "+".join(
        KEY_NAMES.get(p, p.upper() if p.startswith("f") and p[1:].isdigit() else p) for p in parts
    )


class HelpScreen(ModalScreen[None]):
    """Hjelp: taster."""

    BINDINGS = [
        Binding("escape", "dismiss", "Lukk", id="close"),
        Binding("f1", "dismiss", "Lukk", show=False),
        Binding("question_mark", "dismiss", "Lukk", show=False),
    ]

    def compose(self) -> ComposeResult:
        stack = [s for s in self.app.screen_stack if s is not self]
        below = stack[-1] if stack else None
        table = Table(title="Taster", expand=True, title_justify="left")
        table.add_column("Tast", style="bold", no_wrap=True)
        table.add_column("Gjør")
        seen: set[tuple[str, str]] = set()
        for owner in (below, self.app):
            if owner is None:
                continue
            for binding in getattr(owner, "BINDINGS", []):
                if isinstance(binding, tuple):
                    continue
                entry = (binding.key, binding.description)
                if not binding.description or entry in seen:
                    continue
                seen.add(entry)
                keys = ", ".join(key_label(k.strip()) for k in binding.key.split(","))
                table.add_row(keys, binding.tooltip or binding.description)
        with VerticalScroll(id="help-body"):
            yield Static(Text("Hjelp", style="bold"), classes="title")
            yield Static(table, id="help-keys")
            yield Static(
                "Alle handlinger finnes også i kommandopaletten (Ctrl+P) og kan klikkes med musen. "
                "Endringer lagres med en gang. Mer i README.md.",
                id="help-more",
            )
            yield Button("Lukk (Esc)", id="help-close", variant="primary")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "help-close":
            self.dismiss()
