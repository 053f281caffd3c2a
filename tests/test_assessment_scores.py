"""How answers add up: «ikke relevant» and inhabil assessors stay out of every average."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rsapp.assessment.catalogue import Item
from rsapp.assessment.reads import AssessorInfo, Decision, ScoreRow, summarise
from rsapp.assessment.scores import (
    Answer,
    AnswerError,
    aggregate,
    average_label,
    combine_krav,
    krav_label,
    parse_answer,
)

ITEMS = [
    Item("varighet", "krav", "Varighet", id=1),
    Item("avtale", "krav", "Avtale", id=2),
    Item("ventetid", "prioritert", "Ventetid", id=3),
    Item("flere_kommuner", "kriterium", "Flere kommuner", id=4),
    Item("samiske", "kriterium", "Samiske pasienter", id=5, weight=2.0),
    Item("laering", "kriterium", "Læring", id=6),
]
CRITERIA = [i for i in ITEMS if i.kind == "kriterium"]

scores = st.sampled_from(["0", "1", "2", "3", "4", "5"])
answers_of_one = st.dictionaries(st.sampled_from([i.id for i in CRITERIA]), scores, min_size=1)
assessors = st.dictionaries(st.integers(1, 6), answers_of_one, min_size=1, max_size=5)


def _answers(by_assessor: dict[int, dict[int, str]]) -> list[Answer]:
    return [Answer(item, a, value) for a, own in by_assessor.items() for item, value in own.items()]


def _expected(by_assessor: dict[int, dict[int, str]]) -> float:
    weights = {i.id: i.weight for i in CRITERIA}
    means = [
        sum(weights[i] * int(v) for i, v in own.items()) / sum(weights[i] for i in own)
        for own in by_assessor.values()
    ]
    return sum(means) / len(means)


@settings(max_examples=200, deadline=None)
@given(assessors, st.data())
def test_ikke_relevant_answers_never_move_the_average(by_assessor, data) -> None:
    base = aggregate(ITEMS, _answers(by_assessor))
    assert base.average == pytest.approx(_expected(by_assessor))
    # Every criterion an assessor has not scored becomes «ikke relevant» for some of them.
    extra = []
    for assessor, own in by_assessor.items():
        for item in CRITERIA:
            if item.id not in own and data.draw(st.booleans()):
                extra.append(Answer(item.id, assessor, "ikke_relevant"))
    more = aggregate(ITEMS, _answers(by_assessor) + extra)
    assert more.average == pytest.approx(base.average)
    assert more.spread == pytest.approx(base.spread)


@settings(max_examples=200, deadline=None)
@given(assessors, assessors)
def test_inhabil_assessors_are_left_out_whatever_they_scored(counted, inhabil_scores) -> None:
    inhabil = {a + 100 for a in inhabil_scores}
    their = [Answer(i, a + 100, v) for a, own in inhabil_scores.items() for i, v in own.items()]
    their += [Answer(1, a, "ikke_oppfylt") for a in inhabil]
    result = aggregate(ITEMS, _answers(counted) + their, excluded=inhabil)
    assert result.average == pytest.approx(_expected(counted))
    assert result.counted == frozenset(counted)
    assert result.excluded == frozenset(inhabil)
    assert result.krav_state[1] is None  # only the inhabil assessors answered krav 1


@settings(max_examples=100, deadline=None)
@given(assessors)
def test_average_lies_within_the_spread_and_0_to_5(by_assessor) -> None:
    result = aggregate(ITEMS, _answers(by_assessor))
    low, high = result.spread
    assert 0 <= low <= result.average <= high <= 5


def test_only_ikke_relevant_gives_no_average() -> None:
    result = aggregate(ITEMS, [Answer(4, 1, "ikke_relevant"), Answer(5, 1, "ikke_relevant")])
    assert result.average is None
    assert average_label(result) == "–"


def test_weights_count_in_an_assessors_average() -> None:
    result = aggregate(ITEMS, [Answer(4, 1, "2"), Answer(5, 1, "5")])
    assert result.average == pytest.approx((2 + 2 * 5) / 3)


def test_krav_combined_across_assessors_and_labelled() -> None:
    assert combine_krav(["oppfylt", "oppfylt"]) == "oppfylt"
    assert combine_krav(["oppfylt", "uklart"]) == "uklart"
    assert combine_krav(["uklart", "ikke_oppfylt"]) == "ikke_oppfylt"
    assert combine_krav([]) is None
    items = [Item(f"k{n}", "krav", f"K{n}", id=n) for n in range(1, 7)]
    all_met = aggregate(items, [Answer(n, 1, "oppfylt") for n in range(1, 7)])
    assert krav_label(all_met) == "6/6"
    one_not = aggregate(items, [Answer(n, 1, "oppfylt" if n != 3 else "ikke_oppfylt") for n in range(1, 7)])
    assert krav_label(one_not) == "5/6 ⚠"
    assert krav_label(aggregate(items, [])) == "–"


def test_average_label_shows_the_spread_with_a_decimal_comma() -> None:
    result = aggregate(ITEMS, [Answer(4, 1, "3"), Answer(4, 2, "4"), Answer(6, 2, "4")])
    assert average_label(result) == "3,5 (3,0–4,0)"
    assert average_label(aggregate(ITEMS, [Answer(4, 1, "4")])) == "4,0"


@pytest.mark.parametrize(
    ("kind", "typed", "stored"),
    [
        ("krav", "Ikke oppfylt", "ikke_oppfylt"),
        ("krav", "j", "oppfylt"),
        ("krav", "uklart", "uklart"),
        ("prioritert", "Ja", "ja"),
        ("kriterium", "4", "4"),
        ("kriterium", "ikke relevant", "ikke_relevant"),
        ("kriterium", "x", "ikke_relevant"),
    ],
)
def test_typed_answers(kind, typed, stored) -> None:
    assert parse_answer(kind, typed) == stored


@pytest.mark.parametrize(("kind", "typed"), [("krav", "4"), ("kriterium", "6"), ("prioritert", "kanskje")])
def test_bad_answers_get_a_message_saying_what_is_allowed(kind, typed) -> None:
    with pytest.raises(AnswerError, match="ikke et gyldig svar på Krav 2"):
        parse_answer(kind, typed, "Krav 2")


@settings(max_examples=100, deadline=None)
@given(assessors, st.sets(st.integers(1, 6)))
def test_summary_leaves_out_assessors_decided_inhabil(by_assessor, inhabil) -> None:
    """The summary every output uses applies the recorded decisions (not mere flags)."""
    from rsapp.assessment.catalogue import Catalogue

    people = {n: AssessorInfo(n, f"Person {n}", "", "", True, 1) for n in range(1, 7)}
    rows = [ScoreRow(9, i, a, v, "", "") for a, own in by_assessor.items() for i, v in own.items()]
    decisions = {(a, 9): Decision(a, 9, "inhabil", "Styreverv", "sekretariatet") for a in inhabil}
    decisions[(99, 9)] = Decision(99, 9, "ikke_inhabil", "Ingen tilknytning", "sekretariatet")
    summary = summarise(
        9, "under_vurdering", Catalogue("k", "K", items=tuple(ITEMS)), rows, {}, people, decisions, []
    )
    counted = {a: own for a, own in by_assessor.items() if a not in inhabil}
    if counted:
        assert summary.average == pytest.approx(_expected(counted))
    else:
        assert summary.average is None
    assert set(summary.inhabil) == {f"Person {a}" for a in inhabil}
    assert not set(summary.assessors) & set(summary.inhabil)
    if inhabil:
        assert "fratrer" in summary.text
