"""`rsapp vurder` / `rsapp assess`: the assessment screen and the habilitet register, scriptable.

    rsapp vurder oversikt [--round KEY]                       Krav, Vurdering, vurderere, habilitet
    rsapp vurder vis ID [--vurderer NAVN] [--punkt PUNKT]     forslag med sitater, svar
    rsapp vurder sett ID PUNKT SVAR --vurderer NAVN [--merknad TEKST]
    rsapp vurder bekreft ID --vurderer NAVN [PUNKT …]         bekreft forslagene (alle ubesvarte)
    rsapp vurder fjern ID PUNKT --vurderer NAVN
    rsapp vurder merknad ID PUNKT TEKST --vurderer NAVN
    rsapp vurder kommentar ID TEKST --vurderer NAVN
    rsapp vurder status ID STATUS
    rsapp vurder person liste | ny NAVN [--rolle R] [--organisasjon O] | endre NAVN [--navn …] [--inaktiv]
    rsapp vurder tilknytning ny NAVN TYPE [MOTPART] [--soknad ID] [--beskrivelse T] | slett ID
    rsapp vurder habilitet [vis] [--round KEY] | avgjor NAVN ID inhabil|ikke_inhabil --begrunnelse T | fjern NAVN ID
    rsapp vurder kriterier vis [--round KEY] | last FIL [--round KEY] [--erstatt] | eksport [-o FIL]
    rsapp vurder kriterier endre PUNKT [--tittel T] [--tekst T] [--ord "a, b*"] [--vekt N] [--round KEY]

PUNKT is an item's key ("avtale") or number ("krav2", "p1", "kr3"); SVAR is oppfylt / ikke oppfylt /
uklart (krav), ja / nei (særlig prioriterte tiltak), 0–5 or «ikke relevant» (kriterier).
"""

from __future__ import annotations

import argparse
from typing import Any

from rsapp.cli.common import CliError, open_engine, print_table

