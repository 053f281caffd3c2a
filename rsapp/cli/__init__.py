"""The command line: `rsapp` starts the app; subcommands script every action of the screens.

Each subcommand family lives in its own module with a `register(subparsers)` function; heavy
imports happen inside the handlers, so that starting the app stays fast: the read-only commands
(``liste``, ``runder``, ``prioriter vis``, ``sak liste``) read a ready SQLite file through the
standard library (:func:`rsapp.cli.common.read_only`) and import neither SQLAlchemy nor Textual.

Everything argparse writes is Norwegian (:mod:`rsapp.cli.norsk`): the headings, the usage line,
the errors, and the names of commands and options (the English names stay accepted as aliases).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from types import SimpleNamespace
from typing import TYPE_CHECKING

from rsapp.cli.common import CliError

if TYPE_CHECKING:
    import argparse

#: The command families, each with ``register(subparsers)`` (imported when the parser is built).
COMMAND_MODULES = (
    "base_cmd",
    "assess_cmd",
    "prioritize_cmd",
    "import_cmd",
    "export_cmd",
    "sak_cmd",
    "followup_cmd",
    "config_cmd",
    "shared_cmd",
)


def _top_parser() -> argparse.ArgumentParser:
    """``rsapp`` with its own options only (what starting the app needs)."""
    from rsapp.cli.norsk import NorskArgumentParser

    parser = NorskArgumentParser(
        prog="rsapp",
        description="rsapp – møteforberedelse for rekrutterings- og samhandlingstilskudd (Helsefellesskap Helgeland).",
    )
    parser.add_argument(
        "--db",
        dest="db_url",
        metavar="URL",
        help="database-URL (sqlite:///sti eller postgresql://…); standard: RSAPP_DATABASE_URL eller en SQLite-fil i datamappen",
    )
    parser.add_argument(
        "--skrivebeskyttet",
        "--readonly",
        dest="readonly",
        action="store_true",
        help="åpne uten noen mulighet til å endre (databasen selv nekter skriving)",
    )
    return parser


def build_parser() -> argparse.ArgumentParser:
    """The whole command line: ``rsapp`` and every subcommand, in Norwegian."""
    import importlib

    from rsapp.cli.norsk import localise

    parser = _top_parser()
    sub = parser.add_subparsers(dest="command", metavar="KOMMANDO", title="Kommandoer")
    for name in COMMAND_MODULES:
        importlib.import_module(f"rsapp.cli.{name}").register(sub)
    return localise(parser)


def _app_options(argv: Sequence[str]) -> SimpleNamespace | None:
    """The options of a plain ``rsapp [--db URL] [--skrivebeskyttet]``, read without argparse
    (starting the app needs no parser for the 150 subcommands, so the first frame comes sooner);
    None when ``argv`` names a subcommand, asks for help or lacks a value: the full parser reads it."""
    options = SimpleNamespace(db_url=None, readonly=False)
    tokens = list(argv)
    while tokens:
        name, has_value, value = tokens.pop(0).partition("=")
        if name == "--db":
            if not has_value:
                if not tokens:
                    return None  # let the full parser say what is missing
                value = tokens.pop(0)
            options.db_url = value
        elif name in ("--skrivebeskyttet", "--readonly"):
            options.readonly = True
        else:
            return None
    return options


def starts_the_app(argv: Sequence[str]) -> bool:
    """``argv`` names no subcommand (and asks for no help): plain ``rsapp`` starts the app."""
    return _app_options(argv) is not None


def cli(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args: argparse.Namespace | SimpleNamespace | None = _app_options(argv)
    if args is None:
        args = build_parser().parse_args(argv)
    handler = getattr(args, "handler", None)
    # Who works: the OS user on SQLite, the login on PostgreSQL (rsapp.store.access).
    from rsapp.config import resolve_database_url
    from rsapp.store import access

    access.request(readonly=args.readonly, url=resolve_database_url(getattr(args, "db_url", None)))
    try:
        if handler is None:
            from rsapp.cli.base_cmd import run_app

            return run_app(args)
        return int(handler(args) or 0)
    except CliError as exc:
        print(f"Feil: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("Avbrutt.", file=sys.stderr)
        return 130
    finally:
        access.forget()
