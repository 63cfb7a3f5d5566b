"""Finance through the pages: one finance officer approves a due instalment and another records it
paid; the payments file is safe to open in a spreadsheet and its download is audited; new bank
details hold payments until finance verify them; and nobody outside finance reaches these pages."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from email.header import decode_header, make_header
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from sv_grants.audit.models import AuditEvent
from sv_grants.auth.models import Role, User
from sv_grants.dates import clock
from sv_grants.extensions import db
from sv_grants.grants.models import Grant, Instalment, InstalmentStatus
from sv_grants.organisations.models import BankAccount, Membership

from ..conftest import sign_in
from ..helpers import Outbox, csrf_token, error_summary, field_error, page, submit_form
from .factories import Funded, accept, approved_application, funded, give_bank_details, offer

HEADER = ["Payee", "Sort code", "Account number", "Amount", "Grant reference", "Cost centre"]


def banners(response: Any) -> list[str]:
    return [" ".join(b.get_text().split()) for b in page(response).select(".govuk-notification-banner__content")]


def signed_in(app: Flask, person: Any) -> FlaskClient:
    client = app.test_client()
    sign_in(client, person)
    return client


def subject(message: Any) -> str:
    return str(make_header(decode_header(message["Subject"])))


def first_instalment(app: Flask, grant_id: int) -> int:
    with app.app_context():
        return db.session.get(Grant, grant_id).instalments[0].id


def instalment_state(app: Flask, instalment_id: int) -> dict[str, Any]:
    with app.app_context():
        instalment = db.session.get(Instalment, instalment_id)
        return {"status": instalment.status, "approved_by_id": instalment.approved_by_id,
                "paid_by_id": instalment.paid_by_id, "paid_on": instalment.paid_on,
                "remittance": instalment.remittance_reference, "paid_pence": instalment.grant.paid_pence}


def approve_on_page(client: FlaskClient, instalment_id: int) -> Any:
    return submit_form(client, "/payments", {}, action=f"/payments/{instalment_id}/approve")


def table(response: Any, caption_start: str) -> list[list[str]]:
    """The rows of the payments page table whose caption starts with ``caption_start``."""
    caption = next(c for c in page(response).select("caption") if c.get_text(strip=True).startswith(caption_start))
    return [[" ".join(td.get_text().split()) for td in row.select("td")]
            for row in caption.find_parent("table").select("tbody tr")]


@pytest.fixture
def grant(app: Flask, setting: Any, make_user: Any) -> Funded:
    """An accepted £20,000 grant with verified bank details: its first £10,000 instalment is due."""
    return funded(app, setting, make_user)


# --- approving and recording a payment -------------------------------------------------------------


def test_the_payments_page_lists_instalments_due_for_approval(app: Flask, grant: Funded) -> None:
    finance = signed_in(app, grant.finance)

    queue = finance.get("/payments")

    assert queue.status_code == 200
    assert table(queue, "Due for approval") == [
        ["GR-SVF-2425-0001", "Eastside Youth Trust", "1: when the offer is accepted", "£10,000.00", "Due", "Approve"]]
    instalment_id = first_instalment(app, grant.grant_id)
    assert page(queue).find("form", action=f"/payments/{instalment_id}/approve") is not None


def test_the_finance_officer_who_approved_a_payment_cannot_record_it_paid(app: Flask, grant: Funded) -> None:
    instalment_id = first_instalment(app, grant.grant_id)
    finance = signed_in(app, grant.finance)

    approved = approve_on_page(finance, instalment_id)

    assert approved.status_code == 302
    assert "£10,000.00 to Eastside Youth Trust is approved for payment." in banners(finance.get("/payments"))
    assert instalment_state(app, instalment_id)["status"] == InstalmentStatus.APPROVED

    response = submit_form(finance, f"/payments/{instalment_id}/paid",
                           {"paid_on": ["2", "4", "2025"], "remittance": "BACS-0001"})

    assert response.status_code == 400
    assert field_error(response, "paid_on") == "You approved this payment, so someone else must record it as paid"
    assert error_summary(response) == ["You approved this payment, so someone else must record it as paid"]
    state = instalment_state(app, instalment_id)
    assert (state["status"], state["paid_by_id"], state["paid_pence"]) == (InstalmentStatus.APPROVED, None, 0)


def test_another_finance_officer_records_the_payment_and_the_organisation_is_told(
        app: Flask, grant: Funded, outbox: Outbox) -> None:
    instalment_id = first_instalment(app, grant.grant_id)
    approve_on_page(signed_in(app, grant.finance), instalment_id)
    recorder = signed_in(app, grant.finance2)
    tomorrow = clock.today_in_london() + timedelta(days=1)

    future = submit_form(recorder, f"/payments/{instalment_id}/paid",
                         {"paid_on": [str(tomorrow.day), str(tomorrow.month), str(tomorrow.year)],
                          "remittance": "BACS-0001"})
    assert future.status_code == 400
    assert field_error(future, "paid_on") == "The payment date must be today or in the past"
    no_reference = submit_form(recorder, f"/payments/{instalment_id}/paid",
                               {"paid_on": ["2", "4", "2025"], "remittance": ""})
    assert no_reference.status_code == 400
    assert field_error(no_reference, "remittance") == "Enter the remittance reference"
    assert "Enter the remittance reference" in error_summary(no_reference)
    assert instalment_state(app, instalment_id)["status"] == InstalmentStatus.APPROVED

    recorded = submit_form(recorder, f"/payments/{instalment_id}/paid",
                           {"paid_on": ["2", "4", "2025"], "remittance": "BACS-0001"})

    assert recorded.status_code == 302
    assert ("Payment of £10,000.00 to Eastside Youth Trust is recorded."
            in banners(recorder.get(recorded.headers["Location"])))
    state = instalment_state(app, instalment_id)
    assert (state["status"], state["paid_by_id"], state["remittance"], state["paid_pence"]) == (
        InstalmentStatus.PAID, grant.finance2.id, "BACS-0001", 10_000_00)
    told = outbox.last(grant.applicant.email)
    assert subject(told) == "Payment of £10,000.00 for grant GR-SVF-2425-0001"
    assert "was made on 2 April 2025" in outbox.body(told)
    assert outbox.link_in_last(grant.applicant.email) == f"/your-grants/{grant.grant_id}"

    applicant_view = signed_in(app, grant.applicant).get(f"/your-grants/{grant.grant_id}")
    first_row = [" ".join(td.get_text().split()) for td in page(applicant_view).select("table tbody tr")[0]("td")]
    assert first_row[3:] == ["Paid", "2 April 2025 (ref. BACS-0001)"]


def test_recording_a_payment_twice_says_it_is_already_paid(app: Flask, grant: Funded, outbox: Outbox) -> None:
    instalment_id = first_instalment(app, grant.grant_id)
    approve_on_page(signed_in(app, grant.finance), instalment_id)
    recorder = signed_in(app, grant.finance2)
    form_page = recorder.get(f"/payments/{instalment_id}/paid")
    data = {"paid_on": ["2", "4", "2025"], "remittance": "BACS-0001", "csrf_token": csrf_token(form_page)}
    assert recorder.post(f"/payments/{instalment_id}/paid", data=data).status_code == 302
    emails = len(outbox.messages())

    again = recorder.post(f"/payments/{instalment_id}/paid", data={**data, "remittance": "BACS-0002"})

    assert again.status_code == 302 and again.headers["Location"].endswith("/payments")
    assert "This instalment has already been paid." in banners(recorder.get("/payments"))
    assert recorder.get(f"/payments/{instalment_id}/paid").status_code == 302
    state = instalment_state(app, instalment_id)
    assert (state["remittance"], state["paid_pence"]) == ("BACS-0001", 10_000_00)
    assert len(outbox.messages()) == emails


# --- the payments file -----------------------------------------------------------------------------


def second_grant(app: Flask, setting: Any, make_user: Any, grant: Funded, payee: str) -> int:
    """Another organisation's accepted £5,000 grant, paid to ``payee``; returns its first instalment."""
    applicant = make_user(Role.APPLICANT, name="Wes Westside")
    application_id = approved_application(app, setting, applicant.id, grant.officer.id, grant.reviewer.id,
                                          requested_pence=5_000_00, reference="SVF-2425-0002",
                                          organisation="Westside Boxing Club")
    grant_id = offer(app, application_id, grant.officer.id)
    with app.app_context():
        organisation_id = db.session.get(Grant, grant_id).organisation_id
    give_bank_details(app, organisation_id, applicant.id, verified_by=grant.finance.id, account_name=payee,
                      sort_code="112233", account_number="12345678")
    accept(app, grant_id, applicant.id)
    return first_instalment(app, grant_id)


