"""Which returns need someone: the organisation's open ones, and those an officer must chase or review."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, exists, func, or_, select, true
from sqlalchemy.orm import aliased, contains_eager

from ..applications.models import Application
from ..assessment.models import Assignment, Declaration
from ..auth.models import User
from ..extensions import db
from ..grants.models import Grant, GrantStatus
from ..organisations.models import Organisation
from .models import MonitoringReturn, ReturnStatus

LIVE = (GrantStatus.ACCEPTED, GrantStatus.ACTIVE, GrantStatus.SUSPENDED)
# Not submitted: the organisation still owes these.
OWED = (ReturnStatus.NOT_STARTED, ReturnStatus.DRAFT, ReturnStatus.CHANGES_REQUESTED)
AWAITING = MonitoringReturn.status == ReturnStatus.SUBMITTED


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


def is_overdue(today: date) -> ColumnElement[bool]:
    return MonitoringReturn.status.in_(OWED) & (MonitoringReturn.due_on < today)


# An officer's lists, a page at a time -----------------------------------------------------------

def reviewable_by(officer: User) -> ColumnElement[bool]:
    """``permissions.can_review_returns`` as SQL, for a query joining ``Grant``: not a grant to an
    organisation the officer has declared an interest in (assessment's ``has_declared_interest``,
    the one rule in ``staff_exclusions``; a grant's organisation is its application's, copied at the
    offer). A new exclusion rule must be added here too, or the list would offer returns whose pages
    answer 404: a test fails when one is registered."""
    conflicted = aliased(Application)
    return ~exists().where(
        Assignment.reviewer_id == officer.id, Assignment.declaration == Declaration.CONFLICTED,
        Assignment.application_id == conflicted.id, conflicted.organisation_id == Grant.organisation_id,
    ).correlate(Grant)


def _visible(officer: User | None) -> ColumnElement[bool]:
    """``None`` is no one signed in (a test's or a job's request), who has declared no interests."""
    return true() if officer is None else reviewable_by(officer)


def officer_counts(officer: User | None, today: date) -> tuple[int, int]:
    """How many returns are waiting for the officer's review, and how many are overdue, in one query."""
    awaiting, overdue = db.session.execute(
        select(func.count().filter(AWAITING), func.count().filter(is_overdue(today)))
        .select_from(MonitoringReturn).join(Grant)
        .where(Grant.status.in_(LIVE), or_(AWAITING, is_overdue(today)), _visible(officer))).one()
    return awaiting, overdue


def _listed(officer: User | None, which: ColumnElement[bool]) -> Select[tuple[MonitoringReturn]]:
    # The grant and organisation come in the same query: the list shows both on every row.
    return (select(MonitoringReturn).join(Grant).join(Organisation, Grant.organisation_id == Organisation.id)
            .where(Grant.status.in_(LIVE), which, _visible(officer))
            .options(contains_eager(MonitoringReturn.grant).contains_eager(Grant.organisation)))


def awaiting_page(officer: User | None, limit: int, offset: int = 0) -> list[MonitoringReturn]:
    """Oldest submission first: the one the organisation has waited longest on."""
    return list(db.session.scalars(_listed(officer, AWAITING)
                                   .order_by(MonitoringReturn.submitted_at, MonitoringReturn.id)
                                   .limit(limit).offset(offset)))


def overdue_page(officer: User | None, today: date, limit: int, offset: int = 0) -> list[MonitoringReturn]:
    """Longest overdue first."""
    return list(db.session.scalars(_listed(officer, is_overdue(today))
                                   .order_by(MonitoringReturn.due_on, MonitoringReturn.id)
                                   .limit(limit).offset(offset)))


# The officer's "Needs your attention" banner -----------------------------------------------------

@dataclass(frozen=True)
class Urgent:
    """Both lists counted in full, and the first few of each in the returns list's own order."""

    awaiting_total: int
    overdue_total: int
    awaiting: list[MonitoringReturn]
    overdue: list[MonitoringReturn]


def most_urgent(officer: User | None, today: date, limit: int) -> Urgent:
    """At most three queries however many returns there are."""
    awaiting_total, overdue_total = officer_counts(officer, today)
    return Urgent(awaiting_total, overdue_total, awaiting_page(officer, limit) if awaiting_total else [],
                  overdue_page(officer, today, limit) if overdue_total else [])
