"""Meetings, their saksliste and the innstilling points of each case, over a Session.

Every public function here is one transaction: it commits on success and rolls back on
any error, so a screen or the CLI never leaves half a change behind. Numbers follow
:mod:`rsapp.saksfremlegg.numbering`:

* a new case without a number gets the lowest free number above the case before it in the
  saksliste (and above every final number and every earlier meeting's cases in the year);
  the drafts after it move up so the saksliste runs in order (:func:`proposed_number` tells
  the number beforehand);
* a typed number must be free in the year and keep the saksliste ascending: a number not
  above the cases before it is refused; drafts after it that would run backwards get new
  numbers;
* drafts are renumbered when the saksliste is reordered (refused once the meeting is final);
* deleting a draft closes the gap: the consecutive drafts after it move down one.

Deleting a generated innstilling point records its source in ``Case.dropped_sources`` so
that regeneration asks before bringing it back. Errors carry Norwegian messages.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import flag_modified
from sqlmodel import Session, col, select

from rsapp.models import Case, InnstillingPoint, Meeting, Round
from rsapp.saksfremlegg.numbering import (
    CaseNumberError,
    CaseRef,
    check_free,
    close_gap,
    format_case_number,
    increasing_numbers,
    next_free_number,
    parse_case_number,
    renumber_drafts,
)

__all__ = [
    "CASE_KINDS",
    "CaseError",
    "CaseNumberError",
    "DEFAULT_UTVALG",
    "KIND_EVENTUELT",
    "KIND_ORIENTERING",
    "KIND_ORIENTERINGER",
    "KIND_OTHER",
    "KIND_PRIORITISATION",
    "ORIENTATION_POINT",
    "STANDING_KINDS",
    "TYPE_DECISION",
    "TYPE_ORIENTATION",
    "MeetingSummary",
    "add_case",
    "add_orientation_case",
    "add_point",
    "add_standing_cases",
    "case_label",
    "case_points",
    "create_meeting",
    "default_meeting_date",
    "delete_case",
    "delete_meeting",
    "delete_point",
    "get_case",
    "list_meetings",
    "meeting_cases",
    "meeting_title",
    "meetings_on",
    "parse_meeting_date",
    "proposed_number",
    "move_case",
    "move_point",
    "reorder_cases",
    "reorder_points",
    "set_case_number",
    "set_meeting_final",
    "update_case",
    "update_point",
]

DEFAULT_UTVALG = "Strategisk samarbeidsutvalg"
TYPE_DECISION = "beslutningssak"
TYPE_ORIENTATION = "orienteringssak"
KIND_PRIORITISATION = "prioritering"
KIND_ORIENTERING = "orientering"
KIND_ORIENTERINGER = "orienteringer"
KIND_EVENTUELT = "eventuelt"
KIND_OTHER = "annet"
CASE_KINDS = (KIND_PRIORITISATION, KIND_ORIENTERING, KIND_ORIENTERINGER, KIND_EVENTUELT, KIND_OTHER)
#: Cases that stand last on every saksliste; new cases are placed before them.
STANDING_KINDS = (KIND_ORIENTERINGER, KIND_EVENTUELT)
ORIENTATION_POINT = "SSU tar gjennomgangen til orientering."
_STANDING_TITLES = {KIND_ORIENTERINGER: "Orienteringer fra sekretariatet", KIND_EVENTUELT: "Eventuelt"}
_TEXT_FIELDS = ("title", "saksopplysninger", "vurdering", "attachments")


class CaseError(ValueError):
    """A meeting or case operation that cannot be done (Norwegian message)."""


@dataclass(slots=True)
class MeetingSummary:
    meeting: Meeting
    cases: int

    @property
    def title(self) -> str:
        return meeting_title(self.meeting)


@contextmanager
def _transaction(session: Session) -> Iterator[None]:
    try:
        yield
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise CaseNumberError(
            "Endringen ble avvist av databasen: et saksnummer er allerede brukt i året. Prøv igjen."
        ) from exc
    except BaseException:
        session.rollback()
        raise


# --- reading ----------------------------------------------------------------------------------


def meeting_title(meeting: Meeting) -> str:
    """ "Ekstraordinært møte i Strategisk samarbeidsutvalg 20.10.2025"."""
    from rsapp.dates import format_date

    kind = "Ekstraordinært møte" if meeting.extraordinary else "Møte"
    return f"{kind} i {meeting.utvalg} {format_date(meeting.date)}"


def case_label(case: Case) -> str:
    """ "Sak 28-2025: Eventuelt"."""
    return f"Sak {format_case_number(case.number, case.year)}: {case.title}"


def get_meeting(session: Session, meeting_id: int) -> Meeting:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise CaseError(f"Fant ikke møte med id {meeting_id}.")
    return meeting


def get_case(session: Session, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise CaseError(f"Fant ikke sak med id {case_id}.")
    return case


def find_case(session: Session, text: str) -> Case:
    """A case by "28-2025" / "28/2025" or by its id ("7")."""
    text = text.strip()
    if text.isdigit():
        return get_case(session, int(text))
    number, year = parse_case_number(text)
    case = session.exec(select(Case).where(Case.year == year, Case.number == number)).first()
    if case is None:
        raise CaseError(f"Fant ingen sak {format_case_number(number, year)}.")
    return case


def list_meetings(session: Session) -> list[MeetingSummary]:
    """Every meeting, newest first, with its number of cases."""
    meetings = list(session.exec(select(Meeting).order_by(col(Meeting.date).desc(), col(Meeting.id).desc())))
    counts: dict[int, int] = {}
    for case in session.exec(select(Case).where(col(Case.meeting_id).is_not(None))):
        counts[case.meeting_id] = counts.get(case.meeting_id, 0) + 1  # type: ignore[index]
    return [MeetingSummary(m, counts.get(m.id, 0)) for m in meetings]  # type: ignore[arg-type]


def meeting_cases(session: Session, meeting_id: int) -> list[Case]:
    """The meeting's saksliste, in order."""
    return list(
        session.exec(select(Case).where(Case.meeting_id == meeting_id).order_by(Case.position, Case.number))
    )


