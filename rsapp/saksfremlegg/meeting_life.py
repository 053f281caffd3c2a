"""A meeting's life: planlagt → innkalt → avholdt → protokoll godkjent, and who attends.

* The innkalling's details (time, place or video link, møteleder, referent, recipients, where
  to send *forfall*) are set with :func:`set_details` while the meeting is not locked.
* :func:`summon` (planlagt → innkalt) checks that the innkalling is complete, fixes the
  saksliste (every case final: numbers kept) and summons the SSU members from the register
  (:class:`~rsapp.models.Assessor` whose role names SSU; every active one when none does).
* :func:`mark_held` (innkalt → avholdt) opens the vedtak (:mod:`rsapp.saksfremlegg.vedtak`).
* Approval (avholdt → godkjent) is :func:`rsapp.saksfremlegg.protokoll.approve`: it writes the
  vedtak back and locks the meeting; from then on the database refuses every change to the
  meeting, its cases, their points, its attendance and its vedtak (migration 0006).
* :func:`step_back` undoes a step before approval (innkalt → planlagt, avholdt → innkalt).

Attendance: each person summoned is *innkalt* until marked *møtt*, *forfall* or *vara* (a
substitute, with whom they stand in for). Every change is one unit of work in the change log;
errors carry Norwegian messages naming the meeting or the person.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, col, select

from rsapp.dates import format_date
from rsapp.models import Assessor, Case, Meeting, MeetingAttendance, RegisteredCaseNumber, Vedtak
from rsapp.saksfremlegg.numbering import format_case_number
from rsapp.saksfremlegg.records import ENTITY_MEETING, CaseError, change, get_meeting, meeting_title
from rsapp.saksfremlegg.saksliste import meeting_cases
from rsapp.vocab import (
    ATTENDANCE_LABELS,
    ATTENDANCE_PRESENT,
    ATTENDANCE_SUBSTITUTE,
    ATTENDANCE_SUMMONED,
    MEETING_APPROVED,
    MEETING_HELD,
    MEETING_PLANNED,
    MEETING_STATUS_LABELS,
    MEETING_SUMMONED,
)

__all__ = [
    "DETAIL_FIELDS",
    "Attendee",
    "MeetingLife",
    "add_attendee",
    "attendance",
    "check_unlocked",
    "is_locked",
    "mark_held",
    "meeting_life",
    "missing_for_summons",
    "previous_meeting",
    "queued_cases",
    "remove_attendee",
    "schedule_case",
    "set_attendance",
    "set_details",
    "step_back",
    "summon",
    "summon_members",
]

ENTITY_ATTENDANCE = "oppmøte"

#: The innkalling's fields a user sets, and how messages name them.
DETAIL_FIELDS: dict[str, str] = {
    "start_time": "klokkeslett fra",
    "end_time": "klokkeslett til",
    "place": "sted",
    "video_link": "videolenke",
    "chair": "møteleder",
    "secretary": "referent",
    "recipients": "mottakere",
    "forfall_to": "forfall meldes til",
}
_TIME_FIELDS = ("start_time", "end_time")


# --- locking ------------------------------------------------------------------------------------


def is_locked(meeting: Meeting) -> bool:
    return meeting.status == MEETING_APPROVED


def check_unlocked(meeting: Meeting, what: str = "Møtet") -> None:
    """Raise :class:`CaseError` when the meeting's protokoll is approved (nothing may change)."""
    if is_locked(meeting):
        when = f" {format_date(meeting.approved_on)}" if meeting.approved_on else ""
        raise CaseError(
            f"{what} kan ikke endres: protokollen for {_lower_first(meeting_title(meeting))} ble godkjent{when} "
            "og er låst."
        )


# --- reading ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Attendee:
    id: int
    name: str
    role: str
    organisation: str
    status: str
    substitute_for: str
    assessor_id: int | None

    @property
    def status_label(self) -> str:
        label = ATTENDANCE_LABELS.get(self.status, self.status)
        if self.status == ATTENDANCE_SUBSTITUTE and self.substitute_for:
            return f"{label} for {self.substitute_for}"
        return label

    @property
    def present(self) -> bool:
        return self.status in (ATTENDANCE_PRESENT, ATTENDANCE_SUBSTITUTE)


