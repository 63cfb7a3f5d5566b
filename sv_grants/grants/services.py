"""Offers, acceptance, the payment schedule and the grant's life: suspension, withdrawal and
closure. Payments are in ``payments.py`` and variations in ``variations.py``.

Every amount released goes back to the fund through ``change_commitment``, the one conditional
UPDATE that keeps the fund's ledger right under concurrency.
"""

from __future__ import annotations

from datetime import date, timedelta

from blinker import Namespace
from flask import current_app
from sqlalchemy import ColumnElement, and_, select, update

from ..applications.models import Application, ApplicationStatus
from ..assessment.decisions import change_commitment, decision_of
from ..assessment.models import Outcome
from ..audit.services import record
from ..auth.models import User
from ..dates import clock
from ..extensions import db
from ..money import gbp
from .models import GRANT_TRANSITIONS, UNPAID, Grant, GrantStatus, Instalment, InstalmentStatus, Trigger
from .schedule import PlannedInstalment, default_instalments, quarterly_count

signals = Namespace()
# Sent with the grant once accepted: monitoring schedules its returns.
grant_accepted = signals.signal("grant-accepted")
# Sent when an approved variation moves the end date: monitoring re-plans returns not yet started.
grant_dates_changed = signals.signal("grant-dates-changed")


class GrantError(Exception):
    """A rule stopped the change; the message is written for the person who tried."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def grant_for_application(application_id: int) -> Grant | None:
    return db.session.scalar(select(Grant).where(Grant.application_id == application_id))


def grants_for_applications(application_ids: list[int]) -> dict[int, Grant]:
    """Each application's grant, for those that have one, in one query."""
    return {grant.application_id: grant for grant in db.session.scalars(
        select(Grant).where(Grant.application_id.in_(application_ids)))}


def grant_reference(application: Application) -> str:
    return f"GR-{application.reference}"


def offer_period_days() -> int:
    return int(current_app.config.get("OFFER_ACCEPTANCE_DAYS", 30))


def make_offer(actor: User, application: Application, start_date: date, end_date: date) -> Grant:
    """Turn an approved, notified application into a grant offer with the default schedule."""
    decision = decision_of(application)
    if (application.status != ApplicationStatus.APPROVED or decision is None or decision.is_draft
            or decision.outcome != Outcome.APPROVED):
        raise GrantError("Only an approved application whose applicant has been told can be offered a grant")
    if grant_for_application(application.id) is not None:
        raise GrantError("An offer has already been made for this application")
    if end_date <= start_date:
        raise GrantError("The end date must be after the start date", "end_date")
    award = decision.awarded_pence or 0
    grant = Grant(reference=grant_reference(application), application_id=application.id,
                  fund_id=application.round.fund_id, organisation_id=application.organisation_id,
                  awarded_pence=award, purpose=application.summary or "", conditions=decision.conditions or "",
                  start_date=start_date, end_date=end_date, approved_by_id=decision.decided_by_id,
                  offered_by_id=actor.id, offered_at=clock.now(),
                  accept_by=clock.today_in_london() + timedelta(days=offer_period_days()))
    db.session.add(grant)
    _schedule(grant, default_instalments(award, quarterly_count(start_date, end_date)))
    db.session.flush()  # the unique application_id refuses a second offer made at the same moment
    record("grant.offered", actor=actor, subject=grant, application=application.reference, awarded_pence=award,
           start_date=start_date.isoformat(), end_date=end_date.isoformat())
    return grant


def _schedule(grant: Grant, plan: list[PlannedInstalment]) -> None:
    for sequence, planned in enumerate(plan, start=1):
        grant.instalments.append(Instalment(sequence=sequence, amount_pence=planned.amount_pence,
                                            trigger=planned.trigger, after_return=planned.after_return))


