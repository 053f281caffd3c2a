"""The database side of the import: preview (nothing written), then accept (one transaction per file).

- :func:`preview_path` reads and parses a file and compares each application with the
  portfolio: new, a new version of an application already there, or unchanged. The same
  application is recognised by its name (or, for a form without one, its contacts and
  hospital trust), whatever the format and however its text is wrapped
  (:mod:`rsapp.importer.matching`). A document whose content was imported before is reported.
- A new version never overwrites text already in the portfolio without saying so: every
  field that differs is a :class:`FieldChange`. A field that was empty is filled; a field
  whose text differs keeps the text in the portfolio ("behold min") unless the user takes the
  new text (the review screen, or ``--replace-changed`` on the command line).
- :func:`accept_preview` writes one file's applications with their municipalities (unknown
  ones are added), budget lines, table rows, field sources and the imported document, in one
  transaction through the unit of work: a file that fails leaves the database as it was.
- :func:`import_paths` does both for many files, asking a callback whether to accept each.

Reads and writes are plain SQL through :mod:`rsapp.importer.store`, so the same code runs
on a SQLAlchemy session and, for ``rsapp import`` on a SQLite file, on stdlib sqlite3.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from rsapp.dates import format_date
from rsapp.importer.errors import ImportFailure
from rsapp.importer.headings import FIELD_LABELS
from rsapp.importer.matching import diff_fragments, name_key, owners_compatible, same_text
from rsapp.importer.parsed import TEXT_FIELDS, ParsedApplication, ParsedDocument
from rsapp.importer.splitter import SkippedBlock
from rsapp.importer.store import Db, ImportStore, as_store
from rsapp.money import format_amount_or_missing

__all__ = [
    "FieldChange",
    "ApplicationPlan",
    "FilePreview",
    "FileResult",
    "collect_paths",
    "preview_path",
    "preview_parsed",
    "preview_document",
    "accept_preview",
    "discard_preview",
    "import_paths",
    "read_and_parse",
    "APPLICATION_COLUMNS",
    "same_text",
    "diff_fragments",
]

# Parsed field key -> Application column (the same names, except municipalities, which is a list).
APPLICATION_COLUMNS: tuple[str, ...] = tuple(f for f in TEXT_FIELDS if f != "municipalities")

STATUS_NEW = "ny"
STATUS_UPDATE = "oppdatering"
STATUS_UNCHANGED = "uendret"

FILL = "fylles ut"  # the field was empty in the portfolio
CHANGED = "endret"  # the portfolio's text differs from the new version's

_ROUND_SQL = (
    'SELECT r.id, r."key", h.name || \' – \' || r.name FROM "round" r '
    "JOIN helsefellesskap h ON h.id = r.helsefellesskap_id"
)
_APP_COLUMNS_SQL = ", ".join(
    [
        "id",
        "round_id",
        "name",
        "working_title",
        "version",
        "agreement_date",
        "period_text",
        "period_start",
        "period_end",
    ]
    + [c for c in APPLICATION_COLUMNS if c != "name"]
)


@dataclass(slots=True)
class FieldChange:
    """One field of a new version that differs from the portfolio, and whether to take it."""

    key: str
    label: str
    old: str
    new: str
    kind: str = CHANGED  # FILL (was empty) | CHANGED (the portfolio's text differs)
    take: bool = False  # take the new text; default: fill empty fields, keep changed ones
    # The new version holds less than the portfolio: a text cut off where the portfolio's goes
    # on, or fewer budget lines (a partial copy). Taken only when the user picks it by itself.
    shrinks: bool = False

    def fragments(self, before: int = 25, after: int = 45) -> tuple[str, str]:
        """The old and the new text around their first real difference (see :func:`diff_fragments`)."""
        return diff_fragments(self.old, self.new, before, after)

    def describe(self, before: int = 25, after: int = 45) -> str:
        """«… old …» → «… new …», as the CLI and the review screen show a change."""
        old, new = self.fragments(before, after)
        return f"{self.label}: «{old or '(tomt)'}» → «{new or '(tomt)'}»"


@dataclass(slots=True)
class ApplicationPlan:
    """One application of a previewed file and what accepting it would do."""

    parsed: ParsedApplication
    round_id: int | None = None
    round_key: str = ""
    round_label: str = ""  # the round's name ("Helgeland 2026")
    existing_id: int | None = None
    existing_title: str = ""
    existing_version: int = 1
    changes: list[FieldChange] = field(default_factory=list)
    accept: bool = True  # the user may leave one application of a file out

    @property
    def action(self) -> str:
        if self.existing_id is None:
            return STATUS_NEW
        return STATUS_UPDATE if self.changes else STATUS_UNCHANGED

    @property
    def conflicts(self) -> list[FieldChange]:
        """Fields whose text in the portfolio differs from the new version's."""
        return [c for c in self.changes if c.kind == CHANGED]

    @property
    def kept(self) -> list[FieldChange]:
        """Changed fields that keep the portfolio's text."""
        return [c for c in self.changes if not c.take]

    def take_changed(self, take: bool = True) -> None:
        """Take (or keep) every changed field's new text (``--replace-changed``); a change that
        would shorten what the portfolio holds (:attr:`FieldChange.shrinks`) is kept."""
        for change in self.conflicts:
            if take and change.shrinks:
                continue
            change.take = take


