"""Reading the fields of one application form: text, tables, budget lines and period.

Input is the lines of one application (see :mod:`rsapp.importer.splitter`). Each of the
fifteen headings starts a field; its value is the rest of the heading's line and the lines
up to the next heading. The form's own help texts ("(Mål, målgruppe og status …)") are left
out; text under no known heading is kept as "øvrig tekst". The benefit table and the risk
table become rows where their layout can be recognised and are otherwise kept as text.
Amounts become budget lines through :mod:`rsapp.money` (anything ambiguous is flagged for
confirmation), periods are read through :mod:`rsapp.dates`.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from rsapp.dates import find_date, parse_period
from rsapp.importer.errors import ImportFailure
from rsapp.importer.headings import FIELD_LABELS, REQUIRED_FIELDS, match_heading
from rsapp.importer.readers import Document, Line, text_document
from rsapp.importer.splitter import SkippedBlock, split_document
from rsapp.money import ParsedAmount, find_amounts, parse_amount

__all__ = [
    "FieldValue",
    "BudgetDraft",
    "confirm_budget_edit",
    "TableRowDraft",
    "ParsedApplication",
    "ParsedDocument",
    "parse_document",
    "parse_text",
    "parse_lines",
    "known_municipalities",
    "TEXT_FIELDS",
    "BENEFIT_HEADER",
    "RISK_HEADER",
]

# Application columns filled from the form, in form order ("municipalities" is a list, not a column).
TEXT_FIELDS: tuple[str, ...] = (
    "name",
    "owners",
    "municipalities",
    "contact_municipal",
    "hospital_trust",
    "contact_trust",
    "agreement_text",
    "description",
    "benefit",
    "purpose_support",
    "budget_text",
    "patient_responsibility",
    "digital",
    "project_plan",
    "involvement",
    "benefit_table",
    "risk_table",
    "other_text",
)

BENEFIT_HEADER = [
    "Forventet nytte",
    "Hvem får nytte av prosjektet/piloten?",
    "Ansvarlig for gjennomføring",
    "Eventuell måling av nytte",
    "Hvordan måle og rapportere?",
    "Forutsetninger og aktuelle tiltak for at nytte kan oppnås",
    "Tidshorisont",
]
RISK_HEADER = ["Risikofaktorer", "Vurderinger", "Risikoreduserende tiltak"]


@dataclass(slots=True)
class FieldValue:
    """One field's value and where it came from (lines and pages in the document)."""

    key: str
    text: str
    line_start: int | None = None
    line_end: int | None = None
    page_start: int | None = None
    page_end: int | None = None
    source: str = ""  # the lines as they stand in the document
    unit: str = "linje"  # "avsnitt" in a Word file, whose numbers count paragraphs and table rows

    @property
    def label(self) -> str:
        return FIELD_LABELS.get(self.key, self.key)

    def where(self) -> str:
        if self.line_start is None:
            return ""
        text = (
            f"{self.unit} {self.line_start}"
            if self.line_start == self.line_end
            else f"{self.unit} {self.line_start}–{self.line_end}"
        )
        if self.page_start is not None:
            text += (
                f", side {self.page_start}"
                if self.page_start == self.page_end
                else f", side {self.page_start}–{self.page_end}"
            )
        return text


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


def confirm_budget_edit(line: BudgetDraft, year_text: str, amount_text: str) -> None:
    """Confirm a budget line from what the user typed (the review screen's year and amount).

    An empty year leaves the line without a year; the amount is read by :func:`rsapp.money.parse_amount`.
    Raises ``ValueError`` with a Norwegian message naming what could not be read.
    """
    year_text = year_text.strip()
    year: int | None = None
    if year_text:
        if not re.fullmatch(r"(?:19|20|21)\d{2}", year_text):
            raise ValueError(f"Kan ikke lese året «{year_text}»: skriv fire sifre, f.eks. 2026")
        year = int(year_text)
    parsed = parse_amount(amount_text)  # AmountError is a ValueError with a Norwegian message
    if parsed.is_range or parsed.per_year or parsed.low < 0:
        raise ValueError(f"Skriv ett beløp i hele kroner, ikke «{amount_text.strip()}»")
    line.confirm(amount=parsed.low)
    line.budget_year = year


