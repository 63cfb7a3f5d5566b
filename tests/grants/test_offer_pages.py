"""Offers through the pages: the officer sees approved applications waiting, makes the offer (every
member of the organisation is emailed), the applicant accepts it once with all three confirmations,
the officer reshapes the payment schedule only before acceptance, and an offer left too long is
flagged and can be withdrawn, giving the award back to the fund."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from sv_grants.applications.models import Application
from sv_grants.auth.models import Role
from sv_grants.dates import clock
from sv_grants.extensions import db
from sv_grants.funds.models import Fund
from sv_grants.grants.models import Grant, GrantStatus, InstalmentStatus
from sv_grants.organisations.models import Membership

from ..conftest import sign_in
from ..helpers import Outbox, error_summary, field_error, heading, page, submit_form
from .factories import approved_application, offer

CONFIRMATIONS = ["authorised", "terms", "reporting"]
START, END = ["1", "4", "2025"], ["31", "3", "2026"]


def banners(response: Any) -> list[str]:
    """The text of the notification banners (flashed messages) on a page."""
    return [" ".join(b.get_text().split()) for b in page(response).select(".govuk-notification-banner__content")]


def signed_in(app: Flask, person: Any) -> FlaskClient:
    client = app.test_client()
    sign_in(client, person)
    return client


@dataclass
class Cast:
    application_id: int
    organisation_id: int
    applicant: Any
    colleague: Any
    officer: Any
    offerer: Any


@pytest.fixture
def cast(app: Flask, setting: Any, make_user: Any) -> Cast:
    """An approved, notified £20,000 application; the organisation has two members, and a second
    grants officer (not the one who decided it) will make the offer."""
    applicant = make_user(Role.APPLICANT, name="Ada Applicant")
    colleague = make_user(Role.APPLICANT, name="Cal Colleague")
    officer = make_user(Role.GRANTS_OFFICER, name="Olu Officer")
    offerer = make_user(Role.GRANTS_OFFICER, name="Ola Offerer")
    reviewer = make_user(Role.REVIEWER, name="Rae Reviewer")
    application_id = approved_application(app, setting, applicant.id, officer.id, reviewer.id)
    with app.app_context():
        organisation_id = db.session.get(Application, application_id).organisation_id
        db.session.add(Membership(organisation_id=organisation_id, user_id=colleague.id))
        db.session.commit()
    return Cast(application_id, organisation_id, applicant, colleague, officer, offerer)


def the_grant(app: Flask) -> Grant | None:
    with app.app_context():
        grant = db.session.scalar(db.select(Grant))
        if grant is not None:
            db.session.expunge(grant)
        return grant


def grant_row(app: Flask, grant_id: int) -> dict[str, Any]:
    with app.app_context():
        grant = db.session.get(Grant, grant_id)
        return {"status": grant.status, "accepted_at": grant.accepted_at, "acceptance_name": grant.acceptance_name,
                "schedule": [(i.amount_pence, i.trigger, i.after_return) for i in grant.instalments],
                "instalments": [i.status for i in grant.instalments]}


# --- making the offer ------------------------------------------------------------------------------


def test_the_grants_list_shows_approved_applications_waiting_for_an_offer(app: Flask, cast: Cast) -> None:
    officer = signed_in(app, cast.offerer)

    listing = officer.get("/grants")

    assert listing.status_code == 200
    waiting = page(listing).find("a", href=f"/applications/{cast.application_id}/offer")
    assert waiting is not None, "no 'Make an offer' link for the approved application"
    assert "SVF-2425-0001 – Eastside Youth Trust" in waiting.parent.get_text()
    assert "No grants have been offered yet." in listing.get_data(as_text=True)

    offer(app, cast.application_id, cast.offerer.id)
    listing = officer.get("/grants")
    assert page(listing).find("a", href=f"/applications/{cast.application_id}/offer") is None
    assert "There are no approved applications waiting for an offer." in listing.get_data(as_text=True)
    assert "GR-SVF-2425-0001" in listing.get_data(as_text=True)


def test_an_offer_without_dates_is_refused_with_the_message_by_each_field(app: Flask, cast: Cast) -> None:
    officer = signed_in(app, cast.offerer)

    response = submit_form(officer, f"/applications/{cast.application_id}/offer",
                           {"start_date": ["", "", ""], "end_date": ["", "", ""]})

    assert response.status_code == 400
    assert field_error(response, "start_date") == "Enter the start date"
    assert field_error(response, "end_date") == "Enter the end date"
    assert error_summary(response) == ["Enter the start date", "Enter the end date"]
    assert the_grant(app) is None


def test_an_offer_ending_before_it_starts_is_refused_and_keeps_what_was_typed(app: Flask, cast: Cast) -> None:
    officer = signed_in(app, cast.offerer)

    response = submit_form(officer, f"/applications/{cast.application_id}/offer",
                           {"start_date": ["1", "4", "2026"], "end_date": ["31", "3", "2026"]})

    assert response.status_code == 400
    assert field_error(response, "end_date") == "End date must be after the start date"
    assert error_summary(response) == ["End date must be after the start date"]
    form = page(response)
    assert [form.find(id=f"start_date-{part}")["value"] for part in ("day", "month", "year")] == ["1", "4", "2026"]
    assert [form.find(id=f"end_date-{part}")["value"] for part in ("day", "month", "year")] == ["31", "3", "2026"]
    assert the_grant(app) is None


def test_making_the_offer_emails_every_member_with_a_link_to_the_grant(app: Flask, cast: Cast,
                                                                        outbox: Outbox) -> None:
    officer = signed_in(app, cast.offerer)

    response = submit_form(officer, f"/applications/{cast.application_id}/offer",
                           {"start_date": START, "end_date": END})

    grant = the_grant(app)
    assert grant is not None and grant.status == GrantStatus.OFFERED
    assert (grant.start_date, grant.end_date, grant.awarded_pence) == (date(2025, 4, 1), date(2026, 3, 31), 20_000_00)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/grants/{grant.id}")
    shown = officer.get(response.headers["Location"])
    assert "Offer GR-SVF-2425-0001 has been made. The organisation has been emailed." in " ".join(banners(shown))

    offers = [m for m in outbox.messages() if m["Subject"] == "Grant offer GR-SVF-2425-0001"]
    assert sorted(m["To"] for m in offers) == sorted([cast.applicant.email, cast.colleague.email])
    for message in offers:
        assert f"/your-grants/{grant.id}" in outbox.body(message)
    assert outbox.link_in_last(cast.colleague.email) == f"/your-grants/{grant.id}"


def test_the_applicants_dashboard_invites_them_to_read_and_accept_the_offer(app: Flask, cast: Cast) -> None:
    grant_id = offer(app, cast.application_id, cast.offerer.id)
    applicant = signed_in(app, cast.applicant)

    dashboard = applicant.get("/organisation")

    link = page(dashboard).find("a", href=f"/your-grants/{grant_id}")
    assert link is not None and "Read and accept the offer" in link.get_text()
    assert "You have been offered a grant of £20,000.00" in dashboard.get_data(as_text=True)


# --- accepting it ----------------------------------------------------------------------------------


def test_accepting_without_all_three_confirmations_is_refused(app: Flask, cast: Cast) -> None:
    grant_id = offer(app, cast.application_id, cast.offerer.id)
    applicant = signed_in(app, cast.applicant)

    response = submit_form(applicant, f"/your-grants/{grant_id}/accept",
                           {"name": "Pat Chair", "role": "Chair of trustees", "confirmations": ["authorised", "terms"]})

    assert response.status_code == 400
    assert field_error(response, "confirmations") == "Confirm all three statements to accept the grant"
    assert error_summary(response) == ["Confirm all three statements to accept the grant"]
    assert grant_row(app, grant_id)["status"] == GrantStatus.OFFERED
    assert grant_row(app, grant_id)["accepted_at"] is None


def test_accepting_with_the_confirmations_shows_the_reference_and_tells_the_officer(
        app: Flask, cast: Cast, outbox: Outbox) -> None:
    grant_id = offer(app, cast.application_id, cast.offerer.id)
    applicant = signed_in(app, cast.applicant)

    response = submit_form(applicant, f"/your-grants/{grant_id}/accept",
                           {"name": "Pat Chair", "role": "Chair of trustees", "confirmations": CONFIRMATIONS})

    assert response.status_code == 302 and response.headers["Location"].endswith(f"/your-grants/{grant_id}/accepted")
    confirmation = applicant.get(response.headers["Location"])
    assert "Grant accepted" in confirmation.get_data(as_text=True)
    assert "GR-SVF-2425-0001" in page(confirmation).select_one(".govuk-panel").get_text()
    row = grant_row(app, grant_id)
    assert row["status"] == GrantStatus.ACCEPTED and row["acceptance_name"] == "Pat Chair"
    assert row["instalments"][0] == InstalmentStatus.DUE

    told = outbox.last(cast.offerer.email)
    assert told["Subject"] == "Grant offer GR-SVF-2425-0001 accepted"
    assert outbox.link_in_last(cast.offerer.email) == f"/grants/{grant_id}"
    assert not [m for m in outbox.messages() if m["To"] == cast.officer.email and "accepted" in m["Subject"]]


def test_accepting_again_says_it_is_already_accepted_and_changes_nothing(app: Flask, cast: Cast,
                                                                         outbox: Outbox) -> None:
    grant_id = offer(app, cast.application_id, cast.offerer.id)
    applicant = signed_in(app, cast.applicant)
    accept_page = applicant.get(f"/your-grants/{grant_id}/accept")
    token = page(accept_page).find("input", attrs={"name": "csrf_token"})["value"]
    first = {"name": "Pat Chair", "role": "Chair of trustees", "confirmations": CONFIRMATIONS, "csrf_token": token}
    assert applicant.post(f"/your-grants/{grant_id}/accept", data=first).status_code == 302
    before = grant_row(app, grant_id)
    emails = len(outbox.messages())
    clock.advance(minutes=5)

    again = applicant.post(f"/your-grants/{grant_id}/accept", data={**first, "name": "Someone Else"})

    assert again.status_code == 302 and again.headers["Location"].endswith(f"/your-grants/{grant_id}")
    assert "This offer has already been accepted." in banners(applicant.get(again.headers["Location"]))
    assert grant_row(app, grant_id) == before
    assert len(outbox.messages()) == emails


# --- the payment schedule --------------------------------------------------------------------------


def schedule_data(*rows: tuple[str, str]) -> dict[str, str]:
    data = {}
    for n, (amount, when) in enumerate(rows):
        data[f"instalments-{n}-amount"] = amount
        data[f"instalments-{n}-when"] = when
    return data


def test_a_schedule_that_does_not_add_up_is_refused_naming_the_difference(app: Flask, cast: Cast) -> None:
    grant_id = offer(app, cast.application_id, cast.offerer.id)
    before = grant_row(app, grant_id)["schedule"]
    officer = signed_in(app, cast.offerer)

    response = submit_form(officer, f"/grants/{grant_id}/schedule", schedule_data(
        ("10000", "on_acceptance"), ("5000", "after_return:2"), ("4000", "final_return")))

    assert response.status_code == 400
    message = ("The instalments add up to £19,000.00, which is £1,000.00 short of the £20,000.00 award")
    assert page(response).find(id="schedule-error").get_text(" ", strip=True).endswith(message)
    assert message in error_summary(response)
    assert [page(response).find(id=f"instalments-{n}-amount")["value"] for n in range(3)] == ["10000", "5000", "4000"]
    assert grant_row(app, grant_id)["schedule"] == before


@pytest.mark.parametrize(("amount", "shown"), [("-1", "-1"), ("ten thousand", "ten thousand")])
def test_a_negative_or_non_numeric_instalment_is_refused(app: Flask, cast: Cast, amount: str, shown: str) -> None:
    grant_id = offer(app, cast.application_id, cast.offerer.id)
    before = grant_row(app, grant_id)["schedule"]
    officer = signed_in(app, cast.offerer)

    response = submit_form(officer, f"/grants/{grant_id}/schedule", schedule_data(
        (amount, "on_acceptance"), ("20000", "final_return")))

    assert response.status_code == 400
    assert field_error(response, "instalments-0-amount"), "no message by the bad amount"
    assert error_summary(response), "no error summary"
    assert page(response).find(id="instalments-0-amount")["value"] == shown
    assert grant_row(app, grant_id)["schedule"] == before


def test_add_an_instalment_adds_a_row_and_keeps_the_others(app: Flask, cast: Cast) -> None:
    grant_id = offer(app, cast.application_id, cast.offerer.id)
    officer = signed_in(app, cast.offerer)
    assert len(page(officer.get(f"/grants/{grant_id}/schedule")).select("fieldset")) == 3

    response = submit_form(officer, f"/grants/{grant_id}/schedule", {**schedule_data(
        ("10000", "on_acceptance"), ("5000", "after_return:2"), ("5000", "final_return")), "add": "1"})

    assert response.status_code == 200
    form = page(response)
    assert [legend.get_text(strip=True) for legend in form.select("fieldset legend")] == [
        "Instalment 1", "Instalment 2", "Instalment 3", "Instalment 4"]
    assert [form.find(id=f"instalments-{n}-amount")["value"] for n in range(3)] == ["10000", "5000", "5000"]
    assert form.find(id="instalments-3-amount") is not None
    assert len(grant_row(app, grant_id)["schedule"]) == 3  # nothing saved yet


def test_adding_an_instalment_beyond_the_twelve_allowed_is_refused_not_a_crash(app: Flask, cast: Cast) -> None:
    grant_id = offer(app, cast.application_id, cast.offerer.id)
    before = grant_row(app, grant_id)["schedule"]
    officer = signed_in(app, cast.offerer)
    twelve = [("2000", "on_acceptance")] + [("1500", f"after_return:{n % 4 + 1}") for n in range(10)] + [
        ("3000", "final_return")]

    response = submit_form(officer, f"/grants/{grant_id}/schedule", {**schedule_data(*twelve), "add": "1"})

    assert response.status_code == 400
    assert error_summary(response), "no message saying twelve instalments is the most"
    form = page(response)
    assert len(form.select("fieldset")) == 12
    assert [form.find(id=f"instalments-{n}-amount")["value"] for n in (0, 1, 11)] == ["2000", "1500", "3000"]
    assert grant_row(app, grant_id)["schedule"] == before


def test_a_schedule_that_adds_up_is_saved_and_shown_on_the_grant(app: Flask, cast: Cast) -> None:
    grant_id = offer(app, cast.application_id, cast.offerer.id)
    officer = signed_in(app, cast.offerer)

    response = submit_form(officer, f"/grants/{grant_id}/schedule", schedule_data(
        ("8000", "on_acceptance"), ("4000", "after_return:1"), ("4000", "after_return:3"),
        ("4,000.00", "final_return")))

    assert response.status_code == 302 and response.headers["Location"].endswith(f"/grants/{grant_id}")
    assert grant_row(app, grant_id)["schedule"] == [
        (8_000_00, "on_acceptance", None), (4_000_00, "after_return", 1), (4_000_00, "after_return", 3),
        (4_000_00, "final_return", None)]
    shown = officer.get(f"/grants/{grant_id}")
    assert "The payment schedule has been saved." in " ".join(banners(shown))
    payments = page(shown).find("caption", string="Payments").find_parent("table")
    amounts = [row.select("td")[2].get_text(strip=True) for row in payments.select("tbody tr")]
    assert amounts == ["£8,000.00", "£4,000.00", "£4,000.00", "£4,000.00"]


def test_after_acceptance_the_schedule_page_sends_the_officer_back_with_a_message(app: Flask, cast: Cast) -> None:
    grant_id = offer(app, cast.application_id, cast.offerer.id)
    applicant = signed_in(app, cast.applicant)
    submit_form(applicant, f"/your-grants/{grant_id}/accept",
                {"name": "Pat Chair", "role": "Chair", "confirmations": CONFIRMATIONS})
    officer = signed_in(app, cast.offerer)
    before = grant_row(app, grant_id)["schedule"]

    opened = officer.get(f"/grants/{grant_id}/schedule")

    assert opened.status_code == 302 and opened.headers["Location"].endswith(f"/grants/{grant_id}")
    assert ("The payment schedule can only be changed before the offer is accepted."
            in banners(officer.get(opened.headers["Location"])))
    token = page(officer.get(f"/grants/{grant_id}")).find("input", attrs={"name": "csrf_token"})["value"]
    posted = officer.post(f"/grants/{grant_id}/schedule",
                          data={**schedule_data(("20000", "on_acceptance")), "csrf_token": token})
    assert posted.status_code == 302
    assert grant_row(app, grant_id)["schedule"] == before


# --- an offer left too long ------------------------------------------------------------------------


def test_an_offer_not_accepted_in_time_is_flagged_to_officers(app: Flask, cast: Cast) -> None:
    grant_id = offer(app, cast.application_id, cast.offerer.id)
    officer = signed_in(app, cast.offerer)
    assert "Needs your attention" not in officer.get("/grants").get_data(as_text=True)
    assert "Not accepted in time" not in officer.get("/grants").get_data(as_text=True)

    clock.advance(days=31)
    officer = signed_in(app, cast.offerer)  # the old session has long expired

    listing = officer.get("/grants")
    assert "Needs your attention" in listing.get_data(as_text=True)
    assert "Offer GR-SVF-2425-0001 to Eastside Youth Trust was not accepted by" in listing.get_data(as_text=True)
    assert "Not accepted in time" in listing.get_data(as_text=True)
    home = officer.get("/officer")
    assert "Needs your attention" in home.get_data(as_text=True)
    link = page(home).find("a", href=f"/grants/{grant_id}")
    assert link is not None and "Chase or withdraw it" in link.get_text()
    assert "This offer was not accepted by" in officer.get(f"/grants/{grant_id}").get_data(as_text=True)


def test_withdrawing_needs_a_reason(app: Flask, cast: Cast) -> None:
    grant_id = offer(app, cast.application_id, cast.offerer.id)
    officer = signed_in(app, cast.offerer)

    response = submit_form(officer, f"/grants/{grant_id}/withdraw", {"reason": "  "})

    assert response.status_code == 400
    assert field_error(response, "reason") == "Enter the reason"
    assert error_summary(response) == ["Enter the reason"]
    assert grant_row(app, grant_id)["status"] == GrantStatus.OFFERED


def test_withdrawing_an_overdue_offer_releases_the_award_and_stops_the_applicant_accepting(
        app: Flask, cast: Cast, setting: Any) -> None:
    grant_id = offer(app, cast.application_id, cast.offerer.id)
    with app.app_context():
        committed_before = db.session.get(Fund, setting.fund_id).committed_pence
    assert committed_before >= 20_000_00
    clock.advance(days=31)
    officer = signed_in(app, cast.offerer)
    applicant = signed_in(app, cast.applicant)
    accept_page = applicant.get(f"/your-grants/{grant_id}/accept")
    assert accept_page.status_code == 200  # late, but not yet withdrawn
    token = page(accept_page).find("input", attrs={"name": "csrf_token"})["value"]

    response = submit_form(officer, f"/grants/{grant_id}/withdraw", {"reason": "Not accepted in time"})

    assert response.status_code == 302
    assert "GR-SVF-2425-0001 has been withdrawn." in banners(officer.get(response.headers["Location"]))
    row = grant_row(app, grant_id)
    assert row["status"] == GrantStatus.WITHDRAWN
    assert set(row["instalments"]) == {InstalmentStatus.CANCELLED}
    with app.app_context():
        assert db.session.get(Fund, setting.fund_id).committed_pence == committed_before - 20_000_00
    assert "Needs your attention" not in officer.get("/grants").get_data(as_text=True)

    late = applicant.post(f"/your-grants/{grant_id}/accept", data={
        "name": "Pat Chair", "role": "Chair", "confirmations": CONFIRMATIONS, "csrf_token": token})
    assert late.status_code == 302 and late.headers["Location"].endswith(f"/your-grants/{grant_id}")
    assert "This offer can no longer be accepted." in banners(applicant.get(late.headers["Location"]))
    assert grant_row(app, grant_id)["status"] == GrantStatus.WITHDRAWN
    assert heading(applicant.get(f"/your-grants/{grant_id}")).endswith("Withdrawn")
