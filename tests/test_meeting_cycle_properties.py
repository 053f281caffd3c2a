"""Properties after the meeting: a locked protokoll refuses every change; the ledger after the
write-back equals the awards; what ``ApplicationInput.awarded`` and commitments add to the ledger."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, select

from rsapp.allocation import (
    POSITION_ABOVE,
    ApplicationInput,
    EarmarkInput,
    PotInput,
    allocate,
)
from rsapp.db import make_engine, open_database
from rsapp.models import Award, Round
from rsapp.portfolio import round_allocation
from rsapp.saksfremlegg import meeting_life, meetings, offentlighet, points, protokoll, saksliste, vedtak
from rsapp.saksfremlegg.numbering import CaseNumberError
from rsapp.saksfremlegg.records import CaseError
from tests.meeting_cycle_setup import week_43

# --- the ledger's new inputs (pure) -------------------------------------------------------------

years = st.integers(2025, 2029)
amounts = st.integers(0, 3_000_000)


@st.composite
def applications(draw: Any) -> list[ApplicationInput]:
    count = draw(st.integers(1, 6))
    apps = []
    for rank in range(1, count + 1):
        applied = draw(st.dictionaries(years, st.integers(1, 3_000_000), min_size=1, max_size=3))
        awarded = draw(st.one_of(st.none(), st.dictionaries(years, amounts, max_size=3)))
        apps.append(
            ApplicationInput(
                key=rank,
                name=f"Søknad {rank}",
                rank=rank,
                applied_by_year=applied,
                applied_total=sum(applied.values()),
                route=draw(st.sampled_from(["lokal", "regional", "begge", "ikke_prioritert"])),
                awarded=awarded,
            )
        )
    return apps


POTS = [PotInput(2025, 1_000_000), PotInput(2026, 5_000_000), PotInput(2027, 5_000_000, confirmed=False)]


@settings(max_examples=150, deadline=None)
@given(applications(), st.dictionaries(st.integers(2026, 2029), amounts, max_size=3))
def test_awarded_rows_draw_exactly_what_was_awarded_and_the_years_add_up(apps, committed) -> None:
    earmarks = [EarmarkInput(-99, "Tilsagn 2025: Tidligere prosjekt", committed, commitment=True)]
    allocation = allocate(POTS, earmarks, apps, round_year=2026)
    for row, app in zip(allocation.rows, sorted(apps, key=lambda a: a.rank), strict=True):
        assert row.awarded == (app.awarded is not None)
        if app.awarded is not None:
            decided = {y: a for y, a in app.awarded.items() if a}
            assert row.recommended == decided  # the award takes the recommendation's place
            if decided:
                assert row.local == decided and row.position == POSITION_ABOVE
    by_year: dict[int, int] = {}
    for row in allocation.rows:
        for year, amount in row.local.items():
            by_year[year] = by_year.get(year, 0) + amount
    for item in allocation.years:
        assert item.recommended == by_year.get(item.budget_year, 0)
        # A commitment from an earlier round is bound like a decided earmark in its year.
        assert item.earmarked == committed.get(item.budget_year, 0)
    # Whatever the balance, every awarded amount is counted: nothing decided falls below the line.
    awarded_total = sum(sum((app.awarded or {}).values()) for app in apps)
    drawn_by_awarded = sum(sum(row.local.values()) for row in allocation.rows if row.awarded)
    assert drawn_by_awarded == awarded_total


@settings(max_examples=100, deadline=None)
@given(applications())
def test_without_awards_the_ledger_is_what_it_was(apps) -> None:
    plain = [
        ApplicationInput(a.key, a.name, a.rank, a.applied_by_year, a.applied_total, a.recommended, a.route)
        for a in apps
    ]
    cleared = [
        ApplicationInput(
            a.key, a.name, a.rank, a.applied_by_year, a.applied_total, a.recommended, a.route, None
        )
        for a in apps
    ]
    one, two = allocate(POTS, [], plain, round_year=2026), allocate(POTS, [], cleared, round_year=2026)
    assert [(r.key, r.local, r.position) for r in one.rows] == [
        (r.key, r.local, r.position) for r in two.rows
    ]
    assert [(y.budget_year, y.closing) for y in one.years] == [(y.budget_year, y.closing) for y in two.years]


# --- against the database -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def held_meeting_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file with the week-43 meeting held (copied for each example)."""
    folder = tmp_path_factory.mktemp("uke43")
    path = folder / "held.sqlite3"
    engine = open_database(f"sqlite:///{path}")
    with Session(engine, expire_on_commit=False) as session:
        week_43(session)
    engine.dispose()
    return path


