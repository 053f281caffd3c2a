"""Issue 11, item 1: a change made from an out-of-date list keeps the user's intent or is refused.

User A reorders; user B, still looking at the old order, moves application 3 "one up, above
application 2" or sets the grant of the row they see at place 3. B's move must land directly
above application 2 wherever it is now (or be refused), B's grant must be refused when the row
has moved, and a refused value is shown as it now is at once, on the screen and in the CLI.
"""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from rsapp.cli import cli
from rsapp.db import open_database
from rsapp.models import Application
from rsapp.portfolio import round_by_key
from rsapp.prioritisation import (
    FillPotCommand,
    History,
    MoveCommand,
    RecommendCommand,
    StaleError,
    Versions,
    load_recommendation,
    load_view,
    move_application,
    set_recommendation,
)
from rsapp.store.unit_of_work import REFRESH_HINT

# The built-in Helgeland 2026 round: ids 1..5 at ranks 1..5.
A, B, C, D, E = 1, 2, 3, 4, 5


def _order(engine: Engine) -> list[int]:
    with Session(engine) as s:
        round_id = round_by_key(s, "helgeland-2026").id
        apps = s.exec(
            select(Application).where(Application.round_id == round_id).order_by(Application.rank)
        ).all()
        assert [a.rank for a in apps] == list(range(1, len(apps) + 1))
        return [a.id for a in apps]  # type: ignore[misc]


def _version(engine: Engine, key: int) -> int:
    with Session(engine) as s:
        app = s.get(Application, key)
        assert app is not None
        return app.version


def _stale_history(engine: Engine) -> History:
    """User B's screen: the round as it was read before user A's change."""
    with Session(engine) as s:
        view = load_view(s, round_by_key(s, "helgeland-2026").id)
    return History(Versions(view.versions, {e.id: e.version for e in view.earmarks}, dict(view.ranks())))


def _user_a_moves_b_to_the_top(engine: Engine) -> None:
    with Session(engine) as s:
        move_application(s, B, 1, version=_version(engine, B))
    assert _order(engine) == [B, A, C, D, E]


# --- the write side, on SQLite and PostgreSQL -------------------------------------------------------


def test_a_stale_move_one_up_lands_directly_above_the_neighbour_the_user_saw(any_engine: Engine) -> None:
    history = _stale_history(any_engine)  # B sees A, B, C, D, E
    _user_a_moves_b_to_the_top(any_engine)
    with Session(any_engine) as s:  # B moves C "one up, above B"
        change = history.run(MoveCommand(C, 3, 2, above=B, undo_below=B), s)
    assert _order(any_engine) == [C, B, A, D, E]
    assert "over «" in change.summary
    with Session(any_engine) as s:  # undo puts C back directly below B, where B's list had it
        history.undo(s)
    assert _order(any_engine) == [B, C, A, D, E]


def test_a_stale_move_down_lands_directly_below_the_neighbour(any_engine: Engine) -> None:
    history = _stale_history(any_engine)
    _user_a_moves_b_to_the_top(any_engine)  # B, A, C, D, E
    with Session(any_engine) as s:  # B moves A "one down, below B" (B saw A above B)
        history.run(MoveCommand(A, 1, 2, below=B), s)
    assert _order(any_engine) == [B, A, C, D, E]
    with Session(any_engine) as s:  # E "to place 2, above B" (B saw B at place 2)
        history.run(MoveCommand(E, 5, 2, above=B), s)
    assert _order(any_engine) == [E, B, A, C, D]


def test_a_move_next_to_an_application_that_left_the_round_is_refused(any_engine: Engine) -> None:
    with Session(any_engine) as s, pytest.raises(StaleError, match="finnes ikke lenger i runden"):
        move_application(s, C, 2, version=_version(any_engine, C), above=6)  # 6: Troms og Ofoten
    assert _order(any_engine) == [A, B, C, D, E]


