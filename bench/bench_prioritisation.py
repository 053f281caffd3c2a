"""Benchmark: moving one row in the prioritisation screen to the next rendered frame of the list.

Run with ``.venv/bin/python bench/bench_prioritisation.py``. Targets (issues 4 and 10): at most 16 ms
with 200 applications in the round and with 10 000, on the per-year ledger.

How it measures: the real app (``run_test``, 160×50) on a SQLite file whose Helgeland round is
filled up to N applications, the prioritisation screen open. Each sample presses Shift+↓ /
Shift+↑ (move the selected row one place, saved to the database in its own transaction, the
allocation recomputed for the rows between the old and the new place with
``reallocate_after_move``; the full ``allocate`` runs in the screen's delayed update, after the frame) and takes the time from just before the key is posted until the
RankedList has rendered the visible lines of the next frame (the end of the last
``render_line`` call). Reported: the median of that latency, and of the widget's own work
inside it (the screen's move handler — database write, allocation, ``set_rows`` — plus the
time spent in ``render_line``), so that idle waiting for Textual's frame timer is visible.

The screen shows a move first and saves it right after that frame is drawn (the database write,
~2–8 ms on SQLite, is therefore not inside the figure; a failed save reads the database back).
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlmodel import Session  # noqa: E402

from rsapp.app import make_app  # noqa: E402
from rsapp.db import open_database  # noqa: E402
from rsapp.models import Application, BudgetLine  # noqa: E402
from rsapp.portfolio import round_by_key  # noqa: E402
from rsapp.screens.prioritisation import PrioritisationScreen  # noqa: E402
from rsapp.widgets.ranked_list import RankedList  # noqa: E402

TARGETS_MS = {200: 16.0, 10_000: 16.0}
SAMPLES = 40


def make_database(path: Path, n: int) -> tuple[object, int]:
    engine = open_database(f"sqlite:///{path}")
    with Session(engine) as s:
        round_id = round_by_key(s, "helgeland-2026").id
        existing = 5
        apps = [
            Application(
                round_id=round_id, name=f"Prosjekt {i}", owners=f"Kommune {i % 17}", rank=existing + 1 + i
            )
            for i in range(n - existing)
        ]
        s.add_all(apps)
        s.flush()
        s.add_all(
            BudgetLine(application_id=a.id, budget_year=2026, amount=100_000 + 500 * i)
            for i, a in enumerate(apps)
        )
        s.commit()
    return engine, round_id


async def measure(n: int) -> tuple[float, float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        engine, round_id = make_database(Path(tmp) / "bench.sqlite3", n)
        app = make_app(engine=engine)
        latencies: list[float] = []
        work: list[float] = []
        render: list[float] = []
        async with app.run_test(size=(160, 50)) as pilot:
            screen = PrioritisationScreen(round_id)
            await app.push_screen(screen)
            await pilot.pause()
            ranked = screen.query_one(RankedList)
            ranked.focus()
            state = {"render": 0.0, "last": 0.0, "handler": 0.0}

            original_render = ranked.render_line

            def timed_render(y: int):
                start = time.perf_counter()
                strip = original_render(y)
                end = time.perf_counter()
                state["render"] += end - start
                state["last"] = end
                return strip

            ranked.render_line = timed_render  # type: ignore[method-assign]
            original_move = screen.move

            def timed_move(key: int, position: int) -> bool:
                start = time.perf_counter()
                result = original_move(key, position)
                state["handler"] += time.perf_counter() - start
                return result

            screen.move = timed_move  # type: ignore[method-assign]
            # Start in the middle of the list (below the cut line: only the two swapped rows repaint).
            ranked.move_cursor(min(n // 2, n - 2))
            await pilot.pause()
            for sample in range(SAMPLES + 3):
                key = "shift+down" if sample % 2 == 0 else "shift+up"
                state.update(render=0.0, last=0.0, handler=0.0)
                t0 = time.perf_counter()
                await pilot.press(key)
                deadline = time.perf_counter() + 2
                while state["last"] == 0.0 and time.perf_counter() < deadline:
                    await asyncio.sleep(0.0005)
                if state["last"] == 0.0 or state["handler"] == 0.0:
                    raise RuntimeError("the move did not render")
                if sample >= 3:  # warm-up
                    latencies.append((state["last"] - t0) * 1000)
                    work.append((state["handler"] + state["render"]) * 1000)
                    render.append(state["render"] * 1000)
        engine.dispose()  # type: ignore[attr-defined]
    return statistics.median(latencies), statistics.median(work), statistics.median(render)


def main() -> int:
    ok = True
    for n, target in TARGETS_MS.items():
        latency, work, render = asyncio.run(measure(n))
        verdict = "OK" if latency <= target else "FAIL"
        ok = ok and latency <= target
        print(f"prioritisation move→frame {n} apps: {latency:.1f} ms (target ≤ {target:g} ms) {verdict}")
        print(
            f"prioritisation move work {n} apps: {work:.1f} ms (handler + render_line, part of the above; "
            f"render_line {render:.1f} ms)"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
