"""The prioritisation case's vedtak written back onto the round (when the protokoll is approved).

* **Awards.** Each application point of the vedtak that was not struck awards its amounts per
  year from the local pot (*innvilget*): the innstilt amounts when the point is unchanged, the
  amended ones otherwise; a new point with an application awards what it names. Stored as
  :class:`~rsapp.models.Award` rows (source ``lokal``, the meeting and its date).
* **The ledger follows.** The round's status becomes ``vedtatt``; from then on the allocation
  (:func:`rsapp.portfolio.round_allocation`) counts the awards instead of the recommendations
  (``ApplicationInput.awarded``), the Excel list says *Vedtatt*/*Innvilget*, and the awards for
  later years are commitments (*tilsagn*) in the helsefellesskap's later rounds.
* **Statuses.** innvilget (a local award), oversendt (on the regional list, which is the
  allocation's regional list after the awards, unless the vedtak struck the regional point),
  ikke behandlet (amount unknown: no innstilling), otherwise avslått.
* **Earmarks settled.** An open earmark whose point the vedtak gave amounts becomes a figure
  (open → decided), and a decided earmark whose amounts were amended takes the new amounts.

Plain domain code inside the caller's unit of work (:func:`rsapp.saksfremlegg.protokoll.approve`);
every change goes to the change log.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import delete
from sqlmodel import Session, col, select

from rsapp.allocation import POSITION_UNKNOWN
from rsapp.dates import format_date
from rsapp.models import Application, Award, Earmark, EarmarkAmount, Meeting, Round
from rsapp.money import format_kr
from rsapp.saksfremlegg.numbering import format_case_number
from rsapp.saksfremlegg.records import CaseError
from rsapp.saksfremlegg.vedtak import VedtakView, amounts_label
from rsapp.store.unit_of_work import UnitOfWork
from rsapp.vocab import (
    AWARD_LOCAL,
    CASE_KIND_PRIORITISATION,
    OUTCOME_AMENDED,
    OUTCOME_AS_RECOMMENDED,
    POINT_STRUCK,
    STATUS_FORWARDED,
    STATUS_GRANTED,
    STATUS_NOT_TREATED,
    STATUS_REJECTED,
    status_label,
)

__all__ = ["WriteBack", "decided_awards", "decision_meeting", "write_back"]

ROUND_DECIDED = "vedtatt"


@dataclass(slots=True)
class WriteBack:
    """What one prioritisation vedtak changed, in Norwegian lines for the user."""

    round_id: int
    awards: dict[int, dict[int, int]] = field(default_factory=dict)  # application id -> {year: kr}
    statuses: dict[int, str] = field(default_factory=dict)
    earmarks: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


def decided_awards(view: VedtakView, local: dict[int, dict[int, int]]) -> dict[int, dict[int, int]]:
    """Application id -> awarded {year: kr} from a prioritisation vedtak (pure).

    ``local`` is the innstilt local amounts per application (the allocation's ``Row.local``),
    used where a point carries no amounts of its own.
    """
    out: dict[int, dict[int, int]] = {}
    for line in view.lines:
        if line.application_id is None or line.change == POINT_STRUCK:
            continue
        amounts = line.amounts if line.amounts is not None else local.get(line.application_id, {})
        nonzero = {year: amount for year, amount in amounts.items() if amount}
        if nonzero:
            out[line.application_id] = nonzero
    return out


def decision_meeting(session: Session, round_id: int) -> Meeting | None:
    """The meeting whose vedtak decided the round (its local awards), if any."""
    meeting_id = session.exec(
        select(Award.meeting_id)
        .join(Application, col(Application.id) == col(Award.application_id))
        .where(Application.round_id == round_id, Award.source == AWARD_LOCAL)
        .where(col(Award.meeting_id).is_not(None))
    ).first()
    return session.get(Meeting, meeting_id) if meeting_id is not None else None


def write_back(work: UnitOfWork, meeting: Meeting, view: VedtakView) -> WriteBack:
    """Write one prioritisation case's vedtak back onto its round (inside ``work``)."""
    from rsapp.portfolio import round_allocation

    session = work.session
    case = view.case
    if case.kind != CASE_KIND_PRIORITISATION or case.round_id is None:
        raise CaseError("Bare prioriteringssaken skrives tilbake på runden.")
    if view.outcome not in (OUTCOME_AS_RECOMMENDED, OUTCOME_AMENDED):
        raise CaseError("Saken har ikke noe vedtak å skrive tilbake.")
    round_id = case.round_id
    round_ = session.get(Round, round_id)
    if round_ is None:
        raise CaseError(f"Fant ingen runde med id {round_id}.")
    if round_.status == ROUND_DECIDED:
        raise CaseError(f"{round_.name} er allerede vedtatt; vedtaket skrives ikke tilbake to ganger.")
    label = f"sak {format_case_number(case.number, case.year)}"
    result = WriteBack(round_id)
    before = round_allocation(session, round_id)
    local = {row.key: dict(row.local) for row in before.rows}
    awards = decided_awards(view, local)
    apps = {a.id: a for a in session.exec(select(Application).where(Application.round_id == round_id))}
    unknown = [app_id for app_id in awards if app_id not in apps]
    if unknown:
        raise CaseError(f"Vedtaket i {label} nevner søknader som ikke hører til runden: {unknown}.")

    # Awards (replacing any earlier local awards of the round's applications).
    session.execute(
        delete(Award).where(col(Award.application_id).in_(list(apps)), col(Award.source) == AWARD_LOCAL)
    )
    for app_id, amounts in awards.items():
        for year, amount in sorted(amounts.items()):
            session.add(
                Award(
                    application_id=app_id,
                    budget_year=year,
                    amount=amount,
                    source=AWARD_LOCAL,
                    meeting_id=meeting.id,
                    decided_on=meeting.date,
                    note=f"Vedtak i {label}",
                )
            )
        name = next((r.name for r in before.rows if r.key == app_id), str(app_id))
        result.lines.append(f"Innvilget «{name}»: {amounts_label(amounts)}")
        work.log(
            "tildeling",
            app_id,
            "innvilget",
            f"Innvilget «{name}» {format_kr(sum(amounts.values()))} fra lokal pott ({label})",
            "",
            amounts_label(amounts),
            round_id=round_id,
        )
    result.awards = awards
    session.flush()
    from rsapp.followup.plan import ensure_plan

    for app_id in awards:  # payments per year and reports due, from the awards
        ensure_plan(work, app_id, decided_on=meeting.date)

    # Earmarks decided in the meeting.
    for line in view.lines:
        if line.earmark_id is None or line.change == POINT_STRUCK or line.amounts is None:
            continue
        earmark = session.get(Earmark, line.earmark_id)
        if earmark is None or earmark.round_id != round_id:
            continue
        current = {
            a.budget_year: a.amount
            for a in session.exec(select(EarmarkAmount).where(EarmarkAmount.earmark_id == earmark.id))
        }
        wanted = {y: a for y, a in line.amounts.items() if a}
        if not wanted or (current == wanted and not earmark.is_open):
            continue
        old = "ikke avklart" if earmark.is_open else amounts_label(current)
        session.execute(delete(EarmarkAmount).where(col(EarmarkAmount.earmark_id) == earmark.id))
        for year, amount in sorted(wanted.items()):
            session.add(EarmarkAmount(earmark_id=int(earmark.id or 0), budget_year=year, amount=amount))
        earmark.is_open = False
        earmark.source_case = (
            f"{earmark.source_case}; vedtak i {label}" if earmark.source_case else f"Vedtak i {label}"
        )
        earmark.version += 1
        session.add(earmark)
        text = f"Avsetning «{earmark.name}»: {old} → {amounts_label(wanted)}"
        result.earmarks.append(text)
        result.lines.append(text)
        work.log("avsetning", earmark.id, "vedtatt", text, old, amounts_label(wanted), round_id=round_id)

    # The round is decided: the ledger now counts the awards.
    round_.status = ROUND_DECIDED
    session.add(round_)
    session.flush()
    after = round_allocation(session, round_id)
    regional_struck = any(
        line.source_key == "regional" and line.change == POINT_STRUCK for line in view.lines
    )
    forwarded = set() if regional_struck else {item.key for item in after.regional}
    for row in after.rows:
        app = apps.get(row.key)
        if app is None:
            continue
        if row.key in awards:
            status = STATUS_GRANTED
        elif row.key in forwarded:
            status = STATUS_FORWARDED
        elif row.position == POSITION_UNKNOWN:
            status = STATUS_NOT_TREATED
        else:
            status = STATUS_REJECTED
        if app.status != status:
            work.log(
                "søknad",
                app.id,
                "status",
                f"«{row.name}»: {status_label(status).lower()} ({label}, {format_date(meeting.date)})",
                status_label(app.status),
                status_label(status),
                round_id=round_id,
            )
            app.status = status
            app.version += 1
            session.add(app)
        result.statuses[row.key] = status
    work.log(
        "runde",
        round_id,
        "vedtatt",
        f"{round_.name} vedtatt i {label} {format_date(meeting.date)}",
        "utkast",
        ROUND_DECIDED,
        round_id=round_id,
    )
    return result
