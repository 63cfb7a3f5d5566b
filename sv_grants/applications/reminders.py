"""Deadline reminders for unsubmitted drafts: 7 days and 1 day before a round closes.

Run from cron as often as you like: each reminder is recorded before the run moves on, and the
unique (application, kind) row means it is sent once, even if two runs overlap.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import url_for
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import notifications
from ..dates import format_datetime
from ..extensions import db
from ..funds.models import Round
from ..organisations.services import member_emails
from .models import Application, ApplicationStatus, Reminder

# (kind, how long before the deadline it becomes due, days named in the e-mail), most urgent first.
REMINDERS = (("1_day", timedelta(days=1), 1), ("7_days", timedelta(days=7), 7))


def due_reminder(closes_at: datetime, now: datetime) -> tuple[str, int] | None:
    """The most urgent reminder due now: inside the last day only the 1-day one is sent."""
    left = closes_at - now
    for kind, window, days in REMINDERS:
        if timedelta(0) < left <= window:
            return kind, days
    return None


def send_reminders(now: datetime) -> int:
    """E-mail the members of every organisation with a draft in a closing round; return how many
    reminders (one per draft) were sent."""
    drafts = db.session.scalars(
        select(Application).join(Round)
        .where(Application.status == ApplicationStatus.DRAFT, Round.opens_at <= now, Round.closes_at > now,
               Round.closes_at <= now + timedelta(days=7))
        .order_by(Application.id)
    ).all()
    sent = 0
    for application in drafts:
        due = due_reminder(application.round.closes_at, now)
        if due is None:
            continue
        kind, days = due
        already = db.session.scalar(select(Reminder.id).where(Reminder.application_id == application.id,
                                                              Reminder.kind == kind))
        if already is not None:
            continue
        try:
            db.session.add(Reminder(application_id=application.id, kind=kind, sent_at=now))
            db.session.flush()
        except IntegrityError:  # another run claimed it a moment ago
            db.session.rollback()
            continue
        path = url_for("applications.task_list", application_id=application.id)
        for email in member_emails(application.organisation):
            notifications.deadline_reminder(email, application.display_title, application.organisation.name,
                                            application.round.name, format_datetime(application.round.closes_at),
                                            days, path)
        db.session.commit()
        sent += 1
    return sent
