"""`rsapp prioriter` / `rsapp prioritize`: the prioritisation screen's actions from the command line.

    rsapp prioriter [--round KEY] vis        (--round may also follow the action: vis --round KEY)
    rsapp prioriter flytt ID PLASS
    rsapp prioriter innvilg ID BELØP|søkt
    rsapp prioriter rute ID lokal|regional|begge|ikke_prioritert
    rsapp prioriter fyll
    rsapp prioriter avsetning liste|ny NAVN|endre ID|slett ID [--belop "2026: 500 000"] [--apen] …
    rsapp prioriter logg [--antall N]

Every change goes through `rsapp.prioritisation` (own transaction, versioned, logged).
"""

from __future__ import annotations

import argparse

from rsapp.cli.common import CliError, open_engine, print_table


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "prioriter", aliases=["prioritize"], help="prioritering: vis, flytt, innvilg, rute, avsetninger, logg"
    )
    _round_option(p, default=None)
    actions = p.add_subparsers(dest="prio_action", metavar="HANDLING", required=True)

    a = actions.add_parser(
        "vis", aliases=["show"], help="potten, avsetningene og den rangerte listen med streken"
    )
    _round_option(a)
    a.set_defaults(handler=show_cmd)

    a = actions.add_parser("flytt", aliases=["move"], help="flytt søknad ID til plass N")
    a.add_argument("application_id", type=int, metavar="ID")
    a.add_argument("position", type=int, metavar="PLASS")
    _round_option(a)
    a.set_defaults(handler=move_cmd)

    a = actions.add_parser(
        "innvilg", aliases=["grant"], help="sett innvilget beløp (eller «søkt» for søkt beløp)"
    )
    a.add_argument("application_id", type=int, metavar="ID")
    a.add_argument("amount", metavar="BELØP")
    _round_option(a)
    a.set_defaults(handler=grant_cmd)

    a = actions.add_parser("rute", aliases=["route"], help="lokal, regional, begge eller ikke_prioritert")
    a.add_argument("application_id", type=int, metavar="ID")
    a.add_argument("route", metavar="RUTE")
    _round_option(a)
    a.set_defaults(handler=route_cmd)

    a = actions.add_parser("fyll", aliases=["fill"], help="fyll potten: det som får plass, flyttes øverst")
    _round_option(a)
    a.set_defaults(handler=fill_cmd)

    a = actions.add_parser("avsetning", aliases=["earmark"], help="avsetninger: liste, ny, endre, slett")
    a.add_argument(
        "earmark_action", choices=["liste", "list", "ny", "add", "endre", "edit", "slett", "remove"]
    )
    a.add_argument("target", nargs="?", metavar="NAVN|ID", help="navn (ny) eller id (endre, slett)")
    a.add_argument("--navn", "--name", dest="name", help="nytt navn (endre)")
    a.add_argument(
        "--belop", "--amounts", dest="amounts", help="beløp per år, f.eks. «2026: 500 000; 2027: 500 000»"
    )
    a.add_argument("--apen", "--open", dest="is_open", action="store_true", help="beløpet er ikke avklart")
    a.add_argument("--formal", "--purpose", dest="purpose", help="formål")
    a.add_argument("--sak", "--case", dest="source_case", help="sak (kilde)")
    a.add_argument("--begrunnelse", "--reason", dest="reason", help="begrunnelse")
    _round_option(a)
    a.set_defaults(handler=earmark_cmd)

    a = actions.add_parser("logg", aliases=["log"], help="endringsloggen for runden")
    a.add_argument(
        "--antall", "--limit", dest="limit", type=int, default=50, help="antall linjer (standard 50)"
    )
    _round_option(a)
    a.set_defaults(handler=log_cmd)


def _round_option(parser: argparse.ArgumentParser, default: object = argparse.SUPPRESS) -> None:
    """``--round`` on ``rsapp prioriter`` and on each action, so it may come before or after the action.

    On the actions it has no default, so that a ``--round`` given before the action is kept.
    """
    parser.add_argument(
        "--round",
        dest="round_key",
        default=default,
        help="runde, f.eks. helgeland-2026 (standard: nyeste Helgeland-runde)",
    )


def _round(session, key: str | None):
    from rsapp.cli.base_cmd import _round as find_round

    return find_round(session, key)


def _session(args: argparse.Namespace):
    from sqlmodel import Session

    return Session(open_engine(args), expire_on_commit=False)


def _version(session, application_id: int, round_id: int) -> int:
    from rsapp.models import Application

    app = session.get(Application, application_id)
    if app is None or app.round_id != round_id:
        raise CliError(f"Fant ingen søknad med id {application_id} i runden. Se «rsapp prioriter vis».")
    return app.version


def _change(fn, *args, **kwargs):
    from rsapp.prioritisation import PrioritisationError

    try:
        return fn(*args, **kwargs)
    except PrioritisationError as exc:
        raise CliError(str(exc)) from exc


