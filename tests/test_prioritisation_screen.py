"""The prioritisation screen, driven like a user: keys, mouse drag, dialogs, undo/redo."""

from __future__ import annotations

import io
import re

from rich.console import Console
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from textual.widgets import Static

from rsapp.app import make_app
from rsapp.models import Application
from rsapp.portfolio import round_by_key
from rsapp.prioritisation import load_recommendation, set_recommendation
from rsapp.screens.prioritisation import PrioritisationScreen
from rsapp.widgets.ranked_list import RankedList
from tests.conftest import TODAY

NB = "\u00a0"
REHAB = "Forprosjekt - tverretatlig rehabilitering"


def kr(text: str) -> str:
    """An amount as the user reads it (the tests compare text with non-breaking spaces as spaces)."""
    return text + " kr"


def static_text(widget: Static) -> str:
    console = Console(width=160, file=io.StringIO(), record=True)
    console.print(widget.content)
    return console.export_text().replace(NB, " ")


def list_lines(ranked: RankedList) -> list[str]:
    return [
        ranked.render_line(y).text.replace(NB, " ") for y in range(ranked.scrollable_content_region.height)
    ]


def row_line(ranked: RankedList, name: str) -> int:
    """Widget line (0 = header) on which the application called ``name`` is drawn."""
    for y, line in enumerate(list_lines(ranked)):
        if name[:30] in line:
            return y
    raise AssertionError(f"{name} not visible")


def saved_order(engine: Engine) -> list[str]:
    with Session(engine) as s:
        round_id = round_by_key(s, "helgeland-2026").id
        apps = s.exec(
            select(Application).where(Application.round_id == round_id).order_by(Application.rank)
        ).all()
        return [a.name for a in apps]


async def open_screen(pilot) -> tuple[PrioritisationScreen, RankedList]:
    await pilot.press("p")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, PrioritisationScreen)
    return screen, screen.query_one(RankedList)


def years_text(screen: PrioritisationScreen) -> str:
    return " ".join(static_text(screen.query_one("#years", Static)).split())


def year_row(screen: PrioritisationScreen, year: int) -> list[str]:
    """The years tab's row for ``year``: [år, pott, inngående, ny pott, avsatt, innstilt, utgående]."""
    for line in static_text(screen.query_one("#years", Static)).splitlines():
        cells = [c for c in re.split(r" {2,}", line.strip()) if c]
        if cells and cells[0] == str(year):
            return cells
    raise AssertionError(f"no row for {year}")


async def test_ledger_headline_and_years_tab_show_the_same_carried_figures(engine: Engine) -> None:
    app = make_app(engine=engine, today=TODAY)
    async with app.run_test(size=(160, 50)) as pilot:
        screen, ranked = await open_screen(pilot)
        ledger = static_text(screen.query_one("#prio-ledger", Static))
        assert (
            f"2025: {kr('2 800 000')} ny pott − {kr('1 000 000')} avsatt = {kr('1 800 000')} overføres"
            in ledger
        )
        assert f"Til fordeling 2026: {kr('5 300 000')} (herav {kr('1 800 000')} overført)" in ledger
        assert "«Intermediærpost i Vefsn»: beløp ikke avklart" in ledger
        summary = static_text(screen.query_one("#prio-summary", Static))
        assert f"Igjen 2026 etter søknadene over streken: {kr('642 500')}" in summary
        lines = list_lines(ranked)
        assert "Nr" in lines[0] and "Innstilt 2026" in lines[0] and "Søkt 2026" in lines[0]
        # The cut line sits between rank 2 and rank 3 (Observasjonspost no longer fits).
        assert "Streken" in lines[3]
        assert lines[4].split()[0] == "3"
        # Fremtidens pasientforløp's amount is not stated: "?", not marked as fitting.
        assert lines[2].startswith("?") and "ikke oppgitt" in lines[2]
        # Observasjonspost's 2025 plan counts in 2026.
        assert kr("3 600 000") in lines[4]
        # The years tab: the same figures, year by year.
        await pilot.press("3")
        await pilot.pause()
        assert year_row(screen, 2025)[2:] == [
            kr("0"),
            kr("2 800 000"),
            kr("1 000 000"),
            kr("0"),
            kr("1 800 000"),
        ]
        assert year_row(screen, 2026)[1:] == [
            "bekreftet",
            kr("1 800 000"),
            kr("5 000 000"),
            kr("1 500 000") + " + ?",
            kr("4 657 500"),
            kr("642 500"),
        ]
        assert year_row(screen, 2027)[1] == "antatt"
        assert year_row(screen, 2028)[1] == "ingen pott"


