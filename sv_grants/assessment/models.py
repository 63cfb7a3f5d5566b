"""What the grants team and the panel record about a submitted application: the eligibility check,
questions to the applicant, reviewers and their declarations, scores, moderation and the decision.

Weighted scores, spreads and flags are derived (``scoring.py``), never stored, so they can never
disagree with the scores they come from.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..applications.models import Application
from ..auth.models import User
from ..database import UTCDateTime
from ..dates import utcnow
from ..extensions import db
from ..funds.models import Criterion


class CheckOutcome(StrEnum):
    PASSED = "pass"
    FAILED = "fail"


class EligibilityCheck(db.Model):
    """The grants officer's due diligence: one per application, recorded once."""

    __tablename__ = "eligibility_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), unique=True)
    # {"governing_document": true, ...}: each item of the checklist, met or not.
    items: Mapped[dict[str, bool]] = mapped_column(JSON, default=dict)
    notes: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str] = mapped_column(String(8))
    # Written for the applicant, who sees it when the application fails.
    reason: Mapped[str] = mapped_column(Text, default="")
    checked_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    application: Mapped[Application] = relationship()
    checked_by: Mapped[User] = relationship()

    __table_args__ = (
        CheckConstraint("outcome IN ('pass', 'fail')", name="known_outcome"),
        CheckConstraint("outcome = 'pass' OR reason <> ''", name="fail_has_reason"),
    )


class Clarification(db.Model):
    """A question from the grants team and the applicant's answer, kept with the application."""

    __tablename__ = "clarifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    question: Mapped[str] = mapped_column(Text)
    asked_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    application: Mapped[Application] = relationship()
    asked_by: Mapped[User] = relationship(foreign_keys=[asked_by_id])
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])


class Declaration(StrEnum):
    UNDECLARED = "undeclared"
    NONE = "none"
    CONFLICTED = "conflicted"


class Assignment(db.Model):
    """A reviewer asked to score an application, and what they declared about its organisation."""

    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    assigned_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    declaration: Mapped[str] = mapped_column(String(12), default=Declaration.UNDECLARED)
    interest_details: Mapped[str] = mapped_column(Text, default="")
    declared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    application: Mapped[Application] = relationship()
    reviewer: Mapped[User] = relationship(foreign_keys=[reviewer_id])
    review: Mapped[Review | None] = relationship(back_populates="assignment", cascade="all, delete-orphan")

    __table_args__ = (
        UniqueConstraint("application_id", "reviewer_id", name="uq_reviewer_once"),
        CheckConstraint("declaration IN ('undeclared', 'none', 'conflicted')", name="known_declaration"),
        CheckConstraint("declaration <> 'conflicted' OR interest_details <> ''", name="interest_described"),
    )

    @property
    def is_conflicted(self) -> bool:
        return self.declaration == Declaration.CONFLICTED

    @property
    def may_see_application(self) -> bool:
        return self.declaration == Declaration.NONE


class ReviewStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


class Recommendation(StrEnum):
    FUND = "fund"
    FUND_WITH_CONDITIONS = "fund_with_conditions"
    DO_NOT_FUND = "do_not_fund"

    @property
    def label(self) -> str:
        return RECOMMENDATION_LABELS[self]


RECOMMENDATION_LABELS = {
    Recommendation.FUND: "Fund",
    Recommendation.FUND_WITH_CONDITIONS: "Fund with conditions",
    Recommendation.DO_NOT_FUND: "Do not fund",
}


