"""What the follow-up screen and ``rsapp oppfølging`` show: due items, projects, the overview.

* :func:`due_items` – payments not yet paid and reports not yet received whose date falls in
  the next ``days`` days (30 by default), and everything already overdue, by date;
* :func:`funded_projects` – every project with an award: awarded, planned, paid, next date;
* :func:`project_summary` – one project per year: awarded (local, regional), planned, paid and
  the report's status;
* :func:`overview` – the annual overview (per project and year), also the Excel export's rows.

A handful of statements each, whatever the number of projects (the list over 500 projects is
benchmarked in ``bench/bench_meeting.py``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from rsapp.dates import format_date
from rsapp.models import Application, Award, Payment, ProjectReport, Round
from rsapp.money import format_kr
from rsapp.vocab import (
    AWARD_LOCAL,
    AWARD_REGIONAL,
    NO_TITLE,
    REPORT_KIND_LABELS,
    REPORT_REMINDED,
    REPORT_STATUS_LABELS,
    REPORT_WAITING,
)

__all__ = [
    "DueItem",
    "OverviewRow",
    "ProjectLine",
    "ProjectSummary",
    "due_items",
    "funded_projects",
    "overview",
    "project_summary",
]

KIND_PAYMENT = "utbetaling"
KIND_REPORT = "rapport"


@dataclass(frozen=True, slots=True)
class DueItem:
    kind: str  # utbetaling | rapport
    row_id: int
    application_id: int
    project: str
    due_on: date
    what: str  # "Utbetaling 2026 (lokal pott)" / "Årsrapport 2026"
    amount: int | None
    status: str
    overdue: bool

    @property
    def line(self) -> str:
        amount = f" {format_kr(self.amount)}" if self.amount is not None else ""
        mark = "⚠ forfalt " if self.overdue else ""
        return f"{mark}{format_date(self.due_on)}  {self.what}{amount} – {self.project}"


def _names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.exec(
        select(Application.id, Application.name, Application.working_title).where(
            col(Application.id).in_(ids)
        )
    ).all()
    return {int(i or 0): (name or working or NO_TITLE) for i, name, working in rows}


def due_items(session: Session, *, today: date, days: int = 30) -> list[DueItem]:
    """Unpaid payments and outstanding reports due by ``today + days`` (overdue ones included).

    Columns, not ORM objects: the list over hundreds of projects stays a few milliseconds."""
    until = today + timedelta(days=days)
    payments = session.execute(
        sa_select(
            col(Payment.id),
            col(Payment.application_id),
            col(Payment.planned_on),
            col(Payment.budget_year),
            col(Payment.source),
            col(Payment.amount),
        ).where(
            col(Payment.paid_on).is_(None),
            col(Payment.planned_on).is_not(None),
            col(Payment.planned_on) <= until,
        )
    ).all()
    reports = session.execute(
        sa_select(
            col(ProjectReport.id),
            col(ProjectReport.application_id),
            col(ProjectReport.due_on),
            col(ProjectReport.kind),
            col(ProjectReport.period_year),
            col(ProjectReport.status),
        ).where(
            col(ProjectReport.status).in_((REPORT_WAITING, REPORT_REMINDED)),
            col(ProjectReport.due_on) <= until,
        )
    ).all()
    names = _names(session, {row[1] for row in payments} | {row[1] for row in reports})
    items = [
        DueItem(
            KIND_PAYMENT,
            int(row_id or 0),
            app_id,
            names.get(app_id, NO_TITLE),
            planned,
            f"Utbetaling {year} ({'lokal pott' if source == AWARD_LOCAL else 'Helse Nord'})",
            amount,
            "planlagt",
            planned < today,
        )
        for row_id, app_id, planned, year, source, amount in payments
    ] + [
        DueItem(
            KIND_REPORT,
            int(row_id or 0),
            app_id,
            names.get(app_id, NO_TITLE),
            due_on,
            f"{REPORT_KIND_LABELS.get(kind, kind)}{f' {period}' if period else ''}",
            None,
            REPORT_STATUS_LABELS.get(status, status),
            due_on < today,
        )
        for row_id, app_id, due_on, kind, period, status in reports
    ]
    return sorted(items, key=lambda item: (item.due_on, item.project, item.kind))


@dataclass(frozen=True, slots=True)
class ProjectLine:
    application_id: int
    project: str
    round_name: str
    awarded_local: int
    awarded_regional: int
    planned: int
    paid: int
    next_date: date | None
    next_what: str
    years: str  # "2026–2030"


def funded_projects(session: Session, *, today: date) -> list[ProjectLine]:
    """Every project with an award (local or regional), with its totals and what comes next."""
    from rsapp.allocation import year_span

    awards = session.exec(select(Award.application_id, Award.source, Award.budget_year, Award.amount)).all()
    if not awards:
        return []
    local: dict[int, int] = defaultdict(int)
    regional: dict[int, int] = defaultdict(int)
    years: dict[int, set[int]] = defaultdict(set)
    for app_id, source, year, amount in awards:
        (local if source == AWARD_LOCAL else regional)[app_id] += amount
        if amount:
            years[app_id].add(year)
    funded = {app_id for app_id in years}
    planned: dict[int, int] = defaultdict(int)
    paid: dict[int, int] = defaultdict(int)
    upcoming: dict[int, tuple[date, str]] = {}
    for app_id, amount, paid_on, paid_amount, planned_on, year in session.execute(
        sa_select(
            col(Payment.application_id),
            col(Payment.amount),
            col(Payment.paid_on),
            col(Payment.paid_amount),
            col(Payment.planned_on),
            col(Payment.budget_year),
        ).where(col(Payment.application_id).in_(funded))
    ):
        planned[app_id] += amount
        if paid_on is not None:
            paid[app_id] += paid_amount or 0
        elif planned_on is not None:
            _earlier(upcoming, app_id, planned_on, f"utbetaling {year}")
    for app_id, due_on, kind in session.exec(
        select(col(ProjectReport.application_id), col(ProjectReport.due_on), col(ProjectReport.kind)).where(
            col(ProjectReport.application_id).in_(funded),
            col(ProjectReport.status).in_((REPORT_WAITING, REPORT_REMINDED)),
        )
    ):
        _earlier(upcoming, app_id, due_on, REPORT_KIND_LABELS.get(kind, kind).lower())
    rows = session.exec(
        select(Application.id, Application.name, Application.working_title, Round.name)
        .join(Round, col(Round.id) == col(Application.round_id))
        .where(col(Application.id).in_(funded))
    ).all()
    out = []
    for row_id, name, working, round_name in rows:
        key = int(row_id or 0)
        when: date | None
        when, what = upcoming.get(key, (None, ""))
        out.append(
            ProjectLine(
                key,
                name or working or NO_TITLE,
                round_name,
                local[key],
                regional[key],
                planned[key],
                paid[key],
                when,
                what,
                year_span(years[key]),
            )
        )
    return sorted(out, key=lambda line: (line.next_date or date.max, line.project))


def _earlier(found: dict[int, tuple[date, str]], key: int, when: date, what: str) -> None:
    if key not in found or when < found[key][0]:
        found[key] = (when, what)


@dataclass(slots=True)
class YearLine:
    year: int
    awarded_local: int = 0
    awarded_regional: int = 0
    planned: int = 0
    paid: int = 0
    reports: list[str] = field(default_factory=list)  # "Årsrapport: venter (frist 01.03.2027)"


@dataclass(slots=True)
class ProjectSummary:
    application_id: int
    project: str
    round_name: str
    status: str
    years: list[YearLine]
    payments: list[Payment]
    reports: list[ProjectReport]

    @property
    def totals(self) -> YearLine:
        total = YearLine(0)
        for line in self.years:
            total.awarded_local += line.awarded_local
            total.awarded_regional += line.awarded_regional
            total.planned += line.planned
            total.paid += line.paid
        return total


def project_summary(session: Session, application_id: int) -> ProjectSummary:
    from rsapp.followup.plan import FollowUpError
    from rsapp.portfolio import application_title
    from rsapp.vocab import status_label

    app = session.get(Application, application_id)
    if app is None:
        raise FollowUpError(f"Fant ingen søknad med id {application_id}.")
    round_ = session.get(Round, app.round_id)
    lines: dict[int, YearLine] = {}

    def line(year: int) -> YearLine:
        return lines.setdefault(year, YearLine(year))

    for award in session.exec(select(Award).where(Award.application_id == application_id)):
        if award.source == AWARD_REGIONAL:
            line(award.budget_year).awarded_regional += award.amount
        else:
            line(award.budget_year).awarded_local += award.amount
    payments = list(
        session.exec(
            select(Payment)
            .where(Payment.application_id == application_id)
            .order_by(col(Payment.budget_year), col(Payment.id))
        )
    )
    for p in payments:
        line(p.budget_year).planned += p.amount
        if p.paid_on is not None:
            line(p.budget_year).paid += p.paid_amount or 0
    reports = list(
        session.exec(
            select(ProjectReport)
            .where(ProjectReport.application_id == application_id)
            .order_by(col(ProjectReport.due_on), col(ProjectReport.id))
        )
    )
    for r in reports:
        year = r.period_year or r.due_on.year
        line(year).reports.append(
            f"{REPORT_KIND_LABELS.get(r.kind, r.kind)}: {REPORT_STATUS_LABELS.get(r.status, r.status).lower()}"
            f" (frist {format_date(r.due_on)})"
        )
    return ProjectSummary(
        application_id,
        application_title(app),
        round_.name if round_ else "",
        status_label(app.status),
        [lines[year] for year in sorted(lines)],
        payments,
        reports,
    )


@dataclass(frozen=True, slots=True)
class OverviewRow:
    application_id: int
    project: str
    round_name: str
    year: int
    awarded_local: int
    awarded_regional: int
    planned: int
    paid: int
    reported: str  # "Årsrapport: mottatt 12.02.2027" / "venter (frist …)" / ""


def overview(session: Session, *, year: int | None = None) -> list[OverviewRow]:
    """Per project and year: awarded, planned, paid, reported (only ``year`` when given)."""
    projects = funded_projects(session, today=date.today())
    if not projects:
        return []
    ids = [p.application_id for p in projects]
    by_key: dict[tuple[int, int], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for award in session.exec(select(Award).where(col(Award.application_id).in_(ids))):
        key = "regional" if award.source == AWARD_REGIONAL else "local"
        by_key[(award.application_id, award.budget_year)][key] += award.amount
    for p in session.exec(select(Payment).where(col(Payment.application_id).in_(ids))):
        by_key[(p.application_id, p.budget_year)]["planned"] += p.amount
        if p.paid_on is not None:
            by_key[(p.application_id, p.budget_year)]["paid"] += p.paid_amount or 0
    reported: dict[tuple[int, int], list[str]] = defaultdict(list)
    for r in session.exec(select(ProjectReport).where(col(ProjectReport.application_id).in_(ids))):
        year_key = (r.application_id, r.period_year or r.due_on.year)
        if r.received_on is not None:
            state = f"{REPORT_STATUS_LABELS.get(r.status, r.status).lower()} {format_date(r.received_on)}"
        else:
            state = f"{REPORT_STATUS_LABELS.get(r.status, r.status).lower()} (frist {format_date(r.due_on)})"
        reported[year_key].append(f"{REPORT_KIND_LABELS.get(r.kind, r.kind)}: {state}")
        by_key[year_key]  # noqa: B018 - a year with only a report still gets a row
    names = {p.application_id: (p.project, p.round_name) for p in projects}
    rows = [
        OverviewRow(
            app_id,
            names[app_id][0],
            names[app_id][1],
            row_year,
            values.get("local", 0),
            values.get("regional", 0),
            values.get("planned", 0),
            values.get("paid", 0),
            "; ".join(reported.get((app_id, row_year), [])),
        )
        for (app_id, row_year), values in by_key.items()
        if app_id in names and (year is None or row_year == year)
    ]
    return sorted(rows, key=lambda row: (row.project, row.year))
