"""Meetings of the SSU: reading them, the meeting date, creating, finalising and deleting.

Every change is one unit of work (:func:`rsapp.saksfremlegg.records.change`) and goes to the
change log (who, when, old → new). Errors carry Norwegian messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Protocol

from sqlmodel import Session

from rsapp.models import Meeting
from rsapp.saksfremlegg.records import ENTITY_MEETING, CaseError, change, get_meeting, meeting_title
from rsapp.saksfremlegg.saksliste import (
    SakslisteRow,
    add_standing,
    meeting_cases,
    remove_case_rows,
    saksliste_view,
)
from rsapp.store import queries
from rsapp.vocab import DEFAULT_UTVALG, WEEKDAYS, final_label

if TYPE_CHECKING:
    from rsapp.store.read_model import RoundInfo

__all__ = [
    "MeetingRound",
    "MeetingSummary",
    "MeetingsOverview",
    "NewMeeting",
    "RoundDates",
    "create_meeting",
    "default_meeting_date",
    "delete_meeting",
    "describe_meeting_date",
    "list_meetings",
    "meeting_round",
    "meeting_round_of",
    "meetings_on",
    "meetings_overview",
    "new_meeting",
    "parse_meeting_date",
    "set_meeting_final",
]


@dataclass(slots=True)
class MeetingSummary:
    meeting: Meeting
    cases: int

    @property
    def title(self) -> str:
        return meeting_title(self.meeting)


# --- reading ------------------------------------------------------------------------------------


def list_meetings(session: Session) -> list[MeetingSummary]:
    """Every meeting, newest first, with its number of cases."""
    counts = queries.meeting_case_counts(session)
    return [MeetingSummary(m, counts.get(m.id or 0, 0)) for m in queries.meetings_newest_first(session)]


@dataclass(slots=True)
class MeetingsOverview:
    """Every meeting, and the saksliste of the one shown (``meeting_id``; None: no meetings)."""

    meetings: list[MeetingSummary]
    meeting_id: int | None
    saksliste_title: str = "Saksliste"
    saksliste: list[SakslisteRow] = field(default_factory=list)


def meetings_overview(session: Session, wanted: int | None = None) -> MeetingsOverview:
    """The meetings screen at once: every meeting and the saksliste of ``wanted`` (else the newest)."""
    summaries = list_meetings(session)
    ids = [item.meeting.id for item in summaries]
    meeting_id = wanted if wanted in ids else (ids[0] if ids else None)
    if meeting_id is None:
        return MeetingsOverview(summaries, None)
    view = saksliste_view(session, meeting_id)
    return MeetingsOverview(summaries, meeting_id, view.title, view.rows)


def meetings_on(session: Session, on: date, *, utvalg: str | None = None) -> list[Meeting]:
    """Meetings already held on ``on`` (of ``utvalg`` when given), to warn before adding another."""
    return queries.meetings_on(session, on, utvalg=utvalg)


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


def describe_meeting_date(session: Session, text: str, year: int) -> str:
    """What the meeting form says under the date as the user types: the weekday and date, and a
    warning when a meeting is already held that day; or why the text is not a date."""
    from rsapp.dates import format_date

    try:
        on = parse_meeting_date(text, year)
    except CaseError as exc:
        return str(exc)
    line = f"{WEEKDAYS[on.weekday()]} {format_date(on)}"
    others = meetings_on(session, on)
    if others:
        line += f" · ⚠ det finnes allerede {meeting_title(others[0]).lower()}"
    return line


class RoundDates(Protocol):
    """What sets a round's meeting day (a :class:`~rsapp.models.Round` or a ``RoundInfo``)."""

    @property
    def year(self) -> int: ...
    @property
    def meeting_date(self) -> date | None: ...
    @property
    def meeting_week(self) -> int | None: ...
    @property
    def deadline_helsefellesskap(self) -> date | None: ...
    @property
    def deadline_helse_nord(self) -> date | None: ...


def default_meeting_date(round_: RoundDates) -> date:
    """The round's meeting date, else Monday of its meeting week (43) in the deadline's year.

    Helgeland 2026: deadline 01.10.2025, week 43 -> 20.10.2025.
    """
    from rsapp.dates import week_monday

    if round_.meeting_date is not None:
        return round_.meeting_date
    deadline = round_.deadline_helsefellesskap or round_.deadline_helse_nord
    year = deadline.year if deadline is not None else round_.year - 1
    return week_monday(year, round_.meeting_week or 43)


@dataclass(frozen=True, slots=True)
class MeetingRound:
    """The round the meetings screen works for: its line on the screen, its meeting day (the
    default date of a new meeting) and its helsefellesskap. ``round_id`` None: no round."""

    round_id: int | None
    label: str
    meeting_date: date | None
    helsefellesskap_id: int | None