def show_cmd(args: argparse.Namespace) -> int:
    from rsapp.allocation import KIND_OPEN, ROUTE_LABELS
    from rsapp.money import format_amount_or_missing, format_kr
    from rsapp.prioritisation import load_view

    with _session(args) as session:
        info = _round(session, args.round_key)
        view = _change(load_view, session, info.id)
    allocation = view.allocation()
    ledger = allocation.ledger
    print(f"{info.label} ({info.key})")
    for line in ledger.lines():
        amount = "beløp ikke avklart" if line.kind == KIND_OPEN else format_kr(line.amount or 0)
        print(f"  {line.label:<60} {amount:>16}")
    print(
        f"  {format_kr(ledger.pot_total)} − {format_kr(ledger.earmarked_total)} avsatt = "
        f"{format_kr(ledger.available)} til fordeling"
    )
    for warning in allocation.warnings:
        print(f"  ⚠ {warning}")
    rows = []
    for index, row in enumerate(allocation.rows):
        if index == allocation.cut_index:
            rows.append(["", "—", "— streken —", "", "", "", "", ""])
        rows.append(
            [
                str(row.rank),
                str(row.key),
                row.name,
                ROUTE_LABELS.get(row.route, row.route),
                format_amount_or_missing(row.applied_total),
                format_kr(row.granted),
                format_kr(row.cumulative),
                format_kr(row.remaining),
            ]
        )
    print()
    print_table(
        ["Nr", "ID", "Prosjekt", "Rute", "Søkt totalt", "Innvilget", "Kumulativt", "Igjen"],
        rows,
        right={0, 1, 4, 5, 6, 7},
    )
    return 0


def move_cmd(args: argparse.Namespace) -> int:
    from rsapp.prioritisation import move_application

    with _session(args) as session:
        info = _round(session, args.round_key)
        version = _version(session, args.application_id, info.id)
        change = _change(move_application, session, args.application_id, args.position, version=version)
    print(change.summary)
    return 0


def grant_cmd(args: argparse.Namespace) -> int:
    from rsapp.prioritisation import PrioritisationError, read_amount, set_granted

    text = args.amount.strip()
    if text.casefold() in {"søkt", "sokt", "applied", "standard"}:
        amount = None
    else:
        try:
            amount = read_amount(text, "Innvilget beløp")
        except PrioritisationError as exc:
            raise CliError(str(exc)) from exc
    with _session(args) as session:
        info = _round(session, args.round_key)
        version = _version(session, args.application_id, info.id)
        change = _change(set_granted, session, args.application_id, amount, version=version)
    print(change.summary)
    return 0


def route_cmd(args: argparse.Namespace) -> int:
    from rsapp.prioritisation import set_route

    with _session(args) as session:
        info = _round(session, args.round_key)
        version = _version(session, args.application_id, info.id)
        change = _change(set_route, session, args.application_id, args.route, version=version)
    print(change.summary)
    return 0


def fill_cmd(args: argparse.Namespace) -> int:
    from rsapp.prioritisation import apply_fill_pot, load_view

    with _session(args) as session:
        info = _round(session, args.round_key)
        view = _change(load_view, session, info.id)
        change, _before, _after = _change(apply_fill_pot, session, info.id, versions=view.versions)
    print(change.summary)
    return 0


def earmark_cmd(args: argparse.Namespace) -> int:
    from rsapp.prioritisation import (
        EarmarkData,
        add_earmark,
        format_earmark_amounts,
        load_earmarks,
        parse_earmark_amounts,
        remove_earmark,
        update_earmark,
    )

    action = {"list": "liste", "add": "ny", "edit": "endre", "remove": "slett"}.get(
        args.earmark_action, args.earmark_action
    )
    amounts = _change(parse_earmark_amounts, args.amounts) if args.amounts else None
    with _session(args) as session:
        info = _round(session, args.round_key)
        items = load_earmarks(session, info.id)
        if action == "liste":
            print_table(
                ["ID", "Navn", "Beløp per år", "Sak"],
                [
                    [
                        str(e.id),
                        e.data.name,
                        "ikke avklart" if e.data.is_open else format_earmark_amounts(e.data.amounts),
                        e.data.source_case,
                    ]
                    for e in items
                ],
                right={0},
            )
            return 0
        if action == "ny":
            if not args.target:
                raise CliError(
                    'Oppgi navnet på den nye avsetningen, f.eks. rsapp prioriter avsetning ny "Kurs" '
                    '--belop "2026: 300 000".'
                )
            if amounts is None and not args.is_open:
                raise CliError(
                    "Oppgi --belop «2026: 300 000» eller --apen for en avsetning uten avklart beløp."
                )
            data = EarmarkData(
                args.target,
                args.purpose or "",
                args.source_case or "",
                args.reason or "",
                amounts or {},
                args.is_open,
            )
            _id, change = _change(add_earmark, session, info.id, data)
            print(change.summary)
            return 0
        try:
            earmark_id = int(args.target or "")
        except ValueError:
            raise CliError(
                f"Oppgi avsetningens id (et tall), fikk «{args.target or ''}». "
                "Se «rsapp prioriter avsetning liste»."
            ) from None
        item = next((e for e in items if e.id == earmark_id), None)
        if item is None:
            raise CliError(f"Fant ingen avsetning med id {earmark_id} i runden {info.key}.")
        if action == "slett":
            _data, _pos, change = _change(remove_earmark, session, earmark_id, version=item.version)
        else:
            old = item.data
            data = EarmarkData(
                args.name or old.name,
                old.purpose if args.purpose is None else args.purpose,
                old.source_case if args.source_case is None else args.source_case,
                old.reason if args.reason is None else args.reason,
                amounts if amounts is not None else old.amounts,
                args.is_open or (old.is_open and amounts is None),
            )
            change = _change(update_earmark, session, earmark_id, data, version=item.version)
    print(change.summary)
    return 0


def log_cmd(args: argparse.Namespace) -> int:
    from rsapp.dates import format_date
    from rsapp.prioritisation import change_log

    with _session(args) as session:
        info = _round(session, args.round_key)
        entries = change_log(session, info.id, limit=max(args.limit, 1))
    rows = []
    for e in entries:
        at = e.at.astimezone()
        rows.append([f"{format_date(at)} {at:%H:%M}", e.user, e.summary])
    print_table(["Tid", "Bruker", "Endring"], rows)
    return 0