def _copy(source: Path, folder: Path, name: str) -> str:
    target = folder / name
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{source}{suffix}").exists():
            shutil.copy(f"{source}{suffix}", f"{target}{suffix}")
    return f"sqlite:///{target}"


_COUNTER = iter(range(10**9))


def _ids(session: Session) -> dict[str, int]:
    from rsapp.models import Case, Meeting

    meeting = session.exec(select(Meeting)).one()
    cases = {c.number: int(c.id or 0) for c in session.exec(select(Case))}
    round_ = session.exec(select(Round).where(Round.key == "helgeland-2026")).one()
    return {
        "meeting": int(meeting.id or 0),
        "prio": cases[28],
        "orient": cases[29],
        "eventuelt": cases[30],
        "round": int(round_.id or 0),
    }


_TABLES = (
    "meeting",
    "meeting_case",
    "innstillingpoint",
    "vedtak",
    "vedtak_point",
    "vedtak_vote",
    "vedtak_inhabil",
    "meeting_attendance",
)


def _state(engine: Any) -> dict[str, list[tuple[Any, ...]]]:
    with engine.connect() as conn:
        return {
            table: sorted(map(tuple, conn.execute(text(f"SELECT * FROM {table}")).all()), key=repr)
            for table in _TABLES
        }


def _writers(ids: dict[str, int]) -> list[tuple[str, Callable[[Session], object]]]:
    m, prio, orient, ev = ids["meeting"], ids["prio"], ids["orient"], ids["eventuelt"]
    return [
        ("detaljer", lambda s: meeting_life.set_details(s, m, place="Mo i Rana")),
        ("send", lambda s: meeting_life.summon(s, m, on=date(2025, 10, 30))),
        ("avholdt", lambda s: meeting_life.mark_held(s, m, today=date(2025, 10, 30))),
        ("tilbake", lambda s: meeting_life.step_back(s, m)),
        ("oppmøte", lambda s: meeting_life.set_attendance(s, m, "Kari Nordmann", "forfall")),
        ("ny person", lambda s: meeting_life.add_attendee(s, m, "Ny Person")),
        ("fjern person", lambda s: meeting_life.remove_attendee(s, m, "Eva Lie")),
        ("medlemmer", lambda s: meeting_life.summon_members(s, m)),
        ("som innstilt", lambda s: vedtak.record_as_recommended(s, ev)),
        ("endre punkt", lambda s: vedtak.amend_point(s, orient, 1, "Endret.")),
        ("nytt punkt", lambda s: vedtak.add_vedtak_point(s, orient, "Nytt.")),
        ("stryk", lambda s: vedtak.strike_point(s, ev, 1)),
        ("tilbakestill", lambda s: vedtak.restore_point(s, prio, 3)),
        ("votering", lambda s: vedtak.set_vote(s, ev, unanimous=False, for_names=["Kari Nordmann"])),
        ("inhabil", lambda s: vedtak.set_inhabil(s, ev, "Ola Hansen")),
        ("habil", lambda s: vedtak.clear_inhabil(s, prio, "Tor Moen")),
        ("utsett", lambda s: vedtak.postpone(s, ev)),
        ("merknad", lambda s: vedtak.set_note(s, ev, "Tilførsel.")),
        ("fjern vedtak", lambda s: vedtak.clear_vedtak(s, ev)),
        ("godkjenn igjen", lambda s: protokoll.approve(s, m, approved_by="X", on=date(2025, 10, 30))),
        ("endre sak", lambda s: saksliste.update_case(s, ev, title="Ny tittel")),
        ("saksnummer", lambda s: saksliste.set_case_number(s, ev, "40/2025")),
        ("slett sak", lambda s: saksliste.delete_case(s, ev)),
        ("ny sak", lambda s: saksliste.add_case(s, m, title="Ny")),
        ("flytt sak", lambda s: saksliste.move_case(s, ev, -1)),
        ("faste saker", lambda s: saksliste.add_standing_cases(s, m)),  # has them: nothing to add
        ("nytt innstillingspunkt", lambda s: points.add_point(s, ev, "Nytt.")),
        ("endelig", lambda s: meetings.set_meeting_final(s, m, False)),
        ("slett møte", lambda s: meetings.delete_meeting(s, m)),
    ]


