"""The ORM reads: meetings, cases, points, rounds and one application with its lines.

Small functions over a SQLModel ``Session`` that return model objects (or ``None`` when a row
does not exist: the caller names what is missing in its own words). The domain modules
(``rsapp.saksfremlegg``, ``rsapp.portfolio``) build on these; screens and the CLI call the
domain functions, never these with a session of their own. Nothing here writes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

from rsapp.models import (
    Application,
    BudgetLine,
    Case,
    Earmark,
    FieldSource,
    Helsefellesskap,
    InnstillingPoint,
    Meeting,
    RegisteredCaseNumber,
    Round,
)

__all__ = [
    "ApplicationRecord",
    "YearCase",
    "application_record",
    "case",
    "case_by_number",
    "case_numbers",
    "case_points",
    "cases_in_year",
    "cases_with_meetings",
    "earmark_sources",
    "helsefellesskap",
    "meeting",
    "meeting_case_counts",
    "meeting_cases",
    "meetings_newest_first",
    "meetings_on",
    "point",
    "point_counts",
    "points_of_cases",
    "round_case",
    "round_record",
]


# --- rounds and applications --------------------------------------------------------------------


def round_record(session: Session, round_id: int) -> Round | None:
    return session.get(Round, round_id)


def earmark_sources(session: Session, round_id: int) -> dict[int, str]:
    """Earmark id -> the case that decided it ("Sak 23-2025, innstilling 4"), for one round."""
    rows = session.exec(select(Earmark.id, Earmark.source_case).where(Earmark.round_id == round_id)).all()
    return {int(earmark_id): source or "" for earmark_id, source in rows if earmark_id is not None}


def helsefellesskap(session: Session, helsefellesskap_id: int) -> Helsefellesskap | None:
    return session.get(Helsefellesskap, helsefellesskap_id)


@dataclass(slots=True)
class ApplicationRecord:
    application: Application
    budget_lines: list[BudgetLine]
    sources: list[FieldSource]


def application_record(session: Session, application_id: int) -> ApplicationRecord | None:
    """One application with its budget lines (in order) and the recorded source of each field."""
    app = session.get(Application, application_id)
    if app is None:
        return None
    lines = session.exec(
        select(BudgetLine)
        .where(BudgetLine.application_id == application_id)
        .order_by(col(BudgetLine.position), col(BudgetLine.id))
    ).all()
    sources = session.exec(
        select(FieldSource).where(FieldSource.application_id == application_id).order_by(col(FieldSource.id))
    ).all()
    return ApplicationRecord(app, list(lines), list(sources))


# --- meetings -----------------------------------------------------------------------------------


def meeting(session: Session, meeting_id: int) -> Meeting | None:
    return session.get(Meeting, meeting_id)


def meetings_newest_first(session: Session) -> list[Meeting]:
    return list(session.exec(select(Meeting).order_by(col(Meeting.date).desc(), col(Meeting.id).desc())))


def meeting_case_counts(session: Session) -> dict[int, int]:
    """Meeting id -> number of cases on its saksliste (one grouped statement)."""
    rows = session.exec(
        select(Case.meeting_id, func.count())
        .where(col(Case.meeting_id).is_not(None))
        .group_by(col(Case.meeting_id))
    ).all()
    return {meeting_id: count for meeting_id, count in rows if meeting_id is not None}


def meetings_on(session: Session, on: date, *, utvalg: str | None = None) -> list[Meeting]:
    query = select(Meeting).where(Meeting.date == on)
    if utvalg is not None:
        query = query.where(Meeting.utvalg == utvalg)
    return list(session.exec(query.order_by(col(Meeting.id))))


# --- cases --------------------------------------------------------------------------------------


def case(session: Session, case_id: int) -> Case | None:
    return session.get(Case, case_id)


def meeting_cases(session: Session, meeting_id: int) -> list[Case]:
    """The meeting's saksliste, in order."""
    return list(
        session.exec(
            select(Case).where(Case.meeting_id == meeting_id).order_by(col(Case.position), col(Case.number))
        )
    )


