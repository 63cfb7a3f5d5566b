"""Which returns need someone: the organisation's open ones, and those an officer must chase or review."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ..extensions import db
from ..grants.models import Grant, GrantStatus
from .models import MonitoringReturn, ReturnStatus

LIVE = (GrantStatus.ACCEPTED, GrantStatus.ACTIVE, GrantStatus.SUSPENDED)
# Not submitted: the organisation still owes these.
OWED = (ReturnStatus.NOT_STARTED, ReturnStatus.DRAFT, ReturnStatus.CHANGES_REQUESTED)


def open_returns(grant: Grant, today: date) -> list[MonitoringReturn]:
    """Returns the organisation can work on now: owed, and open (see ``MonitoringReturn.opens_on``)."""
    owed = db.session.scalars(
        select(MonitoringReturn).where(MonitoringReturn.grant_id == grant.id, MonitoringReturn.status.in_(OWED),
                                       MonitoringReturn.period_start <= today)
        .order_by(MonitoringReturn.number))
    return [monitoring_return for monitoring_return in owed if monitoring_return.opens_on <= today]


def overdue_returns(today: date) -> list[MonitoringReturn]:
    return list(db.session.scalars(
        select(MonitoringReturn).join(Grant)
        .where(Grant.status.in_(LIVE), MonitoringReturn.status.in_(OWED), MonitoringReturn.due_on < today)
        .order_by(MonitoringReturn.due_on, MonitoringReturn.id)))


def awaiting_review() -> list[MonitoringReturn]:
    return list(db.session.scalars(
        select(MonitoringReturn).join(Grant)
        .where(Grant.status.in_(LIVE), MonitoringReturn.status == ReturnStatus.SUBMITTED)
        .order_by(MonitoringReturn.submitted_at, MonitoringReturn.id)))
