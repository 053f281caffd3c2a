"""Pot ledger, cumulative sums, cut line and per-year view for a round's prioritisation.

This is the one place that does the arithmetic of a prioritisation: the prioritisation
screen, the Excel export and the saksfremlegg all call :func:`allocate` and present its
result. It is plain Python: no Textual, no database. Callers turn their rows into the
frozen ``*Input`` dataclasses below and get an :class:`Allocation` back.

The rules (DOMAIN.md §3):

* **Ledger.** Only *confirmed* pots count. The years that have a confirmed pot are the
  round's *counted years*. An earmark counts with its amounts in counted years only
  (Dignio's 500 000 for 2027 and 2028 do not reduce the 2026 round's pot). An earmark that
  is *open* (``is_open`` or no amounts at all) is never counted as 0: it is listed
  separately and always produces a warning. ``available = pot_total - earmarked_total``.
* **Rows.** Applications are ordered by rank, which must be exactly 1..n. The grant
  defaults to the applied total (0 if no amount is stated); it may be lowered (partial or
  0) but never exceed the applied total. Only rows whose route is in
  :data:`LOCAL_ROUTES` are paid from the local pot; others contribute 0 to the running sum.
  A multi-year grant counts in full against the pot.
* **Cut line.** ``cut_index`` is the first row whose cumulative sum exceeds ``available``.
  That row and every row after it are below the line (``within_pot`` False), even if a
  later, smaller one would fit; :func:`fill_pot` gives the greedy suggestion for that.
* **Years view.** One :class:`YearSummary` per budget year that appears in any pot,
  earmark or grant. Grants are spread over years with :func:`grant_by_year` for rows that
  count locally and are above the line. Money bound to a year without a confirmed pot is
  warned about (an assumed pot is shown, but does not make a year safe).

Each ``*Input`` checks itself when it is constructed (amounts are non-negative ``int``,
years are ``int``, the route is known, the grant is not above the applied total) and
raises :class:`AllocationError`; :func:`allocate` then checks what spans rows (ranks 1..n,
unique keys). Do not mutate a mapping after passing it to an input.

All amounts are whole kroner (``int``). Everything a user reads (warnings, errors, ledger
labels) is in Norwegian bokmål. The years view and the warnings are computed lazily on
first access, so :func:`allocate` stays cheap enough to run on every keystroke.
Treat an :class:`Allocation` as read-only: call :func:`allocate` again after a change, or
:func:`reallocate_after_move` after moving one application (it recomputes only the rows
between the old and the new place and gives the same result as a full :func:`allocate`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from operator import attrgetter

from rsapp.money import format_kr as _format_kr

__all__ = [
    "KIND_EARMARK",
    "KIND_OPEN",
    "KIND_POT",
    "KIND_TOTAL",
    "LOCAL_ROUTES",
    "ROUTES",
    "ROUTE_BOTH",
    "ROUTE_LABELS",
    "ROUTE_LOCAL",
    "ROUTE_NONE",
    "ROUTE_REGIONAL",
    "Allocation",
    "AllocationError",
    "ApplicationInput",
    "EarmarkInput",
    "Ledger",
    "LedgerLine",
    "PotInput",
    "Row",
    "YearSummary",
    "allocate",
    "build_ledger",
    "fill_pot",
    "grant_by_year",
    "move",
    "reallocate_after_move",
    "validate_ranks",
    "years_summary",
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
#: Routes whose grant is paid from the local pot.
LOCAL_ROUTES = frozenset({ROUTE_LOCAL, ROUTE_BOTH})

# --- Ledger line kinds --------------------------------------------------------------

KIND_POT = "pott"  # a confirmed pot, amount positive
KIND_EARMARK = "avsetning"  # a counted earmark, amount negative
KIND_OPEN = "åpen"  # an open earmark, amount None
KIND_TOTAL = "sum"  # the closing "Til fordeling" line, amount = available


_BY_RANK = attrgetter("rank")


class AllocationError(ValueError):
    """Input that cannot be allocated; the message is Norwegian and names the culprit."""


# --- Validation helpers -------------------------------------------------------------


def _check_amount(value: object, what: str) -> None:
    if type(value) is not int:
        raise AllocationError(f"{what} må være et helt antall kroner, fikk {value!r}.")
    if value < 0:
        raise AllocationError(f"{what} kan ikke være negativt ({_format_kr(value)}).")


def _check_year(value: object, what: str) -> None:
    if type(value) is not int:
        raise AllocationError(f"{what}: budsjettåret må være et årstall, fikk {value!r}.")


# --- Inputs -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PotInput:
    """Money in the local pot for one budget year."""

    budget_year: int
    amount: int
    origin: str = ""  # e.g. "Rest fra 2025"; used as the ledger label when given
    confirmed: bool = True  # False: assumed (shown in the years view, never counted)

    def __post_init__(self) -> None:
        _check_year(self.budget_year, "Pott")
        _check_amount(self.amount, f"Pott for {self.budget_year}")


@dataclass(frozen=True, slots=True)
class EarmarkInput:
    """Money set aside before any application is ranked (an *avsetning*)."""

    key: int
    name: str
    amounts: Mapping[int, int]  # budget year -> kr; empty means open
    # True: amount not decided; never counted, always warned. Any amounts given then only
    # say which years the open earmark touches (YearSummary.open_earmarks).
    is_open: bool = False

    def __post_init__(self) -> None:
        for year, amount in self.amounts.items():
            _check_year(year, f"Avsetning «{self.name}»")
            _check_amount(amount, f"Avsetning «{self.name}» for {year}")


@dataclass(frozen=True, slots=True)
class ApplicationInput:
    """One application as the prioritisation sees it."""

    key: int
    name: str
    rank: int  # 1..n, 1 is the highest priority
    applied_by_year: Mapping[int | None, int]  # budget year -> kr; None = no year given
    applied_total: int | None  # None = not stated anywhere ("ikke oppgitt")
    granted: int | None = None  # None = default: applied_total (0 if not stated)
    route: str = ROUTE_BOTH

    def __post_init__(self) -> None:
        # Cheap checks first; the precise Norwegian message is only built on failure.
        rank = self.rank
        applied = self.applied_total
        granted = self.granted
        if (
            type(rank) is not int
            or rank < 1
            or self.route not in ROUTE_LABELS
            or (applied is not None and (type(applied) is not int or applied < 0))
            or (granted is not None and (type(granted) is not int or granted < 0))
            or (granted is not None and applied is not None and granted > applied)
        ):
            _application_problem(self)
        for year, amount in self.applied_by_year.items():
            if type(amount) is not int or amount < 0 or (year is not None and type(year) is not int):
                _application_problem(self)


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
    if app.granted is not None:
        _check_amount(app.granted, f"Innvilget beløp for «{name}»")
        if app.applied_total is not None and app.granted > app.applied_total:
            raise AllocationError(
                f"Innvilget beløp for «{name}» ({_format_kr(app.granted)}) er høyere enn "
                f"søkt ({_format_kr(app.applied_total)})."
            )
    raise AllocationError(f"Ugyldig søknad «{name}».")  # pragma: no cover - unreachable


# --- Results ------------------------------------------------------------------------


@dataclass(slots=True)
class LedgerLine:
    """One display line of the ledger. Amounts are signed: pots +, earmarks −."""

    label: str
    budget_year: int | None
    amount: int | None  # None for an open earmark
    kind: str  # KIND_POT, KIND_EARMARK, KIND_OPEN or KIND_TOTAL


@dataclass(slots=True)
class Ledger:
    """What the round has to distribute: confirmed pots minus counted earmarks."""

    pots: list[PotInput]  # counted (confirmed) pots, in input order
    pot_total: int
    earmark_lines: list[tuple[EarmarkInput, int]]  # counted amount per earmark
    earmarked_total: int
    open_earmarks: list[EarmarkInput]
    available: int  # pot_total - earmarked_total; may be negative
    counted_years: frozenset[int]  # years with a confirmed pot
    assumed_pots: list[PotInput] = field(default_factory=list)  # unconfirmed, not counted
    # Earmarks with amounts only in years without a confirmed pot (counted as nothing).
    uncounted_earmarks: list[EarmarkInput] = field(default_factory=list)

    def lines(self) -> list[LedgerLine]:
        """Display lines: each pot (+), each counted earmark (−), open earmarks, the total.

        The amounts of all lines but the last add up to the last ("Til fordeling").
        An earmark's ``budget_year`` is set when it is counted in exactly one year.
        """
        out = [
            LedgerLine(pot.origin or f"Lokal pott {pot.budget_year}", pot.budget_year, pot.amount, KIND_POT)
            for pot in self.pots
        ]
        for earmark, amount in self.earmark_lines:
            years = [y for y in earmark.amounts if y in self.counted_years]
            out.append(LedgerLine(earmark.name, years[0] if len(years) == 1 else None, -amount, KIND_EARMARK))
        out.extend(
            LedgerLine(f"{earmark.name}: beløp ikke avklart", None, None, KIND_OPEN)
            for earmark in self.open_earmarks
        )
        out.append(LedgerLine("Til fordeling", None, self.available, KIND_TOTAL))
        return out


@dataclass(slots=True)
class Row:
    """One application in rank order, with its place relative to the cut line."""

    key: int
    rank: int
    name: str
    applied_year: int | None  # applied for the round's year (incl. no-year lines); None if no lines
    applied_total: int | None
    granted: int
    route: str
    counts_locally: bool  # route in LOCAL_ROUTES
    cumulative: int  # running sum of granted over counting rows, up to and including this row
    remaining: int  # available - cumulative (may be negative)
    within_pot: bool  # above the cut line


@dataclass(slots=True)
class YearSummary:
    """Money per budget year: pot, earmarks and grants, and what is left."""

    budget_year: int
    pot: int | None  # confirmed total, else assumed total, else None
    pot_confirmed: bool
    earmarked: int  # decided earmark amounts for the year (counted or not)
    open_earmarks: int  # number of open earmarks touching the year
    granted: int  # grants of counting rows above the line, spread by grant_by_year
    left: int | None  # pot - earmarked - granted; None without any pot
    warning: str | None


@dataclass(slots=True)
class Allocation:
    """The result of :func:`allocate`. ``years`` and ``warnings`` are computed on first use."""

    round_year: int
    ledger: Ledger
    rows: list[Row]  # in rank order
    cut_index: int | None  # first row whose cumulative exceeds ledger.available; None if all fit
    granted_total: int  # sum of granted over all counting rows (above and below the line)
    left_after_grants: int  # ledger.available - granted_total (negative when over the line)
    granted_within_pot: int = 0  # sum of granted over counting rows above the line
    _applications: tuple[ApplicationInput, ...] = field(default=(), repr=False, compare=False)
    _earmarks: tuple[EarmarkInput, ...] = field(default=(), repr=False, compare=False)
    _years: list[YearSummary] | None = field(default=None, init=False, repr=False, compare=False)
    _warnings: list[str] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def years(self) -> list[YearSummary]:
        """The multi-year view, sorted by year (see :func:`years_summary`)."""
        if self._years is None:
            self._years = years_summary(self)
        return self._years

    @property
    def warnings(self) -> list[str]:
        """User-facing Norwegian warnings, most important first."""
        if self._warnings is None:
            self._warnings = _warnings(self)
        return self._warnings

    @property
    def rows_within_pot(self) -> list[Row]:
        """Rows above the cut line."""
        return self.rows if self.cut_index is None else self.rows[: self.cut_index]


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
    """A message naming the applications whose ranks are wrong."""
    n = len(applications)
    by_rank: dict[int, list[str]] = {}
    for app in applications:
        if type(app.rank) is not int or not 1 <= app.rank <= n:
            return AllocationError(
                f"Søknad «{app.name}» har rangering {app.rank!r}; må være mellom 1 og {n}."
            )
        by_rank.setdefault(app.rank, []).append(app.name)
    for rank, names in sorted(by_rank.items()):
        if len(names) > 1:
            listed = " og ".join(f"«{name}»" for name in names)
            return AllocationError(f"Rangering {rank} er brukt av både {listed}.")
    try:
        validate_ranks(app.rank for app in applications)
    except AllocationError as error:
        return error
    return AllocationError("Ugyldig rangering.")  # pragma: no cover - unreachable


def _key_problem(applications: Sequence[ApplicationInput]) -> AllocationError:
    seen: dict[int, str] = {}
    for app in applications:
        if app.key in seen:
            return AllocationError(
                f"Søknadene «{seen[app.key]}» og «{app.name}» har samme nøkkel ({app.key!r})."
            )
        seen[app.key] = app.name
    return AllocationError("To søknader har samme nøkkel.")  # pragma: no cover - unreachable


# --- The ledger ---------------------------------------------------------------------


def build_ledger(pots: Sequence[PotInput], earmarks: Sequence[EarmarkInput]) -> Ledger:
    """The round's ledger from its pots and earmarks."""
    counted: list[PotInput] = []
    assumed: list[PotInput] = []
    for pot in pots:
        (counted if pot.confirmed else assumed).append(pot)
    counted_years = frozenset(pot.budget_year for pot in counted)
    pot_total = sum(pot.amount for pot in counted)

    lines: list[tuple[EarmarkInput, int]] = []
    open_: list[EarmarkInput] = []
    uncounted: list[EarmarkInput] = []
    keys: set[int] = set()
    for earmark in earmarks:
        if earmark.key in keys:
            raise AllocationError(f"Avsetning «{earmark.name}»: nøkkel {earmark.key} er brukt to ganger.")
        keys.add(earmark.key)
        if earmark.is_open or not earmark.amounts:
            open_.append(earmark)
        elif any(year in counted_years for year in earmark.amounts):
            amount = sum(a for y, a in earmark.amounts.items() if y in counted_years)
            lines.append((earmark, amount))
        else:
            uncounted.append(earmark)
    earmarked_total = sum(amount for _, amount in lines)
    return Ledger(
        pots=counted,
        pot_total=pot_total,
        earmark_lines=lines,
        earmarked_total=earmarked_total,
        open_earmarks=open_,
        available=pot_total - earmarked_total,
        counted_years=counted_years,
        assumed_pots=assumed,
        uncounted_earmarks=uncounted,
    )