def case_numbers(session: Session, year: int) -> dict[int, str]:
    """Every number used in ``year`` -> the title of the case that holds it (numbers used before
    rsapp, registered in ``registered_case_number``, count as used)."""
    used = dict(
        session.exec(
            select(RegisteredCaseNumber.number, RegisteredCaseNumber.title).where(
                RegisteredCaseNumber.year == year
            )
        ).all()
    )
    used.update(session.exec(select(Case.number, Case.title).where(Case.year == year)).all())
    return used


def case_by_number(session: Session, number: int, year: int) -> Case | None:
    return session.exec(select(Case).where(Case.year == year, Case.number == number)).first()


@dataclass(frozen=True, slots=True)
class YearCase:
    """A case of the year with what numbering needs to know about it and its meeting."""

    number: int
    final: bool
    meeting_date: date | None
    meeting_id: int | None


def cases_in_year(session: Session, year: int) -> list[YearCase]:
    rows = session.exec(
        select(col(Case.number), col(Case.final), col(Meeting.date), col(Meeting.id))
        .join(Meeting, col(Meeting.id) == col(Case.meeting_id), isouter=True)
        .where(Case.year == year)
    ).all()
    # Numbers used before rsapp (registered by hand or in the built-in history) are final.
    registered = session.exec(
        select(col(RegisteredCaseNumber.number), col(RegisteredCaseNumber.meeting_date)).where(
            RegisteredCaseNumber.year == year
        )
    ).all()
    return [YearCase(number, bool(final), on, meeting_id) for number, final, on, meeting_id in rows] + [
        YearCase(number, True, on, None) for number, on in registered
    ]


def round_case(session: Session, meeting_id: int, round_id: int, kind: str) -> Case | None:
    """The meeting's case of ``kind`` for the round (e.g. its prioritisation case), if any."""
    return session.exec(
        select(Case)
        .where(Case.meeting_id == meeting_id, Case.round_id == round_id, Case.kind == kind)
        .order_by(col(Case.id))
    ).first()


def cases_with_meetings(session: Session, meeting_id: int | None = None) -> list[tuple[Case, Meeting]]:
    """Every case on a meeting (or on one meeting), by meeting date and saksliste order."""
    query = select(Case, Meeting).join(Meeting, col(Meeting.id) == col(Case.meeting_id))
    if meeting_id is not None:
        query = query.where(Case.meeting_id == meeting_id)
    return [(c, m) for c, m in session.exec(query.order_by(col(Meeting.date), col(Case.position))).all()]


# --- innstilling points -------------------------------------------------------------------------


def point(session: Session, point_id: int) -> InnstillingPoint | None:
    return session.get(InnstillingPoint, point_id)


def case_points(session: Session, case_id: int) -> list[InnstillingPoint]:
    """The case's innstilling points, in order."""
    return list(
        session.exec(
            select(InnstillingPoint)
            .where(InnstillingPoint.case_id == case_id)
            .order_by(col(InnstillingPoint.position), col(InnstillingPoint.id))
        )
    )


def points_of_cases(session: Session, case_ids: Iterable[int]) -> dict[int, list[InnstillingPoint]]:
    """Case id -> its innstilling points in order (one statement; [] for none)."""
    ids = list(case_ids)
    out: dict[int, list[InnstillingPoint]] = {case_id: [] for case_id in ids}
    if ids:
        for found in session.exec(
            select(InnstillingPoint)
            .where(col(InnstillingPoint.case_id).in_(ids))
            .order_by(col(InnstillingPoint.position), col(InnstillingPoint.id))
        ):
            out[found.case_id].append(found)
    return out


def point_counts(session: Session, case_ids: Iterable[int]) -> dict[int, int]:
    """Case id -> number of innstilling points (one grouped statement; 0 for none)."""
    ids = list(case_ids)
    counts = dict.fromkeys(ids, 0)
    if ids:
        rows = session.exec(
            select(InnstillingPoint.case_id, func.count())
            .where(col(InnstillingPoint.case_id).in_(ids))
            .group_by(col(InnstillingPoint.case_id))
        ).all()
        counts.update(dict(rows))
    return counts
