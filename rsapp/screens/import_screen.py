"""Import: pick files or a folder, read them in a worker with a progress bar, see the result per file.

The file picker starts in the user's home folder; Backspace (or the "Opp" button) goes up a
folder, F3 opens the highlighted folder, and a path can be typed. The screen only collects
input and shows results; reading, parsing and saving are done by
:mod:`rsapp.importer.service`. The thread worker never touches a widget: it posts
:class:`FileRead` and :class:`FilesRead` messages.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widgets import (
    Button,
    DataTable,
    DirectoryTree,
    Header,
    Input,
    ProgressBar,
    Select,
    Static,
)
from textual.worker import Worker, WorkerState

from rsapp.widgets.footer import KeyFooter
from rsapp.widgets.table import MeasuredTable

if TYPE_CHECKING:
    from rsapp.app import RsApp
    from rsapp.importer.service import FilePreview, FileResult

AUTO = "__auto__"


class FileRead(Message):
    """One file has been read and compared with the portfolio."""

    def __init__(self, index: int, total: int, preview: FilePreview) -> None:
        super().__init__()
        self.index = index
        self.total = total
        self.preview = preview


class FilesRead(Message):
    """Every chosen file has been read."""

    def __init__(self, previews: list[FilePreview]) -> None:
        super().__init__()
        self.previews = previews


def _status(preview: FilePreview) -> tuple[str, str]:
    if preview.error is not None:
        return "feil", preview.error
    if preview.already_imported is not None:
        return "allerede importert", preview.already_imported
    actions = [plan.action for plan in preview.applications]
    parts = []
    for action, label in (("ny", "ny"), ("oppdatering", "oppdatering"), ("uendret", "uendret")):
        n = actions.count(action)
        if n:
            parts.append(f"{n} {label}")
    missing = sum(1 for plan in preview.applications if plan.parsed.missing_required)
    if missing:
        parts.append(f"{missing} med manglende felt")
    return "lest", ", ".join(parts) or "ingen søknader"


class ImportScreen(Screen[None]):
    """Importer søknader fra filer."""

    CSS_PATH = "../styles/import.tcss"
    BINDINGS = [
        Binding(
            "f2",
            "add_selected",
            "Legg til valgt",
            id="import-add",
            tooltip="Legg til filen eller mappen som er valgt i treet",
        ),
        Binding(
            "backspace", "up", "Opp en mappe", id="import-up", tooltip="Vis mappen over den som vises i treet"
        ),
        Binding(
            "f3", "open_folder", "Åpne mappe", id="import-open", tooltip="Vis mappen som er valgt i treet"
        ),
        Binding("f5", "read_files", "Les filene", id="import-read", tooltip="Les de valgte filene"),
        Binding(
            "f6", "review", "Gå gjennom", id="import-review", tooltip="Gå gjennom og godta det som er lest"
        ),
        Binding("f8", "clear", "Tøm listen", id="import-clear", tooltip="Fjern alle valgte filer"),
        Binding("escape", "back", "Tilbake", id="import-back", tooltip="Tilbake til porteføljen"),
    ]

    def __init__(self, round_id: int | None = None, start_dir: str | Path | None = None) -> None:
        super().__init__()
        self.round_id = round_id
        self.start_dir = Path(start_dir).expanduser() if start_dir else Path.home()
        self.paths: list[Path] = []
        self.previews: list[FilePreview] = []
        self.results: list[FileResult] = []
        self._highlighted: Path | None = None

    @property
    def rsapp(self) -> RsApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        from rsapp.store.read_model import read_rounds

        with self.rsapp.read() as reader:
            rounds = read_rounds(reader)
        # A round's name is data: plain Text, never markup.
        options = [("Automatisk (etter kommunene)", AUTO)] + [(Text(r.label), r.key) for r in rounds]
        selected = next((r.key for r in rounds if r.id == self.round_id), AUTO)
        yield Header(show_clock=False, icon="")
        yield Static("Importer søknader", classes="title")
        with Horizontal(id="import-main"):
            with Vertical(id="import-picker"):
                yield Static(
                    "Velg filer eller en mappe (Enter på en fil, F2 for valgt mappe, "
                    "F3 åpner mappen, Rettetast går opp):",
                    classes="hint",
                )
                with Horizontal(id="import-folder-row"):
                    yield Button("↑ Opp", id="import-up-button")
                    yield Static(str(self.start_dir), id="import-folder", markup=False)  # a path
                yield DirectoryTree(self.start_dir, id="import-tree")
            with Vertical(id="import-side"):
                with Horizontal(id="import-path-row"):
                    yield Input(placeholder="Sti til fil eller mappe (Enter)", id="import-path")
                    yield Button("Legg til", id="import-add-button")
                yield Select(options, value=selected, allow_blank=False, id="import-round")
                yield Static("Ingen filer valgt.", id="import-chosen", markup=False)  # file names
                with Horizontal(id="import-buttons"):
                    yield Button("Les filene (F5)", id="import-read-button", variant="primary")
                    yield Button("Gå gjennom (F6)", id="import-review-button", disabled=True)
                    yield Button("Tøm (F8)", id="import-clear-button")
                yield ProgressBar(total=1, show_eta=False, id="import-progress")
                yield MeasuredTable(id="import-results", cursor_type="row", zebra_stripes=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = "Import"
        table = self.query_one("#import-results", DataTable)
        table.add_columns("Fil", "Søknader", "Status", "Melding")
        self.query_one("#import-progress", ProgressBar).display = False

    def palette_commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand(
            "Import: legg til valgt fil/mappe", "Legg til det som er valgt i treet", self.action_add_selected
        )
        yield SystemCommand("Import: les filene", "Les og tolk de valgte filene", self.action_read_files)
        yield SystemCommand(
            "Import: gå gjennom og godta", "Se feltene og godta eller forkast", self.action_review
        )
        yield SystemCommand("Import: tøm listen", "Fjern alle valgte filer", self.action_clear)

    # --- choosing files ------------------------------------------------------------------------

    def add_path(self, path: Path) -> None:
        from rsapp.importer.service import collect_paths

        if not path.exists():
            self.notify(f"Finner ikke {path}", severity="error", markup=False)
            return
        added = [p for p in collect_paths([path]) if p not in self.paths]
        if not added:
            self.notify(f"Ingen nye filer å lese i {path.name or path}", severity="warning", markup=False)
            return
        self.paths.extend(added)
        self._show_chosen()

    def _show_chosen(self) -> None:
        widget = self.query_one("#import-chosen", Static)
        if not self.paths:
            widget.update("Ingen filer valgt.")
            return
        names = ", ".join(p.name for p in self.paths[:8])
        more = f" … og {len(self.paths) - 8} til" if len(self.paths) > 8 else ""
        widget.update(f"{len(self.paths)} fil{'er' if len(self.paths) != 1 else ''} valgt: {names}{more}")

    @on(DirectoryTree.FileSelected)
    def _file_selected(self, event: DirectoryTree.FileSelected) -> None:
        self.add_path(Path(event.path))

    @on(DirectoryTree.NodeHighlighted)
    def _node_highlighted(self, event: DirectoryTree.NodeHighlighted) -> None:
        data = event.node.data
        self._highlighted = Path(data.path) if data is not None else None

    @on(Input.Submitted, "#import-path")
    def _path_submitted(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.add_path(Path(event.value.strip()).expanduser())
            event.input.value = ""

    @on(Button.Pressed, "#import-add-button")
    def _add_pressed(self) -> None:
        value = self.query_one("#import-path", Input).value.strip()
        if value:
            self.add_path(Path(value).expanduser())
            self.query_one("#import-path", Input).value = ""
        else:
            self.action_add_selected()

    @on(Button.Pressed, "#import-read-button")
    def _read_pressed(self) -> None:
        self.action_read_files()

    @on(Button.Pressed, "#import-review-button")
    def _review_pressed(self) -> None:
        self.action_review()

    @on(Button.Pressed, "#import-clear-button")
    def _clear_pressed(self) -> None:
        self.action_clear()

    # --- moving around the folders ----------------------------------------------------------------

    def show_folder(self, folder: Path) -> None:
        """Let the tree show ``folder`` (any folder the user can read)."""
        folder = folder.expanduser()
        if not folder.is_dir():
            self.notify(f"{folder} er ikke en mappe", severity="warning", markup=False)
            return
        try:
            next(folder.iterdir(), None)
        except OSError as exc:
            from rsapp.importer.readers import read_reason

            self.notify(f"Kan ikke åpne {folder}: {read_reason(exc)}", severity="error", markup=False)
            return
        tree = self.query_one("#import-tree", DirectoryTree)
        tree.path = folder
        self._highlighted = None
        self.query_one("#import-folder", Static).update(str(folder))

    @property
    def folder(self) -> Path:
        return Path(self.query_one("#import-tree", DirectoryTree).path)

    def action_up(self) -> None:
        parent = self.folder.resolve().parent
        if parent == self.folder.resolve():
            self.notify("Du er øverst i filsystemet.", severity="information")
            return
        self.show_folder(parent)

    def action_open_folder(self) -> None:
        target = self._highlighted
        if target is None:
            self.notify("Velg en mappe i treet først.", severity="warning")
            return
        self.show_folder(target if target.is_dir() else target.parent)

    @on(Button.Pressed, "#import-up-button")
    def _up_pressed(self) -> None:
        self.action_up()

    def action_add_selected(self) -> None:
        if self._highlighted is None:
            self.notify("Velg en fil eller mappe i treet først.", severity="warning")
            return
        self.add_path(self._highlighted)

    def action_clear(self) -> None:
        self.paths.clear()
        self.previews.clear()
        self.query_one("#import-results", DataTable).clear()
        self.query_one("#import-review-button", Button).disabled = True
        self._show_chosen()

    def action_back(self) -> None:
        self.dismiss(None)

    # --- reading (worker) ----------------------------------------------------------------------

    def _round_key(self) -> str | None:
        value = self.query_one("#import-round", Select).value
        return None if value == AUTO or value is Select.BLANK else str(value)

    def action_read_files(self) -> None:
        if not self.paths:
            self.notify("Velg filer eller en mappe først.", severity="warning")
            return
        self.previews = []
        self.query_one("#import-results", DataTable).clear()
        bar = self.query_one("#import-progress", ProgressBar)
        bar.update(total=len(self.paths), progress=0)
        bar.display = True
        self.query_one("#import-read-button", Button).disabled = True
        self.query_one("#import-review-button", Button).disabled = True
        self.read_files(list(self.paths), self._round_key())

    @work(thread=True, exclusive=True, exit_on_error=False, group="import", description="Leser søknadsfiler")
    def read_files(self, paths: list[Path], round_key: str | None) -> None:
        from rsapp.importer.service import preview_path

        previews: list[FilePreview] = []
        for index, path in enumerate(paths, start=1):
            preview = preview_path(self.rsapp.engine, path, round_key)
            previews.append(preview)
            self.post_message(FileRead(index, len(paths), preview))
        self.post_message(FilesRead(previews))

    @on(FileRead)
    def _file_read(self, message: FileRead) -> None:
        self.query_one("#import-progress", ProgressBar).update(progress=message.index)
        status, text = _status(message.preview)
        self.query_one("#import-results", DataTable).add_row(
            message.preview.filename, str(len(message.preview.applications)), status, text
        )

    @on(FilesRead)
    def _files_read(self, message: FilesRead) -> None:
        self.previews = message.previews
        self.query_one("#import-read-button", Button).disabled = False
        readable = [p for p in self.previews if p.ok and p.applications]
        self.query_one("#import-review-button", Button).disabled = not readable
        failed = sum(1 for p in self.previews if p.error)
        self.notify(
            f"Leste {len(self.previews)} fil{'er' if len(self.previews) != 1 else ''}"
            + (f", {failed} med feil" if failed else "")
            + (". Trykk F6 for å gå gjennom." if readable else "."),
            severity="warning" if failed else "information",
        )

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "import" and event.state == WorkerState.ERROR:
            self.query_one("#import-read-button", Button).disabled = False
            self.notify(f"Lesingen stoppet: {event.worker.error}", severity="error", markup=False)

    # --- review --------------------------------------------------------------------------------

    def action_review(self) -> None:
        from rsapp.screens.import_review import ImportReviewScreen

        readable = [p for p in self.previews if p.ok and p.applications]
        if not readable:
            self.notify("Ingenting å gå gjennom: les filene først (F5).", severity="warning")
            return
        self.app.push_screen(ImportReviewScreen(readable), callback=self._reviewed)

    def _reviewed(self, results: list[FileResult] | None) -> None:
        if not results:
            return
        self.results.extend(results)
        table = self.query_one("#import-results", DataTable)
        for result in results:
            table.add_row(
                result.filename,
                str(len(result.created) + len(result.updated) + result.unchanged),
                result.status,
                result.message,
            )
        self.previews = [p for p in self.previews if p.filename not in {r.filename for r in results}]
        self.query_one("#import-review-button", Button).disabled = not any(
            p.ok and p.applications for p in self.previews
        )
        message, severity = saved_notice(results)
        self.notify(message, severity=severity)


def saved_notice(results: list[FileResult]) -> tuple[str, SeverityLevel]:
    """What the notice after saving says: how many files were saved, with how many new and
    updated applications, and how many files were discarded or failed."""
    saved = [r for r in results if r.status in ("importert", "oppdatert", "uendret")]
    discarded = sum(1 for r in results if r.status == "forkastet")
    failed = sum(1 for r in results if r.status == "feil")
    created = sum(len(r.created) for r in saved)
    updated = sum(len(r.updated) for r in saved)
    unchanged = sum(r.unchanged for r in saved)
    details = []
    if created:
        details.append(f"{created} ny{'e' if created != 1 else ''} søknad{'er' if created != 1 else ''}")
    if updated:
        details.append(f"{updated} oppdatert{'e' if updated != 1 else ''}")
    if unchanged:
        details.append(f"{unchanged} uendret")
    text = f"{len(saved)} fil{'er' if len(saved) != 1 else ''} lagret"
    if details:
        text += " (" + ", ".join(details) + ")"
    if discarded:
        text += f", {discarded} forkastet"
    if failed:
        text += f", {failed} feilet"
    severity: SeverityLevel = "error" if failed else "information"
    return text + ".", severity
