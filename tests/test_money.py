"""Reading and formatting amounts as the grant documents and the secretariat write them."""

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from rsapp.money import (
    NBSP,
    AmountError,
    ParsedAmount,
    find_amounts,
    format_amount_or_missing,
    format_kr,
    format_kr_prefix,
    format_mnok,
    parse_amount,
    yearly_amounts,
)

# --------------------------------------------------------------------------- DOMAIN.md §7 forms


@pytest.mark.parametrize(
    ("text", "kroner"),
    [
        ("kr. 9 315 000,-", 9_315_000),
        ("kr. 4 657 500,-", 4_657_500),
        ("Kr. 500.000,-", 500_000),
        ("Kr. 500.000, -", 500_000),  # the seed has a space after the comma
        ("1 500 000", 1_500_000),
        ("22 millioner kroner", 22_000_000),
        ("1 234 567 kr", 1_234_567),
        (f"1{NBSP}234{NBSP}567 kr", 1_234_567),
        ("1\u202f234\u202f567 kr", 1_234_567),  # narrow no-break space from Word
        ("kr 1 234 567", 1_234_567),
        ("3 600 000", 3_600_000),
        ("Kr 500 000", 500_000),
        ("1,2 MNOK", 1_200_000),
        ("500 000 kr", 500_000),
        ("10 mill", 10_000_000),
        ("1.500.000", 1_500_000),
        ("500.000 kroner", 500_000),
        ("2,8 millioner", 2_800_000),
        ("NOK 250 000", 250_000),
        ("500kr", 500),
        ("1500", 1500),  # a bare number typed into an amount field
    ],
)
def test_plain_amounts_are_exact_and_need_no_confirmation(text: str, kroner: int) -> None:
    parsed = parse_amount(text)
    assert (parsed.low, parsed.high) == (kroner, kroner)
    assert parsed.text == text
    assert not parsed.approximate and not parsed.per_year
    assert parsed.years is None and parsed.total is None
    assert not parsed.needs_confirmation


@pytest.mark.parametrize(
    ("text", "kroner"),
    [
        ("ca. kr 1,5 mill", 1_500_000),
        ("ca. kr 1,5 mill.", 1_500_000),
        ("ca. kr 0,7 mill.", 700_000),
        ("ca. kr 0,3 mill.", 300_000),
        ("ca. 1 MNOK", 1_000_000),
        ("ca 1 MNOK", 1_000_000),
        ("cirka 2 millioner", 2_000_000),
        ("omtrent 400 000 kr", 400_000),
    ],
)
def test_approximate_amounts_must_be_confirmed(text: str, kroner: int) -> None:
    parsed = parse_amount(text)
    assert parsed.low == parsed.high == kroner
    assert parsed.approximate
    assert parsed.needs_confirmation


def test_yearly_amount_without_years_must_be_confirmed() -> None:
    parsed = parse_amount("1,2 millioner kroner per år")
    assert parsed.low == 1_200_000
    assert parsed.per_year and parsed.years is None
    assert parsed.needs_confirmation


@pytest.mark.parametrize("text", ["5 MNOK årlig", "5 MNOK pr. år", "5 MNOK i året", "årlig 5 MNOK"])
def test_yearly_wordings(text: str) -> None:
    parsed = parse_amount(text)
    assert parsed.low == 5_000_000
    assert parsed.per_year


def test_yearly_amount_over_years_with_total() -> None:
    parsed = parse_amount("2 millioner per år over 5 år, totalt 10 millioner")
    assert parsed.low == parsed.high == 2_000_000
    assert parsed.per_year and parsed.years == 5
    assert parsed.total == 10_000_000
    assert not parsed.needs_confirmation  # 2 000 000 × 5 == 10 000 000


def test_total_that_disagrees_with_yearly_amount_must_be_confirmed() -> None:
    parsed = parse_amount("2 millioner per år over 5 år, totalt 12 millioner")
    assert parsed.total == 12_000_000
    assert parsed.needs_confirmation


