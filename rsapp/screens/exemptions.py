"""Unntatt offentlighet for one case (``u`` in the case editor; the same as ``rsapp sak unntak``).

The list shows what of the case is withheld from the public version, each with its legal basis.
*Nytt unntak* opens a form: the field, optionally an exact passage of it or one innstilling point,
and the basis (the usual one filled in). *Fjern* removes the selected one after a question.
Reads and writes run in thread workers (:mod:`rsapp.saksfremlegg.offentlighet`); a refusal
(a passage not found in the field, a point that does not exist) keeps the form open with its
text, so nothing typed is lost.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Input, Label, Select, Static, TextArea
from textual.worker import Worker, WorkerState

from rsapp.dialogs import ConfirmDialog, FormDialog
from rsapp.dialogs.form import FormError
from rsapp.widgets.table import MeasuredTable

if TYPE_CHECKING:
    from rsapp.app import RsApp
    from rsapp.saksfremlegg.offentlighet import ExemptionLine


@dataclass(frozen=True)
class ExemptionRequest:
    """What the user asks to withhold."""

    field: str
    basis: str
    passage: str = ""
    point_number: int | None = None


def _field_options() -> list[tuple[str, str]]:
    from rsapp.saksfremlegg.offentlighet import EXEMPT_FIELDS

    return [(label.capitalize(), key) for key, label in EXEMPT_FIELDS.items()]


class ExemptionForm(FormDialog[ExemptionRequest]):
    """Nytt unntak: the field, an exact passage or an innstilling point (both optional), the basis."""

    FORM_ID = "exemption-form"
    OK_LABEL = "Legg til (Ctrl+S)"

    def __init__(
        self,
        *,
        field: str = "saksopplysninger",
        passage: str = "",
        point: int | None = None,
        apply: Callable[[ExemptionRequest], object] | None = None,
    ) -> None:
        super().__init__(apply=apply)
        self.field = field
        self.passage = passage
        self.point = point

    def compose_fields(self) -> ComposeResult:
        from rsapp.vocab import DEFAULT_EXEMPTION_BASIS

        yield Label("Nytt unntak fra offentlighet", classes="title")
        yield Label("Hva i saken")
        yield Select(
            _field_options(), value=self.field, allow_blank=False, id="exemption-field", compact=True
        )
        yield Label("Bare denne teksten (kopier den nøyaktig; tomt: hele feltet)")
        # Several lines, as selected in the case's text (Ctrl+S saves; Enter starts a new line).
        yield TextArea(self.passage, id="exemption-passage", soft_wrap=True, show_line_numbers=False)
        yield Label("Bare innstillingspunkt nr. (tomt: hele innstillingen)")
        yield Input(
            "" if self.point is None else str(self.point), id="exemption-point", restrict=r"\d*", max_length=3
        )
        yield Label("Hjemmel")
        yield Input(DEFAULT_EXEMPTION_BASIS, id="exemption-basis")

    def on_mount(self) -> None:
        self.query_one("#exemption-field", Select).focus()

    def value(self) -> ExemptionRequest:
        field = str(self.query_one("#exemption-field", Select).value)
        point_text = self.query_one("#exemption-point", Input).value.strip()
        point = int(point_text) if point_text else None
        if point is not None and field != "innstilling":
            raise FormError("Et punktnummer hører til «Innstillingen»: velg den, eller tøm punktfeltet.")
        basis = self.query_one("#exemption-basis", Input).value.strip()
        if not basis:
            raise FormError(
                "Skriv hjemmelen for unntaket, f.eks. «offl. § 13 jf. fvl. § 13 første ledd nr. 1»."
            )
        passage = self.query_one("#exemption-passage", TextArea).text.strip()
        return ExemptionRequest(field, basis, passage, point)


class ExemptionsLoaded(Message):
    """The case's exemptions were read (after a change: read again, with what was done)."""

    def __init__(self, title: str, lines: list[ExemptionLine], notice: str = "") -> None:
        super().__init__()
        self.title = title
        self.lines = lines
        self.notice = notice