STATUS_WORDS = {"under vurdering": "under_vurdering", "avslått": "avslatt", "avslatt": "avslatt"}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "vurder",
        aliases=["assess"],
        help="vurdering mot utlysningens krav og kriterier, vurderere og habilitet",
        description="Vurder søknadene mot kravene, de særlig prioriterte tiltakene og kriteriene i "
        "utlysningen. rsapp foreslår svar med sitater fra søknaden; et forslag blir først et svar når "
        "du bekrefter eller endrer det.",
    )
    p.set_defaults(handler=lambda args: _usage(p))
    actions = p.add_subparsers(dest="assess_action", metavar="HANDLING")

    a = actions.add_parser("oversikt", aliases=["summary"], help="Krav og Vurdering for hver søknad i runden")
    _round_option(a)
    a.set_defaults(handler=summary_cmd)

    a = actions.add_parser(
        "vis", aliases=["show"], help="punktene med forslag, sitater og svar for én søknad"
    )
    a.add_argument("application_id", type=int, metavar="ID", help="søknadens id (se «rsapp liste»)")
    _assessor_option(a, required=False)
    a.add_argument("--punkt", dest="item", metavar="PUNKT", help="vis bare dette punktet")
    a.set_defaults(handler=show_cmd)

    a = actions.add_parser("sett", aliases=["set"], help="gi et svar på ett punkt")
    a.add_argument("application_id", type=int, metavar="ID")
    a.add_argument("item", metavar="PUNKT", help="nøkkel («avtale») eller nummer («krav2», «p1», «kr3»)")
    a.add_argument(
        "answer", metavar="SVAR", nargs="+", help="oppfylt, ikke oppfylt, uklart, ja, nei, 0–5, ikke relevant"
    )
    _assessor_option(a)
    a.add_argument("--merknad", dest="note", help="merknad til svaret")
    a.set_defaults(handler=set_cmd)

    a = actions.add_parser("bekreft", aliases=["confirm"], help="gjør rsapps forslag til dine svar")
    a.add_argument("application_id", type=int, metavar="ID")
    a.add_argument("items", metavar="PUNKT", nargs="*", help="punktene (standard: alle du ikke har svart på)")
    _assessor_option(a)
    a.set_defaults(handler=confirm_cmd)

    a = actions.add_parser("fjern", aliases=["clear"], help="fjern svaret ditt på ett punkt")
    a.add_argument("application_id", type=int, metavar="ID")
    a.add_argument("item", metavar="PUNKT")
    _assessor_option(a)
    a.set_defaults(handler=clear_cmd)

    a = actions.add_parser("merknad", aliases=["note"], help="merknad til svaret ditt på ett punkt")
    a.add_argument("application_id", type=int, metavar="ID")
    a.add_argument("item", metavar="PUNKT")
    a.add_argument("text", metavar="TEKST")
    _assessor_option(a)
    a.set_defaults(handler=note_cmd)

    a = actions.add_parser(
        "kommentar", aliases=["comment"], help="samlet kommentar til søknaden (Kommentar i Excel-listen)"
    )
    a.add_argument("application_id", type=int, metavar="ID")
    a.add_argument("text", metavar="TEKST", help="tom tekst («») fjerner kommentaren")
    _assessor_option(a)
    a.set_defaults(handler=comment_cmd)

    a = actions.add_parser("status", help="sett søknadens status (mottatt, under vurdering, vurdert, …)")
    a.add_argument("application_id", type=int, metavar="ID")
    a.add_argument("status", metavar="STATUS", nargs="+")
    a.set_defaults(handler=status_cmd)

    person = actions.add_parser(
        "person", aliases=["vurderer"], help="registeret over SSU-medlemmer og vurderere"
    )
    person.set_defaults(handler=lambda args: _usage(person))
    pa = person.add_subparsers(dest="person_action", metavar="HANDLING")
    x = pa.add_parser("liste", aliases=["list"], help="vis registeret med erklærte tilknytninger")
    x.set_defaults(handler=person_list_cmd)
    x = pa.add_parser("ny", aliases=["add"], help="registrer en person")
    x.add_argument("name", metavar="NAVN")
    x.add_argument("--rolle", dest="role", default="", help="f.eks. «SSU-medlem» eller «sekretariatet»")
    x.add_argument("--organisasjon", dest="organisation", default="", help="f.eks. «Vefsn kommune»")
    x.set_defaults(handler=person_add_cmd)
    x = pa.add_parser("endre", aliases=["edit"], help="endre navn, rolle, organisasjon eller aktiv")
    x.add_argument("name", metavar="NAVN")
    x.add_argument("--navn", dest="new_name")
    x.add_argument("--rolle", dest="role")
    x.add_argument("--organisasjon", dest="organisation")
    x.add_argument("--inaktiv", dest="active", action="store_false", default=None, help="ikke lenger aktiv")
    x.add_argument("--aktiv", dest="active", action="store_true", help="aktiv igjen")
    x.set_defaults(handler=person_edit_cmd)

    tie = actions.add_parser(
        "tilknytning", aliases=["tie"], help="erklærte tilknytninger (styreverv, roller, familie)"
    )
    tie.set_defaults(handler=lambda args: _usage(tie))
    ta = tie.add_subparsers(dest="tie_action", metavar="HANDLING")
    x = ta.add_parser("ny", aliases=["add"], help="erklær en tilknytning")
    x.add_argument("name", metavar="NAVN", help="personen (som i registeret)")
    x.add_argument("kind", metavar="TYPE", help="styreverv, lederrolle, prosjektrolle, familie eller annet")
    x.add_argument("counterpart", metavar="MOTPART", nargs="?", default="", help="organisasjon eller person")
    x.add_argument(
        "--soknad", dest="application_id", type=int, metavar="ID", help="søknaden tilknytningen gjelder"
    )
    x.add_argument("--beskrivelse", dest="description", default="", help="f.eks. «styreleder»")
    x.set_defaults(handler=tie_add_cmd)
    x = ta.add_parser("slett", aliases=["remove"], help="slett en tilknytning (id fra «person liste»)")
    x.add_argument("tie_id", type=int, metavar="ID")
    x.set_defaults(handler=tie_remove_cmd)

    hab = actions.add_parser("habilitet", help="mulige interessekonflikter og avgjørelser (fvl. § 6)")
    _round_option(hab, default=None)
    hab.set_defaults(handler=habilitet_show_cmd)
    ha = hab.add_subparsers(dest="habilitet_action", metavar="HANDLING")
    x = ha.add_parser("vis", aliases=["show"], help="flagg og avgjørelser for runden")
    _round_option(x)
    x.set_defaults(handler=habilitet_show_cmd)
    x = ha.add_parser(
        "avgjor", aliases=["avgjør", "decide"], help="registrer avgjørelsen for én person og søknad"
    )
    x.add_argument("name", metavar="NAVN")
    x.add_argument("application_id", type=int, metavar="ID")
    x.add_argument("decision", metavar="AVGJØRELSE", choices=["inhabil", "ikke_inhabil"])
    x.add_argument("--begrunnelse", dest="reason", required=True, help="begrunnelsen for avgjørelsen")
    x.set_defaults(handler=habilitet_decide_cmd)
    x = ha.add_parser("fjern", aliases=["clear"], help="slett en avgjørelse")
    x.add_argument("name", metavar="NAVN")
    x.add_argument("application_id", type=int, metavar="ID")
    x.set_defaults(handler=habilitet_clear_cmd)

    cat = actions.add_parser(
        "kriterier", aliases=["criteria"], help="rundens kriterieliste: vis, last inn, endre"
    )
    cat.set_defaults(handler=lambda args: _usage(cat))
    ca = cat.add_subparsers(dest="criteria_action", metavar="HANDLING")
    x = ca.add_parser("vis", aliases=["show"], help="vis kriterielisten")
    _round_option(x, default=None)
    x.set_defaults(handler=criteria_show_cmd)
    x = ca.add_parser("last", aliases=["load"], help="last inn en kriterieliste (TOML) for runden")
    x.add_argument("path", metavar="FIL")
    _round_option(x, default=None)
    x.add_argument(
        "--erstatt",
        dest="replace",
        action="store_true",
        help="bytt ut listen runden har (før noen har svart)",
    )
    x.set_defaults(handler=criteria_load_cmd)
    x = ca.add_parser(
        "eksport", aliases=["export"], help="skriv kriterielisten som TOML (til en ny utlysning)"
    )
    _round_option(x, default=None)
    x.add_argument(
        "-o", "--output", dest="output", metavar="FIL", help="filen (standard: skriv til skjermen)"
    )
    x.set_defaults(handler=criteria_export_cmd)
    x = ca.add_parser("endre", aliases=["edit"], help="endre ett punkt")
    x.add_argument("item", metavar="PUNKT")
    _round_option(x, default=None)
    x.add_argument("--tittel", dest="title")
    x.add_argument("--tekst", dest="text")
    x.add_argument(
        "--ord", dest="words", help="ordene regelen leter etter, skilt med komma («samisk*, samer»)"
    )
    x.add_argument("--vekt", dest="weight", type=float, help="vekt i gjennomsnittet (kriterier)")
    x.set_defaults(handler=criteria_edit_cmd)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _round_option(parser: argparse.ArgumentParser, default: object = argparse.SUPPRESS) -> None:
    parser.add_argument(
        "--round",
        dest="round_key",
        default=default,
        help="runde, f.eks. helgeland-2026 (standard: nyeste Helgeland-runde)",
    )


