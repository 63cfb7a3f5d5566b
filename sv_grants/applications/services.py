"""Application rules: starting one, saving its sections without losing anyone's work, submitting
it once before the deadline, and withdrawing it.

Services take the acting user, check the rule, change state, write the audit event and flush;
the route commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from blinker import Namespace
from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from ..audit.services import record
from ..auth.models import User
from ..dates import clock, format_date
from ..extensions import db
from ..funds.models import Fund, Round
from ..organisations.models import Document, DocumentKind, Organisation
from .models import (
    Application,
    ApplicationDocument,
    ApplicationPriority,
    ApplicationSection,
    ApplicationStatus,
    BudgetLine,
    CostType,
    PlannedOutcome,
    PlannedOutput,
    SectionStatus,
)
from .sections import LABOUR_CATEGORIES, SECTIONS, SECTIONS_BY_KEY


class ApplicationError(Exception):
    """A rule stopped the change; the message is written for the applicant."""


class NotEditable(ApplicationError):
    pass


class DeadlineMissed(ApplicationError):
    pass


class AlreadySubmitted(ApplicationError):
    pass


class NotReady(ApplicationError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("Complete every section before you submit")
        self.problems = problems


class EditConflict(ApplicationError):
    """Someone else saved the section after this person opened it."""

    def __init__(self, section: ApplicationSection) -> None:
        super().__init__("This section was changed by someone else")
        self.section = section


# Later stages (assessment) listen here rather than being imported: applications come first.
signals = Namespace()
application_withdrawn = signals.signal("application-withdrawn")

REQUIRED_DOCUMENTS = (DocumentKind.CONSTITUTION, DocumentKind.ACCOUNTS, DocumentKind.SAFEGUARDING_POLICY)


def start_application(actor: User, organisation: Organisation, round_: Round,
                      eligibility: dict[str, Any]) -> Application:
    """A new draft with every section not started, carrying the eligibility answers."""
    if not round_.is_open(clock.now()):
        raise DeadlineMissed(f"{round_.name} is not open for applications")
    application = Application(round=round_, organisation=organisation, created_by_id=actor.id,
                              eligibility=eligibility, status=ApplicationStatus.DRAFT)
    application.sections = [ApplicationSection(key=section.key) for section in SECTIONS]
    if eligibility.get("start_date"):
        application.start_date = date.fromisoformat(eligibility["start_date"])
    if eligibility.get("priority_id"):
        application.priorities = [ApplicationPriority(priority_id=eligibility["priority_id"], is_primary=True)]
    db.session.add(application)
    db.session.flush()
    record("application.started", actor=actor, subject=application, organisation_id=organisation.id,
           round_id=round_.id)
    return application


def section_of(application: Application, key: str) -> ApplicationSection:
    return next(section for section in application.sections if section.key == key)


def _claim_section(actor: User, application: Application, key: str, seen_version: int,
                   complete: bool) -> None:
    """Take the section for this save, or raise EditConflict when someone saved it since
    ``seen_version`` was read. One conditional UPDATE decides, so it holds across processes."""
    if not application.is_draft:
        raise NotEditable("This application has been submitted and can no longer be changed")
    now = clock.now()
    status = SectionStatus.COMPLETED if complete else SectionStatus.IN_PROGRESS
    claimed = db.session.execute(
        update(ApplicationSection)
        .where(ApplicationSection.application_id == application.id, ApplicationSection.key == key,
               ApplicationSection.version == seen_version)
        .values(version=ApplicationSection.version + 1, status=status, updated_at=now,
                updated_by_id=actor.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    section = section_of(application, key)
    db.session.refresh(section)
    if not claimed:
        raise EditConflict(section)
    application.version_id += 1
    application.updated_at = now
    record("application.section_saved", actor=actor, subject=application, section=key,
           status=str(status), version=section.version)


def save_fields(actor: User, application: Application, key: str, seen_version: int, complete: bool,
                **values: Any) -> None:
    """Save a section held in the application's own columns."""
    allowed = set(SECTIONS_BY_KEY[key].fields)
    unknown = set(values) - allowed
    if unknown:
        raise ValueError(f"section {key} does not hold {sorted(unknown)}")
    _claim_section(actor, application, key, seen_version, complete)
    for name, value in values.items():
        setattr(application, name, value)
    if key == "declaration":
        application.declared_at = clock.now() if complete else None
        application.declared_by_id = actor.id if complete else None
    db.session.flush()


