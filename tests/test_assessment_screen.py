"""The assessment screen like a user: `v` from the application, keys to answer, the register of
SSU members with the conflict flagged, and the portfolio's Krav and Vurdering columns."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Static, TextArea

from rsapp.app import make_app
from rsapp.screens.application import ApplicationScreen
from rsapp.screens.assessment import AssessmentScreen, AssessorDialog, PersonForm
from rsapp.screens.habilitet import HabilitetScreen, TieForm
from rsapp.screens.portfolio import PortfolioScreen
from tests.conftest import TODAY, settle
from tests.screen_text import static_text

REHAB = "Forprosjekt - tverretatlig rehabilitering"
SIZE = (200, 50)


def _row_of(table: DataTable, title: str, column: int = 1) -> int:
    return next(i for i in range(table.row_count) if str(table.get_row_at(i)[column]) == title)


def _cells(table: DataTable, row: int) -> list[str]:
    return [str(c).strip() for c in table.get_row_at(row)]


async def _type(pilot, text: str) -> None:
    await pilot.press(*("space" if c == " " else c for c in text))


async def _register(pilot, name: str, role: str, organisation: str) -> None:
    await _type(pilot, name)
    await pilot.press("tab")
    await _type(pilot, role)
    await pilot.press("tab")
    await _type(pilot, organisation)
    await pilot.press("ctrl+s")
    await settle(pilot)


async def test_assess_by_keys_and_see_the_portfolio_columns(start_app) -> None:
    app = start_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        portfolio = app.screen
        assert isinstance(portfolio, PortfolioScreen)
        table = portfolio.query_one("#applications", DataTable)
        columns = [str(c.label) for c in table.columns.values()]
        assert columns[-2:] == ["Krav", "Vurdering"]
        row = _row_of(table, REHAB)
        assert _cells(table, row)[-2:] == ["–", "–"]
        table.move_cursor(row=row)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ApplicationScreen)
        await pilot.press("v")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AssessmentScreen)
        head = static_text(screen.query_one("#assess-head", Static))
        assert REHAB in head and "Vurderer: ikke valgt" in head

        # The six krav with suggested answers, and the quoted sentences for the highlighted one.
        items = screen.query_one("#assess-items", DataTable)
        assert [str(items.get_row_at(i)[0]) for i in range(6)] == [f"Krav {n}" for n in range(1, 7)]
        assert str(items.get_row_at(1)[2]) == "→ Oppfylt"
        await pilot.press("down")
        evidence = static_text(screen.query_one("#evidence-text", Static))
        assert "Forslag: Oppfylt" in evidence
        assert "«28.02.2025»" in evidence
        assert "— Dato for signert avtale om felles søknad, linje 1" in evidence
        await pilot.press("down")
        evidence = static_text(screen.query_one("#evidence-text", Static))
        assert "tillitsvalgte og vernetjeneste" in evidence
        assert "— Involvering av brukere, tillitsvalgte og vernetjenesten, linje 1" in evidence

        # Answering before choosing who assesses is refused; then register oneself.
        await pilot.press("enter")
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AssessorDialog)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, PersonForm)
        await _register(pilot, "Kari Nilsen", "Sekretariatet", "Helsefellesskap Helgeland")
        assert app.screen is screen
        assert "Vurderer: Kari Nilsen (Sekretariatet, Helsefellesskap Helgeland)" in static_text(
            screen.query_one("#assess-head", Static)
        )

        # Confirm the six krav (Enter), answer the priorities (j/n) and score the criteria (digits).
        items.move_cursor(row=0)
        for _ in range(6):
            await pilot.press("enter", "down")
        for key in ("j", "n", "n", "j"):
            await pilot.press(key, "down")
        await settle(pilot)
        progress = static_text(screen.query_one("#assess-progress", Static))
        assert progress.startswith("10 av 18 vurdert")
        for key in ("4", "3", "1", "5", "4", "x", "2", "3"):
            await pilot.press(key, "down")
        await settle(pilot)
        assert static_text(screen.query_one("#assess-progress", Static)).startswith("18 av 18 vurdert")
        assert [str(items.get_row_at(i)[2]) for i in (0, 1, 6, 10, 15)] == [
            "Uklart",
            "Oppfylt",
            "Ja",
            "4",
            "Ikke relevant",
        ]
        head = static_text(screen.query_one("#assess-head", Static))
        assert "Status: Vurdert" in head and "Krav 4/6 ⚠" in head and "Vurdering 3,1" in head

        # A digit on a krav is refused with what the keys are; Ctrl+Z undoes the last score.
        items.move_cursor(row=0)
        await pilot.press("4")
        await settle(pilot)
        assert str(items.get_row_at(0)[2]) == "Uklart"
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert static_text(screen.query_one("#assess-progress", Static)).startswith("17 av 18 vurdert")
        await pilot.press("ctrl+y")
        await settle(pilot)

        # A note, saved with Enter.
        items.move_cursor(row=10)
        await pilot.press("m")
        await _type(pilot, "Tydelig BEON")
        await pilot.press("enter")
        await settle(pilot)
        assert "✎" in str(items.get_row_at(10)[2])

        # Back to the portfolio: the columns follow.
        await pilot.press("escape")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, PortfolioScreen)
        table = app.screen.query_one("#applications", DataTable)
        assert _cells(table, _row_of(table, REHAB))[-3:] == ["Vurdert", "4/6 ⚠", "3,1"]
        # Sort by Vurdering: click its header; the assessed application comes last (ascending).
        await pilot.click(
            "#applications",
            offset=(sum(c.get_render_width(table) for c in list(table.columns.values())[:-1]) + 2, 0),
        )
        await pilot.pause()
        assert "sortert etter Vurdering" in static_text(app.screen.query_one("#portfolio-status", Static))
        assert str(table.get_row_at(table.row_count - 1)[1]) == REHAB

        # The saksfremlegg drafted now: its Vurdering names the assessment (meetings, new meeting,
        # the prioritisation case, open it), and the rendered document carries the same text.
        for key in ("k", "n", "ctrl+s", "p", "enter", "tab", "enter"):
            await pilot.press(key)
            await settle(pilot)
        case_screen = app.screen
        assert type(case_screen).__name__ == "CaseEditScreen"
        vurdering = case_screen.query_one("#field-vurdering", TextArea).text
        assert "Vurdert av Kari Nilsen. Krav: 4 av 6 oppfylt" in vurdering
        assert "«Forprosjekt - tverretatlig rehabilitering»: Vurdert av Kari Nilsen" in vurdering
        assert "[Sekretariatets vurdering" not in vurdering
        markdown = case_screen.preview_markdown()
        assert "Vurdert av Kari Nilsen. Krav: 4 av 6 oppfylt" in markdown


async def test_register_a_vefsn_member_with_a_project_role_and_see_the_conflict(engine) -> None:
    app = make_app(engine=engine, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#applications", DataTable)
        table.move_cursor(row=_row_of(table, REHAB))
        await pilot.press("v")
        await settle(pilot)
        assessment = app.screen
        assert isinstance(assessment, AssessmentScreen)
        await pilot.press("h")
        await settle(pilot)
        register = app.screen
        assert isinstance(register, HabilitetScreen)
        await pilot.press("n")
        await pilot.pause()
        await _register(pilot, "Per Vefsnes", "SSU-medlem", "Vefsn kommune")
        people = register.query_one("#hab-people", DataTable)
        assert str(people.get_row_at(0)[0]) == "Per Vefsnes"
        assert register.query_one("#hab-flags", DataTable).row_count == 0

        await pilot.press("t")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, TieForm)
        # The application the user came from is preselected; the role is "Rolle i prosjektet".
        await _type(pilot, "Vefsn kommune")
        await pilot.press("ctrl+s")
        await settle(pilot)
        flags = register.query_one("#hab-flags", DataTable)
        titles = [str(flags.get_row_at(i)[0]) for i in range(flags.row_count)]
        assert REHAB in titles
        row = titles.index(REHAB)
        assert "Per Vefsnes har erklært rolle i prosjektet" in str(flags.get_row_at(row)[1])
        assert str(flags.get_row_at(row)[2]) == "⚠ ikke avgjort"
        assert "⚠" in str(people.get_row_at(0)[3])

        # Record the decision: inhabil, with the reason.
        flags.focus()
        flags.move_cursor(row=row)
        await pilot.press("i")
        await pilot.pause()
        await _type(pilot, "Sitter i styringsgruppen")
        await pilot.press("enter")
        await settle(pilot)
        assert str(flags.get_row_at(row)[2]) == "Inhabil: Sitter i styringsgruppen"

        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is assessment
        head = static_text(assessment.query_one("#assess-head", Static))
        assert "Inhabil (holdt utenfor): Per Vefsnes" in head


async def test_an_inhabil_assessor_cannot_score(engine) -> None:
    from sqlmodel import Session, select

    from rsapp.assessment import changes
    from rsapp.models import Application

    with Session(engine, expire_on_commit=False) as session:
        app_id = session.exec(select(Application.id).where(Application.name == REHAB)).one()
        per, _ = changes.add_assessor(session, "Per Vefsnes", "SSU-medlem", "Vefsn kommune")
        changes.record_decision(session, per, app_id, "inhabil", "Styreleder i søkerorganisasjonen")
    app = make_app(engine=engine, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(AssessmentScreen(app_id, assessor_id=per))
        await settle(pilot)
        screen = app.screen
        await pilot.press("enter")
        await settle(pilot)
        assert static_text(screen.query_one("#assess-progress", Static)).startswith("0 av 18 vurdert")
        assert any("er inhabil for søknaden" in n.message for n in app._notifications)
        assert screen.query_one("#item-note", Input).value == ""


async def test_the_ranking_shows_krav_and_vurdering_and_opens_the_assessment(engine) -> None:
    from sqlmodel import Session, select

    from rsapp.assessment import changes
    from rsapp.assessment.reads import application_assessment
    from rsapp.models import Application
    from rsapp.screens.prioritisation import PrioritisationScreen
    from rsapp.widgets.ranked_list import RankedList

    with Session(engine, expire_on_commit=False) as session:
        app_id = session.exec(select(Application.id).where(Application.name == REHAB)).one()
        kari, _ = changes.add_assessor(session, "Kari Nilsen")
        for item in application_assessment(session, app_id, kari).items:
            value = item.suggestion.answer if item.item.kind != "kriterium" else "3"
            changes.set_answer(session, app_id, item.item.id, kari, value or "uklart")
    app = make_app(engine=engine, today=TODAY)
    async with app.run_test(size=(170, 45)) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PrioritisationScreen)
        ranked = screen.query_one(RankedList)
        header = "".join(seg.text for seg in ranked.render_line(0))
        assert "Krav" in header and "Vurdering" in header
        index = ranked.index_of(app_id)
        assert index is not None
        line = "".join(
            seg.text
            for seg in ranked.render_line(
                index + 1 + (1 if ranked.cut_index is not None and index >= ranked.cut_index else 0)
            )
        )
        assert "4/6 ⚠" in line and "3,0" in line
        ranked.move_cursor(index)
        await pilot.press("V")
        await settle(pilot)
        assert isinstance(app.screen, AssessmentScreen)
        assert app.screen.application_id == app_id
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen


async def test_an_item_of_the_catalogue_is_edited_in_the_app_and_undone(engine) -> None:
    from sqlmodel import Session, select

    from rsapp.models import Application
    from rsapp.screens.assessment import ItemForm

    with Session(engine) as session:
        app_id = session.exec(select(Application.id).where(Application.name == REHAB)).one()
    app = make_app(engine=engine, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(AssessmentScreen(app_id))
        await settle(pilot)
        screen = app.screen
        items = screen.query_one("#assess-items", DataTable)
        items.move_cursor(row=15)  # Kriterium 6: samiske pasienter
        await pilot.pause()
        assert str(items.get_row_at(15)[2]) == "→ 0"
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ItemForm)
        await pilot.press("tab", "tab")
        words = app.screen.query_one("#item-words", Input)
        words.value = words.value + ", rehabilitering*"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        # The rule reads the new words at once: rehabilitation is now found.
        assert str(items.get_row_at(15)[2]) != "→ 0"
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert str(items.get_row_at(15)[2]) == "→ 0"