def _assessor_option(parser: argparse.ArgumentParser, *, required: bool = True) -> None:
    parser.add_argument(
        "--vurderer",
        dest="assessor",
        required=required,
        metavar="NAVN",
        help="hvem som vurderer (navnet i registeret, se «rsapp vurder person liste»)",
    )


# --- helpers ----------------------------------------------------------------------------------


def _session(args: argparse.Namespace) -> Any:
    from sqlmodel import Session

    return Session(open_engine(args), expire_on_commit=False)


def _round(session: Any, key: str | None) -> Any:
    from rsapp.cli.base_cmd import _round as find_round

    return find_round(session, key)


def _round_key(args: argparse.Namespace) -> str | None:
    return getattr(args, "round_key", None)


def _change(fn: Any, *args: Any, **kwargs: Any) -> Any:
    from rsapp.assessment.catalogue import CatalogueError
    from rsapp.assessment.scores import AnswerError
    from rsapp.store.unit_of_work import StoreError

    try:
        return fn(*args, **kwargs)
    except (StoreError, AnswerError, CatalogueError, LookupError) as exc:
        raise CliError(str(exc)) from exc


def _assessor(session: Any, name: str | None) -> Any:
    from rsapp.assessment.reads import read_assessors

    if not name:
        return None
    people = read_assessors(session)
    wanted = " ".join(name.split()).casefold()
    for person in people:
        if person.name.casefold() == wanted:
            return person
    close = [p.name for p in people if wanted in p.name.casefold()]
    if len(close) == 1:
        return next(p for p in people if p.name == close[0])
    known = ", ".join(p.name for p in people) or "ingen ennå"
    raise CliError(
        f"Fant ingen vurderer «{name}» i registeret (registrert: {known}). "
        f'Registrer med «rsapp vurder person ny "{name}" --rolle … --organisasjon …».'
    )


