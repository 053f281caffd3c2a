"""The assessment screen: one application against the call's catalogue, by one assessor.

Left, the catalogue (krav, særlig prioriterte tiltak, kriterier) with the assessor's answers;
in the middle, rsapp's suggestion for the highlighted item and the application's own sentences
that support it, with field and line; right, the answer and the note. Digits 0–5 score a
criterion, j/n/u answer a krav (ja/nei a priority), x is «ikke relevant», Enter confirms the
suggestion, arrows move. Others' answers on an item appear once the assessor has answered it.

Reads and writes run in thread workers (through :mod:`rsapp.assessment`), which post
:class:`AssessmentLoaded`; every change is undoable (Ctrl+Z / Ctrl+Y) and in the change log.
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
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Header, Input, Label, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from rsapp.assessment import changes
from rsapp.assessment.reads import ApplicationAssessment, ItemView, application_assessment
from rsapp.dialogs import FormDialog, FormError
from rsapp.messages import error_text
from rsapp.vocab import (
    CRITERION_KIND_LABELS,
    HABILITET_LABELS,
    NOT_RELEVANT,
    STATUS_LABELS,
    answer_label,
    status_label,
)
from rsapp.widgets.footer import KeyFooter
from rsapp.widgets.table import MeasuredTable

if TYPE_CHECKING:
    from rsapp.app import RsApp

#: Below this width the answer and note go under the evidence instead of beside it.
NARROW_WIDTH = 150

KEY_HINTS = {
    "krav": "j oppfylt · n ikke oppfylt · u uklart · Enter bekreft forslaget · Delete fjern",
    "prioritert": "j ja · n nei · Enter bekreft forslaget · Delete fjern",
    "kriterium": "0–5 poeng · x ikke relevant · Enter bekreft forslaget · Delete fjern",
}
# What j / n / u mean for each kind of item (None: the key does not apply).
LETTER_ANSWERS: dict[str, dict[str, str]] = {
    "j": {"krav": "oppfylt", "prioritert": "ja"},
    "n": {"krav": "ikke_oppfylt", "prioritert": "nei"},
    "u": {"krav": "uklart"},
    "x": {"kriterium": NOT_RELEVANT},
}


@dataclass(eq=False)
class AssessmentLoaded(Message):
    """The application's assessment was read (after a change: `notice` says what changed)."""

    view: ApplicationAssessment
    seq: int
    notice: str = ""


class ItemTable(MeasuredTable):
    """The catalogue: Enter confirms the highlighted item's suggestion (instead of selecting)."""

    BINDINGS = [
        Binding(
            "enter",
            "confirm",
            "Bekreft forslaget",
            id="assess-confirm",
            tooltip="Gjør forslaget til ditt svar",
        )
    ]

    def action_confirm(self) -> None:
        screen = self.screen
        if isinstance(screen, AssessmentScreen):
            screen.action_confirm()


def _label(value: str) -> str:
    return answer_label(value)


