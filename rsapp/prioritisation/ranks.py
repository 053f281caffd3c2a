"""Ranks: move one application, set a whole order, repair a round's ranks, "fyll potten"."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

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


def _current_order(session: Session, round_id: int) -> list[int]:
    return list(
        session.execute(
            select(APP.c.id)
            .where(APP.c.round_id == round_id)
            .order_by(APP.c.rank.is_(None), APP.c.rank, APP.c.id)
        )
        .scalars()
        .all()
    )


def _check_expected_order(session: Session, round_id: int, expected: Sequence[int] | None) -> None:
    """:class:`StaleError` unless the round's order is still ``expected`` (the order the user saw)."""
    if expected is not None and list(expected) != _current_order(session, round_id):
        raise StaleError(
            f"Søknadene i runden er endret av en annen bruker: rekkefølgen er endret siden du så den. {REFRESH_HINT}"
        )


def _neighbour_target(
    session: Session, round_id: int, app: Mapping[str, object], above: int | None, below: int | None
) -> tuple[int, str]:
    """The place that puts ``app`` directly above ``above`` (or below ``below``) in today's order,
    and the words for the summary ("over «X»")."""
    if above is not None and below is not None:
        raise PrioritisationError(
            "Oppgi enten søknaden den skal stå over, eller den den skal stå under, ikke begge."
        )
    neighbour_id = above if above is not None else below
    assert neighbour_id is not None
    if neighbour_id == app["id"]:
        raise PrioritisationError(f"Søknaden «{app['title']}» kan ikke flyttes over eller under seg selv.")
    row = session.execute(
        select(APP.c.round_id, APP.c.rank, APP.c.name, APP.c.working_title).where(APP.c.id == neighbour_id)
    ).first()
    if row is None or row[0] != round_id or row[1] is None:
        raise StaleError(
            f"Søknaden med id {neighbour_id}, som «{app['title']}» skulle flyttes i forhold til, "
            f"finnes ikke lenger i runden. {REFRESH_HINT}"
        )
    rank = row[1]
    current = app["rank"]
    assert isinstance(current, int)
    if above is not None:
        target = rank - 1 if current < rank else rank
        words = f"over «{title(row[2], row[3])}»"
    else:
        target = rank if current < rank else rank + 1
        words = f"under «{title(row[2], row[3])}»"
    return target, words


def move_application(
    session: Session,
    application_id: int,
    position: int | None,
    *,
    version: int,
    above: int | None = None,
    below: int | None = None,
    expected_order: Sequence[int] | None = None,
) -> Change:
    """Move an application to 1-based ``position`` (1..n, else refused); the others close up.

    A move made from a list the user looked at keeps the user's intent even when another user
    has reordered the round since: ``above=ID`` puts it directly above application ID (``below``
    directly below), wherever ID stands now; ``position`` is then only what the user saw.
    ``expected_order`` (ids, rank 1 first) refuses the move with :class:`StaleError` unless the
    round still has exactly that order.
    """
    if position is not None and type(position) is not int:
        raise PrioritisationError(f"Plassen må være et heltall, fikk {position!r}.")
    if position is None and above is None and below is None:
        raise PrioritisationError("Oppgi plassen, eller søknaden den skal stå over eller under.")
    app = application_row(session, application_id)
    round_id = app["round_id"]
    with unit_of_work(session, round_id) as uow:
        app = application_row(session, application_id)
        _check_expected_order(session, round_id, expected_order)
        n = round_count(session, round_id)
        current = app["rank"]
        words = ""
        if current is not None and (above is not None or below is not None):
            position, words = _neighbour_target(session, round_id, app, above, below)
        assert position is not None
        if not 1 <= position <= n:
            raise PrioritisationError(
                f"Plass {position} finnes ikke: runden har {n} søknader, så plassen må være fra 1 til {n}."
            )
        target = position
        if current == target:
            if app["version"] != version:
                raise StaleError(f"Søknaden «{app['title']}» er endret av en annen bruker. {REFRESH_HINT}")
            where = f" ({words})" if words else ""
            return Change(summary=f"«{app['title']}» står allerede på plass {target}{where}")
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
        if words:
            summary += f", {words}"
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
    expected_order: Sequence[int] | None = None,
) -> Change:
    """Give the round exactly this order (ids, rank 1 first).

    Every application whose rank changes must have its expected version in ``versions``;
    ``expected_order`` (the order the user saw) refuses the change if the round's order has
    changed since (rows shifted by another user's move keep their versions).
    """
    with unit_of_work(session, round_id) as uow:
        _check_expected_order(session, round_id, expected_order)
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