def attendance(session: Session, meeting_id: int) -> list[Attendee]:
    rows = session.exec(
        select(MeetingAttendance)
        .where(MeetingAttendance.meeting_id == meeting_id)
        .order_by(col(MeetingAttendance.position), col(MeetingAttendance.id))
    ).all()
    return [
        Attendee(
            int(row.id or 0),
            row.name,
            row.role,
            row.organisation,
            row.status,
            row.substitute_for,
            row.assessor_id,
        )
        for row in rows
    ]


@dataclass(slots=True)
class MeetingLife:
    """A meeting's state as the screens and the CLI show it."""

    meeting: Meeting
    title: str
    status: str
    status_label: str
    locked: bool
    attendees: list[Attendee]
    cases: list[Case]
    decided: dict[int, str]  # case id -> vedtak outcome ("" when not recorded)
    missing: list[str] = field(default_factory=list)  # what the next step still needs
    next_step: str = ""  # the label of the next step ("" when locked)
    previous: str = ""  # the previous meeting ("møtet 09.09.2025"), for the fixed item

    @property
    def details(self) -> list[tuple[str, str]]:
        m = self.meeting
        when = m.start_time + (f"–{m.end_time}" if m.end_time else "")
        return [
            ("Dato", format_date(m.date)),
            ("Tid", when or "ikke satt"),
            ("Sted", m.place or "ikke satt"),
            ("Video", m.video_link or "–"),
            ("Møteleder", m.chair or "ikke satt"),
            ("Referent", m.secretary or "–"),
            ("Mottakere", ", ".join(_lines(m.recipients)) or "medlemmene i registeret"),
            ("Forfall meldes til", m.forfall_to or "ikke satt"),
        ]


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def previous_meeting(session: Session, meeting: Meeting) -> str:
    """The previous meeting of the same utvalg, as the fixed item names it ("møtet 09.09.2025").

    An earlier meeting in rsapp first; else the latest meeting date in the registered history.
    """
    earlier: date | None = session.exec(
        select(col(Meeting.date))
        .where(Meeting.utvalg == meeting.utvalg, col(Meeting.date) < meeting.date, Meeting.id != meeting.id)
        .order_by(col(Meeting.date).desc())
    ).first()
    registered: date | None = session.exec(
        select(col(RegisteredCaseNumber.meeting_date))
        .where(
            col(RegisteredCaseNumber.meeting_date).is_not(None),
            col(RegisteredCaseNumber.meeting_date) < meeting.date,
        )
        .order_by(col(RegisteredCaseNumber.meeting_date).desc())
    ).first()
    found = max((d for d in (earlier, registered) if d is not None), default=None)
    return f"møtet {format_date(found)}" if found is not None else ""


def missing_for_summons(meeting: Meeting, cases: Sequence[Case]) -> list[str]:
    """What the innkalling still lacks (empty: it can be sent)."""
    missing = []
    if not cases:
        missing.append("saker på sakslisten")
    if not meeting.start_time:
        missing.append("klokkeslett")
    if not meeting.place and not meeting.video_link:
        missing.append("sted eller videolenke")
    if not meeting.chair:
        missing.append("møteleder")
    if not meeting.forfall_to:
        missing.append("hvor forfall meldes")
    return missing


def meeting_life(session: Session, meeting_id: int) -> MeetingLife:
    meeting = get_meeting(session, meeting_id)
    cases = meeting_cases(session, meeting_id)
    decided = {
        v.case_id: v.outcome for v in session.exec(select(Vedtak).where(Vedtak.meeting_id == meeting_id))
    }
    # Cases postponed at an approved meeting have left its saksliste but stay in its protokoll.
    listed = {case.id for case in cases}
    for case_id in decided:
        if case_id not in listed:
            gone = session.get(Case, case_id)
            if gone is not None:
                cases.append(gone)
    missing: list[str] = []
    next_step = ""
    if meeting.status == MEETING_PLANNED:
        missing = missing_for_summons(meeting, cases)
        next_step = "Send innkallingen"
    elif meeting.status == MEETING_SUMMONED:
        next_step = "Marker møtet som avholdt"
    elif meeting.status == MEETING_HELD:
        missing = [
            f"vedtak i sak {format_case_number(c.number, c.year)}"
            for c in cases
            if not decided.get(int(c.id or 0))
        ]
        next_step = "Godkjenn protokollen"
    return MeetingLife(
        meeting=meeting,
        title=meeting_title(meeting),
        status=meeting.status,
        status_label=MEETING_STATUS_LABELS.get(meeting.status, meeting.status),
        locked=is_locked(meeting),
        attendees=attendance(session, meeting_id),
        cases=cases,
        decided={int(k): v for k, v in decided.items()},
        missing=missing,
        next_step=next_step,
        previous=previous_meeting(session, meeting),
    )


