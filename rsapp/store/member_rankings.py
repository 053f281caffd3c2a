"""SSU members' own rankings in the database: each member's private order, and the aggregate.

* :func:`own_ranking`, :func:`save_own_order`, :func:`move_own` — the signed-in SSU member's own
  order of a round (``member_ranking``; until they save, the innstilling's order). Writes go
  through the unit of work with ``scope="member"``: only their own rows, no round lock; the
  change log records that they changed their ranking, never the order itself;
* :func:`round_aggregate` — for the secretariat: Borda count, median, spread and contested
  applications (:mod:`rsapp.prioritisation.members`), never one member's list;
* :func:`use_aggregate` — the aggregate order as the innstilling's starting order (one
  versioned, logged, undoable-by-hand change through :func:`rsapp.prioritisation.set_order`).

On PostgreSQL a member's rows are readable by that member and the secretariat of their
helsefellesskap only (row-level security); here the same rule is checked for SQLite.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import text
from sqlmodel import Session

from rsapp.prioritisation.members import Aggregate, Candidate, aggregate, complete_order, move
from rsapp.store import access
from rsapp.store.unit_of_work import AccessError, StoreError, unit_of_work

__all__ = [
    "MemberRankingError",
    "OwnRanking",
    "candidates",
    "move_own",
    "own_ranking",
    "round_aggregate",
    "save_own_order",
    "use_aggregate",
]


class MemberRankingError(StoreError):
    """A member ranking that cannot be read or saved (Norwegian message)."""


@dataclass(frozen=True, slots=True)
class OwnRanking:
    round_id: int
    order: list[Candidate]  # in the member's order; Candidate.rank is the innstilling's place
    saved: bool  # False: nothing saved yet (the innstilling's order is shown)


def candidates(session: Session, round_id: int) -> tuple[list[Candidate], int | None]:
    """The round's applications in the innstilling's order, and the cut (places above the line)."""
    from rsapp.portfolio import round_allocation

    try:
        allocation = round_allocation(session, round_id)
    except LookupError as exc:
        raise MemberRankingError(f"Fant ingen runde med id {round_id}.") from exc
    found = [Candidate(row.key, row.name, row.rank) for row in allocation.rows]
    return found, allocation.cut_index


def _member() -> access.Identity:
    identity = access.current()
    if identity.role != access.ROLE_SSU or identity.user_id is None:
        raise MemberRankingError(
            "Bare SSU-medlemmer har en egen rangering. Sekretariatet ser medlemmenes samlede rangering."
        )
    return identity


def _saved_order(session: Session, round_id: int, user_id: int) -> list[int]:
    return [
        int(r[0])
        for r in session.execute(
            text(
                "SELECT application_id FROM member_ranking WHERE user_id = :u AND round_id = :r ORDER BY rank"
            ),
            {"u": user_id, "r": round_id},
        )
    ]


def own_ranking(session: Session, round_id: int) -> OwnRanking:
    """The signed-in member's order of the round (the innstilling's order until they save one)."""
    identity = _member()
    found, _cut = candidates(session, round_id)
    saved = _saved_order(session, round_id, identity.user_id)  # type: ignore[arg-type]
    by_key = {c.key: c for c in found}
    order = complete_order(saved, found)
    return OwnRanking(round_id, [by_key[key] for key in order], bool(saved))


def save_own_order(session: Session, round_id: int, order: list[int]) -> OwnRanking:
    """Save the member's whole order (application ids, first place first)."""
    identity = _member()
    with unit_of_work(session, round_id, scope="member") as uow:
        found, _cut = candidates(session, round_id)
        keys = {c.key for c in found}
        if len(order) != len(set(order)) or set(order) != keys:
            raise MemberRankingError(
                "Rangeringen må ha hver søknad i runden nøyaktig én gang; søknadene kan ha endret seg. "
                "Åpne rangeringen på nytt."
            )
        params = {"u": identity.user_id, "r": round_id}
        session.execute(text("DELETE FROM member_ranking WHERE user_id = :u AND round_id = :r"), params)
        now = datetime.now(UTC)
        session.execute(
            text(
                "INSERT INTO member_ranking (user_id, round_id, application_id, rank, updated_at)"
                " VALUES (:u, :r, :a, :rank, :now)"
            ),
            [{**params, "a": key, "rank": place, "now": now} for place, key in enumerate(order, start=1)],
        )
        uow.log(
            "medlemsrangering",
            identity.user_id,
            "endret",
            f"{identity.display_name or identity.username} oppdaterte sin egen rangering",
        )
    by_key = {c.key: c for c in found}
    return OwnRanking(round_id, [by_key[key] for key in order], True)


def move_own(session: Session, round_id: int, application_id: int, position: int) -> OwnRanking:
    """Move one application to 1-based ``position`` in the member's own order, and save it."""
    current = own_ranking(session, round_id)
    keys = [c.key for c in current.order]
    if application_id not in keys:
        raise MemberRankingError(f"Søknad {application_id} er ikke i runden.")
    if not 1 <= position <= len(keys):
        raise MemberRankingError(f"Plass {position} finnes ikke: velg fra 1 til {len(keys)}.")
    return save_own_order(session, round_id, move(keys, application_id, position))


def round_aggregate(session: Session, round_id: int) -> Aggregate:
    """The members' rankings of the round put together (the secretariat's view)."""
    identity = access.current()
    if not (identity.is_owner or identity.role == access.ROLE_SEKRETARIAT):
        raise AccessError("Medlemmenes samlede rangering vises bare for sekretariatet.")
    found, cut = candidates(session, round_id)
    rows = session.execute(
        text(
            "SELECT m.user_id, m.application_id FROM member_ranking m JOIN app_user u ON u.id = m.user_id"
            " WHERE m.round_id = :r AND u.role = 'ssu' ORDER BY m.user_id, m.rank"
        ),
        {"r": round_id},
    ).all()
    orders: dict[int, list[int]] = {}
    for user_id, application_id in rows:
        orders.setdefault(int(user_id), []).append(int(application_id))
    return aggregate(found, list(orders.values()), cut)


def use_aggregate(session: Session, round_id: int) -> tuple[Aggregate, int]:
    """Give the innstilling the aggregate order; returns it and how many applications moved."""
    from rsapp.prioritisation.ranks import set_order

    result = round_aggregate(session, round_id)
    if result.members == 0:
        raise MemberRankingError("Ingen SSU-medlemmer har rangert søknadene i runden ennå.")
    members = "1 medlem" if result.members == 1 else f"{result.members} medlemmer"
    versions = {
        int(r[0]): int(r[1])
        for r in session.execute(
            text("SELECT id, version FROM application WHERE round_id = :r"), {"r": round_id}
        )
    }
    change = set_order(
        session,
        round_id,
        result.order,
        versions=versions,
        action="medlemsrangering",
        summary=f"Startrekkefølge fra medlemmenes samlede rangering ({members})",
    )
    return result, len(change.ranks)
