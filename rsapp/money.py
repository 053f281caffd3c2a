"""Amounts of money as Norwegian grant documents write them, and as rsapp shows them.

This module owns reading amount phrases ("kr. 9 315 000,-", "ca. kr 1,5 mill.",
"2 millioner per år over 5 år, totalt 10 millioner", "kr. 7-800.000,-") into whole kroner,
finding such phrases in free text, spreading a yearly amount over years, and formatting
kroner for display ("1 234 567 kr", "Kr 500 000", "1,2 MNOK"). Amounts are always ``int``
whole kroner, never float. No third-party imports and no UI.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

__all__ = [
    "NBSP",
    "AmountError",
    "ParsedAmount",
    "parse_amount",
    "find_amounts",
    "yearly_amounts",
    "format_kr",
    "format_kr_prefix",
    "format_mnok",
    "format_amount_or_missing",
]

NBSP = "\u00a0"
MINUS = "\u2212"  # typographic minus used by the formatters; parsing also accepts "-"

# Anything larger than this is treated as unreadable rather than silently accepted.
MAX_AMOUNT = 10**15


class AmountError(ValueError):
    """An amount phrase that cannot be read. The message is Norwegian and names the text."""

    def __init__(self, text: str, reason: str | None = None) -> None:
        self.text = text
        self.reason = reason
        message = f"Kan ikke lese beløpet «{text}»"
        if reason:
            message += f": {reason}"
        super().__init__(message)


@dataclass(frozen=True, slots=True)
class ParsedAmount:
    """One amount phrase read into whole kroner, with what the phrase says about it."""

    text: str  # the source phrase, as given
    low: int  # whole kroner
    high: int  # == low unless a range ("kr. 7-800.000,-" -> 700_000..800_000)
    approximate: bool = False  # "ca.", "cirka", "omtrent", "om lag"
    per_year: bool = False  # "per år", "årlig", "pr. år", "i året"
    years: int | None = None  # "over 5 år" -> 5
    total: int | None = None  # an explicit total in the phrase ("totalt 10 millioner")

    @property
    def is_range(self) -> bool:
        return self.high != self.low

    @property
    def needs_confirmation(self) -> bool:
        """True when a person must confirm the figure before it is used.

        That is when it is approximate, a range, a yearly amount without a number of
        years, or a yearly amount whose stated total disagrees with amount × years.
        """
        if self.approximate or self.is_range:
            return True
        if self.per_year and self.years is None:
            return True
        if self.per_year and self.years is not None and self.total is not None:
            return self.low * self.years != self.total
        return False


# --------------------------------------------------------------------------- reading


class _LazyPattern:
    """A regular expression compiled when it is first used. Every screen imports this module for
    the formatters, which need none of the patterns below: compiling them all up front cost the
    first frame a few milliseconds."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._source = (pattern, flags)

    def __getattr__(self, name: str) -> Any:
        compiled = re.compile(*self._source)
        # From now on the pattern's methods are found directly, without coming here again.
        for method in ("match", "fullmatch", "search", "finditer", "findall", "sub", "split"):
            setattr(self, method, getattr(compiled, method))
        return getattr(compiled, name)


def _lazy(pattern: str, flags: int = 0) -> Any:
    return _LazyPattern(pattern, flags)


_SPACE_SEP = "[ \u00a0\u202f\u2009]"
# A number: space-grouped, dot-grouped or plain digits, with an optional decimal part.
# Not glued to other digits, and not part of a date such as 27.02.2025.
_NUMBER = _lazy(
    rf"""
    (?<![0-9])(?<![0-9][.,])(?<![^\W\d_])
    (?P<int>
        [0-9]{{1,3}}(?:{_SPACE_SEP}[0-9]{{3}})+(?![0-9])
      | [0-9]{{1,3}}(?:\.[0-9]{{3}})+(?![0-9])
      | [0-9]+
    )
    (?:(?P<dsep>[,.])(?P<frac>[0-9]+))?
    (?![0-9]|[.,][0-9])
    """,
    re.VERBOSE,
)

