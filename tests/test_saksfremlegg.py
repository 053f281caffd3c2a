"""The prioritisation case drafted from data, regeneration rules, and the rendered documents."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session, select

from rsapp import prioritisation
from rsapp.models import Application, Earmark, EarmarkAmount, Round
from rsapp.money import format_kr_prefix
from rsapp.saksfremlegg import cases, drafting
from rsapp.saksfremlegg.render import (
    Renderer,
    RenderError,
    case_context,
    find_soffice,
    render_case,
    render_meeting,
)
from tests.conftest import require

GOLDEN = Path(__file__).parent / "golden" / "helgeland-2026-prioritering.md"
NBSP = "\u00a0"


def _kr(amount: int) -> str:
    return format_kr_prefix(amount)


def _round(session: Session) -> Round:
    return session.exec(select(Round).where(Round.key == "helgeland-2026")).one()


def _meeting(session: Session, *, standing: bool = False):
    round_ = _round(session)
    return cases.create_meeting(
        session,
        on=cases.default_meeting_date(round_),
        extraordinary=True,
        place="Teams",
        helsefellesskap_id=round_.helsefellesskap_id,
        standing_cases=standing,
    )


def _prioritisation(session: Session, *, standing: bool = False):
    meeting = _meeting(session, standing=standing)
    case = drafting.create_prioritisation_case(
        session, meeting.id, _round(session).id
    )  # 28-2025: 23–27 are history
    return meeting, case


def _texts(session: Session, case_id: int) -> list[str]:
    return [p.text for p in cases.case_points(session, case_id)]


def _earmark(session: Session, name_start: str) -> Earmark:
    return next(e for e in session.exec(select(Earmark)) if e.name.startswith(name_start))


def _application(session: Session, name_start: str) -> Application:
    return next(a for a in session.exec(select(Application)) if a.name.startswith(name_start))


# --- drafting -------------------------------------------------------------------------------


def test_meeting_defaults_to_monday_of_week_43_before_the_2026_round(session) -> None:
    assert cases.default_meeting_date(_round(session)) == date(2025, 10, 20)


def test_prioritisation_case_points_follow_sak_23_in_order(session) -> None:
    meeting, case = _prioritisation(session)
    assert case.title == (
        "Rekrutterings- og samhandlingstilskudd 2026 – prioritering av lokale midler og søknader til regional ordning"
    )
    assert case.case_type == "beslutningssak" and (case.number, case.year) == (28, 2025)
    points = cases.case_points(session, case.id)
    assert [p.source_key.split(":")[0] for p in points] == [
        "earmark",
        "earmark",
        "application",
        "regional",
        "open",
    ]
    texts = [p.text for p in points]
    # The Dignio licence binds 500 000 a year in 2026–2028; 2027 rests on an assumed pot, 2028 on none.
    assert texts[0] == (
        f"{_kr(1_500_000)} av midlene for 2026–2028 (kr{_kr(500_000)[2:]} per år) brukes til innkjøp av lisens "
        "for digital hjemmeoppfølging (Dignio), forutsatt at midler for 2027 og 2028 blir tildelt."
    )
    assert texts[1] == (
        f"{_kr(2_000_000)} av midlene for 2025 og 2026 (kr{_kr(1_000_000)[2:]} per år) brukes til "
        "prosjektleder/rådgiver i sekretariatet."
    )
    assert texts[2] == (
        f"{_kr(4_657_500)} av de lokale midlene innstilles til «Interkommunalt innsats- og vurderingsteam for "
        "Helgeland» for 2026."
    )
    regional = texts[3].splitlines()
    assert "innen 01.11.2025, i prioritert rekkefølge:" in regional[0]
    assert [line.replace(NBSP, " ") for line in regional[1:]] == [
        "1. Fremtidens pasientforløp: Enhet for samhandling og digital oppfølging Helgeland (beløp ikke oppgitt)",
        "2. Forprosjekt: Observasjonspost Sør-Helgeland (kr 3 600 000 i 2026)",
        "3. Forprosjekt - tverretatlig rehabilitering (kr 4 000 000 i 2026)",
        "4. Helgelandssykepleier – utdanning, rekruttering og stabilisering av sykepleiere på Helgeland "
        "(kr 10 000 000 fordelt med kr 2 000 000 per år i 2026–2030)",
    ]
    assert texts[4] == "Finansiering av intermediærpost i Vefsn er ikke avklart og behandles i egen sak."
    assert all(p.text == p.generated_text for p in points)


def test_saksopplysninger_carry_the_figures_of_the_allocation(session) -> None:
    _, case = _prioritisation(session)
    text = case.saksopplysninger.replace(NBSP, " ")
    for expected in (
        "var 01.10.2025",
        "innen 01.11.2025",
        "kr 7 800 000 i bekreftede lokale midler til og med 2026",
        "- Rest fra 2025: kr 2 800 000",
        "- Lokal pott 2027 (antatt, indeksregulert): kr 5 000 000 (ikke bekreftet)",
        "satt av kr 2 500 000 av midlene til og med 2026",
        "- Intermediærpost i Vefsn: ikke avklart",
        "Til fordeling på søknader i 2026: kr 5 300 000, herav kr 1 800 000 overført fra 2025.",
        "- 2025: inngående saldo kr 0 + nye midler kr 2 800 000 (bekreftet) − avsatt kr 1 000 000 − innstilt kr 0 "
        "= utgående saldo kr 1 800 000, overføres til 2026",
        "- 2026: inngående saldo kr 1 800 000 + nye midler kr 5 000 000 (bekreftet) − avsatt kr 1 500 000 "
        "(ikke avklart: Intermediærpost i Vefsn) − innstilt kr 4 657 500 = utgående saldo kr 642 500",
        "- 2027: inngående saldo kr 642 500 + nye midler kr 5 000 000 (antatt, ikke bekreftet)",
        "- 2028: inngående saldo kr 5 142 500 + nye midler kr 0 (ingen pott) − avsatt kr 500 000",
        # What is applied for, per budget year of the plans (shifted to 2026), never totals in one year.
        "Det er kommet inn 5 søknader, til sammen kr 22 257 500 over 2026–2030.",
        "For 2026 søkes det om kr 14 257 500, mot kr 5 300 000 til fordeling lokalt.",
        "- 2030: kr 2 000 000",
        "«Forprosjekt: Observasjonspost Sør-Helgeland» (rangering 3): søkt kr 3 600 000 i 2026 "
        "(planen er forskjøvet fra 2025 til 2026); under streken",
        "«Interkommunalt innsats- og vurderingsteam for Helgeland» (rangering 1): søkt kr 4 657 500 i 2026 "
        "(kr 4 657 500 uten år er ført i 2026); innstilt lokalt kr 4 657 500 i 2026",
        "Igjen i 2026 etter innstillingen: kr 642 500.",
        "Streken går foran «Forprosjekt: Observasjonspost Sør-Helgeland» (rangering 3)",
    ):
        assert expected in text
    assert "10 657 500" not in text and "innvilget" not in text.lower()
    assert "[Sekretariatets vurdering" in case.vurdering
    assert (
        case.attachments.splitlines()[0]
        == "Prioriteringsliste Rekrutterings- og samhandlingstilskudd 2026 (Excel)"
    )
    assert len(case.attachments.splitlines()) == 6


def test_multi_year_recommendation_names_its_years_the_condition_and_what_was_applied_for(session) -> None:
    for app in session.exec(select(Application).where(Application.rank.in_([1, 3, 4]))):  # type: ignore[union-attr]
        app.route = "regional"
        session.add(app)
    session.commit()
    sykepleier = _application(session, "Helgelandssykepleier")  # 2 000 000 a year, shifted to 2026–2030
    prioritisation.set_recommendation(
        session,
        sykepleier.id,
        {2026: 1_000_000, 2027: 1_000_000, 2028: 1_000_000},
        version=sykepleier.version,
    )
    draft = drafting.draft_prioritisation(session, _round(session).id)
    point = next(p for p in draft.points if p.application_id == sykepleier.id)
    assert point.text == (
        f"{_kr(3_000_000)} av de lokale midlene innstilles til «{sykepleier.name}» med kr{_kr(1_000_000)[2:]} "
        "per år i 2026–2028, forutsatt at midler for 2027 og 2028 blir tildelt. "
        f"Det er søkt om kr{_kr(10_000_000)[2:]}. Resten oversendes den regionale ordningen."
    )
    assert point.amount == 3_000_000
    regional = next(p for p in draft.points if p.source_key == "regional").text.replace(NBSP, " ")
    # The rest of each year is forwarded, beside what the local pot pays.
    assert (
        f"{sykepleier.name} (kr 7 000 000 fordelt med kr 1 000 000 i 2026, kr 1 000 000 i 2027, "
        "kr 1 000 000 i 2028, kr 2 000 000 i 2029 og kr 2 000 000 i 2030; lokalt innstilt kr 3 000 000)"
    ) in regional


# --- regeneration ---------------------------------------------------------------------------


def test_regeneration_updates_untouched_points_and_never_overwrites_edited_ones(session) -> None:
    _, case = _prioritisation(session)
    points = cases.case_points(session, case.id)
    edited = cases.update_point(session, points[0].id, "Kr 500 000 brukes til Dignio-lisens (DHO).")
    own = cases.add_point(session, case.id, "SSU ber sekretariatet følge opp prosjektene.", position=3)
    my_vurdering = case.vurdering.replace(
        "[Sekretariatets anbefaling.]", "Sekretariatet anbefaler prioriteringen."
    )
    cases.update_case(session, case.id, vurdering=my_vurdering)
    assert drafting.plan_regeneration(session, case.id) == []

    # The data change: Dignio costs more in 2026, Interkommunalt gets less.
    dignio = _earmark(session, "Lisens")
    amount = session.exec(
        select(EarmarkAmount).where(EarmarkAmount.earmark_id == dignio.id, EarmarkAmount.budget_year == 2026)
    ).one()
    amount.amount = 600_000
    session.add(amount)
    session.commit()
    team = _application(session, "Interkommunalt")
    prioritisation.set_recommendation(session, team.id, {2026: 4_000_000}, version=team.version)

    plan = {c.key: c for c in drafting.plan_regeneration(session, case.id)}
    assert plan[f"earmark:{dignio.id}"].kind == drafting.CHANGE_EDITED
    assert not plan[f"earmark:{dignio.id}"].safe
    assert plan[f"application:{team.id}"].kind == drafting.CHANGE_UPDATE
    assert plan["regional"].kind == drafting.CHANGE_UPDATE  # the partly funded team is now forwarded too
    assert plan["felt:saksopplysninger"].kind == drafting.CHANGE_FIELD_UPDATE  # never touched: safe
    assert plan["felt:saksopplysninger"].safe
    assert plan["felt:vurdering"].kind == drafting.CHANGE_FIELD  # the user wrote in it: needs acceptance
    assert not plan["felt:vurdering"].safe

    applied = drafting.apply_regeneration(session, case.id)
    assert {c.key for c in applied} == {f"application:{team.id}", "regional", "felt:saksopplysninger"}
    texts = _texts(session, case.id)
    assert texts[0] == edited.text  # the user's words stay
    assert texts[2] == own.text  # the user's own point stays where it was
    assert texts[3].startswith(f"{_kr(4_000_000)} av de lokale midlene innstilles til «Interkommunalt")
    assert "Det er søkt om kr" in texts[3]
    updated = cases.get_case(session, case.id)
    assert "kr" + _kr(600_000)[2:] in updated.saksopplysninger  # the untouched field follows the figures
    assert updated.generated_fields["saksopplysninger"] == updated.saksopplysninger
    assert updated.vurdering == my_vurdering  # the edited one does not

    # Accepting the edited point's change, and the edited field, is the user's explicit choice.
    drafting.apply_regeneration(session, case.id, accept={f"earmark:{dignio.id}", "felt:vurdering"})
    assert _texts(session, case.id)[0].startswith(
        f"{_kr(1_600_000)} av midlene for 2026–2028 (kr{_kr(600_000)[2:]} i 2026, kr{_kr(500_000)[2:]} i 2027"
    )
    assert "[Sekretariatets anbefaling.]" in cases.get_case(session, case.id).vurdering
    assert own.text in _texts(session, case.id)
    assert drafting.plan_regeneration(session, case.id) == []


def test_regeneration_adds_new_points_in_place_and_removes_untouched_stale_ones(session) -> None:
    _, case = _prioritisation(session)
    vefsn = _earmark(session, "Intermediærpost")
    vefsn.is_open = False
    session.add(vefsn)
    session.add(EarmarkAmount(earmark_id=vefsn.id, budget_year=2026, amount=300_000))
    session.commit()

    plan = {c.key: c.kind for c in drafting.plan_regeneration(session, case.id)}
    assert plan[f"open:{vefsn.id}"] == drafting.CHANGE_REMOVE
    assert plan[f"earmark:{vefsn.id}"] == drafting.CHANGE_ADD
    drafting.apply_regeneration(session, case.id)
    points = cases.case_points(session, case.id)
    assert [p.source_key for p in points][:3] == ["earmark:1", "earmark:2", f"earmark:{vefsn.id}"]
    assert points[2].text == f"{_kr(300_000)} av midlene for 2026 brukes til intermediærpost i Vefsn."
    assert not any(p.source_key.startswith("open:") for p in points)
    assert [p.position for p in points] == list(range(1, len(points) + 1))


def test_an_edited_point_whose_source_is_gone_is_kept_unless_accepted(session) -> None:
    _, case = _prioritisation(session)
    vefsn = _earmark(session, "Intermediærpost")
    point = next(p for p in cases.case_points(session, case.id) if p.source_key == f"open:{vefsn.id}")
    cases.update_point(session, point.id, "Intermediærposten i Vefsn behandles i egen sak i november.")
    session.delete(vefsn)
    session.commit()
    plan = drafting.plan_regeneration(session, case.id)
    assert [(c.key, c.kind) for c in plan if c.key.startswith("open:")] == [
        (f"open:{vefsn.id}", drafting.CHANGE_EDITED_REMOVED)
    ]
    drafting.apply_regeneration(session, case.id)
    assert "Intermediærposten i Vefsn behandles i egen sak i november." in _texts(session, case.id)
    drafting.apply_regeneration(session, case.id, accept={f"open:{vefsn.id}"})
    assert "Intermediærposten i Vefsn behandles i egen sak i november." not in _texts(session, case.id)


def test_a_generated_point_the_user_deleted_comes_back_only_when_accepted(session) -> None:
    _, case = _prioritisation(session)
    regional = next(p for p in cases.case_points(session, case.id) if p.source_key == "regional")
    cases.delete_point(session, regional.id)
    assert cases.get_case(session, case.id).dropped_sources == ["regional"]

    plan = {c.key: c for c in drafting.plan_regeneration(session, case.id)}
    assert plan["regional"].kind == drafting.CHANGE_RESTORE and not plan["regional"].safe
    drafting.apply_regeneration(session, case.id)  # the safe changes only
    assert not any(p.source_key == "regional" for p in cases.case_points(session, case.id))

    drafting.apply_regeneration(session, case.id, accept={"regional"})
    keys = [p.source_key.split(":")[0] for p in cases.case_points(session, case.id)]
    assert keys == ["earmark", "earmark", "application", "regional", "open"]  # back in its place
    assert cases.get_case(session, case.id).dropped_sources == []


def test_the_diff_shows_only_the_changed_lines() -> None:
    old = "Første avsnitt.\n\nTil fordeling: kr 5 300 000.\n\nSiste avsnitt."
    new = "Første avsnitt.\n\nTil fordeling: kr 5 200 000.\n\nSiste avsnitt.\n\nNytt avsnitt."
    assert drafting.line_diff(old, new) == [
        ("-", "Til fordeling: kr 5 300 000."),
        ("+", "Til fordeling: kr 5 200 000."),
        ("+", "Nytt avsnitt."),
    ]
    assert drafting.line_diff("Samme.", "Samme.") == []


def test_applications_neither_funded_nor_forwarded_get_a_point_that_they_are_not_prioritised(
    session,
) -> None:
    observasjon = _application(session, "Forprosjekt: Observasjonspost")
    observasjon.route = "ikke_prioritert"
    rehab = _application(session, "Forprosjekt - tverretatlig")
    rehab.route = "lokal"  # below the cut line: the local pot does not reach it
    session.add_all([observasjon, rehab])
    session.commit()
    draft = drafting.draft_prioritisation(session, _round(session).id)
    keys = [p.source_key.split(":")[0] for p in draft.points]
    assert keys == ["earmark", "earmark", "application", "regional", "ikke_prioritert", "open"]
    point = next(p for p in draft.points if p.source_key == "ikke_prioritert")
    assert (
        point.text.splitlines()
        == [  # in priority order
            "Følgende søknader prioriteres ikke, verken til lokale midler eller til den regionale ordningen:",
            f"- {observasjon.name} (søkt kr{_kr(3_600_000)[2:]} i 2026)",
            f"- {rehab.name} (søkt kr{_kr(4_000_000)[2:]} i 2026)",
        ]
    )
    regional = next(p for p in draft.points if p.source_key == "regional").text
    assert observasjon.name not in regional and rehab.name not in regional
    assert "2 søknader prioriteres ikke." in draft.saksopplysninger


def test_only_the_prioritisation_case_can_be_regenerated(session) -> None:
    meeting = _meeting(session)
    other = cases.add_orientation_case(session, meeting.id, "Orientering fra FSU")
    with pytest.raises(cases.CaseError, match="Bare prioriteringssaken"):
        drafting.plan_regeneration(session, other.id)


# --- points CRUD ----------------------------------------------------------------------------


def test_points_can_be_added_moved_and_deleted_and_stay_numbered(session) -> None:
    meeting = _meeting(session)
    case = cases.add_orientation_case(session, meeting.id, "Orientering om prosjektene")
    second = cases.add_point(session, case.id, "SSU ber om en plan for videre orienteringer.")
    cases.move_point(session, second.id, 1)
    assert _texts(session, case.id) == [
        "SSU ber om en plan for videre orienteringer.",
        "SSU tar gjennomgangen til orientering.",
    ]
    cases.delete_point(session, second.id)
    points = cases.case_points(session, case.id)
    assert [(p.position, p.text) for p in points] == [(1, "SSU tar gjennomgangen til orientering.")]
    with pytest.raises(cases.CaseError, match="tomt"):
        cases.add_point(session, case.id, "   ")


# --- rendering ------------------------------------------------------------------------------


def test_markdown_of_the_builtin_round_matches_the_golden_file(session) -> None:
    _, case = _prioritisation(session)
    markdown = render_case(session, case.id, "md")
    if os.environ.get("RSAPP_UPDATE_GOLDEN") == "1":
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(markdown, encoding="utf-8")
    assert markdown == GOLDEN.read_text(encoding="utf-8")


def test_docx_has_header_table_numbered_points_and_amounts(session) -> None:
    from docx import Document

    _, case = _prioritisation(session)
    cases.update_point(session, cases.case_points(session, case.id)[1].id, "Redigert: & <ikke> XML-trøbbel")
    document = Document(io.BytesIO(render_case(session, case.id, "docx")))
    header = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert header == [
        ["Saksnr", "Type sak", "Utvalg", "Møtedato"],
        ["28-2025", "Beslutningssak", "Strategisk samarbeidsutvalg", "20.10.2025"],
    ]
    paragraphs = [p.text for p in document.paragraphs]
    assert (
        "Sak 28-2025: Rekrutterings- og samhandlingstilskudd 2026 – prioritering av lokale midler og søknader til regional ordning"
        in paragraphs
    )
    numbered = [p.text for p in document.paragraphs if p.style.name == "List Number"]
    assert numbered == _texts(session, case.id)  # Word numbers them 1, 2, … in this order
    assert numbered[0].startswith(f"{_kr(1_500_000)} av midlene for 2026–2028 (kr")
    assert "Redigert: & <ikke> XML-trøbbel" in numbered
    widths = [column.width for column in document.tables[0].columns]
    assert widths[0] < widths[1] and widths[2] == max(widths)  # Saksnr narrow, Utvalg wide
    footer = document.sections[0].footer.paragraphs[0]._p.xml
    assert 'w:instr="PAGE"' in footer and 'w:instr="NUMPAGES"' in footer
    assert any(p.startswith("Vedlegg 1: Prioriteringsliste") for p in paragraphs)
    assert any(p.startswith("Til fordeling på søknader i 2026: kr" + _kr(5_300_000)[2:]) for p in paragraphs)


def test_meeting_document_has_innkalling_saksliste_and_every_case(session) -> None:
    from docx import Document

    meeting, case = _prioritisation(session, standing=True)
    document = Document(io.BytesIO(render_meeting(session, meeting.id, "docx")))
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[0] == "Innkalling til ekstraordinært møte i Strategisk samarbeidsutvalg"
    assert "Møtedato: mandag 20.10.2025" in paragraphs
    saksliste = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert [row[0] for row in saksliste] == ["Saksnr", "28-2025", "29-2025", "30-2025"]
    assert [row[1] for row in saksliste[2:]] == ["Orienteringer fra sekretariatet", "Eventuelt"]
    saksliste_widths = [column.width for column in document.tables[0].columns]
    assert saksliste_widths[1] == max(saksliste_widths) and saksliste_widths[0] == min(saksliste_widths)
    headings = [p for p in paragraphs if p.startswith("Sak ")]
    assert headings == [
        f"Sak 28-2025: {case.title}",
        "Sak 29-2025: Orienteringer fra sekretariatet",
        "Sak 30-2025: Eventuelt",
    ]
    markdown = render_meeting(session, meeting.id, "md")
    assert (
        markdown.index("## Saksliste")
        < markdown.index("# Sak 28-2025")
        < markdown.index("# Sak 30-2025: Eventuelt")
    )


def test_each_case_in_the_meeting_document_numbers_its_points_from_1(session) -> None:
    from docx import Document
    from docx.oxml.ns import qn

    meeting, case = _prioritisation(session)
    orientation = cases.add_orientation_case(session, meeting.id, "Orientering fra FSU")
    document = Document(io.BytesIO(render_meeting(session, meeting.id, "docx")))
    numbered = [p for p in document.paragraphs if p.style.name == "List Number"]
    assert [p.text for p in numbered] == _texts(session, case.id) + _texts(session, orientation.id)
    num_ids = [p._p.pPr.numPr.numId.val for p in numbered]
    first, second = num_ids[0], num_ids[-1]
    assert set(num_ids[:-1]) == {first} and first != second  # one list per case
    numbering = document.part.numbering_part.element
    for num_id in (first, second):
        override = numbering.num_having_numId(num_id).find(f"{qn('w:lvlOverride')}/{qn('w:startOverride')}")
        assert override is not None and override.get(qn("w:val")) == "1"


def test_two_meetings_on_one_date_get_different_file_names(session) -> None:
    from rsapp.saksfremlegg.render import meeting_file_name

    first, _ = _prioritisation(session, standing=True)
    second = _meeting(session)
    assert meeting_file_name(session, first.id, "docx") == "moete-2025-10-20-sak-28-30-2025.docx"
    assert meeting_file_name(session, second.id, "pdf") == f"moete-2025-10-20-id{second.id}.pdf"
    cases.add_case(session, second.id, title="Ekstra")
    assert meeting_file_name(session, second.id, "md") == "moete-2025-10-20-sak-31-2025.md"


def test_html_is_autoescaped(session) -> None:
    meeting = _meeting(session)
    case = cases.add_case(session, meeting.id, title="<script>alert(1)</script> & Co")
    html = render_case(session, case.id, "html")
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in html
    assert "<th>Saksnr</th><th>Type sak</th><th>Utvalg</th><th>Møtedato</th>" in html


def test_user_template_folder_overrides_the_builtin_one(session, tmp_path: Path) -> None:
    meeting = _meeting(session)
    case = cases.add_case(session, meeting.id, title="Eget oppsett")
    (tmp_path / "beslutningssak.md.j2").write_text("EGEN MAL: {{ case.heading }}\n", encoding="utf-8")
    assert (
        render_case(session, case.id, "md", templates_dir=tmp_path) == "EGEN MAL: Sak 28-2025: Eget oppsett\n"
    )
    # The meeting template was not copied: it comes from the built-in folder and includes the user's case.
    meeting_md = render_meeting(session, meeting.id, "md", templates_dir=tmp_path)
    assert "## Saksliste" in meeting_md and "EGEN MAL: Sak 28-2025: Eget oppsett" in meeting_md
    assert "EGEN MAL" not in render_case(session, case.id, "md")


def test_templates_dir_from_the_environment_overrides_and_an_edit_is_picked_up(
    session, tmp_path: Path, monkeypatch
) -> None:
    meeting = _meeting(session)
    case = cases.add_case(session, meeting.id, title="Miljø")
    folder = tmp_path / "maler" / "saksfremlegg"  # a saksfremlegg/ inside the named folder is used
    folder.mkdir(parents=True)
    template = folder / "beslutningssak.md.j2"
    template.write_text("FØRSTE {{ case.number }}\n", encoding="utf-8")
    monkeypatch.setenv("RSAPP_TEMPLATES_DIR", str(tmp_path / "maler"))
    assert render_case(session, case.id, "md") == "FØRSTE 28-2025\n"
    assert Renderer().env is Renderer().env  # compiled once, shared by every Renderer over the folder
    template.write_text("ANDRE {{ case.number }}\n", encoding="utf-8")
    stat = template.stat()
    os.utime(template, (stat.st_atime + 5, stat.st_mtime + 5))  # a later edit, even within one second
    assert render_case(session, case.id, "md") == "ANDRE 28-2025\n"
    monkeypatch.delenv("RSAPP_TEMPLATES_DIR")
    assert render_case(session, case.id, "md").startswith("*Saksfremlegg")  # the built-in one again


@pytest.mark.parametrize(
    ("template", "needle"),
    [
        ("Linje 1\n\n{{ case.finnes_ikke }}\n", "linje 3"),
        ("Linje 1\n{% if case.title %}\nuavsluttet\n", "linje 3"),
        ("Linje 1\n{{ case.__class__.__mro__ }}\n", "linje 2"),  # the sandbox refuses
    ],
)
def test_template_error_names_file_and_line(session, tmp_path: Path, template: str, needle: str) -> None:
    meeting = _meeting(session)
    case = cases.add_case(session, meeting.id, title="Feil i malen")
    (tmp_path / "beslutningssak.md.j2").write_text(template, encoding="utf-8")
    with pytest.raises(RenderError) as info:
        Renderer(tmp_path).case(case_context(session, case.id), "md")
    message = str(info.value)
    assert "beslutningssak.md.j2" in message and needle in message


def test_missing_template_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(RenderError, match="finnes ikke"):
        Renderer(tmp_path / "borte")


def test_pdf_from_libreoffice_contains_the_same_text(session, tmp_path: Path) -> None:
    soffice, pdftotext = find_soffice(), shutil.which("pdftotext")
    require(soffice is not None, "soffice (LibreOffice)")
    require(pdftotext is not None, "pdftotext (poppler-utils)")
    _, case = _prioritisation(session)
    pdf = render_case(session, case.id, "pdf")
    assert pdf[:5] == b"%PDF-"
    target = tmp_path / "sak.pdf"
    target.write_bytes(pdf)
    text = subprocess.run(
        [pdftotext, "-layout", str(target), "-"], capture_output=True, text=True, check=True
    ).stdout.replace(NBSP, " ")
    header = next(line for line in text.splitlines() if "Saksnr" in line)
    assert header.split() == ["Saksnr", "Type", "sak", "Utvalg", "Møtedato"]
    values = text.splitlines()[text.splitlines().index(header) + 1].split()
    assert values[:2] == ["28-2025", "Beslutningssak"] and values[-1] == "20.10.2025"
    flat = " ".join(text.split())
    assert "Sak 28-2025: Rekrutterings- og samhandlingstilskudd 2026" in flat
    assert (
        "1. Kr 1 500 000 av midlene for 2026–2028 (kr 500 000 per år) brukes til innkjøp av lisens for digital "
        "hjemmeoppfølging (Dignio), forutsatt at midler for 2027 og 2028 blir tildelt."
    ) in flat
    assert "20.10.2025" in flat and "Kr 4 657 500" in flat
    assert "2. Kr 2 000 000 av midlene" in flat  # Word's own numbering, rendered by LibreOffice
    assert re.search(r"Side (\d+) av \1$", flat)  # page numbers in the footer


def test_pdf_without_libreoffice_is_a_clear_norwegian_message(monkeypatch) -> None:
    from rsapp.saksfremlegg import render

    monkeypatch.setattr(render, "find_soffice", lambda: None)
    with pytest.raises(render.PdfUnavailableError, match="LibreOffice"):
        render.convert_docx_to_pdf(b"PK")


# --- the CLI --------------------------------------------------------------------------------


def test_cli_meeting_in_week_43_final_and_delete(sqlite_url: str, capsys) -> None:
    from rsapp.cli import cli

    def run(*args: str) -> tuple[int, str]:
        code = cli(["--db", sqlite_url, "sak", *args])
        captured = capsys.readouterr()
        return code, captured.out + captured.err

    code, out = run("meeting", "new", "--date", "uke 43", "--extraordinary", "--standing")
    assert code == 0 and "Ekstraordinært møte i Strategisk samarbeidsutvalg 20.10.2025" in out
    code, out = run("meeting", "new", "--date", "20.10.2025")
    assert code == 0 and "Merk: møte 1 er også 20.10.2025" in out
    assert run("new", "--meeting", "1", "--prioritering")[0] == 0
    code, out = run("delete", "29-2025")
    assert code == 0 and "Slettet Sak 29-2025: Orienteringer fra sekretariatet." in out
    code, out = run("list", "--meeting", "1")
    assert "29-2025  Eventuelt" in out  # the gap is closed
    assert run("meeting", "final", "1")[0] == 0
    code, out = run("delete", "28-2025")
    assert code == 1 and "er endelig og kan ikke slettes" in out
    code, out = run("meeting", "delete", "2")
    assert code == 0 and "Slettet Møte i Strategisk samarbeidsutvalg 20.10.2025" in out
