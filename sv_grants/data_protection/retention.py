"""The retention policy: how long personal data is kept, and the job that anonymises what has
outlived it.

Two periods, both settings (see ``config.py``) and both quoted by the privacy notice:

- an unsuccessful application (rejected, not eligible, withdrawn, or a draft whose round closed)
  keeps its personal data for ``RETENTION_UNSUCCESSFUL_YEARS`` after that outcome;
- a grant (closed or withdrawn) keeps the people named in it for ``RETENTION_CLOSED_GRANT_YEARS``
  after it ended, so auditors of public money can check it.

After that, people are removed and money is kept: declarations, acceptances, narrative answers,
applicants' answers to questions and files uploaded for the application go; references, titles,
statuses, amounts, budget lines, decisions and payments stay. ``find_expired`` only reads, so a dry
run is the same query with nothing applied; ``apply`` finds its work again from the data, which
makes a second run a no-op.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select

from .. import storage
from ..applications.models import Application, ApplicationDocument, ApplicationStatus
from ..assessment.models import Clarification, Decision, EligibilityCheck
from ..audit.services import record
from ..auth.services import SECURITY_RECORD_DAYS
from ..extensions import db
from ..funds.models import Round
from ..grants.models import Grant, GrantStatus
from ..organisations.models import BankAccount, Document

# Narrative answers are removed whole: a name written anywhere in free text cannot be found reliably.
NARRATIVE_FIELDS = ("summary", "description", "referral_routes", "delivery_places", "approach_reason", "evidence",
                    "milestones", "risks", "dbs_details", "withdrawal_reason", "declaration_name", "declaration_role")
REMOVED = "Removed under the retention policy"
REMOVED_ACCOUNT_NAME = "Removed"  # bank_accounts.account_name is NOT NULL and at most 140 characters
UNSUCCESSFUL = (ApplicationStatus.REJECTED, ApplicationStatus.INELIGIBLE, ApplicationStatus.WITHDRAWN)
ENDED_GRANTS = (GrantStatus.CLOSED, GrantStatus.WITHDRAWN)


@dataclass(frozen=True)
class Policy:
    unsuccessful_years: int
    closed_grant_years: int
    security_record_days: int = SECURITY_RECORD_DAYS

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Policy:
        return cls(config["RETENTION_UNSUCCESSFUL_YEARS"], config["RETENTION_CLOSED_GRANT_YEARS"])

    def describe(self) -> str:
        return (f"unsuccessful applications {_years(self.unsuccessful_years)} after the outcome; grant records "
                f"{_years(self.closed_grant_years)} after the grant closed")


@dataclass
class RetentionPlan:
    """What has outlived the policy. It holds ids and references only, never personal data, so it
    can be printed by a dry run and written to the audit log."""

    policy: Policy
    unsuccessful_application_ids: list[int] = field(default_factory=list)
    grant_ids: list[int] = field(default_factory=list)
    # Applications of expired grants: the same anonymisation as an unsuccessful one.
    funded_application_ids: list[int] = field(default_factory=list)
    document_ids: list[int] = field(default_factory=list)
    bank_account_ids: list[int] = field(default_factory=list)
    labels: dict[str, list[str]] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not (self.unsuccessful_application_ids or self.grant_ids or self.funded_application_ids
                    or self.document_ids or self.bank_account_ids)

    def lines(self, dry_run: bool) -> list[str]:
        """A readable summary: counts and references, e.g. "Would anonymise 2 unsuccessful applications: …"."""
        def said(verb: str, past: str) -> str:
            return f"Would {verb}" if dry_run else past

        parts = [
            ("unsuccessful application", "unsuccessful applications", self.labels.get("applications", [])),
            ("grant record", "grant records", self.labels.get("grants", [])),
            ("application of those grants", "applications of those grants",
             self.labels.get("funded_applications", [])),
        ]
        lines = [f"{said('anonymise', 'Anonymised')} {_count(len(refs), one, many)}"
                 + (f": {', '.join(refs)}" if refs else "") + "." for one, many, refs in parts]
        lines.append(f"{said('delete', 'Deleted')} "
                     f"{_count(len(self.document_ids), 'uploaded document', 'uploaded documents')}.")
        lines.append(f"{said('mask', 'Masked')} {_count(len(self.bank_account_ids), 'set', 'sets')} of bank details.")
        return lines


def _years(n: int) -> str:
    return f"{n} year" if n == 1 else f"{n} years"


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def years_before(moment: datetime, years: int) -> datetime:
    """The same calendar moment ``years`` earlier (29 February falls back to the 28th)."""
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:
        return moment.replace(year=moment.year - years, day=28)


def find_expired(policy: Policy, now: datetime) -> RetentionPlan:
    """Everything past its period that still holds something to remove. Reads only."""
    plan = RetentionPlan(policy)
    unsuccessful_cutoff = years_before(now, policy.unsuccessful_years)
    grant_cutoff = years_before(now, policy.closed_grant_years)

    for application in _unsuccessful_candidates():
        ended = _unsuccessful_since(application)
        if ended is not None and ended < unsuccessful_cutoff and _holds_personal_data(application):
            plan.unsuccessful_application_ids.append(application.id)

    expired_grants = [grant for grant in db.session.scalars(
        select(Grant).where(Grant.status.in_(ENDED_GRANTS)).order_by(Grant.id))
        if (_grant_ended(grant) or now) < grant_cutoff]
    for grant in expired_grants:
        if grant.acceptance_name is not None or grant.acceptance_role is not None:
            plan.grant_ids.append(grant.id)
        if _holds_personal_data(grant.application):
            plan.funded_application_ids.append(grant.application_id)

    application_ids = plan.unsuccessful_application_ids + plan.funded_application_ids
    if application_ids:
        plan.document_ids = list(db.session.scalars(
            select(Document.id).where(Document.application_id.in_(application_ids)).order_by(Document.id)))
    plan.bank_account_ids = _expired_bank_accounts({grant.organisation_id for grant in expired_grants},
                                                   {grant.id for grant in expired_grants})
    plan.labels = {
        "applications": [_application_label(i) for i in plan.unsuccessful_application_ids],
        "grants": [db.session.get(Grant, i).reference for i in plan.grant_ids],
        "funded_applications": [_application_label(i) for i in plan.funded_application_ids],
    }
    return plan


def apply(plan: RetentionPlan, upload_dir: str) -> None:
    """Anonymise what ``plan`` lists and audit it. Files are deleted before the transaction commits:
    if the commit then fails, the rows are still there and the next run deletes them again
    (deleting a missing file is not an error), so nothing personal is left behind either way."""
    for application_id in plan.unsuccessful_application_ids + plan.funded_application_ids:
        application = db.session.get(Application, application_id)
        anonymise_application(application)
        record("application.anonymised", subject=application, reason="retention policy")
    for grant_id in plan.grant_ids:
        grant = db.session.get(Grant, grant_id)
        grant.acceptance_name = None
        grant.acceptance_role = None
        record("grant.anonymised", subject=grant, reason="retention policy")
    for document_id in plan.document_ids:
        document = db.session.get(Document, document_id)
        db.session.execute(db.delete(ApplicationDocument).where(ApplicationDocument.document_id == document.id))
        storage.delete(document.stored_name, upload_dir)
        db.session.delete(document)
    for account_id in plan.bank_account_ids:
        account = db.session.get(BankAccount, account_id)
        account.account_name = REMOVED_ACCOUNT_NAME
        account.sort_code, account.account_number = "000000", "00000000"
        account.verification_note = None
    if not plan.is_empty:
        record("retention.applied", policy=plan.policy.describe(), applications=plan.labels["applications"],
               grants=plan.labels["grants"], funded_applications=plan.labels["funded_applications"],
               documents=len(plan.document_ids), bank_accounts=len(plan.bank_account_ids))
    db.session.flush()


def anonymise_application(application: Application) -> None:
    """Remove the people and the narrative from an application, keeping what the money needs."""
    for name in NARRATIVE_FIELDS:
        setattr(application, name, None)
    for priority in application.priorities:
        priority.how = ""
    for clarification in _clarifications(application):
        if clarification.answer is not None:
            clarification.answer = REMOVED


def _unsuccessful_candidates() -> list[Application]:
    return list(db.session.scalars(
        select(Application).where(or_(Application.status.in_(UNSUCCESSFUL),
                                      Application.status == ApplicationStatus.DRAFT)).order_by(Application.id)))


def _unsuccessful_since(application: Application) -> datetime | None:
    """When the application's outcome was settled: the period runs from there."""
    status = application.status
    if status == ApplicationStatus.WITHDRAWN:
        return application.withdrawn_at or application.updated_at
    if status == ApplicationStatus.REJECTED:
        decision = db.session.scalar(select(Decision).where(Decision.application_id == application.id))
        return (decision.notified_at or decision.decided_at) if decision else application.updated_at
    if status == ApplicationStatus.INELIGIBLE:
        check = db.session.scalar(select(EligibilityCheck).where(EligibilityCheck.application_id == application.id))
        return check.checked_at if check else application.updated_at
    # A draft never submitted is unsuccessful once its round has closed.
    return db.session.get(Round, application.round_id).closes_at


