"""The built-in Helgeland data, loaded through the migrations into SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from rsapp.db import open_database
from rsapp.models import Application, BudgetLine, Earmark, Helsefellesskap, Municipality, Pot, Round
from rsapp.portfolio import (
    application_detail,
    default_round,
    list_applications,
    pot_header,
    round_allocation,
    round_by_key,
)
from rsapp.seed import load_builtin


def _by_title(session: Session, round_key: str) -> dict:
    info = round_by_key(session, round_key)
    return {a.title: a for a in list_applications(session, info.id)}


def test_builtin_round_pot_and_earmarks(any_engine) -> None:
    with Session(any_engine) as session:
        info = default_round(session)
        assert info is not None and info.key == "helgeland-2026"
        allocation = round_allocation(session, info.id)
        ledger = allocation.ledger
        assert ledger.pot_total == 7_800_000
        assert ledger.earmarked_total == 2_500_000
        assert ledger.available == 5_300_000
        assert [e.name for e in ledger.open_earmarks] == ["Intermediærpost i Vefsn"]
        header = pot_header(allocation)
        assert (
            "Pott 7\u00a0800\u00a0000 kr · Avsatt 2\u00a0500\u00a0000 kr · Til fordeling 5\u00a0300\u00a0000 kr"
            in header
        )
        assert "Intermediærpost i Vefsn" in header


def test_builtin_applications_and_amounts(any_engine) -> None:
    with Session(any_engine) as session:
        apps = _by_title(session, "helgeland-2026")
        assert len(apps) == 5
        assert apps["Interkommunalt innsats- og vurderingsteam for Helgeland"].applied_total == 4_657_500
        assert apps["Forprosjekt: Observasjonspost Sør-Helgeland"].applied_total == 3_600_000
        assert apps["Forprosjekt - tverretatlig rehabilitering"].applied_total == 4_000_000
        nurse = next(a for t, a in apps.items() if t.startswith("Helgelandssykepleier"))
        assert nurse.applied_total == 10_000_000
        assert nurse.applied_year == 2_000_000
        assert len(nurse.municipalities) == 17
        future = next(a for t, a in apps.items() if t.startswith("Fremtidens pasientforløp"))
        assert future.applied_total is None
        assert future.applied_year_label() == "ikke oppgitt"
        assert [a.rank for a in apps.values()] == [1, 2, 3, 4, 5]

        troms = _by_title(session, "troms-ofoten-2025")
        alis = troms["ALIS rotasjonsstilling UNN Harstad"]
        assert alis.applied_total == 1_200_000
        assert alis.municipalities == ["Harstad"]


def test_observasjonspost_detail_has_three_budget_lines(engine) -> None:
    with Session(engine) as session:
        app = _by_title(session, "helgeland-2026")["Forprosjekt: Observasjonspost Sør-Helgeland"]
        detail = application_detail(session, app.id)
        assert [line.amount for line in detail.budget_lines] == [1_500_000, 1_300_000, 800_000]
        assert detail.application.hospital_trust == "Helgelandssykehuset HF"
        assert "Brønnøy" in detail.summary.municipalities
        headings = [h for h, _ in detail.sections]
        assert "Kort beskrivelse av prosjektet/piloten" in headings


def test_loading_twice_changes_nothing_and_keeps_user_changes(any_engine) -> None:
    with Session(any_engine) as session:
        app = session.exec(select(Application).where(Application.rank == 1)).first()
        app.comment = "Brukerens merknad"
        session.add(app)
        session.commit()
        counts = [
            session.exec(select(func.count()).select_from(t)).one()
            for t in (Helsefellesskap, Municipality, Round, Pot, Earmark, Application, BudgetLine)
        ]
        assert load_builtin(session) == []
        again = [
            session.exec(select(func.count()).select_from(t)).one()
            for t in (Helsefellesskap, Municipality, Round, Pot, Earmark, Application, BudgetLine)
        ]
        assert again == counts
        assert counts[:3] == [4, 25, 2]
        assert session.get(Application, app.id).comment == "Brukerens merknad"


def test_reopening_the_same_file_keeps_data(sqlite_url) -> None:
    first = open_database(sqlite_url)
    with Session(first) as session:
        n = session.exec(select(func.count()).select_from(Application)).one()
    first.dispose()
    second = open_database(sqlite_url)
    with Session(second) as session:
        assert session.exec(select(func.count()).select_from(Application)).one() == n == 7
    second.dispose()


def test_sqlite_runs_in_wal_mode(engine) -> None:
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_portfolio_and_allocation_show_the_same_applied_amounts(engine) -> None:
    """The list and the prioritisation read applied amounts one way (no-year amounts in the round's year)."""
    with Session(engine) as session:
        info = round_by_key(session, "helgeland-2026")
        summaries = {a.id: a for a in list_applications(session, info.id)}
        rows = round_allocation(session, info.id).rows
        assert {r.key: (r.applied_round_year, r.applied_total) for r in rows} == {
            k: (s.applied_year, s.applied_total) for k, s in summaries.items()
        }
        rehab = next(s for s in summaries.values() if s.title.startswith("Forprosjekt - tverretatlig"))
        assert rehab.applied_year == 4_000_000  # four lines with no year: counted in 2026
