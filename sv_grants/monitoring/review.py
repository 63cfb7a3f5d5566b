"""A grants officer's review of a submitted return: accept it, or send it back with comments.

Accepting quarterly return N makes the instalment waiting on it due; accepting the final return
completes the grant's reporting (its last instalment falls due and it can be closed). Both moves
are conditional UPDATEs from "submitted", so two officers cannot accept the same return twice.
"""

from __future__ import annotations

from sqlalchemy import select, update

from ..audit.services import record
from ..auth.models import User
from ..dates import clock
from ..extensions import db
from ..grants import services as grant_services
from ..grants.models import Trigger
from .models import MonitoringReturn, ReturnKind, ReturnStatus
from .permissions import can_review_returns
from .services import ReturnError

NOT_SUBMITTED = "This return has already been reviewed, or has not been submitted"


def _move(actor: User, monitoring_return: MonitoringReturn, to_status: ReturnStatus, comment: str | None) -> None:
    if not can_review_returns(actor, monitoring_return.grant):
        raise ReturnError("Only a grants officer can review returns")
    if not monitoring_return.grant.is_live:
        raise ReturnError("This grant is closed or withdrawn, so its returns cannot be reviewed")
    moved = db.session.execute(
        update(MonitoringReturn)
        .where(MonitoringReturn.id == monitoring_return.id, MonitoringReturn.status == ReturnStatus.SUBMITTED)
        .values(status=to_status, reviewed_at=clock.now(), reviewed_by_id=actor.id, reviewer_comment=comment,
                updated_at=clock.now())
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        raise ReturnError(NOT_SUBMITTED)
    db.session.refresh(monitoring_return)


def outstanding_quarterly(monitoring_return: MonitoringReturn) -> list[MonitoringReturn]:
    return list(db.session.scalars(
        select(MonitoringReturn).where(MonitoringReturn.grant_id == monitoring_return.grant_id,
                                       MonitoringReturn.kind == ReturnKind.QUARTERLY,
                                       MonitoringReturn.status != ReturnStatus.ACCEPTED)
        .order_by(MonitoringReturn.number)))


def accept(actor: User, monitoring_return: MonitoringReturn, comment: str = "") -> None:
    """Accept a submitted return and lock it. The final return is accepted last, once every
    quarterly one has been, because accepting it lets the grant close."""
    if monitoring_return.status != ReturnStatus.SUBMITTED:
        raise ReturnError(NOT_SUBMITTED)
    if monitoring_return.is_final and outstanding_quarterly(monitoring_return):
        waiting = ", ".join(r.title for r in outstanding_quarterly(monitoring_return))
        raise ReturnError(f"Accept every quarterly return before the final return. Still to accept: {waiting}")
    _move(actor, monitoring_return, ReturnStatus.ACCEPTED, (comment or "").strip() or None)
    grant = monitoring_return.grant
    if monitoring_return.is_final:
        grant_services.reporting_completed(actor, grant)
        released = [i.sequence for i in grant.instalments if i.trigger == Trigger.FINAL_RETURN]
    else:
        released = [i.sequence for i in grant_services.release_instalments(grant, Trigger.AFTER_RETURN,
                                                                          monitoring_return.number)]
    db.session.flush()
    record("return.accepted", actor=actor, subject=monitoring_return, grant=grant.reference,
           number=monitoring_return.number, instalments_released=released)


def request_changes(actor: User, monitoring_return: MonitoringReturn, comment: str) -> None:
    """Send a submitted return back to the organisation, saying what to change."""
    comment = (comment or "").strip()
    if not comment:
        raise ReturnError("Enter what the organisation needs to change", "comment")
    _move(actor, monitoring_return, ReturnStatus.CHANGES_REQUESTED, comment)
    db.session.flush()
    record("return.changes_requested", actor=actor, subject=monitoring_return,
           grant=monitoring_return.grant.reference, number=monitoring_return.number, comment=comment)
