"""Changing a round's prioritisation: ranks, grants, routes, earmarks, "fyll potten", undo/redo.

The write side of the prioritisation screen and of `rsapp prioriter`. Plain Python over a
SQLModel ``Session``; no Textual. Every public change function

* runs in its **own transaction** (committed before it returns, rolled back on any error),
* first locks the round (``UPDATE round … WHERE id = ?``: a row lock on PostgreSQL, the write
  lock on SQLite), so that concurrent reorders of one round are serialised,
* checks the changed row's ``version`` counter (optimistic locking: ``UPDATE … WHERE id = ?
  AND version = ?``). An edit based on a stale version raises :class:`StaleError` with a
  Norwegian message and changes nothing,
* writes a :class:`~rsapp.models.ChangeLog` row (user = the OS user; old → new),
* returns a :class:`Change` describing what changed, so a screen can update itself without
  reading the whole round again.

Ranks are always a contiguous permutation 1..n (the database also has UNIQUE(round_id, rank)
and CHECK(rank >= 1)). A reorder first shifts the affected rows out of the way
(+ :data:`RANK_SHIFT`) and then writes their final ranks, in one transaction.

Undo/redo: :class:`History` holds command objects (:class:`MoveCommand`, :class:`GrantCommand`,
…) whose ``do``/``undo`` call the same functions, so undo is versioned and logged as well.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import bindparam, func, update
from sqlmodel import Session, col, select

from rsapp.allocation import (
    ROUTE_LABELS,
    ROUTES,
    Allocation,
    ApplicationInput,
    EarmarkInput,
    PotInput,
    allocate,
    fill_pot,
)
from rsapp.allocation import move as move_in_order
from rsapp.config import current_user
from rsapp.models import Application, BudgetLine, ChangeLog, Earmark, EarmarkAmount, Round
from rsapp.money import AmountError, format_kr, parse_amount

__all__ = [
    "RANK_SHIFT",
    "Change",
    "Command",
    "EarmarkData",
    "EarmarkItem",
    "EarmarkAddCommand",
    "EarmarkEditCommand",
    "EarmarkRemoveCommand",
    "FillPotCommand",
    "GrantCommand",
    "History",
    "MoveCommand",
    "PrioritisationError",
    "RoundView",
    "RouteCommand",
    "StaleError",
    "Versions",
    "add_earmark",
    "apply_fill_pot",
    "change_log",
    "check_grant",
    "format_earmark_amounts",
    "format_log_value",
    "load_earmarks",
    "load_view",
    "move_application",
    "normalise_ranks",
    "parse_earmark_amounts",
    "read_amount",
    "remove_earmark",
    "set_granted",
    "set_order",
    "set_route",
    "update_earmark",
]

#: Added to ranks that are about to change, so no intermediate state breaks UNIQUE(round_id, rank).
RANK_SHIFT = 1_000_000

_APP = Application.__table__  # type: ignore[attr-defined]
_EARMARK = Earmark.__table__  # type: ignore[attr-defined]
_ROUND = Round.__table__  # type: ignore[attr-defined]

REFRESH_HINT = "Trykk Ctrl+R for å oppdatere."


class PrioritisationError(ValueError):
    """A change that cannot be made; the message is Norwegian and names what and where."""


class StaleError(PrioritisationError):
    """The change was based on a version that another user (or process) has since changed."""


# --- results and read side -------------------------------------------------------------------


@dataclass(slots=True)
class Change:
    """What a change did, for updating a screen's copy of the round without reading it all again."""

    ranks: dict[int, int] = field(default_factory=dict)  # application id -> new rank
    versions: dict[int, int] = field(default_factory=dict)  # application id -> new version
    granted: dict[int, int | None] = field(default_factory=dict)  # application id -> new grant
    routes: dict[int, str] = field(default_factory=dict)  # application id -> new route
    earmarks_changed: bool = False
    earmark_versions: dict[int, int] = field(default_factory=dict)  # earmark id -> new version
    summary: str = ""  # Norwegian, one line, as written to the change log

    def merge(self, other: Change) -> Change:
        self.ranks.update(other.ranks)
        self.versions.update(other.versions)
        self.granted.update(other.granted)
        self.routes.update(other.routes)
        self.earmarks_changed = self.earmarks_changed or other.earmarks_changed
        self.earmark_versions.update(other.earmark_versions)
        self.summary = other.summary or self.summary
        return self


@dataclass(frozen=True, slots=True)
class EarmarkData:
    """The editable content of an earmark. ``is_open``: amount not decided (amounts ignored)."""

    name: str
    purpose: str = ""
    source_case: str = ""
    reason: str = ""
    amounts: Mapping[int, int] = field(default_factory=dict)  # budget year -> kr
    is_open: bool = False


