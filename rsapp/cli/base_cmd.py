"""`rsapp` (start the app), `rsapp liste`, `rsapp runder` and `rsapp db`.

``liste`` and ``runder`` only read: they go through :func:`rsapp.cli.common.read_only` (the
standard library's sqlite3 on a ready SQLite file), so they answer without SQLAlchemy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rsapp.cli.common import CliError, open_engine, print_table, read_only

if TYPE_CHECKING:
    import argparse

    from rsapp.store.read_model import RoundInfo


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "start", aliases=["run"], help="start rsapp (det samme som å kjøre rsapp uten kommando)"
    )
    p.set_defaults(handler=run_app)

    p = sub.add_parser("liste", aliases=["list"], help="vis søknadene i en runde")
    p.add_argument(
        "--round", dest="round_key", help="runde, f.eks. helgeland-2026 (standard: nyeste Helgeland-runde)"
    )
    p.set_defaults(handler=list_cmd)

    p = sub.add_parser("runder", aliases=["rounds"], help="vis rundene med pott og avsetninger")
    p.set_defaults(handler=rounds_cmd)

    p = sub.add_parser("db", help="databasen: oppgrader skjemaet og last inn innebygde data")
    p.add_argument(
        "action",
        choices=["oppgrader", "info", "upgrade", "tilganger"],
        metavar="{oppgrader,info,tilganger}",
        help="oppgrader: migrer og last inn; info: vis URL og revisjon; "
        "tilganger: PostgreSQLs roller og radnivåsikkerhet (se README)",
    )
    p.set_defaults(handler=db_cmd)


def run_app(args: argparse.Namespace) -> int:
    import gc

    # Start-up allocates a great deal and frees almost nothing: the cyclic garbage collector
    # would only slow the first frame down. The app switches it on again right after that frame.
    gc.disable()
    try:
        return _run_app(args)
    finally:
        gc.enable()


def _run_app(args: argparse.Namespace) -> int:
    import gc
    from threading import Thread

    from rsapp.app import make_app
    from rsapp.config import resolve_database_url

    url = resolve_database_url(getattr(args, "db_url", None))
    app = make_app(database_url=url, live=True)
    app.after_first_frame(gc.enable)
    # The first start of a day copies the SQLite file (the last 14 kept), in a thread started
    # once the first frame is drawn, so that the start does not share its time with the copy.
    copy = Thread(target=_daily_copy, args=(url,), name="rsapp-daily-copy")
    app.after_first_frame(copy.start)
    app.run()
    if copy.ident is not None:  # started (not when the app stopped before its first frame)
        copy.join()
    return app.return_code or 0


def _daily_copy(url: str) -> None:
    import sys

    try:
        from rsapp.store.backup import daily_copy

        daily_copy(url)
    except Exception as exc:  # noqa: BLE001 - a failed copy must not stop the app; say so
        print(f"Advarsel: dagens sikkerhetskopi ble ikke laget: {exc}", file=sys.stderr)


def _round(source: Any, key: str | None) -> RoundInfo:
    from rsapp.portfolio import default_round, round_by_key

    if key:
        try:
            return round_by_key(source, key)
        except LookupError as exc:
            raise CliError(str(exc)) from exc
    info = default_round(source)
    if info is None:
        raise CliError("Databasen har ingen runder.")
    return info


def list_cmd(args: argparse.Namespace) -> int:
    from rsapp.money import format_amount_or_missing
    from rsapp.portfolio import list_applications
    from rsapp.vocab import status_label

    with read_only(args) as reader:
        info = _round(reader, args.round_key)
        apps = list_applications(reader, info.id)
    print(f"{info.label} ({info.key})")
    rows = [
        [
            str(a.rank or ""),
            a.title,
            a.owners,
            a.applied_year_label(),
            format_amount_or_missing(a.applied_total),
            status_label(a.status),
        ]
        for a in apps
    ]
    print_table(
        ["Nr", "Prosjekt", "Prosjekteiere", f"Søkt {info.year}", "Søkt totalt", "Status"],
        rows,
        right={0, 3, 4},
    )
    return 0


def rounds_cmd(args: argparse.Namespace) -> int:
    from rsapp.portfolio import load_portfolio, pot_header

    with read_only(args) as reader:
        portfolio = load_portfolio(reader)
    for info in portfolio.rounds:
        print(f"{info.key}: {info.label}")
        print(f"  {pot_header(portfolio.allocation(info.id))}")
    return 0


def db_cmd(args: argparse.Namespace) -> int:
    from rsapp.config import resolve_database_url
    from rsapp.db import current_revision, make_engine

    url = resolve_database_url(getattr(args, "db_url", None))
    if args.action == "tilganger":
        from rsapp.cli.shared_cmd import access_cmd

        return access_cmd(args)
    from rsapp.store.errors import describe

    shown = url if url.startswith("sqlite") else _without_password(url)
    if args.action in ("oppgrader", "upgrade"):
        open_engine(args)
        print(f"Databasen er oppdatert: {shown}")
    else:
        print(f"Database: {shown}")
        from rsapp.db import DatabaseError, check_url

        try:
            check_url(url)
            engine = make_engine(url)
            try:
                revision = current_revision(engine)
            finally:
                engine.dispose()
        except DatabaseError as exc:
            raise CliError(str(exc)) from None
        except Exception as exc:  # noqa: BLE001 - said in Norwegian, never the driver's text
            message = describe(exc, url)
            if message is None:
                raise
            raise CliError(message) from None
        print(f"Skjemarevisjon: {revision or 'ingen (ny database)'}")
    return 0


def _without_password(url: str) -> str:
    """A server URL as typed, with the password (if any) replaced by ***."""
    from sqlalchemy.engine import make_url

    try:
        parsed = make_url(url)
    except Exception:  # noqa: BLE001 - not a URL SQLAlchemy reads: hide anything after "user:"
        import re

        return re.sub(r"(://[^:/@]*:)[^@/]*@", r"\1***@", url)
    text = parsed.render_as_string(hide_password=True)
    return text.replace("postgresql+psycopg://", "postgresql://", 1)