@dataclass(slots=True)
class TableRowDraft:
    table: str  # nytte | risiko
    cells: list[str]
    line: int | None = None


@dataclass(slots=True)
class ParsedApplication:
    """Everything read from one application form."""

    filename: str
    index: int  # 1-based position in its document
    fields: dict[str, FieldValue] = field(default_factory=dict)
    municipalities: list[str] = field(default_factory=list)
    unknown_municipalities: list[str] = field(default_factory=list)
    agreement_date: date | None = None
    period_text: str = ""
    period_start: date | None = None
    period_end: date | None = None
    budget_lines: list[BudgetDraft] = field(default_factory=list)
    table_rows: list[TableRowDraft] = field(default_factory=list)
    line_start: int | None = None
    line_end: int | None = None
    page_start: int | None = None
    page_end: int | None = None
    warnings: list[str] = field(default_factory=list)
    unit: str = "linje"  # what the line numbers count: "linje", or "avsnitt" in a Word file

    def text(self, key: str) -> str:
        value = self.fields.get(key)
        return value.text if value else ""

    def set_text(self, key: str, text: str) -> None:
        """Change a field's text (the review screen's edits); the source is kept."""
        if key in self.fields:
            self.fields[key].text = text
        else:
            self.fields[key] = FieldValue(key, text, unit=self.unit)
        if key == "agreement_text":
            self.agreement_date = find_date(text)
        if key == "municipalities":
            self.municipalities, self.unknown_municipalities = _municipalities(text, known_municipalities())

    @property
    def unconfirmed(self) -> list[BudgetDraft]:
        """Budget lines still flagged for the user to confirm."""
        return [b for b in self.budget_lines if b.needs_confirmation]

    @property
    def notices(self) -> list[str]:
        """What the user should look at: the parser's warnings and amounts still to confirm."""
        out = list(self.warnings)
        n = len(self.unconfirmed)
        if n:
            out.append(f"{n} beløp må bekreftes (omtrentlig, spenn, «per år» eller antatt år).")
        return out

    @property
    def title(self) -> str:
        return self.text("name") or f"(uten navn, søknad {self.index} i {self.filename})"

    @property
    def missing_required(self) -> list[str]:
        """Keys of the required fields that are empty (a budget counts when it has text or lines)."""
        missing = []
        for key in REQUIRED_FIELDS:
            if key == "budget_text" and self.budget_lines:
                continue
            if not self.text(key).strip():
                missing.append(key)
        return missing

    def where(self) -> str:
        if self.line_start is None:
            return ""
        text = f"{self.unit} {self.line_start}–{self.line_end}"
        if self.page_start is not None:
            text += f", side {self.page_start}–{self.page_end}"
        return text


@dataclass(slots=True)
class ParsedDocument:
    document: Document
    applications: list[ParsedApplication]
    skipped: list[SkippedBlock]


# --------------------------------------------------------------------------- municipalities


@lru_cache(maxsize=1)
def _builtin_municipalities() -> tuple[tuple[str, str], ...]:
    from rsapp.config import builtin_data_dir

    try:
        with (builtin_data_dir() / "municipalities.toml").open("rb") as fh:
            doc = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError):
        return ()
    return tuple((name, hf) for hf, section in doc.items() for name in section.get("municipalities", []))


def known_municipalities() -> dict[str, str]:
    """Municipality name -> helsefellesskap key, from the built-in data (in data order)."""
    return dict(_builtin_municipalities())


_HF_WORDS = {
    "helgeland": "helgeland",
    "troms": "troms-ofoten",
    "ofoten": "troms-ofoten",
    "finnmark": "finnmark",
    "lofoten": "lofoten-vesteralen-salten",
    "vesterålen": "lofoten-vesteralen-salten",
    "salten": "lofoten-vesteralen-salten",
}
_ALL_MUNICIPALITIES = re.compile(r"\balle\s+(?:\d+\s+)?kommunene\b", re.IGNORECASE)
_MUNI_SPLIT = re.compile(r",|;|/|&|\n|\bog\b|\bsamt\b", re.IGNORECASE)
_NOT_A_MUNICIPALITY = re.compile(r"sykehus|helse|\bHF\b|\bUNN\b|fylke|region|\balle\b", re.IGNORECASE)
_MUNI_NOISE = re.compile(r"\b(?:kommuner?|kommunene|kommune®)\b", re.IGNORECASE)