async def test_helgelandssykepleier_to_the_top_leaves_3_300_000_in_2026_on_both(engine: Engine) -> None:
    app = make_app(engine=engine, today=TODAY)
    async with app.run_test(size=(160, 50)) as pilot:
        screen, ranked = await open_screen(pilot)
        await pilot.press("end", "t")
        await pilot.pause(0.4)  # the summary follows shortly after the list (SLOW_UPDATE_SECONDS)
        assert "Helgelandssykepleier" in ranked.rows[0].name
        summary = static_text(screen.query_one("#prio-summary", Static))
        assert f"Igjen 2026 etter søknadene over streken: {kr('3 300 000')}" in summary
        assert "2027 mot antatt pott" in static_text(screen.query_one("#prio-status", Static))
        assert "2028–2030 uten pott" in static_text(screen.query_one("#prio-status", Static))
        await pilot.press("3")
        await pilot.pause()
        assert year_row(screen, 2026)[-1] == kr("3 300 000")
        assert year_row(screen, 2027)[1] == "antatt"
        assert [year_row(screen, y)[1] for y in (2028, 2029, 2030)] == ["ingen pott"] * 3
        assert "2030: " in years_text(screen) and "underskudd" in years_text(screen)


async def test_drag_rehab_to_top_moves_the_cut_line_then_grant_and_undo_both(engine: Engine) -> None:
    app = make_app(engine=engine, today=TODAY)
    async with app.run_test(size=(160, 50)) as pilot:
        screen, ranked = await open_screen(pilot)
        start = saved_order(engine)
        y = row_line(ranked, REHAB)
        await pilot.mouse_down(ranked, offset=(20, y))
        await pilot.hover(ranked, offset=(20, y - 2))
        await pilot.pause()
        assert ranked.dragging
        await pilot.hover(ranked, offset=(20, 1))
        await pilot.pause()
        assert ranked.drop_index == 0
        assert list_lines(ranked)[1].startswith("▶")  # the drop marker
        await pilot.mouse_up(ranked, offset=(20, 1))
        await pilot.pause()
        assert saved_order(engine)[0] == REHAB
        lines = list_lines(ranked)
        assert REHAB[:30] in lines[1] and "Streken" in lines[2]  # only rehab fits now
        assert kr("1 300 000") in lines[1]

        # Lower the recommendation to 3 000 000 in 2026: what is left follows.
        await pilot.press("g")
        await pilot.pause()
        field = pilot.app.screen.query_one("#year-2026")
        assert field.value.replace(NB, " ") == "4 000 000"  # pre-filled as a user writes amounts
        field.value = ""
        await pilot.press(*"3000000", "enter")
        await pilot.pause()
        lines = list_lines(ranked)
        assert kr("3 000 000") in lines[1] and kr("2 300 000") in lines[1]
        assert "Streken" in lines[2]  # Interkommunalt (4 657 500) still does not fit in 2 300 000

        # Undo both; the saved state is back.
        await pilot.press("ctrl+z")
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert saved_order(engine) == start
        with Session(engine) as s:
            rehab_id = s.exec(select(Application.id).where(Application.name == REHAB)).one()
            assert load_recommendation(s, rehab_id) is None
        # Redo the move only, quit, reopen: the last saved order is shown.
        await pilot.press("ctrl+y")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        screen, ranked = await open_screen(pilot)
        assert REHAB[:30] in list_lines(ranked)[1]


async def test_keyboard_moves_and_move_to_position(engine: Engine) -> None:
    app = make_app(engine=engine, today=TODAY)
    async with app.run_test(size=(160, 50)) as pilot:
        screen, ranked = await open_screen(pilot)
        start = saved_order(engine)
        await pilot.press("shift+down")  # rank 1 to rank 2
        await pilot.pause()
        assert saved_order(engine)[:2] == [start[1], start[0]]
        assert ranked.cursor_key == screen.allocation.rows[1].key  # the cursor follows the row
        await pilot.press("b")
        await pilot.pause()
        assert saved_order(engine)[-1] == start[0]
        await pilot.press("t")
        await pilot.pause()
        assert saved_order(engine) == start
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("9", "enter")  # out of range: refused in the dialog
        await pilot.pause()
        assert "fra 1 til 5" in static_text(pilot.app.screen.query_one(".dialog-error", Static))
        await pilot.press("backspace", "3", "enter")
        await pilot.pause()
        assert saved_order(engine)[2] == start[0]
        await pilot.press("up", "u")  # cursor to rank 2, then move it up
        await pilot.pause()
        assert saved_order(engine)[0] == start[2]


