"""The schema comes from Alembic, and the migrations match the models."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlmodel import SQLModel

import rsapp.models  # noqa: F401
from rsapp.db import current_revision, ensure_schema, make_engine
from rsapp.migrations import HEAD_REVISION


def test_head_revision_constant_matches_alembic() -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(rsapp.models.__file__).parents[1] / "migrations"))
    assert ScriptDirectory.from_config(cfg).get_current_head() == HEAD_REVISION


def test_migrated_schema_matches_models(db_url) -> None:
    engine = make_engine(db_url)
    assert current_revision(engine) is None
    ensure_schema(engine)
    assert current_revision(engine) == HEAD_REVISION
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == []
    engine.dispose()


def test_upgrade_from_first_revision_keeps_data(sqlite_url) -> None:
    """A database made by an older rsapp is upgraded in place, its data kept."""
    from sqlmodel import Session, select

    from rsapp.db import upgrade
    from rsapp.models import Application
    from rsapp.seed import load_builtin

    engine = make_engine(sqlite_url)
    upgrade(engine, "0001_initial")
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO helsefellesskap (key, name, hospital_trust) VALUES ('x', 'X', 'Y')")
    ensure_schema(engine)
    assert current_revision(engine) == HEAD_REVISION
    with Session(engine) as session:
        load_builtin(session)
        assert len(session.exec(select(Application)).all()) == 7
    engine.dispose()


def test_database_refuses_a_gap_in_the_ranks(any_engine) -> None:
    """Ranks are 1..n by a database constraint, not only by code: a raw UPDATE making a gap fails."""
    import pytest
    from sqlalchemy.exc import DBAPIError
    from sqlmodel import Session, select

    from rsapp.models import Application
    from rsapp.prioritisation import move_application

    with Session(any_engine) as session:
        round_id = session.exec(select(Application.round_id).where(Application.rank == 5)).first()
    with any_engine.connect() as conn, pytest.raises(DBAPIError, match="uten hull"):
        conn.exec_driver_sql(f"UPDATE application SET rank = 9 WHERE round_id = {round_id} AND rank = 5")
        conn.commit()
    with any_engine.connect() as conn, pytest.raises(DBAPIError):
        conn.exec_driver_sql(f"UPDATE application SET rank = 3 WHERE round_id = {round_id} AND rank = 5")
        conn.commit()
    # The ordinary reorder, which shifts rows out of the way first, still works.
    with Session(any_engine) as session:
        apps = session.exec(select(Application).where(Application.round_id == round_id)).all()
        fifth = next(a for a in apps if a.rank == 5)
        fifth_id, fifth_version = fifth.id, fifth.version
        move_application(session, fifth_id, 1, version=fifth_version)
    with Session(any_engine) as session:
        ranks = sorted(
            a.rank for a in session.exec(select(Application).where(Application.round_id == round_id))
        )
        assert ranks == [1, 2, 3, 4, 5]
        moved = session.exec(
            select(Application).where(Application.round_id == round_id, Application.rank == 1)
        ).one()
        assert moved.id == fifth_id


def test_upgrade_0004_turns_each_edited_grant_into_amounts_per_year(db_url) -> None:
    """A database from before the per-year ledger keeps every grant the user edited (migration 0004)."""
    from sqlmodel import Session

    from rsapp.db import upgrade
    from rsapp.portfolio import round_allocation
    from rsapp.prioritisation import load_recommendation

    engine = make_engine(db_url)
    upgrade(engine, "0003_rank_contiguity")
    with engine.begin() as conn:
        run = conn.exec_driver_sql
        run("INSERT INTO helsefellesskap (id, key, name, hospital_trust) VALUES (1, 'h', 'H', 'HF')")
        run(
            "INSERT INTO round (id, key, helsefellesskap_id, year, name, status) "
            "VALUES (1, 'r', 1, 2026, 'Runde', 'utkast')"
        )
        run(
            "INSERT INTO pot (round_id, budget_year, amount, origin, confirmed, source) VALUES (1, 2026, 9000000, '', true, '')"
        )
        columns = (
            "id, round_id, name, working_title, owners, hospital_trust, contact_municipal, contact_trust, "
            "agreement_text, description, benefit, purpose_support, budget_text, patient_responsibility, "
            "digital, project_plan, involvement, benefit_table, risk_table, other_text, period_text, status, "
            "source_document, content_hash, rank, granted, route, comment, version, created_at"
        )
        empty = ", ".join(["''"] * 18)
        for app_id, rank, granted in ((1, 1, 3_000_000), (2, 2, 4_000_000), (3, 3, None), (4, 4, 500_000)):
            run(
                f"INSERT INTO application ({columns}) VALUES ({app_id}, 1, 'S{app_id}', {empty}, 'mottatt', '', '', "
                f"{rank}, {'NULL' if granted is None else granted}, 'begge', '', 1, '2025-10-01')"
            )
        lines = [
            (1, 2025, 2_000_000),
            (1, 2026, 2_000_000),  # a 2025 plan: shifted to 2026–2027
            (2, None, 4_000_000),  # granted as applied: the default, no rows
            (3, 2026, 1_000_000),
            # application 4 has no amounts at all: its grant lands in the round's year
        ]
        for position, (app_id, year, amount) in enumerate(lines):
            run(
                "INSERT INTO budgetline (application_id, position, budget_year, amount, purpose, source_phrase, "
                f"needs_confirmation) VALUES ({app_id}, {position}, {'NULL' if year is None else year}, {amount}, "
                "'', '', false)"
            )
    ensure_schema(engine)
    assert current_revision(engine) == HEAD_REVISION
    with Session(engine) as session:
        assert load_recommendation(session, 1) == {2026: 1_500_000, 2027: 1_500_000}
        assert load_recommendation(session, 2) is None
        assert load_recommendation(session, 3) is None
        assert load_recommendation(session, 4) == {2026: 500_000}
        rows = {row.key: row for row in round_allocation(session, 1).rows}
        assert rows[1].recommended == {2026: 1_500_000, 2027: 1_500_000}
        assert rows[2].recommended == {2026: 4_000_000}
    engine.dispose()
