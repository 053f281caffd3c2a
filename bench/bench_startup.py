"""Start-up: process start to the first frame of the portfolio with its data and final layout.

Reported as a ratio to a minimal Textual app measured in the same run (target ≤ 1.2×).
Each sample is a fresh `python` process that starts rsapp the way the `rsapp` command does
(`rsapp.cli`), run headless; the database is created once beforehand, so the samples measure an
ordinary (not a first) start. Each reports, from just before the parent started it:

* **first paint** (the target): the first compositor refresh of the screen that is shown (the
  portfolio; the minimal app's only screen), taken through a hook on Textual's
  ``Screen._compositor_refresh``: the moment the frame is made and a user would see it. For
  rsapp the portfolio is checked, when it is mounted, to have its rows and the filter row (the
  final layout);
* **next idle**: a callback after the screen's first refresh, which comes when the screen is next
  idle, so it also counts the work done right after the frame (in rsapp: the filter menus swapped
  in, the database layer's warm-up and the live updates started, the garbage collector switched
  back on). This was the bench's only figure until November 2026; CPU time is taken there.

A third app is a plain Textual app with the same kinds of widgets (header, filters and search
field, a table, footer) and nothing of rsapp: it shows how much of the distance to the minimal app
is Textual's own widgets (its DataTable alone is about 20 ms) and how much is rsapp's.
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
TARGET = 1.2

# Put before every program: report the first compositor refresh (the frame is made) of the screen
# class the program names in FIRST_PAINT_OF, as "paint <seconds since start>".
PAINT_HOOK = """
import sys, time
import textual.screen as _screen_module
_refresh = _screen_module.Screen._compositor_refresh
def _first_paint(self, _done=[]):
    _refresh(self)
    if not _done and type(self).__name__ == FIRST_PAINT_OF:
        _done.append(True)
        print("paint", time.time() - float(sys.argv[1]), flush=True)
_screen_module.Screen._compositor_refresh = _first_paint
"""

MINIMAL = """
FIRST_PAINT_OF = "Screen"
import sys, time
from textual.app import App
from textual.widgets import Static

class Minimal(App):
    def compose(self):
        yield Static("Hei")
    def on_mount(self):
        self.call_after_refresh(self.first_frame)
    def first_frame(self):
        print(time.time() - float(sys.argv[1]), time.process_time(), flush=True)
        self.exit()

Minimal().run(headless=True)
"""

# A Textual app with the kinds of widgets the portfolio's first frame has (a header, a row of
# filters with a search field, a table of seven rows, status lines, a footer) and nothing of rsapp:
# how much of the distance to the minimal app is Textual's own widgets.
SAME_WIDGETS = """
FIRST_PAINT_OF = "Screen"
import sys, time
from textual.app import App
from textual.containers import Horizontal
from textual.widgets import DataTable, Footer, Header, Input, Static

class SameWidgets(App):
    def compose(self):
        yield Header()
        yield Static("Pott")
        with Horizontal():
            yield Static("Helgeland")
            yield Static("2026")
            yield Static("Alle")
            yield Input(placeholder="Søk")
        yield DataTable()
        yield Static("")
        yield Static("7 av 7")
        yield Footer()
    def on_mount(self):
        table = self.query_one(DataTable)
        table.add_columns(*"abcdefghij")
        for i in range(7):
            table.add_row(*[f"celle {i} {j}" for j in range(10)])
        self.call_after_refresh(self.first_frame)
    def first_frame(self):
        print(time.time() - float(sys.argv[1]), time.process_time(), flush=True)
        self.exit()

SameWidgets().run(headless=True)
"""

RSAPP = """
FIRST_PAINT_OF = "PortfolioScreen"
import importlib.machinery, sys, time

# rsapp starts as the `rsapp` command does (rsapp.__main__.cli); two of its modules are patched as they are
# imported, so that nothing is imported earlier than in a real start: the app runs headless, and
# the portfolio screen reports its first frame.
def first_frame(screen):
    print(time.time() - float(sys.argv[1]), time.process_time(), flush=True)
    screen.app.exit()

def patch_app(module):
    run = module.RsApp.run
    module.RsApp.run = lambda self, **kw: run(self, headless=True)

def patch_portfolio(module):
    mount = module.PortfolioScreen.on_mount
    def on_mount(self):
        mount(self)
        assert self.query_one("#applications").row_count > 0
        assert self.query_one("#filters").children  # the final layout: the filter row is there
        self.call_after_refresh(first_frame, self)
    module.PortfolioScreen.on_mount = on_mount

PATCHES = {"rsapp.app": patch_app, "rsapp.screens.portfolio": patch_portfolio}

class Hook:  # a meta path finder (importlib.abc would import importlib.resources, which rsapp never does)
    def find_spec(self, name, path, target=None):
        if name not in PATCHES:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        execute = spec.loader.exec_module
        def exec_module(module):
            execute(module)
            PATCHES[name](module)
        spec.loader.exec_module = exec_module
        return spec

sys.meta_path.insert(0, Hook())
from rsapp.__main__ import cli
cli(["--db", sys.argv[2]])
"""


def sample(code: str, *args: str) -> tuple[float, float, float]:
    """Seconds from process start to the first frame (wall clock, and the child's CPU time), and
    to its first paint (wall clock)."""
    start = time.time()
    out = subprocess.run(
        [sys.executable, "-c", PAINT_HOOK + code, str(start), *args],
        check=True,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
    ).stdout
    lines = out.strip().splitlines()
    paint = next(float(line.split()[1]) for line in lines if line.startswith("paint "))
    wall, cpu = lines[-1].split()
    return float(wall), float(cpu), paint


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        os.environ["RSAPP_DATA_DIR"] = tmp
        first, _, _ = sample(RSAPP, url)  # creates, migrates and loads the database
        sample(RSAPP, url)  # and the day's copy of the file is made: an ordinary start from here
        minimal, rsapp, same = [], [], []
        for _ in range(RUNS):  # interleaved, so machine noise hits all alike
            minimal.append(sample(MINIMAL))
            rsapp.append(sample(RSAPP, url))
            same.append(sample(SAME_WIDGETS))
    m, r = statistics.median(w for w, _, _ in minimal), statistics.median(w for w, _, _ in rsapp)
    mc, rc = statistics.median(c for _, c, _ in minimal), statistics.median(c for _, c, _ in rsapp)
    mp, rp = statistics.median(p for _, _, p in minimal), statistics.median(p for _, _, p in rsapp)
    s_, sp = statistics.median(w for w, _, _ in same), statistics.median(p for _, _, p in same)
    ratio = rp / mp
    ok = "OK" if ratio <= TARGET else "FAIL"
    print(f"startup first run (new database): {first * 1000:.0f} ms")
    print(
        f"startup minimal textual app: first paint {mp * 1000:.0f} ms, next idle {m * 1000:.0f} ms (median of {RUNS})"
    )
    print(f"startup rsapp portfolio with data: first paint {rp * 1000:.0f} ms, next idle {r * 1000:.0f} ms")
    print(f"startup ratio (first paint): {ratio:.2f}x (target <= {TARGET}x) {ok}")
    print(
        f"startup ratio (next idle): {r / m:.2f}x, CPU {rc / mc:.2f}x ({rc * 1000:.0f} ms against {mc * 1000:.0f} ms)"
    )
    print(
        f"startup textual app with the same kinds of widgets: first paint {sp * 1000:.0f} ms ({sp / mp:.2f}x the "
        f"minimal app), next idle {s_ * 1000:.0f} ms; rsapp's first paint is {rp / sp:.2f}x that app's"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
