"""Ja/nei before something that cannot be undone: the one confirm dialog of the app."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult, CSSPathType
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

__all__ = ["ConfirmDialog"]


class ConfirmDialog(ModalScreen[bool]):
    """A question with a yes button (``j``) and a no button (``n``, Esc; focused first).

    Dismisses with True for yes and False for no. Subclasses may rename the buttons and their
    ids (``YES_ID``/``NO_ID``) and add classes to the box (``DIALOG_CLASSES``).
    """

    CSS_PATH: ClassVar[CSSPathType | None] = "../styles/dialogs.tcss"
    BINDINGS = [
        Binding("j", "answer(True)", "Ja", id="confirm-yes", tooltip="Ja, gjør det"),
        Binding("n,escape", "answer(False)", "Nei", id="confirm-no", tooltip="Nei, avbryt"),
    ]
    YES_ID: ClassVar[str] = "confirm-ok"
    NO_ID: ClassVar[str] = "confirm-cancel"
    DIALOG_CLASSES: ClassVar[str] = "form-dialog confirm-dialog"

    def __init__(
        self, question: str, *, title: str = "", yes: str = "Ja (j)", no: str = "Nei (n)", danger: bool = True
    ) -> None:
        super().__init__()
        self.question = question
        self.heading = title
        self.yes_label = yes
        self.no_label = no
        self.danger = danger

    def compose(self) -> ComposeResult:
        with Vertical(classes=self.DIALOG_CLASSES, id="confirm-dialog"):
            if self.heading:
                yield Static(self.heading, classes="form-title", markup=False)
            # The question names what it is about (a case, a meeting, a file): plain text.
            yield Static(self.question, id="confirm-question", markup=False)
            with Horizontal(classes="form-buttons"):
                yield Button(self.yes_label, id=self.YES_ID, variant="error" if self.danger else "warning")
                yield Button(self.no_label, id=self.NO_ID, variant="primary")

    def on_mount(self) -> None:
        self.query_one(f"#{self.NO_ID}", Button).focus()

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id in (self.YES_ID, self.NO_ID):
            event.stop()
            self.dismiss(event.button.id == self.YES_ID)
