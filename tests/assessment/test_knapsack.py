"""The recommended funding set: exact against brute force, plus examples a person can check by hand."""

from __future__ import annotations

import itertools
import random
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sv_grants.assessment.knapsack import Candidate, Selection, best_selection


def meets(chosen: list[Candidate], minimums: dict[int, int]) -> bool:
    counts = Counter(candidate.group for candidate in chosen)
    return all(counts[group] >= minimum for group, minimum in minimums.items())


def brute_force(candidates: list[Candidate], budget: int, minimums: dict[int, int]) -> int | None:
    """Best total value over every subset, or None when no subset is allowed."""
    best: int | None = None
    for size in range(len(candidates) + 1):
        for subset in itertools.combinations(candidates, size):
            if sum(c.cost for c in subset) <= budget and meets(list(subset), minimums):
                value = sum(c.value for c in subset)
                best = value if best is None else max(best, value)
    return best


cases = st.tuples(
    st.lists(
        st.tuples(st.integers(1, 60), st.integers(0, 10_000), st.sampled_from([1, 2, 3, None])),
        max_size=10,
    ),
    st.integers(0, 200),
    # Group 4 never has candidates, so a minimum for it must make the case infeasible.
    st.dictionaries(st.sampled_from([1, 2, 3, 4]), st.integers(0, 2), max_size=4),
)


@settings(max_examples=300, deadline=None)
@given(cases)
def test_matches_brute_force(case: tuple[list[tuple[int, int, int | None]], int, dict[int, int]]) -> None:
    rows, budget, minimums = case
    candidates = [
        Candidate(key=100 + i, cost=cost, value=value, group=group) for i, (cost, value, group) in enumerate(rows)
    ]

    result = best_selection(candidates, budget, minimums)
    expected = brute_force(candidates, budget, minimums)

    if expected is None:
        assert result == Selection(chosen=(), total_cost=0, total_value=0, feasible=False)
        return
    assert result.feasible
    by_key = {c.key: c for c in candidates}
    chosen = [by_key[key] for key in result.chosen]
    assert result.total_value == expected
    assert result.total_value == sum(c.value for c in chosen)
    assert result.total_cost == sum(c.cost for c in chosen)
    assert result.total_cost <= budget
    assert meets(chosen, minimums)
    assert list(result.chosen) == [c.key for c in candidates if c.key in set(result.chosen)]  # input order
    assert best_selection(candidates, budget, minimums) == result  # same answer every time


def test_beats_picking_the_highest_scores_first() -> None:
    # Greedy by score takes the 90% application (£60) and then nothing else fits; the two 50s
    # together spend the whole £100 and score 150%.
    candidates = [
        Candidate(key=1, cost=60, value=9000, group=None),
        Candidate(key=2, cost=50, value=8000, group=None),
        Candidate(key=3, cost=50, value=7000, group=None),
    ]
    assert best_selection(candidates, 100) == Selection(chosen=(2, 3), total_cost=100, total_value=15000, feasible=True)


def test_a_minimum_forces_a_lower_scoring_application_in() -> None:
    candidates = [
        Candidate(key=1, cost=50, value=9000, group=1),
        Candidate(key=2, cost=50, value=8000, group=1),
        Candidate(key=3, cost=50, value=4000, group=2),
    ]
    assert best_selection(candidates, 100).chosen == (1, 2)
    # At least one award for priority 2: its only application displaces the weaker of the others.
    assert best_selection(candidates, 100, {2: 1}) == Selection(
        chosen=(1, 3), total_cost=100, total_value=13000, feasible=True
    )


def test_an_application_costing_more_than_the_budget_is_never_chosen() -> None:
    candidates = [
        Candidate(key=1, cost=101, value=10000, group=1),
        Candidate(key=2, cost=30, value=1000, group=None),
    ]
    assert best_selection(candidates, 100) == Selection(chosen=(2,), total_cost=30, total_value=1000, feasible=True)
    # Even a minimum cannot make it affordable.
    assert not best_selection(candidates, 100, {1: 1}).feasible