@dataclass(slots=True)
class FilePreview:
    path: str
    filename: str
    content_hash: str = ""
    kind: str = ""
    pages: int | None = None
    applications: list[ApplicationPlan] = field(default_factory=list)
    skipped: list[SkippedBlock] = field(default_factory=list)
    error: str | None = None  # the file could not be read (Norwegian, names the file)
    already_imported: str | None = None  # "importert 20.10.2025" when the same content was imported before

    @property
    def ok(self) -> bool:
        return self.error is None and self.already_imported is None


@dataclass(slots=True)
class FileResult:
    filename: str
    status: str  # importert | oppdatert | uendret | allerede importert | feil | forkastet
    message: str
    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    unchanged: int = 0
    kept_fields: int = 0  # changed fields whose portfolio text was kept


# --------------------------------------------------------------------------- paths


def collect_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files given, and the files inside folders given (sorted; hidden files and Word's
    «~$» lock files left out).

    Every other file is taken, also one of a kind rsapp cannot read, so that the result lists
    it ("ukjent filtype (.xlsx)") rather than letting it vanish.
    """
    out: list[Path] = []
    for raw in paths:
        p = Path(raw).expanduser()
        if p.is_dir():
            # A sub-folder that cannot be read is listed itself, so the result says so
            # ("mappen kan ikke leses: ingen tilgang") instead of leaving it out without a word.
            for root, dirs, files in os.walk(p, onerror=lambda exc: out.append(Path(exc.filename))):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if name.startswith((".", "~$")):
                        continue
                    out.append(Path(root) / name)
        else:
            out.append(p)
    return out


# --------------------------------------------------------------------------- reading the portfolio


def _date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


@dataclass(slots=True)
class _Current:
    """An application as the portfolio holds it."""

    values: dict[str, Any]
    municipalities: list[str]
    budget: list[tuple[int | None, int | None]]

    @property
    def id(self) -> int:
        return int(self.values["id"])

    def text(self, key: str) -> str:
        return str(self.values.get(key) or "")


def _current(db: Db, app_id: int) -> _Current:
    columns = _APP_COLUMNS_SQL.split(", ")
    row = db.rows(f"SELECT {_APP_COLUMNS_SQL} FROM application WHERE id = :id", {"id": app_id})[0]
    values = dict(zip(columns, row, strict=True))
    for key in ("agreement_date", "period_start", "period_end"):
        values[key] = _date(values[key])
    munis = [
        r[0]
        for r in db.rows(
            "SELECT m.name FROM applicationmunicipality am JOIN municipality m ON m.id = am.municipality_id "
            "WHERE am.application_id = :id ORDER BY am.position",
            {"id": app_id},
        )
    ]
    budget = [
        (r[0], r[1])
        for r in db.rows(
            "SELECT budget_year, amount FROM budgetline WHERE application_id = :id ORDER BY position",
            {"id": app_id},
        )
    ]
    return _Current(values, munis, budget)


def _find_existing(db: Db, parsed: ParsedApplication) -> int | None:
    """The application already in the portfolio that this one is a version of.

    Same name (letters and digits, case aside), unless both give owners that have nothing in
    common and no municipality either. A form with no name is matched on its contacts and
    hospital trust: those it fills in must all agree, and at least two of them.
    """
    name = name_key(parsed.text("name"))
    rows = db.rows(
        "SELECT id, name, owners, contact_municipal, contact_trust, hospital_trust FROM application ORDER BY id"
    )
    new_munis = parsed.municipalities + parsed.unknown_municipalities
    if name:
        for app_id, app_name, owners, *_ in rows:
            if name_key(app_name or "") != name:
                continue
            if owners_compatible(owners or "", parsed.text("owners")):
                return int(app_id)
            old_munis = [
                r[0]
                for r in db.rows(
                    "SELECT m.name FROM applicationmunicipality am JOIN municipality m ON m.id = am.municipality_id "
                    "WHERE am.application_id = :id",
                    {"id": app_id},
                )
            ]
            if owners_compatible(owners or "", parsed.text("owners"), old_munis, new_munis):
                return int(app_id)
        return None
    keys = [name_key(parsed.text(k)) for k in ("contact_municipal", "contact_trust", "hospital_trust")]
    if sum(1 for k in keys if k) < 2:
        return None
    for app_id, app_name, _owners, *theirs in rows:
        if name_key(app_name or ""):
            continue
        pairs = [(k, name_key(t or "")) for k, t in zip(keys, theirs, strict=True) if k]
        if all(k == t for k, t in pairs):
            return int(app_id)
    return None


def _round_for(
    db: Db, parsed: ParsedApplication, round_key: str | None, filename: str
) -> tuple[int, str, str]:
    """(id, key, name) of the round a new application goes to: the one asked for, else the
    newest round of the helsefellesskap its municipalities (or its hospital trust) belong to,
    else Helgeland's newest."""
    if round_key:
        found = db.rows(f'{_ROUND_SQL} WHERE r."key" = :key', {"key": round_key})
        if not found:
            known = ", ".join(r[0] for r in db.rows('SELECT "key" FROM "round" ORDER BY "key"'))
            raise ImportFailure(filename, f"fant ingen runde «{round_key}» (kjente runder: {known})")
        return int(found[0][0]), str(found[0][1]), str(found[0][2])
    hf_id: int | None = None
    if parsed.municipalities:
        wanted = {m.casefold() for m in parsed.municipalities}
        counts: Counter[int] = Counter(
            int(hf)
            for name, hf in db.rows("SELECT name, helsefellesskap_id FROM municipality")
            if hf is not None and name.casefold() in wanted
        )
        if counts:
            hf_id = counts.most_common(1)[0][0]
    if hf_id is None:
        trust = name_key(parsed.text("hospital_trust"))
        for hf, hospital_trust in db.rows("SELECT id, hospital_trust FROM helsefellesskap ORDER BY id"):
            first_word = (name_key(hospital_trust or "").split() or [""])[0]
            if trust and first_word and first_word in trust.split():
                hf_id = int(hf)
                break
    order = "ORDER BY r.year DESC, r.id DESC"
    if hf_id is not None:
        found = db.rows(f"{_ROUND_SQL} WHERE r.helsefellesskap_id = :hf {order}", {"hf": hf_id})
        if found:
            return int(found[0][0]), str(found[0][1]), str(found[0][2])
    found = db.rows(f"{_ROUND_SQL} WHERE h.\"key\" = 'helgeland' {order}") or db.rows(f"{_ROUND_SQL} {order}")
    if not found:
        raise ImportFailure(filename, "databasen har ingen runder å importere til")
    return int(found[0][0]), str(found[0][1]), str(found[0][2])