def _municipalities(text: str, known: dict[str, str]) -> tuple[list[str], list[str]]:
    """(known names found in order, names not known) from the Kommune(r) field."""
    if not text.strip():
        return [], []
    m = _ALL_MUNICIPALITIES.search(text)
    if m:
        lowered = text.lower()
        hf = next((key for word, key in _HF_WORDS.items() if word in lowered), None)
        if hf is not None:
            return [name for name, key in known.items() if key == hf], []
    found: list[tuple[int, str]] = []
    unknown: list[tuple[int, str]] = []
    position = 0
    for part in _MUNI_SPLIT.split(text):
        hits = []
        for name in known:
            hit = re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", part, re.IGNORECASE)
            if hit:
                hits.append((position + hit.start(), name))
        if hits:
            found += hits
        else:
            words = _MUNI_NOISE.sub(" ", part).split()
            name = " ".join(words)
            if (
                1 <= len(words) <= 3
                and all(w[:1].isupper() for w in words)
                and len(name) <= 40
                and not _NOT_A_MUNICIPALITY.search(name)
            ):
                unknown.append((position, name))
        position += len(part) + 1
    names: list[str] = []
    for _, name in sorted(found):
        if name not in names:
            names.append(name)
    new: list[str] = []
    for _, name in sorted(unknown):
        if name not in new and name not in names:
            new.append(name)
    return names, new


# --------------------------------------------------------------------------- text clean-up

_INSTRUCTION_STARTS = (
    "(mål, målgruppe og status",
    "(benytt gjerne vedlagte skjema",
    "(inkludert mulighet for erfaringsdeling",
    "(nb: tilskuddsmidlene kan dekke",
    "(er tiltaket i tråd med nasjonal",
    "(både i primær- og spesialisthelsetjenesten",
)
_BUDGET_REMINDER = re.compile(r"budsjett\s+må\s+legges\s+ved\s+søknaden\.?", re.IGNORECASE)
_BULLET = re.compile(r"^(?:[•●▪◦\-–*o]\s+|\d{1,2}[.)]\s+|[a-z][.)]\s+|WP\d+\s*:)")


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def _strip_instructions(items: list[tuple[Line, str]]) -> list[tuple[Line, str]]:
    """Leave out the form's help texts in parentheses and the "Budsjett må legges ved" reminder."""
    out: list[tuple[Line, str]] = []
    index = 0
    while index < len(items):
        line, text = items[index]
        normalized = _norm(text).lstrip("*_ ")
        if normalized.startswith(_INSTRUCTION_STARTS):
            # drop up to the line that closes the parenthesis (at most six lines)
            for offset in range(6):
                if index + offset >= len(items):
                    break
                closing = items[index + offset][1]
                if ")" in closing:
                    rest = closing[closing.index(")") + 1 :].lstrip(" .:?*_")
                    index += offset + 1
                    if rest.strip():
                        out.append((items[index - 1][0], rest))
                    break
            else:
                index += 6
            continue
        if _BUDGET_REMINDER.search(text):
            text = _BUDGET_REMINDER.sub("", text).strip()
            if not text:
                index += 1
                continue
        out.append((line, text))
        index += 1
    return out


def _clean_line(text: str) -> str:
    text = text.replace("\u00ad", "").replace("\t", " ")
    return text.strip()


def unwrap(texts: list[str]) -> str:
    """Lines as a PDF wraps them -> paragraphs: a line joins the previous one unless it starts
    a list item or follows a blank line; a word broken by a hyphen before a capital is rejoined."""
    out: list[str] = []
    pending_break = False
    for raw in texts:
        text = _clean_line(raw)
        if not text:
            if out:
                pending_break = True
            continue
        if not out:
            out.append(text)
        elif pending_break:
            out.append("")
            out.append(text)
        elif _BULLET.match(text) or out[-1].endswith(":") and len(out[-1]) < 60:
            out.append(text)
        else:
            previous = out[-1]
            if re.search(r"[^\W_]-$", previous) and (text[:1].isupper() or text[:1].isdigit()):
                out[-1] = previous + text
            else:
                out[-1] = previous + " " + text
        pending_break = False
    return "\n".join(out).strip()


