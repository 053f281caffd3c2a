"""What meetings, the saksliste and the innstilling points share: the error, the change, lookups.

* :class:`CaseError` — a meeting or case operation that cannot be done (Norwegian message);
* :func:`change` — one unit of work (:mod:`rsapp.store.unit_of_work`) in which a number clash
  the database refuses becomes a :class:`~rsapp.saksfremlegg.numbering.CaseNumberError`;
* lookups that name what is missing (:func:`get_meeting`, :func:`get_case`, :func:`find_case`,
  :func:`get_point`), the labels (:func:`meeting_title`, :func:`case_label`) and what the
  change log writes about a meeting or a case.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlmodel import Session

# The records the saksfremlegg functions take and return, for callers that annotate them
# (screens do not import the tables themselves).
from rsapp.models import Case as Case
from rsapp.models import InnstillingPoint as InnstillingPoint
from rsapp.models import Meeting as Meeting
from rsapp.saksfremlegg.numbering import CaseNumberError, format_case_number, parse_case_number
from rsapp.store import queries
from rsapp.store.unit_of_work import UnitOfWork, unit_of_work

__all__ = [
    "ENTITY_CASE",
    "Case",
    "InnstillingPoint",
    "Meeting",
    "ENTITY_MEETING",
    "ENTITY_POINT",
    "CaseError",
    "case_label",
    "change",
    "editable_case",
    "find_case",
    "get_case",
    "get_meeting",
    "get_point",
    "meeting_title",
]

#: The change log's names for what changed.
ENTITY_MEETING = "meeting"
ENTITY_CASE = "case"
ENTITY_POINT = "innstillingspunkt"


class CaseError(ValueError):
    """A meeting or case operation that cannot be done (Norwegian message)."""


#: What the database says when a change touches a meeting whose protokoll is approved (0006).
LOCKED_MESSAGE = "Protokollen for møtet er godkjent og låst"


@contextmanager
def change(session: Session) -> Iterator[UnitOfWork]:
    """One unit of work; a case number the database finds used twice is a CaseNumberError, and a
    change the database refuses because the meeting is locked (approved protokoll) a CaseError."""
    try:
        with unit_of_work(session) as work:
            yield work
    except DBAPIError as exc:
        if LOCKED_MESSAGE in str(exc):
            raise CaseError(
                f"{LOCKED_MESSAGE}: møtet, sakene, innstillingene og vedtakene kan ikke endres."
            ) from exc
        if not isinstance(exc, IntegrityError):
            raise
        raise CaseNumberError(
            "Endringen ble avvist av databasen: et saksnummer er allerede brukt i året. Prøv igjen."
        ) from exc


# --- labels -------------------------------------------------------------------------------------


def meeting_title(meeting: Meeting) -> str:
    """ "Ekstraordinært møte i Strategisk samarbeidsutvalg 20.10.2025"."""
    from rsapp.dates import format_date

    kind = "Ekstraordinært møte" if meeting.extraordinary else "Møte"
    return f"{kind} i {meeting.utvalg} {format_date(meeting.date)}"


def case_label(case: Case) -> str:
    """ "Sak 28-2025: Eventuelt"."""
    return f"Sak {format_case_number(case.number, case.year)}: {case.title}"


# --- lookups ------------------------------------------------------------------------------------


def get_meeting(session: Session, meeting_id: int) -> Meeting:
    meeting = queries.meeting(session, meeting_id)
    if meeting is None:
        raise CaseError(f"Fant ikke møte med id {meeting_id}.")
    return meeting


def get_case(session: Session, case_id: int) -> Case:
    case = queries.case(session, case_id)
    if case is None:
        raise CaseError(f"Fant ikke sak med id {case_id}.")
    return case


def find_case(session: Session, text: str) -> Case:
    """A case by "28-2025" / "28/2025" or by its id ("7")."""
    text = text.strip()
    if text.isdigit():
        return get_case(session, int(text))
    number, year = parse_case_number(text)
    case = queries.case_by_number(session, number, year)
    if case is None:
        raise CaseError(f"Fant ingen sak {format_case_number(number, year)}.")
    return case


def get_point(session: Session, point_id: int) -> InnstillingPoint:
    point = queries.point(session, point_id)
    if point is None:
        raise CaseError(f"Fant ikke innstillingspunkt med id {point_id}.")
    return point


def editable_case(session: Session, case_id: int) -> Case:
    """The case, if its innstilling may still change (not final)."""
    case = get_case(session, case_id)
    if case.final:
        raise CaseError(f"{case_label(case)} er endelig; innstillingen kan ikke endres.")
    return case
