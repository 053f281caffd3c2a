"""`rsapp prioriter` / `rsapp prioritize`: the prioritisation screen's actions from the command line.

    rsapp prioriter [--round KEY] vis        (--round may also follow the action: vis --round KEY)
    rsapp prioriter flytt ID PLASS [--forventet ID,ID,…]
    rsapp prioriter flytt ID --over ID2 | --under ID2
    rsapp prioriter innstill ID BELØP [--fordeling runden|som_søkt|jevnt]
    rsapp prioriter innstill ID --år 2026=1 000 000 --år 2027=500 000
    rsapp prioriter innstill ID --som-søkt
    rsapp prioriter rute ID lokal|regional|begge|ikke_prioritert
    rsapp prioriter fyll
    rsapp prioriter avsetning liste|ny NAVN|endre ID|slett ID [--belop "2026: 500 000"] [--apen] …
    rsapp prioriter logg [--antall N]

``vis`` prints what the prioritisation screen shows, every figure from the round's allocation
(:mod:`rsapp.allocation`): the headline (Pott · Avsatt · Til fordeling, herav overført), the
ledger per budget year, the ranked applications with the round's year and the later years and
the cut line, the regional list for Helse Nord and the warnings. ``innstill`` (formerly
``innvilg``, still accepted) sets the recommended amount per year. Every change goes through
:mod:`rsapp.prioritisation` (own transaction, versioned, logged) and prints one line.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from rsapp.cli.common import CliError, open_engine, print_table, read_only

if TYPE_CHECKING:
    from rsapp.allocation import Allocation, Row

#: Shown for an amount that is not stated (never 0).
UNKNOWN = "?"
#: Shown in a cell that does not apply.
NOT_APPLICABLE = "–"
#: Project names in the ranked table are cut to this many characters (the regional list has them whole).
NAME_WIDTH = 44
#: ``--fordeling`` as typed -> the allocation's spread mode.
SPREAD_CHOICES = {"runden": "runden", "som_søkt": "som_søkt", "som_sokt": "som_søkt", "jevnt": "jevnt"}
#: BELØP words that mean "as applied for" (what `innvilg ID søkt` meant).
AS_APPLIED_WORDS = frozenset({"søkt", "sokt", "som søkt", "som_søkt", "som-søkt"})


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "prioriter",
        aliases=["prioritize"],
        help="prioritering: vis, flytt, innstill, rute, fyll, avsetninger, logg",
        description="Prioriteringen av en runde: det samme som prioriteringsskjermen viser og gjør.",
    )
    _round_option(p, default=None)
    actions = p.add_subparsers(dest="prio_action", metavar="HANDLING", required=True)

    a = actions.add_parser(
        "vis",
        aliases=["show"],
        help="pott, regnskap per år, den rangerte listen med streken, regional liste og advarsler",
        description=(
            "Viser overskriften (Pott · Avsatt · Til fordeling), de lokale midlene per budsjettår "
            "(inngående saldo, nye midler, avsatt, innstilt, utgående saldo), søknadene i prioritert "
            "rekkefølge med streken, den regionale listen og advarslene. «?» betyr at beløpet ikke er oppgitt."
        ),
    )
    _round_option(a)
    a.set_defaults(handler=show_cmd)

    a = actions.add_parser(
        "flytt",
        aliases=["move"],
        help="flytt søknad ID til plass PLASS, eller rett over/under en annen søknad",
        description=(
            "Flytter søknaden til plassen (1 er øverst); de andre rykker opp eller ned. Med --over ID2 "
            "eller --under ID2 havner den rett over eller under søknad ID2, også om en annen bruker har "
            "endret rekkefølgen siden du så den. Med --forventet avvises flyttingen hvis rekkefølgen ikke "
            "lenger er den du så."
        ),
    )
    a.add_argument("application_id", metavar="ID", help="søknadens id (se «rsapp prioriter vis»)")
    a.add_argument("position", metavar="PLASS", nargs="?", help="ny plass, fra 1 til antall søknader")
    a.add_argument("--over", dest="above", metavar="ID2", help="flytt rett over søknad ID2")
    a.add_argument("--under", dest="below", metavar="ID2", help="flytt rett under søknad ID2")
    a.add_argument(
        "--forventet",
        "--expected",
        dest="expected",
        metavar="ID,ID,…",
        help="rekkefølgen du så (id-ene øverst først, som i «vis»); avvises hvis den er endret",
    )
    _round_option(a)
    a.set_defaults(handler=move_cmd)

    a = actions.add_parser(
        "innstill",
        aliases=["innvilg", "recommend", "grant"],
        help="sett innstilt beløp: et totalbeløp, beløp per år (--år) eller som søkt (--som-søkt)",
        description=(
            "Setter innstilt beløp for en søknad. Et totalbeløp fordeles på årene etter --fordeling; "
            "--år setter hvert år for seg (år som ikke nevnes, får 0); --som-søkt går tilbake til "
            "standard, det som er søkt år for år. 0 og delvis finansiering er lov, mer enn søkt er ikke lov."
        ),
    )
    a.add_argument("application_id", metavar="ID", help="søknadens id (se «rsapp prioriter vis»)")
    a.add_argument(
        "amount",
        nargs="*",
        metavar="BELØP",
        help="totalt innstilt beløp, f.eks. «3 000 000» eller «1,5 mill»",
    )
    a.add_argument(
        "--fordeling",
        "--spread",
        dest="spread",
        metavar="MÅTE",
        help=(
            "hvordan totalen fordeles: runden (alt i rundens år), som_søkt (i forhold til det som er søkt "
            "hvert år) eller jevnt (likt over planens år); standard: som_søkt når søknaden har år, ellers runden"
        ),
    )
    a.add_argument(
        "--år",
        "--aar",
        "--year",
        dest="years",
        action="append",
        nargs="+",
        metavar="ÅR=BELØP",
        help="innstilt beløp for ett budsjettår, f.eks. --år 2026=1 000 000 --år 2027=500 000",
    )
    a.add_argument(
        "--som-søkt",
        "--som-sokt",
        "--as-applied",
        dest="as_applied",
        action="store_true",
        help="tilbake til standard: det som er søkt, år for år",
    )
    a.add_argument(
        "--plass",
        "--rank",
        dest="seen_rank",
        metavar="PLASS",
        help="plassen du så søknaden på; avvises hvis en annen bruker har flyttet den siden",
    )
    _round_option(a)
    a.set_defaults(handler=recommend_cmd)

    a = actions.add_parser(
        "rute",
        aliases=["route"],
        help="lokal, regional, begge eller ikke_prioritert",
        description=(
            "lokal: betales av den lokale potten; regional: sendes til Helse Nord; begge: den lokale "
            "potten betaler det innstilte, resten av det søkte sendes regionalt; ikke_prioritert: ingen av delene."
        ),
    )
    a.add_argument("application_id", metavar="ID", help="søknadens id (se «rsapp prioriter vis»)")
    a.add_argument("route", metavar="RUTE", help="lokal, regional, begge eller ikke_prioritert")
    _round_option(a)
    a.set_defaults(handler=route_cmd)

    a = actions.add_parser(
        "fyll",
        aliases=["fill"],
        help="fyll potten: det som får plass, flyttes øverst",
        description="Søknadene som får plass i de bekreftede lokale midlene (i rekkefølge), flyttes øverst.",
    )
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
        "--runde",
        dest="round_key",
        default=default,
        metavar="RUNDE",
        help="runde, f.eks. helgeland-2026 (standard: nyeste Helgeland-runde)",
    )


def _round(session, key: str | None):
    from rsapp.cli.base_cmd import _round as find_round

    return find_round(session, key)


def _session(args: argparse.Namespace):
    from sqlmodel import Session

    return Session(open_engine(args), expire_on_commit=False)


def _whole_number(text: str, what: str) -> int:
    """A whole number the user typed (an id, a place), or a Norwegian error naming the field."""
    value = text.strip()
    if not re.fullmatch(r"[+-]?\d+", value):
        raise CliError(f"{what} må være et heltall, fikk «{text}».")
    return int(value)


def _version(session, application_id: int, round_id: int) -> int:
    from rsapp.models import Application

    app = session.get(Application, application_id)
    if app is None or app.round_id != round_id:
        raise CliError(f"Fant ingen søknad med id {application_id} i runden. Se «rsapp prioriter vis».")
    return app.version


def _change(fn, *args, **kwargs):
    from rsapp.allocation import AllocationError
    from rsapp.cli.common import cli_message
    from rsapp.prioritisation import PrioritisationError

    try:
        return fn(*args, **kwargs)
    except (PrioritisationError, AllocationError) as exc:
        raise CliError(cli_message(exc)) from exc


# --- vis ----------------------------------------------------------------------------------------


def _kr(amount: int | None) -> str:
    from rsapp.money import format_kr

    return UNKNOWN if amount is None else format_kr(amount)


def _short(name: str, width: int = NAME_WIDTH) -> str:
    return name if len(name) <= width else name[: width - 1].rstrip() + "…"


def years_text(parts: Mapping[int, int] | None) -> str:
    """Amounts per year, consecutive years with the same amount together.

    ``{2027: 2 000 000, …, 2030: 2 000 000}`` → ``"2027–2030: 2 000 000 kr per år"``;
    ``{2026: 1 000 000, 2027: 500 000}`` → ``"2026: 1 000 000 kr; 2027: 500 000 kr"``;
    None → ``"?"``; nothing → ``"–"``.
    """
    if parts is None:
        return UNKNOWN
    items = sorted((year, amount) for year, amount in parts.items() if amount)
    if not items:
        return NOT_APPLICABLE
    groups: list[list[int]] = []  # [first year, last year, amount]
    for year, amount in items:
        if groups and groups[-1][1] == year - 1 and groups[-1][2] == amount:
            groups[-1][1] = year
        else:
            groups.append([year, year, amount])
    return "; ".join(
        f"{first}: {_kr(amount)}" if first == last else f"{first}–{last}: {_kr(amount)} per år"
        for first, last, amount in groups
    )


def _status(row: Row) -> str:
    from rsapp.allocation import (
        POSITION_ABOVE,
        POSITION_BELOW,
        POSITION_NO_POT,
        POSITION_UNKNOWN,
        ROUTE_NONE,
        ROUTE_REGIONAL,
    )

    if row.position == POSITION_UNKNOWN:
        return "? ikke oppgitt"
    if row.position == POSITION_NO_POT:
        return "ingen pott"
    if row.route == ROUTE_NONE:
        return "ikke prioritert"
    if row.route == ROUTE_REGIONAL:
        return "regional"
    if row.position == POSITION_BELOW:
        return "under streken"
    if row.position == POSITION_ABOVE and row.fits:
        return "✓ får plass"
    return "0 kr lokalt"


def _years_table(allocation: Allocation) -> None:
    from rsapp.vocab import NOT_SETTLED

    rows = []
    for item in allocation.years:
        notes = [item.basis]
        if item.budget_year == allocation.round_year:
            notes.append("rundens år")
        if item.open_earmarks:
            notes.append(f"{NOT_SETTLED}: {', '.join(item.open_earmarks)}")
        if item.closing < 0:
            notes.append("underskudd")
        rows.append(
            [
                str(item.budget_year),
                _kr(item.opening),
                _kr(item.new_confirmed),
                _kr(item.new_assumed),
                _kr(item.earmarked),
                _kr(item.recommended),
                _kr(item.closing),
                "; ".join(notes),
            ]
        )
    print_table(
        [
            "År",
            "Inngående",
            "Nye midler bekreftet",
            "Nye midler antatt",
            "Avsatt",
            "Innstilt",
            "Utgående",
            "Merknad",
        ],
        rows,
        right={1, 2, 3, 4, 5, 6},
    )


def _rows_table(allocation: Allocation) -> None:
    from rsapp.allocation import ROUTE_LABELS

    year = allocation.round_year
    rows = []
    for index, row in enumerate(allocation.rows):
        if index == allocation.cut_index:
            rows.append(["—", "—", "——— streken ———", "—", "—", "—", "—", "—", "—"])
        later = None if row.recommended is None else {y: a for y, a in row.recommended.items() if y > year}
        rows.append(
            [
                str(row.rank),
                str(row.key),
                _short(row.name),
                ROUTE_LABELS.get(row.route, row.route),
                _kr(row.applied_round_year),
                _kr(row.recommended_round_year),
                years_text(later),
                NOT_APPLICABLE if row.left is None else _kr(row.left),
                _status(row),
            ]
        )
    print_table(
        [
            "Nr",
            "ID",
            "Prosjekt",
            "Rute",
            f"Søkt {year}",
            f"Innstilt {year}",
            "Innstilt senere år",
            f"Igjen {year}",
            "Status",
        ],
        rows,
        right={0, 1, 4, 5, 7},
    )


def _regional_table(allocation: Allocation) -> None:
    rows = [
        [str(index), str(item.key), item.name, years_text(item.by_year), _kr(item.total)]
        for index, item in enumerate(allocation.regional, start=1)
    ]
    print_table(["Nr", "ID", "Prosjekt", "Per år", "Sum"], rows, right={0, 1, 4})


def show_cmd(args: argparse.Namespace) -> int:
    # Read only: the fast read path (no SQLAlchemy on a ready SQLite file), the same allocation
    # the screen shows (rsapp.portfolio.round_allocation).
    from rsapp.allocation import AllocationError
    from rsapp.portfolio import pot_header, round_allocation

    with read_only(args) as reader:
        info = _round(reader, args.round_key)
        try:
            allocation = round_allocation(reader, info.id)
        except (LookupError, AllocationError) as exc:
            raise CliError(str(exc)) from exc
    year = allocation.round_year
    print(f"{info.label} ({info.key})")
    print(pot_header(allocation))
    left = allocation.left
    print(f"Igjen i {year}: {'pott ikke oppgitt' if left is None else _kr(left)}")
    if allocation.years:
        print()
        print("De lokale midlene per budsjettår (utgående saldo overføres til neste år):")
        _years_table(allocation)
    print()
    print(f"Søknadene i prioritert rekkefølge (innstilt beløp; «{UNKNOWN}» = ikke oppgitt):")
    _rows_table(allocation)
    print()
    if allocation.regional:
        print("Regional liste (oversendes Helse Nord, i prioritert rekkefølge):")
        _regional_table(allocation)
    else:
        print("Regional liste: ingen søknader oversendes Helse Nord.")
    if allocation.warnings:
        print()
        print("Advarsler:")
        for warning in allocation.warnings:
            print(f"  ⚠ {warning}")
    return 0


# --- changes ------------------------------------------------------------------------------------


def move_cmd(args: argparse.Namespace) -> int:
    from rsapp.prioritisation import move_application

    application_id = _whole_number(args.application_id, "Søknadens id")
    given = [
        name
        for name, value in (("PLASS", args.position), ("--over", args.above), ("--under", args.below))
        if value is not None
    ]
    if len(given) != 1:
        raise CliError(
            "Oppgi enten en plass (flytt ID PLASS), --over ID2 eller --under ID2"
            + (f", ikke {' og '.join(given)}." if given else ".")
        )
    position = None if args.position is None else _whole_number(args.position, "Plassen")
    above = None if args.above is None else _whole_number(args.above, "--over")
    below = None if args.below is None else _whole_number(args.below, "--under")
    expected = None
    if args.expected is not None:
        expected = [_whole_number(part, "--forventet") for part in args.expected.split(",") if part.strip()]
    with _session(args) as session:
        info = _round(session, args.round_key)
        version = _version(session, application_id, info.id)
        for neighbour in (above, below):
            if neighbour is not None and neighbour != application_id:
                _version(session, neighbour, info.id)
        change = _change(
            move_application,
            session,
            application_id,
            position,
            version=version,
            above=above,
            below=below,
            expected_order=expected,
        )
    print(change.summary)
    return 0


def _spread_mode(text: str) -> str:
    key = text.strip().casefold().replace("-", "_").replace(" ", "_")
    mode = SPREAD_CHOICES.get(key)
    if mode is None:
        raise CliError(f"Ukjent fordeling «{text}». Velg runden, som_søkt eller jevnt.")
    return mode


def parse_year_amounts(groups: Sequence[Sequence[str]]) -> dict[int, int]:
    """``--år`` values → {year: kr}; years with 0 are left out (as in the grant dialog).

    Each ``--år`` takes ``ÅR=BELØP`` (or ``ÅR: BELØP``); an amount may be typed with spaces and
    without quotes (``--år 2026=1 000 000``), and one ``--år`` may hold several years
    (``--år 2026=1 000 000 2027=500 000``).
    """
    from rsapp.prioritisation import PrioritisationError, read_amount

    entries: list[str] = []
    for tokens in groups:
        for token in tokens:
            if re.match(r"^\s*\d*\s*[=:]", token) or not entries:
                entries.append(token)
            else:
                entries[-1] += " " + token
    amounts: dict[int, int] = {}
    for entry in entries:
        match = re.fullmatch(r"\s*(\d{4})\s*[=:]\s*(.*?)\s*", entry)
        if match is None:
            raise CliError(f"--år «{entry}»: skriv år og beløp som ÅR=BELØP, f.eks. --år 2026=1 000 000.")
        year, text = int(match.group(1)), match.group(2)
        if year in amounts:
            raise CliError(f"--år: {year} er oppgitt to ganger.")
        if not text:
            raise CliError(f"--år {year}: beløpet er tomt; skriv 0 eller et beløp.")
        try:
            amounts[year] = read_amount(text, f"Innstilt beløp for {year}")
        except PrioritisationError as exc:
            raise CliError(str(exc)) from exc
    return {year: amount for year, amount in sorted(amounts.items()) if amount}


def recommend_cmd(args: argparse.Namespace) -> int:
    from rsapp.allocation import SPREAD_AS_APPLIED, SPREAD_ROUND_YEAR, spread
    from rsapp.portfolio import allocation_inputs
    from rsapp.prioritisation import PrioritisationError, read_amount, set_recommendation

    application_id = _whole_number(args.application_id, "Søknadens id")
    text = " ".join(args.amount).strip() if args.amount else None
    if text is not None and text.casefold() in AS_APPLIED_WORDS:
        text, as_applied = None, True
    else:
        as_applied = args.as_applied
    chosen = [
        name
        for name, given in (
            ("BELØP", text is not None),
            ("--år", bool(args.years)),
            ("--som-søkt", as_applied),
        )
        if given
    ]
    if len(chosen) > 1:
        raise CliError(f"Bruk bare én av BELØP, --år og --som-søkt (fikk {' og '.join(chosen)}).")
    if not chosen:
        raise CliError(
            "Oppgi et innstilt beløp (BELØP), beløp per år (--år 2026=1 000 000) eller --som-søkt "
            "for det som er søkt."
        )
    if args.spread is not None and text is None:
        raise CliError("--fordeling gjelder bare et totalbeløp (BELØP).")
    if text == "":
        raise CliError("Beløpet er tomt: skriv 0 eller et beløp, eller bruk --som-søkt for det som er søkt.")
    total = None
    if text is not None:
        try:
            total = read_amount(text, "Innstilt beløp")
        except PrioritisationError as exc:
            raise CliError(str(exc)) from exc
    amounts = parse_year_amounts(args.years) if args.years else None

    with _session(args) as session:
        info = _round(session, args.round_key)
        version = _version(session, application_id, info.id)
        if total is not None:
            _pots, _earmarks, applications, round_year = allocation_inputs(session, info.id)
            plan = next(app for app in applications if app.key == application_id).plan(round_year)
            if args.spread is not None:
                mode = _spread_mode(args.spread)
            else:
                mode = SPREAD_AS_APPLIED if plan.applied else SPREAD_ROUND_YEAR
            parts = _change(spread, total, mode, plan, round_year)
            amounts = {year: amount for year, amount in parts.items() if amount}
        seen_rank = None if args.seen_rank is None else _whole_number(args.seen_rank, "--plass")
        change = _change(
            set_recommendation, session, application_id, amounts, version=version, rank=seen_rank
        )
    print(change.summary)
    return 0


def route_cmd(args: argparse.Namespace) -> int:
    from rsapp.prioritisation import set_route

    application_id = _whole_number(args.application_id, "Søknadens id")
    route = args.route.strip().casefold().replace("-", "_").replace(" ", "_")
    with _session(args) as session:
        info = _round(session, args.round_key)
        version = _version(session, application_id, info.id)
        change = _change(set_route, session, application_id, route, version=version)
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