def _one_line(texts: list[str]) -> str:
    return " ".join(t for t in (_clean_line(x) for x in texts) if t)


# --------------------------------------------------------------------------- tables

_BENEFIT_TITLE = re.compile(r"^[#*_\s]*forventet\s+nytte\s*[–—-]\s*tabell", re.IGNORECASE)
_RISK_TITLE = re.compile(r"^[#*_\s]*risikofaktor(?:er)?\b(?:\s+og\s+risikoreduserende)?", re.IGNORECASE)
_TIME_HORIZON = re.compile(
    r"^\s*(?:ca\.?\s*)?\d{1,2}\s*(?:[-–]\s*\d{1,2}\s*)?(?:år|måneder|mnd\.?)\s*$|^\s*(?:løpende|kontinuerlig)\s*$",
    re.IGNORECASE,
)
_ASSESSMENT = re.compile(r"(?:^|(?<=\s))(?i:(lav|middels|moderat|høy|høg))(?=\s+[A-ZÆØÅ«\"“]|\s*$)")


def _table_kind(cells: tuple[str, ...] | None, text: str) -> str | None:
    probe = " ".join(cells) if cells else text
    low = probe.lower()
    if cells is not None:
        if "forventet nytte" in low and ("hvem" in low or "tidshorisont" in low or "ansvarlig" in low):
            return "nytte"
        if "risikofaktor" in low or ("risiko" in low and "tiltak" in low):
            return "risiko"
        return None
    if _BENEFIT_TITLE.match(text):
        return "nytte"
    if _RISK_TITLE.match(text):
        return "risiko"
    return None


def _blocks(items: list[tuple[Line, str]]) -> list[list[tuple[Line, str]]]:
    blocks: list[list[tuple[Line, str]]] = []
    current: list[tuple[Line, str]] = []
    for line, text in items:
        if text.strip():
            current.append((line, text))
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _benefit_rows(items: list[tuple[Line, str]]) -> list[TableRowDraft] | None:
    """Rows of the benefit table laid out as blocks of lines (a PDF's text layer)."""
    blocks = _blocks(items)
    header_end = None
    for i, block in enumerate(blocks):
        squashed = "".join(text for _, text in block).replace(" ", "").lower()
        if "tidshorisont" in squashed:
            header_end = i
            break
    if header_end is None:
        return None
    rows = [TableRowDraft("nytte", list(BENEFIT_HEADER), blocks[0][0][0].number)]
    cells: list[str] = []
    first_line: int | None = None
    for block in blocks[header_end + 1 :]:
        cell = _one_line([text for _, text in block])
        if first_line is None:
            first_line = block[0][0].number
        cells.append(cell)
        if _TIME_HORIZON.match(cell):
            rows.append(TableRowDraft("nytte", cells, first_line))
            cells, first_line = [], None
    if cells or len(rows) < 2:
        return None  # a row without its time horizon: layout not recognised
    return rows


def _risk_rows(items: list[tuple[Line, str]]) -> list[TableRowDraft] | None:
    """Rows of the risk table laid out as text: factor, assessment word, measures."""
    entries = [(line, _clean_line(text)) for line, text in items]
    anchors: list[tuple[int, re.Match[str]]] = []
    for i, (_, text) in enumerate(entries):
        if "risikofaktor" in text.lower():
            continue
        m = _ASSESSMENT.search(text)
        if m:
            anchors.append((i, m))
    if not anchors:
        return None
    rows = [TableRowDraft("risiko", list(RISK_HEADER), entries[0][0].number)]
    starts: list[int] = []  # index of the first line of each factor
    factors: list[str] = []
    for i, m in anchors:
        before = entries[i][1][: m.start()].strip()
        if before:
            starts.append(i)
            factors.append(before)
            continue
        j = i - 1
        while j >= 0 and not entries[j][1]:
            j -= 1
        block_end = j
        while j >= 0 and entries[j][1] and (not starts or j > anchors[len(starts) - 1][0]):
            j -= 1
        start = j + 1
        if start > block_end:
            return None
        starts.append(start)
        factors.append(_one_line([t for _, t in entries[start : block_end + 1]]))
    for n, (i, m) in enumerate(anchors):
        stop = starts[n + 1] if n + 1 < len(anchors) else len(entries)
        measures = [entries[i][1][m.end() :]] + [t for _, t in entries[i + 1 : stop]]
        rows.append(
            TableRowDraft(
                "risiko", [factors[n], m.group(1).lower(), _one_line(measures)], entries[i][0].number
            )
        )
    return rows