def _view(session: Any, application_id: int, assessor_id: int | None) -> Any:
    from rsapp.assessment.reads import application_assessment

    view = _change(application_assessment, session, application_id, assessor_id)
    if view.catalogue is None:
        raise CliError(
            f"Runden til søknad {application_id} har ingen kriterieliste. "
            "Last inn en med «rsapp vurder kriterier last FIL --runde …»."
        )
    return view


def _item_view(view: Any, ref: str) -> Any:
    item = _change(view.catalogue.find, ref)
    return next(v for v in view.items if v.item.key == item.key)


def _print_flags(view: Any) -> None:
    for flag in view.flags:
        decision = view.decisions.get(flag.assessor_id)
        if decision is None:
            print(f"⚠ Mulig inhabilitet, ikke avgjort: {flag.reason}")
        else:
            from rsapp.vocab import HABILITET_LABELS

            print(
                f"  Habilitet {flag.assessor_name}: {HABILITET_LABELS[decision.decision]} ({decision.reason})"
            )


# --- handlers ---------------------------------------------------------------------------------


def summary_cmd(args: argparse.Namespace) -> int:
    from rsapp.assessment.reads import assessment_summaries
    from rsapp.portfolio import list_applications
    from rsapp.vocab import status_label

    with _session(args) as session:
        info = _round(session, _round_key(args))
        apps = list_applications(session, info.id)
        summaries = assessment_summaries(session, info.id)
    print(f"{info.label} ({info.key})")
    rows = []
    for a in apps:
        s = summaries.get(a.id)
        if s is None:
            continue
        habilitet = "; ".join(
            [*(f"inhabil: {n}" for n in s.inhabil), *(f"⚠ mulig: {n}" for n in s.conflicts)]
        )
        rows.append(
            [
                str(a.id),
                a.title,
                status_label(s.status),
                s.krav_label,
                s.vurdering_label,
                ", ".join(s.assessors) or "–",
                habilitet or "–",
            ]
        )
    print_table(["Id", "Prosjekt", "Status", "Krav", "Vurdering", "Vurdert av", "Habilitet"], rows, right={0})
    return 0


def show_cmd(args: argparse.Namespace) -> int:
    from rsapp.vocab import answer_label, status_label

    with _session(args) as session:
        person = _assessor(session, args.assessor)
        view = _view(session, args.application_id, person.id if person else None)
    items = [_item_view(view, args.item)] if args.item else view.items
    head = f"{view.title} (id {view.application_id}) · Status: {status_label(view.status)}"
    if person is not None:
        head += f" · {person.name}: {view.progress_label()}"
    print(head)
    print(f"Krav {view.summary.krav_label} · Vurdering {view.summary.vurdering_label}")
    _print_flags(view)
    for item_view in items:
        item, s = item_view.item, item_view.suggestion
        print()
        print(f"{item_view.number}  {item.title}  [{item.key}]")
        proposal = answer_label(s.answer) if s.answer else "ingen"
        print(f"  Forslag: {proposal} – {s.reason}")
        for e in s.evidence:
            print(f"    {e.quote(240)} ({e.location()})")
        if person is not None:
            own = item_view.own
            if own is None:
                print("  Ditt svar: ikke gitt (andres svar vises når du har svart)")
            else:
                note = f" – {own.note}" if own.note else ""
                print(f"  Ditt svar: {answer_label(own.value)}{note}")
                for name, row in item_view.others:
                    other_note = f" – {row.note}" if row.note else ""
                    print(f"  {name}: {answer_label(row.value)}{other_note}")
    return 0


