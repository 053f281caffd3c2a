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
