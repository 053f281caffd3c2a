"""A meeting's saksliste: adding, numbering, changing, moving and deleting cases.

Every public function is one unit of work (:func:`rsapp.saksfremlegg.records.change`): it
commits on success and rolls back on any error, and every change is in the change log (who,
when, old → new). Numbers follow :mod:`rsapp.saksfremlegg.numbering`:

* a new case without a number gets the lowest free number above the case before it in the
  saksliste (and above every final number and every earlier meeting's cases in the year);
  the drafts after it move up so the saksliste runs in order (:func:`proposed_number` tells
  the number beforehand);
* a typed number must be free in the year and keep the saksliste ascending: a number not
  above the cases before it is refused; drafts after it that would run backwards get new
  numbers;
* drafts are renumbered when the saksliste is reordered (refused once the meeting is final);
* deleting a draft closes the gap: the consecutive drafts after it move down one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete
from sqlmodel import Session, col

from rsapp.models import Case, InnstillingPoint, Meeting
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
from rsapp.saksfremlegg.records import (
    ENTITY_CASE,
    ENTITY_MEETING,
    CaseError,
    case_label,
    change,
    get_case,
    get_meeting,
    meeting_title,
)
from rsapp.store import queries
from rsapp.store.unit_of_work import UnitOfWork
from rsapp.vocab import (
    CASE_KIND_ANY_OTHER_BUSINESS,
    CASE_KIND_ORIENTATION,
    CASE_KIND_ORIENTATIONS,
    CASE_KIND_OTHER,
    CASE_KINDS,
    CASE_TYPE_DECISION,
    CASE_TYPE_LABELS,
    CASE_TYPE_ORIENTATION,
    ORIENTATION_POINT,
    STANDING_CASE_POINTS,
    STANDING_CASE_TEXTS,
    STANDING_CASE_TITLES,
    STANDING_KINDS,
    case_type_label,
)

__all__ = [
    "CaseLine",
    "CaseSlot",
    "SakslisteRow",
    "SakslisteView",
    "add_case",
    "add_orientation_case",
    "add_standing_cases",
    "case_listing",
    "case_slot",
    "delete_case",
    "meeting_cases",
    "move_case",
    "new_case",
    "proposed_number",
    "remove_case_rows",
    "reorder_cases",
    "saksliste_rows",
    "saksliste_view",
    "set_case_number",
    "update_case",
]

_TEXT_FIELDS = ("title", "saksopplysninger", "vurdering", "attachments")
#: How the change log names a case's fields.
_FIELD_LABELS = {
    "title": "tittel",
    "saksopplysninger": "saksopplysninger",
    "vurdering": "vurdering",
    "attachments": "vedlegg",
    "case_type": "type sak",
}


# --- reading ------------------------------------------------------------------------------------


def meeting_cases(session: Session, meeting_id: int) -> list[Case]:
    """The meeting's saksliste, in order."""
    return queries.meeting_cases(session, meeting_id)


@dataclass(frozen=True, slots=True)
class SakslisteRow:
    """One line of a saksliste as lists show it."""

    case_id: int
    number: str  # "28-2025"
    title: str
    case_type: str  # the label: "Beslutningssak"
    points: int
    final: bool


@dataclass(frozen=True, slots=True)
class SakslisteView:
    """A meeting's saksliste with its heading."""

    meeting_id: int
    title: str  # "Saksliste – Ekstraordinært møte i … 20.10.2025"
    rows: list[SakslisteRow]


def saksliste_view(session: Session, meeting_id: int) -> SakslisteView:
    meeting = get_meeting(session, meeting_id)
    return SakslisteView(
        meeting_id, f"Saksliste – {meeting_title(meeting)}", saksliste_rows(session, meeting_id)
    )


@dataclass(frozen=True, slots=True)
class CaseSlot:
    """Where a round's case of one kind stands on a meeting: the case it already has, else the
    number a new one would get ("28-2025")."""

    existing_case_id: int | None
    proposed: str


