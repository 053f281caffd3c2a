"""The meetings screen and the case screen, driven like a user with the Pilot (keys and clicks).

Each test starts the app once and walks through a whole task, to keep the file fast.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select
from textual.widgets import DataTable, Input, TextArea

from rsapp.app import make_app
from rsapp.dialogs import ConfirmDialog
from rsapp.models import Case, Earmark, EarmarkAmount, Exemption, Meeting
from rsapp.saksfremlegg.offentlighet import public_case_context
from rsapp.saksfremlegg.points import case_points
from rsapp.saksfremlegg.saksliste import meeting_cases
from rsapp.screens.case_edit import CaseEditScreen, PointList, RegenerateScreen
from rsapp.screens.cases import CasesScreen, MeetingFormScreen, NumberScreen, OrientationScreen
from rsapp.screens.exemptions import ExemptionForm, ExemptionsScreen
from rsapp.vocab import ORIENTATION_POINT
from tests.conftest import TODAY, settle


def _prioritisation_case(engine) -> Case:
    with Session(engine) as session:
        return session.exec(select(Case).where(Case.kind == "prioritering")).one()


def _points(engine) -> list[str]:
    with Session(engine) as session:
        case = session.exec(select(Case).where(Case.kind == "prioritering")).one()
        return [p.text for p in case_points(session, case.id)]


def _saksliste(engine) -> list[tuple[str, str]]:
    with Session(engine) as session:
        meeting = session.exec(select(Meeting).order_by(Meeting.id)).first()
        return [(f"{c.number}-{c.year}", c.title) for c in meeting_cases(session, meeting.id)]


def _messages(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def _meeting_in_week_43(app, pilot) -> None:
    """k, then n: the form is prefilled with the round's meeting day; type "uke 43" anyway."""
    await pilot.press("k")
    await settle(pilot)
    assert isinstance(app.screen, CasesScreen)
    await pilot.press("n")
    await settle(pilot)
    assert isinstance(app.screen, MeetingFormScreen)
    await pilot.press(*"uke 43")  # the prefilled date is selected: typing replaces it
    await settle(pilot)
    assert "mandag 20.10.2025" in str(app.screen.query_one("#meeting-date-info").content)
    await pilot.press("ctrl+s")
    await settle(pilot)
    assert isinstance(app.screen, CasesScreen)


async def _open_prioritisation_case(app, pilot) -> CaseEditScreen:
    await _meeting_in_week_43(app, pilot)
    await pilot.press("p", "enter")  # accept the proposed number
    await settle(pilot)
    await pilot.press("tab", "enter")
    await settle(pilot)
    assert isinstance(app.screen, CaseEditScreen)
    return app.screen