class AssessmentScreen(Screen[None]):
    """Vurdering av søknaden."""

    CSS_PATH: ClassVar = "../styles/assessment.tcss"
    #: Its own writes, which a live refresh waits for (rsapp.screens.shared_session).
    LIVE_WAITS_FOR = ("assessment-write",)
    BINDINGS = [
        Binding("escape", "back", "Tilbake", id="back", tooltip="Tilbake (lagrer merknaden du skriver)"),
        *(
            Binding(
                str(n), f"answer('{n}')", "0–5 poeng" if n == 0 else "", show=False, id=f"assess-score-{n}"
            )
            for n in range(6)
        ),
        Binding("j", "letter('j')", "Oppfylt/ja", id="assess-yes", tooltip="Krav oppfylt, eller ja"),
        Binding(
            "n", "letter('n')", "Ikke oppfylt/nei", id="assess-no", tooltip="Krav ikke oppfylt, eller nei"
        ),
        Binding("u", "letter('u')", "Uklart", id="assess-unclear", tooltip="Kravet er uklart"),
        Binding(
            "x",
            "letter('x')",
            "Ikke relevant",
            id="assess-not-relevant",
            tooltip="Kriteriet er ikke relevant",
        ),
        Binding("delete", "clear", "Fjern svar", show=False, id="assess-clear", tooltip="Fjern svaret ditt"),
        Binding("m", "note", "Merknad", id="assess-note", tooltip="Skriv merknad til svaret"),
        Binding(
            "c",
            "comment",
            "Kommentar",
            show=False,
            id="assess-comment",
            tooltip="Samlet kommentar til søknaden",
        ),
        Binding(
            "a",
            "choose_assessor",
            "Vurderer",
            id="assess-assessor",
            tooltip="Velg eller registrer hvem som vurderer",
        ),
        Binding(
            "h",
            "register",
            "Habilitet",
            id="assess-register",
            tooltip="Register over SSU-medlemmer og habilitet",
        ),
        Binding("t", "status", "Status", show=False, id="assess-status", tooltip="Sett søknadens status"),
        Binding(
            "e",
            "edit_item",
            "Endre punkt",
            show=False,
            id="assess-edit-item",
            tooltip="Endre punktet i kriterielisten (tittel, tekst, ord, vekt) for en ny utlysning",
        ),
        Binding("ctrl+z", "undo", "Angre", id="assess-undo", tooltip="Angre siste endring"),
        Binding("ctrl+y", "redo", "Gjør om", show=False, id="assess-redo", tooltip="Gjør om det du angret"),
        Binding(
            "ctrl+r", "refresh", "Oppdater", show=False, id="assess-refresh", tooltip="Les databasen på nytt"
        ),
    ]

    #: The assessor chosen last (in this run of rsapp): the next assessment starts with them.
    last_assessor: ClassVar[int | None] = None

    def __init__(self, application_id: int, assessor_id: int | None = None) -> None:
        super().__init__()
        self.application_id = application_id
        self.assessor_id = assessor_id if assessor_id is not None else AssessmentScreen.last_assessor
        self.view: ApplicationAssessment | None = None
        self.history = changes.History()
        self._seq = 0
        self._write_lock = threading.Lock()

    @property
    def rsapp(self) -> RsApp:
        return self.app  # type: ignore[return-value]

    # --- layout ----------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon="")
        yield Static(id="assess-head")
        with Horizontal(id="assess-body"):
            yield ItemTable(id="assess-items", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="assess-evidence"):
                yield Static(id="evidence-text")
            with Vertical(id="assess-answer"):
                yield Static(id="answer-text")
                yield Label("Merknad (m, Enter lagrer):", classes="assess-label")
                yield Input(placeholder="Merknad …", id="item-note")
                yield Label("Samlet kommentar (c, Enter lagrer):", classes="assess-label")
                yield Input(placeholder="Kommentar til søknaden …", id="overall-note")
                yield Static(id="others-text")
        yield Static(id="assess-progress")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = "Vurdering"
        table = self.query_one("#assess-items", ItemTable)
        table.add_column("Nr", key="number", width=12)
        table.add_column("Punkt", key="title", width=26)
        table.add_column("Svar", key="answer", width=14)
        # No loading indicator: the first frame shows the empty layout, the read follows in a moment.
        self.query_one("#assess-progress", Static).update("Leser søknaden …")
        table.focus()
        self._load()

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width < NARROW_WIDTH, "-narrow")

    # --- reading ---------------------------------------------------------------------------------

    def _next_seq(self) -> int:
        self._seq += 1
        return self._seq

    @work(thread=True, exit_on_error=False, group="assessment-load", description="Leser vurderingen")
    def _load(self, notice: str = "") -> None:
        seq = self._next_seq()
        with self.rsapp.db.read() as reader:
            view = application_assessment(reader, self.application_id, self.assessor_id)
        self.post_message(AssessmentLoaded(view, seq, notice))

    @on(AssessmentLoaded)
    def _loaded(self, message: AssessmentLoaded) -> None:
        if message.seq < self._seq:
            return  # a later read is on its way
        self.view = message.view
        self._show()
        if message.notice:
            self.notify(message.notice, timeout=3, markup=False)

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR:
            return
        self.query_one("#assess-items", ItemTable).loading = False
        self.notify(error_text(event.worker.error), title="Vurdering", severity="error", markup=False)
        if event.worker.group == "assessment-write":
            self._load()  # show what is saved

    # --- showing ---------------------------------------------------------------------------------

    def _show(self) -> None:
        view = self.view
        assert view is not None
        table = self.query_one("#assess-items", ItemTable)
        table.loading = False
        row = table.cursor_row if table.row_count else 0
        table.clear()
        for item in view.items:
            table.add_row(item.number, item.item.title, self._answer_cell(item), key=item.item.key)
        if table.row_count:
            table.move_cursor(row=min(row, table.row_count - 1))
        self._show_head()
        self._show_item()
        note = self.query_one("#overall-note", Input)
        if not note.has_focus:
            note.value = view.own_note

    def _answer_cell(self, item: ItemView) -> Text:
        if item.own is not None:
            text = Text(_label(item.own.value), style="bold")
            if item.own.note:
                text.append(" ✎", style="dim")
            return text
        if item.suggestion.answer is not None:  # a suggestion, not an answer: dim, with an arrow
            return Text(f"→ {_label(item.suggestion.answer)}", style="dim italic")
        return Text("–", style="dim")

    def _show_head(self) -> None:
        view = self.view
        assert view is not None
        head = Text()
        head.append(view.title, style="bold")
        head.append(f"  ·  Status: {status_label(view.status)}")
        head.append(f"  ·  Krav {view.summary.krav_label}  ·  Vurdering {view.summary.vurdering_label}")
        head.append("\nVurderer: ")
        if view.assessor is None:
            head.append("ikke valgt – trykk a for å velge eller registrere deg", style="bold")
        else:
            head.append(view.assessor.label, style="bold")
        own = view.own_flag()
        if own is not None:
            decision = view.decisions.get(own.assessor_id)
            if decision is None:
                head.append(
                    f"\n⚠ Mulig inhabil: {own.reason} Registrer avgjørelsen i habilitetsregisteret (h).",
                    style="bold",
                )
            else:
                head.append(f"\n{HABILITET_LABELS[decision.decision]}: {decision.reason}", style="bold")
        others = [f for f in view.flags if view.assessor is None or f.assessor_id != view.assessor.id]
        pending = [f for f in others if f.assessor_id not in view.decisions]
        if pending:
            head.append("\n⚠ Mulig inhabilitet ikke avgjort: " + "; ".join(f.reason for f in pending))
        if view.summary.inhabil:
            head.append("\nInhabil (holdt utenfor): " + ", ".join(view.summary.inhabil))
        self.query_one("#assess-head", Static).update(head)
        progress = view.progress_label() if view.assessor is not None else f"{len(view.items)} punkter"
        self.query_one("#assess-progress", Static).update(
            f"{progress} · ↑/↓ flytt · 0–5 poeng · j/n/u · x ikke relevant · Enter bekreft forslaget · F1 alle taster"
        )
        if view.catalogue is None:
            self.query_one("#evidence-text", Static).update(
                "Runden har ingen kriterieliste. Last inn en med «rsapp vurder kriterier last FIL»."
            )

    def current(self) -> ItemView | None:
        if self.view is None or not self.view.items:
            return None
        table = self.query_one("#assess-items", ItemTable)
        row = min(max(table.cursor_row, 0), len(self.view.items) - 1)
        return self.view.items[row]

    def _show_item(self) -> None:
        item = self.current()
        evidence = self.query_one("#evidence-text", Static)
        answer = self.query_one("#answer-text", Static)
        others = self.query_one("#others-text", Static)
        note = self.query_one("#item-note", Input)
        if item is None:
            answer.update("")
            others.update("")
            return
        s = item.suggestion
        text = Text()
        text.append(
            f"{item.number} ({CRITERION_KIND_LABELS[item.item.kind].lower()}): {item.item.title}\n",
            style="bold",
        )
        if item.item.text:
            text.append(f"{item.item.text}\n", style="dim")
        text.append("\nForslag: ", style="bold")
        text.append(_label(s.answer) if s.answer is not None else "ingen", style="bold")
        text.append(f"\n{s.reason}\n")
        if s.evidence:
            text.append("\nFra søknaden:\n", style="bold")
            for e in s.evidence:
                text.append(f"{e.quote()}\n")
                text.append(f"   — {e.location()}\n", style="italic dim")
        evidence.update(text)
        self.query_one("#assess-evidence", VerticalScroll).scroll_home(animate=False)

        mine = Text()
        mine.append("Ditt svar: ", style="bold")
        if self.view is not None and self.view.assessor is None:
            mine.append("velg vurderer først (a)")
        elif item.own is None:
            mine.append("ikke gitt")
        else:
            mine.append(_label(item.own.value), style="bold")
            if item.own.suggested and item.own.suggested != item.own.value:
                mine.append(f"\n(rsapp foreslo {_label(item.own.suggested)})", style="dim")
        mine.append(f"\n{KEY_HINTS[item.item.kind]}", style="dim")
        answer.update(mine)
        if not note.has_focus:
            note.value = item.own.note if item.own is not None else ""

        other = Text()
        if item.own is None:
            other.append("Andres svar vises når du har svart.", style="dim")
        elif item.others:
            other.append("Andre vurderere:\n", style="bold")
            for name, row in item.others:
                other.append(f"{name}: {_label(row.value)}")
                if row.note:
                    other.append(f" – {row.note}", style="dim")
                other.append("\n")
        else:
            other.append("Ingen andre har svart på dette punktet.", style="dim")
        others.update(other)

    @on(DataTable.RowHighlighted, "#assess-items")
    def _highlighted(self) -> None:
        if self.view is not None:
            self._show_item()

    # --- writing ---------------------------------------------------------------------------------

    def _write(
        self, change: Callable[[Any], changes.Edit | tuple[Any, changes.Edit] | None], notice: str = ""
    ) -> None:
        """Run `change(session)` in a worker (one at a time, in order), then read again."""
        self._run_write(change, notice)

    @work(thread=True, exit_on_error=False, group="assessment-write", description="Lagrer vurderingen")
    def _run_write(self, change: Callable[[Any], Any], notice: str) -> None:
        with self._write_lock:
            seq = self._next_seq()
            with self.rsapp.db.session() as session:
                result = change(session)
                edit = result[1] if isinstance(result, tuple) else result
                if isinstance(edit, changes.Edit) and edit.steps and notice == "":
                    statuses = [s.summary for s in edit.steps if s.kind == "status"]
                    notice = statuses[0] if statuses else ""
            with self.rsapp.db.read() as reader:
                view = application_assessment(reader, self.application_id, self.assessor_id)
        self.post_message(AssessmentLoaded(view, seq, notice))

    def _recorded(self, change: Callable[[Any], Any], notice: str = "") -> None:
        """A change that goes on the undo stack."""
        history = self.history
        self._write(lambda session: history.run(lambda: change(session)), notice)

    def _set(self, item: ItemView, value: str) -> None:
        assert self.view is not None and self.view.assessor is not None
        app_id, assessor_id = self.application_id, self.view.assessor.id
        suggested = item.suggestion.answer or ""
        # Show it at once; the worker writes it and reads the application again.
        table = self.query_one("#assess-items", ItemTable)
        table.update_cell(item.item.key, "answer", Text(_label(value), style="bold"))
        self._recorded(
            lambda session: changes.set_answer(
                session, app_id, item.item.id, assessor_id, value, suggested=suggested
            )
        )

    def _ready(self) -> ItemView | None:
        """The highlighted item, when there is an assessor who may answer (else says why)."""
        if self.view is None:
            return None
        if self.view.assessor is None:
            self.notify("Velg hvem som vurderer først: trykk a.", severity="warning")
            return None
        decision = self.view.decisions.get(self.view.assessor.id)
        if decision is not None and decision.decision == "inhabil":
            self.notify(
                f"{self.view.assessor.name} er inhabil for søknaden og kan ikke vurdere den.",
                severity="warning",
                markup=False,
            )
            return None
        return self.current()

    def action_answer(self, score: str) -> None:
        item = self._ready()
        if item is None:
            return
        if item.item.kind != "kriterium":
            self.notify(
                f"{item.number} besvares med {KEY_HINTS[item.item.kind].split(' · Enter')[0]}.",
                severity="warning",
                markup=False,
            )
            return
        self._set(item, score)

    def action_letter(self, letter: str) -> None:
        item = self._ready()
        if item is None:
            return
        value = LETTER_ANSWERS[letter].get(item.item.kind)
        if value is None:
            self.notify(
                f"{item.number} besvares med {KEY_HINTS[item.item.kind].split(' · Enter')[0]}.",
                severity="warning",
                markup=False,
            )
            return
        self._set(item, value)

    def action_confirm(self) -> None:
        item = self._ready()
        if item is None:
            return
        if item.suggestion.answer is None:
            self.notify("Det er ikke noe forslag å bekrefte her: gi svaret selv.", severity="warning")
            return
        self._set(item, item.suggestion.answer)

    def action_clear(self) -> None:
        item = self._ready()
        if item is None or item.own is None:
            return
        assert self.view is not None and self.view.assessor is not None
        app_id, assessor_id = self.application_id, self.view.assessor.id
        self._recorded(lambda session: changes.clear_answer(session, app_id, item.item.id, assessor_id))

    def action_note(self) -> None:
        if self._ready() is not None:
            self.query_one("#item-note", Input).focus()

    def action_comment(self) -> None:
        if self.view is not None and self.view.assessor is not None:
            self.query_one("#overall-note", Input).focus()
        else:
            self.notify("Velg hvem som vurderer først: trykk a.", severity="warning")

    @on(Input.Submitted, "#item-note")
    def _note_submitted(self, event: Input.Submitted) -> None:
        self._save_item_note(event.value)
        self.query_one("#assess-items", ItemTable).focus()

    @on(Input.Submitted, "#overall-note")
    def _comment_submitted(self, event: Input.Submitted) -> None:
        self._save_comment(event.value)
        self.query_one("#assess-items", ItemTable).focus()

    def _save_item_note(self, text: str) -> Worker[None] | None:
        item = self.current()
        if item is None or self.view is None or self.view.assessor is None:
            return None
        if (item.own.note if item.own else "") == text.strip():
            return None
        if item.own is None:
            self.notify("Gi et svar før du skriver merknaden.", severity="warning")
            return None
        app_id, assessor_id = self.application_id, self.view.assessor.id
        history = self.history
        return self._run_write(
            lambda session: history.run(
                lambda: changes.set_item_note(session, app_id, item.item.id, assessor_id, text)
            ),
            "Merknaden er lagret.",
        )

    def _save_comment(self, text: str) -> Worker[None] | None:
        if self.view is None or self.view.assessor is None or self.view.own_note == text.strip():
            return None
        app_id, assessor_id = self.application_id, self.view.assessor.id
        history = self.history
        return self._run_write(
            lambda session: history.run(lambda: changes.set_overall_note(session, app_id, assessor_id, text)),
            "Kommentaren er lagret.",
        )

    def flush_unsaved(self) -> Worker[None] | None:
        """Save a note or comment typed but not yet saved (when leaving or quitting)."""
        pending = None
        if self.query_one("#item-note", Input).has_focus:
            pending = self._save_item_note(self.query_one("#item-note", Input).value)
        if self.query_one("#overall-note", Input).has_focus:
            pending = self._save_comment(self.query_one("#overall-note", Input).value) or pending
        return pending

    def action_back(self) -> None:
        focused = self.focused
        if isinstance(focused, Input):
            self.flush_unsaved()
            self.query_one("#assess-items", ItemTable).focus()
            return
        self.dismiss(None)

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
        """Another session changed the database: read the assessment again, but not while a note
        is being written or a change made here is saved (the note typed is never replaced)."""
        if self._note_unsaved():
            return False
        self._load()
        return True

    def _note_unsaved(self) -> bool:
        """A note field in use, or holding text that is not what is saved."""
        overall = self.query_one("#overall-note", Input)
        item_note = self.query_one("#item-note", Input)
        if overall.has_focus or item_note.has_focus:
            return True
        view, item = self.view, self.current()
        if view is not None and overall.value != view.own_note:
            return True
        saved = item.own.note if item is not None and item.own is not None else ""
        return item is not None and item_note.value != saved

    # --- assessor, status, register ----------------------------------------------------------------

    def action_choose_assessor(self) -> None:
        if self.view is None:
            return
        self.app.push_screen(AssessorDialog(self.view), callback=self._assessor_chosen)

    def _assessor_chosen(self, result: int | str | None) -> None:
        if result is None:
            return
        if result == "new":
            self.app.push_screen(
                PersonForm(apply=self._add_person), callback=lambda data: self._person_added(data)
            )
            return
        self._use_assessor(int(result))

    def _use_assessor(self, assessor_id: int) -> None:
        self.assessor_id = assessor_id
        AssessmentScreen.last_assessor = assessor_id
        self._load()

    def _add_person(self, data: PersonData) -> None:
        new_id, _ = self.history_run_add(data)
        self._new_person_id = new_id

    def history_run_add(self, data: PersonData) -> tuple[int, changes.Edit]:
        result: list[tuple[int, changes.Edit]] = []

        def add() -> tuple[int, changes.Edit]:
            result.append(self.rsapp.db.call(changes.add_assessor, data.name, data.role, data.organisation))
            return result[0]

        self.history.run(add)
        return result[0]

    def _person_added(self, data: PersonData | None) -> None:
        if data is None:
            return
        new_id = getattr(self, "_new_person_id", None)
        if new_id is not None:
            self.notify(f"Registrerte {data.name}.", markup=False)
            self._use_assessor(new_id)

    def action_status(self) -> None:
        if self.view is None:
            return
        view = self.view

        def chosen(status: str | None) -> None:
            if status is None or status == view.status:
                return
            self._recorded(
                lambda session: changes.set_status(session, self.application_id, status, expected=view.status)
            )

        self.app.push_screen(StatusDialog(view.status), callback=chosen)

    def action_edit_item(self) -> None:
        """Edit the highlighted item of the round's catalogue (title, text, the rule's words, weight)."""
        item = self.current()
        if item is None:
            return
        crit = item.item

        def apply(data: ItemData) -> None:
            history = self.history
            with self.rsapp.db.session() as session:
                version = changes.item_version(session, crit.id)
                history.run(
                    lambda: changes.update_item(
                        session,
                        crit.id,
                        version=version,
                        title=data.title,
                        text=data.text,
                        words=data.words,
                        **({"weight": data.weight} if crit.kind == "kriterium" else {}),
                    )
                )

        def done(data: ItemData | None) -> None:
            if data is not None:
                self._load(f"{item.number} er endret.")

        self.app.push_screen(ItemForm(item.number, crit, apply=apply), callback=done)

    def action_register(self) -> None:
        from rsapp.screens.habilitet import HabilitetScreen

        if self.view is None:
            return
        self.app.push_screen(
            HabilitetScreen(self.view.round_id, application_id=self.application_id),
            callback=lambda _=None: self._load(),
        )

    def palette_commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand(
            "Vurdering: bekreft forslaget", "Gjør rsapps forslag til ditt svar (Enter)", self.action_confirm
        )
        yield SystemCommand(
            "Vurdering: velg vurderer",
            "Hvem som vurderer, eller registrer en ny (a)",
            self.action_choose_assessor,
        )
        yield SystemCommand("Vurdering: merknad til svaret", "Skriv en merknad (m)", self.action_note)
        yield SystemCommand(
            "Vurdering: samlet kommentar",
            "Kommentar til søknaden, vises i Excel-listen (c)",
            self.action_comment,
        )
        yield SystemCommand(
            "Vurdering: sett status", "Mottatt, under vurdering, vurdert … (t)", self.action_status
        )
        yield SystemCommand(
            "Kriterier: endre punktet",
            "Tittel, tekst, ordene regelen leter etter, vekt (e)",
            self.action_edit_item,
        )
        yield SystemCommand(
            "Habilitet: register og avgjørelser",
            "SSU-medlemmer, tilknytninger, inhabilitet (h)",
            self.action_register,
        )
        yield SystemCommand("Vurdering: angre", "Angre siste endring (Ctrl+Z)", self.action_undo)
        yield SystemCommand("Vurdering: gjør om", "Gjør om det du angret (Ctrl+Y)", self.action_redo)


