"""Case numbers NN-ÅÅÅÅ: reading, writing, next free number, refusing duplicates, renumbering."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, delete, select

from rsapp.models import Case, InnstillingPoint, Meeting
from rsapp.saksfremlegg import meetings, records, saksliste
from rsapp.saksfremlegg.numbering import (
    CaseNumberError,
    CaseRef,
    check_free,
    close_gap,
    format_case_number,
    increasing_numbers,
    next_free_number,
    parse_case_number,
    renumber_drafts,
)

# --- reading and writing ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["24/2025", "24-2025", "Sak 24/2025", " sak 24 - 2025 ", "24–2025", "Saksnr. 24/2025"],
)
def test_parse_accepts_the_ways_the_secretariat_writes_numbers(text: str) -> None:
    assert parse_case_number(text) == (24, 2025)


def test_number_written_with_slash_is_written_back_with_dash() -> None:
    assert format_case_number(*parse_case_number("24/2025")) == "24-2025"


@pytest.mark.parametrize("text", ["", "24", "2025", "24.2025", "0-2025", "24-25", "abc-2025", "24-3025"])
def test_parse_refuses_unreadable_numbers_with_norwegian_message(text: str) -> None:
    with pytest.raises(CaseNumberError) as info:
        parse_case_number(text)
    assert "Saksnummer" in str(info.value) or "saksnummer" in str(info.value)


@given(st.integers(1, 9999), st.integers(1900, 2199))
def test_format_then_parse_round_trips(number: int, year: int) -> None:
    assert parse_case_number(format_case_number(number, year)) == (number, year)
    assert parse_case_number(f"{number}/{year}") == (number, year)


# --- next free and duplicates -----------------------------------------------------------------


def test_next_free_is_the_lowest_unused_above_the_bound() -> None:
    assert next_free_number([]) == 1
    assert next_free_number([23, 24, 25, 26, 27], above=27) == 28
    assert next_free_number([1, 5], above=1) == 2  # a freed number above the bound is used again
    assert next_free_number([1, 5], above=3) == 4
    assert next_free_number([23, 24, 25], above=22) == 26


@given(st.sets(st.integers(1, 9000), max_size=40), st.integers(0, 9000))
def test_next_free_is_never_used_and_the_lowest_above_the_bound(used: set[int], above: int) -> None:
    number = next_free_number(used, above)
    assert number not in used and number > above
    assert all(n in used for n in range(above + 1, number))
    check_free(number, 2025, used)  # does not raise


def test_a_number_used_in_the_year_is_refused_naming_the_case() -> None:
    with pytest.raises(CaseNumberError, match="24-2025 er allerede brukt av sak «Orientering fra FSU»"):
        check_free(24, 2025, {23, 24}, title_of={24: "Orientering fra FSU"})


# --- renumbering ------------------------------------------------------------------------------


def test_reordering_drafts_gives_them_the_numbers_in_the_new_order() -> None:
    refs = [CaseRef(1, 23), CaseRef(2, 24), CaseRef(3, 25)]
    assert renumber_drafts(refs, [3, 1, 2]) == {3: 23, 1: 24, 2: 25}


def test_final_cases_keep_their_numbers_and_cannot_be_moved_past_drafts() -> None:
    refs = [CaseRef(1, 23, final=True), CaseRef(2, 24), CaseRef(3, 25)]
    assert renumber_drafts(refs, [1, 3, 2]) == {1: 23, 3: 24, 2: 25}
    with pytest.raises(CaseNumberError, match="endelig"):
        renumber_drafts(refs, [2, 1, 3])


def test_reorder_must_name_the_same_cases() -> None:
    refs = [CaseRef(1, 23), CaseRef(2, 24)]
    with pytest.raises(CaseNumberError):
        renumber_drafts(refs, [1, 3])
    with pytest.raises(CaseNumberError):
        renumber_drafts(refs, [1, 1])


@st.composite
def _saksliste(draw):
    numbers = sorted(draw(st.sets(st.integers(1, 200), min_size=1, max_size=12)))
    refs = [CaseRef(key, number) for key, number in enumerate(numbers, start=100)]
    order = draw(st.permutations([ref.key for ref in refs]))
    return refs, order


@given(_saksliste())
def test_renumbered_drafts_use_the_same_numbers_increasing_down_the_list(data) -> None:
    refs, order = data
    result = renumber_drafts(refs, order)
    assert sorted(result.values()) == sorted(ref.number for ref in refs)  # no number lost or doubled
    assert [result[key] for key in order] == sorted(result.values())  # run down the saksliste


def _finals_fit(refs: list[CaseRef], order: list[int]) -> bool:
    """Whether the drafts' sorted numbers can be dealt around the finals so the list increases."""
    by_key = {ref.key: ref for ref in refs}
    pool = sorted(ref.number for ref in refs if not ref.final)
    finals = [by_key[key] for key in order if by_key[key].final]
    if [f.number for f in finals] != sorted(f.number for f in finals):
        return False
    drafts_before = 0
    for key in order:
        ref = by_key[key]
        if not ref.final:
            drafts_before += 1
        elif sum(1 for n in pool if n < ref.number) != drafts_before:
            return False
    return True