@dataclass(slots=True)
class EarmarkItem:
    id: int
    version: int
    position: int
    data: EarmarkData


@dataclass(slots=True)
class RoundView:
    """Everything the prioritisation screen shows of one round, read in one go."""

    round_id: int
    round_key: str
    round_name: str
    year: int
    pots: list[PotInput]
    earmarks: list[EarmarkItem]
    applications: dict[int, ApplicationInput]  # id -> input (rank, applied, granted, route)
    owners: dict[int, str]
    versions: dict[int, int]

    def earmark_inputs(self) -> list[EarmarkInput]:
        return [
            EarmarkInput(e.id, e.data.name, {} if e.data.is_open else dict(e.data.amounts), e.data.is_open)
            for e in self.earmarks
        ]

    def allocation(self) -> Allocation:
        return allocate(
            self.pots, self.earmark_inputs(), list(self.applications.values()), round_year=self.year
        )

    def order(self) -> list[int]:
        """Application ids in rank order."""
        return sorted(self.applications, key=lambda key: self.applications[key].rank)

    def apply(self, change: Change) -> None:
        """Bring this copy up to date with a change (ranks, grants, routes, versions)."""
        apps = self.applications
        touched = set(change.ranks) | set(change.granted) | set(change.routes)
        for key in touched:
            old = apps.get(key)
            if old is None:
                continue
            apps[key] = replace(
                old,
                rank=change.ranks.get(key, old.rank),
                granted=change.granted[key] if key in change.granted else old.granted,
                route=change.routes.get(key, old.route),
            )
        self.versions.update(change.versions)


def load_view(session: Session, round_id: int) -> RoundView:
    """The round as the prioritisation screen needs it. Repairs ranks first if they are not 1..n."""
    from rsapp.portfolio import allocation_inputs

    round_ = session.get(Round, round_id)
    if round_ is None:
        raise PrioritisationError(f"Fant ingen runde med id {round_id}.")
    ranks = session.exec(select(Application.rank).where(Application.round_id == round_id)).all()
    if sorted(r or 0 for r in ranks) != list(range(1, len(ranks) + 1)):
        normalise_ranks(session, round_id)
    pots, _earmarks, apps, year = allocation_inputs(session, round_id)
    meta = session.exec(
        select(Application.id, Application.version, Application.owners).where(
            Application.round_id == round_id
        )
    ).all()
    owners = {row[0]: row[2] for row in meta}
    versions = {row[0]: row[1] for row in meta}
    return RoundView(
        round_id=round_id,
        round_key=round_.key,
        round_name=round_.name,
        year=year,
        pots=pots,
        earmarks=load_earmarks(session, round_id),
        applications={a.key: a for a in apps},
        owners=owners,
        versions=versions,
    )


def load_earmarks(session: Session, round_id: int) -> list[EarmarkItem]:
    rows = list(
        session.exec(
            select(Earmark).where(Earmark.round_id == round_id).order_by(Earmark.position, Earmark.id)
        )
    )
    amounts: dict[int, dict[int, int]] = {}
    if rows:
        for ea in session.exec(
            select(EarmarkAmount)
            .where(col(EarmarkAmount.earmark_id).in_([e.id for e in rows]))
            .order_by(EarmarkAmount.budget_year)
        ):
            amounts.setdefault(ea.earmark_id, {})[ea.budget_year] = ea.amount
    return [
        EarmarkItem(
            e.id,  # type: ignore[arg-type]
            e.version,
            e.position,
            EarmarkData(e.name, e.purpose, e.source_case, e.reason, amounts.get(e.id, {}), e.is_open),  # type: ignore[arg-type]
        )
        for e in rows
    ]


def format_log_value(action: str, value: str) -> str:
    """A change log's old or new value as a user reads it.

    Grants are written as "3 000 000 kr" or "søkt beløp" and moves as "plass 3"; rows written
    before that held bare numbers ("3000000", "" for the applied amount), shown the same way here.
    Routes are stored as their codes ("begge") and shown by their labels ("Begge").
    """
    text = value.strip()
    if action == "innvilget":
        if not text:
            return _grant_text(None)
        if text.isdigit():
            return format_kr(int(text))
    elif action == "flytt" and text.isdigit():
        return f"plass {text}"
    elif action == "rute":
        return ROUTE_LABELS.get(text, value)
    return value


