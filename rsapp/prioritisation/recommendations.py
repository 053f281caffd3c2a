"""Recommendations (innstilt beløp per budsjettår) and routes of single applications.

A recommendation is a set of (year, amount); ``None`` means the default, what was applied for,
year by year (DOMAIN.md §3a). It is stored as rows of ``recommended_amount``; no rows is the
default. The total may be lower than what was applied for (partial, or 0), never higher.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import delete, insert, select, update
from sqlmodel import Session

from rsapp.allocation import ROUTE_LABELS, ROUTES
from rsapp.models import BudgetLine, RecommendedAmount
from rsapp.money import format_kr
from rsapp.prioritisation.common import (
    APP,
    REFRESH_HINT,
    ROUND,
    Change,
    PrioritisationError,
    StaleError,
    application_row,
    claim_application,
)
from rsapp.store.limits import MAX_AMOUNT  # the largest amount in one field, on both databases
from rsapp.store.unit_of_work import unit_of_work

__all__ = [
    "check_recommendation",
    "format_recommendation",
    "load_recommendation",
    "parse_recommendation",
    "set_recommendation",
    "set_route",
]

_RECOMMENDED = RecommendedAmount.__table__  # type: ignore[attr-defined]


def format_recommendation(amounts: Mapping[int, int] | None) -> str:
    """``{2026: 2000000, 2027: 500000}`` → ``"2026: 2 000 000 kr; 2027: 500 000 kr"``; None → ``som søkt``."""
    if amounts is None:
        return "som søkt"
    if not any(amounts.values()):
        return "0 kr"
    return "; ".join(f"{year}: {format_kr(amount)}" for year, amount in sorted(amounts.items()))


def parse_recommendation(text: str) -> dict[int, int] | None:
    """The inverse of :func:`format_recommendation` (for the change log and undo)."""
    from rsapp.prioritisation.earmarks import parse_earmark_amounts

    text = text.strip()
    if text in ("", "som søkt", "søkt beløp"):
        return None
    if text == "0 kr":
        return {}
    return parse_earmark_amounts(text.replace(" kr", ""))


def _applied_total(session: Session, application_id: int) -> int | None:
    amounts = (
        session.execute(select(BudgetLine.amount).where(BudgetLine.application_id == application_id))  # type: ignore[call-overload]
        .scalars()
        .all()
    )
    stated = [a for a in amounts if a is not None]
    return sum(stated) if stated else None


def check_recommendation(amounts: Mapping[int, int] | None, applied_total: int | None, title: str) -> None:
    """Raise :class:`PrioritisationError` unless ``amounts`` is allowed (None = as applied for)."""
    if amounts is None:
        return
    total = 0
    for year, amount in amounts.items():
        if type(year) is not int or not 2000 <= year <= 2100:
            raise PrioritisationError(
                f"Innstilt beløp for «{title}»: budsjettåret {year!r} er ikke et årstall."
            )
        if type(amount) is not int:
            raise PrioritisationError(
                f"Innstilt beløp for «{title}» i {year} må være hele kroner, fikk {amount!r}."
            )
        if amount < 0:
            raise PrioritisationError(
                f"Innstilt beløp for «{title}» i {year} kan ikke være negativt ({format_kr(amount)})."
            )
        if amount > MAX_AMOUNT:
            raise PrioritisationError(
                f"Innstilt beløp for «{title}» i {year} er for stort (høyst {format_kr(MAX_AMOUNT)})."
            )
        total += amount
    if applied_total is not None and total > applied_total:
        raise PrioritisationError(
            f"Innstilt beløp for «{title}» ({format_kr(total)}) kan ikke være høyere enn søkt "
            f"({format_kr(applied_total)})."
        )


def load_recommendation(session: Session, application_id: int) -> dict[int, int] | None:
    rows = session.execute(
        select(_RECOMMENDED.c.budget_year, _RECOMMENDED.c.amount)
        .where(_RECOMMENDED.c.application_id == application_id)
        .order_by(_RECOMMENDED.c.budget_year)
    ).all()
    return {year: amount for year, amount in rows} if rows else None


def set_recommendation(
    session: Session,
    application_id: int,
    amounts: Mapping[int, int] | None,
    *,
    version: int,
    rank: int | None = None,
) -> Change:
    """Set the recommendation per year (0 and partial allowed; never above applied). None: as applied.

    An explicit recommendation of nothing (an empty mapping) is stored as 0 in the round's year,
    so that it is not read back as the default. ``rank`` is the place the user saw the
    application at: when another user's reorder has moved it since (its place decides whether it
    fits above the line), the change is refused with :class:`StaleError`.
    """
    app = application_row(session, application_id)
    check_recommendation(amounts, _applied_total(session, application_id), app["title"])
    new = None if amounts is None else {year: amounts[year] for year in sorted(amounts)}
    with unit_of_work(session, app["round_id"]) as uow:
        app = application_row(session, application_id)
        new_version = claim_application(uow, app, version)
        if rank is not None and app["rank"] != rank:
            raise StaleError(
                f"Søknaden «{app['title']}» står nå på plass {app['rank']}, ikke på plass {rank} som du så: "
                f"rekkefølgen er endret av en annen bruker. {REFRESH_HINT}"
            )
        old = load_recommendation(session, application_id)
        if new is not None and not new:
            round_year = session.execute(
                select(ROUND.c.year).where(ROUND.c.id == app["round_id"])
            ).scalar_one()
            new = {round_year: 0}
        session.execute(delete(_RECOMMENDED).where(_RECOMMENDED.c.application_id == application_id))
        if new is not None:
            rows = [{"application_id": application_id, "budget_year": y, "amount": a} for y, a in new.items()]
            session.execute(insert(_RECOMMENDED), rows)
        summary = (
            f"Innstilt for «{app['title']}»: {format_recommendation(old)} → {format_recommendation(new)}"
        )
        uow.log(
            "application",
            application_id,
            "innstilt",
            summary,
            format_recommendation(old),
            format_recommendation(new),
        )
    return Change(recommended={application_id: new}, versions={application_id: new_version}, summary=summary)


def set_route(session: Session, application_id: int, route: str, *, version: int) -> Change:
    """Set the route: lokal, regional, begge or ikke_prioritert."""
    if route not in ROUTE_LABELS:
        raise PrioritisationError(f"Ukjent prioritering «{route}». Gyldige: {', '.join(ROUTES)}.")
    app = application_row(session, application_id)
    with unit_of_work(session, app["round_id"]) as uow:
        app = application_row(session, application_id)
        new_version = claim_application(uow, app, version)
        session.execute(update(APP).where(APP.c.id == application_id).values(route=route))
        old_label = ROUTE_LABELS.get(app["route"], app["route"])
        summary = f"Rute for «{app['title']}»: {old_label} → {ROUTE_LABELS[route]}"
        uow.log("application", application_id, "rute", summary, app["route"], route)
    return Change(routes={application_id: route}, versions={application_id: new_version}, summary=summary)
