"""The numbers the panel reads: weighted score, spread between reviewers and the moderation flag.

Pure arithmetic on fractions, so 2/3 of a point stays 2/3 until it is shown; nothing here is
stored, and nothing is rounded before the ranking.

    weighted score = Σ weight * mean(score ÷ maximum), over submitted reviews only

With weights totalling 100 that is a percentage. The spread is the gap between the highest and
lowest reviewer's own weighted score, and it is flagged when it is more than the round's threshold.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import lru_cache


@dataclass(frozen=True)
class ReviewerMarks:
    """One reviewer's scores for an application: criterion id → score (None while unscored)."""

    reviewer: str
    submitted: bool
    scores: Mapping[int, int | None]


@dataclass(frozen=True)
class Result:
    weighted: Fraction | None  # None until a review is submitted
    by_reviewer: tuple[tuple[str, Fraction], ...]
    spread: Fraction | None  # None with fewer than two submitted reviews
    flagged: bool
    moderated: Fraction | None
    submitted: int
    expected: int

    @property
    def effective(self) -> Fraction | None:
        """What the ranking uses: the moderated score where there is one."""
        return self.moderated if self.moderated is not None else self.weighted

    @property
    def is_assessed(self) -> bool:
        return self.weighted is not None


def reviewer_score(weights: Mapping[int, int], scores: Mapping[int, int | None], maximum: int) -> Fraction:
    """One reviewer's weighted percentage; a criterion left unscored counts as zero."""
    return sum((Fraction(weight * (scores.get(criterion) or 0), maximum) for criterion, weight in weights.items()),
               Fraction(0))


def weighted_score(weights: Mapping[int, int], reviews: Sequence[ReviewerMarks], maximum: int) -> Fraction | None:
    submitted = [review for review in reviews if review.submitted]
    if not submitted:
        return None
    total = Fraction(0)
    for criterion, weight in weights.items():
        mean = Fraction(sum(review.scores.get(criterion) or 0 for review in submitted), len(submitted))
        total += weight * mean / maximum
    return total


def result_of(weights: Mapping[int, int], reviews: Sequence[ReviewerMarks], maximum: int, threshold: int,
              moderated_tenths: int | None = None, expected: int | None = None) -> Result:
    submitted = [review for review in reviews if review.submitted]
    by_reviewer = tuple((review.reviewer, reviewer_score(weights, review.scores, maximum)) for review in submitted)
    values = [value for _, value in by_reviewer]
    spread = max(values) - min(values) if len(values) >= 2 else None
    return Result(
        weighted=weighted_score(weights, reviews, maximum),
        by_reviewer=by_reviewer,
        spread=spread,
        flagged=spread is not None and spread > threshold,
        moderated=Fraction(moderated_tenths, 10) if moderated_tenths is not None else None,
        submitted=len(submitted),
        expected=len(reviews) if expected is None else expected,
    )


@lru_cache(maxsize=4096)
def percent(value: Fraction | None, places: int = 1) -> str:
    """A score as people read it: "72.5%", rounded half up; "Not scored" when there is none.

    Remembered: a panel page shows a thousand scores, drawn from the few values marks can make."""
    if value is None:
        return "Not scored"
    return f"{rounded(value, places)}%"


def rounded(value: Fraction, places: int = 1) -> Decimal:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


@lru_cache(maxsize=4096)
def hundredths(value: Fraction) -> int:
    """A score in hundredths of a percent, the whole number the knapsack weighs."""
    return int(rounded(value, 2).scaleb(2))