def change_log(session: Session, round_id: int, limit: int = 500) -> list[ChangeLog]:
    """The round's change log, newest first."""
    return list(
        session.exec(
            select(ChangeLog)
            .where(ChangeLog.round_id == round_id)
            .order_by(col(ChangeLog.at).desc(), col(ChangeLog.id).desc())
            .limit(limit)
        )
    )


# --- transaction helpers ---------------------------------------------------------------------


class _Tx:
    """One transaction on ``session``: commit on success, roll back on any error."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def __enter__(self) -> Session:
        if self.session.in_transaction():
            # Reads made before the change must not pin an old snapshot.
            self.session.commit()
        return self.session

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.session.commit()
        else:
            self.session.rollback()


def _lock_round(session: Session, round_id: int) -> None:
    """Serialise writers of one round: a row lock on PostgreSQL, the write lock on SQLite."""
    result = session.execute(update(_ROUND).where(_ROUND.c.id == round_id).values(year=_ROUND.c.year))
    if result.rowcount == 0:
        raise PrioritisationError(f"Fant ingen runde med id {round_id}.")


def _title(name: str, working_title: str) -> str:
    return name.strip() or working_title.strip() or "(uten navn)"


def _application(session: Session, application_id: int) -> dict[str, Any]:
    row = (
        session.execute(
            select(
                _APP.c.id,
                _APP.c.round_id,
                _APP.c.rank,
                _APP.c.granted,
                _APP.c.route,
                _APP.c.version,
                _APP.c.name,
                _APP.c.working_title,
            ).where(_APP.c.id == application_id)
        )
        .mappings()
        .first()
    )
    if row is None:
        raise PrioritisationError(
            f"Fant ingen søknad med id {application_id}. Den kan være slettet. {REFRESH_HINT}"
        )
    out = dict(row)
    out["title"] = _title(out["name"], out["working_title"])
    return out


def _claim_application(session: Session, app: Mapping[str, Any], version: int) -> int:
    """Bump the version if it is still ``version``; else :class:`StaleError`. Returns the new version."""
    result = session.execute(
        update(_APP)
        .where(_APP.c.id == app["id"], _APP.c.version == version)
        .values(version=_APP.c.version + 1)
    )
    if result.rowcount != 1:
        raise StaleError(f"Søknaden «{app['title']}» er endret av en annen bruker. {REFRESH_HINT}")
    return version + 1


def _log(
    session: Session,
    round_id: int | None,
    entity: str,
    entity_id: int | None,
    action: str,
    summary: str,
    old: str = "",
    new: str = "",
) -> None:
    session.add(
        ChangeLog(
            at=datetime.now(UTC),
            user=current_user(),
            round_id=round_id,
            entity=entity,
            entity_id=entity_id,
            action=action,
            summary=summary,
            old=old,
            new=new,
        )
    )


def _write_ranks(session: Session, new_ranks: Mapping[int, int]) -> None:
    """Move the given rows out of the way, then to their final ranks (same transaction)."""
    if not new_ranks:
        return
    ids = list(new_ranks)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        session.execute(update(_APP).where(_APP.c.id.in_(chunk)).values(rank=_APP.c.rank + RANK_SHIFT))
    session.execute(
        update(_APP).where(_APP.c.id == bindparam("b_id")).values(rank=bindparam("b_rank")),
        [{"b_id": key, "b_rank": rank} for key, rank in new_ranks.items()],
    )


def _round_count(session: Session, round_id: int) -> int:
    return session.execute(
        select(func.count()).select_from(_APP).where(_APP.c.round_id == round_id)
    ).scalar_one()


# --- ranks -----------------------------------------------------------------------------------


def normalise_ranks(session: Session, round_id: int) -> Change:
    """Make the round's ranks exactly 1..n again (keeps the order; unranked ones go last)."""
    with _Tx(session):
        _lock_round(session, round_id)
        rows = session.execute(
            select(_APP.c.id, _APP.c.rank)
            .where(_APP.c.round_id == round_id)
            .order_by(_APP.c.rank.is_(None), _APP.c.rank, _APP.c.id)
        ).all()
        new_ranks = {key: index for index, (key, rank) in enumerate(rows, start=1) if rank != index}
        _write_ranks(session, new_ranks)
        if new_ranks:
            _log(
                session,
                round_id,
                "round",
                round_id,
                "rangering_ordnet",
                f"Rangeringen ble ordnet til 1–{len(rows)} ({len(new_ranks)} søknader fikk nytt nummer)",
            )
    return Change(ranks=new_ranks, summary="Rangeringen ble ordnet")


