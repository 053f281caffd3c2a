"""The ledger (rsapp.allocation): money by budget year, carried over, the cut line, routes, warnings.

The figures of the built-in round are DOMAIN.md §3a's; the property tests hold the rules for any
round (several years, confirmed and assumed pots, open and per-year earmarks, multi-year and
unknown amounts, partial recommendations, all four routes).
"""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rsapp.allocation import (
    POSITION_ABOVE,
    POSITION_BELOW,
    POSITION_NO_POT,
    POSITION_UNKNOWN,
    ROUTE_BOTH,
    ROUTE_LOCAL,
    ROUTE_NONE,
    ROUTE_REGIONAL,
    ROUTES,
    SPREAD_AS_APPLIED,
    SPREAD_EVEN,
    SPREAD_ROUND_YEAR,
    AllocationError,
    ApplicationInput,
    EarmarkInput,
    PotInput,
    allocate,
    fill_pot,
    move,
    plan_of,
    reallocate_after_move,
    spread,
    validate_ranks,
    year_span,
)

YEAR = 2026
POTS = [
    PotInput(2025, 2_800_000, "Rest fra 2025"),
    PotInput(2026, 5_000_000, "Lokal pott 2026"),
    PotInput(2027, 5_000_000, "Lokal pott 2027 (antatt)", confirmed=False),
]
EARMARKS = [
    EarmarkInput(1, "Dignio", {2026: 500_000, 2027: 500_000, 2028: 500_000}),
    EarmarkInput(2, "Prosjektleder/rådgiver", {2025: 1_000_000, 2026: 1_000_000}),
    EarmarkInput(3, "Intermediærpost i Vefsn", {}, is_open=True),
]


def helgeland(order: list[int] | None = None) -> list[ApplicationInput]:
    """The five built-in applications (data/applications 01–05), in ``order`` of keys."""
    apps = [
        ApplicationInput(1, "Interkommunalt", 1, {None: 4_657_500}, 4_657_500),
        ApplicationInput(2, "Fremtidens pasientforløp", 2, {}, None),
        ApplicationInput(3, "Observasjonspost", 3, {2025: 3_600_000}, 3_600_000),
        ApplicationInput(4, "Rehabilitering", 4, {None: 4_000_000}, 4_000_000),
        ApplicationInput(5, "Helgelandssykepleier", 5, {y: 2_000_000 for y in range(2025, 2030)}, 10_000_000),
    ]
    order = order or [1, 2, 3, 4, 5]
    out = []
    for app in apps:
        out.append(dataclasses.replace(app, rank=order.index(app.key) + 1))
    return out


def test_builtin_round_before_any_application():
    allocation = allocate(POTS, EARMARKS, [], round_year=YEAR)
    years = {y.budget_year: y for y in allocation.years}
    assert (years[2025].opening, years[2025].new_confirmed, years[2025].earmarked, years[2025].closing) == (
        0,
        2_800_000,
        1_000_000,
        1_800_000,
    )
    assert (years[2026].opening, years[2026].new_confirmed, years[2026].earmarked, years[2026].closing) == (
        1_800_000,
        5_000_000,
        1_500_000,
        5_300_000,
    )
    assert years[2027].basis == "antatt" and years[2027].new_assumed == 5_000_000
    assert years[2027].earmarked == 500_000
    assert years[2028].basis == "ingen pott" and years[2028].earmarked == 500_000
    ledger = allocation.ledger
    assert (ledger.pot_total, ledger.earmarked_total, ledger.available, ledger.carried_in) == (
        7_800_000,
        2_500_000,
        5_300_000,
        1_800_000,
    )
    assert [e.name for e in ledger.open_earmarks] == ["Intermediærpost i Vefsn"]
    assert "Avsetning «Intermediærpost i Vefsn»: beløp ikke avklart" in allocation.warnings
    assert allocation.left == 5_300_000


