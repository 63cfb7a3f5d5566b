"""Submitting an application: once, before the deadline, with every section complete, then read only;
and withdrawing it afterwards."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from sv_grants.applications.models import Application, ApplicationStatus
from sv_grants.audit.models import AuditEvent
from sv_grants.auth.models import Role
from sv_grants.dates import clock
from sv_grants.extensions import db

from ..conftest import sign_in
from ..helpers import csrf_token, error_summary, field_error, heading, page, submit_form
from .factories import add_member, move_deadline, other_applicant, post_submit, ready_draft, submitted
from .journey import application, save_section, section_url

DEADLINE_PASSED = "The deadline for this round has passed"


def confirmations_to(outbox: Any, email: str) -> list[Any]:
    return [m for m in outbox.messages() if m["To"] == email and m["Subject"].startswith("Application ")]


def deadline_in_ten_minutes(app: Flask, setting: Any) -> datetime:
    closes_at = clock.now().replace(microsecond=0) + timedelta(minutes=10)
    move_deadline(app, setting.round_id, closes_at)
    return closes_at


# The deadline -----------------------------------------------------------------------------------

def test_an_application_submitted_one_second_before_the_deadline_is_accepted(
        app: Flask, applicant: FlaskClient, setting: Any) -> None:
    application_id = ready_draft(applicant, app, setting)
    closes_at = deadline_in_ten_minutes(app, setting)
    clock.travel_to(closes_at - timedelta(seconds=1))

    response = post_submit(applicant, application_id)

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/applications/{application_id}/submitted")
    saved = application(app, application_id)
    assert saved.status == ApplicationStatus.SUBMITTED
    assert saved.reference == "SVF-2425-0001"
    assert saved.submitted_at == closes_at - timedelta(seconds=1)


@pytest.mark.parametrize("after", [timedelta(0), timedelta(seconds=1)], ids=["exactly-at", "one-second-after"])
def test_an_application_submitted_at_or_after_the_deadline_is_refused_and_the_draft_kept(
        app: Flask, applicant: FlaskClient, setting: Any, outbox: Any, after: timedelta) -> None:
    application_id = ready_draft(applicant, app, setting)
    before = application(app, application_id)
    closes_at = deadline_in_ten_minutes(app, setting)
    clock.travel_to(closes_at + after)

    check = applicant.get(f"/applications/{application_id}/check")
    assert "The deadline has passed, so this application cannot be submitted" in page(check).get_text()
    assert page(check).find("button", string=lambda s: s and "Accept and submit" in s) is None
    response = post_submit(applicant, application_id)

    assert response.status_code == 400
    assert error_summary(response) == [
        "The deadline for this round has passed, so the application cannot be submitted. "
        "Your draft has been kept."]
    kept = application(app, application_id)
    assert kept.status == ApplicationStatus.DRAFT
    assert kept.reference is None
    assert kept.submitted_at is None
    assert (kept.title, kept.requested_pence, kept.version_id) == (
        before.title, before.requested_pence, before.version_id)
    assert confirmations_to(outbox, applicant.person.email) == []


@pytest.mark.parametrize(("closes_at", "shown"), [
    (datetime(2027, 1, 15, 12, 0, tzinfo=UTC), "15 January 2027 at midday"),
    (datetime(2027, 7, 15, 12, 0, tzinfo=UTC), "15 July 2027 at 1pm"),  # British Summer Time
], ids=["winter-gmt", "summer-bst"])
def test_the_check_page_shows_the_deadline_in_uk_time(
        app: Flask, applicant: FlaskClient, setting: Any, closes_at: datetime, shown: str) -> None:
    application_id = ready_draft(applicant, app, setting)
    move_deadline(app, setting.round_id, closes_at)

    check = applicant.get(f"/applications/{application_id}/check")

    assert check.status_code == 200
    assert f"The deadline is {shown} (UK time)." in " ".join(page(check).get_text().split())


# Complete before submitting ---------------------------------------------------------------------

def test_an_application_with_an_incomplete_section_is_refused_with_what_is_missing(
        app: Flask, applicant: FlaskClient, setting: Any) -> None:
    application_id = ready_draft(applicant, app, setting)
    later = save_section(applicant, application_id, "about", {"title": "Safe Streets Mentoring"},
                         button="save_draft")
    assert later.status_code == 302

    response = post_submit(applicant, application_id)

    assert response.status_code == 400
    assert error_summary(response) == ["You cannot submit yet: complete the items listed below."]
    missing = [li.get_text(strip=True) for li in page(response).select("#submit-application li")]
    assert missing == ["Complete the section ‘About the project’"]
    assert application(app, application_id).status == ApplicationStatus.DRAFT


# Once only --------------------------------------------------------------------------------------

def test_two_simultaneous_submits_from_two_workers_make_one_submission_and_one_email_each(
        app: Flask, make_app: Any, applicant: FlaskClient, setting: Any, make_user: Any, outbox: Any) -> None:
    colleague = make_user(Role.APPLICANT, name="Casey Colleague")
    add_member(app, applicant.organisation_id, colleague.id)
    application_id = ready_draft(applicant, app, setting)
    workers = [make_app(UPLOAD_DIR=app.config["UPLOAD_DIR"]) for _ in range(2)]
    clients = [worker.test_client() for worker in workers]
    for client in clients:
        sign_in(client, applicant.person)
    tokens = [csrf_token(client.get(f"/applications/{application_id}/check")) for client in clients]
    barrier = threading.Barrier(2)
    responses: list[Any] = [None, None]
    errors: list[BaseException] = []

    def press_submit(number: int) -> None:
        try:
            barrier.wait(timeout=10)
            responses[number] = clients[number].post(f"/applications/{application_id}/submit",
                                                     data={"csrf_token": tokens[number]})
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=press_submit, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    confirmation = f"/applications/{application_id}/submitted"
    assert [(r.status_code, r.headers["Location"].endswith(confirmation)) for r in responses] == [
        (302, True), (302, True)]
    with app.app_context():
        references = db.session.scalars(select(Application.reference).where(Application.reference.is_not(None)))
        assert list(references) == ["SVF-2425-0001"]
        assert db.session.get(Application, application_id).status == ApplicationStatus.SUBMITTED
        submitted_events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "application.submitted"))
        assert len(list(submitted_events)) == 1
    for email in (applicant.person.email, colleague.email):
        assert len(confirmations_to(outbox, email)) == 1, email


def test_submitting_again_goes_to_the_confirmation_without_a_second_email(
        app: Flask, applicant: FlaskClient, setting: Any, outbox: Any) -> None:
    application_id = ready_draft(applicant, app, setting)
    token = csrf_token(applicant.get(f"/applications/{application_id}/check"))
    first = applicant.post(f"/applications/{application_id}/submit", data={"csrf_token": token})
    second = applicant.post(f"/applications/{application_id}/submit", data={"csrf_token": token})

    assert first.status_code == second.status_code == 302
    assert second.headers["Location"].endswith(f"/applications/{application_id}/submitted")
    assert len(confirmations_to(outbox, applicant.person.email)) == 1
    assert application(app, application_id).reference == "SVF-2425-0001"
    confirmation = applicant.get(second.headers["Location"])
    assert "SVF-2425-0001" in page(confirmation).select_one(".govuk-panel").get_text()


def test_references_are_unique_and_sequential_across_organisations(
        app: Flask, applicant: FlaskClient, setting: Any, make_user: Any) -> None:
    other = other_applicant(app, make_user)
    first = submitted(applicant, app, setting)
    second = submitted(other, app, setting)

    assert application(app, first).reference == "SVF-2425-0001"
    assert application(app, second).reference == "SVF-2425-0002"


def test_every_member_of_the_organisation_is_emailed_the_reference(
        app: Flask, applicant: FlaskClient, setting: Any, make_user: Any, outbox: Any) -> None:
    colleague = make_user(Role.APPLICANT, name="Casey Colleague")
    add_member(app, applicant.organisation_id, colleague.id)
    outsider = other_applicant(app, make_user)

    application_id = submitted(applicant, app, setting)

    for email in (applicant.person.email, colleague.email):
        [message] = confirmations_to(outbox, email)
        assert message["Subject"] == "Application SVF-2425-0001 submitted"
        body = outbox.body(message)
        assert "Reference: SVF-2425-0001" in body
        assert f"/applications/{application_id}/view" in body
    assert [m for m in outbox.messages() if m["To"] == outsider.person.email] == []


# Read only after submission ---------------------------------------------------------------------

@pytest.mark.parametrize("key", ["about", "budget", "declaration"])
def test_after_submission_a_section_redirects_to_the_read_only_view_and_nothing_changes(
        app: Flask, applicant: FlaskClient, setting: Any, key: str) -> None:
    application_id = submitted(applicant, app, setting)
    before = application(app, application_id)
    view = f"/applications/{application_id}/view"

    opened = applicant.get(section_url(application_id, key))
    token = csrf_token(applicant.get(view))
    posted = applicant.post(section_url(application_id, key),
                            data={"csrf_token": token, "version": "99", "title": "Changed after submission",
                                  "lines-0-category": "staff", "lines-0-description": "More",
                                  "lines-0-amount": "49000", "declaration_name": "Someone else", "save": "y"})

    for response in (opened, posted):
        assert response.status_code == 302
        assert response.headers["Location"].endswith(view)
    after = application(app, application_id)
    assert (after.title, after.requested_pence, after.declaration_name, after.version_id) == (
        before.title, before.requested_pence, before.declaration_name, before.version_id)
    assert heading(applicant.get(view)) == "Safe Streets Mentoring"


def test_the_task_list_and_check_page_redirect_to_the_view_after_submission(
        app: Flask, applicant: FlaskClient, setting: Any) -> None:
    application_id = submitted(applicant, app, setting)
    for url in (f"/applications/{application_id}", f"/applications/{application_id}/check"):
        response = applicant.get(url)
        assert response.status_code == 302
        assert response.headers["Location"].endswith(f"/applications/{application_id}/view")


# Withdrawing ------------------------------------------------------------------------------------

@pytest.mark.parametrize("reason", ["", "   \n  "], ids=["empty", "only-spaces"])
def test_withdrawing_needs_a_reason(app: Flask, applicant: FlaskClient, setting: Any, reason: str) -> None:
    application_id = submitted(applicant, app, setting)

    response = submit_form(applicant, f"/applications/{application_id}/withdraw", {"reason": reason})

    assert response.status_code in (200, 400)
    assert error_summary(response) == ["Enter why you are withdrawing the application"]
    assert field_error(response, "reason") == "Enter why you are withdrawing the application"
    assert application(app, application_id).status == ApplicationStatus.SUBMITTED


def test_a_withdrawn_application_shows_its_reason_and_is_audited(
        app: Flask, applicant: FlaskClient, setting: Any) -> None:
    application_id = submitted(applicant, app, setting)
    reason = "We found other funding for the mentors."

    response = submit_form(applicant, f"/applications/{application_id}/withdraw", {"reason": reason})

    assert response.status_code == 302
    withdrawn = application(app, application_id)
    assert withdrawn.status == ApplicationStatus.WITHDRAWN
    assert withdrawn.withdrawal_reason == reason
    assert withdrawn.withdrawn_at is not None
    view = page(applicant.get(f"/applications/{application_id}/view"))
    rows = {" ".join(row.dt.get_text().split()): " ".join(row.dd.get_text().split())
            for row in view.select(".govuk-summary-list__row") if row.dt and row.dd}
    assert rows["Reason for withdrawing"] == reason
    assert view.select_one(".govuk-tag").get_text(strip=True) == "Withdrawn"
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "application.withdrawn"))
        assert event is not None
        assert (event.subject_type, event.subject_id) == ("applications", str(application_id))
        assert event.actor_id == applicant.person.id
        assert event.details["reason"] == reason
    token = csrf_token(applicant.get(f"/applications/{application_id}/view"))
    again = applicant.post(f"/applications/{application_id}/withdraw", data={"csrf_token": token, "reason": "Twice"})
    assert again.status_code == 404
    assert application(app, application_id).withdrawal_reason == reason


def test_a_draft_cannot_be_withdrawn(app: Flask, applicant: FlaskClient, setting: Any) -> None:
    application_id = ready_draft(applicant, app, setting)
    token = csrf_token(applicant.get(f"/applications/{application_id}"))

    assert applicant.get(f"/applications/{application_id}/withdraw").status_code == 404
    posted = applicant.post(f"/applications/{application_id}/withdraw",
                            data={"csrf_token": token, "reason": "Changed our minds"})
    assert posted.status_code == 404
    assert application(app, application_id).status == ApplicationStatus.DRAFT
