"""The meetings screen and the case screen, driven like a user with the Pilot."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from rsapp.app import make_app
from rsapp.models import Case, EarmarkAmount, Meeting
from rsapp.saksfremlegg import cases
from rsapp.screens.case_edit import CaseEditScreen, PointList, RegenerateScreen
from rsapp.screens.cases import CasesScreen
from tests.conftest import TODAY


def _points(engine) -> list[str]:
    with Session(engine) as session:
        case = session.exec(select(Case).where(Case.kind == "prioritering")).one()
        return [p.text for p in cases.case_points(session, case.id)]


async def _open_prioritisation_case(app, pilot) -> CaseEditScreen:
    await pilot.press("k")
    await pilot.pause()
    assert isinstance(app.screen, CasesScreen)
    await pilot.press("n")  # the extraordinary meeting in week 43
    await pilot.press("p")  # the prioritisation case from the figures
    await pilot.pause()
    await pilot.press("tab", "enter")
    await pilot.pause()
    assert isinstance(app.screen, CaseEditScreen)
    return app.screen


async def test_create_week_43_meeting_draft_case_edit_point_and_preview(engine) -> None:
    app = make_app(engine=engine, today=TODAY)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await _open_prioritisation_case(app, pilot)
        with Session(engine) as session:
            meeting = session.exec(select(Meeting)).one()
            assert (meeting.date, meeting.extraordinary) == (date(2025, 10, 20), True)
        generated = _points(engine)
        assert len(generated) == 5

        await pilot.press("down", "e")  # second point, into the text
        area = screen.query_one("#point-text")
        assert area.has_focus
        area.select_all()
        await pilot.press(*"Kr 2 mill.")
        await pilot.pause(screen.PREVIEW_DELAY + 0.2)  # the preview follows once typing pauses
        assert "Kr 2 mill." in screen.query_one("#preview").source
        await pilot.press("ctrl+s")
        await pilot.pause()

        with Session(engine) as session:
            point = cases.case_points(
                session, session.exec(select(Case).where(Case.kind == "prioritering")).one().id
            )[1]
        assert point.text == "Kr 2 mill."
        assert point.generated_text == generated[1]  # kept, so regeneration knows it was edited

        await pilot.press("escape")  # back to the saksliste
        await pilot.pause()
        assert isinstance(app.screen, CasesScreen)


async def test_points_reorder_by_keys_and_by_drag(engine) -> None:
    app = make_app(engine=engine, today=TODAY)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await _open_prioritisation_case(app, pilot)
        before = _points(engine)

        await pilot.press("alt+down")  # first point one down
        await pilot.pause()
        assert _points(engine) == [before[1], before[0], *before[2:]]
        assert screen.preview_markdown().index(before[1]) < screen.preview_markdown().index(before[0])

        items = list(screen.query_one("#points", PointList).children)
        await pilot.mouse_down(items[4])  # drag the last point (the open item) to the top
        await pilot.mouse_up(items[0])
        await pilot.pause()
        assert _points(engine) == [before[4], before[1], before[0], before[2], before[3]]
        assert screen.query_one("#preview").source.index("1. Finansiering av intermediærpost") >= 0


async def test_add_and_delete_a_point_with_keys_and_buttons(engine) -> None:
    app = make_app(engine=engine, today=TODAY)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await _open_prioritisation_case(app, pilot)
        before = _points(engine)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"Status.")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert _points(engine) == [before[0], "Status.", *before[1:]]
        screen.query_one("#points", PointList).focus()
        await pilot.click("#btn-delete")
        await pilot.pause()
        assert _points(engine) == before


async def test_regenerate_shows_the_diff_and_keeps_the_users_edit(engine) -> None:
    app = make_app(engine=engine, today=TODAY)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await _open_prioritisation_case(app, pilot)
        await pilot.press("e")
        screen.query_one("#point-text").select_all()
        await pilot.press(*"Dignio.")
        await pilot.press("ctrl+s")
        await pilot.pause()
        with Session(engine) as session:  # the figures change elsewhere: Dignio costs 600 000 in 2026
            amount = session.exec(select(EarmarkAmount).where(EarmarkAmount.budget_year == 2026)).first()
            amount.amount = 600_000
            session.add(amount)
            session.commit()

        await pilot.press("escape", "enter")  # leave and re-open: the screen reads afresh
        await pilot.pause()
        await pilot.press("g")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, RegenerateScreen)
        keys = {change.key: change for change in dialog.changes}
        edited = next(k for k, c in keys.items() if c.kind == "redigert")
        assert edited not in dialog.query_one("#regen-changes").selected  # not ticked by default
        assert "Dignio." in str(dialog.query_one("#regen-diff").content)
        await pilot.press("g")  # accept what is ticked
        await pilot.pause()
        assert isinstance(app.screen, CaseEditScreen)
        texts = _points(engine)
        assert texts[0] == "Dignio."
