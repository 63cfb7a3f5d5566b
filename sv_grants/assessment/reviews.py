"""A reviewer's scores: saved as a draft as often as they like, submitted once, and changed after
that only when a grants officer reopens the review (which is audited)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update

from ..applications.models import ApplicationStatus
from ..audit.services import record
from ..auth.models import User
from ..dates import clock
from ..extensions import db
from ..funds.models import Criterion, Round
from .models import Assignment, Recommendation, Review, ReviewStatus, Score

ALREADY_SUBMITTED = "You have already submitted this review. Ask a grants officer to reopen it to change it."


class ReviewError(Exception):
    pass


class ReviewIncomplete(ReviewError):
    """Field id → message, for each answer the submission still needs."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("The review is not complete")
        self.problems = problems


@dataclass
class Marks:
    """What the reviewer typed for one criterion."""

    score: int | None
    comment: str


def review_of(assignment: Assignment) -> Review | None:
    return db.session.scalar(select(Review).where(Review.assignment_id == assignment.id))


def score_problems(round_: Round, criteria: list[Criterion], marks: dict[int, Marks],
                   recommendation: str | None, overall_comment: str, submitting: bool) -> dict[str, str]:
    """Every problem at once, keyed by the form field it belongs to. A draft may leave answers
    out, but never hold a score off the scale."""
    problems: dict[str, str] = {}
    for index, criterion in enumerate(criteria):
        given = marks.get(criterion.id, Marks(None, ""))
        if given.score is not None and not round_.score_min <= given.score <= round_.score_max:
            problems[f"criteria-{index}-score"] = (f"Score for {criterion.title} must be between {round_.score_min} "
                                                   f"and {round_.score_max}")
        elif submitting and given.score is None:
            problems[f"criteria-{index}-score"] = f"Select a score for {criterion.title}"
        if submitting and not given.comment.strip():
            problems[f"criteria-{index}-comment"] = f"Enter a comment explaining the score for {criterion.title}"
    if recommendation is not None and recommendation not in {r.value for r in Recommendation}:
        problems["recommendation"] = "Select fund, fund with conditions or do not fund"
    elif submitting and recommendation is None:
        problems["recommendation"] = "Select your recommendation"
    if submitting and not overall_comment.strip():
        problems["overall_comment"] = "Enter an overall comment"
    return problems


def save(actor: User, assignment: Assignment, marks: dict[int, Marks], recommendation: str | None,
         overall_comment: str, submit: bool) -> Review:
    """Save the reviewer's answers; with ``submit``, only when complete, and only once."""
    if not assignment.may_see_application or assignment.reviewer_id != actor.id:
        raise ReviewError("You cannot score this application")
    if assignment.application.status != ApplicationStatus.IN_ASSESSMENT:
        raise ReviewError("This application is no longer being assessed, so it cannot be scored")
    review = review_of(assignment)
    if review is not None and review.is_submitted:
        raise ReviewError(ALREADY_SUBMITTED)
    round_ = assignment.application.round
    criteria = list(round_.criteria)
    problems = score_problems(round_, criteria, marks, recommendation, overall_comment, submit)
    if problems:
        raise ReviewIncomplete(problems)
    if review is None:
        review = Review(assignment_id=assignment.id, status=ReviewStatus.DRAFT)
        db.session.add(review)
        db.session.flush()
    # Claiming the draft with a conditional UPDATE: a second tab cannot change a submitted review.
    claimed = db.session.execute(
        update(Review).where(Review.id == review.id, Review.status == ReviewStatus.DRAFT)
        .values(updated_at=clock.now()).execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        raise ReviewError(ALREADY_SUBMITTED)
    db.session.refresh(review)
    existing = {score.criterion_id: score for score in review.scores}
    for criterion in criteria:
        given = marks.get(criterion.id, Marks(None, ""))
        score = existing.get(criterion.id)
        if score is None:
            score = Score(criterion_id=criterion.id)
            review.scores.append(score)
        score.score = given.score
        score.comment = given.comment.strip()
    review.recommendation = recommendation
    review.overall_comment = overall_comment.strip()
    if submit:
        review.status = ReviewStatus.SUBMITTED
        review.submitted_at = clock.now()
    record("assessment.review_submitted" if submit else "assessment.review_saved", actor=actor,
           subject=assignment.application, review_id=review.id,
           scores={str(cid): m.score for cid, m in marks.items()}, recommendation=recommendation)
    db.session.flush()
    return review


def reopen(actor: User, review: Review, reason: str) -> None:
    reopened = db.session.execute(
        update(Review).where(Review.id == review.id, Review.status == ReviewStatus.SUBMITTED)
        .values(status=ReviewStatus.DRAFT, submitted_at=None, updated_at=clock.now())
        .execution_options(synchronize_session=False)
    ).rowcount
    if reopened != 1:
        raise ReviewError("This review is not submitted, so there is nothing to reopen")
    db.session.refresh(review)
    record("assessment.review_reopened", actor=actor, subject=review.assignment.application, review_id=review.id,
           reviewer_id=review.assignment.reviewer_id, reason=reason.strip())
    db.session.flush()
