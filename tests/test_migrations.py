"""The schema comes from Alembic, and the migrations match the models."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.config import Config
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
        conn.exec_driver_sql(
            "INSERT INTO helsefellesskap (key, name, hospital_trust) VALUES ('x', 'X', 'Y')"
        )
    ensure_schema(engine)
    assert current_revision(engine) == HEAD_REVISION
    with Session(engine) as session:
        load_builtin(session)
        assert len(session.exec(select(Application)).all()) == 7
    engine.dispose()
