"""The database side of the import: preview, accept, re-import, new versions and bad input."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from rsapp.cli import cli
from rsapp.db import open_database
from rsapp.importer.fields import BudgetDraft
from rsapp.importer.service import (
    APPLICATION_COLUMNS,
    accept_preview,
    diff_fragments,
    import_paths,
    preview_path,
    same_text,
)
from rsapp.models import (
    Application,
    ApplicationMunicipality,
    ApplicationTableRow,
    BudgetLine,
    ChangeLog,
    FieldSource,
    ImportedDocument,
    Municipality,
    Round,
)
from tests.conftest import SEEDS

BUNDLE = next(SEEDS.glob("003_*.txt"))
SINGLE = next(SEEDS.glob("000_*.txt"))
TABLES = (
    Application,
    ApplicationMunicipality,
    ApplicationTableRow,
    BudgetLine,
    ChangeLog,
    FieldSource,
    ImportedDocument,
    Municipality,
)


def counts(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        return {t.__name__: session.exec(select(func.count()).select_from(t)).one() for t in TABLES}


def named_alis(
    tmp_path: Path, amount: str = "1,2 millioner kroner per år", name: str = "ALIS-rotasjon i Harstad"
) -> Path:
    """The 000 form with its name and owners filled in: a new application for the portfolio."""
    text = SINGLE.read_text(encoding="utf-8")
    text = text.replace("Navn på prosjekt/pilot: ", f"Navn på prosjekt/pilot: {name}", 1)
    text = text.replace("Prosjekteiere:  ", "Prosjekteiere: Harstad kommune og UNN Harstad", 1)
    text = text.replace("1,2 millioner kroner per år", amount)
    path = tmp_path / "alis.txt"
    path.write_text(text, encoding="utf-8")
    return path


def test_preview_writes_nothing(engine: Engine, tmp_path: Path) -> None:
    before = counts(engine)
    preview = preview_path(engine, named_alis(tmp_path))
    assert preview.ok and [p.action for p in preview.applications] == ["ny"]
    assert counts(engine) == before


def test_accept_writes_application_with_budget_municipalities_and_sources(
    any_engine: Engine, tmp_path: Path
) -> None:
    engine = any_engine  # SQLite and PostgreSQL
    path = named_alis(tmp_path)
    preview = preview_path(engine, path)
    result = accept_preview(engine, preview, user="test")
    assert result.status == "importert", result.message
    with Session(engine) as session:
        app = session.get(Application, result.created[0])
        round_ = session.get(Round, app.round_id)
        assert round_.key == "troms-ofoten-2025"  # Harstad belongs to Troms og Ofoten
        ranks = session.exec(select(Application.rank).where(Application.round_id == round_.id)).all()
        assert app.rank == max(r for r in ranks if r is not None) == len(ranks)  # last + 1
        assert app.name == "ALIS-rotasjon i Harstad"
        assert app.owners == "Harstad kommune og UNN Harstad"
        lines = session.exec(select(BudgetLine).where(BudgetLine.application_id == app.id)).all()
        assert [(b.amount, b.needs_confirmation, b.source_phrase) for b in lines] == [
            (1_200_000, True, "1,2 millioner kroner per år")
        ]
        sources = {
            s.field: s for s in session.exec(select(FieldSource).where(FieldSource.application_id == app.id))
        }
        assert (sources["name"].document, sources["name"].line_start) == ("alis.txt", 27)
        assert (sources["involvement"].line_start, sources["involvement"].line_end) == (137, 140)
        assert sources["budget_line"].line_start == 100
        doc = session.exec(select(ImportedDocument)).one()
        assert (
            doc.filename == "alis.txt" and doc.applications == 1 and doc.content_hash == preview.content_hash
        )
        assert app.source_document == "alis.txt, linje 27–140"


def test_reimport_is_a_no_op(engine: Engine, tmp_path: Path) -> None:
    path = named_alis(tmp_path)
    assert import_paths(engine, [path])[0].status == "importert"
    before = counts(engine)
    copy = tmp_path / "same-content-other-name.txt"
    copy.write_bytes(path.read_bytes())
    results = import_paths(engine, [path, copy])
    assert [r.status for r in results] == ["allerede importert", "allerede importert"]
    assert "ingenting endret" in results[0].message
    assert counts(engine) == before


def test_new_version_is_offered_as_an_update_with_a_diff(engine: Engine, tmp_path: Path) -> None:
    first = import_paths(engine, [named_alis(tmp_path)])[0]
    app_id = first.created[0]
    before = counts(engine)
    (tmp_path / "v2").mkdir()
    newer = named_alis(tmp_path / "v2", amount="1,5 millioner kroner per år")
    preview = preview_path(engine, newer)
    plan = preview.applications[0]
    assert plan.action == "oppdatering" and plan.existing_id == app_id
    changed = {c.key: c for c in plan.changes}
    assert set(changed) == {"budget_text", "budget_lines"}
    assert "1 200 000" in changed["budget_lines"].old.replace("\u00a0", " ")
    assert "1 500 000" in changed["budget_lines"].new.replace("\u00a0", " ")
    # Both fields have text in the portfolio: by default the portfolio keeps it ("behold min").
    assert [(c.kind, c.take) for c in plan.changes] == [("endret", False), ("endret", False)]
    kept = accept_preview(engine, preview)
    assert kept.status == "uendret" and kept.kept_fields == 2
    assert kept.message == "alis.txt: 1 uendret, 2 endrede felt beholdt"
    with Session(engine) as session:
        amounts = session.exec(select(BudgetLine.amount).where(BudgetLine.application_id == app_id)).all()
        assert amounts == [1_200_000] and session.get(Application, app_id).version == 1
    # Taking the new text, field by field, writes the new version.
    (tmp_path / "v3").mkdir()
    third = named_alis(tmp_path / "v3", amount="1,5 millioner kroner  per år")
    preview = preview_path(engine, third)
    plan = preview.applications[0]
    for change in plan.changes:
        change.take = True
    result = accept_preview(engine, preview)
    assert result.status == "oppdatert" and result.updated == [app_id]
    after = counts(engine)
    assert after["Application"] == before["Application"]  # not a duplicate
    with Session(engine) as session:
        app = session.get(Application, app_id)
        assert app.version == 2
        amounts = session.exec(select(BudgetLine.amount).where(BudgetLine.application_id == app_id)).all()
        assert amounts == [1_500_000]
        log = session.exec(select(ChangeLog).where(ChangeLog.action == "import_update")).one()
        assert log.summary.endswith(
            "importert fra alis.txt: Budsjett for gjennomføring av prosjekt/pilot, Budsjettlinjer"
        )


def field_sources(engine: Engine, app_id: int) -> dict[str, FieldSource]:
    with Session(engine) as session:
        rows = session.exec(select(FieldSource).where(FieldSource.application_id == app_id)).all()
        return {row.field: row for row in rows}


def assert_every_field_has_a_source(engine: Engine, app_id: int, document: str) -> None:
    sources = field_sources(engine, app_id)
    with Session(engine) as session:
        app = session.get(Application, app_id)
        filled = [key for key in APPLICATION_COLUMNS if (getattr(app, key) or "").strip()]
        assert app.content_hash and app.source_document.startswith(document)
    assert filled, "an application with no text at all"
    for key in filled:
        assert key in sources, f"{app.name or app.working_title}: {key} has no source"
        assert sources[key].document == document and sources[key].line_start is not None


def test_bundle_into_seeded_database_updates_rather_than_duplicates(any_engine: Engine) -> None:
    """The bundle against its own hand-made copies in the built-in data.

    Text that differs only in spacing, in words a PDF line break split («eksem pel»), or in
    the table separators of the hand copy is the same text: three applications are unchanged.
    Two hand copies keep text the importer reads differently: 02 keeps the municipality
    lines and 05 the cover letter unlabelled in «øvrig tekst», where the importer puts the
    municipalities in their own field and labels the cover letter as an attachment. Those two
    are offered as new versions with exactly that change; the hand-made («curated») text is
    kept unless the user takes the new text, here for 02 only.
    """
    engine = any_engine  # SQLite and PostgreSQL
    before = counts(engine)
    preview = preview_path(engine, BUNDLE)
    actions = [(p.existing_id, p.action, [c.key for c in p.changes]) for p in preview.applications]
    with Session(engine) as session:
        ids = [session.exec(select(Application.id).where(Application.name == p.parsed.text("name"))).one()
               for p in preview.applications]  # fmt: skip
    assert actions == [
        (ids[0], "uendret", []),
        (ids[1], "oppdatering", ["other_text"]),
        (ids[2], "uendret", []),
        (ids[3], "uendret", []),
        (ids[4], "oppdatering", ["other_text"]),
    ]
    assert all(not c.take for p in preview.applications for c in p.changes)  # "behold min" by default
    assert {p.round_key for p in preview.applications} == {"helgeland-2026"}
    assert {p.round_label for p in preview.applications} == {
        "Helsefellesskap Helgeland – Rekrutterings- og samhandlingstilskudd 2026"
    }
    preview.applications[1].take_changed()
    result = accept_preview(engine, preview, user="test")
    assert result.status == "oppdatert" and result.created == [] and result.updated == [ids[1]]
    assert result.message == f"{BUNDLE.name}: 1 oppdatert, 4 uendret, 1 endret felt beholdt"
    after = counts(engine)
    assert after["Application"] == before["Application"]
    # One entry per new version, and one per value it replaced (kept whole: rsapp.importer.restore).
    assert after["ChangeLog"] == before["ChangeLog"] + 2
    with Session(engine) as session:
        versions = [session.get(Application, i).version for i in ids]
        nurse = session.get(Application, ids[4])
        assert nurse.other_text.startswith("Oversending av søknad Helgelandssykepleier")  # kept as it was
        log = session.exec(select(ChangeLog).where(ChangeLog.action == "import_update")).one()
        assert log.user == "test" and log.entity_id == ids[1]
    assert versions == [1, 2, 1, 1, 1]
    for app_id in ids:
        assert_every_field_has_a_source(engine, app_id, BUNDLE.name)
    assert preview_path(engine, BUNDLE).already_imported  # and the file is now known


def test_unchanged_applications_still_get_their_sources(engine: Engine) -> None:
    """Importing the seeds into the seeded database: every application of those files can be
    traced to its lines, also the ones found unchanged (which keep their text and version)."""
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(FieldSource)).one() == 0
    results = import_paths(engine, [SINGLE, BUNDLE])
    assert [r.status for r in results] == ["uendret", "uendret"]  # the hand-made text is kept
    with Session(engine) as session:
        apps = session.exec(select(Application).order_by(Application.id)).all()
        by_document = {
            a.id: a.source_document.split(",")[0] for a in apps if a.source_document and a.content_hash
        }
    assert sorted(by_document.values()) == [SINGLE.name] + [BUNDLE.name] * 5
    for app_id, document in by_document.items():
        assert_every_field_has_a_source(engine, app_id, document)
    nameless = next(i for i, d in by_document.items() if d == SINGLE.name)
    assert field_sources(engine, nameless)["involvement"].line_start == 137
    assert field_sources(engine, nameless)["budget_line"].line_start == 100


def test_seed_000_matches_the_built_in_nameless_application(engine: Engine) -> None:
    preview = preview_path(engine, SINGLE)
    [plan] = preview.applications
    assert plan.existing_id is not None and plan.round_key == "troms-ofoten-2025"
    assert plan.action == "uendret"


def test_a_failing_file_leaves_the_database_unchanged(any_engine: Engine, tmp_path: Path) -> None:
    engine = any_engine  # SQLite and PostgreSQL
    preview = preview_path(engine, named_alis(tmp_path))
    # A budget line the database refuses (negative amount) fails the write half-way.
    preview.applications[0].parsed.budget_lines.append(BudgetDraft(amount=-1))
    before = counts(engine)
    result = accept_preview(engine, preview)
    assert result.status == "feil" and result.message.startswith("alis.txt: kunne ikke lagres")
    assert counts(engine) == before


def test_bad_inputs_each_get_a_clear_message_and_the_others_still_import(
    engine: Engine, tmp_path: Path
) -> None:
    folder = tmp_path / "innboks"
    folder.mkdir()
    named_alis(folder)  # the one good file among the bad
    (folder / "tom.txt").write_bytes(b"")
    (folder / "søppel.txt").write_bytes(bytes(range(256)) * 40)
    (folder / "søppel.pdf").write_bytes(os.urandom(3000))
    from docx import Document

    word = Document()
    word.add_paragraph("Navn på prosjekt/pilot: Avkortet")
    word.save(folder / "full.docx")
    data = (folder / "full.docx").read_bytes()
    (folder / "avkortet.docx").write_bytes(data[: len(data) // 2])
    (folder / "full.docx").unlink()
    with open(folder / "stor.txt", "wb") as fh:  # sparse: 50 MB without writing them
        fh.truncate(50 * 1024 * 1024)
    (folder / "regneark.xlsx").write_bytes(b"PK\x03\x04")  # in the folder: listed, not left out
    (folder / ".skjult.txt").write_text("hidden files are no input")
    unknown = tmp_path / "søknad.xyz"
    unknown.write_bytes(b"abc")
    before = counts(engine)
    results = {r.filename: r for r in import_paths(engine, [folder, unknown])}
    assert results["alis.txt"].status == "importert"
    expected = {
        "tom.txt": "filen er tom",
        "søppel.txt": "filen er ikke tekst",
        "søppel.pdf": "PDF-filen er skadet",
        "avkortet.docx": "Word-filen er skadet eller ufullstendig",
        "stor.txt": "filen er for stor (50,0 MB); grensen er 20,0 MB",
        "regneark.xlsx": "ukjent filtype (.xlsx)",
        "søknad.xyz": "ukjent filtype (.xyz)",
    }
    assert ".skjult.txt" not in results
    assert set(results) == set(expected) | {"alis.txt"}
    for name, problem in expected.items():
        assert results[name].status == "feil"
        assert results[name].message.startswith(f"{name}: ")
        assert problem in results[name].message
    after = counts(engine)
    assert after["Application"] == before["Application"] + 1  # only the good file
    assert after["ImportedDocument"] == before["ImportedDocument"] + 1


def test_cp1252_text_is_read_with_its_letters(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "windows.txt"
    text = (
        "Navn på prosjekt/pilot: Rehabilitering på Sømna\nProsjekteiere: Sømna kommune\n"
        "Kommune(r): Sømna og Brønnøy\nBudsjett for gjennomføring av prosjekt/pilot:\nSøkt: kr 450 000\n"
    )
    path.write_bytes(text.encode("cp1252"))
    result = import_paths(engine, [path])[0]
    assert result.status == "importert", result.message
    with Session(engine) as session:
        app = session.get(Application, result.created[0])
        assert app.name == "Rehabilitering på Sømna"
        names = session.exec(
            select(Municipality.name)
            .join(ApplicationMunicipality)
            .where(ApplicationMunicipality.application_id == app.id)
            .order_by(ApplicationMunicipality.position)
        ).all()
        assert names == ["Sømna", "Brønnøy"]


def test_unknown_municipalities_are_added(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "nord.md"
    path.write_text(
        "# Navn på prosjekt/pilot\nKystlos\n\n**Kommune(r):** Rana og Lødingen kommune\n", encoding="utf-8"
    )
    result = import_paths(engine, [path])[0]
    assert result.status == "importert"
    with Session(engine) as session:
        added = session.exec(select(Municipality).where(Municipality.name == "Lødingen")).one()
        assert added.id is not None


def test_cli_import_with_yes(sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = named_alis(tmp_path)
    assert cli(["--db", sqlite_url, "import", str(path), "--yes"]) == 0
    out = capsys.readouterr().out
    assert "ALIS-rotasjon i Harstad" in out
    assert "1\u00a0200\u00a0000 kr" in out
    assert "alis.txt: 1 ny" in out
    assert cli(["--db", sqlite_url, "import", str(path), "--yes"]) == 0
    assert "allerede importert" in capsys.readouterr().out


def test_cli_marks_missing_required_fields(sqlite_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(["--db", sqlite_url, "import", str(SINGLE), "--yes"]) == 0
    out = capsys.readouterr().out
    missing = [line for line in out.splitlines() if "MANGLER" in line]
    assert [line.split()[0] for line in missing] == ["Navn", "Prosjekteiere", "Signert"]


def test_cli_without_terminal_refuses_without_yes(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(["--db", sqlite_url, "import", str(SINGLE)]) == 1  # pytest's stdin is no terminal
    err = capsys.readouterr().err
    assert "ingen terminal" in err and "--yes" in err


def test_cli_reports_failures_and_continues(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "tom.md"
    empty.write_text("   \n")
    assert cli(["--db", sqlite_url, "import", str(empty), str(named_alis(tmp_path)), "--yes"]) == 1
    captured = capsys.readouterr()
    assert "Feil: tom.md: filen er tom" in captured.err
    assert "alis.txt: 1 ny" in captured.out


def test_spacing_and_table_separators_are_no_new_version() -> None:
    assert same_text("For eksem\n\npel bruk av | brukerreiser", "for eksempel bruk av brukerreiser")
    assert same_text(
        "Kostnadspost | Fase 1 (Utredning), Prosjektår 1", "Kostnadspost Fase 1 (Utredning) Prosjektår 1"
    )
    assert not same_text("Vi søker til to stillinger", "Vi søker til tre stillinger")


def test_diff_shows_the_first_differing_fragment() -> None:
    old = "Innledning som er lik. " * 8 + "Vi ansetter to sykepleiere i Rana. Slutten er lik."
    new = "Innledning  som er lik. " * 8 + "Vi ansetter tre sykepleiere i Rana. Slutten er lik."
    before, after = diff_fragments(old, new)
    assert before == "…som er lik. Vi ansetter to sykepleiere i Rana. Slutten er lik."
    assert after == "…som er lik. Vi ansetter tre sykepleiere i Rana. Slutten er lik."
    assert diff_fragments("", "Ny tekst") == ("", "Ny tekst")


def test_cli_shows_what_changed_in_a_new_version(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = named_alis(tmp_path)
    assert cli(["--db", sqlite_url, "import", str(first), "--yes"]) == 0
    capsys.readouterr()
    text = first.read_text(encoding="utf-8")
    # re-wrapped (spacing only) everywhere, and one real change deep in the description
    rewrapped = text.replace(" \n", "  \n").replace(
        "samarbeid lokalt på UNN Harstad", "samarbeid lokalt på UNN Narvik"
    )
    (tmp_path / "v2").mkdir()
    second = tmp_path / "v2" / "alis.txt"
    second.write_text(rewrapped, encoding="utf-8")
    assert cli(["--db", sqlite_url, "import", str(second), "--yes"]) == 0
    out = capsys.readouterr().out
    changed = [line.strip() for line in out.splitlines() if line.strip().startswith("Endret")]
    assert changed == [
        "Endret Kort beskrivelse av prosjektet/piloten: "
        "«…et samarbeid lokalt på UNN Harstad hvor vi sammen med føde/gyn og kirurgisk…» → "
        "«…et samarbeid lokalt på UNN Narvik hvor vi sammen med føde/gyn og kirurgisk…» (beholder teksten i porteføljen)"
    ]
    # --yes never replaces text already in the portfolio ...
    assert "alis.txt: 1 uendret, 1 endret felt beholdt" in out
    assert "--replace-changed" in out
    with Session(open_database(sqlite_url)) as session:
        app = session.exec(select(Application).where(Application.name == "ALIS-rotasjon i Harstad")).one()
        assert "UNN Harstad hvor" in app.description and app.version == 1
    # ... --replace-changed does (a copy: the same content is not imported twice).
    (tmp_path / "v3").mkdir()
    third = tmp_path / "v3" / "alis.txt"
    third.write_text(rewrapped + "\n", encoding="utf-8")
    assert cli(["--db", sqlite_url, "import", str(third), "--yes", "--replace-changed"]) == 0
    out = capsys.readouterr().out
    assert "(tas inn)" in out and "alis.txt: 1 oppdatert" in out
    with Session(open_database(sqlite_url)) as session:
        app = session.exec(select(Application).where(Application.name == "ALIS-rotasjon i Harstad")).one()
        assert "UNN Narvik hvor" in app.description and app.version == 2


def test_cli_lists_unknown_files_in_a_folder(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "innboks"
    folder.mkdir()
    named_alis(folder)
    (folder / "budsjett.xyz").write_text("ikke en søknad")
    assert cli(["--db", sqlite_url, "import", str(folder), "--yes"]) == 1  # a file failed
    captured = capsys.readouterr()
    assert "Feil: budsjett.xyz: ukjent filtype (.xyz)" in captured.err
    result_rows = captured.out.split("Resultat:")[1].splitlines()
    assert any(row.split()[:3] == ["budsjett.xyz", "feil", "budsjett.xyz:"] for row in result_rows)
    assert any(row.split()[:2] == ["alis.txt", "importert"] for row in result_rows)


def test_cli_flagged_amounts_stay_flagged_and_are_listed(
    sqlite_url: str, engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = named_alis(tmp_path)  # "1,2 millioner kroner per år": per year, no years given
    assert cli(["--db", sqlite_url, "import", str(path), "--yes"]) == 0
    out = capsys.readouterr().out
    assert "⚠ 1 beløp er lagret som «må bekreftes»:" in out
    assert "--confirm-amounts" in out
    with Session(engine) as session:
        app = session.exec(select(Application).where(Application.name == "ALIS-rotasjon i Harstad")).one()
        line = session.exec(select(BudgetLine).where(BudgetLine.application_id == app.id)).one()
        assert (line.amount, line.needs_confirmation) == (1_200_000, True)


def test_cli_confirm_amounts_accepts_them_as_shown(
    sqlite_url: str, engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "spenn.txt"
    path.write_text(
        "Navn på prosjekt/pilot: Spennet\nProsjekteiere: Rana kommune\n"
        "Budsjett for gjennomføring av prosjekt/pilot:\nLønn: kr. 7-800.000,-\n",
        encoding="utf-8",
    )
    assert cli(["--db", sqlite_url, "import", str(path), "--yes", "--confirm-amounts"]) == 0
    out = capsys.readouterr().out
    assert "700\u00a0000 kr – 800\u00a0000 kr" in out  # shown as a range before saving
    assert "1 beløp bekreftet slik de vises (--confirm-amounts)." in out
    assert "må bekreftes»:" not in out
    with Session(engine) as session:
        app = session.exec(select(Application).where(Application.name == "Spennet")).one()
        line = session.exec(select(BudgetLine).where(BudgetLine.application_id == app.id)).one()
        assert (line.amount, line.amount_high, line.needs_confirmation) == (700_000, None, False)
