"""The ledger: money by budget year, carried over, the cut line, fits, forwarded amounts, warnings.

This is the one place a money rule is computed. The prioritisation screen, ``rsapp prioriter
vis``, the Excel export and the saksfremlegg all call :func:`allocate` and present its result.
Plain Python: no Textual, no database. Callers turn their rows into the frozen ``*Input``
dataclasses below and get an :class:`Allocation` back. All amounts are whole kroner (``int``);
everything a user reads is Norwegian bokmål.

The rules (DOMAIN.md §3a):

* **A ledger per budget year, carried over.** For each year: opening balance (the previous
  year's closing) + new money (pots of that year, confirmed or assumed) − decided earmarks of
  that year − the local amounts of the applications above the cut line = closing balance,
  carried into the next year. An *open* earmark is in no year and never counts as 0: it is
  listed and warned about until its amount is decided.
* **Amounts per year.** What is applied for and what is recommended (*innstilt*) are sets of
  (year, amount). An amount with no year counts in the round's year (flagged). A plan whose
  first year is before the round's year is shifted whole to start in the round's year
  (flagged), never dropped. The recommendation defaults to what was applied for, year by year.
* **Unknown is not zero.** An application with no stated amount and no recommendation has
  status :data:`POSITION_UNKNOWN` (``?``): it is neither above nor below the line and draws
  nothing. A round with no pot at all has no cut line (:data:`POSITION_NO_POT`).
* **The cut line.** Walking the ranking, an application that draws local money *fits* while
  every year with a confirmed pot keeps a closing balance of at least 0 (the carried rest
  counts). The first one that does not fit is the cut: it and every row after it are below the
  line. Years resting on an assumed pot, or on no pot, are allowed but warned about, per
  application and per year. :func:`fill_pot` uses the same test.
* **Routes.** *lokal*: the local pot pays the recommendation. *regional*: nothing local, all
  that was applied for is forwarded. *begge*: the local pot pays the recommendation when the
  application is above the line, and the rest of what was applied for is forwarded, per year.
  *ikke prioritert*: neither. :attr:`Allocation.regional` is the regional list, in rank order.

Each ``*Input`` checks itself when it is constructed and raises :class:`AllocationError`;
:func:`allocate` checks what spans rows (ranks 1..n, unique keys). The years view and the
warnings are computed lazily, so :func:`allocate` stays cheap enough to run on every keystroke.
Treat an :class:`Allocation` as read-only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

from rsapp.money import format_kr as _format_kr

__all__ = [
    "LOCAL_ROUTES",
    "POSITION_ABOVE",
    "POSITION_BELOW",
    "POSITION_NO_POT",
    "POSITION_UNKNOWN",
    "ROUTES",
    "ROUTE_BOTH",
    "ROUTE_LABELS",
    "ROUTE_LOCAL",
    "ROUTE_NONE",
    "ROUTE_REGIONAL",
    "SPREAD_AS_APPLIED",
    "SPREAD_EVEN",
    "SPREAD_MODES",
    "SPREAD_ROUND_YEAR",
    "Allocation",
    "AllocationError",
    "ApplicationInput",
    "EarmarkInput",
    "Ledger",
    "Plan",
    "PotInput",
    "RegionalItem",
    "Row",
    "YearLedger",
    "allocate",
    "fill_pot",
    "move",
    "plan_of",
    "reallocate_after_move",
    "spread",
    "validate_ranks",
    "year_span",
]

# --- Routes -------------------------------------------------------------------------

ROUTE_LOCAL = "lokal"
ROUTE_REGIONAL = "regional"
ROUTE_BOTH = "begge"
ROUTE_NONE = "ikke_prioritert"
ROUTE_LABELS = {
    ROUTE_LOCAL: "Lokal pott",
    ROUTE_REGIONAL: "Regional søknad",
    ROUTE_BOTH: "Begge",
    ROUTE_NONE: "Ikke prioritert",
}
#: Every valid route, in display order.
ROUTES = tuple(ROUTE_LABELS)
#: Routes whose recommendation is paid from the local pot.
LOCAL_ROUTES = frozenset({ROUTE_LOCAL, ROUTE_BOTH})
#: Routes that forward something to Helse Nord.
FORWARD_ROUTES = frozenset({ROUTE_REGIONAL, ROUTE_BOTH})

# --- Where a row stands -------------------------------------------------------------

POSITION_ABOVE = "over"  # draws local money and fits (or draws nothing), above the cut
POSITION_BELOW = "under"  # at or after the cut
POSITION_UNKNOWN = "ukjent"  # amount not stated and nothing recommended: "?"
POSITION_NO_POT = "ingen_pott"  # the round states no pot: there is no cut line

# --- Spreading a total over years (the grant dialog) --------------------------------

SPREAD_ROUND_YEAR = "runden"
SPREAD_AS_APPLIED = "som_søkt"
SPREAD_EVEN = "jevnt"
SPREAD_MODES = {
    SPREAD_ROUND_YEAR: "Alt i rundens år",
    SPREAD_AS_APPLIED: "Fordelt som søkt",
    SPREAD_EVEN: "Jevnt over planens år",
}

_BY_RANK = attrgetter("rank")


class AllocationError(ValueError):
    """Input that cannot be allocated; the message is Norwegian and names the culprit."""


def _check_amount(value: object, what: str) -> None:
    if type(value) is not int:
        raise AllocationError(f"{what} må være et helt antall kroner, fikk {value!r}.")
    if value < 0:
        raise AllocationError(f"{what} kan ikke være negativt ({_format_kr(value)}).")


def _check_year(value: object, what: str) -> None:
    if type(value) is not int:
        raise AllocationError(f"{what}: budsjettåret må være et årstall, fikk {value!r}.")


def year_span(years: Iterable[int]) -> str:
    """``[2028, 2029, 2030]`` → ``"2028–2030"``; ``[2026, 2028]`` → ``"2026, 2028"``."""
    ordered = sorted(set(years))
    parts: list[str] = []
    start = prev = None
    for year in ordered:
        if start is None:
            start = prev = year
        elif prev is not None and year == prev + 1:
            prev = year
        else:
            parts.append(str(start) if start == prev else f"{start}–{prev}")
            start = prev = year
    if start is not None:
        parts.append(str(start) if start == prev else f"{start}–{prev}")
    return ", ".join(parts)


# --- Inputs -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PotInput:
    """New local money for one budget year, confirmed or only assumed."""

    budget_year: int
    amount: int
    origin: str = ""  # e.g. "Rest fra 2025"; the ledger label when given
    confirmed: bool = True  # False: assumed until Helse Nord confirms it

    def __post_init__(self) -> None:
        _check_year(self.budget_year, "Pott")
        _check_amount(self.amount, f"Pott for {self.budget_year}")


@dataclass(frozen=True, slots=True)
class EarmarkInput:
    """Money set aside before any application is ranked (an *avsetning*)."""

    key: int
    name: str
    amounts: Mapping[int, int]  # budget year -> kr; empty means open
    is_open: bool = False  # amount not decided: in no year, always warned
    # An award of an earlier round still bound in this round's years (a *tilsagn*), counted
    # like a decided earmark; not a new decision of this round.
    commitment: bool = False

    def __post_init__(self) -> None:
        for year, amount in self.amounts.items():
            _check_year(year, f"Avsetning «{self.name}»")
            _check_amount(amount, f"Avsetning «{self.name}» for {year}")

    @property
    def open(self) -> bool:
        return self.is_open or not self.amounts


@dataclass(frozen=True, slots=True)
class ApplicationInput:
    """One application as the prioritisation sees it.

    ``applied_by_year`` maps budget year (None: no year given) to the amount applied for;
    ``applied_total`` is None when no amount is stated anywhere (*ikke oppgitt*).
    ``recommended`` is the innstilt amount per year, None for the default (as applied for).
    ``awarded`` is what the vedtak awarded from the local pot per year (*innvilget*), None before
    the vedtak. It takes the recommendation's place; an awarded row draws its amounts whatever the
    balance (it is decided, so it never falls below the line), and ``Row.awarded`` tells the
    presenters to say *innvilget* instead of *innstilt*.
    """

    key: int
    name: str
    rank: int  # 1..n, 1 is the highest priority
    applied_by_year: Mapping[int | None, int]
    applied_total: int | None
    recommended: Mapping[int, int] | None = None
    route: str = ROUTE_BOTH
    awarded: Mapping[int, int] | None = None
    _plans: dict[object, Any] = field(default_factory=dict, init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        rank = self.rank
        applied = self.applied_total
        if (
            type(rank) is not int
            or rank < 1
            or self.route not in ROUTE_LABELS
            or (applied is not None and (type(applied) is not int or applied < 0))
        ):
            _application_problem(self)
        for year, amount in self.applied_by_year.items():
            if type(amount) is not int or amount < 0 or (year is not None and type(year) is not int):
                _application_problem(self)
        if self.recommended is not None:
            total = 0
            for year, amount in self.recommended.items():
                _check_year(year, f"Innstilt beløp for «{self.name}»")
                _check_amount(amount, f"Innstilt beløp for «{self.name}» i {year}")
                total += amount
            if applied is not None and total > applied:
                raise AllocationError(
                    f"Innstilt beløp for «{self.name}» ({_format_kr(total)}) er høyere enn "
                    f"søkt ({_format_kr(applied)})."
                )
        if self.awarded is not None:
            for year, amount in self.awarded.items():
                _check_year(year, f"Innvilget beløp for «{self.name}»")
                _check_amount(amount, f"Innvilget beløp for «{self.name}» i {year}")

    def plan(self, round_year: int) -> Plan:
        """The application's plan in the round (cached per round year)."""
        plan = self._plans.get(round_year)
        if plan is None:
            plan = self._plans[round_year] = plan_of(self.applied_by_year, self.applied_total, round_year)
        return plan