_WORD_END = r"(?![^\W\d_])"  # not followed by a letter
_DASH_SUFFIX = r"(?:\s*,\s?[-–](?![0-9]))"  # the ",-" of "9 315 000,-" and "500.000, -"
_MULTIPLIERS: dict[str, int] = {
    "mrd": 10**9,
    "milliard": 10**9,
    "milliarder": 10**9,
    "mill": 10**6,
    "million": 10**6,
    "millioner": 10**6,
    "mln": 10**6,
    "mnok": 10**6,
    "tnok": 10**3,
    "tkr": 10**3,
    "tusen": 10**3,
}
_SUFFIX = _lazy(
    rf"""
    (?P<dash1>{_DASH_SUFFIX})?
    (?:\s*(?P<mult>milliarder|milliard|mrd|millioner|million|mill|mln|mnok|tnok|tkr|tusen){_WORD_END}\.?)?
    (?:\s*(?P<cur>kroner|kr|(?-i:NOK)){_WORD_END}\.?)?
    (?P<dash2>{_DASH_SUFFIX})?
    """,
    re.VERBOSE | re.IGNORECASE,
)
_RANGE_DASH = _lazy(r"\s*[-–—]\s*")

# Words in front of an amount, peeled off one at a time from right to left.
_PREFIX_CURRENCY = _lazy(rf"(?<![^\W\d_])(?:kroner|kr|(?-i:NOK)){_WORD_END}\.?\s*\Z", re.IGNORECASE)
_PREFIX_APPROX = _lazy(
    rf"(?:(?<![^\W\d_])(?:ca|cirka|omtrent|om\s+lag|omlag|rundt|anslagsvis){_WORD_END}\.?|~)\s*\Z",
    re.IGNORECASE,
)
_PREFIX_TOTAL = _lazy(
    r"(?<![^\W\d_])(?:totalt|til\s+sammen|i\s+alt|samlet|totalkostnad(?:en)?|totalbudsjett(?:et)?|"
    r"total\s+kostnad|totalsum|sum)(?![^\W\d_])\s*:?\s*\Z|=\s*\Z",
    re.IGNORECASE,
)
_PREFIX_YEARLY = _lazy(r"(?<![^\W\d_])(?:årlig|årlige|årlige?\s+kostnad(?:er)?)\s*:?\s*\Z", re.IGNORECASE)

