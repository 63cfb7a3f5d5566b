"""Variations: changes to a grant's award, end date or output targets over its life. Requested by
the organisation or raised by an officer, they change nothing until a grants officer approves them
with a reason; the before and after are kept on the variation and in the audit log."""

from __future__ import annotations

from datetime import date

from ..assessment.decisions import BudgetExceeded, change_commitment
from ..audit.services import record
from ..auth.models import Role, User
from ..dates import clock
from ..extensions import db
from ..money import gbp
from .models import UNPAID, Grant, GrantStatus, InstalmentStatus, Variation, VariationKind, VariationStatus
from .schedule import quarterly_count
from .services import GrantError, grant_dates_changed

VARIABLE = (GrantStatus.OFFERED, GrantStatus.ACCEPTED, GrantStatus.ACTIVE, GrantStatus.SUSPENDED)


def current_terms(grant: Grant, kind: VariationKind) -> dict:
    if kind == VariationKind.AMOUNT:
        return {"awarded_pence": grant.awarded_pence}
    if kind == VariationKind.END_DATE:
        return {"end_date": grant.end_date.isoformat()}
    return {"targets": {str(output.id): output.target for output in grant.application.outputs}}


def request_variation(actor: User, grant: Grant, kind: VariationKind, after: dict, reason: str) -> Variation:
    reason = (reason or "").strip()
    if not reason:
        raise GrantError("Enter the reason for the change", "reason")
    if grant.status not in VARIABLE:
        raise GrantError("A closed or withdrawn grant cannot be varied")
    _check(grant, kind, after)
    if after == current_terms(grant, kind):
        raise GrantError("The new value is the same as the current one")
    variation = Variation(grant_id=grant.id, kind=kind, before=current_terms(grant, kind), after=after, reason=reason,
                          requested_by_id=actor.id, requested_at=clock.now())
    db.session.add(variation)
    db.session.flush()
    record("grant.variation_requested", actor=actor, subject=grant, variation=variation.id, kind=kind.value,
           before=variation.before, after=after, reason=reason)
    return variation


def _check(grant: Grant, kind: VariationKind, after: dict) -> None:
    if kind == VariationKind.AMOUNT:
        amount = after.get("awarded_pence")
        if not isinstance(amount, int) or amount < grant.paid_pence or amount <= 0:
            raise GrantError(f"The new award must be more than £0 and at least the {gbp(grant.paid_pence, True)} "
                             "already paid", "awarded")
    elif kind == VariationKind.END_DATE:
        end = date.fromisoformat(after["end_date"])
        if end <= grant.start_date:
            raise GrantError("The new end date must be after the grant's start date", "end_date")
        quarters = quarterly_count(grant.start_date, end)
        for instalment in grant.instalments:
            if instalment.status in UNPAID and (instalment.after_return or 0) > quarters:
                raise GrantError(f"Instalment {instalment.sequence} waits for quarterly return "
                                 f"{instalment.after_return}, but the new dates give only {quarters}: change the "
                                 "payment schedule first", "end_date")
    else:
        mine = {str(output.id) for output in grant.application.outputs}
        targets = after.get("targets", {})
        if set(targets) - mine:
            raise GrantError("One of the outputs does not belong to this grant", "targets")
        if any(not isinstance(value, int) or value <= 0 for value in targets.values()):
            raise GrantError("Each target must be a whole number more than 0", "targets")


def decide_variation(actor: User, variation: Variation, approve: bool, reason: str) -> None:
    if not actor.has_role(Role.GRANTS_OFFICER):
        raise GrantError("Only a grants officer can approve a variation")
    reason = (reason or "").strip()
    if not reason:
        raise GrantError("Enter the reason for your decision", "decision_reason")
    if variation.status != VariationStatus.REQUESTED:
        raise GrantError("This variation has already been decided")
    grant = variation.grant
    if approve:
        if grant.status not in VARIABLE:
            raise GrantError("A closed or withdrawn grant cannot be varied")
        if variation.before != current_terms(grant, variation.kind_enum):
            raise GrantError("The grant has changed since this variation was requested: ask for a new one")
        _apply(actor, grant, variation)
    variation.status = VariationStatus.APPROVED if approve else VariationStatus.REFUSED
    variation.decided_by_id = actor.id
    variation.decided_at = clock.now()
    variation.decision_reason = reason
    db.session.flush()
    record("grant.variation_approved" if approve else "grant.variation_refused", actor=actor, subject=grant,
           variation=variation.id, kind=variation.kind, before=variation.before, after=variation.after, reason=reason)


def _apply(actor: User, grant: Grant, variation: Variation) -> None:
    kind = variation.kind_enum
    if kind == VariationKind.AMOUNT:
        new = variation.after["awarded_pence"]
        _reschedule(grant, new - grant.awarded_pence)
        try:
            change_commitment(grant.fund_id, new - grant.awarded_pence)
        except BudgetExceeded as problem:
            raise GrantError(str(problem)) from None
        grant.awarded_pence = new
    elif kind == VariationKind.END_DATE:
        grant.end_date = date.fromisoformat(variation.after["end_date"])
        db.session.flush()
        grant_dates_changed.send(grant, actor=actor)
    else:
        for output in grant.application.outputs:
            if str(output.id) in variation.after["targets"]:
                output.target = variation.after["targets"][str(output.id)]
        db.session.flush()


def _reschedule(grant: Grant, delta: int) -> None:
    """Put an increase on the last unpaid instalment; take a decrease from unpaid ones, last first."""
    unpaid = [i for i in grant.instalments if i.status in (InstalmentStatus.SCHEDULED, InstalmentStatus.DUE,
                                                           InstalmentStatus.ON_HOLD)]
    if delta > 0:
        if not unpaid:
            raise GrantError("Every instalment has been paid or approved: there is none to add the increase to")
        unpaid[-1].amount_pence += delta
        return
    cut = -delta
    for instalment in reversed(unpaid):
        take = min(cut, instalment.amount_pence)
        instalment.amount_pence -= take
        cut -= take
        if instalment.amount_pence == 0:
            instalment.amount_pence = take  # CHECK amount > 0: keep the amount, cancel the instalment
            instalment.status = InstalmentStatus.CANCELLED
        if cut == 0:
            break
    if cut:
        raise GrantError("Approved payments cover more than the new award: take them out of the payment run first")


def pending(grant: Grant) -> list[Variation]:
    return [v for v in grant.variations if v.status == VariationStatus.REQUESTED]

