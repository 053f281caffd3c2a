"""After the meeting, driven like a user with the Pilot: the week-43 meeting from the innkalling to
the follow-up view, as the issue's "done when" tells it.

SSU decides as recommended except one amended point, with a 5–2 vote on another case, one member
inhabil on one case; the protokoll is approved (then the case opens read-only), the statuses and
the ledger follow, the letter goes to Helse Nord with the regional list, Helse Nord's awards are
registered a month later from a list, and the follow-up view shows the 2026 payments and the
first reports due. The first new case in 2025 is 28-2025.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlmodel import Session, select

from rsapp.app import make_app
from rsapp.assessment.changes import add_assessor
from rsapp.dialogs import ConfirmDialog
from rsapp.models import Application, Award, Case, Meeting, Round
from rsapp.portfolio import round_allocation
from rsapp.screens.case_edit import CaseEditScreen
from rsapp.screens.cases import CasesScreen, MeetingFormScreen
from rsapp.screens.followup import AwardForm, FollowUpScreen
from rsapp.screens.meeting_life import (
    AmendForm,
    ApproveForm,
    DetailsForm,
    InhabilForm,
    MeetingLifeScreen,
    PackageForm,
    VoteForm,
)
from tests.conftest import settle

MEMBERS = [
    "Kari Nordmann",
    "Ola Hansen",
    "Per Olsen",
    "Anne Berg",
    "Liv Dahl",
    "Tor Moen",
    "Eva Lie",
    "Siri Holm",
]


def _messages(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


def _plain(cell: object) -> str:
    """A table cell as text, non-breaking spaces (in amounts) as ordinary ones."""
    return str(cell).replace("\u00a0", " ")


async def _type(pilot, text: str) -> None:
    await pilot.press(*text)


async def test_week_43_meeting_from_innkalling_to_follow_up(engine, tmp_path: Path) -> None:
    with Session(engine) as session:
        for name in MEMBERS:
            add_assessor(session, name, "SSU-medlem", "Helgeland")
    app = make_app(engine=engine, today=date(2025, 10, 8))
    async with app.run_test(size=(180, 55)) as pilot:
        # The meeting in week 43 with the prioritisation case and the standing cases.
        await pilot.press("k")
        await settle(pilot)
        assert isinstance(app.screen, CasesScreen)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, MeetingFormScreen)
        await _type(pilot, "uke 43")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert app.screen.query_one("#case-number").value == "28-2025"  # sak 23–27 were 09.09.2025
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        with Session(engine) as session:
            numbers = [c.number for c in session.exec(select(Case).order_by(Case.number))]
        assert numbers == [28, 29, 30]

        # Møtets gang: the innkalling's details, sent.
        await pilot.press("g")
        await settle(pilot)
        life = app.screen
        assert isinstance(life, MeetingLifeScreen)
        assert "mangler" in str(life.query_one("#life-status").content)
        assert "Frist til Helse Nord 01.11.2025" in str(life.query_one("#life-deadline").content)
        await pilot.press("i")
        await settle(pilot)
        assert isinstance(app.screen, DetailsForm)
        await _type(pilot, "09:00")
        await pilot.press("tab")
        await _type(pilot, "12:00")
        await pilot.press("tab")
        await _type(pilot, "Teams")
        await pilot.press("tab", "tab")
        await _type(pilot, "Kari Nordmann")
        await pilot.press("tab")
        await _type(pilot, "Sekretariatet")
        await pilot.press("tab")
        await _type(pilot, "post@helsefellesskap.no")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is life
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("j")
        await settle(pilot)
        with Session(engine) as session:
            meeting = session.exec(select(Meeting)).one()
            assert (meeting.status, meeting.start_time, meeting.chair) == (
                "innkalt",
                "09:00",
                "Kari Nordmann",
            )

        # The meeting is held; who came: seven present, Siri Holm sends forfall.
        app.today = date(2025, 10, 20)
        await pilot.press("h", "j")
        await settle(pilot)
        await pilot.press("tab")  # to the attendance
        for index, _name in enumerate(MEMBERS):
            await pilot.press("m")
            await settle(pilot)
            if index == len(MEMBERS) - 1:
                await pilot.press("m")  # møtt → forfall
                await settle(pilot)
            await pilot.press("down")
        people = {a.name: a.status for a in life.life.attendees}
        assert [people[n] for n in MEMBERS] == ["møtt"] * 7 + ["forfall"]

        # Sak 28: point 3 amended (4 000 000 instead of 4 657 500); Tor Moen inhabil.
        await pilot.press("tab")  # back to the cases
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, AmendForm)
        assert app.screen.query_one("#amend-number").value == "3"
        await pilot.press("ctrl+a")
        await _type(
            pilot, "Kr 4 000 000 av de lokale midlene innvilges til innsats- og vurderingsteamet for 2026."
        )
        await pilot.press("tab")
        await _type(pilot, "2026=4000000")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is life, str(app.screen.query_one(".form-error").content)
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, InhabilForm)
        await _type(pilot, "Tor Moen")
        await pilot.press("ctrl+s")
        await settle(pilot)

        # Sak 29 as recommended with a 5–2 vote; sak 30 as recommended.
        await pilot.press("down", "v")
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, VoteForm)
        await pilot.press("space", "tab", "home", "shift+end")
        await _type(pilot, "Kari Nordmann, Ola Hansen, Per Olsen, Anne Berg, Liv Dahl")
        await pilot.press("tab")
        await _type(pilot, "Tor Moen, Eva Lie")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is life, str(app.screen.query_one(".form-error").content)
        await pilot.press("down", "v")
        await settle(pilot)
        outcomes = [str(life.query_one("#life-cases").get_row_at(i)[2]) for i in range(3)]
        assert outcomes[0].startswith("Vedtatt med endringer") and "inhabil: Tor Moen" in outcomes[0]
        assert outcomes[1] == "Vedtatt som innstilt (5–2)"
        assert outcomes[2] == "Vedtatt som innstilt"

        # The protokoll is approved: written back and locked.
        app.today = date(2025, 10, 22)
        await pilot.press("g")
        await settle(pilot)
        assert isinstance(app.screen, ApproveForm)
        await _type(pilot, "SSU per e-post")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is life
        assert "låst" in str(life.query_one("#life-status").content)
        with Session(engine) as session:
            round_ = session.exec(select(Round).where(Round.key == "helgeland-2026")).one()
            statuses = {
                a.id: a.status
                for a in session.exec(select(Application).where(Application.round_id == round_.id))
            }
            allocation = round_allocation(session, round_.id)
            awards = session.exec(select(Award)).all()
        assert round_.status == "vedtatt"
        first = allocation.rows[0]
        assert first.awarded and first.local == {2026: 4_000_000}
        assert [(a.application_id, a.budget_year, a.amount, a.source) for a in awards] == [
            (first.key, 2026, 4_000_000, "lokal")
        ]
        assert statuses[first.key] == "innvilget"
        assert sorted(set(statuses.values())) == ["innvilget", "oversendt"]
        assert allocation.year(2026).recommended == 4_000_000  # the ledger counts the award
        await pilot.press("v")  # a locked meeting refuses a vedtak
        await settle(pilot)
        assert any("låst" in m for m in _messages(app))

        # The locked case opens read-only, and Esc leaves it.
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CasesScreen)
        await pilot.press("tab", "home", "enter")
        await settle(pilot)
        editor = app.screen
        assert isinstance(editor, CaseEditScreen)
        assert editor.query_one("#point-text").read_only
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CasesScreen)

        # The letter to Helse Nord with the regional list; then sent.
        app.today = date(2025, 10, 24)
        await pilot.press("g")
        await settle(pilot)
        life = app.screen
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, PackageForm)
        folder = tmp_path / "brev"
        await pilot.press("home", "shift+end")
        await _type(pilot, str(folder))
        await pilot.press("ctrl+s")
        await settle(pilot)
        names = sorted(p.name for p in folder.iterdir())
        assert names[0] == "01 Oversendelse 24.10.2025.docx"
        assert "02 Prioriteringsliste (vedtatt).xlsx" in names
        assert any("Helgelandssykepleier" in name for name in names)
        await pilot.press("L", "j")
        await settle(pilot)
        assert "Oversendt Helse Nord 24.10.2025" in str(life.query_one("#life-deadline").content)

        # A month later: Helse Nord's awards from their list.
        app.today = date(2025, 11, 25)
        award_list = tmp_path / "tildeling.csv"
        award_list.write_text(
            "Prosjekt;2026;2027;2028;2029;2030\n"
            "Helgelandssykepleier;2000000;2000000;2000000;2000000;2000000\n"
            "Forprosjekt: Observasjonspost Sør-Helgeland;1500000;0;0;0;0\n",
            encoding="utf-8",
        )
        await pilot.press("f")
        await settle(pilot)
        follow = app.screen
        assert isinstance(follow, FollowUpScreen)
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, AwardForm)
        await pilot.press("tab")
        await _type(pilot, str(award_list))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is follow
        regional = follow.query_one("#followup-regional")
        rows = [[_plain(cell) for cell in regional.get_row_at(i)] for i in range(regional.row_count)]
        nurse = next(row for row in rows if row[1].startswith("Helgelandssykepleier"))
        assert nurse[3] == "kr 10 000 000 fordelt med kr 2 000 000 per år i 2026–2030"
        # Funded projects now: the note under the projects is gone; nothing falls due before 2026.
        assert not follow.query_one("#followup-projects-empty").display
        due_note = follow.query_one("#followup-due-empty")
        assert due_note.display and str(due_note.content) == "Ingenting forfaller de neste 30 dagene."

        # In January: the 2026 payments fall due, and the first reports are planned.
        app.today = date(2026, 1, 15)
        await pilot.press("ctrl+r")
        await settle(pilot)
        due = follow.query_one("#followup-due")
        due_rows = [[_plain(cell) for cell in due.get_row_at(i)] for i in range(due.row_count)]
        assert {row[1] for row in due_rows} == {
            "Utbetaling 2026 (lokal pott)",
            "Utbetaling 2026 (Helse Nord)",
        }
        assert any(row[2] == "4 000 000 kr" for row in due_rows)
        assert not follow.query_one("#followup-due-empty").display  # rows, no note
        # Ctrl+R keeps the project the user was looking at (the local grant's, the only one
        # before the awards came in) ...
        projects = follow.query_one("#followup-projects")
        years = follow.query_one("#followup-years")
        assert str(projects.get_row_at(projects.cursor_row)[0]).startswith("Interkommunalt")
        reports = " ".join(str(years.get_row_at(i)[5]) for i in range(years.row_count))
        assert "Sluttrapport: venter (frist 01.06.2028)" in reports
        # ... and the pre-project Helse Nord funded for 2026 reports by 01.03.2027.
        projects.move_cursor(row=0)
        await settle(pilot)
        assert str(projects.get_row_at(0)[0]).startswith("Forprosjekt: Observasjonspost")
        reports = " ".join(str(years.get_row_at(i)[5]) for i in range(years.row_count))
        assert "frist 01.03.2027" in reports

    # The first new case in 2025 (after the week-43 meeting's 28–30) continues the year.
    with Session(engine) as session:
        assert session.exec(select(Case.number).where(Case.year == 2025).order_by(Case.number)).all() == [
            28,
            29,
            30,
        ]


async def test_follow_up_says_why_it_is_empty_before_any_grant(engine) -> None:
    """Before any vedtak or award the follow-up tables have only headings: a note under them says
    why, and what brings a project there (with the key for Helse Nord's award as the keymap has it)."""
    app = make_app(engine=engine, today=date(2025, 10, 20))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        follow = app.screen
        assert isinstance(follow, FollowUpScreen)
        assert follow.query_one("#followup-due").row_count == 0
        for name in ("due", "projects"):
            note = follow.query_one(f"#followup-{name}-empty")
            assert note.display
            assert str(note.content).startswith("Ingen prosjekter med tilskudd ennå.")
            assert str(note.content).endswith("Helse Nords tildeling er registrert (t).")
