"""Time the recommended-funding-set knapsack at realistic sizes and print the figures.

Run from the project root: ``.venv/bin/python bench/knapsack.py``. Not a test; prints only.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

try:
    from sv_grants.assessment.knapsack import Candidate, best_selection
except ImportError:  # not installed editable: fall back to the checkout this script sits in
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from sv_grants.assessment.knapsack import Candidate, best_selection

BUDGET = 500_000
PRIORITIES = [1, 2, 3, 4, None]
REPEATS = 3


def make_round(count: int, seed: int, round_to: int = 1) -> list[Candidate]:
    rng = random.Random(seed)
    return [
        Candidate(
            key=i,
            cost=rng.randint(2_000 // round_to, 50_000 // round_to) * round_to,
            value=rng.randint(0, 10_000),
            group=rng.choice(PRIORITIES),
        )
        for i in range(count)
    ]


def main() -> None:
    print(f"best_selection, budget £{BUDGET:,}, costs £2,000-£50,000, best of {REPEATS} runs")
    header = ("candidates", "minimums", "costs", "seconds", "chosen", "spent", "score")
    print("{:>10}  {:<16}  {:<10}  {:>8}  {:>6}  {:>9}  {:>7}".format(*header))
    for count in (50, 100, 200):
        for minimums in ({}, {1: 2, 2: 2, 3: 2, 4: 2}):
            for round_to in (1, 500):
                candidates = make_round(count, seed=count, round_to=round_to)
                timings = []
                for _ in range(REPEATS):
                    started = time.perf_counter()
                    result = best_selection(candidates, BUDGET, minimums)
                    timings.append(time.perf_counter() - started)
                label = "2 per priority" if minimums else "none"
                costs = "any £" if round_to == 1 else f"£{round_to} steps"
                print(
                    f"{count:>10}  {label:<16}  {costs:<10}  {min(timings):>8.3f}  {len(result.chosen):>6}"
                    f"  £{result.total_cost:>8,}  {result.total_value / 100:>6.0f}%"
                )


if __name__ == "__main__":
    main()


def time_round_of_500(budget_pounds: int = BUDGET, repeats: int = 3) -> dict[str, float]:
    """The panel's case: 500 applications against £500,000, best of ``repeats``, for ``python -m bench``."""
    candidates = make_round(500, seed=500)
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        result = best_selection(candidates, budget_pounds, {})
        timings.append(time.perf_counter() - started)
    return {"seconds": round(min(timings), 3), "chosen": len(result.chosen), "candidates": 500}
