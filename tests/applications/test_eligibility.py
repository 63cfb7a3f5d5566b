"""The five eligibility questions: an answer that rules the organisation out stops it there with the
reason, a wrong answer is explained, and the answers travel with the application once it starts."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from sv_grants.applications.models import Application
from sv_grants.auth.models import Role
from sv_grants.extensions import db

from ..conftest import sign_in
from ..helpers import csrf_token, error_summary, field_error, heading, page, set_up_organisation, submit_form
from .journey import answer_eligibility, application, start_application


def eligibility_url(organisation_id: int, round_id: int, question: str | None = None) -> str:
    base = f"/organisations/{organisation_id}/rounds/{round_id}/eligibility"
    return f"{base}/{question}" if question else base


def applications_made(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Application))


def words(response: Any) -> str:
    return " ".join(page(response).get_text().split())


@pytest.mark.parametrize(("question", "answer", "why"), [
    ("organisation_type", "other", "This fund is for charities, community groups, community interest companies"),
    ("delivers_locally", "no", "The fund pays only for work delivered in County Durham or Darlington."),
    ("priority", "none", "must address at least one of the four priorities"),
    ("amount", "60000", "This round gives grants of between £2,000 and £50,000. You said you would ask for £60,000."),
    ("start_date", ["1", "1", "2025"], "must start between 1 April 2025 and 31 March 2026. You said yours would "
                                       "start on 1 January 2025."),
])
def test_an_ineligible_answer_stops_the_applicant_and_says_why(
        app: Flask, applicant: FlaskClient, setting: Any, question: str, answer: Any, why: str) -> None:
    response = answer_eligibility(applicant, applicant.organisation_id, setting.round_id, setting.priority_ids[0],
                                  **{question: answer})

    assert heading(response) == "You cannot apply to this round"
    assert why in words(response)
    change = page(response).find("a", string="change your answer")
    assert change is not None
    assert change["href"] == eligibility_url(applicant.organisation_id, setting.round_id, question)
    assert applicant.get(change["href"]).status_code == 200
    # Nothing can be started from the answers: the check page sends the applicant back to that question.
    check = applicant.get(eligibility_url(applicant.organisation_id, setting.round_id))
    assert check.status_code == 302
    assert check.headers["Location"].endswith(eligibility_url(applicant.organisation_id, setting.round_id, question))
    assert applications_made(app) == 0


@pytest.mark.parametrize(("question", "answer", "eligible"), [
    ("amount", "2000", True),
    ("amount", "£50,000.00", True),
    ("amount", "1999.99", False),
    ("amount", "50000.01", False),
    ("start_date", ["1", "4", "2025"], True),
    ("start_date", ["31", "3", "2025"], False),
    ("start_date", ["1", "4", "2026"], False),
], ids=["minimum", "maximum", "below-minimum", "above-maximum", "first-day", "day-before", "after-window"])
def test_the_limits_of_the_round_are_themselves_eligible(
        applicant: FlaskClient, setting: Any, question: str, answer: Any, eligible: bool) -> None:
    response = answer_eligibility(applicant, applicant.organisation_id, setting.round_id, setting.priority_ids[0],
                                  **{question: answer})

    assert heading(response) == ("You can apply" if eligible else "You cannot apply to this round")


@pytest.mark.parametrize(("question", "answer", "message"), [
    ("amount", "", "Enter how much you will ask for, like 15000"),
    ("amount", "lots", "The amount must be an amount of money in pounds, like 15000"),
    ("amount", "15,000.505", "The amount must not have more than 2 decimal places, like 15000.50"),
    ("start_date", ["32", "1", "2025"], "Start date must be a real date, like 27 3 2026"),
    ("start_date", ["", "", ""], "Enter the date the work will start"),
    ("organisation_type", "", "Select what type of organisation is applying"),
])
def test_an_answer_that_cannot_be_understood_is_explained_and_not_kept(
        app: Flask, applicant: FlaskClient, setting: Any, question: str, answer: Any, message: str) -> None:
    url = eligibility_url(applicant.organisation_id, setting.round_id, question)

    response = submit_form(applicant, url, {"answer": answer})

    assert response.status_code in (200, 400)
    assert error_summary(response) == [message]
    assert field_error(response, "answer") == message
    assert page(response).find("form", attrs={"method": "post"}) is not None
    check = applicant.get(eligibility_url(applicant.organisation_id, setting.round_id))
    assert check.status_code == 302  # not every question has a kept answer


def test_the_answers_are_kept_on_the_application_and_prefill_it(
        app: Flask, applicant: FlaskClient, setting: Any) -> None:
    priority_id = setting.priority_ids[2]

    application_id = start_application(applicant, applicant.organisation_id, setting.round_id, priority_id)

    started = application(app, application_id)
    assert started.eligibility == {
        "organisation_type": "registered_charity", "delivers_locally": "yes", "priority": str(priority_id),
        "amount": "1500000", "start_date": "2025-06-01", "priority_id": priority_id}
    assert started.start_date == date(2025, 6, 1)
    with app.app_context():
        found = db.session.get(Application, application_id)
        assert [(p.priority_id, p.is_primary) for p in found.priorities] == [(priority_id, True)]
    delivery = page(applicant.get(f"/applications/{application_id}/sections/delivery"))
    assert [delivery.find(id=f"start_date-{part}")["value"] for part in ("day", "month", "year")] == [
        "01", "06", "2025"]
    priorities = page(applicant.get(f"/applications/{application_id}/sections/priorities"))
    assert priorities.find("input", attrs={"name": "primary", "value": str(priority_id)}).has_attr("checked")


def test_an_organisation_without_complete_details_is_asked_to_add_them_instead_of_starting(
        app: Flask, make_user: Any, setting: Any) -> None:
    person = make_user(Role.APPLICANT)
    client = app.test_client()
    sign_in(client, person)
    organisation_id = set_up_organisation(app, person.id, "Newly Formed Group")

    response = client.get(f"/organisations/{organisation_id}/rounds/{setting.round_id}/apply")

    assert response.status_code == 200
    buttons = [" ".join(b.get_text().split()) for b in page(response).select(".govuk-button")]
    assert buttons == ["Add your organisation's details"]
    assert "Start now" not in words(response)


def test_the_check_page_lists_the_answers_with_change_links_that_come_back_to_it(
        app: Flask, applicant: FlaskClient, setting: Any) -> None:
    check = answer_eligibility(applicant, applicant.organisation_id, setting.round_id, setting.priority_ids[0])
    check_url = eligibility_url(applicant.organisation_id, setting.round_id)

    assert heading(check) == "You can apply"
    rows = page(check).select(".govuk-summary-list__row")
    listed = {" ".join(r.dt.get_text().split()): " ".join(r.dd.get_text().split()) for r in rows}
    assert listed == {
        "Type of organisation": "Registered charity",
        "Delivered in County Durham or Darlington": "Yes",
        "Main priority": "P1: Early intervention",
        "Amount you will ask for": "£15,000",
        "Start date": "1 June 2025",
    }
    changes = {" ".join(r.dt.get_text().split()): r.select_one(".govuk-summary-list__actions a")["href"] for r in rows}
    assert changes["Amount you will ask for"] == (
        eligibility_url(applicant.organisation_id, setting.round_id, "amount") + "?return=check")

    change_page = applicant.get(changes["Amount you will ask for"])
    assert page(change_page).find("input", attrs={"name": "answer"})["value"] == "15000"
    changed = submit_form(applicant, changes["Amount you will ask for"], {"answer": "£20,000.50"})

    assert changed.status_code == 302
    assert changed.headers["Location"].endswith(check_url)
    again = applicant.get(check_url)
    rows = page(again).select(".govuk-summary-list__row")
    listed = {" ".join(r.dt.get_text().split()): " ".join(r.dd.get_text().split()) for r in rows}
    assert listed["Amount you will ask for"] == "£20,000.50"
    assert listed["Start date"] == "1 June 2025"


def test_a_change_link_used_for_an_ineligible_answer_still_stops_the_applicant(
        app: Flask, applicant: FlaskClient, setting: Any) -> None:
    answer_eligibility(applicant, applicant.organisation_id, setting.round_id, setting.priority_ids[0])
    url = eligibility_url(applicant.organisation_id, setting.round_id, "delivers_locally") + "?return=check"

    response = submit_form(applicant, url, {"answer": "no"})

    assert heading(response) == "You cannot apply to this round"
    token = csrf_token(applicant.get("/organisation"))
    started = applicant.post(eligibility_url(applicant.organisation_id, setting.round_id), data={"csrf_token": token})
    assert started.status_code == 302
    assert "/eligibility/delivers_locally" in started.headers["Location"]
    assert applications_made(app) == 0
