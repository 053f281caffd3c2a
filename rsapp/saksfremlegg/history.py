"""Case numbers used before rsapp kept the year's cases, so that numbering continues the year.

SSU's meeting of 09.09.2025 used sak 23-2025 … 27-2025 (the built-in history,
``data/history/*.toml``); the first case rsapp numbers in 2025 is therefore 28-2025. Earlier
numbers are registered by hand (``rsapp sak historikk registrer 12-2025 "Tittel"``). A
registered number counts as used and final (:func:`rsapp.store.queries.case_numbers`,
:func:`rsapp.store.queries.cases_in_year`): it is never given again, and new cases are
numbered above it. Every change is one unit of work and goes to the change log.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from rsapp.models import Case, RegisteredCaseNumber
from rsapp.saksfremlegg.numbering import (
    CaseNumberError,
    format_case_number,
    next_free_number,
    parse_case_number,
)
from rsapp.saksfremlegg.records import CaseError, change
from rsapp.store import queries
from rsapp.vocab import DEFAULT_UTVALG

__all__ = [
    "ENTITY_HISTORY",
    "HistoryLine",
    "delete_registered",
    "history_lines",
    "load_builtin_history",
    "next_number",
    "register_case_number",
]

#: The change log's name for a registered number.
ENTITY_HISTORY = "saksnummer_historikk"


@dataclass(frozen=True, slots=True)
class HistoryLine:
    """A registered number as lists show it."""

    id: int
    number: str  # "24-2025"
    written: str  # as the document wrote it ("24/2025")
    title: str
    utvalg: str
    meeting_date: date | None
    source: str


def history_lines(session: Session, year: int | None = None) -> list[HistoryLine]:
    """The registered numbers (of ``year``), by year and number."""
    query = select(RegisteredCaseNumber)
    if year is not None:
        query = query.where(RegisteredCaseNumber.year == year)
    rows = session.exec(
        query.order_by(
            col(RegisteredCaseNumber.year), col(RegisteredCaseNumber.number), col(RegisteredCaseNumber.id)
        )
    ).all()
    return [
        HistoryLine(
            id=int(row.id or 0),
            number=format_case_number(row.number, row.year),
            written=row.written,
            title=row.title,
            utvalg=row.utvalg,
            meeting_date=row.meeting_date,
            source=row.source,
        )
        for row in rows
    ]


def next_number(session: Session, year: int) -> str:
    """The number a new case gets in ``year`` when nothing else is on the saksliste ("28-2025")."""
    used = queries.case_numbers(session, year)
    bound = max(used, default=0)
    return format_case_number(next_free_number(used, bound), year)


def register_case_number(
    session: Session,
    text: str,
    title: str,
    *,
    meeting_date: date | None = None,
    utvalg: str = DEFAULT_UTVALG,
    source: str = "registrert for hånd",
) -> HistoryLine:
    """Register a number used before rsapp ("12-2025", "12/2025"); refused when it is in use."""
    number, year = parse_case_number(text)
    title = (title or "").strip()
    if not title:
        raise CaseError(f"Skriv tittelen på sak {format_case_number(number, year)}.")
    if meeting_date is not None and meeting_date.year != year:
        raise CaseNumberError(
            f"Sak {format_case_number(number, year)} hører til {year}, men møtedatoen er i {meeting_date.year}."
        )
    with change(session) as work:
        case = session.exec(select(Case).where(Case.year == year, Case.number == number)).first()
        if case is not None:
            raise CaseNumberError(
                f"Saksnummer {format_case_number(number, year)} er allerede brukt av sak «{case.title}» i rsapp."
            )
        earlier = session.exec(
            select(RegisteredCaseNumber).where(
                RegisteredCaseNumber.year == year, RegisteredCaseNumber.number == number
            )
        ).first()
        if earlier is not None:
            raise CaseNumberError(
                f"Saksnummer {format_case_number(number, year)} er allerede registrert («{earlier.title}»)."
            )
        row = RegisteredCaseNumber(
            year=year,
            number=number,
            title=title,
            written=text.strip(),
            utvalg=utvalg.strip() or DEFAULT_UTVALG,
            meeting_date=meeting_date,
            source=source,
        )
        session.add(row)
        session.flush()
        label = f"Sak {format_case_number(number, year)}: {title}"
        work.log(ENTITY_HISTORY, row.id, "ny", f"Registrerte tidligere brukt saksnummer: {label}", "", label)
    return _line(row)


def delete_registered(session: Session, line_id: int) -> None:
    """Remove a registered number (its number becomes free again)."""
    with change(session) as work:
        row = session.get(RegisteredCaseNumber, line_id)
        if row is None:
            raise CaseError(f"Fant ikke registrert saksnummer med id {line_id}.")
        label = f"Sak {format_case_number(row.number, row.year)}: {row.title}"
        session.delete(row)
        work.log(ENTITY_HISTORY, line_id, "slett", f"Fjernet registrert saksnummer {label}", label, "")


def _line(row: RegisteredCaseNumber) -> HistoryLine:
    return HistoryLine(
        id=int(row.id or 0),
        number=format_case_number(row.number, row.year),
        written=row.written,
        title=row.title,
        utvalg=row.utvalg,
        meeting_date=row.meeting_date,
        source=row.source,
    )


def load_builtin_history(session: Session, folder: Path) -> int:
    """Add the built-in history (``folder/*.toml``) that is missing; returns how many were added.

    Runs inside the caller's transaction (the seed commits); a number the user already has in
    rsapp is skipped, never changed.
    """
    if not folder.is_dir():
        return 0
    existing = {(row.year, row.number, row.title) for row in session.exec(select(RegisteredCaseNumber))}
    taken = {(case.year, case.number) for case in session.exec(select(Case))}
    added = 0
    for path in sorted(folder.glob("*.toml")):
        try:
            with path.open("rb") as fh:
                doc: dict[str, Any] = tomllib.load(fh)
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise CaseError(f"Kan ikke lese historikkfilen {path}: {exc}") from exc
        for item in doc.get("case", []):
            number, year = parse_case_number(str(item["number"]))
            title = str(item.get("title", "")).strip()
            if (year, number, title) in existing or (year, number) in taken:
                continue
            session.add(
                RegisteredCaseNumber(
                    year=year,
                    number=number,
                    title=title,
                    written=str(item["number"]),
                    utvalg=str(item.get("utvalg", DEFAULT_UTVALG)),
                    meeting_date=item.get("meeting_date"),
                    source=str(item.get("source", path.name)),
                )
            )
            existing.add((year, number, title))
            added += 1
    if added:
        session.flush()
    return added
