"""Backups: backup → restore into an empty database gives every table equal; a round as JSON →
import into an empty database → export again gives the same file; the daily copy keeps 14."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from rsapp.cli import cli
from rsapp.db import open_database
from rsapp.store import access
from rsapp.store.backup import BackupError, backup, daily_copy, restore
from rsapp.store.round_json import RoundJsonError, export_round, import_round

PASSWORD = "et-langt-passord-1"


@pytest.fixture(autouse=True)
def _no_identity() -> Iterator[None]:
    access.forget()
    yield
    access.forget()


def _work(url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A round that has been worked on: moves, amounts, an earmark, a member, a ranking, an
    assessment, a meeting with the prioritisation case."""
    steps = [
        ["prioriter", "flytt", "5", "1"],
        ["prioriter", "innstill", "2", "2026: 1 000 000"],
        ["prioriter", "avsetning", "ny", "Kompetanseløft", "--belop", "2026: 200 000"],
        ["vurder", "person", "ny", "Kari Nordmann", "--rolle", "SSU-medlem"],
        [
            "bruker",
            "ny",
            "kari",
            "--rolle",
            "ssu",
            "--helsefellesskap",
            "helgeland",
            "--person",
            "Kari Nordmann",
            "--uten-passord",
        ],
        ["vurder", "sett", "3", "krav1", "oppfylt", "--vurderer", "Kari Nordmann"],
        ["sak", "møte", "ny", "--dato", "20.10.2025", "--runde", "helgeland-2026", "--ekstraordinært"],
    ]
    for step in steps:
        assert cli(["--db", url, *step]) == 0, (step, capsys.readouterr())
    meeting = next(
        line.split()[0]
        for line in _out(cli, url, ["sak", "møte", "liste"], capsys).splitlines()
        if "20.10.2025" in line
    )
    assert cli(["--db", url, "sak", "ny", "--møte", meeting.strip("#:"), "--prioritering"]) == 0, (
        capsys.readouterr()
    )
    # Kari ranks as herself: her own database login on PostgreSQL, her OS user on SQLite.
    as_kari = url
    if url.startswith("postgresql"):
        from sqlalchemy.engine import make_url

        as_kari = make_url(url).set(username="kari").render_as_string(hide_password=False)
    with monkeypatch.context() as patch:
        for var in ("LOGNAME", "USER"):
            patch.setenv(var, "kari")
        assert cli(["--db", as_kari, "rangering", "flytt", "4", "1"]) == 0, capsys.readouterr()
    capsys.readouterr()