# Qualifiers after an amount.
_PER_YEAR = _lazy(
    rf"\s*(?<![^\W\d_])(?:(?:per|pr\.?|/)\s*år(?:et)?|årlig|i\s+året|hvert\s+år){_WORD_END}\.?",
    re.IGNORECASE,
)
_NUMBER_WORDS = {
    "en": 1,
    "ett": 1,
    "to": 2,
    "tre": 3,
    "fire": 4,
    "fem": 5,
    "seks": 6,
    "sju": 7,
    "syv": 7,
    "åtte": 8,
    "ni": 9,
    "ti": 10,
}
_YEARS_WORDS = "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
_YEARS = _lazy(
    rf"\s*,?\s*(?:over|i|for|fordelt\s+på)\s+(?P<n>[0-9]{{1,2}}|{_YEARS_WORDS})\s+år{_WORD_END}",
    re.IGNORECASE,
)
_TOTAL_LINK = _lazy(
    r"\s*[,;]?\s*(?:og\s+)?(?:totalt|til\s+sammen|i\s+alt|samlet)(?![^\W\d_])\s*:?\s*"
    r"(?:(?:ca|cirka|omtrent)\.?\s*)?(?:(?:kroner|kr|(?-i:NOK))(?![^\W\d_])\.?\s*)?(?=[0-9])",
    re.IGNORECASE,
)
# Counted things that are not money even when the number is grouped ("ca. 45.600 årsverk").
_NOT_MONEY = _lazy(
    r"\s*(?:%|prosent|årsverk|innbyggere|pasienter|personer|stillinger|ansatte|brukere|timer|dager|"
    r"døgn|liggedøgn|uker|måneder|km|kilometer|meter|konsultasjoner|elever|studenter|henvendelser)"
    r"(?![^\W\d_])",
    re.IGNORECASE,
)
# Identifiers that look like grouped numbers ("Org nr: MVA 883 658 752").
_NOT_MONEY_BEFORE = _lazy(
    r"(?<![^\W\d_])(?:org\.?\s*nr|organisasjonsnr|organisasjonsnummer|mva|tlf|telefon|sentralbord|"
    r"kontonr|kontonummer|konto|postboks|saksnr|arkivsak|ref)(?![^\W\d_])\.?\s*:?\s*\Z",
    re.IGNORECASE,
)
# Anywhere in a phrase given to parse_amount.
_ANY_APPROX = _lazy(
    r"(?<![^\W\d_])(?:ca|cirka|omtrent|om\s+lag|omlag|anslagsvis)(?![^\W\d_])|~", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class _Core:
    """A number with its unit: "7-800.000,-", "1,5 mill.", "kr 500 000"."""

    start: int
    end: int
    low: int
    high: int
    strong: bool  # has a currency or unit word, ",-", or thousands grouping


@dataclass(frozen=True, slots=True)
class _Phrase:
    start: int
    end: int
    parsed: ParsedAmount
    strong: bool
    total_only: bool  # the amount itself is a total ("totalt 10 millioner", "Totalkostnad: kr ...")


def _number_value(match: re.Match[str], multiplier: int) -> int | None:
    """Exact whole kroner for a number match times multiplier, or None if not whole/too big."""
    digits = re.sub(r"[^0-9]", "", match.group("int"))
    frac = match.group("frac") or ""
    if match.group("dsep") == "." and frac and len(frac) == 3 and multiplier == 1:
        return None  # "1.500" with a decimal dot is ambiguous: should have matched as grouping
    if len(digits) > 16 or len(frac) > 12:
        return None
    value = int(digits) * multiplier
    if frac:
        numerator = int(frac) * multiplier
        denominator = 10 ** len(frac)
        if numerator % denominator:
            return None
        value += numerator // denominator
    if value > MAX_AMOUNT:
        return None
    return value


def _is_grouped(match: re.Match[str]) -> bool:
    return not match.group("int").isdigit()


def _negative_before(text: str, start: int) -> bool:
    """A minus sign glued to the digits and not itself glued to a word or digit."""
    if start == 0 or text[start - 1] not in "-\u2212":
        return False
    before = text[start - 2] if start >= 2 else " "
    return not (before.isalnum() or before in ",.")


def _unit_after(text: str, pos: int) -> tuple[int, int, bool]:
    """The unit words after a number at pos: (end, multiplier, has_unit)."""
    suffix = _SUFFIX.match(text, pos)
    assert suffix is not None  # every part of _SUFFIX is optional
    mult_word = (suffix.group("mult") or "").lower()
    has_unit = any(suffix.group(name) for name in ("mult", "cur", "dash1", "dash2"))
    return suffix.end(), _MULTIPLIERS.get(mult_word, 1), has_unit


def _core(
    text: str, first: re.Match[str], last: re.Match[str], low: int, high: int, end: int, has_unit: bool
) -> _Core | None:
    # A letter glued to the number that is not a unit ("3G", "5a") means this is no amount.
    if end == last.end() and end < len(text) and text[end].isalpha():
        return None
    strong = has_unit or _is_grouped(first) or _is_grouped(last)
    if not has_unit and _NOT_MONEY.match(text, end):
        strong = False
    return _Core(first.start(), end, low, high, strong)


def _read_core(text: str, numbers: list[re.Match[str]], index: int) -> tuple[_Core, int] | None:
    """Read numbers[index] with a possible range partner ("7-800.000") and its unit words.

    Returns the core and how many number matches it used, or None when it is not an amount
    in whole kroner.
    """
    first = numbers[index]
    if index + 1 < len(numbers) and _RANGE_DASH.fullmatch(text, first.end(), numbers[index + 1].start()):
        second = numbers[index + 1]
        end, multiplier, has_unit = _unit_after(text, second.end())
        low = _number_value(first, multiplier)
        high = _number_value(second, multiplier)
        if low is not None and high is not None:
            if not _is_grouped(first) and not first.group("frac") and 0 < low < high:
                # "7-800.000" is 700 000 to 800 000: scale the short first figure up.
                while low * 10 <= high:
                    low *= 10
            if low < high:
                core = _core(text, first, second, low, high, end, has_unit)
                if core is not None:
                    return core, 2
    end, multiplier, has_unit = _unit_after(text, first.end())
    value = _number_value(first, multiplier)
    if value is None:
        return None
    core = _core(text, first, first, value, value, end, has_unit)
    return None if core is None else (core, 1)


def _peel_prefix(text: str, start: int) -> tuple[int, bool, bool, bool, bool]:
    """Walk left over currency/approximation/total/yearly words. Returns new start and flags."""
    currency = approx = total = yearly = False
    for _ in range(4):
        window_start = max(0, start - 40)
        window = text[window_start:start]
        for pattern in (_PREFIX_CURRENCY, _PREFIX_APPROX, _PREFIX_TOTAL, _PREFIX_YEARLY):
            m = pattern.search(window)
            if m is not None and m.start() < m.end():
                break
        else:
            break
        if pattern is _PREFIX_CURRENCY:
            if currency:
                break
            currency = True
        elif pattern is _PREFIX_APPROX:
            approx = True
        elif pattern is _PREFIX_TOTAL:
            total = True
        else:
            yearly = True
        start = window_start + m.start()
    return start, currency, approx, total, yearly


def _scan(text: str) -> list[_Phrase]:
    numbers = list(_NUMBER.finditer(text))
    phrases: list[_Phrase] = []
    index = 0
    while index < len(numbers):
        read = _read_core(text, numbers, index)
        if read is None:
            index += 1
            continue
        core, used = read
        index += used
        negative = _negative_before(text, core.start)
        start = core.start - 1 if negative else core.start
        start, currency, approx, total_only, yearly = _peel_prefix(text, start)
        low, high = (-core.high, -core.low) if negative else (core.low, core.high)

        end = core.end
        per_year = yearly
        years: int | None = None
        total: int | None = low if total_only else None
        for _ in range(3):
            m = _PER_YEAR.match(text, end)
            if m is not None and not per_year:
                per_year, end = True, m.end()
                continue
            m = _YEARS.match(text, end)
            if m is not None and years is None:
                word = m.group("n").lower()
                years = int(word) if word.isdigit() else _NUMBER_WORDS[word]
                end = m.end()
                continue
            break
        while index < len(numbers) and numbers[index].start() < end:
            index += 1  # numbers inside the qualifiers ("over 5 år") are not amounts
        link = _TOTAL_LINK.match(text, end)
        if link is not None and index < len(numbers) and numbers[index].start() == link.end():
            total_read = _read_core(text, numbers, index)
            if total_read is not None and total_read[0].low == total_read[0].high:
                total_core, total_used = total_read
                total = total_core.low
                end = total_core.end
                index += total_used
        strong = core.strong or currency
        if strong and not currency and _NOT_MONEY_BEFORE.search(text, max(0, start - 30), start):
            strong = False
        parsed = ParsedAmount(
            text=text[start:end],
            low=low,
            high=high,
            approximate=approx,
            per_year=per_year,
            years=years,
            total=total,
        )
        phrases.append(_Phrase(start, end, parsed, strong, total_only))
    return phrases


def parse_amount(text: str) -> ParsedAmount:
    """Read one amount phrase (a form field, a table cell, a typed value) into whole kroner.

    With several amounts in the text, the first that is not itself a total is the amount
    and a total ("totalt 10 millioner", "Totalkostnad: kr ...") fills ``total``. A bare
    number ("1500") is accepted here, unlike in :func:`find_amounts`. Approximation words,
    "per år" and "over N år" anywhere in the text count for the amount.
    Raises :class:`AmountError` when there is no readable amount.
    """
    if not isinstance(text, str):
        raise AmountError(str(text), "ikke tekst")
    try:
        phrases = _scan(text)
    except (ValueError, IndexError, RecursionError) as exc:  # defensive: never leak other errors
        raise AmountError(text) from exc
    if not phrases:
        if _NUMBER.search(text):
            raise AmountError(text, "beløpet må være hele kroner")
        raise AmountError(text, "fant ikke noe beløp")
    strong = [p for p in phrases if p.strong]
    candidates = strong or phrases
    main = next((p for p in candidates if not p.total_only), candidates[0])
    total = main.parsed.total
    if total is None:
        total = next((p.parsed.low for p in candidates if p.total_only and p is not main), None)
    per_year = main.parsed.per_year or _PER_YEAR.search(text) is not None
    years = main.parsed.years
    if years is None:
        m = _YEARS.search(text)
        if m is not None:
            word = m.group("n").lower()
            years = int(word) if word.isdigit() else _NUMBER_WORDS[word]
    approximate = main.parsed.approximate or _ANY_APPROX.search(text) is not None
    return replace(
        main.parsed, text=text, total=total, per_year=per_year, years=years, approximate=approximate
    )


def find_amounts(text: str) -> list[tuple[int, int, ParsedAmount]]:
    """Every amount phrase in free text, as (start, end, parsed); never raises.

    Only numbers with a currency or unit word (kr, kroner, NOK, mill, millioner, MNOK, ...),
    a ",-" or thousands grouping count, so years ("2025") and week numbers ("uke 43") are
    not read as money; grouped numbers followed by a counted thing ("45.600 årsverk") are
    not either. ``parsed.text`` is ``text[start:end]``.
    """
    if not isinstance(text, str):
        return []
    try:
        phrases = _scan(text)
    except (ValueError, IndexError, RecursionError):  # defensive: never raises
        return []
    return [(p.start, p.end, p.parsed) for p in phrases if p.strong]


def yearly_amounts(parsed: ParsedAmount, start_year: int) -> list[tuple[int, int]]:
    """Spread an amount over calendar years: [(year, kroner), ...].

    "2 millioner per år over 5 år" from 2025 gives five years of 2 000 000. Anything else
    (a plain amount, or per year without a number of years) is one entry for start_year.
    A range uses its low figure.
    """
    if parsed.per_year and parsed.years:
        return [(start_year + offset, parsed.low) for offset in range(parsed.years)]
    return [(start_year, parsed.low)]


# --------------------------------------------------------------------------- formatting


def _group(amount: int) -> str:
    """Digits grouped in threes with non-breaking spaces, minus sign in front if negative."""
    digits = f"{abs(amount):,}".replace(",", NBSP)
    return f"{MINUS}{digits}" if amount < 0 else digits


def format_kr(amount: int) -> str:
    """1234567 -> "1 234 567 kr" (non-breaking spaces between groups; "−1 234 kr" if negative)."""
    return f"{_group(amount)} kr"


def format_kr_prefix(amount: int) -> str:
    """500000 -> "Kr 500 000", as written in an innstilling."""
    return f"Kr {_group(amount)}"


def format_mnok(amount: int, decimals: int = 1) -> str:
    """Millions of kroner: 1_200_000 -> "1,2 MNOK", 22_000_000 -> "22 MNOK".

    Rounds half away from zero to ``decimals`` places and drops trailing zeros.
    """
    if decimals < 0:
        raise ValueError("decimals må være 0 eller mer")
    scale = 10**decimals
    # round(|amount| / 1e6, decimals) in exact integer arithmetic, half away from zero
    scaled, remainder = divmod(abs(amount) * scale, 10**6)
    if remainder * 2 >= 10**6:
        scaled += 1
    whole, fraction = divmod(scaled, scale)
    text = f"{whole:,}".replace(",", NBSP)
    if decimals and fraction:
        text += "," + f"{fraction:0{decimals}d}".rstrip("0")
    if amount < 0 and scaled:
        text = MINUS + text
    return f"{text} MNOK"


def format_amount_or_missing(amount: int | None) -> str:
    """None -> "ikke oppgitt", otherwise :func:`format_kr`."""
    return "ikke oppgitt" if amount is None else format_kr(amount)
