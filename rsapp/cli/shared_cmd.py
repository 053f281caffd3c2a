"""Shared use on the command line: users, the browser, members' rankings, backups.

* ``rsapp bruker ny|endre|passord|deaktiver|liste`` — the users and their roles;
* ``rsapp db tilganger`` — PostgreSQL's roles, grants and row-level security (handled here,
  registered with ``rsapp db``);
* ``rsapp serve`` — rsapp in the browser (textual-serve), each browser session its own process
  (``rsapp nettøkt``, started by the server) behind a sign-in screen;
* ``rsapp rangering vis|flytt|samlet|bruk`` — an SSU member's own ranking; the secretariat's
  aggregate and taking it as the starting order;
* ``rsapp backup FIL``, ``rsapp restore FIL`` — the whole database; ``rsapp runde eksport|import``
  — one round as JSON.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import Any

from rsapp.cli.common import CliError, cli_message, open_db, print_table

__all__ = ["register"]

DEFAULT_PORT = 8000


def register(sub: argparse._SubParsersAction) -> None:
    # --- users -----------------------------------------------------------------------------------
    p = sub.add_parser("bruker", aliases=["user"], help="brukere: legg til, endre, vis (roller og tilgang)")
    users = p.add_subparsers(dest="bruker_cmd", metavar="HANDLING", required=True)
    q = users.add_parser("ny", aliases=["new"], help="legg til en bruker")
    q.add_argument("brukernavn", help="innloggingsnavnet (små bokstaver), også databasebruker på PostgreSQL")
    q.add_argument("--rolle", required=True, help="sekretariat, SSU-medlem (ssu) eller lesetilgang")
    q.add_argument("--helsefellesskap", required=True, help="f.eks. helgeland eller troms-ofoten")
    q.add_argument("--navn", default="", help="fullt navn")
    q.add_argument("--person", help="personen i SSU-registeret (for et SSU-medlem: vurderingene er hennes)")
    _password_options(q, new=True)
    q.set_defaults(handler=user_new_cmd)
    q = users.add_parser("endre", aliases=["change"], help="endre rolle, helsefellesskap, navn eller kobling")
    q.add_argument("brukernavn")
    q.add_argument("--rolle")
    q.add_argument("--helsefellesskap")
    q.add_argument("--navn")
    q.add_argument("--person", help='personen i SSU-registeret ("" fjerner koblingen)')
    q.set_defaults(handler=user_change_cmd)
    q = users.add_parser("passord", aliases=["password"], help="sett nytt passord")
    q.add_argument("brukernavn")
    _password_options(q, new=False)
    q.set_defaults(handler=user_password_cmd)
    q = users.add_parser("deaktiver", aliases=["disable"], help="steng brukeren ute (kan aktiveres igjen)")
    q.add_argument("brukernavn")
    q.set_defaults(handler=lambda args: _set_active(args, False))
    q = users.add_parser("aktiver", aliases=["enable"], help="slipp en deaktivert bruker inn igjen")
    q.add_argument("brukernavn")
    q.set_defaults(handler=lambda args: _set_active(args, True))
    q = users.add_parser("liste", aliases=["list"], help="vis brukerne")
    q.set_defaults(handler=user_list_cmd)

    # --- the browser -----------------------------------------------------------------------------
    p = sub.add_parser("serve", aliases=["nett"], help="kjør rsapp i nettleseren (textual-serve)")
    p.add_argument("--vert", "--host", dest="host", default="127.0.0.1", help="adressen det lyttes på")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"porten (standard {DEFAULT_PORT})")
    p.add_argument(
        "--offentlig-url",
        "--public-url",
        dest="public_url",
        help="adressen brukerne åpner når rsapp står bak en HTTPS-proxy, f.eks. https://rsapp.example.no",
    )
    p.set_defaults(handler=serve_cmd)
    p = sub.add_parser("nettøkt", help="én nettleserøkt med innlogging (startes av rsapp serve)")
    p.set_defaults(handler=web_session_cmd)

    # --- members' rankings -----------------------------------------------------------------------
    p = sub.add_parser("rangering", aliases=["ranking"], help="SSU-medlemmenes egne rangeringer")
    rank = p.add_subparsers(dest="rangering_cmd", metavar="HANDLING", required=True)
    q = rank.add_parser("vis", aliases=["show"], help="vis din egen rangering (SSU-medlem)")
    _round_option(q)
    q.set_defaults(handler=ranking_show_cmd)
    q = rank.add_parser("flytt", aliases=["move"], help="flytt en søknad i din egen rangering")
    q.add_argument("id", type=int, help="søknadens id (se rsapp rangering vis)")
    q.add_argument("plass", type=int, help="ny plass, 1 = først")
    _round_option(q)
    q.set_defaults(handler=ranking_move_cmd)
    q = rank.add_parser("samlet", aliases=["aggregate"], help="medlemmenes samlede rangering (sekretariatet)")
    _round_option(q)
    q.set_defaults(handler=ranking_aggregate_cmd)
    q = rank.add_parser("bruk", aliases=["apply"], help="gi innstillingen medlemmenes samlede rekkefølge")
    _round_option(q)
    q.add_argument("--ja", action="store_true", help="ikke spør først")
    q.set_defaults(handler=ranking_use_cmd)

    # --- backups ---------------------------------------------------------------------------------
    p = sub.add_parser("backup", aliases=["sikkerhetskopi"], help="ta sikkerhetskopi av hele databasen")
    p.add_argument("fil", help="filen kopien skrives til (leses bare av deg)")
    p.set_defaults(handler=backup_cmd)
    p = sub.add_parser(
        "restore", aliases=["gjenopprett"], help="legg en sikkerhetskopi tilbake i en tom database"
    )
    p.add_argument("fil", help="sikkerhetskopien (fra rsapp backup)")
    p.set_defaults(handler=restore_cmd)
    p = sub.add_parser("runde", aliases=["round"], help="én runde som JSON: eksport og import")
    rounds = p.add_subparsers(dest="runde_cmd", metavar="HANDLING", required=True)
    q = rounds.add_parser("eksport", aliases=["export"], help="skriv hele runden til en JSON-fil")
    _round_option(q)
    q.add_argument("-o", "--ut", dest="output", required=True, help="JSON-filen")
    q.set_defaults(handler=round_export_cmd)
    q = rounds.add_parser("import", help="les en runde fra en JSON-fil inn i databasen")
    q.add_argument("fil")
    q.set_defaults(handler=round_import_cmd)


def _password_options(parser: argparse.ArgumentParser, *, new: bool) -> None:
    parser.add_argument(
        "--passord-stdin", action="store_true", help="les passordet fra standard inn (én linje), for skript"
    )
    if new:
        parser.add_argument(
            "--uten-passord",
            action="store_true",
            help="ingen innlogging i nettleseren ennå (på SQLite er OS-brukeren identiteten i terminalen)",
        )


def _round_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--round", "--runde", dest="round_key", help="runde, f.eks. helgeland-2026 (standard: nyeste)"
    )


def _read_password(args: argparse.Namespace, *, required: bool) -> str | None:
    if getattr(args, "uten_passord", False):
        return None
    if args.passord_stdin:
        line = sys.stdin.readline().rstrip("\n")
        if not line:
            raise CliError("Fant ikke noe passord på standard inn.")
        return line
    if not sys.stdin.isatty():
        if required:
            raise CliError("Oppgi passordet med --passord-stdin (ingen terminal å spørre i).")
        return None
    first = getpass.getpass("Passord: ")
    second = getpass.getpass("Gjenta passordet: ")
    if first != second:
        raise CliError("Passordene var ikke like.")
    return first


def _call(args: argparse.Namespace, function: Any, *values: Any, seed: bool = True, **kwargs: Any) -> Any:
    """``function(session, ...)`` on the command's database; ``seed=False``: a new database is only
    migrated, without the built-in data (a round file imported into it stays alone)."""
    from rsapp.store.access import AccessDenied
    from rsapp.store.unit_of_work import StoreError

    if seed:
        db = open_db(args)
    else:
        from rsapp.config import resolve_database_url
        from rsapp.db import DatabaseError, open_database
        from rsapp.store.database import Database

        url = resolve_database_url(getattr(args, "db_url", None))
        try:
            db = Database(url, engine=open_database(url, seed=False), owns_engine=True)
        except DatabaseError as exc:
            raise CliError(str(exc)) from exc
    try:
        return db.call(function, *values, **kwargs)
    except (StoreError, AccessDenied, LookupError) as exc:
        raise CliError(cli_message(exc)) from exc
    finally:
        db.close()


# --- users ------------------------------------------------------------------------------------------


def user_new_cmd(args: argparse.Namespace) -> int:
    from rsapp.store.users import add_user

    password = _read_password(args, required=False)
    info = _call(
        args,
        add_user,
        username=args.brukernavn,
        role=args.rolle,
        helsefellesskap=args.helsefellesskap,
        display_name=args.navn,
        person=args.person,
        password=password,
    )
    print(f"Bruker {info.username} lagt til: {info.role_label} i {info.helsefellesskap}.")
    if not info.has_password and password is None:
        print(f"Ingen passord ennå: sett det med «rsapp bruker passord {info.username}».")
    return 0


def user_change_cmd(args: argparse.Namespace) -> int:
    from rsapp.store.users import change_user

    info = _call(
        args,
        change_user,
        args.brukernavn,
        role=args.rolle,
        helsefellesskap=args.helsefellesskap,
        display_name=args.navn,
        person=args.person,
    )
    print(f"Bruker {info.username}: {info.role_label} i {info.helsefellesskap}.")
    return 0


def user_password_cmd(args: argparse.Namespace) -> int:
    from rsapp.store.users import change_user

    password = _read_password(args, required=True)
    _call(args, change_user, args.brukernavn, password=password)
    print(f"Nytt passord er satt for {args.brukernavn}.")
    return 0


def _set_active(args: argparse.Namespace, active: bool) -> int:
    from rsapp.store.users import change_user

    _call(args, change_user, args.brukernavn, active=active)
    print(f"{args.brukernavn} er {'aktivert' if active else 'deaktivert'}.")
    return 0


def user_list_cmd(args: argparse.Namespace) -> int:
    from rsapp.store.users import list_users

    found = _call(args, list_users)
    if not found:
        print("Ingen brukere ennå. Legg til med «rsapp bruker ny».")
        return 0
    print_table(
        ["Bruker", "Navn", "Rolle", "Helsefellesskap", "SSU-registeret", "Passord", "Aktiv"],
        [
            [
                u.username,
                u.display_name,
                u.role_label,
                u.helsefellesskap,
                u.person,
                "ja" if u.has_password else "–",
                "ja" if u.active else "nei",
            ]
            for u in found
        ],
    )
    return 0


def access_cmd(args: argparse.Namespace) -> int:
    """``rsapp db tilganger``: PostgreSQL's roles, grants and policies (idempotent)."""
    from rsapp.config import resolve_database_url

    url = resolve_database_url(getattr(args, "db_url", None))
    if not url.startswith("postgresql"):
        print("SQLite: reglene håndheves av rsapp selv (OS-brukeren er identiteten); ingenting å sette opp.")
        return 0
    from rsapp.cli.common import open_engine
    from rsapp.store.pg_access import AccessSetupError, apply_access

    engine = open_engine(args)
    try:
        tables = apply_access(engine)
    except AccessSetupError as exc:
        raise CliError(str(exc)) from exc
    finally:
        engine.dispose()
    print(
        f"Tilgangene er satt opp: rollene rsapp_sekretariat, rsapp_ssu og rsapp_lesetilgang, "
        f"og radnivåsikkerhet på {tables} tabeller."
    )
    return 0


