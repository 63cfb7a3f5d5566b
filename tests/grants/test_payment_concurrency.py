"""Payments recorded at the same moment never pay an instalment twice or pay more than the award,
on SQLite and on PostgreSQL.

Each thread works in its own app context (its own session and connection) on one of several app
instances, as the threads of separate worker processes would, and every payment goes through
``payments.record_paid``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from sv_grants.audit.models import AuditEvent
from sv_grants.auth.models import Role, User
from sv_grants.extensions import db
from sv_grants.grants import payments, services
from sv_grants.grants.models import Grant, GrantStatus, Instalment, InstalmentStatus, Trigger
from sv_grants.grants.schedule import PlannedInstalment
from sv_grants.grants.services import GrantError

from ..helpers import Race, run_at_once
from .factories import accept, funded

PAID_ON = date(2025, 4, 10)
ALREADY_PAID = "This instalment has already been paid"
ABOVE_AWARD = "This payment would take the total paid above the award, so it has not been recorded"


def four_approved_instalments(app: Flask, setting: Any, make_user: Any) -> tuple[int, list[int]]:
    """A £20,000 grant in four £5,000 instalments, all due on acceptance and all approved for
    payment by one finance officer; returns the grant id and three other finance officers' ids."""
    f = funded(app, setting, make_user, accepted=False)
    with app.app_context():
        services.replace_schedule(db.session.get(User, f.officer.id), db.session.get(Grant, f.grant_id),
                                  [PlannedInstalment(5_000_00, Trigger.ON_ACCEPTANCE)] * 4)
        db.session.commit()
    accept(app, f.grant_id, f.applicant.id)
    with app.app_context():
        for instalment in db.session.get(Grant, f.grant_id).instalments:
            payments.approve(db.session.get(User, f.finance.id), instalment)
        db.session.commit()
    payers = [f.finance2.id] + [make_user(Role.FINANCE_OFFICER, name=f"Payer {n}").id for n in range(2)]
    return f.grant_id, payers


def payer(race: Race, worker: Flask, user_id: int, instalment_id: int, remittance: str) -> Callable[[], None]:
    def pay() -> None:
        payments.record_paid(db.session.get(User, user_id), db.session.get(Instalment, instalment_id), PAID_ON,
                             remittance)
    return race.job(worker, pay, instalment_id)


def refusals(race: Race) -> list[str]:
    return [str(error) for error in race.refused]


def ledger(app: Flask, grant_id: int) -> tuple[int, int, int, dict[int, str], dict[int, int]]:
    """paid_pence, awarded_pence, the sum of the paid instalments, each instalment's status and how
    many payments the audit log records against each instalment."""
    with app.app_context():
        grant = db.session.get(Grant, grant_id)
        paid_sum = db.session.scalar(select(func.coalesce(func.sum(Instalment.amount_pence), 0))
                                     .where(Instalment.grant_id == grant_id,
                                            Instalment.status == InstalmentStatus.PAID))
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "payment.paid",
                                                             AuditEvent.subject_id == str(grant_id)))
        recorded: dict[int, int] = {}
        for event in events:
            recorded[event.details["instalment"]] = recorded.get(event.details["instalment"], 0) + 1
        return (grant.paid_pence, grant.awarded_pence, int(paid_sum),
                {i.sequence: i.status for i in grant.instalments}, recorded)


def instalment_ids(app: Flask, grant_id: int) -> list[int]:
    with app.app_context():
        return [i.id for i in db.session.get(Grant, grant_id).instalments]


def test_many_people_recording_the_same_and_different_payments_at_once_pay_each_instalment_once(
        app: Flask, make_app: Any, setting: Any, make_user: Any) -> None:
    grant_id, payers = four_approved_instalments(app, setting, make_user)
    ids = instalment_ids(app, grant_id)
    workers = [make_app() for _ in range(4)]
    results = Race(GrantError)

    # Four people press "record as paid" on each of the four instalments, all at once.
    jobs = [payer(results, workers[n % len(workers)], payers[n % len(payers)], ids[n % 4], f"BACS-{n:03d}")
            for n in range(16)]
    run_at_once(jobs)

    results.check()
    assert sorted(results.succeeded) == sorted(ids)  # each instalment exactly once
    assert refusals(results) == [ALREADY_PAID] * 12
    paid, awarded, paid_sum, statuses, recorded = ledger(app, grant_id)
    assert paid == paid_sum == awarded == 20_000_00
    assert set(statuses.values()) == {InstalmentStatus.PAID}
    assert recorded == {1: 1, 2: 1, 3: 1, 4: 1}
    with app.app_context():
        assert db.session.get(Grant, grant_id).status == GrantStatus.ACTIVE


def test_payments_racing_past_the_award_stop_at_the_award(
        app: Flask, make_app: Any, setting: Any, make_user: Any) -> None:
    grant_id, payers = four_approved_instalments(app, setting, make_user)
    ids = instalment_ids(app, grant_id)
    # The last line of defence: approved instalments that add up to more than the award (here
    # £20,000 against £15,000) must still never be paid beyond it.
    with app.app_context():
        db.session.execute(update(Grant).where(Grant.id == grant_id).values(awarded_pence=15_000_00))
        db.session.commit()
    workers = [make_app() for _ in range(4)]
    results = Race(GrantError)

    run_at_once([payer(results, workers[n % len(workers)], payers[n % len(payers)], ids[n % 4], f"BACS-{n:03d}")
                 for n in range(12)])

    results.check()
    assert len(results.succeeded) == len(set(results.succeeded)) == 3
    assert set(refusals(results)) <= {ALREADY_PAID, ABOVE_AWARD}
    assert refusals(results).count(ABOVE_AWARD) == 3  # every attempt on the one that did not fit
    paid, awarded, paid_sum, statuses, recorded = ledger(app, grant_id)
    assert paid == paid_sum == awarded == 15_000_00
    assert sorted(statuses.values()) == [InstalmentStatus.APPROVED] + [InstalmentStatus.PAID] * 3
    assert sorted(recorded.values()) == [1, 1, 1]
    [unpaid] = [sequence for sequence, status in statuses.items() if status == InstalmentStatus.APPROVED]
    assert unpaid not in recorded


@pytest.mark.parametrize("paid_pence", [20_000_01, -1])
def test_the_database_refuses_a_paid_total_outside_the_award(
        app: Flask, setting: Any, make_user: Any, paid_pence: int) -> None:
    f = funded(app, setting, make_user)

    with app.app_context():
        with pytest.raises(IntegrityError):
            db.session.execute(update(Grant).where(Grant.id == f.grant_id).values(paid_pence=paid_pence))
            db.session.flush()
        db.session.rollback()
        assert db.session.get(Grant, f.grant_id).paid_pence == 0


def test_the_database_refuses_an_award_cut_below_what_has_been_paid(
        app: Flask, setting: Any, make_user: Any) -> None:
    f = funded(app, setting, make_user)
    with app.app_context():
        first = db.session.get(Grant, f.grant_id).instalments[0]
        payments.approve(db.session.get(User, f.finance.id), first)
        payments.record_paid(db.session.get(User, f.finance2.id), first, PAID_ON, "BACS-0001")
        db.session.commit()

    with app.app_context():
        with pytest.raises(IntegrityError):
            db.session.execute(update(Grant).where(Grant.id == f.grant_id).values(awarded_pence=9_999_99))
            db.session.flush()
        db.session.rollback()
        grant = db.session.get(Grant, f.grant_id)
        assert (grant.paid_pence, grant.awarded_pence) == (10_000_00, 20_000_00)
