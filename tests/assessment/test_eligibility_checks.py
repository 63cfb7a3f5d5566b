"""The grants officer's eligibility and due-diligence check: pass moves the application into
assessment, fail tells the applicant why (never the officer's notes), errors are shown beside the
fields with what was typed kept, a check is recorded once, and only grants officers reach it."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from sv_grants.applications.models import Application, ApplicationStatus
from sv_grants.assessment import checks
from sv_grants.assessment.models import CheckOutcome, EligibilityCheck
from sv_grants.audit.models import AuditEvent
from sv_grants.auth.models import Role, User
from sv_grants.extensions import db
from sv_grants.organisations.models import Organisation

from ..applications.conftest import applicant  # noqa: F401 - the fixture, used by name below
from ..applications.factories import other_applicant, ready_draft, submitted
from ..helpers import Setting, csrf_token, error_summary, field_error, heading, page, submit_form

ALL_ITEMS = ["governing_document", "registration_verified", "accounts_recent", "safeguarding_in_date",
             "amount_and_area_eligible", "no_duplicate_funding"]
NOTES = "Internal: the treasurer sounded unsure about the reserves policy."
REASON = "Your accounts are more than 18 months old. Send accounts for the last financial year and apply again."


@pytest.fixture
def application_id(app: Flask, applicant: FlaskClient, setting: Setting) -> int:  # noqa: F811
    """An application submitted through the applicant's pages, waiting for its check."""
    return submitted(applicant, app, setting)


@pytest.fixture
def officer(login_as: Any) -> FlaskClient:
    return login_as(Role.GRANTS_OFFICER, name="Olive Officer")


def _url(application_id: int) -> str:
    return f"/applications/{application_id}/eligibility-check"


def _status(app: Flask, application_id: int) -> str:
    with app.app_context():
        return db.session.get(Application, application_id).status


def _checks(app: Flask, application_id: int) -> list[EligibilityCheck]:
    with app.app_context():
        found = list(db.session.scalars(select(EligibilityCheck)
                                        .where(EligibilityCheck.application_id == application_id)))
        db.session.expunge_all()
        return found


def _audit(app: Flask, application_id: int) -> list[AuditEvent]:
    with app.app_context():
        found = list(db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "assessment.eligibility_checked", AuditEvent.subject_type == "applications",
            AuditEvent.subject_id == str(application_id))))
        db.session.expunge_all()
        return found


def _text(response: Any) -> str:
    return " ".join(page(response).get_text().split())


def _checked(response: Any, name: str) -> list[str]:
    return [box["value"] for box in page(response).select(f"input[name={name}][checked]")]


def _textarea(response: Any, field_id: str) -> str:
    return page(response).find("textarea", id=field_id).get_text().strip()


# Passing and failing --------------------------------------------------------------------------


def test_passing_moves_the_application_into_assessment(app: Flask, application_id: int, officer: FlaskClient) -> None:
    response = submit_form(officer, _url(application_id),
                           {"items": ALL_ITEMS, "notes": NOTES, "outcome": "pass", "reason": ""})

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/applications/{application_id}/assessment")
    assert _status(app, application_id) == ApplicationStatus.IN_ASSESSMENT
    [check] = _checks(app, application_id)
    assert check.outcome == CheckOutcome.PASSED
    assert check.items == {key: True for key in ALL_ITEMS}
    assert check.notes == NOTES
    assert check.reason == ""
    assert check.checked_by_id == officer.person.id
    assert check.checked_at is not None
    [event] = _audit(app, application_id)
    assert event.actor_id == officer.person.id
    assert event.details["outcome"] == "pass"
    assert event.details["items"] == {key: True for key in ALL_ITEMS}

    hub = officer.get(response.headers["Location"])
    assert hub.status_code == 200
    text = _text(hub)
    assert "passed the check and is now being assessed" in text
    assert "Olive Officer" in text
    assert NOTES in text