def case_slot(session: Session, meeting_id: int, round_id: int, kind: str) -> CaseSlot:
    existing = queries.round_case(session, meeting_id, round_id, kind)
    if existing is not None:
        return CaseSlot(existing.id, "")
    meeting = get_meeting(session, meeting_id)
    return CaseSlot(None, format_case_number(proposed_number(session, meeting_id, kind), meeting.date.year))


@dataclass(frozen=True, slots=True)
class CaseLine:
    """A case on some meeting, as the list of every case shows it."""

    case_id: int
    number: str
    title: str
    case_type: str  # the label
    meeting_date: str  # dd.mm.åååå
    points: int
    final: bool


def case_listing(session: Session, meeting_id: int | None = None) -> list[CaseLine]:
    """Every case on a meeting (or on one meeting), by meeting date and saksliste order."""
    from rsapp.dates import format_date

    found = queries.cases_with_meetings(session, meeting_id)
    counts = queries.point_counts(session, [_id(case) for case, _ in found])
    return [
        CaseLine(
            case_id=_id(case),
            number=format_case_number(case.number, case.year),
            title=case.title,
            case_type=case_type_label(case.case_type),
            meeting_date=format_date(meeting.date),
            points=counts.get(_id(case), 0),
            final=case.final,
        )
        for case, meeting in found
    ]


def saksliste_rows(session: Session, meeting_id: int) -> list[SakslisteRow]:
    """The meeting's saksliste with the number of innstilling points of each case (two statements)."""
    listed = queries.meeting_cases(session, meeting_id)
    counts = queries.point_counts(session, [c.id for c in listed if c.id is not None])
    return [
        SakslisteRow(
            case_id=int(c.id or 0),
            number=format_case_number(c.number, c.year),
            title=c.title,
            case_type=case_type_label(c.case_type),
            points=counts.get(int(c.id or 0), 0),
            final=c.final,
        )
        for c in listed
    ]


# --- numbering helpers --------------------------------------------------------------------------


def _insert_position(cases: list[Case], kind: str) -> int:
    """Index in the saksliste for a new case: standing cases last, everything else before them."""
    if kind in STANDING_KINDS:
        if kind == CASE_KIND_ORIENTATIONS:
            for index, case in enumerate(cases):
                if case.kind == CASE_KIND_ANY_OTHER_BUSINESS:
                    return index
        return len(cases)
    for index, case in enumerate(cases):
        if case.kind in STANDING_KINDS:
            return index
    return len(cases)


def _id(case: Case) -> int:
    assert case.id is not None, "a stored case has an id"
    return case.id


def _write_positions_and_numbers(
    work: UnitOfWork, cases: list[Case], numbers: dict[int, int], *, quiet: int | None = None
) -> None:
    """Store positions 1..n and the given numbers without ever holding one number twice, and
    log every number that changed (except that of case ``quiet``, which logs itself).

    Changed numbers first go to temporary negative values (unique per case id), then to
    their final values, so the unique (year, number) constraint holds after every statement.
    """
    session = work.session
    old = {_id(case): case.number for case in cases}
    changed = [case for case in cases if numbers[_id(case)] != case.number]
    for case in changed:
        case.number = -_id(case)
        session.add(case)
    if changed:
        session.flush()
    for position, case in enumerate(cases, start=1):
        case.number = numbers[_id(case)]
        case.position = position
        session.add(case)
    session.flush()
    for case in changed:
        if _id(case) == quiet:
            continue
        before = format_case_number(old[_id(case)], case.year)
        after = format_case_number(case.number, case.year)
        work.log(
            ENTITY_CASE,
            case.id,
            "nummer",
            f"Sak {before} «{case.title}» fikk nummer {after}",
            before,
            after,
            round_id=case.round_id,
        )