def test_a_move_checked_against_the_order_the_user_saw_is_refused_when_it_changed(any_engine: Engine) -> None:
    _user_a_moves_b_to_the_top(any_engine)
    with Session(any_engine) as s, pytest.raises(StaleError, match="rekkefølgen er endret"):
        move_application(s, C, 2, version=_version(any_engine, C), expected_order=[A, B, C, D, E])
    assert _order(any_engine) == [B, A, C, D, E]


def test_a_grant_on_a_row_whose_place_changed_is_refused(any_engine: Engine) -> None:
    history = _stale_history(any_engine)  # B sees C at place 3
    _user_a_moves_b_to_the_top(any_engine)
    with Session(any_engine) as s:  # C is still at 3: allowed
        history.run(RecommendCommand(C, None, {2026: 100_000}), s)
    with Session(any_engine) as s:  # A moves E to the top: C is now at 4
        move_application(s, E, 1, version=_version(any_engine, E))
    with Session(any_engine) as s, pytest.raises(StaleError, match="plass 4"):
        history.run(RecommendCommand(C, {2026: 100_000}, {2026: 200_000}), s)
    with Session(any_engine) as s:
        assert load_recommendation(s, C) == {2026: 100_000}
        with pytest.raises(StaleError, match="plass 4"):
            set_recommendation(s, C, {2026: 50_000}, version=_version(any_engine, C), rank=3)


def test_fill_pot_undone_from_a_stale_list_is_refused(any_engine: Engine) -> None:
    history = _stale_history(any_engine)
    with Session(any_engine) as s:
        round_id = round_by_key(s, "helgeland-2026").id
        history.run(FillPotCommand(round_id), s)
    after = _order(any_engine)
    # Another user swaps the last two (versions of neither changes on the row shifted).
    with Session(any_engine) as s:
        move_application(s, after[3], 5, version=_version(any_engine, after[3]))
    with Session(any_engine) as s, pytest.raises(StaleError):
        history.undo(s)


# --- the command line ---------------------------------------------------------------------------------