def move_application(session: Session, application_id: int, position: int, *, version: int) -> Change:
    """Move an application to 1-based ``position`` (clamped to 1..n); the others close up."""
    if type(position) is not int:
        raise PrioritisationError(f"Plassen må være et heltall, fikk {position!r}.")
    app = _application(session, application_id)
    round_id = app["round_id"]
    with _Tx(session):
        _lock_round(session, round_id)
        app = _application(session, application_id)
        n = _round_count(session, round_id)
        current = app["rank"]
        target = min(max(position, 1), n)
        if current == target:
            if app["version"] != version:
                raise StaleError(f"Søknaden «{app['title']}» er endret av en annen bruker. {REFRESH_HINT}")
            return Change(summary=f"«{app['title']}» står allerede på plass {target}")
        new_version = _claim_application(session, app, version)
        if current is None:
            raise PrioritisationError(f"Søknaden «{app['title']}» har ingen rangering. {REFRESH_HINT}")
        lo, hi = min(current, target), max(current, target)
        segment = (
            session.execute(
                select(_APP.c.id)
                .where(_APP.c.round_id == round_id, _APP.c.rank.between(lo, hi))
                .order_by(_APP.c.rank)
            )
            .scalars()
            .all()
        )
        if len(segment) != hi - lo + 1:
            raise PrioritisationError(
                f"Rangeringen i runden har hull eller dubletter mellom {lo} og {hi}. {REFRESH_HINT}"
            )
        reordered = move_in_order(segment, application_id, target - lo + 1)
        new_ranks = {key: lo + i for i, key in enumerate(reordered) if segment[i] != key}
        _write_ranks(session, new_ranks)
        summary = f"Flyttet «{app['title']}» fra plass {current} til {target}"
        _log(
            session,
            round_id,
            "application",
            application_id,
            "flytt",
            summary,
            f"plass {current}",
            f"plass {target}",
        )
    return Change(ranks=new_ranks, versions={application_id: new_version}, summary=summary)


def set_order(
    session: Session,
    round_id: int,
    order: list[int],
    *,
    versions: Mapping[int, int],
    action: str = "rekkefølge",
    summary: str | None = None,
) -> Change:
    """Give the round exactly this order (ids, rank 1 first).

    Every application whose rank changes must have its expected version in ``versions``.
    """
    with _Tx(session):
        _lock_round(session, round_id)
        rows = session.execute(
            select(_APP.c.id, _APP.c.rank, _APP.c.version, _APP.c.name, _APP.c.working_title).where(
                _APP.c.round_id == round_id
            )
        ).all()
        current = {r[0]: r for r in rows}
        if len(order) != len(set(order)) or set(order) != set(current):
            raise StaleError(f"Søknadene i runden er endret av en annen bruker. {REFRESH_HINT}")
        new_ranks = {key: i for i, key in enumerate(order, start=1) if current[key][1] != i}
        new_versions: dict[int, int] = {}
        for key in new_ranks:
            row = current[key]
            expected = versions.get(key)
            if expected is None or expected != row[2]:
                raise StaleError(
                    f"Søknaden «{_title(row[3], row[4])}» er endret av en annen bruker. {REFRESH_HINT}"
                )
            new_versions[key] = row[2] + 1
        if new_ranks:
            session.execute(
                update(_APP)
                .where(_APP.c.id == bindparam("b_id"), _APP.c.version == bindparam("b_version"))
                .values(version=bindparam("b_new")),
                [{"b_id": k, "b_version": v - 1, "b_new": v} for k, v in new_versions.items()],
            )
            _write_ranks(session, new_ranks)
        text = summary or f"Ny rekkefølge: {len(new_ranks)} søknader fikk ny plass"
        old = ",".join(str(k) for k in sorted(current, key=lambda k: current[k][1] or 0))
        _log(session, round_id, "round", round_id, action, text, old, ",".join(map(str, order)))
    return Change(ranks=new_ranks, versions=new_versions, summary=text)


def apply_fill_pot(
    session: Session, round_id: int, *, versions: Mapping[int, int]
) -> tuple[Change, list[int], list[int]]:
    """ "Fyll potten": the applications that fit (greedily, in rank order) move up, in their order.

    Returns the change, the order before and the order after (for undo).
    """
    from rsapp.portfolio import round_allocation

    allocation = round_allocation(session, round_id)
    before = [row.key for row in allocation.rows]
    fits = fill_pot(allocation)
    chosen = set(fits)
    after = fits + [key for key in before if key not in chosen]
    names = len(fits)
    change = set_order(
        session,
        round_id,
        after,
        versions=versions,
        action="fyll_potten",
        summary=f"Fyll potten: {names} søknader som får plass, ble flyttet øverst",
    )
    return change, before, after


# --- grants and routes -----------------------------------------------------------------------


