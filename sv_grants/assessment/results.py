"""Loading what the scoring arithmetic needs for many applications in a handful of queries."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import String, cast, func, select
from sqlalchemy.orm import selectinload

from ..applications.models import Application
from ..auth.models import User
from ..extensions import db
from ..funds.models import Criterion, Round
from .models import Assignment, Declaration, Moderation, Review, ReviewStatus, Score
from .scoring import Result, ReviewerMarks, result_of


def scored_assignments(application_ids: list[int]) -> list[Assignment]:
    if not application_ids:
        return []
    return list(db.session.scalars(
        select(Assignment).where(Assignment.application_id.in_(application_ids))
        .options(selectinload(Assignment.reviewer),
                 selectinload(Assignment.review).selectinload(Review.scores))
        .order_by(Assignment.id)))


Marks = tuple[str, bool, tuple[tuple[int, int | None], ...]]  # reviewer, submitted, (criterion id, score)s


def _marks(application_ids: list[int]) -> dict[int, list[Marks]]:
    """Each application's unconflicted reviewers' marks, in assignment order, from plain rows: a round
    of hundreds of applications has thousands of scores, so the database strings each review's
    scores together ("criterion:score,...") and sends one row a reviewer instead of one a score
    (a round of 500: 1,400 rows, not 7,000, and half the time on both databases)."""
    marks: dict[int, list[Marks]] = {i: [] for i in application_ids}
    if not application_ids:
        return marks
    pair = cast(Score.criterion_id, String) + ":" + func.coalesce(cast(Score.score, String), "")
    for application_id, reviewer, status, scores in db.session.execute(
            select(Assignment.application_id, User.name, Review.status, func.aggregate_strings(pair, ","))
            .select_from(Assignment).join(User, User.id == Assignment.reviewer_id)
            .outerjoin(Review, Review.assignment_id == Assignment.id)
            .outerjoin(Score, Score.review_id == Review.id)
            .where(Assignment.application_id.in_(application_ids),
                   Assignment.declaration != Declaration.CONFLICTED)
            .group_by(Assignment.id, Assignment.application_id, User.name, Review.status)
            .order_by(Assignment.id)):
        marks[application_id].append((reviewer, status == ReviewStatus.SUBMITTED, _parsed(scores)))
    return marks


def _parsed(scores: str | None) -> tuple[tuple[int, int | None], ...]:
    """"16:3,17:,18:4" as ((16, 3), (17, None), (18, 4)), by criterion (the database keeps no order)."""
    if not scores:
        return ()
    pairs = (pair.split(":") for pair in scores.split(","))
    return tuple(sorted((int(criterion), int(score) if score else None) for criterion, score in pairs))


def _latest_moderation_tenths(application_ids: list[int]) -> dict[int, int]:
    latest: dict[int, int] = {}
    if not application_ids:
        return latest
    for application_id, tenths in db.session.execute(
            select(Moderation.application_id, Moderation.score_tenths)
            .where(Moderation.application_id.in_(application_ids)).order_by(Moderation.id)):
        latest[application_id] = tenths  # later rows replace earlier ones
    return latest


def results_by_id(round_: Round, application_ids: list[int]) -> dict[int, Result]:
    settings = (tuple((c.id, c.weight) for c in round_.criteria), round_.score_max,
                round_.moderation_threshold_percent)
    moderations = _latest_moderation_tenths(application_ids)
    return {application_id: _result(settings, tuple(marks), moderations.get(application_id))
            for application_id, marks in _marks(application_ids).items()}


def results_for(round_: Round, applications: list[Application]) -> dict[int, Result]:
    return results_by_id(round_, [application.id for application in applications])


@lru_cache(maxsize=8192)
def _result(settings: tuple[tuple[tuple[int, int], ...], int, int], marks: tuple[Marks, ...],
            moderated: int | None) -> Result:
    """Exact fractions cost a millisecond an application, and a panel page of hundreds asks again on
    every view for marks that rarely change; a Result is immutable, so each worker keeps the answers."""
    weights, maximum, threshold = settings
    return result_of(dict(weights), [ReviewerMarks(name, submitted, dict(scores)) for name, submitted, scores in marks],
                     maximum, threshold, moderated)


def result_for(application: Application) -> Result:
    return results_for(application.round, [application])[application.id]


@dataclass
class ReviewerColumn:
    """One reviewer's part of a score sheet; scores and comments by criterion id."""

    reviewer: str
    submitted: bool
    scores: dict[int, int | None]
    comments: dict[int, str]
    recommendation: str
    overall_comment: str


@dataclass
class ScoreSheet:
    """Each criterion's scores and comments by reviewer, as the officer and the panel pack show them.
    Only submitted reviews appear: a draft is the reviewer's own until they submit it."""

    criteria: list[Criterion]
    reviewers: list[ReviewerColumn]
    result: Result
    moderations: list[Moderation]
    conflicts: int


def score_sheet(application: Application, result: Result | None = None) -> ScoreSheet:
    columns, conflicts = [], 0
    for assignment in scored_assignments([application.id]):
        if assignment.is_conflicted:
            conflicts += 1
            continue
        review = assignment.review
        if review is None or not review.is_submitted:
            continue
        columns.append(ReviewerColumn(
            assignment.reviewer.name, True, {s.criterion_id: s.score for s in review.scores},
            {s.criterion_id: s.comment for s in review.scores}, review.recommendation_label, review.overall_comment))
    moderations = list(db.session.scalars(
        select(Moderation).where(Moderation.application_id == application.id).order_by(Moderation.id)))
    return ScoreSheet(list(application.round.criteria), columns, result or result_for(application), moderations,
                      conflicts)
