"""The innstilling points of a case: add, edit, delete and reorder.

Every change is one unit of work (:func:`rsapp.saksfremlegg.records.change`) and goes to the
change log (who, when, old → new). Deleting a generated point records its source in
``Case.dropped_sources`` so that regeneration asks before bringing it back. A final case's
innstilling cannot change. Errors carry Norwegian messages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm.attributes import flag_modified
from sqlmodel import Session

from rsapp.models import Case, InnstillingPoint, Meeting
from rsapp.saksfremlegg.records import (
    ENTITY_POINT,
    CaseError,
    case_label,
    change,
    editable_case,
    get_case,
    get_meeting,
    get_point,
)
from rsapp.store import queries

__all__ = [
    "CaseView",
    "add_point",
    "case_points",
    "case_view",
    "delete_point",
    "move_point",
    "reorder_points",
    "update_point",
]


def case_points(session: Session, case_id: int) -> list[InnstillingPoint]:
    """The case's innstilling points, in order."""
    return queries.case_points(session, case_id)


@dataclass(slots=True)
class CaseView:
    """A case with its meeting (None when it has none) and its innstilling points, in order."""

    case: Case
    meeting: Meeting | None
    points: list[InnstillingPoint]


def case_view(session: Session, case_id: int) -> CaseView:
    case = get_case(session, case_id)
    meeting = get_meeting(session, case.meeting_id) if case.meeting_id is not None else None
    return CaseView(case, meeting, case_points(session, case_id))


def _point_id(point: InnstillingPoint) -> int:
    assert point.id is not None, "a stored point has an id"
    return point.id


def _write_point_positions(session: Session, points: list[InnstillingPoint]) -> None:
    for position, point in enumerate(points, start=1):
        if point.position != position:
            point.position = position
            session.add(point)


def _numbered(points: Sequence[InnstillingPoint]) -> str:
    return "\n".join(f"{n}. {point.text}" for n, point in enumerate(points, start=1))


def add_point(session: Session, case_id: int, text: str, *, position: int | None = None) -> InnstillingPoint:
    """A new point written by the user (no source in data); ``position`` is 1-based, default last."""
    if not text.strip():
        raise CaseError("Et innstillingspunkt kan ikke være tomt.")
    with change(session) as work:
        case = editable_case(session, case_id)
        points = case_points(session, case_id)
        point = InnstillingPoint(case_id=case_id, text=text.strip())
        index = len(points) if position is None else min(max(position - 1, 0), len(points))
        points.insert(index, point)
        session.add(point)
        _write_point_positions(session, points)
        point.position = index + 1
        session.flush()
        work.log(
            ENTITY_POINT,
            point.id,
            "ny",
            f"Nytt punkt {index + 1} i innstillingen til {case_label(case)}",
            "",
            point.text,
            round_id=case.round_id,
        )
    session.refresh(point)
    return point


def update_point(session: Session, point_id: int, text: str) -> InnstillingPoint:
    """Change a point's text. Its generated text is kept, so regeneration sees the edit."""
    if not text.strip():
        raise CaseError("Et innstillingspunkt kan ikke være tomt; slett punktet i stedet.")
    with change(session) as work:
        point = get_point(session, point_id)
        case = editable_case(session, point.case_id)
        old, new = point.text, text.strip()
        if new != old:
            point.text = new
            session.add(point)
            work.log(
                ENTITY_POINT,
                point_id,
                "endre",
                f"Endret punkt {point.position} i innstillingen til {case_label(case)}",
                old,
                new,
                round_id=case.round_id,
            )
    session.refresh(point)
    return point


def delete_point(session: Session, point_id: int) -> None:
    """Delete a point; a generated one is remembered, so regeneration asks before restoring it."""
    with change(session) as work:
        point = get_point(session, point_id)
        case = editable_case(session, point.case_id)
        case_id, old, position = point.case_id, point.text, point.position
        if point.source_key and point.source_key not in case.dropped_sources:
            case.dropped_sources = [*case.dropped_sources, point.source_key]
            flag_modified(case, "dropped_sources")
            session.add(case)
        session.delete(point)
        session.flush()
        _write_point_positions(session, case_points(session, case_id))
        work.log(
            ENTITY_POINT,
            point_id,
            "slett",
            f"Slettet punkt {position} i innstillingen til {case_label(case)}",
            old,
            "",
            round_id=case.round_id,
        )


def reorder_points(session: Session, case_id: int, point_ids: Sequence[int]) -> list[InnstillingPoint]:
    """Put the case's points in ``point_ids`` order (numbered 1..n)."""
    with change(session) as work:
        case = editable_case(session, case_id)
        listed = case_points(session, case_id)
        points = {_point_id(point): point for point in listed}
        if len(point_ids) != len(points) or set(point_ids) != set(points):
            raise CaseError("Den nye rekkefølgen må inneholde nøyaktig punktene i innstillingen.")
        ordered = [points[point_id] for point_id in point_ids]
        if [_point_id(p) for p in ordered] != [_point_id(p) for p in listed]:
            _write_point_positions(session, ordered)
            work.log(
                ENTITY_POINT,
                None,
                "rekkefølge",
                f"Ny rekkefølge i innstillingen til {case_label(case)}",
                _numbered(listed),
                _numbered(ordered),
                round_id=case.round_id,
            )
    return case_points(session, case_id)


def move_point(session: Session, point_id: int, new_position: int) -> list[InnstillingPoint]:
    """Move a point to 1-based ``new_position`` (clamped)."""
    point = get_point(session, point_id)
    ids = [_point_id(p) for p in case_points(session, point.case_id)]
    ids.remove(point_id)
    ids.insert(min(max(new_position - 1, 0), len(ids)), point_id)
    return reorder_points(session, point.case_id, ids)