class Review(db.Model):
    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"), unique=True)
    status: Mapped[str] = mapped_column(String(12), default=ReviewStatus.DRAFT)
    recommendation: Mapped[str | None] = mapped_column(String(24))
    overall_comment: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    assignment: Mapped[Assignment] = relationship(back_populates="review")
    scores: Mapped[list[Score]] = relationship(back_populates="review", cascade="all, delete-orphan")

    __table_args__ = (
        CheckConstraint("status IN ('draft', 'submitted')", name="known_status"),
        CheckConstraint("recommendation IS NULL OR recommendation IN ('fund', 'fund_with_conditions', "
                        "'do_not_fund')", name="known_recommendation"),
        CheckConstraint("status = 'draft' OR (recommendation IS NOT NULL AND submitted_at IS NOT NULL)",
                        name="submitted_is_complete"),
    )

    @property
    def is_submitted(self) -> bool:
        return self.status == ReviewStatus.SUBMITTED

    @property
    def recommendation_label(self) -> str:
        return Recommendation(self.recommendation).label if self.recommendation else "None yet"


class Score(db.Model):
    """One criterion's score and the reason for it. A draft may hold a comment before a score."""

    __tablename__ = "scores"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criteria.id"), index=True)
    score: Mapped[int | None] = mapped_column()
    comment: Mapped[str] = mapped_column(Text, default="")

    review: Mapped[Review] = relationship(back_populates="scores")
    criterion: Mapped[Criterion] = relationship()

    __table_args__ = (
        UniqueConstraint("review_id", "criterion_id", name="uq_score_once"),
        CheckConstraint("score IS NULL OR score >= 0", name="score_not_negative"),
    )


class Moderation(db.Model):
    """A moderated score with its reason. Every one is kept; the newest is the one that counts."""

    __tablename__ = "moderations"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    # A percentage to one decimal place, kept as tenths so it compares exactly: 72.5% is 725.
    score_tenths: Mapped[int] = mapped_column()
    reason: Mapped[str] = mapped_column(Text)
    moderated_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    moderated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    moderated_by: Mapped[User] = relationship()

    __table_args__ = (CheckConstraint("score_tenths BETWEEN 0 AND 1000", name="score_percentage"),)


class Outcome(StrEnum):
    APPROVED = "approved"
    REJECTED = "rejected"
    RESERVE = "reserve"

    @property
    def label(self) -> str:
        return OUTCOME_LABELS[self]


OUTCOME_LABELS = {Outcome.APPROVED: "Approved", Outcome.REJECTED: "Rejected", Outcome.RESERVE: "Reserve list"}


class Decision(db.Model):
    """The panel's decision. A draft (not yet notified) is seen only by staff; an approval commits
    its amount against the fund the moment it is recorded."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), unique=True)
    outcome: Mapped[str] = mapped_column(String(12))
    awarded_pence: Mapped[int | None] = mapped_column(BigInteger)
    conditions: Mapped[str] = mapped_column(Text, default="")
    feedback: Mapped[str] = mapped_column(Text, default="")
    panel_date: Mapped[date] = mapped_column()
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    notified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # What the applicant was last told, kept apart from the working fields: a reserve-list
    # applicant keeps reading the decision they were sent while the panel drafts a new one.
    published_outcome: Mapped[str | None] = mapped_column(String(12))
    published_awarded_pence: Mapped[int | None] = mapped_column(BigInteger)
    published_conditions: Mapped[str] = mapped_column(Text, default="")
    published_feedback: Mapped[str] = mapped_column(Text, default="")

    application: Mapped[Application] = relationship()
    decided_by: Mapped[User] = relationship(foreign_keys=[decided_by_id])

    __table_args__ = (
        CheckConstraint("outcome IN ('approved', 'rejected', 'reserve')", name="known_outcome"),
        CheckConstraint("(outcome = 'approved') = (awarded_pence IS NOT NULL)", name="award_only_if_approved"),
        CheckConstraint("awarded_pence IS NULL OR awarded_pence >= 100", name="award_at_least_a_pound"),
    )

    @property
    def outcome_enum(self) -> Outcome:
        return Outcome(self.outcome)

    @property
    def is_draft(self) -> bool:
        return self.notified_at is None

    @property
    def published_outcome_enum(self) -> Outcome | None:
        return Outcome(self.published_outcome) if self.published_outcome else None
