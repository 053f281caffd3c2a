"""The database side of the import: preview (nothing written), then accept (one transaction per file).

- :func:`preview_path` reads and parses a file and compares each application with the
  portfolio: new, an update of an application already there (same name and owners), or
  unchanged. A document whose content hash was imported before is reported as such.
- :func:`accept_preview` writes one file's applications with their municipalities (unknown
  ones are added), budget lines, table rows, field sources and the imported document, in one
  transaction: a file that fails leaves the database as it was.
- :func:`import_paths` does both for many files, asking a callback whether to accept each.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from rsapp.dates import format_date
from rsapp.importer.errors import ImportFailure
from rsapp.importer.fields import TEXT_FIELDS, ParsedApplication, ParsedDocument, parse_document
from rsapp.importer.headings import FIELD_LABELS
from rsapp.importer.readers import read_document
from rsapp.importer.splitter import SkippedBlock
from rsapp.models import (
    Application,
    ApplicationMunicipality,
    ApplicationTableRow,
    BudgetLine,
    ChangeLog,
    FieldSource,
    Helsefellesskap,
    ImportedDocument,
    Municipality,
    Round,
)
from rsapp.money import format_amount_or_missing

__all__ = [
    "FieldChange",
    "ApplicationPlan",
    "FilePreview",
    "FileResult",
    "collect_paths",
    "preview_path",
    "preview_document",
    "accept_preview",
    "import_paths",
    "APPLICATION_COLUMNS",
    "same_text",
    "diff_fragments",
]

# Parsed field key -> Application column (the same names, except municipalities, which is a list).
APPLICATION_COLUMNS: tuple[str, ...] = tuple(f for f in TEXT_FIELDS if f != "municipalities")

STATUS_NEW = "ny"
STATUS_UPDATE = "oppdatering"
STATUS_UNCHANGED = "uendret"


@dataclass(slots=True)
class FieldChange:
    key: str
    label: str
    old: str
    new: str

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
    round_label: str = ""
    existing_id: int | None = None
    existing_title: str = ""
    changes: list[FieldChange] = field(default_factory=list)
    accept: bool = True  # the user may leave one application of a file out

    @property
    def action(self) -> str:
        if self.existing_id is None:
            return STATUS_NEW
        return STATUS_UPDATE if self.changes else STATUS_UNCHANGED


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
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if name.startswith((".", "~$")):
                        continue
                    out.append(Path(root) / name)
        else:
            out.append(p)
    return out


# --------------------------------------------------------------------------- preview


def _norm(text: str) -> str:
    text = text.replace("–", "-").replace("—", "-").replace("\u00a0", " ")
    return " ".join(text.casefold().split())


_DASHES = {"–": "-", "—": "-", "‐": "-", "‑": "-"}


_IGNORED = frozenset("|,")


def _comparable(text: str) -> tuple[str, list[int]]:
    """Text as compared for a new version, with each character's position in the original.

    Case, dashes and whitespace do not count (a PDF line break inside a word, «eksem pel», is
    the same text as «eksempel»), nor do table cell separators «|» and commas: a table read
    from a PDF has no separators, and a hand-copied one writes commas or « | » between cells.
    Amounts are compared as budget lines, so «1,5» against «15» is still seen there.
    """
    chars: list[str] = []
    positions: list[int] = []
    for i, ch in enumerate(text):
        if ch.isspace() or ch in _IGNORED:
            continue
        for folded in _DASHES.get(ch, ch).casefold():
            chars.append(folded)
            positions.append(i)
    return "".join(chars), positions


def same_text(old: str, new: str) -> bool:
    """True when two field texts differ only in case, dashes, whitespace, commas or table separators."""
    return _comparable(old)[0] == _comparable(new)[0]


def _fragment(text: str, at: int, before: int, after: int) -> str:
    start, end = max(0, at - before), min(len(text), at + after)
    # widen to whole words
    while start > 0 and not text[start - 1].isspace() and at - start < before + 15:
        start -= 1
    while end < len(text) and not text[end].isspace() and end - at < after + 15:
        end += 1
    piece = " ".join(text[start:end].split())
    return ("…" if start > 0 else "") + piece + ("…" if end < len(text) else "")


def diff_fragments(old: str, new: str, before: int = 25, after: int = 45) -> tuple[str, str]:
    """The old and new text around their first real difference, with "…" where text is left out.

    Differences that :func:`same_text` ignores do not count, so the fragments show what a
    user would call the change, not identical prefixes.
    """
    a, a_pos = _comparable(old)
    b, b_pos = _comparable(new)
    k = 0
    limit = min(len(a), len(b))
    while k < limit and a[k] == b[k]:
        k += 1
    if k == len(a) == len(b):
        return _fragment(old, 0, 0, before + after), _fragment(new, 0, 0, before + after)
    at_old = a_pos[k] if k < len(a) else len(old.rstrip())
    at_new = b_pos[k] if k < len(b) else len(new.rstrip())
    return _fragment(old, at_old, before, after), _fragment(new, at_new, before, after)


def _find_existing(session: Session, parsed: ParsedApplication) -> Application | None:
    """The application already in the portfolio with the same name and owners.

    A form with no name (as in seed 000) is matched on its contacts and hospital trust instead,
    and only when all three are filled in.
    """
    name, owners = _norm(parsed.text("name")), _norm(parsed.text("owners"))
    if name:
        rows = session.exec(
            select(Application.id, Application.name, Application.owners).order_by(col(Application.id))
        )
        for app_id, app_name, app_owners in rows:
            if _norm(app_name) == name and _norm(app_owners) == owners:
                return session.get(Application, app_id)
        return None
    keys = (
        _norm(parsed.text("contact_municipal")),
        _norm(parsed.text("contact_trust")),
        _norm(parsed.text("hospital_trust")),
    )
    if not all(keys):
        return None
    nameless = session.exec(
        select(
            Application.id,
            Application.contact_municipal,
            Application.contact_trust,
            Application.hospital_trust,
        )
        .where(func.trim(Application.name) == "")
        .order_by(col(Application.id))
    )
    for app_id, contact_municipal, contact_trust, trust in nameless:
        if (_norm(contact_municipal), _norm(contact_trust), _norm(trust)) == keys:
            return session.get(Application, app_id)
    return None


def _round_for(session: Session, parsed: ParsedApplication, round_key: str | None, filename: str) -> Round:
    if round_key:
        round_ = session.exec(select(Round).where(Round.key == round_key)).first()
        if round_ is None:
            known = ", ".join(session.exec(select(Round.key).order_by(Round.key)).all())
            raise ImportFailure(filename, f"fant ingen runde «{round_key}» (kjente runder: {known})")
        return round_
    hf_id: int | None = None
    if parsed.municipalities:
        rows = session.exec(
            select(Municipality.helsefellesskap_id).where(col(Municipality.name).in_(parsed.municipalities))
        ).all()
        counts = Counter(r for r in rows if r is not None)
        if counts:
            hf_id = counts.most_common(1)[0][0]
    if hf_id is None:
        trust = _norm(parsed.text("hospital_trust"))
        for hf in session.exec(select(Helsefellesskap)):
            first_word = _norm(hf.hospital_trust).split(" ")[0]
            if trust and first_word and first_word in trust:
                hf_id = hf.id
                break
    query = select(Round).order_by(col(Round.year).desc(), col(Round.id).desc())
    if hf_id is not None:
        round_ = session.exec(query.where(Round.helsefellesskap_id == hf_id)).first()
        if round_ is not None:
            return round_
    helgeland = session.exec(
        query.join(Helsefellesskap, col(Helsefellesskap.id) == Round.helsefellesskap_id).where(
            Helsefellesskap.key == "helgeland"
        )
    ).first()
    round_ = helgeland or session.exec(query).first()
    if round_ is None:
        raise ImportFailure(filename, "databasen har ingen runder å importere til")
    return round_


def _application_municipalities(session: Session, app_id: int) -> list[str]:
    return list(
        session.exec(
            select(Municipality.name)
            .join(ApplicationMunicipality, col(ApplicationMunicipality.municipality_id) == Municipality.id)
            .where(ApplicationMunicipality.application_id == app_id)
            .order_by(ApplicationMunicipality.position)
        ).all()
    )


def _budget_summary(lines: Iterable[tuple[int | None, int | None]]) -> str:
    parts = [f"{year or 'uten år'}: {format_amount_or_missing(amount)}" for year, amount in lines]
    return "; ".join(parts) if parts else "ingen"


def _changes(session: Session, app: Application, parsed: ParsedApplication) -> list[FieldChange]:
    out: list[FieldChange] = []
    for key in APPLICATION_COLUMNS:
        old, new = getattr(app, key) or "", parsed.text(key)
        if not same_text(old, new):
            out.append(FieldChange(key, FIELD_LABELS.get(key, key), old, new))
    old_munis = _application_municipalities(session, app.id)  # type: ignore[arg-type]
    new_munis = parsed.municipalities + parsed.unknown_municipalities
    if old_munis != new_munis:
        out.append(FieldChange("municipalities", "Kommuner", ", ".join(old_munis), ", ".join(new_munis)))
    if app.agreement_date != parsed.agreement_date:
        out.append(
            FieldChange(
                "agreement_date",
                "Dato for signert avtale",
                format_date(app.agreement_date),
                format_date(parsed.agreement_date),
            )
        )
    if (app.period_start, app.period_end) != (parsed.period_start, parsed.period_end):
        old = (
            f"{format_date(app.period_start)}–{format_date(app.period_end)}"
            if app.period_start
            else app.period_text
        )
        new = (
            f"{format_date(parsed.period_start)}–{format_date(parsed.period_end)}"
            if parsed.period_start
            else parsed.period_text
        )
        out.append(FieldChange("period", "Periode", old, new))
    old_lines = [
        (b.budget_year, b.amount)
        for b in session.exec(
            select(BudgetLine).where(BudgetLine.application_id == app.id).order_by(BudgetLine.position)
        )
    ]
    new_lines = [(b.budget_year, b.amount) for b in parsed.budget_lines]
    if old_lines != new_lines:
        out.append(
            FieldChange(
                "budget_lines", "Budsjettlinjer", _budget_summary(old_lines), _budget_summary(new_lines)
            )
        )
    return out


def plan_application(
    session: Session, parsed: ParsedApplication, round_key: str | None, filename: str
) -> ApplicationPlan:
    """What accepting one parsed application would do (nothing is written)."""
    existing = _find_existing(session, parsed)
    if existing is not None:
        round_ = session.get(Round, existing.round_id)
    else:
        round_ = _round_for(session, parsed, round_key, filename)
    assert round_ is not None
    plan = ApplicationPlan(parsed, round_.id, round_.key, round_.name)
    if existing is not None:
        plan.existing_id = existing.id
        plan.existing_title = existing.name or existing.working_title or "(uten navn)"
        plan.changes = _changes(session, existing, parsed)
    return plan


def preview_document(
    session: Session, parsed: ParsedDocument, path: str = "", round_key: str | None = None
) -> FilePreview:
    doc = parsed.document
    preview = FilePreview(path or doc.path, doc.filename, doc.content_hash, doc.kind, doc.pages)
    preview.skipped = parsed.skipped
    before = session.exec(
        select(ImportedDocument).where(ImportedDocument.content_hash == doc.content_hash)
    ).first()
    if before is not None:
        preview.already_imported = f"importert {format_date(before.imported_at)} (som {before.filename})"
        return preview
    preview.applications = [
        plan_application(session, app, round_key, doc.filename) for app in parsed.applications
    ]
    return preview


def read_and_parse(path: str | Path) -> ParsedDocument:
    """Read and parse a file without touching the database (safe in a worker thread)."""
    return parse_document(read_document(path))


def preview_path(engine: Engine, path: str | Path, round_key: str | None = None) -> FilePreview:
    """Read, parse and compare one file with the portfolio. Never raises: problems go in ``error``."""
    p = Path(path)
    try:
        parsed = read_and_parse(p)
    except ImportFailure as exc:
        return FilePreview(str(p), p.name, error=str(exc))
    return preview_parsed(engine, parsed, str(p), round_key)


def preview_parsed(
    engine: Engine, parsed: ParsedDocument, path: str = "", round_key: str | None = None
) -> FilePreview:
    try:
        with Session(engine) as session:
            return preview_document(session, parsed, path, round_key)
    except ImportFailure as exc:
        return FilePreview(path, parsed.document.filename, parsed.document.content_hash, error=str(exc))


# --------------------------------------------------------------------------- accept


def _municipality_ids(session: Session, names: list[str], hf_id: int | None) -> list[int]:
    existing = {m.name.casefold(): m for m in session.exec(select(Municipality))}
    ids: list[int] = []
    for name in names:
        m = existing.get(name.casefold())
        if m is None:
            m = Municipality(name=name, helsefellesskap_id=hf_id)
            session.add(m)
            session.flush()
            existing[name.casefold()] = m
        if m.id not in ids:
            ids.append(m.id)  # type: ignore[arg-type]
    return ids


def _source_label(filename: str, parsed: ParsedApplication) -> str:
    where = parsed.where()
    return f"{filename}, {where}" if where else filename


def _write_children(
    session: Session, app: Application, parsed: ParsedApplication, filename: str, hf_id: int | None
) -> None:
    for position, mid in enumerate(
        _municipality_ids(session, parsed.municipalities + parsed.unknown_municipalities, hf_id)
    ):
        session.add(ApplicationMunicipality(application_id=app.id, municipality_id=mid, position=position))  # type: ignore[arg-type]
    for position, b in enumerate(parsed.budget_lines):
        session.add(
            BudgetLine(
                application_id=app.id,  # type: ignore[arg-type]
                position=position,
                budget_year=b.budget_year,
                amount=b.amount,
                amount_high=b.amount_high,
                purpose=b.purpose,
                source_phrase=b.source_phrase,
                needs_confirmation=b.needs_confirmation,
            )
        )
    positions: Counter[str] = Counter()
    for row in parsed.table_rows:
        session.add(
            ApplicationTableRow(
                application_id=app.id, table=row.table, position=positions[row.table], cells=list(row.cells)
            )  # type: ignore[arg-type]
        )
        positions[row.table] += 1
    _write_sources(session, app.id, parsed, filename)  # type: ignore[arg-type]


def _write_sources(session: Session, app_id: int, parsed: ParsedApplication, filename: str) -> None:
    for key, value in parsed.fields.items():
        session.add(
            FieldSource(
                application_id=app_id,
                field=key[:40],
                document=filename,
                line_start=value.line_start,
                line_end=value.line_end,
                page_start=value.page_start,
                page_end=value.page_end,
            )
        )
    for b in parsed.budget_lines:
        if b.line is not None:
            session.add(
                FieldSource(
                    application_id=app_id,
                    field="budget_line",
                    document=filename,
                    line_start=b.line,
                    line_end=b.line,
                    page_start=b.page,
                    page_end=b.page,
                )
            )


def _record_sources(
    session: Session, app: Application, parsed: ParsedApplication, filename: str, content_hash: str
) -> None:
    """Provenance for an application found unchanged: its field sources in this document."""
    for row in session.exec(
        select(FieldSource).where(FieldSource.application_id == app.id, FieldSource.document == filename)
    ):
        session.delete(row)
    session.flush()
    _write_sources(session, app.id, parsed, filename)  # type: ignore[arg-type]
    if not (app.source_document or "").strip():
        app.source_document = _source_label(filename, parsed)
    if not (app.content_hash or "").strip():
        app.content_hash = content_hash
    session.add(app)


def _apply_fields(app: Application, parsed: ParsedApplication, filename: str, content_hash: str) -> None:
    for key in APPLICATION_COLUMNS:
        setattr(app, key, parsed.text(key))
    app.agreement_date = parsed.agreement_date
    app.period_text = parsed.period_text
    app.period_start = parsed.period_start
    app.period_end = parsed.period_end
    app.source_document = _source_label(filename, parsed)
    app.content_hash = content_hash
    if not parsed.text("name").strip() and not app.working_title:
        app.working_title = f"Uten navn – {filename}"


def _delete_children(session: Session, app_id: int) -> None:
    for model in (ApplicationMunicipality, BudgetLine, ApplicationTableRow, FieldSource):
        for row in session.exec(select(model).where(model.application_id == app_id)):  # type: ignore[attr-defined]
            session.delete(row)
    session.flush()


def accept_preview(engine: Engine, preview: FilePreview, user: str | None = None) -> FileResult:
    """Write a previewed file in one transaction; on any failure nothing of it is written."""
    if preview.error is not None:
        return FileResult(preview.filename, "feil", preview.error)
    if preview.already_imported is not None:
        return FileResult(
            preview.filename,
            "allerede importert",
            f"{preview.filename}: {preview.already_imported}; ingenting endret",
        )
    if user is None:
        from rsapp.config import current_user

        user = current_user()
    plans = [p for p in preview.applications if p.accept]
    try:
        from rsapp.store.unit_of_work import unit_of_work

        with Session(engine, expire_on_commit=False) as session:
            with unit_of_work(session):  # committed whole, or rolled back whole
                result = _accept(session, preview, plans, user)
            return result
    except ImportFailure as exc:
        return FileResult(preview.filename, "feil", str(exc))
    except Exception as exc:  # noqa: BLE001 - a database error for one file must not stop the others
        return FileResult(
            preview.filename, "feil", f"{preview.filename}: kunne ikke lagres ({type(exc).__name__}: {exc})"
        )


def _accept(session: Session, preview: FilePreview, plans: list[ApplicationPlan], user: str) -> FileResult:
    filename = preview.filename
    if session.exec(
        select(ImportedDocument).where(ImportedDocument.content_hash == preview.content_hash)
    ).first():
        return FileResult(
            filename, "allerede importert", f"{filename}: er allerede importert; ingenting endret"
        )
    created: list[int] = []
    updated: list[int] = []
    unchanged = 0
    for plan in plans:
        parsed = plan.parsed
        existing = _find_existing(session, parsed)
        if existing is not None:
            if not _changes(session, existing, parsed):
                # Same content: keep the application, but remember where each field is in this
                # document (replacing what an earlier import of the same file name recorded).
                _record_sources(session, existing, parsed, filename, preview.content_hash)
                unchanged += 1
                continue
            round_ = session.get(Round, existing.round_id)
            old_title = existing.name or existing.working_title
            _apply_fields(existing, parsed, filename, preview.content_hash)
            existing.version += 1
            session.add(existing)
            session.flush()
            _delete_children(session, existing.id)  # type: ignore[arg-type]
            _write_children(
                session, existing, parsed, filename, round_.helsefellesskap_id if round_ else None
            )
            session.add(
                ChangeLog(
                    user=user,
                    round_id=existing.round_id,
                    entity="application",
                    entity_id=existing.id,
                    action="import_update",
                    summary=f"Ny versjon ({existing.version}) av «{old_title}» importert fra {filename}",
                    old=f"versjon {existing.version - 1}",
                    new=f"versjon {existing.version}",
                )
            )
            updated.append(existing.id)  # type: ignore[arg-type]
            continue
        round_ = session.get(Round, plan.round_id) if plan.round_id is not None else None
        if round_ is None:
            round_ = _round_for(session, parsed, None, filename)
        last = session.exec(select(func.max(Application.rank)).where(Application.round_id == round_.id)).one()
        app = Application(round_id=round_.id, rank=(last or 0) + 1, status="mottatt")  # type: ignore[arg-type]
        _apply_fields(app, parsed, filename, preview.content_hash)
        session.add(app)
        session.flush()
        _write_children(session, app, parsed, filename, round_.helsefellesskap_id)
        session.add(
            ChangeLog(
                user=user,
                round_id=round_.id,
                entity="application",
                entity_id=app.id,
                action="import",
                summary=f"«{app.name or app.working_title}» importert fra {filename} som nr. {app.rank}",
                new=_source_label(filename, parsed),
            )
        )
        created.append(app.id)  # type: ignore[arg-type]
    session.add(
        ImportedDocument(
            content_hash=preview.content_hash, filename=filename, applications=len(created) + len(updated)
        )
    )
    session.flush()
    parts = []
    if created:
        parts.append(f"{len(created)} ny{'e' if len(created) > 1 else ''}")
    if updated:
        parts.append(f"{len(updated)} oppdatert{'e' if len(updated) > 1 else ''}")
    if unchanged:
        parts.append(f"{unchanged} uendret")
    left_out = len(preview.applications) - len(plans)
    if left_out:
        parts.append(f"{left_out} utelatt")
    status = "importert" if created else "oppdatert" if updated else "uendret"
    return FileResult(
        filename, status, f"{filename}: " + (", ".join(parts) or "ingen søknader"), created, updated
    )


def discard_preview(preview: FilePreview) -> FileResult:
    return FileResult(preview.filename, "forkastet", f"{preview.filename}: forkastet; ingenting lagret")


def import_paths(
    engine: Engine,
    paths: Iterable[str | Path],
    *,
    round_key: str | None = None,
    decide: Callable[[FilePreview], bool] | None = None,
) -> list[FileResult]:
    """Preview and accept each file in turn; ``decide`` (default: accept all) sees each preview."""
    results: list[FileResult] = []
    for path in collect_paths(paths):
        preview = preview_path(engine, path, round_key)
        if preview.ok and decide is not None and not decide(preview):
            results.append(discard_preview(preview))
            continue
        results.append(accept_preview(engine, preview))
    return results
