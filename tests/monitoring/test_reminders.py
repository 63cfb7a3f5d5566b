"""``flask send-reminders`` also reminds organisations about returns: 7 days before the due date and
1 day after, once each, and never about a return already submitted."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Flask

from sv_grants.extensions import db
from sv_grants.monitoring.models import ReturnReminder

from ..grants.factories import Funded
from ..helpers import Outbox
from .factories import complete, returns_of, submit, travel_to_day


def run(app: Flask) -> str:
    result = app.test_cli_runner().invoke(args=["send-reminders"])
    assert result.exit_code == 0, result.output
    return result.output


def return_mail(outbox: Outbox, to: str) -> list[str]:
    return sorted(m["Subject"] for m in outbox.messages() if m["To"] == to and "return" in m["Subject"])


def test_reminders_go_a_week_before_and_a_day_after_the_due_date_once_each(app: Flask, grant: Funded,
                                                                           outbox: Outbox) -> None:
    email = grant.applicant.email
    travel_to_day(date(2025, 7, 23))  # eight days before the first return is due on 31 July
    assert "return reminder" not in run(app)
    assert return_mail(outbox, email) == []

    travel_to_day(date(2025, 7, 24))
    assert "Sent 1 return reminder." in run(app)
    assert return_mail(outbox, email) == ["Reminder: Quarter 1 2025-26 return for grant GR-SVF-2425-0001"]
    [message] = [m for m in outbox.messages() if m["Subject"].startswith("Reminder: Quarter 1")]
    body = outbox.body(message)
    assert "is due on 31 July 2025" in body
    assert f"/your-grants/{grant.grant_id}/returns/{returns_of(app, grant.grant_id)[0].id}" in body

    travel_to_day(date(2025, 7, 28))
    run(app)  # run again: nothing new
    travel_to_day(date(2025, 7, 31))
    run(app)
    assert len(return_mail(outbox, email)) == 1

    travel_to_day(date(2025, 8, 1))
    assert "Sent 1 return reminder." in run(app)
    run(app)
    assert return_mail(outbox, email) == ["Overdue: Quarter 1 2025-26 return for grant GR-SVF-2425-0001",
                                          "Reminder: Quarter 1 2025-26 return for grant GR-SVF-2425-0001"]
    with app.app_context():
        assert sorted(r.kind for r in db.session.scalars(db.select(ReturnReminder))) == ["1_day_after",
                                                                                          "7_days_before"]


def test_no_reminder_about_a_submitted_return(app: Flask, grant: Funded, outbox: Outbox, make_user: Any) -> None:
    first = returns_of(app, grant.grant_id)[0]
    complete(app, grant.applicant.id, first.id)
    submit(app, grant.applicant.id, first.id)

    for day in (date(2025, 7, 24), date(2025, 8, 1)):
        travel_to_day(day)
        run(app)

    assert return_mail(outbox, grant.applicant.email) == []
