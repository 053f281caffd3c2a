"""One case: its number, the innstilling points (add, edit, delete, reorder by keys and by
dragging), the text fields, a live Markdown preview, and "Lag på nytt fra tallene" with a
point-by-point diff (changed lines only, − old / + new).

Edits are kept in memory while typing and saved with ctrl+s, before any structural change
(add, delete, move, regenerate) and when leaving. The preview follows once typing or
reloading pauses (it is rebuilt at most once per pause). The case number is typed in the
"Saksnr" field ("24/2025" or "24-2025") and set with Enter. All changes go through
`rsapp.saksfremlegg` (points, saksliste, drafting) in thread workers, one at a time, that post
past-tense messages (:mod:`rsapp.messages`); nothing here does SQL or touches the database on
the UI thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import MouseDown, MouseUp
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import (
    Button,
    Header,
    Input,
    Label,
    ListItem,
    ListView,
    Markdown,
    SelectionList,
    Static,
    TabbedContent,
    TabPane,
    TextArea,
)
from textual.widgets.selection_list import Selection
from textual.worker import Worker, WorkerState

from rsapp.dates import format_date
from rsapp.dialogs import FormDialog
from rsapp.messages import CaseLoaded, ChangeSaved, RegenerationPlanned, error_text
from rsapp.saksfremlegg.numbering import format_case_number
from rsapp.saksfremlegg.records import case_label
from rsapp.vocab import case_type_label, final_label
from rsapp.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from rsapp.app import RsApp
    from rsapp.saksfremlegg.drafting import PointChange
    from rsapp.saksfremlegg.records import Case, InnstillingPoint, Meeting
    from rsapp.saksfremlegg.render import Renderer

__all__ = ["CaseEditScreen", "Edits", "PointList", "RegenerateScreen", "RegenerationChoice"]

FIELDS = ("saksopplysninger", "vurdering", "attachments")


@dataclass(frozen=True, slots=True)
class Edits:
    """What the user typed and has not saved: point id -> text, field name -> text."""

    points: dict[int, str] = field(default_factory=dict)
    fields: dict[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.points or self.fields)


def _point_label(number: int, point: InnstillingPoint) -> Text:
    first, *rest = (point.text.strip() or "(tomt)").splitlines()
    text = Text(f"{number}. ", style="bold")
    text.append(first + (" …" if rest else ""))
    if not point.source_key:
        text.append("  (eget punkt)", style="italic dim")
    elif point.text != point.generated_text:
        text.append("  ✎ redigert", style="italic")
    return text


class PointList(ListView):
    """The innstilling points; drag one with the mouse onto another place to move it."""

    class Moved(Message):
        """A point was dragged from index ``source`` to index ``target`` (0-based)."""

        def __init__(self, source: int, target: int) -> None:
            super().__init__()
            self.source = source
            self.target = target

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._drag_from: int | None = None

    def _index_at(self, screen_x: int, screen_y: int) -> int | None:
        try:
            widget, _ = self.screen.get_widget_at(screen_x, screen_y)
        except Exception:  # noqa: BLE001 - outside the screen
            return None
        node = widget
        while node is not None and not isinstance(node, ListItem):
            node = node.parent  # type: ignore[assignment]
        if node is None or node.parent is not self:
            return None
        return list(self.children).index(node)

    def on_mouse_down(self, event: MouseDown) -> None:
        self._drag_from = self._index_at(event.screen_x, event.screen_y)
        if self._drag_from is not None:
            self.capture_mouse()

    def on_mouse_up(self, event: MouseUp) -> None:
        source, self._drag_from = self._drag_from, None
        self.release_mouse()
        if source is None:
            return
        target = self._index_at(event.screen_x, event.screen_y)
        if target is None:
            target = 0 if event.screen_y < self.region.y else len(self.children) - 1
        if target != source:
            self.post_message(self.Moved(source, target))


@dataclass(frozen=True, slots=True)
class RegenerationChoice:
    """The keys of the changes from a fresh draft that the user accepted."""

    accepted: frozenset[str]


class RegenerateScreen(FormDialog[RegenerationChoice]):
    """The changes a fresh draft would make; safe ones are ticked, edited text is not."""

    CSS_PATH = ["../styles/dialogs.tcss", "../styles/cases.tcss"]
    BINDINGS = [
        Binding("g", "submit", "Godta valgte", id="regen-accept", tooltip="Gjør de avkryssede endringene"),
        Binding("escape", "cancel", "Avbryt", id="regen-cancel", tooltip="Ikke endre noe"),
    ]
    FORM_ID = "regen-dialog"
    OK_ID = "regen-ok"
    CANCEL_ID = "regen-no"
    OK_LABEL = "Godta valgte (g)"

    def __init__(self, changes: list[PointChange]) -> None:
        super().__init__()
        self.changes = changes

    def compose_fields(self) -> ComposeResult:
        yield Label("Lag på nytt fra tallene – hva skal endres?", classes="title")
        yield Static(
            "Avkrysset: endringer som ikke overskriver det du har skrevet. Punkter du har redigert "
            "og tekstfeltene endres bare om du krysser dem av (mellomrom).",
            id="regen-help",
        )
        yield SelectionList[str](
            *(
                Selection(Text(f"{c.label}: {(c.new or c.old).splitlines()[0][:70]}"), c.key, c.safe)
                for c in self.changes
            ),
            id="regen-changes",
        )
        yield Static(id="regen-diff")

    def on_mount(self) -> None:
        self.query_one(SelectionList).focus()
        if self.changes:
            self._show(self.changes[0])

    def _show(self, change: PointChange) -> None:
        text = Text()
        text.append(f"{change.label} – bare linjene som endres (− nå / + fra tallene):\n", style="bold")
        for sign, line in change.diff():
            if sign == "-":
                text.append(f"− {line}\n", style="red")
            else:
                text.append(f"+ {line}\n", style="green")
        self.query_one("#regen-diff", Static).update(text)

    @on(SelectionList.SelectionHighlighted)
    def _highlighted(self, event: SelectionList.SelectionHighlighted) -> None:
        self._show(self.changes[event.selection_index])

    def value(self) -> RegenerationChoice:
        return RegenerationChoice(frozenset(self.query_one(SelectionList).selected))


class CaseEditScreen(Screen[None]):
    """Saksfremlegg: innstilling, tekst og forhåndsvisning."""

    CSS_PATH = "../styles/cases.tcss"
    PREVIEW_DELAY = 0.2  # seconds of quiet typing before the preview is rebuilt
    BINDINGS = [
        Binding(
            "a",
            "add_point",
            "Nytt punkt",
            id="case-add",
            tooltip="Legg til et innstillingspunkt etter det valgte",
        ),
        Binding("e", "edit_point", "Rediger", id="case-edit", tooltip="Skriv i det valgte punktet"),
        Binding("delete", "delete_point", "Slett", id="case-delete", tooltip="Slett det valgte punktet"),
        Binding("alt+up", "move_point(-1)", "Opp", id="case-up", tooltip="Flytt punktet opp"),
        Binding("alt+down", "move_point(1)", "Ned", id="case-down", tooltip="Flytt punktet ned"),
        Binding(
            "g",
            "regenerate",
            "Lag på nytt",
            id="case-regenerate",
            tooltip="Sammenlign med tallene og velg endringer",
        ),
        Binding(
            "n", "edit_number", "Saksnr", id="case-number", tooltip="Skriv et annet saksnummer (24/2025)"
        ),
        Binding(
            "u",
            "exemptions",
            "Unntak",
            id="case-exemptions",
            tooltip="Unntatt offentlighet: hva som tas ut av den offentlige versjonen, og hjemmelen",
        ),
        Binding("ctrl+s", "save", "Lagre", id="case-save", tooltip="Lagre punktet og tekstfeltene"),
        Binding("escape", "back", "Tilbake", id="case-back", tooltip="Lagre og gå tilbake til sakslisten"),
    ]

    def __init__(self, case_id: int) -> None:
        super().__init__()
        self.case_id = case_id
        self._case: Case | None = None
        self._meeting: Meeting | None = None
        self._points: list[InnstillingPoint] = []
        self._current = 0
        self._dirty_points: set[int] = set()
        self._dirty_fields: set[str] = set()
        self._renderer: Renderer | None = None
        self._preview_timer: Timer | None = None
        self._preview_source: str | None = None
        self._focus_after_load: str | None = None
        self._leaving = False  # Esc pressed: the save before leaving runs
        self._focus_on_error: str | None = None
        self._write_lock = threading.Lock()

    @property
    def rsapp(self) -> RsApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon="")
        with Horizontal(id="case-top"):
            yield Static(id="case-heading")
            yield Label("Saksnr (n):", id="number-label")
            yield Input(
                id="field-number", placeholder="24/2025", tooltip="Skriv f.eks. 24/2025 og trykk Enter"
            )
            yield Button("Sett nr.", id="btn-number", tooltip="Bruk saksnummeret i feltet")
        with Horizontal(id="case-body"):
            with Vertical(id="case-editor"):
                yield Label("Innstilling (dra et punkt med musen, eller Alt+↑/↓)", classes="title")
                yield PointList(id="points")
                with Horizontal(id="point-buttons", classes="button-row"):
                    yield Button("Nytt (a)", id="btn-add")
                    yield Button("Slett", id="btn-delete", variant="error", tooltip="Delete")
                    yield Button("Opp", id="btn-up")
                    yield Button("Ned", id="btn-down")
                    yield Button("På nytt (g)", id="btn-regenerate")
                    yield Button("Lagre", id="btn-save", variant="primary", tooltip="Ctrl+S")
                yield Label("Valgt punkt", classes="title")
                yield TextArea(id="point-text", soft_wrap=True, show_line_numbers=False)
                with TabbedContent(id="case-fields"):
                    with TabPane("Tittel", id="tab-title"):
                        yield Input(id="field-title", placeholder="Sakens tittel")
                    with TabPane("Saksopplysninger", id="tab-saksopplysninger"):
                        yield TextArea(id="field-saksopplysninger", soft_wrap=True)
                    with TabPane("Vurdering", id="tab-vurdering"):
                        yield TextArea(id="field-vurdering", soft_wrap=True)
                    with TabPane("Vedlegg", id="tab-attachments"):
                        yield TextArea(id="field-attachments", soft_wrap=True)
            with VerticalScroll(id="preview-pane"):
                yield Markdown(id="preview")
        yield KeyFooter()

    async def on_mount(self) -> None:
        from rsapp.saksfremlegg.render import Renderer, RenderError

        self.title = "Saksfremlegg"
        try:
            self._renderer = Renderer()
        except RenderError as exc:
            self.notify(str(exc), severity="error", markup=False)
        self.query_one("#case-body").loading = True
        self._load(select_index=0, fields=True)
        self.query_one("#points", PointList).focus()

    # --- loading and the preview ---------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="case-load", description="Leser saken")
    def _load(
        self, select_index: int | None = None, select_id: int | None = None, fields: bool = False
    ) -> None:
        from rsapp.saksfremlegg.points import case_view

        view = self.rsapp.db.call(case_view, self.case_id)
        self.post_message(CaseLoaded(view.case, view.meeting, view.points, select_index, select_id, fields))

    @on(CaseLoaded)
    async def _loaded(self, message: CaseLoaded) -> None:
        self.query_one("#case-body").loading = False
        self._case, self._meeting, self._points = message.case, message.meeting, message.points
        self._dirty_points.clear()
        select_index = message.select_index
        if message.select_id is not None:
            ids = [p.id for p in self._points]
            select_index = ids.index(message.select_id) if message.select_id in ids else 0
        count = len(self._points)
        self._current = min(max(select_index or 0, 0), max(count - 1, 0))
        await self._fill_list()
        self._show_current()
        if message.fields:
            self.query_one("#field-title", Input).value = message.case.title
            for name in FIELDS:
                self.query_one(f"#field-{name}", TextArea).text = getattr(message.case, name)
            self._dirty_fields.clear()
            self._show_number()
        self._heading()
        self._set_read_only(message.case.final)
        self._schedule_preview()
        focus, self._focus_after_load = self._focus_after_load, None
        if focus == "text":
            area = self.query_one("#point-text", TextArea)
            area.focus()
            area.select_all()
        elif focus == "points":
            self.query_one("#points", PointList).focus()

    def _set_read_only(self, read_only: bool) -> None:
        """A final case (a summoned or approved meeting's) opens read-only: nothing can be typed,
        and Esc leaves without trying to save."""
        was = getattr(self, "_read_only", False)
        self._read_only = read_only
        for area in self.query(TextArea):
            area.read_only = read_only
        for entry in self.query(Input):
            entry.disabled = read_only
        for button in self.query("#point-buttons Button, #btn-number"):
            button.disabled = read_only
        if read_only:
            self._dirty_points.clear()
            self._dirty_fields.clear()
            if not was:
                self.notify("Saken er endelig og vises bare for lesing.", timeout=4)

    def _show_number(self) -> None:
        if self._case is not None:
            self.query_one("#field-number", Input).value = format_case_number(
                self._case.number, self._case.year
            )

    def _heading(self) -> None:
        case = self._case
        if case is None:
            return
        parts = [case_label(case), case_type_label(case.case_type)]
        if self._meeting is not None:
            parts.append(f"{self._meeting.utvalg} {format_date(self._meeting.date)}")
        parts.append(final_label(case.final))
        self.query_one("#case-heading", Static).update(Text(" · ".join(parts), style="bold"))

    async def _fill_list(self) -> None:
        points = self.query_one("#points", PointList)
        await points.clear()
        await points.extend(
            ListItem(Label(_point_label(n, p), markup=False), classes="point")
            for n, p in enumerate(self._points, start=1)
        )
        if self._points:
            points.index = self._current

    def _show_current(self) -> None:
        area = self.query_one("#point-text", TextArea)
        point = self.current_point()
        area.text = point.text if point else ""
        area.disabled = point is None

    def current_point(self) -> InnstillingPoint | None:
        return self._points[self._current] if 0 <= self._current < len(self._points) else None

    def preview_markdown(self) -> str:
        """The case as Markdown from what is on screen now (saved or not)."""
        from types import SimpleNamespace

        from rsapp.saksfremlegg.render import RenderError, context_for

        if self._renderer is None or self._case is None:
            return ""
        shown = SimpleNamespace(**self._case.model_dump())  # the case as typed, not a table row
        shown.title = self.query_one("#field-title", Input).value or self._case.title
        for name in FIELDS:
            setattr(shown, name, self.query_one(f"#field-{name}", TextArea).text)
        try:
            return str(self._renderer.case(context_for(shown, self._meeting, self._points), "md"))
        except RenderError as exc:
            return f"**Feil i malen:** {exc}"

    def _refresh_labels(self) -> None:
        """Point labels in the list that no longer match their (edited) text."""
        items = list(self.query_one("#points", PointList).children)
        for number, (item, point) in enumerate(zip(items, self._points, strict=False), start=1):
            label = _point_label(number, point)
            shown = item.query_one(Label)
            if str(shown.content) != label.plain:
                shown.update(label)

    def _update_preview(self) -> None:
        self._preview_timer = None
        self._refresh_labels()
        markdown = self.preview_markdown()
        preview = self.query_one("#preview", Markdown)
        if markdown != self._preview_source:
            self._preview_source = markdown
            preview.update(markdown)

    def _schedule_preview(self) -> None:
        """Update the preview once typing or reloading pauses (the Markdown widget is slow to rebuild)."""
        if self._preview_timer is not None:
            self._preview_timer.stop()
        self._preview_timer = self.set_timer(self.PREVIEW_DELAY, self._update_preview)

    # --- typing --------------------------------------------------------------------------------

    @on(ListView.Highlighted, "#points")
    def _point_highlighted(self, event: ListView.Highlighted) -> None:
        index = event.list_view.index
        if index is not None and index != self._current:
            self._current = index
            self._show_current()

    @on(ListView.Selected, "#points")
    def _point_selected(self) -> None:
        self.action_edit_point()

    @on(TextArea.Changed, "#point-text")
    def _point_text_changed(self, event: TextArea.Changed) -> None:
        point = self.current_point()
        if point is None or event.text_area.text == point.text:
            return
        point.text = event.text_area.text
        self._dirty_points.add(point.id)  # type: ignore[arg-type]
        self._schedule_preview()  # the list label follows with the preview, not on every keystroke

    @on(TextArea.Changed, "#field-saksopplysninger, #field-vurdering, #field-attachments")
    def _field_changed(self, event: TextArea.Changed) -> None:
        name = (event.text_area.id or "").removeprefix("field-")
        if self._case is not None and event.text_area.text != getattr(self._case, name):
            self._dirty_fields.add(name)
        self._schedule_preview()

    @on(Input.Changed, "#field-title")
    def _title_changed(self, event: Input.Changed) -> None:
        if self._case is not None and event.value != self._case.title:
            self._dirty_fields.add("title")
        self._schedule_preview()

    # --- saving and structural changes (thread workers) ---------------------------------------

    def edits(self) -> Edits:
        """What is typed and not yet saved."""
        points = {p.id: p.text for p in self._points if p.id is not None and p.id in self._dirty_points}
        fields: dict[str, str] = {}
        if self._dirty_fields:
            values = {name: self.query_one(f"#field-{name}", TextArea).text for name in FIELDS}
            values["title"] = self.query_one("#field-title", Input).value
            fields = {name: text for name, text in values.items() if name in self._dirty_fields}
        return Edits(points, fields)

    def _write(
        self, step: Callable[[], Message | None] | None = None, *, focus_on_error: str | None = None
    ) -> Worker[None]:
        """Save what is typed, then run ``step`` (it changes the case through ``self.rsapp.db``
        and returns the message to post), in a worker; one change at a time."""
        self._focus_on_error = focus_on_error
        return self._run_write(self.edits(), step)

    @work(thread=True, exit_on_error=False, group="case-change", description="Lagrer saken")
    def _run_write(self, edits: Edits, step: Callable[[], Message | None] | None) -> None:
        from rsapp.saksfremlegg.points import update_point
        from rsapp.saksfremlegg.saksliste import update_case

        db = self.rsapp.db
        with self._write_lock:
            if edits:
                for point_id, text in edits.points.items():
                    db.call(update_point, point_id, text)
                case = db.call(update_case, self.case_id, **edits.fields) if edits.fields else None
                self.post_message(ChangeSaved(reload=False, details={"edits": edits, "case": case}))
            result = step() if step is not None else None
        if result is not None:
            self.post_message(result)

    @on(ChangeSaved)
    def _saved(self, message: ChangeSaved) -> None:
        details = message.details
        if "exemptions" in details:  # saved first: a passage selected in a field is then found
            from rsapp.screens.exemptions import ExemptionsScreen

            field, passage, point = details["exemptions"]
            if self.is_current and not self._leaving:  # not when Esc came before the save was done
                self.app.push_screen(
                    ExemptionsScreen(self.case_id, field=field, passage=passage, point=point)
                )
            return
        edits: Edits | None = details.get("edits")
        if edits is not None:  # what was typed since the save stays marked unsaved
            for point in self._points:
                if point.id in edits.points and point.text == edits.points[point.id]:
                    self._dirty_points.discard(point.id)
            if details.get("case") is not None:
                self._case = details["case"]
            current = self.edits().fields if self._dirty_fields else {}
            for name, text in edits.fields.items():
                if current.get(name) == text:
                    self._dirty_fields.discard(name)
        if details.get("case") is not None:
            self._case = details["case"]
            self._heading()
        if details.get("number"):
            self._show_number()
            self._schedule_preview()
        if message.notice:
            self.notify(message.notice, severity=message.severity, markup=False)  # may quote a point
        if details.get("leave"):
            self.dismiss(None)
            return
        if details.get("focus") == "points" and not message.reload:
            self.query_one("#points", PointList).focus()
        if message.reload:
            self._focus_after_load = details.get("focus")
            self._load(
                select_index=message.select_index,
                select_id=message.select_point,
                fields=bool(details.get("fields")),
            )

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR:
            return
        self.query_one("#case-body").loading = False
        self._leaving = False  # the save failed: the user stays, with what was typed
        self.notify(error_text(event.worker.error), severity="error", timeout=10, markup=False)
        focus, self._focus_on_error = self._focus_on_error, None
        if focus and event.worker.group == "case-change":
            self.query_one(focus).focus()

    def action_save(self) -> None:
        self._write(lambda: ChangeSaved(notice="Lagret.", reload=False))

    def action_exemptions(self) -> None:
        """Unntatt offentlighet for the case. The form for a new one starts where the user is: the
        text selected in a field (the case is saved first, so that the passage is found in it), or
        the selected innstilling point."""
        field, passage, point = "saksopplysninger", "", None
        focused = self.focused
        if isinstance(focused, TextArea) and focused.id:
            passage = focused.selected_text.strip()
            name = focused.id.removeprefix("field-")
            if focused.id == "point-text":
                field = "innstilling"
            elif name in FIELDS:
                field = "vedlegg" if name == "attachments" else name
        if field == "innstilling" or isinstance(focused, PointList):
            field = "innstilling"
            if not passage and self.current_point() is not None:
                point = self._current + 1
        chosen = (field, passage, point)
        self._write(lambda: ChangeSaved(reload=False, details={"exemptions": chosen}))

    def action_edit_number(self) -> None:
        field = self.query_one("#field-number", Input)
        field.focus()
        field.select_all()

    @on(Input.Submitted, "#field-number")
    def _number_submitted(self) -> None:
        self.action_set_number()

    def action_set_number(self) -> None:
        """Give the case the number in the Saksnr field; a used or out-of-order number is refused."""
        if self._case is None:
            return
        typed = self.query_one("#field-number", Input).value.strip()
        before = format_case_number(self._case.number, self._case.year)
        if typed == before:
            return
        db, case_id = self.rsapp.db, self.case_id

        def renumber() -> ChangeSaved:
            from rsapp.saksfremlegg.saksliste import set_case_number

            case = db.call(set_case_number, case_id, typed)
            after = format_case_number(case.number, case.year)
            return ChangeSaved(
                notice=f"Saken har nå nummer {after} (var {before}).",
                reload=False,
                details={"case": case, "number": True, "focus": "points"},
            )

        self._write(renumber, focus_on_error="#field-number")

    def action_edit_point(self) -> None:
        """Into the point's text, the cursor after its last word (to add to it; F7 selects all)."""
        if self.current_point() is not None:
            area = self.query_one("#point-text", TextArea)
            area.focus()
            area.move_cursor(area.document.end)

    def action_add_point(self) -> None:
        db, case_id, position = self.rsapp.db, self.case_id, self._current + 2

        def add() -> ChangeSaved:
            from rsapp.saksfremlegg.points import add_point

            point = db.call(add_point, case_id, "Nytt punkt", position=position)
            return ChangeSaved(select_point=point.id, details={"focus": "text"})

        self._write(add)

    def action_delete_point(self) -> None:
        point = self.current_point()
        if point is None or point.id is None:
            return
        db, point_id, index, text = self.rsapp.db, point.id, self._current, point.text

        def delete() -> ChangeSaved:
            from rsapp.saksfremlegg.points import delete_point

            db.call(delete_point, point_id)
            return ChangeSaved(notice=f"Slettet punkt: {text.splitlines()[0][:60]}", select_index=index)

        self._write(delete)

    def action_move_point(self, delta: int) -> None:
        point = self.current_point()
        if point is not None:
            self._move(point, self._current + delta)

    def _move(self, point: InnstillingPoint, target_index: int) -> None:
        if point.id is None:
            return
        db, point_id = self.rsapp.db, point.id

        def move() -> ChangeSaved:
            from rsapp.saksfremlegg.points import move_point

            db.call(move_point, point_id, target_index + 1)
            return ChangeSaved(select_point=point_id, details={"focus": "points"})

        self._write(move)

    @on(PointList.Moved)
    def _dragged(self, event: PointList.Moved) -> None:
        if 0 <= event.source < len(self._points):
            self._current = event.source
            self._move(self._points[event.source], event.target)

    def action_regenerate(self) -> None:
        db, case_id = self.rsapp.db, self.case_id

        def plan() -> RegenerationPlanned:
            from rsapp.saksfremlegg.drafting import plan_regeneration

            return RegenerationPlanned(db.call(plan_regeneration, case_id))

        self._write(plan)

    @on(RegenerationPlanned)
    def _planned(self, message: RegenerationPlanned) -> None:
        if not message.changes:
            self.notify("Saken er i samsvar med tallene; ingenting å endre.")
            return
        self.app.push_screen(RegenerateScreen(message.changes), callback=self._regenerate_chosen)

    def _regenerate_chosen(self, choice: RegenerationChoice | None) -> None:
        if choice is None:
            self.notify("Ingen endringer gjort.")
            return
        db, case_id, index, accepted = self.rsapp.db, self.case_id, self._current, set(choice.accepted)

        def apply() -> ChangeSaved:
            from rsapp.saksfremlegg.drafting import apply_regeneration

            applied = db.call(apply_regeneration, case_id, accepted)
            return ChangeSaved(
                notice=f"Gjorde {len(applied)} endringer fra tallene.",
                select_index=index,
                details={"fields": True},
            )

        self._write(apply)

    def action_back(self) -> None:
        if getattr(self, "_read_only", False) or not self.edits():
            self.dismiss(None)
            return
        self._leaving = True  # what other keys asked for before the save is done is not opened
        self._write(lambda: ChangeSaved(reload=False, details={"leave": True}))

    def flush_unsaved(self) -> Worker[None] | None:
        """Write edited points and fields (the app awaits this before it quits)."""
        return self._write() if self.edits() and not getattr(self, "_read_only", False) else None

    @on(Button.Pressed)
    async def _button(self, event: Button.Pressed) -> None:
        actions = {
            "btn-add": self.action_add_point,
            "btn-delete": self.action_delete_point,
            "btn-up": lambda: self.action_move_point(-1),
            "btn-down": lambda: self.action_move_point(1),
            "btn-regenerate": self.action_regenerate,
            "btn-save": self.action_save,
            "btn-number": self.action_set_number,
        }
        action = actions.get(event.button.id or "")
        if action is not None:
            result = action()
            if result is not None:
                await result

    def palette_commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand(
            "Innstilling: nytt punkt", "Legg til et punkt etter det valgte", self.action_add_point
        )
        yield SystemCommand(
            "Innstilling: rediger punkt", "Skriv i det valgte punktet", self.action_edit_point
        )
        yield SystemCommand("Innstilling: slett punkt", "Slett det valgte punktet", self.action_delete_point)
        yield SystemCommand(
            "Innstilling: flytt punkt opp", "Flytt det valgte punktet opp", lambda: self.action_move_point(-1)
        )
        yield SystemCommand(
            "Innstilling: flytt punkt ned", "Flytt det valgte punktet ned", lambda: self.action_move_point(1)
        )
        yield SystemCommand(
            "Sak: lag på nytt fra tallene", "Vis endringene punkt for punkt", self.action_regenerate
        )
        yield SystemCommand("Sak: lagre", "Lagre punktet og tekstfeltene", self.action_save)
        yield SystemCommand(
            "Sak: unntatt offentlighet",
            "Hva som tas ut av den offentlige versjonen, og hjemmelen",
            self.action_exemptions,
        )
        yield SystemCommand(
            "Sak: endre saksnummer",
            "Skriv f.eks. 24/2025 i Saksnr-feltet og trykk Enter",
            self.action_edit_number,
        )