def _application_problem(app: ApplicationInput) -> None:
    """Raise the precise error for an application that failed the cheap checks."""
    name = app.name
    if type(app.rank) is not int or app.rank < 1:
        raise AllocationError(f"Søknad «{name}» har rangering {app.rank!r}; må være et heltall fra 1.")
    if app.route not in ROUTE_LABELS:
        raise AllocationError(
            f"Søknad «{name}» har ukjent prioritering «{app.route}» (gyldige: {', '.join(ROUTES)})."
        )
    for year, amount in app.applied_by_year.items():
        if year is not None:
            _check_year(year, f"Søknad «{name}»")
        _check_amount(amount, f"Søkt beløp for «{name}» i {'år ikke oppgitt' if year is None else year}")
    if app.applied_total is not None:
        _check_amount(app.applied_total, f"Søkt beløp for «{name}»")
    raise AllocationError(f"Ugyldig søknad «{name}».")  # pragma: no cover - unreachable


# --- The plan of one application ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class Plan:
    """What an application applied for, year by year, as the round counts it."""

    applied: dict[int, int]  # year -> kr, sorted by year, after shifting; {} when unknown
    total: int | None  # None: ikke oppgitt
    shifted_from: int | None  # the plan's first year as written, when it was moved to the round's year
    no_year: int  # kr applied with no year, counted in the round's year

    @property
    def years(self) -> list[int]:
        return list(self.applied)

    def flags(self, round_year: int) -> list[str]:
        """Norwegian notes on how the plan was read (shown beside the amounts)."""
        out = []
        if self.shifted_from is not None:
            out.append(f"planen er forskjøvet fra {self.shifted_from} til {round_year}")
        if self.no_year:
            out.append(f"{_format_kr(self.no_year)} uten år er ført i {round_year}")
        return out