# --- allocate -----------------------------------------------------------------------


def allocate(
    pots: Sequence[PotInput],
    earmarks: Sequence[EarmarkInput],
    applications: Sequence[ApplicationInput],
    *,
    round_year: int,
) -> Allocation:
    """Compute ledger, rows in rank order, cut line and totals for one round.

    Raises :class:`AllocationError` (Norwegian message naming the applications) when the
    ranks are not exactly 1..n or two applications or two earmarks share a key. Errors in
    a single input (negative or non-integer amount, a grant above the applied total, an
    unknown route) are raised earlier, when that ``*Input`` is constructed.
    ``years`` and ``warnings`` of the result are computed on first access.
    """
    _check_year(round_year, "Runden")
    ledger = build_ledger(pots, earmarks)
    available = ledger.available

    n = len(applications)
    ordered = sorted(applications, key=_BY_RANK)
    if n and (ordered[0].rank != 1 or ordered[-1].rank != n):
        raise _rank_problem(applications)
    if len({app.key for app in applications}) != n:
        raise _key_problem(applications)

    # The hot loop: one Row per application, in rank order. Each input validated itself
    # when it was constructed, so only ranks (1..n, checked as we go) remain to check.
    rows: list[Row] = []
    append = rows.append
    local_routes = LOCAL_ROUTES
    new_row = Row
    cumulative = 0
    within_total = 0
    cut_index: int | None = None
    index = 0
    for app in ordered:
        index += 1
        if app.rank != index:
            raise _rank_problem(applications)
        granted = app.granted
        applied_total = app.applied_total
        if granted is None:
            granted = 0 if applied_total is None else applied_total
        route = app.route
        by_year = app.applied_by_year
        if route in local_routes:
            cumulative += granted
            if cut_index is None:
                if cumulative > available:
                    cut_index = index - 1
                else:
                    within_total = cumulative
            counts = True
        else:
            counts = False
        append(
            new_row(
                app.key,
                index,
                app.name,
                by_year.get(round_year, 0) + by_year.get(None, 0) if by_year else None,
                applied_total,
                granted,
                route,
                counts,
                cumulative,
                available - cumulative,
                cut_index is None,
            )
        )

    return Allocation(
        round_year=round_year,
        ledger=ledger,
        rows=rows,
        cut_index=cut_index,
        granted_total=cumulative,
        left_after_grants=available - cumulative,
        granted_within_pot=within_total,
        _applications=tuple(ordered),
        _earmarks=tuple(earmarks),
    )


