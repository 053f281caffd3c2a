"""What the parser reads from one application form: fields, tables, budget, attachments.

Plain data with a few derived views (missing required fields, the budget's sum against the
totals the document states, what the user should look at). No parsing happens here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from rsapp.dates import find_date
from rsapp.importer.budget import BudgetDraft, StatedTotal
from rsapp.importer.document import Document
from rsapp.importer.headings import FIELD_LABELS, REQUIRED_FIELDS, SHORT_LABELS
from rsapp.importer.splitter import SkippedBlock

__all__ = [
    "TEXT_FIELDS",
    "FieldValue",
    "TableRowDraft",
    "Attachment",
    "ATTACHMENT_LABELS",
    "ParsedApplication",
    "ParsedDocument",
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


def _where(
    unit: str, start: int | None, end: int | None, page_start: int | None, page_end: int | None
) -> str:
    if start is None:
        return ""
    text = f"{unit} {start}" if start == end else f"{unit} {start}–{end}"
    if page_start is not None:
        text += f", side {page_start}" if page_start == page_end else f", side {page_start}–{page_end}"
    return text


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
        return _where(self.unit, self.line_start, self.line_end, self.page_start, self.page_end)


@dataclass(slots=True)
class TableRowDraft:
    table: str  # nytte | risiko
    cells: list[str]
    line: int | None = None


ATTACHMENT_LABELS = {
    "nytte": "Forventet nytte – tabell",
    "risiko": "Risikotabell",
    "budsjett": "Budsjett",
    "avtale": "Signert avtale",
    "intensjonsavtale": "Intensjonsavtale",
    "signaturer": "Signaturer",
    "oversendelsesbrev": "Oversendelsesbrev",
    "vedlegg": "Vedlegg",
}


@dataclass(slots=True)
class Attachment:
    """A document attached to the form (benefit or risk table, budget, signed agreement,
    intensjonsavtale, signatures, cover letter): kept, labelled, outside the form's fields."""

    kind: str  # nytte | risiko | budsjett | avtale | intensjonsavtale | signaturer | oversendelsesbrev | vedlegg
    title: str  # as it stands in the document, or a label when it has none
    text: str
    line_start: int | None = None
    line_end: int | None = None
    page_start: int | None = None
    page_end: int | None = None
    unit: str = "linje"

    @property
    def label(self) -> str:
        return ATTACHMENT_LABELS.get(self.kind, "Vedlegg")

    def where(self) -> str:
        return _where(self.unit, self.line_start, self.line_end, self.page_start, self.page_end)

    def labelled(self) -> str:
        """The attachment as kept in «Øvrig tekst»: a labelled heading, then its text."""
        head = f"[Vedlegg: {self.label}]"
        if self.title and " ".join(self.title.split()).casefold() != self.label.casefold():
            head += f" {' '.join(self.title.split())}"
        return f"{head}\n{self.text}".strip()


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
    stated_totals: list[StatedTotal] = field(default_factory=list)
    table_rows: list[TableRowDraft] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
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
            from rsapp.importer.municipalities import known_municipalities, municipalities_in

            self.municipalities, self.unknown_municipalities = municipalities_in(text, known_municipalities())

    @property
    def unconfirmed(self) -> list[BudgetDraft]:
        """Budget lines still flagged for the user to confirm."""
        return [b for b in self.budget_lines if b.needs_confirmation]

    @property
    def budget_sum(self) -> int | None:
        """The sum of the budget lines (a range counts its low end); None without lines or
        when no line has an amount."""
        amounts = [b.amount for b in self.budget_lines if b.amount is not None]
        return sum(amounts) if amounts else None

    @property
    def total_mismatches(self) -> list[StatedTotal]:
        """Totals the document states that the budget lines do not add up to."""
        total = self.budget_sum
        return [t for t in self.stated_totals if total is None or t.amount != total]

    @property
    def notices(self) -> list[str]:
        """What the user should look at: the parser's warnings, missing required fields,
        totals that differ from the lines, and amounts still to confirm."""
        from rsapp.money import format_amount_or_missing, format_kr

        out = list(self.warnings)
        missing = self.missing_required
        if missing:
            names = ", ".join(SHORT_LABELS.get(k, k) for k in missing)
            out.append(f"Påkrevde felt er tomme: {names}.")
        for t in self.total_mismatches:
            out.append(
                f"Budsjettlinjene summerer til {format_amount_or_missing(self.budget_sum)}, "
                f"men dokumentet oppgir {t.label.lower() or 'total'} {format_kr(t.amount)} ({self.unit} {t.line})."
            )
        n = len(self.unconfirmed)
        if n:
            out.append(f"{n} beløp må bekreftes (omtrentlig, spenn, «per år» eller antatt år).")
        return out

    @property
    def title(self) -> str:
        return self.text("name") or f"(uten navn, søknad {self.index} i {self.filename})"

    @property
    def missing_required(self) -> list[str]:
        """Keys of the required fields that are empty. A budget counts when it has text or
        lines, the benefit when it has text or a benefit table, the municipalities when one is
        named."""
        missing = []
        for key in REQUIRED_FIELDS:
            if key == "budget_text" and self.budget_lines:
                continue
            if key == "benefit" and any(r.table == "nytte" for r in self.table_rows):
                continue
            if key == "municipalities" and (self.municipalities or self.unknown_municipalities):
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
