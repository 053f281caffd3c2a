"""Oppfølging: what falls due in the next 30 days, the funded projects, Helse Nord's awards.

Presents :mod:`rsapp.followup` through the app's database: the due list (payments to make,
reports to receive; overdue ones marked), every funded project with the selected one's years
(awarded, planned, paid, reports), and the forwarded applications with what Helse Nord awarded
beside what was sought. Keys mark a payment paid or a report received, register an award (by
hand, or a list from a file) and write the annual overview to Excel. Reads and changes run in
thread workers that post messages.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Label, Static, TabbedContent, TabPane
from textual.worker import Worker, WorkerState

from rsapp.dates import format_date
from rsapp.dialogs import FormDialog
from rsapp.dialogs.form import FormError
from rsapp.messages import ChangeSaved, DocumentWritten, FollowUpLoaded, ProjectLoaded, error_text
from rsapp.money import format_amount_or_missing
from rsapp.widgets.footer import KeyFooter
from rsapp.widgets.table import MeasuredTable

if TYPE_CHECKING:
    from rsapp.app import RsApp

__all__ = ["AwardRequest", "FollowUpScreen"]


@dataclass(frozen=True, slots=True)
class AwardRequest:
    amounts: str  # "2026=1500000,2027=0"
    file: str  # a list from Helse Nord instead


class AwardForm(FormDialog[AwardRequest]):
    """Helse Nords tildeling for én søknad (beløp per år), eller en liste fra fil."""

    FORM_ID = "award-form"

    def __init__(
        self, name: str, sought: str, *, apply: Callable[[AwardRequest], object] | None = None
    ) -> None:
        super().__init__(apply=apply)
        self.project, self.sought = name, sought

    def compose_fields(self) -> ComposeResult:
        yield Label("Tildeling fra Helse Nord", classes="title")
        yield Static(f"{self.project}\nSøkt: {self.sought}", classes="form-note", markup=False)
        yield Label("Tildelt per år (f.eks. 2026=1500000,2027=0; 0 = avslag)")
        yield Input("", id="award-amounts")
        yield Label("… eller en liste fra Helse Nord (.xlsx/.csv) for alle søknadene")
        yield Input("", id="award-file", placeholder="/sti/til/tildeling.xlsx")

    def on_mount(self) -> None:
        self.query_one("#award-amounts", Input).focus()

    def value(self) -> AwardRequest:
        amounts = self.query_one("#award-amounts", Input).value.strip()
        file = self.query_one("#award-file", Input).value.strip()
        if not amounts and not file:
            raise FormError("Skriv beløpene per år, eller stien til listen fra Helse Nord.")
        return AwardRequest(amounts, file)


class FollowUpScreen(Screen[None]):
    """Oppfølging av prosjekter med tilskudd."""

    CSS_PATH = "../styles/followup.tcss"
    #: Its own writes, which a live refresh waits for (rsapp.screens.shared_session).
    LIVE_WAITS_FOR = ("followup-change",)
    BINDINGS = [
        Binding("b", "paid", "Utbetalt", id="followup-paid", tooltip="Valgt utbetaling er utbetalt i dag"),
        Binding(
            "r",
            "received",
            "Rapport mottatt",
            id="followup-received",
            tooltip="Valgt rapport er mottatt i dag",
        ),
        Binding("t", "award", "Tildeling", id="followup-award", tooltip="Registrer Helse Nords tildeling"),
        Binding("x", "export", "Excel", id="followup-export", tooltip="Årsoversikten til Excel"),
        Binding("ctrl+r", "refresh", "Oppdater", id="followup-refresh"),
        Binding("escape", "back", "Tilbake", id="followup-back"),
    ]

    def __init__(self, round_id: int | None = None) -> None:
        super().__init__()
        self.round_id = round_id
        self.due: list[Any] = []
        self.projects: list[Any] = []
        self.regional: list[Any] = []
        self._write_lock = threading.Lock()

    @property
    def rsapp(self) -> RsApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon="")
        yield Static(id="followup-deadline", markup=False)
        with TabbedContent(id="followup-tabs"):
            with TabPane("Forfaller (30 dager)", id="tab-due"):
                yield MeasuredTable(id="followup-due", cursor_type="row", zebra_stripes=True)
                yield Static(id="followup-due-empty", classes="empty-note", markup=False)
            with TabPane("Prosjekter", id="tab-projects"):
                with Horizontal(id="followup-projects-body"):
                    with Vertical(id="followup-projects-pane"):
                        yield MeasuredTable(id="followup-projects", cursor_type="row", zebra_stripes=True)
                        yield Static(id="followup-projects-empty", classes="empty-note", markup=False)
                    with Vertical(id="followup-project-pane"):
                        yield Label("Per år", classes="title")
                        yield MeasuredTable(id="followup-years", cursor_type="none")
            with TabPane("Helse Nord", id="tab-regional"):
                yield MeasuredTable(id="followup-regional", cursor_type="row", zebra_stripes=True)
        yield Static(id="followup-message", markup=False)  # names, file paths: plain text
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = "Oppfølging"
        columns = {
            "#followup-due": (
                ("date", "Dato"),
                ("what", "Hva"),
                ("amount", "Beløp"),
                ("project", "Prosjekt"),
            ),
            "#followup-projects": (
                ("project", "Prosjekt"),
                ("years", "År"),
                ("local", "Lokalt"),
                ("regional", "Helse Nord"),
                ("paid", "Utbetalt"),
                ("next", "Neste"),
            ),
            "#followup-years": (
                ("year", "År"),
                ("local", "Lokalt"),
                ("regional", "Helse Nord"),
                ("planned", "Planlagt"),
                ("paid", "Utbetalt"),
                ("reports", "Rapporter"),
            ),
            "#followup-regional": (
                ("priority", "Pri."),
                ("name", "Søknad"),
                ("sought", "Søkt"),
                ("awarded", "Tildelt"),
            ),
        }
        for selector, cols in columns.items():
            table = self.query_one(selector, DataTable)
            for key, label in cols:
                table.add_column(label, key=key)
        self.reload()
        self.query_one("#followup-due", DataTable).focus()

    # --- reading -------------------------------------------------------------------------------

    def reload(self) -> None:
        self._read_follow_up()

    @work(
        thread=True,
        exclusive=True,
        exit_on_error=False,
        group="followup-load",
        description="Leser oppfølgingen",
    )
    def _read_follow_up(self) -> None:
        db, today, round_id = self.rsapp.db, self.rsapp.today, self.round_id

        def read(session: Any) -> FollowUpLoaded:
            from rsapp.followup.awards import regional_rows
            from rsapp.followup.views import due_items, funded_projects
            from rsapp.portfolio import default_round
            from rsapp.saksfremlegg.oversendelse import forwarding_state
            from rsapp.store.read_model import SessionReader

            wanted = round_id
            if wanted is None:
                info = default_round(SessionReader(session))
                wanted = info.id if info else None
            regional = regional_rows(session, wanted) if wanted is not None else []
            deadline = forwarding_state(session, wanted, today=today).line if wanted is not None else ""
            return FollowUpLoaded(
                due_items(session, today=today),
                funded_projects(session, today=today),
                regional,
                wanted,
                deadline,
            )

        self.post_message(db.call(read))

    @on(FollowUpLoaded)
    def _loaded(self, message: FollowUpLoaded) -> None:
        from rsapp.saksfremlegg.drafting import amounts_text

        self.due, self.projects, self.regional = message.due, message.projects, message.regional
        self.round_id = message.round_id
        self.query_one("#followup-deadline", Static).update(message.deadline)
        due = self.query_one("#followup-due", MeasuredTable)
        projects = self.query_one("#followup-projects", MeasuredTable)
        regional = self.query_one("#followup-regional", MeasuredTable)
        # A refresh (Ctrl+R, or another session's change) keeps the rows selected.
        kept = {table: table.selected_key() for table in (due, projects, regional)}
        due.clear()
        for item in message.due:
            when = ("⚠ " if item.overdue else "") + format_date(item.due_on)
            amount = format_amount_or_missing(item.amount) if item.amount is not None else ""
            due.add_row(when, item.what, amount, item.project, key=f"{item.kind}:{item.row_id}")
        projects.clear()
        for p in message.projects:
            projects.add_row(
                p.project,
                p.years,
                format_amount_or_missing(p.awarded_local),
                format_amount_or_missing(p.awarded_regional),
                format_amount_or_missing(p.paid),
                f"{format_date(p.next_date)} {p.next_what}".strip(),
                key=str(p.application_id),
            )
        regional.clear()
        for row in message.regional:
            regional.add_row(
                str(row.priority),
                row.name,
                "ikke oppgitt" if row.sought is None else amounts_text(row.sought),
                "ikke registrert" if row.awarded is None else amounts_text(row.awarded),
                key=str(row.application_id),
            )
        for table, key in kept.items():
            table.select_key(key)
        self._say_what_is_empty(message)
        if message.projects:
            chosen = projects.selected_key()
            self._load_project(int(chosen) if chosen is not None else message.projects[0].application_id)

    def _say_what_is_empty(self, message: FollowUpLoaded) -> None:
        """An empty table says why, and what fills it, instead of showing only its headings."""
        from rsapp.keymap import action_key

        none_funded = ""
        if not message.projects:
            award = action_key(self, "award")
            none_funded = (
                "Ingen prosjekter med tilskudd ennå. Et prosjekt kommer hit når protokollen med "
                "vedtaket er godkjent (Møtets gang), eller når Helse Nords tildeling er registrert"
                + (f" ({award})." if award else ".")
            )
        nothing_due = none_funded or ("Ingenting forfaller de neste 30 dagene." if not message.due else "")
        for name, text in (("due", nothing_due), ("projects", none_funded)):
            note = self.query_one(f"#followup-{name}-empty", Static)
            note.update(text)
            note.display = bool(text)
            self.query_one(f"#followup-{name}").set_class(bool(text), "-empty")  # only its headings

    @on(DataTable.RowHighlighted, "#followup-projects")
    def _project_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is not None:
            self._load_project(int(event.row_key.value))

    @work(
        thread=True,
        exclusive=True,
        exit_on_error=False,
        group="followup-project",
        description="Leser prosjektet",
    )
    def _load_project(self, application_id: int) -> None:
        from rsapp.followup.views import project_summary

        self.post_message(ProjectLoaded(self.rsapp.db.call(project_summary, application_id)))

    @on(ProjectLoaded)
    def _project_loaded(self, message: ProjectLoaded) -> None:
        years = self.query_one("#followup-years", DataTable)
        years.clear()
        for line in message.summary.years:
            years.add_row(
                str(line.year),
                format_amount_or_missing(line.awarded_local),
                format_amount_or_missing(line.awarded_regional),
                format_amount_or_missing(line.planned),
                format_amount_or_missing(line.paid),
                "; ".join(line.reports),
            )

    # --- changing ------------------------------------------------------------------------------

    @work(thread=True, exit_on_error=False, group="followup-change", description="Lagrer")
    def _change(self, change: Callable[[], ChangeSaved]) -> None:
        with self._write_lock:
            saved = change()
        self.post_message(saved)

    @on(ChangeSaved)
    def _saved(self, message: ChangeSaved) -> None:
        if message.notice:
            self.notify(message.notice, timeout=6, markup=False)
            self.query_one("#followup-message", Static).update(message.notice)
        if message.reload:
            self.reload()

    @on(Worker.StateChanged)
    def _failed(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR:
            return
        text = error_text(event.worker.error)
        self.notify(text, severity="error", timeout=8, markup=False)
        self.query_one("#followup-message", Static).update(f"⚠ {text}")

    def _selected_due(self) -> tuple[str, int] | None:
        key = self.query_one("#followup-due", MeasuredTable).selected_key()
        if key is None:
            return None
        kind, _, row_id = key.partition(":")
        return kind, int(row_id)

    def action_paid(self) -> None:
        chosen = self._selected_due()
        if chosen is None or chosen[0] != "utbetaling":
            self.notify("Velg en utbetaling i listen «Forfaller».", severity="warning")
            return
        db, today = self.rsapp.db, self.rsapp.today

        def paid() -> ChangeSaved:
            from rsapp.followup.plan import set_payment

            row = db.call(set_payment, chosen[1], paid_on=today)
            return ChangeSaved(
                notice=f"Utbetaling {row.budget_year} registrert som utbetalt {format_date(today)}."
            )

        self._change(paid)

    def action_received(self) -> None:
        chosen = self._selected_due()
        if chosen is None or chosen[0] != "rapport":
            self.notify("Velg en rapport i listen «Forfaller».", severity="warning")
            return
        db, today = self.rsapp.db, self.rsapp.today

        def received() -> ChangeSaved:
            from rsapp.followup.plan import set_report

            db.call(set_report, chosen[1], status="mottatt", received_on=today)
            return ChangeSaved(notice=f"Rapporten er registrert mottatt {format_date(today)}.")

        self._change(received)

    def action_award(self) -> None:
        from rsapp.saksfremlegg.drafting import amounts_text

        key = self.query_one("#followup-regional", MeasuredTable).selected_key()
        if key is None or self.round_id is None:
            self.notify("Ingen oversendte søknader i runden.", severity="warning")
            return
        self.query_one("#followup-tabs", TabbedContent).active = "tab-regional"
        row = next((r for r in self.regional if str(r.application_id) == key), None)
        if row is None:
            return
        db, today, round_id = self.rsapp.db, self.rsapp.today, self.round_id
        sought = "ikke oppgitt" if row.sought is None else amounts_text(row.sought)

        def apply(request: AwardRequest) -> None:
            from pathlib import Path

            from rsapp.followup.awards import import_regional, register_regional
            from rsapp.saksfremlegg.vedtak import parse_year_amounts

            if request.file:
                db.call(import_regional, round_id, Path(request.file).expanduser(), decided_on=today)
            else:
                db.call(
                    register_regional,
                    row.application_id,
                    parse_year_amounts(request.amounts),
                    decided_on=today,
                )

        self.app.push_screen(AwardForm(row.name, sought, apply=apply), callback=lambda _=None: self.reload())

    def action_export(self) -> None:
        self._export()

    @work(
        thread=True, exclusive=True, exit_on_error=False, group="followup-export", description="Skriver Excel"
    )
    def _export(self) -> None:
        from rsapp.followup.excel import write_overview
        from rsapp.screens.cases import documents_dir

        today = self.rsapp.today
        path = self.rsapp.db.call(
            write_overview, documents_dir() / f"oppfolging-{today.isoformat()}.xlsx", today=today
        )
        self.post_message(DocumentWritten(path))

    @on(DocumentWritten)
    def _written(self, message: DocumentWritten) -> None:
        self.notify(f"Årsoversikten er lagret i {message.path}", timeout=10, markup=False)
        self.query_one("#followup-message", Static).update(f"Årsoversikten er lagret i {message.path}")

    def action_refresh(self) -> None:
        self.reload()

    def live_refresh(self) -> bool:
        """Another session changed the database: read the follow-up again, the rows selected kept."""
        self.reload()
        return True

    def action_back(self) -> None:
        self.dismiss(None)

    def palette_commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand("Oppfølging: utbetalt", "Valgt utbetaling er utbetalt i dag", self.action_paid)
        yield SystemCommand(
            "Oppfølging: rapport mottatt", "Valgt rapport er mottatt i dag", self.action_received
        )
        yield SystemCommand(
            "Oppfølging: tildeling fra Helse Nord", "For hånd eller fra liste", self.action_award
        )
        yield SystemCommand(
            "Eksport: årsoversikt til Excel", "Tildelt, utbetalt, rapportert", self.action_export
        )
