"""What every part of the prioritisation's write side shares: errors, the change record, row access.

Writes go through :func:`rsapp.store.unit_of_work` (transaction, round lock, version check,
change log). Ranks are always a contiguous permutation 1..n (the database also has
UNIQUE(round_id, rank), CHECK(rank >= 1) and a trigger refusing gaps). A reorder first shifts
the affected rows out of the way (+ :data:`RANK_SHIFT`) and then writes their final ranks, in
one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlmodel import Session

from rsapp.models import Application, Earmark, Round
from rsapp.money import AmountError, parse_amount
from rsapp.store.unit_of_work import REFRESH_HINT, StaleError, StoreError, UnitOfWork

__all__ = [
    "RANK_SHIFT",
    "REFRESH_HINT",
    "Change",
    "PrioritisationError",
    "StaleError",
    "read_amount",
]

#: Added to ranks that are about to change, so no intermediate state breaks UNIQUE(round_id, rank).
RANK_SHIFT = 1_000_000

APP = Application.__table__  # type: ignore[attr-defined]
EARMARK = Earmark.__table__  # type: ignore[attr-defined]
ROUND = Round.__table__  # type: ignore[attr-defined]

#: A change that cannot be made; the message is Norwegian and names what and where.
PrioritisationError = StoreError


@dataclass(slots=True)
class Change:
    """What a change did, for updating a screen's copy of the round without reading it all again."""

    ranks: dict[int, int] = field(default_factory=dict)  # application id -> new rank
    versions: dict[int, int] = field(default_factory=dict)  # application id -> new version
    # application id -> new recommendation per year (None: as applied for)
    recommended: dict[int, dict[int, int] | None] = field(default_factory=dict)
    routes: dict[int, str] = field(default_factory=dict)  # application id -> new route
    earmarks_changed: bool = False
    earmark_versions: dict[int, int] = field(default_factory=dict)  # earmark id -> new version
    summary: str = ""  # Norwegian, one line, as written to the change log

    def merge(self, other: Change) -> Change:
        self.ranks.update(other.ranks)
        self.versions.update(other.versions)
        self.recommended.update(other.recommended)
        self.routes.update(other.routes)
        self.earmarks_changed = self.earmarks_changed or other.earmarks_changed
        self.earmark_versions.update(other.earmark_versions)
        self.summary = other.summary or self.summary
        return self


def title(name: str, working_title: str) -> str:
    return name.strip() or working_title.strip() or "(uten navn)"


def application_row(session: Session, application_id: int) -> dict[str, Any]:
    """The columns of one application the write side needs, and its title."""
    row = (
        session.execute(
            select(
                APP.c.id,
                APP.c.round_id,
                APP.c.rank,
                APP.c.route,
                APP.c.version,
                APP.c.name,
                APP.c.working_title,
            ).where(APP.c.id == application_id)
        )
        .mappings()
        .first()
    )
    if row is None:
        raise StaleError(f"Fant ingen søknad med id {application_id}. Den kan være slettet. {REFRESH_HINT}")
    out = dict(row)
    out["title"] = title(out["name"], out["working_title"])
    return out


def claim_application(uow: UnitOfWork, app: Mapping[str, Any], version: int) -> int:
    """Bump the version if it is still ``version``; else :class:`StaleError`. Returns the new version."""
    return uow.claim(Application, app["id"], version, f"Søknaden «{app['title']}»")


def write_ranks(session: Session, new_ranks: Mapping[int, int]) -> None:
    """Move the given rows out of the way, then to their final ranks (same transaction)."""
    if not new_ranks:
        return
    ids = list(new_ranks)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        session.execute(update(APP).where(APP.c.id.in_(chunk)).values(rank=APP.c.rank + RANK_SHIFT))
    session.execute(
        update(APP).where(APP.c.id == bindparam("b_id")).values(rank=bindparam("b_rank")),
        [{"b_id": key, "b_rank": rank} for key, rank in new_ranks.items()],
    )


def round_count(session: Session, round_id: int) -> int:
    return session.execute(
        select(func.count()).select_from(APP).where(APP.c.round_id == round_id)
    ).scalar_one()


def read_amount(text: str, what: str) -> int:
    """Whole kroner from what a user typed ("3 000 000", "3 mill", "kr 1,5 mill."); ``what`` names the field."""
    try:
        parsed = parse_amount(text)
    except AmountError as exc:
        raise PrioritisationError(f"{what}: {exc}.") from exc
    if parsed.is_range:
        raise PrioritisationError(f"{what}: «{text}» er et spenn; skriv ett beløp.")
    return parsed.low
