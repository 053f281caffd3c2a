"""Excel export from the app: ask for the file name, confirm an overwrite, export in a worker.

The dialog (the app's typed form, :class:`~rsapp.dialogs.FormDialog`) only collects a file
name and returns an :class:`ExportRequest`; the work is
done by :func:`rsapp.export.excel.export_round` in a thread worker, which reports back
with a notification. :func:`start_excel_export` is what a key, a button or the command
palette calls; :func:`excel_export_command` is the palette entry.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.widgets import Input, Label, Static

from rsapp.dialogs import ConfirmDialog, FormDialog, FormError

if TYPE_CHECKING:
    from textual.app import App

__all__ = [
    "ConfirmOverwriteScreen",
    "ExportExcelScreen",
    "ExportRequest",
    "default_export_folder",
    "excel_export_command",
    "resolve_export_path",
    "start_excel_export",
]

EXPORT_GROUP = "excel-export"

#: The folder of the last successful export, per running app (this session only).
_last_folder: weakref.WeakKeyDictionary[App, Path] = weakref.WeakKeyDictionary()


def default_export_folder(app: App) -> Path:
    """Where the file dialog starts: the folder last exported to in this app session, else the
    user's documents folder, else the home folder (never the working directory, which under
    ``make run`` is the source tree)."""
    last = _last_folder.get(app)
    if last is not None and last.is_dir():
        return last
    if app.is_web:  # rsapp serve: written on the server in a private folder, then downloaded
        from rsapp.screens.shared_session import download_folder

        return download_folder()
    try:
        from platformdirs import user_documents_dir

        documents = Path(user_documents_dir())
    except Exception:  # noqa: BLE001 - any trouble finding it: fall back to home
        documents = None
    if documents is not None and documents.is_dir():
        return documents
    return Path.home()


@dataclass(frozen=True, slots=True)
class ExportRequest:
    """Where to write the list, and whether the user agreed to replace an existing file."""

    path: Path
    overwrite: bool = False


def resolve_export_path(text: str, directory: Path) -> Path:
    """The absolute .xlsx path for what the user typed (relative names land in ``directory``).

    Raises ``ValueError`` with a Norwegian message for an empty name, a missing folder or a folder.
    """
    text = text.strip()
    if not text:
        raise ValueError("Skriv et filnavn, f.eks. Prioritering.xlsx.")
    path = Path(text).expanduser()
    if not path.is_absolute():
        path = directory / path
    if path.is_dir():
        raise ValueError(f"{path} er en mappe. Skriv et filnavn som slutter på .xlsx.")
    if path.suffix.lower() != ".xlsx":
        path = path.with_name(path.name + ".xlsx")
    if not path.parent.is_dir():
        raise ValueError(f"Mappen {path.parent} finnes ikke.")
    return path


class ConfirmOverwriteScreen(ConfirmDialog):
    """Spør før en fil som finnes, blir overskrevet (the app's confirm dialog, worded for a file)."""

    BINDINGS = [
        Binding("j", "answer(True)", "Overskriv", id="overwrite-yes", tooltip="Erstatt den gamle filen"),
        Binding("n", "answer(False)", "Ikke overskriv", id="overwrite-no", tooltip="Behold den gamle filen"),
        Binding("escape", "answer(False)", "Avbryt", show=False, id="overwrite-cancel"),
    ]
    YES_ID = "overwrite-yes"
    NO_ID = "overwrite-no"

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"{path}\nVil du overskrive den?",
            title="Filen finnes fra før",
            yes="Overskriv (J)",
            no="Nei (N)",
            danger=False,
        )
        self.path = path