def case_points(session: Session, case_id: int) -> list[InnstillingPoint]:
    """The case's innstilling points, in order."""
    return list(
        session.exec(
            select(InnstillingPoint)
            .where(InnstillingPoint.case_id == case_id)
            .order_by(InnstillingPoint.position, InnstillingPoint.id)
        )
    )


def _used_numbers(session: Session, year: int) -> dict[int, str]:
    return {
        number: title
        for number, title in session.exec(select(Case.number, Case.title).where(Case.year == year)).all()
    }


def meetings_on(session: Session, on: date, *, utvalg: str | None = None) -> list[Meeting]:
    """Meetings already held on ``on`` (of ``utvalg`` when given), to warn before adding another."""
    query = select(Meeting).where(Meeting.date == on)
    if utvalg is not None:
        query = query.where(Meeting.utvalg == utvalg)
    return list(session.exec(query.order_by(Meeting.id)))


def parse_meeting_date(text: str, year: int) -> date:
    """A meeting date as the secretariat writes it: "20.10.2025", "20.10.25" or "uke 43".

    A week without a year ("uke 43") is Monday of that week in ``year``; "uke 43/2026" names
    its year. Raises :class:`CaseError` with a Norwegian message.
    """
    from rsapp.dates import DateError, parse_date, parse_week

    text = (text or "").strip()
    if not text:
        raise CaseError("Skriv møtedatoen som dd.mm.åååå (f.eks. 20.10.2025) eller som «uke 43».")
    if text.lower().startswith(("uke", "veke")):
        monday = parse_week(text, year)
        if monday is None:
            raise CaseError(f"Kan ikke lese uka i «{text}»: skriv f.eks. «uke 43» (uke 1–53).")
        return monday
    try:
        return parse_date(text)
    except DateError as exc:
        raise CaseError(
            f"Kan ikke lese møtedatoen «{text}»: skriv den som dd.mm.åååå (f.eks. 20.10.2025) eller «uke 43»."
        ) from exc


