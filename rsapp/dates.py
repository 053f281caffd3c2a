"""Dates, periods and week numbers as Norwegian grant documents write them.

This module owns reading dates ("28.02.25", "1. mars 2025", "09.09.2025"), finding the
first date in free text, reading project periods ("Q3 2025 – Q3 2026", "1.–2. kvartal 2026",
"april 2025 til mars 2028", "høsten 2025"), ISO week numbers ("uke 43") and formatting dates
as ``dd.mm.åååå``. No third-party imports and no UI.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

__all__ = [
    "DateError",
    "Period",
    "format_date",
    "parse_date",
    "find_date",
    "parse_period",
    "week_monday",
    "parse_week",
    "format_period",
]

# Years outside this window are typing errors in this domain ("01.01.0205").
MIN_YEAR = 1900
MAX_YEAR = 2199


class DateError(ValueError):
    """A date that cannot be read. The message is Norwegian and names the text."""

    def __init__(self, text: str, reason: str | None = None) -> None:
        self.text = text
        self.reason = reason
        message = f"Kan ikke lese datoen «{text}»"
        if reason:
            message += f": {reason}"
        super().__init__(message)


@dataclass(frozen=True)
class Period:
    """A stretch of time; start/end are None when the text could not be read."""

    start: date | None
    end: date | None
    text: str


_MONTHS: dict[str, int] = {
    "januar": 1, "februar": 2, "mars": 3, "april": 4, "mai": 5, "juni": 6, "juli": 7,
    "august": 8, "september": 9, "oktober": 10, "november": 11, "desember": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "sept": 9, "okt": 10, "nov": 11, "des": 12,
}  # fmt: skip
_MONTH = "(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")(?![^\W\d_])\.?"
_NOT_AFTER_DIGIT = r"(?<![0-9])(?<![0-9][.,])"
_YEAR4 = r"[0-9]{4}(?![0-9])"

# 28.02.2025, 28.2.25, 28/02/2025, 28-02-2025 (one separator throughout)
_NUMERIC_DATE = (
    rf"{_NOT_AFTER_DIGIT}(?P<d>[0-9]{{1,2}})(?P<sep>[./-])(?P<m>[0-9]{{1,2}})(?P=sep)"
    r"(?P<y>[0-9]{4}|[0-9]{2})(?![0-9])(?!\.[0-9])"
)
# 2025-02-27
_ISO_DATE = rf"{_NOT_AFTER_DIGIT}(?P<iy>[0-9]{{4}})-(?P<im>[0-9]{{1,2}})-(?P<id>[0-9]{{1,2}})(?![0-9])"
# 1. mars 2025, 1 mars 2025, 1. mar. 2025
_TEXT_DATE = rf"{_NOT_AFTER_DIGIT}(?P<td>[0-9]{{1,2}})\.?\s*(?P<tm>{_MONTH})(?:,?\s*(?P<ty>{_YEAR4}))?"

_DATE_ANYWHERE = re.compile(f"{_ISO_DATE}|{_NUMERIC_DATE}|{_TEXT_DATE}", re.IGNORECASE)
_WEEKDAY = r"(?:(?:mandag|tirsdag|onsdag|torsdag|fredag|lørdag|søndag),?\s+)?(?:den\s+)?"
_DATE_WHOLE = re.compile(
    rf"\s*{_WEEKDAY}(?:{_ISO_DATE}|{_NUMERIC_DATE}|{_TEXT_DATE}"
    rf"|(?P<sd>[0-9]{{1,2}})\.(?P<sm>[0-9]{{1,2}})\.?)\s*\.?\s*",
    re.IGNORECASE,
)


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000 if year < 70 else 1900
    return year


def _make_date(year: int, month: int, day: int) -> date | None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _date_from_match(m: re.Match[str], default_year: int | None = None) -> tuple[date | None, str | None]:
    """The date a _DATE_* match names, or (None, Norwegian reason)."""
    if m.group("iy"):
        year, month, day = int(m.group("iy")), int(m.group("im")), int(m.group("id"))
    elif m.group("d"):
        year, month, day = _year(m.group("y")), int(m.group("m")), int(m.group("d"))
    elif m.group("td"):
        day, month = int(m.group("td")), _MONTHS[m.group("tm").rstrip(".").lower()]
        if m.group("ty"):
            year = int(m.group("ty"))
        elif default_year is not None:
            year = default_year
        else:
            return None, "året mangler"
    else:
        day, month = int(m.group("sd")), int(m.group("sm"))
        if default_year is None:
            return None, "året mangler"
        year = default_year
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None, f"året {year} er utenfor {MIN_YEAR}–{MAX_YEAR}"
    made = _make_date(year, month, day)
    if made is None:
        return None, "datoen finnes ikke"
    return made, None


def format_date(d: date | datetime | None) -> str:
    """date(2025, 9, 9) -> "09.09.2025"; None -> ""."""
    if d is None:
        return ""
    return f"{d.day:02d}.{d.month:02d}.{d.year:04d}"


def parse_date(text: str, *, default_year: int | None = None) -> date:
    """Read one date: "28.02.25", "28.2.2025", "09.09.2025", "1. mars 2025", "2025-02-27".

    Two-digit years 00–69 are 20xx, 70–99 are 19xx. Without a year ("1. mars", "28.02")
    ``default_year`` is used; without one either, :class:`DateError` is raised.
    """
    if not isinstance(text, str):
        raise DateError(str(text), "ikke tekst")
    m = _DATE_WHOLE.fullmatch(text)
    if m is None:
        raise DateError(text, "skriv datoen som dd.mm.åååå")
    made, reason = _date_from_match(m, default_year)
    if made is None:
        raise DateError(text, reason)
    return made


def find_date(text: str) -> date | None:
    """The first complete date in free text, or None; never raises.

    "Elektronisk bekreftet samarbeid pr mail med HSYK 27.02.2025" -> 2025-02-27.
    """
    if not isinstance(text, str):
        return None
    for m in _DATE_ANYWHERE.finditer(text):
        made, _ = _date_from_match(m)
        if made is not None:
            return made
    return None


# --------------------------------------------------------------------------- periods


def _month_span(year: int, first_month: int, last_month: int) -> tuple[date, date]:
    return date(year, first_month, 1), date(year, last_month, calendar.monthrange(year, last_month)[1])


_SEASONS: dict[str, tuple[int, int]] = {
    "vår": (1, 6), "våren": (1, 6),
    "sommer": (6, 8), "sommeren": (6, 8),
    "høst": (8, 12), "høsten": (8, 12),
}  # fmt: skip
_QUARTER_WORDS = {"første": 1, "andre": 2, "tredje": 3, "fjerde": 4}
_RANGE_SEP = r"\s*(?:[-–—−]+|til(?:\s+og\s+med)?|t\.o\.m\.?)\s*"


def _opt_year(name: str) -> str:
    return rf"(?:,?\s+(?P<{name}>{_YEAR4}))?"


_PERIOD_TOKEN = re.compile(
    "|".join(
        [
            rf"(?P<date>{_ISO_DATE}|{_NUMERIC_DATE}|{_TEXT_DATE})",
            # 3. kvartal 2025, 1.–2. kvartal 2026, tredje kvartal 2025
            rf"(?:(?<![0-9])(?P<qa>[1-4])\.?{_RANGE_SEP})?(?<![0-9])(?P<qb>[1-4])\.?\s*kvartal(?![^\W\d_])"
            + _opt_year("qy"),
            r"(?<![^\W\d_])(?P<qw>første|andre|tredje|fjerde)\s+kvartal(?![^\W\d_])" + _opt_year("qwy"),
            # Q3 2025, Q3–Q4 2025
            rf"(?<![^\W\d_])Q(?P<qn>[1-4])(?:{_RANGE_SEP}Q(?P<qn2>[1-4]))?(?![0-9])" + _opt_year("qny"),
            # 1. halvår 2026
            r"(?<![0-9])(?P<ha>[12])\.?\s*halvår(?:et)?(?![^\W\d_])" + _opt_year("hy"),
            # April 2025, mars
            rf"(?<![^\W\d_])(?P<mon>{_MONTH})" + _opt_year("my"),
            # høsten 2025
            r"(?<![^\W\d_])(?P<season>våren|vår|sommeren|sommer|høsten|høst)(?![^\W\d_])" + _opt_year("sy"),
            # 2025, 2025–2027
            rf"(?<![0-9])(?<![0-9][-./,])(?P<ya>(?:19|20|21)[0-9]{{2}})(?![0-9]|[.,][0-9])"
            rf"(?:{_RANGE_SEP}(?P<yb>(?:19|20|21)[0-9]{{2}})(?![0-9]|[.,][0-9]))?",
        ]
    ),
    re.IGNORECASE,
)
_SEPARATOR = re.compile(_RANGE_SEP, re.IGNORECASE)


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    year: int | None
    span: Callable[[int], tuple[date, date]]  # first and last day, given the year
    bare_year: bool = False  # a lone "2025": read only when nothing more precise is in the text


def _same_day(day: date) -> Callable[[int], tuple[date, date]]:
    return lambda _year: (day, day)


def _months(first_month: int, last_month: int) -> Callable[[int], tuple[date, date]]:
    return lambda year: _month_span(year, first_month, last_month)


def _years_until(last_year: int) -> Callable[[int], tuple[date, date]]:
    return lambda year: (date(year, 1, 1), date(last_year, 12, 31))


def _token(m: re.Match[str]) -> _Token | None:
    """A period token from a _PERIOD_TOKEN match, or None when it names nothing real."""
    g = m.group
    if g("date"):
        made, _ = _date_from_match(m)
        if made is None:
            return None
        return _Token(m.start(), m.end(), made.year, _same_day(made))
    if g("qb"):
        last = int(g("qb"))
        first = int(g("qa")) if g("qa") else last
        year_text = g("qy")
    elif g("qw"):
        first = last = _QUARTER_WORDS[g("qw").lower()]
        year_text = g("qwy")
    elif g("qn"):
        first = int(g("qn"))
        last = int(g("qn2")) if g("qn2") else first
        year_text = g("qny")
    elif g("ha"):
        first = last = 2 * int(g("ha"))  # as quarters: 1. halvår = Q1–Q2, 2. halvår = Q3–Q4
        first -= 1
        year_text = g("hy")
    elif g("mon"):
        month = _MONTHS[g("mon").rstrip(".").lower()]
        year = int(g("my")) if g("my") else None
        return _Token(m.start(), m.end(), year, _months(month, month))
    elif g("season"):
        months = _SEASONS[g("season").lower()]
        year = int(g("sy")) if g("sy") else None
        return _Token(m.start(), m.end(), year, _months(*months))
    else:
        year_a = int(g("ya"))
        year_b = int(g("yb")) if g("yb") else year_a
        if year_b < year_a:
            return None
        return _Token(
            m.start(),
            m.end(),
            year_a,
            _years_until(year_b),
            bare_year=not g("yb"),
        )
    if first > last:
        return None
    year = int(year_text) if year_text else None
    return _Token(m.start(), m.end(), year, _months(3 * first - 2, 3 * last))


def _valid_year(year: int | None) -> bool:
    return year is not None and MIN_YEAR <= year <= MAX_YEAR


def parse_period(text: str) -> Period | None:
    """The first period in the text, or None when nothing readable; never raises.

    "Q3 2025 – Q3 2026" -> 01.07.2025–30.09.2026; "3. kvartal 2025"; "1.–2. kvartal 2026";
    "April 2025" (the whole month); "april 2025 til mars 2028"; "høsten 2025" (August to
    December); "våren 2026" (January to June); "2025–2027"; two dates joined by a dash.
    A lone year ("2026") counts only when nothing more precise is in the text.
    A start without a year borrows the end's ("april–juni 2025", "november – mars 2026").
    """
    if not isinstance(text, str):
        return None
    try:
        tokens = [t for t in (_token(m) for m in _PERIOD_TOKEN.finditer(text)) if t is not None]
        # Lone years are often citations ("(Lind, 2025)"): try everything else first.
        for allow_bare_year in (False, True):
            for index, token in enumerate(tokens):
                if token.bare_year and not allow_bare_year:
                    continue
                follower = tokens[index + 1] if index + 1 < len(tokens) else None
                if follower is not None and _SEPARATOR.fullmatch(text, token.end, follower.start):
                    span = _range(token, follower)
                    if span is not None:
                        return Period(span[0], span[1], text)
                if _valid_year(token.year):
                    start, end = token.span(token.year)  # type: ignore[arg-type]
                    return Period(start, end, text)
    except (ValueError, OverflowError):  # defensive: a reader of free text never raises
        return None
    return None


def _range(first: _Token, second: _Token) -> tuple[date, date] | None:
    if not _valid_year(second.year):
        return None
    end = second.span(second.year)[1]  # type: ignore[arg-type]
    if first.year is not None:
        if not _valid_year(first.year):
            return None
        start = first.span(first.year)[0]
    else:
        start = first.span(second.year)[0]  # type: ignore[arg-type]
        if start > end:  # "november – mars 2026" starts the year before
            start = first.span(second.year - 1)[0]  # type: ignore[operator]
    return (start, end) if start <= end else None


def format_period(p: Period) -> str:
    """ "01.07.2025–30.09.2026"; "fra 01.07.2025" / "til 30.09.2026" when one end is open;
    the period's text when neither end is known."""
    if p.start and p.end:
        return f"{format_date(p.start)}–{format_date(p.end)}"
    if p.start:
        return f"fra {format_date(p.start)}"
    if p.end:
        return f"til {format_date(p.end)}"
    return p.text


# --------------------------------------------------------------------------- weeks

_WEEK = re.compile(
    r"(?<![^\W\d_])(?:uke|veke)\s*(?:nr\.?\s*)?(?P<w>[0-9]{1,2})(?![0-9])"
    r"(?:\s*[/,]?\s*(?P<y>(?:19|20|21)[0-9]{2})(?![0-9]))?",
    re.IGNORECASE,
)


def week_monday(year: int, week: int) -> date:
    """The Monday of ISO week ``week`` in ``year``: week_monday(2025, 43) == date(2025, 10, 20)."""
    try:
        return date.fromisocalendar(year, week, 1)
    except ValueError as exc:
        raise DateError(f"uke {week} {year}", f"uke {week} finnes ikke i {year}") from exc


def parse_week(text: str, year: int) -> date | None:
    """ "uke 43" -> Monday of ISO week 43 in ``year`` (or the year written after it, "uke 43/2026");
    None when there is no valid week number in the text."""
    if not isinstance(text, str):
        return None
    m = _WEEK.search(text)
    if m is None:
        return None
    try:
        return week_monday(int(m.group("y")) if m.group("y") else year, int(m.group("w")))
    except DateError:
        return None
