"""Loading what the scoring arithmetic needs for many applications in a handful of queries."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..applications.models import Application
from ..extensions import db
from ..funds.models import Criterion, Round
from .models import Assignment, Moderation, Review
from .scoring import Result, ReviewerMarks, result_of


def latest_moderations(application_ids: list[int]) -> dict[int, Moderation]:
    latest: dict[int, Moderation] = {}
    if not application_ids:
        return latest
    for moderation in db.session.scalars(
            select(Moderation).where(Moderation.application_id.in_(application_ids)).order_by(Moderation.id)):
        latest[moderation.application_id] = moderation  # later rows replace earlier ones
    return latest


def scored_assignments(application_ids: list[int]) -> list[Assignment]:
    if not application_ids:
        return []
    return list(db.session.scalars(
        select(Assignment).where(Assignment.application_id.in_(application_ids))
        .options(selectinload(Assignment.reviewer),
                 selectinload(Assignment.review).selectinload(Review.scores))
        .order_by(Assignment.id)))


def results_for(round_: Round, applications: list[Application]) -> dict[int, Result]:
    ids = [application.id for application in applications]
    weights = {criterion.id: criterion.weight for criterion in round_.criteria}
    by_application: dict[int, list[Assignment]] = {i: [] for i in ids}
    for assignment in scored_assignments(ids):
        by_application[assignment.application_id].append(assignment)
    moderations = latest_moderations(ids)
    results = {}
    for application_id, assignments in by_application.items():
        marks = [ReviewerMarks(a.reviewer.name, a.review is not None and a.review.is_submitted,
                               {s.criterion_id: s.score for s in a.review.scores} if a.review else {})
                 for a in assignments if not a.is_conflicted]
        moderation = moderations.get(application_id)
        results[application_id] = result_of(weights, marks, round_.score_max, round_.moderation_threshold_percent,
                                            moderation.score_tenths if moderation else None)
    return results


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