def queued_cases(session: Session) -> list[Case]:
    """Cases waiting for a meeting (postponed, *utsatt*), oldest number first."""
    return list(
        session.exec(
            select(Case).where(col(Case.meeting_id).is_(None)).order_by(col(Case.year), col(Case.number))
        )
    )


# --- changing -----------------------------------------------------------------------------------


def _check_time(value: str, what: str) -> str:
    import re

    value = value.strip().replace(".", ":")
    if not value:
        return ""
    m = re.fullmatch(r"([01]?\d|2[0-3]):?([0-5]\d)", value)
    if m is None:
        raise CaseError(f"Kan ikke lese {what} «{value}»: skriv klokkeslettet som tt:mm, f.eks. 09:00.")
    return f"{int(m.group(1)):02d}:{m.group(2)}"


def set_details(session: Session, meeting_id: int, **fields: str) -> Meeting:
    """Set the innkalling's details (see :data:`DETAIL_FIELDS`); logged field by field."""
    for name in fields:
        if name not in DETAIL_FIELDS:
            raise CaseError(f"Feltet «{name}» finnes ikke i innkallingen.")
    with change(session) as work:
        meeting = get_meeting(session, meeting_id)
        check_unlocked(meeting)
        for name, value in fields.items():
            new = (
                _check_time(value, DETAIL_FIELDS[name])
                if name in _TIME_FIELDS
                else "\n".join(_lines(value))
                if name == "recipients"
                else value.strip()
            )
            old = getattr(meeting, name)
            if new == old:
                continue
            setattr(meeting, name, new)
            work.log(
                ENTITY_MEETING,
                meeting_id,
                "innkalling",
                f"Endret {DETAIL_FIELDS[name]} for {_lower_first(meeting_title(meeting))}",
                old,
                new,
            )
        if meeting.start_time and meeting.end_time and meeting.end_time <= meeting.start_time:
            raise CaseError(
                f"Møtet kan ikke slutte ({meeting.end_time}) før det begynner ({meeting.start_time})."
            )
        meeting.version += 1
        session.add(meeting)
    session.refresh(meeting)
    return meeting


def _members(session: Session) -> list[Assessor]:
    active = list(session.exec(select(Assessor).where(Assessor.active).order_by(col(Assessor.id))))
    ssu = [a for a in active if "ssu" in a.role.lower() or "samarbeidsutvalg" in a.role.lower()]
    return ssu or active


def _add_members(session: Session, meeting_id: int) -> int:
    present = {
        row.name
        for row in session.exec(select(MeetingAttendance).where(MeetingAttendance.meeting_id == meeting_id))
    }
    position = len(present)
    added = 0
    for member in _members(session):
        if member.name in present:
            continue
        position += 1
        session.add(
            MeetingAttendance(
                meeting_id=meeting_id,
                assessor_id=member.id,
                position=position,
                name=member.name,
                role=member.role,
                organisation=member.organisation,
                status=ATTENDANCE_SUMMONED,
            )
        )
        added += 1
    return added


def summon_members(session: Session, meeting_id: int) -> int:
    """Summon the SSU members from the register who are not yet on the list; returns how many."""
    with change(session) as work:
        meeting = get_meeting(session, meeting_id)
        check_unlocked(meeting)
        added = _add_members(session, meeting_id)
        if added:
            work.log(ENTITY_ATTENDANCE, meeting_id, "innkalt", f"Innkalte {added} medlemmer fra registeret")
    return added


