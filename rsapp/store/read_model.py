"""The read model: the raw-SQL reads behind the first frame and the allocation, for two readers.

The queries are plain SQL with ``:name`` parameters, which both readers accept, so there is
one query code path:

* :class:`SqliteReader` runs them through the standard library's ``sqlite3``. It lets rsapp
  draw its first frame before SQLAlchemy is imported (about half a second);
* :class:`SessionReader` runs them through a SQLAlchemy session, on any database.

Both implement :class:`Reader`. The functions here turn rows into plain records with Python
types (``bool``, ``date``), so the two readers return equal results (``tests/test_read_parity.py``
holds them to it, on SQLite and PostgreSQL). Rows come in a fixed order that does not depend on
the database (no ``NULL`` placement left to it). Nothing here imports SQLAlchemy at module level,
and nothing here writes: every change goes through :mod:`rsapp.store.unit_of_work`.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from rsapp.store import access
from rsapp.vocab import SECTION_HEADINGS

__all__ = [
    "ApplicationFacts",
    "CaseFacts",
    "EarmarkFacts",
    "MoneyFacts",
    "PotFacts",
    "Reader",
    "RoundInfo",
    "SessionReader",
    "SqliteReader",
    "as_date",
    "as_reader",
    "read_applications",
    "read_cases",
    "read_money",
    "read_rounds",
    "sqlite_path",
    "sqlite_ready",
]


# --- the two readers ----------------------------------------------------------------------------


@runtime_checkable
class Reader(Protocol):
    """Runs one read-only SQL statement with ``:name`` parameters and returns its rows."""

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> Sequence[Sequence[Any]]: ...


class SqliteReader:
    """A reader on a SQLite file through the standard library (no SQLAlchemy import).

    One connection, shared by the UI thread and the workers: statements take turns (a lock).
    """

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self.conn = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
        self.conn.execute("PRAGMA foreign_keys=ON")
        self._lock = threading.Lock()

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[tuple[Any, ...]]:
        with self._lock:
            return self.conn.execute(sql, dict(params or {})).fetchall()

    def close(self) -> None:
        self.conn.close()


class SessionReader:
    """A reader on a SQLAlchemy/SQLModel session (any database)."""

    def __init__(self, session: Any) -> None:
        self.session = session

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[tuple[Any, ...]]:
        from sqlalchemy import text

        return [tuple(r) for r in self.session.execute(text(sql), dict(params or {})).all()]


def as_reader(source: Any) -> Reader:
    """A :class:`Reader` as is; a SQLAlchemy session wrapped in a :class:`SessionReader`."""
    if isinstance(source, Reader):
        return source
    return SessionReader(source)


def as_date(value: Any) -> date | None:
    """SQLite hands dates back as ISO text, PostgreSQL as dates."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def sqlite_path(url: str) -> str | None:
    """The file of a ``sqlite:///path`` URL, else None."""
    if not url.startswith("sqlite:///"):
        return None
    path = url[len("sqlite:///") :]
    return path if path and path != ":memory:" else None


def sqlite_ready(path: str, head_revision: str) -> bool:
    """The file exists, is migrated to ``head_revision`` and holds at least one round."""
    if not Path(path).is_file():
        return False
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            (version,) = conn.execute("SELECT version_num FROM alembic_version").fetchone() or (None,)
            (rounds,) = conn.execute('SELECT COUNT(*) FROM "round"').fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    return bool(version == head_revision and rounds > 0)


# --- records ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RoundInfo:
    """A round with its helsefellesskap, as lists and filters show it, and its meeting facts."""

    id: int
    key: str
    year: int
    name: str
    helsefellesskap: str
    helsefellesskap_key: str
    hospital_trust: str
    helsefellesskap_id: int = 0
    deadline_helsefellesskap: date | None = None
    deadline_helse_nord: date | None = None
    meeting_week: int | None = None
    meeting_date: date | None = None

    @property
    def label(self) -> str:
        return f"{self.helsefellesskap} – {self.name}"

    @property
    def short_label(self) -> str:
        """E.g. "Helgeland 2026", for narrow places such as filters."""
        short = self.helsefellesskap.removeprefix("Helsefellesskapet ").removeprefix("Helsefellesskap ")
        return f"{short} {self.year}"


