"""Earmarks (avsetninger): money set aside before any application is ranked.

An earmark has amounts per budget year, or is *open* (amount not decided: never counted as
0, always warned about). Every change goes through :func:`rsapp.store.unit_of_work` and the
change log, with a version check like the applications'.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import delete, func, update
from sqlmodel import Session, col, select

from rsapp.models import Earmark, EarmarkAmount
from rsapp.money import AmountError, format_kr, parse_amount
from rsapp.prioritisation.common import EARMARK, REFRESH_HINT, Change, PrioritisationError, StaleError
from rsapp.store.unit_of_work import UnitOfWork, unit_of_work

__all__ = [
    "EarmarkData",
    "EarmarkItem",
    "add_earmark",
    "describe_earmark",
    "format_earmark_amounts",
    "load_earmarks",
    "parse_earmark_amounts",
    "remove_earmark",
    "update_earmark",
]

_AMOUNT = EarmarkAmount.__table__  # type: ignore[attr-defined]


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


def load_earmarks(session: Session, round_id: int) -> list[EarmarkItem]:
    rows = list(
        session.exec(
            select(Earmark)
            .where(Earmark.round_id == round_id)
            .order_by(col(Earmark.position), col(Earmark.id))
        )
    )
    amounts: dict[int, dict[int, int]] = {}
    if rows:
        for earmark_id, year, amount in session.execute(
            select(_AMOUNT.c.earmark_id, _AMOUNT.c.budget_year, _AMOUNT.c.amount)
            .where(_AMOUNT.c.earmark_id.in_([e.id for e in rows]))
            .order_by(_AMOUNT.c.budget_year)
        ):
            amounts.setdefault(earmark_id, {})[year] = amount
    return [
        EarmarkItem(
            e.id,  # type: ignore[arg-type]
            e.version,
            e.position,
            EarmarkData(e.name, e.purpose, e.source_case, e.reason, amounts.get(e.id, {}), e.is_open),  # type: ignore[arg-type]
        )
        for e in rows
    ]


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


def describe_earmark(data: EarmarkData) -> str:
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
    session.execute(delete(_AMOUNT).where(_AMOUNT.c.earmark_id == earmark_id))
    for year, amount in data.amounts.items():
        session.add(EarmarkAmount(earmark_id=earmark_id, budget_year=year, amount=amount))


def add_earmark(
    session: Session, round_id: int, data: EarmarkData, *, position: int | None = None
) -> tuple[int, Change]:
    """A new earmark (last, or at ``position``). Returns its id and the change."""
    data = _check_earmark(data)
    with unit_of_work(session, round_id) as uow:
        if position is None:
            position = (
                session.execute(
                    select(func.max(EARMARK.c.position)).where(EARMARK.c.round_id == round_id)
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
        summary = f"Ny avsetning: {describe_earmark(data)}"
        uow.log("earmark", earmark.id, "ny", summary, "", describe_earmark(data))
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


def _claim_earmark(uow: UnitOfWork, earmark_id: int, version: int) -> tuple[Earmark, EarmarkData]:
    session = uow.session
    row = session.execute(select(EARMARK.c.round_id).where(EARMARK.c.id == earmark_id)).first()
    if row is None:
        raise StaleError(
            f"Avsetningen (id {earmark_id}) finnes ikke lenger; en annen bruker kan ha slettet den. "
            f"{REFRESH_HINT}"
        )
    uow.lock_round(row[0])
    earmark, data = _earmark_row(session, earmark_id)
    uow.claim(Earmark, earmark_id, version, f"Avsetningen «{earmark.name}»")
    return earmark, data


def update_earmark(session: Session, earmark_id: int, data: EarmarkData, *, version: int) -> Change:
    """Change an earmark's name, purpose, case, reason and amounts (or make it open)."""
    data = _check_earmark(data)
    with unit_of_work(session) as uow:
        earmark, old = _claim_earmark(uow, earmark_id, version)
        session.execute(
            update(EARMARK)
            .where(EARMARK.c.id == earmark_id)
            .values(
                name=data.name,
                purpose=data.purpose,
                source_case=data.source_case,
                reason=data.reason,
                is_open=data.is_open,
            )
        )
        _write_earmark_amounts(session, earmark_id, data)
        summary = f"Endret avsetning: {describe_earmark(old)} → {describe_earmark(data)}"
        uow.log(
            "earmark",
            earmark_id,
            "endre",
            summary,
            describe_earmark(old),
            describe_earmark(data),
        )
    return Change(earmarks_changed=True, earmark_versions={earmark_id: version + 1}, summary=summary)


def remove_earmark(session: Session, earmark_id: int, *, version: int) -> tuple[EarmarkData, int, Change]:
    """Delete an earmark. Returns what it held and its position (to restore it on undo)."""
    with unit_of_work(session) as uow:
        earmark, old = _claim_earmark(uow, earmark_id, version)
        position = earmark.position
        session.execute(delete(_AMOUNT).where(_AMOUNT.c.earmark_id == earmark_id))
        session.execute(EARMARK.delete().where(EARMARK.c.id == earmark_id))
        session.expunge(earmark)
        summary = f"Slettet avsetning: {describe_earmark(old)}"
        uow.log("earmark", earmark_id, "slett", summary, describe_earmark(old), "")
    return old, position, Change(earmarks_changed=True, summary=summary)
