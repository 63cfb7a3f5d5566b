"""The panel's recommended funding set: an exact 0/1 knapsack over whole pounds.

Given the applications still in play (cost in pounds, weighted score), the remaining budget and
optionally a minimum number of awards per priority, ``best_selection`` returns the subset with
the highest total score that fits the budget and meets every minimum.

Method: dynamic programming over capacity 0..budget with numpy, one candidate at a time. The
state is a vector ``best[c]`` = highest value reachable spending at most ``c``. Candidates are
processed a group (priority) at a time; while a group with minimum ``m`` is open the state grows
to ``m + 1`` rows, row ``k`` meaning "``k`` chosen from this group so far, counting no higher
than ``m``". When the group closes only row ``m`` (the states that meet its minimum) is carried
on. Candidates whose group has no minimum all go through a single plain row. For every candidate
the states that took it are kept as packed bits, which is enough to walk back from the final
state and name the chosen set.

Cost is O(candidates x rows x budget) time; the bits take about one eighth of that in bytes
(roughly 40 MB for 200 candidates, a £500,000 budget and minimums of 2).
"""

from __future__ import annotations

import math
import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

# Far enough below zero that adding every candidate's value can never bring it back to zero,
# and far enough above the int64 minimum that doing so can never wrap round.
_IMPOSSIBLE = -(2**62)
_MAX_TOTAL_VALUE = 2**61


@dataclass(frozen=True)
class Candidate:
    key: int  # the application's id
    cost: int  # whole pounds, > 0
    value: int  # weighted score in hundredths of a percent, 0..10000
    group: int | None  # the application's primary priority id (None: no priority)


@dataclass(frozen=True)
class Selection:
    chosen: tuple[int, ...]  # keys of the chosen candidates, in the order the candidates were given
    total_cost: int
    total_value: int
    feasible: bool  # False when no subset meets the minimums within the budget (chosen is then empty)


_INFEASIBLE = Selection(chosen=(), total_cost=0, total_value=0, feasible=False)


@dataclass(frozen=True)
class _Step:
    """What one candidate did to one group's table, kept for the walk back."""

    index: int  # position in the caller's sequence
    weight: int  # cost in units of the common divisor
    # takes[k]: packed bits over capacities weight..cap, set where row k was reached by taking
    # this candidate. None for rows a take can never land in (row 0 of a group with a minimum).
    takes: tuple[npt.NDArray[np.uint8] | None, ...]
    # For the top row only, which can be reached from itself or from the row below: set where
    # the take came from the top row itself.
    from_top: npt.NDArray[np.uint8] | None


def _bit(packed: npt.NDArray[np.uint8], j: int) -> bool:
    # np.packbits is big-endian within each byte.
    return bool((int(packed[j >> 3]) >> (7 - (j & 7))) & 1)


def _validate(candidates: Sequence[Candidate], budget: int, minimums: Mapping[int, int]) -> None:
    if budget < 0:
        raise ValueError(f"budget must not be negative, got {budget}")
    seen: set[int] = set()
    total_value = 0
    for candidate in candidates:
        if operator.index(candidate.cost) <= 0:
            raise ValueError(f"candidate {candidate.key}: cost must be positive, got {candidate.cost}")
        if operator.index(candidate.value) < 0:
            raise ValueError(f"candidate {candidate.key}: value must not be negative, got {candidate.value}")
        if candidate.key in seen:
            # The result names candidates by key, so a repeated key would make it ambiguous.
            raise ValueError(f"candidate key {candidate.key} appears more than once")
        seen.add(candidate.key)
        total_value += candidate.value
    if total_value >= _MAX_TOTAL_VALUE:
        raise ValueError("total value too large to compute exactly")
    for group, minimum in minimums.items():
        if operator.index(minimum) < 0:
            raise ValueError(f"minimum for group {group} must not be negative, got {minimum}")


def _group_order(group: int | None) -> tuple[bool, int]:
    # A fixed processing order, so ties between equally good sets always resolve the same way.
    return (group is None, 0 if group is None else group)


