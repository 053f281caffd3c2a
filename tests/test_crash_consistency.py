"""SIGKILL rsapp in the middle of reorders; the database must reopen consistent.

Two ways. First the real command, ``python -m rsapp --db URL prioriter flytt ID PLASS``, run in
a shell loop; the loop's process group is killed near the end of one command (where it writes),
and the order found must be the one after the commands that finished, or after one more. Then,
because a command spends most of its life importing, a tighter loop: a child process
moves applications around as fast as it can (long moves in a round of
~300 applications, so each transaction rewrites many ranks). Before each move it journals the
order it is about to write ("P"), after the commit the order it wrote ("C"). The parent kills
it at a random moment, reopens the database and checks that the ranks are exactly 1..n and
that the order is the last committed one (or the pending one, if the kill came between the
commit and the journal line).
"""

from __future__ import annotations

import os
import random
import shlex
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from sqlalchemy import text
from sqlmodel import Session, select

from rsapp.allocation import move
from rsapp.db import open_database
from rsapp.models import Application, BudgetLine
from rsapp.portfolio import round_by_key

CHILD = r"""
import os, random, sys
from sqlmodel import Session
from rsapp.allocation import move
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


def _big_round(url: str) -> int:
    """The Helgeland round with 300 more applications, so a long move rewrites many ranks."""
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
    return round_id  # type: ignore[return-value]


CLI_KILLS = 3


def test_sigkill_of_the_real_move_command_in_a_loop(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'crash.sqlite3'}"
    round_id = _big_round(url)
    order = _db_order(url, round_id)
    rng = random.Random(7)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    for attempt in range(CLI_KILLS):
        # A loop of real commands, each a long move; the orders they lead to, in turn.
        moves = [(rng.choice(order), rng.choice([1, len(order)])) for _ in range(20)]
        orders = [order]
        for key, position in moves:
            orders.append(move(orders[-1], key, position))
        command = [sys.executable, "-m", "rsapp", "--db", url, "prioriter", "flytt"]
        script = " && ".join(shlex.join([*command, str(key), str(position)]) for key, position in moves)
        loop = subprocess.Popen(
            ["/bin/sh", "-c", script],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            start_new_session=True,  # its own process group: the kill reaches the running command
        )
        started = time.monotonic()
        finished: list[float] = []  # when each command printed its summary (after its commit)
        done = threading.Event()

        def read(stream=loop.stdout, finished=finished, done=done) -> None:
            for line in stream:
                assert line.startswith("Flyttet «"), line
                finished.append(time.monotonic())
                done.set()

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        try:
            assert done.wait(60), "the first move command did not finish: " + (loop.stderr.read() or "")
            # Kill the next command near its end, where it writes (its start is mostly imports).
            duration = finished[0] - started
            time.sleep(duration * rng.uniform(0.85, 1.15))
            assert loop.poll() is None, "the loop ended before the kill"
        finally:
            os.killpg(loop.pid, signal.SIGKILL)
            loop.wait()
            reader.join(5)
        completed = len(finished)
        assert completed < len(moves)
        found = _db_order(url, round_id)
        assert found in (orders[completed], orders[completed + 1]), (
            f"kill {attempt}: after {completed} finished moves the order is neither theirs nor one more"
        )
        order = found


def test_sigkill_during_reorders_leaves_a_consistent_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'crash.sqlite3'}"
    round_id = _big_round(url)
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