async def test_meetings_case_numbers_orientation_delete_final_and_word(engine) -> None:
    app = make_app(engine=engine, today=TODAY)
    async with app.run_test(size=(160, 50)) as pilot:
        await _meeting_in_week_43(app, pilot)
        with Session(engine) as session:
            meeting = session.exec(select(Meeting)).one()
            assert (meeting.date, meeting.extraordinary) == (date(2025, 10, 20), True)
        assert _saksliste(engine) == [
            ("28-2025", "Orienteringer fra sekretariatet"),
            ("29-2025", "Eventuelt"),
        ]

        # A second meeting on the same date is warned about in the form; escape leaves it.
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"20.10.2025")
        await settle(pilot)
        assert "finnes allerede" in str(app.screen.query_one("#meeting-date-info").content)
        await pilot.press("escape")
        await settle(pilot)
        with Session(engine) as session:
            assert len(session.exec(select(Meeting)).all()) == 1

        # p asks for the number, prefilled with the next free one; a used number is refused in the dialog.
        await pilot.press("p")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, NumberScreen)
        assert (
            dialog.query_one("#case-number").value == "28-2025"
        )  # 23–27 were used on 09.09.2025 (built-in history)
        await pilot.press(*"29/2025", "enter")
        await settle(pilot)
        assert app.screen is dialog
        assert "29-2025 er allerede brukt av sak «Eventuelt»" in str(dialog.query_one(".form-error").content)
        await pilot.press("home", "shift+end", *"28-2025", "enter")  # the proposal
        await settle(pilot)
        assert isinstance(app.screen, CasesScreen)
        assert [number for number, _ in _saksliste(engine)] == ["28-2025", "29-2025", "30-2025"]

        # On the case screen: n goes to the Saksnr field; a duplicate is refused, 22/2025 is written 22-2025.
        await pilot.press("tab", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CaseEditScreen)
        await pilot.press("n", *"30/2025", "enter")
        await settle(pilot)
        assert any("30-2025 er allerede brukt" in m for m in _messages(app))
        assert _prioritisation_case(engine).number == 28
        await pilot.press("home", "shift+end", *"22/2025", "enter")
        await settle(pilot)
        assert _prioritisation_case(engine).number == 22
        assert screen.query_one("#field-number").value == "22-2025"
        assert "Sak 22-2025" in str(screen.query_one("#case-heading").content)
        assert "# Sak 22-2025:" in screen.preview_markdown()

        # On Eventuelt, 28/2025 would make the saksliste run backwards (22, 29, 28): refused.
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("down", "down", "enter")
        await settle(pilot)
        await pilot.press("n", *"28/2025", "enter")
        await settle(pilot)
        assert any("numrene må øke nedover" in m for m in _messages(app))
        assert [number for number, _ in _saksliste(engine)] == ["22-2025", "29-2025", "30-2025"]

        # Back on the saksliste: an orientation case with title and text goes before the standing cases.
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, OrientationScreen)
        await pilot.press(*"FSU", "tab", *"Status.", "ctrl+s")
        await settle(pilot)
        assert _saksliste(engine)[1:] == [
            ("28-2025", "FSU"),
            ("29-2025", "Orienteringer fra sekretariatet"),
            ("30-2025", "Eventuelt"),
        ]
        with Session(engine) as session:
            case = session.exec(select(Case).where(Case.title == "FSU")).one()
            assert case.saksopplysninger == "Status."
            assert [p.text for p in case_points(session, case.id)] == [ORIENTATION_POINT]

        # Delete the orientation case: asked first; "n" keeps it, the button then "j" deletes it.
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await settle(pilot)
        assert len(_saksliste(engine)) == 4
        await pilot.click("#btn-delete-case")
        await settle(pilot)
        await pilot.press("j")
        await settle(pilot)
        # The drafts after it ran on from its 28: they move down one and close the gap.
        assert [number for number, _ in _saksliste(engine)] == ["22-2025", "28-2025", "29-2025"]

        # Final: the meeting cannot be deleted any more.
        await pilot.press("e")
        await settle(pilot)
        with Session(engine) as session:
            assert session.exec(select(Meeting)).one().final
        await pilot.press("X", "j")
        await settle(pilot)
        assert any("endelig og kan ikke slettes" in m for m in _messages(app))

        # Word: the file name tells which cases it holds, and the screen says where it went.
        screen = app.screen
        await pilot.press("w")
        await settle(pilot)
        status = str(screen.query_one("#cases-status").content)
        assert status.startswith("Møtedokumentet er lagret i ")
        assert status.endswith("moete-2025-10-20-sak-22-29-2025.docx")


