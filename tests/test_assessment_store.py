"""Assessments in the database, on SQLite and PostgreSQL: answers, status workflow, habilitet,
undo, the change log, and the one summary every output uses."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from rsapp.assessment import changes
from rsapp.assessment.catalogue import load_file
from rsapp.assessment.reads import application_assessment, assessment_summaries, round_flags
from rsapp.models import Application, ChangeLog, CriteriaCatalogue, Criterion, Round
from rsapp.store.unit_of_work import StaleError
from tests.conftest import REPO

REHAB = "Forprosjekt - tverretatlig rehabilitering"


def _app_id(session: Session, name: str) -> int:
    app = session.exec(select(Application).where(Application.name == name)).one()
    assert app.id is not None
    return app.id


def _round_id(session: Session, key: str = "helgeland-2026") -> int:
    rid = session.exec(select(Round.id).where(Round.key == key)).one()
    return rid


def _confirm_all(
    session: Session, app_id: int, assessor_id: int, criterion_score: str | None = None
) -> changes.Edit | None:
    """Answer every item not yet answered as suggested (criteria with `criterion_score`)."""
    last = None
    for item in application_assessment(session, app_id, assessor_id).items:
        if item.own is not None:
            continue
        value = item.suggestion.answer
        if criterion_score is not None and item.item.kind == "kriterium":
            value = criterion_score
        assert value is not None
        last = changes.set_answer(
            session, app_id, item.item.id, assessor_id, value, suggested=item.suggestion.answer or ""
        )
    return last


def test_seed_gives_both_built_in_rounds_the_calls_catalogue(any_engine) -> None:
    with Session(any_engine) as session:
        cats = session.exec(select(CriteriaCatalogue)).all()
        assert {c.key for c in cats} == {"rs-2026"}
        assert len(cats) == 2
        items = session.exec(select(Criterion).where(Criterion.catalogue_id == cats[0].id)).all()
        assert len(items) == 18
        assert sum(1 for i in items if i.kind == "krav") == 6


def test_scoring_moves_the_status_and_every_step_is_logged_and_undoable(any_engine) -> None:
    with Session(any_engine, expire_on_commit=False) as session:
        app_id = _app_id(session, REHAB)
        kari, _ = changes.add_assessor(session, "Kari Nilsen", "Sekretariatet", "Helsefellesskap Helgeland")
        view = application_assessment(session, app_id, kari)
        assert view.status == "mottatt"
        assert view.progress_label() == "0 av 18 vurdert"
        avtale = next(v for v in view.items if v.item.key == "avtale")
        first = changes.set_answer(session, app_id, avtale.item.id, kari, "oppfylt", suggested="oppfylt")
        assert [s.kind for s in first.steps] == ["score", "status"]
        assert session.get(Application, app_id).status == "under_vurdering"
        last = _confirm_all(session, app_id, kari, criterion_score="3")
        assert last is not None
        view = application_assessment(session, app_id, kari)
        assert view.progress_label() == "18 av 18 vurdert"
        session.expire_all()
        assert session.get(Application, app_id).status == "vurdert"
        log = session.exec(select(ChangeLog).where(ChangeLog.entity == "vurdering")).all()
        assert len(log) == 18
        assert any("Krav 2" in e.summary and e.new == "Oppfylt" for e in log)
        status_log = session.exec(select(ChangeLog).where(ChangeLog.action == "status")).all()
        assert [e.new for e in status_log] == ["Under vurdering", "Vurdert"]

        # Undo the last answer: its step back to "vurdert" is undone with it.
        changes.undo(session, last)
        session.expire_all()
        assert application_assessment(session, app_id, kari).progress_label() == "17 av 18 vurdert"
        assert session.get(Application, app_id).status == "under_vurdering"
        assert session.exec(select(ChangeLog).where(ChangeLog.action == "angre")).all()
        changes.redo(session, last)
        session.expire_all()
        assert session.get(Application, app_id).status == "vurdert"
        # The first answer's edit moved the status too; that step is no longer current.
        with pytest.raises(StaleError):
            changes.undo(session, first)


def test_undo_refuses_when_someone_changed_the_answer_since(any_engine) -> None:
    with Session(any_engine, expire_on_commit=False) as session:
        app_id = _app_id(session, REHAB)
        kari, _ = changes.add_assessor(session, "Kari Nilsen")
        item = application_assessment(session, app_id, kari).items[0].item
        edit = changes.set_answer(session, app_id, item.id, kari, "oppfylt")
        changes.set_answer(session, app_id, item.id, kari, "uklart")  # e.g. from another window
        with pytest.raises(StaleError, match="noen har endret det siden"):
            changes.undo(session, edit)
        assert application_assessment(session, app_id, kari).items[0].own.value == "uklart"


def test_others_scores_show_only_after_saving_ones_own(any_engine) -> None:
    with Session(any_engine, expire_on_commit=False) as session:
        app_id = _app_id(session, REHAB)
        kari, _ = changes.add_assessor(session, "Kari Nilsen")
        ola, _ = changes.add_assessor(session, "Ola Hansen")
        item = next(
            v.item for v in application_assessment(session, app_id, kari).items if v.item.kind == "kriterium"
        )
        changes.set_answer(session, app_id, item.id, kari, "4", note="Godt begrunnet")
        before = next(v for v in application_assessment(session, app_id, ola).items if v.item.id == item.id)
        assert before.own is None and before.others == []
        changes.set_answer(session, app_id, item.id, ola, "2")
        after = next(v for v in application_assessment(session, app_id, ola).items if v.item.id == item.id)
        assert [(name, row.value, row.note) for name, row in after.others] == [
            ("Kari Nilsen", "4", "Godt begrunnet")
        ]


def test_ssu_member_with_a_project_role_is_flagged_and_an_inhabil_decision_leaves_their_scores_out(
    any_engine,
) -> None:
    with Session(any_engine, expire_on_commit=False) as session:
        app_id = _app_id(session, REHAB)
        round_id = _round_id(session)
        ola, _ = changes.add_assessor(session, "Ola Hansen", "Sekretariatet")
        per, _ = changes.add_assessor(session, "Per Vefsnes", "SSU-medlem", "Vefsn kommune")
        assert not [f for f in round_flags(session, round_id) if f.assessor_id == per]
        changes.add_tie(session, per, "prosjektrolle", "Vefsn kommune", description="styringsgruppen")
        flagged = [f for f in round_flags(session, round_id) if f.assessor_id == per]
        assert app_id in {f.application_id for f in flagged}
        reason = next(f for f in flagged if f.application_id == app_id).reason
        assert "Per Vefsnes har erklært rolle i prosjektet (Vefsn kommune, styringsgruppen)" in reason

        _confirm_all(session, app_id, ola, criterion_score="2")
        _confirm_all(session, app_id, per, criterion_score="5")
        summary = assessment_summaries(session, round_id)[app_id]
        assert summary.conflicts == ["Per Vefsnes"]
        assert summary.vurdering_label == "3,5 (2,0–5,0)"

        decision = changes.record_decision(
            session, per, app_id, "inhabil", "Sitter i prosjektets styringsgruppe"
        )
        summary = assessment_summaries(session, round_id)[app_id]
        assert summary.vurdering_label == "2,0"
        assert summary.assessors == ["Ola Hansen"]
        assert summary.inhabil == ["Per Vefsnes"] and summary.conflicts == []
        assert "Per Vefsnes er inhabil (forvaltningsloven § 6)" in summary.text
        assert "Inhabil: Per Vefsnes" in summary.comment
        item = application_assessment(session, app_id, per).items[0].item
        with pytest.raises(changes.AssessmentError, match="inhabil"):
            changes.set_answer(session, app_id, item.id, per, "uklart")

        changes.undo(session, decision)
        assert assessment_summaries(session, round_id)[app_id].vurdering_label == "3,5 (2,0–5,0)"


def test_a_person_named_in_the_application_is_flagged(any_engine) -> None:
    with Session(any_engine, expire_on_commit=False) as session:
        karin, _ = changes.add_assessor(session, "Karin Ingebrigtsen", "SSU-medlem", "Vefsn kommune")
        flagged = {
            f.application_id for f in round_flags(session, _round_id(session)) if f.assessor_id == karin
        }
        assert _app_id(session, REHAB) in flagged
        assert _app_id(session, "Interkommunalt innsats- og vurderingsteam for Helgeland") in flagged


def test_summary_before_and_after_assessment(any_engine) -> None:
    with Session(any_engine, expire_on_commit=False) as session:
        round_id = _round_id(session)
        app_id = _app_id(session, REHAB)
        before = assessment_summaries(session, round_id)
        assert set(before) == {
            a.id for a in session.exec(select(Application).where(Application.round_id == round_id))
        }
        assert before[app_id].krav_label == "–" and before[app_id].vurdering_label == "–"
        assert before[app_id].text == ""
        kari, _ = changes.add_assessor(session, "Kari Nilsen")
        _confirm_all(session, app_id, kari, criterion_score="4")
        changes.set_overall_note(session, app_id, kari, "Godt forankret forprosjekt.")
        after = assessment_summaries(session, round_id)[app_id]
        assert after.krav_label == "4/6 ⚠"
        assert after.vurdering_label == "4,0"
        assert after.krav_unclear == [
            "Varighet maks 3–5 år, med mål om ordinær drift",
            "Digitale tiltak i tråd med Nasjonal e-helsestrategi og Normen",
        ]
        assert after.text.startswith("Vurdert av Kari Nilsen. Krav: 4 av 6 oppfylt")
        assert "rehabilitering" in after.text
        assert after.comment.startswith("Kari Nilsen: Godt forankret forprosjekt.")


def test_the_catalogue_can_be_edited_and_replaced_until_answered(any_engine) -> None:
    with Session(any_engine, expire_on_commit=False) as session:
        round_id = _round_id(session)
        cat_id = session.exec(
            select(CriteriaCatalogue.id).where(CriteriaCatalogue.round_id == round_id)
        ).one()
        crit = session.exec(
            select(Criterion).where(Criterion.key == "samiske_pasienter", Criterion.catalogue_id == cat_id)
        ).one()
        crit_id, version = crit.id, crit.version
        edit = changes.update_item(
            session, crit_id, version=version, words=["samisk*", "samer", "lulesamisk*"]
        )
        with pytest.raises(StaleError):
            changes.update_item(session, crit_id, version=version, title="Samiske pasienter")
        with pytest.raises(changes.AssessmentError, match="«weight» må være"):
            changes.update_item(session, crit_id, version=version + 1, weight=-2)
        changes.undo(session, edit)
        session.expire_all()
        assert "lulesamisk*" not in session.get(Criterion, crit_id).params["words"]
        new_id, _ = changes.add_item(
            session,
            round_id,
            "kriterium",
            {"key": "ny", "title": "Nytt kriterium", "rule": "nokkelord", "words": ["ny*"]},
        )
        assert len(application_assessment(session, _app_id(session, REHAB), None).items) == 19
        changes.remove_item(session, new_id)

        catalogue = load_file(REPO / "data" / "criteria" / "rs-2026.toml")
        with pytest.raises(changes.AssessmentError, match="har allerede en kriterieliste"):
            changes.install_catalogue(session, round_id, catalogue)
        assert changes.install_catalogue(session, round_id, catalogue, replace=True) == 18
        kari, _ = changes.add_assessor(session, "Kari Nilsen")
        item = application_assessment(session, _app_id(session, REHAB), kari).items[0].item
        changes.set_answer(session, _app_id(session, REHAB), item.id, kari, "oppfylt")
        with pytest.raises(changes.AssessmentError, match="har svar fra vurderere"):
            changes.install_catalogue(session, round_id, catalogue, replace=True)


def test_bad_input_names_what_and_where(any_engine) -> None:
    with Session(any_engine, expire_on_commit=False) as session:
        app_id = _app_id(session, REHAB)
        kari, _ = changes.add_assessor(session, "Kari Nilsen")
        with pytest.raises(changes.AssessmentError, match="Kari Nilsen er allerede registrert"):
            changes.add_assessor(session, "kari nilsen")
        items = application_assessment(session, app_id, kari).items
        krav = next(v.item for v in items if v.item.kind == "krav")
        with pytest.raises(ValueError, match="«4» er ikke et gyldig svar på Krav 1"):
            changes.set_answer(session, app_id, krav.id, kari, "4")
        with pytest.raises(changes.AssessmentError, match="Gi et svar på Krav 1"):
            changes.set_item_note(session, app_id, krav.id, kari, "Merknad")
        with pytest.raises(changes.AssessmentError, match="Ukjent status «ferdig»"):
            changes.set_status(session, app_id, "ferdig")
        with pytest.raises(changes.AssessmentError, match="begrunnelsen"):
            changes.record_decision(session, kari, app_id, "inhabil", " ")
        with pytest.raises(StaleError, match="endret av en annen bruker"):
            changes.set_status(session, app_id, "vurdert", expected="under_vurdering")
        changes.set_status(session, app_id, "trukket", expected="mottatt")
        session.expire_all()
        assert session.get(Application, app_id).status == "trukket"