def test_failing_marks_it_ineligible_and_tells_the_applicant_why(
        app: Flask, application_id: int, officer: FlaskClient, applicant: FlaskClient) -> None:  # noqa: F811
    ticked = ["governing_document", "registration_verified"]
    response = submit_form(officer, _url(application_id),
                           {"items": ticked, "notes": NOTES, "outcome": "fail", "reason": f"  {REASON}  "})

    assert response.status_code == 302
    assert _status(app, application_id) == ApplicationStatus.INELIGIBLE
    [check] = _checks(app, application_id)
    assert check.outcome == CheckOutcome.FAILED
    assert check.reason == REASON
    assert check.notes == NOTES
    assert check.items == {key: key in ticked for key in ALL_ITEMS}
    [event] = _audit(app, application_id)
    assert event.details["outcome"] == "fail"

    outcome = applicant.get(f"/applications/{application_id}/outcome")
    assert outcome.status_code == 200
    assert heading(outcome) == "Your application is not eligible"
    assert REASON in _text(outcome)
    assert NOTES not in outcome.get_data(as_text=True)

    dashboard = applicant.get("/organisation")
    assert dashboard.status_code == 200
    notice = page(dashboard).find("a", href=f"/applications/{application_id}/outcome")
    assert notice is not None, "no notice on the dashboard linking to the outcome"
    assert "Read the decision" in notice.get_text()
    assert NOTES not in dashboard.get_data(as_text=True)

    shown = applicant.get(f"/applications/{application_id}/view")
    assert shown.status_code == 200
    assert page(shown).find("a", href=f"/applications/{application_id}/outcome") is not None
    assert NOTES not in shown.get_data(as_text=True)


def test_the_applicant_has_no_outcome_page_before_the_check(application_id: int,
                                                            applicant: FlaskClient) -> None:  # noqa: F811
    assert applicant.get(f"/applications/{application_id}/outcome").status_code == 404
    dashboard = applicant.get("/organisation")
    assert page(dashboard).find("a", href=f"/applications/{application_id}/outcome") is None


# Errors ---------------------------------------------------------------------------------------


def test_no_outcome_chosen(app: Flask, application_id: int, officer: FlaskClient) -> None:
    response = submit_form(officer, _url(application_id),
                           {"items": ["governing_document", "accounts_recent"], "notes": NOTES, "reason": "Typed"})

    assert response.status_code == 400
    assert error_summary(response) == ["Select pass or fail"]
    assert field_error(response, "outcome") == "Select pass or fail"
    assert page(response).select_one(".govuk-error-summary__list a")["href"] == "#outcome"
    assert _checked(response, "items") == ["governing_document", "accounts_recent"]
    assert _checked(response, "outcome") == []
    assert _textarea(response, "notes") == NOTES
    assert _textarea(response, "reason") == "Typed"
    assert _status(app, application_id) == ApplicationStatus.SUBMITTED
    assert _checks(app, application_id) == []


def test_failing_without_a_reason(app: Flask, application_id: int, officer: FlaskClient) -> None:
    response = submit_form(officer, _url(application_id),
                           {"items": ["governing_document"], "notes": NOTES, "outcome": "fail", "reason": "   "})

    assert response.status_code == 400
    assert error_summary(response) == ["Enter the reason the applicant will see"]
    assert field_error(response, "reason") == "Enter the reason the applicant will see"
    assert page(response).select_one(".govuk-error-summary__list a")["href"] == "#reason"
    assert _checked(response, "items") == ["governing_document"]
    assert _checked(response, "outcome") == ["fail"]
    assert _textarea(response, "notes") == NOTES
    assert _status(app, application_id) == ApplicationStatus.SUBMITTED
    assert _checks(app, application_id) == []
    assert _audit(app, application_id) == []


def test_passing_with_a_check_unticked(app: Flask, application_id: int, officer: FlaskClient) -> None:
    ticked = ALL_ITEMS[:-1]
    response = submit_form(officer, _url(application_id),
                           {"items": ticked, "notes": NOTES, "outcome": "pass", "reason": "Typed anyway"})

    assert response.status_code == 400
    message = ("An application can only pass when it meets every check: select each one, or record a fail")
    assert error_summary(response) == [message]
    assert field_error(response, "outcome") == message
    assert _checked(response, "items") == ticked
    assert _checked(response, "outcome") == ["pass"]
    assert _textarea(response, "notes") == NOTES
    assert _textarea(response, "reason") == "Typed anyway"
    assert _status(app, application_id) == ApplicationStatus.SUBMITTED
    assert _checks(app, application_id) == []


def test_a_reason_over_300_words_is_refused(app: Flask, application_id: int, officer: FlaskClient) -> None:
    response = submit_form(officer, _url(application_id),
                           {"items": [], "outcome": "fail", "reason": "word " * 301})

    assert response.status_code == 400
    assert field_error(response, "reason").endswith("must be 300 words or fewer")
    assert _status(app, application_id) == ApplicationStatus.SUBMITTED


# Once only ------------------------------------------------------------------------------------