async def test_points_edit_reorder_add_delete_preview_and_regenerate(engine) -> None:
    app = make_app(engine=engine, today=TODAY)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await _open_prioritisation_case(app, pilot)
        generated = _points(engine)
        assert len(generated) == 5

        await pilot.press("down", "e")  # second point, into the text, after its last word
        area = screen.query_one("#point-text", TextArea)
        assert area.has_focus
        await pilot.press(*" mer")
        assert area.text == generated[1] + " mer"
        await pilot.press("f7", *"Kr 2")  # f7 selects all; typing replaces it
        await pilot.pause(screen.PREVIEW_DELAY + 0.1)  # the preview follows once typing pauses
        assert "2. Kr 2\n" in screen.query_one("#preview").source
        await pilot.press("ctrl+s")
        await settle(pilot)
        with Session(engine) as session:
            point = case_points(session, _prioritisation_case(engine).id)[1]
        assert point.text == "Kr 2"
        assert point.generated_text == generated[1]  # kept, so regeneration knows it was edited

        # Reorder: the first point one down with alt+down, then drag the last one to the top.
        before = _points(engine)
        screen.query_one("#points", PointList).focus()
        await pilot.press("up", "alt+down")
        await settle(pilot)
        assert _points(engine) == [before[1], before[0], *before[2:]]
        items = list(screen.query_one("#points", PointList).children)
        await pilot.mouse_down(items[4])
        await pilot.mouse_up(items[0])
        await pilot.pause(screen.PREVIEW_DELAY + 0.1)
        assert _points(engine) == [before[4], before[1], before[0], before[2], before[3]]
        assert "1. Finansiering av intermediærpost" in screen.query_one("#preview").source

        # Add a point of one's own after the selected one, then delete it with the button.
        before = _points(engine)
        await pilot.press("a")
        await settle(pilot)  # the new point is written, then opened for writing
        await pilot.press(*"Ny", "ctrl+s")
        await settle(pilot)
        assert _points(engine) == [before[0], "Ny", *before[1:]]
        screen.query_one("#points", PointList).focus()
        await pilot.click("#btn-delete")
        await settle(pilot)
        assert _points(engine) == before

        # Regenerate: the user edits the first point, the figures change, the dialog shows what changes.
        dignio_index = next(i for i, text in enumerate(_points(engine)) if "Dignio" in text)
        await pilot.click(list(screen.query_one("#points", PointList).children)[dignio_index])
        await settle(pilot)
        assert screen.query_one("#point-text").has_focus  # a click on a point opens it for writing
        await pilot.press("f7", *"DHO", "ctrl+s")
        await settle(pilot)
        with Session(engine) as session:  # the figures change elsewhere: Dignio costs 600 000 in 2026
            dignio = session.exec(select(Earmark).where(Earmark.name.startswith("Lisens"))).one()  # type: ignore[attr-defined]
            amount = session.exec(
                select(EarmarkAmount).where(
                    EarmarkAmount.earmark_id == dignio.id, EarmarkAmount.budget_year == 2026
                )
            ).one()
            amount.amount = 600_000
            session.add(amount)
            session.commit()
            dignio_key = f"earmark:{dignio.id}"

        screen.query_one("#points", PointList).focus()
        await pilot.click("#btn-regenerate")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, RegenerateScreen)
        changes = {change.key: change for change in dialog.changes}
        selected = set(dialog.query_one("#regen-changes").selected)
        assert changes[dignio_key].kind == "redigert" and dignio_key not in selected  # the user's words
        assert changes["felt:saksopplysninger"].kind == "felt_endret"  # never touched: ticked
        assert "felt:saksopplysninger" in selected
        diff = str(dialog.query_one("#regen-diff").content)
        assert "− DHO" in diff and "+ Kr " in diff and "600\u00a0000" in diff

        # The saksopplysninger diff shows only the changed lines, not the whole text.
        index = list(changes).index("felt:saksopplysninger")
        await pilot.press(*["down"] * index)
        await settle(pilot)
        diff = str(dialog.query_one("#regen-diff").content)
        assert "600" in diff
        assert "Søknadsfristen til helsefellesskapet" not in diff  # an unchanged paragraph

        await pilot.press("g")  # accept what is ticked
        await settle(pilot)
        assert app.screen is screen
        assert _points(engine)[dignio_index] == "DHO"
        assert "kr 600" in _prioritisation_case(engine).saksopplysninger.replace("\u00a0", " ")


