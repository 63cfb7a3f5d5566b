"""``flask send-reminders``: members of an organisation with an unsubmitted draft are e-mailed 7 days
and 1 day before the round closes, each reminder once, however often cron runs the command."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from sv_grants.applications.models import ApplicationStatus
from sv_grants.auth.models import Role
from sv_grants.dates import clock, format_datetime
from sv_grants.extensions import db
from sv_grants.funds.models import Round

from .factories import add_member, insert_application, other_applicant
from .journey import start_application


def closing_time(app: Flask, round_id: int) -> datetime:
    with app.app_context():
        return db.session.get(Round, round_id).closes_at


def send_reminders(app: Flask) -> str:
    result = app.test_cli_runner().invoke(args=["send-reminders"])
    assert result.exit_code == 0, result.output
    return result.output.strip()


def reminders_to(outbox: Any, email: str) -> list[str]:
    return [m["Subject"] for m in outbox.messages() if m["To"] == email and m["Subject"].startswith("Reminder:")]


def all_reminders(outbox: Any) -> list[tuple[str, str]]:
    return sorted((m["To"], m["Subject"]) for m in outbox.messages() if m["Subject"].startswith("Reminder:"))


def draft_of(client: FlaskClient, setting: Any) -> int:
    return start_application(client, client.organisation_id, setting.round_id, setting.priority_ids[0])


def test_members_with_a_draft_get_one_seven_day_reminder_however_often_the_job_runs(
        app: Flask, applicant: FlaskClient, setting: Any, make_user: Any, outbox: Any) -> None:
    colleague = make_user(Role.APPLICANT, name="Casey Colleague")
    add_member(app, applicant.organisation_id, colleague.id)
    application_id = draft_of(applicant, setting)
    closes_at = closing_time(app, setting.round_id)
    clock.travel_to(closes_at - timedelta(days=6, hours=23))

    assert send_reminders(app) == "Sent 1 deadline reminder."

    for email in (applicant.person.email, colleague.email):
        assert reminders_to(outbox, email) == ["Reminder: Round 1 closes in 7 days"]
    body = outbox.body(outbox.last(colleague.email))
    assert "Eastside Youth Trust has an application that has not been submitted yet" in body
    assert f"closes in 7 days: at {format_datetime(closes_at)}" in body
    assert f"/applications/{application_id}\n" in body

    clock.advance(hours=1)
    assert send_reminders(app) == "Sent 0 deadline reminders."
    assert len(all_reminders(outbox)) == 2


def test_a_one_day_reminder_is_sent_once_in_the_last_day(
        app: Flask, applicant: FlaskClient, setting: Any, outbox: Any) -> None:
    draft_of(applicant, setting)
    closes_at = closing_time(app, setting.round_id)
    clock.travel_to(closes_at - timedelta(days=6, hours=23))
    send_reminders(app)

    clock.travel_to(closes_at - timedelta(hours=23))
    assert send_reminders(app) == "Sent 1 deadline reminder."
    clock.advance(hours=1)
    assert send_reminders(app) == "Sent 0 deadline reminders."

    assert reminders_to(outbox, applicant.person.email) == [
        "Reminder: Round 1 closes in 7 days", "Reminder: Round 1 closes tomorrow"]
    assert "closes tomorrow: at " in outbox.body(outbox.last(applicant.person.email))


def test_a_draft_started_in_the_last_day_gets_only_the_one_day_reminder(
        app: Flask, applicant: FlaskClient, setting: Any, outbox: Any) -> None:
    draft_of(applicant, setting)
    clock.travel_to(closing_time(app, setting.round_id) - timedelta(hours=23))

    assert send_reminders(app) == "Sent 1 deadline reminder."
    assert reminders_to(outbox, applicant.person.email) == ["Reminder: Round 1 closes tomorrow"]


def test_no_reminder_is_sent_more_than_seven_days_before_the_deadline(
        app: Flask, applicant: FlaskClient, setting: Any, outbox: Any) -> None:
    draft_of(applicant, setting)
    clock.travel_to(closing_time(app, setting.round_id) - timedelta(days=7, minutes=1))

    assert send_reminders(app) == "Sent 0 deadline reminders."
    assert all_reminders(outbox) == []


def test_submitted_applications_and_drafts_in_rounds_closing_later_get_no_reminder(
        app: Flask, applicant: FlaskClient, setting: Any, make_user: Any, outbox: Any) -> None:
    draft_of(applicant, setting)
    finished = other_applicant(app, make_user, "Finished Early Trust", "Fran Finished")
    insert_application(app, setting.round_id, finished.organisation_id, finished.person.id,
                       reference="SVF-2425-0001", status=ApplicationStatus.SUBMITTED)
    later = other_applicant(app, make_user, "Later Round Group", "Lee Later")
    closes_at = closing_time(app, setting.round_id)
    with app.app_context():
        first_round = db.session.get(Round, setting.round_id)
        round_two = Round(fund=first_round.fund, name="Round 2", opens_at=first_round.opens_at,
                          closes_at=closes_at + timedelta(days=8), delivery_from=date(2025, 4, 1),
                          delivery_until=date(2026, 3, 31), min_award_pence=2_000_00, max_award_pence=50_000_00)
        db.session.add(round_two)
        db.session.commit()
        round_two_id = round_two.id
    insert_application(app, round_two_id, later.organisation_id, later.person.id, reference=None,
                       status=ApplicationStatus.DRAFT)
    clock.travel_to(closes_at - timedelta(days=6, hours=23))

    assert send_reminders(app) == "Sent 1 deadline reminder."

    assert all_reminders(outbox) == [(applicant.person.email, "Reminder: Round 1 closes in 7 days")]


def test_a_draft_in_a_closed_round_gets_no_reminder(
        app: Flask, applicant: FlaskClient, setting: Any, outbox: Any) -> None:
    draft_of(applicant, setting)
    closes_at = closing_time(app, setting.round_id)

    for after in (timedelta(0), timedelta(seconds=1), timedelta(hours=1), timedelta(days=2)):
        clock.travel_to(closes_at + after)
        assert send_reminders(app) == "Sent 0 deadline reminders.", after

    assert all_reminders(outbox) == []
