"""The headless core loads no Textual: checked at run time, in a fresh interpreter per core unit.

The import-linter contracts in pyproject.toml read the static import graph; they cannot tell an
import at module level from one deferred into the function that needs it, and they do not see a
library that pulls Textual in sideways. These tests import the real thing in a clean interpreter
and look at ``sys.modules`` (in the manner of Harlequin's ``tests/unit_tests/test_import_hygiene.py``),
so the command line, the benchmarks and any future service can use the core without the UI.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import rsapp

PACKAGE = Path(rsapp.__file__).resolve().parent
REPO = PACKAGE.parent

#: Above the line in ARCHITECTURE.md: these may use Textual; everything else in rsapp may not.
UI = {"__main__", "app", "cli", "screens", "widgets", "ui", "dialogs", "messages", "commands"}
#: Loaded only by Alembic inside a migration context, never imported on their own.
NOT_IMPORTABLE = {"rsapp.migrations.env"}

#: What a headless import must not bring in: Textual itself and rsapp's own UI floors.
FORBIDDEN = ("textual", "rsapp.app", "rsapp.screens", "rsapp.widgets")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _core_units() -> dict[str, list[str]]:
    """Each top-level core module or package of rsapp, with every module inside it."""
    units: dict[str, list[str]] = {"rsapp": ["rsapp"]}
    for child in sorted(PACKAGE.iterdir()):
        name = child.stem if child.suffix == ".py" else child.name
        if name in UI or name.startswith((".", "_")):
            continue
        if child.is_file() and child.suffix == ".py":
            units[f"rsapp.{name}"] = [f"rsapp.{name}"]
        elif child.is_dir() and any(child.rglob("*.py")):
            modules = [_module_name(p) for p in sorted(child.rglob("*.py")) if "versions" not in p.parts]
            units[f"rsapp.{name}"] = [m for m in modules if m not in NOT_IMPORTABLE]
    return units


UNITS = _core_units()


@pytest.fixture
def run_python(tmp_path: Path) -> Callable[[str], subprocess.CompletedProcess[str]]:
    """Run a snippet in a fresh interpreter, away from the user's files, importing this checkout."""
    env = {
        **os.environ,  # conftest has already pointed HOME, XDG_* and RSAPP_DATA_DIR at a temp folder
        "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep),
    }
    env.pop("RSAPP_DATABASE_URL", None)

    def run(code: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120
        )

    return run


def _leaks(imports: list[str]) -> str:
    """A snippet importing ``imports`` one by one, printing the first that brought in a forbidden module."""
    return (
        "import importlib, sys\n"
        f"for name in {imports!r}:\n"
        "    importlib.import_module(name)\n"
        "    leaked = sorted(\n"
        f"        m for m in sys.modules if any(m == f or m.startswith(f + '.') for f in {FORBIDDEN!r})\n"
        "    )\n"
        "    if leaked:\n"
        "        print(name, 'loads', ', '.join(leaked[:5]))\n"
        "        break\n"
    )


def test_every_core_unit_is_checked() -> None:
    """The list is found on disk, so a new core package is covered without editing this file."""
    for expected in ("rsapp.money", "rsapp.dates", "rsapp.files", "rsapp.models", "rsapp.saksfremlegg"):
        assert expected in UNITS
    assert "rsapp.saksfremlegg.render" in UNITS["rsapp.saksfremlegg"]
    assert not any(unit.rpartition(".")[2] in UI for unit in UNITS)


@pytest.mark.parametrize("unit", sorted(UNITS))
def test_importing_the_core_loads_no_textual(
    unit: str, run_python: Callable[[str], subprocess.CompletedProcess[str]]
) -> None:
    proc = run_python(_leaks(UNITS[unit]))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "", f"importing {proc.stdout.strip()}"


def test_the_command_line_parser_loads_no_textual(
    run_python: Callable[[str], subprocess.CompletedProcess[str]],
) -> None:
    """`rsapp --help` and every scripted subcommand start without paying for the UI."""
    proc = run_python(
        "import sys\nfrom rsapp.cli import build_parser\nbuild_parser()\nprint('textual' in sys.modules)\n"
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "False"