def _grant_ended(grant: Grant) -> datetime | None:
    return grant.closed_at if grant.status == GrantStatus.CLOSED else (grant.status_changed_at or grant.closed_at)


def _holds_personal_data(application: Application) -> bool:
    if any(getattr(application, name) for name in NARRATIVE_FIELDS):
        return True
    if any(priority.how for priority in application.priorities):
        return True
    if any(c.answer not in (None, REMOVED) for c in _clarifications(application)):
        return True
    return db.session.scalar(select(Document.id).where(Document.application_id == application.id).limit(1)) is not None


def _clarifications(application: Application) -> list[Clarification]:
    return list(db.session.scalars(select(Clarification).where(Clarification.application_id == application.id)))


def _expired_bank_accounts(organisation_ids: set[int], expired_grant_ids: set[int]) -> list[int]:
    """Bank details of organisations whose every grant has expired: while one grant is within its
    period, the account it was paid to is part of that grant's record."""
    ids: list[int] = []
    for organisation_id in sorted(organisation_ids):
        grant_ids = set(db.session.scalars(select(Grant.id).where(Grant.organisation_id == organisation_id)))
        if not grant_ids <= expired_grant_ids:
            continue
        ids.extend(db.session.scalars(
            select(BankAccount.id).where(BankAccount.organisation_id == organisation_id,
                                         BankAccount.account_name != REMOVED_ACCOUNT_NAME).order_by(BankAccount.id)))
    return ids


def _application_label(application_id: int) -> str:
    application = db.session.get(Application, application_id)
    return application.reference or f"draft {application.id}"
