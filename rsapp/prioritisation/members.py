"""SSU members' own rankings, put together: Borda count, median place, spread, contested rows.

Before the meeting each SSU member ranks a round's applications privately
(:mod:`rsapp.store.member_rankings` keeps them); the secretariat sees only what this module
computes from them, never one member's list:

* **Borda count**: with *n* applications, place *p* in a member's ranking gives *n − p* points
  (first place *n − 1*, last place 0); an application's score is the sum over the members;
* **median place** over the members, and the **spread** (best and worst place any member gave);
* **omstridt nær streken** (contested at the line): some member placed the application above
  the cut line of the current innstilling and some member below it, i.e. its best place is at
  or above the line and its worst place below it;
* the **aggregate order** (:data:`TIE_BREAK_RULE`): most points first; equal points are decided
  by the lower median place, then by the current innstilling's order. Every order is complete:
  an application a member has not placed (added after they ranked) counts after the ones they
  placed, in the innstilling's order; applications no longer in the round are ignored.

Plain Python: no database, no Textual, no money (the cut line comes from the ledger).
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "TIE_BREAK_RULE",
    "Aggregate",
    "AggregateRow",
    "Candidate",
    "aggregate",
    "complete_order",
    "move",
]

#: The tie-break rule as the secretariat reads it (shown under the aggregate and in the CLI).
TIE_BREAK_RULE = (
    "Samlet rekkefølge: flest Borda-poeng først (hvert medlem gir n − plass poeng, n = antall søknader). "
    "Ved likt poengtall går lavest median plass først, deretter rekkefølgen i innstillingen nå."
)


@dataclass(frozen=True, slots=True)
class Candidate:
    """An application as the innstilling has it now: its key, title and current place (1-based)."""

    key: int
    name: str
    rank: int


@dataclass(frozen=True, slots=True)
class AggregateRow:
    key: int
    name: str
    place: int  # in the aggregate order, 1-based
    current_rank: int  # in the innstilling now
    borda: int  # points, sum over the members
    median: float | None  # median place given by the members (None without rankings)
    best: int | None  # the best (lowest) place any member gave
    worst: int | None  # the worst (highest) place any member gave
    contested: bool  # members' places on both sides of the cut line

    @property
    def spread(self) -> int:
        """Worst − best place (0 when every member agrees, or no ranking)."""
        return 0 if self.best is None or self.worst is None else self.worst - self.best

    @property
    def spread_label(self) -> str:
        if self.best is None or self.worst is None:
            return "–"
        return str(self.best) if self.best == self.worst else f"{self.best}–{self.worst}"

    @property
    def median_label(self) -> str:
        if self.median is None:
            return "–"
        return f"{self.median:g}".replace(".", ",")


@dataclass(frozen=True, slots=True)
class Aggregate:
    rows: list[AggregateRow]  # in aggregate order
    members: int  # how many members' rankings were counted
    cut: int | None  # places 1..cut are above the line now; None: no line
    rule: str = TIE_BREAK_RULE

    @property
    def order(self) -> list[int]:
        """The application keys in aggregate order (the starting order it would give)."""
        return [row.key for row in self.rows]

    @property
    def contested(self) -> list[AggregateRow]:
        return [row for row in self.rows if row.contested]


def complete_order(order: Sequence[int], candidates: Sequence[Candidate]) -> list[int]:
    """A member's order made complete: keys no longer in the round dropped, keys not placed
    added after the placed ones in the innstilling's order."""
    keys = {c.key for c in candidates}
    seen: set[int] = set()
    out = []
    for key in order:
        if key in keys and key not in seen:
            out.append(key)
            seen.add(key)
    out += [c.key for c in sorted(candidates, key=lambda c: c.rank) if c.key not in seen]
    return out


def move(order: Sequence[int], key: int, position: int) -> list[int]:
    """``order`` with ``key`` moved to 1-based ``position`` (clamped to 1..n)."""
    out = [k for k in order if k != key]
    if len(out) == len(order):
        raise KeyError(key)
    index = min(max(position, 1), len(order)) - 1
    out.insert(index, key)
    return out


def aggregate(
    candidates: Sequence[Candidate], rankings: Sequence[Sequence[int]], cut: int | None
) -> Aggregate:
    """The members' ``rankings`` (each a sequence of keys, first place first) put together over
    ``candidates``; ``cut``: how many places are above the line now (None: no line)."""
    n = len(candidates)
    orders = [complete_order(order, candidates) for order in rankings]
    places: dict[int, list[int]] = {c.key: [] for c in candidates}
    for order in orders:
        for index, key in enumerate(order, start=1):
            places[key].append(index)
    scored = []
    for c in candidates:
        mine = places[c.key]
        borda = sum(n - p for p in mine)
        median = float(statistics.median(mine)) if mine else None
        scored.append((c, borda, median, mine))
    scored.sort(
        key=lambda item: (-item[1], item[2] if item[2] is not None else n + 1, item[0].rank, item[0].key)
    )
    rows = []
    for place, (c, borda, median, mine) in enumerate(scored, start=1):
        best, worst = (min(mine), max(mine)) if mine else (None, None)
        contested = cut is not None and best is not None and worst is not None and best <= cut < worst
        rows.append(AggregateRow(c.key, c.name, place, c.rank, borda, median, best, worst, contested))
    return Aggregate(rows, len(orders), cut)