def test_abbreviated_range_means_hundreds_of_thousands() -> None:
    parsed = parse_amount("kr. 7-800.000,-")
    assert (parsed.low, parsed.high) == (700_000, 800_000)
    assert parsed.is_range and parsed.needs_confirmation


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("om lag kr. 7–800.000,-", 700_000, 800_000),
        ("1-2 millioner", 1_000_000, 2_000_000),
        ("1,5–2 mill", 1_500_000, 2_000_000),
        ("500 000 - 800 000 kr", 500_000, 800_000),
    ],
)
def test_other_ranges(text: str, low: int, high: int) -> None:
    parsed = parse_amount(text)
    assert (parsed.low, parsed.high) == (low, high)
    assert parsed.is_range


def test_applied_amount_with_total_cost_in_the_same_field() -> None:
    parsed = parse_amount(
        "Totalkostnad: kr. 9 315 000,-, Det søkes om kr. 4 657 500,- som skal brukes til lønn"
    )
    assert parsed.low == 4_657_500
    assert parsed.total == 9_315_000


@pytest.mark.parametrize("text", ["-1 234 kr", "\u22121 234 kr", "Kr \u22121 234", "kr -1 234"])
def test_negative_amounts_with_either_minus(text: str) -> None:
    assert parse_amount(text).low == -1234


@pytest.mark.parametrize(
    "text", ["", "   ", "Vedlagt søknad.", "se vedlagt budsjett", "kr", "1,5", "1 234,50 kr"]
)
def test_unreadable_amounts_raise_norwegian_error_naming_the_text(text: str) -> None:
    with pytest.raises(AmountError) as info:
        parse_amount(text)
    assert f"Kan ikke lese beløpet «{text}»" in str(info.value)
    assert info.value.text == text


def test_amount_error_is_a_value_error() -> None:
    assert issubclass(AmountError, ValueError)


# --------------------------------------------------------------------------- find_amounts


def test_find_amounts_in_the_seed_sentence() -> None:
    text = (
        "Totalkostnad: kr. 9 315 000,-, Det søkes om kr. 4 657 500,- som skal brukes til Lønn til "
        "tre stillinger (sykepleiere eller fysioterapeuter)"
    )
    found = find_amounts(text)
    assert [(p.low, p.total) for _, _, p in found] == [(9_315_000, 9_315_000), (4_657_500, None)]
    for start, end, parsed in found:
        assert text[start:end] == parsed.text
    assert found[1][2].text == "kr. 4 657 500,-"


def test_find_amounts_keeps_a_yearly_phrase_together() -> None:
    text = "Det søkes om 2 millioner per år over 5 år, totalt 10 millioner.  Se vedlagte budsjett."
    [(start, end, parsed)] = find_amounts(text)
    assert text[start:end].startswith("2 millioner per år over 5 år, totalt 10 millioner")
    assert (parsed.low, parsed.per_year, parsed.years, parsed.total) == (2_000_000, True, 5, 10_000_000)


def test_find_amounts_ignores_years_weeks_dates_and_counts() -> None:
    text = (
        "SSU møtes i uke 43 i 2025 (sak 23-2025, møte 09.09.2025, 1.–2. kvartal 2026). "
        "Behovet er ca. 45.600 årsverk, en økning på 28,9 prosent, med 100 % i 18 måneder og 3-årsavtale."
    )
    assert find_amounts(text) == []


def test_nok_is_currency_only_in_capitals() -> None:
    # "nok" is also an everyday word ("enough", "probably")
    assert find_amounts("det er nok 500 deltakere og NOK 250 000 i budsjettet")[0][2].text == "NOK 250 000"
    assert len(find_amounts("det er nok 500 deltakere og NOK 250 000 i budsjettet")) == 1


def test_find_amounts_ignores_organisation_numbers() -> None:
    text = "Postadresse: Besøksadresse: Telefon sentralbord: 75 51 29 00   Org nr: MVA 883 658 752"
    assert find_amounts(text) == []


def test_find_amounts_lists_every_amount_in_a_budget_line() -> None:
    text = "Budsjett: 1 500 000 + 1 300 000 + 800 000 = 3 600 000. Lønnsnivå om lag kr. 7-800.000,-."
    lows = [(p.low, p.high) for _, _, p in find_amounts(text)]
    assert lows == [
        (1_500_000, 1_500_000),
        (1_300_000, 1_300_000),
        (800_000, 800_000),
        (3_600_000, 3_600_000),
        (700_000, 800_000),
    ]
    assert find_amounts(text)[-1][2].approximate


