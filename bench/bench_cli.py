"""The command line's read-only commands: whole process, start to exit.

`rsapp liste` and `rsapp prioriter vis` must take no longer than `python -c "import textual.app"`
(which they do not need) measured in the same run, interleaved, median of RUNS. `rsapp runder`
and `rsapp sak liste` are reported beside them. The database is created once beforehand, so the
samples measure an ordinary (not a first) start.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = 11
TARGET = 1.0  # times `import textual.app`

BASELINE = [sys.executable, "-c", "import textual.app"]
COMMANDS = {
    "rsapp liste": ["liste"],
    "rsapp prioriter vis": ["prioriter", "vis"],
    "rsapp runder": ["runder"],
    "rsapp sak liste": ["sak", "liste"],
}
CHECKED = ("rsapp liste", "rsapp prioriter vis")


def sample(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        env = os.environ.copy()
        env["RSAPP_DATA_DIR"] = tmp
        env["RSAPP_DATABASE_URL"] = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        rsapp = [sys.executable, "-m", "rsapp"]
        subprocess.run([*rsapp, "db", "oppgrader"], check=True, env=env, stdout=subprocess.DEVNULL)
        times: dict[str, list[float]] = {"import textual.app": []}
        for name in COMMANDS:
            times[name] = []
        for _ in range(RUNS):  # interleaved, so machine noise hits all alike
            times["import textual.app"].append(sample(BASELINE, env))
            for name, argv in COMMANDS.items():
                times[name].append(sample([*rsapp, *argv], env))
    base = statistics.median(times["import textual.app"])
    print(f"cli python -c 'import textual.app': {base * 1000:.0f} ms (median of {RUNS})")
    for name in COMMANDS:
        value = statistics.median(times[name])
        ratio = value / base
        verdict = ""
        if name in CHECKED:
            ok = ratio <= TARGET
            verdict = f" (target <= {TARGET:.1f}x) {'OK' if ok else 'FAIL'}"
        print(f"cli {name}: {value * 1000:.0f} ms = {ratio:.2f}x import textual.app{verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