class ExportExcelScreen(FormDialog[ExportRequest]):
    """Eksport: Excel-prioriteringsliste – velg filnavn."""

    CSS_PATH = ["../styles/dialogs.tcss", "../styles/export.tcss"]
    DIALOG_CLASSES = "form-dialog export-dialog"
    OK_ID = "export-ok"
    CANCEL_ID = "export-cancel"
    OK_LABEL = "Eksporter"
    CANCEL_LABEL = "Avbryt (Esc)"
    ERROR_ID = "export-error"

    def __init__(self, default_path: Path, round_label: str) -> None:
        super().__init__()
        self.default_path = default_path
        self.round_label = round_label

    def compose_fields(self) -> ComposeResult:
        yield Static("Eksporter prioriteringslisten til Excel", classes="form-title")
        yield Label(f"{self.round_label}\nFilnavn (.xlsx):", markup=False)  # the round's name: plain text
        yield Input(
            str(self.default_path), id="export-path", tooltip="Hele stien, eller et navn i mappen vist her"
        )

    def on_mount(self) -> None:
        self.query_one("#export-path", Input).focus()

    def value(self) -> ExportRequest:
        try:
            path = resolve_export_path(self.query_one("#export-path", Input).value, self.default_path.parent)
        except ValueError as exc:
            raise FormError(str(exc)) from exc
        return ExportRequest(path)

    def submit_value(self, value: ExportRequest) -> None:
        """A new file is written at once; an existing one only after the user agrees."""
        if not value.path.exists():
            self.dismiss(value)
            return

        def answered(overwrite: bool | None) -> None:
            if overwrite:
                self.dismiss(ExportRequest(value.path, overwrite=True))
            else:
                self.show_error("Filen ble ikke overskrevet. Velg et annet navn.")
                self.query_one("#export-path", Input).focus()

        self.app.push_screen(ConfirmOverwriteScreen(value.path), answered)


def _run_export(app: App, round_id: int, request: ExportRequest) -> Path | None:
    """The thread worker: export, then notify (through the app's thread) where the file went."""
    from rsapp.allocation import AllocationError
    from rsapp.export.excel import ExportError, export_round

    try:
        with app.session() as session:  # type: ignore[attr-defined]
            path = export_round(session, round_id, request.path, today=app.today, force=request.overwrite)  # type: ignore[attr-defined]
    except (ExportError, AllocationError) as exc:
        app.call_from_thread(
            app.notify, str(exc), title="Eksporten feilet", severity="error", timeout=12, markup=False
        )
        return None
    except Exception as exc:  # noqa: BLE001 - any failure must reach the user, not the log
        app.call_from_thread(
            app.notify,
            f"Eksporten feilet: {exc}",
            title="Eksporten feilet",
            severity="error",
            timeout=12,
            markup=False,
        )
        return None
    _last_folder[app] = path.parent
    if app.is_web:  # in the browser: the file arrives as a download
        app.call_from_thread(getattr(app, "offer_file", lambda _path: None), path)
        app.call_from_thread(
            app.notify, f"{path.name} lastes ned i nettleseren.", title="Excel-eksport", markup=False
        )
        return path
    app.call_from_thread(
        app.notify, f"Prioriteringslisten er lagret i {path}", title="Excel-eksport", timeout=10, markup=False
    )
    return path


def start_excel_export(app: App, round_id: int, *, directory: Path | None = None) -> None:
    """Ask for a file name (default in ``directory``, else :func:`default_export_folder`) and export there."""
    from rsapp.export.excel import default_filename
    from rsapp.portfolio import rounds

    with app.session() as session:  # type: ignore[attr-defined]
        info = next((r for r in rounds(session) if r.id == round_id), None)
    if info is None:
        app.notify(f"Fant ingen runde med id {round_id}.", severity="error")
        return
    folder = directory if directory is not None else default_export_folder(app)
    default = folder / default_filename(info.helsefellesskap, info.year, app.today)  # type: ignore[attr-defined]

    def chosen(request: ExportRequest | None) -> None:
        if request is None:
            return
        app.notify(f"Eksporterer til {request.path.name} …", title="Excel-eksport", timeout=3, markup=False)
        app.run_worker(
            partial(_run_export, app, round_id, request),
            name="excel-export",
            group=EXPORT_GROUP,
            description=f"Excel-eksport til {request.path}",
            thread=True,
            exclusive=True,
            exit_on_error=False,
        )

    app.push_screen(ExportExcelScreen(default, info.label), chosen)


def excel_export_command(app: App, round_id: int, *, directory: Path | None = None) -> SystemCommand:
    """The command-palette entry "Eksport: Excel-prioriteringsliste" for one round."""
    return SystemCommand(
        "Eksport: Excel-prioriteringsliste",
        "Lagre prioriteringslisten til Helse Nord som Excel-fil (.xlsx)",
        partial(start_excel_export, app, round_id, directory=directory),
    )