def _rows_text(rows: list[TableRowDraft]) -> str:
    return "\n".join(" | ".join(row.cells) for row in rows)


# --------------------------------------------------------------------------- budget

_SUB_QUESTION_OTHER = re.compile(r"hvilke\s+ressurser\s+bidrar|finansieringsplan", re.IGNORECASE)
_SUB_QUESTION_APPLIED = re.compile(r"hvor\s+mye\s+søkes\s+det\s+om", re.IGNORECASE)
_TOTAL_ROW = re.compile(r"^[\W_]*(?:total(?:t|en)?|sum|samlet|til\s+sammen|i\s+alt)\b", re.IGNORECASE)
_YEAR_CELL = re.compile(r"^\s*(?:år\s*)?((?:19|20|21)\d{2})\s*$", re.IGNORECASE)
_YEAR_HEADING = re.compile(r"^\s*(?:år|budsjettår|kalenderår|year)\s*:?\s*$", re.IGNORECASE)
_PERIOD_RANGE = re.compile(
    r"(?:Q[1-4]|[1-4]\.\s*kvartal|[^\W\d_]+)\s*\d{4}\s*[–—-]\s*(?:Q[1-4]|[1-4]\.\s*kvartal|[^\W\d_]+)\s*\d{4}",
    re.IGNORECASE,
)
_BARE_AMOUNT = re.compile(r"^\s*(?:kr\.?\s*)?\d[\d\s.\u00a0]*(?:,\d+)?\s*(?:kr\.?|,-)?\s*$", re.IGNORECASE)
_PURPOSE_TRIM = " \t•●▪-–*:;,.()"


def _is_total_phrase(parsed: ParsedAmount) -> bool:
    return parsed.total is not None and parsed.total == parsed.low and not parsed.per_year


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
    """Wrapped lines joined again (as :func:`unwrap` does), each with its first source line."""
    out: list[tuple[Line, str]] = []
    open_line = False
    for line, raw in items:
        text = _clean_line(raw)
        if line.cells is not None:
            out.append((line, text))
            open_line = False
        elif not text:
            open_line = False
        elif open_line and not _BULLET.match(text) and not find_amounts(text[:12]):
            first, joined = out[-1]
            out[-1] = (first, joined + " " + text)
        else:
            out.append((line, text))
            open_line = True
    return out


_SOUGHT = re.compile(r"\b(?:det\s+)?søkes\s+(?:det\s+)?om\b[\s:]*", re.IGNORECASE)
_USED_FOR = re.compile(r"^[\s,;]*(?:som\s+skal\s+(?:brukes|benyttes)\s+)?til\s+", re.IGNORECASE)


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
    before = re.sub(r"totalkostnad(?:en)?\s*:?", " ", before, flags=re.IGNORECASE)
    before = " ".join(before.split()).strip(_PURPOSE_TRIM)
    return before if len(before) >= 3 else ""


def _cell_amount(cell: str) -> ParsedAmount | None:
    found = find_amounts(cell)
    if found:
        return found[0][2]
    if _BARE_AMOUNT.match(cell):
        try:
            return parse_amount(cell)
        except ValueError:
            return None
    return None  # "Fase 1 (…)" in a header is no amount