def plan_of(applied_by_year: Mapping[int | None, int], applied_total: int | None, round_year: int) -> Plan:
    """The plan of an application in a round whose budget year is ``round_year`` (§3a)."""
    if not applied_by_year:
        if applied_total is None:
            return Plan({}, None, None, 0)
        return Plan({round_year: applied_total}, applied_total, None, applied_total)
    years = [year for year in applied_by_year if year is not None]
    first = min(years) if years else round_year
    shift = round_year - first if first < round_year else 0
    applied: dict[int, int] = {}
    no_year = 0
    for year, amount in applied_by_year.items():
        if year is None:
            no_year += amount
            key = round_year
        else:
            key = year + shift
        applied[key] = applied.get(key, 0) + amount
    total = sum(applied.values())
    return Plan(dict(sorted(applied.items())), total, first if shift else None, no_year)


def spread(total: int, mode: str, plan: Plan, round_year: int) -> dict[int, int]:
    """Spread a recommended ``total`` over years: the grant dialog's three choices.

    :data:`SPREAD_ROUND_YEAR` puts it all in the round's year; :data:`SPREAD_AS_APPLIED`
    in proportion to what was applied for each year; :data:`SPREAD_EVEN` evenly over the
    plan's years. The parts are whole kroner and add up to ``total`` exactly (largest
    remainder, ties to the earlier year). Without a plan, everything is in the round's year.
    """
    _check_amount(total, "Innstilt beløp")
    if mode not in SPREAD_MODES:
        raise AllocationError(f"Ukjent fordeling «{mode}» (gyldige: {', '.join(SPREAD_MODES)}).")
    if mode == SPREAD_ROUND_YEAR or not plan.applied or sum(plan.applied.values()) == 0:
        return {round_year: total}
    weights = plan.applied if mode == SPREAD_AS_APPLIED else dict.fromkeys(plan.applied, 1)
    return _largest_remainder(weights, total)


def _largest_remainder(weights: Mapping[int, int], total: int) -> dict[int, int]:
    weight_sum = sum(weights.values())
    parts: dict[int, int] = {}
    remainders: list[tuple[int, int]] = []
    handed_out = 0
    for year in sorted(weights):
        share, remainder = divmod(total * weights[year], weight_sum)
        parts[year] = share
        handed_out += share
        remainders.append((-remainder, year))
    for _, year in sorted(remainders)[: total - handed_out]:
        parts[year] += 1
    return parts


# --- Results ------------------------------------------------------------------------


@dataclass(slots=True)
class YearLedger:
    """One budget year of the ledger."""

    budget_year: int
    opening: int  # the previous year's closing (0 for the first year)
    new_confirmed: int
    new_assumed: int
    earmarked: int  # decided earmarks for the year
    open_earmarks: list[str]  # names of open earmarks touching the year (not counted)
    recommended: int  # local amounts of the applications above the line
    closing: int  # opening + new − earmarked − recommended; carried into the next year
    pot_labels: list[str] = field(default_factory=list)

    @property
    def basis(self) -> str:
        """What the year's money rests on: ``bekreftet``, ``antatt`` or ``ingen pott``."""
        if self.new_confirmed:
            return "bekreftet"
        if self.new_assumed:
            return "antatt"
        return "ingen pott"

    @property
    def available(self) -> int:
        """What the year had for applications: closing before any application."""
        return self.closing + self.recommended


