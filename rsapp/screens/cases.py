"""Møter og saker: the meetings, each meeting's saksliste, and the way into a case.

The screen only presents and calls `rsapp.saksfremlegg` (cases, drafting, render). From here
the secretariat creates a meeting (a form: date as dd.mm.åååå or "uke 43", ordinary or
extraordinary, place), drafts the prioritisation case from the round's data with the case
number it should have, adds orientation and standing cases, reorders the saksliste (drafts
are renumbered), deletes cases and meetings (after confirming), marks a meeting final,
opens a case and makes Word/PDF documents.

The dialogs take a ``submit`` callback that does the change and returns an error message
(or None); a refused input keeps the dialog open with the message under the field.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import (
    Button,
    Checkbox,
    DataTable,
    Footer,
    Header,
    Input,
    Label,
    RadioButton,
    RadioSet,
    Static,
    TextArea,
)
from textual.worker import Worker, WorkerState

from rsapp.dates import format_date
from rsapp.saksfremlegg import cases as case_logic
from rsapp.saksfremlegg.numbering import CaseNumberError, format_case_number
from rsapp.vocab import CASE_TYPE_LABELS

if TYPE_CHECKING:
    from rsapp.app import RsApp

__all__ = ["CasesScreen", "ConfirmScreen", "MeetingFormScreen", "NumberScreen", "OrientationScreen"]

Submit = Callable[[dict[str, Any]], str | None]


def documents_dir() -> Path:
    """Where rendered documents are written: <datamappe>/dokumenter."""
    from rsapp.config import user_data_dir
    from rsapp.files import private_dir

    return private_dir(user_data_dir() / "dokumenter")


class _FormScreen(ModalScreen[bool]):
    """A small modal form: ``submit(values)`` returns an error to show, or None to close."""

    BINDINGS = [
        Binding("ctrl+s", "submit", "Lagre", id="form-submit", tooltip="Lagre og lukk"),
        Binding("escape", "cancel", "Avbryt", id="form-cancel", tooltip="Lukk uten å endre noe"),
    ]

    def __init__(self, submit: Submit) -> None:
        super().__init__()
        self._submit = submit

    def values(self) -> dict[str, Any]:  # pragma: no cover - every form overrides it
        raise NotImplementedError

    def _buttons(self, ok: str) -> ComposeResult:
        with Horizontal(classes="form-buttons"):
            yield Button(ok, id="form-ok", variant="primary")
            yield Button("Avbryt (esc)", id="form-no")

    def show_error(self, text: str) -> None:
        self.query_one(".form-error", Static).update(text)

    def action_submit(self) -> None:
        error = self._submit(self.values())
        if error:
            self.show_error(f"⚠ {error}")
        else:
            self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)

    @on(Input.Submitted)
    def _enter(self) -> None:
        self.action_submit()

    @on(Button.Pressed, "#form-ok")
    def _ok(self) -> None:
        self.action_submit()

    @on(Button.Pressed, "#form-no")
    def _no(self) -> None:
        self.action_cancel()


class MeetingFormScreen(_FormScreen):
    """Nytt møte: date (dd.mm.åååå or "uke 43"), ordinary or extraordinary, place, standing cases."""

    def __init__(self, submit: Submit, *, default_date: date, week_year: int, app_session) -> None:
        super().__init__(submit)
        self.default_date = default_date
        self.week_year = week_year
        self._session = app_session

    def compose(self) -> ComposeResult:
        with Vertical(classes="form-dialog", id="meeting-form"):
            yield Label("Nytt møte", classes="title")
            yield Label("Møtedato (dd.mm.åååå eller «uke 43»)")
            yield Input(format_date(self.default_date), id="meeting-date")
            yield Static(id="meeting-date-info", classes="form-info")
            with RadioSet(id="meeting-kind"):
                yield RadioButton("Ordinært møte", id="meeting-ordinary")
                yield RadioButton("Ekstraordinært møte", id="meeting-extraordinary", value=True)
            yield Label("Sted")
            yield Input(placeholder="f.eks. Teams eller Mosjøen", id="meeting-place")
            yield Checkbox(
                "Legg til faste saker (Orienteringer fra sekretariatet, Eventuelt)",
                True,
                id="meeting-standing",
            )
            yield Static(classes="form-error")
            yield from self._buttons("Opprett (ctrl+s)")

    def on_mount(self) -> None:
        self.query_one("#meeting-date", Input).focus()
        self._describe(self.query_one("#meeting-date", Input).value)

    def _describe(self, text: str) -> None:
        info = self.query_one("#meeting-date-info", Static)
        try:
            on = case_logic.parse_meeting_date(text, self.week_year)
        except case_logic.CaseError as exc:
            info.update(str(exc))
            return
        line = f"{('mandag', 'tirsdag', 'onsdag', 'torsdag', 'fredag', 'lørdag', 'søndag')[on.weekday()]} {format_date(on)}"
        with self._session() as session:
            others = case_logic.meetings_on(session, on)
        if others:
            line += f" · ⚠ det finnes allerede {case_logic.meeting_title(others[0]).lower()}"
        info.update(line)

    @on(Input.Changed, "#meeting-date")
    def _date_changed(self, event: Input.Changed) -> None:
        self._describe(event.value)

    def values(self) -> dict[str, Any]:
        return {
            "date": self.query_one("#meeting-date", Input).value,
            "extraordinary": self.query_one("#meeting-extraordinary", RadioButton).value,
            "place": self.query_one("#meeting-place", Input).value,
            "standing": self.query_one("#meeting-standing", Checkbox).value,
        }


class NumberScreen(_FormScreen):
    """A case number to use ("28/2025" or "28-2025"), prefilled with the next free one."""

    def __init__(self, submit: Submit, *, title: str, proposed: str) -> None:
        super().__init__(submit)
        self.heading = title
        self.proposed = proposed

    def compose(self) -> ComposeResult:
        with Vertical(classes="form-dialog", id="number-form"):
            yield Label(self.heading, classes="title")
            yield Label("Saksnummer (f.eks. 28/2025 eller 28-2025; forslaget er neste ledige)")
            yield Input(self.proposed, id="case-number")
            yield Static(classes="form-error")
            yield from self._buttons("Lag saken (ctrl+s)")

    def on_mount(self) -> None:
        self.query_one("#case-number", Input).focus()

    def values(self) -> dict[str, Any]:
        return {"number": self.query_one("#case-number", Input).value.strip()}


class OrientationScreen(_FormScreen):
    """En orienteringssak: title and the text of the saksopplysninger."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="form-dialog", id="orientation-form"):
            yield Label("Ny orienteringssak", classes="title")
            yield Label("Tittel")
            yield Input(placeholder="f.eks. Orientering om status fra FSU", id="orientation-title")
            yield Label("Saksopplysninger")
            yield TextArea(id="orientation-text", soft_wrap=True)
            yield Static(classes="form-error")
            yield from self._buttons("Legg til (ctrl+s)")

    def on_mount(self) -> None:
        self.query_one("#orientation-title", Input).focus()

    def values(self) -> dict[str, Any]:
        return {
            "title": self.query_one("#orientation-title", Input).value,
            "text": self.query_one("#orientation-text", TextArea).text,
        }


