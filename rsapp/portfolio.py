"""The portfolio: rounds, their allocation, and application summaries and details.

Built from the store's reads (:mod:`rsapp.store.read_model`, either reader; one application in
full through :mod:`rsapp.store.queries`). The screens, the exporters and the CLI all read
through here. The money figures come from `rsapp.allocation`, so every total shown is computed
one way. :func:`load_portfolio` reads the whole portfolio screen at once (five statements);
each round's allocation is then computed from what was read, with no second read.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from rsapp.allocation import Allocation, ApplicationInput, EarmarkInput, PotInput, allocate, plan_of
from rsapp.store.read_model import (
    ApplicationFacts,
    MoneyFacts,
    RoundInfo,
    as_reader,
    read_applications,
    read_money,
    read_rounds,
)
from rsapp.vocab import NO_TITLE, NOT_SETTLED, NOT_STATED, SECTION_HEADINGS

if TYPE_CHECKING:
    from sqlmodel import Session

    from rsapp.assessment.reads import AssessmentSummary
    from rsapp.models import Application, BudgetLine, FieldSource

__all__ = [
    "ApplicationDetail",
    "ApplicationSummary",
    "PortfolioData",
    "RoundInfo",
    "allocation_inputs",
    "application_detail",
    "application_title",
    "applied_amounts",
    "applied_in_year",
    "default_round",
    "list_applications",
    "load_portfolio",
    "pot_header",
    "round_allocation",
    "round_by_key",
    "rounds",
    "source_label",
    "summarise",
]


@dataclass(slots=True)
class ApplicationSummary:
    id: int
    round_id: int
    round_key: str
    helsefellesskap: str
    title: str
    owners: str
    municipalities: list[str]
    hospital_trust: str
    applied_year: int | None  # applied for in the round's year; None: not stated
    applied_total: int | None  # None: "ikke oppgitt"
    period: str
    status: str
    rank: int | None
    search_blob: str = ""  # lower-cased text of every field, for incremental search
    assessment: AssessmentSummary | None = None  # Krav, Vurdering (rsapp.assessment.reads)

    def applied_year_label(self) -> str:
        """What was applied for in the round's year, as shown in lists ("ikke oppgitt" when no amount)."""
        from rsapp.money import format_amount_or_missing

        return format_amount_or_missing(self.applied_year)


@dataclass(slots=True)
class ApplicationDetail:
    summary: ApplicationSummary
    application: Application
    budget_lines: list[BudgetLine]
    sections: list[tuple[str, str]]  # (heading, text) for the non-empty form sections
    sources: list[FieldSource] = field(default_factory=list)
    section_fields: list[str] = field(default_factory=list)  # the Application column of each section

    def source_of(self, field_name: str) -> str:
        """Where a field came from, e.g. "003_….txt, linje 25–40, side 2" ("" when not recorded)."""
        return "; ".join(source_label(s) for s in self.sources if s.field == field_name)


def application_title(app: Any) -> str:
    """The name on the form, else the working title, else a placeholder."""
    return _title(app.name, app.working_title)


def _title(name: str | None, working_title: str | None) -> str:
    return (name or "").strip() or (working_title or "").strip() or NO_TITLE


# --- rounds -------------------------------------------------------------------------------------


def rounds(source: Any) -> list[RoundInfo]:
    """Every round, newest first. `source` is a Session or a Reader."""
    return read_rounds(as_reader(source))


def round_by_key(source: Any, key: str) -> RoundInfo:
    all_rounds = rounds(source)
    for info in all_rounds:
        if info.key == key:
            return info
    known = ", ".join(info.key for info in all_rounds)
    raise LookupError(f"Fant ingen runde «{key}». Kjente runder: {known}")


def default_round(source: Any) -> RoundInfo | None:
    """The newest Helgeland round, else the newest round."""
    return _default_round(rounds(source))


def _default_round(all_rounds: list[RoundInfo]) -> RoundInfo | None:
    for info in all_rounds:
        if info.helsefellesskap_key == "helgeland":
            return info
    return all_rounds[0] if all_rounds else None


# --- amounts applied for ------------------------------------------------------------------------