def set_cmd(args: argparse.Namespace) -> int:
    from rsapp.assessment import changes
    from rsapp.assessment.scores import parse_answer
    from rsapp.vocab import answer_label

    with _session(args) as session:
        person = _assessor(session, args.assessor)
        view = _view(session, args.application_id, person.id)
        item_view = _item_view(view, args.item)
        value = _change(parse_answer, item_view.item.kind, " ".join(args.answer), item_view.number)
        edit = _change(
            changes.set_answer,
            session,
            view.application_id,
            item_view.item.id,
            person.id,
            value,
            note=args.note,
            suggested=item_view.suggestion.answer or "",
        )
    print(f"{item_view.number}: {answer_label(value)}" + ("" if edit.steps else " (uendret)"))
    _print_status(edit)
    return 0


def _print_status(edit: Any) -> None:
    for step in edit.steps:
        if step.kind == "status":
            print(step.summary)


def confirm_cmd(args: argparse.Namespace) -> int:
    from rsapp.assessment import changes
    from rsapp.vocab import answer_label

    with _session(args) as session:
        person = _assessor(session, args.assessor)
        view = _view(session, args.application_id, person.id)
        targets = (
            [_item_view(view, ref) for ref in args.items]
            if args.items
            else [v for v in view.items if v.own is None]
        )
        done = 0
        for item_view in targets:
            answer = item_view.suggestion.answer
            if answer is None:
                print(f"{item_view.number}: ingen forslag – gi svaret med «rsapp vurder sett»")
                continue
            edit = _change(
                changes.set_answer,
                session,
                view.application_id,
                item_view.item.id,
                person.id,
                answer,
                suggested=answer,
            )
            print(f"{item_view.number}: {answer_label(answer)}")
            _print_status(edit)
            done += 1
        view = _view(session, args.application_id, person.id)
    print(f"Bekreftet {done} forslag. {person.name}: {view.progress_label()}.")
    return 0


def clear_cmd(args: argparse.Namespace) -> int:
    from rsapp.assessment import changes

    with _session(args) as session:
        person = _assessor(session, args.assessor)
        view = _view(session, args.application_id, person.id)
        item_view = _item_view(view, args.item)
        edit = _change(changes.clear_answer, session, view.application_id, item_view.item.id, person.id)
    print(
        f"{item_view.number}: svaret er fjernet" if edit.steps else f"{item_view.number}: hadde ikke noe svar"
    )
    return 0


def note_cmd(args: argparse.Namespace) -> int:
    from rsapp.assessment import changes

    with _session(args) as session:
        person = _assessor(session, args.assessor)
        view = _view(session, args.application_id, person.id)
        item_view = _item_view(view, args.item)
        _change(changes.set_item_note, session, view.application_id, item_view.item.id, person.id, args.text)
    print(f"{item_view.number}: merknaden er lagret")
    return 0


def comment_cmd(args: argparse.Namespace) -> int:
    from rsapp.assessment import changes

    with _session(args) as session:
        person = _assessor(session, args.assessor)
        _change(changes.set_overall_note, session, args.application_id, person.id, args.text)
    print("Kommentaren er lagret." if args.text.strip() else "Kommentaren er fjernet.")
    return 0


def status_cmd(args: argparse.Namespace) -> int:
    from rsapp.assessment import changes
    from rsapp.vocab import STATUS_LABELS, status_label

    typed = " ".join(args.status).casefold()
    code = STATUS_WORDS.get(typed, typed.replace(" ", "_"))
    if code not in STATUS_LABELS:
        known = ", ".join(label.lower() for label in STATUS_LABELS.values())
        raise CliError(f"Ukjent status «{' '.join(args.status)}». Bruk en av: {known}.")
    with _session(args) as session:
        edit = _change(changes.set_status, session, args.application_id, code)
    print(edit.steps[0].summary if edit.steps else f"Statusen var allerede {status_label(code)}.")
    return 0


