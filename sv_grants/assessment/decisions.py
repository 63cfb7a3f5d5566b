"""Moderated scores, the panel's decisions, the budget they commit, and telling applicants.

The fund can never be over-committed: an approval adds its award to ``funds.committed_pence``
with one conditional UPDATE (``… WHERE committed_pence + award <= total_pence``), so of two
officers approving at the same moment only the awards that fit succeed, on SQLite and on
PostgreSQL alike, and the table's CHECK constraint backs it up.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, update

from ..applications.models import Application, ApplicationStatus
from ..applications.services import application_withdrawn
from ..audit.services import record
from ..auth.models import User
from ..dates import clock
from ..extensions import db
from ..funds.models import Fund
from ..money import gbp
from .models import Decision, Moderation, Outcome
from .results import result_for

DECIDABLE = (ApplicationStatus.IN_ASSESSMENT, ApplicationStatus.RESERVE)


class DecisionError(Exception):
    """A rule stopped the decision; the message is written for the officer."""


class BudgetExceeded(DecisionError):
    def __init__(self, remaining_pence: int, award_pence: int) -> None:
        super().__init__(f"There is not enough left in the fund: {gbp(remaining_pence, True)} remains, "
                         f"and this award needs {gbp(award_pence, True)}")
        self.remaining_pence = remaining_pence


def moderate(actor: User, application: Application, score_tenths: int, reason: str) -> Moderation:
    if application.status not in DECIDABLE:
        raise DecisionError("Only an application being assessed can be moderated")
    if not result_for(application).is_assessed:
        raise DecisionError("No reviewer has submitted scores yet, so there is nothing to moderate")
    moderation = Moderation(application_id=application.id, score_tenths=score_tenths, reason=reason.strip(),
                            moderated_by_id=actor.id, moderated_at=clock.now())
    db.session.add(moderation)
    db.session.flush()
    record("assessment.moderated", actor=actor, subject=application, score_tenths=score_tenths,
           reason=reason.strip())
    return moderation


def decision_of(application: Application, lock: bool = False) -> Decision | None:
    statement = select(Decision).where(Decision.application_id == application.id)
    return db.session.scalar(statement.with_for_update() if lock else statement)


def change_commitment(fund_id: int, delta_pence: int) -> None:
    """Add to (or, negative, release from) the fund's committed total, refusing to pass the pot."""
    if delta_pence == 0:
        return
    changed = db.session.execute(
        update(Fund).where(Fund.id == fund_id, Fund.committed_pence + delta_pence <= Fund.total_pence,
                           Fund.committed_pence + delta_pence >= 0)
        .values(committed_pence=Fund.committed_pence + delta_pence)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        fund = db.session.get(Fund, fund_id)
        db.session.refresh(fund)
        raise BudgetExceeded(fund.remaining_pence, delta_pence)


def decide(actor: User, application: Application, outcome: Outcome, awarded_pence: int | None, conditions: str,
           feedback: str, panel_date: date) -> Decision:
    """Record (or, until applicants are told, change) the panel's decision."""
    # Read now: an actor expired by an earlier commit would reload on first use, and that query's
    # autoflush would send the half-made decision without who made it.
    actor_id = actor.id
    if application.status not in DECIDABLE:
        raise DecisionError("Only an application being assessed, or on the reserve list, can be decided")
    if not result_for(application).is_assessed:
        raise DecisionError("This application has not been assessed yet: no reviewer has submitted scores")
    decision = decision_of(application, lock=True)
    if decision is not None and not decision.is_draft and application.status != ApplicationStatus.RESERVE:
        raise DecisionError("The applicant has already been told this decision, so it cannot be changed")
    if outcome == Outcome.APPROVED:
        if awarded_pence is None or awarded_pence < 100:
            raise DecisionError("The award must be at least £1")
        if awarded_pence > (application.requested_pence or 0):
            raise DecisionError(f"The award cannot be more than the {gbp(application.requested_pence, True)} requested")
    else:
        awarded_pence = None
    previous = decision.awarded_pence if decision is not None and decision.outcome == Outcome.APPROVED else 0
    change_commitment(application.round.fund_id, (awarded_pence or 0) - previous)
    if decision is None:
        decision = Decision(application_id=application.id)
        db.session.add(decision)
    decision.outcome = outcome
    decision.awarded_pence = awarded_pence
    decision.conditions = conditions.strip() if outcome == Outcome.APPROVED else ""
    decision.feedback = feedback.strip()
    decision.panel_date = panel_date
    decision.decided_by_id = actor_id
    decision.decided_at = clock.now()
    decision.notified_at = None
    decision.notified_by_id = None
    db.session.flush()  # the unique application_id refuses a second decision made at the same moment
    record("assessment.decided", actor=actor, subject=application, outcome=outcome.value,
           awarded_pence=awarded_pence, previous_award_pence=previous or None)
    return decision


STATUS_FOR = {Outcome.APPROVED: ApplicationStatus.APPROVED, Outcome.REJECTED: ApplicationStatus.REJECTED,
              Outcome.RESERVE: ApplicationStatus.RESERVE}


def draft_decisions(round_id: int) -> list[Decision]:
    return list(db.session.scalars(
        select(Decision).join(Application)
        .where(Application.round_id == round_id, Decision.notified_at.is_(None))
        .order_by(Application.reference)))


def notify(actor: User, decisions: list[Decision]) -> list[Decision]:
    """Publish draft decisions: each application takes its outcome's status and the applicant can
    read it. A decision published by someone else in the meantime is skipped, never sent twice."""
    published = []
    for decision in decisions:
        claimed = db.session.execute(
            update(Decision).where(Decision.id == decision.id, Decision.notified_at.is_(None))
            .values(notified_at=clock.now(), notified_by_id=actor.id).execution_options(synchronize_session=False)
        ).rowcount
        if claimed != 1:
            continue
        db.session.refresh(decision)
        decision.published_outcome = decision.outcome
        decision.published_awarded_pence = decision.awarded_pence
        decision.published_conditions = decision.conditions
        decision.published_feedback = decision.feedback
        application = decision.application
        target = STATUS_FOR[decision.outcome_enum]
        if application.status != target:
            application.move_to(target)
            application.version_id += 1
        record("assessment.decision_notified", actor=actor, subject=application, outcome=decision.outcome)
        published.append(decision)
    db.session.flush()
    return published


@application_withdrawn.connect
def _release_on_withdrawal(application: Application, actor: User | None = None, **_: object) -> None:
    """A withdrawn application gives back an approval the applicant had not yet been told of."""
    decision = decision_of(application)
    if decision is None:
        return
    if decision.outcome == Outcome.APPROVED and decision.awarded_pence:
        change_commitment(application.round.fund_id, -decision.awarded_pence)
    record("assessment.decision_cancelled", actor=actor, subject=application, outcome=decision.outcome,
           reason="application withdrawn")
    db.session.delete(decision)
    db.session.flush()
