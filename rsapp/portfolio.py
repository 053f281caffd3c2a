"""Reading the portfolio: rounds, their allocation, and application summaries and details.

Plain Python over a Session; the screens, the exporters and the CLI all read through here.
The money figures come from `rsapp.allocation`, so every total shown is computed one way.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, col, select

from rsapp.allocation import Allocation, ApplicationInput, EarmarkInput, PotInput, allocate
from rsapp.models import (
    Application,
    ApplicationMunicipality,
    BudgetLine,
    Earmark,
    EarmarkAmount,
    FieldSource,
    Helsefellesskap,
    Municipality,
    Pot,
    Round,
)
from rsapp.vocab import SECTION_HEADINGS


@dataclass(slots=True)
class RoundInfo:
    id: int
    key: str
    year: int
    name: str
    helsefellesskap: str
    helsefellesskap_key: str
    hospital_trust: str

    @property
    def label(self) -> str:
        return f"{self.helsefellesskap} – {self.name}"

    @property
    def short_label(self) -> str:
        """E.g. "Helgeland 2026", for narrow places such as filters."""
        short = self.helsefellesskap.removeprefix("Helsefellesskapet ").removeprefix("Helsefellesskap ")
        return f"{short} {self.year}"


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
    has_unyeared: bool = False  # some amounts are stated without a budget year
    search_blob: str = ""  # lower-cased text of every field, for incremental search

    def applied_year_label(self) -> str:
        """What was applied for in the round's year, as shown in lists."""
        from rsapp.money import format_kr

        if self.applied_total is None:
            return "ikke oppgitt"
        if self.applied_year is not None:
            return format_kr(self.applied_year)
        return "ikke fordelt på år" if self.has_unyeared else format_kr(0)


@dataclass(slots=True)
class ApplicationDetail:
    summary: ApplicationSummary
    application: Application
    budget_lines: list[BudgetLine]
    sections: list[tuple[str, str]]  # (heading, text) for the non-empty form sections
    sources: list[FieldSource] = field(default_factory=list)


def application_title(app: Application) -> str:
    return app.name.strip() or app.working_title.strip() or "(uten navn)"


def rounds(session: Session) -> list[RoundInfo]:
    rows = session.exec(
        select(Round, Helsefellesskap)
        .join(Helsefellesskap, col(Helsefellesskap.id) == Round.helsefellesskap_id)
        .order_by(col(Round.year).desc(), Helsefellesskap.name)
    ).all()
    return [
        RoundInfo(r.id, r.key, r.year, r.name, hf.name, hf.key, hf.hospital_trust)  # type: ignore[arg-type]
        for r, hf in rows
    ]


def round_by_key(session: Session, key: str) -> RoundInfo:
    for info in rounds(session):
        if info.key == key:
            return info
    known = ", ".join(info.key for info in rounds(session))
    raise LookupError(f"Fant ingen runde «{key}». Kjente runder: {known}")


def default_round(session: Session) -> RoundInfo | None:
    """The newest Helgeland round, else the newest round."""
    all_rounds = rounds(session)
    for info in all_rounds:
        if info.helsefellesskap_key == "helgeland":
            return info
    return all_rounds[0] if all_rounds else None


def applied_amounts(lines: list[BudgetLine]) -> tuple[dict[int | None, int], int | None]:
    """Budget lines -> (applied per budget year, key None for lines with no year; total or None)."""
    by_year: dict[int | None, int] = defaultdict(int)
    stated = False
    for line in lines:
        if line.amount is None:
            continue
        stated = True
        by_year[line.budget_year] += line.amount
    return dict(by_year), (sum(by_year.values()) if stated else None)


def _lines_by_application(session: Session, app_ids: list[int]) -> dict[int, list[BudgetLine]]:
    out: dict[int, list[BudgetLine]] = defaultdict(list)
    if not app_ids:
        return out
    for line in session.exec(
        select(BudgetLine).where(col(BudgetLine.application_id).in_(app_ids)).order_by(BudgetLine.position)
    ):
        out[line.application_id].append(line)
    return out


