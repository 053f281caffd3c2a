"""The one typed form base: ``FormDialog[T]`` is a ``ModalScreen`` whose result is a dataclass.

A subclass composes its fields (:meth:`FormDialog.compose_fields`) and builds its value
(:meth:`FormDialog.value`, raising :class:`FormError` for bad input). Submitting (Ctrl+S,
Enter in a one-line field, the OK button) then either

* dismisses with the value (the caller's callback does the work), or
* with ``apply`` given, runs ``apply(value)`` in a thread worker first — a change in the
  database, say — and dismisses only when it succeeded. A refusal (any ``ValueError``, whose
  message is Norwegian) keeps the dialog open with the message under the fields, so nothing
  the user typed is lost. ``apply`` reports what it did by posting messages (see
  :mod:`rsapp.messages`); it never touches widgets.

Esc (or the cancel button) dismisses with None.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, Generic, TypeVar

from textual import on, work
from textual.app import ComposeResult, CSSPathType
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static
from textual.worker import Worker, WorkerState

__all__ = ["FormDialog", "FormError"]

T = TypeVar("T")


class FormError(ValueError):
    """Input the form cannot accept; the message (Norwegian) is shown under the fields."""


class FormDialog(ModalScreen[T | None], Generic[T]):
    """A modal form returning a typed value ``T`` (None when cancelled); see the module docstring."""

    CSS_PATH: ClassVar[CSSPathType | None] = "../styles/dialogs.tcss"
    BINDINGS = [
        Binding("ctrl+s", "submit", "Lagre", id="form-submit", tooltip="Lagre og lukk"),
        Binding("escape", "cancel", "Avbryt", id="form-cancel", tooltip="Lukk uten å endre noe"),
    ]
    #: The box's id and classes, the buttons' ids and labels, and the error line's id.
    FORM_ID: ClassVar[str | None] = None
    DIALOG_CLASSES: ClassVar[str] = "form-dialog"
    OK_ID: ClassVar[str] = "form-ok"
    CANCEL_ID: ClassVar[str] = "form-no"
    OK_LABEL: ClassVar[str] = "Lagre (Ctrl+S)"
    CANCEL_LABEL: ClassVar[str] = "Avbryt (Esc)"
    ERROR_ID: ClassVar[str | None] = None

    class Applied(Message):
        """``apply`` succeeded: the dialog closes with its value."""

    def __init__(self, *, apply: Callable[[T], object] | None = None) -> None:
        super().__init__()
        self._apply = apply
        self._value: T | None = None

    # --- what a form defines ---------------------------------------------------------------------

    def compose_fields(self) -> ComposeResult:  # pragma: no cover - every form overrides it
        raise NotImplementedError
        yield

    def value(self) -> T:  # pragma: no cover - every form overrides it
        """The typed result from the fields; :class:`FormError` for input it cannot accept."""
        raise NotImplementedError

    # --- layout ----------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(classes=self.DIALOG_CLASSES, id=self.FORM_ID):
            yield from self.compose_fields()
            # A refusal often quotes what was typed or a name from the database: plain text.
            yield Static(classes="form-error", id=self.ERROR_ID, markup=False)
            with Horizontal(classes="form-buttons"):
                yield Button(self.OK_LABEL, id=self.OK_ID, variant="primary")
                yield Button(self.CANCEL_LABEL, id=self.CANCEL_ID)

    def show_error(self, text: str) -> None:
        """Show ``text`` under the fields (the dialog stays open)."""
        error = self.query_one(".form-error", Static)
        error.update(f"⚠ {text}" if text else "")
        error.display = bool(text)

    @property
    def busy(self) -> bool:
        """True while ``apply`` runs (a second submit is ignored)."""
        return self._value is not None

    # --- submitting ------------------------------------------------------------------------------

    def action_submit(self) -> None:
        if self.busy:
            return
        try:
            value = self.value()
        except FormError as exc:
            self.show_error(str(exc))
            return
        self.submit_value(value)

    def submit_value(self, value: T) -> None:
        """Close with ``value``, after ``apply`` succeeded when there is one."""
        if self._apply is None:
            self.dismiss(value)
            return
        self._value = value
        self.show_error("")
        self._run_apply(value)

    @work(thread=True, exclusive=True, exit_on_error=False, group="form-apply", description="Lagrer")
    def _run_apply(self, value: T) -> None:
        assert self._apply is not None
        self._apply(value)
        self.post_message(self.Applied())

    @on(Applied)
    def _applied(self) -> None:
        value, self._value = self._value, None
        self.dismiss(value)

    @on(Worker.StateChanged)
    def _apply_failed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "form-apply" or event.state not in (
            WorkerState.ERROR,
            WorkerState.CANCELLED,
        ):
            return
        self._value = None
        error = event.worker.error
        if isinstance(error, ValueError):
            self.show_error(str(error))
        elif error is not None:
            self.show_error(f"Uventet feil, ingenting ble lagret: {error}")

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    @on(Button.Pressed)
    def _button(self, event: Button.Pressed) -> None:
        if event.button.id == self.OK_ID:
            event.stop()
            self.action_submit()
        elif event.button.id == self.CANCEL_ID:
            event.stop()
            self.action_cancel()