def csv_rows(response: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).removeprefix("\ufeff"))))


def test_the_payments_file_lists_each_approved_instalment_and_defuses_formulas(
        app: Flask, setting: Any, make_user: Any, grant: Funded) -> None:
    other = second_grant(app, setting, make_user, grant, payee="=HYPERLINK(\"http://evil.example\")")
    finance = signed_in(app, grant.finance)
    approve_on_page(finance, first_instalment(app, grant.grant_id))

    one = finance.get("/payments/approved.csv")

    assert one.status_code == 200 and one.mimetype == "text/csv"
    assert one.data.startswith("\ufeff".encode())  # so Excel reads it as UTF-8
    assert "attachment" in one.headers["Content-Disposition"]
    assert csv_rows(one) == [HEADER, ["Eastside Youth Trust", "309430", "00733445", "10000.00", "GR-SVF-2425-0001", ""]]

    approve_on_page(finance, other)
    two = csv_rows(finance.get("/payments/approved.csv"))

    assert len(two) == 3
    westside = next(row for row in two if row[4] == "GR-SVF-2425-0002")
    assert westside[0] == "'=HYPERLINK(\"http://evil.example\")"
    assert westside[3] == "2500.00"  # half of £5,000, on acceptance


def test_downloading_the_payments_file_is_audited(app: Flask, grant: Funded) -> None:
    finance = signed_in(app, grant.finance)
    approve_on_page(finance, first_instalment(app, grant.grant_id))

    assert finance.get("/payments/approved.csv").status_code == 200

    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "payment.file_downloaded")).all()
        assert [(e.actor_id, e.details["rows"], e.details["total_pence"]) for e in events] == [
            (grant.finance.id, 1, 10_000_00)]


