"""Quarterly monitoring returns: what a funded intervention delivered, whom it reached (counts
only, never a participant's personal data), what it spent and how it is going."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..applications.models import BudgetLine, InvalidTransition, PlannedOutcome, PlannedOutput
from ..auth.models import User
from ..database import UTCDateTime
from ..dates import utcnow
from ..extensions import db
from ..grants.models import Grant


class ReturnKind(StrEnum):
    QUARTERLY = "quarterly"
    FINAL = "final"


class ReturnStatus(StrEnum):
    NOT_STARTED = "not_started"
    DRAFT = "draft"
    SUBMITTED = "submitted"
    CHANGES_REQUESTED = "changes_requested"
    ACCEPTED = "accepted"

    @property
    def label(self) -> str:
        return {"not_started": "Not started", "draft": "In progress", "submitted": "Submitted",
                "changes_requested": "Changes requested", "accepted": "Accepted"}[self.value]


RETURN_TRANSITIONS: dict[ReturnStatus, set[ReturnStatus]] = {
    ReturnStatus.NOT_STARTED: {ReturnStatus.DRAFT},
    ReturnStatus.DRAFT: {ReturnStatus.SUBMITTED},
    ReturnStatus.SUBMITTED: {ReturnStatus.ACCEPTED, ReturnStatus.CHANGES_REQUESTED},
    ReturnStatus.CHANGES_REQUESTED: {ReturnStatus.SUBMITTED},
    ReturnStatus.ACCEPTED: set(),
}
EDITABLE = (ReturnStatus.NOT_STARTED, ReturnStatus.DRAFT, ReturnStatus.CHANGES_REQUESTED)


class Rag(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"


class MonitoringReturn(db.Model):
    __tablename__ = "monitoring_returns"

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("grants.id"), index=True)
    # Quarterly returns are numbered 1, 2, 3… in date order; the final return comes last.
    number: Mapped[int] = mapped_column()
    kind: Mapped[str] = mapped_column(String(10))
    period_start: Mapped[date] = mapped_column()
    period_end: Mapped[date] = mapped_column()
    financial_year: Mapped[str] = mapped_column(String(7))  # "2026-27"
    quarter: Mapped[int | None] = mapped_column()  # 1 = April to June
    due_on: Mapped[date] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(20), default=ReturnStatus.NOT_STARTED, index=True)
    # {"outputs": "completed", "reach": "in_progress", ...}: the task list's state.
    sections: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    new_participants: Mapped[int | None] = mapped_column()
    progress: Mapped[str | None] = mapped_column(Text)
    challenges: Mapped[str | None] = mapped_column(Text)
    case_study: Mapped[str | None] = mapped_column(Text)
    safeguarding_incidents: Mapped[int | None] = mapped_column()
    rag: Mapped[str | None] = mapped_column(String(5))
    reviewer_comment: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    grant: Mapped[Grant] = relationship()
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])
    output_actuals: Mapped[list[OutputActual]] = relationship(back_populates="monitoring_return",
                                                              cascade="all, delete-orphan")
    reach_counts: Mapped[list[ReachCount]] = relationship(back_populates="monitoring_return",
                                                          cascade="all, delete-orphan")
    outcome_actuals: Mapped[list[OutcomeActual]] = relationship(back_populates="monitoring_return",
                                                                cascade="all, delete-orphan")
    spend_lines: Mapped[list[SpendLine]] = relationship(back_populates="monitoring_return",
                                                        cascade="all, delete-orphan")

    __table_args__ = (
        UniqueConstraint("grant_id", "number", name="uq_return_number"),
        CheckConstraint("kind IN ('quarterly', 'final')", name="known_kind"),
        CheckConstraint("status IN ('not_started', 'draft', 'submitted', 'changes_requested', 'accepted')",
                        name="known_status"),
        CheckConstraint("period_end >= period_start", name="period_order"),
        CheckConstraint("quarter IS NULL OR quarter BETWEEN 1 AND 4", name="quarter_range"),
        CheckConstraint("new_participants IS NULL OR new_participants >= 0", name="participants_not_negative"),
        CheckConstraint("safeguarding_incidents IS NULL OR safeguarding_incidents >= 0",
                        name="incidents_not_negative"),
        CheckConstraint("rag IS NULL OR rag IN ('green', 'amber', 'red')", name="known_rag"),
    )

    @property
    def status_enum(self) -> ReturnStatus:
        return ReturnStatus(self.status)

    @property
    def is_final(self) -> bool:
        return self.kind == ReturnKind.FINAL

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE

    @property
    def opens_on(self) -> date:
        """The first day the return can be started: its period's first day. The final return covers
        the whole grant but opens with the grant's last quarter, so it is not on the to-do list from
        the first day of the grant."""
        if not self.is_final:
            return self.period_start
        last_quarter = date(self.period_end.year, (self.period_end.month - 1) // 3 * 3 + 1, 1)
        return max(self.period_start, last_quarter)

    @property
    def title(self) -> str:
        if self.is_final:
            return "Final return"
        return f"Quarter {self.quarter} {self.financial_year} return"

    def move_to(self, status: ReturnStatus) -> None:
        if status not in RETURN_TRANSITIONS[ReturnStatus(self.status)]:
            raise InvalidTransition(f"a return cannot go from {self.status} to {status}")
        self.status = status


class OutputActual(db.Model):
    """How much of a planned output was delivered in the return's period."""

    __tablename__ = "output_actuals"

    id: Mapped[int] = mapped_column(primary_key=True)
    return_id: Mapped[int] = mapped_column(ForeignKey("monitoring_returns.id"), index=True)
    planned_output_id: Mapped[int] = mapped_column(ForeignKey("planned_outputs.id"), index=True)
    quantity: Mapped[int] = mapped_column()

    monitoring_return: Mapped[MonitoringReturn] = relationship(back_populates="output_actuals")
    planned_output: Mapped[PlannedOutput] = relationship()

    __table_args__ = (
        UniqueConstraint("return_id", "planned_output_id", name="uq_output_once"),
        CheckConstraint("quantity >= 0", name="quantity_not_negative"),
    )