@dataclass(slots=True)
class Ledger:
    """The headline: confirmed money up to the round's year, earmarks, what is to distribute."""

    round_year: int
    pot_stated: bool  # False: the round states no pot ("pott ikke oppgitt")
    pot_total: int  # confirmed new money in years up to and including the round's year
    earmarked_total: int  # decided earmarks in those years
    available: int  # the round year's balance before any application ("Til fordeling")
    carried_in: int  # the round year's opening balance (the rest carried from earlier years)
    open_earmarks: list[EarmarkInput]
    pots: list[PotInput]  # every pot, in year order
    earmarks: list[EarmarkInput]  # every earmark, in input order
    confirmed_by_year: dict[int, int] = field(default_factory=dict)  # new confirmed money
    assumed_by_year: dict[int, int] = field(default_factory=dict)  # new assumed money
    earmarked_by_year: dict[int, int] = field(default_factory=dict)  # decided earmarks

    def budget(self) -> tuple[list[int], list[int]]:
        """The years with a confirmed pot and their closing balance before any application."""
        years = sorted({*self.confirmed_by_year, *self.assumed_by_year, *self.earmarked_by_year})
        checked: list[int] = []
        budget: list[int] = []
        balance = 0
        for year in range(years[0], years[-1] + 1) if years else ():
            balance += (
                self.confirmed_by_year.get(year, 0)
                + self.assumed_by_year.get(year, 0)
                - self.earmarked_by_year.get(year, 0)
            )
            if year in self.confirmed_by_year:
                checked.append(year)
                budget.append(balance)
        return checked, budget


@dataclass(slots=True)
class Row:
    """One application in rank order, with its amounts per year and its place to the line."""

    key: int
    rank: int
    name: str
    route: str
    plan: Plan
    recommended: dict[int, int] | None  # innstilt per year (non-zero years); None: unknown ("?")
    local: dict[int, int]  # what the local pot pays per year (empty below the line)
    position: str  # POSITION_*
    left: int | None  # the round year's balance after this row (rows above the line only)
    ledger: Ledger
    # For the walk (see reallocate_after_move): what the row draws up to each confirmed year and
    # up to the round's year (None: draws nothing), and what the rows above the line have drawn
    # so far, this row included (per confirmed year, then the round's year).
    draws: list[int] = field(repr=False, compare=False)
    draw_round: int | None = field(repr=False, compare=False)
    spent: tuple[int, ...] = field(repr=False)
    awarded: bool = False  # ``recommended`` is what the vedtak awarded (*innvilget*)

    @property
    def round_year(self) -> int:
        return self.ledger.round_year

    @property
    def applied_total(self) -> int | None:
        return self.plan.total

    @property
    def applied_round_year(self) -> int | None:
        """Applied for the round's year (after shifting); None when nothing is stated."""
        return None if self.plan.total is None else self.plan.applied.get(self.ledger.round_year, 0)

    @property
    def recommended_total(self) -> int | None:
        return None if self.recommended is None else sum(self.recommended.values())

    @property
    def recommended_round_year(self) -> int | None:
        return None if self.recommended is None else self.recommended.get(self.ledger.round_year, 0)

    @property
    def forwarded(self) -> dict[int, int] | None:
        """What is left to forward to Helse Nord per year; None when the amount is not stated."""
        if self.route == ROUTE_NONE or self.route == ROUTE_LOCAL:
            return {}
        if self.plan.total is None:
            return None
        local = self.local
        out = {}
        for year, amount in self.plan.applied.items():
            rest = amount - local.get(year, 0)
            if rest > 0:
                out[year] = rest
        return out

    @property
    def forwarded_total(self) -> int | None:
        forwarded = self.forwarded
        return None if forwarded is None else sum(forwarded.values())

    @property
    def counts_locally(self) -> bool:
        return self.route in LOCAL_ROUTES

    @property
    def within_pot(self) -> bool:
        return self.position == POSITION_ABOVE

    @property
    def fits(self) -> bool:
        """Marked as fitting (✓): above the line and drawing local money."""
        return self.position == POSITION_ABOVE and bool(self.local)

    @property
    def warnings(self) -> list[str]:
        """Norwegian notes for this application: unknown amount, shifted plan, years at risk."""
        out: list[str] = []
        round_year = self.ledger.round_year
        if self.position == POSITION_UNKNOWN:
            out.append(
                "søkt beløp ikke oppgitt: ingen innstilling før beløpet er lagt inn "
                "eller søknaden settes til ikke prioritert"
            )
        out.extend(self.plan.flags(round_year))
        draws = self.local or (self.recommended if self.counts_locally and self.recommended else {})
        confirmed = self.ledger.confirmed_by_year
        assumed = self.ledger.assumed_by_year
        on_assumed = [y for y in draws if y not in confirmed and y in assumed]
        without = [y for y in draws if y not in confirmed and y not in assumed]
        if on_assumed:
            out.append(f"{year_span(on_assumed)} mot antatt pott (ikke bekreftet)")
        if without:
            out.append(f"{year_span(without)} uten pott")
        return out