def summon(session: Session, meeting_id: int, *, on: date) -> Meeting:
    """planlagt → innkalt: the innkalling is complete and sent on ``on``; the saksliste is fixed."""
    with change(session) as work:
        meeting = get_meeting(session, meeting_id)
        check_unlocked(meeting)
        if meeting.status != MEETING_PLANNED:
            raise CaseError(
                f"{meeting_title(meeting)} er {MEETING_STATUS_LABELS[meeting.status].lower()}; "
                "innkallingen er allerede sendt."
            )
        cases = meeting_cases(session, meeting_id)
        missing = missing_for_summons(meeting, cases)
        if missing:
            raise CaseError(
                f"Innkallingen til {_lower_first(meeting_title(meeting))} mangler {_and(missing)}."
            )
        _add_members(session, meeting_id)
        for case in cases:
            case.final = True
            session.add(case)
        meeting.final = True
        meeting.status = MEETING_SUMMONED
        meeting.summoned_on = on
        meeting.version += 1
        session.add(meeting)
        work.log(
            ENTITY_MEETING,
            meeting_id,
            "innkalt",
            f"Innkalling sendt {format_date(on)} til {_lower_first(meeting_title(meeting))}",
            MEETING_STATUS_LABELS[MEETING_PLANNED],
            MEETING_STATUS_LABELS[MEETING_SUMMONED],
        )
    session.refresh(meeting)
    return meeting


def mark_held(session: Session, meeting_id: int, *, today: date) -> Meeting:
    """innkalt → avholdt (not before the meeting day): the vedtak can now be recorded."""
    with change(session) as work:
        meeting = get_meeting(session, meeting_id)
        check_unlocked(meeting)
        if meeting.status != MEETING_SUMMONED:
            raise CaseError(
                f"{meeting_title(meeting)} er {MEETING_STATUS_LABELS[meeting.status].lower()}; "
                "bare et innkalt møte kan markeres som avholdt."
            )
        if today < meeting.date:
            raise CaseError(
                f"{meeting_title(meeting)} er ikke holdt ennå (møtedato {format_date(meeting.date)})."
            )
        meeting.status = MEETING_HELD
        meeting.version += 1
        session.add(meeting)
        work.log(
            ENTITY_MEETING,
            meeting_id,
            "avholdt",
            f"{meeting_title(meeting)} er avholdt",
            MEETING_STATUS_LABELS[MEETING_SUMMONED],
            MEETING_STATUS_LABELS[MEETING_HELD],
        )
    session.refresh(meeting)
    return meeting


def step_back(session: Session, meeting_id: int) -> Meeting:
    """Undo the last step before approval: avholdt → innkalt, innkalt → planlagt (saksliste open)."""
    with change(session) as work:
        meeting = get_meeting(session, meeting_id)
        check_unlocked(meeting)
        if meeting.status == MEETING_HELD:
            target = MEETING_SUMMONED
        elif meeting.status == MEETING_SUMMONED:
            target = MEETING_PLANNED
            meeting.final = False
            meeting.summoned_on = None
            for case in meeting_cases(session, meeting_id):
                case.final = False
                session.add(case)
        else:
            raise CaseError(f"{meeting_title(meeting)} er planlagt; det er ingen steg å gå tilbake.")
        before = meeting.status
        meeting.status = target
        meeting.version += 1
        session.add(meeting)
        work.log(
            ENTITY_MEETING,
            meeting_id,
            "tilbake",
            f"{meeting_title(meeting)} satt tilbake til {MEETING_STATUS_LABELS[target].lower()}",
            MEETING_STATUS_LABELS[before],
            MEETING_STATUS_LABELS[target],
        )
    session.refresh(meeting)
    return meeting


def _attendee(session: Session, meeting_id: int, name: str) -> MeetingAttendance:
    wanted = name.strip().lower()
    rows = list(session.exec(select(MeetingAttendance).where(MeetingAttendance.meeting_id == meeting_id)))
    exact = [row for row in rows if row.name.lower() == wanted]
    found = exact or [row for row in rows if wanted and wanted in row.name.lower()]
    if len(found) == 1:
        return found[0]
    if not found:
        names = ", ".join(row.name for row in rows) or "ingen ennå"
        raise CaseError(f"«{name}» er ikke innkalt til møtet (innkalt: {names}).")
    raise CaseError(f"«{name}» passer på flere: {', '.join(row.name for row in found)}. Skriv hele navnet.")


