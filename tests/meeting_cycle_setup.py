"""The week-43 meeting as the tests after the meeting need it: members in the register, the
meeting with its prioritisation case and standing cases, the innkalling sent, the meeting held."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from rsapp.assessment.changes import add_assessor
from rsapp.models import Round
from rsapp.saksfremlegg import meeting_life, meetings
from rsapp.saksfremlegg.drafting import create_prioritisation_case
from rsapp.saksfremlegg.saksliste import add_orientation_case, add_standing_cases, meeting_cases

MEMBERS = [
    "Kari Nordmann",
    "Ola Hansen",
    "Per Olsen",
    "Anne Berg",
    "Liv Dahl",
    "Tor Moen",
    "Eva Lie",
    "Siri Holm",
]
MEETING_DAY = date(2025, 10, 20)


@dataclass(frozen=True, slots=True)
class Week43:
    round_id: int
    meeting_id: int
    prioritisation: int  # case id of sak 28-2025
    orienteringer: int  # 29-2025
    eventuelt: int  # 30-2025 (31-2025 with ``orientation``)
    orientation: int | None = None  # 29-2025 "Orientering fra FSU" when asked for


def week_43(session: Session, *, held: bool = True, orientation: bool = False) -> Week43:
    round_ = session.exec(select(Round).where(Round.key == "helgeland-2026")).one()
    for name in MEMBERS:
        add_assessor(session, name, "SSU-medlem", "Helgeland")
    meeting = meetings.create_meeting(
        session, on=MEETING_DAY, extraordinary=True, helsefellesskap_id=round_.helsefellesskap_id
    )
    case = create_prioritisation_case(session, meeting.id, round_.id)
    extra = (
        add_orientation_case(session, meeting.id, "Orientering fra FSU", text="Status fra FSU.").id
        if orientation
        else None
    )
    add_standing_cases(session, meeting.id)
    meeting_life.set_details(
        session,
        meeting.id,
        start_time="09:00",
        end_time="12:00",
        place="Teams",
        chair="Kari Nordmann",
        secretary="Sekretariatet",
        forfall_to="post@helsefellesskap.no",
    )
    cases = [c for c in meeting_cases(session, meeting.id) if c.id != extra]
    result = Week43(round_.id, meeting.id, case.id, cases[1].id, cases[2].id, extra)
    if held:
        meeting_life.summon(session, meeting.id, on=date(2025, 10, 10))
        meeting_life.mark_held(session, meeting.id, today=MEETING_DAY)
        for name in MEMBERS[:7]:
            meeting_life.set_attendance(session, meeting.id, name, "møtt")
        meeting_life.set_attendance(session, meeting.id, MEMBERS[7], "forfall")
    return result
