"""The import screen and the review screen, driven like a user with the keyboard and the mouse."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select
from textual.widgets import DataTable

from rsapp.app import make_app
from rsapp.models import Application, BudgetLine, ImportedDocument
from rsapp.screens.import_review import ImportReviewScreen
from rsapp.screens.import_screen import ImportScreen
from tests.conftest import SEEDS, TODAY


@pytest.fixture(autouse=True)
def _work_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # the file tree starts here, and short relative paths are typed


def inbox(tmp_path: Path) -> Path:
    """A folder as the secretariat gets it: the bundle, a new named form, a broken file."""
    folder = tmp_path / "innboks"
    folder.mkdir()
    shutil.copy(next(SEEDS.glob("003_*.txt")), folder / "bunke.txt")
    text = next(SEEDS.glob("000_*.txt")).read_text(encoding="utf-8")
    text = text.replace("Navn på prosjekt/pilot: ", "Navn på prosjekt/pilot: ALIS-rotasjon i Harstad", 1)
    text = text.replace("Prosjekteiere:  ", "Prosjekteiere: Harstad kommune", 1)
    (folder / "alis.txt").write_text(text, encoding="utf-8")
    (folder / "tom.md").write_text("")
    return folder


def count(engine: Engine, model: type) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


async def _wait_until_read(pilot, screen: ImportScreen) -> None:
    """Until the worker has posted its last message (the directory tree's own loader never ends)."""
    for _ in range(400):
        await pilot.pause(0.02)
        if screen.previews and not screen.query_one("#import-read-button").disabled:
            return
    raise AssertionError("the files were not read")


async def _read_folder(app, pilot, folder: Path) -> ImportScreen:
    await pilot.press("i")
    screen = app.screen
    assert isinstance(screen, ImportScreen)
    await pilot.click("#import-path")
    await pilot.press(*folder.name, "enter")  # relative to the working folder, as a user would type
    assert [p.name for p in screen.paths] == ["alis.txt", "bunke.txt", "tom.md"]
    await pilot.press("f5")
    await _wait_until_read(pilot, screen)
    return screen


async def test_read_folder_review_edit_and_accept(engine: Engine, tmp_path: Path) -> None:
    folder = inbox(tmp_path)
    apps_before = count(engine, Application)
    app = make_app(engine=engine, today=TODAY)
    async with app.run_test(size=(170, 50)) as pilot:
        screen = await _read_folder(app, pilot, folder)
        results = screen.query_one("#import-results", DataTable)
        rows = {results.get_row_at(i)[0]: results.get_row_at(i) for i in range(results.row_count)}
        assert rows["alis.txt"][2] == "lest" and "1 ny" in rows["alis.txt"][3]
        assert rows["bunke.txt"][1] == "5" and "ny" not in rows["bunke.txt"][3].replace("ny versjon", "")
        assert rows["tom.md"][2] == "feil" and "tom.md: filen er tom" in rows["tom.md"][3]
        assert count(engine, Application) == apps_before  # reading writes nothing

        await pilot.press("f6")
        review = app.screen
        assert isinstance(review, ImportReviewScreen)
        assert review.plans[0][1].parsed.text("name") == "ALIS-rotasjon i Harstad"
        fields = review.query_one("#review-fields", DataTable)
        # the missing agreement date is highlighted in red
        agreement_row = fields.get_row_index("agreement_text")
        label = fields.get_row_at(agreement_row)[0]
        assert "red" in str(label.spans[0].style)

        fields.focus()
        fields.move_cursor(row=agreement_row)
        await pilot.press("e")
        await pilot.press(*"Signert 28.02.2025")
        await pilot.press("ctrl+s")
        assert review.plans[0][1].parsed.agreement_date == date(2025, 2, 28)
        assert review.plans[0][1].parsed.missing_required == []

        await pilot.press("ctrl+g")
        await pilot.pause()
        assert app.screen is screen
        assert count(engine, Application) == apps_before + 1  # the bundle updated, not duplicated
        assert count(engine, ImportedDocument) == 2
    with Session(engine) as session:
        new = session.exec(select(Application).where(Application.name == "ALIS-rotasjon i Harstad")).one()
        assert new.agreement_text == "Signert 28.02.2025" and new.agreement_date == date(2025, 2, 28)
        amounts = session.exec(select(BudgetLine.amount).where(BudgetLine.application_id == new.id)).all()
        assert amounts == [1_200_000]


async def test_discard_saves_nothing(engine: Engine, tmp_path: Path) -> None:
    folder = inbox(tmp_path)
    before = (count(engine, Application), count(engine, ImportedDocument))
    app = make_app(engine=engine, today=TODAY)
    async with app.run_test(size=(170, 50)) as pilot:
        screen = await _read_folder(app, pilot, folder)
        await pilot.click("#import-review-button")
        assert isinstance(app.screen, ImportReviewScreen)
        await pilot.click("#review-discard-button")
        await pilot.pause()
        assert app.screen is screen
        results = screen.query_one("#import-results", DataTable)
        statuses = [results.get_row_at(i)[2] for i in range(results.row_count)]
        assert statuses.count("forkastet") == 2
    assert (count(engine, Application), count(engine, ImportedDocument)) == before


async def test_leaving_an_application_out(engine: Engine, tmp_path: Path) -> None:
    folder = inbox(tmp_path)
    (folder / "bunke.txt").unlink()
    before = count(engine, Application)
    app = make_app(engine=engine, today=TODAY)
    async with app.run_test(size=(170, 50)) as pilot:
        await pilot.press("i")
        await pilot.click("#import-path")
        await pilot.press(*"innboks/alis.txt", "enter")
        await pilot.click("#import-read-button")
        await _wait_until_read(pilot, app.screen)
        await pilot.press("f6")
        review = app.screen
        review.query_one("#review-apps", DataTable).focus()
        await pilot.press("space")  # leave it out
        assert review.plans[0][1].accept is False
        await pilot.click("#review-accept-button")
        await pilot.pause()
    assert count(engine, Application) == before
    assert count(engine, ImportedDocument) == 0