def _budget_summary(lines: Iterable[tuple[int | None, int | None]]) -> str:
    parts = [f"{year or 'uten år'}: {format_amount_or_missing(amount)}" for year, amount in lines]
    return "; ".join(parts) if parts else "ingen"


def _period(start: date | None, end: date | None, text: str) -> str:
    return f"{format_date(start)}–{format_date(end)}" if start else text


def _change(key: str, label: str, old: str, new: str) -> FieldChange:
    if not old.strip():
        return FieldChange(key, label, old, new, FILL, True)
    return FieldChange(key, label, old, new, CHANGED, False)


def _letters(text: str) -> str:
    return "".join(c for c in text.casefold() if c.isalnum())


def _cut_off(old: str, new: str) -> bool:
    """The new text is the beginning of the old one (a copy that stops part-way)."""
    a, b = _letters(old), _letters(new)
    return bool(b) and len(b) < len(a) and a.startswith(b[: max(len(b) - 8, 1)])


def _changes(current: _Current, parsed: ParsedApplication) -> list[FieldChange]:
    """What the new version would change, field by field. A field the new version leaves
    empty is never a change: a new version does not blank out text in the portfolio; a text it
    cuts short, or budget lines it leaves out, are changes that shrink (kept unless the user
    takes that one change)."""
    out: list[FieldChange] = []
    for key in APPLICATION_COLUMNS:
        old, new = current.text(key), parsed.text(key)
        if new.strip() and not same_text(old, new):
            change = _change(key, FIELD_LABELS.get(key, key), old, new)
            change.shrinks = change.kind == CHANGED and _cut_off(old, new)
            out.append(change)
    new_munis = parsed.municipalities + parsed.unknown_municipalities
    if new_munis and [m.casefold() for m in current.municipalities] != [m.casefold() for m in new_munis]:
        out.append(
            _change("municipalities", "Kommuner", ", ".join(current.municipalities), ", ".join(new_munis))
        )
    old_period = (current.values["period_start"], current.values["period_end"])
    if (parsed.period_start or parsed.period_text) and old_period != (parsed.period_start, parsed.period_end):
        old_text = _period(old_period[0], old_period[1], current.text("period_text"))
        new_text = _period(parsed.period_start, parsed.period_end, parsed.period_text)
        if not same_text(old_text, new_text):
            out.append(_change("period", "Periode", old_text, new_text))
    new_lines = [(b.budget_year, b.amount) for b in parsed.budget_lines]
    if new_lines and current.budget != new_lines:
        change = _change(
            "budget_lines",
            "Budsjettlinjer",
            _budget_summary(current.budget) if current.budget else "",
            _budget_summary(new_lines),
        )
        change.shrinks = change.kind == CHANGED and len(new_lines) < len(current.budget)
        out.append(change)
    return out


