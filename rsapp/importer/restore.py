"""Values an import replaced, kept whole in the change log and restorable.

When a new version of an application is imported and the user takes a field's new text (in the
review, or with ``--replace-changed``), the value it replaces is written to the change log in
full (:func:`snapshot`): action ``erstattet:<field>``, ``old`` the value before, ``new`` the
value after; a structured value (the budget lines with their years, purposes and flags; the
municipalities; the period; the agreement with its date; a benefit or risk table with its rows)
as JSON. Nothing an import replaces is lost:

* :func:`replaced_values` lists them for an application, newest first (the application
  screen's «h», ``rsapp import historikk SØKNAD``);
* :func:`restore_value` writes one back (``rsapp import gjenopprett ENDRING``), in one
  transaction through the unit of work (round lock, the application's version claimed), and
  logs the value it replaces in turn, so a restore can itself be restored.

Works on either import store (a SQLAlchemy engine or the stdlib SQLite file), like
:mod:`rsapp.importer.confirm`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from rsapp.importer.errors import ImportFailure
from rsapp.importer.headings import FIELD_LABELS
from rsapp.importer.store import as_store

__all__ = [
    "ACTION_PREFIX",
    "ReplacedValue",
    "RestoreError",
    "apply_snapshot",
    "log_replaced",
    "replaced_values",
    "restore_value",
    "snapshot",
]

#: Change-log action of a replaced value: ``erstattet:<field>``.
ACTION_PREFIX = "erstattet:"

#: Fields whose value is more than the application's own column.
_STRUCTURED = frozenset(
    {"budget_lines", "municipalities", "period", "agreement_text", "benefit_table", "risk_table"}
)
_TABLE_KINDS = {"benefit_table": "nytte", "risk_table": "risiko"}
_LABELS = FIELD_LABELS | {"budget_lines": "Budsjettlinjer", "municipalities": "Kommuner", "period": "Periode"}
_BUDGET_COLUMNS = (
    "position",
    "budget_year",
    "amount",
    "amount_high",
    "purpose",
    "source_phrase",
    "needs_confirmation",
)


class RestoreError(ValueError):
    """A value that cannot be restored; the message is Norwegian and names what and where."""


@dataclass(frozen=True, slots=True)
class ReplacedValue:
    change_id: int
    at: datetime | str
    user: str
    key: str
    label: str
    old: str  # as logged (text, or JSON for a structured value)
    new: str
    summary: str

    def shown(self, value: str, width: int = 70) -> str:
        """A logged value as a user reads it, on one line."""
        text = _readable(self.key, value)
        flat = " ".join(text.split()) or "(tomt)"
        return flat if len(flat) <= width else flat[: width - 1] + "…"


def label(key: str) -> str:
    return _LABELS.get(key, key)


def _date_text(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, (date, datetime)) else str(value)[:10]


def _readable(key: str, value: str) -> str:
    if key not in _STRUCTURED:
        return value
    try:
        data = json.loads(value)
    except ValueError:
        return value
    if key == "budget_lines":
        from rsapp.money import format_amount_or_missing

        return (
            "; ".join(
                f"{line.get('budget_year') or 'uten år'}: {format_amount_or_missing(line.get('amount'))}"
                + (f" ({line['purpose']})" if line.get("purpose") else "")
                for line in data
            )
            or "ingen"
        )
    if key == "municipalities":
        return ", ".join(data)
    if key == "period":
        return data.get("text") or f"{data.get('start') or ''}–{data.get('end') or ''}"
    return str(data.get("text", ""))


def snapshot(db: Any, app_id: int, key: str) -> str:
    """The application's current value of ``key`` as the change log keeps it."""
    if key == "budget_lines":
        rows = db.rows(
            f"SELECT {', '.join(_BUDGET_COLUMNS)} FROM budgetline WHERE application_id = :id ORDER BY position, id",
            {"id": app_id},
        )
        return json.dumps(
            [dict(zip(_BUDGET_COLUMNS, [*row[:-1], bool(row[-1])], strict=True)) for row in rows],
            ensure_ascii=False,
        )
    if key == "municipalities":
        names = [
            r[0]
            for r in db.rows(
                "SELECT m.name FROM applicationmunicipality am JOIN municipality m ON m.id = am.municipality_id "
                "WHERE am.application_id = :id ORDER BY am.position",
                {"id": app_id},
            )
        ]
        return json.dumps(names, ensure_ascii=False)
    if key == "period":
        text, start, end = db.rows(
            "SELECT period_text, period_start, period_end FROM application WHERE id = :id", {"id": app_id}
        )[0]
        return json.dumps(
            {"text": text or "", "start": _date_text(start), "end": _date_text(end)}, ensure_ascii=False
        )
    if key == "agreement_text":
        text, when = db.rows(
            "SELECT agreement_text, agreement_date FROM application WHERE id = :id", {"id": app_id}
        )[0]
        return json.dumps({"text": text or "", "date": _date_text(when)}, ensure_ascii=False)
    if key in _TABLE_KINDS:
        (text,) = db.rows(f'SELECT "{key}" FROM application WHERE id = :id', {"id": app_id})[0]
        rows = [
            json.loads(r[0]) if isinstance(r[0], str) else r[0]
            for r in db.rows(
                'SELECT cells FROM applicationtablerow WHERE application_id = :id AND "table" = :t ORDER BY position',
                {"id": app_id, "t": _TABLE_KINDS[key]},
            )
        ]
        return json.dumps({"text": text or "", "rows": rows}, ensure_ascii=False)
    (value,) = db.rows(f'SELECT "{_column(key)}" FROM application WHERE id = :id', {"id": app_id})[0]
    return str(value or "")