# --- Years view ---------------------------------------------------------------------


def grant_by_year(app: ApplicationInput, granted: int, round_year: int) -> dict[int, int]:
    """Spread ``granted`` over the application's budget years, in proportion to what it applied for.

    Lines without a year count as ``round_year``. The parts are whole kroner, never
    negative, and sum exactly to ``granted`` (largest remainder; ties go to the earlier
    year). With no lines, or only zero lines, everything lands on ``round_year``.
    The result is sorted by year and keeps years whose share is 0.
    """
    _check_amount(granted, f"Innvilget beløp for «{app.name}»")
    _check_year(round_year, "Runden")
    return _spread(app.applied_by_year, granted, round_year)


def _spread(by_year: Mapping[int | None, int], granted: int, round_year: int) -> dict[int, int]:
    """grant_by_year without the checks (inputs are validated on construction)."""
    if not by_year:
        return {round_year: granted}
    if len(by_year) == 1:
        ((year, amount),) = by_year.items()
        return {round_year if year is None else year: granted} if amount else {round_year: granted}
    weights: dict[int, int] = {}
    for year, amount in by_year.items():
        if year is None:
            year = round_year
        weights[year] = weights.get(year, 0) + amount
    total = sum(weights.values())
    if total == 0:
        return {round_year: granted}
    parts: dict[int, int] = {}
    remainders: list[tuple[int, int]] = []
    handed_out = 0
    for year in sorted(weights):
        share, remainder = divmod(granted * weights[year], total)
        parts[year] = share
        handed_out += share
        remainders.append((-remainder, year))
    leftover = granted - handed_out
    if leftover:
        for _, year in sorted(remainders)[:leftover]:
            parts[year] += 1
    return parts


