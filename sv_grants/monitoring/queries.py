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


def open_returns_of(grants: list[Grant], today: date) -> dict[int, list[MonitoringReturn]]:
    """Returns the organisation can work on now: owed, and open (see ``MonitoringReturn.opens_on``),
    for many grants in one query, by grant id (grants with none left out)."""
    owed = db.session.scalars(
        select(MonitoringReturn).where(MonitoringReturn.grant_id.in_([grant.id for grant in grants]),
                                       MonitoringReturn.status.in_(OWED), MonitoringReturn.period_start <= today)
        .order_by(MonitoringReturn.grant_id, MonitoringReturn.number))
    found: dict[int, list[MonitoringReturn]] = {}
    for monitoring_return in owed:
        if monitoring_return.opens_on <= today:
            found.setdefault(monitoring_return.grant_id, []).append(monitoring_return)
    return found


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
