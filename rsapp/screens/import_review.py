"""Review before saving: every field read beside the text it came from, editable; accept or discard.

Missing required fields are highlighted. Dismisses with the list of :class:`FileResult`
(empty when everything was discarded).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Header, Input, Static, TextArea

from rsapp.dates import format_date
from rsapp.importer.fields import TEXT_FIELDS, confirm_budget_edit
from rsapp.importer.headings import REQUIRED_FIELDS, SHORT_LABELS
from rsapp.money import format_amount_or_missing, format_kr

if TYPE_CHECKING:
    from rsapp.app import RsApp
    from rsapp.importer.service import ApplicationPlan, FilePreview, FileResult

ACTION_LABELS = {"ny": "Ny", "oppdatering": "Ny versjon", "uendret": "Uendret"}


def _amount(low: int | None, high: int | None) -> str:
    if low is not None and high is not None and high != low:
        return f"{format_kr(low)} – {format_kr(high)}"
    return format_amount_or_missing(low)


def _short(text: str, width: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


class ImportReviewScreen(Screen["list[FileResult]"]):
    """Gå gjennom importen."""

    CSS_PATH = "../styles/import.tcss"
    BINDINGS = [
        Binding("e", "edit", "Rediger felt", id="review-edit", tooltip="Rediger feltet som er valgt"),
        Binding("ctrl+s", "save_field", "Lagre felt", id="review-save", tooltip="Lagre endringen i feltet"),
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
        self.budget_line: int | None = None  # the budget line being confirmed

    @property
    def rsapp(self) -> RsApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon="")
        yield Static("Gå gjennom før lagring", classes="title")
        with Horizontal(id="review-main"):
            with Vertical(id="review-list-pane"):
                yield DataTable(id="review-apps", cursor_type="row", zebra_stripes=True)
                yield Static("", id="review-skipped")
            with Vertical(id="review-detail"):
                yield Static("", id="review-heading")
                yield DataTable(id="review-fields", cursor_type="row")
                yield DataTable(id="review-budget", cursor_type="row")
                with Horizontal(id="review-budget-bar"):
                    yield Input(placeholder="År", id="review-budget-year")
                    yield Input(placeholder="Beløp i kroner", id="review-budget-amount")
                    yield Button("Lav", id="review-budget-low")
                    yield Button("Høy", id="review-budget-high")
                    yield Button("Bekreft beløp", id="review-budget-confirm", variant="primary")
                yield TextArea(id="review-editor", soft_wrap=True)
                with Horizontal(id="review-buttons"):
                    yield Button("Rediger (E)", id="review-edit-button")
                    yield Button("Bekreft beløp (B)", id="review-budget-button")
                    yield Button("Lagre felt (Ctrl+S)", id="review-save-button", disabled=True)
                    yield Button("Godta og lagre (Ctrl+G)", id="review-accept-button", variant="success")
                    yield Button("Forkast (Esc)", id="review-discard-button", variant="error")
        yield Footer()

    def on_mount(self) -> None:
        apps = self.query_one("#review-apps", DataTable)
        apps.add_columns("Med", "Handling", "Søknad", "Fil", "Mangler")
        fields = self.query_one("#review-fields", DataTable)
        fields.add_columns("Felt", "Verdi", "Kilde i dokumentet", "Hvor")
        budget = self.query_one("#review-budget", DataTable)
        budget.add_columns("År", "Beløp", "Kilde", "Bekreft")
        self.query_one("#review-editor", TextArea).display = False
        self.query_one("#review-budget-bar").display = False
        self._fill_apps()
        self._show(0)
        apps.focus()

    def palette_commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand("Import: godta og lagre", "Lagre søknadene som er tatt med", self.action_accept)
        yield SystemCommand("Import: forkast", "Forkast importen; ingenting lagres", self.action_discard)
        yield SystemCommand("Import: rediger felt", "Rediger feltet som er valgt", self.action_edit)
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
            f"  ·  {preview.filename}, {parsed.where()}  ·  runde {plan.round_key}  ·  {ACTION_LABELS[plan.action]}"
        )
        if plan.existing_id is not None:
            heading.append(f"\nFinnes fra før som «{plan.existing_title}».")
            for change in plan.changes[:6]:
                heading.append(f"\n  Endret {change.describe()}", style="yellow")
        for warning in parsed.notices:
            heading.append(f"\n⚠ {warning}", style="yellow")
        self.query_one("#review-heading", Static).update(heading)

        table = self.query_one("#review-fields", DataTable)
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

        self._fill_budget()
        n = len(preview.skipped)
        skipped = Text(f"Hoppet over i {preview.filename}: {n} {'del' if n == 1 else 'deler'}", style="dim")
        for block in preview.skipped[:12]:
            skipped.append("\n  " + _short(block.describe(), 70), style="dim")
        self.query_one("#review-skipped", Static).update(skipped)

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

    # --- events --------------------------------------------------------------------------------

    @on(DataTable.RowHighlighted, "#review-apps")
    def _app_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is not None and int(event.row_key.value) != self.current:
            self._close_editor()
            self._close_budget()
            self._show(int(event.row_key.value))

    @on(DataTable.RowSelected, "#review-fields")
    def _field_selected(self) -> None:
        self.action_edit()

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
        parsed = self.plans[self.current][1].parsed
        parsed.set_text(self.editing, self.query_one("#review-editor", TextArea).text.strip())
        self.notify(f"{SHORT_LABELS[self.editing]} er endret.")
        self._close_editor()
        self._show(self.current)
        self._fill_apps()
        self.query_one("#review-fields", DataTable).focus()

    def _close_editor(self) -> None:
        self.editing = None
        self.query_one("#review-editor", TextArea).display = False
        self.query_one("#review-save-button", Button).disabled = True

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
        bar.border_title = f"Budsjettlinje {index + 1}: «{_short(line.source_phrase, 40)}» (Enter bekrefter)"
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
            self.notify(str(exc), severity="error")
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
        from rsapp.importer.service import accept_preview, discard_preview

        results: list[FileResult] = []
        for preview in self.previews:
            if any(plan.accept for plan in preview.applications):
                results.append(accept_preview(self.rsapp.engine, preview))
            else:
                results.append(discard_preview(preview))
        self.dismiss(results)

    def action_discard(self) -> None:
        if self.editing is not None:
            self._close_editor()
            return
        if self.budget_line is not None:
            self._close_budget()
            return
        from rsapp.importer.service import discard_preview

        self.dismiss([discard_preview(p) for p in self.previews])
