"""Case numbers (saksnummer) ``NN-ÅÅÅÅ``: reading, writing, the next free one, renumbering.

Cases are numbered through the year ("23-2025", "24-2025", …). This module is pure Python
(no database, no UI) and owns the rules:

* input may be written ``24-2025``, ``24/2025``, ``Sak 24/2025`` or ``24 - 2025``; it is
  always written ``24-2025``;
* the next free number is the lowest unused number above a lower bound (the case before
  it in the saksliste, earlier meetings, every final case in the year), so a number freed
  by deleting a draft is used again when it is above every final number in the year;
* a number already used in the year is refused (:class:`CaseNumberError`) — the meeting of
  09.09.2025 with two different cases numbered 24 cannot happen;
* when the saksliste of a meeting is reordered, draft cases take the meeting's draft
  numbers in their new order; final cases keep theirs;
* when the user gives a case a number, the drafts after it that would then run backwards
  get new numbers after it (:func:`increasing_numbers`); a number that would make the
  saksliste run backwards against a case before it, or a final case after it, is refused;
* when a draft is deleted, the consecutive drafts after it move down one number, closing
  the gap (:func:`close_gap`).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

__all__ = [
    "CaseNumberError",
    "CaseRef",
    "MAX_NUMBER",
    "check_free",
    "close_gap",
    "format_case_number",
    "next_free_number",
    "parse_case_number",
    "renumber_drafts",
    "increasing_numbers",
]

MIN_YEAR = 1900
MAX_YEAR = 2199
MAX_NUMBER = 9999

_CASE_NUMBER = re.compile(
    r"\s*(?:sak(?:snr|snummer)?\.?\s*:?\s*)?(?P<n>[0-9]{1,4})\s*[-/–]\s*(?P<y>[0-9]{4})\s*\.?\s*",
    re.IGNORECASE,
)


class CaseNumberError(ValueError):
    """A case number that cannot be read or used. The message is Norwegian and names the number."""


@dataclass(frozen=True, slots=True)
class CaseRef:
    """A case as renumbering sees it: an id, its current number and whether it is final."""

    key: int
    number: int
    final: bool = False


def format_case_number(number: int, year: int) -> str:
    """(24, 2025) -> "24-2025"."""
    return f"{number}-{year}"


def parse_case_number(text: str) -> tuple[int, int]:
    """ "24/2025", "24-2025", "Sak 24/2025" -> (24, 2025). Raises :class:`CaseNumberError`."""
    if not isinstance(text, str):
        raise CaseNumberError(f"Saksnummeret må være tekst som «24-2025», fikk {text!r}.")
    m = _CASE_NUMBER.fullmatch(text)
    if m is None:
        raise CaseNumberError(
            f"Kan ikke lese saksnummeret «{text.strip()}»: skriv det som 24-2025 eller 24/2025."
        )
    number, year = int(m.group("n")), int(m.group("y"))
    if number < 1:
        raise CaseNumberError(f"Saksnummeret «{text.strip()}» må være 1 eller høyere.")
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise CaseNumberError(
            f"Saksnummeret «{text.strip()}» har året {year}, utenfor {MIN_YEAR}–{MAX_YEAR}."
        )
    return number, year


def next_free_number(used: Iterable[int], above: int = 0) -> int:
    """The lowest number above ``above`` that is not used in the year; 1 in a year without cases.

    ``above`` is the lower bound the caller knows (the case before it in the saksliste, the
    highest final number in the year): freed numbers above it are used again.
    """
    taken = set(used)
    number = max(above, 0) + 1
    while number in taken:
        number += 1
    if number > MAX_NUMBER:
        raise CaseNumberError(
            f"Det er ikke noe ledig saksnummer over {above}; høyere saksnummer enn {MAX_NUMBER} brukes ikke."
        )
    return number


def check_free(
    number: int, year: int, used: Collection[int], *, title_of: dict[int, str] | None = None
) -> None:
    """Raise :class:`CaseNumberError` when ``number`` is already used in ``year`` (or is not 1..MAX)."""
    if type(number) is not int or not 1 <= number <= MAX_NUMBER:
        raise CaseNumberError(f"Saksnummeret {number!r} må være et heltall fra 1 til {MAX_NUMBER}.")
    if number in used:
        label = format_case_number(number, year)
        title = (title_of or {}).get(number)
        where = f" av sak «{title}»" if title else ""
        raise CaseNumberError(f"Saksnummer {label} er allerede brukt{where}. Velg et annet nummer.")


def renumber_drafts(cases: Sequence[CaseRef], new_order: Sequence[int]) -> dict[int, int]:
    """New numbers for a meeting's cases after the saksliste is put in ``new_order`` (case keys).

    The draft cases' numbers form a pool; sorted, they are given to the drafts in their new
    order. Final cases keep their numbers. The result maps every key to its (new) number;
    it uses exactly the numbers the meeting had, so no other case in the year is touched.
    Raises :class:`CaseNumberError` when ``new_order`` is not the same cases, or when the
    numbers would not increase down the saksliste because a final case was moved past a
    draft (or past another final case).
    """
    by_key = {case.key: case for case in cases}
    if len(by_key) != len(cases):
        raise CaseNumberError("Sakslisten har samme sak to ganger.")
    if len(new_order) != len(cases) or set(new_order) != set(by_key):
        raise CaseNumberError("Den nye rekkefølgen må inneholde nøyaktig de samme sakene som sakslisten.")
    pool = sorted(case.number for case in cases if not case.final)
    drafts_in_order = iter(pool)
    result: dict[int, int] = {}
    for key in new_order:
        case = by_key[key]
        result[key] = case.number if case.final else next(drafts_in_order)
    numbers = [result[key] for key in new_order]
    for before, after, key in zip(numbers, numbers[1:], new_order[1:], strict=False):
        if after <= before:
            moved = by_key[key]
            blocker = next(k for k in new_order if result[k] == before)
            final = moved if moved.final else by_key[blocker]
            raise CaseNumberError(
                f"Sak nummer {final.number} er endelig og beholder nummeret sitt; sakslisten kan ikke stå i den "
                "rekkefølgen uten at saksnumrene går baklengs."
            )
    return result


def increasing_numbers(
    cases: Sequence[CaseRef], used_in_year: Collection[int], fixed: Collection[int] = ()
) -> dict[int, int]:
    """Numbers for a saksliste (in order) such that drafts run upwards after a typed number.

    Final cases and the keys in ``fixed`` (a number the user just typed) keep their numbers.
    A draft whose number is not above the one before it gets the lowest number above that
    one that is free in the year (not in ``used_in_year`` nor this saksliste). Drafts already
    in order keep their numbers. Raises :class:`CaseNumberError` when a final or fixed case
    would stand after a higher number (the saksliste would run backwards).
    """
    taken = set(used_in_year) | {case.number for case in cases}
    previous = 0
    result: dict[int, int] = {}
    for case in cases:
        if case.final or case.key in fixed:
            if case.number <= previous:
                raise CaseNumberError(
                    f"Saksnummer {case.number} kan ikke stå etter nummer {previous} i sakslisten; "
                    "numrene må øke nedover."
                )
            number = case.number
        elif case.number > previous:
            number = case.number
        else:
            number = next_free_number(taken, previous)
            taken.add(number)
        result[case.key] = number
        previous = number
    return result


def close_gap(after: Sequence[CaseRef], freed: int) -> dict[int, int]:
    """New numbers for the cases ``after`` a deleted case numbered ``freed`` (saksliste order).

    The drafts right after the gap whose numbers run on from it (``freed + 1``, ``+ 2`` …)
    each move down one; the first case that does not continue the run (a final case, or a
    number the user chose with a jump) stops it. Returns only the keys that change.
    """
    result: dict[int, int] = {}
    expected = freed
    for case in after:
        if case.final or case.number != expected + 1:
            break
        result[case.key] = expected
        expected = case.number
    return result
