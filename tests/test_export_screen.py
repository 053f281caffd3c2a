"""The Excel export from the app: file-name dialog, overwrite confirmation, worker, notification."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from sqlmodel import Session
from textual.notifications import Notify
from textual.widgets import Input, Static

from rsapp.app import make_app
from rsapp.portfolio import round_by_key
from rsapp.screens.export_excel import ConfirmOverwriteScreen, ExportExcelScreen, start_excel_export
from tests.conftest import TODAY

DEFAULT_NAME = "Prioritering_Helgeland_2026_2025-10-20.xlsx"


@pytest.fixture
def folder(tmp_path):
    """An empty folder for the exported files (the database lives in tmp_path)."""
    out = tmp_path / "eksport"
    out.mkdir()
    return out


def helgeland_id(engine) -> int:
    with Session(engine) as session:
        return round_by_key(session, "helgeland-2026").id


def notes(messages: list) -> list:
    return [m.notification for m in messages if isinstance(m, Notify)]


async def finish(app, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_export_with_default_name_writes_file_and_says_where(engine, folder):
    app = make_app(engine=engine, today=TODAY)
    messages: list = []
    async with app.run_test(size=(160, 50), message_hook=messages.append) as pilot:
        start_excel_export(app, helgeland_id(engine), directory=folder)
        await pilot.pause()
        assert isinstance(app.screen, ExportExcelScreen)
        assert app.screen.query_one("#export-path", Input).value == str(folder / DEFAULT_NAME)
        await pilot.press("enter")
        await finish(app, pilot)
        assert not isinstance(app.screen, ExportExcelScreen)
    target = folder / DEFAULT_NAME
    assert load_workbook(target).sheetnames == ["Prioritering", "Pott", "Regional liste"]
    assert any(str(target) in n.message and n.severity == "information" for n in notes(messages))


async def test_typed_name_gets_xlsx_and_lands_in_the_folder(engine, folder):
    app = make_app(engine=engine, today=TODAY)
    async with app.run_test(size=(160, 50)) as pilot:
        start_excel_export(app, helgeland_id(engine), directory=folder)
        await pilot.pause()
        app.screen.query_one("#export-path", Input).value = ""
        await pilot.press(*"liste")
        await pilot.click("#export-ok")
        await finish(app, pilot)
    assert (folder / "liste.xlsx").exists()


async def test_existing_file_asks_before_overwriting(engine, folder):
    target = folder / DEFAULT_NAME
    target.write_bytes(b"old list")
    app = make_app(engine=engine, today=TODAY)
    async with app.run_test(size=(160, 50)) as pilot:
        start_excel_export(app, helgeland_id(engine), directory=folder)
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmOverwriteScreen)
        await pilot.press("n")  # keep the old file
        await pilot.pause()
        assert isinstance(app.screen, ExportExcelScreen)
        error = app.screen.query_one("#export-error", Static)
        assert error.display and "ikke overskrevet" in str(error.render())
        assert target.read_bytes() == b"old list"

        await pilot.press("enter")
        await pilot.pause()
        await pilot.click("#overwrite-yes")
        await finish(app, pilot)
    assert load_workbook(target).sheetnames[0] == "Prioritering"


async def test_escape_cancels_without_writing(engine, folder):
    app = make_app(engine=engine, today=TODAY)
    async with app.run_test(size=(160, 50)) as pilot:
        start_excel_export(app, helgeland_id(engine), directory=folder)
        await pilot.pause()
        await pilot.press("escape")
        await finish(app, pilot)
        assert not isinstance(app.screen, ExportExcelScreen)
    assert list(folder.iterdir()) == []


async def test_missing_folder_is_shown_in_the_dialog(engine, folder):
    app = make_app(engine=engine, today=TODAY)
    async with app.run_test(size=(160, 50)) as pilot:
        start_excel_export(app, helgeland_id(engine), directory=folder)
        await pilot.pause()
        app.screen.query_one("#export-path", Input).value = str(folder / "nei" / "liste.xlsx")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ExportExcelScreen)
        assert "finnes ikke" in str(app.screen.query_one("#export-error", Static).render())


async def test_file_open_elsewhere_is_reported_as_an_error(engine, folder):
    (folder / f".~lock.{DEFAULT_NAME}#").write_text("lock")
    app = make_app(engine=engine, today=TODAY)
    messages: list = []
    async with app.run_test(size=(160, 50), message_hook=messages.append) as pilot:
        start_excel_export(app, helgeland_id(engine), directory=folder)
        await pilot.pause()
        await pilot.press("enter")
        await finish(app, pilot)
    errors = [n for n in notes(messages) if n.severity == "error"]
    assert errors and "åpen i et annet program" in errors[0].message
    assert not (folder / DEFAULT_NAME).exists()


async def test_default_folder_is_documents_or_home_then_the_last_folder_used(
    engine, folder, tmp_path, monkeypatch
):
    """Never the working directory (under `make run` that is the source tree)."""
    home = tmp_path / "hjem"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(folder)
    app = make_app(engine=engine, today=TODAY)
    async with app.run_test(size=(160, 50)) as pilot:

        async def default_path() -> str:
            start_excel_export(app, helgeland_id(engine))
            await pilot.pause()
            assert isinstance(app.screen, ExportExcelScreen)
            return app.screen.query_one("#export-path", Input).value

        assert await default_path() == str(home / DEFAULT_NAME)  # no Documents folder: home
        await pilot.press("escape")
        (home / "Documents").mkdir()
        assert await default_path() == str(home / "Documents" / DEFAULT_NAME)
        other = tmp_path / "annen mappe"
        other.mkdir()
        app.screen.query_one("#export-path", Input).value = str(other / "liste.xlsx")
        await pilot.press("enter")
        await finish(app, pilot)
        assert (other / "liste.xlsx").exists()
        assert await default_path() == str(other / DEFAULT_NAME)  # the folder last used in this session
        await pilot.press("escape")
    assert list(folder.iterdir()) == []