def _applied_total(session: Session, application_id: int) -> int | None:
    amounts = (
        session.execute(select(BudgetLine.amount).where(BudgetLine.application_id == application_id))
        .scalars()
        .all()
    )
    stated = [a for a in amounts if a is not None]
    return sum(stated) if stated else None


def check_grant(granted: int | None, applied_total: int | None, title: str) -> None:
    """Raise :class:`PrioritisationError` unless ``granted`` is allowed (None = use the applied amount)."""
    if granted is None:
        return
    if type(granted) is not int:
        raise PrioritisationError(f"Innvilget beløp for «{title}» må være hele kroner, fikk {granted!r}.")
    if granted < 0:
        raise PrioritisationError(
            f"Innvilget beløp for «{title}» kan ikke være negativt ({format_kr(granted)})."
        )
    if applied_total is not None and granted > applied_total:
        raise PrioritisationError(
            f"Innvilget beløp for «{title}» ({format_kr(granted)}) kan ikke være høyere enn søkt "
            f"({format_kr(applied_total)})."
        )


def read_amount(text: str, what: str) -> int:
    """Whole kroner from what a user typed ("3 000 000", "3 mill", "kr 1,5 mill."); ``what`` names the field."""
    try:
        parsed = parse_amount(text)
    except AmountError as exc:
        raise PrioritisationError(f"{what}: {exc}.") from exc
    if parsed.is_range:
        raise PrioritisationError(f"{what}: «{text}» er et spenn; skriv ett beløp.")
    return parsed.low


def _grant_text(granted: int | None) -> str:
    return "søkt beløp" if granted is None else format_kr(granted)


def set_granted(session: Session, application_id: int, granted: int | None, *, version: int) -> Change:
    """Set the grant (whole kroner; 0 and partial allowed; never above applied). None: the applied amount."""
    app = _application(session, application_id)
    check_grant(granted, _applied_total(session, application_id), app["title"])
    with _Tx(session):
        _lock_round(session, app["round_id"])
        app = _application(session, application_id)
        new_version = _claim_application(session, app, version)
        session.execute(update(_APP).where(_APP.c.id == application_id).values(granted=granted))
        summary = f"Innvilget for «{app['title']}»: {_grant_text(app['granted'])} → {_grant_text(granted)}"
        _log(
            session,
            app["round_id"],
            "application",
            application_id,
            "innvilget",
            summary,
            _grant_text(app["granted"]),
            _grant_text(granted),
        )
    return Change(granted={application_id: granted}, versions={application_id: new_version}, summary=summary)


def set_route(session: Session, application_id: int, route: str, *, version: int) -> Change:
    """Set the route: lokal, regional, begge or ikke_prioritert."""
    if route not in ROUTE_LABELS:
        raise PrioritisationError(f"Ukjent prioritering «{route}». Gyldige: {', '.join(ROUTES)}.")
    app = _application(session, application_id)
    with _Tx(session):
        _lock_round(session, app["round_id"])
        app = _application(session, application_id)
        new_version = _claim_application(session, app, version)
        session.execute(update(_APP).where(_APP.c.id == application_id).values(route=route))
        old_label = ROUTE_LABELS.get(app["route"], app["route"])
        summary = f"Rute for «{app['title']}»: {old_label} → {ROUTE_LABELS[route]}"
        _log(session, app["round_id"], "application", application_id, "rute", summary, app["route"], route)
    return Change(routes={application_id: route}, versions={application_id: new_version}, summary=summary)


# --- earmarks --------------------------------------------------------------------------------

_YEAR_AMOUNT = re.compile(r"^\s*(\d{4})\s*[:=]\s*(.+?)\s*$")


def parse_earmark_amounts(text: str) -> dict[int, int]:
    """``"2026: 500 000; 2027: 500 000"`` -> {2026: 500000, 2027: 500000}. Empty text -> {}."""
    out: dict[int, int] = {}
    for part in re.split(r"[;\n]", text):
        if not part.strip():
            continue
        m = _YEAR_AMOUNT.match(part)
        if not m:
            raise PrioritisationError(
                f"Kan ikke lese «{part.strip()}»: skriv budsjettår og beløp, f.eks. «2026: 500 000; 2027: 500 000»."
            )
        year = int(m.group(1))
        if not 2000 <= year <= 2100:
            raise PrioritisationError(
                f"Budsjettåret {year} i «{part.strip()}» er ikke et rimelig år (2000–2100)."
            )
        if year in out:
            raise PrioritisationError(f"Budsjettåret {year} er oppgitt to ganger.")
        try:
            parsed = parse_amount(m.group(2))
        except AmountError as exc:
            raise PrioritisationError(f"{exc} (budsjettår {year}).") from exc
        if parsed.is_range:
            raise PrioritisationError(f"Beløpet for {year} («{m.group(2)}») er et spenn; skriv ett beløp.")
        out[year] = parsed.low
    return out