def plan_application(
    db: Db, parsed: ParsedApplication, round_key: str | None, filename: str
) -> ApplicationPlan:
    """What accepting one parsed application would do (nothing is written)."""
    existing = _find_existing(db, parsed)
    if existing is not None:
        current = _current(db, existing)
        round_id = int(current.values["round_id"])
        found = db.rows(f"{_ROUND_SQL} WHERE r.id = :id", {"id": round_id})
        plan = ApplicationPlan(parsed, round_id, str(found[0][1]), str(found[0][2]))
        plan.existing_id = existing
        plan.existing_title = current.text("name") or current.text("working_title") or "(uten navn)"
        plan.existing_version = int(current.values["version"] or 1)
        plan.changes = _changes(current, parsed)
        return plan
    round_id, key, label = _round_for(db, parsed, round_key, filename)
    return ApplicationPlan(parsed, round_id, key, label)


#: Text columns of an application with a length limit in the database (the models' max_length).
_LIMITED_FIELDS = {"name": 300}
#: The longest municipality name the database stores (Municipality.name).
_MUNICIPALITY_LENGTH = 80


def _count(number: int) -> str:
    return f"{number:,}".replace(",", " ")


def check_limits(parsed: ParsedDocument) -> None:
    """:class:`ImportFailure` for a value rsapp cannot store, on either database: a name longer
    than its column, an amount above :data:`rsapp.store.limits.MAX_AMOUNT`. Such a file is
    refused whole, before anything is written (it is rarely a form: more often a broken file)."""
    from rsapp.money import format_kr
    from rsapp.store.limits import MAX_AMOUNT

    filename = parsed.document.filename
    for app in parsed.applications:
        for key, limit in _LIMITED_FIELDS.items():
            text = app.text(key)
            if len(text) > limit:
                value = app.fields.get(key)
                where = f" (linje {value.line_start})" if value is not None and value.line_start else ""
                label = FIELD_LABELS.get(key, key)
                raise ImportFailure(
                    filename,
                    f"{label}{where} er for langt: {_count(len(text))} tegn; høyst {limit} tegn kan lagres. "
                    "Er filen et søknadsskjema?",
                )
        for name in app.municipalities + app.unknown_municipalities:
            if len(name) > _MUNICIPALITY_LENGTH:
                raise ImportFailure(
                    filename,
                    f"kommunenavnet «{name[:40]}…» er for langt ({_count(len(name))} tegn; høyst "
                    f"{_MUNICIPALITY_LENGTH})",
                )
        for budget in app.budget_lines:
            for amount in (budget.amount, budget.amount_high):
                if amount is not None and amount > MAX_AMOUNT:
                    where = f" (linje {budget.line})" if budget.line else ""
                    raise ImportFailure(
                        filename,
                        f"beløpet {format_kr(amount)}{where} er større enn rsapp kan lagre "
                        f"(høyst {format_kr(MAX_AMOUNT)})",
                    )


