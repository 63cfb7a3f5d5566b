"""Quick ways to reach the states grants and monitoring tests start from: an approved application
the applicant has been told about, an offer, an accepted grant and verified bank details. Each
step goes through the service the page calls, so the rules and the ledgers are the real ones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import Flask

from sv_grants.applications.models import Application, PlannedOutcome, PlannedOutput
from sv_grants.assessment import decisions
from sv_grants.assessment.models import Decision
from sv_grants.auth.models import Role, User
from sv_grants.extensions import db
from sv_grants.grants import services
from sv_grants.grants.models import Grant
from sv_grants.organisations import bank
from sv_grants.organisations.models import BankAccount, Organisation

from ..assessment.factories import add_criteria, being_assessed, decide, reviewed

SORT_CODE, ACCOUNT_NUMBER = "309430", "00733445"


def approved_application(app: Flask, setting: Any, applicant_id: int, officer_id: int, reviewer_id: int, *,
                         requested_pence: int = 20_000_00, awarded_pence: int | None = None,
                         reference: str = "SVF-2425-0001", organisation: str = "Eastside Youth Trust",
                         conditions: str = "Share your safeguarding policy review by June.") -> int:
    """An application scored, approved by ``officer_id`` and notified, with two planned outputs
    (40 mentoring sessions, 25 young people) and one outcome. Returns its id."""
    if not _has_criteria_app(app, setting.round_id):
        add_criteria(app, setting.round_id)
    application_id = being_assessed(app, setting, applicant_id, reference=reference, organisation=organisation,
                                    requested_pence=requested_pence)
    with app.app_context():
        application = db.session.get(Application, application_id)
        application.outputs = [
            PlannedOutput(position=1, measure="Mentoring sessions delivered", unit="sessions", target=40,
                          priority_id=setting.priority_ids[0]),
            PlannedOutput(position=2, measure="Young people completing the programme", unit="people", target=25,
                          priority_id=setting.priority_ids[0])]
        application.outcomes = [PlannedOutcome(position=1, indicator="Young people reporting feeling safer",
                                               target="70%")]
        application.start_date, application.end_date = date(2025, 4, 1), date(2026, 3, 31)
        db.session.commit()
    reviewed(app, application_id, reviewer_id, officer_id, [3, 3, 3, 3, 3])
    decide(app, application_id, officer_id, awarded_pence=awarded_pence or requested_pence, conditions=conditions)
    with app.test_request_context():
        decision = db.session.scalar(db.select(Decision).where(Decision.application_id == application_id))
        decisions.notify(db.session.get(User, officer_id), [decision])
        db.session.commit()
    return application_id


def _has_criteria(round_id: int) -> bool:
    from sv_grants.funds.models import Criterion

    return db.session.scalar(db.select(Criterion.id).where(Criterion.round_id == round_id).limit(1)) is not None


def _has_criteria_app(app: Flask, round_id: int) -> bool:
    with app.app_context():
        return _has_criteria(round_id)


def offer(app: Flask, application_id: int, officer_id: int, start: date = date(2025, 4, 1),
          end: date = date(2026, 3, 31)) -> int:
    """The grant offered by ``officer_id``; returns its id."""
    with app.test_request_context():
        grant = services.make_offer(db.session.get(User, officer_id), db.session.get(Application, application_id),
                                    start, end)
        db.session.commit()
        return grant.id


def accept(app: Flask, grant_id: int, applicant_id: int) -> None:
    with app.test_request_context():
        services.accept_offer(db.session.get(User, applicant_id), db.session.get(Grant, grant_id), "Pat Chair",
                              "Chair of trustees")
        db.session.commit()


def give_bank_details(app: Flask, organisation_id: int, applicant_id: int, verified_by: int | None = None,
                      sort_code: str = SORT_CODE, account_number: str = ACCOUNT_NUMBER,
                      account_name: str = "Eastside Youth Trust") -> int:
    """Bank details entered by the applicant and, if ``verified_by`` is given, verified; returns the row id."""
    with app.test_request_context():
        account = bank.set_bank_details(db.session.get(User, applicant_id),
                                        db.session.get(Organisation, organisation_id), account_name, sort_code,
                                        account_number)
        db.session.commit()
        if verified_by is not None:
            bank.verify_bank_details(db.session.get(User, verified_by), account, "Phoned the treasurer on the "
                                     "number in the accounts", "Confirmed")
            db.session.commit()
        return account.id


@dataclass
class Funded:
    """Everyone and everything a grant test needs."""

    application_id: int
    grant_id: int
    organisation_id: int
    applicant: Any
    officer: Any
    reviewer: Any
    finance: Any
    finance2: Any


def funded(app: Flask, setting: Any, make_user: Any, *, accepted: bool = True, bank_verified: bool = True,
           requested_pence: int = 20_000_00, start: date = date(2025, 4, 1), end: date = date(2026, 3, 31)) -> Funded:
    """An offered grant of ``requested_pence`` (accepted unless told not to, with verified bank
    details unless told not to), and two finance officers to pay it."""
    applicant = make_user(Role.APPLICANT, name="Ada Applicant")
    officer = make_user(Role.GRANTS_OFFICER, name="Olu Officer")
    reviewer = make_user(Role.REVIEWER, name="Rae Reviewer")
    finance = make_user(Role.FINANCE_OFFICER, name="Fin One")
    finance2 = make_user(Role.FINANCE_OFFICER, name="Fin Two")
    application_id = approved_application(app, setting, applicant.id, officer.id, reviewer.id,
                                          requested_pence=requested_pence)
    grant_id = offer(app, application_id, officer.id, start, end)
    with app.app_context():
        organisation_id = db.session.get(Grant, grant_id).organisation_id
    if bank_verified:
        give_bank_details(app, organisation_id, applicant.id, verified_by=finance.id)
    if accepted:
        accept(app, grant_id, applicant.id)
    return Funded(application_id, grant_id, organisation_id, applicant, officer, reviewer, finance, finance2)


def bank_rows(app: Flask, organisation_id: int) -> list[BankAccount]:
    with app.app_context():
        return list(db.session.scalars(db.select(BankAccount).where(BankAccount.organisation_id == organisation_id)))
