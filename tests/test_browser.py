"""rsapp in a real browser: ``rsapp serve`` on a loopback port, Debian's chromium driven by
Playwright (no browser download). Textual draws on a canvas, so the tests look at screenshots
and at effects (the downloaded file, the database), never at page text."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlmodel import Session

from rsapp.cli import cli
from rsapp.db import open_database
from rsapp.store import access
from tests.conftest import require

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "et-langt-passord-1"
VIEWPORT = {"width": 1400, "height": 900}

pytestmark = pytest.mark.timeout(300)


@pytest.fixture(autouse=True)
def _no_identity() -> Iterator[None]:
    access.forget()
    yield
    access.forget()


def _need(path: str, what: str) -> None:
    require(Path(path).exists() or shutil.which(path) is not None, f"{what} ({path})")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _add_user(url: str, name: str, role: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with monkeypatch.context() as patch:
        patch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
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
                    "helgeland",
                    "--passord-stdin",
                ]
            )
            == 0
        )


@contextlib.contextmanager
def _serve(url: str, tmp_path: Path) -> Iterator[str]:
    """``rsapp serve`` on a free loopback port, in its own process group (stopped afterwards)."""
    port = _free_port()
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "rsapp", "--db", url, "serve", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert process.poll() is None, (tmp_path / "serve.log").read_text()
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}/"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)
        log.close()


@contextlib.contextmanager
def _browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    args = ["--disable-dev-shm-usage"] + (["--no-sandbox"] if os.geteuid() == 0 else [])
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def _open(browser: Any, url: str) -> Any:
    page = browser.new_context(viewport=VIEWPORT, accept_downloads=True).new_page()
    page.goto(url)
    page.wait_for_selector("body.-first-byte", timeout=20_000)  # the app's first output arrived
    return page


def _settled(page: Any, *, quiet: float = 1.0, within: float = 15.0) -> bytes:
    """The screenshot once the canvas has not changed for ``quiet`` seconds."""
    deadline = time.monotonic() + within
    last = page.screenshot()
    since = time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.2)
        now = page.screenshot()
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return now
    shot = Path(os.environ.get("RSAPP_BROWSER_SHOTS", "/tmp")) / "rsapp-unsettled.png"
    shot.write_bytes(last)
    raise AssertionError(f"the page did not settle (last screenshot: {shot})")


def _until(condition: Callable[[], Any], within: float, what: str) -> float:
    start = time.monotonic()
    while time.monotonic() - start < within:
        if condition():
            return time.monotonic() - start
        time.sleep(0.1)
    raise AssertionError(f"{what}: not within {within} s")


def _sign_in(page: Any, user: str) -> None:
    _settled(page, quiet=0.5)
    before = page.screenshot()
    page.click("#terminal", position={"x": 5, "y": 5})  # keyboard focus to the terminal
    page.keyboard.type(user)
    page.keyboard.press("Enter")
    time.sleep(0.5)  # the focus moves to the password field (a person is slower than this)
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    _until(lambda: page.screenshot() != before, 10, "the sign-in screen did not change")
    _settled(page, quiet=1.0)


def test_sign_in_and_the_excel_list_and_a_word_document_arrive_as_downloads(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The secretariat signs in in the browser, presses e and Enter: the Excel list is downloaded
    and its figures (recalculated by LibreOffice) are the ledger's; the meeting's Word document
    (k, w) is downloaded too."""
    _need(CHROMIUM, "chromium")
    from rsapp.export.readback import find_soffice, recalculated_figures
    from rsapp.portfolio import round_allocation
    from tests.test_export_excel import assert_figures_match

    open_database(sqlite_url).dispose()
    _add_user(sqlite_url, "siri", "sekretariat", monkeypatch)
    # A meeting with the prioritisation case, for the Word document.
    assert (
        cli(["--db", sqlite_url, "sak", "møte", "ny", "--dato", "20.10.2025", "--runde", "helgeland-2026"])
        == 0
    )
    assert cli(["--db", sqlite_url, "sak", "ny", "--møte", "1", "--prioritering"]) == 0
    with _serve(sqlite_url, tmp_path) as url, _browser() as browser:
        page = _open(browser, url)
        signin = _settled(page, quiet=0.5)
        _sign_in(page, "siri")
        assert page.screenshot() != signin
        portfolio = page.screenshot()
        with page.expect_download(timeout=60_000) as download:
            page.keyboard.press("e")
            # The dialog with the file name (its cursor blinks: wait for it to appear, not to settle).
            _until(lambda: page.screenshot() != portfolio, 10, "no export dialog")
            time.sleep(0.5)
            page.keyboard.press("Enter")
        saved = tmp_path / download.value.suggested_filename
        download.value.save_as(saved)
        # The meeting's Word document (k: meetings, w: Word) arrives the same way.
        _settled(page, quiet=1.0)
        page.keyboard.press("k")
        _settled(page, quiet=1.0)
        with page.expect_download(timeout=60_000) as word:
            page.keyboard.press("w")
        document = tmp_path / word.value.suggested_filename
        word.value.save_as(document)
    assert saved.suffix == ".xlsx" and saved.name.startswith("Prioritering_Helgeland_2026")
    from docx import Document

    assert document.suffix == ".docx"
    text_of_document = "\n".join(p.text for p in Document(str(document)).paragraphs)
    assert "28-2025" in text_of_document and "prioritering" in text_of_document.lower()
    engine = open_database(sqlite_url)
    with Session(engine) as session:
        round_id = session.execute(text("SELECT id FROM \"round\" WHERE key = 'helgeland-2026'")).scalar_one()
        allocation = round_allocation(session, round_id)
    engine.dispose()
    require(find_soffice() is not None, "soffice (LibreOffice), som regner om arbeidsboken,")
    assert_figures_match(recalculated_figures(saved), allocation)