def _cli(capsys: pytest.CaptureFixture[str], url: str, *args: str) -> tuple[int, str, str]:
    code = cli(["--db", url, "prioriter", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_moves_relative_to_a_neighbour_and_checks_the_order_it_was_shown(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = open_database(sqlite_url)
    try:
        _user_a_moves_b_to_the_top(engine)
        code, out, err = _cli(capsys, sqlite_url, "flytt", str(C), "--over", str(B))
        assert code == 0, err
        assert _order(engine) == [C, B, A, D, E]
        code, out, err = _cli(capsys, sqlite_url, "flytt", str(A), "--under", str(E))
        assert code == 0, err
        assert _order(engine) == [C, B, D, E, A]
        # The order B saw no longer holds: refused, with a hint that fits the command line.
        code, out, err = _cli(capsys, sqlite_url, "flytt", str(D), "1", "--forventet", "1,2,3,4,5")
        assert code == 1
        assert "endret av en annen bruker" in err
        assert "Ctrl+R" not in err and "rsapp prioriter vis" in err
        assert _order(engine) == [C, B, D, E, A]
        code, out, err = _cli(capsys, sqlite_url, "flytt", str(D), "1", "--forventet", "3,2,4,5,1")
        assert code == 0, err
        assert _order(engine) == [D, C, B, E, A]
        # Not both a place and a neighbour, and not the application itself.
        code, out, err = _cli(capsys, sqlite_url, "flytt", str(D), "2", "--over", str(B))
        assert code != 0 and "Feil:" in err
        code, out, err = _cli(capsys, sqlite_url, "flytt", str(D), "--over", str(D))
        assert code != 0 and "seg selv" in err
    finally:
        engine.dispose()


@pytest.mark.parametrize("place", ["0", "-2", "99"])
def test_cli_refuses_a_place_that_does_not_exist(
    sqlite_url: str, capsys: pytest.CaptureFixture[str], place: str
) -> None:
    code, out, err = _cli(capsys, sqlite_url, "flytt", "3", place)
    assert code == 1
    assert f"Plass {int(place)} finnes ikke" in err and "fra 1 til 5" in err
    assert "Traceback" not in err


def test_cli_grant_with_the_place_the_user_saw_is_refused_when_the_row_moved(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = open_database(sqlite_url)
    try:
        _user_a_moves_b_to_the_top(engine)  # A is now at 2
        code, out, err = _cli(capsys, sqlite_url, "innstill", str(A), "100 000", "--plass", "1")
        assert code == 1
        assert "plass 2" in err and "Ctrl+R" not in err
        code, out, err = _cli(capsys, sqlite_url, "innstill", str(A), "100 000", "--plass", "2")
        assert code == 0, err
    finally:
        engine.dispose()


def test_cli_stale_messages_never_mention_ctrl_r(sqlite_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    from rsapp.cli.common import cli_message

    assert REFRESH_HINT not in cli_message(
        StaleError(f"Søknaden «X» er endret av en annen bruker. {REFRESH_HINT}")
    )


# --- the screen -----------------------------------------------------------------------------------------


async def _open(pilot):
    from rsapp.screens.prioritisation import PrioritisationScreen
    from rsapp.widgets.ranked_list import RankedList

    await pilot.press("p")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, PrioritisationScreen)
    return screen, screen.query_one(RankedList)


def _messages(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_screen_stale_move_one_up_lands_above_the_row_shown_and_says_so(engine: Engine) -> None:
    from rsapp.app import make_app
    from tests.conftest import TODAY

    app = make_app(engine=engine, today=TODAY)
    async with app.run_test(size=(160, 50)) as pilot:
        screen, ranked = await _open(pilot)
        await pilot.press("down", "down")  # cursor on C, place 3
        assert ranked.cursor_key == C
        _user_a_moves_b_to_the_top(engine)  # the screen still shows A, B, C
        await pilot.press("shift+up")  # C "one up, above B"
        await pilot.pause()
        await pilot.pause(0.2)
        assert _order(engine) == [C, B, A, D, E]
        assert [row.key for row in screen.allocation.rows] == [C, B, A, D, E]  # shown as saved
        assert any("annen bruker" in m for m in _messages(pilot.app))


async def test_screen_refused_grant_shows_the_current_value_at_once(engine: Engine) -> None:
    from rsapp.app import make_app
    from tests.conftest import TODAY

    app = make_app(engine=engine, today=TODAY)
    async with app.run_test(size=(160, 50)) as pilot:
        screen, ranked = await _open(pilot)
        assert ranked.cursor_key == A
        with Session(engine) as s:  # another user sets A's grant
            set_recommendation(s, A, {2026: 1_000_000}, version=_version(engine, A))
        await pilot.press("g")
        await pilot.pause()
        pilot.app.screen.query_one("#year-2026").value = "2 000 000"
        await pilot.press("enter")
        await pilot.pause()
        assert any("endret av en annen bruker" in m for m in _messages(pilot.app))
        # No Ctrl+R needed: the other user's grant is on the screen now.
        row = next(r for r in screen.allocation.rows if r.key == A)
        assert row.recommended == {2026: 1_000_000}
        with Session(engine) as s:
            assert load_recommendation(s, A) == {2026: 1_000_000}


async def test_screen_grant_on_a_row_that_moved_is_refused_and_the_order_shown(engine: Engine) -> None:
    from rsapp.app import make_app
    from tests.conftest import TODAY

    app = make_app(engine=engine, today=TODAY)
    async with app.run_test(size=(160, 50)) as pilot:
        screen, ranked = await _open(pilot)
        await pilot.press("down", "down")  # C at place 3
        _user_a_moves_b_to_the_top(engine)  # C still at 3: the grant goes through
        with Session(engine) as s:
            move_application(s, E, 1, version=_version(engine, E))  # now C is at 4
        await pilot.press("g")
        await pilot.pause()
        pilot.app.screen.query_one("#year-2026").value = "100 000"
        await pilot.press("enter")
        await pilot.pause()
        assert any("plass 4" in m for m in _messages(pilot.app))
        with Session(engine) as s:
            assert load_recommendation(s, C) is None
        assert [row.key for row in screen.allocation.rows] == [E, B, A, C, D]