@given(_saksliste(), st.data())
def test_final_cases_never_change_number_and_are_refused_only_when_out_of_order(data, more) -> None:
    refs, order = data
    finals = more.draw(st.sets(st.sampled_from([ref.key for ref in refs])))
    refs = [CaseRef(ref.key, ref.number, ref.key in finals) for ref in refs]
    if not _finals_fit(refs, order):
        with pytest.raises(CaseNumberError, match="endelig"):
            renumber_drafts(refs, order)
        return
    result = renumber_drafts(refs, order)
    for ref in refs:
        if ref.final:
            assert result[ref.key] == ref.number
    assert [result[key] for key in order] == sorted(result.values())
    assert sorted(result.values()) == sorted(ref.number for ref in refs)


@given(_saksliste(), st.sets(st.integers(1, 300), max_size=20), st.data())
def test_increasing_numbers_keeps_the_typed_number_and_never_reuses_one(data, used, more) -> None:
    refs, _ = data
    refs = [ref for ref in refs]
    more.draw(st.randoms()).shuffle(refs)  # a saksliste whose numbers may run backwards
    fixed = more.draw(st.sets(st.just(refs[0].key), max_size=1))  # a number typed on the first case
    used = used - {ref.number for ref in refs}
    result = increasing_numbers(refs, used, fixed)
    assert len(set(result.values())) == len(refs)
    assert not set(result.values()) & used
    assert [result[ref.key] for ref in refs] == sorted(result.values())  # runs down the saksliste
    for ref in refs:
        if ref.key in fixed:
            assert result[ref.key] == ref.number


def test_increasing_numbers_refuses_a_typed_number_below_the_case_before_it() -> None:
    refs = [CaseRef(1, 28), CaseRef(2, 29), CaseRef(3, 27)]
    with pytest.raises(CaseNumberError, match="øke nedover"):
        increasing_numbers(refs, set(), fixed={3})
    with pytest.raises(CaseNumberError, match="øke nedover"):
        increasing_numbers([CaseRef(1, 28), CaseRef(2, 20, final=True)], set(), fixed={1})


def test_close_gap_moves_the_consecutive_drafts_down_and_stops_at_a_jump() -> None:
    assert close_gap([CaseRef(2, 30), CaseRef(3, 31)], freed=29) == {2: 29, 3: 30}
    assert close_gap([CaseRef(2, 28), CaseRef(3, 29)], freed=1) == {}  # 28 was typed: kept
    assert close_gap([CaseRef(2, 30, final=True), CaseRef(3, 31)], freed=29) == {}


# --- against the database: the 09.09.2025 double 24 cannot happen -----------------------------
# (2025 holds the built-in history of 09.09.2025, sak 23–27: these tests number a clean 2024.)


def test_two_cases_with_number_24_in_one_year_are_refused(session) -> None:
    meeting = meetings.create_meeting(session, on=date(2024, 9, 9))
    saksliste.add_case(session, meeting.id, title="Orientering om status fra FSU", number="24-2024")
    with pytest.raises(CaseNumberError, match="24-2024 er allerede brukt"):
        saksliste.add_case(
            session, meeting.id, title="Ansettelse av prosjektleder/rådgiver", number="24/2024"
        )
    assert [c.number for c in saksliste.meeting_cases(session, meeting.id)] == [24]


def test_number_from_another_year_is_refused(session) -> None:
    meeting = meetings.create_meeting(session, on=date(2025, 9, 9))
    with pytest.raises(CaseNumberError, match="hører til 2024"):
        saksliste.add_case(session, meeting.id, title="Sak", number="3/2024")