def test_find_amounts_reads_units_and_yearly_wording() -> None:
    text = "Kostnaden er 500.000 kroner per år samlet for kommuner og sykehus, ca. 1 MNOK inkludert sosiale kostnader."
    found = [p for _, _, p in find_amounts(text)]
    assert [(p.low, p.per_year, p.approximate) for p in found] == [
        (500_000, True, False),
        (1_000_000, False, True),
    ]


# --------------------------------------------------------------------------- yearly_amounts


def test_yearly_amounts_spreads_per_year_over_years() -> None:
    parsed = parse_amount("2 millioner per år over 5 år")
    assert yearly_amounts(parsed, 2025) == [(year, 2_000_000) for year in range(2025, 2030)]


def test_yearly_amounts_plain_and_open_ended() -> None:
    assert yearly_amounts(parse_amount("500 000 kr"), 2026) == [(2026, 500_000)]
    assert yearly_amounts(parse_amount("1,2 millioner kroner per år"), 2026) == [(2026, 1_200_000)]


def test_yearly_amounts_uses_the_low_end_of_a_range() -> None:
    assert yearly_amounts(parse_amount("kr. 7-800.000,-"), 2026) == [(2026, 700_000)]


# --------------------------------------------------------------------------- formatting


def test_format_kr_uses_non_breaking_spaces() -> None:
    assert format_kr(1_234_567) == f"1{NBSP}234{NBSP}567 kr"
    assert format_kr(0) == "0 kr"
    assert format_kr(999) == "999 kr"
    assert format_kr(-1234) == f"\u22121{NBSP}234 kr"


def test_format_kr_prefix() -> None:
    assert format_kr_prefix(500_000) == f"Kr 500{NBSP}000"


@pytest.mark.parametrize(
    ("amount", "decimals", "text"),
    [
        (1_200_000, 1, "1,2 MNOK"),
        (22_000_000, 1, "22 MNOK"),
        (130_000_000, 1, "130 MNOK"),
        (1_250_000, 1, "1,3 MNOK"),  # half rounds away from zero
        (1_250_000, 2, "1,25 MNOK"),
        (1_500_000, 2, "1,5 MNOK"),
        (2_800_000, 0, "3 MNOK"),
        (10**10, 1, f"10{NBSP}000 MNOK"),
        (-1_200_000, 1, "\u22121,2 MNOK"),
        (0, 1, "0 MNOK"),
    ],
)
def test_format_mnok(amount: int, decimals: int, text: str) -> None:
    assert format_mnok(amount, decimals) == text


def test_format_amount_or_missing() -> None:
    assert format_amount_or_missing(None) == "ikke oppgitt"
    assert format_amount_or_missing(0) == "0 kr"
    assert format_amount_or_missing(5_000_000) == format_kr(5_000_000)


# --------------------------------------------------------------------------- properties


@given(st.integers(min_value=0, max_value=10**10))
@example(0)
@example(999)
@example(1000)
def test_format_kr_round_trips(amount: int) -> None:
    assert parse_amount(format_kr(amount)).low == amount
    assert parse_amount(format_kr_prefix(amount)).low == amount
    assert parse_amount(format_kr(-amount)).low == -amount


@given(st.integers(min_value=0, max_value=10**5).map(lambda n: n * 100_000))
def test_format_mnok_round_trips_for_tenths_of_millions(amount: int) -> None:
    assert parse_amount(format_mnok(amount)).low == amount


@given(st.text())
@example("kr. 7-800.000,-" * 3)
@example("9" * 5000 + " kr")
@example("totalt totalt kr kr ca. ,- 1,")
def test_parse_amount_raises_only_amount_error(text: str) -> None:
    try:
        parsed = parse_amount(text)
    except AmountError:
        return
    assert isinstance(parsed, ParsedAmount)
    assert parsed.low <= parsed.high


@given(
    st.text(
        alphabet=st.sampled_from(list("0123456789 .,-–kr KrmillMNOKca.perår\u00a0\u2212totalt=")), max_size=60
    )
)
def test_find_amounts_never_raises_and_spans_match_text(text: str) -> None:
    for start, end, parsed in find_amounts(text):
        assert text[start:end] == parsed.text
        assert parse_amount(parsed.text).low == parsed.low
