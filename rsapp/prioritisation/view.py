"""The read side of the prioritisation: the round as the screen and ``rsapp prioriter`` see it."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlmodel import Session, col, select

from rsapp.allocation import ROUTE_LABELS, Allocation, ApplicationInput, EarmarkInput, PotInput, allocate
from rsapp.models import Application, ChangeLog, Round
from rsapp.money import format_kr
from rsapp.prioritisation.common import Change, PrioritisationError
from rsapp.prioritisation.earmarks import EarmarkItem, load_earmarks
from rsapp.prioritisation.ranks import normalise_ranks

__all__ = ["RoundView", "change_log", "format_log_value", "load_view"]


@dataclass(slots=True)
class RoundView:
    """Everything the prioritisation screen shows of one round, read in one go."""

    round_id: int
    round_key: str
    round_name: str
    year: int
    pots: list[PotInput]
    earmarks: list[EarmarkItem]
    applications: dict[int, ApplicationInput]  # id -> input (rank, applied, recommended, route)
    owners: dict[int, str]
    versions: dict[int, int]

    def earmark_inputs(self) -> list[EarmarkInput]:
        return [
            EarmarkInput(e.id, e.data.name, {} if e.data.is_open else dict(e.data.amounts), e.data.is_open)
            for e in self.earmarks
        ]

    def allocation(self) -> Allocation:
        return allocate(
            self.pots, self.earmark_inputs(), list(self.applications.values()), round_year=self.year
        )

    def ranks(self) -> dict[int, int]:
        """Application id -> rank, as this copy has it."""
        return {key: app.rank for key, app in self.applications.items()}

    def order(self) -> list[int]:
        """Application ids in rank order."""
        return sorted(self.applications, key=lambda key: self.applications[key].rank)

    def apply(self, change: Change) -> None:
        """Bring this copy up to date with a change (ranks, recommendations, routes, versions)."""
        apps = self.applications
        touched = set(change.ranks) | set(change.recommended) | set(change.routes)
        for key in touched:
            old = apps.get(key)
            if old is None:
                continue
            apps[key] = replace(
                old,
                rank=change.ranks.get(key, old.rank),
                recommended=change.recommended[key] if key in change.recommended else old.recommended,
                route=change.routes.get(key, old.route),
            )
        self.versions.update(change.versions)


def load_view(session: Session, round_id: int) -> RoundView:
    """The round as the prioritisation screen needs it. Repairs ranks first if they are not 1..n."""
    from rsapp.portfolio import allocation_inputs

    round_ = session.get(Round, round_id)
    if round_ is None:
        raise PrioritisationError(f"Fant ingen runde med id {round_id}.")
    ranks = session.exec(select(Application.rank).where(Application.round_id == round_id)).all()
    if sorted(r or 0 for r in ranks) != list(range(1, len(ranks) + 1)):
        normalise_ranks(session, round_id)
    pots, _earmarks, apps, year = allocation_inputs(session, round_id)
    meta = session.exec(
        select(Application.id, Application.version, Application.owners).where(
            Application.round_id == round_id
        )
    ).all()
    owners = {int(row[0]): row[2] for row in meta if row[0] is not None}
    versions = {int(row[0]): row[1] for row in meta if row[0] is not None}
    return RoundView(
        round_id=round_id,
        round_key=round_.key,
        round_name=round_.name,
        year=year,
        pots=pots,
        earmarks=load_earmarks(session, round_id),
        applications={a.key: a for a in apps},
        owners=owners,
        versions=versions,
    )


def format_log_value(action: str, value: str) -> str:
    """A change log's old or new value as a user reads it.

    Recommendations are written per year ("2026: 3 000 000 kr") or "som søkt", and moves as
    "plass 3"; rows written by older versions held bare numbers ("3000000", "" for the applied
    amount), shown the same way here.
    Routes are stored as their codes ("begge") and shown by their labels ("Begge").
    """
    text = value.strip()
    if action in ("innvilget", "innstilt"):
        if not text:
            return "som søkt"
        if text.isdigit():
            return format_kr(int(text))
    elif action == "flytt" and text.isdigit():
        return f"plass {text}"
    elif action == "rute":
        return ROUTE_LABELS.get(text, value)
    return value


def change_log(session: Session, round_id: int, limit: int = 500) -> list[ChangeLog]:
    """The round's change log, newest first."""
    return list(
        session.exec(
            select(ChangeLog)
            .where(ChangeLog.round_id == round_id)
            .order_by(col(ChangeLog.at).desc(), col(ChangeLog.id).desc())
            .limit(limit)
        )
    )