def set_attendance(
    session: Session, meeting_id: int, name: str, status: str, *, substitute_for: str = ""
) -> Attendee:
    """Mark a summoned person møtt, forfall, vara (for ``substitute_for``) or back to innkalt."""
    if status not in ATTENDANCE_LABELS:
        raise CaseError(f"Ukjent oppmøte «{status}» (gyldige: {', '.join(ATTENDANCE_LABELS)}).")
    if status == ATTENDANCE_SUBSTITUTE and not substitute_for.strip():
        raise CaseError("Skriv hvem varamedlemmet møter for.")
    with change(session) as work:
        meeting = get_meeting(session, meeting_id)
        check_unlocked(meeting)
        row = _attendee(session, meeting_id, name)
        old = ATTENDANCE_LABELS.get(row.status, row.status)
        row.status = status
        row.substitute_for = substitute_for.strip() if status == ATTENDANCE_SUBSTITUTE else ""
        session.add(row)
        work.log(
            ENTITY_ATTENDANCE,
            row.id,
            status,
            f"{row.name}: {ATTENDANCE_LABELS[status].lower()} på {_lower_first(meeting_title(meeting))}",
            old,
            ATTENDANCE_LABELS[status],
        )
    return next(a for a in attendance(session, meeting_id) if a.id == row.id)


def add_attendee(
    session: Session,
    meeting_id: int,
    name: str,
    *,
    role: str = "",
    organisation: str = "",
    status: str = ATTENDANCE_SUMMONED,
    substitute_for: str = "",
) -> Attendee:
    """Add a person to the meeting (a substitute, an observer); a register member is linked."""
    name = name.strip()
    if not name:
        raise CaseError("Skriv navnet på den som skal stå på møtet.")
    if status not in ATTENDANCE_LABELS:
        raise CaseError(f"Ukjent oppmøte «{status}» (gyldige: {', '.join(ATTENDANCE_LABELS)}).")
    with change(session) as work:
        meeting = get_meeting(session, meeting_id)
        check_unlocked(meeting)
        rows = list(session.exec(select(MeetingAttendance).where(MeetingAttendance.meeting_id == meeting_id)))
        if any(row.name.lower() == name.lower() for row in rows):
            raise CaseError(f"{name} står allerede på møtet.")
        member = session.exec(select(Assessor).where(Assessor.name == name)).first()
        row = MeetingAttendance(
            meeting_id=meeting_id,
            assessor_id=member.id if member else None,
            position=len(rows) + 1,
            name=name,
            role=role or (member.role if member else ""),
            organisation=organisation or (member.organisation if member else ""),
            status=status,
            substitute_for=substitute_for.strip(),
        )
        session.add(row)
        session.flush()
        work.log(
            ENTITY_ATTENDANCE,
            row.id,
            "ny",
            f"{name} lagt til {_lower_first(meeting_title(meeting))}",
            "",
            name,
        )
    return next(a for a in attendance(session, meeting_id) if a.id == row.id)


def remove_attendee(session: Session, meeting_id: int, name: str) -> None:
    with change(session) as work:
        meeting = get_meeting(session, meeting_id)
        check_unlocked(meeting)
        row = _attendee(session, meeting_id, name)
        session.delete(row)
        work.log(
            ENTITY_ATTENDANCE,
            row.id,
            "slett",
            f"{row.name} fjernet fra {_lower_first(meeting_title(meeting))}",
            row.name,
            "",
        )


def schedule_case(session: Session, case_id: int, meeting_id: int) -> Case:
    """Put a waiting (postponed) case first on a planned meeting's saksliste; it keeps its number."""
    from rsapp.saksfremlegg.records import ENTITY_CASE, case_label, get_case

    with change(session) as work:
        case = get_case(session, case_id)
        if case.meeting_id is not None:
            raise CaseError(f"{case_label(case)} står allerede på et møte.")
        meeting = get_meeting(session, meeting_id)
        check_unlocked(meeting)
        if meeting.status != MEETING_PLANNED:
            raise CaseError(f"{meeting_title(meeting)} er innkalt; sakslisten kan ikke endres.")
        listed = meeting_cases(session, meeting_id)
        later = [c for c in listed if c.number < case.number and c.year == case.year]
        if later:
            raise CaseError(
                f"{case_label(case)} kan ikke stå først: sak {format_case_number(later[0].number, later[0].year)} "
                "har lavere nummer."
            )
        for position, other in enumerate(listed, start=2):
            other.position = position
            session.add(other)
        case.meeting_id = meeting_id
        case.position = 1
        case.final = True  # it keeps the number it was given
        session.add(case)
        work.log(
            ENTITY_CASE,
            case_id,
            "saksliste",
            f"{case_label(case)} satt på {_lower_first(meeting_title(meeting))}",
            "",
            meeting_title(meeting),
            round_id=case.round_id,
        )
    session.refresh(case)
    return case


def _and(items: Sequence[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " og " + items[-1]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]
