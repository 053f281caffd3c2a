"""Issue 11, item 3: two rsapp processes that open a brand-new database at the same moment.

Before, one of them failed every time (both created the tables, or both loaded the built-in
data). Now they take turns: both succeed, and the database holds the built-in data once.
The long loops (200 racing pairs) are in bench/bench_torture.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

REPO = Path(__file__).resolve().parents[1]


def _both_open(url: str, data_dir: Path) -> list[subprocess.CompletedProcess[str]]:
    env = dict(os.environ, PYTHONPATH=str(REPO), RSAPP_DATA_DIR=str(data_dir))
    command = [sys.executable, "-m", "rsapp", "--db", url, "list"]
    started = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    results = []
    for process in started:
        out, err = process.communicate(timeout=180)
        results.append(subprocess.CompletedProcess(command, process.returncode, out, err))
    return results


def _counts(url: str) -> tuple[int, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            rounds = conn.execute(text("SELECT COUNT(*) FROM round")).scalar_one()
            apps = conn.execute(text("SELECT COUNT(*) FROM application")).scalar_one()
            return rounds, apps
    finally:
        engine.dispose()


@pytest.mark.parametrize("attempt", range(3))
def test_two_processes_open_a_new_sqlite_database_at_once(tmp_path: Path, attempt: int) -> None:
    url = f"sqlite:///{tmp_path / 'ny' / 'rsapp.sqlite3'}"
    for result in _both_open(url, tmp_path / "data"):
        assert result.returncode == 0, result.stderr
        assert "Helgelandssykepleier" in result.stdout
    assert _counts(url) == (2, 7)


@pytest.mark.postgres
@pytest.mark.parametrize("attempt", range(3))
def test_two_processes_open_a_new_postgres_database_at_once(pg_server, tmp_path: Path, attempt: int) -> None:
    url = pg_server.create_database(f"rsapp_new_{os.getpid()}_{attempt}")
    for result in _both_open(url, tmp_path / "data"):
        assert result.returncode == 0, result.stderr
        assert "Helgelandssykepleier" in result.stdout
    assert _counts(url) == (2, 7)
