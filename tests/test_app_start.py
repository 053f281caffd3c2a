"""Starting rsapp on a database URL: first start creates it, later starts read it fast."""

from __future__ import annotations

import subprocess
import sys

from sqlmodel import Session, select
from textual.widgets import DataTable

from rsapp.app import make_app
from rsapp.cli import cli
from rsapp.models import Application
from rsapp.store.read_model import SqliteReader
from tests.conftest import TODAY, settle


async def test_first_start_creates_database_then_fast_start_reads_it(sqlite_url) -> None:
    first = make_app(database_url=sqlite_url, today=TODAY)
    assert first.db.fast_reader is None  # a new file: migrated and loaded through SQLAlchemy
    async with first.run_test(size=(170, 50)) as pilot:
        await pilot.pause()
        assert first.screen.query_one("#applications", DataTable).row_count == 5

    second = make_app(database_url=sqlite_url, today=TODAY)
    assert isinstance(second.db.fast_reader, SqliteReader)
    assert not second.db.engine_open  # the first frame does not wait for SQLAlchemy
    async with second.run_test(size=(170, 50)) as pilot:
        await pilot.pause()
        table = second.screen.query_one("#applications", DataTable)
        assert table.row_count == 5
        # A change written through the engine (another process, or an edit) shows on Ctrl+R.
        with Session(second.engine) as session:
            app = session.exec(
                select(Application).where(Application.rank == 1, Application.round_id == 1)
            ).one()
            app.name = "Nytt navn fra en annen prosess"
            session.add(app)
            session.commit()
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert str(table.get_row_at(0)[1]) == "Nytt navn fra en annen prosess"
        assert any("Oppdatert fra databasen" in str(n.message) for n in second._notifications)
    second.db.close()
    first.db.close()


def test_cli_list_and_rounds(sqlite_url, capsys) -> None:
    assert cli(["--db", sqlite_url, "list", "--round", "helgeland-2026"]) == 0
    out = capsys.readouterr().out
    assert "Forprosjekt: Observasjonspost Sør-Helgeland" in out
    assert "3\u00a0600\u00a0000 kr" in out
    assert "ikke oppgitt" in out
    assert cli(["--db", sqlite_url, "rounds"]) == 0
    out = capsys.readouterr().out
    assert "Til fordeling 5\u00a0300\u00a0000 kr" in out


def test_cli_unknown_round_is_a_clear_error(sqlite_url, capsys) -> None:
    assert cli(["--db", sqlite_url, "list", "--round", "finnes-ikke"]) == 1
    err = capsys.readouterr().err
    assert "Feil: Fant ingen runde «finnes-ikke»" in err
    assert "helgeland-2026" in err


def test_env_variable_selects_database(sqlite_url, monkeypatch, capsys) -> None:
    monkeypatch.setenv("RSAPP_DATABASE_URL", sqlite_url)
    assert cli(["db", "info"]) == 0
    assert sqlite_url in capsys.readouterr().out


def test_a_ready_sqlite_file_is_read_without_sqlalchemy(engine, sqlite_url) -> None:
    """What the first frame shows is read before SQLAlchemy is imported (start-up speed)."""
    code = (
        "import sys\n"
        "from rsapp.app import make_app\n"
        "app = make_app(database_url=sys.argv[1])\n"
        "print(len(app.take_start_portfolio().applications), 'sqlalchemy' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, sqlite_url], capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["7", "False"]
