"""Changing a grant through the pages: the organisation asks for new output targets, a grants
officer decides with a reason, an increase the fund cannot cover is refused without changing
anything, and the officer suspends, resumes and (only once reporting is complete) closes a grant."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from sv_grants.applications.models import PlannedOutput
from sv_grants.extensions import db
from sv_grants.funds.models import Fund
from sv_grants.grants.models import Grant, GrantStatus, InstalmentStatus, Variation, VariationStatus

from ..conftest import sign_in
from ..helpers import error_summary, field_error, heading, page, submit_form
from .factories import Funded, funded


def banners(response: Any) -> list[str]:
    return [" ".join(b.get_text().split()) for b in page(response).select(".govuk-notification-banner__content")]


def signed_in(app: Flask, person: Any) -> FlaskClient:
    client = app.test_client()
    sign_in(client, person)
    return client


@pytest.fixture
def grant(app: Flask, setting: Any, make_user: Any) -> Funded:
    """An accepted £20,000 grant with two output targets: 40 mentoring sessions and 25 young people."""
    return funded(app, setting, make_user)


def targets(app: Flask, application_id: int) -> list[int]:
    with app.app_context():
        return [o.target for o in db.session.scalars(select(PlannedOutput).where(
            PlannedOutput.application_id == application_id).order_by(PlannedOutput.position))]


def variations(app: Flask, grant_id: int) -> list[tuple[str, str, dict]]:
    with app.app_context():
        return [(v.kind, v.status, v.after) for v in db.session.scalars(
            select(Variation).where(Variation.grant_id == grant_id).order_by(Variation.id))]


def grant_state(app: Flask, grant_id: int) -> dict[str, Any]:
    with app.app_context():
        grant = db.session.get(Grant, grant_id)
        return {"status": grant.status, "reason": grant.status_reason, "awarded": grant.awarded_pence,
                "instalments": [(i.amount_pence, i.status) for i in grant.instalments],
                "committed": db.session.get(Fund, grant.fund_id).committed_pence}


def ask(client: FlaskClient, grant_id: int, **data: Any) -> Any:
    return submit_form(client, f"/your-grants/{grant_id}/variations/new", data)


# --- the organisation asks -------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["lots", "0", "-5", "2.5"])
def test_a_target_that_is_not_a_whole_number_above_zero_is_refused_and_kept(app: Flask, grant: Funded,
                                                                            typed: str) -> None:
    applicant = signed_in(app, grant.applicant)

    response = ask(applicant, grant.grant_id, kind="outputs", **{"targets-0": typed, "targets-1": "30"},
                   reason="More young people are being referred")

    assert response.status_code == 400
    message = "Target must be a whole number from 1 to 1,000,000"
    assert field_error(response, "targets-0") == message
    assert error_summary(response) == [message]
    assert page(response).find(id="targets-0")["value"] == typed
    assert page(response).find(id="targets-1")["value"] == "30"
    assert variations(app, grant.grant_id) == []


def test_asking_for_new_targets_without_any_target_is_refused(app: Flask, grant: Funded) -> None:
    applicant = signed_in(app, grant.applicant)

    response = ask(applicant, grant.grant_id, kind="outputs", **{"targets-0": "", "targets-1": ""},
                   reason="More young people are being referred")

    assert response.status_code == 400
    assert "Enter at least one new target" in error_summary(response)
    assert variations(app, grant.grant_id) == []


def test_asking_for_a_change_needs_a_reason(app: Flask, grant: Funded) -> None:
    applicant = signed_in(app, grant.applicant)

    response = ask(applicant, grant.grant_id, kind="outputs", **{"targets-0": "50", "targets-1": ""}, reason="")

    assert response.status_code == 400
    assert field_error(response, "reason") == "Enter why the change is needed"
    assert error_summary(response) == ["Enter why the change is needed"]
    assert page(response).find(id="targets-0")["value"] == "50"
    assert variations(app, grant.grant_id) == []


def test_a_bad_target_is_reported_even_when_the_reason_is_also_missing(app: Flask, grant: Funded) -> None:
    """GOV.UK forms show every error at once, so the applicant is not sent round twice."""
    applicant = signed_in(app, grant.applicant)

    response = ask(applicant, grant.grant_id, kind="outputs", **{"targets-0": "lots", "targets-1": ""}, reason="")

    assert response.status_code == 400
    assert field_error(response, "reason") == "Enter why the change is needed"
    assert field_error(response, "targets-0") == "Target must be a whole number from 1 to 1,000,000"


def test_the_officer_approves_new_targets_with_a_reason_and_the_targets_change(app: Flask, grant: Funded) -> None:
    applicant = signed_in(app, grant.applicant)
    asked = ask(applicant, grant.grant_id, kind="outputs", **{"targets-0": "50", "targets-1": ""},
                reason="More young people are being referred")
    assert asked.status_code == 302 and asked.headers["Location"].endswith(f"/your-grants/{grant.grant_id}")
    assert ("The change has been recorded. A grants officer will approve or refuse it."
            in banners(applicant.get(asked.headers["Location"])))
    assert targets(app, grant.application_id) == [40, 25]  # nothing changes until it is approved
    [(kind, status, _)] = variations(app, grant.grant_id)
    assert (kind, status) == ("outputs", VariationStatus.REQUESTED)

    officer = signed_in(app, grant.officer)
    grant_page = officer.get(f"/grants/{grant.grant_id}")
    changes = page(grant_page).find("caption", string="Changes to the grant").find_parent("table")
    row = " ".join(changes.select_one("tbody tr").get_text().split())
    assert "Output targets: Mentoring sessions delivered 40; Young people completing the programme 25 to " \
           "Mentoring sessions delivered 50" in row
    assert "More young people are being referred" in row and "Requested" in row
    [decide] = [link for link in changes.select("a") if link.get_text().startswith("Decide")]

    no_reason = submit_form(officer, decide["href"], {"decision": "approve", "decision_reason": ""})
    assert no_reason.status_code == 400
    assert field_error(no_reason, "decision_reason") == "Enter the reason for your decision"
    assert targets(app, grant.application_id) == [40, 25]

    decided = submit_form(officer, decide["href"], {"decision": "approve",
                                                    "decision_reason": "Referrals have doubled"})

    assert decided.status_code == 302 and decided.headers["Location"].endswith(f"/grants/{grant.grant_id}")
    assert "The variation has been approved." in banners(officer.get(decided.headers["Location"]))
    assert targets(app, grant.application_id) == [50, 25]
    assert variations(app, grant.grant_id)[0][1] == VariationStatus.APPROVED
    applicant_view = applicant.get(f"/your-grants/{grant.grant_id}").get_data(as_text=True)
    assert "Approved: Referrals have doubled" in applicant_view
    assert page(officer.get(f"/grants/{grant.grant_id}")).find("a", href=decide["href"]) is None


def test_an_increase_the_fund_cannot_cover_is_refused_on_the_decide_page_and_changes_nothing(
        app: Flask, grant: Funded) -> None:
    applicant = signed_in(app, grant.applicant)
    asked = ask(applicant, grant.grant_id, kind="amount", amount="510000", reason="We have more demand")
    assert asked.status_code == 302
    before = grant_state(app, grant.grant_id)
    assert before["committed"] == 20_000_00  # £480,000 of the £500,000 fund is left
    with app.app_context():
        variation_id = db.session.scalar(select(Variation.id))
    officer = signed_in(app, grant.officer)
    url = f"/grants/{grant.grant_id}/variations/{variation_id}"
    assert "£480,000.00" in officer.get(url).get_data(as_text=True)  # "Left in the fund"

    response = submit_form(officer, url, {"decision": "approve", "decision_reason": "Worth it"})

    assert response.status_code == 400
    message = "There is not enough left in the fund: £480,000.00 remains, and this award needs £490,000.00"
    assert field_error(response, "decision") == message
    assert error_summary(response) == [message]
    assert grant_state(app, grant.grant_id) == before
    assert variations(app, grant.grant_id)[0][1] == VariationStatus.REQUESTED


def test_an_increase_the_fund_can_cover_is_added_to_the_last_unpaid_instalment(app: Flask, grant: Funded) -> None:
    applicant = signed_in(app, grant.applicant)
    ask(applicant, grant.grant_id, kind="amount", amount="25000", reason="We have more demand")
    with app.app_context():
        variation_id = db.session.scalar(select(Variation.id))
    officer = signed_in(app, grant.officer)

    decided = submit_form(officer, f"/grants/{grant.grant_id}/variations/{variation_id}",
                          {"decision": "approve", "decision_reason": "Referrals have doubled"})

    assert decided.status_code == 302
    after = grant_state(app, grant.grant_id)
    assert (after["awarded"], after["committed"]) == (25_000_00, 25_000_00)
    assert [amount for amount, _ in after["instalments"]] == [10_000_00, 5_000_00, 10_000_00]


# --- suspending, resuming and closing --------------------------------------------------------------


def test_the_officer_suspends_and_resumes_a_grant_with_reasons(app: Flask, grant: Funded) -> None:
    officer = signed_in(app, grant.officer)

    no_reason = submit_form(officer, f"/grants/{grant.grant_id}/suspend", {"reason": ""})
    assert no_reason.status_code == 400
    assert field_error(no_reason, "reason") == "Enter the reason"
    assert grant_state(app, grant.grant_id)["status"] == GrantStatus.ACCEPTED

    suspended = submit_form(officer, f"/grants/{grant.grant_id}/suspend", {"reason": "Safeguarding concern raised"})

    assert suspended.status_code == 302
    shown = officer.get(suspended.headers["Location"])
    assert "GR-SVF-2425-0001 has been suspended. Payments have stopped." in banners(shown)
    assert heading(shown).endswith("Suspended")
    assert "Safeguarding concern raised" in shown.get_data(as_text=True)
    assert grant_state(app, grant.grant_id)["status"] == GrantStatus.SUSPENDED
    assert heading(signed_in(app, grant.applicant).get(f"/your-grants/{grant.grant_id}")).endswith("Suspended")

    finance = signed_in(app, grant.finance2)
    with app.app_context():
        instalment_id = db.session.get(Grant, grant.grant_id).instalments[0].id
    submit_form(finance, "/payments", {}, action=f"/payments/{instalment_id}/approve")
    assert ("GR-SVF-2425-0001 instalment 1: Grant GR-SVF-2425-0001 is suspended, so nothing can be paid on it."
            in banners(finance.get("/payments")))
    assert grant_state(app, grant.grant_id)["instalments"][0] == (10_000_00, InstalmentStatus.DUE)

    assert submit_form(officer, f"/grants/{grant.grant_id}/resume", {"reason": ""}).status_code == 400
    assert grant_state(app, grant.grant_id)["status"] == GrantStatus.SUSPENDED
    resumed = submit_form(officer, f"/grants/{grant.grant_id}/resume", {"reason": "Concern investigated, no case"})

    assert resumed.status_code == 302
    assert "GR-SVF-2425-0001 has been resumed." in banners(officer.get(resumed.headers["Location"]))
    assert grant_state(app, grant.grant_id)["status"] == GrantStatus.ACCEPTED
    assert grant_state(app, grant.grant_id)["reason"] == "Concern investigated, no case"
    submit_form(finance, "/payments", {}, action=f"/payments/{instalment_id}/approve")
    assert grant_state(app, grant.grant_id)["instalments"][0] == (10_000_00, InstalmentStatus.APPROVED)


def test_a_grant_cannot_be_closed_before_its_final_return_is_accepted(app: Flask, grant: Funded) -> None:
    officer = signed_in(app, grant.officer)
    assert page(officer.get(f"/grants/{grant.grant_id}")).find("a", href=f"/grants/{grant.grant_id}/close") is None
    before = grant_state(app, grant.grant_id)

    response = submit_form(officer, f"/grants/{grant.grant_id}/close", {"clawback": "", "clawback_reason": ""})

    assert response.status_code == 400
    message = "The grant can be closed once its final return has been accepted"
    assert field_error(response, "clawback") == message
    assert error_summary(response) == [message]
    assert grant_state(app, grant.grant_id) == before
