"""`rsapp` on the command line: starts the app, or runs a subcommand (see `rsapp --help`).

This is the entry point (``[project.scripts] rsapp = "rsapp.__main__:cli"``), and the last
line of defence: whatever escapes a command becomes one Norwegian sentence on standard error
(:func:`rsapp.store.errors.describe` for database and file errors), never a traceback. An
error nobody foresaw is written, without values, to ``feil.log`` in the data folder.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def _quiet_libraries() -> None:
    """Libraries that log in English to standard error (pypdf's "Ignoring wrong pointing object")
    say nothing: what matters reaches the user as rsapp's own Norwegian message."""
    import logging

    for name in ("pypdf", "PyPDF2", "docx", "docxtpl", "openpyxl", "alembic", "sqlalchemy"):
        logger = logging.getLogger(name)
        logger.addHandler(logging.NullHandler())
        logger.propagate = False


def cli(argv: Sequence[str] | None = None) -> int:
    """Run rsapp with ``argv``; returns the exit code (0 on success)."""
    _quiet_libraries()
    try:
        from rsapp.housekeeping import clean_after_killed_runs

        clean_after_killed_runs()
    except Exception:  # noqa: BLE001 - tidying up must never stop rsapp from starting
        pass
    from rsapp.cli import cli as run

    try:
        return run(argv)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        print("Avbrutt.", file=sys.stderr)
        return 130
    except BaseException as exc:  # noqa: BLE001 - the last line: a message, never a traceback
        from rsapp.failure import user_message

        print(f"Feil: {user_message(exc)}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(cli())