def preview_document(
    db: Db, parsed: ParsedDocument, path: str = "", round_key: str | None = None
) -> FilePreview:
    doc = parsed.document
    check_limits(parsed)
    preview = FilePreview(path or doc.path, doc.filename, doc.content_hash, doc.kind, doc.pages)
    preview.skipped = parsed.skipped
    before = db.rows(
        "SELECT filename, imported_at FROM importeddocument WHERE content_hash = :h", {"h": doc.content_hash}
    )
    if before:
        when = before[0][1]
        when_date = when if isinstance(when, (date, datetime)) else _date(when)
        preview.already_imported = f"importert {format_date(when_date)} (som {before[0][0]})"
        return preview
    preview.applications = [plan_application(db, app, round_key, doc.filename) for app in parsed.applications]
    return preview


def read_and_parse(path: str | Path) -> ParsedDocument:
    """Read and parse a file without touching the database (safe in a worker thread)."""
    from rsapp.importer.fields import parse_document
    from rsapp.importer.readers import read_document

    return parse_document(read_document(path))


def preview_path(source: Any, path: str | Path, round_key: str | None = None) -> FilePreview:
    """Read, parse and compare one file with the portfolio. Never raises: problems go in ``error``.

    ``source`` is an engine, a database URL or an :class:`~rsapp.importer.store.ImportStore`.
    """
    from rsapp.importer.readers import display_name

    p = Path(path)
    try:
        parsed = read_and_parse(p)
    except ImportFailure as exc:
        return FilePreview(str(p), display_name(p.name), error=str(exc))
    return preview_parsed(source, parsed, str(p), round_key)


def preview_parsed(
    source: Any, parsed: ParsedDocument, path: str = "", round_key: str | None = None
) -> FilePreview:
    store = as_store(source)
    try:
        with store.read() as db:
            return preview_document(db, parsed, path, round_key)
    except ImportFailure as exc:
        return FilePreview(path, parsed.document.filename, parsed.document.content_hash, error=str(exc))


# --------------------------------------------------------------------------- accept


def _municipality_ids(db: Db, names: list[str], hf_id: int | None) -> list[int]:
    existing = {str(name).casefold(): int(mid) for mid, name in db.rows("SELECT id, name FROM municipality")}
    ids: list[int] = []
    for name in names:
        mid = existing.get(name.casefold())
        if mid is None:
            mid = db.insert("municipality", {"name": name, "helsefellesskap_id": hf_id})
            existing[name.casefold()] = mid
        if mid not in ids:
            ids.append(mid)
    return ids


