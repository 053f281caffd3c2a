"""`rsapp sak …`: meetings, cases and their documents without the TUI.

    rsapp sak meeting new --date 20.10.2025|"uke 43" --extraordinary [--round helgeland-2026] [--standing]
    rsapp sak meeting list
    rsapp sak meeting final ID [--undo]
    rsapp sak meeting delete ID
    rsapp sak new --meeting ID --round helgeland-2026 --prioritering [--number 28/2025]
    rsapp sak new --meeting ID --title "…" [--orientering] | --standing
    rsapp sak list [--meeting ID]
    rsapp sak number SAK 28/2025
    rsapp sak delete SAK
    rsapp sak regenerate SAK [--apply] [--accept KEY …]
    rsapp sak render SAK --format md|html|docx|pdf -o FILE [--templates DIR]
    rsapp sak render --meeting ID --format docx -o innkalling.docx

SAK is a case number ("28-2025" or "28/2025") or a case id.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from rsapp.cli.common import CliError, open_db, print_table
from rsapp.vocab import final_label, meeting_kind_label

if TYPE_CHECKING:
    from rsapp.store.database import Database
    from rsapp.store.read_model import RoundInfo


def register(sub: argparse._SubParsersAction) -> None:
    sak = sub.add_parser("sak", help="møter, saksfremlegg og innstillinger")
    sak.set_defaults(handler=lambda args: _usage(sak))
    commands = sak.add_subparsers(dest="sak_command", metavar="KOMMANDO")

    meeting = commands.add_parser("meeting", aliases=["møte"], help="opprett eller vis møter")
    meeting.set_defaults(handler=lambda args: _usage(meeting))
    meeting_commands = meeting.add_subparsers(dest="meeting_command", metavar="KOMMANDO")
    p = meeting_commands.add_parser("new", aliases=["ny"], help="opprett et møte")
    p.add_argument(
        "--date",
        help="møtedato dd.mm.åååå eller «uke 43» (standard: mandag i rundens møteuke, f.eks. 20.10.2025)",
    )
    p.add_argument(
        "--round", dest="round_key", help="runden møtet gjelder (gir helsefellesskap og standard dato)"
    )
    p.add_argument("--extraordinary", action="store_true", help="ekstraordinært møte")
    p.add_argument("--place", default="", help="møtested, f.eks. Teams")
    p.add_argument("--utvalg", default=None, help="utvalg (standard: Strategisk samarbeidsutvalg)")
    p.add_argument(
        "--standing", action="store_true", help="legg til «Orienteringer fra sekretariatet» og «Eventuelt»"
    )
    p.set_defaults(handler=meeting_new)
    p = meeting_commands.add_parser("list", aliases=["liste"], help="vis møtene")
    p.set_defaults(handler=meeting_list)
    p = meeting_commands.add_parser(
        "final", aliases=["endelig"], help="sett møtet endelig (sakene beholder numrene sine)"
    )
    p.add_argument("meeting_id", metavar="ID", type=int, help="møtets id (se «rsapp sak møte liste»)")
    p.add_argument("--undo", action="store_true", help="sett møtet tilbake til utkast")
    p.set_defaults(handler=meeting_final)
    p = meeting_commands.add_parser(
        "delete", aliases=["slett"], help="slett et møte som er utkast, med sakene"
    )
    p.add_argument("meeting_id", metavar="ID", type=int, help="møtets id (se «rsapp sak møte liste»)")
    p.set_defaults(handler=meeting_delete)

    p = commands.add_parser("new", aliases=["ny"], help="legg en sak til et møte")
    p.add_argument("--meeting", type=int, required=True, help="møtets id (se «rsapp sak møte liste»)")
    p.add_argument("--round", dest="round_key", help="runden (for --prioritering)")
    kind = p.add_mutually_exclusive_group(required=True)
    kind.add_argument(
        "--prioritering", action="store_true", help="prioriteringssaken, laget fra rundens tall"
    )
    kind.add_argument("--title", help="tittel på en ny sak")
    kind.add_argument(
        "--standing",
        action="store_true",
        help="faste saker: «Orienteringer fra sekretariatet» og «Eventuelt»",
    )
    p.add_argument("--orientering", action="store_true", help="orienteringssak (standard: beslutningssak)")
    p.add_argument("--number", help="saksnummer, f.eks. 28-2025 eller 28/2025 (standard: neste ledige)")
    p.set_defaults(handler=case_new)

    p = commands.add_parser("list", aliases=["liste"], help="vis sakene (sakslisten)")
    p.add_argument("--meeting", type=int, help="bare dette møtet")
    p.set_defaults(handler=case_list)

    p = commands.add_parser("number", aliases=["nummer"], help="gi en sak et annet saksnummer")
    p.add_argument("case", metavar="SAK", help="saksnummer (28-2025) eller id")
    p.add_argument("number", metavar="NYTT", help="nytt saksnummer, f.eks. 28/2025")
    p.set_defaults(handler=case_number)

    p = commands.add_parser("delete", aliases=["slett"], help="slett en sak som er utkast")
    p.add_argument("case", metavar="SAK", help="saksnummer (28-2025) eller id")
    p.set_defaults(handler=case_delete)

    p = commands.add_parser(
        "regenerate", aliases=["oppdater"], help="lag prioriteringssaken på nytt fra dataene"
    )
    p.add_argument("case", metavar="SAK", help="saksnummer (28-2025) eller id")
    p.add_argument(
        "--apply", action="store_true", help="gjør de trygge endringene (aldri over redigert tekst)"
    )
    p.add_argument(
        "--accept",
        nargs="+",
        default=None,
        metavar="NØKKEL",
        help="gjør akkurat disse endringene (med --apply)",
    )
    p.set_defaults(handler=case_regenerate)

    p = commands.add_parser("render", aliases=["lag"], help="lag dokumentet for en sak eller et møte")
    p.add_argument("case", metavar="SAK", nargs="?", help="saksnummer (28-2025) eller id")
    p.add_argument("--meeting", type=int, help="hele møtet: innkalling med saksliste og alle saker")
    p.add_argument(
        "--format", choices=["md", "html", "docx", "pdf"], help="format (standard: fra filnavnet, ellers md)"
    )
    p.add_argument("-o", "--output", help="fil å skrive (standard: Markdown/HTML til skjermen)")
    p.add_argument("--templates", help="mappe med egne maler som overstyrer de innebygde")
    p.set_defaults(handler=render_cmd)

    from rsapp.cli.meeting_cycle_cmd import register_sak

    register_sak(commands)  # after the meeting: status, innkalling, vedtak, protokoll, oversendelse …


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _db(args: argparse.Namespace) -> Database:
    return open_db(args)


def _errors() -> tuple[type[Exception], ...]:
    from rsapp.dates import DateError
    from rsapp.saksfremlegg.numbering import CaseNumberError
    from rsapp.saksfremlegg.records import CaseError
    from rsapp.saksfremlegg.render import RenderError

    return (CaseError, CaseNumberError, RenderError, DateError, LookupError)


def _round(db: Database, key: str | None) -> RoundInfo:
    from rsapp.portfolio import default_round, round_by_key

    with db.read() as reader:
        info = round_by_key(reader, key) if key else default_round(reader)
    if info is None:
        raise CliError("Databasen har ingen runder.")
    return info


def meeting_new(args: argparse.Namespace) -> int:
    from datetime import date

    from rsapp.dates import format_date
    from rsapp.saksfremlegg.meetings import default_meeting_date, new_meeting
    from rsapp.saksfremlegg.records import meeting_title
    from rsapp.vocab import DEFAULT_UTVALG

    db = _db(args)
    try:
        week = bool(args.date) and args.date.strip().lower().startswith(("uke", "veke"))
        wants_round = args.round_key or not args.date or week
        round_ = _round(db, args.round_key) if wants_round else None
        year = default_meeting_date(round_).year if round_ else date.today().year
        if args.date:
            text = args.date
        else:  # no date: the round's meeting day (the round is read above)
            assert round_ is not None
            text = format_date(default_meeting_date(round_))
        created = db.call(
            new_meeting,
            text,
            week_year=year,
            utvalg=args.utvalg or DEFAULT_UTVALG,
            extraordinary=args.extraordinary,
            place=args.place,
            helsefellesskap_id=round_.helsefellesskap_id if round_ else None,
            standing_cases=args.standing,
        )
    except _errors() as exc:
        raise CliError(str(exc)) from exc
    finally:
        db.close()
    meeting = created.meeting
    print(f"Opprettet møte {meeting.id}: {meeting_title(meeting)} ({format_date(meeting.date)})")
    for other in created.same_day:
        print(f"Merk: møte {other.id} er også {format_date(other.date)} ({meeting_title(other)}).")
    return 0


def meeting_final(args: argparse.Namespace) -> int:
    from rsapp.saksfremlegg.meetings import set_meeting_final
    from rsapp.saksfremlegg.records import meeting_title

    db = _db(args)
    try:
        meeting = db.call(set_meeting_final, args.meeting_id, not args.undo)
    except _errors() as exc:
        raise CliError(str(exc)) from exc
    finally:
        db.close()
    print(f"{meeting_title(meeting)} er nå {final_label(meeting.final).lower()}.")
    return 0


def meeting_delete(args: argparse.Namespace) -> int:
    from rsapp.saksfremlegg.meetings import delete_meeting
    from rsapp.saksfremlegg.records import get_meeting, meeting_title

    db = _db(args)
    try:
        title = meeting_title(db.call(get_meeting, args.meeting_id))
        db.call(delete_meeting, args.meeting_id)
    except _errors() as exc:
        raise CliError(str(exc)) from exc
    finally:
        db.close()
    print(f"Slettet {title} med sakene.")
    return 0


def meeting_list(args: argparse.Namespace) -> int:
    from rsapp.dates import format_date
    from rsapp.saksfremlegg.meetings import list_meetings

    db = _db(args)
    try:
        meetings = db.call(list_meetings)
    finally:
        db.close()
    rows = [
        [
            str(item.meeting.id),
            format_date(item.meeting.date),
            meeting_kind_label(item.meeting.extraordinary).lower(),
            item.meeting.utvalg,
            item.meeting.place,
            str(item.cases),
            final_label(item.meeting.final).lower(),
        ]
        for item in meetings
    ]
    if not rows:
        print("Ingen møter ennå. Opprett et med: rsapp sak møte ny --dato dd.mm.åååå")
        return 0
    print_table(["Id", "Dato", "Møte", "Utvalg", "Sted", "Saker", "Status"], rows, right={0, 5})
    return 0


def case_new(args: argparse.Namespace) -> int:
    from rsapp.saksfremlegg.drafting import create_prioritisation_case
    from rsapp.saksfremlegg.records import case_label
    from rsapp.saksfremlegg.saksliste import add_case, add_orientation_case, add_standing_cases

    db = _db(args)
    try:
        if args.prioritering:
            round_ = _round(db, args.round_key)
            cases = [db.call(create_prioritisation_case, args.meeting, round_.id, number=args.number)]
        elif args.standing:
            cases = db.call(add_standing_cases, args.meeting)
        elif args.orientering:
            cases = [db.call(add_orientation_case, args.meeting, args.title, number=args.number)]
        else:
            cases = [db.call(add_case, args.meeting, title=args.title, number=args.number)]
    except _errors() as exc:
        raise CliError(str(exc)) from exc
    finally:
        db.close()
    for case in cases:
        print(f"Opprettet {case_label(case)} (id {case.id})")
    if not cases:
        print("Møtet har allerede de faste sakene.")
    return 0


def case_list(args: argparse.Namespace) -> int:
    # Read only: the fast read path (no SQLAlchemy on a ready SQLite file).
    from rsapp.cli.common import read_only
    from rsapp.dates import format_date
    from rsapp.saksfremlegg.numbering import format_case_number
    from rsapp.store.read_model import read_cases
    from rsapp.vocab import case_type_label

    with read_only(args) as reader:
        listed = read_cases(reader, args.meeting)
    rows = [
        [
            str(line.case_id),
            format_case_number(line.number, line.year),
            line.title,
            case_type_label(line.case_type),
            format_date(line.meeting_date) if line.meeting_date else "",
            str(line.points),
            final_label(line.final).lower(),
        ]
        for line in listed
    ]
    if not rows:
        print("Ingen saker.")
        return 0
    print_table(["Id", "Saksnr", "Tittel", "Type sak", "Møtedato", "Punkter", "Status"], rows, right={0, 5})
    return 0


def _case_id(db: Database, text: str) -> int:
    from rsapp.saksfremlegg.records import find_case

    case = db.call(find_case, text)
    assert case.id is not None
    return case.id


def case_number(args: argparse.Namespace) -> int:
    from rsapp.saksfremlegg.records import case_label
    from rsapp.saksfremlegg.saksliste import set_case_number

    db = _db(args)
    try:
        case = db.call(set_case_number, _case_id(db, args.case), args.number)
    except _errors() as exc:
        raise CliError(str(exc)) from exc
    finally:
        db.close()
    print(f"Nytt saksnummer: {case_label(case)}")
    return 0


def case_delete(args: argparse.Namespace) -> int:
    from rsapp.saksfremlegg.records import case_label, find_case
    from rsapp.saksfremlegg.saksliste import delete_case

    db = _db(args)
    try:
        case = db.call(find_case, args.case)
        label = case_label(case)
        db.call(delete_case, _case_id(db, args.case))
    except _errors() as exc:
        raise CliError(str(exc)) from exc
    finally:
        db.close()
    print(f"Slettet {label}.")
    return 0


def case_regenerate(args: argparse.Namespace) -> int:
    from rsapp.saksfremlegg.drafting import apply_regeneration, plan_regeneration

    db = _db(args)
    try:
        case_id = _case_id(db, args.case)
        changes = db.call(plan_regeneration, case_id)
        if not changes:
            print("Saken er i samsvar med dataene; ingenting å endre.")
            return 0
        for change in changes:
            mark = "trygg" if change.safe else "må godtas"
            print(f"[{change.key}] {change.label} ({mark})")
            for sign, line in change.diff():
                print(f"  {sign} {line}")
        if args.apply:
            applied = db.call(apply_regeneration, case_id, args.accept)
            print(f"Gjorde {len(applied)} av {len(changes)} endringer.")
        else:
            print("Kjør med --apply for å gjøre de trygge endringene (eller --apply --accept NØKKEL …).")
    except _errors() as exc:
        raise CliError(str(exc)) from exc
    finally:
        db.close()
    return 0


def render_cmd(args: argparse.Namespace) -> int:
    from rsapp.saksfremlegg.render import Renderer, case_context, meeting_context

    if (args.case is None) == (args.meeting is None):
        raise CliError("Oppgi enten en sak (SAK) eller --meeting ID.")
    fmt = args.format
    if fmt is None:
        suffix = Path(args.output).suffix.lower().lstrip(".") if args.output else ""
        fmt = {"markdown": "md", "htm": "html"}.get(suffix, suffix) or "md"
        if fmt not in ("md", "html", "docx", "pdf"):
            raise CliError(
                f"Kan ikke se formatet av filnavnet «{args.output}»; bruk --format md|html|docx|pdf."
            )
    if fmt in ("docx", "pdf") and not args.output:
        raise CliError(f"Formatet {fmt} må skrives til en fil: bruk -o FIL.")
    db = _db(args)
    try:
        renderer = Renderer(args.templates)
        if args.meeting is not None:
            result = renderer.meeting(db.call(meeting_context, args.meeting), fmt)
        else:
            result = renderer.case(db.call(case_context, _case_id(db, args.case)), fmt)
    except _errors() as exc:
        raise CliError(str(exc)) from exc
    finally:
        db.close()
    if not args.output:
        sys.stdout.write(result if isinstance(result, str) else result.decode())
        return 0
    from rsapp.files import FileWriteError, write_atomic

    target = Path(args.output)
    try:
        write_atomic(target, result)  # temp file + rename, mode 0600
    except FileWriteError as exc:
        raise CliError(str(exc)) from exc
    print(f"Skrev {target}")
    return 0
