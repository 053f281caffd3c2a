"""Habilitet: the register of SSU members and assessors, their declared ties, the possible
conflicts rsapp flags in a round, and the decisions recorded (forvaltningsloven § 6).

The committee decides; this screen only flags and records. Reads and writes run in thread
workers that post :class:`RegisterLoaded`; every change is undoable and in the change log.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Label, Select, Static
from textual.worker import Worker, WorkerState

from rsapp.assessment import changes
from rsapp.assessment.reads import RegisterView, register_view
from rsapp.dialogs import FormDialog, FormError
from rsapp.messages import error_text
from rsapp.screens.assessment import PersonData, PersonForm
from rsapp.vocab import HABILITET_LABELS, TIE_KIND_LABELS
from rsapp.widgets.footer import KeyFooter
from rsapp.widgets.table import MeasuredTable

if TYPE_CHECKING:
    from rsapp.app import RsApp


@dataclass(eq=False)
class RegisterLoaded(Message):
    """The register and the round's flags were read (after a change: `notice` says what)."""

    view: RegisterView
    seq: int
    notice: str = ""


class HabilitetScreen(Screen[None]):
    """Habilitet: register og avgjørelser."""

    CSS_PATH: ClassVar = "../styles/assessment.tcss"
    #: Its own writes, which a live refresh waits for (rsapp.screens.shared_session).
    LIVE_WAITS_FOR = ("register-write",)
    BINDINGS = [
        Binding("escape", "back", "Tilbake", id="back", tooltip="Tilbake"),
        Binding(
            "n",
            "new_person",
            "Ny person",
            id="hab-new-person",
            tooltip="Registrer et SSU-medlem eller en vurderer",
        ),
        Binding(
            "e", "edit_person", "Endre", id="hab-edit-person", tooltip="Endre navn, rolle eller organisasjon"
        ),
        Binding(
            "t",
            "new_tie",
            "Tilknytning",
            id="hab-new-tie",
            tooltip="Erklær en tilknytning (styreverv, rolle, familie)",
        ),
        Binding(
            "i", "decide('inhabil')", "Inhabil", id="hab-inhabil", tooltip="Registrer: inhabil for søknaden"
        ),
        Binding(
            "k",
            "decide('ikke_inhabil')",
            "Ikke inhabil",
            id="hab-not-inhabil",
            tooltip="Registrer: ikke inhabil",
        ),
        Binding(
            "delete",
            "delete",
            "Slett",
            show=False,
            id="hab-delete",
            tooltip="Slett tilknytningen eller avgjørelsen",
        ),
        Binding("ctrl+z", "undo", "Angre", id="hab-undo"),
        Binding("ctrl+y", "redo", "Gjør om", show=False, id="hab-redo"),
        Binding("ctrl+r", "refresh", "Oppdater", show=False, id="hab-refresh"),
    ]

    def __init__(self, round_id: int, *, application_id: int | None = None) -> None:
        super().__init__()
        self.round_id = round_id
        self.application_id = application_id  # the application the user came from, if any
        self.view: RegisterView | None = None
        self.history = changes.History()
        self._seq = 0
        self._write_lock = threading.Lock()
        self._select_name: str | None = None

    @property
    def rsapp(self) -> RsApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon="")
        yield Static(
            "Register over SSU-medlemmer og vurderere. rsapp flagger mulig inhabilitet når en person er nevnt i "
            "en søknad eller har erklært en tilknytning til en av partene; utvalget avgjør (forvaltningsloven § 6).",
            id="hab-head",
        )
        with Horizontal(id="hab-body"):
            yield MeasuredTable(id="hab-people", cursor_type="row", zebra_stripes=True)
            with Vertical(id="hab-right"):
                yield Label("Erklærte tilknytninger (t ny, Delete slett)", classes="assess-label")
                yield MeasuredTable(id="hab-ties", cursor_type="row")
                yield Label(
                    "Mulig inhabilitet i runden (i inhabil, k ikke inhabil, Delete slett avgjørelsen)",
                    classes="assess-label",
                )
                yield MeasuredTable(id="hab-flags", cursor_type="row")
                yield Static(id="hab-flag-detail")
        yield Static(id="hab-status")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = "Habilitet"
        people = self.query_one("#hab-people", DataTable)
        for key, label, width in (
            ("name", "Navn", 20),
            ("role", "Rolle", 14),
            ("org", "Organisasjon", 18),
            ("flags", "Flagg", 6),
        ):
            people.add_column(label, key=key, width=width)
        ties = self.query_one("#hab-ties", DataTable)
        ties.add_column("Type", key="kind", width=22)
        ties.add_column("Motpart / søknad", key="counterpart", width=50)
        flags = self.query_one("#hab-flags", DataTable)
        flags.add_column("Søknad", key="title", width=30)
        flags.add_column("Hvorfor", key="reason", width=40)
        flags.add_column("Avgjørelse", key="decision", width=24)
        people.loading = True
        people.focus()
        self._load()

    def action_back(self) -> None:
        self.dismiss(None)

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width < 150, "-narrow")

    # --- reading ---------------------------------------------------------------------------------

    @work(thread=True, exit_on_error=False, group="register-load", description="Leser registeret")
    def _load(self, notice: str = "") -> None:
        self._seq += 1
        seq = self._seq
        with self.rsapp.db.read() as reader:
            view = register_view(reader, self.round_id)
        self.post_message(RegisterLoaded(view, seq, notice))

    @on(RegisterLoaded)
    def _loaded(self, message: RegisterLoaded) -> None:
        if message.seq < self._seq:
            return
        self.view = message.view
        self._show()
        if message.notice:
            self.notify(message.notice, timeout=3, markup=False)  # names a person or an application

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.query_one("#hab-people", DataTable).loading = False
            self.notify(error_text(event.worker.error), title="Habilitet", severity="error", markup=False)
            self._load()

    def _show(self) -> None:
        view = self.view
        assert view is not None
        people = self.query_one("#hab-people", DataTable)
        people.loading = False
        selected = self.selected_person()
        wanted = self._select_name
        people.clear()
        for p in view.people:
            flagged = view.flags_of(p.id)
            open_flags = [f for f in flagged if (p.id, f.application_id) not in view.decisions]
            mark = f"{len(flagged)}" + (" ⚠" if open_flags else "")
            name = Text(p.name, style="" if p.active else "dim")
            people.add_row(
                name, p.role or "–", p.organisation or "–", mark if flagged else "–", key=str(p.id)
            )
        if people.row_count:
            row = 0
            for index, p in enumerate(view.people):
                if (wanted and p.name.casefold() == wanted.casefold()) or (
                    not wanted and selected and p.id == selected
                ):
                    row = index
            people.move_cursor(row=row)
        self._select_name = None
        self._show_person()
        total = len(view.flags)
        undecided = sum(1 for f in view.flags if (f.assessor_id, f.application_id) not in view.decisions)
        self.query_one("#hab-status", Static).update(
            f"{len(view.people)} personer · {total} mulige konflikter i runden, {undecided} ikke avgjort"
            " · n ny person · t tilknytning · i/k avgjørelse · Ctrl+Z angre"
        )

    def selected_person(self) -> int | None:
        table = self.query_one("#hab-people", DataTable)
        if table.row_count == 0:
            return None
        key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return int(key.value) if key.value is not None else None

    def _show_person(self) -> None:
        view = self.view
        ties = self.query_one("#hab-ties", DataTable)
        flags = self.query_one("#hab-flags", DataTable)
        ties.clear()
        flags.clear()
        person = self.selected_person()
        if view is None or person is None:
            return
        for tie in view.ties_of(person):
            where = tie.counterpart
            if tie.application_id is not None:
                title = view.titles.get(tie.application_id, f"søknad {tie.application_id}")
                where = f"{where} · søknaden «{title}»" if where else f"søknaden «{title}»"
            if tie.description:
                where += f" ({tie.description})"
            ties.add_row(TIE_KIND_LABELS.get(tie.kind, tie.kind), where, key=str(tie.id))
        for flag in view.flags_of(person):
            decision = view.decisions.get((person, flag.application_id))
            shown = (
                Text(f"{HABILITET_LABELS[decision.decision]}: {decision.reason}", style="bold")
                if decision
                else Text("⚠ ikke avgjort", style="bold")
            )
            flags.add_row(
                view.titles.get(flag.application_id, ""), flag.reason, shown, key=str(flag.application_id)
            )
        for decision in view.decided_of(person):
            flags.add_row(
                view.titles.get(decision.application_id, ""),
                "(ikke flagget nå)",
                Text(f"{HABILITET_LABELS[decision.decision]}: {decision.reason}", style="bold"),
                key=str(decision.application_id),
            )
        if self.application_id is not None and str(self.application_id) in {str(k.value) for k in flags.rows}:
            flags.move_cursor(row=flags.get_row_index(str(self.application_id)))
        self._show_flag()

    @on(DataTable.RowHighlighted, "#hab-people")
    def _person_highlighted(self) -> None:
        self._show_person()

    @on(DataTable.RowHighlighted, "#hab-flags")
    def _flag_highlighted(self) -> None:
        self._show_flag()

    def _show_flag(self) -> None:
        """The highlighted flag in full: why, the application's own words, the decision."""
        detail = self.query_one("#hab-flag-detail", Static)
        person, app_id = self.selected_person(), self._selected_key("#hab-flags")
        view = self.view
        if view is None or person is None or app_id is None:
            detail.update("")
            return
        text = Text()
        flag = next((f for f in view.flags_of(person) if f.application_id == app_id), None)
        if flag is not None:
            text.append(flag.reason + "\n")
            for e in flag.evidence:
                text.append(f"{e.quote(160)}", style="italic")
                text.append(f" — {e.location()}\n", style="dim")
        decision = view.decisions.get((person, app_id))
        if decision is not None:
            by = f" (registrert av {decision.decided_by})" if decision.decided_by else ""
            text.append(f"{HABILITET_LABELS[decision.decision]}: {decision.reason}{by}", style="bold")
        else:
            text.append("Ikke avgjort: i = inhabil, k = ikke inhabil (med begrunnelse).", style="bold")
        detail.update(text)

    def _selected_key(self, table_id: str) -> int | None:
        table = self.query_one(table_id, DataTable)
        if table.row_count == 0:
            return None
        key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return int(key.value) if key.value is not None else None

    # --- writing ---------------------------------------------------------------------------------

    @work(thread=True, exit_on_error=False, group="register-write", description="Lagrer")
    def _write(self, change: Callable[[Any], Any], notice: str = "") -> None:
        with self._write_lock:
            with self.rsapp.db.session() as session:
                result = change(session)
                edit = result[1] if isinstance(result, tuple) else result
                if not notice and isinstance(edit, changes.Edit):
                    notice = edit.summary
            self._seq += 1
            seq = self._seq
            with self.rsapp.db.read() as reader:
                view = register_view(reader, self.round_id)
        self.post_message(RegisterLoaded(view, seq, notice))

    def _recorded(self, change: Callable[[Any], Any], notice: str = "") -> None:
        history = self.history
        self._write(lambda session: history.run(lambda: change(session)), notice)

    def action_new_person(self) -> None:
        def apply(data: PersonData) -> None:
            history = self.history
            with self.rsapp.db.session() as session:
                history.run(lambda: changes.add_assessor(session, data.name, data.role, data.organisation))

        def done(data: PersonData | None) -> None:
            if data is not None:
                self._select_name = data.name
                self._load(f"Registrerte {data.name}.")

        self.app.push_screen(PersonForm(apply=apply), callback=done)

    def action_edit_person(self) -> None:
        person_id = self.selected_person()
        if self.view is None or person_id is None:
            return
        person = next(p for p in self.view.people if p.id == person_id)

        def apply(data: PersonData) -> None:
            history = self.history
            with self.rsapp.db.session() as session:
                history.run(
                    lambda: changes.update_assessor(
                        session,
                        person.id,
                        version=person.version,
                        name=data.name,
                        role=data.role,
                        organisation=data.organisation,
                    )
                )

        def done(data: PersonData | None) -> None:
            if data is not None:
                self._select_name = data.name
                self._load("Endret.")

        self.app.push_screen(
            PersonForm(apply=apply, person=PersonData(person.name, person.role, person.organisation)),
            callback=done,
        )

    def action_new_tie(self) -> None:
        person_id = self.selected_person()
        if self.view is None or person_id is None:
            self.notify("Registrer eller velg en person først (n).", severity="warning")
            return
        person = next(p for p in self.view.people if p.id == person_id)

        def apply(data: TieData) -> None:
            history = self.history
            with self.rsapp.db.session() as session:
                history.run(
                    lambda: changes.add_tie(
                        session,
                        person.id,
                        data.kind,
                        data.counterpart,
                        application_id=data.application_id,
                        description=data.description,
                    )
                )

        def done(data: TieData | None) -> None:
            if data is not None:
                self._load(f"Tilknytningen er registrert for {person.name}.")

        self.app.push_screen(
            TieForm(person.name, self.view.titles, self.application_id, apply=apply), callback=done
        )

    def action_decide(self, decision: str) -> None:
        person_id = self.selected_person()
        app_id = self._selected_key("#hab-flags")
        if self.view is None or person_id is None or app_id is None:
            self.notify("Velg en person og en søknad i listen over mulig inhabilitet.", severity="warning")
            return
        person = next(p for p in self.view.people if p.id == person_id)
        title = self.view.titles.get(app_id, "")

        def apply(data: DecisionData) -> None:
            history = self.history
            with self.rsapp.db.session() as session:
                history.run(
                    lambda: changes.record_decision(session, person.id, app_id, decision, data.reason)
                )

        def done(data: DecisionData | None) -> None:
            if data is not None:
                self._load(f"{person.name}: {HABILITET_LABELS[decision].lower()} for «{title}».")

        self.app.push_screen(
            DecisionForm(f"{person.name} – {HABILITET_LABELS[decision].lower()} for «{title}»", apply=apply),
            callback=done,
        )

    def action_delete(self) -> None:
        focused = self.focused
        person_id = self.selected_person()
        if focused is self.query_one("#hab-ties", DataTable):
            tie_id = self._selected_key("#hab-ties")
            if tie_id is not None:
                self._recorded(lambda session: changes.remove_tie(session, tie_id))
        elif focused is self.query_one("#hab-flags", DataTable):
            app_id = self._selected_key("#hab-flags")
            if app_id is not None and person_id is not None:
                self._recorded(lambda session: changes.clear_decision(session, person_id, app_id))
        else:
            self.notify("Gå til tilknytningene eller avgjørelsene (Tab) for å slette.", severity="warning")

    def action_undo(self) -> None:
        if not self.history.can_undo:
            self.notify("Det er ingenting å angre.")
            return
        history = self.history
        self._write(lambda session: history.undo(session), f"Angret: {history.undo_label}")

    def action_redo(self) -> None:
        if not self.history.can_redo:
            self.notify("Det er ingenting å gjøre om.")
            return
        history = self.history
        self._write(lambda session: history.redo(session), f"Gjort om: {history.redo_label}")

    def action_refresh(self) -> None:
        self._load("Oppdatert fra databasen.")

    def live_refresh(self) -> bool:
        """Another session changed the database: read the register again, the person selected kept."""
        self._load()
        return True

    def palette_commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand(
            "Habilitet: ny person", "Registrer et SSU-medlem eller en vurderer (n)", self.action_new_person
        )
        yield SystemCommand(
            "Habilitet: ny tilknytning",
            "Styreverv, lederrolle, prosjektrolle, familie (t)",
            self.action_new_tie,
        )
        yield SystemCommand(
            "Habilitet: inhabil", "Registrer avgjørelsen inhabil (i)", lambda: self.action_decide("inhabil")
        )
        yield SystemCommand(
            "Habilitet: ikke inhabil",
            "Registrer avgjørelsen ikke inhabil (k)",
            lambda: self.action_decide("ikke_inhabil"),
        )
        yield SystemCommand("Habilitet: angre", "Angre siste endring (Ctrl+Z)", self.action_undo)