def best_selection(
    candidates: Sequence[Candidate], budget: int, minimums: Mapping[int, int] | None = None
) -> Selection:
    """The highest-value subset of ``candidates`` costing at most ``budget`` and meeting ``minimums``.

    ``minimums`` maps a group id to the least number of candidates of that group to choose.
    Among equally valuable subsets the cheapest is returned; the result is the same every time
    for the same input. Raises ValueError for a non-positive cost, a negative value, budget or
    minimum, or a repeated key.
    """
    budget = operator.index(budget)
    minimums = dict(minimums or {})
    _validate(candidates, budget, minimums)

    needed = {group: minimum for group, minimum in minimums.items() if minimum > 0}
    affordable = [i for i, candidate in enumerate(candidates) if candidate.cost <= budget]

    free_members = [i for i in affordable if candidates[i].group not in needed]
    plan: list[tuple[int, list[int]]] = [(0, free_members)] if free_members else []
    for group in sorted(needed, key=_group_order):
        members = [i for i in affordable if candidates[i].group == group]
        if len(members) < needed[group]:
            return _INFEASIBLE
        plan.append((needed[group], members))

    if not affordable:
        # Nothing can be chosen; with no minimums left standing the empty set is the answer.
        return Selection(chosen=(), total_cost=0, total_value=0, feasible=True)

    # Every subset's cost is a multiple of the costs' common divisor, so working in those units
    # is exact and shrinks the table when requests are round sums (e.g. all multiples of £500).
    # Capacity beyond the cost of taking everything affordable can never be used.
    unit = math.gcd(*(candidates[i].cost for i in affordable))
    cap = min(budget, sum(candidates[i].cost for i in affordable)) // unit

    best = np.zeros(cap + 1, dtype=np.int64)
    history: list[tuple[int, list[_Step]]] = []
    for minimum, members in plan:
        rows = np.full((minimum + 1, cap + 1), _IMPOSSIBLE, dtype=np.int64)
        rows[0] = best
        steps: list[_Step] = []
        for index in members:
            steps.append(_add_candidate(rows, minimum, index, candidates[index].cost // unit, candidates[index].value))
        best = rows[minimum].copy()  # a copy, so the rest of the table can be freed
        history.append((minimum, steps))

    top = int(best[cap])
    if top < 0:
        return _INFEASIBLE
    # best is non-decreasing in capacity, so the first capacity reaching the optimum is the cost
    # of the cheapest optimal set; starting the walk back there picks that set.
    capacity = int(np.argmax(best == top))

    chosen: list[int] = []
    for minimum, steps in reversed(history):
        row = minimum
        for step in reversed(steps):
            if capacity < step.weight:
                continue
            takes = step.takes[row]
            j = capacity - step.weight
            if takes is None or not _bit(takes, j):
                continue
            chosen.append(step.index)
            capacity = j
            if row == minimum and minimum > 0:
                assert step.from_top is not None
                row = minimum if _bit(step.from_top, j) else minimum - 1
            elif row > 0:
                row -= 1
        # Each group's walk must end where its table began: row 0, the carried-in state.
        if row != 0:  # pragma: no cover - would mean the tables and the walk disagree
            raise AssertionError("knapsack backtrack did not return to the group's starting row")

    chosen.sort()
    selection = Selection(
        chosen=tuple(candidates[i].key for i in chosen),
        total_cost=sum(candidates[i].cost for i in chosen),
        total_value=sum(candidates[i].value for i in chosen),
        feasible=True,
    )
    if selection.total_value != top:  # pragma: no cover - same guard as above
        raise AssertionError("knapsack backtrack does not reproduce the optimum")
    return selection


def _add_candidate(rows: npt.NDArray[np.int64], minimum: int, index: int, weight: int, value: int) -> _Step:
    """Offer one candidate to every row of the open group's table, in place."""
    takes: list[npt.NDArray[np.uint8] | None] = [None] * (minimum + 1)
    from_top: npt.NDArray[np.uint8] | None = None

    if minimum == 0:
        # A plain 0/1 knapsack row. The shifted source is copied by the addition before the
        # in-place maximum writes, so the candidate cannot be counted twice.
        offer = rows[0, :-weight] + value
        target = rows[0, weight:]
        take = offer > target
        np.maximum(target, offer, out=target)
        takes[0] = np.packbits(take)
        return _Step(index=index, weight=weight, takes=tuple(takes), from_top=None)

    # The top row can be reached from itself (minimum already met) or from the row below. Rows
    # are updated top-down so each reads its source before that source is overwritten.
    stay = rows[minimum, :-weight]
    climb = rows[minimum - 1, :-weight]
    from_top_bits = stay >= climb
    offer = np.maximum(stay, climb) + value
    target = rows[minimum, weight:]
    take = offer > target
    np.maximum(target, offer, out=target)
    takes[minimum] = np.packbits(take)
    from_top = np.packbits(from_top_bits)

    for k in range(minimum - 1, 0, -1):
        offer = rows[k - 1, :-weight] + value
        target = rows[k, weight:]
        take = offer > target
        np.maximum(target, offer, out=target)
        takes[k] = np.packbits(take)

    return _Step(index=index, weight=weight, takes=tuple(takes), from_top=from_top)
