"""Møter og saker: the meetings, each meeting's saksliste, and the way into a case.

The screen only presents and calls `rsapp.saksfremlegg` (meetings, saksliste, drafting,
render) through the app's :class:`~rsapp.store.database.Database`. From here the secretariat
creates a meeting (a form: date as dd.mm.åååå or "uke 43", ordinary or extraordinary, place),
drafts the prioritisation case from the round's data with the case number it should have, adds
orientation and standing cases, reorders the saksliste (drafts are renumbered), deletes cases
and meetings (after confirming), marks a meeting final, opens a case and makes Word/PDF
documents.

Nothing here touches the database on the UI thread: reads and changes run in thread workers
that post past-tense messages (:mod:`rsapp.messages`). The forms are typed dialogs
(:class:`~rsapp.dialogs.FormDialog`); a form that changes data does it in its own worker and
stays open with the message when the change is refused.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import (
    Button,
    Checkbox,
    DataTable,
    Header,
    Input,
    Label,
    RadioButton,
    RadioSet,
    Static,
    TextArea,
)
from textual.worker import Worker, WorkerState, get_current_worker

from rsapp.dates import format_date
from rsapp.dialogs import ConfirmDialog, FormDialog
from rsapp.messages import (
    CaseSlotChecked,
    ChangeSaved,
    DocumentWritten,
    MeetingDateDescribed,
    MeetingsLoaded,
    RoundLoaded,
    SakslisteLoaded,
    error_text,
)
from rsapp.vocab import CASE_KIND_PRIORITISATION, final_label, meeting_kind_label
from rsapp.widgets.footer import KeyFooter
from rsapp.widgets.table import MeasuredTable

if TYPE_CHECKING:
    from rsapp.app import RsApp
    from rsapp.saksfremlegg.meetings import MeetingRound, MeetingSummary
    from rsapp.saksfremlegg.saksliste import SakslisteRow

__all__ = [
    "CasesScreen",
    "MeetingFormScreen",
    "MeetingRequest",
    "NumberRequest",
    "NumberScreen",
    "OrientationRequest",
    "OrientationScreen",
    "documents_dir",
]


def documents_dir() -> Path:
    """Where rendered documents are written: <datamappe>/dokumenter."""
    from rsapp.config import user_data_dir
    from rsapp.files import private_dir

    return private_dir(user_data_dir() / "dokumenter")


# --- the forms ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MeetingRequest:
    """A new meeting as typed: the date as written ("20.10.2025" or "uke 43")."""

    date_text: str
    extraordinary: bool
    place: str
    standing_cases: bool


class MeetingFormScreen(FormDialog[MeetingRequest]):
    """Nytt møte: date (dd.mm.åååå or "uke 43"), ordinary or extraordinary, place, standing cases.

    Under the date the form says which day it is and warns about another meeting that day;
    ``describe(text)`` (it reads the database) runs in a worker as the user types.
    """

    FORM_ID = "meeting-form"
    OK_LABEL = "Opprett (Ctrl+S)"

    def __init__(
        self,
        *,
        default_date: date,
        describe: Callable[[str], str],
        apply: Callable[[MeetingRequest], object] | None = None,
    ) -> None:
        super().__init__(apply=apply)
        self.default_date = default_date
        self._describe_text = describe

    def compose_fields(self) -> ComposeResult:
        yield Label("Nytt møte", classes="title")
        yield Label("Møtedato (dd.mm.åååå eller «uke 43»)")
        yield Input(format_date(self.default_date), id="meeting-date")
        yield Static(id="meeting-date-info", classes="form-info", markup=False)
        with RadioSet(id="meeting-kind"):
            yield RadioButton("Ordinært møte", id="meeting-ordinary")
            yield RadioButton("Ekstraordinært møte", id="meeting-extraordinary", value=True)
        yield Label("Sted")
        yield Input(placeholder="f.eks. Teams eller Mosjøen", id="meeting-place")
        yield Checkbox(
            "Legg til faste saker (Orienteringer fra sekretariatet, Eventuelt)", True, id="meeting-standing"
        )

    def on_mount(self) -> None:
        field = self.query_one("#meeting-date", Input)
        field.focus()
        self._describe(field.value)

    @on(Input.Changed, "#meeting-date")
    def _date_changed(self, event: Input.Changed) -> None:
        self._describe(event.value)

    @work(thread=True, exclusive=True, exit_on_error=False, group="meeting-date", description="Leser datoen")
    def _describe(self, text: str) -> None:
        description = self._describe_text(text)
        if not get_current_worker().is_cancelled:
            self.post_message(MeetingDateDescribed(text, description))

    @on(MeetingDateDescribed)
    def _described(self, message: MeetingDateDescribed) -> None:
        if message.text == self.query_one("#meeting-date", Input).value:
            self.query_one("#meeting-date-info", Static).update(message.description)

    @on(Worker.StateChanged)
    def _describe_failed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "meeting-date" and event.state == WorkerState.ERROR:
            self.query_one("#meeting-date-info", Static).update(error_text(event.worker.error))

    def value(self) -> MeetingRequest:
        return MeetingRequest(
            date_text=self.query_one("#meeting-date", Input).value,
            extraordinary=self.query_one("#meeting-extraordinary", RadioButton).value,
            place=self.query_one("#meeting-place", Input).value,
            standing_cases=self.query_one("#meeting-standing", Checkbox).value,
        )


@dataclass(frozen=True, slots=True)
class NumberRequest:
    """A case number as typed ("28/2025" or "28-2025")."""

    number: str


class NumberScreen(FormDialog[NumberRequest]):
    """A case number to use ("28/2025" or "28-2025"), prefilled with the next free one."""

    FORM_ID = "number-form"
    OK_LABEL = "Lag saken (Ctrl+S)"

    def __init__(
        self, *, title: str, proposed: str, apply: Callable[[NumberRequest], object] | None = None
    ) -> None:
        super().__init__(apply=apply)
        self.heading = title
        self.proposed = proposed

    def compose_fields(self) -> ComposeResult:
        yield Label(self.heading, classes="title", markup=False)
        yield Label("Saksnummer (f.eks. 28/2025 eller 28-2025; forslaget er neste ledige)")
        yield Input(self.proposed, id="case-number")

    def on_mount(self) -> None:
        self.query_one("#case-number", Input).focus()

    def value(self) -> NumberRequest:
        return NumberRequest(self.query_one("#case-number", Input).value.strip())


@dataclass(frozen=True, slots=True)
class OrientationRequest:
    """En orienteringssak: its title and the text of its saksopplysninger."""

    title: str
    text: str


class OrientationScreen(FormDialog[OrientationRequest]):
    """En orienteringssak: title and the text of the saksopplysninger."""

    FORM_ID = "orientation-form"
    OK_LABEL = "Legg til (Ctrl+S)"

    def compose_fields(self) -> ComposeResult:
        yield Label("Ny orienteringssak", classes="title")
        yield Label("Tittel")
        yield Input(placeholder="f.eks. Orientering om status fra FSU", id="orientation-title")
        yield Label("Saksopplysninger")
        yield TextArea(id="orientation-text", soft_wrap=True)

    def on_mount(self) -> None:
        self.query_one("#orientation-title", Input).focus()

    def value(self) -> OrientationRequest:
        return OrientationRequest(
            self.query_one("#orientation-title", Input).value,
            self.query_one("#orientation-text", TextArea).text,
        )


# --- the screen ---------------------------------------------------------------------------------


class CasesScreen(Screen[None]):
    """Møter og saksfremlegg."""

    CSS_PATH = "../styles/cases.tcss"
    #: Its own writes, which a live refresh waits for (rsapp.screens.shared_session).
    LIVE_WAITS_FOR = ("cases-change", "cases-slot", "meeting-date")
    BINDINGS = [
        Binding(
            "n",
            "new_meeting",
            "Nytt møte",
            id="cases-new-meeting",
            tooltip="Dato (dd.mm.åååå eller «uke 43»), ordinært/ekstraordinært, sted",
        ),
        Binding(
            "p",
            "draft_prioritisation",
            "Prioriteringssak",
            id="cases-draft",
            tooltip="Lag prioriteringssaken fra tallene, med saksnummer",
        ),
        Binding(
            "o", "orientation_case", "Orienteringssak", id="cases-orientation", tooltip="Tittel og tekst"
        ),
        Binding(
            "f",
            "standing_cases",
            "Faste saker",
            id="cases-standing",
            tooltip="Orienteringer fra sekretariatet og Eventuelt",
        ),
        Binding("x", "delete_case", "Slett sak", id="cases-delete-case", tooltip="Slett valgt sak (utkast)"),
        Binding("X", "delete_meeting", "Slett møte", id="cases-delete-meeting", tooltip="Slett valgt møte"),
        Binding(
            "e",
            "toggle_final",
            "Endelig",
            id="cases-final",
            tooltip="Sett møtet endelig (eller tilbake til utkast)",
        ),
        Binding("enter", "open_case", "Åpne sak", id="cases-open", tooltip="Rediger innstilling og tekst"),
        Binding(
            "alt+up", "move_case(-1)", "Flytt opp", id="cases-up", tooltip="Flytt saken opp i sakslisten"
        ),
        Binding(
            "alt+down", "move_case(1)", "Flytt ned", id="cases-down", tooltip="Flytt saken ned i sakslisten"
        ),
        Binding(
            "w", "render('docx')", "Word", id="cases-docx", tooltip="Lag møtedokumentet som Word (.docx)"
        ),
        Binding("d", "render('pdf')", "PDF", id="cases-pdf", tooltip="Lag møtedokumentet som PDF"),
        Binding(
            "g",
            "meeting_life",
            "Møtets gang",
            id="cases-meeting-life",
            tooltip="Innkalling, oppmøte, vedtak, protokoll og brev til Helse Nord",
        ),
        Binding("tab", "switch_table", "Bytt liste", show=False, id="cases-switch"),
        Binding("escape", "back", "Tilbake", id="cases-back", tooltip="Tilbake til porteføljen"),
    ]

    def __init__(self, round_id: int | None = None, *, round: MeetingRound | None = None) -> None:
        """``round``: the round already read (from the portfolio); else ``round_id`` (None: the
        default round) is read when the screen opens."""
        super().__init__()
        self.round_id = round.round_id if round is not None else round_id
        self._round = round
        self.meeting_id: int | None = None
        self._meetings: list[MeetingSummary] = []
        self._rows: list[SakslisteRow] = []
        self._form_waits_for_round = False
        self._write_lock = threading.Lock()

    @property
    def rsapp(self) -> RsApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon="")
        # The round's name, the saksliste's title and the status line carry names from the
        # database: plain text, never markup.
        yield Static(id="cases-round", markup=False)
        with Horizontal(id="cases-body"):
            with Vertical(id="meetings-pane"):
                yield Label("Møter", classes="title")
                yield MeasuredTable(id="meetings", cursor_type="row", zebra_stripes=True)
            with Vertical(id="saksliste-pane"):
                yield Label("Saksliste", classes="title", id="saksliste-title", markup=False)
                yield MeasuredTable(id="saksliste", cursor_type="row", zebra_stripes=True)
        with Horizontal(classes="button-row"):
            yield Label("Møte:", classes="button-group")
            yield Button("Nytt (n)", id="btn-new-meeting", tooltip="Nytt møte: dato, type og sted")
            yield Button("Endelig (e)", id="btn-final", tooltip="Sett møtet endelig eller tilbake til utkast")
            yield Button("Slett (X)", id="btn-delete-meeting", variant="error", tooltip="Slett møtet")
            yield Button("Word (w)", id="btn-docx")
            yield Button("PDF (d)", id="btn-pdf")
            yield Button("Faste saker (f)", id="btn-standing", tooltip="Legg til møtets faste saker")
            yield Button("Møtets gang (g)", id="btn-meeting-life", variant="primary")
        with Horizontal(classes="button-row"):
            yield Label("Sak:", classes="button-group")
            yield Button("Prioriteringssak (p)", id="btn-draft", variant="primary")
            yield Button("Orientering (o)", id="btn-orientation")
            yield Button("Åpne (↵)", id="btn-open")
            yield Button("Opp (Alt+↑)", id="btn-up")
            yield Button("Ned (Alt+↓)", id="btn-down")
            yield Button("Slett (x)", id="btn-delete-case", variant="error")
        yield Static(id="cases-status", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = "Møter og saksfremlegg"
        meetings = self.query_one("#meetings", DataTable)
        for key, label in (
            ("date", "Dato"),
            ("kind", "Møte"),
            ("place", "Sted"),
            ("cases", "Saker"),
            ("status", "Status"),
        ):
            meetings.add_column(label, key=key)
        saksliste = self.query_one("#saksliste", DataTable)
        for key, label in (
            ("number", "Saksnr"),
            ("title", "Sak"),
            ("type", "Type sak"),
            ("points", "Punkter"),
        ):
            saksliste.add_column(label, key=key)
        if self._round is not None:
            self._show_round(self._round)
        else:
            self._load_round(self.round_id)
        self.reload()
        meetings.focus()

    # --- reading (thread workers) ----------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="cases-round", description="Leser runden")
    def _load_round(self, round_id: int | None) -> None:
        from rsapp.saksfremlegg.meetings import meeting_round

        self.post_message(RoundLoaded(self.rsapp.db.call(meeting_round, round_id)))

    @on(RoundLoaded)
    def _round_loaded(self, message: RoundLoaded) -> None:
        self._show_round(message.round)
        if self._form_waits_for_round:
            self._form_waits_for_round = False
            self._open_meeting_form()

    def _show_round(self, meeting_round: MeetingRound) -> None:
        self._round = meeting_round
        self.round_id = meeting_round.round_id
        self.query_one("#cases-round", Static).update(meeting_round.label)

    def reload(self, select_meeting: int | None = None, select_case: int | None = None) -> None:
        """Read the meetings and the shown saksliste again (in a worker)."""
        self._load_meetings(select_meeting or self.meeting_id, select_case)

    def live_refresh(self) -> bool:
        """Another session changed the database: read the meetings and the saksliste again,
        keeping the meeting and the case selected."""
        self.reload()
        return True

    @work(thread=True, exclusive=True, exit_on_error=False, group="cases-load", description="Leser møtene")
    def _load_meetings(self, wanted: int | None, select_case: int | None) -> None:
        from rsapp.saksfremlegg.meetings import meetings_overview

        overview = self.rsapp.db.call(meetings_overview, wanted)
        if not get_current_worker().is_cancelled:
            self.post_message(
                MeetingsLoaded(
                    overview.meetings,
                    overview.meeting_id,
                    overview.saksliste_title,
                    overview.saksliste,
                    select_case,
                )
            )

    @on(MeetingsLoaded)
    def _meetings_loaded(self, message: MeetingsLoaded) -> None:
        self._meetings = message.meetings
        self.meeting_id = message.meeting_id
        meetings = self.query_one("#meetings", DataTable)
        meetings.clear()
        for item in message.meetings:
            m = item.meeting
            meetings.add_row(
                format_date(m.date),
                meeting_kind_label(m.extraordinary),
                m.place,
                str(item.cases),
                final_label(m.final),
                key=str(m.id),
            )
        ids = [item.meeting.id for item in message.meetings]
        if message.meeting_id in ids:
            meetings.move_cursor(row=ids.index(message.meeting_id))
        self._show_saksliste(message.saksliste_title, message.saksliste, message.select_case)

    @work(
        thread=True,
        exclusive=True,
        exit_on_error=False,
        group="cases-saksliste",
        description="Leser sakslisten",
    )
    def _load_saksliste(self, meeting_id: int, select_case: int | None = None) -> None:
        from rsapp.saksfremlegg.saksliste import saksliste_view

        view = self.rsapp.db.call(saksliste_view, meeting_id)
        if not get_current_worker().is_cancelled:
            self.post_message(SakslisteLoaded(meeting_id, view.title, view.rows, select_case))

    @on(SakslisteLoaded)
    def _saksliste_loaded(self, message: SakslisteLoaded) -> None:
        if message.meeting_id == self.meeting_id:  # not a late answer for a meeting left since
            self._show_saksliste(message.title, message.rows, message.select_case)

    def _show_saksliste(self, title: str, rows: list[SakslisteRow], select_case: int | None) -> None:
        table = self.query_one("#saksliste", DataTable)
        previous = self.selected_case_id()
        self._rows = rows
        table.clear()
        for row in rows:
            table.add_row(row.number, row.title, row.case_type, str(row.points), key=str(row.case_id))
        wanted = select_case or previous
        ids = [row.case_id for row in rows]
        if wanted in ids:
            table.move_cursor(row=ids.index(wanted))
        self.query_one("#saksliste-title", Label).update(title)

    def selected_case_id(self) -> int | None:
        key = self.query_one("#saksliste", MeasuredTable).selected_key()
        return int(key) if key is not None else None

    def _selected_row(self) -> SakslisteRow | None:
        case_id = self.selected_case_id()
        return next((row for row in self._rows if row.case_id == case_id), None)

    def _selected_meeting(self) -> MeetingSummary | None:
        return next((item for item in self._meetings if item.meeting.id == self.meeting_id), None)

    def _status(self, text: str) -> None:
        self.query_one("#cases-status", Static).update(text)

    @on(DataTable.RowHighlighted, "#meetings")
    def _meeting_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is not None and int(event.row_key.value) != self.meeting_id:
            self.meeting_id = int(event.row_key.value)
            self._load_saksliste(self.meeting_id)

    @on(DataTable.RowSelected, "#meetings")
    def _meeting_selected(self) -> None:
        self.query_one("#saksliste", DataTable).focus()

    @on(DataTable.RowSelected, "#saksliste")
    def _case_selected(self) -> None:
        self.action_open_case()

    # --- changing (thread workers) ---------------------------------------------------------------

    def _change(self, change: Callable[[], ChangeSaved]) -> None:
        """Run ``change`` (it calls the domain through ``self.rsapp.db`` and says what it did) in
        a worker; changes run one at a time, in the order they were asked for."""
        self._run_change(change)

    @work(thread=True, exit_on_error=False, group="cases-change", description="Lagrer endringen")
    def _run_change(self, change: Callable[[], ChangeSaved]) -> None:
        with self._write_lock:
            saved = change()
        self.post_message(saved)

    @on(ChangeSaved)
    def _saved(self, message: ChangeSaved) -> None:
        if message.notice:
            if message.timeout is None:
                self.notify(message.notice, severity=message.severity, markup=False)
            else:
                self.notify(message.notice, severity=message.severity, timeout=message.timeout, markup=False)
        if message.status:
            self._status(message.status)
        if message.reload:
            self.reload(select_meeting=message.select_meeting, select_case=message.select_case)
        if message.details.get("focus") == "saksliste":
            self.query_one("#saksliste", DataTable).focus()

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR:
            return
        if event.worker.group == "render":
            self.query_one("#cases-body").loading = False
        self._fail(event.worker.error)

    def _fail(self, error: BaseException | None) -> None:
        text = error_text(error)
        self.notify(text, severity="error", timeout=8, markup=False)
        self._status(f"⚠ {text}")

    # --- actions -------------------------------------------------------------------------------

    def action_new_meeting(self) -> None:
        if self._round is None:  # the round is still being read: the form opens when it is
            self._form_waits_for_round = True
            return
        self._open_meeting_form()

    def _open_meeting_form(self) -> None:
        from rsapp.saksfremlegg.meetings import describe_meeting_date, new_meeting
        from rsapp.saksfremlegg.records import meeting_title

        db = self.rsapp.db
        meeting_round = self._round
        default = (meeting_round.meeting_date if meeting_round else None) or self.rsapp.today
        helsefellesskap_id = meeting_round.helsefellesskap_id if meeting_round else None

        def describe(text: str) -> str:
            return db.call(describe_meeting_date, text, default.year)

        def create(request: MeetingRequest) -> None:
            created = db.call(
                new_meeting,
                request.date_text,
                week_year=default.year,
                extraordinary=request.extraordinary,
                place=request.place,
                helsefellesskap_id=helsefellesskap_id,
                standing_cases=request.standing_cases,
            )
            label = meeting_title(created.meeting)
            if created.same_day:
                notice = f"Opprettet {label}. Merk: det finnes allerede et møte {format_date(created.meeting.date)}."
            else:
                notice = f"Opprettet {label}."
            self.post_message(
                ChangeSaved(
                    notice=notice,
                    severity="warning" if created.same_day else "information",
                    timeout=8 if created.same_day else None,
                    status=f"Opprettet {label}. Trykk p for å lage prioriteringssaken.",
                    select_meeting=created.meeting.id,
                )
            )

        self.app.push_screen(MeetingFormScreen(default_date=default, describe=describe, apply=create))

    def action_draft_prioritisation(self) -> None:
        if self.meeting_id is None:
            self.notify("Opprett eller velg et møte først (n).", severity="warning")
            return
        if self.round_id is None:
            self.notify("Ingen runde å lage prioriteringssak for.", severity="warning")
            return
        self._check_slot(self.meeting_id, self.round_id)

    @work(
        thread=True, exclusive=True, exit_on_error=False, group="cases-slot", description="Finner saksnummer"
    )
    def _check_slot(self, meeting_id: int, round_id: int) -> None:
        from rsapp.saksfremlegg.saksliste import case_slot

        slot = self.rsapp.db.call(case_slot, meeting_id, round_id, CASE_KIND_PRIORITISATION)
        self.post_message(CaseSlotChecked(meeting_id, round_id, slot.existing_case_id, slot.proposed))

    @on(CaseSlotChecked)
    def _slot_checked(self, message: CaseSlotChecked) -> None:
        if message.existing_case_id is not None:
            self.notify("Møtet har allerede prioriteringssaken; den åpnes.", severity="information")
            self._open(message.existing_case_id)
            return
        db, meeting_id, round_id, proposed = (
            self.rsapp.db,
            message.meeting_id,
            message.round_id,
            message.proposed,
        )

        def create(request: NumberRequest) -> None:
            from rsapp.saksfremlegg.drafting import create_prioritisation_case
            from rsapp.saksfremlegg.records import case_label

            number = None if request.number in ("", proposed) else request.number
            case = db.call(create_prioritisation_case, meeting_id, round_id, number=number)
            label = case_label(case)
            self.post_message(
                ChangeSaved(
                    notice=f"Laget {label}.",
                    status=f"Laget {label} fra rundens tall. Enter åpner saken.",
                    select_case=case.id,
                )
            )

        self.app.push_screen(NumberScreen(title="Ny prioriteringssak", proposed=proposed, apply=create))

    def action_orientation_case(self) -> None:
        if self.meeting_id is None:
            self.notify("Opprett eller velg et møte først (n).", severity="warning")
            return
        db, meeting_id = self.rsapp.db, self.meeting_id

        def create(request: OrientationRequest) -> None:
            from rsapp.saksfremlegg.records import case_label
            from rsapp.saksfremlegg.saksliste import add_orientation_case

            case = db.call(add_orientation_case, meeting_id, request.title, text=request.text)
            label = case_label(case)
            self.post_message(ChangeSaved(notice=f"La til {label}.", select_case=case.id))

        self.app.push_screen(OrientationScreen(apply=create))

    def action_standing_cases(self) -> None:
        if self.meeting_id is None:
            self.notify("Opprett eller velg et møte først (n).", severity="warning")
            return
        db, meeting_id = self.rsapp.db, self.meeting_id

        def add() -> ChangeSaved:
            from rsapp.saksfremlegg.saksliste import add_standing_cases

            added = db.call(add_standing_cases, meeting_id)
            if not added:
                return ChangeSaved(notice="Møtet har allerede de faste sakene.")
            return ChangeSaved(notice="La til " + ", ".join(c.title for c in added))

        self._change(add)

    def action_delete_case(self) -> None:
        row = self._selected_row()
        if row is None:
            self.notify("Ingen sak valgt.", severity="warning")
            return
        db, case_id, label = self.rsapp.db, row.case_id, f"Sak {row.number}: {row.title}"

        def delete() -> ChangeSaved:
            from rsapp.saksfremlegg.saksliste import delete_case

            db.call(delete_case, case_id)
            return ChangeSaved(
                notice=f"Slettet {label}.",
                status=f"Slettet {label}. Sakene etter den har rykket opp ett nummer.",
            )

        def answered(yes: bool | None) -> None:
            if yes:
                self._change(delete)

        self.app.push_screen(
            ConfirmDialog(f"Slette {label}?\nInnstillingen og tekstene slettes også."), callback=answered
        )

    def action_delete_meeting(self) -> None:
        summary = self._selected_meeting()
        if summary is None:
            self.notify("Ingen møte valgt.", severity="warning")
            return
        db, meeting_id, title = self.rsapp.db, summary.meeting.id, summary.title
        assert meeting_id is not None

        def delete() -> ChangeSaved:
            from rsapp.saksfremlegg.meetings import delete_meeting

            db.call(delete_meeting, meeting_id)
            return ChangeSaved(notice=f"Slettet {title}.")

        def answered(yes: bool | None) -> None:
            if yes:
                self._change(delete)

        saker = "1 sak" if summary.cases == 1 else f"{summary.cases} saker"
        self.app.push_screen(
            ConfirmDialog(f"Slette {title}?\nMøtet har {saker}, som slettes med det."), callback=answered
        )

    def action_toggle_final(self) -> None:
        summary = self._selected_meeting()
        if summary is None:
            self.notify("Ingen møte valgt.", severity="warning")
            return
        db, meeting_id, final = self.rsapp.db, summary.meeting.id, not summary.meeting.final
        assert meeting_id is not None

        def toggle() -> ChangeSaved:
            from rsapp.saksfremlegg.meetings import set_meeting_final
            from rsapp.saksfremlegg.records import meeting_title

            meeting = db.call(set_meeting_final, meeting_id, final)
            title = meeting_title(meeting)
            if meeting.final:
                return ChangeSaved(
                    notice=f"{title} er endelig: sakene beholder numrene sine og kan ikke endres."
                )
            return ChangeSaved(notice=f"{title} er tilbake til utkast.")

        self._change(toggle)

    def action_open_case(self) -> None:
        case_id = self.selected_case_id()
        if case_id is None:
            self.notify("Ingen sak valgt.", severity="warning")
            return
        self._open(case_id)

    def _open(self, case_id: int) -> None:
        from rsapp.screens.case_edit import CaseEditScreen

        self.app.push_screen(
            CaseEditScreen(case_id), callback=lambda _=None: self.reload(select_case=case_id)
        )

    def action_move_case(self, delta: int) -> None:
        case_id = self.selected_case_id()
        if case_id is None:
            return
        db = self.rsapp.db

        def move() -> ChangeSaved:
            from rsapp.saksfremlegg.saksliste import move_case

            db.call(move_case, case_id, delta)
            return ChangeSaved(select_case=case_id, details={"focus": "saksliste"})

        self._change(move)

    def action_meeting_life(self) -> None:
        if self.meeting_id is None:
            self.notify("Velg et møte først.", severity="warning")
            return
        from rsapp.screens.meeting_life import MeetingLifeScreen

        meeting_id = self.meeting_id
        self.app.push_screen(MeetingLifeScreen(meeting_id), callback=lambda _=None: self.reload(meeting_id))

    def action_switch_table(self) -> None:
        meetings = self.query_one("#meetings", DataTable)
        (self.query_one("#saksliste", DataTable) if meetings.has_focus else meetings).focus()

    def action_back(self) -> None:
        self.dismiss(None)

    def action_render(self, fmt: str) -> None:
        if self.meeting_id is None:
            self.notify("Velg et møte først.", severity="warning")
            return
        self._status(f"Lager {'Word-dokument' if fmt == 'docx' else 'PDF'} …")
        self.query_one("#cases-body").loading = True
        self._render_meeting(self.meeting_id, fmt)

    @work(thread=True, exclusive=True, exit_on_error=False, group="render", description="Lager møtedokument")
    def _render_meeting(self, meeting_id: int, fmt: str) -> None:
        from rsapp.saksfremlegg.render import write_meeting_document

        # Rendered, then written atomically (temp file + rename, mode 0600; FileWriteError in Norwegian).
        path = self.rsapp.db.call(write_meeting_document, meeting_id, fmt, documents_dir())
        self.post_message(DocumentWritten(path))

    @on(DocumentWritten)
    def _document_written(self, message: DocumentWritten) -> None:
        self.query_one("#cases-body").loading = False
        self.notify(f"Møtedokumentet er lagret i {message.path}", timeout=12, markup=False)
        self._status(f"Møtedokumentet er lagret i {message.path}")

    @on(Button.Pressed)
    def _button(self, event: Button.Pressed) -> None:
        actions = {
            "btn-new-meeting": self.action_new_meeting,
            "btn-final": self.action_toggle_final,
            "btn-delete-meeting": self.action_delete_meeting,
            "btn-draft": self.action_draft_prioritisation,
            "btn-orientation": self.action_orientation_case,
            "btn-standing": self.action_standing_cases,
            "btn-delete-case": self.action_delete_case,
            "btn-open": self.action_open_case,
            "btn-up": lambda: self.action_move_case(-1),
            "btn-down": lambda: self.action_move_case(1),
            "btn-docx": lambda: self.action_render("docx"),
            "btn-pdf": lambda: self.action_render("pdf"),
            "btn-meeting-life": self.action_meeting_life,
        }
        action = actions.get(event.button.id or "")
        if action is not None:
            action()

    def palette_commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand(
            "Møte: nytt møte",
            "Dato (dd.mm.åååå eller «uke 43»), ordinært/ekstraordinært, sted",
            self.action_new_meeting,
        )
        yield SystemCommand(
            "Møte: sett endelig",
            "Sakene beholder numrene sine (igjen: tilbake til utkast)",
            self.action_toggle_final,
        )
        yield SystemCommand(
            "Møte: slett", "Slett valgt møte med sakene (spør først)", self.action_delete_meeting
        )
        yield SystemCommand(
            "Sak: ny prioriteringssak",
            "Lag saksfremlegget fra rundens tall, med saksnummer",
            self.action_draft_prioritisation,
        )
        yield SystemCommand("Sak: ny orienteringssak", "Tittel og tekst", self.action_orientation_case)
        yield SystemCommand("Sak: slett", "Slett valgt sak (spør først)", self.action_delete_case)
        yield SystemCommand(
            "Sak: legg til faste saker",
            "Orienteringer fra sekretariatet og Eventuelt",
            self.action_standing_cases,
        )
        yield SystemCommand("Sak: åpne valgt sak", "Rediger innstilling og tekst", self.action_open_case)
        yield SystemCommand(
            "Sak: flytt opp i sakslisten", "Utkast nummereres på nytt", lambda: self.action_move_case(-1)
        )
        yield SystemCommand(
            "Sak: flytt ned i sakslisten", "Utkast nummereres på nytt", lambda: self.action_move_case(1)
        )
        yield SystemCommand(
            "Eksport: møtedokument som Word",
            "Innkalling, saksliste og alle saker",
            lambda: self.action_render("docx"),
        )
        yield SystemCommand(
            "Eksport: møtedokument som PDF", "Krever LibreOffice", lambda: self.action_render("pdf")
        )
        yield SystemCommand(
            "Møte: møtets gang",
            "Innkalling, oppmøte, vedtak, protokoll og brev til Helse Nord",
            self.action_meeting_life,
        )