# --- bank details ----------------------------------------------------------------------------------


def test_bank_details_are_checked_for_shape_with_messages_by_the_fields(app: Flask, setting: Any,
                                                                         make_user: Any) -> None:
    grant = funded(app, setting, make_user, bank_verified=False)
    applicant = signed_in(app, grant.applicant)
    url = f"/organisations/{grant.organisation_id}/bank-details"

    response = submit_form(applicant, url, {"account_name": "", "sort_code": "12-34", "account_number": "12ab5"})

    assert response.status_code == 400
    assert field_error(response, "account_name") == "Enter the name on the account"
    assert field_error(response, "sort_code") == "Enter a valid sort code like 309430"
    assert field_error(response, "account_number") == "Enter a valid account number like 00733445"
    assert error_summary(response) == ["Enter the name on the account", "Enter a valid sort code like 309430",
                                       "Enter a valid account number like 00733445"]
    for number in ("12345", "123456789"):
        response = submit_form(applicant, url, {"account_name": "Eastside", "sort_code": "1234567",
                                                "account_number": number})
        assert field_error(response, "sort_code") == "Enter a valid sort code like 309430"
        assert field_error(response, "account_number") == "Enter a valid account number like 00733445"
    with app.app_context():
        assert db.session.scalars(select(BankAccount)).all() == []

    six_digits = submit_form(applicant, url, {"account_name": "Eastside Youth Trust", "sort_code": "12 34 56",
                                              "account_number": "123456"})
    assert six_digits.status_code == 302
    with app.app_context():
        saved = db.session.scalars(select(BankAccount)).one()
        assert (saved.sort_code, saved.account_number) == ("123456", "00123456")


def test_saved_bank_details_are_only_ever_shown_masked(app: Flask, setting: Any, make_user: Any) -> None:
    grant = funded(app, setting, make_user, bank_verified=False)
    applicant = signed_in(app, grant.applicant)
    url = f"/organisations/{grant.organisation_id}/bank-details"

    saved = submit_form(applicant, url, {"account_name": "Eastside Youth Trust", "sort_code": "30-94-30",
                                         "account_number": "0073 3445"})

    assert saved.status_code == 302
    for shown in (applicant.get(url), applicant.get(f"/your-grants/{grant.grant_id}")):
        text = shown.get_data(as_text=True)
        assert "****3445" in text and "**-**-30" in text
        assert "00733445" not in text and "309430" not in text and "30-94-30" not in text
    form = page(applicant.get(url))
    assert not form.find(id="account_number").get("value") and not form.find(id="sort_code").get("value")