def format_earmark_amounts(amounts: Mapping[int, int]) -> str:
    return "; ".join(
        f"{year}: {format_kr(amount).removesuffix(' kr')}" for year, amount in sorted(amounts.items())
    )


def _describe_earmark(data: EarmarkData) -> str:
    if data.is_open or not data.amounts:
        return f"{data.name} (beløp ikke avklart)"
    return f"{data.name} ({format_earmark_amounts(data.amounts)})"


def _check_earmark(data: EarmarkData) -> EarmarkData:
    name = data.name.strip()
    if not name:
        raise PrioritisationError("Avsetningen må ha et navn.")
    if len(name) > 200:
        raise PrioritisationError(f"Navnet på avsetningen er for langt ({len(name)} tegn, høyst 200).")
    if len(data.source_case.strip()) > 200:
        raise PrioritisationError(f"Saken for avsetningen «{name}» er for lang (høyst 200 tegn).")
    for year, amount in data.amounts.items():
        if type(year) is not int or not 2000 <= year <= 2100:
            raise PrioritisationError(f"Avsetning «{name}»: budsjettåret {year!r} er ikke et årstall.")
        if type(amount) is not int or amount < 0:
            raise PrioritisationError(
                f"Avsetning «{name}» for {year}: beløpet må være hele kroner, 0 eller mer."
            )
    is_open = data.is_open or not data.amounts
    return EarmarkData(
        name,
        data.purpose.strip(),
        data.source_case.strip(),
        data.reason.strip(),
        {} if is_open else dict(sorted(data.amounts.items())),
        is_open,
    )


def _write_earmark_amounts(session: Session, earmark_id: int, data: EarmarkData) -> None:
    session.execute(
        EarmarkAmount.__table__.delete().where(EarmarkAmount.__table__.c.earmark_id == earmark_id)
    )  # type: ignore[attr-defined]
    for year, amount in data.amounts.items():
        session.add(EarmarkAmount(earmark_id=earmark_id, budget_year=year, amount=amount))


def add_earmark(
    session: Session, round_id: int, data: EarmarkData, *, position: int | None = None
) -> tuple[int, Change]:
    """A new earmark (last, or at ``position``). Returns its id and the change."""
    data = _check_earmark(data)
    with _Tx(session):
        _lock_round(session, round_id)
        if position is None:
            position = (
                session.execute(
                    select(func.max(_EARMARK.c.position)).where(_EARMARK.c.round_id == round_id)
                ).scalar()
                or 0
            ) + 1
        earmark = Earmark(
            round_id=round_id,
            position=position,
            name=data.name,
            purpose=data.purpose,
            source_case=data.source_case,
            reason=data.reason,
            is_open=data.is_open,
            version=1,
        )
        session.add(earmark)
        session.flush()
        _write_earmark_amounts(session, earmark.id, data)  # type: ignore[arg-type]
        summary = f"Ny avsetning: {_describe_earmark(data)}"
        _log(session, round_id, "earmark", earmark.id, "ny", summary, "", _describe_earmark(data))
        earmark_id = earmark.id
    return earmark_id, Change(earmarks_changed=True, earmark_versions={earmark_id: 1}, summary=summary)  # type: ignore[return-value,dict-item]


def _earmark_row(session: Session, earmark_id: int) -> tuple[Earmark, EarmarkData]:
    earmark = session.get(Earmark, earmark_id, populate_existing=True)
    if earmark is None:
        raise StaleError(
            f"Avsetningen (id {earmark_id}) finnes ikke lenger; en annen bruker kan ha slettet den. "
            f"{REFRESH_HINT}"
        )
    amounts = {
        a.budget_year: a.amount
        for a in session.exec(select(EarmarkAmount).where(EarmarkAmount.earmark_id == earmark_id))
    }
    return earmark, EarmarkData(
        earmark.name,
        earmark.purpose,
        earmark.source_case,
        earmark.reason,
        dict(sorted(amounts.items())),
        earmark.is_open,
    )