async def test_exemptions_from_the_selected_text_to_the_public_version(engine) -> None:
    """Unntatt offentlighet in the case editor: a line selected in Saksopplysninger, the palette's
    «Sak: unntatt offentlighet», the form filled from the selection; a refusal keeps what was
    typed; the public version withholds the line; Fjern takes it away again."""
    app = make_app(engine=engine, today=TODAY)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await _open_prioritisation_case(app, pilot)
        case_id = screen.case_id
        await pilot.click("#--content-tab-tab-saksopplysninger")
        await pilot.click("#field-saksopplysninger")
        area = screen.query_one("#field-saksopplysninger", TextArea)
        await pilot.press(*["up"] * 40, "home", "shift+end")
        line = area.selected_text.strip()
        assert len(line) > 20 and line in area.text

        await pilot.press("ctrl+p", *"unntatt offentlighet", "enter")
        await settle(pilot)
        listing = app.screen
        assert isinstance(listing, ExemptionsScreen)
        assert "Ingenting i saken er unntatt offentlighet" in str(
            listing.query_one("#exemptions-hint").content
        )

        # A passage that is not in the field is refused; the form keeps what was typed.
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ExemptionForm)
        assert form.query_one("#exemption-passage", TextArea).text == line
        assert form.query_one("#exemption-basis", Input).value == "offl. § 13 jf. fvl. § 13 første ledd nr. 1"
        form.query_one("#exemption-passage", TextArea).focus()
        await pilot.press("end", *" og mer")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        error = str(form.query_one(".form-error").content)
        assert "Fant ikke teksten" in error and "kopier den nøyaktig" in error
        assert form.query_one("#exemption-passage", TextArea).text == line + " og mer"
        # A point number belongs to the innstilling.
        await pilot.press(*["backspace"] * len(" og mer"))
        form.query_one("#exemption-point", Input).focus()
        await pilot.press("2", "ctrl+s")
        await settle(pilot)
        assert "Et punktnummer hører til «Innstillingen»" in str(form.query_one(".form-error").content)
        await pilot.press("backspace", "ctrl+s")
        await settle(pilot)
        assert app.screen is listing
        table = listing.query_one("#exemptions-table", DataTable)
        assert table.row_count == 1
        number, what, basis = (str(cell) for cell in table.get_row_at(0))
        assert what.endswith("» i saksopplysningene") and what.startswith(f"«{line[:20]}")
        assert basis == "offl. § 13 jf. fvl. § 13 første ledd nr. 1"

        # The public version has the notice where the line was; the member version has the line.
        with Session(engine) as session:
            public = public_case_context(session, case_id)
        public_text = str(public["case"]["saksopplysninger"])
        assert line not in public_text
        assert "[Unntatt offentlighet, jf. offl. § 13 jf. fvl. § 13 første ledd nr. 1]" in public_text

        # Fjern, after a question.
        await pilot.press("delete")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("j")
        await settle(pilot)
        assert app.screen is listing and table.row_count == 0
        with Session(engine) as session:
            assert session.exec(select(Exemption)).all() == []
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen


async def test_u_then_esc_before_the_save_is_done_leaves_the_case_and_saves_what_was_typed(engine) -> None:
    """u and Esc both save first, in a worker; pressed faster than the save (on a slow shared
    database), both wait for it. Esc wins: the case editor closes, the exemptions dialog of «u» is
    not left behind (nor closed in the editor's place), and the typed text is saved."""
    app = make_app(engine=engine, today=TODAY)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await _open_prioritisation_case(app, pilot)
        await pilot.press("e", *" Tillegg.")
        screen.query_one("#points", PointList).focus()
        # The two keys' actions, run back to back so that neither save has finished in between.
        screen.action_exemptions()
        screen.action_back()
        await settle(pilot)
        assert isinstance(app.screen, CasesScreen)
        assert not any(isinstance(s, (ExemptionsScreen, CaseEditScreen)) for s in app.screen_stack)
        assert _points(engine)[0].endswith(" Tillegg.")
