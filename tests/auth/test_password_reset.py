"""Resetting a forgotten password by e-mailed, single-use, expiring link."""

from __future__ import annotations

import re

from sqlalchemy import select

from sv_grants.audit.models import AuditEvent
from sv_grants.dates import clock
from sv_grants.extensions import db

from ..conftest import sign_in
from ..helpers import csrf_token, field_error, heading, page, submit_form

NEW_PASSWORD = "violet lantern harbour"
EXPIRED = "This link has expired or has already been used"


def ask_for_reset(client, email):
    return submit_form(client, "/forgotten-password", {"email": email})


def reset_link(client, outbox, person):
    ask_for_reset(client, person.email)
    return outbox.link_in_last(to=person.email)


def choose_password(client, link, password):
    return submit_form(client, link, {"password": password})


def signs_in(app, email, password):
    response = submit_form(app.test_client(), "/sign-in", {"email": email, "password": password})
    return response.status_code == 302


def main_text(response):
    return " ".join(page(response).find("main").get_text().split())


def test_a_reset_link_is_emailed_to_a_registered_address(client, outbox, make_user):
    person = make_user()
    response = ask_for_reset(client, person.email)
    assert heading(response) == "Check your email"
    message = outbox.last(to=person.email)
    assert message["Subject"] == "Reset your password"
    assert re.fullmatch(r"/reset-password/[A-Za-z0-9_-]{32,}", outbox.link_in_last(to=person.email))


def test_an_unknown_address_sees_the_same_confirmation_and_no_email_is_sent(client, outbox, make_user):
    person = make_user()
    known = ask_for_reset(client, person.email)
    outbox_before = len(outbox.messages())
    unknown = ask_for_reset(client, "nobody@example.org")
    assert heading(unknown) == heading(known)
    assert main_text(unknown).replace("nobody@example.org", "ADDRESS") == main_text(known).replace(
        person.email, "ADDRESS")
    assert len(outbox.messages()) == outbox_before
    assert not [m for m in outbox.messages() if m["To"] == "nobody@example.org"]


def test_a_deactivated_account_is_sent_no_reset_link(client, outbox, make_user):
    person = make_user(active=False)
    assert heading(ask_for_reset(client, person.email)) == "Check your email"
    assert outbox.messages() == []


def test_the_link_sets_a_new_password_and_the_old_one_stops_working(app, client, outbox, make_user):
    person = make_user()
    link = reset_link(client, outbox, person)
    assert heading(client.get(link)) == "Choose a new password"
    response = choose_password(client, link, NEW_PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in"
    assert not signs_in(app, person.email, person.password)
    assert signs_in(app, person.email, NEW_PASSWORD)


def test_the_link_works_only_once(app, client, outbox, make_user):
    person = make_user()
    link = reset_link(client, outbox, person)
    choose_password(client, link, NEW_PASSWORD)

    assert heading(client.get(link)) == EXPIRED
    token = csrf_token(client.get("/sign-in"))
    second = client.post(link, data={"password": "another brand new phrase", "csrf_token": token})
    assert heading(second) == EXPIRED
    assert not signs_in(app, person.email, "another brand new phrase")
    assert signs_in(app, person.email, NEW_PASSWORD)


def test_the_link_expires_after_an_hour(app, client, outbox, make_user):
    person = make_user()
    link = reset_link(client, outbox, person)
    token = csrf_token(client.get(link))
    clock.advance(minutes=61)
    assert heading(client.get(link)) == EXPIRED
    response = client.post(link, data={"password": NEW_PASSWORD, "csrf_token": token})
    assert heading(response) == EXPIRED
    assert not signs_in(app, person.email, NEW_PASSWORD)
    assert signs_in(app, person.email, person.password)


def test_the_link_still_works_at_59_minutes(app, client, outbox, make_user):
    person = make_user()
    link = reset_link(client, outbox, person)
    clock.advance(minutes=59)
    assert choose_password(client, link, NEW_PASSWORD).status_code == 302
    assert signs_in(app, person.email, NEW_PASSWORD)


def test_asking_again_replaces_the_earlier_link(app, client, outbox, make_user):
    person = make_user()
    first = reset_link(client, outbox, person)
    second = reset_link(client, outbox, person)
    assert first != second
    assert heading(client.get(first)) == EXPIRED
    assert choose_password(client, second, NEW_PASSWORD).status_code == 302


def test_a_weak_new_password_is_refused_next_to_the_field_and_the_link_still_works(app, client, outbox, make_user):
    person = make_user()
    link = reset_link(client, outbox, person)
    response = choose_password(client, link, "short")
    assert response.status_code == 200
    assert field_error(response, "password") == "Password must be 12 characters or more"
    response = choose_password(client, link, "password1234")
    assert "too easy to guess" in field_error(response, "password")
    assert signs_in(app, person.email, person.password)
    assert choose_password(client, link, NEW_PASSWORD).status_code == 302


def test_a_reset_signs_out_sessions_started_before_it(app, client, outbox, make_user):
    person = make_user()
    elsewhere = app.test_client()
    sign_in(elsewhere, person)
    assert elsewhere.get("/organisation").status_code == 200

    choose_password(client, reset_link(client, outbox, person), NEW_PASSWORD)
    response = elsewhere.get("/organisation")
    assert response.status_code == 302
    assert response.headers["Location"].split("?")[0] == "/sign-in"


def test_a_password_changed_email_is_sent_after_a_reset(client, outbox, make_user):
    person = make_user()
    choose_password(client, reset_link(client, outbox, person), NEW_PASSWORD)
    message = outbox.last(to=person.email)
    assert message["Subject"] == "Your password has been changed"
    assert "signed out" in outbox.body(message)


def test_requesting_and_completing_a_reset_are_audited(app, client, outbox, make_user):
    person = make_user()
    link = reset_link(client, outbox, person)
    choose_password(client, link, NEW_PASSWORD)
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.subject_type == "users", AuditEvent.subject_id == str(person.id))
        )
        actions = [event.action for event in events]
    assert actions == ["password_reset.requested", "password_reset.completed"]
