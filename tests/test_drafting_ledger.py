"""The prioritisation case says what the ledger says: per-year balances, innstilt amounts, the cut
line, "igjen" and the list forwarded to Helse Nord, read back from the rendered Markdown."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, select

from rsapp import prioritisation
from rsapp.allocation import (
    ROUTES,
    Allocation,
    ApplicationInput,
    EarmarkInput,
    PotInput,
    allocate,
)
from rsapp.models import Application, Case, Round
from rsapp.portfolio import round_allocation
from rsapp.saksfremlegg import cases, drafting
from rsapp.saksfremlegg.drafting import YearFigures, figures_from_markdown
from rsapp.saksfremlegg.render import render_case

NBSP = "\u00a0"


def _round(session: Session, key: str = "helgeland-2026") -> Round:
    return session.exec(select(Round).where(Round.key == key)).one()


def _application(session: Session, name_start: str) -> Application:
    return next(a for a in session.exec(select(Application)) if a.name.startswith(name_start))


def _rendered(session: Session, key: str = "helgeland-2026") -> tuple[str, Allocation]:
    """The prioritisation case put on a meeting and rendered as Markdown, with the round's allocation."""
    round_ = _round(session, key)
    meeting = cases.create_meeting(
        session,
        on=cases.default_meeting_date(round_),
        extraordinary=True,
        helsefellesskap_id=round_.helsefellesskap_id,
    )
    case = drafting.create_prioritisation_case(session, meeting.id, round_.id)
    return str(render_case(session, case.id, "md")), round_allocation(session, round_.id)


def _ledger(allocation: Allocation) -> dict[int, YearFigures]:
    return {
        y.budget_year: YearFigures(
            y.opening, y.new_confirmed, y.new_assumed, y.earmarked, y.recommended, y.closing
        )
        for y in allocation.years
    }


def _agree(markdown: str, allocation: Allocation) -> None:
    """Every figure the document states is the allocation's."""
    figures = figures_from_markdown(markdown)
    assert figures.years == _ledger(allocation)
    assert figures.closing == {y.budget_year: y.closing for y in allocation.years}
    assert figures.left == allocation.left
    assert figures.forwarded == [(item.name, item.by_year) for item in allocation.regional]
    assert figures.recommended == {row.name: row.local for row in allocation.rows if row.local}
    cut = allocation.rows[allocation.cut_index] if allocation.cut_index is not None else None
    assert figures.cut == (None if cut is None else (cut.name, cut.rank))


# --- the built-in round, as it is and after the changes a user makes --------------------------


def _as_is(session: Session) -> None:
    pass


def _sykepleier_first(session: Session) -> None:
    app = _application(session, "Helgelandssykepleier")
    prioritisation.move_application(session, app.id, 1, version=app.version)


def _partial_and_routes(session: Session) -> None:
    team = _application(session, "Interkommunalt")
    prioritisation.set_recommendation(session, team.id, {2026: 3_000_000}, version=team.version)
    rehab = _application(session, "Forprosjekt - tverretatlig")
    prioritisation.set_route(session, rehab.id, "lokal", version=rehab.version)
    observasjon = _application(session, "Forprosjekt: Observasjonspost")
    prioritisation.set_route(session, observasjon.id, "regional", version=observasjon.version)
    fremtidens = _application(session, "Fremtidens")
    prioritisation.set_route(session, fremtidens.id, "ikke_prioritert", version=fremtidens.version)


def _spread_over_years(session: Session) -> None:
    sykepleier = _application(session, "Helgelandssykepleier")
    prioritisation.move_application(session, sykepleier.id, 2, version=sykepleier.version)
    sykepleier = _application(session, "Helgelandssykepleier")
    prioritisation.set_recommendation(
        session, sykepleier.id, {2026: 500_000, 2027: 1_000_000, 2028: 250_000}, version=sykepleier.version
    )
    fremtidens = _application(session, "Fremtidens")
    prioritisation.set_recommendation(session, fremtidens.id, {2026: 100_000}, version=fremtidens.version)