class ConfirmScreen(ModalScreen[bool]):
    """Ja/nei before something that cannot be undone."""

    BINDINGS = [
        Binding("j", "answer(True)", "Ja", id="confirm-yes", tooltip="Ja, gjør det"),
        Binding("n,escape", "answer(False)", "Nei", id="confirm-no", tooltip="Nei, avbryt"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="form-dialog", id="confirm-dialog"):
            yield Static(self.question, id="confirm-question")
            with Horizontal(classes="form-buttons"):
                yield Button("Ja (j)", id="confirm-ok", variant="error")
                yield Button("Nei (n)", id="confirm-cancel")

    def on_mount(self) -> None:
        self.query_one("#confirm-cancel", Button).focus()

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

    @on(Button.Pressed, "#confirm-ok")
    def _yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#confirm-cancel")
    def _no(self) -> None:
        self.dismiss(False)


class CasesScreen(Screen[None]):
    """Møter og saksfremlegg."""

    CSS_PATH = "../styles/cases.tcss"
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
        Binding("tab", "switch_table", "Bytt liste", show=False, id="cases-switch"),
        Binding("escape", "back", "Tilbake", id="cases-back", tooltip="Tilbake til porteføljen"),
    ]

    def __init__(self, round_id: int | None = None) -> None:
        super().__init__()
        self.round_id = round_id
        self.meeting_id: int | None = None
        self._round_label = ""

    @property
    def rsapp(self) -> RsApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon="")
        yield Static(id="cases-round")
        with Horizontal(id="cases-body"):
            with Vertical(id="meetings-pane"):
                yield Label("Møter", classes="title")
                yield DataTable(id="meetings", cursor_type="row", zebra_stripes=True)
            with Vertical(id="saksliste-pane"):
                yield Label("Saksliste", classes="title", id="saksliste-title")
                yield DataTable(id="saksliste", cursor_type="row", zebra_stripes=True)
        with Horizontal(classes="cases-buttons"):
            yield Label("Møte:", classes="button-group")
            yield Button("Nytt (n)", id="btn-new-meeting", tooltip="Nytt møte: dato, type og sted")
            yield Button("Endelig (e)", id="btn-final", tooltip="Sett møtet endelig eller tilbake til utkast")
            yield Button("Slett (X)", id="btn-delete-meeting", variant="error", tooltip="Slett møtet")
            yield Button("Word (w)", id="btn-docx")
            yield Button("PDF (d)", id="btn-pdf")
        with Horizontal(classes="cases-buttons"):
            yield Label("Sak:", classes="button-group")
            yield Button("Prioriteringssak (p)", id="btn-draft", variant="primary")
            yield Button("Orientering (o)", id="btn-orientation")
            yield Button("Faste saker (f)", id="btn-standing")
            yield Button("Åpne (↵)", id="btn-open")
            yield Button("Opp (alt+↑)", id="btn-up")
            yield Button("Ned (alt+↓)", id="btn-down")
            yield Button("Slett (x)", id="btn-delete-case", variant="error")
        yield Static(id="cases-status")
        yield Footer()

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
        self._load_round()
        self.reload()
        meetings.focus()

    # --- data ----------------------------------------------------------------------------------

    def _load_round(self) -> None:
        from rsapp.models import Round
        from rsapp.portfolio import default_round, pot_header, round_allocation

        with self.rsapp.session() as session:
            if self.round_id is None:
                info = default_round(session)
                self.round_id = info.id if info else None
            round_ = session.get(Round, self.round_id) if self.round_id is not None else None
            if round_ is None:
                self._round_label = "Ingen runde valgt: prioriteringssaken kan ikke lages."
            else:
                meeting_day = format_date(case_logic.default_meeting_date(round_))
                self._round_label = (
                    f"{round_.name} · møteuke {round_.meeting_week or 43} ({meeting_day}) · "
                    f"{pot_header(round_allocation(session, round_.id))}"  # type: ignore[arg-type]
                )
        self.query_one("#cases-round", Static).update(self._round_label)

    def reload(self, select_meeting: int | None = None, select_case: int | None = None) -> None:
        meetings = self.query_one("#meetings", DataTable)
        with self.rsapp.session() as session:
            summaries = case_logic.list_meetings(session)
        meetings.clear()
        for item in summaries:
            m = item.meeting
            meetings.add_row(
                format_date(m.date),
                "Ekstraordinært" if m.extraordinary else "Ordinært",
                m.place,
                str(item.cases),
                "Endelig" if m.final else "Utkast",
                key=str(m.id),
            )
        wanted = select_meeting or self.meeting_id
        ids = [item.meeting.id for item in summaries]
        if wanted in ids:
            meetings.move_cursor(row=ids.index(wanted))
        self.meeting_id = wanted if wanted in ids else (ids[0] if ids else None)
        self._load_saksliste(select_case)

    def _load_saksliste(self, select_case: int | None = None) -> None:
        table = self.query_one("#saksliste", DataTable)
        previous = self.selected_case_id()
        table.clear()
        title = "Saksliste"
        if self.meeting_id is not None:
            with self.rsapp.session() as session:
                meeting = case_logic.get_meeting(session, self.meeting_id)
                title = f"Saksliste – {case_logic.meeting_title(meeting)}"
                listed = case_logic.meeting_cases(session, self.meeting_id)
                counts = {c.id: len(case_logic.case_points(session, c.id)) for c in listed}  # type: ignore[arg-type]
            for case in listed:
                table.add_row(
                    format_case_number(case.number, case.year),
                    case.title,
                    CASE_TYPE_LABELS.get(case.case_type, case.case_type),
                    str(counts[case.id]),
                    key=str(case.id),
                )
            wanted = select_case or previous
            ids = [c.id for c in listed]
            if wanted in ids:
                table.move_cursor(row=ids.index(wanted))
        self.query_one("#saksliste-title", Label).update(title)

    def selected_case_id(self) -> int | None:
        table = self.query_one("#saksliste", DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return int(key) if key is not None else None

    def _status(self, text: str) -> None:
        self.query_one("#cases-status", Static).update(text)

    @on(DataTable.RowHighlighted, "#meetings")
    def _meeting_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is not None and int(event.row_key.value) != self.meeting_id:
            self.meeting_id = int(event.row_key.value)
            self._load_saksliste()

    @on(DataTable.RowSelected, "#meetings")
    def _meeting_selected(self) -> None:
        self.query_one("#saksliste", DataTable).focus()

    @on(DataTable.RowSelected, "#saksliste")
    def _case_selected(self) -> None:
        self.action_open_case()

    # --- actions -------------------------------------------------------------------------------

    def _fail(self, exc: Exception) -> None:
        self.notify(str(exc), severity="error", timeout=8)
        self._status(f"⚠ {exc}")

    def _round_defaults(self) -> tuple[date, int | None]:
        """The round's meeting day (Monday of its meeting week) and its helsefellesskap."""
        from rsapp.models import Round

        round_ = None
        if self.round_id is not None:
            with self.rsapp.session() as session:
                round_ = session.get(Round, self.round_id)
        if round_ is None:
            return self.rsapp.today, None
        return case_logic.default_meeting_date(round_), round_.helsefellesskap_id

    def action_new_meeting(self) -> None:
        default, helsefellesskap_id = self._round_defaults()

        def submit(values: dict[str, Any]) -> str | None:
            with self.rsapp.session() as session:
                try:
                    on = case_logic.parse_meeting_date(values["date"], default.year)
                    others = case_logic.meetings_on(session, on)
                    meeting = case_logic.create_meeting(
                        session,
                        on=on,
                        extraordinary=values["extraordinary"],
                        place=values["place"],
                        helsefellesskap_id=helsefellesskap_id,
                        standing_cases=values["standing"],
                    )
                except (case_logic.CaseError, CaseNumberError, ValueError) as exc:
                    return str(exc)
                label = case_logic.meeting_title(meeting)
            self.reload(select_meeting=meeting.id)
            if others:
                self.notify(
                    f"Opprettet {label}. Merk: det finnes allerede et møte {format_date(on)}.",
                    severity="warning",
                    timeout=8,
                )
            else:
                self.notify(f"Opprettet {label}.")
            self._status(f"Opprettet {label}. Trykk p for å lage prioriteringssaken.")
            return None

        self.app.push_screen(
            MeetingFormScreen(
                submit, default_date=default, week_year=default.year, app_session=self.rsapp.session
            )
        )

    def action_draft_prioritisation(self) -> None:
        from sqlmodel import select

        from rsapp.models import Case

        if self.meeting_id is None:
            self.notify("Opprett eller velg et møte først (n).", severity="warning")
            return
        if self.round_id is None:
            self.notify("Ingen runde å lage prioriteringssak for.", severity="warning")
            return
        meeting_id, round_id = self.meeting_id, self.round_id
        with self.rsapp.session() as session:
            existing = session.exec(
                select(Case).where(
                    Case.meeting_id == meeting_id,
                    Case.round_id == round_id,
                    Case.kind == case_logic.KIND_PRIORITISATION,
                )
            ).first()
            if existing is not None:
                self.notify("Møtet har allerede prioriteringssaken; den åpnes.", severity="information")
                self._open(existing.id)  # type: ignore[arg-type]
                return
            try:
                meeting = case_logic.get_meeting(session, meeting_id)
                proposed = format_case_number(
                    case_logic.proposed_number(session, meeting_id, case_logic.KIND_PRIORITISATION),
                    meeting.date.year,
                )
            except (case_logic.CaseError, CaseNumberError) as exc:
                self._fail(exc)
                return

        def submit(values: dict[str, Any]) -> str | None:
            from rsapp.saksfremlegg.drafting import create_prioritisation_case

            typed = values["number"]
            number = None if typed in ("", proposed) else typed
            with self.rsapp.session() as session:
                try:
                    case = create_prioritisation_case(session, meeting_id, round_id, number=number)
                except (case_logic.CaseError, CaseNumberError, ValueError) as exc:
                    return str(exc)
                label = case_logic.case_label(case)
            self.reload(select_case=case.id)
            self.notify(f"Laget {label}.")
            self._status(f"Laget {label} fra rundens tall. Enter åpner saken.")
            return None

        self.app.push_screen(NumberScreen(submit, title="Ny prioriteringssak", proposed=proposed))

    def action_orientation_case(self) -> None:
        if self.meeting_id is None:
            self.notify("Opprett eller velg et møte først (n).", severity="warning")
            return
        meeting_id = self.meeting_id

        def submit(values: dict[str, Any]) -> str | None:
            with self.rsapp.session() as session:
                try:
                    case = case_logic.add_orientation_case(session, meeting_id, values["title"])
                    if values["text"].strip():
                        case = case_logic.update_case(session, case.id, saksopplysninger=values["text"])  # type: ignore[arg-type]
                except (case_logic.CaseError, CaseNumberError) as exc:
                    return str(exc)
                label = case_logic.case_label(case)
            self.reload(select_case=case.id)
            self.notify(f"La til {label}.")
            return None

        self.app.push_screen(OrientationScreen(submit))

    def action_standing_cases(self) -> None:
        if self.meeting_id is None:
            self.notify("Opprett eller velg et møte først (n).", severity="warning")
            return
        with self.rsapp.session() as session:
            try:
                added = case_logic.add_standing_cases(session, self.meeting_id)
            except (case_logic.CaseError, CaseNumberError) as exc:
                self._fail(exc)
                return
        self.reload()
        self.notify(
            "La til " + ", ".join(c.title for c in added) if added else "Møtet har allerede de faste sakene."
        )

    def action_delete_case(self) -> None:
        case_id = self.selected_case_id()
        if case_id is None:
            self.notify("Ingen sak valgt.", severity="warning")
            return
        with self.rsapp.session() as session:
            label = case_logic.case_label(case_logic.get_case(session, case_id))

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            with self.rsapp.session() as session:
                try:
                    case_logic.delete_case(session, case_id)
                except (case_logic.CaseError, CaseNumberError) as exc:
                    self._fail(exc)
                    return
            self.reload()
            self.notify(f"Slettet {label}.")
            self._status(f"Slettet {label}. Sakene etter den har rykket opp ett nummer.")

        self.app.push_screen(
            ConfirmScreen(f"Slette {label}?\nInnstillingen og tekstene slettes også."), callback=answered
        )

    def action_delete_meeting(self) -> None:
        meeting_id = self.meeting_id
        if meeting_id is None:
            self.notify("Ingen møte valgt.", severity="warning")
            return
        with self.rsapp.session() as session:
            title = case_logic.meeting_title(case_logic.get_meeting(session, meeting_id))
            count = len(case_logic.meeting_cases(session, meeting_id))

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            with self.rsapp.session() as session:
                try:
                    case_logic.delete_meeting(session, meeting_id)
                except (case_logic.CaseError, CaseNumberError) as exc:
                    self._fail(exc)
                    return
            self.meeting_id = None
            self.reload()
            self.notify(f"Slettet {title}.")

        saker = "1 sak" if count == 1 else f"{count} saker"
        self.app.push_screen(
            ConfirmScreen(f"Slette {title}?\nMøtet har {saker}, som slettes med det."), callback=answered
        )

    def action_toggle_final(self) -> None:
        if self.meeting_id is None:
            self.notify("Ingen møte valgt.", severity="warning")
            return
        with self.rsapp.session() as session:
            try:
                meeting = case_logic.get_meeting(session, self.meeting_id)
                meeting = case_logic.set_meeting_final(session, self.meeting_id, not meeting.final)
            except (case_logic.CaseError, CaseNumberError) as exc:
                self._fail(exc)
                return
            title = case_logic.meeting_title(meeting)
        self.reload()
        if meeting.final:
            self.notify(f"{title} er endelig: sakene beholder numrene sine og kan ikke endres.")
        else:
            self.notify(f"{title} er tilbake til utkast.")

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
        with self.rsapp.session() as session:
            try:
                case_logic.move_case(session, case_id, delta)
            except (case_logic.CaseError, CaseNumberError) as exc:
                self._fail(exc)
                return
        self.reload(select_case=case_id)
        self.query_one("#saksliste", DataTable).focus()

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
    def _render_meeting(self, meeting_id: int, fmt: str) -> Path:
        from rsapp.saksfremlegg.render import meeting_file_name, render_meeting

        with self.rsapp.session() as session:
            content = render_meeting(session, meeting_id, fmt)
            target = documents_dir() / meeting_file_name(session, meeting_id, fmt)
        from rsapp.files import write_atomic

        return write_atomic(target, content)  # temp file + rename, mode 0600; FileWriteError in Norwegian

    @on(Worker.StateChanged)
    def _render_done(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "render" or event.state not in (WorkerState.SUCCESS, WorkerState.ERROR):
            return
        self.query_one("#cases-body").loading = False
        if event.state == WorkerState.SUCCESS:
            self.notify(f"Møtedokumentet er lagret i {event.worker.result}", timeout=12)
            self._status(f"Møtedokumentet er lagret i {event.worker.result}")
        else:
            self._fail(event.worker.error)  # type: ignore[arg-type]

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