def years_summary(allocation: Allocation) -> list[YearSummary]:
    """One :class:`YearSummary` per year in any pot, earmark or grant, sorted by year.

    ``granted`` per year counts rows that count locally and are above the cut line,
    spread with :func:`grant_by_year`. ``earmarked`` holds every decided earmark amount for
    the year, counted in the ledger or not. An open earmark touches the years it lists,
    or the round's year if it lists none. ``warning`` is set when money is bound to a year
    without a confirmed pot.
    """
    ledger = allocation.ledger
    round_year = allocation.round_year
    confirmed: dict[int, int] = {}
    for pot in ledger.pots:
        confirmed[pot.budget_year] = confirmed.get(pot.budget_year, 0) + pot.amount
    assumed: dict[int, int] = {}
    for pot in ledger.assumed_pots:
        assumed[pot.budget_year] = assumed.get(pot.budget_year, 0) + pot.amount

    earmarked: dict[int, int] = {}
    open_count: dict[int, int] = {}
    open_keys = {earmark.key for earmark in ledger.open_earmarks}
    for earmark in allocation._earmarks:
        if earmark.key in open_keys:
            for year in earmark.amounts or (round_year,):
                open_count[year] = open_count.get(year, 0) + 1
        else:
            for year, amount in earmark.amounts.items():
                earmarked[year] = earmarked.get(year, 0) + amount

    granted: dict[int, int] = {}
    for row, app in zip(allocation.rows, allocation._applications, strict=True):
        if not row.within_pot:
            break  # every row after the cut is below the line as well
        if row.counts_locally and row.granted:
            for year, amount in _spread(app.applied_by_year, row.granted, round_year).items():
                if amount:
                    granted[year] = granted.get(year, 0) + amount

    out: list[YearSummary] = []
    for year in sorted({*confirmed, *assumed, *earmarked, *open_count, *granted}):
        is_confirmed = year in confirmed
        pot = confirmed[year] if is_confirmed else assumed.get(year)
        bound = earmarked.get(year, 0)
        given = granted.get(year, 0)
        warning = None
        if not is_confirmed and bound + given > 0:
            warning = f"{year}: {_format_kr(bound + given)} bundet uten bekreftet pott"
        out.append(
            YearSummary(
                budget_year=year,
                pot=pot,
                pot_confirmed=is_confirmed,
                earmarked=bound,
                open_earmarks=open_count.get(year, 0),
                granted=given,
                left=None if pot is None else pot - bound - given,
                warning=warning,
            )
        )
    return out