def default_meeting_date(round_: Round) -> date:
    """The round's meeting date, else Monday of its meeting week (43) in the deadline's year.

    Helgeland 2026: deadline 01.10.2025, week 43 -> 20.10.2025.
    """
    from rsapp.dates import week_monday

    if round_.meeting_date is not None:
        return round_.meeting_date
    deadline = round_.deadline_helsefellesskap or round_.deadline_helse_nord
    year = deadline.year if deadline is not None else round_.year - 1
    return week_monday(year, round_.meeting_week or 43)


# --- meetings ---------------------------------------------------------------------------------


def create_meeting(
    session: Session,
    *,
    on: date,
    utvalg: str = DEFAULT_UTVALG,
    extraordinary: bool = False,
    place: str = "",
    helsefellesskap_id: int | None = None,
    standing_cases: bool = False,
) -> Meeting:
    """A new meeting; with ``standing_cases`` also "Orienteringer fra sekretariatet" and "Eventuelt"."""
    if not isinstance(on, date):
        raise CaseError(f"Møtedatoen må være en dato, fikk {on!r}.")
    if not utvalg.strip():
        raise CaseError("Utvalget må ha et navn.")
    with _transaction(session):
        meeting = Meeting(
            utvalg=utvalg.strip(),
            date=on,
            extraordinary=extraordinary,
            place=place.strip(),
            helsefellesskap_id=helsefellesskap_id,
        )
        session.add(meeting)
        session.flush()
        if standing_cases:
            _add_standing(session, meeting)
    session.refresh(meeting)
    return meeting


def set_meeting_final(session: Session, meeting_id: int, final: bool = True) -> Meeting:
    """Mark the meeting (and every case on it) final, or back to draft; final sakslister keep their numbers."""
    with _transaction(session):
        meeting = get_meeting(session, meeting_id)
        meeting.final = final
        for case in meeting_cases(session, meeting_id):
            case.final = final
            session.add(case)
        session.add(meeting)
    session.refresh(meeting)
    return meeting


def delete_meeting(session: Session, meeting_id: int) -> None:
    """Delete a draft meeting with its cases and their points."""
    with _transaction(session):
        meeting = get_meeting(session, meeting_id)
        if meeting.final:
            raise CaseError(f"{meeting_title(meeting)} er endelig og kan ikke slettes.")
        for case in meeting_cases(session, meeting_id):
            _delete_case_rows(session, case)
        session.delete(meeting)


# --- cases ------------------------------------------------------------------------------------


def _insert_position(cases: list[Case], kind: str) -> int:
    """Index in the saksliste for a new case: standing cases last, everything else before them."""
    if kind in STANDING_KINDS:
        if kind == KIND_ORIENTERINGER:
            for index, case in enumerate(cases):
                if case.kind == KIND_EVENTUELT:
                    return index
        return len(cases)
    for index, case in enumerate(cases):
        if case.kind in STANDING_KINDS:
            return index
    return len(cases)


def _write_positions_and_numbers(session: Session, cases: list[Case], numbers: dict[int, int]) -> None:
    """Store positions 1..n and the given numbers without ever holding one number twice.

    Changed numbers first go to temporary negative values (unique per case id), then to
    their final values, so the unique (year, number) constraint holds after every statement.
    """
    changed = [case for case in cases if numbers[case.id] != case.number]  # type: ignore[index]
    for case in changed:
        case.number = -int(case.id)  # type: ignore[arg-type]
        session.add(case)
    if changed:
        session.flush()
    for position, case in enumerate(cases, start=1):
        case.number = numbers[case.id]  # type: ignore[index]
        case.position = position
        session.add(case)
    session.flush()