def test_an_application_is_checked_once(app: Flask, application_id: int, officer: FlaskClient,
                                        login_as: Any) -> None:
    form_page = officer.get(_url(application_id))
    token = csrf_token(form_page)
    first = officer.post(_url(application_id), data={"items": ALL_ITEMS, "outcome": "pass", "csrf_token": token})
    assert first.status_code == 302

    # The same officer again (an old tab), and a second officer: neither records a second check.
    again = officer.post(_url(application_id),
                         data={"items": [], "outcome": "fail", "reason": REASON, "csrf_token": token})
    assert again.status_code == 302
    assert again.headers["Location"].endswith(f"/applications/{application_id}/assessment")
    assert "already been checked" in _text(officer.get(again.headers["Location"]))
    second_officer = login_as(Role.GRANTS_OFFICER, name="Second Officer")
    opened = second_officer.get(_url(application_id))
    assert opened.status_code == 302

    [check] = _checks(app, application_id)
    assert check.outcome == CheckOutcome.PASSED
    assert check.checked_by_id == officer.person.id
    assert _status(app, application_id) == ApplicationStatus.IN_ASSESSMENT
    assert len(_audit(app, application_id)) == 1


def test_the_service_refuses_a_second_check(app: Flask, application_id: int, officer: FlaskClient) -> None:
    """Two officers with the page open at once: the second to save is refused by the conditional update."""
    with app.test_request_context():
        actor = db.session.get(User, officer.person.id)
        application = db.session.get(Application, application_id)
        checks.record_check(actor, application, {key: True for key in ALL_ITEMS}, "", CheckOutcome.PASSED, "")
        db.session.commit()
        with pytest.raises(checks.CheckError, match="already been checked"):
            checks.record_check(actor, application, {}, "", CheckOutcome.FAILED, REASON)
        db.session.rollback()
        count = db.session.scalar(select(func.count()).select_from(EligibilityCheck)
                                  .where(EligibilityCheck.application_id == application_id))
    assert count == 1
    assert _status(app, application_id) == ApplicationStatus.IN_ASSESSMENT


# What the officer is shown --------------------------------------------------------------------


def test_findings_name_the_registration_number_and_the_amount(app: Flask, application_id: int,
                                                              officer: FlaskClient) -> None:
    with app.app_context():
        application = db.session.get(Application, application_id)
        assert application.requested_pence == 13_500_50
        organisation = db.session.get(Organisation, application.organisation_id)
        organisation.company_number = "09876543"
        db.session.commit()

    response = officer.get(_url(application_id))

    assert response.status_code == 200
    assert heading(response) == "Check eligibility and due diligence"
    rows = {" ".join(row.th.get_text().split()): " ".join(row.td.get_text().split())
            for row in page(response).select("table tbody tr")}
    registration = rows["Registration verified against the number given"]
    assert "1234567" in registration
    assert "09876543" in registration
    amount = rows["Amount and area eligible"]
    assert "£13,500.50" in amount
    assert "£2,000" in amount and "£50,000" in amount
    assert "outside the limits" not in amount
    assert "constitution.pdf" in rows["Governing document present"]


# Who can reach it -----------------------------------------------------------------------------


def test_applicants_and_reviewers_cannot_reach_the_check(app: Flask, application_id: int, applicant: FlaskClient,  # noqa: F811
                                                         make_user: Any, login_as: Any) -> None:
    stranger = other_applicant(app, make_user)
    reviewer = login_as(Role.REVIEWER, name="Rita Reviewer")
    for client in (applicant, stranger, reviewer):
        assert client.get(_url(application_id)).status_code == 403
        token = csrf_token(client.get("/", follow_redirects=True))  # the sign-out form carries one
        posted = client.post(_url(application_id), data={"items": ALL_ITEMS, "outcome": "pass",
                                                         "csrf_token": token})
        assert posted.status_code == 403
    assert _status(app, application_id) == ApplicationStatus.SUBMITTED
    assert _checks(app, application_id) == []


def test_a_draft_or_unknown_application_is_not_found(app: Flask, applicant: FlaskClient, setting: Setting,  # noqa: F811
                                                     officer: FlaskClient) -> None:
    draft_id = ready_draft(applicant, app, setting)
    assert officer.get(_url(draft_id)).status_code == 404
    assert officer.get(_url(draft_id + 1000)).status_code == 404
    assert officer.get(f"/applications/{draft_id}/assessment").status_code == 404
    assert _status(app, draft_id) == ApplicationStatus.DRAFT