# --- forms --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TieData:
    kind: str
    counterpart: str
    application_id: int | None
    description: str


class TieForm(FormDialog[TieData]):
    """A declared tie: its kind, to whom or what, and (optionally) the application it concerns."""

    FORM_ID = "tie-form"

    def __init__(
        self,
        person: str,
        titles: dict[int, str],
        application_id: int | None,
        *,
        apply: Callable[[TieData], object] | None = None,
    ) -> None:
        super().__init__(apply=apply)
        self.person = person
        self.titles = titles
        self.application_id = application_id

    def compose_fields(self) -> ComposeResult:
        yield Static(f"Tilknytning for {self.person}", classes="form-title", markup=False)
        yield Label("Type")
        yield Select(
            [(label, code) for code, label in TIE_KIND_LABELS.items()],
            value="prosjektrolle",
            allow_blank=False,
            id="tie-kind",
        )
        yield Label("Motpart (organisasjon eller person)")
        yield Input(placeholder="f.eks. Vefsn kommune", id="tie-counterpart")
        yield Label("Søknaden den gjelder (valgfritt)")
        yield Select(
            [(Text(title), app_id) for app_id, title in self.titles.items()],  # titles: plain text
            prompt="Ingen bestemt søknad",
            value=self.application_id if self.application_id in self.titles else Select.BLANK,
            id="tie-application",
        )
        yield Label("Beskrivelse")
        yield Input(placeholder="f.eks. sitter i styringsgruppen", id="tie-description")

    def on_mount(self) -> None:
        self.query_one("#tie-counterpart", Input).focus()

    def value(self) -> TieData:
        kind = str(self.query_one("#tie-kind", Select).value)
        counterpart = " ".join(self.query_one("#tie-counterpart", Input).value.split())
        selected = self.query_one("#tie-application", Select).value
        application_id = selected if isinstance(selected, int) else None
        if not counterpart and application_id is None:
            raise FormError("Skriv motparten eller velg søknaden tilknytningen gjelder.")
        return TieData(
            kind, counterpart, application_id, self.query_one("#tie-description", Input).value.strip()
        )


@dataclass(frozen=True, slots=True)
class DecisionData:
    reason: str


class DecisionForm(FormDialog[DecisionData]):
    """The reason for a habilitet decision."""

    FORM_ID = "decision-form"

    def __init__(self, heading: str, *, apply: Callable[[DecisionData], object] | None = None) -> None:
        super().__init__(apply=apply)
        self.heading = heading

    def compose_fields(self) -> ComposeResult:
        yield Static(self.heading, classes="form-title", markup=False)  # a person and an application
        yield Label("Begrunnelse")
        yield Input(placeholder="f.eks. sitter i prosjektets styringsgruppe", id="decision-reason")

    def on_mount(self) -> None:
        self.query_one("#decision-reason", Input).focus()

    def value(self) -> DecisionData:
        reason = " ".join(self.query_one("#decision-reason", Input).value.split())
        if not reason:
            raise FormError("Skriv begrunnelsen for avgjørelsen.")
        return DecisionData(reason)
