"""Browsing the portfolio like a user: keys, clicks, search, sort, open, help."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Select, Static

from rsapp.app import make_app
from rsapp.money import format_kr
from rsapp.screens.application import ApplicationScreen
from rsapp.screens.help import HelpScreen
from rsapp.screens.portfolio import PortfolioScreen
from tests.conftest import TODAY, settle
from tests.screen_text import static_text

NBSP = "\u00a0"


def _titles(table: DataTable) -> list[str]:
    return [str(table.get_row_at(i)[1]) for i in range(table.row_count)]


def _text(widget: Static) -> str:
    return static_text(widget)


async def test_portfolio_opens_on_helgeland_2026_with_pot_header(start_app) -> None:
    app = start_app()
    async with app.run_test(size=(170, 50)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PortfolioScreen)
        header = _text(screen.query_one("#pot-header", Static))
        assert f"Pott {format_kr(7_800_000)}" in header
        assert f"Avsatt {format_kr(2_500_000)}" in header
        assert f"Til fordeling {format_kr(5_300_000)}" in header
        assert format_kr(7_800_000) == f"7{NBSP}800{NBSP}000 kr"
        assert "Intermediærpost i Vefsn" in header
        table = screen.query_one("#applications", DataTable)
        assert table.row_count == 5
        assert _titles(table)[0] == "Interkommunalt innsats- og vurderingsteam for Helgeland"


async def test_search_brønnøy_finds_observasjonspost_and_opens_it(start_app) -> None:
    app = start_app()
    async with app.run_test(size=(170, 50)) as pilot:
        await pilot.press("slash")
        await pilot.press(*"Brønnøy")
        await pilot.pause()
        table = app.screen.query_one("#applications", DataTable)
        assert "Forprosjekt: Observasjonspost Sør-Helgeland" in _titles(table)
        assert (
            "Fremtidens pasientforløp: Enhet for samhandling og digital oppfølging Helgeland"
            not in _titles(table)
        )
        await pilot.press("enter")  # leaves the search field for the table
        row = _titles(table).index("Forprosjekt: Observasjonspost Sør-Helgeland")
        table.move_cursor(row=row)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ApplicationScreen)
        budget = _text(app.screen.query_one("#application-budget", Static))
        for amount in (1_500_000, 1_300_000, 800_000, 3_600_000):
            assert format_kr(amount) in budget
        await pilot.press("escape")
        assert isinstance(app.screen, PortfolioScreen)


async def test_click_on_a_row_opens_the_application_and_not_stated_is_shown(start_app) -> None:
    app = start_app()
    async with app.run_test(size=(170, 50)) as pilot:
        table = app.screen.query_one("#applications", DataTable)
        row = _titles(table).index(
            "Fremtidens pasientforløp: Enhet for samhandling og digital oppfølging Helgeland"
        )
        cells = table.get_row_at(row)
        assert str(cells[5]).strip() == "ikke oppgitt"
        table.move_cursor(row=row)
        await pilot.pause()
        await pilot.click("#applications", offset=(10, row + 1))
        await pilot.click("#applications", offset=(10, row + 1))
        await settle(pilot)
        assert isinstance(app.screen, ApplicationScreen)
        assert "ikke oppgitt" in _text(app.screen.query_one("#application-budget", Static))


async def test_sort_by_clicking_header_and_by_key(start_app) -> None:
    app = start_app()
    async with app.run_test(size=(170, 50)) as pilot:
        table = app.screen.query_one("#applications", DataTable)
        # "Søkt totalt" is the sixth column: press s five times to reach it.
        await pilot.press("s", "s", "s", "s", "s")
        titles = _titles(table)
        assert titles[0].startswith("Fremtidens pasientforløp")  # not stated sorts first
        assert titles[-1].startswith("Helgelandssykepleier")  # 10 000 000 kr
        await pilot.press("o")
        assert _titles(table)[0].startswith("Helgelandssykepleier")
        status = _text(app.screen.query_one("#portfolio-status", Static))
        assert "Søkt totalt ↓" in status
        # Clicking the "Prosjekt" header sorts alphabetically.
        await pilot.click("#applications", offset=(8, 0))
        await pilot.pause()
        titles = _titles(table)
        assert titles == sorted(titles, key=str.casefold)


async def test_filters_show_all_rounds_and_by_status(start_app) -> None:
    app = start_app()
    async with app.run_test(size=(170, 50)) as pilot:
        await pilot.pause()  # the menus replace their placeholders right after the first frame
        screen = app.screen
        screen.query_one("#filter-hf", Select).value = ""
        screen.query_one("#filter-round", Select).value = ""
        await pilot.pause()
        table = screen.query_one("#applications", DataTable)
        assert table.row_count == 7
        assert "ALIS rotasjonsstilling UNN Harstad" in _titles(table)
        screen.query_one("#filter-status", Select).value = "avslatt"
        await pilot.pause()
        assert table.row_count == 0
        assert "0 av 7 søknader" in _text(screen.query_one("#portfolio-status", Static))


async def test_escape_clears_search(start_app) -> None:
    app = start_app()
    async with app.run_test(size=(170, 50)) as pilot:
        await pilot.press("slash", *"zzzz-finnes-ikke")
        table = app.screen.query_one("#applications", DataTable)
        assert table.row_count == 0
        await pilot.press("escape")
        assert app.screen.query_one("#search", Input).value == ""
        assert table.row_count == 5


async def test_help_screen_lists_keys_in_norwegian_and_closes(engine) -> None:
    app = make_app(engine=engine, today=TODAY)
    async with app.run_test(size=(170, 50)) as pilot:
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        keys = _text(app.screen.query_one("#help-keys", Static))
        common = _text(app.screen.query_one("#help-common", Static))  # the app's keys: "Overalt"
        assert "Søk i all tekst" in keys and "Avslutt rsapp" in common
        await pilot.press("escape")
        assert isinstance(app.screen, PortfolioScreen)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.click("#help-close")
        assert isinstance(app.screen, PortfolioScreen)


async def test_q_quits(engine) -> None:
    app = make_app(engine=engine, today=TODAY)
    async with app.run_test(size=(170, 50)) as pilot:
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_export_from_portfolio_asks_for_file_and_writes_it(engine, monkeypatch) -> None:
    import os
    from pathlib import Path

    from openpyxl import load_workbook

    home = Path(os.environ["HOME"])  # isolated per test by conftest; the default folder without Documents
    app = make_app(engine=engine, today=TODAY)
    async with app.run_test(size=(170, 50)) as pilot:
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("enter")  # accept the default file name
        await app.workers.wait_for_complete()
        await pilot.pause()
    files = list(home.glob("Prioritering_*.xlsx"))
    assert len(files) == 1
    sheet = load_workbook(files[0])["Prioritering"]
    names = [c.value for row in sheet.iter_rows() for c in row]
    assert "Forprosjekt: Observasjonspost Sør-Helgeland" in names


async def test_filter_menus_open_by_key_and_choose_by_keyboard(start_app) -> None:
    app = start_app()
    async with app.run_test(size=(170, 50)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#applications", DataTable)
        await pilot.press("f4", "down", "down", "enter")  # status: "Under vurdering"
        await pilot.pause()
        assert app.screen.query_one("#filter-status", Select).value == "under_vurdering"
        assert table.row_count == 0
        await pilot.press("f4", "up", "enter")  # status: "Mottatt"
        await pilot.pause()
        assert table.row_count == 5
        await pilot.press("f2", "up", "enter")  # helsefellesskap: all
        await pilot.press("f3", "up", "enter")  # round: all
        await pilot.pause()
        assert table.row_count == 7


FORM = """Navn på prosjekt/pilot: Testprosjekt Vega kystmedisin
Prosjekteiere: Vega kommune og Helgelandssykehuset
Kommune(r): Vega
Kontaktperson(er): Kari Nordmann, Vega kommune
Helseforetak: Helgelandssykehuset HF
Kontaktperson: Ola Nordmann
Dato for signert avtale om felles søknad (legges ved): 01.09.2025
Kort beskrivelse av prosjektet/piloten
Ambulerende team på øyene i Vega.
Budsjett for gjennomføring av prosjekt/pilot:
Det søkes om kr. 750 000,- for 2026.
Involvering av brukere, tillitsvalgte og vernetjenesten
Brukerrådet og tillitsvalgte er med i styringsgruppen.
"""


async def test_imported_application_shows_where_each_field_came_from(sqlite_url, tmp_path) -> None:
    from rsapp.cli import cli

    form = tmp_path / "vega.txt"
    form.write_text(FORM, encoding="utf-8")
    assert cli(["--db", sqlite_url, "import", str(form), "--round", "helgeland-2026", "--yes"]) == 0
    app = make_app(database_url=sqlite_url, today=TODAY)
    async with app.run_test(size=(170, 50)) as pilot:
        await pilot.press("slash", *"Testprosjekt", "enter", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ApplicationScreen)
        headings = [static_text(w) for w in app.screen.query(".section-heading").results(Static)]
        description = next(h for h in headings if h.startswith("Kort beskrivelse"))
        assert "kilde: vega.txt, linje 8–9" in description
        sources = static_text(app.screen.query_one("#application-sources", Static))
        assert "Prosjekteiere" in sources and "vega.txt, linje 2" in sources
        budget = static_text(app.screen.query_one("#application-budget", Static))
        assert format_kr(750_000) in budget


async def test_command_palette_in_norwegian_runs_an_action(engine) -> None:
    from textual.command import CommandInput, CommandPalette

    app = make_app(engine=engine, today=TODAY)
    async with app.run_test(size=(170, 50)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        assert app.screen.query_one(CommandInput).placeholder == "Søk etter kommandoer …"
        await pilot.press(*"xyzzyqq")
        await pilot.pause(1.5)
        shown = " ".join(str(o.prompt) for o in app.screen.query_one("CommandList").options)
        assert "Ingen treff" in shown and "No matches" not in shown
        await pilot.press(*["backspace"] * 7, *"Hjelp: taster")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
