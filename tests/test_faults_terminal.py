"""Issue 11, item 9: the terminal disappears (SSH drops, the window closes, tmux kills the pane).

rsapp runs in a real pseudo-terminal, as ``rsapp`` does in a user's terminal. The user opens the
prioritisation and moves an application; then the terminal goes away: its end of input (the
pane's file closed), a SIGHUP, or a SIGTERM. rsapp must end within a few seconds, with the
move saved and no process left behind.
"""

from __future__ import annotations

import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session
from sqlmodel import select as sql_select

from rsapp.db import open_database
from rsapp.models import Application

REPO = Path(__file__).resolve().parents[1]
#: What a user accepts as "at once" for a program to notice its terminal has gone.
EXIT_WITHIN = 8.0


def _order(url: str) -> list[int]:
    engine = open_database(url)
    try:
        with Session(engine) as s:
            apps = s.exec(
                sql_select(Application).where(Application.round_id == 1).order_by(Application.rank)
            ).all()
            return [a.id for a in apps]  # type: ignore[misc]
    finally:
        engine.dispose()


_ESCAPES = re.compile(r"\x1b(\[[0-9;?]*[A-Za-z]|\][^\x07]*\x07|[()][A-Z0-9])")


def _read_until(master: int, needle: str, seconds: float) -> str:
    """What the terminal shows (escape sequences removed) once ``needle`` is on it."""
    seen = b""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            seen += chunk
            text = _ESCAPES.sub("", seen.decode("utf-8", "replace"))
            if needle in text:
                return text
    text = _ESCAPES.sub("", seen.decode("utf-8", "replace"))
    raise AssertionError(f"{needle!r} not shown within {seconds} s; last output: {text[-400:]!r}")


def _drain(master: int, seconds: float) -> None:
    """Read (and drop) what the app writes to the terminal for ``seconds``."""
    ready, _, _ = select.select([master], [], [], seconds)
    if ready:
        try:
            os.read(master, 65536)
        except OSError:
            time.sleep(seconds)


def _quit_with_q(process: subprocess.Popen[bytes], master: int) -> None:
    """The user presses q: rsapp ends, with exit code 0, while the terminal reads what it writes."""
    os.write(master, b"q")
    deadline = time.monotonic() + EXIT_WITHIN
    while process.poll() is None and time.monotonic() < deadline:
        _drain(master, 0.1)  # a terminal reads what the app writes, or the app waits for it
    assert process.poll() == 0


def _end(process: subprocess.Popen[bytes], master: int) -> None:
    os.close(master)
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _start(
    url: str, *, controlling: bool, args: tuple[str, ...] | None = None
) -> tuple[subprocess.Popen[bytes], int]:
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 140, 0, 0))

    def _child() -> None:  # pragma: no cover - runs in the child
        if controlling:
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    env = dict(os.environ, TERM="xterm-256color", COLUMNS="140", LINES="40")
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")])
    process = subprocess.Popen(
        [sys.executable, "-m", "rsapp", *(("--db", url) if args is None else args)],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        cwd=REPO,
        start_new_session=True,
        preexec_fn=_child,
    )
    os.close(slave)
    return process, master


def _move_first_down(master: int) -> None:
    _read_until(master, "Ctrl+P", 60)
    time.sleep(1.0)  # the first frame is drawn; the engine opens right after it
    os.write(master, b"p")
    _read_until(master, "Fyll potten", 30)
    time.sleep(0.5)
    os.write(master, b"\x1b[1;2B")  # Shift+Down: rank 1 to rank 2
    time.sleep(1.5)


def _gone_within(process: subprocess.Popen[bytes], seconds: float) -> float:
    started = time.monotonic()
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise AssertionError(f"rsapp was still running {seconds} s after its terminal went away") from None
    return time.monotonic() - started


def _no_process_left(process: subprocess.Popen[bytes]) -> None:
    """Nothing of the session (rsapp, or anything it started) runs any more."""
    time.sleep(0.2)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        session = int(fields[3])
        assert session != process.pid or fields[0] == "Z", f"process {entry.name} of rsapp's session is left"


@pytest.mark.parametrize(
    "how",
    ["end of input", "SIGHUP", "SIGTERM"],
)
def test_rsapp_ends_when_its_terminal_goes_and_keeps_the_move(sqlite_url: str, how: str) -> None:
    open_database(sqlite_url).dispose()
    before = _order(sqlite_url)
    process, master = _start(sqlite_url, controlling=how == "SIGHUP")
    try:
        _move_first_down(master)
        if how == "end of input":
            os.close(master)  # the pane is gone: no signal, only the end of the terminal's input
            master = -1
        elif how == "SIGHUP":
            os.close(master)  # the controlling terminal hangs up: the kernel sends SIGHUP
            master = -1
        else:
            os.kill(process.pid, signal.SIGTERM)
        _gone_within(process, EXIT_WITHIN)
    finally:
        if master >= 0:
            os.close(master)
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    _no_process_left(process)
    assert _order(sqlite_url) == [before[1], before[0], *before[2:]]


def test_the_days_copy_is_made_after_the_first_frame_and_q_quits_cleanly(sqlite_url: str) -> None:
    """``rsapp`` in a terminal: the first frame, then (in a thread started after it) today's copy
    of the SQLite file in the data folder's ``sikkerhetskopier``; ``q`` ends the process with 0."""
    from rsapp.store.backup import backup_dir

    open_database(sqlite_url).dispose()
    folder = backup_dir()
    assert not list(folder.glob("rsapp-*.sqlite3"))
    process, master = _start(sqlite_url, controlling=False)
    try:
        _read_until(master, "Ctrl+P", 60)  # the first frame
        deadline = time.monotonic() + 20
        while not list(folder.glob("rsapp-*.sqlite3")) and time.monotonic() < deadline:
            _drain(master, 0.1)
        copies = list(folder.glob("rsapp-*.sqlite3"))
        assert [p.name for p in copies] == [f"rsapp-{date.today().isoformat()}.sqlite3"]
        _quit_with_q(process, master)
    finally:
        _end(process, master)
    with Session(open_database(f"sqlite:///{copies[0]}")) as s:  # a whole database, as the original
        assert [a.id for a in s.exec(sql_select(Application)).all()]


def test_rsapp_reads_its_own_options_without_the_full_parser(sqlite_url: str) -> None:
    """``rsapp --db=URL --skrivebeskyttet`` (a plain start, read without argparse) opens that
    database read-only and says so."""
    open_database(sqlite_url).dispose()
    process, master = _start(sqlite_url, controlling=False, args=(f"--db={sqlite_url}", "--skrivebeskyttet"))
    try:
        shown = _read_until(master, "Skrivebeskyttet: ingen endringer kan lagres.", 60)
        assert "Interkommunalt innsats" in shown  # the portfolio of that database
        _quit_with_q(process, master)
    finally:
        _end(process, master)
