"""Møtets gang: one meeting from planlagt to protokoll godkjent, and the letter to Helse Nord.

The screen presents :mod:`rsapp.saksfremlegg.meeting_life`, :mod:`rsapp.saksfremlegg.vedtak`,
:mod:`rsapp.saksfremlegg.protokoll`, :mod:`rsapp.saksfremlegg.innkalling` and
:mod:`rsapp.saksfremlegg.oversendelse` and calls them through the app's database: the
innkalling's details (a form), sending it, marking the meeting held, who came, each case's
vedtak (as recommended, an amended point, the vote, inhabil, postponed), the protokoll as Word or
PDF (member or public version), approving it (then everything is locked), the meeting package as
a folder or one PDF, and the letter to Helse Nord with its deadline until it is sent.

Reads and changes run in thread workers that post past-tense messages; forms are typed dialogs
that keep what was typed when a change is refused.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Checkbox, DataTable, Header, Input, Label, Static, TextArea
from textual.worker import Worker, WorkerState

from rsapp.dialogs import ConfirmDialog, FormDialog
from rsapp.dialogs.form import FormError
from rsapp.messages import ChangeSaved, DocumentWritten, MeetingLifeLoaded, error_text
from rsapp.vocab import ATTENDANCE_LABELS, OUTCOME_LABELS
from rsapp.widgets.footer import KeyFooter
from rsapp.widgets.table import MeasuredTable

if TYPE_CHECKING:
    from rsapp.app import RsApp

__all__ = [
    "AmendRequest",
    "ApproveRequest",
    "DetailsRequest",
    "InhabilRequest",
    "MeetingLifeScreen",
    "PackageRequest",
    "VoteRequest",
]

#: Attendance cycles through these with the key m.
_ATTENDANCE_CYCLE = ("møtt", "forfall", "innkalt")


# --- forms --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DetailsRequest:
    start_time: str
    end_time: str
    place: str
    video_link: str
    chair: str
    secretary: str
    recipients: str
    forfall_to: str


class DetailsForm(FormDialog[DetailsRequest]):
    """Innkallingen: tid, sted eller videolenke, møteleder, referent, mottakere, forfall."""

    FORM_ID = "details-form"
    CSS_PATH = ["../styles/dialogs.tcss", "../styles/meeting_life.tcss"]

    def __init__(self, current: Any, *, apply: Callable[[DetailsRequest], object] | None = None) -> None:
        super().__init__(apply=apply)
        self.current = current

    def compose_fields(self) -> ComposeResult:
        m = self.current
        yield Label("Innkalling", classes="title")
        with Horizontal(classes="form-row"):
            yield Label("Fra kl.")
            yield Input(m.start_time, id="details-start", placeholder="09:00")
            yield Label("til kl.")
            yield Input(m.end_time, id="details-end", placeholder="12:00")
        yield Label("Sted")
        yield Input(m.place, id="details-place", placeholder="Møterom, adresse eller «Teams»")
        yield Label("Videolenke")
        yield Input(m.video_link, id="details-video", placeholder="https://…")
        yield Label("Møteleder")
        yield Input(m.chair, id="details-chair")
        yield Label("Referent")
        yield Input(m.secretary, id="details-secretary")
        yield Label("Forfall meldes til")
        yield Input(m.forfall_to, id="details-forfall", placeholder="e-post eller navn")
        yield Label("Mottakere (én per linje; tomt: medlemmene i registeret)")
        yield TextArea(m.recipients, id="details-recipients", tab_behavior="focus")

    def on_mount(self) -> None:
        self.query_one("#details-start", Input).focus()

    def value(self) -> DetailsRequest:
        def text(widget_id: str) -> str:
            return self.query_one(widget_id, Input).value.strip()

        return DetailsRequest(
            text("#details-start"),
            text("#details-end"),
            text("#details-place"),
            text("#details-video"),
            text("#details-chair"),
            text("#details-secretary"),
            self.query_one("#details-recipients", TextArea).text,
            text("#details-forfall"),
        )


@dataclass(frozen=True, slots=True)
class AmendRequest:
    number: int
    text: str
    amounts: str  # "2026=400000,2027=200000" or ""


class AmendForm(FormDialog[AmendRequest]):
    """Endre et punkt i vedtaket: ny tekst og eventuelt nye beløp per år."""

    FORM_ID = "amend-form"
    CSS_PATH = ["../styles/dialogs.tcss", "../styles/meeting_life.tcss"]

    def __init__(
        self, lines: list[Any], number: int, *, apply: Callable[[AmendRequest], object] | None = None
    ) -> None:
        super().__init__(apply=apply)
        self.lines = lines
        self.number = number

    def compose_fields(self) -> ComposeResult:
        line = self.lines[self.number - 1] if 0 < self.number <= len(self.lines) else None
        yield Label("Endre vedtakspunkt", classes="title")
        yield Label("Punkt nr.")
        yield Input(str(self.number), id="amend-number")
        yield Label("Ny tekst")
        yield TextArea(line.text if line else "", id="amend-text", soft_wrap=True, tab_behavior="focus")
        yield Label("Beløp per år (valgfritt, f.eks. 2026=400000,2027=200000)")
        yield Input("", id="amend-amounts")

    def on_mount(self) -> None:
        self.query_one("#amend-text", TextArea).focus()

    def value(self) -> AmendRequest:
        raw = self.query_one("#amend-number", Input).value.strip()
        if not raw.isdigit():
            raise FormError(f"Punktnummeret må være et tall, fikk «{raw}».")
        text = self.query_one("#amend-text", TextArea).text.strip()
        if not text:
            raise FormError("Skriv den nye teksten (eller stryk punktet i stedet).")
        return AmendRequest(int(raw), text, self.query_one("#amend-amounts", Input).value.strip())


@dataclass(frozen=True, slots=True)
class VoteRequest:
    unanimous: bool
    for_names: list[str]
    against_names: list[str]


class VoteForm(FormDialog[VoteRequest]):
    """Votering: enstemmig, eller navnene for og mot (kommaseparert)."""

    FORM_ID = "vote-form"

    def __init__(self, present: list[str], *, apply: Callable[[VoteRequest], object] | None = None) -> None:
        super().__init__(apply=apply)
        self.present = present

    def compose_fields(self) -> ComposeResult:
        yield Label("Votering", classes="title")
        yield Checkbox("Enstemmig", True, id="vote-unanimous")
        yield Label("For (navn, kommaseparert)")
        yield Input(", ".join(self.present), id="vote-for")
        yield Label("Mot (navn, kommaseparert)")
        yield Input("", id="vote-against")

    def value(self) -> VoteRequest:
        def names(widget_id: str) -> list[str]:
            return [n.strip() for n in self.query_one(widget_id, Input).value.split(",") if n.strip()]

        unanimous = self.query_one("#vote-unanimous", Checkbox).value
        against = names("#vote-against")
        if unanimous and against:
            raise FormError("En enstemmig votering har ingen stemmer mot; fjern haken eller navnene.")
        return VoteRequest(unanimous, [] if unanimous else names("#vote-for"), against)


@dataclass(frozen=True, slots=True)
class InhabilRequest:
    name: str
    basis: str
    note: str


class InhabilForm(FormDialog[InhabilRequest]):
    FORM_ID = "inhabil-form"

    def compose_fields(self) -> ComposeResult:
        from rsapp.vocab import DEFAULT_INHABIL_BASIS

        yield Label("Inhabil i saken", classes="title")
        yield Label("Navn")
        yield Input("", id="inhabil-name")
        yield Label("Hjemmel")
        yield Input(DEFAULT_INHABIL_BASIS, id="inhabil-basis")
        yield Label("Merknad (valgfritt)")
        yield Input("", id="inhabil-note")

    def on_mount(self) -> None:
        self.query_one("#inhabil-name", Input).focus()

    def value(self) -> InhabilRequest:
        name = self.query_one("#inhabil-name", Input).value.strip()
        if not name:
            raise FormError("Skriv navnet på den som fratrådte.")
        return InhabilRequest(
            name, self.query_one("#inhabil-basis", Input).value, self.query_one("#inhabil-note", Input).value
        )


@dataclass(frozen=True, slots=True)
class TextRequest:
    text: str


class TextForm(FormDialog[TextRequest]):
    """One line of text (a postponement's reason, a person's name)."""

    FORM_ID = "text-form"

    def __init__(
        self,
        title: str,
        label: str,
        *,
        required: bool = False,
        apply: Callable[[TextRequest], object] | None = None,
    ) -> None:
        super().__init__(apply=apply)
        self.heading, self.label, self.required = title, label, required

    def compose_fields(self) -> ComposeResult:
        yield Label(self.heading, classes="title")
        yield Label(self.label)
        yield Input("", id="text-value")

    def on_mount(self) -> None:
        self.query_one("#text-value", Input).focus()

    def value(self) -> TextRequest:
        text = self.query_one("#text-value", Input).value.strip()
        if self.required and not text:
            raise FormError(f"Skriv {self.label.lower()}.")
        return TextRequest(text)


@dataclass(frozen=True, slots=True)
class ApproveRequest:
    approved_by: str
    on: date


class ApproveForm(FormDialog[ApproveRequest]):
    """Godkjenn protokollen (kan ikke angres: møtet låses)."""

    FORM_ID = "approve-form"
    CSS_PATH = ["../styles/dialogs.tcss", "../styles/meeting_life.tcss"]
    OK_LABEL = "Godkjenn og lås (Ctrl+S)"

    def __init__(self, today: date, *, apply: Callable[[ApproveRequest], object] | None = None) -> None:
        super().__init__(apply=apply)
        self.today = today

    def compose_fields(self) -> ComposeResult:
        from rsapp.dates import format_date

        yield Label("Godkjenn protokollen", classes="title")
        yield Static(
            "Vedtakene skrives tilbake (tildelinger, statuser, avsetninger), og møtet, sakene og "
            "vedtakene låses. Dette kan ikke angres.",
            classes="form-note",
        )
        yield Label("Godkjent av")
        yield Input("", id="approve-by", placeholder="f.eks. «SSU per e-post» eller møteleders navn")
        yield Label("Dato")
        yield Input(format_date(self.today), id="approve-date")

    def on_mount(self) -> None:
        self.query_one("#approve-by", Input).focus()

    def value(self) -> ApproveRequest:
        from rsapp.dates import DateError, parse_date

        by = self.query_one("#approve-by", Input).value.strip()
        if not by:
            raise FormError("Skriv hvem som godkjente protokollen.")
        raw = self.query_one("#approve-date", Input).value
        try:
            return ApproveRequest(by, parse_date(raw))
        except DateError as exc:
            raise FormError(f"Kan ikke lese datoen «{raw}»: skriv den som dd.mm.åååå.") from exc


@dataclass(frozen=True, slots=True)
class PackageRequest:
    path: str
    as_pdf: bool
    signer: str = ""


class PackageForm(FormDialog[PackageRequest]):
    """Where to write a package (a folder, or one PDF)."""

    FORM_ID = "package-form"
    OK_LABEL = "Skriv (Ctrl+S)"

    def __init__(
        self,
        title: str,
        default: Path,
        *,
        signer: bool = False,
        apply: Callable[[PackageRequest], object] | None = None,
    ) -> None:
        super().__init__(apply=apply)
        self.heading, self.default, self.signer = title, default, signer

    def compose_fields(self) -> ComposeResult:
        yield Label(self.heading, classes="title")
        yield Label("Mappe (eller PDF-fil)")
        yield Input(str(self.default), id="package-path")
        yield Checkbox("Alt i én PDF (LibreOffice)", False, id="package-pdf")
        if self.signer:
            yield Label("Signatur")
            yield Input("Sekretariatet", id="package-signer")

    def value(self) -> PackageRequest:
        path = self.query_one("#package-path", Input).value.strip()
        if not path:
            raise FormError("Skriv hvor pakken skal skrives.")
        signer = self.query_one("#package-signer", Input).value.strip() if self.signer else ""
        return PackageRequest(path, self.query_one("#package-pdf", Checkbox).value, signer)


# --- the screen ---------------------------------------------------------------------------------


class MeetingLifeScreen(Screen[None]):
    """Møtets gang: innkalling, oppmøte, vedtak, protokoll, oversendelse."""

    CSS_PATH = "../styles/meeting_life.tcss"
    #: Its own writes, which a live refresh waits for (rsapp.screens.shared_session).
    LIVE_WAITS_FOR = ("life-change",)
    BINDINGS = [
        Binding(
            "i",
            "details",
            "Innkalling",
            id="life-details",
            tooltip="Tid, sted, møteleder, mottakere, forfall",
        ),
        Binding("s", "summon", "Send", id="life-summon", tooltip="Innkallingen er sendt: møtet blir innkalt"),
        Binding("h", "held", "Avholdt", id="life-held", tooltip="Møtet er holdt: vedtakene kan føres"),
        Binding(
            "r",
            "summon_members",
            "Medlemmer",
            id="life-members",
            tooltip="Innkall SSU-medlemmene fra registeret",
        ),
        Binding("m", "cycle_attendance", "Oppmøte", id="life-attendance", tooltip="Møtt → forfall → innkalt"),
        Binding(
            "v", "as_recommended", "Som innstilt", id="life-as-recommended", tooltip="Vedtak som innstilt"
        ),
        Binding("V", "all_as_recommended", "Alle som innstilt", show=False, id="life-all-as-recommended"),
        Binding("e", "amend", "Endre punkt", id="life-amend", tooltip="Endre et punkt i vedtaket"),
        Binding("t", "vote", "Votering", id="life-vote", tooltip="Enstemmig eller for/mot med navn"),
        Binding("x", "inhabil", "Inhabil", id="life-inhabil", tooltip="Et medlem fratrådte som inhabil"),
        Binding("u", "postpone", "Utsett", id="life-postpone", tooltip="Saken utsettes til neste møte"),
        Binding("w", "protokoll('docx')", "Protokoll", id="life-protokoll", tooltip="Protokollen som Word"),
        Binding("d", "protokoll('pdf')", "PDF", show=False, id="life-protokoll-pdf"),
        Binding("o", "protokoll_public", "Offentlig", show=False, id="life-protokoll-public"),
        Binding("g", "approve", "Godkjenn", id="life-approve", tooltip="Godkjenn protokollen og lås møtet"),
        Binding(
            "k", "package", "Pakke", id="life-package", tooltip="Innkalling, saksfremlegg og vedlegg samlet"
        ),
        Binding(
            "l", "letter", "Brev til Helse Nord", id="life-letter", tooltip="Oversendelse med regional liste"
        ),
        Binding("L", "letter_sent", "Sendt", show=False, id="life-letter-sent"),
        Binding("b", "step_back", "Tilbake et steg", show=False, id="life-step-back"),
        Binding(
            "f",
            "follow_up",
            "Oppfølging",
            id="life-follow-up",
            tooltip="Tildelinger, utbetalinger, rapporter",
        ),
        Binding("tab", "switch_table", "Bytt liste", show=False, id="life-switch"),
        Binding("escape", "back", "Tilbake", id="life-back", tooltip="Tilbake til møtene"),
    ]

    def __init__(self, meeting_id: int) -> None:
        super().__init__()
        self.meeting_id = meeting_id
        self.life: Any = None
        self.views: list[Any] = []
        self._write_lock = threading.Lock()

    @property
    def rsapp(self) -> RsApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon="")
        # The meeting's title, the deadlines and the messages carry names from the database and
        # file paths: plain text, never markup.
        yield Static(id="life-status", markup=False)
        yield Static(id="life-deadline", markup=False)
        with Horizontal(id="life-body"):
            with Vertical(id="life-left"):
                yield Label("Innkalling", classes="title")
                yield MeasuredTable(id="life-facts", cursor_type="none", show_header=False)
                yield Label("Oppmøte (m: møtt/forfall)", classes="title")
                yield MeasuredTable(id="life-people", cursor_type="row", zebra_stripes=True)
            with Vertical(id="life-right"):
                yield Label("Saker og vedtak", classes="title")
                yield MeasuredTable(id="life-cases", cursor_type="row", zebra_stripes=True)
                with VerticalScroll(id="life-vedtak-pane"):
                    yield Static(id="life-vedtak")
        with Horizontal(classes="button-row life-buttons"):
            yield Label("Møte:", classes="button-group")
            yield Button("Innkalling (i)", id="btn-life-details")
            yield Button("Send (s)", id="btn-life-summon")
            yield Button("Avholdt (h)", id="btn-life-held")
            yield Button("Protokoll (w)", id="btn-life-protokoll")
            yield Button("Godkjenn (g)", id="btn-life-approve", variant="warning")
        with Horizontal(classes="button-row life-buttons"):
            yield Label("Sak:", classes="button-group")
            yield Button("Som innstilt (v)", id="btn-life-recommended", variant="primary")
            yield Button("Endre (e)", id="btn-life-amend")
            yield Button("Votering (t)", id="btn-life-vote")
            yield Button("Inhabil (x)", id="btn-life-inhabil")
            yield Button("Utsett (u)", id="btn-life-postpone")
        yield Static(id="life-message", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = "Møtets gang"
        people = self.query_one("#life-people", DataTable)
        for key, label in (("name", "Navn"), ("role", "Rolle"), ("status", "Oppmøte")):
            people.add_column(label, key=key)
        cases = self.query_one("#life-cases", DataTable)
        for key, label in (("number", "Saksnr"), ("title", "Sak"), ("outcome", "Vedtak")):
            cases.add_column(label, key=key)
        facts = self.query_one("#life-facts", DataTable)
        facts.add_column("", key="label")
        facts.add_column("", key="value")
        self.reload()
        cases.focus()

    # --- reading -------------------------------------------------------------------------------

    def reload(self, select_case: int | None = None) -> None:
        self._read_life(select_case)

    def live_refresh(self) -> bool:
        """Another session changed the database: read the meeting again, the case selected kept."""
        self.reload()
        return True

    @work(thread=True, exclusive=True, exit_on_error=False, group="life-load", description="Leser møtet")
    def _read_life(self, select_case: int | None) -> None:
        db, meeting_id, today = self.rsapp.db, self.meeting_id, self.rsapp.today

        def read(session: Any) -> MeetingLifeLoaded:
            from rsapp.saksfremlegg.meeting_life import meeting_life
            from rsapp.saksfremlegg.oversendelse import forwarding_state
            from rsapp.saksfremlegg.vedtak import meeting_vedtak

            life = meeting_life(session, meeting_id)
            rounds = sorted({c.round_id for c in life.cases if c.round_id})
            lines = [forwarding_state(session, r, today=today).line for r in rounds]
            return MeetingLifeLoaded(life, meeting_vedtak(session, meeting_id), lines, select_case)

        self.post_message(db.call(read))

    @on(MeetingLifeLoaded)
    def _loaded(self, message: MeetingLifeLoaded) -> None:
        life = self.life = message.life
        self.views = message.vedtak
        self.sub_title = life.title
        status = f"{life.title} · {life.status_label}"
        if life.locked:
            status += " · 🔒 låst"
        if life.missing:
            status += f" · mangler: {', '.join(life.missing)}"
        elif life.next_step:
            status += f" · neste: {life.next_step.lower()}"
        self.query_one("#life-status", Static).update(status)
        self.query_one("#life-deadline", Static).update("  ·  ".join(message.deadlines))
        facts = self.query_one("#life-facts", DataTable)
        facts.clear()
        for label, value in life.details:
            facts.add_row(label, value)
        people = self.query_one("#life-people", DataTable)
        cursor = people.cursor_row
        people_rows = [(person.name, person.role, person.status_label) for person in life.attendees]
        if people_rows != getattr(self, "_people_rows", None):  # a live refresh with nothing new: no flicker
            self._people_rows = people_rows
            people.clear()
            for row in people_rows:
                people.add_row(*row, key=row[0])
            if life.attendees:
                people.move_cursor(row=min(cursor, len(life.attendees) - 1))
        from rsapp.saksfremlegg.numbering import format_case_number

        table = self.query_one("#life-cases", DataTable)
        previous = self.selected_case_id()
        case_rows = []
        for view in self.views:
            outcome = OUTCOME_LABELS.get(view.outcome, view.outcome)
            if view.vedtak is not None and view.vedtak.vote == "votering":
                outcome += f" ({view.vedtak.votes_for}–{view.vedtak.votes_against})"
            if view.inhabil:
                outcome += " · inhabil: " + ", ".join(name for name, _, _ in view.inhabil)
            case_rows.append(
                (
                    str(view.case.id),
                    format_case_number(view.case.number, view.case.year),
                    view.case.title,
                    outcome,
                )
            )
        if case_rows != getattr(self, "_case_rows", None):  # a live refresh with nothing new: no flicker
            self._case_rows = case_rows
            table.clear()
            for key, *cells in case_rows:
                table.add_row(*cells, key=key)
        wanted = message.select_case or previous
        ids = [view.case.id for view in self.views]
        if wanted in ids:
            table.move_cursor(row=ids.index(wanted))
        self._show_vedtak()

    def selected_case_id(self) -> int | None:
        key = self.query_one("#life-cases", MeasuredTable).selected_key()
        return int(key) if key is not None else None

    def _view(self) -> Any:
        case_id = self.selected_case_id()
        return next((v for v in self.views if v.case.id == case_id), None)

    def _selected_person(self) -> str | None:
        return self.query_one("#life-people", MeasuredTable).selected_key()

    @on(DataTable.RowHighlighted, "#life-cases")
    def _case_highlighted(self) -> None:
        self._show_vedtak()

    def _show_vedtak(self) -> None:
        from rich.text import Text

        from rsapp.saksfremlegg.records import case_label
        from rsapp.saksfremlegg.vedtak import amounts_label

        view = self._view()
        out = Text()
        if view is not None:
            out.append(case_label(view.case) + "\n", style="bold")
            out.append(f"{view.outcome_label}\n\n")
            if not view.lines:
                out.append("Innstilling:\n", style="bold")
                for n, point in enumerate(view.innstilling, start=1):
                    out.append(f"{n}. {point.text}\n")
            for line in view.lines:
                style = "strike dim" if line.change == "strøket" else ""
                mark = "" if line.change == "uendret" else f" [{line.change_label.lower()}]"
                out.append(f"{line.number}.{mark} ", style="bold")
                out.append(line.text, style=style)
                if line.amounts is not None and line.counts:
                    out.append(f"  ({amounts_label(line.amounts)})", style="italic")
                out.append("\n")
                if line.change == "endret":
                    out.append(f"   Innstilling: {line.innstilling}\n", style="dim")
            for name, basis, _note in view.inhabil:
                out.append(f"\n{name} fratrådte som inhabil ({basis}).", style="italic")
            if view.vote_text:
                out.append(f"\n{view.vote_text}\n", style="bold")
        self.query_one("#life-vedtak", Static).update(out)

    # --- changing ------------------------------------------------------------------------------

    def _change(self, change: Callable[[], ChangeSaved]) -> None:
        self._run_change(change)

    @work(thread=True, exit_on_error=False, group="life-change", description="Lagrer endringen")
    def _run_change(self, change: Callable[[], ChangeSaved]) -> None:
        with self._write_lock:
            saved = change()
        self.post_message(saved)

    @on(ChangeSaved)
    def _saved(self, message: ChangeSaved) -> None:
        if message.notice:
            self.notify(message.notice, severity=message.severity, timeout=message.timeout or 6, markup=False)
        if message.status:
            self.query_one("#life-message", Static).update(message.status)
        if message.reload:
            self.reload(select_case=message.select_case)

    @on(Worker.StateChanged)
    def _failed(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR:
            return
        if event.worker.group == "life-render":
            self.query_one("#life-body").loading = False
        text = error_text(event.worker.error)
        self.notify(text, severity="error", timeout=8, markup=False)
        self.query_one("#life-message", Static).update(f"⚠ {text}")

    def _case_or_warn(self) -> int | None:
        case_id = self.selected_case_id()
        if case_id is None:
            self.notify("Velg en sak først.", severity="warning")
        return case_id

    # --- the meeting ---------------------------------------------------------------------------

    def action_details(self) -> None:
        if self.life is None:
            return
        db, meeting_id = self.rsapp.db, self.meeting_id

        def apply(request: DetailsRequest) -> None:
            from rsapp.saksfremlegg.meeting_life import set_details

            db.call(
                set_details,
                meeting_id,
                start_time=request.start_time,
                end_time=request.end_time,
                place=request.place,
                video_link=request.video_link,
                chair=request.chair,
                secretary=request.secretary,
                recipients=request.recipients,
                forfall_to=request.forfall_to,
            )

        self.app.push_screen(
            DetailsForm(self.life.meeting, apply=apply), callback=lambda _=None: self.reload()
        )

    def action_summon(self) -> None:
        db, meeting_id, today = self.rsapp.db, self.meeting_id, self.rsapp.today

        def summon() -> ChangeSaved:
            from rsapp.dates import format_date
            from rsapp.saksfremlegg.meeting_life import summon

            db.call(summon, meeting_id, on=today)
            return ChangeSaved(notice=f"Innkallingen er sendt {format_date(today)}; sakslisten er endelig.")

        self._confirm("Er innkallingen sendt? Sakslisten blir endelig.", summon, danger=False)

    def action_held(self) -> None:
        db, meeting_id, today = self.rsapp.db, self.meeting_id, self.rsapp.today

        def held() -> ChangeSaved:
            from rsapp.saksfremlegg.meeting_life import mark_held

            db.call(mark_held, meeting_id, today=today)
            return ChangeSaved(notice="Møtet er avholdt: før vedtakene.")

        self._confirm("Er møtet holdt?", held, danger=False)

    def action_step_back(self) -> None:
        db, meeting_id = self.rsapp.db, self.meeting_id

        def back() -> ChangeSaved:
            from rsapp.saksfremlegg.meeting_life import step_back

            db.call(step_back, meeting_id)
            return ChangeSaved(notice="Møtet er satt ett steg tilbake.")

        self._change(back)

    def _confirm(self, question: str, change: Callable[[], ChangeSaved], *, danger: bool = True) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                self._change(change)

        self.app.push_screen(ConfirmDialog(question, danger=danger), callback=answered)

    def action_summon_members(self) -> None:
        db, meeting_id = self.rsapp.db, self.meeting_id

        def summon() -> ChangeSaved:
            from rsapp.saksfremlegg.meeting_life import summon_members

            added = db.call(summon_members, meeting_id)
            return ChangeSaved(notice=f"Innkalte {added} medlemmer fra registeret.")

        self._change(summon)

    def action_cycle_attendance(self) -> None:
        name = self._selected_person()
        if name is None or self.life is None:
            self.notify("Ingen på oppmøtelisten ennå (r: innkall medlemmene).", severity="warning")
            return
        current = next((a.status for a in self.life.attendees if a.name == name), "innkalt")
        order = list(_ATTENDANCE_CYCLE)
        target = order[(order.index(current) + 1) % len(order)] if current in order else order[0]
        db, meeting_id = self.rsapp.db, self.meeting_id

        def mark() -> ChangeSaved:
            from rsapp.saksfremlegg.meeting_life import set_attendance

            db.call(set_attendance, meeting_id, name, target)
            return ChangeSaved(status=f"{name}: {ATTENDANCE_LABELS[target].lower()}")

        self._change(mark)

    # --- vedtak --------------------------------------------------------------------------------

    def _vedtak_change(self, function_name: str, *args: Any, notice: str = "", **kwargs: Any) -> None:
        case_id = self._case_or_warn()
        if case_id is None:
            return
        db = self.rsapp.db

        def run() -> ChangeSaved:
            from rsapp.saksfremlegg import vedtak

            db.call(getattr(vedtak, function_name), case_id, *args, **kwargs)
            return ChangeSaved(notice=notice, select_case=case_id)

        self._change(run)

    def action_as_recommended(self) -> None:
        self._vedtak_change("record_as_recommended", notice="Vedtatt som innstilt.")

    def action_all_as_recommended(self) -> None:
        db, ids = self.rsapp.db, [v.case.id for v in self.views if not v.outcome]

        def run() -> ChangeSaved:
            from rsapp.saksfremlegg.vedtak import record_as_recommended

            for case_id in ids:
                db.call(record_as_recommended, case_id)
            return ChangeSaved(notice=f"{len(ids)} saker vedtatt som innstilt.")

        self._change(run)

    def action_amend(self) -> None:
        view = self._view()
        if view is None:
            self.notify("Velg en sak først.", severity="warning")
            return
        # The vedtak's points once recorded, else the innstilling's; the first money point is offered.
        lines = view.lines or view.innstilling
        number = next((n for n, line in enumerate(lines, start=1) if line.application_id), 1)
        db, case_id = self.rsapp.db, view.case.id

        def apply(request: AmendRequest) -> None:
            from rsapp.saksfremlegg.vedtak import amend_point, parse_year_amounts

            amounts = parse_year_amounts(request.amounts) if request.amounts else None
            db.call(amend_point, case_id, request.number, request.text, amounts=amounts)

        self.app.push_screen(
            AmendForm(lines, number, apply=apply), callback=lambda _=None: self.reload(select_case=case_id)
        )

    def action_vote(self) -> None:
        view = self._view()
        if view is None or self.life is None:
            self.notify("Velg en sak først.", severity="warning")
            return
        inhabil = {name for name, _, _ in view.inhabil}
        present = [a.name for a in self.life.attendees if a.present and a.name not in inhabil]
        db, case_id = self.rsapp.db, view.case.id

        def apply(request: VoteRequest) -> None:
            from rsapp.saksfremlegg.vedtak import set_vote

            db.call(
                set_vote,
                case_id,
                unanimous=request.unanimous,
                for_names=request.for_names,
                against_names=request.against_names,
            )

        self.app.push_screen(
            VoteForm(present, apply=apply), callback=lambda _=None: self.reload(select_case=case_id)
        )

    def action_inhabil(self) -> None:
        case_id = self._case_or_warn()
        if case_id is None:
            return
        db = self.rsapp.db

        def apply(request: InhabilRequest) -> None:
            from rsapp.saksfremlegg.vedtak import set_inhabil

            db.call(set_inhabil, case_id, request.name, basis=request.basis, note=request.note)

        self.app.push_screen(
            InhabilForm(apply=apply), callback=lambda _=None: self.reload(select_case=case_id)
        )

    def action_postpone(self) -> None:
        case_id = self._case_or_warn()
        if case_id is None:
            return
        db = self.rsapp.db

        def apply(request: TextRequest) -> None:
            from rsapp.saksfremlegg.vedtak import postpone

            db.call(postpone, case_id, request.text)

        self.app.push_screen(
            TextForm("Utsett saken", "Grunn (valgfritt)", apply=apply),
            callback=lambda _=None: self.reload(select_case=case_id),
        )

    # --- documents and approval ----------------------------------------------------------------

    def action_protokoll(self, fmt: str, public: bool = False) -> None:
        self.query_one("#life-message", Static).update("Lager protokollen …")
        self.query_one("#life-body").loading = True
        self._render_protokoll(fmt, public)

    def action_protokoll_public(self) -> None:
        self.action_protokoll("docx", public=True)

    @work(
        thread=True, exclusive=True, exit_on_error=False, group="life-render", description="Lager protokollen"
    )
    def _render_protokoll(self, fmt: str, public: bool) -> None:
        from rsapp.saksfremlegg.protokoll import write_protokoll
        from rsapp.screens.cases import documents_dir

        path = self.rsapp.db.call(write_protokoll, self.meeting_id, fmt, documents_dir(), public=public)
        self.post_message(DocumentWritten(path))

    @on(DocumentWritten)
    def _written(self, message: DocumentWritten) -> None:
        self.query_one("#life-body").loading = False
        self.notify(f"Lagret i {message.path}", timeout=10, markup=False)
        self.query_one("#life-message", Static).update(f"Lagret i {message.path}")

    def action_approve(self) -> None:
        db, meeting_id = self.rsapp.db, self.meeting_id
        outcome: dict[str, Any] = {}

        def apply(request: ApproveRequest) -> None:
            from rsapp.saksfremlegg.protokoll import approve

            outcome["result"] = db.call(approve, meeting_id, approved_by=request.approved_by, on=request.on)

        def done(value: ApproveRequest | None) -> None:
            if value is None:
                return
            result = outcome.get("result")
            lines = [line for wb in (result.write_backs if result else []) for line in wb.lines]
            text = "Protokollen er godkjent og låst." + (f" {'; '.join(lines)}" if lines else "")
            self.notify(text, timeout=10, markup=False)
            self.query_one("#life-message", Static).update(text)
            self.reload()

        self.app.push_screen(ApproveForm(self.rsapp.today, apply=apply), callback=done)

    def action_package(self) -> None:
        from rsapp.screens.cases import documents_dir

        db, meeting_id, today = self.rsapp.db, self.meeting_id, self.rsapp.today
        default = documents_dir() / f"møtepakke-{self.life.meeting.date.isoformat() if self.life else 'møte'}"

        def apply(request: PackageRequest) -> None:
            from rsapp.saksfremlegg.innkalling import write_bundle

            bundle = db.call(write_bundle, meeting_id, Path(request.path), as_pdf=request.as_pdf, today=today)
            self.post_message(DocumentWritten(bundle.path))

        self.app.push_screen(PackageForm("Innkallingspakke", default, apply=apply))

    def _round_id(self) -> int | None:
        if self.life is None:
            return None
        rounds = sorted({c.round_id for c in self.life.cases if c.round_id})
        if not rounds:
            self.notify("Møtet har ingen prioriteringssak for en runde.", severity="warning")
            return None
        return rounds[0]

    def action_letter(self) -> None:
        from rsapp.screens.cases import documents_dir

        round_id = self._round_id()
        if round_id is None:
            return
        db, today = self.rsapp.db, self.rsapp.today
        default = documents_dir() / f"oversendelse-{today.isoformat()}"

        def apply(request: PackageRequest) -> None:
            from rsapp.saksfremlegg.oversendelse import write_letter

            package = db.call(
                write_letter,
                round_id,
                Path(request.path),
                as_pdf=request.as_pdf,
                letter_date=today,
                signer=request.signer,
            )
            self.post_message(DocumentWritten(package.path))

        self.app.push_screen(PackageForm("Brev til Helse Nord", default, signer=True, apply=apply))

    def action_letter_sent(self) -> None:
        round_id = self._round_id()
        if round_id is None:
            return
        db, today = self.rsapp.db, self.rsapp.today

        def sent() -> ChangeSaved:
            from rsapp.saksfremlegg.oversendelse import mark_sent

            state = db.call(mark_sent, round_id, on=today)
            return ChangeSaved(notice=state.line)

        self._confirm("Er brevet med den prioriterte listen sendt Helse Nord?", sent, danger=False)

    def action_follow_up(self) -> None:
        from rsapp.screens.followup import FollowUpScreen

        self.app.push_screen(FollowUpScreen(self._round_id() if self.life else None))

    def action_switch_table(self) -> None:
        cases = self.query_one("#life-cases", DataTable)
        (self.query_one("#life-people", DataTable) if cases.has_focus else cases).focus()

    def action_back(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed)
    def _button(self, event: Button.Pressed) -> None:
        actions: dict[str, Callable[[], object]] = {
            "btn-life-details": self.action_details,
            "btn-life-summon": self.action_summon,
            "btn-life-held": self.action_held,
            "btn-life-recommended": self.action_as_recommended,
            "btn-life-amend": self.action_amend,
            "btn-life-vote": self.action_vote,
            "btn-life-inhabil": self.action_inhabil,
            "btn-life-postpone": self.action_postpone,
            "btn-life-protokoll": lambda: self.action_protokoll("docx"),
            "btn-life-approve": self.action_approve,
        }
        action = actions.get(event.button.id or "")
        if action is not None:
            action()

    def palette_commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand(
            "Møte: innkallingens detaljer", "Tid, sted, møteleder, mottakere, forfall", self.action_details
        )
        yield SystemCommand(
            "Møte: send innkallingen", "Møtet blir innkalt, sakslisten endelig", self.action_summon
        )
        yield SystemCommand("Møte: avholdt", "Vedtakene kan føres", self.action_held)
        yield SystemCommand(
            "Møte: innkallingspakke", "Innkalling, saksfremlegg og vedlegg", self.action_package
        )
        yield SystemCommand("Vedtak: som innstilt", "Valgt sak", self.action_as_recommended)
        yield SystemCommand(
            "Vedtak: alle saker som innstilt", "Saker uten vedtak", self.action_all_as_recommended
        )
        yield SystemCommand("Vedtak: endre punkt", "Ny tekst og beløp", self.action_amend)
        yield SystemCommand("Vedtak: votering", "Enstemmig eller for/mot med navn", self.action_vote)
        yield SystemCommand("Vedtak: inhabil", "Et medlem fratrådte", self.action_inhabil)
        yield SystemCommand("Vedtak: utsett saken", "Tilbake i køen", self.action_postpone)
        yield SystemCommand("Protokoll: Word", "Medlemsversjon", lambda: self.action_protokoll("docx"))
        yield SystemCommand("Protokoll: PDF", "Krever LibreOffice", lambda: self.action_protokoll("pdf"))
        yield SystemCommand(
            "Protokoll: offentlig versjon", "Det som er unntatt, tas ut", self.action_protokoll_public
        )
        yield SystemCommand("Protokoll: godkjenn og lås", "Kan ikke angres", self.action_approve)
        yield SystemCommand("Oversendelse: brev til Helse Nord", "Med regional liste", self.action_letter)
        yield SystemCommand(
            "Oversendelse: marker sendt", "Fristen vises ikke lenger", self.action_letter_sent
        )
        yield SystemCommand(
            "Oppfølging: tildelinger og frister", "Utbetalinger og rapporter", self.action_follow_up
        )