def applied_amounts(lines: Iterable[Any]) -> tuple[dict[int | None, int], int | None]:
    """Budget lines (objects or (year, amount) pairs) -> (applied per budget year, key None for
    lines with no year; total, or None when no amount is stated)."""
    by_year: dict[int | None, int] = defaultdict(int)
    stated = False
    for line in lines:
        year, amount = (line.budget_year, line.amount) if hasattr(line, "amount") else line
        if amount is None:
            continue
        stated = True
        by_year[year] += amount
    return dict(by_year), (sum(by_year.values()) if stated else None)


def applied_in_year(by_year: dict[int | None, int], total: int | None, year: int) -> int | None:
    """Applied for in the round's budget ``year``, by the allocation's reading of the plan
    (:func:`rsapp.allocation.plan_of`: amounts with no year count in the round's year, a plan
    that starts before it is shifted). None when no amount is stated at all."""
    if total is None:
        return None
    return plan_of(by_year, total, year).applied.get(year, 0)


# --- summaries ----------------------------------------------------------------------------------


def _period_label(start: date | None, end: date | None, text: str) -> str:
    # As rsapp.dates.format_date writes dates; not imported here, as the first frame needs no more of it.
    if start and end:
        return (
            f"{start.day:02d}.{start.month:02d}.{start.year:04d}–{end.day:02d}.{end.month:02d}.{end.year:04d}"
        )
    return text or ""


def _summary(facts: ApplicationFacts, info: RoundInfo) -> ApplicationSummary:
    by_year, total = applied_amounts(facts.budget)
    title = _title(facts.name, facts.working_title)
    blob = " ".join(
        [
            title,
            facts.owners,
            facts.hospital_trust,
            " ".join(facts.municipalities),
            info.helsefellesskap,
            facts.contact_municipal,
            facts.contact_trust,
            facts.agreement_text,
            facts.period_text,
            facts.comment,
            *facts.sections,
        ]
    )
    return ApplicationSummary(
        id=facts.id,
        round_id=facts.round_id,
        round_key=info.key,
        helsefellesskap=info.helsefellesskap,
        title=title,
        owners=facts.owners,
        municipalities=list(facts.municipalities),
        hospital_trust=facts.hospital_trust,
        applied_year=applied_in_year(by_year, total, info.year),
        applied_total=total,
        period=_period_label(facts.period_start, facts.period_end, facts.period_text),
        status=facts.status,
        rank=facts.rank,
        search_blob=blob.casefold(),
    )


def summarise(
    applications: Iterable[ApplicationFacts], all_rounds: Iterable[RoundInfo]
) -> list[ApplicationSummary]:
    """Summaries of applications already read (no database access)."""
    infos = {info.id: info for info in all_rounds}
    return [_summary(facts, infos[facts.round_id]) for facts in applications]


def list_applications(source: Any, round_id: int | None = None) -> list[ApplicationSummary]:
    """Every application (of one round, or all), in rank order within each round."""
    reader = as_reader(source)
    return summarise(read_applications(reader, round_id), read_rounds(reader))


def application_detail(session: Session, application_id: int) -> ApplicationDetail:
    """One application with its budget lines, sections and provenance (needs a SQLModel Session)."""
    from rsapp.store import queries
    from rsapp.store.read_model import SessionReader

    record = queries.application_record(session, application_id)
    if record is None:
        raise LookupError(f"Fant ingen søknad med id {application_id}")
    reader = SessionReader(session)
    summary = summarise(read_applications(reader, application_id=application_id), read_rounds(reader))[0]
    app = record.application
    columns = [column for column in SECTION_HEADINGS if getattr(app, column).strip()]
    sections = [(SECTION_HEADINGS[column], getattr(app, column)) for column in columns]
    return ApplicationDetail(summary, app, record.budget_lines, sections, record.sources, columns)


def source_label(source: Any) -> str:
    """A FieldSource as the user reads it: document, lines, pages."""
    parts = [source.document] if source.document else []
    if source.line_start is not None:
        end = source.line_end if source.line_end is not None else source.line_start
        parts.append(
            f"linje {source.line_start}" if end == source.line_start else f"linje {source.line_start}–{end}"
        )
    if source.page_start is not None:
        end = source.page_end if source.page_end is not None else source.page_start
        parts.append(
            f"side {source.page_start}" if end == source.page_start else f"side {source.page_start}–{end}"
        )
    return ", ".join(parts)


# --- allocation inputs --------------------------------------------------------------------------

AllocationInputs = tuple[list[PotInput], list[EarmarkInput], list[ApplicationInput], int]