# --- dialogs ------------------------------------------------------------------------------------


class AssessorDialog(ModalScreen[int | str | None]):
    """Who assesses: the active people of the register, or a new one."""

    CSS_PATH: ClassVar = "../styles/assessment.tcss"
    BINDINGS = [
        Binding("escape", "dismiss_none", "Avbryt", id="assessor-cancel"),
        Binding("n", "new", "Ny person", id="assessor-new", tooltip="Registrer en ny person"),
    ]

    def __init__(self, view: ApplicationAssessment) -> None:
        super().__init__()
        self.view = view

    def compose(self) -> ComposeResult:
        options = [
            Option(Text(p.label + ("" if p.active else " (inaktiv)")), id=str(p.id))
            for p in self.view.assessors
            if p.active
        ]
        options.append(Option(Text("+ Registrer en ny person (n)", style="bold"), id="new"))
        with Vertical(classes="form-dialog", id="assessor-dialog"):
            yield Static("Hvem vurderer?", classes="form-title")
            yield OptionList(*options, id="assessor-options")

    def on_mount(self) -> None:
        options = self.query_one("#assessor-options", OptionList)
        options.focus()
        current = self.view.assessor
        if current is not None:
            for index, person in enumerate(p for p in self.view.assessors if p.active):
                if person.id == current.id:
                    options.highlighted = index

    @on(OptionList.OptionSelected, "#assessor-options")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        option_id = event.option.id
        self.dismiss("new" if option_id == "new" else int(option_id or 0))

    def action_new(self) -> None:
        self.dismiss("new")

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


