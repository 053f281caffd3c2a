"""The import's two ways to the database write the same rows, and flagged amounts are confirmed later.

`rsapp import` on a SQLite file that is set up runs on stdlib sqlite3; the app, PostgreSQL and
a new database run on SQLAlchemy through the unit of work. The same files imported both ways
must leave the same rows behind, readable by the ORM.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from rsapp.cli import cli
from rsapp.db import open_database
from rsapp.importer.confirm import ConfirmError, budget_lines, confirm_all, confirm_line
from rsapp.importer.service import import_paths
from rsapp.importer.store import EngineStore, SqliteStore, open_store
from rsapp.models import (
    Application,
    ApplicationMunicipality,
    ApplicationTableRow,
    BudgetLine,
    ChangeLog,
    FieldSource,
    ImportedDocument,
)
from tests.conftest import REPO, SEEDS

CORPUS = REPO / "tests" / "fixtures" / "import"
FILES = [
    CORPUS / "tabellskjema.docx",
    CORPUS / "overskrifter.pdf",
    CORPUS / "samhandlingsrommet.md",
    CORPUS / "bunke-10.pdf",
    next(SEEDS.glob("003_*.txt")),
]


def snapshot(engine: Engine) -> dict[str, list[tuple]]:
    """Every row the import writes, without ids and clocks, read through the ORM."""
    with Session(engine) as session:
        apps = {a.id: a for a in session.exec(select(Application))}
        name = {i: a.name or a.working_title for i, a in apps.items()}
        out: dict[str, list[tuple]] = {
            "application": sorted(
                tuple(
                    str(v)
                    for k, v in a.model_dump().items()
                    if k not in ("id", "created_at")
                )
                for a in apps.values()
            ),
            "budgetline": sorted(
                (name[b.application_id], b.position, b.budget_year, b.amount, b.amount_high, b.purpose,
                 b.source_phrase, b.needs_confirmation)
                for b in session.exec(select(BudgetLine))
            ),
            "tablerow": sorted(
                (name[r.application_id], r.table, r.position, json.dumps(r.cells))
                for r in session.exec(select(ApplicationTableRow))
            ),
            "municipality": sorted(
                (name[m.application_id], m.municipality_id, m.position) for m in session.exec(select(ApplicationMunicipality))
            ),
            "fieldsource": sorted(
                (name[s.application_id], s.field, s.document, s.line_start, s.line_end, s.page_start, s.page_end)
                for s in session.exec(select(FieldSource))
            ),
            "document": sorted((d.content_hash, d.filename, d.applications) for d in session.exec(select(ImportedDocument))),
            "changelog": sorted(
                (c.entity, name.get(c.entity_id or 0, c.entity_id), c.action, c.summary, c.old, c.new, c.round_id)
                for c in session.exec(select(ChangeLog))
            ),
        }  # fmt: skip
    return out


def test_stdlib_sqlite_and_sqlalchemy_write_the_same_rows(tmp_path: Path) -> None:
    fast_url = f"sqlite:///{tmp_path / 'fast.sqlite3'}"
    orm_url = f"sqlite:///{tmp_path / 'orm.sqlite3'}"
    fast_engine, orm_engine = open_database(fast_url), open_database(orm_url)
    store = open_store(fast_url)
    assert isinstance(store, SqliteStore)  # set up, so the import runs without SQLAlchemy
    fast = import_paths(store, FILES)
    slow = import_paths(EngineStore(orm_engine), FILES)
    assert [(r.status, r.message) for r in fast] == [(r.status, r.message) for r in slow]
    assert [r.status for r in fast] == ["importert", "importert", "oppdatert", "importert", "uendret"]
    assert snapshot(fast_engine) == snapshot(orm_engine)
    with Session(fast_engine) as session:  # and the ORM reads what sqlite3 wrote
        app = session.exec(
            select(Application).where(Application.name == "Digital nattpatrulje Sør-Helgeland")
        ).one()
        assert app.agreement_date is not None and app.agreement_date.isoformat() == "2025-02-14"
        assert app.created_at is not None
        row = session.exec(
            select(ApplicationTableRow).where(ApplicationTableRow.application_id == app.id)
        ).first()
        assert row is not None and row.cells == ["Risikofaktorer", "Vurderinger", "Risikoreduserende tiltak"]
    store.close()
    fast_engine.dispose()
    orm_engine.dispose()


def test_a_new_database_is_set_up_before_the_import(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ny.sqlite3'}"
    store = open_store(url)
    assert isinstance(store, EngineStore)  # migrated and loaded through SQLAlchemy first
    [result] = import_paths(store, [CORPUS / "tabellskjema.docx"])
    assert result.status == "importert"


# --------------------------------------------------------------------------- confirming later


def _flagged(engine: Engine, tmp_path: Path) -> int:
    path = tmp_path / "flagget.txt"
    path.write_text(
        "Navn på prosjekt/pilot: Flagget\nProsjekteiere: Rana kommune\nKommune(r): Rana\n"
        "Budsjett for gjennomføring av prosjekt/pilot:\nLønn: kr. 7-800.000,-\nDrift: ca. 1 MNOK\nReiser: 250 000 kr\n",
        encoding="utf-8",
    )
    [result] = import_paths(engine, [path])
    return result.created[0]


@pytest.mark.parametrize("kind", ["engine", "sqlite"])
def test_confirming_flagged_amounts_later(engine: Engine, tmp_path: Path, kind: str) -> None:
    app_id = _flagged(engine, tmp_path)
    store = EngineStore(engine) if kind == "engine" else SqliteStore(str(engine.url.database))
    title, lines = budget_lines(store, app_id)
    assert title == "Flagget"
    assert [(b.amount, b.amount_high, b.needs_confirmation) for b in lines] == [
        (700_000, 800_000, True),
        (1_000_000, None, True),
        (250_000, None, False),
    ]
    saved = confirm_line(store, app_id, 1, pick="høy", year_text="2026")
    assert (saved.budget_year, saved.amount, saved.needs_confirmation) == (2026, 800_000, False)
    confirm_line(store, app_id, 2, amount_text="950 000")
    with pytest.raises(ConfirmError, match="Kan ikke lese beløpet «mye»"):
        confirm_line(store, app_id, 3, amount_text="mye")
    with pytest.raises(ConfirmError, match="linje 9 finnes ikke"):
        confirm_line(store, app_id, 9)
    with pytest.raises(ConfirmError, match="endret av en annen bruker"):
        confirm_line(store, app_id, 3, version=1)  # the version seen before the confirmations above
    with Session(engine) as session:
        rows = session.exec(
            select(BudgetLine).where(BudgetLine.application_id == app_id).order_by(BudgetLine.position)
        )
        assert [(b.budget_year, b.amount, b.amount_high, b.needs_confirmation) for b in rows] == [
            (2026, 800_000, None, False),
            (None, 950_000, None, False),
            (None, 250_000, None, False),
        ]
        log = session.exec(select(ChangeLog).where(ChangeLog.action == "bekreft_belop")).all()
        assert [(c.old, c.new) for c in log] == [
            ("uten år: 700\u00a0000 kr (spenn opp til 800\u00a0000 kr)", "2026: 800\u00a0000 kr"),
            ("uten år: 1\u00a0000\u00a0000 kr", "uten år: 950\u00a0000 kr"),
        ]
        assert session.get(Application, app_id).version == 3
    assert confirm_all(store, app_id) == []  # nothing left to confirm


def test_rsapp_bekreft(
    sqlite_url: str, engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    app_id = _flagged(engine, tmp_path)
    assert cli(["--db", sqlite_url, "bekreft", str(app_id)]) == 0
    out = capsys.readouterr().out
    assert "Flagget:" in out and out.count("⚠ må bekreftes") == 2
    assert cli(["--db", sqlite_url, "bekreft", str(app_id), "--linje", "1", "--hoy", "--ar", "2026"]) == 0
    out = capsys.readouterr().out
    assert "Budsjettlinje 1 bekreftet: 2026, 800\u00a0000 kr." in out and out.count("⚠ må bekreftes") == 1
    assert cli(["--db", sqlite_url, "bekreft", str(app_id), "--alle"]) == 0
    out = capsys.readouterr().out
    assert "1 beløp bekreftet slik de står." in out and "⚠ må bekreftes" not in out
    assert cli(["--db", sqlite_url, "bekreft", "9999"]) == 1
    assert "Fant ingen søknad med nummer 9999" in capsys.readouterr().err


def test_import_full_shows_every_field_whole(sqlite_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(["--db", sqlite_url, "import", str(CORPUS / "tabellskjema.docx"), "--yes", "--full"]) == 0
    out = capsys.readouterr().out
    assert (
        "Runde: Helsefellesskap Helgeland – Rekrutterings- og samhandlingstilskudd 2026 (helgeland-2026)"
        in out
    )
    assert "    Målgruppen er skrøpelige eldre og personer med kognitiv svikt som bor hjemme." in out
    assert "Sum av budsjettlinjene: 4\u00a0657\u00a0500 kr" in out
    assert (
        "Oppgitt i dokumentet: Totalkostnad 9\u00a0315\u00a0000 kr (avsnitt 13) – ⚠ stemmer ikke med summen"
        in out
    )
    assert "Vedlegg: Signaturer (avsnitt 18–20) – lagt i «Øvrig tekst»" in out
