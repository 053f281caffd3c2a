"""Payments and reports of each funded project.

When an award is registered (SSU's vedtak written back, or Helse Nord's award) the project gets
a plan made from it: one payment per award year and source, planned on :data:`PAYMENT_DAY` of
the year (or a month after the decision when that is later), and a report per year: an annual
report for every year but the last, due :data:`REPORT_DAY` the year after, and a final report
for the last year (due three months after the project's end when that is later). The dates are
defaults the secretariat changes by hand; a plan already made is never overwritten, only years
that are missing are added.

Every change is one unit of work and in the change log; errors are Norwegian and name the project.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session, col, select

from rsapp.dates import format_date
from rsapp.models import Application, Award, Payment, ProjectReport
from rsapp.money import format_kr
from rsapp.store.unit_of_work import StoreError, UnitOfWork, unit_of_work
from rsapp.vocab import (
    AWARD_SOURCE_LABELS,
    REPORT_ANNUAL,
    REPORT_FINAL,
    REPORT_KIND_LABELS,
    REPORT_RECEIVED,
    REPORT_STATUS_LABELS,
    REPORT_WAITING,
)

__all__ = [
    "PAYMENT_DAY",
    "REPORT_DAY",
    "FollowUpError",
    "add_payment",
    "add_report",
    "delete_payment",
    "ensure_plan",
    "find_application",
    "plan_round",
    "set_payment",
    "set_report",
]

#: (month, day) a year's payment is planned by default, and a report is due the year after.
PAYMENT_DAY = (2, 1)
REPORT_DAY = (3, 1)
ENTITY_PAYMENT = "utbetaling"
ENTITY_REPORT = "rapport"


class FollowUpError(StoreError):
    """A follow-up change that cannot be made (Norwegian message naming the project)."""


def _title(app: Application) -> str:
    from rsapp.portfolio import application_title

    return application_title(app)


def _application(session: Session, application_id: int) -> Application:
    app = session.get(Application, application_id)
    if app is None:
        raise FollowUpError(f"Fant ingen søknad med id {application_id}.")
    return app


def _planned_day(year: int, decided_on: date | None) -> date:
    planned = date(year, *PAYMENT_DAY)
    if decided_on is not None and decided_on + timedelta(days=30) > planned:
        planned = decided_on + timedelta(days=30)
    return planned


def ensure_plan(work: UnitOfWork, application_id: int, *, decided_on: date | None = None) -> int:
    """Inside ``work``: payments and reports for the project's award years that lack them.

    Returns how many rows were added."""
    session = work.session
    app = _application(session, application_id)
    awards = session.exec(select(Award).where(Award.application_id == application_id)).all()
    if not awards:
        return 0
    payments = session.exec(select(Payment).where(Payment.application_id == application_id)).all()
    have = {(p.budget_year, p.source) for p in payments}
    added = 0
    for award in sorted(awards, key=lambda a: (a.budget_year, a.source)):
        if award.amount <= 0 or (award.budget_year, award.source) in have:
            continue
        when = decided_on or award.decided_on
        session.add(
            Payment(
                application_id=application_id,
                budget_year=award.budget_year,
                source=award.source,
                amount=award.amount,
                planned_on=_planned_day(
                    award.budget_year, when if when and when.year == award.budget_year else None
                ),
            )
        )
        added += 1
    reports = session.exec(select(ProjectReport).where(ProjectReport.application_id == application_id)).all()
    years = sorted({a.budget_year for a in awards if a.amount > 0})
    reported = {(r.kind, r.period_year) for r in reports}
    for year in years:
        last = year == years[-1]
        kind = REPORT_FINAL if last else REPORT_ANNUAL
        if (kind, year) in reported or (last and any(r.kind == REPORT_FINAL for r in reports)):
            continue
        due = date(year + 1, *REPORT_DAY)
        if last and app.period_end is not None and app.period_end.year >= year:
            end = app.period_end
            due = max(due, date(end.year + (end.month + 3 - 1) // 12, (end.month + 3 - 1) % 12 + 1, 1))
        session.add(ProjectReport(application_id=application_id, kind=kind, period_year=year, due_on=due))
        added += 1
    if added:
        session.flush()
        work.log(
            ENTITY_PAYMENT,
            application_id,
            "plan",
            f"Oppfølgingsplan for «{_title(app)}»: {added} utbetalinger og rapporter lagt inn",
        )
    return added


def plan_round(session: Session, round_id: int) -> int:
    """Make the plan for every awarded project of the round that lacks one; returns rows added."""
    with unit_of_work(session, round_id) as work:
        ids = session.exec(
            select(Award.application_id)
            .join(Application, col(Application.id) == col(Award.application_id))
            .where(Application.round_id == round_id)
            .distinct()
        ).all()
        return sum(ensure_plan(work, int(app_id)) for app_id in ids)


def add_payment(
    session: Session,
    application_id: int,
    *,
    year: int,
    amount: int,
    planned_on: date | None = None,
    source: str = "lokal",
) -> Payment:
    if amount < 0:
        raise FollowUpError("Et beløp kan ikke være negativt.")
    if source not in AWARD_SOURCE_LABELS:
        raise FollowUpError(f"Ukjent kilde «{source}»: bruk lokal eller regional.")
    with unit_of_work(session) as work:
        app = _application(session, application_id)
        row = Payment(
            application_id=application_id,
            budget_year=year,
            source=source,
            amount=amount,
            planned_on=planned_on or date(year, *PAYMENT_DAY),
        )
        session.add(row)
        session.flush()
        work.log(
            ENTITY_PAYMENT,
            row.id,
            "ny",
            f"Utbetaling til «{_title(app)}» for {year}: {format_kr(amount)}",
            "",
            format_kr(amount),
            round_id=app.round_id,
        )
    session.refresh(row)
    return row


def _payment(session: Session, payment_id: int) -> Payment:
    row = session.get(Payment, payment_id)
    if row is None:
        raise FollowUpError(f"Fant ingen utbetaling med id {payment_id}.")
    return row


def set_payment(
    session: Session,
    payment_id: int,
    *,
    paid_on: date | None = None,
    paid_amount: int | None = None,
    planned_on: date | None = None,
    amount: int | None = None,
    unpaid: bool = False,
    version: int | None = None,
) -> Payment:
    """Mark a payment paid (on ``paid_on``, ``paid_amount`` default the planned amount), move its
    planned date or amount, or (``unpaid``) take the payment back to planned."""
    with unit_of_work(session) as work:
        row = _payment(session, payment_id)
        app = _application(session, row.application_id)
        if version is not None:
            work.claim(
                Payment, payment_id, version, f"Utbetalingen til «{_title(app)}» for {row.budget_year}"
            )
        else:
            row.version += 1
        before = _payment_text(row)
        if amount is not None:
            if amount < 0:
                raise FollowUpError("Et beløp kan ikke være negativt.")
            row.amount = amount
        if planned_on is not None:
            row.planned_on = planned_on
        if unpaid:
            row.paid_on, row.paid_amount = None, None
        elif paid_on is not None:
            if paid_amount is not None and paid_amount < 0:
                raise FollowUpError("Et utbetalt beløp kan ikke være negativt.")
            row.paid_on = paid_on
            row.paid_amount = row.amount if paid_amount is None else paid_amount
        session.add(row)
        work.log(
            ENTITY_PAYMENT,
            payment_id,
            "endre",
            f"Utbetaling til «{_title(app)}» for {row.budget_year}: {_payment_text(row)}",
            before,
            _payment_text(row),
            round_id=app.round_id,
        )
    session.refresh(row)
    return row


def _payment_text(row: Payment) -> str:
    planned = (
        f"{format_kr(row.amount)} planlagt {format_date(row.planned_on)}"
        if row.planned_on
        else format_kr(row.amount)
    )
    if row.paid_on is not None:
        return f"{planned}, utbetalt {format_kr(row.paid_amount or 0)} {format_date(row.paid_on)}"
    return planned


def delete_payment(session: Session, payment_id: int) -> None:
    with unit_of_work(session) as work:
        row = _payment(session, payment_id)
        app = _application(session, row.application_id)
        text = _payment_text(row)
        session.delete(row)
        work.log(
            ENTITY_PAYMENT,
            payment_id,
            "slett",
            f"Utbetaling til «{_title(app)}» slettet",
            text,
            "",
            round_id=app.round_id,
        )


def add_report(
    session: Session, application_id: int, *, kind: str, due_on: date, period_year: int | None = None
) -> ProjectReport:
    if kind not in REPORT_KIND_LABELS:
        raise FollowUpError(f"Ukjent rapporttype «{kind}»: bruk {', '.join(REPORT_KIND_LABELS)}.")
    with unit_of_work(session) as work:
        app = _application(session, application_id)
        row = ProjectReport(application_id=application_id, kind=kind, period_year=period_year, due_on=due_on)
        session.add(row)
        session.flush()
        work.log(
            ENTITY_REPORT,
            row.id,
            "ny",
            f"{REPORT_KIND_LABELS[kind]} fra «{_title(app)}» med frist {format_date(due_on)}",
            round_id=app.round_id,
        )
    session.refresh(row)
    return row


def set_report(
    session: Session,
    report_id: int,
    *,
    status: str | None = None,
    received_on: date | None = None,
    due_on: date | None = None,
    note: str | None = None,
) -> ProjectReport:
    """Change a report's status (venter, mottatt, godkjent, purret), received date, due date or note."""
    if status is not None and status not in REPORT_STATUS_LABELS:
        raise FollowUpError(f"Ukjent status «{status}»: bruk {', '.join(REPORT_STATUS_LABELS)}.")
    with unit_of_work(session) as work:
        row = session.get(ProjectReport, report_id)
        if row is None:
            raise FollowUpError(f"Fant ingen rapport med id {report_id}.")
        app = _application(session, row.application_id)
        before = REPORT_STATUS_LABELS.get(row.status, row.status)
        if status is not None:
            row.status = status
            if status in (REPORT_RECEIVED, "godkjent") and row.received_on is None:
                row.received_on = received_on or date.today()
            if status == REPORT_WAITING:
                row.received_on = None
        if received_on is not None:
            row.received_on = received_on
        if due_on is not None:
            row.due_on = due_on
        if note is not None:
            row.note = note.strip()
        row.version += 1
        session.add(row)
        what = REPORT_KIND_LABELS.get(row.kind, row.kind)
        work.log(
            ENTITY_REPORT,
            report_id,
            "endre",
            f"{what} fra «{_title(app)}»: {REPORT_STATUS_LABELS.get(row.status, row.status).lower()}",
            before,
            REPORT_STATUS_LABELS.get(row.status, row.status),
            round_id=app.round_id,
        )
    session.refresh(row)
    return row


def find_application(session: Session, text: str, round_id: int | None = None) -> Application:
    """An application by id ("5") or by (part of) its name, unique within the round when given."""
    text = text.strip()
    if text.isdigit():
        return _application(session, int(text))
    query = select(Application)
    if round_id is not None:
        query = query.where(Application.round_id == round_id)
    apps = list(session.exec(query.order_by(col(Application.id))))
    wanted = text.lower()
    exact = [a for a in apps if _title(a).lower() == wanted]
    found = exact or [a for a in apps if wanted and wanted in _title(a).lower()]
    if len(found) == 1:
        return found[0]
    if not found:
        raise FollowUpError(f"Fant ingen søknad «{text}».")
    raise FollowUpError(f"«{text}» passer på flere søknader: {'; '.join(_title(a) for a in found)}. Bruk id.")
