"""Approvals made at the same moment never over-commit the fund, on SQLite and on PostgreSQL.

Each approving thread works in its own app context (its own session and connection) on one of
several app instances, as the threads of separate worker processes would, and every decision goes
through ``decisions.decide``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from flask import Flask
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from sv_grants.applications.models import Application
from sv_grants.assessment import decisions
from sv_grants.assessment.decisions import BudgetExceeded, DecisionError
from sv_grants.assessment.models import Decision, Outcome
from sv_grants.auth.models import Role, User
from sv_grants.extensions import db
from sv_grants.funds.models import Fund

from ..helpers import Race, complete_organisation, run_at_once
from .factories import add_criteria, being_assessed, reviewed

AWARD = 15_000_00
PANEL_DATE = date(2025, 3, 1)
MARKS = [3, 3, 3, 3, 3]


def assessed_applications(app: Flask, setting: Any, make_user: Any, count: int,
                          requested_pence: int = AWARD) -> list[int]:
    """``count`` applications of one organisation, each with one submitted review; returns their ids."""
    add_criteria(app, setting.round_id)
    applicant = make_user(Role.APPLICANT)
    reviewer = make_user(Role.REVIEWER, name="Riley Reviewer")
    officer = make_user(Role.GRANTS_OFFICER, name="Olive Officer")
    organisation_id = complete_organisation(app, applicant.id)
    ids = []
    for n in range(1, count + 1):
        application_id = being_assessed(app, setting, applicant.id, organisation_id=organisation_id,
                                        reference=f"SVF-2425-{n:04d}", requested_pence=requested_pence,
                                        title=f"Project {n}")
        reviewed(app, application_id, reviewer.id, officer.id, MARKS)
        ids.append(application_id)
    return ids


def approver(race: Race, worker: Flask, officer_id: int, application_id: int, award: int) -> Callable[[], None]:
    def approve() -> None:
        decisions.decide(db.session.get(User, officer_id), db.session.get(Application, application_id),
                         Outcome.APPROVED, award, "", "", PANEL_DATE)
    return race.job(worker, approve, application_id)


def fund_state(app: Flask, fund_id: int) -> tuple[int, int, int, int]:
    """committed, total, the sum of approved awards and the number of decisions."""
    with app.app_context():
        fund = db.session.get(Fund, fund_id)
        awarded = db.session.scalar(
            select(func.coalesce(func.sum(Decision.awarded_pence), 0)).where(Decision.outcome == Outcome.APPROVED))
        count = db.session.scalar(select(func.count(Decision.id)))
        return fund.committed_pence, fund.total_pence, int(awarded), count


def test_fifty_simultaneous_approvals_commit_exactly_what_the_fund_holds(
        app: Flask, make_app: Any, setting: Any, make_user: Any) -> None:
    application_ids = assessed_applications(app, setting, make_user, 50)
    officer = make_user(Role.GRANTS_OFFICER, name="Panel Chair")
    workers = [make_app() for _ in range(5)]  # five worker processes of ten threads each
    approvals = Race(BudgetExceeded)

    run_at_once([approver(approvals, workers[n % len(workers)], officer.id, application_id, AWARD)
                 for n, application_id in enumerate(application_ids)])

    approvals.check()
    assert (len(approvals.succeeded), len(approvals.refused)) == (33, 17)  # £500,000 // £15,000 = 33
    committed, total, awarded, count = fund_state(app, setting.fund_id)
    assert committed == 33 * AWARD == awarded
    assert committed <= total
    assert count == 33
    with app.app_context():
        decided = set(db.session.scalars(select(Decision.application_id)))
    assert decided == set(approvals.succeeded)
    # Every refusal came once the fund held £495,000, and says what is left.
    assert {error.remaining_pence for error in approvals.refused} == {5_000_00}  # type: ignore[attr-defined]
    assert {str(error) for error in approvals.refused} == {
        "There is not enough left in the fund: £5,000.00 remains, and this award needs £15,000.00"}


def test_two_officers_approving_the_same_application_at_once_make_one_decision_and_commit_it_once(
        app: Flask, make_app: Any, setting: Any, make_user: Any) -> None:
    [application_id] = assessed_applications(app, setting, make_user, 1)
    officers = [make_user(Role.GRANTS_OFFICER, name=f"Officer {n}").id for n in range(2)]
    awards = [15_000_00, 12_000_00]
    workers = [make_app() for _ in range(2)]
    # The one that comes second either fails (the unique decision per application) or, if it
    # starts after the first has committed, changes that still-draft decision; never a second one.
    approvals = Race(IntegrityError, DecisionError)

    run_at_once([approver(approvals, workers[n], officers[n], application_id, awards[n]) for n in range(2)])

    approvals.check()
    assert len(approvals.succeeded) >= 1
    assert len(approvals.succeeded) + len(approvals.refused) == 2
    committed, _total, awarded, count = fund_state(app, setting.fund_id)
    assert count == 1
    assert committed == awarded
    assert committed in awards


def test_a_refused_approval_says_what_remains_and_changes_nothing(
        app: Flask, setting: Any, make_user: Any) -> None:
    [application_id] = assessed_applications(app, setting, make_user, 1)
    officer = make_user(Role.GRANTS_OFFICER, name="Panel Chair")
    with app.app_context():
        db.session.execute(update(Fund).where(Fund.id == setting.fund_id).values(committed_pence=495_000_00))
        db.session.commit()

    with app.app_context():
        try:
            decisions.decide(db.session.get(User, officer.id), db.session.get(Application, application_id),
                             Outcome.APPROVED, AWARD, "", "", PANEL_DATE)
        except BudgetExceeded as error:
            refusal = error
            db.session.rollback()
        else:
            raise AssertionError("the approval was not refused")

    assert str(refusal) == "There is not enough left in the fund: £5,000.00 remains, and this award needs £15,000.00"
    assert refusal.remaining_pence == 5_000_00
    assert fund_state(app, setting.fund_id) == (495_000_00, 500_000_00, 0, 0)


def test_one_officer_approves_several_in_turn_in_one_session(app: Flask, setting: Any, make_user: Any) -> None:
    """A panel clerk's batch: each approval is committed before the next, so the officer's row has
    expired by the second; the decision must still record who made it."""
    application_ids = assessed_applications(app, setting, make_user, 3)
    officer = make_user(Role.GRANTS_OFFICER, name="Panel Clerk")
    with app.app_context():
        actor = db.session.get(User, officer.id)
        for application_id in application_ids:
            decisions.decide(actor, db.session.get(Application, application_id), Outcome.APPROVED, AWARD, "", "",
                             PANEL_DATE)
            db.session.commit()
        made_by = db.session.scalars(select(Decision.decided_by_id).order_by(Decision.application_id)).all()
    assert made_by == [officer.id] * 3