@dataclass
class PriorityAnswer:
    priority_id: int
    how: str


def save_priorities(actor: User, application: Application, seen_version: int, complete: bool,
                    answers: list[PriorityAnswer], primary_id: int | None) -> None:
    _claim_section(actor, application, "priorities", seen_version, complete)
    application.priorities.clear()
    db.session.flush()  # the old rows go before the new ones meet the one-primary index
    application.priorities.extend(
        ApplicationPriority(priority_id=answer.priority_id, how=answer.how,
                            is_primary=answer.priority_id == primary_id) for answer in answers)
    db.session.flush()


@dataclass
class LineAnswer:
    category: str
    description: str
    amount_pence: int


def save_budget(actor: User, application: Application, seen_version: int, complete: bool,
                lines: list[LineAnswer]) -> None:
    """Replace the budget; its total becomes the amount requested."""
    _claim_section(actor, application, "budget", seen_version, complete)
    application.budget_lines.clear()
    application.budget_lines.extend(
        BudgetLine(position=number, category=line.category, description=line.description,
                   amount_pence=line.amount_pence,
                   cost_type=CostType.LABOUR if line.category in LABOUR_CATEGORIES else CostType.NON_LABOUR)
        for number, line in enumerate(lines))
    application.requested_pence = sum(line.amount_pence for line in lines) or None
    db.session.flush()


@dataclass
class OutputAnswer:
    measure: str
    unit: str
    target: int
    priority_id: int


@dataclass
class OutcomeAnswer:
    indicator: str
    target: str


def save_outputs(actor: User, application: Application, seen_version: int, complete: bool,
                 outputs: list[OutputAnswer], outcomes: list[OutcomeAnswer]) -> None:
    _claim_section(actor, application, "outputs", seen_version, complete)
    application.outputs.clear()
    application.outcomes.clear()
    application.outputs.extend(PlannedOutput(position=n, measure=o.measure, unit=o.unit, target=o.target,
                                             priority_id=o.priority_id) for n, o in enumerate(outputs))
    application.outcomes.extend(PlannedOutcome(position=n, indicator=o.indicator, target=o.target)
                                for n, o in enumerate(outcomes))
    db.session.flush()


def attached(application: Application, kind: str) -> Document | None:
    return next((a.document for a in application.attachments if a.kind == kind), None)


def extra_documents(application: Application) -> list[Document]:
    return [a.document for a in application.attachments if a.kind == DocumentKind.OTHER]


def _attach(application: Application, kind: DocumentKind, document: Document | None) -> None:
    for attachment in [a for a in application.attachments if a.kind == kind]:
        application.attachments.remove(attachment)
    db.session.flush()
    if document is not None:
        _check_owner(application, document)
        application.attachments.append(ApplicationDocument(document=document, kind=kind))


def _check_owner(application: Application, document: Document) -> None:
    if document.organisation_id != application.organisation_id or document.removed_at is not None:
        raise ApplicationError("Select one of your organisation's documents")


def save_safeguarding(actor: User, application: Application, seen_version: int, complete: bool,
                      policy: Document | None, **values: Any) -> None:
    save_fields(actor, application, "safeguarding", seen_version, complete, **values)
    _attach(application, DocumentKind.SAFEGUARDING_POLICY, policy)
    db.session.flush()


def save_documents(actor: User, application: Application, seen_version: int, complete: bool,
                   constitution: Document | None, accounts: Document | None) -> None:
    _claim_section(actor, application, "documents", seen_version, complete)
    _attach(application, DocumentKind.CONSTITUTION, constitution)
    _attach(application, DocumentKind.ACCOUNTS, accounts)
    db.session.flush()


def add_extra_document(actor: User, application: Application, document: Document) -> None:
    """A file uploaded for this application only (it is already saved by the upload service)."""
    if not application.is_draft:
        raise NotEditable("This application has been submitted and can no longer be changed")
    _check_owner(application, document)
    application.attachments.append(ApplicationDocument(document=document, kind=DocumentKind.OTHER))
    record("application.document_added", actor=actor, subject=application, document_id=document.id)
    db.session.flush()


