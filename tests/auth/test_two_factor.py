"""Two-factor sign-in for staff: setting it up, entering codes, refusing replays."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pyotp
import pytest

from sv_grants.auth.models import Role
from sv_grants.dates import clock

from ..conftest import current_code
from ..helpers import audit_actions, csrf_token, field_error, heading, page, submit_form


@pytest.fixture(autouse=True)
def _frozen_clock():
    # The start of a 30-second step: every code in a test belongs to a known step.
    clock.travel_to(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))


def enter_password(client, person):
    return submit_form(client, "/sign-in", {"email": person.email, "password": person.password})


def enter_code(client, code):
    return submit_form(client, "/sign-in/two-factor", {"code": code})


def redirects_to_sign_in(response):
    return response.status_code == 302 and response.headers["Location"].split("?")[0] == "/sign-in"


def a_wrong_code(secret):
    totp = pyotp.TOTP(secret)
    now = clock.now().timestamp()
    valid = {totp.at(now + drift) for drift in (-30, 0, 30)}
    return next(code for code in ("123456", "654321", "111111", "999999") if code not in valid)


def sign_out(client):
    signed_in_page = client.get("/home", follow_redirects=True)
    response = client.post("/sign-out", data={"csrf_token": csrf_token(signed_in_page)})
    assert redirects_to_sign_in(response)



def test_staff_without_two_factor_are_sent_to_set_it_up_and_are_not_yet_signed_in(client, make_user):
    person = make_user(Role.REVIEWER, two_factor=False)
    response = enter_password(client, person)
    assert response.headers["Location"] == "/sign-in/set-up-two-factor"
    assert redirects_to_sign_in(client.get("/reviews"))


def test_the_set_up_page_shows_the_secret_and_a_qr_code(client, make_user):
    person = make_user(Role.REVIEWER, two_factor=False)
    enter_password(client, person)
    response = client.get("/sign-in/set-up-two-factor")
    assert heading(response) == "Set up two-factor sign-in"
    secret = page(response).find(id="totp-secret").get_text(strip=True)
    assert len(base64.b32decode(secret)) >= 16  # a 160-bit secret in base32
    qr_code = page(response).find("img", src=lambda src: src and src.startswith("data:image/svg+xml;base64,"))
    assert qr_code is not None and "QR code" in qr_code["alt"]


def test_a_correct_code_completes_set_up_signs_in_and_is_audited(app, client, make_user):
    person = make_user(Role.REVIEWER, two_factor=False)
    enter_password(client, person)
    secret = page(client.get("/sign-in/set-up-two-factor")).find(id="totp-secret").get_text(strip=True)
    response = submit_form(client, "/sign-in/set-up-two-factor", {"code": pyotp.TOTP(secret).at(clock.now())})
    assert response.headers["Location"] == "/reviews"
    assert heading(client.get("/reviews")) == "Your reviews"
    assert "two_factor.enabled" in audit_actions(app, person.id)


def test_a_wrong_code_during_set_up_is_refused(client, make_user):
    person = make_user(Role.REVIEWER, two_factor=False)
    enter_password(client, person)
    secret = page(client.get("/sign-in/set-up-two-factor")).find(id="totp-secret").get_text(strip=True)
    response = submit_form(client, "/sign-in/set-up-two-factor", {"code": a_wrong_code(secret)})
    assert response.status_code == 200
    assert field_error(response, "code") == "Enter the 6-digit code shown in your authenticator app"
    assert redirects_to_sign_in(client.get("/reviews"))


def test_staff_with_two_factor_must_enter_a_code_after_the_password(client, make_user):
    person = make_user(Role.REVIEWER)
    response = enter_password(client, person)
    assert response.headers["Location"] == "/sign-in/two-factor"
    assert redirects_to_sign_in(client.get("/reviews"))
    response = enter_code(client, current_code(person.totp_secret))
    assert response.headers["Location"] == "/reviews"
    assert client.get("/reviews").status_code == 200


def test_a_wrong_code_is_refused_with_an_error_message(client, make_user):
    person = make_user(Role.REVIEWER)
    enter_password(client, person)
    response = enter_code(client, a_wrong_code(person.totp_secret))
    assert response.status_code == 200
    assert "Enter the current 6-digit code" in field_error(response, "code")
    assert redirects_to_sign_in(client.get("/reviews"))


def test_a_code_that_was_already_used_cannot_be_used_again(client, make_user):
    person = make_user(Role.REVIEWER)
    code = current_code(person.totp_secret)
    enter_password(client, person)
    assert enter_code(client, code).headers["Location"] == "/reviews"
    sign_out(client)

    enter_password(client, person)
    response = enter_code(client, code)
    assert response.status_code == 200
    assert "Each code can only be used once" in field_error(response, "code")
    assert redirects_to_sign_in(client.get("/reviews"))


def test_the_code_from_the_next_step_is_accepted_after_one_was_used(client, make_user):
    person = make_user(Role.REVIEWER)
    enter_password(client, person)
    enter_code(client, current_code(person.totp_secret))
    sign_out(client)

    clock.advance(seconds=30)
    enter_password(client, person)
    response = enter_code(client, current_code(person.totp_secret))
    assert response.headers["Location"] == "/reviews"
    assert client.get("/reviews").status_code == 200


def test_an_applicant_is_never_asked_for_a_code(client, make_user):
    person = make_user(Role.APPLICANT)
    response = enter_password(client, person)
    assert response.headers["Location"] == "/organisation"
    assert client.get("/organisation").status_code == 200


def test_with_two_factor_switched_off_staff_sign_in_with_a_password_and_see_a_demo_banner(make_app, make_user):
    person = make_user(Role.REVIEWER)
    client = make_app(REQUIRE_TWO_FACTOR=False).test_client()
    response = enter_password(client, person)
    assert response.headers["Location"] == "/reviews"
    banner = page(client.get("/reviews")).find(class_="govuk-phase-banner")
    assert banner is not None and "Demo" in banner.get_text()


def test_with_two_factor_required_no_demo_banner_is_shown(client):
    assert page(client.get("/sign-in")).find(class_="govuk-phase-banner") is None


def test_the_code_page_cannot_be_opened_without_the_password_step(client):
    assert redirects_to_sign_in(client.get("/sign-in/two-factor"))
    assert redirects_to_sign_in(client.get("/sign-in/set-up-two-factor"))


def test_the_password_step_lapses_after_ten_minutes(client, make_user):
    person = make_user(Role.REVIEWER)
    enter_password(client, person)
    clock.advance(minutes=10, seconds=1)
    assert redirects_to_sign_in(client.get("/sign-in/two-factor"))