def _source_label(filename: str, parsed: ParsedApplication) -> str:
    where = parsed.where()
    return f"{filename}, {where}" if where else filename


def _write_municipalities(db: Db, app_id: int, parsed: ParsedApplication, hf_id: int | None) -> None:
    names = parsed.municipalities + parsed.unknown_municipalities
    for position, mid in enumerate(_municipality_ids(db, names, hf_id)):
        db.insert(
            "applicationmunicipality",
            {"application_id": app_id, "municipality_id": mid, "position": position},
        )


def _write_budget(db: Db, app_id: int, parsed: ParsedApplication) -> None:
    for position, b in enumerate(parsed.budget_lines):
        db.insert(
            "budgetline",
            {
                "application_id": app_id,
                "position": position,
                "budget_year": b.budget_year,
                "amount": b.amount,
                "amount_high": b.amount_high,
                "purpose": b.purpose,
                "source_phrase": b.source_phrase,
                "needs_confirmation": b.needs_confirmation,
            },
        )


def _write_table_rows(db: Db, app_id: int, parsed: ParsedApplication, tables: set[str]) -> None:
    positions: Counter[str] = Counter()
    for row in parsed.table_rows:
        if row.table not in tables:
            continue
        db.insert(
            "applicationtablerow",
            {
                "application_id": app_id,
                "table": row.table,
                "position": positions[row.table],
                "cells": list(row.cells),
            },
        )
        positions[row.table] += 1


def _write_sources(db: Db, app_id: int, parsed: ParsedApplication, filename: str) -> None:
    """Where each field is in this document (replacing what an earlier import of a file of
    the same name recorded)."""
    db.execute(
        "DELETE FROM fieldsource WHERE application_id = :id AND document = :doc",
        {"id": app_id, "doc": filename},
    )
    for key, value in parsed.fields.items():
        db.insert(
            "fieldsource",
            {
                "application_id": app_id,
                "field": key[:40],
                "document": filename,
                "line_start": value.line_start,
                "line_end": value.line_end,
                "page_start": value.page_start,
                "page_end": value.page_end,
            },
        )
    for b in parsed.budget_lines:
        if b.line is not None:
            db.insert(
                "fieldsource",
                {
                    "application_id": app_id,
                    "field": "budget_line",
                    "document": filename,
                    "line_start": b.line,
                    "line_end": b.line,
                    "page_start": b.page,
                    "page_end": b.page,
                },
            )


def _hf_of_round(db: Db, round_id: int) -> int | None:
    found = db.rows('SELECT helsefellesskap_id FROM "round" WHERE id = :id', {"id": round_id})
    return int(found[0][0]) if found and found[0][0] is not None else None


def _create(db: Db, plan: ApplicationPlan, filename: str, content_hash: str, user: str | None) -> int:
    parsed = plan.parsed
    assert plan.round_id is not None
    (last,) = db.rows("SELECT MAX(rank) FROM application WHERE round_id = :r", {"r": plan.round_id})[0]
    values: dict[str, Any] = {key: parsed.text(key) for key in APPLICATION_COLUMNS}
    values |= {
        "round_id": plan.round_id,
        "rank": int(last or 0) + 1,
        "status": "mottatt",
        "route": "begge",
        "comment": "",
        "version": 1,
        "working_title": "" if parsed.text("name").strip() else f"Uten navn – {filename}"[:300],
        "agreement_date": parsed.agreement_date,
        "period_text": parsed.period_text,
        "period_start": parsed.period_start,
        "period_end": parsed.period_end,
        "source_document": _source_label(filename, parsed),
        "content_hash": content_hash,
        "created_at": datetime.now(UTC),
    }
    app_id = db.insert("application", values)
    _write_municipalities(db, app_id, parsed, _hf_of_round(db, plan.round_id))
    _write_budget(db, app_id, parsed)
    _write_table_rows(db, app_id, parsed, {"nytte", "risiko"})
    _write_sources(db, app_id, parsed, filename)
    title = parsed.text("name") or values["working_title"]
    db.log(
        "application",
        app_id,
        "import",
        f"«{title}» importert fra {filename} som nr. {values['rank']}",
        new=_source_label(filename, parsed),
        round_id=plan.round_id,
        user=user,
    )
    return app_id