def _application_input(facts: ApplicationFacts) -> ApplicationInput:
    by_year, total = applied_amounts(facts.budget)
    return ApplicationInput(
        key=facts.id,
        name=_title(facts.name, facts.working_title),
        rank=facts.rank or 0,
        applied_by_year=by_year,
        applied_total=total,
        recommended=dict(facts.recommended) or None,  # no rows: as applied for
        route=facts.route,
        awarded=None if facts.awarded is None else dict(facts.awarded),  # after the vedtak
    )


def inputs_from(money: MoneyFacts, applications: Iterable[ApplicationFacts]) -> AllocationInputs:
    """What `rsapp.allocation.allocate` needs for one round, from facts already read."""
    pots = [PotInput(p.budget_year, p.amount, p.origin, p.confirmed) for p in money.pots]
    earmarks = [EarmarkInput(e.id, e.name, dict(e.amounts), e.is_open) for e in money.earmarks]
    # Earlier rounds' local awards still bound in this round's years count like earmarks.
    earmarks += [EarmarkInput(c.id, c.name, dict(c.amounts), commitment=True) for c in money.commitments]
    apps = [_application_input(facts) for facts in applications if facts.round_id == money.round_id]
    return pots, earmarks, apps, money.year


def allocation_inputs(source: Any, round_id: int) -> AllocationInputs:
    """Everything `rsapp.allocation.allocate` needs for one round, read from the database."""
    reader = as_reader(source)
    money = read_money(reader, round_id)
    if round_id not in money:
        raise LookupError(f"Fant ingen runde med id {round_id}")
    return inputs_from(money[round_id], read_applications(reader, round_id))


def round_allocation(source: Any, round_id: int) -> Allocation:
    """The allocation of a round: the one computation every screen, export and document uses."""
    pots, earmarks, apps, year = allocation_inputs(source, round_id)
    return allocate(pots, earmarks, apps, round_year=year)


# --- the portfolio at once ----------------------------------------------------------------------


@dataclass(slots=True)
class PortfolioData:
    """Every round and application, read once; each round's allocation computed when first asked."""

    rounds: list[RoundInfo]
    applications: list[ApplicationSummary]
    _facts: list[ApplicationFacts] = field(default_factory=list, repr=False)
    _money: dict[int, MoneyFacts] = field(default_factory=dict, repr=False)
    _allocations: dict[int, Allocation] = field(default_factory=dict, repr=False)

    @property
    def default_round(self) -> RoundInfo | None:
        return _default_round(self.rounds)

    def allocation(self, round_id: int) -> Allocation:
        """The round's allocation, from the facts already read (no database access)."""
        if round_id not in self._allocations:
            pots, earmarks, apps, year = inputs_from(self._money[round_id], self._facts)
            self._allocations[round_id] = allocate(pots, earmarks, apps, round_year=year)
        return self._allocations[round_id]


def load_portfolio(source: Any) -> PortfolioData:
    """Rounds, every application and every round's money: the whole portfolio screen in one read."""
    reader = as_reader(source)
    all_rounds = read_rounds(reader)
    facts = read_applications(reader)
    summaries = summarise(facts, all_rounds)
    # Krav and Vurdering: read only once there is an answer (until then every row shows "–", and
    # the first frame of a start does not wait for the assessment modules).
    if reader.rows("SELECT 1 FROM assessment_score LIMIT 1"):
        from rsapp.assessment.reads import assessment_summaries

        assessments = assessment_summaries(reader)
        for summary in summaries:
            summary.assessment = assessments.get(summary.id)
    return PortfolioData(all_rounds, summaries, facts, read_money(reader))


def pot_header(allocation: Allocation) -> str:
    """`Pott 7 800 000 kr · Avsatt 2 500 000 kr · Til fordeling 5 300 000 kr` (+ open earmarks)."""
    from rsapp.money import format_kr

    ledger = allocation.ledger
    if not ledger.pot_stated:
        text = f"Pott {NOT_STATED}"
    else:
        text = (
            f"Pott {format_kr(ledger.pot_total)} · Avsatt {format_kr(ledger.earmarked_total)}"
            f" · Til fordeling {format_kr(ledger.available)}"
        )
        if ledger.carried_in:
            text += f" (herav {format_kr(ledger.carried_in)} overført)"
    if ledger.open_earmarks:
        names = ", ".join(e.name for e in ledger.open_earmarks)
        text += f" · ⚠ {NOT_SETTLED.capitalize()}: {names}"
    return text


def today() -> date:
    return date.today()