class ExemptionsScreen(ModalScreen[bool]):
    """Unntatt offentlighet: hva i saken som tas ut av den offentlige versjonen, og hjemmelen."""

    CSS_PATH = "../styles/dialogs.tcss"
    BINDINGS = [
        Binding(
            "a", "add", "Nytt unntak", id="exemptions-add", tooltip="Unnta et felt, en tekst eller et punkt"
        ),
        Binding("delete", "remove", "Fjern", id="exemptions-remove", tooltip="Fjern det valgte unntaket"),
        Binding("escape", "close", "Lukk", id="exemptions-close", tooltip="Tilbake til saken"),
    ]

    def __init__(
        self, case_id: int, *, field: str = "saksopplysninger", passage: str = "", point: int | None = None
    ) -> None:
        """``field``, ``passage`` and ``point``: what the form for a new exemption starts with
        (where the user was in the case: the text selected in a field, or the selected point)."""
        super().__init__()
        self.case_id = case_id
        self.field = field
        self.passage = passage
        self.point = point
        self.lines: list[ExemptionLine] = []
        self.changed = False

    @property
    def rsapp(self) -> RsApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        with Vertical(id="exemptions", classes="form-dialog"):
            yield Static("Unntatt offentlighet", id="exemptions-title", classes="form-title", markup=False)
            yield MeasuredTable(id="exemptions-table", cursor_type="row")
            yield Static(id="exemptions-hint", markup=False)
            with Horizontal(classes="form-buttons"):
                yield Button("Nytt unntak (a)", id="btn-exemption-add", variant="primary")
                yield Button("Fjern (Delete)", id="btn-exemption-remove", variant="error")
                yield Button("Lukk (Esc)", id="btn-exemption-close")

    def on_mount(self) -> None:
        table = self.query_one("#exemptions-table", DataTable)
        table.add_column("Nr", key="id")
        table.add_column("Unntatt offentlighet", key="what")
        table.add_column("Hjemmel", key="basis")
        self._run()

    @work(thread=True, exclusive=True, exit_on_error=False, group="exemptions", description="Unntak")
    def _run(self, remove: int | None = None, notice: str = "") -> None:
        from rsapp.saksfremlegg import offentlighet as off
        from rsapp.saksfremlegg.records import case_label, get_case

        db = self.rsapp.db
        if remove is not None:
            db.call(off.remove_exemption, remove)
            notice = "Unntaket er fjernet."
        case_id = self.case_id

        def read(session: Any) -> tuple[str, list[ExemptionLine]]:
            return case_label(get_case(session, case_id)), off.exemption_lines(session, case_id)

        title, lines = db.call(read)
        self.post_message(ExemptionsLoaded(title, lines, notice))

    @on(ExemptionsLoaded)
    def _loaded(self, message: ExemptionsLoaded) -> None:
        self.lines = message.lines
        if message.notice:
            self.changed = True
            self.notify(message.notice, markup=False)  # quotes the passage
        self.query_one("#exemptions-title", Static).update(f"Unntatt offentlighet: {message.title}")
        table = self.query_one("#exemptions-table", MeasuredTable)
        kept = table.selected_key()
        table.clear()
        for line in self.lines:
            table.add_row(str(line.id), line.what, line.basis, key=str(line.id))
        table.select_key(kept)
        self.query_one("#exemptions-hint", Static).update(
            "Det som står her, erstattes i den offentlige versjonen med «[Unntatt offentlighet, jf. "
            "hjemmel]». Medlemsversjonen viser alt."
            if self.lines
            else "Ingenting i saken er unntatt offentlighet: den offentlige versjonen er lik medlemsversjonen."
        )
        self.query_one("#btn-exemption-remove", Button).disabled = not self.lines
        table.focus()

    def action_add(self) -> None:
        from rsapp.saksfremlegg import offentlighet as off

        db, case_id = self.rsapp.db, self.case_id

        def apply(request: ExemptionRequest) -> None:
            db.call(
                off.add_exemption,
                case_id,
                request.field,
                basis=request.basis,
                passage=request.passage,
                point_number=request.point_number,
            )

        def added(request: ExemptionRequest | None) -> None:
            if request is not None:
                self._run(notice="Unntaket er registrert.")

        self.app.push_screen(
            ExemptionForm(field=self.field, passage=self.passage, point=self.point, apply=apply), added
        )

    def action_remove(self) -> None:
        table = self.query_one("#exemptions-table", MeasuredTable)
        key = table.selected_key()
        line = next((line for line in self.lines if str(line.id) == key), None)
        if line is None:
            self.notify("Velg unntaket som skal fjernes.", severity="warning")
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._run(remove=line.id)

        self.app.push_screen(
            ConfirmDialog(f"Fjerne unntaket? {line.description}.", title="Fjern unntak", yes="Fjern (j)"),
            answered,
        )

    def action_close(self) -> None:
        self.dismiss(self.changed)

    @on(Button.Pressed)
    def _button(self, event: Button.Pressed) -> None:
        actions = {
            "btn-exemption-add": self.action_add,
            "btn-exemption-remove": self.action_remove,
            "btn-exemption-close": self.action_close,
        }
        if event.button.id in actions:
            event.stop()
            actions[event.button.id]()

    @on(Worker.StateChanged)
    def _failed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "exemptions" and event.state == WorkerState.ERROR:
            from rsapp.messages import error_text

            self.notify(error_text(event.worker.error), severity="error", markup=False)