def _update(db: Db, plan: ApplicationPlan, filename: str, content_hash: str, user: str | None) -> bool:
    """Write the fields the user takes from a new version; True when anything changed."""
    parsed = plan.parsed
    assert plan.existing_id is not None
    app_id = plan.existing_id
    taken = {c.key for c in plan.changes if c.take}
    if not taken:
        _write_sources(db, app_id, parsed, filename)
        current = db.rows(
            "SELECT source_document, content_hash FROM application WHERE id = :id", {"id": app_id}
        )[0]
        fill: dict[str, Any] = {}
        if not (current[0] or "").strip():
            fill["source_document"] = _source_label(filename, parsed)
        if not (current[1] or "").strip():
            fill["content_hash"] = content_hash
        if fill:
            db.update("application", app_id, fill)
        return False
    version = db.claim(app_id, plan.existing_version, f"Søknaden «{plan.existing_title}»")
    # Every value about to be replaced, whole, for the change log (rsapp.importer.restore).
    from rsapp.importer.restore import log_replaced, snapshot

    before = {key: snapshot(db, app_id, key) for key in sorted(taken)}
    values: dict[str, Any] = {key: parsed.text(key) for key in APPLICATION_COLUMNS if key in taken}
    if "agreement_text" in taken:
        values["agreement_date"] = parsed.agreement_date
    if "period" in taken:
        values |= {
            "period_text": parsed.period_text,
            "period_start": parsed.period_start,
            "period_end": parsed.period_end,
        }
    values |= {"source_document": _source_label(filename, parsed), "content_hash": content_hash}
    db.update("application", app_id, values)
    if "municipalities" in taken:
        db.execute("DELETE FROM applicationmunicipality WHERE application_id = :id", {"id": app_id})
        _write_municipalities(db, app_id, parsed, _hf_of_round(db, plan.round_id or 0))
    if "budget_lines" in taken:
        db.execute("DELETE FROM budgetline WHERE application_id = :id", {"id": app_id})
        _write_budget(db, app_id, parsed)
    tables = {kind for key, kind in (("benefit_table", "nytte"), ("risk_table", "risiko")) if key in taken}
    if tables:
        for kind in tables:
            db.execute(
                'DELETE FROM applicationtablerow WHERE application_id = :id AND "table" = :t',
                {"id": app_id, "t": kind},
            )
        _write_table_rows(db, app_id, parsed, tables)
    _write_sources(db, app_id, parsed, filename)
    for change in plan.changes:
        if change.take and change.key in before:
            log_replaced(
                db,
                app_id,
                change.key,
                before[change.key],
                snapshot(db, app_id, change.key),
                f"{change.label} i «{plan.existing_title}» erstattet fra {filename}",
                plan.round_id,
                user,
            )
    labels = [c.label for c in plan.changes if c.take]
    kept = [c.label for c in plan.changes if not c.take]
    db.log(
        "application",
        app_id,
        "import_update",
        f"Ny versjon ({version}) av «{plan.existing_title}» importert fra {filename}: " + ", ".join(labels),
        old=f"versjon {version - 1}" + (f"; beholdt: {', '.join(kept)}" if kept else ""),
        new=f"versjon {version}",
        round_id=plan.round_id,
        user=user,
    )
    return True


