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


def _import_pair(url: str, folder: Path, trial: int) -> list[subprocess.CompletedProcess[str]]:
    form = (REPO / "tests" / "fixtures" / "import" / "samhandlingsrommet.md").read_text(encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(REPO), RSAPP_DATA_DIR=str(folder / "data"))
    files = []
    for i in range(2):
        path = folder / f"soknad-{trial}-{i}.md"
        path.write_text(
            form.replace("Hvor er samhandlingsrommet?", f"Kappløpet {trial}-{i}").replace(
                "Senja kommune", f"Eier {i}"
            ),
            encoding="utf-8",
        )
        files.append(path)
    started = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "rsapp",
                "--db",
                url,
                "import",
                "--yes",
                "--round",
                "helgeland-2026",
                str(path),
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for path in files
    ]
    results = []
    for process in started:
        out, err = process.communicate(timeout=180)
        results.append(subprocess.CompletedProcess(process.args, process.returncode, out, err))
    return results


def _imported_ranks(url: str, trial: int) -> tuple[int, list[int]]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            found = conn.execute(
                text("SELECT COUNT(*) FROM application WHERE name LIKE :n"), {"n": f"Kappløpet {trial}-%"}
            ).scalar_one()
            ranks = [
                r
                for (r,) in conn.execute(
                    text("SELECT rank FROM application WHERE round_id = 1 ORDER BY rank")
                )
            ]
            return found, ranks
    finally:
        engine.dispose()


@pytest.mark.parametrize("database", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_two_imports_into_one_round_at_once_both_land(
    database: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if database == "sqlite":
        url = f"sqlite:///{tmp_path / 'rsapp.sqlite3'}"
    else:
        url = request.getfixturevalue("pg_server").create_database(f"rsapp_imports_{os.getpid()}")
    subprocess.run(
        [sys.executable, "-m", "rsapp", "--db", url, "list"],
        env=dict(os.environ, PYTHONPATH=str(REPO)),
        capture_output=True,
        check=True,
    )
    for trial in range(2):
        for result in _import_pair(url, tmp_path, trial):
            assert result.returncode == 0, result.stdout[-500:] + result.stderr[-500:]
        found, ranks = _imported_ranks(url, trial)
        assert found == 2
        assert ranks == list(range(1, len(ranks) + 1))
