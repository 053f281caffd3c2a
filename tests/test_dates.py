"""Reading dates, periods and week numbers as the grant documents write them."""

from datetime import date, datetime

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from rsapp.dates import (
    DateError,
    Period,
    find_date,
    format_date,
    format_period,
    parse_date,
    parse_period,
    parse_week,
    week_monday,
)


def test_format_date() -> None:
    assert format_date(date(2025, 9, 9)) == "09.09.2025"
    assert format_date(datetime(2025, 2, 27, 14, 30)) == "27.02.2025"
    assert format_date(None) == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("28.02.25", date(2025, 2, 28)),
        ("28.2.2025", date(2025, 2, 28)),
        ("1.3.25", date(2025, 3, 1)),
        ("09.09.2025", date(2025, 9, 9)),
        ("27.02.2025", date(2025, 2, 27)),
        ("24.1.2025", date(2025, 1, 24)),
        ("16.01.2025", date(2025, 1, 16)),
        ("1. mars 2025", date(2025, 3, 1)),
        ("1. april 2025", date(2025, 4, 1)),
        ("1 Mars 2025", date(2025, 3, 1)),
        ("9. sep. 2025", date(2025, 9, 9)),
        ("31. des 2025", date(2025, 12, 31)),
        ("tirsdag 9. september 2025", date(2025, 9, 9)),
        (" 09.09.2025 ", date(2025, 9, 9)),
        ("28/02/2025", date(2025, 2, 28)),
        ("2025-02-27", date(2025, 2, 27)),
        ("01.01.99", date(1999, 1, 1)),
    ],
)
def test_parse_date_forms(text: str, expected: date) -> None:
    assert parse_date(text) == expected


def test_parse_date_without_year_uses_default_year() -> None:
    assert parse_date("1. mars", default_year=2025) == date(2025, 3, 1)
    assert parse_date("28.02", default_year=2026) == date(2026, 2, 28)
    with pytest.raises(DateError, match="året mangler"):
        parse_date("1. mars")


@pytest.mark.parametrize(
    "text", ["", "Vedlagt søknad.", "31.02.2025", "13.13.2025", "01.01.0205", "28.02.2025 og mer"]
)
def test_parse_date_rejects_with_norwegian_message_naming_the_text(text: str) -> None:
    with pytest.raises(DateError) as info:
        parse_date(text)
    assert f"Kan ikke lese datoen «{text}»" in str(info.value)
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Elektronisk bekreftet samarbeid pr mail med HSYK 27.02.2025", date(2025, 2, 27)),
        ("Vedlagt søknad.", None),
        ("Satsingen er besluttet i møte i FSU 24.02.25, og alle partene", date(2025, 2, 24)),
        ("Frist til helsefellesskapene er 1. mars 2025.", date(2025, 3, 1)),
        ("Signert 31.02.2025, rettet 01.03.2025", date(2025, 3, 1)),  # skips an impossible date
        ("Q3 2025 – Q3 2026, uke 43, 1.–2. kvartal 2026, versjon 1.2.3", None),
        ("", None),
    ],
)
def test_find_date(text: str, expected: date | None) -> None:
    assert find_date(text) == expected


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("Q3 2025", date(2025, 7, 1), date(2025, 9, 30)),
        ("Q3 2025 – Q3 2026", date(2025, 7, 1), date(2026, 9, 30)),
        ("Q3 2025 – Q4 2026", date(2025, 7, 1), date(2026, 12, 31)),
        ("Q1 2027 - Q4 2029", date(2027, 1, 1), date(2029, 12, 31)),
        ("Prosjektår 1 (Q3 2025 – Q3 \n2026)", date(2025, 7, 1), date(2026, 9, 30)),
        (
            "Fase 1: Prosjektering og utredning (Høsten Q3 2025 – Q4 2026)",
            date(2025, 7, 1),
            date(2026, 12, 31),
        ),
        ("3. kvartal 2025", date(2025, 7, 1), date(2025, 9, 30)),
        ("4. kvartal 2025", date(2025, 10, 1), date(2025, 12, 31)),
        ("1.–2. kvartal 2026", date(2026, 1, 1), date(2026, 6, 30)),
        ("2.–3. kvartal 2026", date(2026, 4, 1), date(2026, 9, 30)),
        ("Sluttrapport og anbefaling: senest 4. kvartal 2026", date(2026, 10, 1), date(2026, 12, 31)),
        ("April 2025", date(2025, 4, 1), date(2025, 4, 30)),
        ("februar 2028", date(2028, 2, 1), date(2028, 2, 29)),
        ("April 2025 – Mars 2028", date(2025, 4, 1), date(2028, 3, 31)),
        ("april 2025 til mars 2028", date(2025, 4, 1), date(2028, 3, 31)),
        ("apr. 2025 – des. 2027", date(2025, 4, 1), date(2027, 12, 31)),
        ("april–juni 2025", date(2025, 4, 1), date(2025, 6, 30)),
        ("november – mars 2026", date(2025, 11, 1), date(2026, 3, 31)),
        ("Q3–Q4 2025", date(2025, 7, 1), date(2025, 12, 31)),
        ("høsten 2025", date(2025, 8, 1), date(2025, 12, 31)),
        ("våren 2026", date(2026, 1, 1), date(2026, 6, 30)),
        ("1. halvår 2026", date(2026, 1, 1), date(2026, 6, 30)),
        ("tredje kvartal 2025", date(2025, 7, 1), date(2025, 9, 30)),
        ("2025–2027", date(2025, 1, 1), date(2027, 12, 31)),
        ("01.04.2025 – 31.03.2028", date(2025, 4, 1), date(2028, 3, 31)),
        ("1. april 2025 til 31. mars 2028", date(2025, 4, 1), date(2028, 3, 31)),
        ("2026", date(2026, 1, 1), date(2026, 12, 31)),
        ("Prosjektet (Lind, 2025) starter april 2026", date(2026, 4, 1), date(2026, 4, 30)),
        ("gjennomføres i perioden 2025-2026, med oppstart i 2025", date(2025, 1, 1), date(2026, 12, 31)),
    ],
)
def test_parse_period(text: str, start: date, end: date) -> None:
    period = parse_period(text)
    assert period == Period(start, end, text)