class StatusDialog(ModalScreen[str | None]):
    """The application's status, chosen from the workflow."""

    CSS_PATH: ClassVar = "../styles/assessment.tcss"
    BINDINGS = [Binding("escape", "dismiss_none", "Avbryt", id="status-cancel")]

    def __init__(self, current: str) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="form-dialog", id="status-dialog"):
            yield Static("Sett status", classes="form-title")
            yield OptionList(
                *(
                    Option(label + (" ✓" if code == self.current else ""), id=code)
                    for code, label in STATUS_LABELS.items()
                ),
                id="status-options",
            )

    def on_mount(self) -> None:
        options = self.query_one("#status-options", OptionList)
        options.focus()
        options.highlighted = list(STATUS_LABELS).index(self.current) if self.current in STATUS_LABELS else 0

    @on(OptionList.OptionSelected, "#status-options")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


@dataclass(frozen=True, slots=True)
class PersonData:
    name: str
    role: str
    organisation: str


class PersonForm(FormDialog[PersonData]):
    """Register a person (an SSU member or an assessor)."""

    FORM_ID = "person-form"

    def __init__(
        self, *, apply: Callable[[PersonData], object] | None = None, person: PersonData | None = None
    ) -> None:
        super().__init__(apply=apply)
        self.person = person

    def compose_fields(self) -> ComposeResult:
        p = self.person
        yield Static("Endre person" if p else "Registrer person", classes="form-title")
        yield Label("Navn")
        yield Input(value=p.name if p else "", placeholder="Fornavn Etternavn", id="person-name")
        yield Label("Rolle")
        yield Input(value=p.role if p else "", placeholder="SSU-medlem, sekretariatet …", id="person-role")
        yield Label("Organisasjon")
        yield Input(
            value=p.organisation if p else "", placeholder="f.eks. Vefsn kommune", id="person-organisation"
        )

    def on_mount(self) -> None:
        self.query_one("#person-name", Input).focus()

    def value(self) -> PersonData:
        name = " ".join(self.query_one("#person-name", Input).value.split())
        if not name:
            raise FormError("Skriv navnet på personen.")
        return PersonData(
            name,
            self.query_one("#person-role", Input).value.strip(),
            self.query_one("#person-organisation", Input).value.strip(),
        )