def test_a_second_browser_session_sees_the_first_ones_move_and_a_member_ranks_privately(
    pg_server: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two people on PostgreSQL, each in their own browser session as their own login: the
    secretariat moves an application and the SSU member's open list shows it within 2 s; the
    member cannot move it back, and ranks the applications privately instead."""
    _need(CHROMIUM, "chromium")
    url = pg_server.create_database(f"rsapp_browser_{os.getpid()}_{abs(hash(str(tmp_path))) % 10**6}")
    open_database(url).dispose()
    suffix = abs(hash(str(tmp_path))) % 10**6
    secretary, member = f"siri{suffix}", f"kari{suffix}"
    _add_user(url, secretary, "sekretariat", monkeypatch)
    _add_user(url, member, "ssu", monkeypatch)
    owner = create_engine(url)

    def ranks() -> dict[int, int]:
        with owner.connect() as conn:
            return dict(
                conn.execute(
                    text(
                        'SELECT a.id, a.rank FROM application a JOIN "round" r ON r.id = a.round_id'
                        " WHERE r.key = 'helgeland-2026'"
                    )
                ).all()
            )

    def ranking_of(name: str) -> list[int]:
        with owner.connect() as conn:
            return list(
                conn.execute(
                    text(
                        "SELECT m.application_id FROM member_ranking m JOIN app_user u ON u.id = m.user_id"
                        " WHERE u.username = :u ORDER BY m.rank"
                    ),
                    {"u": name},
                ).scalars()
            )

    first = {rank: key for key, rank in ranks().items()}
    try:
        with _serve(url, tmp_path) as served, _browser() as browser:
            a, b = _open(browser, served), _open(browser, served)
            _sign_in(a, secretary)
            _sign_in(b, member)
            for page in (a, b):
                page.keyboard.press("p")  # both look at the prioritisation of Helgeland 2026
            _settled(a, quiet=1.0)
            baseline = _settled(b, quiet=2.5, within=20)  # the sign-in notice has gone too
            a.keyboard.press("b")  # the first application to the bottom
            pressed = time.monotonic()
            _until(lambda: ranks().get(first[1]) == len(first), 5, "the move was not saved")
            took = _until(lambda: b.screenshot() != baseline, 2.0 + 0.5, "the second session did not change")
            assert time.monotonic() - pressed < 2.5 and took < 2.5
            moved = ranks()
            # The member cannot move anything in the innstilling, even the same way …
            after_move = _settled(b, quiet=1.0)
            b.keyboard.press("t")
            time.sleep(1.5)
            assert ranks() == moved
            assert b.screenshot() != after_move  # … and is told why (a notice)
            # … but ranks privately: the third application first in her own list.
            b.keyboard.press("Escape")
            _settled(b, quiet=0.5)
            b.keyboard.press("m")
            _settled(b, quiet=1.0)
            b.keyboard.press("ArrowDown")
            b.keyboard.press("ArrowDown")
            b.keyboard.press("t")
            _until(lambda: len(ranking_of(member)) == len(first), 5, "the member's ranking was not saved")
            mine = ranking_of(member)
            order = [key for key, _ in sorted(moved.items(), key=lambda item: item[1])]
            assert mine[0] == order[2] and sorted(mine) == sorted(order)
            assert ranks() == moved  # the innstilling is untouched
            assert ranking_of(secretary) == []
    finally:
        owner.dispose()