def _lower_bound(session: Session, meeting: Meeting, before: Sequence[Case]) -> int:
    """The number a new case must be above: the cases before it in the saksliste, every final
    case in the year, and every case of the year's earlier meetings."""
    bound = max((case.number for case in before), default=0)
    here = (meeting.date, meeting.id or 0)
    for other in queries.cases_in_year(session, meeting.date.year):
        earlier = other.meeting_date is not None and (other.meeting_date, other.meeting_id or 0) < here
        if other.final or earlier:
            bound = max(bound, other.number)
    return bound


def _auto_number(session: Session, meeting: Meeting, cases: list[Case], index: int) -> tuple[int, int]:
    """For a case inserted at ``index`` without a number: (a free number to insert it with,
    the number it ends up with once the meeting's drafts are renumbered in order)."""
    used = queries.case_numbers(session, meeting.date.year)
    candidate = next_free_number(used, _lower_bound(session, meeting, cases[:index]))
    pool = sorted([*(c.number for c in cases if not c.final), candidate])
    drafts_before = sum(1 for c in cases[:index] if not c.final)
    return candidate, pool[drafts_before]


def proposed_number(session: Session, meeting_id: int, kind: str = CASE_KIND_OTHER) -> int:
    """The number a new case of ``kind`` would get on this meeting if none is typed."""
    meeting = get_meeting(session, meeting_id)
    cases = meeting_cases(session, meeting_id)
    return _auto_number(session, meeting, cases, _insert_position(cases, kind))[1]


def _renumber(work: UnitOfWork, cases: list[Case], *, quiet: int | None = None) -> None:
    refs = [CaseRef(_id(case), case.number, case.final) for case in cases]
    numbers = renumber_drafts(refs, [_id(case) for case in cases])
    _write_positions_and_numbers(work, cases, numbers, quiet=quiet)


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


def _after_typed_number(work: UnitOfWork, cases: list[Case], typed: Case) -> None:
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
    refs = [CaseRef(_id(c), c.number, c.final) for c in cases]
    used = queries.case_numbers(work.session, typed.year)
    numbers = increasing_numbers(refs, used, fixed={_id(typed)})
    _write_positions_and_numbers(work, cases, numbers, quiet=_id(typed))


def _check_case_type(case_type: str) -> None:
    if case_type not in CASE_TYPE_LABELS:
        raise CaseError(f"Ukjent type sak «{case_type}»: bruk beslutningssak eller orienteringssak.")


# --- adding cases -------------------------------------------------------------------------------


