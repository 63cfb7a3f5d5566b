"""Return reminders: 7 days before a return is due and 1 day after, while it is not submitted.

Run from cron as often as you like: each reminder is recorded before it is sent, and the unique
(return, kind) row means it goes once, even if two runs overlap. A run that misses the exact day
still sends it within the week after; nothing is sent about returns long overdue, which the grants
team chases from their dashboard instead.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import url_for
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import notifications
from ..dates import format_date
from ..extensions import db
from ..grants.models import Grant
from ..organisations.services import member_emails
from .models import MonitoringReturn, ReturnReminder
from .queries import LIVE, OWED

BEFORE, AFTER = "7_days_before", "1_day_after"
WINDOW = timedelta(days=7)


def due_reminder(due_on: date, today: date) -> str | None:
    """The reminder due today, if any: the overdue one once the due date has passed."""
    if due_on + timedelta(days=1) <= today <= due_on + WINDOW:
        return AFTER
    if due_on - WINDOW <= today < due_on:
        return BEFORE
    return None


def send_return_reminders(today: date) -> int:
    """E-mail the members of each organisation whose return is due in a week or a day overdue;
    return how many reminders (one per return) were sent."""
    candidates = db.session.scalars(
        select(MonitoringReturn).join(Grant)
        .where(Grant.status.in_(LIVE), MonitoringReturn.status.in_(OWED),
               MonitoringReturn.due_on >= today - WINDOW, MonitoringReturn.due_on <= today + WINDOW)
        .order_by(MonitoringReturn.due_on, MonitoringReturn.id)
    ).all()
    sent = 0
    for monitoring_return in candidates:
        kind = due_reminder(monitoring_return.due_on, today)
        if kind is None:
            continue
        already = db.session.scalar(select(ReturnReminder.id).where(ReturnReminder.return_id == monitoring_return.id,
                                                                    ReturnReminder.kind == kind))
        if already is not None:
            continue
        try:
            db.session.add(ReturnReminder(return_id=monitoring_return.id, kind=kind))
            db.session.flush()
        except IntegrityError:  # another run claimed it a moment ago
            db.session.rollback()
            continue
        grant = monitoring_return.grant
        path = url_for("monitoring.task_list", grant_id=grant.id, return_id=monitoring_return.id)
        for email in member_emails(grant.organisation):
            notifications.return_reminder(email, grant.reference, monitoring_return.title,
                                          format_date(monitoring_return.due_on), kind == AFTER, path)
        db.session.commit()
        sent += 1
    return sent