def _municipalities_by_application(session: Session, app_ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = defaultdict(list)
    if not app_ids:
        return out
    rows = session.exec(
        select(ApplicationMunicipality.application_id, Municipality.name)
        .join(Municipality, col(Municipality.id) == ApplicationMunicipality.municipality_id)
        .where(col(ApplicationMunicipality.application_id).in_(app_ids))
        .order_by(ApplicationMunicipality.position)
    ).all()
    for app_id, name in rows:
        out[app_id].append(name)
    return out


def _period_label(app: Application) -> str:
    from rsapp.dates import format_date

    if app.period_start and app.period_end:
        return f"{format_date(app.period_start)}–{format_date(app.period_end)}"
    return app.period_text


def _summaries(
    session: Session, apps: list[Application], round_infos: dict[int, RoundInfo]
) -> list[ApplicationSummary]:
    ids = [a.id for a in apps if a.id is not None]
    lines = _lines_by_application(session, ids)
    munis = _municipalities_by_application(session, ids)
    out: list[ApplicationSummary] = []
    for a in apps:
        info = round_infos[a.round_id]
        by_year, total = applied_amounts(lines.get(a.id, []))  # type: ignore[arg-type]
        applied_year = by_year.get(info.year) if total is not None else None
        m = munis.get(a.id, [])  # type: ignore[arg-type]
        blob_parts = [application_title(a), a.owners, a.hospital_trust, " ".join(m), info.helsefellesskap]
        blob_parts += [getattr(a, column) for column in SECTION_HEADINGS]
        blob_parts += [a.contact_municipal, a.contact_trust, a.agreement_text, a.period_text, a.comment]
        out.append(
            ApplicationSummary(
                id=a.id,  # type: ignore[arg-type]
                round_id=a.round_id,
                round_key=info.key,
                helsefellesskap=info.helsefellesskap,
                title=application_title(a),
                owners=a.owners,
                municipalities=m,
                hospital_trust=a.hospital_trust,
                applied_year=applied_year,
                applied_total=total,
                period=_period_label(a),
                status=a.status,
                rank=a.rank,
                has_unyeared=None in by_year,
                search_blob=" ".join(blob_parts).casefold(),
            )
        )
    return out


def list_applications(session: Session, round_id: int | None = None) -> list[ApplicationSummary]:
    """Every application (of one round, or all), in rank order within each round."""
    infos = {info.id: info for info in rounds(session)}
    query = select(Application)
    if round_id is not None:
        query = query.where(Application.round_id == round_id)
    apps = list(session.exec(query.order_by(Application.round_id, Application.rank, Application.id)))
    return _summaries(session, apps, infos)


def application_detail(session: Session, application_id: int) -> ApplicationDetail:
    app = session.get(Application, application_id)
    if app is None:
        raise LookupError(f"Fant ingen søknad med id {application_id}")
    infos = {info.id: info for info in rounds(session)}
    summary = _summaries(session, [app], infos)[0]
    lines = _lines_by_application(session, [application_id]).get(application_id, [])
    sections = [
        (heading, getattr(app, column))
        for column, heading in SECTION_HEADINGS.items()
        if getattr(app, column).strip()
    ]
    sources = list(session.exec(select(FieldSource).where(FieldSource.application_id == application_id)))
    return ApplicationDetail(summary, app, lines, sections, sources)


# --- allocation inputs --------------------------------------------------------------------------


def allocation_inputs(
    session: Session, round_id: int
) -> tuple[list[PotInput], list[EarmarkInput], list[ApplicationInput], int]:
    """Everything `rsapp.allocation.allocate` needs for one round, read from the database."""
    round_ = session.get(Round, round_id)
    if round_ is None:
        raise LookupError(f"Fant ingen runde med id {round_id}")
    pots = [
        PotInput(p.budget_year, p.amount, p.origin, p.confirmed)
        for p in session.exec(select(Pot).where(Pot.round_id == round_id).order_by(Pot.budget_year, Pot.id))
    ]
    earmarks_db = list(
        session.exec(
            select(Earmark).where(Earmark.round_id == round_id).order_by(Earmark.position, Earmark.id)
        )
    )
    amounts: dict[int, dict[int, int]] = defaultdict(dict)
    if earmarks_db:
        for ea in session.exec(
            select(EarmarkAmount).where(col(EarmarkAmount.earmark_id).in_([e.id for e in earmarks_db]))
        ):
            amounts[ea.earmark_id][ea.budget_year] = ea.amount
    earmarks = [
        EarmarkInput(e.id, e.name, {} if e.is_open else amounts.get(e.id, {}), e.is_open)  # type: ignore[arg-type]
        for e in earmarks_db
    ]
    apps = list(
        session.exec(select(Application).where(Application.round_id == round_id).order_by(Application.rank))
    )
    lines = _lines_by_application(session, [a.id for a in apps])  # type: ignore[misc]
    inputs = []
    for a in apps:
        by_year, total = applied_amounts(lines.get(a.id, []))  # type: ignore[arg-type]
        inputs.append(
            ApplicationInput(
                key=a.id,  # type: ignore[arg-type]
                name=application_title(a),
                rank=a.rank or 0,
                applied_by_year=by_year,
                applied_total=total,
                granted=a.granted,
                route=a.route,
            )
        )
    return pots, earmarks, inputs, round_.year


def round_allocation(session: Session, round_id: int) -> Allocation:
    pots, earmarks, apps, year = allocation_inputs(session, round_id)
    return allocate(pots, earmarks, apps, round_year=year)


def pot_header(allocation: Allocation) -> str:
    """`Pott 7 800 000 kr · Avsatt 2 500 000 kr · Til fordeling 5 300 000 kr` (+ open earmarks)."""
    from rsapp.money import format_kr

    ledger = allocation.ledger
    text = (
        f"Pott {format_kr(ledger.pot_total)} · Avsatt {format_kr(ledger.earmarked_total)}"
        f" · Til fordeling {format_kr(ledger.available)}"
    )
    if ledger.open_earmarks:
        names = ", ".join(e.name for e in ledger.open_earmarks)
        text += f" · ⚠ Ikke avklart: {names}"
    return text


def today() -> date:
    return date.today()
