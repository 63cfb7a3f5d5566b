"""A grant: the offer made on an approved application, its acceptance, the instalments it is
paid in, and the variations agreed over its life.

Two ledgers keep the money right under concurrency, each changed only by a conditional UPDATE and
backed by a CHECK: the fund's ``committed_pence`` (in the funds package) and the grant's
``paid_pence``, which can never pass its ``awarded_pence``.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..applications.models import Application, InvalidTransition
from ..auth.models import User
from ..database import UTCDateTime
from ..dates import utcnow
from ..extensions import db
from ..funds.models import Fund
from ..organisations.models import Organisation


class GrantStatus(StrEnum):
    OFFERED = "offered"
    ACCEPTED = "accepted"
    ACTIVE = "active"  # the first instalment has been paid
    SUSPENDED = "suspended"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return {"offered": "Offered", "accepted": "Accepted", "active": "Active", "suspended": "Suspended",
                "closed": "Closed", "withdrawn": "Withdrawn"}[self.value]


GRANT_TRANSITIONS: dict[GrantStatus, set[GrantStatus]] = {
    GrantStatus.OFFERED: {GrantStatus.ACCEPTED, GrantStatus.WITHDRAWN},
    GrantStatus.ACCEPTED: {GrantStatus.ACTIVE, GrantStatus.SUSPENDED, GrantStatus.WITHDRAWN, GrantStatus.CLOSED},
    GrantStatus.ACTIVE: {GrantStatus.SUSPENDED, GrantStatus.WITHDRAWN, GrantStatus.CLOSED},
    GrantStatus.SUSPENDED: {GrantStatus.ACCEPTED, GrantStatus.ACTIVE, GrantStatus.WITHDRAWN},
    GrantStatus.CLOSED: set(),
    GrantStatus.WITHDRAWN: set(),
}
# Payments are made only on a grant in one of these states.
PAYABLE = (GrantStatus.ACCEPTED, GrantStatus.ACTIVE)


class Grant(db.Model):
    __tablename__ = "grants"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(24), unique=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), unique=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default=GrantStatus.OFFERED, index=True)
    awarded_pence: Mapped[int] = mapped_column(BigInteger)
    # The payment ledger: only ever raised by a conditional UPDATE that refuses to pass the award.
    paid_pence: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    purpose: Mapped[str] = mapped_column(Text, default="")
    conditions: Mapped[str] = mapped_column(Text, default="")
    start_date: Mapped[date] = mapped_column()
    end_date: Mapped[date] = mapped_column()
    # The officer who approved the award: separation of duties keeps them out of paying it.
    approved_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    offered_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    offered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    accept_by: Mapped[date] = mapped_column()
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    acceptance_name: Mapped[str | None] = mapped_column(String(200))
    acceptance_role: Mapped[str | None] = mapped_column(String(200))
    status_reason: Mapped[str | None] = mapped_column(Text)  # why it was suspended or withdrawn
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when the final monitoring return is accepted: the grant can then be closed.
    reporting_complete_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    underspend_pence: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    clawback_pence: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    clawback_reason: Mapped[str | None] = mapped_column(Text)

    application: Mapped[Application] = relationship()
    fund: Mapped[Fund] = relationship()
    organisation: Mapped[Organisation] = relationship()
    approved_by: Mapped[User] = relationship(foreign_keys=[approved_by_id])
    instalments: Mapped[list[Instalment]] = relationship(back_populates="grant", order_by="Instalment.sequence",
                                                         cascade="all, delete-orphan")
    variations: Mapped[list[Variation]] = relationship(back_populates="grant", order_by="Variation.id")

    __table_args__ = (
        CheckConstraint("status IN ('offered', 'accepted', 'active', 'suspended', 'closed', 'withdrawn')",
                        name="known_status"),
        CheckConstraint("awarded_pence >= 0", name="award_not_negative"),
        CheckConstraint("paid_pence >= 0 AND paid_pence <= awarded_pence", name="paid_within_award"),
        CheckConstraint("end_date > start_date", name="ends_after_start"),
        CheckConstraint("underspend_pence >= 0 AND clawback_pence >= 0", name="adjustments_not_negative"),
    )

    @property
    def status_enum(self) -> GrantStatus:
        return GrantStatus(self.status)

    @property
    def is_live(self) -> bool:
        return self.status in (GrantStatus.ACCEPTED, GrantStatus.ACTIVE, GrantStatus.SUSPENDED)

    def move_to(self, status: GrantStatus) -> None:
        if status not in GRANT_TRANSITIONS[GrantStatus(self.status)]:
            raise InvalidTransition(f"a grant cannot go from {self.status} to {status}")
        self.status = status


class Trigger(StrEnum):
    ON_ACCEPTANCE = "on_acceptance"
    AFTER_RETURN = "after_return"  # after quarterly return number ``after_return`` is accepted
    FINAL_RETURN = "final_return"


class InstalmentStatus(StrEnum):
    SCHEDULED = "scheduled"
    DUE = "due"
    APPROVED = "approved"
    PAID = "paid"
    ON_HOLD = "on_hold"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return {"scheduled": "Scheduled", "due": "Due", "approved": "Approved", "paid": "Paid",
                "on_hold": "On hold", "cancelled": "Cancelled"}[self.value]


UNPAID = (InstalmentStatus.SCHEDULED, InstalmentStatus.DUE, InstalmentStatus.APPROVED, InstalmentStatus.ON_HOLD)


class Instalment(db.Model):
    __tablename__ = "payment_instalments"

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("grants.id"), index=True)
    sequence: Mapped[int] = mapped_column()
    amount_pence: Mapped[int] = mapped_column(BigInteger)
    trigger: Mapped[str] = mapped_column(String(16))
    after_return: Mapped[int | None] = mapped_column()
    status: Mapped[str] = mapped_column(String(12), default=InstalmentStatus.SCHEDULED, index=True)
    # Where a held instalment goes back to once the new bank details are verified.
    held_status: Mapped[str | None] = mapped_column(String(12))
    due_on: Mapped[date | None] = mapped_column()
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paid_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    paid_on: Mapped[date | None] = mapped_column()
    paid_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    remittance_reference: Mapped[str | None] = mapped_column(String(60))
    # The bank account the payment was approved to, so a later change cannot redirect it.
    bank_account_id: Mapped[int | None] = mapped_column(ForeignKey("bank_accounts.id"))

    grant: Mapped[Grant] = relationship(back_populates="instalments")
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    paid_by: Mapped[User | None] = relationship(foreign_keys=[paid_by_id])

    __table_args__ = (
        UniqueConstraint("grant_id", "sequence", name="uq_instalment_sequence"),
        CheckConstraint("amount_pence > 0", name="amount_positive"),
        CheckConstraint("trigger IN ('on_acceptance', 'after_return', 'final_return')", name="known_trigger"),
        CheckConstraint("(trigger = 'after_return') = (after_return IS NOT NULL)", name="return_named"),
        CheckConstraint("status IN ('scheduled', 'due', 'approved', 'paid', 'on_hold', 'cancelled')",
                        name="known_status"),
        CheckConstraint("status != 'paid' OR (paid_on IS NOT NULL AND paid_by_id IS NOT NULL)", name="paid_recorded"),
        CheckConstraint("paid_by_id IS NULL OR approved_by_id IS NULL OR paid_by_id != approved_by_id",
                        name="payer_is_not_approver"),
    )

    @property
    def status_enum(self) -> InstalmentStatus:
        return InstalmentStatus(self.status)

    @property
    def trigger_label(self) -> str:
        if self.trigger == Trigger.ON_ACCEPTANCE:
            return "When the offer is accepted"
        if self.trigger == Trigger.AFTER_RETURN:
            return f"After quarterly return {self.after_return} is accepted"
        return "After the final return is accepted"


class VariationKind(StrEnum):
    AMOUNT = "amount"
    END_DATE = "end_date"
    OUTPUTS = "outputs"

    @property
    def label(self) -> str:
        return {"amount": "Award amount", "end_date": "End date", "outputs": "Output targets"}[self.value]


class VariationStatus(StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    REFUSED = "refused"


class Variation(db.Model):
    """A change to a grant's terms, with what it was before and after. Nothing changes on the
    grant until a grants officer approves it."""

    __tablename__ = "grant_variations"

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("grants.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    before: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    after: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default=VariationStatus.REQUESTED)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_reason: Mapped[str | None] = mapped_column(Text)

    grant: Mapped[Grant] = relationship(back_populates="variations")
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    __table_args__ = (
        CheckConstraint("kind IN ('amount', 'end_date', 'outputs')", name="known_kind"),
        CheckConstraint("status IN ('requested', 'approved', 'refused')", name="known_status"),
    )

    @property
    def kind_enum(self) -> VariationKind:
        return VariationKind(self.kind)
