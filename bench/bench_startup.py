"""Start-up: process start to the first frame of the portfolio with its data.

Reported as a ratio to a minimal Textual app measured in the same run (target ≤ 1.5×).
Each sample is a fresh `python` process run headless; it reports the wall-clock time from just
before the parent started it to its first frame (later work, such as the warm-up of the
database layer that follows the first frame, is not counted). The database is created once
beforehand, so the samples measure an ordinary (not a first) start.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = 9
TARGET = 1.5

MINIMAL = """
import sys, time
from textual.app import App
from textual.widgets import Static

class Minimal(App):
    def compose(self):
        yield Static("Hei")
    def on_mount(self):
        self.call_after_refresh(self.first_frame)
    def first_frame(self):
        print(time.time() - float(sys.argv[1]), flush=True)
        self.exit()

Minimal().run(headless=True)
"""

RSAPP = """
import sys, time
from rsapp.app import make_app
from rsapp.screens import portfolio

_mount = portfolio.PortfolioScreen.on_mount
def on_mount(self):
    _mount(self)
    assert self.query_one("#applications").row_count > 0
    self.call_after_refresh(first_frame, self)
def first_frame(screen):
    print(time.time() - float(sys.argv[1]), flush=True)
    screen.app.exit()
portfolio.PortfolioScreen.on_mount = on_mount

make_app(database_url=sys.argv[2]).run(headless=True)
"""


def sample(code: str, *args: str) -> float:
    """Seconds from process start to the first frame, as the child measured it."""
    start = time.time()
    out = subprocess.run(
        [sys.executable, "-c", code, str(start), *args],
        check=True,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
    ).stdout
    return float(out.strip().splitlines()[-1])


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        os.environ["RSAPP_DATA_DIR"] = tmp
        first = sample(RSAPP, url)  # creates, migrates and loads the database
        minimal, rsapp = [], []
        for _ in range(RUNS):  # interleaved, so machine noise hits both alike
            minimal.append(sample(MINIMAL))
            rsapp.append(sample(RSAPP, url))
    m, r = statistics.median(minimal), statistics.median(rsapp)
    ratio = r / m
    ok = "OK" if ratio <= TARGET else "FAIL"
    print(f"startup first run (new database): {first * 1000:.0f} ms")
    print(f"startup minimal textual app: {m * 1000:.0f} ms (median of {RUNS})")
    print(f"startup rsapp portfolio with data: {r * 1000:.0f} ms (median of {RUNS})")
    print(f"startup ratio: {ratio:.2f}x (target <= {TARGET}x) {ok}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