def test_infeasible_minimums() -> None:
    candidates = [
        Candidate(key=1, cost=60, value=5000, group=1),
        Candidate(key=2, cost=60, value=5000, group=2),
    ]
    infeasible = Selection(chosen=(), total_cost=0, total_value=0, feasible=False)
    assert best_selection(candidates, 100, {1: 1, 2: 1}) == infeasible  # both together cost £120
    assert best_selection(candidates, 200, {1: 2}) == infeasible  # group 1 has only one application
    assert best_selection(candidates, 200, {7: 1}) == infeasible  # no application has priority 7
    assert best_selection(candidates, 200, {1: 1, 2: 1}).chosen == (1, 2)


def test_nothing_to_choose() -> None:
    empty = Selection(chosen=(), total_cost=0, total_value=0, feasible=True)
    assert best_selection([], 1000) == empty
    assert best_selection([Candidate(key=1, cost=10, value=500, group=1)], 0) == empty
    assert best_selection([], 1000, {1: 0}) == empty  # a minimum of zero asks for nothing
    assert not best_selection([], 1000, {1: 1}).feasible


def test_ties_go_to_the_cheaper_set() -> None:
    candidates = [
        Candidate(key=1, cost=40, value=5000, group=None),
        Candidate(key=2, cost=30, value=0, group=None),  # scores nothing, so adds only cost
        Candidate(key=3, cost=60, value=5000, group=None),
    ]
    assert best_selection(candidates, 100) == Selection(chosen=(1, 3), total_cost=100, total_value=10000, feasible=True)
    assert best_selection(candidates, 70) == Selection(chosen=(1,), total_cost=40, total_value=5000, feasible=True)


def test_round_costs_give_the_same_answer_as_odd_ones() -> None:
    # All costs multiples of £500 lets the table shrink; the answer must not change.
    rng = random.Random(7)
    candidates = [
        Candidate(key=i, cost=500 * rng.randint(4, 100), value=rng.randint(0, 10_000), group=rng.choice([1, 2, None]))
        for i in range(9)
    ]
    result = best_selection(candidates, 60_000, {1: 1, 2: 1})
    assert result.total_value == brute_force(candidates, 60_000, {1: 1, 2: 1})


def test_a_realistic_round() -> None:
    rng = random.Random(2024)
    candidates = [
        Candidate(
            key=1000 + i,
            cost=rng.randint(2_000, 50_000),
            value=rng.randint(0, 10_000),
            group=rng.choice([1, 2, 3, 4, None]),
        )
        for i in range(120)
    ]
    minimums = {1: 2, 2: 2, 3: 2, 4: 2}

    result = best_selection(candidates, 500_000, minimums)

    assert result.feasible
    by_key = {c.key: c for c in candidates}
    chosen = [by_key[key] for key in result.chosen]
    assert result.total_cost == sum(c.cost for c in chosen) <= 500_000
    assert result.total_value == sum(c.value for c in chosen)
    assert meets(chosen, minimums)
    # Minimums can only cost value, never add it.
    assert result.total_value <= best_selection(candidates, 500_000).total_value


@pytest.mark.parametrize(
    ("candidates", "budget", "minimums"),
    [
        ([Candidate(key=1, cost=0, value=100, group=None)], 100, None),
        ([Candidate(key=1, cost=-5, value=100, group=None)], 100, None),
        ([Candidate(key=1, cost=5, value=-1, group=None)], 100, None),
        ([Candidate(key=1, cost=5, value=100, group=1)], 100, {1: -1}),
        ([Candidate(key=1, cost=5, value=100, group=None)], -1, None),
        ([Candidate(key=1, cost=5, value=100, group=None), Candidate(key=1, cost=6, value=50, group=None)], 100, None),
    ],
    ids=["zero cost", "negative cost", "negative value", "negative minimum", "negative budget", "repeated key"],
)
def test_bad_input_is_refused(candidates: list[Candidate], budget: int, minimums: dict[int, int] | None) -> None:
    with pytest.raises(ValueError):
        best_selection(candidates, budget, minimums)