def _lower_bound(session: Session, meeting: Meeting, before: Sequence[Case]) -> int:
    """The number a new case must be above: the cases before it in the saksliste, every final
    case in the year, and every case of the year's earlier meetings."""
    year = meeting.date.year
    bound = max((case.number for case in before), default=0)
    rows = session.exec(
        select(Case.number, Case.final, Meeting.date, Meeting.id)
        .join(Meeting, Meeting.id == Case.meeting_id, isouter=True)  # type: ignore[arg-type]
        .where(Case.year == year)
    ).all()
    here = (meeting.date, meeting.id or 0)
    for number, final, on, meeting_id in rows:
        earlier = on is not None and (on, meeting_id or 0) < here
        if final or earlier:
            bound = max(bound, number)
    return bound


def _auto_number(session: Session, meeting: Meeting, cases: list[Case], index: int) -> tuple[int, int]:
    """For a case inserted at ``index`` without a number: (a free number to insert it with,
    the number it ends up with once the meeting's drafts are renumbered in order)."""
    used = _used_numbers(session, meeting.date.year)
    candidate = next_free_number(used, _lower_bound(session, meeting, cases[:index]))
    pool = sorted([*(c.number for c in cases if not c.final), candidate])
    drafts_before = sum(1 for c in cases[:index] if not c.final)
    return candidate, pool[drafts_before]


def proposed_number(session: Session, meeting_id: int, kind: str = KIND_OTHER) -> int:
    """The number a new case of ``kind`` would get on this meeting if none is typed."""
    meeting = get_meeting(session, meeting_id)
    cases = meeting_cases(session, meeting_id)
    return _auto_number(session, meeting, cases, _insert_position(cases, kind))[1]


def _renumber(session: Session, cases: list[Case]) -> None:
    refs = [CaseRef(case.id, case.number, case.final) for case in cases]  # type: ignore[arg-type]
    numbers = renumber_drafts(refs, [case.id for case in cases])  # type: ignore[misc]
    _write_positions_and_numbers(session, cases, numbers)


def _new_case(
    session: Session,
    meeting: Meeting,
    *,
    title: str,
    case_type: str,
    kind: str,
    number: int | str | None,
    round_id: int | None,
    saksopplysninger: str,
    vurdering: str,
    attachments: str,
) -> Case:
    title = title.strip()
    if not title:
        raise CaseError("Saken må ha en tittel.")
    if case_type not in (TYPE_DECISION, TYPE_ORIENTATION):
        raise CaseError(f"Ukjent type sak «{case_type}»: bruk beslutningssak eller orienteringssak.")
    if kind not in CASE_KINDS:
        raise CaseError(f"Ukjent sakstype «{kind}» (gyldige: {', '.join(CASE_KINDS)}).")
    if meeting.final:
        raise CaseError(f"{meeting_title(meeting)} er endelig; nye saker kan ikke legges til.")
    year = meeting.date.year
    explicit = number is not None
    if isinstance(number, str):
        number, number_year = parse_case_number(number)
        if number_year != year:
            raise CaseNumberError(
                f"Saksnummer {format_case_number(number, number_year)} hører til {number_year}, "
                f"men møtet er i {year}."
            )
    cases = meeting_cases(session, meeting.id)  # type: ignore[arg-type]
    index = _insert_position(cases, kind)
    if number is None:
        number = _auto_number(session, meeting, cases, index)[0]
    else:
        used = _used_numbers(session, year)
        check_free(number, year, used, title_of=used)
        _check_order(cases[:index], number, year)
    case = Case(
        meeting_id=meeting.id,
        round_id=round_id,
        year=year,
        number=number,
        title=title,
        case_type=case_type,
        kind=kind,
        saksopplysninger=saksopplysninger,
        vurdering=vurdering,
        attachments=attachments,
    )
    session.add(case)
    session.flush()
    cases.insert(index, case)
    if explicit:
        _after_typed_number(session, cases, case)
    else:
        _renumber(session, cases)
    return case


def _check_order(before: Sequence[Case], number: int, year: int) -> None:
    """Refuse a typed ``number`` that is not above every case before it in the saksliste."""
    higher = [case for case in before if case.number >= number]
    if higher:
        last = max(higher, key=lambda case: case.number)
        label = format_case_number(number, year)
        raise CaseNumberError(
            f"Saksnummer {label} passer ikke her: sak {format_case_number(last.number, year)} «{last.title}» "
            f"står før i sakslisten, og numrene må øke nedover. Velg et nummer over {last.number}, "
            "eller flytt saken først."
        )