def replace_schedule(actor: User, grant: Grant, plan: list[PlannedInstalment]) -> None:
    """Officers may reshape the instalments until the offer is accepted; they must add up to the award."""
    if grant.status != GrantStatus.OFFERED:
        raise GrantError("The payment schedule can only be changed before the offer is accepted")
    if not plan:
        raise GrantError("Add at least one instalment")
    if any(planned.amount_pence <= 0 for planned in plan):
        raise GrantError("Each instalment must be more than £0")
    total = sum(planned.amount_pence for planned in plan)
    if total != grant.awarded_pence:
        gap = grant.awarded_pence - total
        side = "short of" if gap > 0 else "more than"
        raise GrantError(f"The instalments add up to {gbp(total, True)}, which is {gbp(abs(gap), True)} {side} "
                         f"the {gbp(grant.awarded_pence, True)} award")
    quarters = quarterly_count(grant.start_date, grant.end_date)
    for planned in plan:
        if planned.trigger == Trigger.AFTER_RETURN and not 1 <= (planned.after_return or 0) <= quarters:
            raise GrantError(f"This grant has {quarters} quarterly returns: choose a return from 1 to {quarters}")
    before = [(i.amount_pence, i.trigger, i.after_return) for i in grant.instalments]
    grant.instalments.clear()
    db.session.flush()
    _schedule(grant, plan)
    db.session.flush()
    record("grant.schedule_changed", actor=actor, subject=grant, before=before,
           after=[(p.amount_pence, p.trigger, p.after_return) for p in plan])