_RAW = (
    "UPDATE meeting SET status = 'avholdt'",
    "UPDATE meeting SET chair = 'X'",
    "DELETE FROM meeting",
    "UPDATE meeting_case SET title = 'X'",
    "DELETE FROM meeting_case",
    "UPDATE innstillingpoint SET text = 'X'",
    "DELETE FROM innstillingpoint",
    "UPDATE vedtak SET outcome = 'utsatt'",
    "DELETE FROM vedtak",
    "UPDATE vedtak_point SET text = 'X'",
    "DELETE FROM vedtak_vote",
    "DELETE FROM vedtak_inhabil",
    "UPDATE meeting_attendance SET status = 'forfall'",
)


@pytest.fixture(scope="module")
def approved(held_meeting_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:
    folder = tmp_path_factory.mktemp("godkjent")
    engine = make_engine(_copy(held_meeting_file, folder, "godkjent.sqlite3"))
    with Session(engine, expire_on_commit=False) as session:
        ids = _ids(session)
        view = vedtak.record_as_recommended(session, ids["prio"])
        number = next(line.number for line in view.lines if line.application_id)
        vedtak.amend_point(session, ids["prio"], number, "Kr 4 000 000 for 2026.", amounts={2026: 4_000_000})
        vedtak.set_inhabil(session, ids["prio"], "Tor Moen")
        vedtak.record_as_recommended(session, ids["orient"])
        vedtak.set_vote(
            session,
            ids["orient"],
            unanimous=False,
            for_names=["Kari Nordmann", "Ola Hansen"],
            against_names=["Eva Lie"],
        )
        vedtak.record_as_recommended(session, ids["eventuelt"])
        protokoll.approve(session, ids["meeting"], approved_by="SSU", on=date(2025, 10, 22))
    yield engine, ids
    engine.dispose()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_a_locked_protokoll_refuses_every_change(approved, data) -> None:
    engine, ids = approved
    before = _state(engine)
    if data.draw(st.booleans(), label="raw SQL"):
        statement = data.draw(st.sampled_from(_RAW), label="statement")
        with engine.connect() as conn, pytest.raises(DBAPIError, match="godkjent og låst"):
            conn.execute(text(statement))
            conn.commit()
    else:
        name, writer = data.draw(st.sampled_from(_writers(ids)), label="writer")
        if name == "faste saker":  # a request that changes nothing is not refused; the state is checked below
            with Session(engine, expire_on_commit=False) as session:
                assert writer(session) == []
            assert _state(engine) == before
            return
        with (
            Session(engine, expire_on_commit=False) as session,
            pytest.raises((CaseError, CaseNumberError)) as caught,
        ):
            writer(session)
        assert any(word in str(caught.value) for word in ("låst", "endelig", "godkjent")), (
            name,
            caught.value,
        )
    assert _state(engine) == before
    # Marking what is withheld from the public is still allowed (it changes who may read, not what was decided).
    with Session(engine) as session:
        assert offentlighet.exemption_lines(session, ids["eventuelt"]) is not None


@st.composite
def amendments(draw: Any) -> list[tuple[str, dict[int, int] | None]]:
    """For each of the five applications: keep the innstilling, strike it, or award other amounts."""
    out = []
    for _ in range(5):
        choice = draw(st.sampled_from(["keep", "strike", "amend"]))
        amounts_ = draw(
            st.dictionaries(st.integers(2026, 2028), st.integers(0, 3_000_000), min_size=1, max_size=3)
        )
        out.append((choice, amounts_ if choice == "amend" else None))
    return out


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(amendments())
def test_the_ledger_after_the_write_back_equals_the_awards(
    held_meeting_file, tmp_path_factory, changes
) -> None:
    folder = tmp_path_factory.mktemp("skriv-tilbake")
    engine = make_engine(_copy(held_meeting_file, folder, f"db{next(_COUNTER)}.sqlite3"))
    try:
        with Session(engine, expire_on_commit=False) as session:
            ids = _ids(session)
            view = vedtak.record_as_recommended(session, ids["prio"])
            present = {line.application_id: line.number for line in view.lines if line.application_id}
            innstilt = {row.key: dict(row.local) for row in round_allocation(session, ids["round"]).rows}
            apps = [row.key for row in round_allocation(session, ids["round"]).rows]
            expected: dict[int, dict[int, int]] = {}
            for app_id, (choice, amounts_) in zip(apps, changes, strict=True):
                number = present.get(app_id)
                if choice == "strike" and number is not None:
                    vedtak.strike_point(session, ids["prio"], number)
                elif choice == "amend":
                    assert amounts_ is not None
                    if number is not None:
                        vedtak.amend_point(session, ids["prio"], number, None, amounts=amounts_)
                    else:
                        vedtak.add_vedtak_point(
                            session, ids["prio"], "Innvilges.", application_id=app_id, amounts=amounts_
                        )
                    expected[app_id] = {y: a for y, a in amounts_.items() if a}
                elif choice == "keep" and number is not None:
                    expected[app_id] = {y: a for y, a in innstilt[app_id].items() if a}
            expected = {k: v for k, v in expected.items() if v}
            for case_id in (ids["orient"], ids["eventuelt"]):
                vedtak.record_as_recommended(session, case_id)
            protokoll.approve(session, ids["meeting"], approved_by="SSU", on=date(2025, 10, 22))
            stored: dict[int, dict[int, int]] = {}
            for award in session.exec(select(Award).where(Award.source == "lokal")):
                stored.setdefault(award.application_id, {})[award.budget_year] = award.amount
            assert stored == expected
            allocation = round_allocation(session, ids["round"])
            assert {row.key: row.local for row in allocation.rows if row.local} == expected
            for item in allocation.years:
                assert item.recommended == sum(a.get(item.budget_year, 0) for a in expected.values())
            # Later years' ledgers carry the multi-year awards as commitments.
            later = allocate(
                [PotInput(2027, 5_000_000)],
                [
                    EarmarkInput(
                        -k, f"Tilsagn {k}", {y: a for y, a in v.items() if y >= 2027}, commitment=True
                    )
                    for k, v in expected.items()
                ],
                [],
                round_year=2027,
            )
            assert later.ledger.earmarked_by_year.get(2027, 0) == sum(
                v.get(2027, 0) for v in expected.values()
            )
    finally:
        engine.dispose()


def test_a_later_round_counts_the_earlier_rounds_awards_as_commitments(
    held_meeting_file, tmp_path: Path
) -> None:
    """A 2027 round of the same helsefellesskap sees the 2026 round's awards for 2027 and later."""
    from rsapp.models import Pot

    engine = make_engine(_copy(held_meeting_file, tmp_path, "senere.sqlite3"))
    try:
        with Session(engine, expire_on_commit=False) as session:
            ids = _ids(session)
            view = vedtak.record_as_recommended(session, ids["prio"])
            number = next(line.number for line in view.lines if line.application_id)
            vedtak.amend_point(
                session, ids["prio"], number, None, amounts={2026: 1_000_000, 2027: 700_000, 2028: 300_000}
            )
            for case_id in (ids["orient"], ids["eventuelt"]):
                vedtak.record_as_recommended(session, case_id)
            protokoll.approve(session, ids["meeting"], approved_by="SSU", on=date(2025, 10, 22))
            earlier = session.get(Round, ids["round"])
            assert earlier is not None
            later = Round(
                key="helgeland-2027", helsefellesskap_id=earlier.helsefellesskap_id, year=2027, name="RS 2027"
            )
            session.add(later)
            session.flush()
            session.add(Pot(round_id=int(later.id or 0), budget_year=2027, amount=5_000_000))
            session.commit()
            allocation = round_allocation(session, int(later.id or 0))
            (commitment,) = allocation.ledger.earmarks
            assert commitment.commitment and commitment.name.startswith("Tilsagn 2026: Interkommunalt")
            assert dict(commitment.amounts) == {2027: 700_000, 2028: 300_000}
            assert allocation.ledger.available == 5_000_000 - 700_000
    finally:
        engine.dispose()
