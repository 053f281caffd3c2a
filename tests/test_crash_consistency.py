"""SIGKILL an rsapp process in the middle of reorders; the database must reopen consistent.

A child process moves applications around as fast as it can (long moves in a round of
~300 applications, so each transaction rewrites many ranks). Before each move it journals the
order it is about to write ("P"), after the commit the order it wrote ("C"). The parent kills
it at a random moment, reopens the database and checks that the ranks are exactly 1..n and
that the order is the last committed one (or the pending one, if the kill came between the
commit and the journal line).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import text
from sqlmodel import Session, select

from rsapp.db import open_database
from rsapp.models import Application, BudgetLine
from rsapp.portfolio import round_by_key

CHILD = r"""
import os, random, sys
from sqlmodel import Session
from rsapp.allocation import move
from rsapp.db import open_database
from rsapp.prioritisation import load_view, move_application

url, journal_path, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
engine = open_database(url, seed=False)
journal = os.open(journal_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
rng = random.Random(seed)
with Session(engine) as session:
    view = load_view(session, int(sys.argv[4]))
    order = view.order()
    versions = dict(view.versions)
    sys.stdout.write("ready\n"); sys.stdout.flush()
    while True:
        key = order[rng.randrange(len(order))]
        position = rng.choice([1, len(order), rng.randrange(1, len(order) + 1)])
        new_order = move(order, key, position)
        os.write(journal, ("P " + ",".join(map(str, new_order)) + "\n").encode())
        change = move_application(session, key, position, version=versions[key])
        versions.update(change.versions)
        order = new_order
        os.write(journal, ("C " + ",".join(map(str, order)) + "\n").encode())
"""

KILLS = 6


def _db_order(url: str, round_id: int) -> list[int]:
    engine = open_database(url, seed=False)
    try:
        with Session(engine) as s:
            assert s.exec(text("PRAGMA integrity_check")).one()[0] == "ok"  # type: ignore[call-overload]
            rows = s.exec(
                select(Application.id, Application.rank).where(Application.round_id == round_id)
            ).all()
    finally:
        engine.dispose()
    ranks = sorted(rank for _, rank in rows)
    assert ranks == list(range(1, len(rows) + 1)), "ranks are not a contiguous permutation 1..n"
    return [key for key, _ in sorted(rows, key=lambda r: r[1])]


def _expected(journal: Path) -> tuple[list[int] | None, list[int] | None]:
    """(last committed order, order pending after it) from the journal."""
    committed: list[int] | None = None
    pending: list[int] | None = None
    for line in journal.read_text().splitlines():
        if not line.endswith(tuple("0123456789")):
            continue  # a line cut by the kill
        kind, _, body = line.partition(" ")
        order = [int(x) for x in body.split(",")]
        if kind == "C":
            committed, pending = order, None
        elif kind == "P":
            pending = order
    return committed, pending


def test_sigkill_during_reorders_leaves_a_consistent_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'crash.sqlite3'}"
    engine = open_database(url)
    with Session(engine) as s:
        round_id = round_by_key(s, "helgeland-2026").id
        for i in range(300):
            app = Application(round_id=round_id, name=f"Søknad {i}", rank=6 + i)
            s.add(app)
            s.flush()
            s.add(BudgetLine(application_id=app.id, amount=100_000 + i))
        s.commit()
    engine.dispose()
    last = _db_order(url, round_id)
    journal = tmp_path / "journal.txt"
    rng = random.Random(43)
    moves_seen = 0
    for attempt in range(KILLS):
        journal.write_text("")
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, url, str(journal), str(attempt), str(round_id)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        try:
            assert child.stdout is not None
            assert child.stdout.readline().strip() == "ready"
            time.sleep(rng.uniform(0.05, 0.25))
        finally:
            os.kill(child.pid, signal.SIGKILL)
            child.wait()
        committed, pending = _expected(journal)
        order = _db_order(url, round_id)
        allowed = [o for o in (committed or last, pending) if o is not None]
        assert order in allowed, (
            f"kill {attempt}: database order is neither the last committed nor the pending one"
        )
        moves_seen += journal.read_text().count("\nC ") + journal.read_text().startswith("C ")
        last = order
    assert moves_seen > KILLS  # the kills really came in the middle of a stream of reorders
