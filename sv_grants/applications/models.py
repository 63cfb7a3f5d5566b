"""An application for a round of a fund, built up section by section from draft to submission."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import UTCDateTime
from ..dates import utcnow
from ..extensions import db
from ..funds.models import InterventionType, Priority, Round
from ..organisations.models import Document, Organisation


class InvalidTransition(Exception):
    """A status change the lifecycle does not allow."""


class ApplicationStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"
    INELIGIBLE = "ineligible"
    IN_ASSESSMENT = "in_assessment"
    APPROVED = "approved"
    REJECTED = "rejected"
    RESERVE = "reserve"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    ApplicationStatus.DRAFT: "Draft",
    ApplicationStatus.SUBMITTED: "Submitted",
    ApplicationStatus.WITHDRAWN: "Withdrawn",
    ApplicationStatus.INELIGIBLE: "Not eligible",
    ApplicationStatus.IN_ASSESSMENT: "Being assessed",
    ApplicationStatus.APPROVED: "Approved",
    ApplicationStatus.REJECTED: "Not funded",
    ApplicationStatus.RESERVE: "On the reserve list",
}

# The whole lifecycle in one table: anything not listed here raises InvalidTransition.
TRANSITIONS: dict[ApplicationStatus, set[ApplicationStatus]] = {
    ApplicationStatus.DRAFT: {ApplicationStatus.SUBMITTED},
    ApplicationStatus.SUBMITTED: {ApplicationStatus.WITHDRAWN, ApplicationStatus.INELIGIBLE,
                                  ApplicationStatus.IN_ASSESSMENT},
    ApplicationStatus.IN_ASSESSMENT: {ApplicationStatus.WITHDRAWN, ApplicationStatus.APPROVED,
                                      ApplicationStatus.REJECTED, ApplicationStatus.RESERVE},
    ApplicationStatus.RESERVE: {ApplicationStatus.APPROVED, ApplicationStatus.REJECTED},
    ApplicationStatus.WITHDRAWN: set(),
    ApplicationStatus.INELIGIBLE: set(),
    ApplicationStatus.APPROVED: set(),
    ApplicationStatus.REJECTED: set(),
}
_STATUSES = ", ".join(f"'{s.value}'" for s in ApplicationStatus)


class Application(db.Model):
    __tablename__ = "applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    reference: Mapped[str | None] = mapped_column(String(20), unique=True)
    status: Mapped[str] = mapped_column(String(16), default=ApplicationStatus.DRAFT, index=True)
    # Bumped by every saved change: what a reader saw can be told apart from what is there now.
    version_id: Mapped[int] = mapped_column(default=1)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawal_reason: Mapped[str | None] = mapped_column(Text)

    # The answers given in the eligibility check, kept as they were answered.
    eligibility: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    # 1. About the project
    title: Mapped[str | None] = mapped_column(String(100))
    summary: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    # 3. Who it reaches
    age_bands: Mapped[list[str]] = mapped_column(JSON, default=list)
    gender_focus: Mapped[str | None] = mapped_column(String(20))
    people_expected: Mapped[int | None] = mapped_column()
    referral_routes: Mapped[str | None] = mapped_column(Text)
    delivery_areas: Mapped[list[str]] = mapped_column(JSON, default=list)
    delivery_places: Mapped[str | None] = mapped_column(Text)
    # 4. Approach and evidence
    intervention_type_id: Mapped[int | None] = mapped_column(ForeignKey("intervention_types.id"))
    intervention_other: Mapped[str | None] = mapped_column(String(200))
    approach_reason: Mapped[str | None] = mapped_column(Text)
    evidence: Mapped[str | None] = mapped_column(Text)
    # 6. Budget: the total of the lines, kept in step by the budget service.
    requested_pence: Mapped[int | None] = mapped_column(BigInteger)
    # 7. Delivery plan
    start_date: Mapped[date | None] = mapped_column()
    end_date: Mapped[date | None] = mapped_column()
    milestones: Mapped[str | None] = mapped_column(Text)
    risks: Mapped[str | None] = mapped_column(Text)
    # 8. Safeguarding
    dbs_checks: Mapped[str | None] = mapped_column(String(20))
    dbs_details: Mapped[str | None] = mapped_column(Text)
    safeguarding_lead_confirmed: Mapped[bool] = mapped_column(default=False)
    # 10. Declaration
    declaration_name: Mapped[str | None] = mapped_column(String(200))
    declaration_role: Mapped[str | None] = mapped_column(String(200))
    declared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    declared_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    round: Mapped[Round] = relationship()
    organisation: Mapped[Organisation] = relationship()
    intervention_type: Mapped[InterventionType | None] = relationship()
    sections: Mapped[list[ApplicationSection]] = relationship(back_populates="application",
                                                             cascade="all, delete-orphan")
    priorities: Mapped[list[ApplicationPriority]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="ApplicationPriority.id")
    budget_lines: Mapped[list[BudgetLine]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="BudgetLine.position")
    outputs: Mapped[list[PlannedOutput]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="PlannedOutput.position")
    outcomes: Mapped[list[PlannedOutcome]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="PlannedOutcome.position")
    attachments: Mapped[list[ApplicationDocument]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="ApplicationDocument.id")

    __table_args__ = (
        CheckConstraint(f"status IN ({_STATUSES})", name="known_status"),
        CheckConstraint("requested_pence IS NULL OR requested_pence > 0", name="requested_positive"),
        CheckConstraint("people_expected IS NULL OR people_expected > 0", name="people_positive"),
        CheckConstraint("status = 'draft' OR reference IS NOT NULL", name="submitted_has_reference"),
        # A round's list is filtered by status and ordered by reference, and counted by status
        # (migration 0006): without these a round of hundreds is sorted in a temporary B-tree.
        Index("ix_applications_round_reference", "round_id", "reference"),
        Index("ix_applications_round_status", "round_id", "status"),
    )

    @property
    def status_enum(self) -> ApplicationStatus:
        return ApplicationStatus(self.status)

    @property
    def is_draft(self) -> bool:
        return self.status == ApplicationStatus.DRAFT

    @property
    def display_title(self) -> str:
        return self.title or "Untitled application"

    @property
    def primary_priority(self) -> Priority | None:
        return next((p.priority for p in self.priorities if p.is_primary), None)

    def move_to(self, status: ApplicationStatus) -> None:
        if status not in TRANSITIONS[ApplicationStatus(self.status)]:
            raise InvalidTransition(f"an application cannot go from {self.status} to {status}")
        self.status = status


class SectionStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"


class ApplicationSection(db.Model):
    """One task-list section's state, with its own version so two people's saves cannot cross."""

    __tablename__ = "application_sections"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    key: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(16), default=SectionStatus.NOT_STARTED)
    version: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    application: Mapped[Application] = relationship(back_populates="sections")
    updated_by = relationship("User")

    __table_args__ = (
        UniqueConstraint("application_id", "key", name="uq_section_once"),
        CheckConstraint("status IN ('not_started', 'in_progress', 'completed')", name="known_status"),
    )


class ApplicationPriority(db.Model):
    __tablename__ = "application_priorities"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    priority_id: Mapped[int] = mapped_column(ForeignKey("priorities.id"))
    is_primary: Mapped[bool] = mapped_column(default=False)
    how: Mapped[str] = mapped_column(Text, default="")

    application: Mapped[Application] = relationship(back_populates="priorities")
    priority: Mapped[Priority] = relationship()

    __table_args__ = (
        UniqueConstraint("application_id", "priority_id", name="uq_priority_once"),
        # At most one primary priority per application, whatever the code does.
        Index("uq_one_primary_priority", "application_id", unique=True,
              sqlite_where=db.text("is_primary"), postgresql_where=db.text("is_primary")),
    )


class CostType(StrEnum):
    LABOUR = "labour"
    NON_LABOUR = "non_labour"


class BudgetLine(db.Model):
    __tablename__ = "budget_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    category: Mapped[str] = mapped_column(String(40))
    cost_type: Mapped[str] = mapped_column(String(12))
    description: Mapped[str] = mapped_column(String(200))
    amount_pence: Mapped[int] = mapped_column(BigInteger)

    application: Mapped[Application] = relationship(back_populates="budget_lines")

    __table_args__ = (
        CheckConstraint("amount_pence > 0", name="amount_positive"),
        CheckConstraint("cost_type IN ('labour', 'non_labour')", name="known_cost_type"),
    )


class PlannedOutput(db.Model):
    """Something countable the project will deliver; monitoring returns report against it."""

    __tablename__ = "planned_outputs"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    measure: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(50))
    target: Mapped[int] = mapped_column()
    priority_id: Mapped[int] = mapped_column(ForeignKey("priorities.id"))

    application: Mapped[Application] = relationship(back_populates="outputs")
    priority: Mapped[Priority] = relationship()

    __table_args__ = (CheckConstraint("target > 0", name="target_positive"),)


class PlannedOutcome(db.Model):
    __tablename__ = "planned_outcomes"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    indicator: Mapped[str] = mapped_column(String(200))
    target: Mapped[str] = mapped_column(String(100))

    application: Mapped[Application] = relationship(back_populates="outcomes")


class ApplicationDocument(db.Model):
    """A document attached to an application: an organisation's own, reused, or one added for it."""

    __tablename__ = "application_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24))

    application: Mapped[Application] = relationship(back_populates="attachments")
    document: Mapped[Document] = relationship()

    __table_args__ = (UniqueConstraint("application_id", "document_id", name="uq_attached_once"),)


class Reminder(db.Model):
    """A deadline reminder already sent, so a cron job run twice sends it once."""

    __tablename__ = "application_reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("application_id", "kind", name="uq_reminder_once"),)