# --- the browser ------------------------------------------------------------------------------------


def _session_command(url: str) -> str:
    import shlex

    return f"{shlex.quote(sys.executable)} -m rsapp --db {shlex.quote(url)} nettøkt"


def serve_cmd(args: argparse.Namespace) -> int:
    """Serve rsapp to browsers: one process per browser session, each signing in on its own."""
    from sqlalchemy.engine import make_url

    from rsapp.config import resolve_database_url

    try:
        from textual_serve.server import Server
    except ImportError as exc:  # pragma: no cover - a dependency
        raise CliError("textual-serve er ikke installert (pip install textual-serve).") from exc
    url = resolve_database_url(getattr(args, "db_url", None))
    if url.startswith("postgresql"):
        # The server holds no one's password: each session signs in as its own database login.
        url = make_url(url)._replace(username=None, password=None).render_as_string(hide_password=False)
    else:
        from rsapp.db import DatabaseError, open_database
        from rsapp.store.backup import daily_copy

        try:
            open_database(url).dispose()  # migrated, built-in data loaded, file 0600
        except DatabaseError as exc:
            raise CliError(str(exc)) from exc
        daily_copy(url)
    loopback = args.host in ("127.0.0.1", "localhost", "::1")
    public_url = args.public_url or None
    from rsapp.web import TEMPLATES

    server = Server(
        _session_command(url),
        host=args.host,
        port=args.port,
        title="rsapp",
        public_url=public_url,
        templates_path=TEMPLATES,
    )
    where = public_url or f"http://{args.host}:{args.port}"
    print(f"rsapp i nettleseren: {where}  (Ctrl+C stopper)")
    if not loopback and not public_url:
        print(
            "Advarsel: rsapp lytter på et nettverk uten HTTPS. Sett den bak organisasjonens HTTPS-proxy "
            "og oppgi --offentlig-url (se README).",
            file=sys.stderr,
        )
    server.serve()
    return 0


