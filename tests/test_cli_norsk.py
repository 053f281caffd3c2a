"""The command line speaks Norwegian all the way down, and its read-only commands answer at once.

* ``rsapp --hjelp`` and every subcommand's help: Norwegian headings and help option, Norwegian
  command and option names first (the English ones still work);
* argparse's errors (a missing, unknown or wrong argument) in Norwegian, exit code 2;
* ``liste``, ``runder``, ``prioriter vis`` and ``sak liste`` on a ready SQLite file import neither
  SQLAlchemy nor Textual (the fast read path), and print the same as through the ORM.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rsapp.cli import build_parser, cli
from rsapp.cli.norsk import COMMAND_NAMES, OPTION_NAMES, walk
from rsapp.db import open_database

REPO = Path(__file__).resolve().parents[1]

#: argparse's own English, which must not reach the user.
ENGLISH = (
    "usage:",
    "positional arguments",
    "options:",
    "optional arguments",
    "show this help message",
    "error:",
    "required",
    "invalid choice",
    "unrecognized",
    "expected one argument",
)


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = cli(list(argv))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_top_help_is_norwegian(capsys: pytest.CaptureFixture[str]) -> None:
    for flag in ("--hjelp", "--help", "-h"):
        code, out, _ = _run(capsys, flag)
        assert code == 0
        assert out.startswith("Bruk: rsapp")
        assert "Valg:" in out and "Kommandoer:" in out and "vis denne hjelpeteksten og avslutt" in out
        assert not any(word in out for word in ENGLISH), out
    # Norwegian names first, the English ones shown as aliases
    assert "liste (list)" in out and "runder (rounds)" in out and "eksport (export)" in out
    assert "importer (import)" in out and "start (run)" in out


def _subparsers() -> list[argparse.ArgumentParser]:
    return list(walk(build_parser()))


#: Options whose name is English (each has a Norwegian name first; the English one is an alias).
ENGLISH_OPTIONS = frozenset(k for k, v in OPTION_NAMES.items() if k != v) | {"--help"}


@pytest.mark.parametrize("parser", _subparsers(), ids=lambda p: p.prog)
def test_every_subcommands_help_is_norwegian(parser: argparse.ArgumentParser) -> None:
    text = parser.format_help()
    assert text.startswith("Bruk: "), text
    assert not any(word in text for word in ENGLISH), text
    english_commands = {k for k, v in COMMAND_NAMES.items() if k != v}
    assert not any(part in english_commands for part in parser.prog.split()[1:]), parser.prog
    for action in parser._actions:
        longs = [s for s in action.option_strings if s.startswith("--")]
        if longs and longs[0] in OPTION_NAMES:
            assert OPTION_NAMES[longs[0]] == longs[0], f"{parser.prog}: {longs} (English first)"
        assert not longs or longs[0] not in ENGLISH_OPTIONS, f"{parser.prog}: {longs} (English first)"
        metavar = action.metavar
        if isinstance(metavar, str) and metavar.isupper():
            assert metavar not in {"DATE", "PLACE", "TITLE", "NUMBER", "MEETING", "OUTPUT", "ROUND_KEY"}, (
                parser.prog,
                metavar,
            )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["liste", "--bogus"], "ukjent argument: --bogus"),
        (["eksport", "excel"], "disse må oppgis: --runde"),
        (["db", "nei"], "ugyldig valg: «nei»"),
        (["sak", "møte", "slett", "x"], "ugyldig verdi: «x»"),
        (["prioriter", "flytt", "1", "2", "--runde"], "--runde/--round: mangler verdi"),
        (["finnesikke"], "ugyldig valg: «finnesikke»"),
    ],
)
def test_errors_are_norwegian(capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    code, out, err = _run(capsys, *argv)
    assert code == 2
    assert message in err, err
    assert "feil:" in err and "Bruk: rsapp" in err and "--hjelp" in err
    assert not any(word in err for word in ENGLISH), err


@pytest.fixture
def ready_db(tmp_path: Path) -> str:
    """A SQLite file as after the first start: migrated, built-in data loaded."""
    url = f"sqlite:///{tmp_path / 'rsapp.sqlite3'}"
    open_database(url).dispose()
    return url


def test_english_names_still_work(capsys: pytest.CaptureFixture[str], ready_db: str) -> None:
    norwegian = _run(capsys, "--db", ready_db, "liste")
    english = _run(capsys, "--db", ready_db, "list")
    assert norwegian[0] == english[0] == 0 and norwegian[1] == english[1]
    assert (
        _run(capsys, "--db", ready_db, "prioritize", "show", "--round", "helgeland-2026")[1]
        == _run(capsys, "--db", ready_db, "prioriter", "vis", "--runde", "helgeland-2026")[1]
    )


@pytest.mark.parametrize(
    "argv",
    [["liste"], ["runder"], ["prioriter", "vis"], ["sak", "liste"]],
    ids=lambda argv: " ".join(argv),
)
def test_read_only_commands_import_no_sqlalchemy_and_no_textual(ready_db: str, argv: list[str]) -> None:
    code = (
        "import sys\nfrom rsapp.cli import cli\n"
        f"code = cli(['--db', {ready_db!r}, *{argv!r}])\n"
        "print('LOADED', 'sqlalchemy' in sys.modules, 'textual' in sys.modules, code)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "LOADED False False 0", proc.stdout


def test_prioriter_vis_reads_the_same_through_both_readers(
    capsys: pytest.CaptureFixture[str], ready_db: str, tmp_path: Path
) -> None:
    """What the fast path prints is the allocation read through a SQLAlchemy session."""
    from sqlmodel import Session

    from rsapp.portfolio import round_allocation, round_by_key
    from rsapp.store.read_model import SessionReader

    _code, out, _err = _run(capsys, "--db", ready_db, "prioriter", "vis")
    engine = open_database(ready_db)
    try:
        with Session(engine) as session:
            reader = SessionReader(session)
            info = round_by_key(reader, "helgeland-2026")
            allocation = round_allocation(reader, info.id)
    finally:
        engine.dispose()
    from rsapp.money import format_kr

    assert f"Igjen i {allocation.round_year}: {format_kr(allocation.left)}" in out
    for row in allocation.rows:
        assert str(row.key) in out


def test_config_sti_follows_the_users_config_folder(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "config", "sti")
    assert code == 0
    assert out.strip() == str(Path(os.environ["XDG_CONFIG_HOME"]) / "rsapp" / "config.toml")