def meeting_round_of(info: RoundInfo | None, pot_line: str = "") -> MeetingRound:
    """:class:`MeetingRound` from a round already read and its pot line (no database access)."""
    from rsapp.dates import format_date

    if info is None:
        return MeetingRound(None, "Ingen runde valgt: prioriteringssaken kan ikke lages.", None, None)
    day = default_meeting_date(info)
    label = f"{info.name} · møteuke {info.meeting_week or 43} ({format_date(day)})"
    if pot_line:
        label += f" · {pot_line}"
    return MeetingRound(info.id, label, day, info.helsefellesskap_id or None)


def meeting_round(session: Session, round_id: int | None) -> MeetingRound:
    """:class:`MeetingRound` for ``round_id`` (None: the default round), read from the database."""
    from rsapp.portfolio import default_round, pot_header, round_allocation, rounds

    info = (
        default_round(session)
        if round_id is None
        else next((r for r in rounds(session) if r.id == round_id), None)
    )
    if info is None:
        return meeting_round_of(None)
    return meeting_round_of(info, pot_header(round_allocation(session, info.id)))


# --- changing -----------------------------------------------------------------------------------


@dataclass(slots=True)
class NewMeeting:
    """A meeting just created, and the meetings already held that day (to warn about)."""

    meeting: Meeting
    same_day: list[Meeting]


def new_meeting(
    session: Session,
    date_text: str,
    *,
    week_year: int,
    utvalg: str = DEFAULT_UTVALG,
    extraordinary: bool = False,
    place: str = "",
    helsefellesskap_id: int | None = None,
    standing_cases: bool = False,
) -> NewMeeting:
    """A meeting on the date as the user typed it ("20.10.2025", "uke 43": a week in ``week_year``)."""
    on = parse_meeting_date(date_text, week_year)
    same_day = meetings_on(session, on)
    meeting = create_meeting(
        session,
        on=on,
        utvalg=utvalg,
        extraordinary=extraordinary,
        place=place,
        helsefellesskap_id=helsefellesskap_id,
        standing_cases=standing_cases,
    )
    return NewMeeting(meeting, same_day)


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
    with change(session) as work:
        meeting = Meeting(
            utvalg=utvalg.strip(),
            date=on,
            extraordinary=extraordinary,
            place=place.strip(),
            helsefellesskap_id=helsefellesskap_id,
        )
        session.add(meeting)
        session.flush()
        title = meeting_title(meeting)
        where = f" ({meeting.place})" if meeting.place else ""
        work.log(ENTITY_MEETING, meeting.id, "ny", f"Opprettet {title}{where}", "", f"{title}{where}")
        if standing_cases:
            add_standing(work, meeting)
    session.refresh(meeting)
    return meeting


def set_meeting_final(session: Session, meeting_id: int, final: bool = True) -> Meeting:
    """Mark the meeting (and every case on it) final, or back to draft; final sakslister keep their numbers."""
    with change(session) as work:
        meeting = get_meeting(session, meeting_id)
        if not final and meeting.status != "planlagt":
            # Sent, held or approved: the saksliste went out with the innkalling (meeting_life.step_back).
            raise CaseError(
                f"{meeting_title(meeting)} er {meeting.status}; sakslisten kan bare åpnes igjen ved å gå tilbake "
                "i møtets gang (tilbake til planlagt)."
            )
        before = meeting.final
        meeting.final = final
        for case in meeting_cases(session, meeting_id):
            case.final = final
            session.add(case)
        session.add(meeting)
        if before != final:
            state = "endelig" if final else "tilbake til utkast"
            work.log(
                ENTITY_MEETING,
                meeting_id,
                "endelig" if final else "utkast",
                f"{meeting_title(meeting)} satt {state}",
                final_label(before),
                final_label(final),
            )
    session.refresh(meeting)
    return meeting


def delete_meeting(session: Session, meeting_id: int) -> None:
    """Delete a draft meeting with its cases and their points."""
    from rsapp.saksfremlegg.records import case_label

    with change(session) as work:
        meeting = get_meeting(session, meeting_id)
        if meeting.final:
            raise CaseError(f"{meeting_title(meeting)} er endelig og kan ikke slettes.")
        title = meeting_title(meeting)
        listed = meeting_cases(session, meeting_id)
        old = "\n".join([title, *(case_label(case) for case in listed)])
        for case in listed:
            remove_case_rows(session, case)
        session.delete(meeting)
        count = "1 sak" if len(listed) == 1 else f"{len(listed)} saker"
        work.log(ENTITY_MEETING, meeting_id, "slett", f"Slettet {title} med {count}", old, "")