@dataclass(slots=True)
class RegionalItem:
    """One application on the regional list for Helse Nord."""

    key: int
    rank: int
    name: str
    by_year: dict[int, int] | None  # None: amount not stated
    total: int | None


@dataclass(slots=True)
class Allocation:
    """The result of :func:`allocate`. ``years``, ``regional`` and ``warnings`` are lazy."""

    round_year: int
    ledger: Ledger
    rows: list[Row]  # in rank order
    cut_index: int | None  # index of the first row below the line; None: no row is below
    _years: list[YearLedger] | None = field(default=None, init=False, repr=False, compare=False)
    _warnings: list[str] | None = field(default=None, init=False, repr=False, compare=False)
    _regional: list[RegionalItem] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def years(self) -> list[YearLedger]:
        """The per-year ledger, sorted by year, with the rows above the line drawn."""
        if self._years is None:
            self._years = _years(self)
        return self._years

    def year(self, budget_year: int) -> YearLedger | None:
        for item in self.years:
            if item.budget_year == budget_year:
                return item
        return None

    @property
    def left(self) -> int | None:
        """The one meaning of "igjen": the round year's closing after the rows above the line."""
        if not self.ledger.pot_stated:
            return None
        item = self.year(self.round_year)
        return self.ledger.available if item is None else item.closing

    @property
    def recommended_local_total(self) -> int:
        """Local money recommended for the applications above the line, all years."""
        return sum(sum(row.local.values()) for row in self.rows)

    @property
    def recommended_round_year(self) -> int:
        return sum(row.local.get(self.round_year, 0) for row in self.rows)

    @property
    def rows_within_pot(self) -> list[Row]:
        return [row for row in self.rows if row.position == POSITION_ABOVE]

    @property
    def plan_years(self) -> list[int]:
        """The budget years the applications use, from the round's year on (Excel's columns)."""
        years = {self.round_year}
        for row in self.rows:
            years.update(row.plan.applied)
            if row.recommended:
                years.update(row.recommended)
        return sorted(y for y in years if y >= self.round_year)

    @property
    def regional(self) -> list[RegionalItem]:
        """The regional list: every application with something left to forward, in rank order."""
        if self._regional is None:
            self._regional = [
                RegionalItem(
                    row.key,
                    row.rank,
                    row.name,
                    None if row.forwarded is None else dict(row.forwarded),
                    row.forwarded_total,
                )
                for row in self.rows
                if row.forwarded is None or row.forwarded
            ]
        return self._regional

    @property
    def warnings(self) -> list[str]:
        """User-facing Norwegian warnings, most important first."""
        if self._warnings is None:
            self._warnings = _warnings(self)
        return self._warnings


# --- Ranks --------------------------------------------------------------------------


def validate_ranks(ranks: Iterable[int]) -> None:
    """Raise :class:`AllocationError` unless ``ranks`` is a permutation of 1..n."""
    values = list(ranks)
    n = len(values)
    seen: set[int] = set()
    duplicates: set[int] = set()
    outside: list[object] = []
    for value in values:
        if type(value) is not int or not 1 <= value <= n:
            outside.append(value)
        elif value in seen:
            duplicates.add(value)
        else:
            seen.add(value)
    if not outside and not duplicates:
        return
    problems = []
    missing = [r for r in range(1, n + 1) if r not in seen]
    if missing:
        problems.append("mangler " + ", ".join(map(str, missing)))
    if duplicates:
        problems.append("brukt flere ganger: " + ", ".join(map(str, sorted(duplicates))))
    if outside:
        problems.append("utenfor 1–" + str(n) + ": " + ", ".join(map(str, outside)))
    raise AllocationError(f"Rangeringen må være 1 til {n} uten hull eller dubletter ({'; '.join(problems)}).")


def _rank_problem(applications: Sequence[ApplicationInput]) -> AllocationError:
    n = len(applications)
    by_rank: dict[int, list[str]] = {}
    for app in applications:
        by_rank.setdefault(app.rank, []).append(app.name)
    details = [
        f"rangering {rank}: {', '.join(f'«{name}»' for name in names)}"
        for rank, names in sorted(by_rank.items())
        if len(names) > 1 or not 1 <= rank <= n
    ]
    missing = [str(rank) for rank in range(1, n + 1) if rank not in by_rank]
    if missing:
        details.append("mangler " + ", ".join(missing))
    return AllocationError(f"Rangeringen må være 1 til {n} uten hull eller dubletter ({'; '.join(details)}).")


def _key_problem(applications: Sequence[ApplicationInput]) -> AllocationError:
    seen: dict[int, str] = {}
    for app in applications:
        if app.key in seen:
            return AllocationError(f"Søknadene «{seen[app.key]}» og «{app.name}» har samme nøkkel {app.key}.")
        seen[app.key] = app.name
    return AllocationError("To søknader har samme nøkkel.")  # pragma: no cover - unreachable