@dataclass(slots=True)
class ApplicationFacts:
    """One application as stored: the columns lists and the allocation need, and its lines."""

    id: int
    round_id: int
    name: str
    working_title: str
    owners: str
    hospital_trust: str
    status: str
    rank: int | None
    route: str
    period_start: date | None
    period_end: date | None
    period_text: str
    contact_municipal: str
    contact_trust: str
    agreement_text: str
    comment: str
    sections: tuple[str, ...]  # the form sections, in SECTION_HEADINGS order
    budget: list[tuple[int | None, int | None]] = field(default_factory=list)  # (year, amount)
    municipalities: list[str] = field(default_factory=list)
    recommended: dict[int, int] = field(default_factory=dict)  # budget year -> kr; {}: as applied
    # What the vedtak awarded from the local pot per year; None while the round is not decided.
    awarded: dict[int, int] | None = None


@dataclass(frozen=True, slots=True)
class PotFacts:
    budget_year: int
    amount: int
    origin: str
    confirmed: bool


@dataclass(frozen=True, slots=True)
class EarmarkFacts:
    id: int
    name: str
    is_open: bool
    amounts: dict[int, int]  # budget year -> kr ({} when open)


@dataclass(slots=True)
class MoneyFacts:
    """A round's money: its year, pots and earmarks (the applications are read apart)."""

    round_id: int
    year: int
    pots: list[PotFacts] = field(default_factory=list)
    earmarks: list[EarmarkFacts] = field(default_factory=list)
    # Local awards of the helsefellesskap's earlier rounds in this round's year or later (tilsagn),
    # keyed by minus the application id.
    commitments: list[EarmarkFacts] = field(default_factory=list)


# --- reads --------------------------------------------------------------------------------------

_ROUNDS_SQL = """
SELECT r.id, r.key, r.year, r.name, h.name, h.key, h.hospital_trust, h.id,
       r.deadline_helsefellesskap, r.deadline_helse_nord, r.meeting_week, r.meeting_date
FROM "round" r JOIN helsefellesskap h ON h.id = r.helsefellesskap_id
ORDER BY r.year DESC, h.name, r.id
"""

_APPLICATION_COLUMNS = (
    "a.id, a.round_id, a.name, a.working_title, a.owners, a.hospital_trust, a.status, a.rank, a.route,"
    " a.period_start, a.period_end, a.period_text, a.contact_municipal, a.contact_trust,"
    " a.agreement_text, a.comment, " + ", ".join(f"a.{column}" for column in SECTION_HEADINGS)
)
_NON_SECTION_COLUMNS = 16


def _where_application(round_id: int | None, application_id: int | None) -> tuple[str, dict[str, Any]]:
    clauses, params = [], {}
    if round_id is not None:
        clauses.append("a.round_id = :round_id")
        params["round_id"] = round_id
    if application_id is not None:
        clauses.append("a.id = :application_id")
        params["application_id"] = application_id
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


def _visible_rounds(reader: Reader) -> set[int] | None:
    """The rounds the current user may read (None: every round). PostgreSQL's row-level security
    does this itself; on SQLite it is done here (:mod:`rsapp.store.access`)."""
    identity = access.current()
    if identity.helsefellesskap_id is None:
        return None
    return {rid for rid, hf in reader.rows('SELECT id, helsefellesskap_id FROM "round"') if identity.sees(hf)}


def read_rounds(reader: Reader) -> list[RoundInfo]:
    """Every round the current user may read, newest first."""
    visible = _visible_rounds(reader)
    return [
        RoundInfo(
            id=row[0],
            key=row[1],
            year=row[2],
            name=row[3],
            helsefellesskap=row[4],
            helsefellesskap_key=row[5],
            hospital_trust=row[6],
            helsefellesskap_id=row[7],
            deadline_helsefellesskap=as_date(row[8]),
            deadline_helse_nord=as_date(row[9]),
            meeting_week=row[10],
            meeting_date=as_date(row[11]),
        )
        for row in reader.rows(_ROUNDS_SQL)
        if visible is None or row[0] in visible
    ]


