"""Meetings, their saksliste and the innstilling points: the names of the modules split from here.

The work lives in :mod:`rsapp.saksfremlegg.meetings`, :mod:`rsapp.saksfremlegg.saksliste`,
:mod:`rsapp.saksfremlegg.points` and :mod:`rsapp.saksfremlegg.records`; new code imports
those. This module keeps the old names for ``drafting.py`` (which moves onto them on its own)
and for the benchmarks, and holds no logic of its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlmodel import Session

from rsapp.models import Case, Meeting
from rsapp.saksfremlegg.meetings import (
    MeetingSummary,
    create_meeting,
    default_meeting_date,
    delete_meeting,
    list_meetings,
    meetings_on,
    parse_meeting_date,
    set_meeting_final,
)
from rsapp.saksfremlegg.numbering import CaseNumberError
from rsapp.saksfremlegg.points import (
    add_point,
    case_points,
    delete_point,
    move_point,
    reorder_points,
    update_point,
)
from rsapp.saksfremlegg.records import (
    CaseError,
    case_label,
    change,
    editable_case,
    find_case,
    get_case,
    get_meeting,
    meeting_title,
)
from rsapp.saksfremlegg.saksliste import (
    add_case,
    add_orientation_case,
    add_standing_cases,
    delete_case,
    meeting_cases,
    move_case,
    new_case,
    proposed_number,
    reorder_cases,
    set_case_number,
    update_case,
)
from rsapp.store.unit_of_work import UnitOfWork
from rsapp.vocab import CASE_KIND_ANY_OTHER_BUSINESS as KIND_EVENTUELT
from rsapp.vocab import CASE_KIND_ORIENTATION as KIND_ORIENTERING
from rsapp.vocab import CASE_KIND_ORIENTATIONS as KIND_ORIENTERINGER
from rsapp.vocab import CASE_KIND_OTHER as KIND_OTHER
from rsapp.vocab import CASE_KIND_PRIORITISATION as KIND_PRIORITISATION
from rsapp.vocab import (
    CASE_KINDS,
    DEFAULT_UTVALG,
    ORIENTATION_POINT,
    STANDING_KINDS,
)
from rsapp.vocab import CASE_TYPE_DECISION as TYPE_DECISION
from rsapp.vocab import CASE_TYPE_ORIENTATION as TYPE_ORIENTATION

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
    "find_case",
    "get_case",
    "get_meeting",
    "list_meetings",
    "meeting_cases",
    "meeting_title",
    "meetings_on",
    "move_case",
    "move_point",
    "parse_meeting_date",
    "proposed_number",
    "reorder_cases",
    "reorder_points",
    "set_case_number",
    "set_meeting_final",
    "update_case",
    "update_point",
]

# Old private names drafting.py still imports.
_editable_case = editable_case


@contextmanager
def _transaction(session: Session) -> Iterator[UnitOfWork]:
    with change(session) as work:
        yield work


def _new_case(session: Session, meeting: Meeting, **fields: object) -> Case:
    """:func:`rsapp.saksfremlegg.saksliste.new_case` for a caller inside ``_transaction``."""
    return new_case(UnitOfWork(session), meeting, **fields)  # type: ignore[arg-type]
