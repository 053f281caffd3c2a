"""Benchmark: median time of ``allocate(...)`` for 1 000 and 10 000 applications.

Run with ``.venv/bin/python bench/bench_allocation.py``. Target: the whole per-year ledger
for 1 000 applications over 5 budget years in under 2 ms (what the prioritisation screen
recomputes on every change). Also reports what rebuilding the validated inputs costs and the
lazily computed years view.
"""

from __future__ import annotations

import gc
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rsapp.allocation import (  # noqa: E402
    ROUTE_BOTH,
    ROUTE_LOCAL,
    ROUTE_NONE,
    ROUTE_REGIONAL,
    ApplicationInput,
    EarmarkInput,
    PotInput,
    allocate,
)

TARGET_MS_1000 = 2.0
ROUND_YEAR = 2026

POTS = [
    PotInput(2025, 2_800_000, "Rest fra 2025"),
    PotInput(2026, 5_000_000, "Lokal pott 2026"),
    PotInput(2027, 5_000_000, "Antatt pott 2027", confirmed=False),
]
EARMARKS = [
    EarmarkInput(1, "Dignio-lisens", {2026: 500_000, 2027: 500_000, 2028: 500_000}),
    EarmarkInput(2, "Prosjektleder/rådgiver", {2025: 1_000_000, 2026: 1_000_000}),
    EarmarkInput(3, "Intermediærpost Vefsn", {}, is_open=True),
]


def make_applications(n: int, seed: int = 2026) -> list[ApplicationInput]:
    """``n`` applications over 1–5 budget years (some starting in 2025, some without a year), mixed
    routes, some partial recommendations per year, shuffled ranks."""
    rng = random.Random(seed)
    ranks = list(range(1, n + 1))
    rng.shuffle(ranks)
    routes = [ROUTE_BOTH, ROUTE_BOTH, ROUTE_LOCAL, ROUTE_REGIONAL, ROUTE_NONE]
    apps = []
    for i in range(n):
        years = rng.randint(1, 5)
        first = ROUND_YEAR - 1 if rng.random() < 0.2 else ROUND_YEAR
        by_year: dict[int | None, int] = {
            first + y: rng.randrange(100_000, 2_000_000, 500) for y in range(years)
        }
        if rng.random() < 0.1:
            by_year = {None: sum(by_year.values())}
        total = sum(by_year.values())
        stated = rng.random() > 0.05
        recommended = None
        if rng.random() < 0.2:
            recommended = {ROUND_YEAR + y: rng.randrange(0, 1_000_000, 500) for y in range(years)}
            if sum(recommended.values()) > total:
                recommended = {ROUND_YEAR: total // 2}
        apps.append(
            ApplicationInput(
                key=i + 1,
                name=f"Prosjekt {i + 1}",
                rank=ranks[i],
                applied_by_year=by_year if stated else {},
                applied_total=total if stated else None,
                recommended=recommended if stated else None,
                route=rng.choice(routes),
            )
        )
    return apps


def median_ms(fn, runs: int) -> float:
    """Median of `runs` timings, with the cyclic garbage collector off while timing (as `timeit`
    does), so a collection of earlier runs' garbage is not billed to the one it interrupts."""
    fn()  # warm up
    times = []
    gc.collect()
    gc.disable()
    try:
        for _ in range(runs):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
    finally:
        gc.enable()
    return statistics.median(times) * 1000


def main() -> int:
    ok = True
    for n, runs in ((1_000, 1_000), (10_000, 100)):
        apps = make_applications(n)
        ms = median_ms(lambda apps=apps: allocate(POTS, EARMARKS, apps, round_year=ROUND_YEAR), runs)
        if n == 1_000:
            verdict = "OK" if ms < TARGET_MS_1000 else "TOO SLOW"
            ok = ok and ms < TARGET_MS_1000
            print(f"ledger, {n} apps over 5 years: {ms:.2f} ms (target < {TARGET_MS_1000:g} ms) {verdict}")
        else:
            print(f"allocation {n} apps: {ms:.2f} ms")

        # Inputs validate themselves on construction; what rebuilding them all costs.
        ms_build = median_ms(lambda apps=apps: [rebuild(a) for a in apps], max(runs // 10, 20))
        print(f"  building {n} ApplicationInput (with validation): {ms_build:.2f} ms")

        # Years view and warnings, lazily computed: worst case, every row above the line.
        big_pot = [PotInput(ROUND_YEAR, 10**12, "Stor pott")]
        allocation = allocate(big_pot, EARMARKS, apps, round_year=ROUND_YEAR)
        ms_years = median_ms(lambda allocation=allocation: _years(allocation), max(runs // 10, 20))
        print(f"  years view, all {n} within the pot: {ms_years:.2f} ms (computed on first access)")
    return 0 if ok else 1


def rebuild(app: ApplicationInput) -> ApplicationInput:
    return ApplicationInput(
        app.key, app.name, app.rank, app.applied_by_year, app.applied_total, app.recommended, app.route
    )


def _years(allocation):
    allocation._years = None  # the lazily computed view, computed again
    return allocation.years


if __name__ == "__main__":
    sys.exit(main())
