"""Members' rankings put together (rsapp.prioritisation.members): Borda, median, spread, contested."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from rsapp.prioritisation.members import TIE_BREAK_RULE, Candidate, aggregate, complete_order, move

APPS = [Candidate(10, "A", 1), Candidate(20, "B", 2), Candidate(30, "C", 3), Candidate(40, "D", 4)]


def test_borda_points_median_and_spread_of_three_members() -> None:
    rankings = [[10, 20, 30, 40], [20, 10, 30, 40], [20, 30, 10, 40]]
    result = aggregate(APPS, rankings, cut=2)
    by_key = {row.key: row for row in result.rows}
    # n = 4: places 1..4 give 3, 2, 1, 0 points.
    assert by_key[20].borda == 2 + 3 + 3 == 8
    assert by_key[10].borda == 3 + 2 + 1 == 6
    assert by_key[30].borda == 1 + 1 + 2 == 4
    assert by_key[40].borda == 0
    assert result.order == [20, 10, 30, 40]
    assert [row.place for row in result.rows] == [1, 2, 3, 4]
    assert by_key[10].median == 2.0 and by_key[20].median == 1.0
    assert (by_key[10].best, by_key[10].worst, by_key[10].spread_label) == (1, 3, "1–3")
    assert by_key[40].spread_label == "4" and by_key[40].spread == 0
    assert result.members == 3


def test_contested_means_members_on_both_sides_of_the_line() -> None:
    rankings = [[10, 20, 30, 40], [20, 10, 30, 40], [20, 30, 10, 40]]
    result = aggregate(APPS, rankings, cut=2)
    # A: places 1, 2, 3 (above and below a line after place 2); C: 3, 3, 2; B: 2, 1, 1 (always above).
    assert {row.key for row in result.contested} == {10, 30}
    assert not aggregate(APPS, rankings, cut=None).contested  # no line: nothing is contested


def test_ties_go_to_the_lower_median_then_the_current_order() -> None:
    # A: places 1 and 4 (3 + 0 = 3 points, median 2.5); B: 2 and 3 (2 + 1 = 3, median 2.5) -> equal:
    # the innstilling's order decides (A is 1 there).
    result = aggregate(APPS, [[10, 20, 30, 40], [30, 40, 20, 10]], cut=None)
    by_key = {row.key: row for row in result.rows}
    assert by_key[10].borda == by_key[20].borda == 3
    assert result.order.index(10) < result.order.index(20)
    # Equal points, different medians: C at places 1, 3, 3 (3 + 1 + 1 = 5, median 3), D at 3, 2, 2
    # (1 + 2 + 2 = 5, median 2): D first, although C comes before D in the innstilling.
    tie = aggregate(APPS, [[30, 10, 40, 20], [10, 40, 30, 20], [10, 40, 30, 20]], cut=None)
    rows = {row.key: row for row in tie.rows}
    assert rows[30].borda == rows[40].borda == 5
    assert rows[40].median == 2 and rows[30].median == 3
    assert tie.order.index(40) < tie.order.index(30)
    assert "Borda" in TIE_BREAK_RULE and "median" in TIE_BREAK_RULE


def test_no_rankings_keep_the_innstilling_order() -> None:
    result = aggregate(APPS, [], cut=3)
    assert result.order == [10, 20, 30, 40]
    assert result.members == 0 and not result.contested
    assert result.rows[0].median_label == "–" and result.rows[0].spread_label == "–"


def test_incomplete_orders_are_completed_in_the_innstilling_order() -> None:
    assert complete_order([30, 99, 10, 30], APPS) == [30, 10, 20, 40]
    assert move([10, 20, 30, 40], 40, 1) == [40, 10, 20, 30]
    assert move([10, 20, 30, 40], 10, 99) == [20, 30, 40, 10]


@given(st.lists(st.permutations([10, 20, 30, 40]), min_size=1, max_size=7), st.integers(0, 4))
def test_aggregate_is_a_permutation_and_points_add_up(rankings: list[list[int]], cut: int) -> None:
    result = aggregate(APPS, rankings, cut=cut)
    assert sorted(result.order) == [10, 20, 30, 40]
    n = len(APPS)
    assert sum(row.borda for row in result.rows) == len(rankings) * n * (n - 1) // 2
    points = [row.borda for row in result.rows]
    assert points == sorted(points, reverse=True)
    for row in result.rows:
        assert row.contested == (
            row.best is not None and row.worst is not None and row.best <= cut < row.worst
        )


def test_unanimous_members_give_their_order() -> None:
    for order in itertools.permutations([10, 20, 30, 40]):
        assert aggregate(APPS, [list(order)] * 3, cut=2).order == list(order)