def remove_extra_document(actor: User, application: Application, document_id: int) -> None:
    if not application.is_draft:
        raise NotEditable("This application has been submitted and can no longer be changed")
    for attachment in application.attachments:
        if attachment.document_id == document_id and attachment.kind == DocumentKind.OTHER:
            application.attachments.remove(attachment)
            record("application.document_removed", actor=actor, subject=application, document_id=document_id)
    db.session.flush()


def submission_problems(application: Application, today: date) -> list[str]:
    """Why this draft cannot be submitted yet, in words for the applicant (empty when it can)."""
    problems = [f"Complete the section ‘{SECTIONS_BY_KEY[s.key].title}’" for s in
                sorted(application.sections, key=lambda s: [x.key for x in SECTIONS].index(s.key))
                if s.status != SectionStatus.COMPLETED]
    if not application.organisation.has_complete_profile:
        problems.append("Complete your organisation's details")
    round_ = application.round
    if application.requested_pence is not None and not (
            round_.min_award_pence <= application.requested_pence <= round_.max_award_pence):
        problems.append("The budget total must be within the round's limits")
    for kind in REQUIRED_DOCUMENTS:
        document = attached(application, kind)
        if document is not None and document.removed_at is not None:
            problems.append(f"The document chosen as your {DocumentKind(kind).label.lower()} has been removed: "
                            "choose another")
        elif document is not None and document.has_expired(today):
            problems.append(f"The document chosen as your {DocumentKind(kind).label.lower()} expired on "
                            f"{format_date(document.expires_on)}: upload a current one")
    return problems


def submit(actor: User, application: Application) -> Application:
    """Submit the draft once: a second attempt (a double click, a second tab) raises AlreadySubmitted.

    The status change is a conditional UPDATE, so of two simultaneous requests exactly one wins,
    and only the winner draws a reference number and sends the e-mails.
    """
    if not application.is_draft:
        raise AlreadySubmitted("This application has already been submitted")
    now = clock.now()
    problems = submission_problems(application, clock.today_in_london())
    if problems:
        raise NotReady(problems)
    round_ = application.round
    if not round_.is_open(now):
        raise DeadlineMissed("The deadline for this round has passed, so the application cannot be "
                             "submitted. Your draft has been kept.")
    reference = next_reference(round_.fund)
    won = db.session.execute(
        update(Application)
        .where(Application.id == application.id, Application.status == ApplicationStatus.DRAFT)
        .values(status=ApplicationStatus.SUBMITTED, reference=reference, submitted_at=now,
                submitted_by_id=actor.id, version_id=Application.version_id + 1, updated_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not won:
        raise AlreadySubmitted("This application has already been submitted")
    db.session.refresh(application)
    record("application.submitted", actor=actor, subject=application, reference=reference,
           requested_pence=application.requested_pence)
    db.session.flush()
    return application


def next_reference(fund: Fund) -> str:
    number = db.session.execute(
        update(Fund).where(Fund.id == fund.id)
        .values(applications_numbered=Fund.applications_numbered + 1)
        .returning(Fund.applications_numbered)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    years = fund.financial_year.replace("/", "")[-4:]  # "2024/25" -> "2425"
    return f"{fund.reference_code}-{years}-{number:04d}"


def withdraw(actor: User, application: Application, reason: str) -> None:
    application.move_to(ApplicationStatus.WITHDRAWN)
    application.withdrawn_at = clock.now()
    application.withdrawal_reason = reason
    application.version_id += 1
    record("application.withdrawn", actor=actor, subject=application, reason=reason)
    db.session.flush()
    application_withdrawn.send(application, actor=actor)


def applications_of(organisations: list[Organisation]) -> list[Application]:
    if not organisations:
        return []
    return list(db.session.scalars(
        select(Application).where(Application.organisation_id.in_([o.id for o in organisations]))
        .options(joinedload(Application.round), joinedload(Application.organisation))
        .order_by(Application.created_at.desc())
    ))


def open_rounds(now: datetime) -> list[Round]:
    return list(db.session.scalars(
        select(Round).where(Round.opens_at <= now, Round.closes_at > now).options(joinedload(Round.fund))
        .order_by(Round.closes_at)
    ))


def count_by_status(round_: Round) -> dict[str, int]:
    rows = db.session.execute(
        select(Application.status, func.count()).where(Application.round_id == round_.id)
        .group_by(Application.status)
    )
    return {status: count for status, count in rows}
