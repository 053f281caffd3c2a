"""Issue 11, items 2, 7 and 8: database and file errors reach the user as one Norwegian sentence
naming what and where; never a traceback, never the driver's English, never a password.

Every test runs ``rsapp`` the way a user does: the entry point (``rsapp.__main__.cli``) with
arguments, reading what it prints.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from rsapp.__main__ import cli as rsapp_main
from rsapp.db import open_database

NBSP = "\u00a0"
#: What must never reach a user: Python's and the drivers' words, their links.
ENGLISH = re.compile(
    r"Traceback|Error\b|Exception|sqlalche\.me|psycopg|sqlite3\.[A-Z]|No such file|Permission denied|"
    r"Can't locate|database is locked|unable to open|readonly database|out of range|too long|"
    r"Background on this error|range too big|unsafe|is undefined",
    re.IGNORECASE,
)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = rsapp_main(list(args))
    out, err = capsys.readouterr()
    return code, out.replace(NBSP, " "), err.replace(NBSP, " ")


def assert_norwegian_error(code: int, err: str, *needles: str) -> None:
    assert code != 0
    assert err.startswith("Feil: "), err
    assert not ENGLISH.search(err), err
    for needle in needles:
        assert needle in err, (needle, err)


def _path(url: str) -> str:
    return url.split("///", 1)[1]


# --- item 2: SQLite locked, PostgreSQL lock timeout ----------------------------------------------------


def test_sqlite_locked_longer_than_the_wait_says_so_in_norwegian(
    sqlite_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    open_database(sqlite_url).dispose()
    monkeypatch.setenv("RSAPP_LOCK_TIMEOUT", "1")
    holder = sqlite3.connect(_path(sqlite_url), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another program writes and does not let go
    try:
        started = time.monotonic()
        code, out, err = run(capsys, "--db", sqlite_url, "prioriter", "flytt", "3", "1")
        assert time.monotonic() - started < 15
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert_norwegian_error(code, err, "låst", _path(sqlite_url), "1 sekunder")


@pytest.mark.postgres
def test_postgres_waits_for_a_lock_only_so_long_and_says_so(
    pg_server, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import psycopg

    url = pg_server.create_database("rsapp_faults_lock")
    open_database(url).dispose()
    monkeypatch.setenv("RSAPP_LOCK_TIMEOUT", "1")
    u = make_url(url)
    holder = psycopg.connect(f"host={u.host} port={u.port} user={u.username} dbname={u.database}")
    holder.execute("SELECT id FROM round FOR UPDATE")  # another user holds every round
    try:
        started = time.monotonic()
        code, out, err = run(capsys, "--db", url, "prioriter", "flytt", "3", "1")
        assert time.monotonic() - started < 15
    finally:
        holder.rollback()
        holder.close()
    assert_norwegian_error(code, err, "låst")


# --- item 2: one largest amount, one longest title, on both databases ----------------------------------


def test_amounts_above_the_limit_are_refused_the_same_on_both_databases(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "--db", db_url, "prioriter", "innstill", "1", "3 000 000 000")
    assert_norwegian_error(code, err, "for stort", "2 000 000 000 kr")
    code, out, err = run(
        capsys, "--db", db_url, "prioriter", "avsetning", "ny", "Kurs", "--belop", "2026: 3 000 000 000"
    )
    assert_norwegian_error(code, err, "for stort", "2 000 000 000 kr")
    code, out, err = run(
        capsys, "--db", db_url, "prioriter", "avsetning", "ny", "Kurs", "--belop", "2026: 2 000 000 000"
    )
    assert code == 0, err


def test_the_write_path_refuses_what_a_database_could_not_hold_before_it_is_sent(db_url: str) -> None:
    """The net under the domain checks: any INSERT or UPDATE, whatever wrote it."""
    from sqlmodel import Session

    from rsapp.models import Application
    from rsapp.store.limits import LimitError
    from rsapp.store.unit_of_work import StoreError, unit_of_work

    engine = open_database(db_url)
    try:
        with Session(engine) as s:
            app = s.get(Application, 1)
            assert app is not None
            with pytest.raises(StoreError, match="for lang: 301 tegn. Høyst 300"):
                with unit_of_work(s):
                    app.name = "x" * 301
                    s.add(app)
            s.rollback()
        with Session(engine) as s:
            app = s.get(Application, 1)
            assert app is not None
            app.version = 3_000_000_000
            s.add(app)
            with pytest.raises(LimitError, match="for stort"):
                s.commit()
    finally:
        engine.dispose()


def test_a_case_title_over_300_characters_is_refused_on_both(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "--db", db_url, "sak", "møte", "ny", "--date", "03.11.2025")
    assert code == 0, err
    meeting = re.search(r"Opprettet møte (\d+)", out)
    assert meeting is not None, out
    code, out, err = run(
        capsys, "--db", db_url, "sak", "ny", "--meeting", meeting.group(1), "--title", "Å" * 301
    )
    assert_norwegian_error(code, err, "301 tegn", "300")
    code, out, err = run(
        capsys, "--db", db_url, "sak", "ny", "--meeting", meeting.group(1), "--title", "Å" * 300
    )
    assert code == 0, err


# --- item 2 and 7: URLs and folders ---------------------------------------------------------------------


def test_a_database_url_rsapp_does_not_speak_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--db", "mysql://rsapp:hemmelig@db.example.no/rs", "list")
    assert_norwegian_error(code, err, "støttes ikke", "PostgreSQL", "SQLite")
    assert "hemmelig" not in err


def test_a_mistyped_sqlite_url_creates_nothing_and_says_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for typed in ("sqlite:/relative::bad", "sqlite:relative.db", "postgres:/db"):
        code, out, err = run(capsys, "--db", typed, "list")
        assert_norwegian_error(code, err, typed)
    assert list(tmp_path.iterdir()) == []


def test_a_data_folder_that_cannot_be_made_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "fil"
    blocker.write_text("ikke en mappe")
    monkeypatch.setenv("RSAPP_DATA_DIR", str(blocker / "rsapp"))
    code, out, err = run(capsys, "list")
    assert_norwegian_error(code, err, str(blocker / "rsapp"))


def test_a_database_from_a_newer_rsapp_asks_for_an_upgrade(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    open_database(sqlite_url).dispose()
    with sqlite3.connect(_path(sqlite_url)) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099_from_the_future'")
    for command in (["list"], ["prioriter", "flytt", "3", "1"]):
        code, out, err = run(capsys, "--db", sqlite_url, *command)
        assert_norwegian_error(code, err, "nyere rsapp", "Oppgrader rsapp")


def test_db_info_never_shows_the_password(capsys: pytest.CaptureFixture[str]) -> None:
    url = "postgresql://rsapp:hemmelig@127.0.0.1:1/rs"  # nothing listens on port 1
    code, out, err = run(capsys, "--db", url, "db", "info")
    assert "hemmelig" not in out + err
    assert "postgresql://rsapp:***@127.0.0.1:1/rs" in out
    assert not ENGLISH.search(out + err), out + err


def test_a_server_that_is_not_there_is_a_norwegian_message(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--db", "postgresql://rsapp:hemmelig@127.0.0.1:1/rs", "list")
    assert_norwegian_error(code, err, "Får ikke kontakt", "127.0.0.1:1")
    assert "hemmelig" not in err


# --- item 2 and 8: templates ----------------------------------------------------------------------------


def _meeting_with_case(capsys: pytest.CaptureFixture[str], url: str) -> str:
    code, out, err = run(capsys, "--db", url, "sak", "møte", "ny", "--date", "03.11.2025")
    meeting = re.search(r"Opprettet møte (\d+)", out)
    assert meeting is not None, out + err
    code, out, err = run(capsys, "--db", url, "sak", "ny", "--meeting", meeting.group(1), "--title", "Test")
    case = re.search(r"\(id (\d+)\)", out)
    assert case is not None, out + err
    return case.group(1)


@pytest.mark.parametrize(
    ("body", "needles"),
    [
        ("{% for i in range(10**9) %}x{% endfor %}", ["beslutningssak.md.j2", "linje 2", "100 000"]),
        (
            "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}",
            ["beslutningssak.md.j2", "for mye"],
        ),
        ("{{ ''.__class__.__mro__ }}", ["beslutningssak.md.j2", "ikke er tillatt", "__class__"]),
        ("{{ finnes_ikke }}", ["beslutningssak.md.j2", "«finnes_ikke»"]),
        ("{% for x in %}", ["beslutningssak.md.j2", "linje 2"]),
        ("{{ 'x' * 1000000000 }}", ["beslutningssak.md.j2", "for mye"]),
    ],
)
def test_a_template_that_does_too_much_or_breaks_the_sandbox_gets_a_norwegian_message(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], body: str, needles: list[str]
) -> None:
    case = _meeting_with_case(capsys, sqlite_url)
    templates = tmp_path / "maler"
    templates.mkdir()
    (templates / "beslutningssak.md.j2").write_text("# Sak\n" + body + "\n")
    started = time.monotonic()
    code, out, err = run(capsys, "--db", sqlite_url, "sak", "lag", case, "--templates", str(templates))
    assert time.monotonic() - started < 20
    assert_norwegian_error(code, err, *needles)


def test_markdown_output_escapes_html_from_an_application_name(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from sqlmodel import Session

    from rsapp.models import Application

    engine = open_database(sqlite_url)
    with Session(engine) as s:
        app = s.get(Application, 1)
        assert app is not None
        app.name = "Prosjekt <script>alert('x')</script> & co"
        s.add(app)
        s.commit()
    engine.dispose()
    code, out, err = run(capsys, "--db", sqlite_url, "sak", "møte", "ny", "--date", "03.11.2025")
    meeting = re.search(r"Opprettet møte (\d+)", out)
    assert meeting is not None
    code, out, err = run(
        capsys, "--db", sqlite_url, "sak", "ny", "--meeting", meeting.group(1), "--prioritering"
    )
    assert code == 0, err
    case = re.search(r"\(id (\d+)\)", out)
    assert case is not None
    code, out, err = run(capsys, "--db", sqlite_url, "sak", "lag", case.group(1), "--format", "md")
    assert code == 0, err
    assert "Prosjekt" in out
    assert "<script>" not in out
    assert "&lt;script&gt;" in out


# --- item 2 and 7: a read-only database -------------------------------------------------------------


def test_unit_of_work_turns_a_locked_database_into_a_store_error(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The screens catch StoreError: a locked database is a refusal they can show, not a crash."""
    from sqlmodel import Session

    from rsapp.prioritisation import move_application
    from rsapp.store.unit_of_work import StoreError

    monkeypatch.setenv("RSAPP_LOCK_TIMEOUT", "0.5")
    engine = open_database(sqlite_url)
    holder = sqlite3.connect(_path(sqlite_url), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with Session(engine) as s, pytest.raises(StoreError) as caught:
            move_application(s, 3, 1, version=1)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        engine.dispose()
    assert "låst" in str(caught.value)
    assert not ENGLISH.search(str(caught.value))
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


async def test_a_locked_database_while_moving_on_the_screen_is_a_message_not_a_crash(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rsapp.app import make_app
    from rsapp.screens.prioritisation import PrioritisationScreen
    from tests.conftest import TODAY

    engine = open_database(sqlite_url)
    monkeypatch.setenv("RSAPP_LOCK_TIMEOUT", "0.5")
    app = make_app(engine=engine, today=TODAY)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(pilot.app.screen, PrioritisationScreen)
        holder = sqlite3.connect(_path(sqlite_url), isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        done = threading.Event()
        try:
            await pilot.press("shift+down")
            await pilot.pause(1.5)
        finally:
            holder.execute("ROLLBACK")
            holder.close()
            done.set()
        messages = [str(n.message) for n in pilot.app._notifications]
        assert any("låst" in m for m in messages), messages
        assert pilot.app.is_running
    engine.dispose()


async def test_an_error_no_screen_caught_stops_the_app_with_a_norwegian_sentence(engine) -> None:
    """The last line in the app: Textual would print a traceback with local variables (names,
    amounts); rsapp stops with one sentence instead, printed after the terminal is restored."""
    from rsapp.app import make_app
    from tests.conftest import TODAY

    def fails() -> None:
        raise sqlite3.OperationalError("database is locked")

    app = make_app(engine=engine, today=TODAY)
    with pytest.raises(Exception):  # noqa: B017 - run_test re-raises it for the test, as Textual does
        async with app.run_test(size=(120, 40)) as pilot:
            app.run_worker(fails, thread=True)
            await pilot.pause(0.5)
    assert app.return_code == 1
    assert app.failure_message is not None and "låst" in app.failure_message
    assert not ENGLISH.search(app.failure_message)
