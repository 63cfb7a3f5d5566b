"""Due diligence before assessment: the officer's eligibility checklist and outcome, and the
questions the grants team asks the applicant while checking.

Services take the acting user, check the rule, change state, write the audit event and flush;
the route commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, update

from ..applications.models import Application, ApplicationStatus
from ..applications.services import attached
from ..audit.services import record
from ..auth.models import User
from ..dates import clock, format_date
from ..extensions import db
from ..funds.services import local_authority_areas
from ..money import gbp
from ..organisations.models import DocumentKind
from .models import CheckOutcome, Clarification, Decision, EligibilityCheck, Outcome


class CheckError(Exception):
    """A rule stopped the change; the message is written for the officer."""


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: str


CHECKLIST = (
    ChecklistItem("governing_document", "Governing document present"),
    ChecklistItem("registration_verified", "Registration verified against the number given"),
    ChecklistItem("accounts_recent", "Accounts no older than 18 months"),
    ChecklistItem("safeguarding_in_date", "Safeguarding policy present and in date"),
    ChecklistItem("amount_and_area_eligible", "Amount and area eligible"),
    ChecklistItem("no_duplicate_funding", "No duplicate funding"),
)
CHECKLIST_LABELS = {item.key: item.label for item in CHECKLIST}


def findings(application: Application, today: date) -> dict[str, str]:
    """What the system can tell the officer for each item; the officer still decides."""
    organisation = application.organisation
    round_ = application.round

    def document(kind: DocumentKind) -> str:
        found = attached(application, kind)
        if found is None:
            return "No file attached."
        state = f"{found.original_name}, uploaded {format_date(found.uploaded_at)}"
        if found.expires_on is not None:
            state += f", expires {format_date(found.expires_on)}" + (" (expired)" if found.expires_on < today else "")
        return state + "."

    numbers = [f"charity {organisation.charity_number}" if organisation.charity_number else "",
               f"company {organisation.company_number}" if organisation.company_number else ""]
    given = " and ".join(n for n in numbers if n) or "no registration number"
    amount = application.requested_pence or 0
    in_limits = round_.min_award_pence <= amount <= round_.max_award_pence
    area_codes = {area.code for area in local_authority_areas()}
    outside = [code for code in application.delivery_areas if code not in area_codes]
    others = db.session.scalars(
        select(Application).where(Application.organisation_id == organisation.id, Application.id != application.id,
                                  Application.status.notin_([ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN,
                                                             ApplicationStatus.INELIGIBLE,
                                                             ApplicationStatus.REJECTED]))
    ).all()
    return {
        "governing_document": document(DocumentKind.CONSTITUTION),
        "registration_verified": f"{organisation.legal_form_label}, {given}. Check it on the public register.",
        "accounts_recent": document(DocumentKind.ACCOUNTS),
        "safeguarding_in_date": document(DocumentKind.SAFEGUARDING_POLICY),
        "amount_and_area_eligible": (
            f"Asks for {gbp(amount)}; the round gives {gbp(round_.min_award_pence)} to "
            f"{gbp(round_.max_award_pence)}{'' if in_limits else ' (outside the limits)'}. "
            + ("Delivers only in the round's areas." if not outside else "Delivers outside the round's areas.")),
        "no_duplicate_funding": (
            "No other live application from this organisation." if not others else
            "Other live applications: " + ", ".join(f"{o.reference} ({o.status_enum.label})" for o in others) + "."),
    }


def check_of(application: Application) -> EligibilityCheck | None:
    return db.session.scalar(select(EligibilityCheck).where(EligibilityCheck.application_id == application.id))


def record_check(actor: User, application: Application, items: dict[str, bool], notes: str, outcome: CheckOutcome,
                 reason: str) -> EligibilityCheck:
    """Pass moves the application into assessment; fail marks it not eligible, with a reason the
    applicant reads. The status moves by a conditional UPDATE, so two officers cannot both decide."""
    if outcome == CheckOutcome.FAILED and not reason.strip():
        raise CheckError("Enter the reason the applicant will see")
    target = ApplicationStatus.IN_ASSESSMENT if outcome == CheckOutcome.PASSED else ApplicationStatus.INELIGIBLE
    moved = db.session.execute(
        update(Application).where(Application.id == application.id, Application.status == ApplicationStatus.SUBMITTED)
        .values(status=target, version_id=Application.version_id + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        raise CheckError("This application has already been checked")
    db.session.refresh(application)
    check = EligibilityCheck(application_id=application.id, items=items, notes=notes.strip(), outcome=outcome,
                             reason=reason.strip() if outcome == CheckOutcome.FAILED else "", checked_by_id=actor.id,
                             checked_at=clock.now())
    db.session.add(check)
    record("assessment.eligibility_checked", actor=actor, subject=application, outcome=outcome.value,
           items={key: bool(value) for key, value in items.items()})
    db.session.flush()
    return check


def clarifications_of(application: Application) -> list[Clarification]:
    return list(db.session.scalars(
        select(Clarification).where(Clarification.application_id == application.id).order_by(Clarification.id)))


def ask(actor: User, application: Application, question: str) -> Clarification:
    if application.status not in (ApplicationStatus.SUBMITTED, ApplicationStatus.IN_ASSESSMENT):
        raise CheckError("You can only ask about an application that is being checked or assessed")
    clarification = Clarification(application_id=application.id, question=question.strip(), asked_by_id=actor.id,
                                  asked_at=clock.now())
    db.session.add(clarification)
    db.session.flush()
    record("assessment.clarification_asked", actor=actor, subject=application, clarification_id=clarification.id)
    return clarification


def answer(actor: User, clarification: Clarification, text: str) -> None:
    """Answers are kept as given: a second answer to the same question is refused."""
    answered = db.session.execute(
        update(Clarification).where(Clarification.id == clarification.id, Clarification.answer.is_(None))
        .values(answer=text.strip(), answered_by_id=actor.id, answered_at=clock.now())
        .execution_options(synchronize_session=False)
    ).rowcount
    if answered != 1:
        raise CheckError("This question has already been answered")
    db.session.refresh(clarification)
    record("assessment.clarification_answered", actor=actor, subject=clarification.application,
           clarification_id=clarification.id)
    db.session.flush()


def published_decision(application: Application) -> Decision | None:
    """The decision the applicant has been told, even while the panel drafts a new one."""
    decision = db.session.scalar(select(Decision).where(Decision.application_id == application.id))
    return decision if decision is not None and decision.published_outcome is not None else None


def applicant_outcome(application: Application) -> tuple[str, str] | None:
    """(title, what the applicant reads) for a checked or decided application, or None."""
    if application.status == ApplicationStatus.INELIGIBLE:
        check = check_of(application)
        return ("Your application is not eligible", check.reason if check else "")
    decision = published_decision(application)
    if decision is None:
        return None
    titles = {Outcome.APPROVED: "Your application has been approved",
              Outcome.REJECTED: "Your application has not been funded",
              Outcome.RESERVE: "Your application is on the reserve list"}
    return (titles[decision.published_outcome_enum], decision.published_feedback)
