"""Shared use on a SQLite file: the OS user is the identity and rsapp enforces the rules itself;
--skrivebeskyttet has no write path; live updates without Ctrl+R; members rank privately."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from rsapp.cli import cli
from rsapp.db import open_database
from rsapp.store import access
from rsapp.store.unit_of_work import AccessError, StaleError
from tests.conftest import TODAY, settle, wait_until

PASSWORD = "et-langt-passord-1"


@pytest.fixture(autouse=True)
def _no_identity() -> Iterator[None]:
    access.forget()
    yield
    access.forget()


def _as(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Run what follows as the OS user ``name`` (getpass reads LOGNAME first)."""
    for var in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.setenv(var, name)


def _users(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    """kari (SSU member, linked to the register), sekr (sekretariat), troms (Troms og Ofoten), les."""
    assert cli(["--db", url, "vurder", "person", "ny", "Kari Nordmann", "--rolle", "SSU-medlem"]) == 0
    assert (
        cli(
            [
                "--db",
                url,
                "bruker",
                "ny",
                "kari",
                "--rolle",
                "SSU-medlem",
                "--helsefellesskap",
                "helgeland",
                "--navn",
                "Kari Nordmann",
                "--person",
                "Kari Nordmann",
                "--uten-passord",
            ]
        )
        == 0
    )
    for name, role, hf in (
        ("sekr", "sekretariat", "helgeland"),
        ("troms", "sekretariat", "troms-ofoten"),
        ("les", "lesetilgang", "helgeland"),
    ):
        assert (
            cli(
                [
                    "--db",
                    url,
                    "bruker",
                    "ny",
                    name,
                    "--rolle",
                    role,
                    "--helsefellesskap",
                    hf,
                    "--uten-passord",
                ]
            )
            == 0
        )
    capsys.readouterr()


def _ranks(engine: Engine) -> dict[int, int]:
    with engine.connect() as conn:
        return dict(conn.execute(text("SELECT id, rank FROM application")).all())


def test_the_os_user_is_the_identity_and_an_ssu_member_ranks_only_privately(
    engine: Engine, sqlite_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _users(sqlite_url, capsys)
    before = _ranks(engine)
    _as(monkeypatch, "kari")
    assert cli(["--db", sqlite_url, "prioriter", "flytt", "3", "1"]) == 1
    assert (
        "SSU-medlem og kan bare endre sine egne vurderinger og sin egen rangering" in capsys.readouterr().err
    )
    assert cli(["--db", sqlite_url, "prioriter", "innstill", "3", "0"]) == 1
    assert _ranks(engine) == before
    assert cli(["--db", sqlite_url, "rangering", "flytt", "3", "1"]) == 0
    # Her own assessment, yes; someone else's, no.
    assert (
        cli(["--db", sqlite_url, "vurder", "sett", "3", "krav1", "oppfylt", "--vurderer", "Kari Nordmann"])
        == 0
    )
    assert cli(["--db", sqlite_url, "vurder", "person", "ny", "Ola Annen", "--rolle", "SSU-medlem"]) == 1
    capsys.readouterr()
    assert cli(["--db", sqlite_url, "rangering", "samlet"]) == 1
    assert "bare for sekretariatet" in capsys.readouterr().err
    with engine.connect() as conn:
        mine = (
            conn.execute(
                text(
                    "SELECT application_id FROM member_ranking m JOIN app_user u ON u.id = m.user_id"
                    " WHERE u.username = 'kari' ORDER BY m.rank"
                )
            )
            .scalars()
            .all()
        )
        logged = conn.execute(
            text("SELECT \"user\", summary, old, new FROM changelog WHERE entity = 'medlemsrangering'")
        ).first()
    assert mine[0] == 3 and len(mine) == 5
    assert logged[0] == "kari" and "oppdaterte sin egen rangering" in logged[1] and logged[2:] == ("", "")
    # The secretariat sees the aggregate and takes it as the starting order.
    _as(monkeypatch, "sekr")
    assert cli(["--db", sqlite_url, "vurder", "person", "ny", "Ola Annen", "--rolle", "SSU-medlem"]) == 0
    _as(monkeypatch, "kari")
    assert (
        cli(["--db", sqlite_url, "vurder", "sett", "3", "krav1", "ikke oppfylt", "--vurderer", "Ola Annen"])
        == 1
    )
    assert "kan bare endre sine egne vurderinger" in capsys.readouterr().err
    _as(monkeypatch, "sekr")
    assert cli(["--db", sqlite_url, "rangering", "samlet"]) == 0
    out = capsys.readouterr().out
    assert "1 medlem har rangert" in out and "Borda" in out and "Omstridt nær streken" in out
    assert cli(["--db", sqlite_url, "rangering", "bruk", "--ja"]) == 0
    assert _ranks(engine)[3] == 1
    # A read-only user changes nothing; the sekretariat of Troms og Ofoten cannot touch Helgeland.
    _as(monkeypatch, "les")
    assert cli(["--db", sqlite_url, "prioriter", "flytt", "3", "2"]) == 1
    assert "har lesetilgang og kan ikke endre noe" in capsys.readouterr().err
    assert cli(["--db", sqlite_url, "rangering", "flytt", "3", "2"]) == 1
    assert "Bare SSU-medlemmer har en egen rangering" in capsys.readouterr().err
    # Importing is the sekretariat's work too, also on the import's fast path (stdlib sqlite3).
    from tests.conftest import SEEDS

    _as(monkeypatch, "kari")
    assert cli(["--db", sqlite_url, "importer", str(SEEDS / "000_139d42552c9d330f.txt"), "--ja"]) != 0
    assert "SSU-medlem" in capsys.readouterr().err
    _as(monkeypatch, "troms")
    assert cli(["--db", sqlite_url, "prioriter", "flytt", "3", "2", "--runde", "helgeland-2026"]) == 1
    assert cli(["--db", sqlite_url, "liste", "--round", "helgeland-2026"]) == 1
    assert cli(["--db", sqlite_url, "runder"]) == 0
    out = capsys.readouterr().out
    assert "troms-ofoten-2025" in out and "helgeland-2026" not in out
    assert _ranks(engine)[3] == 1


def test_the_store_refuses_and_the_sqlite_connection_itself_refuses(
    engine: Engine, sqlite_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from rsapp.prioritisation import move_application, set_recommendation
    from rsapp.store.read_model import SessionReader, read_applications, read_rounds

    _users(sqlite_url, capsys)
    member = access.Identity("kari", role=access.ROLE_SSU, helsefellesskap_id=2, user_id=1, assessor_id=1)
    with Session(engine) as session:
        hf = session.execute(text("SELECT id FROM helsefellesskap WHERE key = 'helgeland'")).scalar_one()
        member = access.Identity(
            "kari", role=access.ROLE_SSU, helsefellesskap_id=hf, user_id=1, assessor_id=1
        )
        with access.using(member):
            with pytest.raises(AccessError, match="SSU-medlem"):
                move_application(session, 3, 1, version=1)
            with pytest.raises(AccessError, match="SSU-medlem"):
                set_recommendation(session, 3, {2026: 0}, version=1)
            # Code that does not go through the unit of work meets the connection's authorizer.
            with pytest.raises(Exception, match="not authorized"):
                session.execute(text("UPDATE application SET rank = rank WHERE id = 3"))
            session.rollback()
            assert {r.key for r in read_rounds(SessionReader(session))} == {"helgeland-2026"}
            assert {f.round_id for f in read_applications(SessionReader(session))} == {
                session.execute(text("SELECT id FROM \"round\" WHERE key = 'helgeland-2026'")).scalar_one()
            }
        troms = access.Identity("troms", role=access.ROLE_SEKRETARIAT, helsefellesskap_id=hf + 100, user_id=2)
        with access.using(troms), pytest.raises(AccessError, match="annet helsefellesskap"):
            move_application(session, 3, 1, version=1)
        # A stale edit is still refused with today's message.
        move_application(session, 3, 1, version=1)
        with pytest.raises(StaleError, match="er endret av en annen bruker. Trykk Ctrl\\+R"):
            move_application(session, 3, 2, version=1)


def test_readonly_opens_without_any_write_path(
    engine: Engine, sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _ranks(engine)
    assert cli(["--db", sqlite_url, "--skrivebeskyttet", "prioriter", "flytt", "3", "1"]) == 1
    # The message names the option as the Norwegian help does.
    assert "åpnet skrivebeskyttet (--skrivebeskyttet): ingen endringer kan lagres" in capsys.readouterr().err
    assert cli(["--db", sqlite_url, "--readonly", "liste"]) == 0
    access.request(readonly=True, url=sqlite_url)
    ro = open_database(sqlite_url)
    try:
        with ro.connect() as conn, pytest.raises(Exception, match="readonly|read-only|not authorized"):
            conn.execute(text("UPDATE application SET comment = 'x'"))
    finally:
        ro.dispose()
    assert _ranks(engine) == before


def test_files_are_private(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from rsapp.config import user_data_dir
    from rsapp.store.backup import daily_copy

    data = user_data_dir()
    url = f"sqlite:///{data / 'rsapp.sqlite3'}"
    data.mkdir(parents=True, mode=0o755)
    os.chmod(data, 0o755)
    open_database(url).dispose()
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert stat.S_IMODE((data / "rsapp.sqlite3").stat().st_mode) == 0o600
    copy = daily_copy(url)
    assert copy is not None and stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert stat.S_IMODE(copy.parent.stat().st_mode) == 0o700
    assert cli(["--db", url, "backup", str(tmp_path / "kopi.sqlite3")]) == 0
    assert stat.S_IMODE((tmp_path / "kopi.sqlite3").stat().st_mode) == 0o600


def test_bruker_commands_and_passwords(
    engine: Engine, sqlite_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io

    from rsapp.store.users import SignInError, authenticate

    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert (
        cli(
            [
                "--db",
                sqlite_url,
                "bruker",
                "ny",
                "ola",
                "--rolle",
                "lese",
                "--helsefellesskap",
                "Helsefellesskap Helgeland",
                "--passord-stdin",
            ]
        )
        == 0
    )
    assert (
        cli(
            [
                "--db",
                sqlite_url,
                "bruker",
                "ny",
                "ola",
                "--rolle",
                "ssu",
                "--helsefellesskap",
                "helgeland",
                "--uten-passord",
            ]
        )
        == 1
    )
    assert "finnes allerede" in capsys.readouterr().err
    assert (
        cli(["--db", sqlite_url, "bruker", "ny", "x", "--rolle", "sjef", "--helsefellesskap", "helgeland"])
        == 1
    )
    assert "Ukjent rolle «sjef»" in capsys.readouterr().err
    assert (
        cli(
            [
                "--db",
                sqlite_url,
                "bruker",
                "ny",
                "Ole Bruker",
                "--rolle",
                "ssu",
                "--helsefellesskap",
                "helgeland",
            ]
        )
        == 1
    )
    assert "kan ikke brukes" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("kort\n"))
    assert cli(["--db", sqlite_url, "bruker", "passord", "ola", "--passord-stdin"]) == 1
    assert "minst 10 tegn" in capsys.readouterr().err
    identity, url = authenticate(sqlite_url, "ola", PASSWORD)
    assert (
        identity.role == access.ROLE_LESETILGANG
        and identity.helsefellesskap_name == "Helsefellesskap Helgeland"
    )
    assert url == sqlite_url
    with pytest.raises(SignInError):
        authenticate(sqlite_url, "ola", "feil-passord-her")
    assert cli(["--db", sqlite_url, "bruker", "deaktiver", "ola"]) == 0
    with pytest.raises(SignInError, match="deaktivert"):
        authenticate(sqlite_url, "ola", PASSWORD)
    assert cli(["--db", sqlite_url, "bruker", "liste"]) == 0
    out = capsys.readouterr().out
    assert "ola" in out and "lesetilgang" in out and "nei" in out
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT password_hash FROM app_user WHERE username = 'ola'")).scalar_one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


# --- screens --------------------------------------------------------------------------------------


async def test_a_move_in_another_session_appears_without_ctrl_r(engine: Engine, sqlite_url: str) -> None:
    """Two sessions on one file: a move made by the other one shows in the open prioritisation
    screen within 2 s (PRAGMA data_version), without pressing Ctrl+R."""
    from rsapp.app import make_app
    from rsapp.prioritisation import move_application
    from rsapp.widgets.ranked_list import RankedList

    app = make_app(database_url=sqlite_url, today=TODAY, live=True)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        await wait_until(pilot, lambda: app.live is not None and app.live.watcher is not None)
        app.live.watcher.wait_ready()
        ranked = app.screen.query_one(RankedList)
        assert ranked.rows[0].key != 5
        other = open_database(sqlite_url)
        try:
            with Session(other) as session:
                version = session.execute(text("SELECT version FROM application WHERE id = 5")).scalar_one()
                move_application(session, 5, 1, version=version)
        finally:
            other.dispose()
        took = await wait_until(pilot, lambda: app.screen.query_one(RankedList).rows[0].key == 5)
        assert took < 2.0
    app.db.close()


async def test_member_ranks_privately_and_the_secretariat_takes_the_aggregate(
    engine: Engine, sqlite_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from textual.widgets import DataTable

    from rsapp.app import make_app
    from rsapp.screens.member_ranking import MemberRankingScreen

    _users(sqlite_url, capsys)
    access.request(url=sqlite_url)
    _as(monkeypatch, "kari")
    app = make_app(database_url=sqlite_url, today=TODAY)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MemberRankingScreen) and screen.mode == "own"
        table = screen.query_one("#members-table", DataTable)
        table.move_cursor(row=4)  # the fifth application of the innstilling …
        await pilot.press("t")  # … first in Kari's own order
        await settle(pilot)
        before = _ranks(engine)
        await pilot.press("escape", "p")  # the innstilling itself: a move is refused, with a reason
        await settle(pilot)
        await pilot.press("down", "t")
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert any("SSU-medlem og kan bare endre sine egne" in m for m in messages), messages
        assert _ranks(engine) == before
    app.db.close()
    with engine.connect() as conn:
        mine = conn.execute(text("SELECT application_id FROM member_ranking ORDER BY rank")).scalars().all()
    assert mine == [5, 1, 2, 3, 4]
    access.forget()
    access.request(url=sqlite_url)
    _as(monkeypatch, "sekr")
    app = make_app(database_url=sqlite_url, today=TODAY)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MemberRankingScreen) and screen.mode == "aggregate"
        assert screen.aggregate.order[0] == 5 and screen.aggregate.members == 1
        assert "flest Borda-poeng" in str(screen.query_one("#members-rule").render())
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("j")
        await settle(pilot)
    app.db.close()
    assert _ranks(engine)[5] == 1


async def test_sign_in_screen(engine: Engine, sqlite_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    import io

    from textual.widgets import Input

    from rsapp.app import make_app
    from rsapp.screens.portfolio import PortfolioScreen
    from rsapp.screens.sign_in import SignInScreen

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
        assert (
            cli(
                [
                    "--db",
                    sqlite_url,
                    "bruker",
                    "ny",
                    "sekr",
                    "--rolle",
                    "sekretariat",
                    "--helsefellesskap",
                    "troms-ofoten",
                    "--passord-stdin",
                ]
            )
            == 0
        )
    app = make_app(database_url=sqlite_url, today=TODAY, sign_in=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)
        await pilot.press(*"sekr", "enter", *"galt-passord", "enter")
        await settle(pilot)
        assert "Feil brukernavn eller passord" in str(app.screen.query_one("#sign-in-error").render())
        assert app.screen.query_one("#sign-in-password", Input).value == ""
        app.screen.failures = 0  # no back-off wait in the test
        await pilot.press(*PASSWORD, "enter")
        await settle(pilot)
        await wait_until(
            pilot, lambda: isinstance(app.screen, PortfolioScreen) and app.screen._data is not None, 5
        )
        assert access.current().username == "sekr" and access.current().signed_in
        assert {r.key for r in app.screen._rounds} == {"troms-ofoten-2025"}
        messages = [n.message for n in app._notifications]
        assert any("Logget inn som sekr" in m for m in messages)
    app.db.close()