def new_case(
    work: UnitOfWork,
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
    """Put a new case on ``meeting``'s saksliste inside the open unit of work ``work`` (logged)."""
    session = work.session
    title = title.strip()
    if not title:
        raise CaseError("Saken må ha en tittel.")
    _check_case_type(case_type)
    if kind not in CASE_KINDS:
        raise CaseError(f"Ukjent sakstype «{kind}» (gyldige: {', '.join(CASE_KINDS)}).")
    if meeting.final:
        raise CaseError(f"{meeting_title(meeting)} er endelig; nye saker kan ikke legges til.")
    assert meeting.id is not None
    year = meeting.date.year
    explicit = number is not None
    if isinstance(number, str):
        number, number_year = parse_case_number(number)
        if number_year != year:
            raise CaseNumberError(
                f"Saksnummer {format_case_number(number, number_year)} hører til {number_year}, "
                f"men møtet er i {year}."
            )
    cases = meeting_cases(session, meeting.id)
    index = _insert_position(cases, kind)
    if number is None:
        number = _auto_number(session, meeting, cases, index)[0]
    else:
        used = queries.case_numbers(session, year)
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
        _after_typed_number(work, cases, case)
    else:
        _renumber(work, cases, quiet=_id(case))
    label = case_label(case)
    work.log(
        ENTITY_CASE,
        case.id,
        "ny",
        f"Ny sak på {meeting_title(meeting).lower()}: {label}",
        "",
        label,
        round_id=round_id,
    )
    return case


def add_case(
    session: Session,
    meeting_id: int,
    *,
    title: str,
    case_type: str = CASE_TYPE_DECISION,
    kind: str = CASE_KIND_OTHER,
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
    with change(session) as work:
        meeting = get_meeting(session, meeting_id)
        case = new_case(
            work,
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
            session.add(InnstillingPoint(case_id=_id(case), position=position, text=text))
    session.refresh(case)
    return case


def add_orientation_case(
    session: Session, meeting_id: int, title: str, *, number: int | str | None = None, text: str = ""
) -> Case:
    """An Orienteringssak whose innstilling is "SSU tar gjennomgangen til orientering."; ``text``
    is its saksopplysninger."""
    return add_case(
        session,
        meeting_id,
        title=title,
        case_type=CASE_TYPE_ORIENTATION,
        kind=CASE_KIND_ORIENTATION,
        number=number,
        saksopplysninger=text,
        points=[ORIENTATION_POINT],
    )


def add_standing(work: UnitOfWork, meeting: Meeting) -> list[Case]:
    """Inside ``work``: add the standing cases the meeting lacks; returns those added."""
    assert meeting.id is not None
    present = {case.kind for case in meeting_cases(work.session, meeting.id)}
    added = []
    for kind in STANDING_KINDS:
        if kind in present:
            continue
        case = new_case(
            work,
            meeting,
            title=STANDING_CASE_TITLES[kind],
            case_type=CASE_TYPE_ORIENTATION,
            kind=kind,
            number=None,
            round_id=None,
            saksopplysninger=STANDING_CASE_TEXTS.get(kind, ""),
            vurdering="",
            attachments="",
        )
        if kind in STANDING_CASE_POINTS:  # a standing case carries content and an innstilling
            work.session.add(InnstillingPoint(case_id=_id(case), position=1, text=STANDING_CASE_POINTS[kind]))
        added.append(case)
    return added


def add_standing_cases(session: Session, meeting_id: int) -> list[Case]:
    """Add "Orienteringer fra sekretariatet" and "Eventuelt" where missing; returns those added."""
    with change(session) as work:
        added = add_standing(work, get_meeting(session, meeting_id))
    for case in added:
        session.refresh(case)
    return added


# --- changing cases -----------------------------------------------------------------------------


def update_case(session: Session, case_id: int, **fields: str) -> Case:
    """Change text fields (title, saksopplysninger, vurdering, attachments) or case_type of a draft."""
    allowed = (*_TEXT_FIELDS, "case_type")
    with change(session) as work:
        case = get_case(session, case_id)
        if case.final:
            raise CaseError(f"{case_label(case)} er endelig og kan ikke endres.")
        for name, value in fields.items():
            if name not in allowed:
                raise CaseError(f"Feltet «{name}» kan ikke endres her.")
            if name == "title" and not value.strip():
                raise CaseError("Saken må ha en tittel.")
            if name == "case_type":
                _check_case_type(value)
            new = value.strip() if name == "title" else value
            old = getattr(case, name)
            if new == old:
                continue
            label = case_label(case)
            setattr(case, name, new)
            work.log(
                ENTITY_CASE,
                case_id,
                "endre",
                f"Endret {_FIELD_LABELS[name]} i {label}",
                old,
                new,
                round_id=case.round_id,
            )
        session.add(case)
    session.refresh(case)
    return case


def set_case_number(session: Session, case_id: int, text: str | int) -> Case:
    """Give a draft case the number the user typed ("24/2025" is stored as 24 in 2025).

    Drafts after it in the saksliste whose numbers would then run backwards get new numbers.
    """
    with change(session) as work:
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
            used = queries.case_numbers(session, year)
            check_free(number, year, used, title_of=used)
            if case.meeting_id is not None:
                listed = meeting_cases(session, case.meeting_id)
                index = next(i for i, c in enumerate(listed) if c.id == case.id)
                _check_order(listed[:index], number, year)
            before = format_case_number(case.number, year)
            case.number = number
            session.add(case)
            session.flush()
            if case.meeting_id is not None:
                _after_typed_number(work, meeting_cases(session, case.meeting_id), case)
            after = format_case_number(number, year)
            work.log(
                ENTITY_CASE,
                case_id,
                "nummer",
                f"Sak {before} «{case.title}» fikk nummer {after}",
                before,
                after,
                round_id=case.round_id,
            )
    session.refresh(case)
    return case


def _saksliste_text(cases: Sequence[Case]) -> str:
    return "\n".join(f"{format_case_number(c.number, c.year)} {c.title}" for c in cases)


def reorder_cases(session: Session, meeting_id: int, case_ids: Sequence[int]) -> list[Case]:
    """Put the saksliste in ``case_ids`` order; draft cases are renumbered to run in order."""
    with change(session) as work:
        meeting = get_meeting(session, meeting_id)
        if meeting.final:
            raise CaseError(f"{meeting_title(meeting)} er endelig; sakslisten kan ikke endres.")
        listed = meeting_cases(session, meeting_id)
        cases = {_id(case): case for case in listed}
        if len(case_ids) != len(cases) or set(case_ids) != set(cases):
            raise CaseError("Den nye rekkefølgen må inneholde nøyaktig sakene i møtet.")
        if list(case_ids) != [_id(case) for case in listed]:
            before = _saksliste_text(listed)
            ordered = [cases[case_id] for case_id in case_ids]
            _renumber(work, ordered)
            work.log(
                ENTITY_MEETING,
                meeting_id,
                "saksliste",
                f"Ny rekkefølge i sakslisten til {meeting_title(meeting).lower()}",
                before,
                _saksliste_text(ordered),
            )
    return meeting_cases(session, meeting_id)


def move_case(session: Session, case_id: int, delta: int) -> list[Case]:
    """Move a case up (delta < 0) or down in its meeting's saksliste (clamped)."""
    case = get_case(session, case_id)
    if case.meeting_id is None:
        raise CaseError(f"{case_label(case)} hører ikke til noe møte.")
    ids = [_id(c) for c in meeting_cases(session, case.meeting_id)]
    index = ids.index(case_id)
    target = min(max(index + delta, 0), len(ids) - 1)
    ids.insert(target, ids.pop(index))
    return reorder_cases(session, case.meeting_id, ids)


# --- deleting cases -----------------------------------------------------------------------------


def remove_case_rows(session: Session, case: Case) -> None:
    """The points first (one statement), then the case: never a case row with points left."""
    session.execute(delete(InnstillingPoint).where(col(InnstillingPoint.case_id) == case.id))
    session.delete(case)
    session.flush()


def delete_case(session: Session, case_id: int) -> None:
    """Delete a draft case and its points, closing the gap in the meeting's numbers.

    The drafts right after it whose numbers run on from it move down one (28, 29, 30 with
    29 deleted gives 28, 29); a jump the user typed stops the run.
    """
    with change(session) as work:
        case = get_case(session, case_id)
        if case.final:
            raise CaseError(f"{case_label(case)} er endelig og kan ikke slettes.")
        label, round_id, meeting_id = case_label(case), case.round_id, case.meeting_id
        if meeting_id is None:
            remove_case_rows(session, case)
        else:
            listed = meeting_cases(session, meeting_id)
            index = next(i for i, c in enumerate(listed) if c.id == case.id)
            freed = case.number
            remove_case_rows(session, case)
            rest = listed[:index] + listed[index + 1 :]
            refs = [CaseRef(_id(c), c.number, c.final) for c in listed[index + 1 :]]
            moved = close_gap(refs, freed)
            _write_positions_and_numbers(work, rest, {_id(c): moved.get(_id(c), c.number) for c in rest})
        work.log(ENTITY_CASE, case_id, "slett", f"Slettet {label}", label, "", round_id=round_id)
