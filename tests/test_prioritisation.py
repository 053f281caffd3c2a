"""The prioritisation write side on SQLite and PostgreSQL: moves, recommendations, routes, earmarks,
"fyll potten", undo/redo, the change log and optimistic locking between two engines."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from rsapp.allocation import move as model_move
from rsapp.config import current_user
from rsapp.db import make_engine
from rsapp.models import Application, ChangeLog, Round
from rsapp.portfolio import round_allocation, round_by_key
from rsapp.prioritisation import (
    EarmarkAddCommand,
    EarmarkData,
    EarmarkEditCommand,
    EarmarkRemoveCommand,
    FillPotCommand,
    History,
    MoveCommand,
    PrioritisationError,
    RecommendCommand,
    RouteCommand,
    StaleError,
    Versions,
    add_earmark,
    change_log,
    format_log_value,
    load_recommendation,
    load_view,
    move_application,
    normalise_ranks,
    parse_earmark_amounts,
    remove_earmark,
    set_recommendation,
    set_route,
    update_earmark,
)

REHAB = "Forprosjekt - tverretatlig rehabilitering"
NURSE = "Helgelandssykepleier – utdanning, rekruttering og stabilisering av sykepleiere på Helgeland"


def _recommended(engine: Engine, name: str) -> dict[int, int] | None:
    with Session(engine) as s:
        return load_recommendation(s, _app(engine, name).id)


def _round_id(engine: Engine) -> int:
    with Session(engine) as s:
        return round_by_key(s, "helgeland-2026").id


def _order(engine: Engine, round_id: int) -> list[str]:
    with Session(engine) as s:
        apps = s.exec(
            select(Application).where(Application.round_id == round_id).order_by(Application.rank)
        ).all()
        assert [a.rank for a in apps] == list(range(1, len(apps) + 1))
        return [a.name for a in apps]


def _app(engine: Engine, name: str) -> Application:
    with Session(engine) as s:
        return s.exec(select(Application).where(Application.name == name)).one()


def _history(engine: Engine, round_id: int) -> History:
    with Session(engine) as s:
        view = load_view(s, round_id)
    return History(Versions(view.versions, {e.id: e.version for e in view.earmarks}))


def _second_engine(engine: Engine) -> Engine:
    return make_engine(engine.url.render_as_string(hide_password=False))


def test_move_to_top_keeps_ranks_contiguous_and_moves_the_cut_line(any_engine: Engine) -> None:
    round_id = _round_id(any_engine)
    rehab = _app(any_engine, REHAB)
    with Session(any_engine) as s:
        before = round_allocation(s, round_id)
        change = move_application(s, rehab.id, 1, version=rehab.version)
        after = round_allocation(s, round_id)
    assert before.cut_index == 2  # Observasjonspost no longer fits
    assert change.versions == {rehab.id: rehab.version + 1}
    order = _order(any_engine, round_id)
    assert order[0] == REHAB
    assert order[1].startswith("Interkommunalt")
    # 4 000 000 fits in 5 300 000; Interkommunalt's 4 657 500 then does not.
    assert after.cut_index == 1
    assert after.rows[0].left == 1_300_000 and after.left == 1_300_000


def test_move_up_down_bottom_and_impossible_places_refused(any_engine: Engine) -> None:
    round_id = _round_id(any_engine)
    start = _order(any_engine, round_id)
    first = _app(any_engine, start[0])
    with Session(any_engine) as s:
        for bad in (0, -2, 99):
            with pytest.raises(PrioritisationError, match="fra 1 til 5"):
                move_application(s, first.id, bad, version=first.version)
    assert _order(any_engine, round_id) == start  # refused, not clamped
    with Session(any_engine) as s:
        move_application(s, first.id, 5, version=first.version)  # to the bottom
    assert _order(any_engine, round_id) == start[1:] + start[:1]
    with Session(any_engine) as s:
        move_application(s, first.id, 4, version=first.version + 1)  # one up
    assert _order(any_engine, round_id) == start[1:4] + start[:1] + start[4:]


def test_every_change_is_logged_with_user_and_old_and_new(any_engine: Engine) -> None:
    round_id = _round_id(any_engine)
    rehab = _app(any_engine, REHAB)
    with Session(any_engine) as s:
        move_application(s, rehab.id, 1, version=rehab.version)
        set_recommendation(s, rehab.id, {2026: 3_000_000}, version=rehab.version + 1)
        set_route(s, rehab.id, "lokal", version=rehab.version + 2)
        entries = change_log(s, round_id)
    assert [e.action for e in entries] == ["rute", "innstilt", "flytt"]
    assert {e.user for e in entries} == {current_user()}
    assert (entries[2].old, entries[2].new) == ("plass 4", "plass 1")
    # Amounts are written per year as a user reads them; the default is named, not left empty.
    assert (entries[1].old, entries[1].new) == ("som søkt", "2026: 3\u00a0000\u00a0000 kr")
    assert "3\u00a0000\u00a0000 kr" in entries[1].summary
    assert (entries[0].old, entries[0].new) == ("begge", "lokal")
    assert [format_log_value(e.action, e.old) for e in entries] == ["Begge", "som søkt", "plass 4"]


def test_log_values_written_as_bare_numbers_are_shown_formatted() -> None:
    assert format_log_value("innvilget", "3000000") == "3\u00a0000\u00a0000 kr"
    assert format_log_value("innvilget", "") == "som søkt"
    assert format_log_value("flytt", "4") == "plass 4"
    assert format_log_value("rute", "ikke_prioritert") == "Ikke prioritert"
    assert format_log_value("ny", "Kurs (2026: 300 000)") == "Kurs (2026: 300 000)"


def test_recommendation_rules_more_than_applied_and_negative_are_refused(any_engine: Engine) -> None:
    round_id = _round_id(any_engine)
    rehab = _app(any_engine, REHAB)
    with Session(any_engine) as s:
        with pytest.raises(PrioritisationError, match="kan ikke være høyere enn søkt"):
            set_recommendation(s, rehab.id, {2026: 4_000_001}, version=rehab.version)
        with pytest.raises(PrioritisationError, match="negativt"):
            set_recommendation(s, rehab.id, {2026: -1}, version=rehab.version)
        with pytest.raises(PrioritisationError, match="for stort"):
            set_recommendation(s, _app(any_engine, NURSE).id, {2026: 3_000_000_000}, version=1)
    unchanged = _app(any_engine, REHAB)
    assert (_recommended(any_engine, REHAB), unchanged.version) == (None, rehab.version)

    def rehab_row(s):
        return next(r for r in round_allocation(s, round_id).rows if r.key == rehab.id)

    with Session(any_engine) as s:
        set_recommendation(s, rehab.id, {}, version=rehab.version)  # nothing: kept as 0, not the default
        assert rehab_row(s).recommended == {} and rehab_row(s).forwarded == {2026: 4_000_000}
        set_recommendation(s, rehab.id, {2026: 2_000_000, 2027: 500_000}, version=rehab.version + 1)
        assert rehab_row(s).recommended == {2026: 2_000_000, 2027: 500_000}
        set_recommendation(s, rehab.id, None, version=rehab.version + 2)  # back to the applied amount
        assert rehab_row(s).recommended == {2026: 4_000_000}


def test_unknown_route_is_refused(any_engine: Engine) -> None:
    rehab = _app(any_engine, REHAB)
    with Session(any_engine) as s, pytest.raises(PrioritisationError, match="Ukjent prioritering «nasjonal»"):
        set_route(s, rehab.id, "nasjonal", version=rehab.version)


def test_stale_edit_from_another_process_is_refused_and_changes_nothing(any_engine: Engine) -> None:
    """Two engines on one database: both move the same application; the second, stale, is refused."""
    round_id = _round_id(any_engine)
    other = _second_engine(any_engine)
    try:
        rehab = _app(any_engine, REHAB)  # both users see version 1
        with Session(other) as s:
            move_application(s, rehab.id, 1, version=rehab.version)
        seen_by_other = _order(other, round_id)
        with Session(any_engine) as s, pytest.raises(StaleError) as caught:
            move_application(s, rehab.id, 2, version=rehab.version)
        assert str(caught.value) == (
            f"Søknaden «{REHAB}» er endret av en annen bruker. Trykk Ctrl+R for å oppdatere."
        )
        assert _order(any_engine, round_id) == seen_by_other
        with Session(any_engine) as s, pytest.raises(StaleError):
            set_recommendation(s, rehab.id, {2026: 1_000_000}, version=rehab.version)
        assert _recommended(any_engine, REHAB) is None
        # After a refresh (the new version) the same edit goes through.
        with Session(any_engine) as s:
            view = load_view(s, round_id)  # what Ctrl+R reads
            assert view.order()[0] == rehab.id
            set_recommendation(s, rehab.id, {2026: 1_000_000}, version=view.versions[rehab.id])
        assert _recommended(other, REHAB) == {2026: 1_000_000}
    finally:
        other.dispose()


def test_undo_and_redo_go_through_the_same_versioned_logged_functions(any_engine: Engine) -> None:
    round_id = _round_id(any_engine)
    start = _order(any_engine, round_id)
    rehab = _app(any_engine, REHAB)
    history = _history(any_engine, round_id)
    with Session(any_engine) as s:
        history.run(MoveCommand(rehab.id, 4, 1), s)
        history.run(RecommendCommand(rehab.id, None, {2026: 3_000_000}), s)
        history.run(RouteCommand(rehab.id, "begge", "lokal"), s)
        assert history.undo(s) is not None
        assert history.undo(s) is not None
        assert history.undo(s) is not None
        assert history.undo(s) is None  # nothing more
    assert _order(any_engine, round_id) == start
    restored = _app(any_engine, REHAB)
    assert (_recommended(any_engine, REHAB), restored.route) == (None, "begge")
    with Session(any_engine) as s:
        history.redo(s)
        history.redo(s)
        assert len(change_log(s, round_id)) == 8
    assert _order(any_engine, round_id)[0] == REHAB
    assert _recommended(any_engine, REHAB) == {2026: 3_000_000}


def test_undo_after_another_users_change_is_refused(any_engine: Engine) -> None:
    round_id = _round_id(any_engine)
    rehab = _app(any_engine, REHAB)
    history = _history(any_engine, round_id)
    with Session(any_engine) as s:
        history.run(RecommendCommand(rehab.id, None, {2026: 3_000_000}), s)
    other = _second_engine(any_engine)
    try:
        with Session(other) as s:
            set_recommendation(s, rehab.id, {2026: 1_000_000}, version=rehab.version + 1)
    finally:
        other.dispose()
    with Session(any_engine) as s, pytest.raises(StaleError):
        history.undo(s)
    assert history.can_undo and not history.can_redo
    assert _recommended(any_engine, REHAB) == {2026: 1_000_000}


def test_earmarks_add_edit_remove_with_undo_and_the_ledger_follows(any_engine: Engine) -> None:
    round_id = _round_id(any_engine)
    history = _history(any_engine, round_id)

    def available() -> int:
        with Session(any_engine) as s:
            return round_allocation(s, round_id).ledger.available

    assert available() == 5_300_000
    data = EarmarkData("Kompetansemidler", "Kurs", "Sak 30-2025", "Vedtatt", {2026: 300_000})
    add = EarmarkAddCommand(round_id, data)
    with Session(any_engine) as s:
        history.run(add, s)
    assert available() == 5_000_000
    ref = history.earmark_ref(add.ref.id)
    with Session(any_engine) as s:
        history.run(EarmarkEditCommand(ref, data, EarmarkData("Kompetansemidler", is_open=True)), s)
    assert available() == 5_300_000  # open: listed, not counted as 0
    with Session(any_engine) as s:
        assert [e.name for e in round_allocation(s, round_id).ledger.open_earmarks][-1] == "Kompetansemidler"
        history.run(EarmarkRemoveCommand(round_id, ref), s)
        assert "Kompetansemidler" not in [e.data.name for e in load_view(s, round_id).earmarks]
        history.undo(s)  # restored (open)
        history.undo(s)  # edit undone: 300 000 again
    assert available() == 5_000_000
    with Session(any_engine) as s:
        history.undo(s)  # the add undone
    assert available() == 5_300_000
    with Session(any_engine) as s:
        actions = [e.action for e in change_log(s, round_id)]
    assert actions == ["slett", "endre", "ny", "slett", "endre", "ny"]


def test_earmark_stale_version_and_validation(any_engine: Engine) -> None:
    round_id = _round_id(any_engine)
    with Session(any_engine) as s:
        earmark_id, _ = add_earmark(s, round_id, EarmarkData("Test", amounts={2026: 1}))
        update_earmark(s, earmark_id, EarmarkData("Test 2", amounts={2026: 2}), version=1)
        with pytest.raises(StaleError, match="Avsetningen «Test 2» er endret av en annen bruker"):
            remove_earmark(s, earmark_id, version=1)
        with pytest.raises(PrioritisationError, match="må ha et navn"):
            add_earmark(s, round_id, EarmarkData("  "))
        with pytest.raises(PrioritisationError, match="hele kroner"):
            add_earmark(s, round_id, EarmarkData("Negativ", amounts={2026: -5}))


def test_fill_pot_moves_what_fits_to_the_top_in_current_order_and_undoes(any_engine: Engine) -> None:
    round_id = _round_id(any_engine)
    start = _order(any_engine, round_id)
    history = _history(any_engine, round_id)
    command = FillPotCommand(round_id)
    with Session(any_engine) as s:
        history.run(command, s)
        allocation = round_allocation(s, round_id)
    # Interkommunalt (4 657 500) fits; Fremtidens (amount not stated) is never suggested.
    assert _order(any_engine, round_id) == start
    assert allocation.cut_index == 2
    rehab = _app(any_engine, REHAB)
    nurse = _app(any_engine, NURSE)
    with Session(any_engine) as s:
        history.run(MoveCommand(rehab.id, 4, 1), s)
        history.run(RecommendCommand(nurse.id, None, {2026: 1_000_000}), s)
        history.run(FillPotCommand(round_id), s)
    order = _order(any_engine, round_id)
    # 4 000 000 + 1 000 000 fit in 5 300 000; Interkommunalt's 4 657 500 no longer does.
    assert order[:3] == [REHAB, NURSE, start[0]]
    with Session(any_engine) as s:
        history.undo(s)
    assert _order(any_engine, round_id)[:2] == [REHAB, start[0]]


def test_unranked_application_is_placed_last(engine: Engine) -> None:
    round_id = _round_id(engine)
    with Session(engine) as s:
        s.add(Application(round_id=round_id, name="Ny søknad", rank=None))
        s.commit()
        change = normalise_ranks(s, round_id)
    assert len(change.ranks) == 1
    assert _order(engine, round_id)[-1] == "Ny søknad"


def test_parse_earmark_amounts() -> None:
    assert parse_earmark_amounts("2026: 500 000; 2027: kr 1,5 mill") == {2026: 500_000, 2027: 1_500_000}
    assert parse_earmark_amounts("") == {}
    with pytest.raises(PrioritisationError, match="skriv budsjettår og beløp"):
        parse_earmark_amounts("500 000")
    with pytest.raises(PrioritisationError, match="to ganger"):
        parse_earmark_amounts("2026: 1; 2026: 2")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(moves=st.lists(st.tuples(st.integers(0, 4), st.integers(-2, 8)), min_size=1, max_size=8))
def test_any_sequence_of_moves_keeps_ranks_a_permutation(
    engine: Engine, moves: list[tuple[int, int]]
) -> None:
    round_id = _round_id(engine)
    with Session(engine) as s:
        view = load_view(s, round_id)
        order = view.order()
        for index, position in moves:
            key = order[index]
            if position < 1:
                with pytest.raises(PrioritisationError):
                    move_application(s, key, position + 0.5, version=view.versions[key])  # type: ignore[arg-type]
                continue
            if position > len(order):  # an impossible place is refused, never clamped
                with pytest.raises(PrioritisationError, match="finnes ikke"):
                    move_application(s, key, position, version=view.versions[key])
                continue
            change = move_application(s, key, position, version=view.versions[key])
            view.apply(change)
            order = model_move(order, key, position)
            assert view.order() == order
        ranks = s.exec(select(Application.rank).where(Application.round_id == round_id)).all()
        assert sorted(ranks) == list(range(1, len(ranks) + 1))
        assert [r.key for r in round_allocation(s, round_id).rows] == order


def test_missing_round_is_named(any_engine: Engine) -> None:
    with Session(any_engine) as s:
        assert s.get(Round, 999) is None
        with pytest.raises(PrioritisationError, match="Fant ingen runde med id 999"):
            load_view(s, 999)
        assert s.exec(select(ChangeLog)).all() == []