@dataclass(frozen=True, slots=True)
class ItemData:
    title: str
    text: str
    words: list[str]
    weight: float


class ItemForm(FormDialog[ItemData]):
    """One item of the round's catalogue, for a later call: its title, the call's words, the words
    its rule looks for, and (a criterion) its weight."""

    FORM_ID = "item-form"

    def __init__(self, number: str, item: Any, *, apply: Callable[[ItemData], object] | None = None) -> None:
        super().__init__(apply=apply)
        self.number = number
        self.item = item

    def compose_fields(self) -> ComposeResult:
        item = self.item
        yield Static(f"{self.number}: endre punktet i kriterielisten", classes="form-title", markup=False)
        yield Label("Tittel")
        yield Input(value=item.title, id="item-title")
        yield Label("Utlysningens tekst")
        yield Input(value=item.text, id="item-text")
        yield Label("Ord regelen leter etter, skilt med komma («*» på slutten: alle ord som begynner slik)")
        yield Input(value=", ".join(item.words), id="item-words")
        if item.kind == "kriterium":
            yield Label("Vekt i gjennomsnittet")
            yield Input(value=f"{item.weight:g}", id="item-weight")

    def on_mount(self) -> None:
        self.query_one("#item-title", Input).focus()

    def value(self) -> ItemData:
        title = " ".join(self.query_one("#item-title", Input).value.split())
        if not title:
            raise FormError("Punktet må ha en tittel.")
        words = [w.strip() for w in self.query_one("#item-words", Input).value.split(",") if w.strip()]
        weight = float(self.item.weight)
        if self.item.kind == "kriterium":
            typed = self.query_one("#item-weight", Input).value.strip().replace(",", ".")
            try:
                weight = float(typed)
            except ValueError:
                raise FormError(f"Vekten må være et tall, ikke «{typed}».") from None
        return ItemData(title, self.query_one("#item-text", Input).value.strip(), words, weight)
