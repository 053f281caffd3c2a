"""A whole round as one JSON file, and back: lossless, independent of the database's ids.

:func:`export_round` writes every row that belongs to the round: the round, its pots and
earmarks, its applications with everything hanging on them (budget lines, recommendations,
sources, assessments, habilitet decisions, awards, payments, reports, members' rankings), its
criteria, its cases with their innstilling points and vedtak, and its change log. A row belongs
to the round when each of its references to round data points to a row that belongs to it
(following the foreign keys of the models, so a table added later is carried along).

Rows the round only refers to — the helsefellesskap, municipalities, the people of the SSU
register, meetings, users — are written once under ``referanser`` with their natural key
(helsefellesskap key, municipality name, person name, meeting date and committee, user name), so
:func:`import_round` finds them in the target database or creates them. Users are carried
without their password hash.

Ids are replaced by numbers local to the file (``ref``, 1, 2, … in id order), so exporting the
round again after an import into an empty database gives the same file, byte for byte.
:func:`import_round` inserts in one unit of work; a round whose key exists is refused.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Date, DateTime, Table, insert, select, update
from sqlmodel import Session, SQLModel

from rsapp.store.errors import os_reason
from rsapp.store.unit_of_work import StoreError, unit_of_work

__all__ = ["FORMAT", "RoundJsonError", "export_round", "import_round", "read_file", "write_file"]

FORMAT = "rsapp-runde"
VERSION = 1

#: Tables a round refers to but does not own, with the columns that find a row again.
ANCHORS: dict[str, tuple[str, ...]] = {
    "helsefellesskap": ("key",),
    "municipality": ("name",),
    "assessor": ("name",),
    "meeting": ("helsefellesskap_id", "date", "utvalg", "extraordinary"),
    "app_user": ("username",),
}
#: Columns never written to the file.
SECRET = {("app_user", "password_hash")}
#: Tables that hold no round data and are not referenced by it.
SKIP = {"alembic_version", "registered_case_number", "importeddocument"}


class RoundJsonError(StoreError):
    """A round file that cannot be written or read (Norwegian message)."""


def _tables() -> list[Table]:
    import rsapp.models  # noqa: F401 - every table in the metadata

    return [t for t in SQLModel.metadata.sorted_tables if t.name not in SKIP]


def _has_id(table: Table) -> bool:
    return "id" in table.c and table.c.id.primary_key


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _is_datetime(column: Any) -> bool:
    return isinstance(column.type, DateTime) or isinstance(getattr(column.type, "impl", None), DateTime)


# --- export ---------------------------------------------------------------------------------------


def export_round(session: Session, round_key: str) -> dict[str, Any]:
    """The round ``round_key`` as a JSON-ready document (see the module docstring)."""
    from rsapp.migrations import HEAD_REVISION

    tables = _tables()
    by_name = {t.name: t for t in tables}
    round_table = by_name["round"]
    found = session.execute(select(round_table).where(round_table.c.key == round_key)).mappings().first()
    if found is None:
        raise RoundJsonError(f"Fant ingen runde «{round_key}».")
    owned: dict[str, list[dict[str, Any]]] = {"round": [dict(found)]}
    owned_ids: dict[str, set[Any]] = {"round": {found["id"]}}
    for table in tables:
        if table.name == "round" or table.name in ANCHORS:
            continue
        links = [fk for fk in table.foreign_keys if fk.column.table.name not in ANCHORS]
        if not any(fk.column.table.name in owned_ids for fk in links):
            continue
        rows = []
        for row in session.execute(select(table)).mappings():
            keep = False
            ok = True
            for fk in links:
                value = row[fk.parent.name]
                if value is None:
                    continue
                if value in owned_ids.get(fk.column.table.name, ()):
                    keep = True
                else:
                    ok = False
            if keep and ok:
                rows.append(dict(row))
        if rows:
            rows.sort(key=lambda r: tuple(r[c.name] for c in table.primary_key.columns))
            owned[table.name] = rows
            if _has_id(table):
                owned_ids[table.name] = {r["id"] for r in rows}
    # The anchors the owned rows refer to (and that those refer to), read whole.
    anchors: dict[str, dict[Any, dict[str, Any]]] = {name: {} for name in ANCHORS}
    pending = [(table_name, rows) for table_name, rows in owned.items()]
    while pending:
        table_name, rows = pending.pop()
        table = by_name[table_name]
        for fk in table.foreign_keys:
            target = fk.column.table.name
            if target not in ANCHORS:
                continue
            wanted = {r[fk.parent.name] for r in rows} - set(anchors[target]) - {None}
            if not wanted:
                continue
            anchor_table = by_name[target]
            fresh = [
                dict(r)
                for r in session.execute(select(anchor_table).where(anchor_table.c.id.in_(wanted))).mappings()
            ]
            for r in fresh:
                anchors[target][r["id"]] = r
            pending.append((target, fresh))
    # Local numbers: per table, in id order.
    refs: dict[str, dict[Any, int]] = {}
    for name, rows_by_id in anchors.items():
        refs[name] = {old: i for i, old in enumerate(sorted(rows_by_id), start=1)}
    for name, rows in owned.items():
        if _has_id(by_name[name]):
            refs[name] = {r["id"]: i for i, r in enumerate(rows, start=1)}

    def encode_row(table: Table, row: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        fks = {fk.parent.name: fk.column.table.name for fk in table.foreign_keys}
        for column in table.columns:
            name = column.name
            if (table.name, name) in SECRET:
                continue
            value = row[name]
            if name == "id" and _has_id(table):
                out["ref"] = refs[table.name][value]
            elif name in fks and value is not None:
                out[name] = refs[fks[name]][value]
            else:
                out[name] = _encode(value)
        return out

    return {
        "format": FORMAT,
        "versjon": VERSION,
        "skjema": HEAD_REVISION,
        "runde": round_key,
        "referanser": {
            name: [encode_row(by_name[name], anchors[name][old]) for old in sorted(anchors[name])]
            for name in ANCHORS
            if anchors[name]
        },
        "tabeller": {
            table.name: [encode_row(table, row) for row in owned[table.name]]
            for table in tables
            if table.name in owned
        },
    }


def write_file(document: dict[str, Any], path: Path | str) -> Path:
    """Write the document as UTF-8 JSON (atomically, 0600)."""
    from rsapp.files import write_atomic

    return write_atomic(path, json.dumps(document, ensure_ascii=False, indent=1) + "\n")


def read_file(path: Path | str) -> dict[str, Any]:
    path = Path(path)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RoundJsonError(f"Kan ikke lese {path}: {os_reason(exc)}.") from exc
    except ValueError as exc:
        raise RoundJsonError(f"{path} er ikke gyldig JSON: {exc}.") from exc
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise RoundJsonError(f"{path} er ikke en rundefil fra rsapp (format «{FORMAT}»).")
    return document


# --- import ---------------------------------------------------------------------------------------


def _find(session: Session, table: Table, values: dict[str, Any], key: Iterable[str]) -> int | None:
    clauses = [
        table.c[name] == values[name] if values[name] is not None else table.c[name].is_(None) for name in key
    ]
    found = session.execute(select(table.c.id).where(*clauses).order_by(table.c.id)).first()
    return None if found is None else int(found[0])


#: Ranks of a round being inserted are shifted by this (as rsapp.prioritisation.RANK_SHIFT; the
#: database's rank triggers leave a round alone while any of its ranks is shifted).
RANK_SHIFT = 1_000_000


def import_round(session: Session, document: dict[str, Any]) -> int:
    """Insert the round of ``document`` (from :func:`export_round`); returns the new round's id."""
    from rsapp.migrations import HEAD_REVISION
    from rsapp.store import access

    if document.get("format") != FORMAT or document.get("versjon") != VERSION:
        raise RoundJsonError("Filen er ikke en rundefil fra denne versjonen av rsapp.")
    if document.get("skjema") != HEAD_REVISION:
        raise RoundJsonError(
            f"Filen er laget med skjemarevisjon {document.get('skjema')}, databasen er på {HEAD_REVISION}. "
            "Eksporter runden på nytt fra en database på samme versjon."
        )
    tables = {t.name: t for t in _tables()}
    key = document.get("runde")
    round_table = tables["round"]
    with unit_of_work(session) as uow:
        if session.execute(select(round_table.c.id).where(round_table.c.key == key)).first() is not None:
            raise RoundJsonError(f"Runden «{key}» finnes allerede i databasen; den blir ikke overskrevet.")
        ids: dict[str, dict[int, int]] = {}
        locked_meetings: list[int] = []

        def decode_row(table: Table, row: dict[str, Any]) -> dict[str, Any]:
            fks = {fk.parent.name: fk.column.table.name for fk in table.foreign_keys}
            values: dict[str, Any] = {}
            for column in table.columns:
                name = column.name
                if name == "id" and _has_id(table):
                    continue
                if (table.name, name) in SECRET:
                    values[name] = ""
                    continue
                if name not in row:
                    raise RoundJsonError(f"Filen mangler «{name}» i en rad av {table.name}.")
                value = row[name]
                if name in fks and value is not None:
                    try:
                        value = ids[fks[name]][value]
                    except KeyError:
                        raise RoundJsonError(
                            f"Filen viser til {fks[name]} nr. {value}, som ikke finnes i filen ({table.name})."
                        ) from None
                elif value is not None and _is_datetime(column):
                    value = datetime.fromisoformat(value)
                elif value is not None and isinstance(column.type, Date):
                    value = date.fromisoformat(value)
                values[name] = value
            return values

        def insert_row(table: Table, values: dict[str, Any]) -> int | None:
            if _has_id(table):
                return int(session.execute(insert(table).values(**values).returning(table.c.id)).scalar_one())
            session.execute(insert(table).values(**values))
            return None

        references = document.get("referanser", {})
        for name in [t.name for t in _tables() if t.name in ANCHORS]:
            table = tables[name]
            ids[name] = {}
            for row in references.get(name, []):
                values = decode_row(table, row)
                found = _find(session, table, values, ANCHORS[name])
                if found is None:
                    if name == "meeting" and values.get("status") == "godkjent":
                        # Approved meetings are locked by the database: lock it after its cases.
                        values["status"] = "avholdt"
                        found = insert_row(table, values)
                        locked_meetings.append(int(found or 0))
                    else:
                        found = insert_row(table, values)
                ids[name][int(row["ref"])] = int(found or 0)
        hf = None
        for table in _tables():
            rows = document.get("tabeller", {}).get(table.name, [])
            if table.name in ANCHORS or not rows:
                continue
            ids.setdefault(table.name, {})
            for row in rows:
                values = decode_row(table, row)
                if table.name == "round":
                    hf = values["helsefellesskap_id"]
                    access_hf = session.execute(
                        select(tables["helsefellesskap"].c.id).where(tables["helsefellesskap"].c.id == hf)
                    ).scalar_one()
                    try:
                        access.require_round(access_hf)
                    except access.AccessDenied as exc:
                        raise RoundJsonError(str(exc)) from None
                if table.name == "application" and values.get("rank") is not None:
                    # Inserted shifted, in any order, and shifted back below in one UPDATE: the
                    # database refuses a gap in a round's ranks after every INSERT (0008).
                    values["rank"] += RANK_SHIFT
                new_id = insert_row(table, values)
                if new_id is not None:
                    ids[table.name][int(row["ref"])] = new_id
        application = tables["application"]
        session.execute(
            update(application)
            .where(application.c.round_id == ids["round"][1], application.c.rank >= RANK_SHIFT)
            .values(rank=application.c.rank - RANK_SHIFT)
        )
        meeting = tables["meeting"]
        for meeting_id in locked_meetings:
            session.execute(update(meeting).where(meeting.c.id == meeting_id).values(status="godkjent"))
        round_id = ids["round"][1]
        uow.log("round", None, "importert", f"Runden «{key}» ble importert fra en rundefil (JSON)")
    return round_id
