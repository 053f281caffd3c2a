"""`rsapp` on the command line: starts the app, or runs a subcommand (see `rsapp --help`).

This is the entry point (``[project.scripts] rsapp = "rsapp.__main__:cli"``), and the last
line of defence: whatever escapes a command becomes one Norwegian sentence on standard error
(:func:`rsapp.store.errors.describe` for database and file errors), never a traceback. An
error nobody foresaw is written, without values, to ``feil.log`` in the data folder.

Before a command runs, what killed rsapp processes left behind is removed (rsapp.housekeeping).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def _clean_up(argv: Sequence[str]) -> None:
    """What killed rsapp processes left behind (rsapp.housekeeping). A plain ``rsapp`` (the app)
    does it after its first frame instead, so that the start does not wait for it."""
    from rsapp.cli import starts_the_app

    if starts_the_app(argv):
        return
    try:
        from rsapp.housekeeping import clean_after_killed_runs

        clean_after_killed_runs()
    except Exception:  # noqa: BLE001 - tidying up must never stop rsapp from starting
        pass


def cli(argv: Sequence[str] | None = None) -> int:
    """Run rsapp with ``argv``; returns the exit code (0 on success)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    _clean_up(argv)
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
