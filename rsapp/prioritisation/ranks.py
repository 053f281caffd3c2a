"""Ranks: move one application, set a whole order, repair a round's ranks, "fyll potten"."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import bindparam, select, update
from sqlmodel import Session

from rsapp.allocation import fill_pot
from rsapp.allocation import move as move_in_order
from rsapp.prioritisation.common import (
    APP,
    REFRESH_HINT,
    Change,
    PrioritisationError,
    StaleError,
    application_row,
    claim_application,
    round_count,
    title,
    write_ranks,
)
from rsapp.store.unit_of_work import unit_of_work

__all__ = ["apply_fill_pot", "move_application", "normalise_ranks", "set_order"]


def normalise_ranks(session: Session, round_id: int) -> Change:
    """Make the round's ranks exactly 1..n again (keeps the order; unranked ones go last)."""
    with unit_of_work(session, round_id) as uow:
        rows = session.execute(
            select(APP.c.id, APP.c.rank)
            .where(APP.c.round_id == round_id)
            .order_by(APP.c.rank.is_(None), APP.c.rank, APP.c.id)
        ).all()
        new_ranks = {key: index for index, (key, rank) in enumerate(rows, start=1) if rank != index}
        write_ranks(session, new_ranks)
        if new_ranks:
            uow.log(
                "round",
                round_id,
                "rangering_ordnet",
                f"Rangeringen ble ordnet til 1–{len(rows)} ({len(new_ranks)} søknader fikk nytt nummer)",
            )
    return Change(ranks=new_ranks, summary="Rangeringen ble ordnet")


def move_application(session: Session, application_id: int, position: int, *, version: int) -> Change:
    """Move an application to 1-based ``position`` (1..n, else refused); the others close up."""
    if type(position) is not int:
        raise PrioritisationError(f"Plassen må være et heltall, fikk {position!r}.")
    app = application_row(session, application_id)
    round_id = app["round_id"]
    with unit_of_work(session, round_id) as uow:
        app = application_row(session, application_id)
        n = round_count(session, round_id)
        current = app["rank"]
        if not 1 <= position <= n:
            raise PrioritisationError(
                f"Plass {position} finnes ikke: runden har {n} søknader, så plassen må være fra 1 til {n}."
            )
        target = position
        if current == target:
            if app["version"] != version:
                raise StaleError(f"Søknaden «{app['title']}» er endret av en annen bruker. {REFRESH_HINT}")
            return Change(summary=f"«{app['title']}» står allerede på plass {target}")
        new_version = claim_application(uow, app, version)
        if current is None:
            raise PrioritisationError(f"Søknaden «{app['title']}» har ingen rangering. {REFRESH_HINT}")
        lo, hi = min(current, target), max(current, target)
        segment = (
            session.execute(
                select(APP.c.id)
                .where(APP.c.round_id == round_id, APP.c.rank.between(lo, hi))
                .order_by(APP.c.rank)
            )
            .scalars()
            .all()
        )
        if len(segment) != hi - lo + 1:
            raise PrioritisationError(
                f"Rangeringen i runden har hull eller dubletter mellom {lo} og {hi}. {REFRESH_HINT}"
            )
        reordered = move_in_order(segment, application_id, target - lo + 1)
        new_ranks = {key: lo + i for i, key in enumerate(reordered) if segment[i] != key}
        write_ranks(session, new_ranks)
        summary = f"Flyttet «{app['title']}» fra plass {current} til {target}"
        uow.log(
            "application",
            application_id,
            "flytt",
            summary,
            f"plass {current}",
            f"plass {target}",
        )
    return Change(ranks=new_ranks, versions={application_id: new_version}, summary=summary)


def set_order(
    session: Session,
    round_id: int,
    order: list[int],
    *,
    versions: Mapping[int, int],
    action: str = "rekkefølge",
    summary: str | None = None,
) -> Change:
    """Give the round exactly this order (ids, rank 1 first).

    Every application whose rank changes must have its expected version in ``versions``.
    """
    with unit_of_work(session, round_id) as uow:
        rows = session.execute(
            select(APP.c.id, APP.c.rank, APP.c.version, APP.c.name, APP.c.working_title).where(
                APP.c.round_id == round_id
            )
        ).all()
        current = {r[0]: r for r in rows}
        if len(order) != len(set(order)) or set(order) != set(current):
            raise StaleError(f"Søknadene i runden er endret av en annen bruker. {REFRESH_HINT}")
        new_ranks = {key: i for i, key in enumerate(order, start=1) if current[key][1] != i}
        new_versions: dict[int, int] = {}
        for key in new_ranks:
            row = current[key]
            expected = versions.get(key)
            if expected is None or expected != row[2]:
                raise StaleError(
                    f"Søknaden «{title(row[3], row[4])}» er endret av en annen bruker. {REFRESH_HINT}"
                )
            new_versions[key] = row[2] + 1
        if new_ranks:
            session.execute(
                update(APP)
                .where(APP.c.id == bindparam("b_id"), APP.c.version == bindparam("b_version"))
                .values(version=bindparam("b_new")),
                [{"b_id": k, "b_version": v - 1, "b_new": v} for k, v in new_versions.items()],
            )
            write_ranks(session, new_ranks)
        text = summary or f"Ny rekkefølge: {len(new_ranks)} søknader fikk ny plass"
        old = ",".join(str(k) for k in sorted(current, key=lambda k: current[k][1] or 0))
        uow.log("round", round_id, action, text, old, ",".join(map(str, order)))
    return Change(ranks=new_ranks, versions=new_versions, summary=text)


def apply_fill_pot(
    session: Session, round_id: int, *, versions: Mapping[int, int]
) -> tuple[Change, list[int], list[int]]:
    """ "Fyll potten": the applications that fit (greedily, in rank order) move up, in their order.

    Returns the change, the order before and the order after (for undo).
    """
    from rsapp.portfolio import round_allocation

    allocation = round_allocation(session, round_id)
    before = [row.key for row in allocation.rows]
    fits = fill_pot(allocation)
    chosen = set(fits)
    after = fits + [key for key in before if key not in chosen]
    names = len(fits)
    change = set_order(
        session,
        round_id,
        after,
        versions=versions,
        action="fyll_potten",
        summary=f"Fyll potten: {names} søknader som får plass, ble flyttet øverst",
    )
    return change, before, after