def _claim_earmark(session: Session, earmark_id: int, version: int) -> tuple[Earmark, EarmarkData]:
    row = session.execute(select(_EARMARK.c.round_id).where(_EARMARK.c.id == earmark_id)).first()
    if row is None:
        raise StaleError(
            f"Avsetningen (id {earmark_id}) finnes ikke lenger; en annen bruker kan ha slettet den. "
            f"{REFRESH_HINT}"
        )
    _lock_round(session, row[0])
    earmark, data = _earmark_row(session, earmark_id)
    result = session.execute(
        update(_EARMARK)
        .where(_EARMARK.c.id == earmark_id, _EARMARK.c.version == version)
        .values(version=_EARMARK.c.version + 1)
    )
    if result.rowcount != 1:
        raise StaleError(f"Avsetningen «{earmark.name}» er endret av en annen bruker. {REFRESH_HINT}")
    return earmark, data


def update_earmark(session: Session, earmark_id: int, data: EarmarkData, *, version: int) -> Change:
    """Change an earmark's name, purpose, case, reason and amounts (or make it open)."""
    data = _check_earmark(data)
    with _Tx(session):
        earmark, old = _claim_earmark(session, earmark_id, version)
        session.execute(
            update(_EARMARK)
            .where(_EARMARK.c.id == earmark_id)
            .values(
                name=data.name,
                purpose=data.purpose,
                source_case=data.source_case,
                reason=data.reason,
                is_open=data.is_open,
            )
        )
        _write_earmark_amounts(session, earmark_id, data)
        summary = f"Endret avsetning: {_describe_earmark(old)} → {_describe_earmark(data)}"
        _log(
            session,
            earmark.round_id,
            "earmark",
            earmark_id,
            "endre",
            summary,
            _describe_earmark(old),
            _describe_earmark(data),
        )
    return Change(earmarks_changed=True, earmark_versions={earmark_id: version + 1}, summary=summary)


def remove_earmark(session: Session, earmark_id: int, *, version: int) -> tuple[EarmarkData, int, Change]:
    """Delete an earmark. Returns what it held and its position (to restore it on undo)."""
    with _Tx(session):
        earmark, old = _claim_earmark(session, earmark_id, version)
        position = earmark.position
        round_id = earmark.round_id
        session.execute(
            EarmarkAmount.__table__.delete().where(EarmarkAmount.__table__.c.earmark_id == earmark_id)
        )  # type: ignore[attr-defined]
        session.execute(_EARMARK.delete().where(_EARMARK.c.id == earmark_id))
        session.expunge(earmark)
        summary = f"Slettet avsetning: {_describe_earmark(old)}"
        _log(session, round_id, "earmark", earmark_id, "slett", summary, _describe_earmark(old), "")
    return old, position, Change(earmarks_changed=True, summary=summary)


# --- undo / redo -----------------------------------------------------------------------------


@dataclass(slots=True)
class Versions:
    """The versions the user's next change is based on: what the screen shows, kept up to date by
    every change made through :class:`History`. Undo and redo check against these as well."""

    applications: dict[int, int] = field(default_factory=dict)
    earmarks: dict[int, int] = field(default_factory=dict)

    def update(self, change: Change) -> None:
        self.applications.update(change.versions)
        self.earmarks.update(change.earmark_versions)

    def app(self, application_id: int) -> int:
        try:
            return self.applications[application_id]
        except KeyError:
            raise StaleError(f"Søknaden (id {application_id}) er ikke kjent her. {REFRESH_HINT}") from None

    def earmark(self, earmark_id: int) -> int:
        try:
            return self.earmarks[earmark_id]
        except KeyError:
            raise StaleError(f"Avsetningen (id {earmark_id}) er ikke kjent her. {REFRESH_HINT}") from None


class Command(Protocol):
    label: str  # Norwegian noun phrase for messages: "Angret: <label>"

    def do(self, session: Session, versions: Versions) -> Change: ...

    def undo(self, session: Session, versions: Versions) -> Change: ...


@dataclass(slots=True)
class EarmarkRef:
    """An earmark's current id: a removed and restored earmark gets a new id, shared by its commands."""

    id: int


@dataclass(slots=True)
class MoveCommand:
    application_id: int
    from_rank: int
    to_rank: int
    label: str = "flytting"

    def do(self, session: Session, versions: Versions) -> Change:
        return move_application(
            session, self.application_id, self.to_rank, version=versions.app(self.application_id)
        )

    def undo(self, session: Session, versions: Versions) -> Change:
        return move_application(
            session, self.application_id, self.from_rank, version=versions.app(self.application_id)
        )


@dataclass(slots=True)
class GrantCommand:
    application_id: int
    old: int | None
    new: int | None
    label: str = "innvilget beløp"

    def do(self, session: Session, versions: Versions) -> Change:
        return set_granted(session, self.application_id, self.new, version=versions.app(self.application_id))

    def undo(self, session: Session, versions: Versions) -> Change:
        return set_granted(session, self.application_id, self.old, version=versions.app(self.application_id))