def _budget(
    items: list[tuple[Line, str]], start_year: int | None, start_note: str
) -> tuple[list[BudgetDraft], tuple[str, date, date] | None]:
    """Budget lines from the "how much is applied for" part of the budget field, and the
    budget's own period when it names one ("Prosjektår 1: Q3 2025 – Q3 2026").

    A table's year comes from a cell that is only a year (a column headed "År", or a year
    beside an amount in the row) or from a header row of years; otherwise a budget period
    within one calendar year gives the year, and a period over several years gives its first
    year flagged for confirmation.
    """
    applied: list[tuple[Line, str]] = []
    for line, text in items:
        if line.cells is None and _SUB_QUESTION_OTHER.search(text):
            break
        if line.cells is None and _SUB_QUESTION_APPLIED.search(text):
            continue
        applied.append((line, text))

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
    stated_total: int | None = None
    year_columns: dict[int, int] = {}
    year_column: int | None = None  # the column headed "År"
    previous: str = ""
    for line, text in _logical_lines(applied):
        if line.cells is not None:
            cells = list(line.cells)
            if not cells or not any(c.strip() for c in cells):
                continue
            year_cells = {i: int(m.group(1)) for i, c in enumerate(cells) if (m := _YEAR_CELL.match(c))}
            amounts = {
                i: parsed
                for i, c in enumerate(cells)
                if i not in year_cells and c.strip() and (parsed := _cell_amount(c)) is not None
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
            purpose = (labels[0] if labels else "").strip(_PURPOSE_TRIM)
            is_total = any(_TOTAL_ROW.match(c) for c in labels[:1])
            for i, parsed in amounts.items():
                if is_total:
                    stated_total = (stated_total or 0) + parsed.low
                    continue
                if _is_total_phrase(parsed):
                    continue
                if row_year is not None:
                    year, note = row_year, ""
                elif i in year_columns:
                    year, note = year_columns[i], ""
                else:
                    year, note = single_year, single_note
                drafts += _lines_from_amount(parsed, purpose, line, year, note, start_year, start_note)
            continue
        found = find_amounts(text)
        if not found:
            previous = text
            continue
        if _TOTAL_ROW.match(text) and len(found) == 1:
            stated_total = found[0][2].low  # the "Total 3 600 000" row of a table laid out as text
            continue
        real = [(s, e, p) for s, e, p in found if not _is_total_phrase(p)]
        for s, e, parsed in real:
            purpose = _purpose(text, found, s, e) or previous.strip(_PURPOSE_TRIM)
            purpose = re.sub(r"^(?:vi\s+)?søker\s+om\s*", "", purpose, flags=re.IGNORECASE)
            drafts += _lines_from_amount(
                parsed, purpose[:300], line, single_year, single_note, start_year, start_note
            )
        previous = ""
    if stated_total is not None and drafts:
        total = sum(d.amount or 0 for d in drafts)
        if total != stated_total:
            for d in drafts:
                d.needs_confirmation = True
                d.note = "; ".join(
                    x for x in (d.note, f"summen {total} stemmer ikke med oppgitt total {stated_total}") if x
                )
    return drafts, period


# --------------------------------------------------------------------------- period

_SCHEDULE = re.compile(r"^(?:[•●▪\-–*o]\s*)?(?P<label>[^:]{2,120}):\s*(?P<when>.{2,40})$")
_DURATION = re.compile(
    r"\b(?:over|i)\s+en\s+periode\s+på\s+(?:\d{1,2}|to|tre|fire|fem|seks|sju|syv|åtte|ti)\s+(?:år|måneder)\b",
    re.IGNORECASE,
)


def _plan_period(text: str) -> tuple[str, date, date] | None:
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


_WHEN = r"(?:Q[1-4]|[1-4]\.\s*kvartal|[^\W\d_]+)\s*(?:19|20|21)\d{2}"
_LABELLED_PERIOD = re.compile(
    r"(?<![^\W\d_])(?:prosjekt|tids)?periode(?:n)?\s*:\s*(?P<when>[^\n]{4,80})", re.IGNORECASE
)
_FROM_TO = re.compile(rf"(?<![^\W\d_])fra\s+(?P<when>{_WHEN}\s+(?:til|–|—|-)\s+{_WHEN})", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[;)(]|\.\s+(?=[A-ZÆØÅ])|\.\s*$")


def _text_period(text: str, reference_year: int | None) -> tuple[str, date, date] | None:
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


# --------------------------------------------------------------------------- the parser

_OTHER_HEADING = re.compile(
    r"^[#*_\s]*(?:vedlegg|referanser|kilder|litteratur)\s*:?\s*[*_]*\s*$", re.IGNORECASE
)
_SHORT_UNKNOWN_HEADING = re.compile(r"^[#*_\s]*[A-ZÆØÅ][\w ()/-]{1,40}:\s*[*_]*\s*$")
_SHORT_KEYS = {
    "name",
    "owners",
    "municipalities",
    "contact_municipal",
    "hospital_trust",
    "contact_trust",
    "agreement_text",
}
_VALUE_LEAD = re.compile(r"^[\s*_:?]+")


def _source_range(lines: list[Line]) -> tuple[int | None, int | None, int | None, int | None]:
    real = [line for line in lines if line.text.strip()] or lines
    if not real:
        return None, None, None, None
    pages = [line.page for line in real if line.page is not None]
    return real[0].number, real[-1].number, (min(pages) if pages else None), (max(pages) if pages else None)


def parse_lines(
    lines: list[Line], filename: str = "", index: int = 1, known: dict[str, str] | None = None
) -> ParsedApplication:
    """Read one application's fields from its lines."""
    known = known_municipalities() if known is None else known
    app = ParsedApplication(filename=filename, index=index)
    buckets: dict[str, list[tuple[Line, str]]] = {}
    heading_lines: dict[str, Line] = {}
    order: list[str] = []
    current = "other_text"
    table_mode: str | None = None  # inside the benefit or risk table
    table_from_text = False  # that table is running text (PDF) rather than table rows
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.cells is not None:
            kind = _table_kind(line.cells, line.text)
            if kind is not None:
                table_mode = "benefit_table" if kind == "nytte" else "risk_table"
                table_from_text = False
            first = match_heading([line.cells[0]]) if line.cells else None
            if first is not None and kind is None:
                # a form laid out as a two-column table: heading | value
                current = first.spec.key
                table_mode = None
                heading_lines.setdefault(current, line)
                value = " ".join(c for c in line.cells[1:] if c)
                if current not in buckets:
                    order.append(current)
                buckets.setdefault(current, []).append((line, value))
                i += 1
                continue
            target = table_mode or current
            buckets.setdefault(target, []).append((line, line.text))
            if target not in order:
                order.append(target)
            i += 1
            continue
        if table_mode and not table_from_text and line.text.strip():
            table_mode = None  # a Word/Markdown table ends at the first line of running text
        if line.text.strip():
            match = match_heading([x.text for x in lines[i : i + 5]])
            if (
                match is not None
                and match.spec.short
                and not match.colon
                and not line.heading
                and any(k not in _SHORT_KEYS and k != "other_text" for k in heading_lines)
            ):
                match = None  # a bare "Kommune" deep inside the free text is not the form's heading
            if match is not None:
                current = match.spec.key
                table_mode = None
                heading_lines.setdefault(current, line)
                if current not in buckets:
                    order.append(current)
                    buckets[current] = []
                end_line = lines[i + match.end_line]
                rest = _VALUE_LEAD.sub("", end_line.text[match.end_column :])
                if rest.strip():
                    buckets[current].append((end_line, rest))
                i += match.end_line + 1
                continue
            kind = _table_kind(None, line.text)
            if kind is not None and current not in _SHORT_KEYS:
                table_mode = "benefit_table" if kind == "nytte" else "risk_table"
                table_from_text = True
                buckets.setdefault(table_mode, [])
                if table_mode not in order:
                    order.append(table_mode)
                if (
                    kind == "risiko"
                    and "risikofaktor" in line.text.lower()
                    and "vurdering" in line.text.lower()
                ):
                    buckets[table_mode].append((line, line.text))
                i += 1
                continue
            if _OTHER_HEADING.match(line.text) or (
                current in _SHORT_KEYS and _SHORT_UNKNOWN_HEADING.match(line.text) and current != "other_text"
            ):
                current = "other_text"
                table_mode = None
                if current not in order:
                    order.append(current)
        target = table_mode or current
        if target not in buckets:
            buckets[target] = []
            order.append(target)
        buckets[target].append((line, line.text))
        i += 1

    app.line_start, app.line_end, app.page_start, app.page_end = _source_range(lines)
    for key in order:
        items = _strip_instructions(buckets.get(key, []))
        source_lines = [line for line, _ in items]
        if key in heading_lines:
            source_lines = [heading_lines[key], *source_lines]
        start, end, page_start, page_end = _source_range(source_lines)
        source = "\n".join(text for _, text in items).strip("\n")
        if key == "benefit_table":
            rows = _table_rows(items, "nytte")
            text = _rows_text(rows) if rows else unwrap([t for _, t in items])
            app.table_rows += rows or []
        elif key == "risk_table":
            rows = _table_rows(items, "risiko")
            text = _rows_text(rows) if rows else unwrap([t for _, t in items])
            app.table_rows += rows or []
        elif key in _SHORT_KEYS:
            text = (
                _one_line([t for _, t in items])
                if key != "contact_municipal"
                else unwrap([t for _, t in items])
            )
        else:
            text = unwrap([t for _, t in items])
        app.fields[key] = FieldValue(key, text, start, end, page_start, page_end, source)

    app.municipalities, app.unknown_municipalities = _municipalities(
        app.fields["municipalities"].source if "municipalities" in app.fields else "", known
    )
    app.agreement_date = find_date(app.text("agreement_text"))

    plan_field = app.fields.get("project_plan")
    plan = _plan_period(plan_field.source if plan_field else "")
    budget_items = _strip_instructions(buckets.get("budget_text", []))
    start_year: int | None = None
    start_note = ""
    # A first pass finds the budget's own period; the plan's schedule, a period named in the
    # description or the plan, and the agreement date are fallbacks for the first year of a
    # yearly amount.
    _, budget_period = _budget(budget_items, None, "")
    chosen = budget_period or plan
    if chosen is None:
        reference = app.agreement_date.year if app.agreement_date else None
        chosen = _text_period(app.text("description"), reference) or _text_period(
            app.text("project_plan"), reference
        )
    if chosen is not None:
        app.period_text, app.period_start, app.period_end = chosen[0], chosen[1], chosen[2]
        start_year = chosen[1].year
        if chosen[1].month != 1:
            start_note = f"prosjektårene i perioden «{chosen[0]}» følger ikke kalenderårene"
    else:
        duration = _DURATION.search(app.text("description")) or _DURATION.search(app.text("project_plan"))
        if duration:
            app.period_text = duration.group(0)
        if app.agreement_date is not None:
            start_year = app.agreement_date.year
            start_note = f"startår {start_year} er antatt"
    app.budget_lines, _ = _budget(budget_items, start_year, start_note)
    if app.unknown_municipalities:
        names = ", ".join(app.unknown_municipalities)
        app.warnings.append(f"Ukjente kommuner blir lagt til: {names}")
    return app


def _table_rows(items: list[tuple[Line, str]], kind: str) -> list[TableRowDraft] | None:
    celled = [(line, text) for line, text in items if line.cells is not None]
    if celled and len(celled) >= 2:
        return [TableRowDraft(kind, [c for c in line.cells or ()], line.number) for line, _ in celled]
    if kind == "nytte":
        return _benefit_rows(items)
    return _risk_rows(items)


def parse_document(doc: Document, known: dict[str, str] | None = None) -> ParsedDocument:
    """Every application in a document. Raises :class:`ImportFailure` only."""
    try:
        split = split_document(doc)
        known = known_municipalities() if known is None else known
        apps = [parse_lines(seg, doc.filename, n, known) for n, seg in enumerate(split.segments, start=1)]
        if doc.kind == "docx":
            for app in apps:
                app.unit = "avsnitt"
                for value in app.fields.values():
                    value.unit = "avsnitt"
    except ImportFailure:
        raise
    except (ValueError, IndexError, KeyError, AttributeError, TypeError, RecursionError) as exc:
        raise ImportFailure(doc.filename, f"kunne ikke tolke innholdet ({type(exc).__name__})") from exc
    return ParsedDocument(doc, apps, split.skipped)


def parse_text(text: str, filename: str = "tekst.txt") -> ParsedDocument:
    """Parse text in memory as if it were a .txt file."""
    return parse_document(text_document(text, filename))