def test_new_cases_get_next_number_and_go_before_standing_cases(session) -> None:
    meeting = meetings.create_meeting(session, on=date(2024, 9, 9), standing_cases=True)
    first = saksliste.add_case(session, meeting.id, title="Prosess for RS-midler 2026", number="23-2024")
    second = saksliste.add_case(session, meeting.id, title="Ansettelse av prosjektleder")
    listed = saksliste.meeting_cases(session, meeting.id)
    assert [c.title for c in listed] == [
        "Prosess for RS-midler 2026",
        "Ansettelse av prosjektleder",
        "Orienteringer fra sekretariatet",
        "Eventuelt",
    ]
    assert first.number == 23
    assert second.number == 24  # the auto-numbered drafts run down the saksliste
    assert [c.number for c in listed] == [23, 24, 25, 26]


def test_reordering_the_saksliste_renumbers_drafts_and_refuses_when_final(any_engine) -> None:
    from sqlmodel import Session

    with Session(any_engine) as session:
        meeting = meetings.create_meeting(session, on=date(2024, 9, 9))
        a = saksliste.add_case(session, meeting.id, title="A", number=23)
        b = saksliste.add_case(session, meeting.id, title="B", number=24)
        c = saksliste.add_case(session, meeting.id, title="C", number=25)
        listed = saksliste.reorder_cases(session, meeting.id, [c.id, a.id, b.id])
        assert [(x.title, x.number) for x in listed] == [("C", 23), ("A", 24), ("B", 25)]
        saksliste.move_case(session, b.id, -2)
        assert [(x.title, x.number) for x in saksliste.meeting_cases(session, meeting.id)] == [
            ("B", 23),
            ("C", 24),
            ("A", 25),
        ]
        meetings.set_meeting_final(session, meeting.id)
        with pytest.raises(records.CaseError, match="endelig"):
            saksliste.reorder_cases(session, meeting.id, [a.id, b.id, c.id])


def test_set_case_number_accepts_slash_and_refuses_a_used_number(session) -> None:
    meeting = meetings.create_meeting(session, on=date(2024, 9, 9))
    a = saksliste.add_case(session, meeting.id, title="A")
    b = saksliste.add_case(session, meeting.id, title="B")
    assert saksliste.set_case_number(session, a.id, "23/2024").number == 23
    with pytest.raises(CaseNumberError, match="23-2024 er allerede brukt"):
        saksliste.set_case_number(session, b.id, "23-2024")
    assert records.get_case(session, b.id).number == 24  # moved up after the typed 23


def test_typing_the_first_number_of_a_meeting_renumbers_the_standing_cases_after_it(session) -> None:
    meeting = meetings.create_meeting(session, on=date(2024, 10, 20), standing_cases=True)
    saksliste.add_case(session, meeting.id, title="Prioritering", number="28/2024")
    assert [(c.title, c.number) for c in saksliste.meeting_cases(session, meeting.id)] == [
        ("Prioritering", 28),
        ("Orienteringer fra sekretariatet", 29),
        ("Eventuelt", 30),
    ]


def test_typing_a_number_that_makes_the_saksliste_run_backwards_is_refused(session) -> None:
    meeting = meetings.create_meeting(session, on=date(2024, 10, 20), standing_cases=True)
    saksliste.add_case(session, meeting.id, title="Prioritering", number="28/2024")
    eventuelt = saksliste.meeting_cases(session, meeting.id)[-1]
    with pytest.raises(CaseNumberError, match="29-2024 «Orienteringer fra sekretariatet» står før"):
        saksliste.set_case_number(session, eventuelt.id, "27/2024")
    with pytest.raises(CaseNumberError, match="øke nedover"):
        saksliste.add_case(session, meeting.id, title="Ny sak", number="20/2024")  # would stand after 28
    assert [c.number for c in saksliste.meeting_cases(session, meeting.id)] == [28, 29, 30]
    assert saksliste.set_case_number(session, eventuelt.id, "35/2024").number == 35  # above: fine