class ReachCount(db.Model):
    """New participants in the period in one category of one breakdown (age band, sex, area,
    cohort). Only counts: no participant is ever named."""

    __tablename__ = "reach_counts"

    id: Mapped[int] = mapped_column(primary_key=True)
    return_id: Mapped[int] = mapped_column(ForeignKey("monitoring_returns.id"), index=True)
    dimension: Mapped[str] = mapped_column(String(12))
    category: Mapped[str] = mapped_column(String(20))
    count: Mapped[int] = mapped_column()

    monitoring_return: Mapped[MonitoringReturn] = relationship(back_populates="reach_counts")

    __table_args__ = (
        UniqueConstraint("return_id", "dimension", "category", name="uq_reach_once"),
        CheckConstraint("dimension IN ('age_band', 'sex', 'area', 'cohort')", name="known_dimension"),
        CheckConstraint("count >= 0", name="count_not_negative"),
    )


class OutcomeActual(db.Model):
    __tablename__ = "outcome_actuals"

    id: Mapped[int] = mapped_column(primary_key=True)
    return_id: Mapped[int] = mapped_column(ForeignKey("monitoring_returns.id"), index=True)
    planned_outcome_id: Mapped[int] = mapped_column(ForeignKey("planned_outcomes.id"), index=True)
    result: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text, default="")

    monitoring_return: Mapped[MonitoringReturn] = relationship(back_populates="outcome_actuals")
    planned_outcome: Mapped[PlannedOutcome] = relationship()

    __table_args__ = (UniqueConstraint("return_id", "planned_outcome_id", name="uq_outcome_once"),)


class SpendLine(db.Model):
    """Spend to date on one budget line, with the reason when it strays from the profile."""

    __tablename__ = "spend_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    return_id: Mapped[int] = mapped_column(ForeignKey("monitoring_returns.id"), index=True)
    budget_line_id: Mapped[int] = mapped_column(ForeignKey("budget_lines.id"), index=True)
    spent_pence: Mapped[int] = mapped_column(BigInteger)
    profile_pence: Mapped[int] = mapped_column(BigInteger)
    explanation: Mapped[str] = mapped_column(Text, default="")

    monitoring_return: Mapped[MonitoringReturn] = relationship(back_populates="spend_lines")
    budget_line: Mapped[BudgetLine] = relationship()

    __table_args__ = (
        UniqueConstraint("return_id", "budget_line_id", name="uq_spend_once"),
        CheckConstraint("spent_pence >= 0", name="spend_not_negative"),
    )


class ReturnReminder(db.Model):
    """A reminder already sent about a return, so a cron job run twice sends it once."""

    __tablename__ = "return_reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    return_id: Mapped[int] = mapped_column(ForeignKey("monitoring_returns.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # "7_days_before" / "1_day_after"
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("return_id", "kind", name="uq_return_reminder_once"),)

