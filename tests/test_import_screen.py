"""The import screen and the review screen, driven like a user with the keyboard and the mouse."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select
from textual.widgets import DataTable, Static

from rsapp.app import make_app
from rsapp.models import Application, BudgetLine, ImportedDocument
from rsapp.screens.import_review import ImportReviewScreen
from rsapp.screens.import_screen import ImportScreen
from tests.conftest import SEEDS, TODAY
from tests.screen_text import static_text


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
    (folder / "notat.xyz").write_text("ikke et skjema")
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


async def _wait_for_screen(pilot, app, screen) -> None:
    """Until saving (a thread worker) is done and the review screen has gone."""
    for _ in range(400):
        await pilot.pause(0.02)
        if app.screen is screen:
            return
    raise AssertionError("the review screen did not close")


async def _read_folder(app, pilot, folder: Path) -> ImportScreen:
    await pilot.press("i")
    screen = app.screen
    assert isinstance(screen, ImportScreen)
    await pilot.click("#import-path")
    await pilot.press(*folder.name, "enter")  # relative to the working folder, as a user would type
    assert [p.name for p in screen.paths] == ["alis.txt", "bunke.txt", "notat.xyz", "tom.md"]
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
        shown = [[str(cell) for cell in results.get_row_at(i)] for i in range(results.row_count)]
        rows = {row[0]: row for row in shown}
        assert rows["alis.txt"][2] == "lest" and "1 ny" in rows["alis.txt"][3]
        assert rows["bunke.txt"][1] == "5" and "ny" not in rows["bunke.txt"][3].replace("ny versjon", "")
        assert rows["tom.md"][2] == "feil" and "tom.md: filen er tom" in rows["tom.md"][3]
        # a file of a kind rsapp cannot read is listed, not left out
        assert rows["notat.xyz"][2] == "feil" and "notat.xyz: ukjent filtype (.xyz)" in rows["notat.xyz"][3]
        assert count(engine, Application) == apps_before  # reading writes nothing

        await pilot.press("f6")
        review = app.screen
        assert isinstance(review, ImportReviewScreen)
        assert review.plans[0][1].parsed.text("name") == "ALIS-rotasjon i Harstad"
        # "Ny versjon" is shown whole, within the visible part of the list
        apps = review.query_one("#review-apps", DataTable)
        actions = [str(apps.get_row_at(i)[1]) for i in range(apps.row_count)]
        assert actions == ["Ny", "Uendret", "Ny versjon", "Uendret", "Uendret", "Ny versjon"]
        columns = list(apps.columns.values())
        assert columns[1].label.plain == "Handling"
        assert sum(c.get_render_width(apps) for c in columns[:2]) <= apps.size.width
        # a new version shows the text around its first real difference
        apps.move_cursor(row=2)
        await pilot.pause()
        assert (
            "Endret Øvrig tekst: «Kommune: Vefsn Kommune Grane Kommune støtter søknaden…» → "
            "«Vedlegg: Signert avtale fra involverte parter…»"
        ) in static_text(review.query_one("#review-heading", Static))
        apps.move_cursor(row=0)
        await pilot.pause()
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
        await _wait_for_screen(pilot, app, screen)
        assert count(engine, Application) == apps_before + 1  # the bundle is known, not duplicated
        assert count(engine, ImportedDocument) == 2
        # the notice counts the files saved, and what they brought
        notices = [str(n.message) for n in app._notifications]
        assert "2 filer lagret (1 ny søknad, 5 uendret)." in notices
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
        statuses = [str(results.get_row_at(i)[2]) for i in range(results.row_count)]
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
        screen = app.screen_stack[-2]
        await pilot.click("#review-accept-button")
        await _wait_for_screen(pilot, app, screen)
    assert count(engine, Application) == before
    assert count(engine, ImportedDocument) == 0


def _one_file(tmp_path: Path, name: str, budget: str) -> Path:
    folder = tmp_path / "innboks"
    folder.mkdir()
    (folder / name).write_text(
        "Navn på prosjekt/pilot: Beløpstest\nProsjekteiere: Rana kommune\n"
        f"Budsjett for gjennomføring av prosjekt/pilot:\n{budget}\n",
        encoding="utf-8",
    )
    return folder


async def _review_one(app, pilot, path: str) -> ImportReviewScreen:
    await pilot.press("i")
    await pilot.click("#import-path")
    await pilot.press(*path, "enter")
    await pilot.click("#import-read-button")
    await _wait_until_read(pilot, app.screen)
    await pilot.press("f6")
    review = app.screen
    assert isinstance(review, ImportReviewScreen)
    return review


async def test_confirming_a_flagged_amount_with_its_year(engine: Engine, tmp_path: Path) -> None:
    _one_file(tmp_path, "lonn.txt", "Lønn: 1,2 millioner kroner per år")  # per year, no years
    app = make_app(engine=engine, today=TODAY)
    async with app.run_test(size=(170, 50)) as pilot:
        review = await _review_one(app, pilot, "innboks/lonn.txt")
        line = review.plans[0][1].parsed.budget_lines[0]
        assert line.needs_confirmation
        await pilot.press("b")  # the first line to confirm, amount in focus
        assert review.query_one("#review-budget-amount").value == "1200000"
        await pilot.click("#review-budget-year")
        await pilot.press(*"2026")
        await pilot.press("enter")
        assert (line.budget_year, line.amount, line.needs_confirmation) == (2026, 1_200_000, False)
        budget = review.query_one("#review-budget", DataTable)
        assert str(budget.get_row_at(0)[0]) == "2026" and budget.get_row_at(0)[3].plain == "bekreftet"
        screen = app.screen_stack[-2]
        await pilot.click("#review-accept-button")
        await _wait_for_screen(pilot, app, screen)
    with Session(engine) as session:
        saved = session.exec(select(Application).where(Application.name == "Beløpstest")).one()
        lines = session.exec(select(BudgetLine).where(BudgetLine.application_id == saved.id)).all()
        assert [(b.budget_year, b.amount, b.needs_confirmation) for b in lines] == [(2026, 1_200_000, False)]


async def test_picking_the_high_end_of_a_range(engine: Engine, tmp_path: Path) -> None:
    _one_file(tmp_path, "spenn.txt", "Lønn: kr. 7-800.000,-")
    app = make_app(engine=engine, today=TODAY)
    async with app.run_test(size=(170, 50)) as pilot:
        review = await _review_one(app, pilot, "innboks/spenn.txt")
        await pilot.click("#review-budget-button")
        await pilot.click("#review-budget-high")
        assert review.query_one("#review-budget-amount").value == "800000"
        await pilot.click("#review-budget-confirm")
        line = review.plans[0][1].parsed.budget_lines[0]
        assert (line.amount, line.amount_high, line.needs_confirmation) == (800_000, None, False)
        await pilot.press("b")
        await pilot.press("ctrl+shift+a", *"mye", "enter")  # not an amount: said so, nothing changed
        assert review.query_one("#review-budget-amount").value == "mye"
        assert line.amount == 800_000
        assert review.budget_line == 0  # the editor stays open to correct it
        assert any("Kan ikke lese beløpet «mye»" in str(n.message) for n in app._notifications)


# --------------------------------------------------------------------------- issue 12

CORPUS = Path(__file__).parent / "fixtures" / "import"


async def test_the_file_picker_starts_at_home_and_goes_up_and_into_folders(
    engine: Engine, tmp_path: Path
) -> None:
    home = Path.home()  # the test's own home folder (conftest)
    (home / "Dokumenter" / "Søknader").mkdir(parents=True)
    shutil.copy(CORPUS / "samhandlingsrommet.md", home / "Dokumenter" / "Søknader" / "s.md")
    app = make_app(engine=engine, today=TODAY)
    async with app.run_test(size=(170, 50)) as pilot:
        await pilot.press("i")
        screen = app.screen
        assert isinstance(screen, ImportScreen)
        assert screen.folder == home
        tree = screen.query_one("#import-tree")
        tree.focus()
        await pilot.press("backspace")  # up a folder
        assert screen.folder == home.parent
        await pilot.click("#import-up-button")
        assert screen.folder == home.parent.parent
        screen.show_folder(home)
        node = None
        for _ in range(200):  # the tree reads the folder in a worker
            await pilot.pause(0.02)
            node = next((n for n in tree.root.children if n.data and n.data.path.name == "Dokumenter"), None)
            if node is not None:
                break
        assert node is not None
        tree.move_cursor(node)
        await pilot.pause()
        await pilot.press("f3")  # into the highlighted folder
        assert screen.folder == home / "Dokumenter"
        assert static_text(screen.query_one("#import-folder", Static)).strip() == str(home / "Dokumenter")


async def _review(app, pilot, *paths: Path) -> ImportReviewScreen:
    await pilot.press("i")
    screen = app.screen
    for path in paths:
        screen.add_path(path)
    await pilot.press("f5")
    await _wait_until_read(pilot, screen)
    await pilot.press("f6")
    review = app.screen
    assert isinstance(review, ImportReviewScreen)
    return review


async def test_review_shows_fields_in_full_sums_totals_round_and_missing_fields(engine: Engine) -> None:
    app = make_app(engine=engine, today=TODAY)
    async with app.run_test(size=(170, 50)) as pilot:
        review = await _review(app, pilot, CORPUS / "tabellskjema.docx", CORPUS / "samhandlingsrommet.md")
        heading = static_text(review.query_one("#review-heading", Static))
        assert "runde: Helsefellesskap Helgeland – Rekrutterings- og samhandlingstilskudd 2026" in heading
        assert "Vedlegg: Signaturer" in heading
        # the sum of the budget lines beside the total the document states, with a warning
        sums = static_text(review.query_one("#review-budget-sum", Static))
        assert "Sum av budsjettlinjene: 4\u00a0657\u00a0500 kr" in sums
        assert (
            "Totalkostnad i dokumentet (avsnitt 13): 9\u00a0315\u00a0000 kr ⚠ stemmer ikke med summen" in sums
        )
        # any field in full, on demand
        fields = review.query_one("#review-fields", DataTable)
        fields.focus()
        fields.move_cursor(row=fields.get_row_index("description"))
        await pilot.press("v")
        shown = static_text(review.query_one("#review-viewer-text", Static))
        assert " ".join(shown.split()).endswith("bor hjemme. Prosjektperiode: Q3 2025 – Q2 2027.")
        assert "Prosjektet skal prøve ut en felles digital nattpatrulje" in shown
        await pilot.press("down")  # the viewer follows the cursor
        assert "Frigjort tid i hjemmetjenesten" in static_text(
            review.query_one("#review-viewer-text", Static)
        )
        await pilot.press("escape")
        assert review.query_one("#review-viewer").display is False
        # the second file: every empty field the call requires is marked, Nytte included
        apps = review.query_one("#review-apps", DataTable)
        apps.move_cursor(row=1)
        await pilot.pause()
        assert apps.get_row_at(1)[4].plain == "Signert avtale, Nytte, Budsjett, Involvering"
        heading = static_text(review.query_one("#review-heading", Static))
        assert "⚠ Påkrevde felt er tomme: Signert avtale, Nytte, Budsjett, Involvering." in heading
        benefit = fields.get_row_at(fields.get_row_index("benefit"))
        assert benefit[1].plain == "– mangler –" and "red" in str(benefit[0].spans[0].style)


async def test_a_new_version_keeps_my_text_unless_i_take_the_new(engine: Engine, tmp_path: Path) -> None:
    bundle = tmp_path / "bunke.txt"
    shutil.copy(next(SEEDS.glob("003_*.txt")), bundle)
    app = make_app(engine=engine, today=TODAY)
    async with app.run_test(size=(170, 50)) as pilot:
        review = await _review(app, pilot, bundle)
        apps = review.query_one("#review-apps", DataTable)
        apps.move_cursor(row=1)  # Fremtidens pasientforløp: a new version of the built-in copy
        await pilot.pause()
        changes = review.query_one("#review-changes", DataTable)
        assert changes.display and str(changes.get_row_at(0)[0]) == "Øvrig tekst"
        assert changes.get_row_at(0)[3].plain == "behold min"
        changes.focus()
        await pilot.press("t")
        assert changes.get_row_at(0)[3].plain == "tas inn"
        screen = app.screen_stack[-2]
        await pilot.press("ctrl+g")
        await _wait_for_screen(pilot, app, screen)
        assert "1 fil lagret (1 oppdatert, 4 uendret)." in [str(n.message) for n in app._notifications]
    with Session(engine) as session:
        future = session.exec(select(Application).where(Application.name.startswith("Fremtidens"))).one()
        nurse = session.exec(
            select(Application).where(Application.name.startswith("Helgelandssykepleier"))
        ).one()
        assert future.version == 2 and future.other_text.startswith("Vedlegg:")
        assert nurse.version == 1 and nurse.other_text.startswith("Oversending av søknad")  # kept


async def test_flagged_amounts_are_confirmed_in_the_application_screen(
    engine: Engine, tmp_path: Path
) -> None:
    from rsapp.screens.application import ApplicationScreen
    from rsapp.screens.import_review import ConfirmAmountsScreen

    folder = _one_file(tmp_path, "spenn.txt", "Lønn: kr. 7-800.000,-\nReiser: 250 000 kr")
    from rsapp.importer.service import import_paths

    [result] = import_paths(engine, [folder / "spenn.txt"])
    app_id = result.created[0]
    app = make_app(engine=engine, today=TODAY)
    async with app.run_test(size=(170, 50)) as pilot:
        await app.push_screen(ApplicationScreen(app_id))
        await pilot.pause()
        await pilot.press("b")
        dialog = app.screen
        assert isinstance(dialog, ConfirmAmountsScreen)
        for _ in range(200):
            await pilot.pause(0.02)
            if dialog.lines:
                break
        table = dialog.query_one("#confirm-amounts-lines", DataTable)
        assert table.get_row_at(0)[5].plain == "⚠ må bekreftes" and table.get_row_at(1)[5].plain == ""
        await pilot.click("#confirm-amounts-high")
        assert dialog.query_one("#confirm-amounts-amount").value == "800000"
        await pilot.click("#confirm-amounts-year")
        await pilot.press(*"2026", "enter")
        for _ in range(200):
            await pilot.pause(0.02)
            if not dialog.lines[0].needs_confirmation:
                break
        assert "Ingen beløp må bekreftes." in static_text(dialog.query_one("#confirm-amounts-hint", Static))
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ApplicationScreen)
    with Session(engine) as session:
        lines = session.exec(
            select(BudgetLine).where(BudgetLine.application_id == app_id).order_by(BudgetLine.position)
        )
        assert [(b.budget_year, b.amount, b.amount_high, b.needs_confirmation) for b in lines] == [
            (2026, 800_000, None, False),
            (None, 250_000, None, False),
        ]