def web_session_cmd(args: argparse.Namespace) -> int:
    """One browser session (started by rsapp serve): the sign-in screen, then the app as that user."""
    from rsapp.app import make_app
    from rsapp.config import resolve_database_url

    app = make_app(database_url=resolve_database_url(getattr(args, "db_url", None)), sign_in=True)
    # textual-serve names its web driver in TEXTUAL_DRIVER; Textual's own choice honours it, so a
    # terminal-only driver of the app (e.g. one watching for a lost terminal) never replaces it.
    from textual.app import App

    app.driver_class = App.get_driver_class(app)
    app.run()
    return app.return_code or 0


# --- members' rankings ------------------------------------------------------------------------------


def _round_id(session: Any, key: str | None) -> tuple[int, str]:
    from rsapp.portfolio import default_round, round_by_key

    if key:
        info = round_by_key(session, key)
    else:
        found = default_round(session)
        if found is None:
            raise LookupError("Databasen har ingen runder du har tilgang til.")
        info = found
    return info.id, info.label


def _own(session: Any, key: str | None, move: tuple[int, int] | None = None) -> tuple[str, Any]:
    from rsapp.store.member_rankings import move_own, own_ranking

    round_id, label = _round_id(session, key)
    if move is not None:
        return label, move_own(session, round_id, *move)
    return label, own_ranking(session, round_id)