# --- allocate -----------------------------------------------------------------------


def _base_ledger(
    pots: Sequence[PotInput], earmarks: Sequence[EarmarkInput]
) -> tuple[dict[int, int], dict[int, int], dict[int, int]]:
    """New confirmed money, new assumed money and decided earmarks, per year."""
    confirmed: dict[int, int] = {}
    assumed: dict[int, int] = {}
    for pot in pots:
        target = confirmed if pot.confirmed else assumed
        target[pot.budget_year] = target.get(pot.budget_year, 0) + pot.amount
    earmarked: dict[int, int] = {}
    keys: set[int] = set()
    for earmark in earmarks:
        if earmark.key in keys:
            raise AllocationError(f"Avsetning «{earmark.name}»: nøkkel {earmark.key} er brukt to ganger.")
        keys.add(earmark.key)
        if not earmark.open:
            for year, amount in earmark.amounts.items():
                earmarked[year] = earmarked.get(year, 0) + amount
    return confirmed, assumed, earmarked


def allocate(
    pots: Sequence[PotInput],
    earmarks: Sequence[EarmarkInput],
    applications: Sequence[ApplicationInput],
    *,
    round_year: int,
) -> Allocation:
    """The ledger, the rows in rank order with their amounts per year, and the cut line.

    Raises :class:`AllocationError` (Norwegian message naming the applications) when the
    ranks are not exactly 1..n or two applications or two earmarks share a key.
    """
    _check_year(round_year, "Runden")
    confirmed, assumed, earmarked = _base_ledger(pots, earmarks)
    pot_stated = bool(confirmed or assumed)

    # Closing balances before any application, for every year up to the last year in use.
    ledger_years = sorted({*confirmed, *assumed, *earmarked})
    base_closing: dict[int, int] = {}
    balance = 0
    for year in range(ledger_years[0], ledger_years[-1] + 1) if ledger_years else ():
        balance += confirmed.get(year, 0) + assumed.get(year, 0) - earmarked.get(year, 0)
        base_closing[year] = balance
    if ledger_years and round_year > ledger_years[-1]:
        opening = available = balance
    else:
        opening = base_closing.get(round_year - 1, 0)
        available = base_closing.get(round_year, 0)

    ledger = Ledger(
        round_year=round_year,
        pot_stated=pot_stated,
        pot_total=sum(amount for year, amount in confirmed.items() if year <= round_year),
        earmarked_total=sum(amount for year, amount in earmarked.items() if year <= round_year),
        available=available,
        carried_in=opening,
        open_earmarks=[earmark for earmark in earmarks if earmark.open],
        pots=sorted(pots, key=attrgetter("budget_year")),
        earmarks=list(earmarks),
        confirmed_by_year=confirmed,
        assumed_by_year=assumed,
        earmarked_by_year=earmarked,
    )

    # The confirmed years are the ones the cut line protects; their balances are the budget.
    checked, budget = ledger.budget()
    n = len(applications)
    ordered = sorted(applications, key=_BY_RANK)
    if n and (ordered[0].rank != 1 or ordered[-1].rank != n):
        raise _rank_problem(applications)
    if len({app.key for app in applications}) != n:
        raise _key_problem(applications)

    # The walk: ``spent[i]`` is what the rows above the line draw up to and including
    # ``checked[i]`` (a draw in a year lowers that year's closing and every later one).
    context = (round_year, tuple(checked))
    n_checked = len(checked)
    spent = [0] * n_checked
    spent_round = 0  # drawn in years up to and including the round's year
    rows: list[Row] = []
    append = rows.append
    new_row = Row
    local_routes = LOCAL_ROUTES
    cut_index: int | None = None
    index = 0
    for app in ordered:
        index += 1
        if app.rank != index:
            raise _rank_problem(applications)
        cached = app._plans.get(context)
        if cached is None:
            cached = app._plans[context] = _prepare(app, round_year, checked)
        plan, recommended, draws, draw_round = cached
        local: dict[int, int] = _EMPTY
        left: int | None = None
        awarded = app.awarded is not None
        if recommended is None:
            position = POSITION_UNKNOWN
        elif awarded and draw_round is not None:
            # Decided: it draws what was awarded whatever the balance, and sets no cut.
            for i in range(n_checked):
                spent[i] += draws[i]
            spent_round += draw_round
            position = POSITION_ABOVE
            local = recommended
            left = available - spent_round
        elif not pot_stated:
            position = POSITION_NO_POT
        elif draw_round is not None and app.route in local_routes:
            if cut_index is None:
                for i in range(n_checked):
                    if spent[i] + draws[i] > budget[i]:
                        cut_index = index - 1
                        position = POSITION_BELOW
                        break
                else:
                    for i in range(n_checked):
                        spent[i] += draws[i]
                    spent_round += draw_round
                    position = POSITION_ABOVE
                    local = recommended
                    left = available - spent_round
            else:
                position = POSITION_BELOW
        elif cut_index is None:
            position = POSITION_ABOVE
            left = available - spent_round
        else:
            position = POSITION_BELOW
        append(
            new_row(
                app.key,
                index,
                app.name,
                app.route,
                plan,
                recommended,
                local,
                position,
                left,
                ledger,
                draws,
                draw_round,
                (*spent, spent_round),
                awarded,
            )
        )

    allocation = Allocation(
        round_year=round_year,
        ledger=ledger,
        rows=rows,
        cut_index=cut_index,
    )
    return allocation


