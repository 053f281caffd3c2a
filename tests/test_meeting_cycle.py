"""After the meeting, on SQLite and PostgreSQL: numbering that continues the year, the meeting's
life, vedtak, approval (write-back and lock), the letter, Helse Nord's awards and the follow-up."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, select

from rsapp.followup import awards, plan, views
from rsapp.followup.plan import FollowUpError
from rsapp.models import (
    Application,
    Award,
    Case,
    Earmark,
    EarmarkAmount,
    Meeting,
    Payment,
    ProjectReport,
    Round,
)
from rsapp.portfolio import round_allocation
from rsapp.saksfremlegg import (
    history,
    meeting_life,
    meetings,
    offentlighet,
    oversendelse,
    points,
    protokoll,
    vedtak,
)
from rsapp.saksfremlegg.numbering import CaseNumberError
from rsapp.saksfremlegg.records import CaseError
from rsapp.saksfremlegg.saksliste import add_case, meeting_cases
from tests.meeting_cycle_setup import MEMBERS, week_43


def _session(engine) -> Session:
    return Session(engine, expire_on_commit=False)


# --- numbers ------------------------------------------------------------------------------------


def test_a_new_user_gets_28_2025_and_earlier_numbers_can_be_registered(any_engine) -> None:
    with _session(any_engine) as session:
        assert history.next_number(session, 2025) == "28-2025"
        assert [line.number for line in history.history_lines(session, 2025)] == [
            "23-2025",
            "24-2025",
            "24-2025",  # the document's «24/2025» and «24-2025»: both kept as written
            "25-2025",
            "26-2025",
            "27-2025",
        ]
        with pytest.raises(CaseNumberError, match="24-2025 er allerede registrert"):
            history.register_case_number(session, "24/2025", "Noe annet")
        history.register_case_number(session, "40/2025", "Sak i november", meeting_date=date(2025, 11, 3))
        meeting = meetings.create_meeting(session, on=date(2025, 12, 1), standing_cases=True)
        assert [c.number for c in meeting_cases(session, meeting.id)] == [41, 42]
        with pytest.raises(CaseNumberError, match="40-2025 er allerede brukt"):
            add_case(session, meeting.id, title="Dobbel", number="40/2025")


# --- the meeting's life -------------------------------------------------------------------------


def test_the_innkalling_must_be_complete_and_attendance_comes_from_the_register(any_engine) -> None:
    with _session(any_engine) as session:
        ids = week_43(session, held=False)
        meeting_life.set_details(session, ids.meeting_id, chair="")
        with pytest.raises(CaseError, match="mangler møteleder"):
            meeting_life.summon(session, ids.meeting_id, on=date(2025, 10, 10))
        meeting_life.set_details(session, ids.meeting_id, chair="Kari Nordmann")
        with pytest.raises(CaseError, match="Kan ikke lese klokkeslett fra «9 om morgenen»"):
            meeting_life.set_details(session, ids.meeting_id, start_time="9 om morgenen")
        meeting = meeting_life.summon(session, ids.meeting_id, on=date(2025, 10, 10))
        assert (meeting.status, meeting.final) == ("innkalt", True)
        assert [a.name for a in meeting_life.attendance(session, ids.meeting_id)] == MEMBERS
        with pytest.raises(CaseError, match="ikke holdt ennå"):
            meeting_life.mark_held(session, ids.meeting_id, today=date(2025, 10, 19))
        with pytest.raises(CaseError, match="«Petter Smart» er ikke innkalt"):
            meeting_life.set_attendance(session, ids.meeting_id, "Petter Smart", "møtt")
        vara = meeting_life.add_attendee(
            session, ids.meeting_id, "Petter Smart", status="vara", substitute_for="Siri Holm"
        )
        assert vara.status_label == "Møtt som vara for Siri Holm"
        # A step back opens the saksliste again.
        assert meeting_life.step_back(session, ids.meeting_id).status == "planlagt"
        assert not any(c.final for c in meeting_cases(session, ids.meeting_id))


def test_vedtak_amended_point_by_point_with_vote_and_inhabil(any_engine) -> None:
    with _session(any_engine) as session:
        ids = week_43(session)
        with pytest.raises(CaseError, match="Innkallingen til møtet er ikke sendt"):
            other = meetings.create_meeting(session, on=date(2025, 12, 1))
            vedtak.record_as_recommended(session, add_case(session, other.id, title="X").id)
        view = vedtak.record_as_recommended(session, ids.prioritisation)
        assert view.outcome == "som_innstilt" and all(line.change == "uendret" for line in view.lines)
        application_line = next(line for line in view.lines if line.application_id)
        assert application_line.amounts == {2026: 4_657_500}
        view = vedtak.amend_point(
            session,
            ids.prioritisation,
            application_line.number,
            "Kr 4 000 000 innvilges til teamet for 2026.",
        )
        amended = view.lines[application_line.number - 1]
        assert (amended.change, amended.amounts) == ("endret", {2026: 4_000_000})
        assert amended.innstilling.startswith("Kr 4\u00a0657\u00a0500 av de lokale midlene innstilles")
        assert view.outcome == "endret"
        with pytest.raises(CaseError, match="hvilke år"):
            vedtak.amend_point(
                session, ids.prioritisation, application_line.number, "Kr 1 000 000 og kr 2 000 000."
            )
        view = vedtak.set_inhabil(session, ids.prioritisation, "Tor Moen", note="Leder i prosjektet.")
        assert view.inhabil == [("Tor Moen", "forvaltningsloven § 6", "Leder i prosjektet.")]
        with pytest.raises(CaseError, match="Tor Moen er inhabil .* og kan ikke stemme"):
            vedtak.set_vote(session, ids.prioritisation, unanimous=False, for_names=["Kari", "Tor Moen"])
        with pytest.raises(CaseError, match="Siri Holm er ikke registrert som møtt"):
            vedtak.set_vote(session, ids.orienteringer, unanimous=False, for_names=["Siri Holm"])
        with pytest.raises(CaseError, match="ikke vedtatt"):
            vedtak.set_vote(
                session, ids.orienteringer, unanimous=False, for_names=["Kari"], against_names=["Ola", "Per"]
            )
        view = vedtak.set_vote(
            session,
            ids.orienteringer,
            unanimous=False,
            for_names=["Kari Nordmann", "Ola Hansen", "Per Olsen", "Anne Berg", "Liv Dahl"],
            against_names=["Tor Moen", "Eva Lie"],
        )
        assert view.vote_text == (
            "Vedtatt med 5 mot 2 stemmer. For: Kari Nordmann, Ola Hansen, Per Olsen, Anne Berg, Liv Dahl. "
            "Mot: Tor Moen, Eva Lie."
        )
        view = vedtak.strike_point(session, ids.eventuelt, 1)
        assert view.decided_lines == [] and view.outcome == "endret"
        view = vedtak.restore_point(session, ids.eventuelt, 1)
        assert view.outcome == "som_innstilt"


def test_approval_writes_back_awards_statuses_and_earmarks_then_locks(any_engine) -> None:
    with _session(any_engine) as session:
        ids = week_43(session, orientation=True)
        assert ids.orientation is not None
        view = vedtak.record_as_recommended(session, ids.prioritisation)
        open_line = next(line for line in view.lines if line.source_key.startswith("open:"))
        vedtak.amend_point(
            session,
            ids.prioritisation,
            open_line.number,
            "Kr 800 000 av midlene for 2026 brukes til intermediærpost i Vefsn.",
            amounts={2026: 800_000},
        )
        vedtak.postpone(session, ids.orientation, "FSU orienterer i neste møte.")
        vedtak.record_as_recommended(session, ids.orienteringer)
        with pytest.raises(CaseError, match="alle saker har vedtak. Mangler: Sak 31-2025"):
            protokoll.approve(session, ids.meeting_id, approved_by="SSU", on=date(2025, 10, 22))
        vedtak.record_as_recommended(session, ids.eventuelt)
        result = protokoll.approve(
            session, ids.meeting_id, approved_by="SSU per e-post", on=date(2025, 10, 22)
        )
        assert result.postponed == ["Sak 29-2025: Orientering fra FSU"]
        (done,) = result.write_backs
        round_ = session.get(Round, ids.round_id)
        assert round_ is not None and round_.status == "vedtatt"
        statuses = {
            a.id: a.status
            for a in session.exec(select(Application).where(Application.round_id == ids.round_id))
        }
        first = min(statuses)
        assert done.awards == {first: {2026: 4_657_500}}
        assert statuses[first] == "innvilget" and set(statuses.values()) == {"innvilget", "oversendt"}
        vefsn = session.exec(select(Earmark).where(Earmark.name == "Intermediærpost i Vefsn")).one()
        assert not vefsn.is_open
        assert [
            (a.budget_year, a.amount)
            for a in session.exec(select(EarmarkAmount).where(EarmarkAmount.earmark_id == vefsn.id))
        ] == [(2026, 800_000)]
        allocation = round_allocation(session, ids.round_id)
        assert allocation.ledger.open_earmarks == []
        assert allocation.year(2026).earmarked == 500_000 + 1_000_000 + 800_000
        assert allocation.rows[0].awarded and allocation.rows[0].local == {2026: 4_657_500}
        # Payments and reports planned from the award.
        assert [(p.budget_year, p.amount) for p in session.exec(select(Payment))] == [(2026, 4_657_500)]
        # One award year: the final report, due three months after the project ends (March 2028).
        assert [(r.kind, r.due_on) for r in session.exec(select(ProjectReport))] == [
            ("sluttrapport", date(2028, 6, 1))
        ]
        # The postponed case waits for the next meeting, keeping its number.
        queued = meeting_life.queued_cases(session)
        assert [(c.number, c.meeting_id) for c in queued] == [(29, None)]
        # Locked: the domain says so, and the database refuses raw SQL too.
        with pytest.raises(CaseError, match="låst"):
            vedtak.record_as_recommended(session, ids.eventuelt)
        with pytest.raises(CaseError, match="låst"):
            meeting_life.set_details(session, ids.meeting_id, place="Mo i Rana")
        with pytest.raises(CaseError, match="endelig og kan ikke slettes"):
            meetings.delete_meeting(session, ids.meeting_id)
        session.commit()
    for statement in (
        f"UPDATE meeting SET place = 'x' WHERE id = {ids.meeting_id}",
        f"UPDATE meeting_case SET title = 'x' WHERE id = {ids.prioritisation}",
        f"DELETE FROM innstillingpoint WHERE case_id = {ids.prioritisation}",
        f"UPDATE vedtak SET outcome = 'utsatt' WHERE case_id = {ids.eventuelt}",
        f"DELETE FROM meeting_attendance WHERE meeting_id = {ids.meeting_id}",
        f"UPDATE meeting_case SET meeting_id = {ids.meeting_id} WHERE id = {ids.orientation}",
    ):
        with any_engine.connect() as conn, pytest.raises(DBAPIError, match="godkjent og låst"):
            conn.exec_driver_sql(statement)
            conn.commit()
    with _session(any_engine) as session:
        # The next meeting takes the postponed case first; the next new number continues the year.
        december = meetings.create_meeting(session, on=date(2025, 12, 1))
        meeting_life.schedule_case(session, ids.orientation, december.id)
        new = add_case(session, december.id, title="Ny sak")
        assert [(c.number, c.title) for c in meeting_cases(session, december.id)] == [
            (29, "Orientering fra FSU"),
            (32, "Ny sak"),
        ]
        assert new.number == 32


def test_the_letter_the_regional_awards_and_the_follow_up(any_engine, tmp_path: Path) -> None:
    with _session(any_engine) as session:
        ids = week_43(session)
        for case_id in (ids.prioritisation, ids.orienteringer, ids.eventuelt):
            vedtak.record_as_recommended(session, case_id)
        with pytest.raises(CaseError, match="ikke vedtatt ennå"):
            oversendelse.letter_context(session, ids.round_id, letter_date=date(2025, 10, 24), signer="S")
        protokoll.approve(session, ids.meeting_id, approved_by="SSU", on=date(2025, 10, 22))
        state = oversendelse.forwarding_state(session, ids.round_id, today=date(2025, 10, 30))
        assert state.line == "Frist til Helse Nord 01.11.2025 (om 2 dager): ikke sendt"
        context = oversendelse.letter_context(
            session, ids.round_id, letter_date=date(2025, 10, 24), signer="S"
        )
        assert [item["name"] for item in context["regional"]] == [
            item.name for item in round_allocation(session, ids.round_id).regional
        ]
        assert "vedtok prioriteringen i møte 20.10.2025, sak 28-2025" in context["body"][0]
        assert (
            oversendelse.mark_sent(session, ids.round_id, on=date(2025, 10, 24)).line
            == "Oversendt Helse Nord 24.10.2025"
        )

        rows = awards.regional_rows(session, ids.round_id)
        nurse = next(r for r in rows if r.name.startswith("Helgelandssykepleier"))
        assert nurse.sought == dict.fromkeys(range(2026, 2031), 2_000_000) and nurse.awarded is None
        bad = tmp_path / "feil.csv"
        bad.write_text("Prosjekt;2026\nUkjent prosjekt;100\n", encoding="utf-8")
        with pytest.raises(
            FollowUpError, match="feil.csv, rad 2: fant ingen oversendt søknad «Ukjent prosjekt»"
        ):
            awards.import_regional(session, ids.round_id, bad, decided_on=date(2025, 11, 25))
        assert session.exec(select(Award).where(Award.source == "regional")).all() == []  # nothing saved
        good = tmp_path / "tildeling.xlsx"
        from openpyxl import Workbook

        book = Workbook()
        book.active.append(["Tildeling RS-midler 2026"])
        book.active.append(["Prosjekt", "År", "Beløp"])
        book.active.append(["Helgelandssykepleier", 2026, 2_000_000])
        book.active.append(["Helgelandssykepleier", 2027, 2_000_000])
        book.active.append(["Forprosjekt: Observasjonspost Sør-Helgeland", 2026, 0])
        book.save(good)
        result = awards.import_regional(session, ids.round_id, good, decided_on=date(2025, 11, 25))
        assert result.awards[nurse.application_id] == {2026: 2_000_000, 2027: 2_000_000}
        statuses = {a.id: a.status for a in session.exec(select(Application))}
        assert statuses[nurse.application_id] == "innvilget_regionalt"
        observasjon = next(r for r in rows if r.name.startswith("Forprosjekt: Observasjonspost"))
        assert statuses[observasjon.application_id] == "avslatt_regionalt"

        due = views.due_items(session, today=date(2026, 1, 15))
        assert [(item.what, item.amount) for item in due] == [
            ("Utbetaling 2026 (Helse Nord)", 2_000_000),
            ("Utbetaling 2026 (lokal pott)", 4_657_500),
        ]
        payment = next(item for item in due if item.what.endswith("(lokal pott)"))
        plan.set_payment(session, payment.row_id, paid_on=date(2026, 2, 3))
        summary = views.project_summary(session, nurse.application_id)
        assert [(y.year, y.awarded_regional, y.planned, y.reports) for y in summary.years] == [
            (2026, 2_000_000, 2_000_000, ["Årsrapport: venter (frist 01.03.2027)"]),
            (2027, 2_000_000, 2_000_000, ["Sluttrapport: venter (frist 01.03.2028)"]),
        ]
        report = next(r for r in summary.reports if r.kind == "årsrapport")
        plan.set_report(session, report.id, status="mottatt", received_on=date(2027, 2, 20))
        overview = views.overview(session, year=2026)
        local_row = next(r for r in overview if r.awarded_local)
        assert (local_row.awarded_local, local_row.paid) == (4_657_500, 4_657_500)
        nurse_row = next(r for r in overview if r.application_id == nurse.application_id)
        assert nurse_row.reported == "Årsrapport: mottatt 20.02.2027"
        from rsapp.followup.excel import write_overview

        path = write_overview(session, tmp_path / "oversikt.xlsx", today=date(2026, 1, 15))
        assert path.stat().st_mode & 0o777 == 0o600
        from openpyxl import load_workbook

        sheet = load_workbook(path)["Oversikt"]
        assert [cell.value for cell in sheet[4]][:5] == [
            "Prosjekt",
            "Runde",
            "År",
            "Innvilget lokalt",
            "Innvilget Helse Nord",
        ]


def test_public_version_leaves_out_what_is_withheld_and_states_the_basis(any_engine) -> None:
    with _session(any_engine) as session:
        ids = week_43(session)
        case = session.get(Case, ids.orienteringer)
        assert case is not None
        with pytest.raises(CaseError, match="Fant ikke teksten"):
            offentlighet.add_exemption(session, ids.orienteringer, "saksopplysninger", passage="finnes ikke")
        line = offentlighet.add_exemption(
            session, ids.orienteringer, "saksopplysninger", passage="henvendelser til helsefellesskapet"
        )
        assert line.description.startswith(
            "«henvendelser til helsefellesskapet» i saksopplysningene er unntatt"
        )
        public = offentlighet.public_case_context(session, ids.orienteringer)["case"]
        items = [item for block in public["saksopplysninger"] for item in block["lines"]]
        assert "[Unntatt offentlighet, jf. offl. § 13 jf. fvl. § 13 første ledd nr. 1]" in items
        assert "henvendelser til helsefellesskapet" not in " ".join(items)
        vedtak.record_as_recommended(session, ids.orienteringer)
        offentlighet.add_exemption(session, ids.orienteringer, "vedtak", basis="offl. § 14")
        member = protokoll.render_protokoll(session, ids.meeting_id, "md")
        public_md = protokoll.render_protokoll(session, ids.meeting_id, "md", public=True)
        assert "SSU tar orienteringene til orientering." in member
        assert "*Offentlig versjon: opplysninger unntatt offentlighet er tatt ut.*" in public_md
        section = public_md.split("## Sak 29-2025")[1].split("## Sak 30-2025")[0]
        assert "[Unntatt offentlighet, jf. offl. § 14]" in section
        assert "til orientering" not in section


def test_public_version_withholds_every_innstilling_exemption(any_engine) -> None:
    """Two passages, a passage inside one point, and a whole point: each is withheld in the public
    version, whatever order they were made in; a passage is looked for in the point it names."""
    with _session(any_engine) as session:
        ids = week_43(session)
        texts = [p.text for p in points.case_points(session, ids.prioritisation)]
        first, second = texts[0].split()[:2], texts[1].split()[-2:]
        one, two = " ".join(first), " ".join(second)
        assert one not in texts[1] and two not in texts[0]
        offentlighet.add_exemption(session, ids.prioritisation, "innstilling", passage=one)
        offentlighet.add_exemption(session, ids.prioritisation, "innstilling", passage=two)
        with pytest.raises(CaseError, match="Fant ikke teksten .* i punkt 3 i innstillingen"):
            offentlighet.add_exemption(
                session, ids.prioritisation, "innstilling", passage=one, point_number=3
            )
        third = texts[2].split()[-1]
        line = offentlighet.add_exemption(
            session, ids.prioritisation, "innstilling", passage=third, point_number=3, basis="offl. § 14"
        )
        assert line.what == f"«{third}» i punkt 3 i innstillingen"
        offentlighet.add_exemption(
            session, ids.prioritisation, "innstilling", point_number=4, basis="offl. § 15"
        )
        public = offentlighet.public_case_context(session, ids.prioritisation)["case"]
        shown = [p["text"] for p in public["points"]]
        basis = "[Unntatt offentlighet, jf. offl. § 13 jf. fvl. § 13 første ledd nr. 1]"
        assert shown[0] == texts[0].replace(one, basis)
        assert shown[1] == texts[1].replace(two, basis)
        assert shown[2] == texts[2].replace(third, "[Unntatt offentlighet, jf. offl. § 14]")
        assert shown[3] == "[Unntatt offentlighet, jf. offl. § 15]"
        assert shown[4:] == texts[4:]
        # A whole innstilling made after the passages withholds all of it.
        offentlighet.add_exemption(session, ids.prioritisation, "innstilling", basis="offl. § 16")
        public = offentlighet.public_case_context(session, ids.prioritisation)["case"]
        shown = [p["text"] for p in public["points"]]
        assert shown[4:] == ["[Unntatt offentlighet, jf. offl. § 16]"] * len(texts[4:])
        assert all(text.startswith("[Unntatt offentlighet") and text.endswith("]") for text in shown[3:])


def test_meeting_on_date_other_than_history_never_gets_a_used_number(any_engine) -> None:
    with _session(any_engine) as session:
        meeting = meetings.create_meeting(session, on=date(2025, 9, 9))
        assert add_case(session, meeting.id, title="Ny").number == 28
        session.commit()
        assert session.exec(select(Meeting)).first() is not None
