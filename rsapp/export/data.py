"""What the Excel prioritisation list is written from: the round's allocation and the texts beside it.

Every amount in the workbook comes from one :class:`~rsapp.allocation.Allocation` (the ledger,
the rows in rank order, the regional list, the warnings); :class:`ExcelData` adds only what a
reader needs besides the money: who owns each application, its status and comment, where each
earmark was decided, and whether the round is decided. :func:`excel_data` reads one round from
the database once, through the store's read model, and computes the allocation from what it read
(no second read of the same facts). :func:`data_from_allocation` builds the same from an
allocation in hand (tests, the benchmark, the cross-output check).

The year columns of the list are :attr:`ExcelData.years`: the years the round uses
(:attr:`Allocation.plan_years`). The ledger sheet's columns are :attr:`ExcelData.ledger_years`:
every year from the first year of the ledger to the last year any amount is in.

Plain Python: no openpyxl, no Textual.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from rsapp.allocation import Allocation

if TYPE_CHECKING:
    from sqlmodel import Session

__all__ = [
    "ApplicationText",
    "ExcelData",
    "ExportError",
    "ExtraColumn",
    "assessment_columns",
    "data_from_allocation",
    "excel_data",
]


class ExportError(Exception):
    """An export that cannot be done; the message is Norwegian and names what and where."""


@dataclass(frozen=True, slots=True)
class ApplicationText:
    """The texts of one application on the list (no amounts: those come from the allocation)."""

    owners: str = ""
    municipalities: str = ""  # "Rana, Alstahaug, Vefsn"
    hospital_trust: str = ""
    status: str = ""  # Norwegian label
    comment: str = ""


@dataclass(frozen=True, slots=True)
class ExtraColumn:
    """A column another part of rsapp adds to the list, between «Status» and «Kommentar».

    The place for the assessment's «Krav», «Vurdering» and its own comments: a header, a text
    per application key (missing keys stay empty), a width in characters, and whether it wraps.
    """

    header: str
    values: Mapping[int, str]
    width: float = 14.0
    wrap: bool = True


@dataclass(slots=True)
class ExcelData:
    """Everything the workbook shows: the allocation and the texts beside it."""

    allocation: Allocation
    helsefellesskap: str
    hospital_trust: str
    round_name: str
    today: date
    decided: bool = False  # after the vedtak: "Vedtatt", amounts "Innvilget"
    texts: Mapping[int, ApplicationText] = field(default_factory=dict)  # by application key
    earmark_sources: Mapping[int, str] = field(default_factory=dict)  # earmark key -> "Sak 23-2025 …"
    extra_columns: Sequence[ExtraColumn] = ()

    @property
    def round_year(self) -> int:
        return self.allocation.round_year

    @property
    def status_label(self) -> str:
        return "Vedtatt" if self.decided else "Utkast"

    @property
    def amount_word(self) -> str:
        """*Innstilt* before the vedtak, *Innvilget* after it."""
        return "Innvilget" if self.decided else "Innstilt"

    @property
    def years(self) -> list[int]:
        """The year columns of the list: the years the round uses.

        :attr:`Allocation.plan_years`, and any earlier year a recommendation names (so every
        amount the ledger counts has a cell).
        """
        allocation = self.allocation
        years = set(allocation.plan_years)
        for row in allocation.rows:
            if row.recommended:
                years.update(row.recommended)
        return sorted(years)

    @property
    def ledger_years(self) -> list[int]:
        """The columns of the ledger sheet: every year from the ledger's first to the last in use."""
        years = {item.budget_year for item in self.allocation.years} | set(self.years)
        return list(range(min(years), max(years) + 1)) if years else []

    def text(self, key: int) -> ApplicationText:
        return self.texts.get(key) or _NO_TEXT


_NO_TEXT = ApplicationText()


def data_from_allocation(
    allocation: Allocation,
    *,
    helsefellesskap: str,
    hospital_trust: str,
    round_name: str,
    today: date,
    texts: Mapping[int, ApplicationText] | None = None,
    decided: bool = False,
    earmark_sources: Mapping[int, str] | None = None,
    extra_columns: Sequence[ExtraColumn] = (),
) -> ExcelData:
    """The workbook's data from an allocation in hand (``texts`` by application key)."""
    return ExcelData(
        allocation=allocation,
        helsefellesskap=helsefellesskap,
        hospital_trust=hospital_trust,
        round_name=round_name,
        today=today,
        decided=decided,
        texts=dict(texts or {}),
        earmark_sources=dict(earmark_sources or {}),
        extra_columns=tuple(extra_columns),
    )


def excel_data(session: Session, round_id: int, *, today: date) -> ExcelData:
    """Read one round once (rounds, money, applications) and compute its allocation from it."""
    from rsapp.allocation import allocate
    from rsapp.assessment.reads import assessment_summaries
    from rsapp.portfolio import inputs_from
    from rsapp.store.queries import earmark_sources, round_record
    from rsapp.store.read_model import as_reader, read_applications, read_money, read_rounds
    from rsapp.vocab import status_label

    reader = as_reader(session)
    info = next((r for r in read_rounds(reader) if r.id == round_id), None)
    money = read_money(reader, round_id).get(round_id)
    record = round_record(session, round_id)
    if info is None or money is None or record is None:
        raise ExportError(f"Fant ingen runde med id {round_id}.")
    facts = read_applications(reader, round_id)
    pots, earmarks, applications, year = inputs_from(money, facts)
    allocation = allocate(pots, earmarks, applications, round_year=year)
    assessments = assessment_summaries(reader, round_id)
    texts = {f.id: _text(f, status_label, assessments.get(f.id)) for f in facts}
    return data_from_allocation(
        allocation,
        helsefellesskap=info.helsefellesskap,
        hospital_trust=info.hospital_trust,
        round_name=info.name,
        today=today,
        texts=texts,
        decided=record.status == "vedtatt",
        earmark_sources=earmark_sources(session, round_id),
        extra_columns=assessment_columns(assessments),
    )


def _text(facts: Any, status_label: Any, assessment: Any = None) -> ApplicationText:
    comment = " · ".join(c for c in (facts.comment, assessment.comment if assessment else "") if c)
    return ApplicationText(
        owners=facts.owners,
        municipalities=", ".join(facts.municipalities),
        hospital_trust=facts.hospital_trust,
        status=status_label(facts.status),
        comment=comment,
    )


def assessment_columns(assessments: Mapping[int, Any]) -> list[ExtraColumn]:
    """«Krav» and «Vurdering» from :func:`rsapp.assessment.reads.assessment_summaries` (the same
    figures as the portfolio and the ranking); none before the round has any assessment."""
    if not any(summary.assessed for summary in assessments.values()):
        return []
    return [
        ExtraColumn("Krav", {key: s.krav_label for key, s in assessments.items()}, width=8.0, wrap=False),
        ExtraColumn(
            "Vurdering", {key: s.vurdering_label for key, s in assessments.items()}, width=14.0, wrap=False
        ),
    ]
