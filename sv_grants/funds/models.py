"""The money and the rules it is given out under.

A fund's priorities, a round's criteria, the intervention types and the areas are rows, not code,
so another commissioner or another year can define its own.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import UTCDateTime
from ..dates import utcnow
from ..extensions import db


class FundStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class Fund(db.Model):
    __tablename__ = "funds"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    funder_name: Mapped[str] = mapped_column(String(200))
    financial_year: Mapped[str] = mapped_column(String(7))  # "2024/25"
    total_pence: Mapped[int] = mapped_column(BigInteger)
    # The budget ledger: only ever changed by a conditional UPDATE, so it holds under concurrency.
    committed_pence: Mapped[int] = mapped_column(BigInteger, default=0)
    status: Mapped[str] = mapped_column(String(16), default=FundStatus.DRAFT)
    # Application references read "SVF-2425-0042": this code, the year's digits, then a number
    # drawn from the counter by a single UPDATE, so two submissions never share one.
    reference_code: Mapped[str] = mapped_column(String(8), default="SVF", server_default="SVF")
    applications_numbered: Mapped[int] = mapped_column(default=0, server_default="0")
    # The finance system's cost centre that payments from this fund are charged to.
    cost_centre: Mapped[str] = mapped_column(String(20), default="", server_default="")
    # The funder's organisation identifier in the 360Giving / org-id.guide schemes, e.g. "GB-GOR-…".
    funder_org_id: Mapped[str] = mapped_column(String(60), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    priorities: Mapped[list[Priority]] = relationship(
        back_populates="fund", order_by="Priority.position"
    )
    rounds: Mapped[list[Round]] = relationship(back_populates="fund", order_by="Round.opens_at")

    __table_args__ = (
        CheckConstraint("total_pence > 0", name="total_positive"),
        CheckConstraint(
            "committed_pence >= 0 AND committed_pence <= total_pence", name="committed_within_total"
        ),
        CheckConstraint("status IN ('draft', 'open', 'closed')", name="known_status"),
    )

    @property
    def remaining_pence(self) -> int:
        return self.total_pence - self.committed_pence


class Priority(db.Model):
    __tablename__ = "priorities"

    id: Mapped[int] = mapped_column(primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id"), index=True)
    code: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    cohort: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[int] = mapped_column(default=0)

    fund: Mapped[Fund] = relationship(back_populates="priorities")

    __table_args__ = (UniqueConstraint("fund_id", "code", name="uq_priority_code"),)


class Round(db.Model):
    __tablename__ = "rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    delivery_from: Mapped[date] = mapped_column()
    delivery_until: Mapped[date] = mapped_column()
    min_award_pence: Mapped[int] = mapped_column(BigInteger)
    max_award_pence: Mapped[int] = mapped_column(BigInteger)
    guidance: Mapped[str] = mapped_column(Text, default="")
    score_min: Mapped[int] = mapped_column(default=0)
    score_max: Mapped[int] = mapped_column(default=4)
    # [{"score": 0, "label": "Unacceptable", "description": "..."}, ...]
    score_descriptors: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # Flag an application when reviewers' weighted scores differ by more than this many points.
    moderation_threshold_percent: Mapped[int] = mapped_column(default=20)

    fund: Mapped[Fund] = relationship(back_populates="rounds")
    criteria: Mapped[list[Criterion]] = relationship(
        back_populates="round", order_by="Criterion.position"
    )

    __table_args__ = (
        CheckConstraint("closes_at > opens_at", name="closes_after_opening"),
        CheckConstraint("delivery_until > delivery_from", name="delivery_window"),
        CheckConstraint(
            "min_award_pence > 0 AND max_award_pence >= min_award_pence", name="award_limits"
        ),
        CheckConstraint("score_max > score_min AND score_min >= 0", name="score_scale"),
        CheckConstraint("moderation_threshold_percent BETWEEN 0 AND 100", name="threshold_range"),
    )

    def is_open(self, now: datetime) -> bool:
        return self.opens_at <= now < self.closes_at


class Criterion(db.Model):
    __tablename__ = "criteria"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(200))
    guidance: Mapped[str] = mapped_column(Text, default="")
    # {"0": "No evidence ...", ..., "4": "..."}: what each score means for this criterion.
    descriptors: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    weight: Mapped[int] = mapped_column()
    priority_id: Mapped[int | None] = mapped_column(ForeignKey("priorities.id"))

    round: Mapped[Round] = relationship(back_populates="criteria")
    priority: Mapped[Priority | None] = relationship()

    __table_args__ = (CheckConstraint("weight > 0 AND weight <= 100", name="weight_range"),)


class ImpactRating(StrEnum):
    HARMFUL = "harmful"
    NONE = "none"
    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"
    UNKNOWN = "unknown"


class InterventionType(db.Model):
    """An approach from the Youth Endowment Fund Toolkit with its rating of impact on violence."""

    __tablename__ = "intervention_types"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    impact_rating: Mapped[str] = mapped_column(String(16))
    headline_effect: Mapped[str] = mapped_column(String(300), default="")
    evidence_note: Mapped[str] = mapped_column(String(300), default="")
    source_url: Mapped[str] = mapped_column(String(300), default="")
    as_of: Mapped[str] = mapped_column(String(7), default="")  # "2026-11": when the rating was read

    __table_args__ = (
        CheckConstraint(
            "impact_rating IN ('harmful', 'none', 'low', 'moderate', 'high', 'unknown')",
            name="known_rating",
        ),
    )

    @property
    def rating_label(self) -> str:
        return "Not rated" if self.impact_rating == ImpactRating.UNKNOWN else self.impact_rating.capitalize()


class Area(db.Model):
    """A place named by its ONS code: local authorities (E06…) and wards (E05…)."""

    __tablename__ = "areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(9), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(24))  # local_authority / ward

    __table_args__ = (CheckConstraint("kind IN ('local_authority', 'ward')", name="known_kind"),)
