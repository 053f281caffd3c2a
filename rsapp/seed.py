"""Loads the built-in data (`data/*.toml`) into a database, idempotently.

Helsefellesskap and municipalities are added when missing. A round is loaded whole (pots,
earmarks, applications) only the first time it is seen, so the user's later changes to it are
never overwritten by a restart.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from rsapp.config import builtin_data_dir
from rsapp.models import (
    Application,
    ApplicationMunicipality,
    BudgetLine,
    Earmark,
    EarmarkAmount,
    Helsefellesskap,
    Municipality,
    Pot,
    Round,
)
from rsapp.vocab import STATUS_RECEIVED

APPLICATION_TEXT_FIELDS = {
    # data file [sections] key -> Application column
    "description": "description",
    "benefit": "benefit",
    "purpose_support": "purpose_support",
    "budget": "budget_text",
    "patient_responsibility": "patient_responsibility",
    "digital": "digital",
    "project_plan": "project_plan",
    "involvement": "involvement",
    "benefit_table": "benefit_table",
    "risk_table": "risk_table",
    "other": "other_text",
}


class SeedError(RuntimeError):
    """A built-in data file that cannot be read (Norwegian message naming the file)."""


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SeedError(f"Kan ikke lese datafilen {path}: {exc}") from exc


def load_builtin(session: Session, data_dir: Path | None = None) -> list[str]:
    """Load what is missing; returns the keys of the rounds loaded now (empty when up to date)."""
    data_dir = data_dir or builtin_data_dir()
    hf_ids = _load_helsefellesskap(session, _read(data_dir / "helsefellesskap.toml"))
    muni_ids = _load_municipalities(session, _read(data_dir / "municipalities.toml"), hf_ids)
    applications = [(_read(p), p) for p in sorted((data_dir / "applications").glob("*.toml"))]
    loaded: list[str] = []
    for round_file in sorted((data_dir / "rounds").glob("*.toml")):
        doc = _read(round_file)
        key = doc["round"]["key"]
        if session.exec(select(Round.id).where(Round.key == key)).first() is not None:
            continue
        round_ = _load_round(session, doc, hf_ids)
        own = [(a, p) for a, p in applications if a.get("round") == key]
        _load_applications(session, round_, own, muni_ids)
        loaded.append(key)
    from rsapp.assessment.changes import load_builtin_catalogues

    load_builtin_catalogues(session, data_dir / "criteria")
    from rsapp.saksfremlegg.history import load_builtin_history

    load_builtin_history(session, data_dir / "history")  # sak 23-2025 … 27-2025 of 09.09.2025
    session.commit()
    return loaded


def _load_helsefellesskap(session: Session, doc: dict[str, Any]) -> dict[str, int]:
    existing = {hf.key: hf for hf in session.exec(select(Helsefellesskap))}
    for item in doc.get("helsefellesskap", []):
        if item["key"] not in existing:
            hf = Helsefellesskap(key=item["key"], name=item["name"], hospital_trust=item["hospital_trust"])
            session.add(hf)
            existing[hf.key] = hf
    session.flush()
    return {key: hf.id for key, hf in existing.items() if hf.id is not None}


def _load_municipalities(session: Session, doc: dict[str, Any], hf_ids: dict[str, int]) -> dict[str, int]:
    existing = {m.name: m for m in session.exec(select(Municipality))}
    for hf_key, section in doc.items():
        for name in section.get("municipalities", []):
            if name not in existing:
                m = Municipality(name=name, helsefellesskap_id=hf_ids.get(hf_key))
                session.add(m)
                existing[name] = m
    session.flush()
    return {name: m.id for name, m in existing.items() if m.id is not None}


def _load_round(session: Session, doc: dict[str, Any], hf_ids: dict[str, int]) -> Round:
    r = doc["round"]
    round_ = Round(
        key=r["key"],
        helsefellesskap_id=hf_ids[r["helsefellesskap"]],
        year=r["year"],
        name=r["name"],
        deadline_helsefellesskap=r.get("deadline_helsefellesskap"),
        deadline_helse_nord=r.get("deadline_helse_nord"),
        meeting_week=r.get("meeting_week"),
        meeting_date=r.get("meeting_date"),
    )
    session.add(round_)
    session.flush()
    round_id = _stored_id(round_)
    for p in doc.get("pot", []):
        session.add(
            Pot(
                round_id=round_id,
                budget_year=p["budget_year"],
                amount=int(p["amount"]),
                origin=p.get("origin", ""),
                confirmed=p.get("confirmed", True),
                source=p.get("source", ""),
            )
        )
    for position, e in enumerate(doc.get("earmark", []), start=1):
        earmark = Earmark(
            round_id=round_id,
            position=position,
            name=e["name"],
            purpose=e.get("purpose", ""),
            source_case=e.get("source_case", ""),
            reason=e.get("reason", ""),
            is_open=e.get("open", False),
        )
        session.add(earmark)
        session.flush()
        for year, amount in e.get("amounts", {}).items():
            session.add(
                EarmarkAmount(earmark_id=_stored_id(earmark), budget_year=int(year), amount=int(amount))
            )
    session.flush()
    return round_


def _load_applications(
    session: Session, round_: Round, files: Iterable[tuple[dict[str, Any], Path]], muni_ids: dict[str, int]
) -> None:
    for rank, (a, path) in enumerate(files, start=1):
        sections = a.get("sections", {})
        unknown = set(sections) - set(APPLICATION_TEXT_FIELDS)
        if unknown:
            raise SeedError(f"Ukjente seksjoner {sorted(unknown)} i datafilen {path}")
        start, end = (a.get("source_lines") or [None, None])[:2]
        app = Application(
            round_id=_stored_id(round_),
            name=a.get("name", ""),
            working_title=a.get("display_name", ""),
            owners=a.get("owners", ""),
            hospital_trust=a.get("hospital_trust", ""),
            contact_municipal=a.get("contact_municipal", ""),
            contact_trust=a.get("contact_trust", ""),
            agreement_text=a.get("agreement_text", ""),
            agreement_date=a.get("agreement_date"),
            period_text=a.get("period_text", ""),
            period_start=a.get("period_start"),
            period_end=a.get("period_end"),
            status=a.get("status", STATUS_RECEIVED),
            source_document=_source_label(a, start, end),
            rank=rank,
            **{column: sections.get(key, "").strip() for key, column in APPLICATION_TEXT_FIELDS.items()},
        )
        session.add(app)
        session.flush()
        app_id = _stored_id(app)
        for position, name in enumerate(a.get("municipalities", [])):
            if name not in muni_ids:
                raise SeedError(f"Ukjent kommune «{name}» i datafilen {path}")
            session.add(
                ApplicationMunicipality(
                    application_id=app_id, municipality_id=muni_ids[name], position=position
                )
            )
        for position, line in enumerate(a.get("budget_line", [])):
            session.add(
                BudgetLine(
                    application_id=app_id,
                    position=position,
                    budget_year=line.get("budget_year"),
                    amount=line.get("amount"),
                    amount_high=line.get("amount_high"),
                    purpose=line.get("purpose", ""),
                    source_phrase=line.get("source_phrase", ""),
                    needs_confirmation=line.get("needs_confirmation", False),
                )
            )
    session.flush()


def _stored_id(row: Any) -> int:
    """The id of a row just flushed."""
    if row.id is None:  # pragma: no cover - flush assigns it
        raise SeedError(f"{type(row).__name__} fikk ingen id ved innlasting")
    return int(row.id)


def _source_label(a: dict[str, Any], start: int | None, end: int | None) -> str:
    doc = a.get("source_document", "")
    if doc and start is not None:
        return f"{doc}, linje {start}–{end}"
    return doc