def _claim_status(grant: Grant, from_status: GrantStatus, to_status: GrantStatus) -> bool:
    """Move the grant's status only if nobody else has moved it first."""
    if to_status not in GRANT_TRANSITIONS[from_status]:
        return False
    changed = db.session.execute(
        update(Grant).where(Grant.id == grant.id, Grant.status == from_status)
        .values(status=to_status, status_changed_at=clock.now()).execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(grant)
    return changed == 1


def accept_offer(actor: User, grant: Grant, name: str, role: str) -> None:
    if grant.status != GrantStatus.OFFERED or not _claim_status(grant, GrantStatus.OFFERED, GrantStatus.ACCEPTED):
        if grant.accepted_at is not None:
            raise GrantError("This offer has already been accepted")
        raise GrantError("This offer can no longer be accepted: it has been withdrawn")
    grant.accepted_at = clock.now()
    grant.accepted_by_id = actor.id
    grant.acceptance_name = " ".join(name.split())
    grant.acceptance_role = " ".join(role.split())
    release_instalments(grant, Trigger.ON_ACCEPTANCE)
    db.session.flush()
    record("grant.accepted", actor=actor, subject=grant, name=grant.acceptance_name, role=grant.acceptance_role)
    grant_accepted.send(grant, actor=actor)


def release_instalments(grant: Grant, trigger: Trigger, after_return: int | None = None) -> list[Instalment]:
    """Make the instalments waiting on ``trigger`` due. A held one stays held, due once released."""
    released = []
    for instalment in grant.instalments:
        waiting = instalment.trigger == trigger and (trigger != Trigger.AFTER_RETURN
                                                     or instalment.after_return == after_return)
        if not waiting:
            continue
        if instalment.status == InstalmentStatus.SCHEDULED:
            instalment.status = InstalmentStatus.DUE
        elif instalment.status == InstalmentStatus.ON_HOLD and instalment.held_status == InstalmentStatus.SCHEDULED:
            instalment.held_status = InstalmentStatus.DUE
        else:
            continue
        instalment.due_on = clock.today_in_london()
        released.append(instalment)
    db.session.flush()
    return released


def reporting_completed(actor: User, grant: Grant) -> None:
    """The final return was accepted: the last instalment falls due and the grant can be closed."""
    grant.reporting_complete_at = clock.now()
    release_instalments(grant, Trigger.FINAL_RETURN)
    record("grant.reporting_completed", actor=actor, subject=grant)


def _cancel_unpaid(grant: Grant) -> int:
    cancelled = 0
    for instalment in grant.instalments:
        if instalment.status in UNPAID:
            instalment.status = InstalmentStatus.CANCELLED
            instalment.held_status = None
            cancelled += instalment.amount_pence
    return cancelled


def withdraw(actor: User, grant: Grant, reason: str) -> int:
    """Withdraw an offer or a grant: unpaid instalments are cancelled and what was not paid goes back
    to the fund. Returns the amount released."""
    reason = (reason or "").strip()
    if not reason:
        raise GrantError("Enter the reason for withdrawing the grant", "reason")
    status = grant.status_enum
    if any(i.status == InstalmentStatus.APPROVED for i in grant.instalments):
        raise GrantError("An instalment has been approved for payment: finance must pay it or take it out of the "
                         "payment run first")
    if status not in (GrantStatus.OFFERED, GrantStatus.ACCEPTED, GrantStatus.ACTIVE, GrantStatus.SUSPENDED) \
            or not _claim_status(grant, status, GrantStatus.WITHDRAWN):
        raise GrantError("This grant has already been closed or withdrawn")
    _cancel_unpaid(grant)
    released = grant.awarded_pence - grant.paid_pence
    change_commitment(grant.fund_id, -released)
    grant.status_reason = reason
    db.session.flush()
    record("grant.withdrawn", actor=actor, subject=grant, reason=reason, released_pence=released,
           was=status.value)
    return released


def suspend(actor: User, grant: Grant, reason: str) -> None:
    reason = (reason or "").strip()
    if not reason:
        raise GrantError("Enter the reason for suspending the grant", "reason")
    status = grant.status_enum
    if status not in (GrantStatus.ACCEPTED, GrantStatus.ACTIVE) or not _claim_status(grant, status,
                                                                                        GrantStatus.SUSPENDED):
        raise GrantError("Only an accepted or active grant can be suspended")
    grant.status_reason = reason
    db.session.flush()
    record("grant.suspended", actor=actor, subject=grant, reason=reason)


def resume(actor: User, grant: Grant, reason: str) -> None:
    target = GrantStatus.ACTIVE if grant.paid_pence > 0 else GrantStatus.ACCEPTED
    if grant.status != GrantStatus.SUSPENDED or not _claim_status(grant, GrantStatus.SUSPENDED, target):
        raise GrantError("Only a suspended grant can be resumed")
    grant.status_reason = (reason or "").strip() or None
    db.session.flush()
    record("grant.resumed", actor=actor, subject=grant, reason=grant.status_reason)


def close(actor: User, grant: Grant, clawback_pence: int, clawback_reason: str) -> int:
    """Close a grant whose final return is accepted. Anything not paid is underspend, released to
    the fund; money paid that should come back is recorded as clawback owed. Returns the underspend."""
    if grant.status not in (GrantStatus.ACCEPTED, GrantStatus.ACTIVE):
        raise GrantError("Only an accepted or active grant can be closed")
    if grant.reporting_complete_at is None:
        raise GrantError("The grant can be closed once its final return has been accepted")
    if any(i.status in (InstalmentStatus.APPROVED, InstalmentStatus.ON_HOLD) for i in grant.instalments):
        raise GrantError("An instalment is approved or on hold: pay it or let finance clear it before closing")
    if clawback_pence < 0 or clawback_pence > grant.paid_pence:
        raise GrantError(f"Clawback must be between £0 and the {gbp(grant.paid_pence, True)} paid", "clawback")
    clawback_reason = (clawback_reason or "").strip()
    if clawback_pence and not clawback_reason:
        raise GrantError("Enter the reason for the clawback", "clawback_reason")
    if not _claim_status(grant, grant.status_enum, GrantStatus.CLOSED):
        raise GrantError("This grant has just been changed by someone else: check it and try again")
    _cancel_unpaid(grant)
    underspend = grant.awarded_pence - grant.paid_pence
    change_commitment(grant.fund_id, -underspend)
    grant.underspend_pence = underspend
    grant.clawback_pence = clawback_pence
    grant.clawback_reason = clawback_reason or None
    grant.closed_at = clock.now()
    db.session.flush()
    record("grant.closed", actor=actor, subject=grant, underspend_pence=underspend, clawback_pence=clawback_pence,
           clawback_reason=clawback_reason or None)
    return underspend


def is_overdue_offer(today: date) -> ColumnElement[bool]:
    """Offered and not accepted by its accept-by date (that day itself still counts as in time)."""
    return and_(Grant.status == GrantStatus.OFFERED, Grant.accept_by < today)