async def test_recommendation_dialog_refuses_too_much_and_empty_fields(engine: Engine) -> None:
    app = make_app(engine=engine, today=TODAY)
    async with app.run_test(size=(160, 50)) as pilot:
        screen, ranked = await open_screen(pilot)
        await pilot.press("g")
        await pilot.pause()
        field = pilot.app.screen.query_one("#year-2026")
        field.value = "5000000"
        await pilot.press("enter")
        await pilot.pause()
        error = static_text(pilot.app.screen.query_one(".dialog-error", Static))
        assert "kan ikke være høyere enn søkt" in error
        field.value = ""
        await pilot.press("enter")
        await pilot.pause()
        error = static_text(pilot.app.screen.query_one(".dialog-error", Static))
        assert "Feltet for 2026 er tomt" in error
        await pilot.press("escape")
        await pilot.pause()
        assert pilot.app.screen is screen


async def test_recommendation_per_year_and_spread_of_a_total(engine: Engine) -> None:
    """Helgelandssykepleier: the dialog shows its five (shifted) years; a total is spread evenly."""
    app = make_app(engine=engine, today=TODAY)
    async with app.run_test(size=(160, 50)) as pilot:
        screen, ranked = await open_screen(pilot)
        await pilot.press("end", "t")
        await pilot.pause()
        await pilot.press("g")
        await pilot.pause()
        dialog = pilot.app.screen
        assert [int(i.id.removeprefix("year-")) for i in dialog.query(".recommend-input")] == list(
            range(2026, 2031)
        )
        assert "forskjøvet fra 2025 til 2026" in " ".join(
            static_text(w) for w in dialog.query(".dialog-note")
        )
        await pilot.click("#recommend-total")
        await pilot.press(*"5000000")
        from textual.widgets import Select

        dialog.query_one("#recommend-mode", Select).value = "jevnt"
        await pilot.click("#recommend-spread")
        await pilot.pause()
        assert dialog.query_one("#year-2026").value.replace(NB, " ") == "1 000 000"
        await pilot.click("#recommend-save")
        await pilot.pause(0.4)
        key = ranked.rows[0].key
        with Session(engine) as s:
            assert load_recommendation(s, key) == {y: 1_000_000 for y in range(2026, 2031)}
        summary = static_text(screen.query_one("#prio-summary", Static))
        assert f"Igjen 2026 etter søknadene over streken: {kr('4 300 000')}" in summary
        # "Som søkt" goes back to the default.
        await pilot.press("g")
        await pilot.pause()
        await pilot.click("#recommend-default")
        await pilot.pause()
        with Session(engine) as s:
            assert load_recommendation(s, key) is None


async def test_change_by_another_process_shows_on_refresh_and_stale_edit_is_refused(engine: Engine) -> None:
    app = make_app(engine=engine, today=TODAY)
    async with app.run_test(size=(160, 50)) as pilot:
        screen, ranked = await open_screen(pilot)
        key = ranked.cursor_key
        with Session(engine) as s:  # another rsapp sets the grant of the selected row
            version = s.get(Application, key).version
            set_recommendation(s, key, {2026: 1_000_000}, version=version)
        await pilot.press("shift+down")  # based on the old version: refused
        await pilot.pause()
        assert ranked.rows[0].key == key
        assert any("endret av en annen bruker" in str(n.message) for n in pilot.app._notifications)
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert ranked.rows[0].recommended == {2026: 1_000_000}
        await pilot.press("shift+down")
        await pilot.pause()
        assert ranked.rows[1].key == key


async def test_earmark_added_in_dialog_changes_the_ledger_and_is_undone(engine: Engine) -> None:
    app = make_app(engine=engine, today=TODAY)
    async with app.run_test(size=(160, 50)) as pilot:
        screen, ranked = await open_screen(pilot)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"Kurs")
        await pilot.press("tab")
        await pilot.press(*"2026: 300000", "enter")
        await pilot.pause()
        assert f"Til fordeling 2026: {kr('5 000 000')}" in static_text(
            screen.query_one("#prio-ledger", Static)
        )
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert f"Til fordeling 2026: {kr('5 300 000')}" in static_text(
            screen.query_one("#prio-ledger", Static)
        )


async def test_years_view_and_change_log(engine: Engine) -> None:
    app = make_app(engine=engine, today=TODAY)
    async with app.run_test(size=(160, 50)) as pilot:
        screen, ranked = await open_screen(pilot)
        await pilot.press("shift+down")
        await pilot.press("3")
        await pilot.pause()
        assert year_row(screen, 2027)[1:4] == ["antatt", kr("642 500"), kr("5 000 000")]
        assert "2027: 500 000 kr bundet mot antatt pott" in years_text(screen)
        await pilot.press("4")
        await pilot.pause()
        from textual.widgets import DataTable

        log = screen.query_one("#log", DataTable)
        assert log.row_count == 1
        assert "fra plass 1 til 2" in str(log.get_row_at(0)[2])