def test_builtin_portfolio_default_order():
    allocation = allocate(POTS, EARMARKS, helgeland(), round_year=YEAR)
    rows = {row.key: row for row in allocation.rows}
    # Interkommunalt: no year given, counted in 2026, fits and leaves 642 500 kr.
    assert rows[1].recommended == {2026: 4_657_500} and rows[1].position == POSITION_ABOVE
    assert rows[1].left == 642_500 and allocation.left == 642_500
    assert any("uten år er ført i 2026" in w for w in rows[1].warnings)
    # Fremtidens pasientforløp: unknown is "?", neither above nor below, not marked as fitting.
    assert rows[2].position == POSITION_UNKNOWN and rows[2].recommended is None and not rows[2].fits
    # Observasjonspost: the 2025 plan is shifted to 2026, never "0 kr applied this year".
    assert rows[3].applied_round_year == 3_600_000 and rows[3].plan.shifted_from == 2025
    assert any("forskjøvet fra 2025 til 2026" in w for w in rows[3].warnings)
    assert rows[3].position == POSITION_BELOW and allocation.cut_index == 2
    # Helgelandssykepleier asks 2 000 000 kr a year: its first year is 2026 after the shift.
    assert rows[5].plan.applied == {y: 2_000_000 for y in range(2026, 2031)}
    year_2026 = allocation.year(2026)
    assert year_2026 is not None and year_2026.recommended == 4_657_500 and year_2026.closing == 642_500


def test_helgelandssykepleier_first_leaves_3_300_000_in_2026_with_later_years_warned():
    allocation = allocate(POTS, EARMARKS, helgeland([5, 1, 2, 3, 4]), round_year=YEAR)
    first = allocation.rows[0]
    assert first.name == "Helgelandssykepleier" and first.fits
    assert allocation.left == 3_300_000
    closing = {y.budget_year: y.closing for y in allocation.years}
    assert closing[2026] == 3_300_000
    assert closing[2027] == 3_300_000 + 5_000_000 - 500_000 - 2_000_000
    assert closing[2030] < 0  # no pot after 2027: allowed, but warned
    assert "2027 mot antatt pott (ikke bekreftet)" in first.warnings
    assert "2028–2030 uten pott" in first.warnings
    assert any(w.startswith("2030:") and "underskudd" in w for w in allocation.warnings)
    # Interkommunalt no longer fits in 2026: the cut falls there.
    assert allocation.rows[1].name == "Interkommunalt" and allocation.cut_index == 1


def test_carried_rest_counts_in_the_round_year():
    """5 300 000 to distribute = 1 800 000 carried + 5 000 000 new − 1 500 000 earmarked."""
    app = ApplicationInput(1, "Stor", 1, {2026: 5_300_000}, 5_300_000)
    allocation = allocate(POTS, EARMARKS, [app], round_year=YEAR)
    assert allocation.rows[0].fits and allocation.left == 0
    too_big = dataclasses.replace(app, applied_by_year={2026: 5_300_001}, applied_total=5_300_001)
    assert allocate(POTS, EARMARKS, [too_big], round_year=YEAR).cut_index == 0


def test_spending_in_an_earlier_confirmed_year_lowers_the_later_years():
    pots = [PotInput(2025, 1_000_000), PotInput(2026, 1_000_000)]
    first = ApplicationInput(1, "A", 1, {2025: 800_000}, 800_000)
    second = ApplicationInput(2, "B", 2, {2026: 1_300_000}, 1_300_000)
    allocation = allocate(pots, [], [first, second], round_year=2025)
    assert allocation.rows[0].fits
    assert allocation.rows[1].position == POSITION_BELOW  # 200 000 carried + 1 000 000 < 1 300 000


def test_partial_recommendation_per_year_moves_the_cut():
    apps = helgeland([1, 3, 2, 4, 5])
    apps = [dataclasses.replace(a, recommended={2026: 600_000}) if a.key == 3 else a for a in apps]
    allocation = allocate(POTS, EARMARKS, apps, round_year=YEAR)
    rows = {row.key: row for row in allocation.rows}
    assert rows[3].fits and rows[3].local == {2026: 600_000}
    assert allocation.left == 42_500
    # begge: the rest of what was applied for is forwarded.
    assert rows[3].forwarded == {2026: 3_000_000}


def test_zero_recommendation_draws_nothing_and_forwards_everything():
    apps = [dataclasses.replace(a, recommended={2026: 0}) if a.key == 1 else a for a in helgeland()]
    allocation = allocate(POTS, EARMARKS, apps, round_year=YEAR)
    row = allocation.rows[0]
    assert row.local == {} and not row.fits and row.forwarded == {2026: 4_657_500}