def test_deleting_a_draft_closes_the_gap_and_the_freed_number_is_used_again(session) -> None:
    meeting = meetings.create_meeting(session, on=date(2024, 10, 20), standing_cases=True)
    first = saksliste.add_case(session, meeting.id, title="Prioritering", number="28/2024")
    middle = saksliste.add_case(session, meeting.id, title="Ansettelse")
    assert [c.number for c in saksliste.meeting_cases(session, meeting.id)] == [28, 29, 30, 31]
    saksliste.delete_case(session, middle.id)
    assert [(c.title, c.number) for c in saksliste.meeting_cases(session, meeting.id)] == [
        ("Prioritering", 28),
        ("Orienteringer fra sekretariatet", 29),
        ("Eventuelt", 30),
    ]
    later = meetings.create_meeting(session, on=date(2024, 12, 1))
    assert saksliste.proposed_number(session, later.id) == 31
    saksliste.delete_case(session, saksliste.meeting_cases(session, meeting.id)[-1].id)  # Eventuelt, 30
    assert saksliste.proposed_number(session, later.id) == 30  # the freed 30 is used again
    assert saksliste.add_case(session, later.id, title="Desember").number == 30
    saksliste.delete_case(session, first.id)  # 29 continues the run from 28: it moves down
    assert [c.number for c in saksliste.meeting_cases(session, meeting.id)] == [28]


def test_a_freed_number_below_a_final_case_is_not_used_again(session) -> None:
    september = meetings.create_meeting(session, on=date(2024, 9, 9))
    saksliste.add_case(session, september.id, title="Sak 23", number="23/2024")
    saksliste.add_case(session, september.id, title="Sak 24")
    meetings.set_meeting_final(session, september.id)
    october = meetings.create_meeting(session, on=date(2024, 10, 20))
    assert saksliste.add_case(session, october.id, title="Første").number == 25
    assert saksliste.proposed_number(session, october.id) == 26


# --- property: random sequences of the case operations keep the saksliste in order -------------

_OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(["add", "add_typed", "standing", "move", "delete", "number", "meeting"]),
        st.integers(0, 40),
        st.integers(-3, 3),
    ),
    min_size=1,
    max_size=14,
)


def _state(session: Session) -> list[tuple[int, int, int, int]]:
    rows = session.exec(select(Case).order_by(Case.meeting_id, Case.position)).all()
    return [(c.meeting_id, c.id, c.number, c.position) for c in rows]  # type: ignore[misc]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_OPERATIONS)
def test_random_case_operations_never_double_a_number_and_keep_every_saksliste_ascending(
    engine, operations
) -> None:
    with Session(engine) as session:
        session.exec(delete(InnstillingPoint))  # type: ignore[call-overload]
        session.exec(delete(Case))  # type: ignore[call-overload]
        session.exec(delete(Meeting))  # type: ignore[call-overload]
        session.commit()
        meeting_ids = [meetings.create_meeting(session, on=date(2025, 10, 20)).id]
        for operation, value, delta in operations:
            listed = saksliste.meeting_cases(session, meeting_ids[value % len(meeting_ids)])
            meeting_id = meeting_ids[value % len(meeting_ids)]
            chosen = listed[value % len(listed)] if listed else None
            before = _state(session)
            try:
                if operation == "add":
                    saksliste.add_case(session, meeting_id, title=f"Sak {value}")
                elif operation == "add_typed":
                    saksliste.add_case(session, meeting_id, title=f"Sak {value}", number=f"{value + 1}/2025")
                elif operation == "standing":
                    saksliste.add_standing_cases(session, meeting_id)
                elif operation == "move" and chosen is not None:
                    saksliste.move_case(session, chosen.id, delta)
                elif operation == "delete" and chosen is not None:
                    saksliste.delete_case(session, chosen.id)
                elif operation == "number" and chosen is not None:
                    saksliste.set_case_number(session, chosen.id, f"{value + 1}-2025")
                elif operation == "meeting":
                    meeting_ids.append(
                        meetings.create_meeting(session, on=date(2025, 11, 1 + len(meeting_ids))).id
                    )
            except CaseNumberError:
                assert _state(session) == before  # a refused change leaves everything as it was
            numbers = session.exec(select(Case.number).where(Case.year == 2025)).all()
            assert len(numbers) == len(set(numbers))
            for meeting in meeting_ids:
                listed_numbers = [c.number for c in saksliste.meeting_cases(session, meeting)]
                assert listed_numbers == sorted(listed_numbers) and len(set(listed_numbers)) == len(
                    listed_numbers
                )