def accept_preview(source: Any, preview: FilePreview, user: str | None = None) -> FileResult:
    """Write a previewed file in one transaction; on any failure nothing of it is written."""
    if preview.error is not None:
        return FileResult(preview.filename, "feil", preview.error)
    if preview.already_imported is not None:
        return FileResult(
            preview.filename,
            "allerede importert",
            f"{preview.filename}: {preview.already_imported}; ingenting endret",
        )
    store: ImportStore = as_store(source)
    plans = [p for p in preview.applications if p.accept]
    rounds = [p.round_id for p in plans if p.round_id is not None]
    try:
        with store.write(rounds) as db:
            return _accept(db, preview, plans, user)
    except ImportFailure as exc:
        problem = exc.problem or str(exc)
        return FileResult(preview.filename, "feil", f"{preview.filename}: {problem}")
    except Exception as exc:  # noqa: BLE001 - a database error for one file must not stop the others
        # Described from its kind, never its text: a driver's message holds the SQL parameters,
        # that is, names and contact details from the form.
        from rsapp.store.errors import describe

        reason = describe(exc) or f"uventet feil ({type(exc).__name__})"
        return FileResult(preview.filename, "feil", f"{preview.filename}: kunne ikke lagres. {reason}")


def _accept(db: Db, preview: FilePreview, plans: list[ApplicationPlan], user: str | None) -> FileResult:
    filename = preview.filename
    if db.rows("SELECT 1 FROM importeddocument WHERE content_hash = :h", {"h": preview.content_hash}):
        return FileResult(
            filename, "allerede importert", f"{filename}: er allerede importert; ingenting endret"
        )
    result = FileResult(filename, "uendret", "")
    for plan in plans:
        existing = plan.existing_id
        if existing is None:
            # another file of this import may have brought the same application meanwhile
            existing = _find_existing(db, plan.parsed)
            if existing is not None:
                current = _current(db, existing)
                plan.existing_id = existing
                plan.existing_title = current.text("name") or current.text("working_title") or "(uten navn)"
                plan.existing_version = int(current.values["version"] or 1)
                plan.round_id = int(current.values["round_id"])
                plan.changes = _changes(current, plan.parsed)
        if plan.existing_id is None:
            result.created.append(_create(db, plan, filename, preview.content_hash, user))
            continue
        kept = len([c for c in plan.changes if not c.take])
        result.kept_fields += kept
        if _update(db, plan, filename, preview.content_hash, user):
            result.updated.append(plan.existing_id)
        else:
            result.unchanged += 1
    db.insert(
        "importeddocument",
        {
            "content_hash": preview.content_hash,
            "filename": filename,
            "imported_at": datetime.now(UTC),
            "applications": len(result.created) + len(result.updated),
        },
    )
    parts = []
    if result.created:
        parts.append(f"{len(result.created)} ny{'e' if len(result.created) > 1 else ''}")
    if result.updated:
        parts.append(f"{len(result.updated)} oppdatert{'e' if len(result.updated) > 1 else ''}")
    if result.unchanged:
        parts.append(f"{result.unchanged} uendret")
    left_out = len(preview.applications) - len(plans)
    if left_out:
        parts.append(f"{left_out} utelatt")
    if result.kept_fields:
        parts.append(f"{result.kept_fields} {'endrede' if result.kept_fields > 1 else 'endret'} felt beholdt")
    result.status = "importert" if result.created else "oppdatert" if result.updated else "uendret"
    result.message = f"{filename}: " + (", ".join(parts) or "ingen søknader")
    return result


def discard_preview(preview: FilePreview) -> FileResult:
    return FileResult(preview.filename, "forkastet", f"{preview.filename}: forkastet; ingenting lagret")


def import_paths(
    source: Any,
    paths: Iterable[str | Path],
    *,
    round_key: str | None = None,
    decide: Callable[[FilePreview], bool] | None = None,
    replace_changed: bool = False,
) -> list[FileResult]:
    """Preview and accept each file in turn; ``decide`` (default: accept all) sees each preview.

    Fields whose text in the portfolio differs keep it unless ``replace_changed``.
    """
    store = as_store(source)
    results: list[FileResult] = []
    for path in collect_paths(paths):
        preview = preview_path(store, path, round_key)
        if preview.ok and decide is not None and not decide(preview):
            results.append(discard_preview(preview))
            continue
        if replace_changed:
            for plan in preview.applications:
                plan.take_changed()
        results.append(accept_preview(store, preview))
    return results