def _column(key: str) -> str:
    from rsapp.importer.service import APPLICATION_COLUMNS

    if key not in APPLICATION_COLUMNS:
        raise RestoreError(f"Feltet «{key}» kan ikke gjenopprettes.")
    return key


def apply_snapshot(db: Any, app_id: int, key: str, value: str) -> None:
    """Write a logged value back (the inverse of :func:`snapshot`)."""
    if key not in _STRUCTURED:
        db.update("application", app_id, {_column(key): value})
        return
    data = json.loads(value)
    if key == "budget_lines":
        db.execute("DELETE FROM budgetline WHERE application_id = :id", {"id": app_id})
        for line in data:
            db.insert("budgetline", {"application_id": app_id} | {c: line.get(c) for c in _BUDGET_COLUMNS})
    elif key == "municipalities":
        db.execute("DELETE FROM applicationmunicipality WHERE application_id = :id", {"id": app_id})
        known = {str(name).casefold(): int(mid) for mid, name in db.rows("SELECT id, name FROM municipality")}
        for position, name in enumerate(data):
            mid = known.get(name.casefold())
            if mid is None:
                mid = db.insert("municipality", {"name": name, "helsefellesskap_id": None})
            db.insert(
                "applicationmunicipality",
                {"application_id": app_id, "municipality_id": mid, "position": position},
            )
    elif key == "period":
        db.update(
            "application",
            app_id,
            {
                "period_text": data.get("text", ""),
                "period_start": date.fromisoformat(data["start"]) if data.get("start") else None,
                "period_end": date.fromisoformat(data["end"]) if data.get("end") else None,
            },
        )
    elif key == "agreement_text":
        db.update(
            "application",
            app_id,
            {
                "agreement_text": data.get("text", ""),
                "agreement_date": date.fromisoformat(data["date"]) if data.get("date") else None,
            },
        )
    else:
        db.update("application", app_id, {key: data.get("text", "")})
        db.execute(
            'DELETE FROM applicationtablerow WHERE application_id = :id AND "table" = :t',
            {"id": app_id, "t": _TABLE_KINDS[key]},
        )
        for position, cells in enumerate(data.get("rows", [])):
            db.insert(
                "applicationtablerow",
                {
                    "application_id": app_id,
                    "table": _TABLE_KINDS[key],
                    "position": position,
                    "cells": list(cells),
                },
            )


def log_replaced(
    db: Any,
    app_id: int,
    key: str,
    old: str,
    new: str,
    summary: str,
    round_id: int | None,
    user: str | None = None,
) -> None:
    """One change-log row for a replaced value (the whole old and new value)."""
    db.log(
        "application",
        app_id,
        f"{ACTION_PREFIX}{key}",
        summary,
        old=old,
        new=new,
        round_id=round_id,
        user=user,
    )


def _application(db: Any, app_id: int) -> tuple[str, int, int]:
    found = db.rows(
        "SELECT name, working_title, version, round_id FROM application WHERE id = :id", {"id": app_id}
    )
    if not found:
        raise RestoreError(f"Fant ingen søknad med nummer {app_id}.")
    name, working_title, version, round_id = found[0]
    return (name or working_title or f"Søknad {app_id}"), int(version or 1), int(round_id)


def _replaced(row: tuple[Any, ...]) -> ReplacedValue:
    change_id, at, user, action, summary, old, new = row
    key = str(action)[len(ACTION_PREFIX) :]
    return ReplacedValue(
        int(change_id),
        at,
        str(user or ""),
        key,
        label(key),
        str(old or ""),
        str(new or ""),
        str(summary or ""),
    )


_SELECT = 'SELECT id, at, "user", action, summary, old, new FROM changelog'


def replaced_values(source: Any, app_id: int) -> tuple[str, list[ReplacedValue]]:
    """The application's title and every value imports (and restores) replaced, newest first."""
    store = as_store(source)
    with store.read() as db:
        title, _version, _round = _application(db, app_id)
        rows = db.rows(
            f"{_SELECT} WHERE entity = 'application' AND entity_id = :id AND action LIKE :p ORDER BY at DESC, id DESC",
            {"id": app_id, "p": f"{ACTION_PREFIX}%"},
        )
    return title, [_replaced(tuple(r)) for r in rows]


def restore_value(source: Any, change_id: int, user: str | None = None) -> ReplacedValue:
    """Write the old value of change-log row ``change_id`` back; returns that row."""
    store = as_store(source)
    with store.read() as db:
        found = db.rows(
            f"{_SELECT.replace('id, at', 'id, entity_id, at')} WHERE id = :id AND action LIKE :p",
            {"id": change_id, "p": f"{ACTION_PREFIX}%"},
        )
        if not found:
            raise RestoreError(
                f"Endring {change_id} er ikke en verdi en import har erstattet. Se «rsapp import historikk SØKNAD»."
            )
        row = tuple(found[0])
        app_id = int(row[1])
        replaced = _replaced((row[0], *row[2:]))
        _title, _version, round_id = _application(db, app_id)
    try:
        with store.write([round_id]) as db:
            title, version, _round = _application(db, app_id)
            db.claim(app_id, version, f"Søknaden «{title}»")
            current = snapshot(db, app_id, replaced.key)
            apply_snapshot(db, app_id, replaced.key, replaced.old)
            log_replaced(
                db,
                app_id,
                replaced.key,
                current,
                replaced.old,
                f"{replaced.label} i «{title}» gjenopprettet fra endring {change_id}",
                round_id,
                user,
            )
    except ImportFailure as exc:
        raise RestoreError(exc.problem or str(exc)) from None
    return replaced
