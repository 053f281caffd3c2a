"""`rsapp oppfølging …`: Helse Nord's awards and the follow-up of funded projects.

rsapp oppfølging frister [--dager 30] [--dato dd.mm.åååå]     hva som forfaller
rsapp oppfølging prosjekter                                    prosjekter med tildeling
rsapp oppfølging prosjekt SØKNAD                               ett prosjekt per år
rsapp oppfølging tildeling --round KEY                         søkt og tildelt fra Helse Nord
rsapp oppfølging tildeling --round KEY --søknad SØKNAD --beløp 2026=1500000,2027=0 [--dato]
rsapp oppfølging tildeling --round KEY --fil liste.xlsx|liste.csv [--dato]
rsapp oppfølging utbetaling ID --betalt [--dato] [--beløp KR] | --planlagt DATO | --ikke-betalt
rsapp oppfølging rapport ID --status mottatt|godkjent|purret|venter [--dato] [--frist DATO]
rsapp oppfølging oversikt [--år 2026] -o oversikt.xlsx         årsoversikt til Excel
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from rsapp.cli.common import CliError, print_table
from rsapp.cli.meeting_cycle_cmd import _date, _round_id, _run

if TYPE_CHECKING:
    from rsapp.store.database import Database


def register(sub: argparse._SubParsersAction) -> None:
    top = sub.add_parser(
        "oppfølging", aliases=["oppfolging"], help="tildelinger fra Helse Nord, utbetalinger og rapporter"
    )
    top.set_defaults(handler=lambda args: (top.print_help(), 2)[1])
    actions = top.add_subparsers(dest="followup_command", metavar="HANDLING")

    p = actions.add_parser(
        "frister", help="utbetalinger og rapporter som forfaller de neste dagene (og forfalte)"
    )
    p.add_argument("--dager", type=int, default=30, help="hvor mange dager fram (standard: 30)")
    p.add_argument("--dato", help="dagens dato, dd.mm.åååå")
    p.set_defaults(handler=due_cmd)

    p = actions.add_parser("prosjekter", help="prosjekter med tildeling: innvilget, utbetalt og neste frist")
    p.add_argument("--dato", help="dagens dato, dd.mm.åååå")
    p.set_defaults(handler=projects_cmd)

    p = actions.add_parser("prosjekt", help="ett prosjekt: tildelt, planlagt, utbetalt og rapporter per år")
    p.add_argument("application", metavar="SØKNAD", help="søknadens id eller navn")
    p.set_defaults(handler=project_cmd)

    p = actions.add_parser(
        "tildeling", help="Helse Nords tildeling per oversendt søknad, for hånd eller fra liste"
    )
    p.add_argument("--round", dest="round_key", metavar="RUNDE", help="runde (standard: nyeste)")
    p.add_argument("--søknad", dest="application", metavar="SØKNAD", help="søknaden (id eller navn)")
    p.add_argument(
        "--beløp", dest="amounts", metavar="ÅR=KR,…", help="tildelt per år, f.eks. 2026=1500000,2027=0"
    )
    p.add_argument("--fil", dest="file", metavar="FIL", help="liste fra Helse Nord (.xlsx eller .csv)")
    p.add_argument("--dato", help="datoen Tildelingsutvalget vedtok (standard: i dag)")
    p.set_defaults(handler=awards_cmd)

    p = actions.add_parser("utbetaling", help="marker en utbetaling betalt, flytt den, eller legg til en")
    p.add_argument("payment_id", metavar="ID", nargs="?", type=int, help="utbetalingens id (se prosjekt)")
    p.add_argument("--betalt", action="store_true", help="utbetalt")
    p.add_argument("--ikke-betalt", dest="unpaid", action="store_true", help="tilbake til planlagt")
    p.add_argument("--dato", help="utbetalt dato (standard: i dag)")
    p.add_argument("--beløp", dest="amount", help="beløp (utbetalt, eller planlagt med --ny)")
    p.add_argument("--planlagt", help="ny planlagt dato")
    p.add_argument("--ny", metavar="SØKNAD", help="ny utbetaling til søknaden (med --år og --beløp)")
    p.add_argument("--år", dest="year", type=int, help="budsjettår for en ny utbetaling")
    p.set_defaults(handler=payment_cmd)

    p = actions.add_parser("rapport", help="endre status, mottatt dato eller frist for en rapport")
    p.add_argument("report_id", metavar="ID", type=int, help="rapportens id (se prosjekt)")
    p.add_argument("--status", choices=["venter", "mottatt", "godkjent", "purret"], help="ny status")
    p.add_argument("--dato", help="mottatt dato (standard: i dag ved mottatt/godkjent)")
    p.add_argument("--frist", help="ny frist, dd.mm.åååå")
    p.add_argument("--merknad", help="merknad")
    p.set_defaults(handler=report_cmd)

    p = actions.add_parser(
        "oversikt", help="årsoversikt per prosjekt og år (tildelt, utbetalt, rapportert) til Excel"
    )
    p.add_argument("--år", dest="year", type=int, help="bare dette året")
    p.add_argument("-o", "--output", help="Excel-fil (standard: oversikten skrives til skjermen)")
    p.add_argument("--dato", help="dagens dato, dd.mm.åååå")
    p.set_defaults(handler=overview_cmd)

    p = actions.add_parser("plan", help="lag utbetalinger og rapporter fra tildelingene der de mangler")
    p.add_argument("--round", dest="round_key", metavar="RUNDE", help="runde (standard: nyeste)")
    p.set_defaults(handler=plan_cmd)


def _kr(amount: int | None) -> str:
    from rsapp.money import format_amount_or_missing

    return format_amount_or_missing(amount)


def _amount(text: str) -> int:
    from rsapp.money import AmountError, parse_amount

    digits = text.replace(" ", "").replace("\u00a0", "")
    if digits.isdigit():
        return int(digits)
    try:
        return parse_amount(text).low
    except AmountError as exc:
        raise CliError(f"Kan ikke lese beløpet «{text}».") from exc


def due_cmd(args: argparse.Namespace) -> int:
    from rsapp.followup.views import due_items

    def work(db: Database) -> int:
        today = _date(args.dato)
        items = db.call(due_items, today=today, days=args.dager)
        if not items:
            print(f"Ingenting forfaller de neste {args.dager} dagene.")
            return 0
        from rsapp.dates import format_date

        rows = [
            [
                ("⚠ " if item.overdue else "") + format_date(item.due_on),
                item.what,
                _kr(item.amount) if item.amount is not None else "",
                item.project,
                f"{item.kind} {item.row_id}",
            ]
            for item in items
        ]
        print_table(["Dato", "Hva", "Beløp", "Prosjekt", "Id"], rows, right={2})
        return 0

    return _run(args, work)


def projects_cmd(args: argparse.Namespace) -> int:
    from rsapp.dates import format_date
    from rsapp.followup.views import funded_projects

    def work(db: Database) -> int:
        projects = db.call(funded_projects, today=_date(args.dato))
        if not projects:
            print("Ingen prosjekter har fått tildeling ennå.")
            return 0
        rows = [
            [
                str(p.application_id),
                p.project,
                p.years,
                _kr(p.awarded_local),
                _kr(p.awarded_regional),
                _kr(p.paid),
                f"{format_date(p.next_date)} {p.next_what}".strip(),
            ]
            for p in projects
        ]
        print_table(
            ["Id", "Prosjekt", "År", "Lokalt", "Helse Nord", "Utbetalt", "Neste"], rows, right={0, 3, 4, 5}
        )
        return 0

    return _run(args, work)


def project_cmd(args: argparse.Namespace) -> int:
    from rsapp.dates import format_date
    from rsapp.followup.plan import find_application
    from rsapp.followup.views import project_summary
    from rsapp.vocab import REPORT_KIND_LABELS, REPORT_STATUS_LABELS

    def work(db: Database) -> int:
        app = db.call(find_application, args.application)
        summary = db.call(project_summary, int(app.id or 0))
        print(f"{summary.project} ({summary.round_name}) – {summary.status}")
        rows = [
            [
                str(y.year),
                _kr(y.awarded_local),
                _kr(y.awarded_regional),
                _kr(y.planned),
                _kr(y.paid),
                "; ".join(y.reports),
            ]
            for y in summary.years
        ]
        total = summary.totals
        rows.append(
            [
                "Sum",
                _kr(total.awarded_local),
                _kr(total.awarded_regional),
                _kr(total.planned),
                _kr(total.paid),
                "",
            ]
        )
        print_table(
            ["År", "Lokalt", "Helse Nord", "Planlagt", "Utbetalt", "Rapporter"], rows, right={1, 2, 3, 4}
        )
        print("Utbetalinger:")
        for p in summary.payments:
            state = f"utbetalt {_kr(p.paid_amount)} {format_date(p.paid_on)}" if p.paid_on else "planlagt"
            print(
                f"  [{p.id}] {p.budget_year} {_kr(p.amount)} ({p.source}) {format_date(p.planned_on)} – {state}"
            )
        print("Rapporter:")
        for r in summary.reports:
            print(
                f"  [{r.id}] {REPORT_KIND_LABELS.get(r.kind, r.kind)} {r.period_year or ''} frist {format_date(r.due_on)}"
                f" – {REPORT_STATUS_LABELS.get(r.status, r.status).lower()}"
            )
        return 0

    return _run(args, work)


def awards_cmd(args: argparse.Namespace) -> int:
    from rsapp.followup import awards
    from rsapp.followup.plan import find_application
    from rsapp.saksfremlegg.drafting import amounts_text
    from rsapp.saksfremlegg.vedtak import parse_year_amounts

    def work(db: Database) -> int:
        round_id = _round_id(db, args.round_key)
        when = _date(args.dato)
        if args.file:
            result = db.call(awards.import_regional, round_id, Path(args.file), decided_on=when)
            print(f"Registrerte tildeling for {len(result.awards)} søknader fra {Path(args.file).name}.")
        elif args.application:
            if args.amounts is None:
                raise CliError("Skriv tildelingen med --beløp ÅR=KR,… (0 for avslag).")
            app = db.call(find_application, args.application, round_id)
            amounts = parse_year_amounts(args.amounts)
            db.call(awards.register_regional, int(app.id or 0), amounts, decided_on=when)
        rows = [
            [
                str(row.priority),
                row.name,
                "ikke oppgitt" if row.sought is None else amounts_text(row.sought),
                "ikke registrert" if row.awarded is None else amounts_text(row.awarded),
            ]
            for row in db.call(awards.regional_rows, round_id)
        ]
        if not rows:
            print("Runden har ingen oversendte søknader.")
            return 0
        print_table(["Pri.", "Søknad", "Søkt fra Helse Nord", "Tildelt"], rows, right={0})
        return 0

    return _run(args, work)


def payment_cmd(args: argparse.Namespace) -> int:
    from rsapp.followup import plan

    def work(db: Database) -> int:
        if args.ny:
            if args.year is None or args.amount is None:
                raise CliError("En ny utbetaling trenger --år og --beløp.")
            app = db.call(plan.find_application, args.ny)
            row = db.call(
                plan.add_payment,
                int(app.id or 0),
                year=args.year,
                amount=_amount(args.amount),
                planned_on=_date(args.planlagt) if args.planlagt else None,
            )
            print(f"Ny utbetaling [{row.id}] for {row.budget_year}.")
            return 0
        if args.payment_id is None:
            raise CliError("Oppgi utbetalingens id (se rsapp oppfølging prosjekt SØKNAD) eller --ny SØKNAD.")
        row = db.call(
            plan.set_payment,
            args.payment_id,
            paid_on=_date(args.dato) if args.betalt else None,
            paid_amount=_amount(args.amount) if args.amount and args.betalt else None,
            planned_on=_date(args.planlagt) if args.planlagt else None,
            amount=_amount(args.amount) if args.amount and not args.betalt else None,
            unpaid=args.unpaid,
        )
        from rsapp.followup.plan import _payment_text

        print(f"Utbetaling [{row.id}] {row.budget_year}: {_payment_text(row)}")
        return 0

    return _run(args, work)


def report_cmd(args: argparse.Namespace) -> int:
    from rsapp.dates import format_date
    from rsapp.followup.plan import set_report
    from rsapp.vocab import REPORT_KIND_LABELS, REPORT_STATUS_LABELS

    def work(db: Database) -> int:
        received = _date(args.dato) if args.dato or args.status in ("mottatt", "godkjent") else None
        row = db.call(
            set_report,
            args.report_id,
            status=args.status,
            received_on=received,
            due_on=_date(args.frist) if args.frist else None,
            note=args.merknad,
        )
        got = f", mottatt {format_date(row.received_on)}" if row.received_on else ""
        print(
            f"{REPORT_KIND_LABELS.get(row.kind, row.kind)} [{row.id}]: "
            f"{REPORT_STATUS_LABELS.get(row.status, row.status).lower()} (frist {format_date(row.due_on)}{got})"
        )
        return 0

    return _run(args, work)


def overview_cmd(args: argparse.Namespace) -> int:
    from rsapp.followup.excel import write_overview
    from rsapp.followup.views import overview

    def work(db: Database) -> int:
        today = _date(args.dato)
        if args.output:
            target = Path(args.output)
            if target.suffix.lower() != ".xlsx":
                target = target.with_name(target.name + ".xlsx")
            print(f"Skrev {db.call(write_overview, target, today=today, year=args.year)}")
            return 0
        rows = [
            [r.project, str(r.year), _kr(r.awarded_local), _kr(r.awarded_regional), _kr(r.paid), r.reported]
            for r in db.call(overview, year=args.year)
        ]
        if not rows:
            print("Ingen prosjekter har fått tildeling ennå.")
            return 0
        print_table(
            ["Prosjekt", "År", "Lokalt", "Helse Nord", "Utbetalt", "Rapportering"], rows, right={2, 3, 4}
        )
        return 0

    return _run(args, work)


def plan_cmd(args: argparse.Namespace) -> int:
    from rsapp.followup.plan import plan_round

    def work(db: Database) -> int:
        added = db.call(plan_round, _round_id(db, args.round_key))
        print(f"La inn {added} utbetalinger og rapporter." if added else "Planen er komplett.")
        return 0

    return _run(args, work)
