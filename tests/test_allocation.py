"""The prioritisation arithmetic: ledger, cut line, per-year view, fill_pot, move."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rsapp.allocation import (
    KIND_EARMARK,
    KIND_OPEN,
    KIND_POT,
    KIND_TOTAL,
    LOCAL_ROUTES,
    ROUTE_BOTH,
    ROUTE_LABELS,
    ROUTE_LOCAL,
    ROUTE_NONE,
    ROUTE_REGIONAL,
    AllocationError,
    ApplicationInput,
    EarmarkInput,
    PotInput,
    allocate,
    fill_pot,
    grant_by_year,
    move,
    reallocate_after_move,
    validate_ranks,
)
from rsapp.money import format_kr

# --- The Helgeland 2026 round (DOMAIN.md §3) ----------------------------------------

HELGELAND_POTS = [
    PotInput(2025, 2_800_000, "Rest fra 2025"),
    PotInput(2026, 5_000_000, "Lokal pott 2026"),
    PotInput(2027, 5_000_000, "Antatt pott 2027", confirmed=False),
]
DIGNIO = EarmarkInput(1, "Dignio-lisens DHO", {2026: 500_000, 2027: 500_000, 2028: 500_000})
PROJECT_LEADER = EarmarkInput(2, "Prosjektleder/rådgiver", {2025: 1_000_000, 2026: 1_000_000})
INTERMEDIATE = EarmarkInput(3, "Intermediærpost Vefsn", {}, is_open=True)
HELGELAND_EARMARKS = [DIGNIO, PROJECT_LEADER, INTERMEDIATE]


def app(key: int, rank: int, applied: int | None, **kwargs) -> ApplicationInput:
    """An application with ``applied`` for the round year 2026 (or nothing stated)."""
    by_year = kwargs.pop("by_year", {2026: applied} if applied is not None else {})
    return ApplicationInput(key, f"Prosjekt {key}", rank, by_year, applied, **kwargs)


def three_applications(granted: dict[int, int] | None = None) -> list[ApplicationInput]:
    """The cut-line case: 4 657 500, 3 600 000, 4 000 000 against 5 300 000 (``granted`` by key)."""
    granted = granted or {}
    return [
        ApplicationInput(
            1,
            "Interkommunalt innsats- og vurderingsteam",
            1,
            {2025: 1_552_500, 2026: 1_552_500, 2027: 1_552_500},
            4_657_500,
            granted.get(1),
        ),
        ApplicationInput(
            2,
            "Forprosjekt: Observasjonspost Sør-Helgeland",
            2,
            {2025: 1_500_000, 2026: 2_100_000},
            3_600_000,
            granted.get(2),
        ),
        ApplicationInput(
            3, "Forprosjekt – tverretatlig rehabilitering", 3, {2026: 4_000_000}, 4_000_000, granted.get(3)
        ),
    ]


def test_helgeland_ledger_figures():
    ledger = allocate(HELGELAND_POTS, HELGELAND_EARMARKS, [], round_year=2026).ledger

    assert ledger.pot_total == 7_800_000
    assert [pot.budget_year for pot in ledger.pots] == [2025, 2026]
    assert [pot.budget_year for pot in ledger.assumed_pots] == [2027]
    assert ledger.counted_years == {2025, 2026}
    assert ledger.earmarked_total == 2_500_000
    assert [(e.name, amount) for e, amount in ledger.earmark_lines] == [
        ("Dignio-lisens DHO", 500_000),
        ("Prosjektleder/rådgiver", 2_000_000),
    ]
    assert ledger.open_earmarks == [INTERMEDIATE]
    assert ledger.available == 5_300_000


def test_helgeland_ledger_lines_add_up_for_display():
    lines = allocate(HELGELAND_POTS, HELGELAND_EARMARKS, [], round_year=2026).ledger.lines()

    assert [(line.label, line.budget_year, line.amount, line.kind) for line in lines] == [
        ("Rest fra 2025", 2025, 2_800_000, KIND_POT),
        ("Lokal pott 2026", 2026, 5_000_000, KIND_POT),
        ("Dignio-lisens DHO", 2026, -500_000, KIND_EARMARK),
        ("Prosjektleder/rådgiver", None, -2_000_000, KIND_EARMARK),
        ("Intermediærpost Vefsn: beløp ikke avklart", None, None, KIND_OPEN),
        ("Til fordeling", None, 5_300_000, KIND_TOTAL),
    ]
    assert sum(line.amount for line in lines[:-1] if line.amount is not None) == lines[-1].amount


def test_pot_without_origin_gets_a_label():
    lines = allocate([PotInput(2026, 5_000_000)], [], [], round_year=2026).ledger.lines()
    assert lines[0].label == "Lokal pott 2026"


def test_open_earmark_is_not_counted_as_zero_and_is_warned():
    allocation = allocate(HELGELAND_POTS, HELGELAND_EARMARKS, [], round_year=2026)

    assert INTERMEDIATE not in [earmark for earmark, _ in allocation.ledger.earmark_lines]
    assert allocation.ledger.open_earmarks == [INTERMEDIATE]
    assert "Avsetning «Intermediærpost Vefsn»: beløp ikke avklart" in allocation.warnings
    year_2026 = next(y for y in allocation.years if y.budget_year == 2026)
    assert year_2026.open_earmarks == 1


def test_earmark_without_amounts_is_open_even_if_not_flagged():
    undecided = EarmarkInput(9, "Kr. X ressurs", {})
    allocation = allocate([PotInput(2026, 5_000_000)], [undecided], [], round_year=2026)

    assert allocation.ledger.open_earmarks == [undecided]
    assert allocation.ledger.available == 5_000_000
    assert "Avsetning «Kr. X ressurs»: beløp ikke avklart" in allocation.warnings


def test_open_flag_wins_over_tentative_amounts():
    tentative = EarmarkInput(9, "Prosjektleder", {2026: 1_000_000}, is_open=True)
    allocation = allocate([PotInput(2026, 5_000_000)], [tentative], [], round_year=2026)

    assert allocation.ledger.available == 5_000_000
    assert allocation.ledger.open_earmarks == [tentative]


def test_helgeland_years_view_and_dignio_warnings():
    allocation = allocate(HELGELAND_POTS, HELGELAND_EARMARKS, [], round_year=2026)
    years = {y.budget_year: y for y in allocation.years}

    assert sorted(years) == [2025, 2026, 2027, 2028]
    assert (years[2025].pot, years[2025].pot_confirmed, years[2025].earmarked, years[2025].left) == (
        2_800_000,
        True,
        1_000_000,
        1_800_000,
    )
    assert (years[2026].pot, years[2026].earmarked, years[2026].left) == (5_000_000, 1_500_000, 3_500_000)
    # 2027: an assumed pot is shown but does not count; Dignio's money there is warned about.
    assert (years[2027].pot, years[2027].pot_confirmed, years[2027].earmarked) == (5_000_000, False, 500_000)
    assert years[2028].pot is None and years[2028].left is None
    assert years[2025].warning is None and years[2026].warning is None
    assert years[2027].warning == f"2027: {format_kr(500_000)} bundet uten bekreftet pott"
    assert years[2028].warning == f"2028: {format_kr(500_000)} bundet uten bekreftet pott"
    assert allocation.warnings == [
        "Avsetning «Intermediærpost Vefsn»: beløp ikke avklart",
        f"2027: {format_kr(500_000)} bundet uten bekreftet pott",
        f"2028: {format_kr(500_000)} bundet uten bekreftet pott",
    ]


def test_earmark_only_in_uncounted_years_does_not_reduce_the_pot():
    later = EarmarkInput(5, "Lisens fra 2027", {2027: 300_000})
    allocation = allocate([PotInput(2026, 5_000_000)], [later], [], round_year=2026)

    assert allocation.ledger.available == 5_000_000
    assert allocation.ledger.uncounted_earmarks == [later]
    assert f"2027: {format_kr(300_000)} bundet uten bekreftet pott" in allocation.warnings


# --- Cut line -----------------------------------------------------------------------


def test_cut_line_second_application_crosses():
    allocation = allocate(HELGELAND_POTS, HELGELAND_EARMARKS, three_applications(), round_year=2026)
    rows = allocation.rows

    assert [row.cumulative for row in rows] == [4_657_500, 8_257_500, 12_257_500]
    assert [row.remaining for row in rows] == [642_500, -2_957_500, -6_957_500]
    assert allocation.cut_index == 1
    assert [row.within_pot for row in rows] == [True, False, False]
    assert allocation.granted_total == 12_257_500
    assert allocation.granted_within_pot == 4_657_500
    assert allocation.left_after_grants == 5_300_000 - 12_257_500
    assert [row.key for row in allocation.rows_within_pot] == [1]
    # Where the line falls (what is left before that row), and separately the whole list's total.
    assert (
        "Streken går ved «Forprosjekt: Observasjonspost Sør-Helgeland» (rangering 2): det er "
        f"{format_kr(642_500)} igjen i potten før den, men søknaden har {format_kr(3_600_000)} innvilget."
    ) in allocation.warnings
    assert (
        f"Hele listen: innvilget lokalt for alle søknadene er til sammen {format_kr(12_257_500)}, "
        f"{format_kr(6_957_500)} mer enn {format_kr(5_300_000)} til fordeling."
    ) in allocation.warnings


def test_a_smaller_row_after_the_cut_stays_below_the_line_but_fill_pot_takes_it():
    apps = [app(1, 1, 4_657_500), app(2, 2, 3_600_000), app(3, 3, 600_000)]
    allocation = allocate(HELGELAND_POTS, HELGELAND_EARMARKS, apps, round_year=2026)

    assert allocation.cut_index == 1
    assert allocation.rows[2].within_pot is False
    assert fill_pot(allocation) == [1, 3]


def test_everything_fits_exactly_means_no_cut():
    apps = [app(1, 1, 5_000_000), app(2, 2, 300_000)]
    allocation = allocate(HELGELAND_POTS, HELGELAND_EARMARKS, apps, round_year=2026)

    assert allocation.cut_index is None
    assert allocation.rows[-1].remaining == 0
    assert all(row.within_pot for row in allocation.rows)
    assert not any(w.startswith(("Streken", "Hele listen")) for w in allocation.warnings)


def test_rows_are_sorted_by_rank_not_input_order():
    apps = [app(10, 3, 100), app(20, 1, 200), app(30, 2, 300)]
    allocation = allocate([PotInput(2026, 1_000)], [], apps, round_year=2026)

    assert [(row.rank, row.key) for row in allocation.rows] == [(1, 20), (2, 30), (3, 10)]
    assert [row.cumulative for row in allocation.rows] == [200, 500, 600]


# --- Grants -------------------------------------------------------------------------


def test_partial_grant_moves_the_cut():
    apps = three_applications(granted={2: 600_000})
    allocation = allocate(HELGELAND_POTS, HELGELAND_EARMARKS, apps, round_year=2026)

    assert allocation.rows[1].granted == 600_000
    assert allocation.rows[1].applied_total == 3_600_000
    assert allocation.rows[1].cumulative == 5_257_500
    assert allocation.cut_index == 2


def test_zero_grant_is_allowed_and_counts_nothing():
    apps = [app(1, 1, 4_000_000, granted=0), app(2, 2, 5_300_000)]
    allocation = allocate(HELGELAND_POTS, HELGELAND_EARMARKS, apps, round_year=2026)

    assert [row.granted for row in allocation.rows] == [0, 5_300_000]
    assert allocation.cut_index is None
    assert allocation.granted_total == 5_300_000


def test_grant_defaults_to_applied_total_and_zero_when_not_stated():
    apps = [app(1, 1, 700_000), app(2, 2, None)]
    allocation = allocate([PotInput(2026, 5_000_000)], [], apps, round_year=2026)

    assert [row.granted for row in allocation.rows] == [700_000, 0]
    assert allocation.rows[1].applied_total is None
    assert allocation.rows[1].applied_year is None
    assert "Søknad «Prosjekt 2» (rangering 2): søkt beløp ikke oppgitt" in allocation.warnings


def test_applied_year_is_the_round_year_plus_lines_without_year():
    application = ApplicationInput(
        1, "Observasjonspost", 1, {2025: 1_500_000, 2026: 1_300_000, None: 800_000}, 3_600_000
    )
    row = allocate([PotInput(2026, 1)], [], [application], round_year=2026).rows[0]
    assert row.applied_year == 2_100_000


def test_granted_above_applied_raises_naming_the_application():
    with pytest.raises(AllocationError, match=r"Innvilget beløp for «Prosjekt 1» .* er høyere enn søkt"):
        app(1, 1, 4_657_500, granted=4_657_501)


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda: app(1, 1, -5), "kan ikke være negativt"),
        (lambda: app(1, 1, 100, granted=-1), "Innvilget beløp for «Prosjekt 1» kan ikke være negativt"),
        (lambda: app(1, 1, 100, by_year={2026: -100}), "Søkt beløp for «Prosjekt 1» i 2026"),
        (lambda: app(1, 1, 100, granted=50.0), "må være et helt antall kroner"),
        (lambda: app(1, 1, 100, route="nasjonal"), "ukjent prioritering «nasjonal»"),
        (lambda: app(1, 0, 100), "rangering 0"),
        (lambda: PotInput(2026, -1), "Pott for 2026 kan ikke være negativt"),
        (lambda: EarmarkInput(1, "Dignio", {2026: -500_000}), "Avsetning «Dignio» for 2026"),
        (lambda: EarmarkInput(1, "Dignio", {"2026": 500_000}), "budsjettåret må være et årstall"),
    ],
)
def test_bad_input_is_refused_with_a_norwegian_message(make, fragment):
    with pytest.raises(AllocationError, match=fragment):
        make()


def test_ranks_not_one_to_n_raise_naming_the_applications():
    with pytest.raises(AllocationError, match=r"Rangering 1 er brukt av både «Prosjekt 1» og «Prosjekt 2»"):
        allocate([], [], [app(1, 1, 10), app(2, 1, 10)], round_year=2026)
    with pytest.raises(AllocationError, match=r"«Prosjekt 2» har rangering 3; må være mellom 1 og 2"):
        allocate([], [], [app(1, 1, 10), app(2, 3, 10)], round_year=2026)


def test_duplicate_keys_raise():
    with pytest.raises(AllocationError, match="samme nøkkel"):
        allocate([], [], [app(1, 1, 10), app(1, 2, 10)], round_year=2026)
    with pytest.raises(AllocationError, match="brukt to ganger"):
        allocate([], [DIGNIO, DIGNIO], [], round_year=2026)


# --- Routes -------------------------------------------------------------------------


def test_regional_and_unprioritised_rows_are_not_counted_locally():
    apps = [
        app(1, 1, 5_000_000, route=ROUTE_REGIONAL),
        app(2, 2, 4_000_000, route=ROUTE_LOCAL),
        app(3, 3, 9_000_000, route=ROUTE_NONE),
        app(4, 4, 1_300_000, route=ROUTE_BOTH),
    ]
    allocation = allocate(HELGELAND_POTS, HELGELAND_EARMARKS, apps, round_year=2026)

    assert [row.counts_locally for row in allocation.rows] == [False, True, False, True]
    assert [row.cumulative for row in allocation.rows] == [0, 4_000_000, 4_000_000, 5_300_000]
    assert allocation.cut_index is None
    assert allocation.granted_total == 5_300_000
    assert fill_pot(allocation) == [2, 4]
    # Regional money does not show up in the years view either.
    assert sum(y.granted for y in allocation.years) == 5_300_000


def test_route_constants():
    assert set(ROUTE_LABELS) == {"lokal", "regional", "begge", "ikke_prioritert"}
    assert ROUTE_LABELS["ikke_prioritert"] == "Ikke prioritert"
    assert LOCAL_ROUTES == {"lokal", "begge"}


# --- Multi-year ---------------------------------------------------------------------


def test_ten_million_over_five_years_warns_for_years_without_confirmed_pot():
    pots = [PotInput(2025, 5_000_000), PotInput(2026, 5_000_000)]
    nurse = ApplicationInput(
        1,
        "Helgelandssykepleier",
        1,
        {year: 2_000_000 for year in range(2025, 2030)},
        10_000_000,
        route=ROUTE_LOCAL,
    )
    allocation = allocate(pots, [], [nurse], round_year=2026)
    years = {y.budget_year: y for y in allocation.years}

    assert allocation.cut_index is None
    assert {year: y.granted for year, y in years.items()} == dict.fromkeys(range(2025, 2030), 2_000_000)
    assert years[2025].left == 3_000_000 and years[2026].left == 3_000_000
    assert years[2025].warning is None and years[2026].warning is None
    expected = [f"{year}: {format_kr(2_000_000)} bundet uten bekreftet pott" for year in (2027, 2028, 2029)]
    assert [years[year].warning for year in (2027, 2028, 2029)] == expected
    assert allocation.warnings == expected


def test_rows_below_the_line_do_not_bind_money_in_the_years_view():
    apps = [app(1, 1, 5_000_000), app(2, 2, 1_000_000, by_year={2027: 1_000_000})]
    allocation = allocate([PotInput(2026, 5_000_000)], [], apps, round_year=2026)

    assert allocation.cut_index == 1
    assert [y.budget_year for y in allocation.years] == [2026]
    assert allocation.years[0].granted == 5_000_000


def test_no_confirmed_pot_and_overspent_earmarks_are_warned():
    assert allocate([], [], [], round_year=2026).warnings == [
        "Runden 2026 har ingen bekreftet pott: ingenting kan fordeles lokalt."
    ]
    allocation = allocate(
        [PotInput(2026, 1_000_000)], [EarmarkInput(1, "Lisens", {2026: 1_500_000})], [], round_year=2026
    )
    assert allocation.ledger.available == -500_000
    assert allocation.warnings[0] == (
        f"Avsetningene ({format_kr(1_500_000)}) er større enn bekreftet pott ({format_kr(1_000_000)})."
    )


def test_grant_by_year_examples():
    observation = ApplicationInput(
        1, "Observasjonspost", 1, {2025: 1_500_000, 2026: 1_300_000, None: 800_000}, 3_600_000
    )
    assert grant_by_year(observation, 3_600_000, 2026) == {2025: 1_500_000, 2026: 2_100_000}
    assert grant_by_year(observation, 1_800_000, 2026) == {2025: 750_000, 2026: 1_050_000}
    # 100 kr over three equal years: the extra krone goes to the earliest year.
    even = ApplicationInput(2, "Jevn", 1, {2026: 1, 2027: 1, 2028: 1}, 3)
    assert grant_by_year(even, 100, 2026) == {2026: 34, 2027: 33, 2028: 33}
    # The spare krone goes to the year with the largest remainder (66.67 > 33.33).
    uneven = ApplicationInput(3, "Ujevn", 1, {2025: 1, 2026: 2}, 3)
    assert grant_by_year(uneven, 100, 2026) == {2025: 33, 2026: 67}
    assert grant_by_year(app(4, 1, None), 500, 2026) == {2026: 500}


# --- move / validate_ranks ----------------------------------------------------------


def test_move_examples():
    assert move([10, 20, 30, 40], 40, 1) == [40, 10, 20, 30]
    assert move([10, 20, 30, 40], 10, 3) == [20, 30, 10, 40]
    assert move([10, 20, 30], 10, 99) == [20, 30, 10]
    assert move([10, 20, 30], 30, -4) == [30, 10, 20]
    with pytest.raises(AllocationError, match="Fant ikke søknad med nøkkel 99"):
        move([10, 20, 30], 99, 1)


def test_validate_ranks_messages():
    validate_ranks([])
    validate_ranks([2, 3, 1])
    with pytest.raises(AllocationError, match=r"mangler 3; brukt flere ganger: 2"):
        validate_ranks([1, 2, 2])
    with pytest.raises(AllocationError, match=r"utenfor 1–2: 0"):
        validate_ranks([1, 0])


# --- Properties ---------------------------------------------------------------------

amounts = st.integers(min_value=0, max_value=20_000_000)
routes = st.sampled_from([ROUTE_LOCAL, ROUTE_REGIONAL, ROUTE_BOTH, ROUTE_NONE])


@st.composite
def applications(draw) -> list[ApplicationInput]:
    n = draw(st.integers(min_value=0, max_value=10))
    ranks = draw(st.permutations(list(range(1, n + 1))))
    out = []
    for i, rank in enumerate(ranks):
        by_year = draw(st.dictionaries(st.one_of(st.none(), st.integers(2024, 2029)), amounts, max_size=3))
        stated = draw(st.booleans()) or bool(by_year)
        total = sum(by_year.values()) if by_year else (draw(amounts) if stated else None)
        granted = draw(st.one_of(st.none(), st.integers(0, total))) if total is not None else draw(st.none())
        out.append(ApplicationInput(i, f"S{i}", rank, by_year, total, granted, draw(routes)))
    return out


pot_lists = st.lists(
    st.builds(PotInput, st.integers(2024, 2028), amounts, st.just(""), st.booleans()), max_size=4
)
earmark_lists = st.lists(
    st.builds(
        EarmarkInput,
        st.integers(0, 1_000_000),
        st.just("A"),
        st.dictionaries(st.integers(2024, 2030), st.integers(0, 3_000_000), max_size=3),
        st.booleans(),
    ),
    max_size=4,
    unique_by=lambda e: e.key,
)


@settings(max_examples=150, deadline=None)
@given(pot_lists, earmark_lists, applications())
def test_totals_and_cut_line_are_consistent(pots, earmarks, apps):
    allocation = allocate(pots, earmarks, apps, round_year=2026)
    available = allocation.ledger.available
    rows = allocation.rows

    assert [row.rank for row in rows] == list(range(1, len(apps) + 1))
    counting = [row for row in rows if row.counts_locally]
    assert allocation.granted_total == sum(row.granted for row in counting)
    if counting:
        assert counting[-1].cumulative == allocation.granted_total
    running = 0
    first_over = None
    for index, row in enumerate(rows):
        running += row.granted if row.counts_locally else 0
        assert row.cumulative == running
        assert row.remaining == available - row.cumulative
        if first_over is None and row.counts_locally and row.cumulative > available:
            first_over = index
    assert allocation.cut_index == first_over
    assert [row.within_pot for row in rows] == [
        first_over is None or i < first_over for i in range(len(rows))
    ]
    assert allocation.left_after_grants == available - allocation.granted_total
    # Years view: the money above the line is all spread over years.
    assert sum(y.granted for y in allocation.years) == sum(r.granted for r in counting if r.within_pot)
    # fill_pot never overspends and starts with everything above the line.
    chosen = set(fill_pot(allocation))
    assert sum(r.granted for r in rows if r.key in chosen) <= max(available, 0) or not chosen
    assert {r.key for r in counting if r.within_pot} <= chosen or available < 0


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(st.one_of(st.none(), st.integers(2020, 2035)), amounts, max_size=6),
    amounts,
    st.integers(2020, 2035),
)
def test_grant_by_year_sums_to_granted_with_non_negative_parts(by_year, granted, round_year):
    application = ApplicationInput(1, "S", 1, by_year, None)
    parts = grant_by_year(application, granted, round_year)

    assert sum(parts.values()) == granted
    assert all(part >= 0 for part in parts.values())
    assert list(parts) == sorted(parts)
    weights: dict[int, int] = {}
    for year, amount in by_year.items():
        weights[round_year if year is None else year] = (
            weights.get(round_year if year is None else year, 0) + amount
        )
    total = sum(weights.values())
    if total:
        # Each part is its exact proportional share rounded down or up: never off by a krone or more.
        assert all(abs(parts[year] * total - granted * weights[year]) < total for year in parts)
    expected_years = (
        {round_year if y is None else y for y in by_year} if sum(by_year.values()) else {round_year}
    )
    assert set(parts) == expected_years


@given(st.lists(st.integers(), unique=True, min_size=1), st.data())
def test_move_returns_a_permutation_with_the_key_in_place(order, data):
    key = data.draw(st.sampled_from(order))
    position = data.draw(st.integers(-5, len(order) + 5))
    result = move(order, key, position)

    assert sorted(result) == sorted(order)
    assert result.index(key) == min(max(position, 1), len(order)) - 1
    assert [k for k in result if k != key] == [k for k in order if k != key]


@given(st.lists(st.integers(-2, 12), max_size=10))
def test_validate_ranks_accepts_exactly_permutations(ranks):
    is_permutation = sorted(ranks) == list(range(1, len(ranks) + 1))
    if is_permutation:
        validate_ranks(ranks)
    else:
        with pytest.raises(AllocationError):
            validate_ranks(ranks)


@given(st.integers(0, 12).flatmap(lambda n: st.permutations(list(range(1, n + 1)))))
def test_validate_ranks_accepts_every_permutation(ranks):
    validate_ranks(ranks)


@settings(max_examples=150, deadline=None)
@given(pot_lists, earmark_lists, applications(), st.data())
def test_reallocate_after_move_equals_a_full_allocate_of_the_new_order(pots, earmarks, apps, data):
    if not apps:
        return
    before = allocate(pots, earmarks, apps, round_year=2026)
    n = len(apps)
    old_index = data.draw(st.integers(0, n - 1), label="old_index")
    new_index = data.draw(st.integers(0, n - 1), label="new_index")
    _ = before.years, before.warnings  # computed on the old allocation: must not leak into the new one

    incremental = reallocate_after_move(before, old_index, new_index)

    order = move([row.key for row in before.rows], before.rows[old_index].key, new_index + 1)
    rank_of = {key: rank for rank, key in enumerate(order, start=1)}
    full = allocate(pots, earmarks, [replace(a, rank=rank_of[a.key]) for a in apps], round_year=2026)
    assert incremental == full  # ledger, rows (cumulative, remaining, within_pot), cut, totals
    assert incremental.years == full.years
    assert incremental.warnings == full.warnings
    assert fill_pot(incremental) == fill_pot(full)
    # The old allocation is left as it was.
    assert before == allocate(pots, earmarks, apps, round_year=2026)


def test_reallocate_after_move_moves_the_cut_line_and_refuses_bad_indexes():
    allocation = allocate(HELGELAND_POTS, HELGELAND_EARMARKS, three_applications(), round_year=2026)
    # Rehabilitering (4 000 000) to the top: it fits alone, the line falls right after it.
    moved = reallocate_after_move(allocation, 2, 0)

    assert [row.key for row in moved.rows] == [3, 1, 2]
    assert [row.rank for row in moved.rows] == [1, 2, 3]
    assert [row.cumulative for row in moved.rows] == [4_000_000, 8_657_500, 12_257_500]
    assert moved.cut_index == 1 and moved.granted_within_pot == 4_000_000
    assert [a.rank for a in moved._applications] == [1, 2, 3]
    with pytest.raises(AllocationError, match=r"Plass 3 finnes ikke i listen \(1–3\)"):
        reallocate_after_move(allocation, 3, 0)