_EMPTY: dict[int, int] = {}


def _prepare(
    app: ApplicationInput, round_year: int, checked: Sequence[int]
) -> tuple[Plan, dict[int, int] | None, list[int], int | None]:
    """What the walk needs of one application, computed once per round context and cached:
    its plan, its recommendation (non-zero years; None when unknown), what it draws up to each
    checked year, and what it draws up to the round's year (None when it draws nothing)."""
    plan = app.plan(round_year)
    recommended = app.recommended if app.awarded is None else app.awarded
    if recommended is None and plan.total is not None:
        recommended = plan.applied
    if recommended is None:
        return plan, None, [0] * len(checked), None
    recommended = {year: amount for year, amount in recommended.items() if amount}
    if not recommended:
        return plan, recommended, [0] * len(checked), None
    draws = [sum(a for y, a in recommended.items() if y <= year) for year in checked]
    return plan, recommended, draws, sum(a for y, a in recommended.items() if y <= round_year)


# --- Years view ---------------------------------------------------------------------


def _years(allocation: Allocation) -> list[YearLedger]:
    ledger = allocation.ledger
    confirmed = ledger.confirmed_by_year
    assumed = ledger.assumed_by_year
    earmarked = ledger.earmarked_by_year
    drawn: dict[int, int] = {}
    for row in allocation.rows:
        for year, amount in row.local.items():
            drawn[year] = drawn.get(year, 0) + amount
    open_by_year: dict[int, list[str]] = {}
    for earmark in allocation.ledger.open_earmarks:
        for year in earmark.amounts or (allocation.round_year,):
            open_by_year.setdefault(year, []).append(earmark.name)
    labels: dict[int, list[str]] = {}
    for pot in allocation.ledger.pots:
        labels.setdefault(pot.budget_year, []).append(pot.origin or f"Lokal pott {pot.budget_year}")
    years = {*confirmed, *assumed, *earmarked, *drawn, *open_by_year}
    if not years:
        return []
    out: list[YearLedger] = []
    balance = 0
    for year in range(min(years), max(years) + 1):
        opening = balance
        new_c = confirmed.get(year, 0)
        new_a = assumed.get(year, 0)
        bound = earmarked.get(year, 0)
        given = drawn.get(year, 0)
        balance = opening + new_c + new_a - bound - given
        out.append(
            YearLedger(
                budget_year=year,
                opening=opening,
                new_confirmed=new_c,
                new_assumed=new_a,
                earmarked=bound,
                open_earmarks=open_by_year.get(year, []),
                recommended=given,
                closing=balance,
                pot_labels=labels.get(year, []),
            )
        )
    return out


def _warnings(allocation: Allocation) -> list[str]:
    ledger = allocation.ledger
    out: list[str] = []
    if not ledger.pot_stated:
        out.append("Pott ikke oppgitt: ingen strek kan trekkes før potten er lagt inn.")
    out.extend(f"Avsetning «{earmark.name}»: beløp ikke avklart" for earmark in ledger.open_earmarks)
    for year in allocation.years:
        if year.new_confirmed and year.closing < 0:
            out.append(
                f"{year.budget_year}: avsetningene og innstillingene er {_format_kr(-year.closing)} "
                f"større enn det som er til rådighet."
            )
    if allocation.cut_index is not None:
        row = allocation.rows[allocation.cut_index]
        need = row.recommended or {}
        years_short = []
        for item in allocation.years:
            if item.new_confirmed and any(y <= item.budget_year for y in need):
                extra = sum(a for y, a in need.items() if y <= item.budget_year)
                if item.closing - extra < 0:
                    years_short.append(item)
        where = years_short[0] if years_short else None
        if where is not None:
            out.append(
                f"Streken går ved «{row.name}» (rangering {row.rank}): i {where.budget_year} er det "
                f"{_format_kr(where.closing)} igjen, søknaden trenger "
                f"{_format_kr(sum(a for y, a in need.items() if y <= where.budget_year))}."
            )
        else:  # pragma: no cover - the cut is always in a confirmed year
            out.append(f"Streken går ved «{row.name}» (rangering {row.rank}).")
    for year in allocation.years:
        if year.new_confirmed or not (year.recommended or year.earmarked):
            continue
        bound = year.recommended + year.earmarked
        if year.new_assumed:
            out.append(
                f"{year.budget_year}: {_format_kr(bound)} bundet mot antatt pott "
                f"({_format_kr(year.new_assumed)}, ikke bekreftet)"
                + (f"; underskudd {_format_kr(year.closing)}" if year.closing < 0 else "")
            )
        else:
            out.append(
                f"{year.budget_year}: {_format_kr(bound)} bundet uten pott"
                + (f"; underskudd {_format_kr(year.closing)}" if year.closing < 0 else "")
            )
    for row in allocation.rows:
        out.extend(f"«{row.name}» (rangering {row.rank}): {text}" for text in row.warnings)
    return out


