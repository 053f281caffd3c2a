"""Benchmark: writing the Excel prioritisation list for 1 000 and 10 000 applications.

Run with ``.venv/bin/python bench/bench_export_excel.py``. Targets: under 0.5 s for 1 000
applications and under 3 s for 10 000, measured as the best of a few runs of
``write_excel(data, path)`` (build every sheet with the per-year søkt/innstilt columns, the
cut-line formulas and conditional formats, save, rename) from a plain
:class:`~rsapp.export.excel.ExcelData`: no database. The applications span one to five budget
years (2026-2030), so the list has ten year columns. Prints one line per size (and the public-API
writer's time at 1 000, for reference) and exits non-zero if a target is missed.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from datetime import date
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
from rsapp.export.excel import ApplicationText, ExcelData, data_from_allocation, write_excel  # noqa: E402

ROUND_YEAR = 2026
TARGETS = {1_000: 0.5, 10_000: 3.0}
MUNICIPALITIES = [
    "Rana",
    "Alstahaug",
    "Vefsn",
    "Brønnøy",
    "Grane",
    "Hattfjelldal",
    "Hemnes",
    "Leirfjord",
    "Nesna",
]
WORDS = [
    "Interkommunalt",
    "innsats",
    "team",
    "digital",
    "oppfølging",
    "rehabilitering",
    "forprosjekt",
    "Helgeland",
]

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


def synthetic_data(n: int, seed: int = 2026) -> ExcelData:
    """``n`` applications over 1–5 budget years (some without a year), mixed routes and texts."""
    rng = random.Random(seed)
    routes = [ROUTE_BOTH, ROUTE_BOTH, ROUTE_LOCAL, ROUTE_REGIONAL, ROUTE_NONE]
    apps: list[ApplicationInput] = []
    texts: dict[int, ApplicationText] = {}
    for i in range(n):
        if rng.random() < 0.1:
            by_year: dict[int | None, int] = {None: rng.randrange(100_000, 3_000_000, 500)}
        else:
            first = ROUND_YEAR + rng.randint(-1, 1)
            by_year = {first + y: rng.randrange(100_000, 2_000_000, 500) for y in range(rng.randint(1, 5))}
        total = sum(by_year.values())
        stated = rng.random() > 0.05
        recommended = {ROUND_YEAR: rng.randrange(0, total + 1)} if stated and rng.random() < 0.2 else None
        apps.append(
            ApplicationInput(
                key=i + 1,
                name=" ".join(rng.choices(WORDS, k=rng.randint(3, 9))).capitalize() + f" {i + 1}",
                rank=i + 1,
                applied_by_year=by_year if stated else {},
                applied_total=total if stated else None,
                recommended=recommended,
                route=rng.choice(routes),
            )
        )
        munis = rng.sample(MUNICIPALITIES, rng.randint(1, 4))
        texts[i + 1] = ApplicationText(
            owners=" og ".join(f"{m} kommune" for m in munis),
            municipalities=", ".join(munis),
            hospital_trust="Helgelandssykehuset HF",
            status="Mottatt",
            comment='=HYPERLINK("x")' if i % 97 == 0 else ("Avklar budsjett" if i % 7 == 0 else ""),
        )
    allocation = allocate(POTS, EARMARKS, apps, round_year=ROUND_YEAR)
    return data_from_allocation(
        allocation,
        helsefellesskap="Helsefellesskap Helgeland",
        hospital_trust="Helgelandssykehuset HF",
        round_name="Rekrutterings- og samhandlingstilskudd 2026",
        today=date(2025, 10, 20),
        texts=texts,
    )


def best_of(data: ExcelData, path: Path, runs: int, *, fast: bool | None = None) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        write_excel(data, path, force=True, fast=fast)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> int:
    ok = True
    with tempfile.TemporaryDirectory(prefix="rsapp-bench-excel-") as tmp:
        for n, target in TARGETS.items():
            data = synthetic_data(n)
            path = Path(tmp) / f"bench_{n}.xlsx"
            seconds = best_of(data, path, runs=5 if n <= 1_000 else 3)
            passed = seconds < target
            ok &= passed
            size_kb = path.stat().st_size / 1024
            print(
                f"export_excel_{n}: {seconds:.3f} s (target < {target} s, {size_kb:.0f} KiB, "
                f"{len(data.years)} years) {'OK' if passed else 'FAIL'}"
            )
            if n == 1_000:
                public = best_of(data, path, runs=1, fast=False)
                print(f"export_excel_{n}_public_api: {public:.3f} s (fallback writer, for reference)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