def read_applications(
    reader: Reader, round_id: int | None = None, *, application_id: int | None = None
) -> list[ApplicationFacts]:
    """Every application (of one round, or of all; or the one ``application_id``), ordered by
    round, rank (unranked last) and id, with its budget lines, municipalities and recommended
    amounts. Four statements in all."""
    where, params = _where_application(round_id, application_id)
    visible = _visible_rounds(reader)
    facts: dict[int, ApplicationFacts] = {}
    for row in reader.rows(
        f"SELECT {_APPLICATION_COLUMNS} FROM application a{where}"
        " ORDER BY a.round_id, CASE WHEN a.rank IS NULL THEN 1 ELSE 0 END, a.rank, a.id",
        params,
    ):
        head = row[:_NON_SECTION_COLUMNS]
        if visible is not None and head[1] not in visible:
            continue
        facts[head[0]] = ApplicationFacts(
            id=head[0],
            round_id=head[1],
            name=head[2] or "",
            working_title=head[3] or "",
            owners=head[4] or "",
            hospital_trust=head[5] or "",
            status=head[6],
            rank=head[7],
            route=head[8],
            period_start=as_date(head[9]),
            period_end=as_date(head[10]),
            period_text=head[11] or "",
            contact_municipal=head[12] or "",
            contact_trust=head[13] or "",
            agreement_text=head[14] or "",
            comment=head[15] or "",
            sections=tuple(text or "" for text in row[_NON_SECTION_COLUMNS:]),
        )
    for app_id, year, amount in reader.rows(
        "SELECT b.application_id, b.budget_year, b.amount FROM budgetline b"
        f" JOIN application a ON a.id = b.application_id{where}"
        " ORDER BY b.application_id, b.position, b.id",
        params,
    ):
        if app_id in facts:
            facts[app_id].budget.append((year, amount))
    for app_id, name in reader.rows(
        "SELECT am.application_id, m.name FROM applicationmunicipality am"
        " JOIN municipality m ON m.id = am.municipality_id"
        f" JOIN application a ON a.id = am.application_id{where}"
        " ORDER BY am.application_id, am.position, m.name",
        params,
    ):
        if app_id in facts:
            facts[app_id].municipalities.append(name)
    for app_id, year, amount in reader.rows(
        "SELECT r.application_id, r.budget_year, r.amount FROM recommended_amount r"
        f" JOIN application a ON a.id = r.application_id{where}"
        " ORDER BY r.application_id, r.budget_year",
        params,
    ):
        if app_id in facts:
            facts[app_id].recommended[year] = amount
    # After the vedtak (round status "vedtatt"): what was awarded locally, per year.
    for (app_id,) in reader.rows(
        f'SELECT a.id FROM application a JOIN "round" r ON r.id = a.round_id{where}'
        + (" AND" if where else " WHERE")
        + " r.status = 'vedtatt'",
        params,
    ):
        if app_id in facts:
            facts[app_id].awarded = {}
    for app_id, year, amount in reader.rows(
        "SELECT w.application_id, w.budget_year, w.amount FROM award w"
        f" JOIN application a ON a.id = w.application_id{where}"
        + (" AND" if where else " WHERE")
        + " w.source = 'lokal' ORDER BY w.application_id, w.budget_year",
        params,
    ):
        awarded = facts[app_id].awarded if app_id in facts else None
        if awarded is not None:
            awarded[year] = amount
    return list(facts.values())


