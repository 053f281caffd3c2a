"""The project's period: from the plan's schedule, a labelled period or "fra … til …" in the text.

The budget's own period is read with the budget (:mod:`rsapp.importer.budget`); this module
holds the fallbacks, in the order the parser tries them.
"""

from __future__ import annotations

import re
from datetime import date

from rsapp.dates import parse_period

__all__ = ["plan_period", "text_period", "DURATION"]

_SCHEDULE = re.compile(r"^(?:[•●▪\-–*o]\s*)?(?P<label>[^:]{2,120}):\s*(?P<when>.{2,40})$")
DURATION = re.compile(
    r"\b(?:over|i)\s+en\s+periode\s+på\s+(?:\d{1,2}|to|tre|fire|fem|seks|sju|syv|åtte|ti)\s+(?:år|måneder)\b",
    re.IGNORECASE,
)
_WHEN = r"(?:Q[1-4]|[1-4]\.\s*kvartal|[^\W\d_]+)\s*(?:19|20|21)\d{2}"
_LABELLED_PERIOD = re.compile(
    r"(?<![^\W\d_])(?:prosjekt|tids)?periode(?:n)?\s*:\s*(?P<when>[^\n]{4,80})", re.IGNORECASE
)
_FROM_TO = re.compile(rf"(?<![^\W\d_])fra\s+(?P<when>{_WHEN}\s+(?:til|–|—|-)\s+{_WHEN})", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[;)(]|\.\s+(?=[A-ZÆØÅ])|\.\s*$")


def plan_period(text: str) -> tuple[str, date, date] | None:
    """A schedule of at least two dated steps ("Fase 1: Q3 2025", "Fase 2: Q2 2026")."""
    entries: list[tuple[str, date, date]] = []
    for raw in text.split("\n"):
        m = _SCHEDULE.match(raw.strip())
        if not m:
            continue
        when = m.group("when").strip().rstrip(".")
        p = parse_period(when)
        if p is not None and p.start and p.end:
            entries.append((when, p.start, p.end))
    if len(entries) < 2:
        return None
    first = min(entries, key=lambda e: e[1])
    last = max(entries, key=lambda e: e[2])
    if first[1] >= last[2]:
        return None
    return f"{first[0]} – {last[0]}", first[1], last[2]


def text_period(text: str, reference_year: int | None) -> tuple[str, date, date] | None:
    """A period named in running text: "Prosjektperiode: Q3 2025 – Q3 2026", "Periode: 3. kvartal
    2025", "… fra april 2025 til mars 2028". A period that ended before the year of the signed
    agreement is history ("ble gjennomført fra februar 2016 til januar 2019"), not the project's."""
    flat = " ".join(text.split())
    candidates: list[str] = []
    for m in _LABELLED_PERIOD.finditer(flat):
        when = m.group("when")
        cut = _SENTENCE_END.search(when)
        candidates.append(when[: cut.start()] if cut else when)
    candidates += [m.group("when") for m in _FROM_TO.finditer(flat)]
    for when in candidates:
        when = when.strip(" .,:;")
        p = parse_period(when)
        if p is None or p.start is None or p.end is None or p.start > p.end:
            continue
        if reference_year is not None and p.end.year < reference_year:
            continue
        return when, p.start, p.end
    return None