def _print_own(label: str, ranking: Any) -> None:
    print(
        f"Din rangering: {label}"
        + ("" if ranking.saved else " (ikke lagret ennå: innstillingens rekkefølge)")
    )
    print_table(
        ["Din plass", "Id", "Søknad", "Plass i innstillingen"],
        [[str(i), str(c.key), c.name, str(c.rank)] for i, c in enumerate(ranking.order, start=1)],
        right={0, 1, 3},
    )


def ranking_show_cmd(args: argparse.Namespace) -> int:
    label, ranking = _call(args, _own, args.round_key)
    _print_own(label, ranking)
    return 0


def ranking_move_cmd(args: argparse.Namespace) -> int:
    label, ranking = _call(args, _own, args.round_key, (args.id, args.plass))
    _print_own(label, ranking)
    return 0


def _aggregate(session: Any, key: str | None) -> tuple[str, Any]:
    from rsapp.store.member_rankings import round_aggregate

    round_id, label = _round_id(session, key)
    return label, round_aggregate(session, round_id)


def _members(count: int) -> str:
    return "1 medlem" if count == 1 else f"{count} medlemmer"


def _print_aggregate(label: str, result: Any) -> None:
    print(f"Medlemmenes samlede rangering: {label} ({_members(result.members)} har rangert)")
    if result.cut is not None:
        print(f"Streken går nå etter plass {result.cut} i innstillingen.")
    print_table(
        ["Samlet", "Id", "Søknad", "Borda", "Median", "Spredning", "Innstilling nå", "Omstridt nær streken"],
        [
            [
                str(r.place),
                str(r.key),
                r.name,
                str(r.borda),
                r.median_label,
                r.spread_label,
                str(r.current_rank),
                "⚠ ja" if r.contested else "",
            ]
            for r in result.rows
        ],
        right={0, 1, 3, 4, 6},
    )
    print(result.rule)