def test_new_bank_details_email_every_member_and_hold_due_payments_until_verified(
        app: Flask, grant: Funded, outbox: Outbox) -> None:
    colleague_email = "colleague@example.org"
    add_member(app, grant, colleague_email)
    instalment_id = first_instalment(app, grant.grant_id)
    applicant = signed_in(app, grant.applicant)
    earlier = len(outbox.messages())

    submit_form(applicant, f"/organisations/{grant.organisation_id}/bank-details",
                {"account_name": "Eastside Youth Trust", "sort_code": "112233", "account_number": "87654321"})

    changed = [m for m in outbox.messages()[earlier:]
               if m["Subject"] == "Bank details changed for Eastside Youth Trust"]
    assert sorted(m["To"] for m in changed) == sorted([grant.applicant.email, colleague_email])
    assert "account ending 4321" in outbox.body(changed[0])
    assert instalment_state(app, instalment_id)["status"] == InstalmentStatus.ON_HOLD

    finance = signed_in(app, grant.finance)
    queue = finance.get("/payments")
    assert sorted(table(queue, "On hold")) == [  # every unpaid instalment, not only the one due
        ["GR-SVF-2425-0001", "Eastside Youth Trust", "1: when the offer is accepted", "£10,000.00", "On hold", ""],
        ["GR-SVF-2425-0001", "Eastside Youth Trust", "2: after quarterly return 2 is accepted", "£5,000.00",
         "On hold", ""],
        ["GR-SVF-2425-0001", "Eastside Youth Trust", "3: after the final return is accepted", "£5,000.00",
         "On hold", ""]]
    assert table(queue, "Due for approval") == [["No instalments are waiting for approval."]]
    refused = approve_on_page(finance, instalment_id)
    assert refused.status_code == 302
    assert ("GR-SVF-2425-0001 instalment 1: This instalment is on hold until the organisation's new bank details "
            "are verified." in banners(finance.get("/payments")))
    assert instalment_state(app, instalment_id)["status"] == InstalmentStatus.ON_HOLD


def add_member(app: Flask, grant: Funded, email: str) -> int:
    """A second member of the grant's organisation; returns their id."""
    with app.app_context():
        user = User(email=email, name="Cal Colleague", password_hash="x", is_active=True)
        db.session.add(user)
        db.session.flush()
        db.session.add(Membership(organisation_id=grant.organisation_id, user_id=user.id))
        db.session.commit()
        return user.id


def newest_account(app: Flask, organisation_id: int) -> int:
    with app.app_context():
        return db.session.scalar(select(BankAccount.id).where(BankAccount.organisation_id == organisation_id)
                                 .order_by(BankAccount.id.desc()))


def test_finance_verify_new_bank_details_with_a_method_and_confirmation_and_payments_are_released(
        app: Flask, grant: Funded) -> None:
    instalment_id = first_instalment(app, grant.grant_id)
    submit_form(signed_in(app, grant.applicant), f"/organisations/{grant.organisation_id}/bank-details",
                {"account_name": "Eastside Youth Trust", "sort_code": "112233", "account_number": "87654321"})
    account_id = newest_account(app, grant.organisation_id)
    finance = signed_in(app, grant.finance)
    verify_link = page(finance.get("/payments")).find("a", href=f"/bank-details/{account_id}/verify")
    assert verify_link is not None and "Verify" in verify_link.get_text()

    response = submit_form(finance, f"/bank-details/{account_id}/verify", {"method": "", "note": ""})

    assert response.status_code == 400
    assert field_error(response, "method") == "Say how you verified the bank details"
    assert field_error(response, "confirm") == ("Confirm that you checked the details using contact details you "
                                                "already held")
    assert len(error_summary(response)) == 2
    unconfirmed = submit_form(finance, f"/bank-details/{account_id}/verify",
                              {"method": "Phoned the treasurer on the number in the accounts"})
    assert unconfirmed.status_code == 400
    assert field_error(unconfirmed, "confirm")
    assert instalment_state(app, instalment_id)["status"] == InstalmentStatus.ON_HOLD

    verified = submit_form(finance, f"/bank-details/{account_id}/verify",
                           {"method": "Phoned the treasurer on the number in the accounts", "confirm": ["confirmed"]})

    assert verified.status_code == 302
    queue = finance.get("/payments")
    assert "Bank details for Eastside Youth Trust are verified. Held payments are released." in banners(queue)
    assert instalment_state(app, instalment_id)["status"] == InstalmentStatus.DUE
    assert table(queue, "On hold") == [["No instalments are on hold."]]
    assert approve_on_page(finance, instalment_id).status_code == 302
    assert instalment_state(app, instalment_id)["status"] == InstalmentStatus.APPROVED
    with app.app_context():
        assert db.session.get(Instalment, instalment_id).bank_account_id == account_id


