"""Server-side sessions: a fresh cookie at sign-in, real sign-out, idle and absolute time-outs."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from sv_grants.audit.models import AuditEvent
from sv_grants.auth.models import UserSession
from sv_grants.dates import clock
from sv_grants.extensions import db

from ..conftest import sign_in
from ..helpers import csrf_token, heading, page

COOKIE = "sv_grants_session"


@pytest.fixture(autouse=True)
def _frozen_clock():
    clock.travel_to(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))


def redirects_to_sign_in(response):
    return response.status_code == 302 and response.headers["Location"].split("?")[0] == "/sign-in"


def is_signed_in(client):
    response = client.get("/organisation")
    assert response.status_code == 200 or redirects_to_sign_in(response), response.status_code
    return response.status_code == 200


def sign_out(client):
    token = csrf_token(client.get("/organisation"))
    return client.post("/sign-out", data={"csrf_token": token})


def session_cookie_header(response):
    headers = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(f"{COOKIE}=")]
    assert headers, "the response set no session cookie"
    return headers[-1]


def live_sessions(app, user_id):
    with app.app_context():
        return db.session.scalars(
            select(UserSession).where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))
        ).all()


def test_signing_in_issues_a_new_session_cookie_and_records_the_session(app, client, make_user):
    person = make_user()
    client.get("/sign-in")
    before = client.get_cookie(COOKIE).value
    sign_in(client, person)
    after = client.get_cookie(COOKIE).value
    assert after != before
    assert len(live_sessions(app, person.id)) == 1


def test_sign_out_by_get_is_refused_with_a_gov_uk_error_page(login_as):
    client = login_as()
    response = client.get("/sign-out")
    assert response.status_code == 405
    assert heading(response) == "Sorry, you cannot do that on this page"
    assert is_signed_in(client)


def test_signing_out_ends_the_session_and_says_so(app, login_as):
    client = login_as()
    response = sign_out(client)
    assert redirects_to_sign_in(response)
    assert "You have signed out" in page(client.get("/sign-in")).get_text()
    assert not is_signed_in(client)
    assert live_sessions(app, client.person.id) == []


def test_signing_out_kills_a_copied_cookie(app, login_as):
    client = login_as()
    copied = client.get_cookie(COOKIE).value
    thief = app.test_client()
    thief.set_cookie(COOKIE, copied)
    assert is_signed_in(thief)

    sign_out(client)
    thief = app.test_client()
    thief.set_cookie(COOKIE, copied)
    assert redirects_to_sign_in(thief.get("/organisation"))


def test_thirty_one_minutes_without_activity_signs_you_out_with_an_explanation(login_as):
    client = login_as()
    clock.advance(minutes=31)
    response = client.get("/organisation")
    assert redirects_to_sign_in(response)
    message = page(client.get(response.headers["Location"])).get_text()
    assert "had not used the service for 30 minutes" in message


def test_an_idle_time_out_ends_the_session_for_good(login_as):
    client = login_as()
    clock.advance(minutes=31)
    assert not is_signed_in(client)
    clock.advance(minutes=-31)
    assert not is_signed_in(client)


def test_twenty_nine_minutes_without_activity_keeps_you_signed_in(login_as):
    client = login_as()
    clock.advance(minutes=29)
    assert is_signed_in(client)


def test_activity_resets_the_idle_timer(login_as):
    client = login_as()
    clock.advance(minutes=20)
    assert is_signed_in(client)
    clock.advance(minutes=20)
    assert is_signed_in(client)
    clock.advance(minutes=29)
    assert is_signed_in(client)


def test_a_session_ends_twelve_hours_after_sign_in_however_active(login_as):
    client = login_as()
    for _ in range(36):
        clock.advance(minutes=20)
        assert is_signed_in(client)
    clock.advance(minutes=1)  # 12 hours and 1 minute since sign-in, 1 minute since the last page
    response = client.get("/organisation")
    assert redirects_to_sign_in(response)
    assert "signed in for a long time" in page(client.get(response.headers["Location"])).get_text()


def test_the_session_cookie_is_http_only_and_same_site_lax(make_user, client):
    person = make_user()
    header = session_cookie_header(sign_in(client, person))
    attributes = {part.strip().split("=")[0].lower(): part.strip() for part in header.split(";")}
    assert "httponly" in attributes
    assert attributes["samesite"].lower() == "samesite=lax"


def test_in_production_the_session_cookie_is_only_sent_over_https(make_app):
    app = make_app(APP_ENV="production", SECRET_KEY="x" * 40)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    response = app.test_client().get("/sign-in", base_url="https://localhost")
    assert "secure" in [part.strip().lower() for part in session_cookie_header(response).split(";")]


def test_signing_out_is_recorded_in_the_audit_trail(app, login_as):
    client = login_as()
    sign_out(client)
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "sign_out")).one()
        assert event.actor_id == client.person.id
        assert event.subject_id == str(client.person.id)