def person_list_cmd(args: argparse.Namespace) -> int:
    from rsapp.assessment.reads import read_assessors, read_ties

    with _session(args) as session:
        people = read_assessors(session)
        ties = read_ties(session)
    if not people:
        print("Registeret er tomt. Registrer med «rsapp vurder person ny NAVN --rolle … --organisasjon …».")
        return 0
    rows = []
    for p in people:
        own = [t for t in ties if t.assessor_id == p.id]
        tie_text = "; ".join(
            f"[{t.id}] {t.label()}" + (f" (søknad {t.application_id})" if t.application_id else "")
            for t in own
        )
        rows.append(
            [p.name, p.role or "–", p.organisation or "–", "ja" if p.active else "nei", tie_text or "–"]
        )
    print_table(["Navn", "Rolle", "Organisasjon", "Aktiv", "Erklærte tilknytninger"], rows)
    return 0


def person_add_cmd(args: argparse.Namespace) -> int:
    from rsapp.assessment import changes

    with _session(args) as session:
        _change(changes.add_assessor, session, args.name, args.role, args.organisation)
    print(f"Registrerte {' '.join(args.name.split())}.")
    return 0


def person_edit_cmd(args: argparse.Namespace) -> int:
    from rsapp.assessment import changes

    with _session(args) as session:
        person = _assessor(session, args.name)
        edit = _change(
            changes.update_assessor,
            session,
            person.id,
            version=person.version,
            name=args.new_name,
            role=args.role,
            organisation=args.organisation,
            active=args.active,
        )
    print(edit.summary or "Ingen endring.")
    return 0


def tie_add_cmd(args: argparse.Namespace) -> int:
    from rsapp.assessment import changes

    with _session(args) as session:
        person = _assessor(session, args.name)
        _change(
            changes.add_tie,
            session,
            person.id,
            args.kind.casefold(),
            args.counterpart,
            application_id=args.application_id,
            description=args.description,
        )
        from rsapp.assessment.habilitet import flag
        from rsapp.assessment.reads import read_texts, read_ties

        ties = read_ties(session)
        texts = read_texts(session)
        found = [f for doc in texts.texts.values() if (f := flag(person.person(), ties, doc)) is not None]
    print(f"Tilknytningen er registrert for {person.name}.")
    for f in found:
        print(
            f"⚠ Mulig inhabil for «{texts.texts[f.application_id].title}» (id {f.application_id}): {f.reason}"
        )
    return 0


def tie_remove_cmd(args: argparse.Namespace) -> int:
    from rsapp.assessment import changes

    with _session(args) as session:
        edit = _change(changes.remove_tie, session, args.tie_id)
    print(edit.summary)
    return 0


def habilitet_show_cmd(args: argparse.Namespace) -> int:
    from rsapp.assessment.reads import read_assessors, read_decisions, read_texts, round_flags
    from rsapp.vocab import HABILITET_LABELS

    with _session(args) as session:
        info = _round(session, _round_key(args))
        flags = round_flags(session, info.id)
        decisions = read_decisions(session, info.id)
        people = {p.id: p.name for p in read_assessors(session)}
        titles = {i: t.title for i, t in read_texts(session, info.id).texts.items()}
    print(f"Habilitet – {info.label}")
    if not flags and not decisions:
        print("Ingen mulige interessekonflikter er funnet, og ingen avgjørelser er registrert.")
        return 0
    rows = []
    seen = set()
    for f in flags:
        d = decisions.get((f.assessor_id, f.application_id))
        seen.add((f.assessor_id, f.application_id))
        rows.append(
            [
                f.assessor_name,
                f"{titles[f.application_id]} ({f.application_id})",
                f.reason,
                f"{HABILITET_LABELS[d.decision]}: {d.reason}" if d else "⚠ ikke avgjort",
            ]
        )
    for (a, app), d in decisions.items():
        if (a, app) not in seen:
            rows.append(
                [
                    people.get(a, str(a)),
                    f"{titles.get(app, '')} ({app})",
                    "–",
                    f"{HABILITET_LABELS[d.decision]}: {d.reason}",
                ]
            )
    print_table(["Person", "Søknad", "Hvorfor flagget", "Avgjørelse"], rows)
    return 0


