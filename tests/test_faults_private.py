"""Issue 11, items 6 and 7: private data stays private, and small faults are not silent.

* the database file, its -wal/-shm files and its folder are the owner's alone (0600/0700), and
  so is an Excel export, whatever the umask;
* no message and no log line carries personal data or SQL parameters;
* a database file the user may only read can still be shown (``list``, ``vis``, ``export``), and
  a change to it is refused in Norwegian;
* what a killed rsapp left behind (a ``rsapp-pdf-*`` folder with the case as .docx and .pdf, a
  ``.NAME.tmp`` beside an export) is removed at the next start, and nothing else is.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from sqlmodel import Session

from rsapp.__main__ import cli as rsapp_main
from rsapp.db import open_database

REPO = Path(__file__).resolve().parents[1]
NBSP = "\u00a0"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = rsapp_main(list(args))
    out, err = capsys.readouterr()
    return code, out.replace(NBSP, " "), err.replace(NBSP, " ")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask():
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


# --- item 6: files and folders ---------------------------------------------------------------------


def test_a_new_database_and_its_folder_are_the_owners_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], open_umask
) -> None:
    data = tmp_path / "ny" / "rsapp-data"
    monkeypatch.setenv("RSAPP_DATA_DIR", str(data))
    code, out, err = run(capsys, "list")
    assert code == 0, err
    database = data / "rsapp.sqlite3"
    assert _mode(data) == 0o700
    assert _mode(database) == 0o600
    engine = open_database(f"sqlite:///{database}")  # while open: the WAL files exist
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT count(*) FROM application").all()
            for suffix in ("-wal", "-shm"):
                assert _mode(Path(f"{database}{suffix}")) == 0o600
    finally:
        engine.dispose()


def test_a_database_given_by_path_gets_a_private_new_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], open_umask
) -> None:
    database = tmp_path / "mappe" / "rs.sqlite3"
    code, out, err = run(capsys, "--db", str(database), "list")
    assert code == 0, err
    assert _mode(database.parent) == 0o700
    assert _mode(database) == 0o600


def test_the_excel_export_is_the_owners_only(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], open_umask
) -> None:
    target = tmp_path / "liste.xlsx"
    code, out, err = run(
        capsys, "--db", sqlite_url, "export", "excel", "--round", "helgeland-2026", "-o", str(target)
    )
    assert code == 0, err
    assert _mode(target) == 0o600


# --- item 6: no personal data in messages or logs ----------------------------------------------------


def test_a_refused_write_names_no_person_and_no_sql_parameter(sqlite_url: str) -> None:
    from rsapp.models import Application
    from rsapp.store.unit_of_work import StoreError, unit_of_work

    engine = open_database(sqlite_url)
    try:
        with Session(engine) as s, pytest.raises(StoreError) as caught:
            with unit_of_work(s):
                app = s.get(Application, 1)
                assert app is not None
                app.contact_municipal = "Kari Nordmann, kari@example.no"
                app.rank = 2  # the rank of another application: UNIQUE(round_id, rank)
                s.add(app)
                s.flush()
        text = str(caught.value)
        assert "Kari" not in text and "example.no" not in text
        assert "INSERT" not in text and "UPDATE" not in text and "[parameters" not in text
        assert "avviste endringen" in text or "samme verdiene" in text
    finally:
        engine.dispose()


def test_an_unforeseen_error_is_logged_without_its_values(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rsapp.failure import LOG_NAME, user_message

    monkeypatch.setenv("RSAPP_DATA_DIR", str(tmp_path / "data"))
    try:
        {"Kari Nordmann": 1}["Ola Nordmann, 12345678901"]
    except KeyError as exc:
        message = user_message(exc)
    assert "Nordmann" not in message and "programfeil" in message
    log = (tmp_path / "data" / LOG_NAME).read_text()
    assert "KeyError" in log and "test_faults_private.py" in log
    assert "Nordmann" not in log and "12345678901" not in log
    assert _mode(tmp_path / "data" / LOG_NAME) == 0o600


# --- item 7: a read-only database is shown, and a change to it refused --------------------------------


def _as_reader(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """``rsapp ARGS`` run by a user who may read the database but not write it.

    As root (CI) the file belongs to ``nobody`` and rsapp runs without the capability that lets
    root write anything; otherwise the file is simply made read-only.
    """
    command = [sys.executable, "-m", "rsapp", *args]
    if os.geteuid() == 0:
        command = [
            "setpriv",
            "--bounding-set=-dac_override,-dac_read_search",
            "--inh-caps=-all",
            "--",
            *command,
        ]
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=cwd, timeout=120, check=False)


@pytest.mark.skipif(os.geteuid() == 0 and shutil.which("setpriv") is None, reason="needs setpriv as root")
@pytest.mark.parametrize("folder_writable", [True, False])
def test_a_database_the_user_may_only_read_is_shown_and_changes_are_refused(
    folder_writable: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    # Not under pytest's tmp_path: a user without root's rights must be able to reach the folder.
    base = Path(tempfile.mkdtemp(prefix="rsapp-lesetest-"))
    try:
        os.chmod(base, 0o755)
        folder = base / "db"
        folder.mkdir()
        database = folder / "rsapp.sqlite3"
        open_database(f"sqlite:///{database}").dispose()
        for path in folder.iterdir():
            if os.geteuid() == 0:
                os.chown(path, 65534, 65534)  # nobody
            os.chmod(path, 0o444)
        os.chmod(folder, 0o777 if folder_writable else 0o555)
        env = dict(os.environ, PYTHONPATH=str(REPO), RSAPP_DATA_DIR=str(base / "data"))
        url = f"sqlite:///{database}"
        for args in (["list"], ["prioriter", "vis"]):
            result = _as_reader(["--db", url, *args], env, base)
            assert result.returncode == 0, result.stderr
            assert "Helgelandssykepleier" in result.stdout
        exported = base / "ut"
        exported.mkdir()
        os.chmod(exported, 0o777)
        result = _as_reader(
            ["--db", url, "export", "excel", "--round", "helgeland-2026", "-o", str(exported / "l.xlsx")],
            env,
            base,
        )
        assert result.returncode == 0, result.stderr
        assert (exported / "l.xlsx").is_file()
        result = _as_reader(["--db", url, "prioriter", "flytt", "3", "1"], env, base)
        assert result.returncode == 1
        assert result.stderr.startswith("Feil: ") and "skrivebeskyttet" in result.stderr, result.stderr
        assert "Traceback" not in result.stderr and "sqlite3" not in result.stderr.replace(
            "rsapp.sqlite3", ""
        )
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as conn:
            assert conn.execute("SELECT id FROM application WHERE rank = 1 AND round_id = 1").fetchone() == (
                1,
            )
    finally:
        os.chmod(base, 0o755)
        for path in base.rglob("*"):
            if path.is_dir():
                os.chmod(path, 0o755)
        shutil.rmtree(base, ignore_errors=True)


# --- item 7: what a killed rsapp leaves behind -------------------------------------------------------


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_temporary_files_of_a_killed_rsapp_are_removed_at_the_next_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], sqlite_url: str
) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    work = tmp_path / "arbeid"
    work.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setattr(tempfile, "tempdir", None)
    monkeypatch.chdir(work)
    dead, alive = _dead_pid(), os.getpid()
    left = [
        temp / f"rsapp-pdf-{dead}-abc123",
        work / f".Prioritering.xlsx.{dead}.k2j4h5g6.tmp",
    ]
    kept = [
        temp / f"rsapp-pdf-{alive}-def456",  # a conversion still running
        work / f".Prioritering.xlsx.{alive}.a1b2c3d4.tmp",  # an export still being written
        work / ".skjult.tmp",  # not rsapp's
        temp / "rsapp-nedlasting-xyz",  # rsapp serve's downloads: lives with the server
    ]
    for path in left + kept:
        if path.suffix == ".tmp":
            path.write_bytes(b"halvt skrevet")
        else:
            path.mkdir()
            (path / "saksfremlegg.docx").write_bytes(b"PK")
    code, out, err = run(capsys, "--db", sqlite_url, "list")
    assert code == 0, err
    assert [p for p in left if p.exists()] == []
    assert [p for p in kept if not p.exists()] == []


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_a_pdf_render_killed_midway_leaves_nothing_after_the_next_start(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "--db", sqlite_url, "sak", "møte", "ny", "--date", "03.11.2025")
    meeting = re.search(r"Opprettet møte (\d+)", out)
    assert meeting is not None, out + err
    code, out, err = run(
        capsys, "--db", sqlite_url, "sak", "ny", "--meeting", meeting.group(1), "--prioritering"
    )
    case = re.search(r"\(id (\d+)\)", out)
    assert case is not None, out + err
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = dict(os.environ, PYTHONPATH=str(REPO), TMPDIR=str(temp))
    target = tmp_path / "sak.pdf"
    command = [
        sys.executable,
        "-m",
        "rsapp",
        "--db",
        sqlite_url,
        "sak",
        "lag",
        case.group(1),
        "-o",
        str(target),
    ]
    process = subprocess.Popen(command, env=env, cwd=tmp_path, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any(temp.glob("rsapp-pdf-*/saksfremlegg.docx")):
        time.sleep(0.05)
    assert any(temp.glob("rsapp-pdf-*")), "the render never started"
    time.sleep(0.5)  # LibreOffice is converting
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    time.sleep(0.5)
    # LibreOffice went with it (it would otherwise run on without anyone waiting for it).
    soffice = subprocess.run(["pgrep", "-a", "-f", str(temp)], capture_output=True, text=True, check=False)
    assert soffice.stdout.strip() == "", soffice.stdout
    result = subprocess.run(
        [sys.executable, "-m", "rsapp", "--db", sqlite_url, "list"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert list(temp.glob("rsapp-pdf-*")) == []
    assert not target.exists()
    assert [p.name for p in tmp_path.glob(".sak.pdf*")] == []