def test_recommendation_above_applied_is_refused_in_norwegian():
    with pytest.raises(AllocationError, match="Innstilt beløp for «X».*høyere enn søkt"):
        ApplicationInput(1, "X", 1, {2026: 100}, 100, recommended={2026: 60, 2027: 60})


def test_unknown_amount_with_a_recommendation_is_counted():
    apps = [dataclasses.replace(a, recommended={2026: 500_000}) if a.key == 2 else a for a in helgeland()]
    allocation = allocate(POTS, EARMARKS, apps, round_year=YEAR)
    row = allocation.rows[1]
    assert row.position == POSITION_ABOVE and row.local == {2026: 500_000}
    assert row.forwarded is None  # what is left to forward is still not stated


def test_unknown_application_routed_ikke_prioritert_is_no_longer_on_the_regional_list():
    base = allocate(POTS, EARMARKS, helgeland(), round_year=YEAR)
    assert [item.key for item in base.regional] == [2, 3, 4, 5]
    assert base.regional[0].total is None
    apps = [dataclasses.replace(a, route=ROUTE_NONE) if a.key == 2 else a for a in helgeland()]
    assert [item.key for item in allocate(POTS, EARMARKS, apps, round_year=YEAR).regional] == [3, 4, 5]


def test_routes():
    def row_for(route: str, rank_first: bool = True):
        apps = [dataclasses.replace(a, route=route) if a.key == 3 else a for a in helgeland([3, 1, 2, 4, 5])]
        return next(r for r in allocate(POTS, EARMARKS, apps, round_year=YEAR).rows if r.key == 3)

    local = row_for(ROUTE_LOCAL)
    assert local.local == {2026: 3_600_000} and local.forwarded == {}
    regional = row_for(ROUTE_REGIONAL)
    assert regional.local == {} and regional.forwarded == {2026: 3_600_000}
    both = row_for(ROUTE_BOTH)
    assert both.local == {2026: 3_600_000} and both.forwarded == {}  # funded in full: not forwarded
    none = row_for(ROUTE_NONE)
    assert none.local == {} and none.forwarded == {}


def test_begge_below_the_line_forwards_what_was_applied_for():
    allocation = allocate(POTS, EARMARKS, helgeland(), round_year=YEAR)
    rehab = next(r for r in allocation.rows if r.key == 4)
    assert rehab.position == POSITION_BELOW and rehab.forwarded == {2026: 4_000_000}


def test_round_without_a_pot_has_no_cut_line_and_says_so():
    apps = [
        ApplicationInput(1, "ALIS Harstad", 1, {None: 1_200_000}, 1_200_000),
        ApplicationInput(2, "Hvor er samhandlingsrommet?", 2, {}, None),
    ]
    allocation = allocate([], [], apps, round_year=2025)
    assert not allocation.ledger.pot_stated and allocation.cut_index is None and allocation.left is None
    assert [row.position for row in allocation.rows] == [POSITION_NO_POT, POSITION_UNKNOWN]
    assert allocation.warnings[0].startswith("Pott ikke oppgitt")
    assert fill_pot(allocation) == []


def test_earmarks_above_the_confirmed_pot_mean_nothing_fits_and_a_warning():
    earmarks = [EarmarkInput(1, "Stor", {2026: 9_000_000})]
    allocation = allocate(POTS, earmarks, helgeland(), round_year=YEAR)
    assert allocation.cut_index == 0
    assert any(w.startswith("2026:") and "større enn" in w for w in allocation.warnings)


def test_cut_line_warning_names_the_year_and_what_is_left():
    allocation = allocate(POTS, EARMARKS, helgeland(), round_year=YEAR)
    assert (
        "Streken går ved «Observasjonspost» (rangering 3): i 2026 er det 642 500 kr igjen, "
        "søknaden trenger 3 600 000 kr." in [w.replace("\xa0", " ") for w in allocation.warnings]
    )


def test_fill_pot_skips_what_does_not_fit_and_takes_smaller_ones_later():
    apps = helgeland([3, 1, 4, 2, 5])  # 3 600 000 first, then 4 657 500 does not fit, 4 000 000 neither
    small = ApplicationInput(6, "Liten", 6, {2026: 1_000_000}, 1_000_000)
    allocation = allocate(POTS, EARMARKS, [*apps, small], round_year=YEAR)
    assert allocation.cut_index == 1
    assert fill_pot(allocation) == [3, 6]