def habilitet_decide_cmd(args: argparse.Namespace) -> int:
    from rsapp.assessment import changes

    with _session(args) as session:
        person = _assessor(session, args.name)
        edit = _change(
            changes.record_decision, session, person.id, args.application_id, args.decision, args.reason
        )
    print(edit.summary or "Avgjørelsen var allerede registrert.")
    return 0


def habilitet_clear_cmd(args: argparse.Namespace) -> int:
    from rsapp.assessment import changes

    with _session(args) as session:
        person = _assessor(session, args.name)
        edit = _change(changes.clear_decision, session, person.id, args.application_id)
    print(edit.summary or "Det var ingen avgjørelse å slette.")
    return 0


def _catalogue(session: Any, key: str | None) -> tuple[Any, Any]:
    from rsapp.assessment.catalogue import round_catalogue

    info = _round(session, key)
    catalogue = round_catalogue(session, info.id)
    if catalogue is None:
        raise CliError(
            f"{info.label} har ingen kriterieliste. Last inn en med «rsapp vurder kriterier last FIL»."
        )
    return info, catalogue


def criteria_show_cmd(args: argparse.Namespace) -> int:
    from rsapp.vocab import CRITERION_KIND_LABELS

    with _session(args) as session:
        info, catalogue = _catalogue(session, _round_key(args))
    print(f"{catalogue.name} – {info.label}")
    if catalogue.source:
        print(f"Kilde: {catalogue.source}")
    kind = ""
    for number, item in catalogue.numbered():
        if item.kind != kind:
            kind = item.kind
            print(f"\n{CRITERION_KIND_LABELS[kind]}")
        weight = f" (vekt {item.weight:g})" if item.kind == "kriterium" and item.weight != 1 else ""
        print(f"  {number:<13} {item.title}{weight}  [{item.key}; regel: {item.rule or 'ingen'}]")
    return 0


def criteria_load_cmd(args: argparse.Namespace) -> int:
    from pathlib import Path

    from rsapp.assessment import changes
    from rsapp.assessment.catalogue import load_file

    catalogue = _change(load_file, Path(args.path))
    with _session(args) as session:
        info = _round(session, _round_key(args))
        count = _change(changes.install_catalogue, session, info.id, catalogue, replace=args.replace)
    print(f"Lastet inn «{catalogue.name}» ({count} punkter) for {info.label}.")
    return 0


def criteria_export_cmd(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from rsapp.assessment.catalogue import to_toml

    with _session(args) as session:
        info, catalogue = _catalogue(session, _round_key(args))
    text = to_toml(replace(catalogue, rounds=()))
    if not args.output:
        print(text, end="")
        return 0
    from pathlib import Path

    from rsapp.files import FileWriteError, write_atomic

    try:
        written = write_atomic(Path(args.output), text)
    except FileWriteError as exc:
        raise CliError(str(exc)) from exc
    print(f"Skrev {written}")
    return 0


def criteria_edit_cmd(args: argparse.Namespace) -> int:
    from rsapp.assessment import changes

    updates: dict[str, Any] = {}
    if args.title is not None:
        updates["title"] = args.title
    if args.text is not None:
        updates["text"] = args.text
    if args.words is not None:
        updates["words"] = [w.strip() for w in args.words.split(",") if w.strip()]
    if args.weight is not None:
        updates["weight"] = args.weight
    if not updates:
        raise CliError("Si hva som skal endres: --tittel, --tekst, --ord eller --vekt.")
    with _session(args) as session:
        _, catalogue = _catalogue(session, _round_key(args))
        item = _change(catalogue.find, args.item)
        from rsapp.models import Criterion

        version = session.get(Criterion, item.id).version
        edit = _change(changes.update_item, session, item.id, version=version, **updates)
    print(edit.summary or "Ingen endring.")
    return 0