@dataclass(slots=True)
class RouteCommand:
    application_id: int
    old: str
    new: str
    label: str = "rute"

    def do(self, session: Session, versions: Versions) -> Change:
        return set_route(session, self.application_id, self.new, version=versions.app(self.application_id))

    def undo(self, session: Session, versions: Versions) -> Change:
        return set_route(session, self.application_id, self.old, version=versions.app(self.application_id))


@dataclass(slots=True)
class FillPotCommand:
    round_id: int
    before: list[int] = field(default_factory=list)
    after: list[int] = field(default_factory=list)
    label: str = "fyll potten"

    def do(self, session: Session, versions: Versions) -> Change:
        if not self.after:
            change, self.before, self.after = apply_fill_pot(
                session, self.round_id, versions=versions.applications
            )
            return change
        return set_order(
            session,
            self.round_id,
            self.after,
            versions=versions.applications,
            action="fyll_potten",
            summary="Fyll potten (gjort om)",
        )

    def undo(self, session: Session, versions: Versions) -> Change:
        return set_order(
            session,
            self.round_id,
            self.before,
            versions=versions.applications,
            action="angre",
            summary="Angret «fyll potten»: rekkefølgen fra før er tilbake",
        )


@dataclass(slots=True)
class EarmarkAddCommand:
    round_id: int
    data: EarmarkData
    ref: EarmarkRef = field(default_factory=lambda: EarmarkRef(0))
    position: int | None = None
    label: str = "ny avsetning"

    def do(self, session: Session, versions: Versions) -> Change:
        self.ref.id, change = add_earmark(session, self.round_id, self.data, position=self.position)
        return change

    def undo(self, session: Session, versions: Versions) -> Change:
        _data, self.position, change = remove_earmark(
            session, self.ref.id, version=versions.earmark(self.ref.id)
        )
        return change


@dataclass(slots=True)
class EarmarkEditCommand:
    ref: EarmarkRef
    old: EarmarkData
    new: EarmarkData
    label: str = "endret avsetning"

    def do(self, session: Session, versions: Versions) -> Change:
        return update_earmark(session, self.ref.id, self.new, version=versions.earmark(self.ref.id))

    def undo(self, session: Session, versions: Versions) -> Change:
        return update_earmark(session, self.ref.id, self.old, version=versions.earmark(self.ref.id))


@dataclass(slots=True)
class EarmarkRemoveCommand:
    round_id: int
    ref: EarmarkRef
    data: EarmarkData | None = None
    position: int | None = None
    label: str = "slettet avsetning"

    def do(self, session: Session, versions: Versions) -> Change:
        self.data, self.position, change = remove_earmark(
            session, self.ref.id, version=versions.earmark(self.ref.id)
        )
        return change

    def undo(self, session: Session, versions: Versions) -> Change:
        assert self.data is not None
        self.ref.id, change = add_earmark(session, self.round_id, self.data, position=self.position)
        return change


class History:
    """Undo and redo stacks of commands. A failed undo/redo leaves both stacks as they were.

    ``versions`` is the book of versions the next change is based on; the screen replaces its
    contents when it reads the database again (Ctrl+R).
    """

    def __init__(self, versions: Versions | None = None, limit: int = 500) -> None:
        self.versions = versions or Versions()
        self.limit = limit
        self._undo: list[Command] = []
        self._redo: list[Command] = []
        self._refs: dict[int, EarmarkRef] = {}

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    def earmark_ref(self, earmark_id: int) -> EarmarkRef:
        """The shared reference for an earmark id (so commands follow it when it is restored)."""
        for ref in self._refs.values():
            if ref.id == earmark_id:
                return ref
        ref = EarmarkRef(earmark_id)
        self._refs[id(ref)] = ref
        return ref

    def run(self, command: Command, session: Session) -> Change:
        change = command.do(session, self.versions)
        self.versions.update(change)
        ref = getattr(command, "ref", None)
        if isinstance(ref, EarmarkRef):
            self._refs[id(ref)] = ref
        self._undo.append(command)
        del self._undo[: -self.limit]
        self._redo.clear()
        return change

    def undo(self, session: Session) -> tuple[Command, Change] | None:
        if not self._undo:
            return None
        command = self._undo[-1]
        change = command.undo(session, self.versions)
        self.versions.update(change)
        self._redo.append(self._undo.pop())
        return command, change

    def redo(self, session: Session) -> tuple[Command, Change] | None:
        if not self._redo:
            return None
        command = self._redo[-1]
        change = command.do(session, self.versions)
        self.versions.update(change)
        self._undo.append(self._redo.pop())
        return command, change
