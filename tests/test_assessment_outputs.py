"""The assessment in the outputs: the Excel list's «Krav», «Vurdering» and Kommentar come from the
same summary as the portfolio's columns (rsapp.assessment.reads.assessment_summaries)."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from sqlmodel import Session, select

from rsapp.assessment import changes
from rsapp.assessment.reads import application_assessment, assessment_summaries
from rsapp.export.excel import export_round
from rsapp.models import Application, Round
from rsapp.portfolio import load_portfolio
from tests.conftest import TODAY

REHAB = "Forprosjekt - tverretatlig rehabilitering"
HEADER_ROW, FIRST_ROW = 5, 6


def _assess(session: Session) -> tuple[int, int]:
    round_id = session.exec(select(Round.id).where(Round.key == "helgeland-2026")).one()
    app_id = session.exec(select(Application.id).where(Application.name == REHAB)).one()
    kari, _ = changes.add_assessor(session, "Kari Nilsen", "Sekretariatet")
    per, _ = changes.add_assessor(session, "Per Vefsnes", "SSU-medlem", "Vefsn kommune")
    for person, score in ((kari, "4"), (per, "1")):
        for item in application_assessment(session, app_id, person).items:
            value = item.suggestion.answer if item.item.kind != "kriterium" else score
            changes.set_answer(session, app_id, item.item.id, person, value or "uklart")
    changes.set_overall_note(session, app_id, kari, "Godt forankret i FSU rehabilitering.")
    changes.add_tie(session, per, "prosjektrolle", application_id=app_id, description="styringsgruppen")
    changes.record_decision(session, per, app_id, "inhabil", "Sitter i styringsgruppen")
    return round_id, app_id


def test_excel_list_has_krav_vurdering_and_the_note_as_kommentar(any_engine, tmp_path: Path) -> None:
    with Session(any_engine, expire_on_commit=False) as session:
        round_id, app_id = _assess(session)
        summary = assessment_summaries(session, round_id)[app_id]
        target = export_round(session, round_id, tmp_path / "liste.xlsx", today=TODAY)
        portfolio = load_portfolio(session)
    assert summary.krav_label == "4/6 ⚠" and summary.vurdering_label == "4,0"
    ws = load_workbook(target)["Prioritering"]
    headers = {cell.value: cell.column for cell in ws[HEADER_ROW] if cell.value}
    assert {"Krav", "Vurdering", "Kommentar"} <= set(headers)
    assert headers["Krav"] < headers["Kommentar"] and headers["Vurdering"] < headers["Kommentar"]
    name_column = next(c for h, c in headers.items() if h == "Prosjekt")
    row = next(
        r for r in range(FIRST_ROW, ws.max_row + 1) if ws.cell(row=r, column=name_column).value == REHAB
    )
    assert ws.cell(row=row, column=headers["Krav"]).value == "4/6 ⚠"
    assert ws.cell(row=row, column=headers["Vurdering"]).value == "4,0"
    comment = ws.cell(row=row, column=headers["Kommentar"]).value
    assert "Kari Nilsen: Godt forankret i FSU rehabilitering." in comment
    assert "Inhabil: Per Vefsnes" in comment
    # The same figures as the portfolio's columns.
    shown = next(a for a in portfolio.applications if a.id == app_id).assessment
    assert shown is not None and (shown.krav_label, shown.vurdering_label) == ("4/6 ⚠", "4,0")


def test_no_assessment_columns_before_any_assessment(engine, tmp_path: Path) -> None:
    with Session(engine, expire_on_commit=False) as session:
        round_id = session.exec(select(Round.id).where(Round.key == "helgeland-2026")).one()
        target = export_round(session, round_id, tmp_path / "liste.xlsx", today=TODAY)
    headers = [cell.value for cell in load_workbook(target)["Prioritering"][HEADER_ROW] if cell.value]
    assert "Krav" not in headers and "Vurdering" not in headers


def test_saksfremlegg_vurdering_is_drafted_from_the_assessments(any_engine) -> None:
    from rsapp.saksfremlegg import cases, drafting
    from rsapp.saksfremlegg.render import render_case

    with Session(any_engine, expire_on_commit=False) as session:
        before = drafting.draft_prioritisation(
            session, session.exec(select(Round.id).where(Round.key == "helgeland-2026")).one()
        ).vurdering
        assert "[Sekretariatets vurdering av søknadene" in before
        round_id, app_id = _assess(session)
        round_ = session.get(Round, round_id)
        meeting = cases.create_meeting(
            session,
            on=cases.default_meeting_date(round_),
            extraordinary=True,
            place="Teams",
            helsefellesskap_id=round_.helsefellesskap_id,
        )
        case = drafting.create_prioritisation_case(session, meeting.id, round_id)
        markdown = render_case(session, case.id, "md")
    vurdering = markdown.split("Vurdering", 1)[1]
    assert "[Sekretariatets" not in vurdering
    assert "Søknadene er vurdert opp mot kravene" in vurdering
    assert (
        "«Forprosjekt - tverretatlig rehabilitering»: Vurdert av Kari Nilsen. Krav: 4 av 6 oppfylt"
        in vurdering
    )
    assert "Gjennomsnitt på kriteriene 4,0" in vurdering  # Per Vefsnes's 1s are left out
    assert "Særlig prioritert: pasientgrupper med sammensatte behov" in vurdering
    assert (
        "Inhabil etter forvaltningsloven § 6, fratrer under behandlingen av søknaden: Per Vefsnes"
        in vurdering
    )
    assert "Ikke vurdert ennå: «Interkommunalt innsats- og vurderingsteam for Helgeland»" in vurdering