def test_whoever_entered_bank_details_cannot_verify_them_even_with_the_finance_role(
        app: Flask, setting: Any, make_user: Any) -> None:
    grant = funded(app, setting, make_user)
    both = make_user(Role.APPLICANT, Role.FINANCE_OFFICER, name="Dual Role")
    with app.app_context():
        db.session.add(Membership(organisation_id=grant.organisation_id, user_id=both.id))
        db.session.commit()
    client = signed_in(app, both)
    submit_form(client, f"/organisations/{grant.organisation_id}/bank-details",
                {"account_name": "Eastside Youth Trust", "sort_code": "112233", "account_number": "87654321"})
    account_id = newest_account(app, grant.organisation_id)

    response = submit_form(client, f"/bank-details/{account_id}/verify",
                           {"method": "Phoned myself", "confirm": ["confirmed"]})

    assert response.status_code == 400
    assert field_error(response, "method") == ("Someone other than the person who entered these bank details must "
                                               "verify them")
    with app.app_context():
        assert db.session.get(BankAccount, account_id).verified_at is None


# --- who may reach the finance pages ---------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.GRANTS_OFFICER, Role.REVIEWER])
def test_only_finance_staff_reach_the_payment_pages(app: Flask, grant: Funded, login_as: Any, role: Role) -> None:
    instalment_id = first_instalment(app, grant.grant_id)
    with app.app_context():
        account_id = db.session.scalar(select(BankAccount.id))
    client = login_as(role)
    refused = client.get("/payments")
    token = csrf_token(refused)  # the sign-out form's: a real token, so only the role can refuse the approval

    assert refused.status_code == 403
    assert client.get("/payments/approved.csv").status_code == 403
    assert client.post(f"/payments/{instalment_id}/approve", data={"csrf_token": token}).status_code == 403
    assert client.get(f"/payments/{instalment_id}/paid").status_code == 403
    assert client.get(f"/bank-details/{account_id}/verify").status_code == 403
    assert instalment_state(app, instalment_id)["status"] == InstalmentStatus.DUE
    with app.app_context():
        assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "payment.file_downloaded")).all() == []


def test_an_unknown_instalment_or_bank_account_is_not_found(app: Flask, grant: Funded) -> None:
    finance = signed_in(app, grant.finance)
    token = csrf_token(finance.get("/payments"))

    assert finance.post("/payments/999999/approve", data={"csrf_token": token}).status_code == 404
    assert finance.get("/payments/999999/paid").status_code == 404
    assert finance.get("/bank-details/999999/verify").status_code == 404


def test_an_approved_payment_can_be_taken_out_of_the_run_with_a_reason_and_must_be_approved_again(
        app: Flask, grant: Funded, outbox: Outbox) -> None:
    instalment_id = first_instalment(app, grant.grant_id)
    approver = signed_in(app, grant.finance)
    approve_on_page(approver, instalment_id)
    other = signed_in(app, grant.finance2)
    url = f"/payments/{instalment_id}/unapprove"

    refused = submit_form(other, url, {"reason": "  "})
    assert refused.status_code == 400
    assert error_summary(refused) == ["Enter the reason"]
    assert instalment_state(app, instalment_id)["status"] == InstalmentStatus.APPROVED

    done = submit_form(other, url, {"reason": "The bank queried the account name"})
    assert done.status_code == 302
    state = instalment_state(app, instalment_id)
    assert (state["status"], state["approved_by_id"]) == (InstalmentStatus.DUE, None)
    queue = other.get("/payments")
    assert table(queue, "Due for approval")[0][0].startswith("GR-")
    assert other.get("/payments/approved.csv").get_data(as_text=True).strip().count("\n") == 0  # header only
    with app.app_context():
        assert db.session.scalar(select(AuditEvent.details).where(AuditEvent.action == "payment.unapproved")) \
            ["reason"] == "The bank queried the account name"
    again = other.get(url)
    assert again.status_code == 302  # no longer approved: nothing to take out