def _warnings(allocation: Allocation) -> list[str]:
    ledger = allocation.ledger
    out: list[str] = []
    if not ledger.pots:
        out.append(f"Runden {allocation.round_year} har ingen bekreftet pott: ingenting kan fordeles lokalt.")
    elif ledger.available < 0:
        out.append(
            f"Avsetningene ({_format_kr(ledger.earmarked_total)}) er større enn bekreftet pott "
            f"({_format_kr(ledger.pot_total)})."
        )
    out.extend(f"Avsetning «{earmark.name}»: beløp ikke avklart" for earmark in ledger.open_earmarks)
    if allocation.cut_index is not None:
        # Where the line falls: the first row that does not fit in what is left before it.
        row = allocation.rows[allocation.cut_index]
        left_before = ledger.available - allocation.granted_within_pot
        out.append(
            f"Streken går ved «{row.name}» (rangering {row.rank}): det er {_format_kr(left_before)} "
            f"igjen i potten før den, men søknaden har {_format_kr(row.granted)} innvilget."
        )
        # The whole list, above and below the line, against what the pot holds.
        out.append(
            f"Hele listen: innvilget lokalt for alle søknadene er til sammen "
            f"{_format_kr(allocation.granted_total)}, {_format_kr(-allocation.left_after_grants)} mer enn "
            f"{_format_kr(ledger.available)} til fordeling."
        )
    out.extend(year.warning for year in allocation.years if year.warning)
    out.extend(
        f"Søknad «{row.name}» (rangering {row.rank}): søkt beløp ikke oppgitt"
        for row in allocation.rows
        if row.applied_total is None
    )
    return out


