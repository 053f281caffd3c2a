"""The one write path (`rsapp.store.unit_of_work`): commit, roll back, round lock, versions, log."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from rsapp.models import Application, ChangeLog, Earmark
from rsapp.store.unit_of_work import StaleError, StoreError, unit_of_work


def _first_application(session: Session) -> Application:
    return session.exec(select(Application).where(Application.round_id == 1).order_by(Application.id)).first()


def test_commits_on_success_and_logs_who_and_what(any_engine) -> None:
    with Session(any_engine) as session:
        app = _first_application(session)
        app_id, old_name = app.id, app.name
        with unit_of_work(session, round_id=1) as uow:
            app.name = "Nytt navn"
            session.add(app)
            uow.log("application", app_id, "endre", "Endret navn", old_name, "Nytt navn")
    with Session(any_engine) as session:
        assert session.get(Application, app_id).name == "Nytt navn"
        entry = session.exec(select(ChangeLog).order_by(ChangeLog.id.desc())).first()
        assert (entry.entity, entry.entity_id, entry.action) == ("application", app_id, "endre")
        assert (entry.old, entry.new, entry.round_id) == (old_name, "Nytt navn", 1)
        assert entry.user and entry.at is not None


def test_rolls_back_everything_on_error(engine) -> None:
    with Session(engine) as session:
        app = _first_application(session)
        app_id, old_name = app.id, app.name
        logged = len(session.exec(select(ChangeLog)).all())
        with pytest.raises(RuntimeError), unit_of_work(session, round_id=1) as uow:
            app.name = "Halvveis"
            session.add(app)
            uow.log("application", app_id, "endre", "Endret navn")
            session.flush()
            raise RuntimeError("stopp")
    with Session(engine) as session:
        assert session.get(Application, app_id).name == old_name
        assert len(session.exec(select(ChangeLog)).all()) == logged


def test_claim_bumps_version_and_refuses_a_stale_one(any_engine) -> None:
    with Session(any_engine) as session:
        app = _first_application(session)
        app_id, version = app.id, app.version
        with unit_of_work(session, round_id=1) as uow:
            assert uow.claim(Application, app_id, version, "Søknaden «X»") == version + 1
        with (
            pytest.raises(StaleError, match="Søknaden «X» er endret av en annen bruker"),
            unit_of_work(session, round_id=1) as uow,
        ):
            uow.claim(Application, app_id, version, "Søknaden «X»")
        assert session.get(Application, app_id).version == version + 1


def test_claim_of_a_deleted_row_says_so(engine) -> None:
    with Session(engine) as session, pytest.raises(StaleError, match="finnes ikke lenger"):
        with unit_of_work(session) as uow:
            uow.claim(Earmark, 999_999, 1, "Avsetningen «Borte»")


def test_unknown_round_is_a_clear_error(engine) -> None:
    with Session(engine) as session, pytest.raises(StoreError, match="Fant ingen runde med id 4242"):
        with unit_of_work(session, round_id=4242):
            pass


def test_an_open_read_is_committed_first(engine) -> None:
    """A change must not be made on the snapshot of a read taken before it (PostgreSQL, WAL)."""
    with Session(engine) as reader, Session(engine) as other:
        app = _first_application(reader)  # opens a read transaction
        app_id = app.id
        changed = other.get(Application, app_id)
        changed.name = "Endret av en annen"
        other.add(changed)
        other.commit()
        with unit_of_work(reader):
            assert reader.get(Application, app_id).name == "Endret av en annen"


def test_every_meeting_case_and_point_change_is_logged_with_old_and_new(engine) -> None:
    from datetime import date

    from rsapp.config import current_user
    from rsapp.saksfremlegg import meetings, points, saksliste

    def log_since(start: int) -> list[tuple[str, str, str, str]]:
        with Session(engine) as s:
            rows = s.exec(select(ChangeLog).where(ChangeLog.id > start).order_by(ChangeLog.id)).all()
            assert all(row.user == current_user() and row.at is not None for row in rows)
            return [(row.entity, row.action, row.old, row.new) for row in rows]

    with Session(engine) as session:
        start = max([0, *(row.id for row in session.exec(select(ChangeLog)).all())])
        meeting = meetings.create_meeting(session, on=date(2024, 10, 21), standing_cases=True, place="Teams")
        created = log_since(start)
        assert created[0][:2] == ("meeting", "ny") and "Teams" in created[0][3]
        assert [entry[:2] for entry in created[1:]] == [("case", "ny"), ("case", "ny")]

        start = max(row.id for row in session.exec(select(ChangeLog)).all())
        case = saksliste.add_case(session, meeting.id, title="Sak A")
        saksliste.update_case(session, case.id, title="Sak B", vurdering="Vurdert.")
        point = points.add_point(session, case.id, "Første")
        points.update_point(session, point.id, "Første, endret")
        second = points.add_point(session, case.id, "Andre")
        points.reorder_points(session, case.id, [second.id, point.id])
        points.delete_point(session, second.id)
        saksliste.set_case_number(session, case.id, "28/2024")
        saksliste.delete_case(session, case.id)
        meetings.set_meeting_final(session, meeting.id)
        logged = log_since(start)

    assert ("case", "ny", "", "Sak 1-2024: Sak A") in logged
    # the standing cases moved down one to make room: each renumbering is in the log
    assert ("case", "nummer", "1-2024", "2-2024") in logged
    assert ("case", "endre", "Sak A", "Sak B") in logged
    assert ("case", "endre", "", "Vurdert.") in logged
    assert ("innstillingspunkt", "ny", "", "Første") in logged
    assert ("innstillingspunkt", "endre", "Første", "Første, endret") in logged
    assert (
        "innstillingspunkt",
        "rekkefølge",
        "1. Første, endret\n2. Andre",
        "1. Andre\n2. Første, endret",
    ) in logged
    assert ("innstillingspunkt", "slett", "Andre", "") in logged
    assert ("case", "nummer", "1-2024", "28-2024") in logged
    assert ("case", "slett", "Sak 28-2024: Sak B", "") in logged
    assert logged[-1] == ("meeting", "endelig", "Utkast", "Endelig")