def ranking_aggregate_cmd(args: argparse.Namespace) -> int:
    label, result = _call(args, _aggregate, args.round_key)
    _print_aggregate(label, result)
    return 0


def _use(session: Any, key: str | None) -> tuple[str, Any, int]:
    from rsapp.store.member_rankings import use_aggregate

    round_id, label = _round_id(session, key)
    result, moved = use_aggregate(session, round_id)
    return label, result, moved


def ranking_use_cmd(args: argparse.Namespace) -> int:
    if not args.ja:
        if not sys.stdin.isatty():
            raise CliError("Bekreft med --ja: innstillingens rekkefølge blir erstattet.")
        if input("Erstatte innstillingens rekkefølge med medlemmenes samlede? [j/N] ").strip().lower() != "j":
            print("Ingenting endret.")
            return 0
    label, result, moved = _call(args, _use, args.round_key)
    print(f"{label}: innstillingen har fått medlemmenes samlede rekkefølge ({moved} søknader fikk ny plass).")
    return 0


# --- backups ----------------------------------------------------------------------------------------


def backup_cmd(args: argparse.Namespace) -> int:
    from rsapp.config import resolve_database_url
    from rsapp.store.backup import BackupError, backup

    url = resolve_database_url(getattr(args, "db_url", None))
    try:
        path = backup(url, args.fil)
    except BackupError as exc:
        raise CliError(str(exc)) from exc
    print(f"Sikkerhetskopien er lagret i {path} (leses bare av deg).")
    return 0


def restore_cmd(args: argparse.Namespace) -> int:
    from rsapp.config import resolve_database_url
    from rsapp.store.backup import BackupError, restore

    url = resolve_database_url(getattr(args, "db_url", None))
    try:
        kind = restore(url, args.fil)
    except BackupError as exc:
        raise CliError(str(exc)) from exc
    print(f"Sikkerhetskopien er lagt tilbake ({kind}): {url}")
    return 0


def _export(session: Any, key: str | None) -> dict[str, Any]:
    from rsapp.portfolio import round_by_key
    from rsapp.store.round_json import export_round

    if key:
        round_by_key(session, key)  # a clear message for a round that is not there
        return export_round(session, key)
    from rsapp.portfolio import default_round

    info = default_round(session)
    if info is None:
        raise LookupError("Databasen har ingen runder du har tilgang til.")
    return export_round(session, info.key)


def round_export_cmd(args: argparse.Namespace) -> int:
    from rsapp.files import FileWriteError
    from rsapp.store.round_json import write_file

    document = _call(args, _export, args.round_key)
    try:
        path = write_file(document, Path(args.output).expanduser())
    except FileWriteError as exc:
        raise CliError(str(exc)) from exc
    rows = sum(len(rows) for rows in document["tabeller"].values())
    print(f"Runden {document['runde']} er skrevet til {path} ({rows} rader).")
    return 0


def round_import_cmd(args: argparse.Namespace) -> int:
    from rsapp.store.round_json import RoundJsonError, import_round, read_file

    try:
        document = read_file(args.fil)
    except RoundJsonError as exc:
        raise CliError(str(exc)) from exc
    _call(args, import_round, document, seed=False)
    print(f"Runden {document['runde']} er importert.")
    return 0