def _routes(engine: Engine) -> list[str]:
    with Session(engine) as s:
        round_id = round_by_key(s, "helgeland-2026").id
        return list(
            s.exec(
                select(Application.route).where(Application.round_id == round_id).order_by(Application.rank)
            ).all()
        )


def _log_actions(engine: Engine) -> list[str]:
    from rsapp.models import ChangeLog

    with Session(engine) as s:
        return list(s.exec(select(ChangeLog.action).order_by(ChangeLog.id)).all())


async def test_route_chooser_suggestion_and_fill_pot_with_buttons(engine: Engine) -> None:
    from rsapp.allocation import fill_pot
    from rsapp.screens.prioritisation_dialogs import RouteDialog

    with Session(engine) as s:  # a small recommendation for the last row: it fits below the cut
        nurse = s.exec(select(Application).where(Application.name.startswith("Helgelandssykepleier"))).one()
        set_recommendation(s, nurse.id, {2026: 600_000}, version=nurse.version)
    app = make_app(engine=engine, today=TODAY)
    async with app.run_test(size=(160, 50)) as pilot:
        screen, ranked = await open_screen(pilot)
        start = saved_order(engine)
        assert _routes(engine)[0] == "begge"
        log_before = len(_log_actions(engine))

        # The chooser by its button: the four routes, the current one highlighted; "2" picks regional.
        await pilot.click("#btn-route-choose")
        await pilot.pause()
        dialog = pilot.app.screen
        assert isinstance(dialog, RouteDialog)
        options = dialog.query_one("#route-options")
        assert options.option_count == 4 and options.highlighted == 2
        await pilot.press("2")
        await pilot.pause()
        assert pilot.app.screen is screen
        assert _routes(engine)[0] == "regional" and ranked.rows[0].route == "regional"
        assert _log_actions(engine)[log_before:] == ["rute"]  # one change, one log row
        await pilot.press("ctrl+z")  # ... and one undo step
        await pilot.pause()
        assert _routes(engine)[0] == "begge"

        # By key, moving in the list and Enter: lokal pott. Esc changes nothing.
        await pilot.press("v")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert _routes(engine)[0] == "begge"
        await pilot.press("v")
        await pilot.pause()
        await pilot.press("up", "up", "enter")
        await pilot.pause()
        assert _routes(engine)[0] == "lokal"
        assert _log_actions(engine)[log_before:] == ["rute", "rute", "rute"]  # do, undo, this one

        # "Vis forslag" (button) marks what fits in the current order; nothing moves.
        await pilot.click("#btn-marks")
        await pilot.pause()
        fits = fill_pot(screen.allocation)
        marked = [row.key for row in ranked.rows if row.key in ranked._marks]
        assert marked == fits and len(fits) >= 2  # a smaller row below the cut is suggested too
        marked_names = [row.name for row in ranked.rows if row.key in fits]
        lines = list_lines(ranked)
        for name in marked_names:
            assert lines[row_line(ranked, name)].startswith("✓")
        assert saved_order(engine) == start

        # "Fyll potten" (button): the marked ones move to the top, in their order; one undo restores.
        await pilot.click("#btn-fill")
        await pilot.pause()
        assert saved_order(engine)[: len(fits)] == marked_names
        assert screen.allocation.cut_index is None or screen.allocation.cut_index >= len(fits)
        await pilot.click("#btn-undo")
        await pilot.pause()
        assert saved_order(engine) == start


