"""Review before saving, and confirming flagged amounts later.

:class:`ImportReviewScreen`: every field read beside where it came from; any field in full on
demand (Enter or ``v``); missing required fields in red; the budget lines with their sum
beside every total the document states; the attachments; for a new version of an application
already in the portfolio, each field that differs, with "behold min" as the default and ``t``
to take the new text instead. Editable; accept or discard. Dismisses with the list of
:class:`~rsapp.importer.service.FileResult` (empty when everything was discarded). Saving
runs in a thread worker.

:class:`ConfirmAmountsScreen`: the budget lines of a saved application, to confirm or correct
those flagged «må bekreftes» (from the application screen, key ``b``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, DataTable, Header, Input, Static, TextArea
from textual.worker import Worker, WorkerState

from rsapp.dates import format_date
from rsapp.importer.budget import confirm_budget_edit
from rsapp.importer.headings import REQUIRED_FIELDS, SHORT_LABELS
from rsapp.importer.parsed import TEXT_FIELDS
from rsapp.money import format_amount_or_missing, format_kr
from rsapp.widgets.footer import KeyFooter
from rsapp.widgets.table import MeasuredTable

if TYPE_CHECKING:
    from rsapp.app import RsApp
    from rsapp.importer.confirm import StoredLine
    from rsapp.importer.parsed import ParsedApplication
    from rsapp.importer.service import ApplicationPlan, FilePreview, FileResult

ACTION_LABELS = {"ny": "Ny", "oppdatering": "Ny versjon", "uendret": "Uendret"}


def _amount(low: int | None, high: int | None) -> str:
    if low is not None and high is not None and high != low:
        return f"{format_kr(low)} – {format_kr(high)}"
    return format_amount_or_missing(low)


def _short(text: str, width: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def budget_sums(parsed: ParsedApplication) -> Text:
    """The sum of the budget lines beside every total the document states, a warning where
    they differ."""
    out = Text()
    out.append(f"Sum av budsjettlinjene: {format_amount_or_missing(parsed.budget_sum)}", style="bold")
    for total in parsed.stated_totals:
        out.append(f"  ·  {total.label} i dokumentet ({parsed.unit} {total.line}): {format_kr(total.amount)}")
        if total.amount == parsed.budget_sum:
            out.append(" ✔", style="green")
        else:
            out.append(" ⚠ stemmer ikke med summen", style="bold yellow")
    return out


class ImportSaved(Message):
    """The files accepted in the review were saved (or failed, each with its message)."""

    def __init__(self, results: list[FileResult]) -> None:
        super().__init__()
        self.results = results


class ImportReviewScreen(Screen["list[FileResult]"]):
    """Gå gjennom importen."""

    CSS_PATH = "../styles/import.tcss"
    BINDINGS = [
        Binding("e", "edit", "Rediger felt", id="review-edit", tooltip="Rediger feltet som er valgt"),
        Binding("v", "view", "Vis hele", id="review-view", tooltip="Vis hele teksten i feltet som er valgt"),
        Binding("ctrl+s", "save_field", "Lagre felt", id="review-save", tooltip="Lagre endringen i feltet"),
        Binding(
            "t",
            "take",
            "Ta inn/behold",
            id="review-take",
            tooltip="Ny versjon: ta inn den nye teksten i feltet som er valgt, eller behold teksten i porteføljen",
        ),
        Binding(
            "b",
            "edit_budget",
            "Bekreft beløp",
            id="review-budget-edit",
            tooltip="Rett år og beløp på budsjettlinjen som er valgt, og bekreft den",
        ),
        Binding(
            "space", "toggle", "Ta med/utelat", id="review-toggle", tooltip="Ta med eller utelat søknaden"
        ),
        Binding(
            "ctrl+g",
            "accept",
            "Godta og lagre",
            id="review-accept",
            tooltip="Lagre søknadene som er tatt med",
        ),
        Binding(
            "escape", "discard", "Forkast", id="review-discard", tooltip="Forkast importen; ingenting lagres"
        ),
    ]

    def __init__(self, previews: list[FilePreview]) -> None:
        super().__init__()
        self.previews = previews
        self.plans: list[tuple[FilePreview, ApplicationPlan]] = [
            (p, plan) for p in previews for plan in p.applications
        ]
        self.current = 0
        self.editing: str | None = None
        self.viewing: str | None = None
        self.budget_line: int | None = None  # the budget line being confirmed
        self.saving = False

    @property
    def rsapp(self) -> RsApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon="")
        yield Static("Gå gjennom før lagring", classes="title")
        with Horizontal(id="review-main"):
            with Vertical(id="review-list-pane"):
                yield MeasuredTable(id="review-apps", cursor_type="row", zebra_stripes=True)
                yield Static("", id="review-skipped")
            with Vertical(id="review-detail"):
                yield Static("", id="review-heading")
                yield MeasuredTable(id="review-fields", cursor_type="row")
                with VerticalScroll(id="review-viewer"):
                    yield Static("", id="review-viewer-text")
                yield MeasuredTable(id="review-changes", cursor_type="row")
                yield MeasuredTable(id="review-budget", cursor_type="row")
                yield Static("", id="review-budget-sum")
                with Horizontal(id="review-budget-bar"):
                    yield Input(placeholder="År", id="review-budget-year")
                    yield Input(placeholder="Beløp i kroner", id="review-budget-amount")
                    yield Button("Lav", id="review-budget-low")
                    yield Button("Høy", id="review-budget-high")
                    yield Button("Bekreft beløp", id="review-budget-confirm", variant="primary")
                yield TextArea(id="review-editor", soft_wrap=True)
                with Horizontal(id="review-buttons"):
                    yield Button("Vis hele (v)", id="review-view-button")
                    yield Button("Rediger (e)", id="review-edit-button")
                    yield Button("Bekreft beløp (b)", id="review-budget-button")
                    yield Button("Lagre felt (Ctrl+S)", id="review-save-button", disabled=True)
                    yield Button("Godta og lagre (Ctrl+G)", id="review-accept-button", variant="success")
                    yield Button("Forkast (Esc)", id="review-discard-button", variant="error")
        yield KeyFooter()

    def on_mount(self) -> None:
        apps = self.query_one("#review-apps", DataTable)
        apps.add_columns("Med", "Handling", "Søknad", "Fil", "Mangler")
        fields = self.query_one("#review-fields", DataTable)
        fields.add_columns("Felt", "Verdi", "Kilde i dokumentet", "Hvor")
        changes = self.query_one("#review-changes", DataTable)
        changes.add_columns("Felt", "I porteføljen", "Ny versjon", "Valg")
        budget = self.query_one("#review-budget", DataTable)
        budget.add_columns("År", "Beløp", "Kilde", "Bekreft")
        self.query_one("#review-editor", TextArea).display = False
        self.query_one("#review-viewer").display = False
        self.query_one("#review-budget-bar").display = False
        self._fill_apps()
        self._show(0)
        apps.focus()

    def palette_commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand("Import: godta og lagre", "Lagre søknadene som er tatt med", self.action_accept)
        yield SystemCommand("Import: forkast", "Forkast importen; ingenting lagres", self.action_discard)
        yield SystemCommand(
            "Import: vis hele feltet", "Vis hele teksten i feltet som er valgt", self.action_view
        )
        yield SystemCommand("Import: rediger felt", "Rediger feltet som er valgt", self.action_edit)
        yield SystemCommand(
            "Import: ta inn eller behold",
            "Ny versjon: ta inn den nye teksten, eller behold din",
            self.action_take,
        )
        yield SystemCommand(
            "Import: bekreft beløp", "Rett år og beløp og bekreft budsjettlinjen", self.action_edit_budget
        )
        yield SystemCommand(
            "Import: ta med/utelat søknad", "Ta med eller utelat søknaden", self.action_toggle
        )

    # --- drawing -------------------------------------------------------------------------------

    def _fill_apps(self) -> None:
        table = self.query_one("#review-apps", DataTable)
        cursor = table.cursor_row
        table.clear()
        for n, (preview, plan) in enumerate(self.plans):
            missing = [SHORT_LABELS[k] for k in plan.parsed.missing_required]
            table.add_row(
                "✔" if plan.accept else "✘",
                ACTION_LABELS[plan.action],
                _short(plan.parsed.title, 30),
                _short(preview.filename, 18),
                Text(", ".join(missing), style="bold red") if missing else "",
                key=str(n),
            )
        if self.plans:
            table.move_cursor(row=min(cursor, len(self.plans) - 1))

    def _show(self, index: int) -> None:
        if not self.plans:
            return
        self.current = index
        preview, plan = self.plans[index]
        parsed = plan.parsed
        heading = Text()
        heading.append(parsed.title, style="bold")
        heading.append(
            f"  ·  {preview.filename}, {parsed.where()}  ·  runde: {plan.round_label}  ·  {ACTION_LABELS[plan.action]}"
        )
        if plan.existing_id is not None:
            heading.append(f"\nFinnes fra før som «{plan.existing_title}».")
            for change in plan.changes[:6]:
                heading.append(f"\n  Endret {change.describe()}", style="yellow")
        for attachment in parsed.attachments:
            heading.append(
                f"\nVedlegg: {attachment.label} ({attachment.where()}) – lagt i «Øvrig tekst»", style="dim"
            )
        for warning in parsed.notices:
            heading.append(f"\n⚠ {warning}", style="yellow")
        self.query_one("#review-heading", Static).update(heading)

        table = self.query_one("#review-fields", DataTable)
        cursor = table.cursor_row
        table.clear()
        missing = set(parsed.missing_required)
        for key in TEXT_FIELDS:
            value = parsed.fields.get(key)
            text = value.text if value else ""
            if key == "municipalities":
                names = parsed.municipalities + [f"{n} (ny)" for n in parsed.unknown_municipalities]
                text = ", ".join(names) or text
            label = Text(SHORT_LABELS[key] + (" *" if key in REQUIRED_FIELDS else ""))
            shown = Text(_short(text, 60) if text else "– mangler –" if key in missing else "–")
            if key in missing:
                label.stylize("bold red")
                shown.stylize("bold red")
            source = _short(value.source, 50) if value and value.source else ""
            table.add_row(label, shown, Text(source, style="dim"), value.where() if value else "", key=key)
        if parsed.agreement_date:
            table.add_row("Avtaledato", format_date(parsed.agreement_date), "", "", key="_agreement_date")
        if parsed.period_text:
            period = parsed.period_text
            if parsed.period_start and parsed.period_end:
                period += f" ({format_date(parsed.period_start)}–{format_date(parsed.period_end)})"
            table.add_row("Periode", period, "", "", key="_period")
        if table.row_count:
            table.move_cursor(row=min(cursor, table.row_count - 1))

        self._fill_changes()
        self._fill_budget()
        if self.viewing is not None:
            self._show_full(self.viewing)
        n = len(preview.skipped)
        skipped = Text(f"Hoppet over i {preview.filename}: {n} {'del' if n == 1 else 'deler'}", style="dim")
        for block in preview.skipped[:12]:
            skipped.append("\n  " + _short(block.describe(), 70), style="dim")
        self.query_one("#review-skipped", Static).update(skipped)

    def _fill_changes(self) -> None:
        plan = self.plans[self.current][1]
        table = self.query_one("#review-changes", DataTable)
        cursor = table.cursor_row
        table.clear()
        table.display = bool(plan.changes)
        table.border_title = "Ny versjon: felt som er ulike (T: ta inn / behold min)"
        for n, change in enumerate(plan.changes):
            old, new = change.fragments(15, 30)
            if change.take:
                choice = Text("tas inn" if change.kind == "endret" else "fylles ut", style="bold green")
            else:
                choice = Text("behold min", style="bold yellow")
            table.add_row(change.label, old or "(tomt)", new or "(tomt)", choice, key=str(n))
        if plan.changes:
            table.move_cursor(row=min(cursor, len(plan.changes) - 1))

    def _fill_budget(self) -> None:
        parsed = self.plans[self.current][1].parsed
        table = self.query_one("#review-budget", DataTable)
        cursor = table.cursor_row
        table.clear()
        table.border_title = "Budsjettlinjer" + ("" if parsed.budget_lines else ": ingen beløp funnet")
        for n, b in enumerate(parsed.budget_lines):
            table.add_row(
                str(b.budget_year or "–"),
                _amount(b.amount, b.amount_high),
                Text(f"«{_short(b.source_phrase, 40)}»", style="dim"),
                Text(f"⚠ {b.note}", style="yellow") if b.needs_confirmation else Text(b.note, style="green"),
                key=str(n),
            )
        if parsed.budget_lines:
            table.move_cursor(row=min(cursor, len(parsed.budget_lines) - 1))
        self.query_one("#review-budget-sum", Static).update(budget_sums(parsed))

    def _show_full(self, key: str) -> None:
        parsed = self.plans[self.current][1].parsed
        value = parsed.fields.get(key)
        text = Text()
        text.append(f"{SHORT_LABELS.get(key, key)}", style="bold")
        if value is not None and value.where():
            text.append(f"  ({value.where()})", style="dim")
        text.append("\n")
        body = value.text if value else ""
        if key == "municipalities":
            names = parsed.municipalities + [f"{n} (ny)" for n in parsed.unknown_municipalities]
            body = ", ".join(names) or body
        text.append(body or "– tomt –")
        if value is not None and value.source and " ".join(value.source.split()) != " ".join(body.split()):
            text.append("\n\nSlik står det i dokumentet:\n", style="bold dim")
            text.append(value.source, style="dim")
        viewer = self.query_one("#review-viewer", VerticalScroll)
        self.query_one("#review-viewer-text", Static).update(text)
        viewer.border_title = f"Hele feltet: {SHORT_LABELS.get(key, key)} (Esc lukker)"
        viewer.display = True
        self.viewing = key

    # --- events --------------------------------------------------------------------------------

    @on(DataTable.RowHighlighted, "#review-apps")
    def _app_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is not None and int(event.row_key.value) != self.current:
            self._close_editor()
            self._close_budget()
            self._close_viewer()
            self._show(int(event.row_key.value))

    @on(DataTable.RowHighlighted, "#review-fields")
    def _field_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if self.viewing is not None and event.row_key.value in TEXT_FIELDS:
            self._show_full(str(event.row_key.value))

    @on(DataTable.RowSelected, "#review-fields")
    def _field_selected(self) -> None:
        self.action_view()

    @on(DataTable.RowSelected, "#review-changes")
    def _change_selected(self) -> None:
        self.action_take()

    @on(Button.Pressed, "#review-view-button")
    def _view_pressed(self) -> None:
        self.action_view()

    @on(Button.Pressed, "#review-edit-button")
    def _edit_pressed(self) -> None:
        self.action_edit()

    @on(Button.Pressed, "#review-save-button")
    def _save_pressed(self) -> None:
        self.action_save_field()

    @on(DataTable.RowSelected, "#review-budget")
    def _budget_selected(self) -> None:
        self.action_edit_budget()

    @on(Button.Pressed, "#review-budget-button")
    def _budget_pressed(self) -> None:
        self.action_edit_budget()

    @on(Button.Pressed, "#review-budget-low")
    def _low_pressed(self) -> None:
        self._pick("lav")

    @on(Button.Pressed, "#review-budget-high")
    def _high_pressed(self) -> None:
        self._pick("høy")

    @on(Button.Pressed, "#review-budget-confirm")
    @on(Input.Submitted, "#review-budget-amount")
    @on(Input.Submitted, "#review-budget-year")
    def _budget_confirmed(self) -> None:
        self.action_confirm_budget()

    @on(Button.Pressed, "#review-accept-button")
    def _accept_pressed(self) -> None:
        self.action_accept()

    @on(Button.Pressed, "#review-discard-button")
    def _discard_pressed(self) -> None:
        self.action_discard()

    # --- actions -------------------------------------------------------------------------------

    def _selected_field(self) -> str | None:
        table = self.query_one("#review-fields", DataTable)
        if table.row_count == 0:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        key = row_key.value
        return key if key in TEXT_FIELDS else None

    def action_view(self) -> None:
        """The selected field in full, with the lines it came from."""
        key = self._selected_field()
        if key is None:
            self.notify("Velg et felt i tabellen (piltaster) først.", severity="warning")
            return
        if self.viewing == key:
            self._close_viewer()
            return
        self._show_full(key)

    def _close_viewer(self) -> None:
        self.viewing = None
        self.query_one("#review-viewer").display = False

    def action_edit(self) -> None:
        key = self._selected_field()
        if key is None:
            self.notify("Velg et felt i tabellen (piltaster) først.", severity="warning")
            return
        parsed = self.plans[self.current][1].parsed
        editor = self.query_one("#review-editor", TextArea)
        editor.text = parsed.text(key)
        editor.display = True
        editor.border_title = f"Rediger: {SHORT_LABELS[key]} (Ctrl+S lagrer)"
        self.editing = key
        self.query_one("#review-save-button", Button).disabled = False
        editor.focus()

    def action_save_field(self) -> None:
        if self.editing is None:
            return
        plan = self.plans[self.current][1]
        key = self.editing
        plan.parsed.set_text(key, self.query_one("#review-editor", TextArea).text.strip())
        # an edited field of a new version is what the user wants saved
        for change in plan.changes:
            if change.key == key:
                change.new, change.take = plan.parsed.text(key), True
        self.notify(f"{SHORT_LABELS[key]} er endret.")
        self._close_editor()
        self._show(self.current)
        self._fill_apps()
        self.query_one("#review-fields", DataTable).focus()

    def _close_editor(self) -> None:
        self.editing = None
        self.query_one("#review-editor", TextArea).display = False
        self.query_one("#review-save-button", Button).disabled = True

    def action_take(self) -> None:
        """A new version: take the new text of the selected changed field, or keep mine."""
        if not self.plans:
            return
        plan = self.plans[self.current][1]
        if not plan.changes:
            self.notify("Søknaden er ikke en ny versjon av en søknad i porteføljen.", severity="warning")
            return
        table = self.query_one("#review-changes", DataTable)
        index = min(max(table.cursor_row, 0), len(plan.changes) - 1)
        change = plan.changes[index]
        change.take = not change.take
        self.notify(
            f"{change.label}: {'den nye teksten tas inn' if change.take else 'teksten i porteføljen beholdes'}."
        )
        self._fill_changes()
        table.move_cursor(row=index)

    def action_edit_budget(self) -> None:
        """Open the year and amount of the selected budget line (or the first one to confirm)."""
        parsed = self.plans[self.current][1].parsed if self.plans else None
        if parsed is None or not parsed.budget_lines:
            self.notify("Søknaden har ingen budsjettlinjer å bekrefte.", severity="warning")
            return
        table = self.query_one("#review-budget", DataTable)
        index = table.cursor_row
        if not table.has_focus and parsed.unconfirmed:
            index = parsed.budget_lines.index(parsed.unconfirmed[0])
            table.move_cursor(row=index)
        line = parsed.budget_lines[index]
        self.budget_line = index
        year = self.query_one("#review-budget-year", Input)
        amount = self.query_one("#review-budget-amount", Input)
        year.value = str(line.budget_year or "")
        amount.value = str(line.amount) if line.amount is not None else ""
        ranged = line.amount_high is not None and line.amount_high != line.amount
        self.query_one("#review-budget-low", Button).display = ranged
        self.query_one("#review-budget-high", Button).display = ranged
        if ranged:
            self.query_one("#review-budget-low", Button).label = f"Lav: {format_kr(line.amount or 0)}"
            self.query_one("#review-budget-high", Button).label = f"Høy: {format_kr(line.amount_high or 0)}"
        bar = self.query_one("#review-budget-bar")
        # A border title is read as markup: the document's phrase goes in as plain Text.
        bar.border_title = Text(
            f"Budsjettlinje {index + 1}: «{_short(line.source_phrase, 40)}» (Enter bekrefter)"
        )
        bar.display = True
        amount.focus()

    def _pick(self, pick: str) -> None:
        if self.budget_line is None:
            return
        line = self.plans[self.current][1].parsed.budget_lines[self.budget_line]
        value = line.amount_high if pick == "høy" else line.amount
        self.query_one("#review-budget-amount", Input).value = str(value or "")
        self.query_one("#review-budget-amount", Input).focus()

    def action_confirm_budget(self) -> None:
        if self.budget_line is None:
            return
        line = self.plans[self.current][1].parsed.budget_lines[self.budget_line]
        try:
            confirm_budget_edit(
                line,
                self.query_one("#review-budget-year", Input).value,
                self.query_one("#review-budget-amount", Input).value,
            )
        except ValueError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.notify(
            f"Budsjettlinje {self.budget_line + 1} bekreftet: {line.budget_year or 'uten år'}, "
            f"{format_amount_or_missing(line.amount)}."
        )
        self._close_budget()
        self._show(self.current)
        self.query_one("#review-budget", DataTable).focus()

    def _close_budget(self) -> None:
        self.budget_line = None
        self.query_one("#review-budget-bar").display = False

    def action_toggle(self) -> None:
        if not self.plans:
            return
        plan = self.plans[self.current][1]
        plan.accept = not plan.accept
        self._fill_apps()

    def action_accept(self) -> None:
        if self.saving:
            return
        self.saving = True
        self.query_one("#review-accept-button", Button).disabled = True
        self.query_one("#review-main").loading = True
        self._save(list(self.previews))

    @work(
        thread=True, exclusive=True, exit_on_error=False, group="import-save", description="Lagrer importen"
    )
    def _save(self, previews: list[FilePreview]) -> None:
        from rsapp.importer.service import accept_preview, discard_preview
        from rsapp.importer.store import EngineStore

        store = EngineStore(self.rsapp.engine)
        results: list[FileResult] = []
        for preview in previews:
            if any(plan.accept for plan in preview.applications):
                results.append(accept_preview(store, preview))
            else:
                results.append(discard_preview(preview))
        self.post_message(ImportSaved(results))

    @on(ImportSaved)
    def _saved(self, message: ImportSaved) -> None:
        self.dismiss(message.results)

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "import-save" and event.state == WorkerState.ERROR:
            from rsapp.messages import error_text

            self.saving = False
            self.query_one("#review-main").loading = False
            self.query_one("#review-accept-button", Button).disabled = False
            self.notify(
                error_text(event.worker.error), title="Kunne ikke lagre", severity="error", markup=False
            )

    def action_discard(self) -> None:
        if self.editing is not None:
            self._close_editor()
            return
        if self.budget_line is not None:
            self._close_budget()
            return
        if self.viewing is not None:
            self._close_viewer()
            return
        if self.saving:
            return
        from rsapp.importer.service import discard_preview

        self.dismiss([discard_preview(p) for p in self.previews])


# --------------------------------------------------------------------------- confirming later


class AmountsLoaded(Message):
    """The budget lines of an application were read (or confirmed and read again)."""

    def __init__(self, title: str, lines: list[StoredLine], notice: str = "") -> None:
        super().__init__()
        self.title = title
        self.lines = lines
        self.notice = notice


class ConfirmAmountsScreen(ModalScreen[bool]):
    """Bekreft beløp som er merket «må bekreftes»."""

    CSS_PATH = "../styles/import.tcss"
    BINDINGS = [
        Binding("escape", "close", "Lukk", id="confirm-amounts-close", tooltip="Tilbake til søknaden"),
        Binding(
            "a", "confirm_all", "Bekreft alle", id="confirm-amounts-all", tooltip="Bekreft alle slik de står"
        ),
    ]

    def __init__(self, application_id: int) -> None:
        super().__init__()
        self.application_id = application_id
        self.lines: list[StoredLine] = []
        self.changed = False

    @property
    def rsapp(self) -> RsApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-amounts"):
            yield Static("Bekreft beløp", id="confirm-amounts-title", classes="title")
            yield MeasuredTable(id="confirm-amounts-lines", cursor_type="row")
            yield Static("", id="confirm-amounts-hint")
            with Horizontal(id="confirm-amounts-bar"):
                yield Input(placeholder="År (tomt: uendret, - : uten år)", id="confirm-amounts-year")
                yield Input(placeholder="Beløp i kroner", id="confirm-amounts-amount")
                yield Button("Lav", id="confirm-amounts-low")
                yield Button("Høy", id="confirm-amounts-high")
                yield Button("Bekreft (Enter)", id="confirm-amounts-confirm", variant="primary")
            with Horizontal(id="confirm-amounts-buttons"):
                yield Button("Bekreft alle slik de står (a)", id="confirm-amounts-all-button")
                yield Button("Lukk (Esc)", id="confirm-amounts-close-button")

    def on_mount(self) -> None:
        table = self.query_one("#confirm-amounts-lines", DataTable)
        table.add_columns("Linje", "År", "Beløp", "Formål", "Fra dokumentet", "")
        self.query_one("#confirm-amounts").loading = True
        self._run(None)

    def _store(self) -> Any:
        from rsapp.importer.store import EngineStore

        return EngineStore(self.rsapp.engine)

    @work(
        thread=True,
        exclusive=True,
        exit_on_error=False,
        group="confirm-amounts",
        description="Bekrefter beløp",
    )
    def _run(self, change: tuple[str, int, str, str, str | None] | None) -> None:
        from rsapp.importer.confirm import budget_lines, confirm_all, confirm_line

        store = self._store()
        notice = ""
        if change is not None:
            kind, number, year, amount, pick = change
            if kind == "all":
                done = confirm_all(store, self.application_id)
                notice = f"{len(done)} beløp bekreftet slik de står."
            else:
                line = confirm_line(
                    store, self.application_id, number, amount_text=amount, year_text=year, pick=pick
                )
                notice = f"Budsjettlinje {number} bekreftet: {line.year_label}, {format_amount_or_missing(line.amount)}."
        title, lines = budget_lines(store, self.application_id)
        self.post_message(AmountsLoaded(title, lines, notice))

    @on(AmountsLoaded)
    def _loaded(self, message: AmountsLoaded) -> None:
        self.lines = message.lines
        if message.notice:
            self.changed = True
            self.notify(message.notice)
        self.query_one("#confirm-amounts").loading = False
        self.query_one("#confirm-amounts-title", Static).update(
            Text(f"Bekreft beløp: {message.title}", style="bold")
        )
        table = self.query_one("#confirm-amounts-lines", DataTable)
        table.clear()
        first_flagged: int | None = None
        for n, line in enumerate(self.lines, start=1):
            flagged = Text("⚠ må bekreftes", style="bold yellow") if line.needs_confirmation else Text("")
            if line.needs_confirmation and first_flagged is None:
                first_flagged = n - 1
            table.add_row(
                str(n),
                str(line.budget_year or "–"),
                _amount(line.amount, line.amount_high),
                _short(line.purpose, 30),
                Text(f"«{_short(line.source_phrase, 30)}»", style="dim"),
                flagged,
                key=str(n),
            )
        flagged_count = sum(1 for line in self.lines if line.needs_confirmation)
        self.query_one("#confirm-amounts-hint", Static).update(
            f"{flagged_count} beløp må bekreftes. Velg en linje, rett år og beløp om nødvendig, og trykk Enter."
            if flagged_count
            else "Ingen beløp må bekreftes."
        )
        if self.lines:
            table.move_cursor(row=first_flagged if first_flagged is not None else 0)
            self._fill_inputs()
        table.focus()

    def _selected(self) -> int | None:
        table = self.query_one("#confirm-amounts-lines", DataTable)
        if not self.lines or table.row_count == 0:
            return None
        return min(max(table.cursor_row, 0), len(self.lines) - 1)

    def _fill_inputs(self) -> None:
        index = self._selected()
        if index is None:
            return
        line = self.lines[index]
        self.query_one("#confirm-amounts-year", Input).value = str(line.budget_year or "")
        self.query_one("#confirm-amounts-amount", Input).value = (
            str(line.amount) if line.amount is not None else ""
        )
        ranged = line.amount_high is not None and line.amount_high != line.amount
        self.query_one("#confirm-amounts-low", Button).display = ranged
        self.query_one("#confirm-amounts-high", Button).display = ranged

    @on(DataTable.RowHighlighted, "#confirm-amounts-lines")
    def _highlighted(self) -> None:
        self._fill_inputs()

    @on(DataTable.RowSelected, "#confirm-amounts-lines")
    @on(Button.Pressed, "#confirm-amounts-confirm")
    @on(Input.Submitted)
    def _confirm(self) -> None:
        index = self._selected()
        if index is None:
            return
        year = self.query_one("#confirm-amounts-year", Input).value
        amount = self.query_one("#confirm-amounts-amount", Input).value
        line = self.lines[index]
        if not year.strip() and line.budget_year is not None:
            year = "-"  # the user emptied the year: no year
        self.query_one("#confirm-amounts").loading = True
        self._run(("one", index + 1, year, amount, None))

    @on(Button.Pressed, "#confirm-amounts-low")
    def _low(self) -> None:
        index = self._selected()
        if index is not None:
            self.query_one("#confirm-amounts-amount", Input).value = str(self.lines[index].amount or "")

    @on(Button.Pressed, "#confirm-amounts-high")
    def _high(self) -> None:
        index = self._selected()
        if index is not None:
            line = self.lines[index]
            self.query_one("#confirm-amounts-amount", Input).value = str(
                line.amount_high or line.amount or ""
            )

    @on(Button.Pressed, "#confirm-amounts-all-button")
    def _all_pressed(self) -> None:
        self.action_confirm_all()

    @on(Button.Pressed, "#confirm-amounts-close-button")
    def _close_pressed(self) -> None:
        self.action_close()

    def action_confirm_all(self) -> None:
        self.query_one("#confirm-amounts").loading = True
        self._run(("all", 0, "", "", None))

    def action_close(self) -> None:
        self.dismiss(self.changed)

    @on(Worker.StateChanged)
    def _failed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "confirm-amounts" and event.state == WorkerState.ERROR:
            from rsapp.messages import error_text

            self.query_one("#confirm-amounts").loading = False
            self.notify(
                error_text(event.worker.error), title="Kunne ikke bekrefte", severity="error", markup=False
            )