def _after_typed_number(session: Session, cases: list[Case], typed: Case) -> None:
    """Keep the typed number; drafts after it that would run backwards get new numbers.

    A final case after it with a lower number makes the change impossible (refused)."""
    index = next(i for i, c in enumerate(cases) if c.id == typed.id)
    for case in cases[index + 1 :]:
        if case.final and case.number <= typed.number:
            raise CaseNumberError(
                f"Saksnummer {format_case_number(typed.number, typed.year)} passer ikke her: sak "
                f"{format_case_number(case.number, case.year)} «{case.title}» er endelig og står etter i "
                "sakslisten, og numrene må øke nedover."
            )
    refs = [CaseRef(c.id, c.number, c.final) for c in cases]  # type: ignore[arg-type]
    used = _used_numbers(session, typed.year)
    numbers = increasing_numbers(refs, used, fixed={typed.id})  # type: ignore[arg-type]
    _write_positions_and_numbers(session, cases, numbers)


def add_case(
    session: Session,
    meeting_id: int,
    *,
    title: str,
    case_type: str = TYPE_DECISION,
    kind: str = KIND_OTHER,
    number: int | str | None = None,
    round_id: int | None = None,
    saksopplysninger: str = "",
    vurdering: str = "",
    attachments: str = "",
    points: Sequence[str] = (),
) -> Case:
    """Add a case to the meeting's saksliste, before the standing cases.

    ``number`` may be given ("28/2025", "28-2025" or 28); it must belong to the meeting's
    year and be free, and drafts after it whose numbers would run backwards get new numbers
    after it (a meeting's first case typed as 28-2025 makes the standing cases 29 and 30). Without it, the case
    gets the next free number of the year and the meeting's drafts are renumbered so that
    the numbers run down the saksliste.
    """
    with _transaction(session):
        meeting = get_meeting(session, meeting_id)
        case = _new_case(
            session,
            meeting,
            title=title,
            case_type=case_type,
            kind=kind,
            number=number,
            round_id=round_id,
            saksopplysninger=saksopplysninger,
            vurdering=vurdering,
            attachments=attachments,
        )
        for position, text in enumerate(points, start=1):
            session.add(InnstillingPoint(case_id=case.id, position=position, text=text))  # type: ignore[arg-type]
    session.refresh(case)
    return case


def add_orientation_case(
    session: Session, meeting_id: int, title: str, *, number: int | str | None = None
) -> Case:
    """An Orienteringssak whose innstilling is "SSU tar gjennomgangen til orientering."."""
    return add_case(
        session,
        meeting_id,
        title=title,
        case_type=TYPE_ORIENTATION,
        kind=KIND_ORIENTERING,
        number=number,
        points=[ORIENTATION_POINT],
    )


def _add_standing(session: Session, meeting: Meeting) -> list[Case]:
    present = {case.kind for case in meeting_cases(session, meeting.id)}  # type: ignore[arg-type]
    added = []
    for kind in STANDING_KINDS:
        if kind in present:
            continue
        added.append(
            _new_case(
                session,
                meeting,
                title=_STANDING_TITLES[kind],
                case_type=TYPE_ORIENTATION,
                kind=kind,
                number=None,
                round_id=None,
                saksopplysninger="",
                vurdering="",
                attachments="",
            )
        )
    return added


def add_standing_cases(session: Session, meeting_id: int) -> list[Case]:
    """Add "Orienteringer fra sekretariatet" and "Eventuelt" where missing; returns those added."""
    with _transaction(session):
        added = _add_standing(session, get_meeting(session, meeting_id))
    for case in added:
        session.refresh(case)
    return added


