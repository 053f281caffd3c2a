"""Reading the portfolio: rounds, their allocation, and application summaries and details.

Plain Python over a Session; the screens, the exporters and the CLI all read through here.
The money figures come from `rsapp.allocation`, so every total shown is computed one way.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from rsapp.allocation import Allocation, ApplicationInput, EarmarkInput, PotInput, allocate
from rsapp.reader import as_date, as_reader
from rsapp.vocab import SECTION_HEADINGS

if TYPE_CHECKING:
    from rsapp.models import Application, BudgetLine, FieldSource


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
    search_blob: str = ""  # lower-cased text of every field, for incremental search

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
    return (name or "").strip() or (working_title or "").strip() or "(uten navn)"


_ROUNDS_SQL = """
SELECT r.id, r.key, r.year, r.name, h.name, h.key, h.hospital_trust
FROM "round" r JOIN helsefellesskap h ON h.id = r.helsefellesskap_id
ORDER BY r.year DESC, h.name
"""


def rounds(source: Any) -> list[RoundInfo]:
    """Every round, newest first. `source` is a Session or a Reader."""
    return [RoundInfo(*row) for row in as_reader(source).rows(_ROUNDS_SQL)]


def round_by_key(source: Any, key: str) -> RoundInfo:
    all_rounds = rounds(source)
    for info in all_rounds:
        if info.key == key:
            return info
    known = ", ".join(info.key for info in all_rounds)
    raise LookupError(f"Fant ingen runde «{key}». Kjente runder: {known}")


def default_round(source: Any) -> RoundInfo | None:
    """The newest Helgeland round, else the newest round."""
    all_rounds = rounds(source)
    for info in all_rounds:
        if info.helsefellesskap_key == "helgeland":
            return info
    return all_rounds[0] if all_rounds else None


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
    """Applied for in `year`; amounts stated with no year count in the round's year, as in the
    allocation (`rsapp.allocation`). None when no amount is stated at all."""
    if total is None:
        return None
    return by_year.get(year, 0) + by_year.get(None, 0)


def _where_round(alias: str, round_id: int | None) -> tuple[str, dict[str, Any]]:
    if round_id is None:
        return "", {}
    return f" WHERE {alias}.round_id = :round_id", {"round_id": round_id}


def _budget_by_application(
    reader: Any, round_id: int | None
) -> dict[int, list[tuple[int | None, int | None]]]:
    where, params = _where_round("a", round_id)
    out: dict[int, list[tuple[int | None, int | None]]] = defaultdict(list)
    for app_id, year, amount in reader.rows(
        "SELECT b.application_id, b.budget_year, b.amount FROM budgetline b"
        f" JOIN application a ON a.id = b.application_id{where} ORDER BY b.application_id, b.position, b.id",
        params,
    ):
        out[app_id].append((year, amount))
    return out


def _municipalities_by_application(reader: Any, round_id: int | None) -> dict[int, list[str]]:
    where, params = _where_round("a", round_id)
    out: dict[int, list[str]] = defaultdict(list)
    for app_id, name in reader.rows(
        "SELECT am.application_id, m.name FROM applicationmunicipality am"
        " JOIN municipality m ON m.id = am.municipality_id"
        f" JOIN application a ON a.id = am.application_id{where} ORDER BY am.application_id, am.position",
        params,
    ):
        out[app_id].append(name)
    return out


def _period_label(start: date | None, end: date | None, text: str) -> str:
    from rsapp.dates import format_date

    if start and end:
        return f"{format_date(start)}–{format_date(end)}"
    return text or ""


_SUMMARY_COLUMNS = (
    "id, round_id, name, working_title, owners, hospital_trust, status, rank, period_start, period_end,"
    " period_text, contact_municipal, contact_trust, agreement_text, comment, " + ", ".join(SECTION_HEADINGS)
)


def list_applications(source: Any, round_id: int | None = None) -> list[ApplicationSummary]:
    """Every application (of one round, or all), in rank order within each round."""
    reader = as_reader(source)
    infos = {info.id: info for info in rounds(reader)}
    where, params = _where_round("a", round_id)
    rows = reader.rows(
        f"SELECT {_SUMMARY_COLUMNS} FROM application a{where} ORDER BY a.round_id, a.rank, a.id", params
    )
    lines = _budget_by_application(reader, round_id)
    munis = _municipalities_by_application(reader, round_id)
    out: list[ApplicationSummary] = []
    for row in rows:
        (
            app_id,
            rid,
            name,
            working_title,
            owners,
            trust,
            status,
            rank,
            p_start,
            p_end,
            p_text,
            c_muni,
            c_trust,
            agreement,
            comment,
            *sections,
        ) = row
        info = infos[rid]
        by_year, total = applied_amounts(lines.get(app_id, []))
        m = munis.get(app_id, [])
        title = _title(name, working_title)
        blob = " ".join(
            [
                title,
                owners,
                trust,
                " ".join(m),
                info.helsefellesskap,
                c_muni,
                c_trust,
                agreement,
                p_text or "",
                comment,
                *sections,
            ]
        )
        out.append(
            ApplicationSummary(
                id=app_id,
                round_id=rid,
                round_key=info.key,
                helsefellesskap=info.helsefellesskap,
                title=title,
                owners=owners,
                municipalities=m,
                hospital_trust=trust,
                applied_year=applied_in_year(by_year, total, info.year),
                applied_total=total,
                period=_period_label(as_date(p_start), as_date(p_end), p_text),
                status=status,
                rank=rank,
                search_blob=blob.casefold(),
            )
        )
    return out


def application_detail(session: Any, application_id: int) -> ApplicationDetail:
    """One application with its budget lines, sections and provenance (needs a SQLModel Session)."""
    from sqlmodel import select

    from rsapp.models import Application, BudgetLine, FieldSource

    app = session.get(Application, application_id)
    if app is None:
        raise LookupError(f"Fant ingen søknad med id {application_id}")
    summary = next(s for s in list_applications(session, app.round_id) if s.id == application_id)
    lines = list(
        session.exec(
            select(BudgetLine)
            .where(BudgetLine.application_id == application_id)
            .order_by(BudgetLine.position)
        )
    )
    columns = [column for column in SECTION_HEADINGS if getattr(app, column).strip()]
    sections = [(SECTION_HEADINGS[column], getattr(app, column)) for column in columns]
    sources = list(
        session.exec(
            select(FieldSource).where(FieldSource.application_id == application_id).order_by(FieldSource.id)
        )
    )
    return ApplicationDetail(summary, app, lines, sections, sources, columns)


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


def allocation_inputs(
    source: Any, round_id: int
) -> tuple[list[PotInput], list[EarmarkInput], list[ApplicationInput], int]:
    """Everything `rsapp.allocation.allocate` needs for one round, read from the database."""
    reader = as_reader(source)
    found = reader.rows('SELECT year FROM "round" WHERE id = :round_id', {"round_id": round_id})
    if not found:
        raise LookupError(f"Fant ingen runde med id {round_id}")
    params = {"round_id": round_id}
    pots = [
        PotInput(year, amount, origin, bool(confirmed))
        for year, amount, origin, confirmed in reader.rows(
            "SELECT budget_year, amount, origin, confirmed FROM pot WHERE round_id = :round_id"
            " ORDER BY budget_year, id",
            params,
        )
    ]
    amounts: dict[int, dict[int, int]] = defaultdict(dict)
    for earmark_id, year, amount in reader.rows(
        "SELECT ea.earmark_id, ea.budget_year, ea.amount FROM earmarkamount ea"
        " JOIN earmark e ON e.id = ea.earmark_id WHERE e.round_id = :round_id",
        params,
    ):
        amounts[earmark_id][year] = amount
    earmarks = [
        EarmarkInput(earmark_id, name, {} if is_open else amounts.get(earmark_id, {}), bool(is_open))
        for earmark_id, name, is_open in reader.rows(
            "SELECT id, name, is_open FROM earmark WHERE round_id = :round_id ORDER BY position, id", params
        )
    ]
    lines = _budget_by_application(reader, round_id)
    inputs = []
    for app_id, name, working_title, rank, granted, route in reader.rows(
        "SELECT id, name, working_title, rank, granted, route FROM application"
        " WHERE round_id = :round_id ORDER BY rank, id",
        params,
    ):
        by_year, total = applied_amounts(lines.get(app_id, []))
        inputs.append(
            ApplicationInput(
                key=app_id,
                name=_title(name, working_title),
                rank=rank or 0,
                applied_by_year=by_year,
                applied_total=total,
                granted=granted,
                route=route,
            )
        )
    return pots, earmarks, inputs, found[0][0]


def round_allocation(source: Any, round_id: int) -> Allocation:
    """The allocation of a round: the one computation every screen, export and document uses."""
    pots, earmarks, apps, year = allocation_inputs(source, round_id)
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