async def test_earmark_edit_and_delete_in_dialogs_then_log_and_years_note(engine: Engine) -> None:
    from textual.widgets import DataTable, Input

    from rsapp.screens.prioritisation import YEARS_NOTE
    from rsapp.screens.prioritisation_dialogs import ConfirmDialog, EarmarkDialog

    app = make_app(engine=engine, today=TODAY)
    async with app.run_test(size=(160, 50)) as pilot:
        screen, ranked = await open_screen(pilot)

        def ledger() -> str:
            return static_text(screen.query_one("#prio-ledger", Static))

        await pilot.press("2")
        await pilot.pause()
        table = screen.query_one("#earmarks", DataTable)
        assert "Dignio" in str(table.get_row_at(0)[0])
        # Edit Dignio's 2026 amount in its dialog (the tab's table has the focus: "w" edits its row).
        await pilot.press("w")
        await pilot.pause()
        dialog = pilot.app.screen
        assert isinstance(dialog, EarmarkDialog)
        amounts = dialog.query_one("#earmark-amounts", Input)
        assert amounts.value.replace(NB, " ") == "2026: 500 000; 2027: 500 000; 2028: 500 000"
        amounts.value = "2026: 400 000; 2027: 500 000; 2028: 500 000"
        await pilot.click("#earmark-save")
        await pilot.pause()
        assert pilot.app.screen is screen
        assert f"Til fordeling 2026: {kr('5 400 000')}" in ledger()
        assert "2026: 400 000" in str(table.get_row_at(0)[1]).replace(NB, " ")

        # Delete the project leader earmark: asked first; "Nei" keeps it, "Slett" removes it.
        await pilot.press("down")
        await pilot.click("#btn-earmark-remove")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ConfirmDialog)
        await pilot.click("#confirm-no")
        await pilot.pause()
        assert table.row_count == 3
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ConfirmDialog)
        await pilot.click("#confirm-yes")
        await pilot.pause()
        assert table.row_count == 2
        assert f"Til fordeling 2026: {kr('7 400 000')}" in ledger()  # 2 800 000 carried whole
        await pilot.press("ctrl+z")  # the deletion is undone: the earmark is back
        await pilot.pause()
        assert table.row_count == 3 and f"Til fordeling 2026: {kr('5 400 000')}" in ledger()

        # A recommendation shows per year in the change log, "som søkt" for the default.
        await pilot.press("1", "g")
        await pilot.pause()
        pilot.app.screen.query_one("#year-2026").value = "3000000"
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("4")
        await pilot.pause()
        log = screen.query_one("#log", DataTable)
        assert [str(c).replace(NB, " ") for c in log.get_row_at(0)[3:]] == [
            "som søkt",
            f"2026: {kr('3 000 000')}",
        ]

        # The years view says how the ledger reads.
        await pilot.press("3")
        await pilot.pause()
        assert " ".join(YEARS_NOTE.split()) in years_text(screen)


async def test_a_move_shown_just_before_quitting_is_saved(engine) -> None:
    """Quitting in the same instant as a move loses nothing: the shown order is the saved one."""
    from sqlmodel import Session, select

    from rsapp.app import make_app
    from rsapp.models import Application
    from tests.conftest import TODAY

    app = make_app(engine=engine, today=TODAY)
    async with app.run_test(size=(170, 50)) as pilot:
        await pilot.press("p")
        await pilot.pause()
        screen = app.screen
        last = max(screen.view.applications.values(), key=lambda a: a.rank)
        screen.move(last.key, 1)  # shown now, saved after the next frame …
        await app.action_quit()  # … but the user quits at once
    with Session(engine) as session:
        moved = session.get(Application, last.key)
        assert moved.rank == 1
        ranks = sorted(
            a.rank for a in session.exec(select(Application).where(Application.round_id == moved.round_id))
        )
        assert ranks == list(range(1, len(ranks) + 1))


SPLIT_AMOUNT = re.compile(r"\d{1,3}(?: \d{3})*\s*$")
CONTINUED_AMOUNT = re.compile(r"^\s*(?:\d{3}\b|kr\b)")


def assert_no_split_amount(lines: list[str]) -> None:
    for above, below in zip(lines, lines[1:], strict=False):
        assert not (SPLIT_AMOUNT.search(above) and CONTINUED_AMOUNT.match(below)), (above, below)


async def test_at_100x30_no_amount_is_split_or_cut(engine: Engine) -> None:
    app = make_app(engine=engine, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        screen, ranked = await open_screen(pilot)
        await pilot.press("end", "t")  # Helgelandssykepleier first: the longest warnings
        await pilot.pause(0.4)
        for selector in ("#prio-ledger", "#prio-summary", "#prio-status"):
            widget = screen.query_one(selector, Static)
            console = Console(width=widget.size.width, file=io.StringIO(), record=True)
            console.print(widget.content)
            lines = console.export_text().replace(NB, " ").splitlines()
            assert_no_split_amount(lines)
            assert all(len(line.rstrip()) <= widget.size.width for line in lines)
        text = static_text(screen.query_one("#prio-ledger", Static))
        assert f"Til fordeling 2026: {kr('5 300 000')}" in text
        # The list: every amount column is wide enough for its amounts (nothing ends in "…").
        lines = list_lines(ranked)
        assert "Innstilt 2026" in lines[0] and "Igjen 2026" in lines[0]
        for line in lines[1:]:
            assert not re.search(r"\d…", line), line
        assert kr("3 300 000") in lines[1]