def test_plan_of_shifts_and_flags():
    plan = plan_of({2025: 1, 2026: 2, None: 3}, 6, 2026)
    assert plan.applied == {2026: 4, 2027: 2} and plan.shifted_from == 2025 and plan.no_year == 3
    assert plan.flags(2026) == ["planen er forskjøvet fra 2025 til 2026", "3 kr uten år er ført i 2026"]
    assert plan_of({}, None, 2026).total is None
    assert plan_of({2027: 5}, 5, 2026).applied == {2027: 5}  # a later start is kept


def test_spread_modes():
    plan = plan_of({2026: 2_000_000, 2027: 1_000_000, 2028: 1_000_000}, 4_000_000, 2026)
    assert spread(1_000_000, SPREAD_ROUND_YEAR, plan, 2026) == {2026: 1_000_000}
    assert spread(1_000_000, SPREAD_AS_APPLIED, plan, 2026) == {2026: 500_000, 2027: 250_000, 2028: 250_000}
    assert spread(100, SPREAD_EVEN, plan, 2026) == {2026: 34, 2027: 33, 2028: 33}
    with pytest.raises(AllocationError, match="Ukjent fordeling"):
        spread(1, "tull", plan, 2026)


def test_year_span():
    assert year_span([2030, 2028, 2029]) == "2028–2030"
    assert year_span([2026, 2028]) == "2026, 2028"


def test_move_refuses_impossible_places():
    assert move([1, 2, 3], 3, 1) == [3, 1, 2]
    for bad in (0, -2, 5):
        with pytest.raises(AllocationError, match="finnes ikke"):
            move([1, 2, 3], 3, bad)


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda: PotInput(2026, -1), "negativt"),
        (lambda: PotInput("2026", 1), "årstall"),  # type: ignore[arg-type]
        (lambda: EarmarkInput(1, "E", {2026: 1.5}), "helt antall kroner"),  # type: ignore[dict-item]
        (lambda: ApplicationInput(1, "A", 0, {}, None), "rangering 0"),
        (lambda: ApplicationInput(1, "A", 1, {}, None, route="x"), "ukjent prioritering"),
        (lambda: ApplicationInput(1, "A", 1, {2026: -5}, 5), "negativt"),
        (lambda: ApplicationInput(1, "A", 1, {}, None, recommended={2026: -1}), "negativt"),
    ],
)
def test_bad_input_is_refused_with_a_norwegian_message(make, fragment):
    with pytest.raises(AllocationError, match=fragment):
        make()


def test_ranks_not_one_to_n_and_duplicate_keys_are_refused():
    apps = helgeland()
    with pytest.raises(AllocationError, match="uten hull"):
        allocate(POTS, EARMARKS, [dataclasses.replace(apps[0], rank=7), *apps[1:]], round_year=YEAR)
    with pytest.raises(AllocationError, match="samme nøkkel"):
        allocate(POTS, EARMARKS, [apps[0], dataclasses.replace(apps[1], key=1)], round_year=YEAR)
    with pytest.raises(AllocationError, match="mangler 2"):
        validate_ranks([1, 3, 3])


# --- properties -------------------------------------------------------------------------------

years = st.integers(2024, 2030)
amounts = st.integers(0, 3_000_000)
pot_lists = st.lists(st.builds(PotInput, years, amounts, st.just(""), st.booleans()), max_size=5)


@st.composite
def earmark_lists(draw):
    count = draw(st.integers(0, 4))
    return [
        EarmarkInput(
            i, f"Avsetning {i}", draw(st.dictionaries(years, amounts, max_size=3)), draw(st.booleans())
        )
        for i in range(count)
    ]


@st.composite
def applications(draw) -> list[ApplicationInput]:
    count = draw(st.integers(0, 8))
    ranks = draw(st.permutations(list(range(1, count + 1))))
    out = []
    for i in range(count):
        by_year = draw(st.dictionaries(st.one_of(st.none(), years), amounts, max_size=4))
        total = sum(by_year.values()) if by_year else None
        recommended = None
        if draw(st.booleans()):
            recommended = draw(st.dictionaries(years, st.integers(0, 1_000_000), max_size=3))
            if total is not None and sum(recommended.values()) > total:
                recommended = {}
        out.append(
            ApplicationInput(
                i + 1,
                f"Søknad {i + 1}",
                ranks[i],
                by_year,
                total,
                recommended,
                draw(st.sampled_from(ROUTES)),
            )
        )
    return out


