"""Møter og saker: the meetings, each meeting's saksliste, and the way into a case.

The screen only presents and calls `rsapp.saksfremlegg` (cases, drafting, render). From here
the secretariat creates the extraordinary SSU meeting in week 43 of the round's deadline
year, drafts the prioritisation case from the round's data, adds the standing cases,
reorders the saksliste (drafts are renumbered), opens a case and makes Word/PDF documents.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Header, Label, Static
from textual.worker import Worker, WorkerState

from rsapp.dates import format_date
from rsapp.saksfremlegg import cases as case_logic
from rsapp.saksfremlegg.numbering import CaseNumberError, format_case_number
from rsapp.vocab import CASE_TYPE_LABELS

if TYPE_CHECKING:
    from rsapp.app import RsApp

__all__ = ["CasesScreen"]


def documents_dir() -> Path:
    """Where rendered documents are written: <datamappe>/dokumenter."""
    from rsapp.config import user_data_dir

    folder = user_data_dir() / "dokumenter"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class CasesScreen(Screen[None]):
    """Møter og saksfremlegg."""

    CSS_PATH = "../styles/cases.tcss"
    BINDINGS = [
        Binding(
            "n",
            "new_meeting",
            "Nytt møte",
            id="cases-new-meeting",
            tooltip="Ekstraordinært møte i møteuka (uke 43)",
        ),
        Binding(
            "p",
            "draft_prioritisation",
            "Prioriteringssak",
            id="cases-draft",
            tooltip="Lag prioriteringssaken fra tallene",
        ),
        Binding(
            "f",
            "standing_cases",
            "Faste saker",
            id="cases-standing",
            tooltip="Orienteringer fra sekretariatet og Eventuelt",
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
        with Horizontal(id="cases-buttons"):
            yield Button(
                "Nytt møte uke 43 (n)", id="btn-new-meeting", tooltip="Ekstraordinært møte i møteuka"
            )
            yield Button("Prioriteringssak (p)", id="btn-draft", variant="primary")
            yield Button("Faste saker (f)", id="btn-standing")
            yield Button("Åpne sak (↵)", id="btn-open")
            yield Button("Opp (alt+↑)", id="btn-up")
            yield Button("Ned (alt+↓)", id="btn-down")
            yield Button("Word (w)", id="btn-docx")
            yield Button("PDF (d)", id="btn-pdf")
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

    def action_new_meeting(self) -> None:
        from rsapp.models import Round

        if self.round_id is None:
            self.notify("Velg en runde i porteføljen først.", severity="warning")
            return
        with self.rsapp.session() as session:
            round_ = session.get(Round, self.round_id)
            try:
                meeting = case_logic.create_meeting(
                    session,
                    on=case_logic.default_meeting_date(round_),  # type: ignore[arg-type]
                    extraordinary=True,
                    helsefellesskap_id=round_.helsefellesskap_id,  # type: ignore[union-attr]
                )
            except (case_logic.CaseError, ValueError) as exc:
                self._fail(exc)
                return
            label = case_logic.meeting_title(meeting)
        self.reload(select_meeting=meeting.id)
        self.notify(f"Opprettet {label}.")
        self._status(f"Opprettet {label}. Trykk p for å lage prioriteringssaken.")

    def action_draft_prioritisation(self) -> None:
        from sqlmodel import select

        from rsapp.models import Case
        from rsapp.saksfremlegg.drafting import create_prioritisation_case

        if self.meeting_id is None:
            self.notify("Opprett eller velg et møte først (n).", severity="warning")
            return
        if self.round_id is None:
            self.notify("Ingen runde å lage prioriteringssak for.", severity="warning")
            return
        with self.rsapp.session() as session:
            existing = session.exec(
                select(Case).where(
                    Case.meeting_id == self.meeting_id,
                    Case.round_id == self.round_id,
                    Case.kind == "prioritering",
                )
            ).first()
            if existing is not None:
                self.notify("Møtet har allerede prioriteringssaken; den åpnes.", severity="information")
                self._open(existing.id)  # type: ignore[arg-type]
                return
            try:
                case = create_prioritisation_case(session, self.meeting_id, self.round_id)
            except (case_logic.CaseError, CaseNumberError, ValueError) as exc:
                self._fail(exc)
                return
            label = case_logic.case_label(case)
        self.reload(select_case=case.id)
        self.notify(f"Laget {label}.")
        self._status(f"Laget {label} fra rundens tall. Enter åpner saken.")

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
        from rsapp.saksfremlegg.render import render_meeting

        with self.rsapp.session() as session:
            meeting = case_logic.get_meeting(session, meeting_id)
            content = render_meeting(session, meeting_id, fmt)
            target = documents_dir() / f"moete-{meeting.date.isoformat()}.{fmt}"
        target.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        return target

    @on(Worker.StateChanged)
    def _render_done(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "render" or event.state not in (WorkerState.SUCCESS, WorkerState.ERROR):
            return
        self.query_one("#cases-body").loading = False
        if event.state == WorkerState.SUCCESS:
            self.notify(f"Skrev {event.worker.result}", timeout=8)
            self._status(f"Skrev {event.worker.result}")
        else:
            self._fail(event.worker.error)  # type: ignore[arg-type]

    @on(Button.Pressed)
    def _button(self, event: Button.Pressed) -> None:
        actions = {
            "btn-new-meeting": self.action_new_meeting,
            "btn-draft": self.action_draft_prioritisation,
            "btn-standing": self.action_standing_cases,
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
            "Møte: nytt ekstraordinært møte i uke 43", "Møtet der SSU prioriterer", self.action_new_meeting
        )
        yield SystemCommand(
            "Sak: ny prioriteringssak",
            "Lag saksfremlegget fra rundens tall",
            self.action_draft_prioritisation,
        )
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
