"""Issue 11, item 5: a partial copy of a known application never erases what the portfolio holds.

The copy: the first 40 lines of «Forprosjekt - tverretatlig rehabilitering» (its description
cut off mid-way, every later section missing) and one of its four budget lines. Imported with
``--yes`` it changes nothing; with ``--replace-changed`` it may replace what differs, but a
field is never emptied, budget lines are not dropped without the user choosing it in the
review, and every value an import replaces stays in the change log with its old value, from
where it is restored: on the command line and from the application screen.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from rsapp.__main__ import cli as rsapp_main
from rsapp.db import open_database
from rsapp.models import Application, BudgetLine, ChangeLog
from tests.conftest import SEEDS, TODAY

REHAB = 4  # «Forprosjekt - tverretatlig rehabilitering» in the built-in round
NBSP = "\u00a0"
TEXT_FIELDS = (
    "description",
    "benefit",
    "purpose_support",
    "budget_text",
    "project_plan",
    "involvement",
    "owners",
    "contact_municipal",
)


def _partial_copy(tmp_path: Path) -> Path:
    lines = next(SEEDS.glob("003_*.txt")).read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if "tverretatlig rehabilitering" in line)
    copy = lines[start : start + 40]
    copy += [
        "",
        "Budsjett for gjennomføring av prosjekt/pilot:",
        "• Prosjektleder (100 % i 18 måneder): ca. kr 1,5 mill",
        "",
    ]
    path = tmp_path / "rehab-delvis.txt"
    path.write_text("\n".join(copy) + "\n", encoding="utf-8")
    return path


def _state(engine: Engine) -> tuple[dict[str, str], list[tuple[Any, ...]]]:
    with Session(engine) as s:
        app = s.get(Application, REHAB)
        assert app is not None
        texts = {key: getattr(app, key) for key in TEXT_FIELDS}
        budget = [
            (b.budget_year, b.amount, b.purpose)
            for b in s.exec(
                select(BudgetLine).where(BudgetLine.application_id == REHAB).order_by(BudgetLine.position)
            )
        ]
        return texts, budget


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = rsapp_main(list(args))
    out, err = capsys.readouterr()
    return code, out.replace(NBSP, " "), err.replace(NBSP, " ")


def test_a_partial_copy_with_yes_changes_nothing(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = open_database(sqlite_url)
    try:
        before = _state(engine)
        assert len(before[1]) == 4 and all(before[0][k] for k in TEXT_FIELDS)
        code, out, err = run(capsys, "--db", sqlite_url, "import", "--yes", str(_partial_copy(tmp_path)))
        assert code == 0, err
        assert _state(engine) == before
    finally:
        engine.dispose()


def test_replace_changed_empties_nothing_drops_no_budget_line_and_keeps_the_old_text(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = open_database(db_url)
    try:
        texts, budget = _state(engine)
        code, out, err = run(
            capsys, "--db", db_url, "import", "--yes", "--replace-changed", str(_partial_copy(tmp_path))
        )
        assert code == 0, err
        new_texts, new_budget = _state(engine)
        assert all(new_texts[k].strip() for k in TEXT_FIELDS), "a field was emptied"
        assert new_budget == budget, "budget lines were dropped"
        # The cut-off description is not taken over the whole one either (a shorter copy).
        assert new_texts["description"] == texts["description"]
    finally:
        engine.dispose()


def test_every_value_an_import_replaces_is_in_the_log_and_can_be_restored(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The user takes the new texts in the review (here: a changed owners line and the one budget
    line): the old values are logged whole, listed by ``rsapp historikk`` and restored
    (``rsapp tilbakestill``)."""
    from rsapp.importer.service import accept_preview, preview_path

    engine = open_database(db_url)
    try:
        texts, budget = _state(engine)
        path = _partial_copy(tmp_path)
        path.write_text(
            path.read_text(encoding="utf-8").replace(
                "Helgelandssykehuset og Vefsn kommune", "Vefsn kommune og Helgelandssykehuset HF"
            ),
            encoding="utf-8",
        )
        preview = preview_path(engine, path)
        (plan,) = preview.applications
        assert plan.existing_id == REHAB
        for change in plan.changes:  # the user says so, field by field
            change.take = change.key in ("owners", "budget_lines")
        assert accept_preview(engine, preview).status == "oppdatert"
        new_texts, new_budget = _state(engine)
        assert new_texts["owners"] == "Vefsn kommune og Helgelandssykehuset HF"
        assert len(new_budget) == 1
        with Session(engine) as s:
            logged = s.exec(
                select(ChangeLog).where(
                    ChangeLog.entity_id == REHAB, ChangeLog.action.startswith("erstattet:")
                )  # type: ignore[union-attr]
            ).all()
        assert {entry.action for entry in logged} == {"erstattet:owners", "erstattet:budget_lines"}
        assert next(e for e in logged if e.action == "erstattet:owners").old == texts["owners"]

        code, out, err = run(capsys, "--db", db_url, "historikk", str(REHAB))
        assert code == 0, err
        assert "Prosjekteiere" in out and "Budsjettlinjer" in out
        owners_change = next(e for e in logged if e.action == "erstattet:owners")
        budget_change = next(e for e in logged if e.action == "erstattet:budget_lines")
        for change in (owners_change, budget_change):
            code, out, err = run(capsys, "--db", db_url, "tilbakestill", str(change.id))
            assert code == 0, err
            assert "Gjenopprettet" in out
        assert _state(engine) == (texts, budget)
        # The restore is itself a replaced value, so it can be undone the same way.
        code, out, err = run(capsys, "--db", db_url, "historikk", str(REHAB))
        assert out.count("gjenopprettet") >= 2
    finally:
        engine.dispose()


async def test_the_application_screen_restores_a_replaced_value(engine: Engine, tmp_path: Path) -> None:
    from rsapp.app import make_app
    from rsapp.importer.service import accept_preview, preview_path
    from rsapp.screens.application import ApplicationScreen

    texts, _budget = _state(engine)
    path = _partial_copy(tmp_path)
    path.write_text(
        path.read_text(encoding="utf-8").replace("Helgelandssykehuset og Vefsn kommune", "Bare Vefsn"),
        encoding="utf-8",
    )
    preview = preview_path(engine, path)
    for change in preview.applications[0].changes:
        change.take = change.key == "owners"
    accept_preview(engine, preview)
    assert _state(engine)[0]["owners"] == "Bare Vefsn"

    app = make_app(engine=engine, today=TODAY)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.app.push_screen(ApplicationScreen(REHAB))
        await pilot.pause(0.5)
        await pilot.press("h")  # the values imports have replaced
        await pilot.pause(0.5)
        await pilot.press("enter")  # restore the highlighted (newest) one
        await pilot.pause(0.5)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause(0.3)
        assert any("Gjenopprettet" in str(n.message) for n in pilot.app._notifications)
    assert _state(engine)[0]["owners"] == texts["owners"]
