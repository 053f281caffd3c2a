"""The values imports have replaced in one application, and putting one back (``h`` in the
application screen; the same as ``rsapp historikk`` and ``rsapp tilbakestill``).

The list and the restore run in a thread worker (:mod:`rsapp.importer.restore`); the screen
only shows what it posts back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static
from textual.worker import Worker, WorkerState

from rsapp.dates import format_date
from rsapp.widgets.table import MeasuredTable

if TYPE_CHECKING:
    from rsapp.app import RsApp
    from rsapp.importer.restore import ReplacedValue


class ReplacedValuesLoaded(Message):
    """The replaced values of an application were read (after a restore: read again)."""

    def __init__(self, title: str, values: list[ReplacedValue], notice: str = "") -> None:
        super().__init__()
        self.title = title
        self.values = values
        self.notice = notice


class ReplacedValuesScreen(ModalScreen[bool]):
    """Verdier en import har erstattet; Enter legger den valgte gamle verdien tilbake."""

    CSS_PATH = "../styles/replaced_values.tcss"
    BINDINGS = [
        Binding("escape", "close", "Lukk", id="replaced-values-close", tooltip="Tilbake til søknaden"),
        Binding(
            "enter",
            "restore",
            "Legg tilbake",
            id="replaced-values-restore",
            tooltip="Legg den gamle verdien tilbake i søknaden",
        ),
    ]

    def __init__(self, application_id: int) -> None:
        super().__init__()
        self.application_id = application_id
        self.values: list[ReplacedValue] = []
        self.changed = False

    @property
    def rsapp(self) -> RsApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        with Vertical(id="replaced-values"):
            yield Static("Erstattede verdier", id="replaced-values-title")
            yield MeasuredTable(id="replaced-values-table", cursor_type="row")
            yield Static("", id="replaced-values-hint")

    def on_mount(self) -> None:
        table = self.query_one("#replaced-values-table", DataTable)
        table.add_columns("Endring", "Dato", "Felt", "Hva", "Før", "Etter")
        self.query_one("#replaced-values").loading = True
        self._run(None)

    def _store(self) -> Any:
        from rsapp.importer.store import EngineStore

        return EngineStore(self.rsapp.engine)

    @work(
        thread=True,
        exclusive=True,
        exit_on_error=False,
        group="replaced-values",
        description="Erstattede verdier",
    )
    def _run(self, change_id: int | None) -> None:
        from rsapp.importer.restore import replaced_values, restore_value

        store = self._store()
        notice = ""
        if change_id is not None:
            value = restore_value(store, change_id)
            notice = f"Gjenopprettet {value.label.lower()}: «{value.shown(value.old, 60)}»."
        title, values = replaced_values(store, self.application_id)
        self.post_message(ReplacedValuesLoaded(title, values, notice))

    @on(ReplacedValuesLoaded)
    def _loaded(self, message: ReplacedValuesLoaded) -> None:
        self.values = message.values
        if message.notice:
            self.changed = True
            self.notify(message.notice, markup=False)  # quotes the value put back
        self.query_one("#replaced-values").loading = False
        self.query_one("#replaced-values-title", Static).update(
            Text(f"Erstattede verdier: {message.title}", style="bold")
        )
        table = self.query_one("#replaced-values-table", DataTable)
        table.clear()
        for value in self.values:
            at = value.at
            when = format_date(at) if hasattr(at, "year") else str(at)[:10]
            kind = "gjenopprettet" if "gjenopprettet" in value.summary else "erstattet av import"
            table.add_row(
                str(value.change_id),
                when,
                value.label,
                kind,
                value.shown(value.old, 50),
                value.shown(value.new, 30),
            )
        self.query_one("#replaced-values-hint", Static).update(
            "Enter: legg den gamle verdien («Før») tilbake. Verdien som står der nå, tas vare på."
            if self.values
            else "Ingen verdier i denne søknaden er erstattet av en import."
        )
        table.focus()

    def action_restore(self) -> None:
        table = self.query_one("#replaced-values-table", DataTable)
        if not self.values or table.row_count == 0:
            return
        value = self.values[min(max(table.cursor_row, 0), len(self.values) - 1)]
        self.query_one("#replaced-values").loading = True
        self._run(value.change_id)

    @on(DataTable.RowSelected, "#replaced-values-table")
    def _selected(self) -> None:
        self.action_restore()

    def action_close(self) -> None:
        self.dismiss(self.changed)

    @on(Worker.StateChanged)
    def _failed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "replaced-values" and event.state == WorkerState.ERROR:
            from rsapp.messages import error_text

            self.query_one("#replaced-values").loading = False
            self.notify(
                error_text(event.worker.error),
                title="Kunne ikke legge tilbake",
                severity="error",
                markup=False,
            )