@pytest.mark.parametrize("text", ["", "ikke oppgitt", "6 måneder", "uke 43", "Sak 23-2025", "Q3", "i mars"])
def test_parse_period_none_when_nothing_readable(text: str) -> None:
    assert parse_period(text) is None


def test_format_period() -> None:
    assert (
        format_period(Period(date(2025, 7, 1), date(2026, 9, 30), "Q3 2025 – Q3 2026"))
        == "01.07.2025–30.09.2026"
    )
    assert format_period(Period(None, None, "fra høsten")) == "fra høsten"
    assert format_period(Period(date(2025, 7, 1), None, "x")) == "fra 01.07.2025"
    assert format_period(Period(None, date(2026, 9, 30), "x")) == "til 30.09.2026"


def test_week_monday_is_iso_week() -> None:
    assert week_monday(2025, 43) == date(2025, 10, 20)
    assert week_monday(2026, 1) == date(2025, 12, 29)
    assert week_monday(2026, 53) == date(2026, 12, 28)
    with pytest.raises(DateError, match="uke 53 finnes ikke i 2025"):
        week_monday(2025, 53)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("uke 43", date(2025, 10, 20)),
        ("samhandlingstilskudd for 2026 i uke 43", date(2025, 10, 20)),
        ("Uke 1/2026", date(2025, 12, 29)),
        ("uke 53", None),
        ("ingen uke her", None),
        ("", None),
    ],
)
def test_parse_week(text: str, expected: date | None) -> None:
    assert parse_week(text, 2025) == expected


# --------------------------------------------------------------------------- properties


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2199, 12, 31)))
def test_format_then_parse_date_is_identity(d: date) -> None:
    assert parse_date(format_date(d)) == d


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2199, 12, 31)), st.integers(0, 4000))
def test_format_period_then_parse_period_round_trips(start: date, days: int) -> None:
    end = date.fromordinal(min(start.toordinal() + days, date(2199, 12, 31).toordinal()))
    text = format_period(Period(start, end, ""))
    assert parse_period(text) == Period(start, end, text)


_DATEISH = st.text(
    alphabet=st.sampled_from(list("0123456789 .-–/Qkvartalmarsaprildesuketilhøsten")), max_size=40
)


@given(st.one_of(st.text(), _DATEISH))
@example("31.02.2025 – 99.99.9999")
@example("Q4 2199 – Q1 2200")
@example("november – mars 1900")
def test_period_and_date_readers_never_raise(text: str) -> None:
    period = parse_period(text)
    if period is not None:
        assert period.start is not None and period.end is not None
        assert period.start <= period.end
    find_date(text)
    parse_week(text, 2025)
    try:
        parse_date(text)
    except DateError:
        pass