# --- Suggestions and reordering -----------------------------------------------------


def fill_pot(allocation: Allocation) -> list[int]:
    """The "fyll potten" suggestion: keys that fit, walking greedily in rank order.

    The same test as the cut line, but a row that does not fit is skipped, and later rows
    may still be taken. Only rows that draw local money with a known amount are suggested.
    """
    if not allocation.ledger.pot_stated:
        return []
    checked, budget = allocation.ledger.budget()
    spent = [0] * len(checked)
    keys: list[int] = []
    for row in allocation.rows:
        if not row.counts_locally or not row.recommended:
            continue
        draws = [sum(a for y, a in row.recommended.items() if y <= year) for year in checked]
        if all(s + d <= b for s, d, b in zip(spent, draws, budget, strict=True)):
            spent = [s + d for s, d in zip(spent, draws, strict=True)]
            keys.append(row.key)
    return keys


def reallocate_after_move(allocation: Allocation, old_index: int, new_index: int) -> Allocation:
    """The allocation after moving the row at ``old_index`` to ``new_index`` (0-based, rank order).

    Equal to :func:`allocate` of the same inputs with the application moved and every rank
    renumbered 1..n, but only the rows between the two indexes are recomputed. Amounts are never
    negative, so what the rows above the line have drawn only grows down the list: a failure
    inside the segment happens exactly when the segment's rows together do not fit after the
    rows before it, whatever their order. So the cut is in the segment after the move exactly when
    it was before, and every row after the segment keeps its place and its figures.
    ``allocation`` is not changed. Raises :class:`AllocationError` for an index outside the rows.
    """
    rows = allocation.rows
    n = len(rows)
    for index in (old_index, new_index):
        if type(index) is not int or not 0 <= index < n:
            raise AllocationError(f"Plass {index!r} finnes ikke i listen (1–{n}).")
    if old_index == new_index:
        return allocation
    if any(row.awarded for row in rows):
        # After the vedtak the amounts are decided; the ranking no longer moves the line.
        raise AllocationError("Rangeringen kan ikke endres etter vedtaket: beløpene er innvilget.")
    lo, hi = min(old_index, new_index), max(old_index, new_index)
    new_rows = list(rows)
    new_rows.insert(new_index, new_rows.pop(old_index))
    ledger = allocation.ledger
    checked, budget = ledger.budget()
    n_checked = len(checked)
    old_cut = allocation.cut_index
    cut: int | None = old_cut if old_cut is not None and old_cut < lo else None
    state = list(rows[lo - 1].spent) if lo else [0] * (n_checked + 1)
    available = ledger.available
    for index in range(lo, hi + 1):
        row = new_rows[index]
        local: dict[int, int] = _EMPTY
        left: int | None = None
        if row.recommended is None:
            position = POSITION_UNKNOWN
        elif not ledger.pot_stated:
            position = POSITION_NO_POT
        elif row.draw_round is not None and row.route in LOCAL_ROUTES:
            if cut is None and all(state[i] + row.draws[i] <= budget[i] for i in range(n_checked)):
                for i in range(n_checked):
                    state[i] += row.draws[i]
                state[n_checked] += row.draw_round
                position = POSITION_ABOVE
                local = row.recommended
                left = available - state[n_checked]
            else:
                if cut is None:
                    cut = index
                position = POSITION_BELOW
        elif cut is None:
            position = POSITION_ABOVE
            left = available - state[n_checked]
        else:
            position = POSITION_BELOW
        new_rows[index] = Row(
            row.key,
            index + 1,
            row.name,
            row.route,
            row.plan,
            row.recommended,
            local,
            position,
            left,
            ledger,
            row.draws,
            row.draw_round,
            tuple(state),
        )
    if cut is None:
        cut = old_cut if old_cut is not None and old_cut > hi else None
    return Allocation(round_year=allocation.round_year, ledger=ledger, rows=new_rows, cut_index=cut)


def move(order: Sequence[int], key: int, new_position: int) -> list[int]:
    """Return ``order`` with ``key`` moved to 1-based ``new_position`` (1..n, else an error)."""
    result = list(order)
    try:
        result.remove(key)
    except ValueError:
        raise AllocationError(f"Fant ikke søknad med nøkkel {key!r} i rekkefølgen.") from None
    if type(new_position) is not int or not 1 <= new_position <= len(result) + 1:
        raise AllocationError(f"Plass {new_position!r} finnes ikke i listen (1–{len(result) + 1}).")
    result.insert(new_position - 1, key)
    return result
