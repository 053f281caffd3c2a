"""`rsapp sak …` after the saksfremlegg: the meeting's life, vedtak, protokoll, the letter.

    rsapp sak historikk [--år 2025]                 tidligere brukte saksnumre
    rsapp sak historikk registrer 12/2025 "Tittel" [--møtedato 09.09.2025]
    rsapp sak status MØTE                           møtets tilstand, oppmøte og vedtak
    rsapp sak innkalling sett MØTE --tid 09:00-12:00 --sted Teams --møteleder NAVN --forfall-til ADRESSE
    rsapp sak innkalling lag MØTE -o innkalling.docx [--offentlig]
    rsapp sak innkalling pakke MØTE STI [--pdf]     innkalling, saksfremlegg og vedlegg samlet
    rsapp sak innkalling send MØTE [--dato]         planlagt → innkalt
    rsapp sak avholdt MØTE [--dato]                 innkalt → avholdt
    rsapp sak oppmøte MØTE --møtt NAVN … --forfall NAVN … [--vara "NAVN=FOR"]
    rsapp sak vedtak SAK [--som-innstilt] [--endre N TEKST [--beløp 2026=400000]] [--for NAVN … --mot NAVN …]
                         [--inhabil NAVN] [--utsatt] …
    rsapp sak protokoll lag MØTE [-o FIL] [--offentlig]
    rsapp sak protokoll godkjenn MØTE --av "SSU per e-post" [--dato]
    rsapp sak unntak SAK [--felt saksopplysninger --hjemmel "offl. § 13 …" [--tekst …]]
    rsapp sak offentlig SAK -o FIL                  saksfremlegget uten det som er unntatt
    rsapp sak vedtatt-liste --round KEY [-o FIL]    Excel-listen som «Vedtatt» med møtedatoen
    rsapp sak oversendelse vis|lag|sendt --round KEY …
    rsapp sak kø / rsapp sak sett-på SAK --meeting MØTE

MØTE is a meeting id (rsapp sak meeting list); SAK a case number (28-2025) or id.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rsapp.cli.common import CliError, open_db, print_table

if TYPE_CHECKING:
    from rsapp.store.database import Database


def _errors() -> tuple[type[Exception], ...]:
    from rsapp.allocation import AllocationError
    from rsapp.dates import DateError
    from rsapp.saksfremlegg.numbering import CaseNumberError
    from rsapp.saksfremlegg.records import CaseError
    from rsapp.saksfremlegg.render import RenderError
    from rsapp.store.unit_of_work import StoreError

    return (CaseError, CaseNumberError, RenderError, DateError, LookupError, StoreError, AllocationError)


def _date(text: str | None) -> date:
    from rsapp.dates import DateError, parse_date

    if not text:
        return date.today()
    try:
        return parse_date(text)
    except DateError as exc:
        raise CliError(f"Kan ikke lese datoen «{text}»: skriv den som dd.mm.åååå.") from exc


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _case_id(db: Database, text: str) -> int:
    from rsapp.saksfremlegg.records import find_case

    return int(db.call(find_case, text).id or 0)


def _round_id(db: Database, key: str | None) -> int:
    from rsapp.portfolio import default_round, round_by_key

    with db.read() as reader:
        info = round_by_key(reader, key) if key else default_round(reader)
    if info is None:
        raise CliError("Databasen har ingen runder.")
    return info.id


def _write(target: str | None, content: str | bytes) -> None:
    if not target:
        sys.stdout.write(content if isinstance(content, str) else content.decode())
        return
    from rsapp.files import FileWriteError, write_atomic

    try:
        written = write_atomic(Path(target), content)
    except FileWriteError as exc:
        raise CliError(str(exc)) from exc
    print(f"Skrev {written}")


def _format(args: argparse.Namespace) -> str:
    fmt = args.format
    if fmt is None:
        suffix = Path(args.output).suffix.lower().lstrip(".") if args.output else ""
        fmt = {"markdown": "md"}.get(suffix, suffix) or "md"
    if fmt not in ("md", "docx", "pdf"):
        raise CliError(f"Ukjent format «{fmt}»: bruk md, docx eller pdf.")
    if fmt != "md" and not args.output:
        raise CliError(f"Formatet {fmt} må skrives til en fil: bruk -o FIL.")
    return fmt


def _run(args: argparse.Namespace, work: Any) -> int:
    """Open the database, run ``work(db)``, turn domain errors into `Feil: …`."""
    db = open_db(args)
    try:
        return int(work(db) or 0)
    except _errors() as exc:
        raise CliError(str(exc)) from exc
    finally:
        db.close()


# --- registering ----------------------------------------------------------------------------------


def register_sak(commands: argparse._SubParsersAction) -> None:
    """Add the commands after the saksfremlegg to `rsapp sak`."""
    _register_history(commands)
    _register_life(commands)
    _register_vedtak(commands)
    _register_protokoll(commands)
    _register_public(commands)
    _register_forwarding(commands)


def _register_history(commands: argparse._SubParsersAction) -> None:
    h = commands.add_parser(
        "historikk",
        help="saksnumre brukt før rsapp (møtet 09.09.2025 ligger inne), så nummereringen fortsetter året",
    )
    h.add_argument("--år", dest="year", type=int, help="bare dette året")
    h.set_defaults(handler=history_list)
    actions = h.add_subparsers(dest="history_command", metavar="HANDLING")
    p = actions.add_parser("registrer", help="registrer et saksnummer brukt tidligere i året")
    p.add_argument("number", metavar="NR", help="saksnummer, f.eks. 12/2025 eller 12-2025")
    p.add_argument("title", metavar="TITTEL", help="sakens tittel")
    p.add_argument("--møtedato", dest="meeting_date", help="møtedato dd.mm.åååå")
    p.add_argument("--utvalg", default="", help="utvalg (standard: Strategisk samarbeidsutvalg)")
    p.set_defaults(handler=history_register)
    p = actions.add_parser("slett", help="fjern et registrert saksnummer (nummeret blir ledig)")
    p.add_argument("line_id", metavar="ID", type=int, help="id fra listen")
    p.set_defaults(handler=history_delete)


def _register_life(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser(
        "status", help="møtets tilstand: innkalling, oppmøte, saker og vedtak, hva som mangler"
    )
    p.add_argument("meeting_id", metavar="MØTE", type=int, help="møtets id")
    p.add_argument("--dato", help="dagens dato (for fristen til Helse Nord), dd.mm.åååå")
    p.set_defaults(handler=life_show)

    inn = commands.add_parser(
        "innkalling", help="innkallingen: detaljer, dokument, pakke med vedlegg, sending"
    )
    inn.set_defaults(handler=lambda args: _usage(inn))
    actions = inn.add_subparsers(dest="innkalling_command", metavar="HANDLING")
    p = actions.add_parser("sett", help="tid, sted, videolenke, møteleder, referent, mottakere og forfall")
    p.add_argument("meeting_id", metavar="MØTE", type=int, help="møtets id")
    p.add_argument("--tid", help="klokkeslett, f.eks. 09:00-12:00 eller 09:00")
    p.add_argument("--sted", help="møtested")
    p.add_argument("--video", help="lenke til videomøtet")
    p.add_argument("--møteleder", dest="chair", help="møteleders navn")
    p.add_argument("--referent", dest="secretary", help="referent (sekretariatet)")
    p.add_argument(
        "--mottaker", dest="recipients", nargs="+", metavar="MOTTAKER", help="mottakere (erstatter listen)"
    )
    p.add_argument("--forfall-til", dest="forfall_to", help="hvor forfall meldes (e-post eller navn)")
    p.set_defaults(handler=innkalling_set)
    p = actions.add_parser("lag", help="innkallingen med saksliste og alle saksfremlegg som ett dokument")
    p.add_argument("meeting_id", metavar="MØTE", type=int, help="møtets id")
    p.add_argument("-o", "--output", help="fil (standard: Markdown til skjermen)")
    p.add_argument("--format", choices=["md", "docx", "pdf"], help="format (standard: fra filnavnet)")
    p.add_argument("--offentlig", action="store_true", help="offentlig versjon: det som er unntatt, tas ut")
    p.add_argument("--templates", help="mappe med egne maler")
    p.set_defaults(handler=innkalling_render)
    p = actions.add_parser("pakke", help="innkalling, saksfremlegg og vedlegg (Excel-liste, søknader) samlet")
    p.add_argument("meeting_id", metavar="MØTE", type=int, help="møtets id")
    p.add_argument("target", metavar="STI", help="mappe (standard) eller PDF-fil (med --pdf)")
    p.add_argument("--pdf", action="store_true", help="alt i én PDF (LibreOffice)")
    p.add_argument("--offentlig", action="store_true", help="offentlig versjon")
    p.add_argument("--dato", help="datoen på Excel-listen (standard: i dag)")
    p.add_argument("--templates", help="mappe med egne maler")
    p.set_defaults(handler=innkalling_bundle)
    p = actions.add_parser("send", help="innkallingen er sendt: møtet blir innkalt og sakslisten endelig")
    p.add_argument("meeting_id", metavar="MØTE", type=int, help="møtets id")
    p.add_argument("--dato", help="datoen innkallingen ble sendt (standard: i dag)")
    p.set_defaults(handler=innkalling_send)

    p = commands.add_parser("avholdt", help="møtet er holdt: vedtakene kan føres")
    p.add_argument("meeting_id", metavar="MØTE", type=int, help="møtets id")
    p.add_argument("--dato", help="dagens dato (standard: i dag)")
    p.set_defaults(handler=life_held)
    p = commands.add_parser(
        "tilbake", help="gå ett steg tilbake (avholdt → innkalt → planlagt) før godkjenning"
    )
    p.add_argument("meeting_id", metavar="MØTE", type=int, help="møtets id")
    p.set_defaults(handler=life_back)

    p = commands.add_parser("oppmøte", help="hvem møtte, hvem hadde forfall, hvem møtte som vara")
    p.add_argument("meeting_id", metavar="MØTE", type=int, help="møtets id")
    p.add_argument(
        "--innkall-medlemmer",
        dest="summon",
        action="store_true",
        help="innkall SSU-medlemmene fra registeret",
    )
    p.add_argument("--møtt", dest="present", nargs="+", default=[], metavar="NAVN", help="møtte")
    p.add_argument("--forfall", dest="absent", nargs="+", default=[], metavar="NAVN", help="meldte forfall")
    p.add_argument("--vara", nargs="+", default=[], metavar="NAVN=FOR", help="vara som møtte for et medlem")
    p.add_argument("--legg-til", dest="add", nargs="+", default=[], metavar="NAVN", help="legg til en person")
    p.set_defaults(handler=attendance_cmd)

    p = commands.add_parser("kø", help="saker som venter på et møte (utsatte saker)")
    p.set_defaults(handler=queue_list)
    p = commands.add_parser("sett-på", help="sett en utsatt sak først på et planlagt møte")
    p.add_argument("case", metavar="SAK", help="saksnummer eller id")
    p.add_argument("--meeting", type=int, required=True, help="møtets id")
    p.set_defaults(handler=queue_schedule)


def _register_vedtak(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser(
        "vedtak",
        help="vedtaket i en sak: som innstilt, endret punkt for punkt, votering, inhabil, utsatt",
        description="Uten valg vises vedtaket ved siden av innstillingen. Valgene gjøres i rekkefølgen "
        "som innstilt → punktendringer → inhabil → votering → utsatt → protokolltilførsel.",
    )
    p.add_argument("case", metavar="SAK", help="saksnummer (28-2025) eller id")
    p.add_argument("--som-innstilt", dest="as_recommended", action="store_true", help="vedtatt som innstilt")
    p.add_argument("--endre", nargs=2, metavar=("N", "TEKST"), help="punkt N får ny tekst")
    p.add_argument(
        "--beløp",
        dest="amounts",
        metavar="ÅR=KR,…",
        help="nye beløp per år for punktet (--endre N eller --nytt)",
    )
    p.add_argument(
        "--endre-beløp", dest="amend_amounts", type=int, metavar="N", help="bare nye beløp for punkt N"
    )
    p.add_argument("--nytt", metavar="TEKST", help="nytt punkt i vedtaket")
    p.add_argument(
        "--søknad", dest="application", metavar="SØKNAD", help="søknaden det nye punktet innvilger"
    )
    p.add_argument("--stryk", type=int, metavar="N", help="stryk punkt N")
    p.add_argument("--tilbakestill", type=int, metavar="N", help="punkt N tilbake til innstillingen")
    p.add_argument("--inhabil", nargs="+", default=[], metavar="NAVN", help="fratrådte som inhabil")
    p.add_argument(
        "--hjemmel", default="", help="hjemmel for inhabiliteten (standard: forvaltningsloven § 6)"
    )
    p.add_argument("--habil", nargs="+", default=[], metavar="NAVN", help="fjern inhabil-markering")
    p.add_argument("--enstemmig", action="store_true", help="enstemmig vedtatt")
    p.add_argument("--for", dest="votes_for", nargs="+", default=[], metavar="NAVN", help="stemte for")
    p.add_argument("--mot", dest="votes_against", nargs="+", default=[], metavar="NAVN", help="stemte mot")
    p.add_argument(
        "--utsatt", action="store_true", help="saken utsettes (tilbake i køen når protokollen godkjennes)"
    )
    p.add_argument("--grunn", default="", help="hvorfor saken ble utsatt")
    p.add_argument("--tilførsel", dest="note", help="protokolltilførsel")
    p.add_argument("--fjern", dest="clear", action="store_true", help="fjern det som er ført for saken")
    p.set_defaults(handler=vedtak_cmd)


def _register_protokoll(commands: argparse._SubParsersAction) -> None:
    pr = commands.add_parser("protokoll", help="protokollen: lag den (Word/PDF/Markdown) og godkjenn den")
    pr.set_defaults(handler=lambda args: _usage(pr))
    actions = pr.add_subparsers(dest="protokoll_command", metavar="HANDLING")
    p = actions.add_parser("lag", help="protokollen for et møte")
    p.add_argument("meeting_id", metavar="MØTE", type=int, help="møtets id")
    p.add_argument("-o", "--output", help="fil (standard: Markdown til skjermen)")
    p.add_argument("--format", choices=["md", "docx", "pdf"], help="format (standard: fra filnavnet)")
    p.add_argument("--offentlig", action="store_true", help="offentlig versjon: det som er unntatt, tas ut")
    p.add_argument("--templates", help="mappe med egne maler")
    p.set_defaults(handler=protokoll_render)
    p = actions.add_parser(
        "godkjenn", help="godkjenn protokollen: vedtakene skrives tilbake og møtet låses (kan ikke angres)"
    )
    p.add_argument("meeting_id", metavar="MØTE", type=int, help="møtets id")
    p.add_argument("--av", dest="by", required=True, help="hvem godkjente, f.eks. «SSU per e-post»")
    p.add_argument("--dato", help="godkjenningsdato (standard: i dag)")
    p.set_defaults(handler=protokoll_approve)


def _register_public(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser("unntak", help="marker tekst som unntatt offentlighet, med hjemmel")
    p.add_argument("case", metavar="SAK", help="saksnummer eller id")
    p.add_argument(
        "--felt", choices=["saksopplysninger", "vurdering", "vedlegg", "innstilling", "vedtak"], help="feltet"
    )
    p.add_argument("--hjemmel", default="", help="f.eks. «offl. § 13 jf. fvl. § 13 første ledd nr. 1»")
    p.add_argument("--tekst", default="", help="bare denne teksten i feltet (kopier den nøyaktig)")
    p.add_argument("--punkt", type=int, help="bare dette innstillingspunktet")
    p.add_argument("--fjern", type=int, metavar="ID", help="fjern et unntak")
    p.set_defaults(handler=exemption_cmd)
    p = commands.add_parser(
        "offentlig", help="saksfremlegget i offentlig versjon (det som er unntatt, tas ut)"
    )
    p.add_argument("case", metavar="SAK", help="saksnummer eller id")
    p.add_argument("-o", "--output", help="fil (standard: Markdown til skjermen)")
    p.add_argument("--format", choices=["md", "docx", "pdf"], help="format (standard: fra filnavnet)")
    p.set_defaults(handler=public_case)


def _register_forwarding(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser(
        "vedtatt-liste", help="Excel-prioriteringslisten som «Vedtatt», datert møtedatoen"
    )
    p.add_argument(
        "--round", dest="round_key", required=True, metavar="RUNDE", help="runde, f.eks. helgeland-2026"
    )
    p.add_argument("-o", "--output", help="fil (standard: Prioritering_…_vedtatt.xlsx)")
    p.add_argument("--force", action="store_true", help="overskriv filen")
    p.set_defaults(handler=decided_list)

    ov = commands.add_parser(
        "oversendelse", help="brevet til Helse Nord med den regionale listen (frist 1. november)"
    )
    ov.set_defaults(handler=lambda args: _usage(ov))
    actions = ov.add_subparsers(dest="forwarding_command", metavar="HANDLING")
    p = actions.add_parser("vis", help="fristen og om listen er sendt")
    p.add_argument("--round", dest="round_key", metavar="RUNDE", help="runde (standard: nyeste)")
    p.add_argument("--dato", help="dagens dato")
    p.set_defaults(handler=forwarding_show)
    p = actions.add_parser("lag", help="brevet med vedlegg, som mappe eller én PDF")
    p.add_argument("--round", dest="round_key", metavar="RUNDE", help="runde (standard: nyeste)")
    p.add_argument("target", metavar="STI", help="mappe (standard) eller PDF-fil (med --pdf)")
    p.add_argument("--pdf", action="store_true", help="alt i én PDF")
    p.add_argument("--dato", help="brevets dato (standard: i dag)")
    p.add_argument("--signatur", default="", help="hvem som signerer")
    p.add_argument("--referanse", default="", help="vår referanse")
    p.add_argument("--templates", help="mappe med egne maler")
    p.set_defaults(handler=forwarding_write)
    p = actions.add_parser("sendt", help="listen er sendt Helse Nord (fristen vises ikke lenger)")
    p.add_argument("--round", dest="round_key", metavar="RUNDE", help="runde (standard: nyeste)")
    p.add_argument("--dato", help="sendt dato (standard: i dag)")
    p.add_argument("--referanse", default="", help="vår referanse")
    p.set_defaults(handler=forwarding_sent)


# --- handlers: history ----------------------------------------------------------------------------


def history_list(args: argparse.Namespace) -> int:
    from rsapp.dates import format_date
    from rsapp.saksfremlegg.history import history_lines, next_number

    def work(db: Database) -> int:
        lines = db.call(history_lines, args.year)
        rows = [
            [str(line.id), line.number, line.written, line.title, format_date(line.meeting_date), line.source]
            for line in lines
        ]
        if rows:
            print_table(["Id", "Saksnr", "Skrevet", "Tittel", "Møtedato", "Kilde"], rows, right={0})
        else:
            print("Ingen registrerte saksnumre.")
        year = args.year or date.today().year
        print(f"Neste ledige saksnummer i {year}: {db.call(next_number, year)}")
        return 0

    return _run(args, work)


def history_register(args: argparse.Namespace) -> int:
    from rsapp.saksfremlegg.history import next_number, register_case_number
    from rsapp.vocab import DEFAULT_UTVALG

    def work(db: Database) -> int:
        on = _date(args.meeting_date) if args.meeting_date else None
        line = db.call(
            register_case_number,
            args.number,
            args.title,
            meeting_date=on,
            utvalg=args.utvalg or DEFAULT_UTVALG,
        )
        year = int(line.number.split("-")[1])
        print(f"Registrerte sak {line.number}: {line.title}")
        print(f"Neste ledige saksnummer i {year}: {db.call(next_number, year)}")
        return 0

    return _run(args, work)


def history_delete(args: argparse.Namespace) -> int:
    from rsapp.saksfremlegg.history import delete_registered

    def work(db: Database) -> int:
        db.call(delete_registered, args.line_id)
        print(f"Fjernet registrert saksnummer {args.line_id}.")
        return 0

    return _run(args, work)


# --- handlers: the meeting's life -------------------------------------------------------------------


def _print_life(db: Database, meeting_id: int, today: date) -> None:
    from rsapp.saksfremlegg.meeting_life import meeting_life
    from rsapp.saksfremlegg.numbering import format_case_number
    from rsapp.saksfremlegg.oversendelse import forwarding_state
    from rsapp.vocab import OUTCOME_LABELS

    life = db.call(meeting_life, meeting_id)
    print(f"{life.title}: {life.status_label}" + (" (låst)" if life.locked else ""))
    for label, value in life.details:
        print(f"  {label}: {value}")
    if life.attendees:
        print("Oppmøte:")
        for person in life.attendees:
            print(f"  {person.name}: {person.status_label}")
    print("Saker:")
    for case in life.cases:
        outcome = OUTCOME_LABELS.get(life.decided.get(int(case.id or 0), ""), "")
        print(f"  {format_case_number(case.number, case.year)} {case.title} – {outcome}")
    if life.missing:
        print(f"Mangler før «{life.next_step.lower()}»: {', '.join(life.missing)}")
    elif life.next_step:
        print(f"Neste steg: {life.next_step}")
    rounds = {case.round_id for case in life.cases if case.round_id}
    for round_id in sorted(rounds):
        print(db.call(forwarding_state, round_id, today=today).line)


def life_show(args: argparse.Namespace) -> int:
    def work(db: Database) -> int:
        _print_life(db, args.meeting_id, _date(args.dato))
        return 0

    return _run(args, work)


def innkalling_set(args: argparse.Namespace) -> int:
    from rsapp.saksfremlegg.meeting_life import set_details

    fields: dict[str, str] = {}
    if args.tid is not None:
        start, _, end = args.tid.replace("–", "-").partition("-")
        fields["start_time"], fields["end_time"] = start.strip(), end.strip()
    for name, value in (
        ("place", args.sted),
        ("video_link", args.video),
        ("chair", args.chair),
        ("secretary", args.secretary),
        ("forfall_to", args.forfall_to),
    ):
        if value is not None:
            fields[name] = value
    if args.recipients is not None:
        fields["recipients"] = "\n".join(args.recipients)

    def work(db: Database) -> int:
        if fields:
            db.call(set_details, args.meeting_id, **fields)
        _print_life(db, args.meeting_id, date.today())
        return 0

    return _run(args, work)


def innkalling_render(args: argparse.Namespace) -> int:
    from rsapp.saksfremlegg.innkalling import render_innkalling

    fmt = _format(args)

    def work(db: Database) -> int:
        content = db.call(
            render_innkalling, args.meeting_id, fmt, public=args.offentlig, templates_dir=args.templates
        )
        _write(args.output, content)
        return 0

    return _run(args, work)


def innkalling_bundle(args: argparse.Namespace) -> int:
    from rsapp.saksfremlegg.innkalling import write_bundle

    def work(db: Database) -> int:
        bundle = db.call(
            write_bundle,
            args.meeting_id,
            Path(args.target),
            as_pdf=args.pdf,
            today=_date(args.dato),
            public=args.offentlig,
            templates_dir=args.templates,
        )
        print(f"Skrev {bundle.path}")
        for part in bundle.parts:
            print(f"  {part}")
        return 0

    return _run(args, work)


def innkalling_send(args: argparse.Namespace) -> int:
    from rsapp.dates import format_date
    from rsapp.saksfremlegg.meeting_life import summon
    from rsapp.saksfremlegg.records import meeting_title

    def work(db: Database) -> int:
        meeting = db.call(summon, args.meeting_id, on=_date(args.dato))
        print(
            f"{meeting_title(meeting)} er innkalt ({format_date(meeting.summoned_on)}); sakslisten er endelig."
        )
        return 0

    return _run(args, work)


def life_held(args: argparse.Namespace) -> int:
    from rsapp.saksfremlegg.meeting_life import mark_held
    from rsapp.saksfremlegg.records import meeting_title

    def work(db: Database) -> int:
        meeting = db.call(mark_held, args.meeting_id, today=_date(args.dato))
        print(f"{meeting_title(meeting)} er avholdt. Før vedtakene med: rsapp sak vedtak SAK …")
        return 0

    return _run(args, work)


def life_back(args: argparse.Namespace) -> int:
    from rsapp.saksfremlegg.meeting_life import step_back
    from rsapp.saksfremlegg.records import meeting_title
    from rsapp.vocab import MEETING_STATUS_LABELS

    def work(db: Database) -> int:
        meeting = db.call(step_back, args.meeting_id)
        print(f"{meeting_title(meeting)} er nå {MEETING_STATUS_LABELS[meeting.status].lower()}.")
        return 0

    return _run(args, work)


def attendance_cmd(args: argparse.Namespace) -> int:
    from rsapp.saksfremlegg import meeting_life as life
    from rsapp.vocab import ATTENDANCE_ABSENT, ATTENDANCE_PRESENT, ATTENDANCE_SUBSTITUTE

    def work(db: Database) -> int:
        if args.summon:
            added = db.call(life.summon_members, args.meeting_id)
            print(f"Innkalte {added} medlemmer fra registeret.")
        for name in args.add:
            db.call(life.add_attendee, args.meeting_id, name)
        for name in args.present:
            db.call(life.set_attendance, args.meeting_id, name, ATTENDANCE_PRESENT)
        for name in args.absent:
            db.call(life.set_attendance, args.meeting_id, name, ATTENDANCE_ABSENT)
        for pair in args.vara:
            name, _, standing_in = pair.partition("=")
            if not standing_in.strip():
                raise CliError(f"Skriv vara som «NAVN=MEDLEM», fikk «{pair}».")
            people = {a.name.lower() for a in db.call(life.attendance, args.meeting_id)}
            if name.strip().lower() not in people:
                db.call(life.add_attendee, args.meeting_id, name.strip(), role="Vara")
            db.call(
                life.set_attendance,
                args.meeting_id,
                name.strip(),
                ATTENDANCE_SUBSTITUTE,
                substitute_for=standing_in.strip(),
            )
        rows = [
            [a.name, a.role, a.organisation, a.status_label]
            for a in db.call(life.attendance, args.meeting_id)
        ]
        if rows:
            print_table(["Navn", "Rolle", "Organisasjon", "Oppmøte"], rows)
        else:
            print(
                "Ingen er innkalt ennå. Bruk --innkall-medlemmer (SSU-medlemmene i registeret) eller --legg-til NAVN."
            )
        return 0

    return _run(args, work)


def queue_list(args: argparse.Namespace) -> int:
    from rsapp.saksfremlegg.meeting_life import queued_cases
    from rsapp.saksfremlegg.numbering import format_case_number

    def work(db: Database) -> int:
        cases = db.call(queued_cases)
        if not cases:
            print("Ingen saker venter på et møte.")
            return 0
        print_table(
            ["Id", "Saksnr", "Tittel"],
            [[str(c.id), format_case_number(c.number, c.year), c.title] for c in cases],
            right={0},
        )
        return 0

    return _run(args, work)


def queue_schedule(args: argparse.Namespace) -> int:
    from rsapp.saksfremlegg.meeting_life import schedule_case
    from rsapp.saksfremlegg.records import case_label

    def work(db: Database) -> int:
        case = db.call(schedule_case, _case_id(db, args.case), args.meeting)
        print(f"{case_label(case)} står nå først på møte {args.meeting}.")
        return 0

    return _run(args, work)


# --- handlers: vedtak ---------------------------------------------------------------------------------


def _print_vedtak(view: Any) -> None:
    from rsapp.saksfremlegg.records import case_label
    from rsapp.saksfremlegg.vedtak import amounts_label

    print(f"{case_label(view.case)}: {view.outcome_label}")
    if not view.lines:
        print("Innstilling:")
        for n, point in enumerate(view.innstilling, start=1):
            print(f"  {n}. {point.text}")
        return
    for line in view.lines:
        mark = "" if line.change == "uendret" else f" [{line.change_label.lower()}]"
        amounts = f" ({amounts_label(line.amounts)})" if line.amounts is not None and line.counts else ""
        text = line.text.replace("\n", "\n      ")
        print(f"  {line.number}.{mark} {text}{amounts}")
        if line.change == "endret":
            print(f"      Innstilling: {line.innstilling}")
    for name, basis, note in view.inhabil:
        print(f"  Inhabil: {name} ({basis}){' – ' + note if note else ''}")
    if view.vote_text:
        print(f"  {view.vote_text}")
    if view.vedtak is not None and view.vedtak.note:
        print(f"  Merknad: {view.vedtak.note}")


def vedtak_cmd(args: argparse.Namespace) -> int:
    from rsapp.saksfremlegg import vedtak as v

    def work(db: Database) -> int:
        case_id = _case_id(db, args.case)
        amounts = v.parse_year_amounts(args.amounts) if args.amounts is not None else None
        if args.clear:
            db.call(v.clear_vedtak, case_id)
        if args.as_recommended:
            db.call(v.record_as_recommended, case_id)
        if args.endre:
            number, text = args.endre
            if not number.isdigit():
                raise CliError(f"--endre vil ha punktnummer og tekst, fikk «{number}».")
            db.call(v.amend_point, case_id, int(number), text, amounts=amounts)
        if args.amend_amounts is not None:
            if amounts is None:
                raise CliError("--endre-beløp N trenger --beløp ÅR=KR,….")
            db.call(v.amend_point, case_id, args.amend_amounts, None, amounts=amounts)
        if args.nytt:
            application_id = None
            if args.application:
                from rsapp.followup.plan import find_application
                from rsapp.saksfremlegg.records import get_case

                round_id = db.call(get_case, case_id).round_id
                application_id = int(db.call(find_application, args.application, round_id).id or 0)
            db.call(v.add_vedtak_point, case_id, args.nytt, application_id=application_id, amounts=amounts)
        if args.stryk is not None:
            db.call(v.strike_point, case_id, args.stryk)
        if args.tilbakestill is not None:
            db.call(v.restore_point, case_id, args.tilbakestill)
        for name in args.habil:
            db.call(v.clear_inhabil, case_id, name)
        for name in args.inhabil:
            kwargs = {"basis": args.hjemmel} if args.hjemmel else {}
            db.call(v.set_inhabil, case_id, name, **kwargs)
        if args.enstemmig:
            db.call(v.set_vote, case_id, unanimous=True)
        elif args.votes_for or args.votes_against:
            db.call(
                v.set_vote,
                case_id,
                unanimous=False,
                for_names=args.votes_for,
                against_names=args.votes_against,
            )
        if args.utsatt:
            db.call(v.postpone, case_id, args.grunn)
        if args.note is not None:
            db.call(v.set_note, case_id, args.note)
        _print_vedtak(db.call(v.vedtak_view, case_id))
        return 0

    return _run(args, work)


# --- handlers: protokoll ------------------------------------------------------------------------------


def protokoll_render(args: argparse.Namespace) -> int:
    from rsapp.saksfremlegg.protokoll import render_protokoll

    fmt = _format(args)

    def work(db: Database) -> int:
        content = db.call(
            render_protokoll, args.meeting_id, fmt, public=args.offentlig, templates_dir=args.templates
        )
        _write(args.output, content)
        return 0

    return _run(args, work)


def protokoll_approve(args: argparse.Namespace) -> int:
    from rsapp.dates import format_date
    from rsapp.saksfremlegg.protokoll import approve
    from rsapp.vocab import status_label

    def work(db: Database) -> int:
        result = db.call(approve, args.meeting_id, approved_by=args.by, on=_date(args.dato))
        print(f"Protokollen er godkjent {format_date(result.approved_on)} og låst.")
        for done in result.write_backs:
            for line in done.lines:
                print(f"  {line}")
            counts: dict[str, int] = {}
            for status in done.statuses.values():
                counts[status] = counts.get(status, 0) + 1
            print(
                "  Status: " + ", ".join(f"{status_label(s).lower()} {n}" for s, n in sorted(counts.items()))
            )
        for label in result.postponed:
            print(f"  Utsatt, tilbake i køen: {label}")
        return 0

    return _run(args, work)


# --- handlers: public versions ----------------------------------------------------------------------


def exemption_cmd(args: argparse.Namespace) -> int:
    from rsapp.saksfremlegg import offentlighet as off

    def work(db: Database) -> int:
        case_id = _case_id(db, args.case)
        if args.fjern is not None:
            db.call(off.remove_exemption, args.fjern)
            print(f"Fjernet unntak {args.fjern}.")
        elif args.felt:
            kwargs: dict[str, Any] = {"passage": args.tekst, "point_number": args.punkt}
            if args.hjemmel:
                kwargs["basis"] = args.hjemmel
            line = db.call(off.add_exemption, case_id, args.felt, **kwargs)
            print(f"Registrert: {line.description}.")
        lines = db.call(off.exemption_lines, case_id)
        if not lines:
            print("Ingenting i saken er unntatt offentlighet.")
        for line in lines:
            print(f"  [{line.id}] {line.description}")
        return 0

    return _run(args, work)


def public_case(args: argparse.Namespace) -> int:
    from rsapp.saksfremlegg.offentlighet import public_case_context
    from rsapp.saksfremlegg.render import Renderer

    fmt = _format(args)

    def work(db: Database) -> int:
        context = db.call(public_case_context, _case_id(db, args.case))
        _write(args.output, Renderer().case(context, fmt))
        return 0

    return _run(args, work)


# --- handlers: the decided list and the letter ----------------------------------------------------------


def decided_list(args: argparse.Namespace) -> int:
    from rsapp.export.data import excel_data
    from rsapp.export.excel import ExportError, ExportFileExists, write_excel
    from rsapp.saksfremlegg.writeback import decision_meeting

    def work(db: Database) -> int:
        round_id = _round_id(db, args.round_key)
        meeting = db.call(decision_meeting, round_id)
        if meeting is None:
            raise CliError("Runden er ikke vedtatt ennå: godkjenn protokollen fra prioriteringsmøtet først.")
        data = db.call(excel_data, round_id, today=meeting.date)
        target = Path(
            args.output
            or f"Prioritering_{data.helsefellesskap.replace(' ', '_')}_{data.round_year}_vedtatt_{meeting.date.isoformat()}.xlsx"
        )
        try:
            written = write_excel(data, target, force=args.force)
        except ExportFileExists as exc:
            raise CliError(f"Filen {exc.path} finnes fra før. Bruk --force for å overskrive den.") from exc
        except ExportError as exc:
            raise CliError(str(exc)) from exc
        print(f"Skrev {written} ({data.status_label}, {meeting.date.strftime('%d.%m.%Y')})")
        return 0

    return _run(args, work)


def forwarding_show(args: argparse.Namespace) -> int:
    from rsapp.saksfremlegg.oversendelse import forwarding_state

    def work(db: Database) -> int:
        state = db.call(forwarding_state, _round_id(db, args.round_key), today=_date(args.dato))
        print(f"{state.round_name}: {state.line}")
        return 0

    return _run(args, work)


def forwarding_write(args: argparse.Namespace) -> int:
    from rsapp.saksfremlegg.oversendelse import write_letter

    def work(db: Database) -> int:
        package = db.call(
            write_letter,
            _round_id(db, args.round_key),
            Path(args.target),
            as_pdf=args.pdf,
            letter_date=_date(args.dato),
            signer=args.signatur,
            reference=args.referanse,
            templates_dir=args.templates,
        )
        print(f"Skrev {package.path}")
        for part in package.parts:
            print(f"  {part}")
        print("Når brevet er sendt: rsapp sak oversendelse sendt --round RUNDE")
        return 0

    return _run(args, work)


def forwarding_sent(args: argparse.Namespace) -> int:
    from rsapp.saksfremlegg.oversendelse import mark_sent

    def work(db: Database) -> int:
        state = db.call(
            mark_sent, _round_id(db, args.round_key), on=_date(args.dato), reference=args.referanse
        )
        print(f"{state.round_name}: {state.line}")
        return 0

    return _run(args, work)
