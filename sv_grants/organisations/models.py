"""Organisations that apply for grants, and the people who act for them."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import UTCDateTime
from ..dates import utcnow
from ..extensions import db


class LegalForm(StrEnum):
    REGISTERED_CHARITY = "registered_charity"
    CIO = "cio"
    CHARITABLE_COMPANY = "charitable_company"
    CIC = "cic"
    COMPANY_LIMITED_BY_GUARANTEE = "company_limited_by_guarantee"
    COMMUNITY_GROUP = "community_group"
    SOCIAL_ENTERPRISE = "social_enterprise"

    @property
    def label(self) -> str:
        return LEGAL_FORM_LABELS[self]


LEGAL_FORM_LABELS = {
    LegalForm.REGISTERED_CHARITY: "Registered charity",
    LegalForm.CIO: "Charitable incorporated organisation (CIO)",
    LegalForm.CHARITABLE_COMPANY: "Charitable company",
    LegalForm.CIC: "Community interest company (CIC)",
    LegalForm.COMPANY_LIMITED_BY_GUARANTEE: "Company limited by guarantee",
    LegalForm.COMMUNITY_GROUP: "Unincorporated community group",
    LegalForm.SOCIAL_ENTERPRISE: "Social enterprise",
}
_LEGAL_FORMS = ", ".join(f"'{f.value}'" for f in LegalForm)


class Organisation(db.Model):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    legal_form: Mapped[str] = mapped_column(String(40))
    charity_number: Mapped[str | None] = mapped_column(String(12))
    company_number: Mapped[str | None] = mapped_column(String(8))
    address_line_1: Mapped[str | None] = mapped_column(String(200))
    address_line_2: Mapped[str | None] = mapped_column(String(200))
    town: Mapped[str | None] = mapped_column(String(100))
    postcode: Mapped[str | None] = mapped_column(String(8))
    local_authority_code: Mapped[str | None] = mapped_column(String(9))
    annual_income_pence: Mapped[int | None] = mapped_column(BigInteger)
    safeguarding_lead_name: Mapped[str | None] = mapped_column(String(200))
    safeguarding_lead_email: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    memberships: Mapped[list[Membership]] = relationship(back_populates="organisation")

    __table_args__ = (
        CheckConstraint(f"legal_form IN ({_LEGAL_FORMS})", name="known_legal_form"),
        CheckConstraint("annual_income_pence >= 0", name="income_not_negative"),
    )

    @property
    def legal_form_label(self) -> str:
        return LegalForm(self.legal_form).label

    @property
    def has_complete_profile(self) -> bool:
        """Everything an application needs from the organisation has been given."""
        return all([self.address_line_1, self.town, self.postcode, self.local_authority_code,
                    self.annual_income_pence is not None, self.safeguarding_lead_name,
                    self.safeguarding_lead_email])


class Membership(db.Model):
    __tablename__ = "organisation_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    is_main_contact: Mapped[bool] = mapped_column(default=False)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship(back_populates="memberships")
    user = relationship("User")

    __table_args__ = (UniqueConstraint("organisation_id", "user_id", name="uq_member_once"),)


class Invitation(db.Model):
    """An e-mailed, single-use invitation for a colleague to join an organisation."""

    __tablename__ = "organisation_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    organisation: Mapped[Organisation] = relationship()
    invited_by = relationship("User", foreign_keys=[invited_by_id])


class DocumentKind(StrEnum):
    CONSTITUTION = "constitution"
    ACCOUNTS = "accounts"
    SAFEGUARDING_POLICY = "safeguarding_policy"
    INSURANCE = "insurance"
    OTHER = "other"

    @property
    def label(self) -> str:
        return DOCUMENT_KIND_LABELS[self]


DOCUMENT_KIND_LABELS = {
    DocumentKind.CONSTITUTION: "Constitution or governing document",
    DocumentKind.ACCOUNTS: "Latest accounts",
    DocumentKind.SAFEGUARDING_POLICY: "Safeguarding policy",
    DocumentKind.INSURANCE: "Insurance certificate",
    DocumentKind.OTHER: "Other document",
}
_KINDS = ", ".join(f"'{k.value}'" for k in DocumentKind)


class Document(db.Model):
    """An uploaded file. It belongs to an organisation; ``application_id`` is set for a file added
    to one application only. The bytes live under UPLOAD_DIR by a random name, never in static/.

    The model sits here, not in ``applications``, because organisations own their documents and
    must not import the application package that comes after them in the lifecycle.
    """

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    original_name: Mapped[str] = mapped_column(String(200))
    stored_name: Mapped[str] = mapped_column(String(32), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    scan_status: Mapped[str] = mapped_column(String(16))
    expires_on: Mapped[date | None] = mapped_column()
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation] = relationship()
    uploaded_by = relationship("User")

    __table_args__ = (
        CheckConstraint(f"kind IN ({_KINDS})", name="known_kind"),
        CheckConstraint("scan_status IN ('clean', 'infected', 'not_scanned')", name="known_scan_status"),
        CheckConstraint("size_bytes > 0", name="not_empty"),
    )

    @property
    def kind_label(self) -> str:
        return DocumentKind(self.kind).label

    def has_expired(self, today: date) -> bool:
        return self.expires_on is not None and self.expires_on < today


class BankAccount(db.Model):
    """Where an organisation's grant is paid. A change adds a row (the newest is current) and holds
    its payments until a finance officer verifies it independently: mandate fraud, a letter or
    e-mail asking for payments to go to a new account, is the commonest fraud against grant makers."""

    __tablename__ = "bank_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    account_name: Mapped[str] = mapped_column(String(140))
    sort_code: Mapped[str] = mapped_column(String(6))
    account_number: Mapped[str] = mapped_column(String(8))
    entered_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    verification_method: Mapped[str | None] = mapped_column(String(200))
    verification_note: Mapped[str | None] = mapped_column(Text)

    organisation: Mapped[Organisation] = relationship()
    verified_by = relationship("User", foreign_keys=[verified_by_id])
    entered_by = relationship("User", foreign_keys=[entered_by_id])

    __table_args__ = (
        CheckConstraint("length(sort_code) = 6", name="sort_code_six_digits"),
        CheckConstraint("length(account_number) = 8", name="account_number_eight_digits"),
    )

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    @property
    def masked_sort_code(self) -> str:
        return f"**-**-{self.sort_code[-2:]}"

    @property
    def masked_account_number(self) -> str:
        return "****" + self.account_number[-4:]

    @property
    def formatted_sort_code(self) -> str:
        return f"{self.sort_code[:2]}-{self.sort_code[2:4]}-{self.sort_code[4:]}"
