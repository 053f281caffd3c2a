"""One case: its number, the innstilling points (add, edit, delete, reorder by keys and by
dragging), the text fields, a live Markdown preview, and "Lag på nytt fra tallene" with a
point-by-point diff (changed lines only, − old / + new).

Edits are kept in memory while typing and saved with ctrl+s, before any structural change
(add, delete, move, regenerate) and when leaving. The preview follows once typing or
reloading pauses (it is rebuilt at most once per pause). The case number is typed in the
"Saksnr" field ("24/2025" or "24-2025") and set with Enter. All changes go through
`rsapp.saksfremlegg.cases` / `.drafting`; nothing here does SQL.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import MouseDown, MouseUp
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.timer import Timer
from textual.widgets import (
    Button,
    Footer,
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

from rsapp.dates import format_date
from rsapp.saksfremlegg import cases as case_logic
from rsapp.saksfremlegg.numbering import CaseNumberError, format_case_number
from rsapp.vocab import CASE_TYPE_LABELS

if TYPE_CHECKING:
    from rsapp.app import RsApp
    from rsapp.models import InnstillingPoint
    from rsapp.saksfremlegg.drafting import PointChange

__all__ = ["CaseEditScreen", "PointList", "RegenerateScreen"]

FIELDS = ("saksopplysninger", "vurdering", "attachments")
_ERRORS = (case_logic.CaseError, CaseNumberError)


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


class RegenerateScreen(ModalScreen[set[str] | None]):
    """The changes a fresh draft would make; safe ones are ticked, edited text is not."""

    BINDINGS = [
        Binding("g", "accept", "Godta valgte", id="regen-accept", tooltip="Gjør de avkryssede endringene"),
        Binding("escape", "cancel", "Avbryt", id="regen-cancel", tooltip="Ikke endre noe"),
    ]

    def __init__(self, changes: list[PointChange]) -> None:
        super().__init__()
        self.changes = changes

    def compose(self) -> ComposeResult:
        with Vertical(id="regen-dialog"):
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
            with Horizontal(id="regen-buttons"):
                yield Button("Godta valgte (g)", id="regen-ok", variant="primary")
                yield Button("Avbryt (esc)", id="regen-no")

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

    def action_accept(self) -> None:
        self.dismiss(set(self.query_one(SelectionList).selected))

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#regen-ok")
    def _ok(self) -> None:
        self.action_accept()

    @on(Button.Pressed, "#regen-no")
    def _no(self) -> None:
        self.action_cancel()


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
        Binding("ctrl+s", "save", "Lagre", id="case-save", tooltip="Lagre punktet og tekstfeltene"),
        Binding("escape", "back", "Tilbake", id="case-back", tooltip="Lagre og gå tilbake til sakslisten"),
    ]

    def __init__(self, case_id: int) -> None:
        super().__init__()
        self.case_id = case_id
        self._points: list[InnstillingPoint] = []
        self._current = 0
        self._dirty_points: set[int] = set()
        self._dirty_fields: set[str] = set()
        self._renderer = None
        self._preview_timer: Timer | None = None
        self._preview_source: str | None = None

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
                yield Label("Innstilling (dra et punkt med musen, eller alt+↑/↓)", classes="title")
                yield PointList(id="points")
                with Horizontal(id="point-buttons"):
                    yield Button("Nytt (a)", id="btn-add")
                    yield Button("Slett", id="btn-delete", variant="error", tooltip="Delete")
                    yield Button("Opp", id="btn-up")
                    yield Button("Ned", id="btn-down")
                    yield Button("På nytt (g)", id="btn-regenerate")
                    yield Button("Lagre", id="btn-save", variant="primary", tooltip="ctrl+s")
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
        yield Footer()

    async def on_mount(self) -> None:
        from rsapp.saksfremlegg.render import Renderer, RenderError

        self.title = "Saksfremlegg"
        try:
            self._renderer = Renderer()
        except RenderError as exc:
            self.notify(str(exc), severity="error")
        await self._load(select_index=0)
        case = self._case
        self.query_one("#field-title", Input).value = case.title
        for name in FIELDS:
            self.query_one(f"#field-{name}", TextArea).text = getattr(case, name)
        self._show_number()
        self.query_one("#points", PointList).focus()

    # --- loading and the preview ---------------------------------------------------------------

    async def _load(self, select_index: int | None = None, select_id: int | None = None) -> None:
        with self.rsapp.session() as session:
            self._case = case_logic.get_case(session, self.case_id)
            self._meeting = (
                case_logic.get_meeting(session, self._case.meeting_id)
                if self._case.meeting_id is not None
                else None
            )
            self._points = case_logic.case_points(session, self.case_id)
        self._dirty_points.clear()
        if select_id is not None:
            ids = [p.id for p in self._points]
            select_index = ids.index(select_id) if select_id in ids else 0
        count = len(self._points)
        self._current = min(max(select_index or 0, 0), max(count - 1, 0))
        await self._fill_list()
        self._show_current()
        self._heading()
        self._schedule_preview()

    def _show_number(self) -> None:
        self.query_one("#field-number", Input).value = format_case_number(self._case.number, self._case.year)

    def _heading(self) -> None:
        case = self._case
        parts = [case_logic.case_label(case), CASE_TYPE_LABELS.get(case.case_type, case.case_type)]
        if self._meeting is not None:
            parts.append(f"{self._meeting.utvalg} {format_date(self._meeting.date)}")
        parts.append("Endelig" if case.final else "Utkast")
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
        from rsapp.models import Case
        from rsapp.saksfremlegg.render import RenderError, context_for

        if self._renderer is None:
            return ""
        shown = Case(**self._case.model_dump())
        shown.title = self.query_one("#field-title", Input).value or self._case.title
        for name in FIELDS:
            setattr(shown, name, self.query_one(f"#field-{name}", TextArea).text)
        try:
            return self._renderer.case(context_for(shown, self._meeting, self._points), "md")  # type: ignore[return-value]
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
        if event.text_area.text != getattr(self._case, name):
            self._dirty_fields.add(name)
        self._schedule_preview()

    @on(Input.Changed, "#field-title")
    def _title_changed(self, event: Input.Changed) -> None:
        if event.value != self._case.title:
            self._dirty_fields.add("title")
        self._schedule_preview()

    # --- saving and structural changes ---------------------------------------------------------

    def _save(self) -> bool:
        """Write edited points and fields; False (with a message) when something was refused."""
        if not self._dirty_points and not self._dirty_fields:
            return True
        with self.rsapp.session() as session:
            try:
                for point in self._points:
                    if point.id in self._dirty_points:
                        case_logic.update_point(session, point.id, point.text)  # type: ignore[arg-type]
                        self._dirty_points.discard(point.id)  # type: ignore[arg-type]
                if self._dirty_fields:
                    values = {name: self.query_one(f"#field-{name}", TextArea).text for name in FIELDS}
                    values["title"] = self.query_one("#field-title", Input).value
                    self._case = case_logic.update_case(
                        session, self.case_id, **{k: v for k, v in values.items() if k in self._dirty_fields}
                    )
                    self._dirty_fields.clear()
            except _ERRORS as exc:
                self.notify(str(exc), severity="error", timeout=8)
                return False
        self._heading()
        return True

    def action_save(self) -> None:
        if self._save():
            self.notify("Lagret.")

    def action_edit_number(self) -> None:
        field = self.query_one("#field-number", Input)
        field.focus()
        field.select_all()

    @on(Input.Submitted, "#field-number")
    def _number_submitted(self) -> None:
        self.action_set_number()

    def action_set_number(self) -> None:
        """Give the case the number in the Saksnr field; a used or out-of-order number is refused."""
        typed = self.query_one("#field-number", Input).value.strip()
        before = format_case_number(self._case.number, self._case.year)
        if typed == before:
            return
        if not self._save():
            return
        with self.rsapp.session() as session:
            try:
                self._case = case_logic.set_case_number(session, self.case_id, typed)
            except _ERRORS as exc:
                self.notify(str(exc), severity="error", timeout=10)
                self.query_one("#field-number", Input).focus()
                return
        self._show_number()
        self._heading()
        self._schedule_preview()
        after = format_case_number(self._case.number, self._case.year)
        self.notify(f"Saken har nå nummer {after} (var {before}).")
        self.query_one("#points", PointList).focus()

    def action_edit_point(self) -> None:
        if self.current_point() is not None:
            self.query_one("#point-text", TextArea).focus()

    async def action_add_point(self) -> None:
        if not self._save():
            return
        with self.rsapp.session() as session:
            try:
                point = case_logic.add_point(session, self.case_id, "Nytt punkt", position=self._current + 2)
            except _ERRORS as exc:
                self.notify(str(exc), severity="error")
                return
        await self._load(select_id=point.id)
        area = self.query_one("#point-text", TextArea)
        area.focus()
        area.select_all()

    async def action_delete_point(self) -> None:
        point = self.current_point()
        if point is None or not self._save():
            return
        with self.rsapp.session() as session:
            try:
                case_logic.delete_point(session, point.id)  # type: ignore[arg-type]
            except _ERRORS as exc:
                self.notify(str(exc), severity="error")
                return
        await self._load(select_index=self._current)
        self.notify(f"Slettet punkt: {point.text.splitlines()[0][:60]}")

    async def action_move_point(self, delta: int) -> None:
        point = self.current_point()
        if point is not None:
            await self._move(point, self._current + delta)

    async def _move(self, point: InnstillingPoint, target_index: int) -> None:
        if not self._save():
            return
        with self.rsapp.session() as session:
            try:
                case_logic.move_point(session, point.id, target_index + 1)  # type: ignore[arg-type]
            except _ERRORS as exc:
                self.notify(str(exc), severity="error")
                return
        await self._load(select_id=point.id)
        self.query_one("#points", PointList).focus()

    @on(PointList.Moved)
    async def _dragged(self, event: PointList.Moved) -> None:
        if 0 <= event.source < len(self._points):
            self._current = event.source
            await self._move(self._points[event.source], event.target)

    def action_regenerate(self) -> None:
        from rsapp.saksfremlegg.drafting import plan_regeneration

        if not self._save():
            return
        with self.rsapp.session() as session:
            try:
                changes = plan_regeneration(session, self.case_id)
            except _ERRORS as exc:
                self.notify(str(exc), severity="warning")
                return
        if not changes:
            self.notify("Saken er i samsvar med tallene; ingenting å endre.")
            return
        self.app.push_screen(RegenerateScreen(changes), callback=self._regenerate_chosen)

    async def _regenerate_chosen(self, accepted: set[str] | None) -> None:
        from rsapp.saksfremlegg.drafting import apply_regeneration

        if accepted is None:
            self.notify("Ingen endringer gjort.")
            return
        with self.rsapp.session() as session:
            try:
                applied = apply_regeneration(session, self.case_id, accepted)
            except _ERRORS as exc:
                self.notify(str(exc), severity="error")
                return
        await self._load(select_index=self._current)
        with self.rsapp.session() as session:
            case = case_logic.get_case(session, self.case_id)
        self.query_one("#field-title", Input).value = case.title
        for name in FIELDS:
            self.query_one(f"#field-{name}", TextArea).text = getattr(case, name)
        self._dirty_fields.clear()
        self.notify(f"Gjorde {len(applied)} endringer fra tallene.")

    def action_back(self) -> None:
        if self._save():
            self.dismiss(None)

    def flush_unsaved(self) -> None:
        """Write edited points and fields (called before the app quits)."""
        self._save()

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
            "Sak: endre saksnummer",
            "Skriv f.eks. 24/2025 i Saksnr-feltet og trykk Enter",
            self.action_edit_number,
        )