def _out(run: Any, url: str, args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    assert run(["--db", url, *args]) == 0
    return capsys.readouterr().out


def _tables(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, in a fixed order."""
    with engine.connect() as conn:
        names = inspect(conn).get_table_names()
        return {
            name: sorted((tuple(row) for row in conn.execute(text(f'SELECT * FROM "{name}"'))), key=repr)
            for name in names
        }


def _empty_url(db_url: str, tmp_path: Path, request: pytest.FixtureRequest, name: str) -> str:
    if db_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / name}.sqlite3"
    server = request.getfixturevalue("pg_server")
    return server.create_database(f"rsapp_{name}_{os.getpid()}_{abs(hash(str(tmp_path))) % 10**8}")


def test_backup_then_restore_gives_every_table_equal(
    db_url: str, tmp_path: Path, request: pytest.FixtureRequest, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = open_database(db_url)
    _work(db_url, capsys, monkeypatch)
    copy = tmp_path / "kopi.backup"
    assert cli(["--db", db_url, "backup", str(copy)]) == 0
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    target_url = _empty_url(db_url, tmp_path, request, "gjenopprettet")
    assert cli(["--db", target_url, "restore", str(copy)]) == 0, capsys.readouterr()
    target = open_database(target_url, seed=False)
    try:
        before, after = _tables(source), _tables(target)
        assert set(before) == set(after) and len(before) > 30
        for name in before:
            assert before[name] == after[name], name
        assert len(before["member_ranking"]) == 5 and before["application"]
        # Never over data: the same backup into the (now full) database is refused.
        with pytest.raises(BackupError, match="ikke tom"):
            restore(target_url, copy)
    finally:
        target.dispose()
        source.dispose()


def test_restore_refuses_what_is_not_a_backup_and_the_wrong_kind(tmp_path: Path, sqlite_url: str) -> None:
    bad = tmp_path / "ikke.backup"
    bad.write_text("hei")
    with pytest.raises(BackupError, match="ikke en sikkerhetskopi fra rsapp"):
        restore(f"sqlite:///{tmp_path / 'ny.sqlite3'}", bad)
    open_database(sqlite_url).dispose()
    copy = backup(sqlite_url, tmp_path / "kopi.sqlite3")
    with pytest.raises(BackupError, match="kan bare legges tilbake i en SQLite-database"):
        restore("postgresql+psycopg://x@127.0.0.1:1/x", copy)
    with pytest.raises(BackupError, match="finnes ikke"):
        backup(sqlite_url, tmp_path / "mangler" / "kopi.sqlite3")


def test_a_round_as_json_round_trips_identically(
    db_url: str, tmp_path: Path, request: pytest.FixtureRequest, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = open_database(db_url)
    _work(db_url, capsys, monkeypatch)
    first = tmp_path / "runde.json"
    assert cli(["--db", db_url, "runde", "eksport", "--runde", "helgeland-2026", "-o", str(first)]) == 0
    assert stat.S_IMODE(first.stat().st_mode) == 0o600
    document = json.loads(first.read_text(encoding="utf-8"))
    tables = document["tabeller"]
    for name in (
        "round",
        "application",
        "budgetline",
        "recommended_amount",
        "earmark",
        "earmarkamount",
        "assessment_score",
        "member_ranking",
        "meeting_case",
        "innstillingpoint",
        "changelog",
    ):
        assert tables.get(name), name
    assert {"helsefellesskap", "municipality", "assessor", "meeting", "app_user"} <= set(
        document["referanser"]
    )
    assert all("password_hash" not in user for user in document["referanser"]["app_user"])
    target_url = _empty_url(db_url, tmp_path, request, "json")
    open_database(target_url, seed=False).dispose()  # migrated and empty
    assert cli(["--db", target_url, "runde", "import", str(first)]) == 0, capsys.readouterr()
    second = tmp_path / "igjen.json"
    assert cli(["--db", target_url, "runde", "eksport", "--runde", "helgeland-2026", "-o", str(second)]) == 0
    assert second.read_bytes() == first.read_bytes()
    # The imported round computes the same money as the original.
    from rsapp.portfolio import round_allocation

    target = open_database(target_url, seed=False)
    try:
        with Session(source) as a, Session(target) as b:
            ids = [
                s.execute(text("SELECT id FROM \"round\" WHERE key = 'helgeland-2026'")).scalar_one()
                for s in (a, b)
            ]
            left, right = round_allocation(a, ids[0]), round_allocation(b, ids[1])
            assert [r.name for r in left.rows] == [r.name for r in right.rows]
            assert left.ledger.available == right.ledger.available and left.left == right.left
        with Session(target) as session, pytest.raises(RoundJsonError, match="finnes allerede"):
            import_round(session, document)
    finally:
        target.dispose()
        source.dispose()


def test_json_of_a_round_refuses_foreign_files(tmp_path: Path, sqlite_url: str, capsys: Any) -> None:
    open_database(sqlite_url).dispose()
    other = tmp_path / "annet.json"
    other.write_text('{"format": "noe annet"}', encoding="utf-8")
    assert cli(["--db", sqlite_url, "runde", "import", str(other)]) == 1
    assert "ikke en rundefil fra rsapp" in capsys.readouterr().err
    assert cli(["--db", sqlite_url, "runde", "eksport", "--runde", "finnes-ikke", "-o", str(other)]) == 1
    engine = open_database(sqlite_url)
    with Session(engine) as session:
        document = export_round(session, "troms-ofoten-2025")
    engine.dispose()
    document["skjema"] = "0001_initial"
    with Session(open_database(f"sqlite:///{tmp_path / 'tom.sqlite3'}", seed=False)) as session:
        with pytest.raises(RoundJsonError, match="skjemarevisjon 0001_initial"):
            import_round(session, document)


def test_the_daily_copy_is_made_once_a_day_and_the_last_14_are_kept(sqlite_url: str, tmp_path: Path) -> None:
    open_database(sqlite_url).dispose()
    folder = tmp_path / "kopier"
    start = date(2025, 10, 1)
    made = [daily_copy(sqlite_url, start + timedelta(days=i), folder=folder) for i in range(20)]
    assert all(made)
    assert daily_copy(sqlite_url, start + timedelta(days=19), folder=folder) is None  # not twice a day
    kept = sorted(p.name for p in folder.iterdir())
    assert len(kept) == 14
    assert kept[0] == f"rsapp-{(start + timedelta(days=6)).isoformat()}.sqlite3"
    assert kept[-1] == f"rsapp-{(start + timedelta(days=19)).isoformat()}.sqlite3"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert daily_copy("postgresql+psycopg://x@127.0.0.1/x") is None
