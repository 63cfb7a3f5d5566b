"""Signing in with a password through the real pages, throttling and the audit trail."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from sv_grants.audit.models import AuditEvent
from sv_grants.dates import clock
from sv_grants.extensions import db

from ..helpers import audit_actions, error_summary, field_error, page, submit_form

WRONG_DETAILS = "Enter a correct email address and password"
WRONG_PASSWORD = "not the right password"


@pytest.fixture(autouse=True)
def _frozen_clock():
    # Every attempt lands at one instant, so the 5-minute window is exact.
    clock.travel_to(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))


def attempt(client, email, password, ip="127.0.0.1"):
    form_page = client.get("/sign-in", environ_base={"REMOTE_ADDR": ip})
    token = page(form_page).find("input", attrs={"name": "csrf_token"})["value"]
    return client.post("/sign-in", data={"email": email, "password": password, "csrf_token": token},
                       environ_base={"REMOTE_ADDR": ip})


def is_refused_as_throttled(response):
    return response.status_code == 429 and "too many times" in field_error(response, "email")



def test_an_applicant_with_the_right_password_is_signed_in_and_lands_on_their_organisation(client, make_user):
    person = make_user()
    response = submit_form(client, "/sign-in", {"email": person.email, "password": person.password})
    assert response.status_code == 302
    assert response.headers["Location"] == "/organisation"
    assert client.get("/organisation").status_code == 200


def test_the_email_address_is_matched_whatever_its_case_and_spaces(client, make_user):
    person = make_user(email="sam.jones@example.org")
    response = submit_form(client, "/sign-in", {"email": "  Sam.Jones@Example.ORG ", "password": person.password})
    assert response.headers["Location"] == "/organisation"


def test_a_wrong_password_is_refused_with_the_error_in_the_summary_and_next_to_the_field(client, make_user):
    person = make_user()
    response = submit_form(client, "/sign-in", {"email": person.email, "password": WRONG_PASSWORD})
    assert response.status_code == 200
    assert error_summary(response) == [WRONG_DETAILS]
    assert field_error(response, "email") == WRONG_DETAILS
    assert page(response).find("input", id="email")["value"] == person.email
    assert client.get("/organisation").status_code == 302


def test_an_unknown_email_gets_the_same_message_as_a_wrong_password(client):
    response = submit_form(client, "/sign-in", {"email": "nobody@example.org", "password": WRONG_PASSWORD})
    assert response.status_code == 200
    assert error_summary(response) == [WRONG_DETAILS]
    assert field_error(response, "email") == WRONG_DETAILS


def test_a_deactivated_user_cannot_sign_in_even_with_the_right_password(client, make_user):
    person = make_user(active=False)
    response = submit_form(client, "/sign-in", {"email": person.email, "password": person.password})
    assert response.status_code == 200
    assert field_error(response, "email") == WRONG_DETAILS
    assert client.get("/organisation").status_code == 302


def test_eleventh_attempt_is_refused_even_with_the_right_password(client, make_user):
    person = make_user()
    for _ in range(10):
        assert attempt(client, person.email, WRONG_PASSWORD).status_code == 200
    response = attempt(client, person.email, person.password)
    assert is_refused_as_throttled(response)
    assert "too many times" in error_summary(response)[0]
    assert client.get("/organisation").status_code == 302


def test_throttling_counts_failures_made_on_other_app_instances_sharing_the_database(make_app, make_user):
    person = make_user()
    first, second = make_app().test_client(), make_app().test_client()
    for _ in range(5):
        assert attempt(first, person.email, WRONG_PASSWORD).status_code == 200
        assert attempt(second, person.email, WRONG_PASSWORD).status_code == 200
    assert is_refused_as_throttled(attempt(first, person.email, person.password))
    assert is_refused_as_throttled(attempt(second, person.email, person.password))


def test_many_failures_from_one_address_throttle_that_address_but_not_others(app, make_user):
    people = [make_user() for _ in range(10)]
    fresh = make_user()
    for person in people:
        assert attempt(app.test_client(), person.email, WRONG_PASSWORD, ip="10.0.0.5").status_code == 200
    assert is_refused_as_throttled(attempt(app.test_client(), fresh.email, fresh.password, ip="10.0.0.5"))
    response = attempt(app.test_client(), fresh.email, fresh.password, ip="10.0.0.6")
    assert response.status_code == 302
    assert response.headers["Location"] == "/organisation"


def test_nine_failures_do_not_lock_the_account(client, make_user):
    person = make_user()
    for _ in range(9):
        attempt(client, person.email, WRONG_PASSWORD)
    assert attempt(client, person.email, person.password).status_code == 302


def test_sign_in_works_again_once_the_five_minute_window_has_passed(client, make_user):
    person = make_user()
    for _ in range(10):
        attempt(client, person.email, WRONG_PASSWORD)
    clock.advance(minutes=4, seconds=59)
    assert is_refused_as_throttled(attempt(client, person.email, person.password))
    clock.advance(seconds=2)
    response = attempt(client, person.email, person.password)
    assert response.status_code == 302
    assert response.headers["Location"] == "/organisation"


def test_failed_and_successful_sign_ins_are_recorded_in_the_audit_trail(app, client, make_user):
    person = make_user()
    attempt(client, person.email, WRONG_PASSWORD)
    assert audit_actions(app, person.id) == ["sign_in.failed"]
    attempt(client, person.email, person.password)
    assert audit_actions(app, person.id) == ["sign_in.failed", "sign_in.succeeded"]


def test_a_failed_sign_in_for_an_unknown_email_is_recorded_with_the_address_tried(app, client):
    attempt(client, "Nobody@Example.org", WRONG_PASSWORD, ip="10.0.0.9")
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "sign_in.failed")).one()
        assert event.details["email"] == "nobody@example.org"
        assert event.ip == "10.0.0.9"


def test_sign_in_returns_to_the_page_asked_for_but_never_to_another_site(client, make_user):
    person = make_user()
    response = submit_form(client, "/sign-in?next=/organisations/new",
                           {"email": person.email, "password": person.password})
    assert response.headers["Location"] == "/organisations/new"
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example/"):
        other = client.application.test_client()
        response = submit_form(other, f"/sign-in?next={target}", {"email": person.email, "password": person.password})
        assert response.status_code == 302
        assert response.headers["Location"] == "/organisation", target