# --- Suggestions and reordering -----------------------------------------------------


def fill_pot(allocation: Allocation) -> list[int]:
    """The "fyll potten" suggestion: keys that fit, walking greedily in rank order.

    Starting from ``ledger.available``, each row that counts locally is taken if its grant
    fits in what is left; a row that does not fit is skipped and later, smaller rows may
    still be taken. Rows that do not count locally are never suggested.
    """
    left = allocation.ledger.available
    keys: list[int] = []
    for row in allocation.rows:
        if row.counts_locally and row.granted <= left:
            left -= row.granted
            keys.append(row.key)
    return keys


def reallocate_after_move(allocation: Allocation, old_index: int, new_index: int) -> Allocation:
    """The allocation after moving the row at ``old_index`` to ``new_index`` (0-based, in rank order).

    Equal to :func:`allocate` of the same inputs with the application moved and every rank
    renumbered 1..n, but only the rows between the two indexes are recomputed: the rows
    before them keep their cumulative sum, and so do the rows after them (the same
    applications come first), so only that segment and the cut index can change. The cut
    cannot leave the segment either: a local row in it exceeds what is available exactly
    when the segment's last cumulative sum does, whatever the order inside it.
    ``allocation`` is not changed. Raises :class:`AllocationError` for an index outside the rows.
    """
    rows = allocation.rows
    n = len(rows)
    for index in (old_index, new_index):
        if type(index) is not int or not 0 <= index < n:
            raise AllocationError(f"Plass {index!r} finnes ikke i listen (1–{n}).")
    if old_index == new_index:
        return allocation
    lo, hi = min(old_index, new_index), max(old_index, new_index)
    new_rows = list(rows)
    new_rows.insert(new_index, new_rows.pop(old_index))
    apps = list(allocation._applications)
    if len(apps) == n:
        apps.insert(new_index, apps.pop(old_index))
        for index in range(lo, hi + 1):
            apps[index] = replace(apps[index], rank=index + 1)

    available = allocation.ledger.available
    old_cut = allocation.cut_index
    cut_before = old_cut is not None and old_cut < lo
    cut: int | None = old_cut if cut_before else None
    cumulative = rows[lo - 1].cumulative if lo else 0
    new_row = Row
    for index in range(lo, hi + 1):
        row = new_rows[index]
        counts = row.counts_locally
        if counts:
            cumulative += row.granted
            if cut is None and cumulative > available:
                cut = index
        new_rows[index] = new_row(
            row.key,
            index + 1,
            row.name,
            row.applied_year,
            row.applied_total,
            row.granted,
            row.route,
            counts,
            cumulative,
            available - cumulative,
            cut is None,
        )
    if cut is None:
        cut = old_cut  # after the segment (or none): the rows after it are unchanged
    if cut is None:
        within_total = allocation.granted_total
    else:
        within_total = new_rows[cut - 1].cumulative if cut else 0
    return Allocation(
        round_year=allocation.round_year,
        ledger=allocation.ledger,
        rows=new_rows,
        cut_index=cut,
        granted_total=allocation.granted_total,
        left_after_grants=allocation.left_after_grants,
        granted_within_pot=within_total,
        _applications=tuple(apps),
        _earmarks=allocation._earmarks,
    )


def move(order: Sequence[int], key: int, new_position: int) -> list[int]:
    """Return ``order`` with ``key`` moved to 1-based ``new_position`` (clamped to 1..n)."""
    result = list(order)
    try:
        result.remove(key)
    except ValueError:
        raise AllocationError(f"Fant ikke søknad med nøkkel {key!r} i rekkefølgen.") from None
    position = min(max(new_position, 1), len(result) + 1)
    result.insert(position - 1, key)
    return result