def read_money(reader: Reader, round_id: int | None = None) -> dict[int, MoneyFacts]:
    """The year, pots and earmarks of one round (or of every round the user may read), by round id."""
    params: dict[str, Any] = {} if round_id is None else {"round_id": round_id}
    visible = _visible_rounds(reader)

    def where(column: str) -> str:
        return "" if round_id is None else f" WHERE {column} = :round_id"

    money = {
        rid: MoneyFacts(rid, year)
        for rid, year in reader.rows(
            f'SELECT r.id, r.year FROM "round" r{where("r.id")} ORDER BY r.id', params
        )
        if visible is None or rid in visible
    }
    if not money:
        return money
    for rid, year, amount, origin, confirmed in reader.rows(
        f"SELECT p.round_id, p.budget_year, p.amount, p.origin, p.confirmed FROM pot p{where('p.round_id')}"
        " ORDER BY p.round_id, p.budget_year, p.id",
        params,
    ):
        if rid in money:
            money[rid].pots.append(PotFacts(year, amount, origin or "", bool(confirmed)))
    amounts: dict[int, dict[int, int]] = defaultdict(dict)
    for earmark_id, year, amount in reader.rows(
        "SELECT ea.earmark_id, ea.budget_year, ea.amount FROM earmarkamount ea"
        f" JOIN earmark e ON e.id = ea.earmark_id{where('e.round_id')}"
        " ORDER BY ea.earmark_id, ea.budget_year",
        params,
    ):
        amounts[earmark_id][year] = amount
    for rid, earmark_id, name, is_open in reader.rows(
        f"SELECT e.round_id, e.id, e.name, e.is_open FROM earmark e{where('e.round_id')}"
        " ORDER BY e.round_id, e.position, e.id",
        params,
    ):
        if rid not in money:
            continue
        money[rid].earmarks.append(
            EarmarkFacts(
                earmark_id, name, bool(is_open), {} if is_open else dict(amounts.get(earmark_id, {}))
            )
        )
    committed: dict[tuple[int, int], EarmarkFacts] = {}
    for rid, app_id, name, working_title, award_year, year, amount in reader.rows(
        "SELECT r.id, a.id, a.name, a.working_title, ar.year, w.budget_year, w.amount"
        ' FROM "round" r JOIN "round" ar ON ar.helsefellesskap_id = r.helsefellesskap_id AND ar.year < r.year'
        " JOIN application a ON a.round_id = ar.id"
        " JOIN award w ON w.application_id = a.id AND w.source = 'lokal' AND w.budget_year >= r.year"
        f"{where('r.id')} ORDER BY r.id, ar.year, a.rank, a.id, w.budget_year",
        params,
    ):
        key = (rid, app_id)
        if rid not in money:
            continue
        if key not in committed:
            title = name or working_title or "(uten navn)"
            committed[key] = EarmarkFacts(-app_id, f"Tilsagn {award_year}: {title}", False, {})
            money[rid].commitments.append(committed[key])
        committed[key].amounts[year] = amount
    return money


# --- cases (for `rsapp sak liste`) ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """One case on a meeting's saksliste, as ``rsapp sak liste`` prints it."""

    case_id: int
    number: int
    year: int
    title: str
    case_type: str
    meeting_date: date | None
    points: int
    final: bool


def read_cases(reader: Reader, meeting_id: int | None = None) -> list[CaseFacts]:
    """Every case on a meeting (or on one meeting), by meeting date and saksliste order, with the
    number of innstilling points (the read behind ``rsapp.saksfremlegg.saksliste.case_listing``)."""
    where, params = "", {}
    if meeting_id is not None:
        where, params = " WHERE c.meeting_id = :meeting_id", {"meeting_id": meeting_id}
    return [
        CaseFacts(
            case_id=row[0],
            number=row[1],
            year=row[2],
            title=row[3] or "",
            case_type=row[4] or "",
            meeting_date=as_date(row[5]),
            points=int(row[6] or 0),
            final=bool(row[7]),
        )
        for row in reader.rows(
            "SELECT c.id, c.number, c.year, c.title, c.case_type, m.date,"
            " (SELECT COUNT(*) FROM innstillingpoint p WHERE p.case_id = c.id), c.final"
            f" FROM meeting_case c JOIN meeting m ON m.id = c.meeting_id{where}"
            " ORDER BY m.date, c.position, c.id",
            params,
        )
    ]
