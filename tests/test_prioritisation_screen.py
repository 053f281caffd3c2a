"""The prioritisation screen, driven like a user: keys, mouse drag, dialogs, undo/redo."""

from __future__ import annotations

import io

from rich.console import Console
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from textual.widgets import Static

from rsapp.app import make_app
from rsapp.models import Application
from rsapp.portfolio import round_by_key
from rsapp.prioritisation import set_granted
from rsapp.screens.prioritisation import PrioritisationScreen
from rsapp.widgets.ranked_list import RankedList
from tests.conftest import TODAY

NB = "\u00a0"
REHAB = "Forprosjekt - tverretatlig rehabilitering"


def kr(text: str) -> str:
    return text.replace(" ", NB) + " kr"


def static_text(widget: Static) -> str:
    console = Console(width=160, file=io.StringIO(), record=True)
    console.print(widget.content)
    return console.export_text()


def list_lines(ranked: RankedList) -> list[str]:
    return [ranked.render_line(y).text for y in range(ranked.scrollable_content_region.height)]


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


async def test_ledger_shows_pot_earmarks_available_and_open_earmark_warning(engine: Engine) -> None:
    app = make_app(engine=engine, today=TODAY)
    async with app.run_test(size=(160, 50)) as pilot:
        screen, ranked = await open_screen(pilot)
        ledger = static_text(screen.query_one("#prio-ledger", Static))
        assert f"{kr('7 800 000')} − {kr('2 500 000')} avsatt = {kr('5 300 000')} til fordeling" in ledger
        assert "Intermediærpost i Vefsn: beløp ikke avklart" in ledger
        assert "Åpen avsetning: «Intermediærpost i Vefsn»" in ledger
        lines = list_lines(ranked)
        assert "Nr" in lines[0] and "Innvilget" in lines[0]
        # The cut line sits between rank 2 and rank 3 (Observasjonspost no longer fits).
        assert "Streken" in lines[3]
        assert lines[4].split()[0] == "3"


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

        # Lower the grant to 3 000 000: the rest follows.
        await pilot.press("g")
        await pilot.pause()
        await pilot.press(*"3000000", "enter")
        await pilot.pause()
        lines = list_lines(ranked)
        assert kr("3 000 000") in lines[1] and kr("2 300 000") in lines[1]
        assert kr("7 657 500") in lines[3]  # cumulative of the next row follows

        # Undo both; the saved state is back.
        await pilot.press("ctrl+z")
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert saved_order(engine) == start
        with Session(engine) as s:
            assert s.exec(select(Application.granted).where(Application.name == REHAB)).one() is None
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


async def test_grant_above_applied_is_refused_in_the_dialog(engine: Engine) -> None:
    app = make_app(engine=engine, today=TODAY)
    async with app.run_test(size=(160, 50)) as pilot:
        screen, ranked = await open_screen(pilot)
        await pilot.press("g")
        await pilot.pause()
        await pilot.press(*"5000000", "enter")
        await pilot.pause()
        error = static_text(pilot.app.screen.query_one(".dialog-error", Static))
        assert "kan ikke være høyere enn søkt" in error
        await pilot.press("escape")
        await pilot.pause()
        assert pilot.app.screen is screen


async def test_change_by_another_process_shows_on_refresh_and_stale_edit_is_refused(engine: Engine) -> None:
    app = make_app(engine=engine, today=TODAY)
    async with app.run_test(size=(160, 50)) as pilot:
        screen, ranked = await open_screen(pilot)
        key = ranked.cursor_key
        with Session(engine) as s:  # another rsapp sets the grant of the selected row
            version = s.get(Application, key).version
            set_granted(s, key, 1_000_000, version=version)
        await pilot.press("shift+down")  # based on the old version: refused
        await pilot.pause()
        assert ranked.rows[0].key == key
        assert any("endret av en annen bruker" in str(n.message) for n in pilot.app._notifications)
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert ranked.rows[0].granted == 1_000_000
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
        assert f"= {kr('5 000 000')} til fordeling" in static_text(screen.query_one("#prio-ledger", Static))
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert f"= {kr('5 300 000')} til fordeling" in static_text(screen.query_one("#prio-ledger", Static))


async def test_years_view_and_change_log(engine: Engine) -> None:
    app = make_app(engine=engine, today=TODAY)
    async with app.run_test(size=(160, 50)) as pilot:
        screen, ranked = await open_screen(pilot)
        await pilot.press("shift+down")
        await pilot.press("3")
        await pilot.pause()
        years = static_text(screen.query_one("#years", Static))
        assert f"2027 – pott {kr('5 000 000')} (antatt, ikke bekreftet)" in years
        assert f"2027: {kr('500 000')} bundet uten bekreftet pott" in years
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
        assert amounts.value == "2026: 500 000; 2027: 500 000; 2028: 500 000".replace(" 0", NB + "0")
        amounts.value = "2026: 400 000; 2027: 500 000; 2028: 500 000"
        await pilot.click("#earmark-save")
        await pilot.pause()
        assert pilot.app.screen is screen
        assert f"= {kr('5 400 000')} til fordeling" in ledger()
        assert f"2026: 400{NB}000" in str(table.get_row_at(0)[1])

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
        assert table.row_count == 2 and "Prosjektleder" not in ledger()
        assert f"= {kr('7 400 000')} til fordeling" in ledger()
        await pilot.press("ctrl+z")  # the deletion is undone: the earmark is back
        await pilot.pause()
        assert table.row_count == 3 and f"= {kr('5 400 000')} til fordeling" in ledger()

        # A grant change shows formatted amounts in the change log, "søkt beløp" for the default.
        await pilot.press("1", "g")
        await pilot.pause()
        await pilot.press(*"3000000", "enter")
        await pilot.pause()
        await pilot.press("4")
        await pilot.pause()
        log = screen.query_one("#log", DataTable)
        assert [str(c) for c in log.get_row_at(0)[3:]] == ["søkt beløp", kr("3 000 000")]

        # The years view says how it differs from the pot above.
        await pilot.press("3")
        await pilot.pause()
        years = static_text(screen.query_one("#years", Static))
        assert "Innvilget beløp er fordelt på år etter søknadens budsjett" in " ".join(years.split())
        assert YEARS_NOTE.startswith("Innvilget beløp er fordelt på år")


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
