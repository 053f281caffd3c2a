"""Two readers, one contract: the read model gives the same rows through stdlib sqlite3 (the fast
start-up reader) and through SQLAlchemy, on SQLite and on PostgreSQL.

The same data is loaded into a SQLite file and a PostgreSQL database (the built-in rounds, plus
the cases the built-in data lacks: an unranked application, recommended amounts, dates, an
application with no amounts), then every read of `rsapp.store.read_model` and everything the
portfolio builds from it is compared.
"""

from __future__ import annotations

import os
from datetime import date
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from rsapp.db import open_database
from rsapp.models import Application, BudgetLine, RecommendedAmount, Round
from rsapp.portfolio import allocation_inputs, list_applications, load_portfolio, round_by_key
from rsapp.store.read_model import (
    Reader,
    SessionReader,
    SqliteReader,
    read_applications,
    read_money,
    read_rounds,
    sqlite_path,
)


def _enrich(engine: Engine) -> None:
    """What the built-in data does not have, written the same way into each database."""
    with Session(engine) as session:
        helgeland = session.exec(select(Round).where(Round.key == "helgeland-2026")).one()
        troms = session.exec(select(Round).where(Round.key != "helgeland-2026")).one()
        first = session.exec(
            select(Application).where(Application.round_id == helgeland.id).order_by(col(Application.rank))
        ).first()
        assert first is not None and first.id is not None
        session.add(RecommendedAmount(application_id=first.id, budget_year=2026, amount=1_000_000))
        session.add(RecommendedAmount(application_id=first.id, budget_year=2027, amount=250_000))
        first.period_start, first.period_end = date(2026, 1, 1), date(2027, 12, 31)
        session.add(first)
        unranked = Application(  # in the other round: the ranking of Helgeland stays whole
            round_id=troms.id or 0,
            name="",
            working_title="Uten plass i rangeringen – æøå",
            rank=None,
            status="under_vurdering",
        )
        session.add(unranked)
        session.flush()
        session.add(BudgetLine(application_id=unranked.id or 0, position=0, budget_year=None, amount=90_000))
        session.add(BudgetLine(application_id=unranked.id or 0, position=1, budget_year=2027, amount=None))
        session.commit()


def _reads(reader: Reader, round_id: int) -> dict[str, Any]:
    """Every read the app makes through the read model, and what the portfolio makes of them."""
    portfolio = load_portfolio(reader)
    return {
        "rounds": read_rounds(reader),
        "applications": read_applications(reader),
        "round applications": read_applications(reader, round_id),
        "one application": read_applications(
            reader, application_id=read_applications(reader, round_id)[0].id
        ),
        "money": read_money(reader),
        "round money": read_money(reader, round_id),
        "summaries": list_applications(reader),
        "round summaries": list_applications(reader, round_id),
        "allocation inputs": allocation_inputs(reader, round_id),
        "portfolio": (portfolio.rounds, portfolio.applications),
        "ledger": portfolio.allocation(round_id).ledger,
    }


@pytest.fixture
def sqlite_reads(engine: Engine, sqlite_url: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The reads on one SQLite file, through the stdlib reader and through a SQLAlchemy session."""
    _enrich(engine)
    path = sqlite_path(sqlite_url)
    assert path is not None
    fast = SqliteReader(path)
    try:
        round_id = round_by_key(fast, "helgeland-2026").id
        by_stdlib = _reads(fast, round_id)
    finally:
        fast.close()
    with Session(engine) as session:
        by_sqlalchemy = _reads(SessionReader(session), round_id)
    return by_stdlib, by_sqlalchemy


def test_sqlite3_and_sqlalchemy_read_the_same_on_sqlite(sqlite_reads) -> None:
    by_stdlib, by_sqlalchemy = sqlite_reads
    for name, rows in by_stdlib.items():
        assert rows == by_sqlalchemy[name], name


def test_the_reads_hold_what_the_data_says(sqlite_reads) -> None:
    """Parity alone could hide a read that is wrong the same way twice."""
    reads, _ = sqlite_reads
    unranked = reads["applications"][-1]  # unranked applications come last, on every database
    assert unranked.rank is None and unranked.working_title.startswith("Uten plass")
    assert unranked.budget == [(None, 90_000), (2027, None)]
    first = reads["round applications"][0]
    assert first.rank == 1 and first.recommended == {2026: 1_000_000, 2027: 250_000}
    assert (first.period_start, first.period_end) == (date(2026, 1, 1), date(2027, 12, 31))
    money = next(iter(reads["round money"].values()))
    assert any(not pot.confirmed for pot in money.pots)  # the assumed 2027 pot
    assert any(earmark.is_open and earmark.amounts == {} for earmark in money.earmarks)
    assert [info.key for info in reads["rounds"]][0] == "helgeland-2026"


@pytest.mark.postgres
def test_postgresql_reads_the_same_as_sqlite(sqlite_reads, pg_server) -> None:
    by_stdlib, _ = sqlite_reads
    url = pg_server.create_database(f"rsapp_parity_{os.getpid()}")
    pg = open_database(url)
    try:
        _enrich(pg)
        with Session(pg) as session:
            reader = SessionReader(session)
            by_postgres = _reads(reader, round_by_key(reader, "helgeland-2026").id)
    finally:
        pg.dispose()
    for name, rows in by_stdlib.items():
        assert rows == by_postgres[name], name