def update_case(session: Session, case_id: int, **fields: str) -> Case:
    """Change text fields (title, saksopplysninger, vurdering, attachments) or case_type of a draft."""
    allowed = (*_TEXT_FIELDS, "case_type")
    with _transaction(session):
        case = get_case(session, case_id)
        if case.final:
            raise CaseError(f"{case_label(case)} er endelig og kan ikke endres.")
        for name, value in fields.items():
            if name not in allowed:
                raise CaseError(f"Feltet «{name}» kan ikke endres her.")
            if name == "title" and not value.strip():
                raise CaseError("Saken må ha en tittel.")
            if name == "case_type" and value not in (TYPE_DECISION, TYPE_ORIENTATION):
                raise CaseError(f"Ukjent type sak «{value}»: bruk beslutningssak eller orienteringssak.")
            setattr(case, name, value.strip() if name == "title" else value)
        session.add(case)
    session.refresh(case)
    return case


def set_case_number(session: Session, case_id: int, text: str | int) -> Case:
    """Give a draft case the number the user typed ("24/2025" is stored as 24 in 2025).

    Drafts after it in the saksliste whose numbers would then run backwards get new numbers.
    """
    with _transaction(session):
        case = get_case(session, case_id)
        if case.final:
            raise CaseError(f"{case_label(case)} er endelig og beholder nummeret sitt.")
        if isinstance(text, str):
            number, year = parse_case_number(text)
        else:
            number, year = text, case.year
        if year != case.year:
            raise CaseNumberError(
                f"Saksnummer {format_case_number(number, year)} hører til {year}, men saken er i {case.year}."
            )
        if number != case.number:
            used = _used_numbers(session, year)
            check_free(number, year, used, title_of=used)
            if case.meeting_id is not None:
                listed = meeting_cases(session, case.meeting_id)
                index = next(i for i, c in enumerate(listed) if c.id == case.id)
                _check_order(listed[:index], number, year)
            case.number = number
            session.add(case)
            session.flush()
            if case.meeting_id is not None:
                _after_typed_number(session, meeting_cases(session, case.meeting_id), case)
    session.refresh(case)
    return case


def reorder_cases(session: Session, meeting_id: int, case_ids: Sequence[int]) -> list[Case]:
    """Put the saksliste in ``case_ids`` order; draft cases are renumbered to run in order."""
    with _transaction(session):
        meeting = get_meeting(session, meeting_id)
        if meeting.final:
            raise CaseError(f"{meeting_title(meeting)} er endelig; sakslisten kan ikke endres.")
        cases = {case.id: case for case in meeting_cases(session, meeting_id)}
        if len(case_ids) != len(cases) or set(case_ids) != set(cases):
            raise CaseError("Den nye rekkefølgen må inneholde nøyaktig sakene i møtet.")
        ordered = [cases[case_id] for case_id in case_ids]
        _renumber(session, ordered)
    return meeting_cases(session, meeting_id)


def move_case(session: Session, case_id: int, delta: int) -> list[Case]:
    """Move a case up (delta < 0) or down in its meeting's saksliste (clamped)."""
    case = get_case(session, case_id)
    if case.meeting_id is None:
        raise CaseError(f"{case_label(case)} hører ikke til noe møte.")
    ids = [c.id for c in meeting_cases(session, case.meeting_id)]
    index = ids.index(case_id)
    target = min(max(index + delta, 0), len(ids) - 1)
    ids.insert(target, ids.pop(index))
    return reorder_cases(session, case.meeting_id, ids)  # type: ignore[arg-type]


def _delete_case_rows(session: Session, case: Case) -> None:
    """The points first (one statement), then the case: never a case row with points left."""
    from sqlalchemy import delete

    session.exec(delete(InnstillingPoint).where(InnstillingPoint.case_id == case.id))  # type: ignore[call-overload]
    session.delete(case)
    session.flush()


