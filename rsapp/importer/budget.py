"""The budget: amounts applied for as budget lines, the totals the document states, its period.

Amounts are read by :mod:`rsapp.money`; anything ambiguous (approximate, a range, "per år"
without years, a year that is inferred) is flagged for the user to confirm, never guessed
silently. Every amount the "how much is applied for" part names becomes a line or, when it
is a total ("Totalkostnad: …", "Totalt …", a table's "Sum" row), a :class:`StatedTotal`, so
that the sum of the lines can be shown beside it; a table whose total row differs from its
lines flags the lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from rsapp.dates import parse_period
from rsapp.importer.cleanup import BULLET, clean_line
from rsapp.importer.document import Line
from rsapp.money import ParsedAmount, find_amounts, parse_amount

__all__ = ["BudgetDraft", "StatedTotal", "BudgetRead", "confirm_budget_edit", "read_budget"]


@dataclass(slots=True)
class BudgetDraft:
    """A budget line read from the form; amount None means "ikke oppgitt"."""

    amount: int | None
    amount_high: int | None = None
    budget_year: int | None = None
    purpose: str = ""
    source_phrase: str = ""
    needs_confirmation: bool = False
    line: int | None = None
    page: int | None = None
    note: str = ""  # why it needs confirmation (Norwegian)

    def confirm(self, *, amount: int | None = None, year: int | None = None, pick: str | None = None) -> None:
        """The user confirms this line: as shown, or with the amount, the year, or for a range
        the low ("lav") or high ("høy") end. The flag is cleared and the note says so."""
        if pick is not None:
            if pick not in ("lav", "høy"):
                raise ValueError(f"ukjent valg {pick!r}")
            if pick == "høy" and self.amount_high is not None:
                self.amount = self.amount_high
        if amount is not None:
            if amount < 0:
                raise ValueError("beløpet kan ikke være negativt")
            self.amount = amount
        if pick is not None or amount is not None:
            self.amount_high = None
        if year is not None:
            self.budget_year = year
        self.needs_confirmation = False
        self.note = "bekreftet"


@dataclass(frozen=True, slots=True)
class StatedTotal:
    """A total the document states ("Total 3 600 000", "Totalkostnad: kr. 9 315 000,-")."""

    label: str  # the words that make it a total ("Totalkostnad", "Sum", "Totalt")
    amount: int
    line: int | None = None
    page: int | None = None
    text: str = ""  # the phrase as written


@dataclass(slots=True)
class BudgetRead:
    lines: list[BudgetDraft]
    period: tuple[str, date, date] | None
    totals: list[StatedTotal]


def parse_year(text: str) -> int | None:
    """A budget year as typed: four digits, or nothing. Raises ``ValueError`` (Norwegian)."""
    text = text.strip()
    if not text:
        return None
    if not re.fullmatch(r"(?:19|20|21)\d{2}", text):
        raise ValueError(f"Kan ikke lese året «{text}»: skriv fire sifre, f.eks. 2026")
    return int(text)


def parse_whole_amount(text: str) -> int:
    """One amount in whole kroner as typed. Raises ``ValueError`` (Norwegian)."""
    parsed = parse_amount(text)  # AmountError is a ValueError with a Norwegian message
    if parsed.is_range or parsed.per_year or parsed.low < 0:
        raise ValueError(f"Skriv ett beløp i hele kroner, ikke «{text.strip()}»")
    return parsed.low


def confirm_budget_edit(line: BudgetDraft, year_text: str, amount_text: str) -> None:
    """Confirm a budget line from what the user typed (the review screen's year and amount).

    An empty year leaves the line without a year; the amount is read by :func:`rsapp.money.parse_amount`.
    Raises ``ValueError`` with a Norwegian message naming what could not be read.
    """
    year = parse_year(year_text)
    amount = parse_whole_amount(amount_text)
    line.confirm(amount=amount)
    line.budget_year = year


_SUB_QUESTION_OTHER = re.compile(r"hvilke\s+ressurser\s+bidrar|finansieringsplan", re.IGNORECASE)
_SUB_QUESTION_APPLIED = re.compile(r"hvor\s+mye\s+søkes\s+det\s+om", re.IGNORECASE)
_TOTAL_ROW = re.compile(r"^[\W_]*(?:total(?:t|en)?|sum|samlet|til\s+sammen|i\s+alt)\b", re.IGNORECASE)
_TOTAL_WORD = re.compile(
    r"(?<![^\W\d_])(total(?:t|en|e)?|totalkostnad(?:en)?|totalbudsjett(?:et)?|totalsum(?:men)?|"
    r"sum(?:men)?|samlet(?:\s+budsjett|\s+kostnad)?|til\s+sammen|i\s+alt)(?![^\W\d_])",
    re.IGNORECASE,
)
# Between a total word and its amount: a few words at most ("Samlet budsjett for prosjektet er").
_TOTAL_GAP = re.compile(r"^[\s:=]*(?:[^\W\d_]+[\s:=]*){0,5}(?:kr\.?\s*)?$", re.IGNORECASE)
_YEAR_CELL = re.compile(r"^\s*(?:år\s*)?((?:19|20|21)\d{2})\s*$", re.IGNORECASE)
_YEAR_HEADING = re.compile(r"^\s*(?:år|budsjettår|kalenderår|year)\s*:?\s*$", re.IGNORECASE)
_YEAR_AFTER = re.compile(
    r"^\s*(?:,-)?\s*(?:\(\s*|(?:i|for|in)\s+(?:år\s+)?)((?:19|20|21)\d{2})(?!\s*[\d–—-])", re.IGNORECASE
)
_YEAR_BEFORE = re.compile(
    r"^\s*(?:[•●▪\-–*]\s*)?(?:år\s+)?((?:19|20|21)\d{2})\s*:\s*(?:kr\.?\s*)?$", re.IGNORECASE
)
_YEAR_START = re.compile(r"^(?:[•●▪\-–*]\s*)?(?:19|20|21)\d{2}\s*:")
_PERIOD_RANGE = re.compile(
    r"(?:Q[1-4]|[1-4]\.\s*kvartal|[^\W\d_]+)\s*\d{4}\s*[–—-]\s*(?:Q[1-4]|[1-4]\.\s*kvartal|[^\W\d_]+)\s*\d{4}",
    re.IGNORECASE,
)
_BARE_AMOUNT = re.compile(r"^\s*(?:kr\.?\s*)?\d[\d\s.\u00a0]*(?:,\d+)?\s*(?:kr\.?|,-)?\s*$", re.IGNORECASE)
_PURPOSE_TRIM = " \t•●▪-–*:;,.()"
_SOUGHT = re.compile(r"\b(?:det\s+)?søkes\s+(?:det\s+)?om\b[\s:]*", re.IGNORECASE)
_USED_FOR = re.compile(r"^[\s,;]*(?:som\s+skal\s+(?:brukes|benyttes)\s+)?til\s+", re.IGNORECASE)
_YEAR_MENTION = re.compile(
    r"\(\s*(?:19|20|21)\d{2}\s*\)|\b(?:i|for)\s+(?:år\s+)?(?:19|20|21)\d{2}\b", re.IGNORECASE
)
_CONNECTORS = re.compile(
    r"^(?:(?:og|samt|herav|pluss)\b[\s,]*)+|(?:[\s,]+(?:og|samt|herav|pluss))+$", re.IGNORECASE
)
_CLAUSE = re.compile(r"[.;]\s|,\s(?=\S)|\n")


def _is_total_phrase(parsed: ParsedAmount) -> bool:
    return parsed.total is not None and parsed.total == parsed.low and not parsed.per_year


def _total_label(text: str, start: int, floor: int) -> str | None:
    """The total word in the clause before an amount ("Samlet budsjett 3 600 000"), if any."""
    before = text[floor:start]
    cuts = list(_CLAUSE.finditer(before))
    if cuts:
        before = before[cuts[-1].end() :]
    matches = list(_TOTAL_WORD.finditer(before))
    m = matches[-1] if matches else None
    if m is None or not _TOTAL_GAP.match(before[m.end() :]):
        return None  # "(totalt fem stillinger à 20 %) fra …: 1,5 mill" is no total
    return " ".join(m.group(1).split()).capitalize()


def _total_name(total_word: str | None, parsed: ParsedAmount) -> str:
    """What a total is called: the word before it, the word in its own phrase, or "Totalt"."""
    if total_word:
        return total_word
    named = _TOTAL_WORD.search(parsed.text)
    return " ".join(named.group(1).split()).capitalize() if named else "Totalt"


def _lines_from_amount(
    parsed: ParsedAmount,
    purpose: str,
    line: Line,
    budget_year: int | None,
    year_note: str,
    start_year: int | None,
    start_note: str,
) -> list[BudgetDraft]:
    """Budget lines for one amount. ``year_note`` / ``start_note`` say why the year or the first
    year of a yearly amount is inferred rather than written; an inferred year is flagged."""
    phrase = parsed.text.strip().rstrip(".,;")
    notes: list[str] = []
    needs = parsed.needs_confirmation
    if parsed.approximate:
        notes.append("omtrentlig beløp")
    if parsed.is_range:
        notes.append("beløpet er et spenn")
    if parsed.per_year and parsed.years is None:
        notes.append("«per år» uten antall år")
    if (
        parsed.per_year
        and parsed.years
        and parsed.total is not None
        and parsed.low * parsed.years != parsed.total
    ):
        notes.append("årlig beløp og total stemmer ikke")
    amount = parsed.low if parsed.low >= 0 else None
    if amount is None:
        notes.append("negativt beløp")
        needs = True
    if parsed.per_year and parsed.years:
        if start_year is None:
            notes.append("startår ikke oppgitt")
            return [
                BudgetDraft(
                    amount, None, None, purpose, phrase, True, line.number, line.page, "; ".join(notes)
                )
            ]
        if start_note:
            notes.append(start_note)
            needs = True
        return [
            BudgetDraft(
                amount, None, start_year + k, purpose, phrase, needs, line.number, line.page, "; ".join(notes)
            )
            for k in range(parsed.years)
        ]
    if budget_year is not None and year_note:
        notes.append(year_note)
        needs = True
    high = parsed.high if parsed.is_range else None
    return [
        BudgetDraft(
            amount, high, budget_year, purpose, phrase, needs, line.number, line.page, "; ".join(notes)
        )
    ]


def _logical_lines(items: list[tuple[Line, str]]) -> list[tuple[Line, str]]:
    """Wrapped lines joined again (as :func:`rsapp.importer.cleanup.unwrap` does), each with its
    first source line."""
    out: list[tuple[Line, str]] = []
    open_line = False
    for line, raw in items:
        text = clean_line(raw)
        if line.cells is not None:
            out.append((line, text))
            open_line = False
        elif not text:
            open_line = False
        elif (
            open_line
            and not BULLET.match(text)
            and not find_amounts(text[:12])
            and not _YEAR_START.match(text)
        ):
            first, joined = out[-1]
            out[-1] = (first, joined + " " + text)
        else:
            out.append((line, text))
            open_line = True
    return out


def _purpose(text: str, found: list[tuple[int, int, ParsedAmount]], start: int, end: int) -> str:
    """What an amount is for: the text after "… til", else the words before the amount."""
    after = text[end:]
    used = _USED_FOR.match(after)
    if used:
        return after[used.end() :].strip(_PURPOSE_TRIM)
    before = text[:start]
    for s, e, _ in found:
        if e <= start:
            before = before[:s] + " " * (e - s) + before[e:]
    before = _SOUGHT.sub(" ", before)
    before = _TOTAL_WORD.sub(" ", before)
    before = re.sub(r"(?<![\d])(?:19|20|21)\d{2}\s*:", " ", before)
    before = _YEAR_MENTION.sub(" ", before)
    before = " ".join(before.split()).strip(_PURPOSE_TRIM)
    before = _CONNECTORS.sub("", before).strip(_PURPOSE_TRIM)
    return before if len(before) >= 3 else ""


def _cell_amounts(cell: str) -> list[tuple[int, int, ParsedAmount]]:
    found = find_amounts(cell)
    if found:
        return found
    if _BARE_AMOUNT.match(cell):
        try:
            return [(0, len(cell), parse_amount(cell))]
        except ValueError:
            return []
    return []  # "Fase 1 (…)" in a header is no amount


def _year_near(text: str, start: int, end: int) -> int | None:
    """A year written beside an amount: "500 000 kr i 2026", "500 000 (2026)", "2026: 500 000"."""
    m = _YEAR_AFTER.match(text[end:])
    if m:
        return int(m.group(1))
    m = _YEAR_BEFORE.match(text[:start])
    if m:
        return int(m.group(1))
    return None


def _applied_part(items: list[tuple[Line, str]]) -> list[tuple[Line, str]]:
    applied: list[tuple[Line, str]] = []
    for line, text in items:
        if line.cells is None and _SUB_QUESTION_OTHER.search(text):
            break
        if line.cells is None and _SUB_QUESTION_APPLIED.search(text):
            continue
        applied.append((line, text))
    return applied


def read_budget(items: list[tuple[Line, str]], start_year: int | None, start_note: str) -> BudgetRead:
    """Budget lines from the "how much is applied for" part of the budget field, the totals it
    states, and the budget's own period when it names one ("Prosjektår 1: Q3 2025 – Q3 2026").

    A table's year comes from a cell that is only a year (a column headed "År", or a year
    beside an amount in the row) or from a header row of years; in text from a year written
    beside the amount; otherwise a budget period within one calendar year gives the year, and
    a period over several years gives its first year flagged for confirmation.
    """
    applied = _applied_part(items)
    period: tuple[str, date, date] | None = None
    joined = " ".join(" ".join(t.split()) for line, t in applied)
    for m in _PERIOD_RANGE.finditer(joined):
        p = parse_period(m.group(0))
        if p is not None and p.start and p.end and p.start < p.end:
            period = (m.group(0), p.start, p.end)
            break
    single_year = period[1].year if period and (period[2] - period[1]).days <= 460 else None
    single_note = ""
    if period and single_year is not None and period[1].year != period[2].year:
        single_note = f"året er antatt ut fra perioden «{' '.join(period[0].split())}»"

    drafts: list[BudgetDraft] = []
    totals: list[StatedTotal] = []
    table_total: int | None = None
    year_columns: dict[int, int] = {}
    year_column: int | None = None  # the column headed "År"
    previous: str = ""

    def add_total(label: str, amount: int, line: Line, text: str) -> None:
        if not any(t.amount == amount and t.label == label for t in totals):
            totals.append(StatedTotal(label, amount, line.number, line.page, text.strip().rstrip(".,;")))

    for line, text in _logical_lines(applied):
        if line.cells is not None:
            cells = list(line.cells)
            if not cells or not any(c.strip() for c in cells):
                continue
            year_cells = {i: int(ym.group(1)) for i, c in enumerate(cells) if (ym := _YEAR_CELL.match(c))}
            amounts = {
                i: found
                for i, c in enumerate(cells)
                if i not in year_cells and c.strip() and (found := _cell_amounts(c))
            }
            if not amounts:
                headed = [i for i, c in enumerate(cells) if _YEAR_HEADING.match(c)]
                if headed:
                    year_column = headed[0]
                elif any(i for i in year_cells):
                    year_columns = {i: y for i, y in year_cells.items() if i}
                continue
            row_year = year_cells.get(year_column) if year_column is not None else None
            if row_year is None and year_cells:
                row_year = next(iter(year_cells.values()))
            labels = [
                c for i, c in enumerate(cells) if i not in year_cells and i not in amounts and c.strip()
            ]
            label = (labels[0] if labels else "").strip(_PURPOSE_TRIM)
            is_total_row = bool(labels) and _TOTAL_ROW.match(labels[0]) is not None
            for i, found in amounts.items():
                cell = cells[i]
                floor = 0
                for s, e, parsed in found:
                    total_word = _total_label(cell, s, floor)
                    floor = e
                    if is_total_row or _is_total_phrase(parsed) or total_word:
                        if is_total_row:
                            table_total = (table_total or 0) + parsed.low
                            name = labels[0].strip(_PURPOSE_TRIM).split()[0].capitalize()
                        else:
                            name = _total_name(total_word, parsed)
                        add_total(name, parsed.low, line, cell[s:e])
                        continue
                    if parsed.total is not None and parsed.total != parsed.low:
                        add_total("Totalt", parsed.total, line, parsed.text)
                    purpose = label
                    if len(found) > 1:
                        own = _purpose(cell, found, s, e)
                        purpose = f"{label}: {own}" if label and own else (own or label)
                    year: int | None
                    if row_year is not None:
                        year, note = row_year, ""
                    elif i in year_columns:
                        year, note = year_columns[i], ""
                    elif (near := _year_near(cell, s, e)) is not None:
                        year, note = near, ""
                    else:
                        year, note = single_year, single_note
                    drafts += _lines_from_amount(
                        parsed, purpose[:300], line, year, note, start_year, start_note
                    )
            continue
        found = find_amounts(text)
        if not found:
            previous = text
            continue
        total_row = _TOTAL_ROW.match(text)
        if total_row and len(found) == 1:
            word = total_row.group(0).strip(" \t•●▪-–*:;,.()")
            add_total(word.capitalize() or "Total", found[0][2].low, line, text)
            table_total = (table_total or 0) + found[0][2].low
            continue
        floor = 0
        for s, e, parsed in found:
            total_word = _total_label(text, s, floor)
            floor = e
            if _is_total_phrase(parsed) or total_word:
                add_total(
                    _total_name(total_word, parsed),
                    parsed.low,
                    line,
                    text[s:e],
                )
                continue
            if parsed.total is not None and parsed.total != parsed.low:
                add_total("Totalt", parsed.total, line, parsed.text)
            purpose = _purpose(text, found, s, e) or previous.strip(_PURPOSE_TRIM)
            purpose = re.sub(r"^(?:vi\s+)?søker\s+om\s*", "", purpose, flags=re.IGNORECASE)
            near = _year_near(text, s, e)
            if near is not None:
                drafts += _lines_from_amount(parsed, purpose[:300], line, near, "", start_year, start_note)
            else:
                drafts += _lines_from_amount(
                    parsed, purpose[:300], line, single_year, single_note, start_year, start_note
                )
        previous = ""
    if table_total is not None and drafts:
        total = sum(d.amount or 0 for d in drafts)
        if total != table_total:
            for d in drafts:
                d.needs_confirmation = True
                d.note = "; ".join(
                    x for x in (d.note, f"summen {total} stemmer ikke med oppgitt total {table_total}") if x
                )
    return BudgetRead(drafts, period, totals)