@settings(max_examples=200, deadline=None)
@given(pot_lists, earmark_lists(), applications(), st.integers(2025, 2027))
def test_ledger_rules_hold_for_any_round(pots, earmarks, apps, round_year):
    allocation = allocate(pots, earmarks, apps, round_year=round_year)
    ledger = allocation.ledger
    # Each year: opening + new − earmarks − recommended = closing, carried into the next year.
    previous = None
    for year in allocation.years:
        assert (
            year.closing
            == year.opening + year.new_confirmed + year.new_assumed - year.earmarked - year.recommended
        )
        if previous is not None:
            assert year.opening == previous.closing and year.budget_year == previous.budget_year + 1
        previous = year
    # Only rows above the line draw; what they draw is what the years view counts.
    drawn: dict[int, int] = {}
    for row in allocation.rows:
        if row.local:
            assert row.position == POSITION_ABOVE and row.counts_locally
            for y, a in row.local.items():
                drawn[y] = drawn.get(y, 0) + a
    assert {y.budget_year: y.recommended for y in allocation.years if y.recommended} == {
        y: a for y, a in drawn.items() if a
    }
    # No confirmed year is overdrawn by the applications (earmarks alone may do it: warned).
    if ledger.pot_stated:
        checked, budget = ledger.budget()
        for year, before in zip(checked, budget, strict=True):
            item = allocation.year(year)
            assert item is not None
            if before >= 0:
                assert item.closing >= 0
    # The cut: every row from it on is below the line (unknown ones stay unknown).
    if allocation.cut_index is not None:
        for row in allocation.rows[allocation.cut_index :]:
            assert row.position in (POSITION_BELOW, POSITION_UNKNOWN)
        assert allocation.rows[allocation.cut_index].position == POSITION_BELOW
    # Unknown is never zero: an unknown row draws nothing and is not marked as fitting.
    for row in allocation.rows:
        if row.plan.total is None and row.recommended is None:
            assert row.position == POSITION_UNKNOWN and not row.fits
    # The regional list: rank order, exactly the rows with something left to forward.
    regional = allocation.regional
    assert [item.rank for item in regional] == sorted(item.rank for item in regional)
    for row in allocation.rows:
        forwarded = row.forwarded
        on_list = any(item.key == row.key for item in regional)
        assert on_list == (forwarded is None or bool(forwarded))
        if forwarded:
            assert row.route in (ROUTE_REGIONAL, ROUTE_BOTH)
            for y, a in forwarded.items():
                assert 0 < a <= row.plan.applied[y]
    # "Fyll potten" takes every row above the line that draws money, in order, and more only below it.
    fits = [row.key for row in allocation.rows if row.fits]
    assert fill_pot(allocation)[: len(fits)] == fits


@settings(max_examples=200, deadline=None)
@given(pot_lists, earmark_lists(), applications(), st.data())
def test_reallocate_after_move_equals_a_full_allocate_of_the_new_order(pots, earmarks, apps, data):
    allocation = allocate(pots, earmarks, apps, round_year=YEAR)
    if not allocation.rows:
        return
    old = data.draw(st.integers(0, len(apps) - 1))
    new = data.draw(st.integers(0, len(apps) - 1))
    order = [row.key for row in allocation.rows]
    order.insert(new, order.pop(old))
    moved = [dataclasses.replace(a, rank=order.index(a.key) + 1) for a in apps]
    expected = allocate(pots, earmarks, moved, round_year=YEAR)
    got = reallocate_after_move(allocation, old, new)
    assert got.cut_index == expected.cut_index
    assert got.rows == expected.rows
    assert [y for y in got.years] == [y for y in expected.years]


def test_reallocate_after_move_refuses_bad_indexes():
    allocation = allocate(POTS, EARMARKS, helgeland(), round_year=YEAR)
    with pytest.raises(AllocationError, match="finnes ikke"):
        reallocate_after_move(allocation, 0, 5)
    moved = reallocate_after_move(allocation, 4, 0)
    assert moved.rows[0].name == "Helgelandssykepleier" and moved.left == 3_300_000