def delete_case(session: Session, case_id: int) -> None:
    """Delete a draft case and its points, closing the gap in the meeting's numbers.

    The drafts right after it whose numbers run on from it move down one (28, 29, 30 with
    29 deleted gives 28, 29); a jump the user typed stops the run.
    """
    with _transaction(session):
        case = get_case(session, case_id)
        if case.final:
            raise CaseError(f"{case_label(case)} er endelig og kan ikke slettes.")
        meeting_id = case.meeting_id
        if meeting_id is None:
            _delete_case_rows(session, case)
            return
        listed = meeting_cases(session, meeting_id)
        index = next(i for i, c in enumerate(listed) if c.id == case.id)
        freed = case.number
        _delete_case_rows(session, case)
        rest = listed[:index] + listed[index + 1 :]
        refs = [CaseRef(c.id, c.number, c.final) for c in listed[index + 1 :]]  # type: ignore[arg-type]
        moved = close_gap(refs, freed)
        _write_positions_and_numbers(session, rest, {c.id: moved.get(c.id, c.number) for c in rest})  # type: ignore[misc]


# --- innstilling points -----------------------------------------------------------------------


def _editable_case(session: Session, case_id: int) -> Case:
    case = get_case(session, case_id)
    if case.final:
        raise CaseError(f"{case_label(case)} er endelig; innstillingen kan ikke endres.")
    return case


def _write_point_positions(session: Session, points: list[InnstillingPoint]) -> None:
    for position, point in enumerate(points, start=1):
        if point.position != position:
            point.position = position
            session.add(point)


def add_point(session: Session, case_id: int, text: str, *, position: int | None = None) -> InnstillingPoint:
    """A new point written by the user (no source in data); ``position`` is 1-based, default last."""
    if not text.strip():
        raise CaseError("Et innstillingspunkt kan ikke være tomt.")
    with _transaction(session):
        _editable_case(session, case_id)
        points = case_points(session, case_id)
        point = InnstillingPoint(case_id=case_id, text=text.strip())
        index = len(points) if position is None else min(max(position - 1, 0), len(points))
        points.insert(index, point)
        session.add(point)
        _write_point_positions(session, points)
        point.position = index + 1
    session.refresh(point)
    return point


def _get_point(session: Session, point_id: int) -> InnstillingPoint:
    point = session.get(InnstillingPoint, point_id)
    if point is None:
        raise CaseError(f"Fant ikke innstillingspunkt med id {point_id}.")
    return point


def update_point(session: Session, point_id: int, text: str) -> InnstillingPoint:
    """Change a point's text. Its generated text is kept, so regeneration sees the edit."""
    if not text.strip():
        raise CaseError("Et innstillingspunkt kan ikke være tomt; slett punktet i stedet.")
    with _transaction(session):
        point = _get_point(session, point_id)
        _editable_case(session, point.case_id)
        point.text = text.strip()
        session.add(point)
    session.refresh(point)
    return point


def delete_point(session: Session, point_id: int) -> None:
    """Delete a point; a generated one is remembered, so regeneration asks before restoring it."""
    with _transaction(session):
        point = _get_point(session, point_id)
        case = _editable_case(session, point.case_id)
        case_id = point.case_id
        if point.source_key and point.source_key not in case.dropped_sources:
            case.dropped_sources = [*case.dropped_sources, point.source_key]
            flag_modified(case, "dropped_sources")
            session.add(case)
        session.delete(point)
        session.flush()
        _write_point_positions(session, case_points(session, case_id))


def reorder_points(session: Session, case_id: int, point_ids: Sequence[int]) -> list[InnstillingPoint]:
    """Put the case's points in ``point_ids`` order (numbered 1..n)."""
    with _transaction(session):
        _editable_case(session, case_id)
        points = {point.id: point for point in case_points(session, case_id)}
        if len(point_ids) != len(points) or set(point_ids) != set(points):
            raise CaseError("Den nye rekkefølgen må inneholde nøyaktig punktene i innstillingen.")
        _write_point_positions(session, [points[point_id] for point_id in point_ids])
    return case_points(session, case_id)


def move_point(session: Session, point_id: int, new_position: int) -> list[InnstillingPoint]:
    """Move a point to 1-based ``new_position`` (clamped)."""
    point = _get_point(session, point_id)
    ids = [p.id for p in case_points(session, point.case_id)]
    ids.remove(point_id)
    ids.insert(min(max(new_position - 1, 0), len(ids)), point_id)
    return reorder_points(session, point.case_id, ids)  # type: ignore[arg-type]