SCENARIOS: dict[str, Callable[[Session], None]] = {
    "som-levert": _as_is,
    "sykepleier-øverst": _sykepleier_first,
    "delvis-og-ruter": _partial_and_routes,
    "flere-år": _spread_over_years,
}


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_the_rendered_case_states_the_ledgers_figures(session, scenario: str) -> None:
    SCENARIOS[scenario](session)
    markdown, allocation = _rendered(session)
    _agree(markdown, allocation)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_the_innstilling_forwards_exactly_the_regional_list(session, scenario: str) -> None:
    SCENARIOS[scenario](session)
    allocation = round_allocation(session, _round(session).id)
    draft = drafting.draft_prioritisation(session, _round(session).id)
    regional = [p for p in draft.points if p.source_key == "regional"]
    if not allocation.regional:
        assert regional == []
        return
    lines = regional[0].text.splitlines()[1:]
    assert [line.split(". ", 1)[1].rsplit(" (", 1)[0] for line in lines] == [
        item.name for item in allocation.regional
    ]
    for line, item in zip(lines, allocation.regional, strict=True):
        detail = line.rsplit(" (", 1)[1]
        if item.by_year is None:
            assert detail == "beløp ikke oppgitt)"
        else:
            assert drafting.read_amounts_text(detail.split(";")[0]) == item.by_year


def test_the_builtin_round_before_any_change(session) -> None:
    markdown, allocation = _rendered(session)
    figures = figures_from_markdown(markdown)
    assert figures.closing == {2025: 1_800_000, 2026: 642_500, 2027: 5_142_500, 2028: 4_642_500}
    assert figures.years[2026] == YearFigures(1_800_000, 5_000_000, 0, 1_500_000, 4_657_500, 642_500)
    assert figures.years[2027].new_assumed == 5_000_000 and figures.years[2027].new_confirmed == 0
    assert figures.left == 642_500 and figures.left_year == 2026
    assert [name for name, _ in figures.forwarded] == [item.name for item in allocation.regional]
    assert figures.forwarded[0][1] is None  # Fremtidens pasientforløp: amount not stated, not 0
    assert figures.forwarded[1][1] == {2026: 3_600_000}  # Observasjonspost, shifted from 2025
    text = markdown.replace(NBSP, " ")
    assert "For 2026 søkes det om kr 14 257 500" in text and "10 657 500" not in text
    assert "Intermediærpost i Vefsn: ikke avklart" in text
    assert "innvilget" not in text.lower() and "tildeles" not in text
    assert "Kr. X" not in text and "kr X" not in text


def test_helgelandssykepleier_on_top_rests_on_2027_money_that_is_not_yet_granted(session) -> None:
    _sykepleier_first(session)
    markdown, _ = _rendered(session)
    figures = figures_from_markdown(markdown)
    assert figures.years[2026].closing == 3_300_000 and figures.left == 3_300_000
    assert figures.recommended[_application(session, "Helgelandssykepleier").name] == dict.fromkeys(
        range(2026, 2031), 2_000_000
    )
    text = markdown.replace(NBSP, " ")
    assert (
        "innstilles til «Helgelandssykepleier – utdanning, rekruttering og stabilisering av sykepleiere på "
        "Helgeland» med kr 2 000 000 per år i 2026–2030, forutsatt at midler for 2027–2030 blir tildelt."
    ) in text
    assert "- 2027: kr 2 500 000 er bundet mot en antatt pott (kr 5 000 000, ikke bekreftet)." in text


def test_a_round_without_a_pot_has_no_ledger_no_cut_and_no_zero(session) -> None:
    markdown, allocation = _rendered(session, "troms-ofoten-2025")
    _agree(markdown, allocation)
    figures = figures_from_markdown(markdown)
    assert figures.years == {} and figures.left is None and figures.cut is None
    text = markdown.replace(NBSP, " ")
    assert "Den lokale potten for 2025 er ikke oppgitt." in text
    assert "Igjen: pott ikke oppgitt." in text
    assert "kr 0" not in text


def test_an_application_without_an_amount_routed_locally_waits_instead_of_being_refused(session) -> None:
    fremtidens = _application(session, "Fremtidens")
    prioritisation.set_route(session, fremtidens.id, "lokal", version=fremtidens.version)
    draft = drafting.draft_prioritisation(session, _round(session).id)
    waiting = next(p for p in draft.points if p.source_key == "avventer")
    assert waiting.text.splitlines()[1] == f"- {fremtidens.name} (søkt beløp ikke oppgitt)"
    assert not any(p.source_key == "ikke_prioritert" for p in draft.points)
    assert fremtidens.name not in next(p for p in draft.points if p.source_key == "regional").text


# --- random rounds ------------------------------------------------------------------------------

_NAMES = ("Prosjekt {i}", "Forprosjekt – fase {i}", "Samhandling (del {i})", "Tiltak {i}: «Hjem» (pilot)")
_amount = st.integers(min_value=0, max_value=3_000).map(lambda n: n * 1_000)
_year = st.integers(min_value=2024, max_value=2030)


@st.composite
def _rounds(draw: st.DrawFn) -> Allocation:
    round_year = draw(st.integers(min_value=2025, max_value=2027))
    pots = [
        PotInput(year, draw(_amount), f"Pott {year}", draw(st.booleans()))
        for year in sorted(draw(st.sets(_year, max_size=4)))
    ]
    earmarks = []
    for key in range(1, draw(st.integers(min_value=0, max_value=3)) + 1):
        is_open = draw(st.booleans())
        amounts = {} if is_open else draw(st.dictionaries(_year, _amount, min_size=1, max_size=3))
        earmarks.append(EarmarkInput(key, f"Avsetning {key}", amounts, is_open))
    applications = []
    n = draw(st.integers(min_value=0, max_value=7))
    for rank in range(1, n + 1):
        name = draw(st.sampled_from(_NAMES)).format(i=rank)
        unknown = draw(st.integers(min_value=0, max_value=5)) == 0
        by_year: dict[int | None, int] = (
            {}
            if unknown
            else draw(st.dictionaries(st.one_of(st.none(), _year), _amount, min_size=1, max_size=4))
        )
        applied = None if unknown else sum(by_year.values())
        recommended = None
        if draw(st.booleans()):
            wanted = draw(st.dictionaries(_year.filter(lambda y: y >= round_year), _amount, max_size=3))
            if applied is None or sum(wanted.values()) <= applied:
                recommended = wanted
        route = draw(st.sampled_from(ROUTES))
        applications.append(ApplicationInput(rank, name, rank, by_year, applied, recommended, route))
    return allocate(pots, earmarks, applications, round_year=round_year)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_rounds())
def test_random_rounds_the_document_and_the_ledger_agree(allocation: Allocation) -> None:
    facts = drafting.RoundFacts(name="Runde", helsefellesskap="Helsefellesskap Test")
    draft = drafting.compose_prioritisation(allocation, facts)
    markdown = drafting.draft_markdown(draft, number=28, year=2025)
    _agree(markdown, allocation)
    forwarded = {item.key for item in allocation.regional}
    for point in draft.points:
        assert "Kr. X" not in point.text
        if point.application_id is not None:  # only applications the local pot pays get a point
            row = next(r for r in allocation.rows if r.key == point.application_id)
            assert row.local and point.amount == sum(row.local.values())
    if forwarded:
        assert sum(1 for p in draft.points if p.source_key == "regional") == 1


@given(
    st.dictionaries(st.integers(min_value=2000, max_value=2100), st.integers(min_value=1, max_value=10**9))
)
def test_amounts_per_year_are_read_back_as_written(parts: dict[int, int]) -> None:
    assert drafting.read_amounts_text(drafting.amounts_text(parts)) == parts


def test_regenerating_after_a_change_follows_the_ledger_and_is_logged(session) -> None:
    from rsapp.models import ChangeLog

    _rendered(session)
    case = session.exec(select(Case).where(Case.kind == "prioritering")).one()
    _sykepleier_first(session)
    changes = drafting.apply_regeneration(session, case.id)
    assert {c.key for c in changes} >= {f"application:{_application(session, 'Helgelandssykepleier').id}"}
    markdown = str(render_case(session, case.id, "md"))
    _agree(markdown, round_allocation(session, _round(session).id))
    entry = session.exec(select(ChangeLog).where(ChangeLog.action == "regenerer")).one()
    assert entry.entity_id == case.id and entry.summary.startswith("Laget Sak ")
    assert entry.round_id == _round(session).id
