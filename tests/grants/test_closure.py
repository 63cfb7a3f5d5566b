"""The end of a grant's life: closing once reporting is complete (underspend back to the fund,
clawback recorded), suspending and resuming, and withdrawing a grant already under way."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from sv_grants.audit.models import AuditEvent
from sv_grants.auth.models import User
from sv_grants.extensions import db
from sv_grants.funds.models import Fund
from sv_grants.grants import payments, services
from sv_grants.grants.models import Grant, GrantStatus, InstalmentStatus, Trigger
from sv_grants.grants.services import GrantError

from .factories import funded

CANCELLED, PAID = InstalmentStatus.CANCELLED, InstalmentStatus.PAID


def pay(app: Flask, f: Any, sequence: int) -> None:
    with app.app_context():
        grant = db.session.get(Grant, f.grant_id)
        instalment = grant.instalments[sequence - 1]
        if instalment.trigger == Trigger.AFTER_RETURN:
            services.release_instalments(grant, Trigger.AFTER_RETURN, instalment.after_return)
        payments.approve(db.session.get(User, f.finance.id), instalment)
        payments.record_paid(db.session.get(User, f.finance2.id), instalment, date(2025, 4, 10), f"BACS-{sequence}")
        db.session.commit()


def reporting_done(app: Flask, f: Any) -> None:
    with app.app_context():
        services.reporting_completed(db.session.get(User, f.officer.id), db.session.get(Grant, f.grant_id))
        db.session.commit()


def close(app: Flask, f: Any, clawback: int = 0, reason: str = "") -> int:
    with app.app_context():
        underspend = services.close(db.session.get(User, f.officer.id), db.session.get(Grant, f.grant_id), clawback,
                                    reason)
        db.session.commit()
        return underspend


def refusal(app: Flask, action: Any, f: Any, *args: Any) -> GrantError:
    """The GrantError the officer's ``action`` raises, rolled back as the page does."""
    with app.app_context():
        with pytest.raises(GrantError) as problem:
            action(db.session.get(User, f.officer.id), db.session.get(Grant, f.grant_id), *args)
        db.session.rollback()
    return problem.value


def state(app: Flask, f: Any) -> dict[str, Any]:
    with app.app_context():
        grant = db.session.get(Grant, f.grant_id)
        return {"status": grant.status, "paid": grant.paid_pence, "underspend": grant.underspend_pence,
                "clawback": grant.clawback_pence, "clawback_reason": grant.clawback_reason,
                "reason": grant.status_reason, "closed_at": grant.closed_at,
                "instalments": [i.status for i in grant.instalments],
                "committed": db.session.get(Fund, grant.fund_id).committed_pence}


def audit(app: Flask, grant_id: int, action: str) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == action, AuditEvent.subject_id == str(grant_id))))


# --- closing -------------------------------------------------------------------------------------


def test_a_grant_cannot_be_closed_before_its_reporting_is_complete(app: Flask, setting: Any, make_user: Any) -> None:
    f = funded(app, setting, make_user)
    pay(app, f, 1)
    before = state(app, f)

    problem = refusal(app, services.close, f, 0, "")

    assert str(problem) == "The grant can be closed once its final return has been accepted"
    assert state(app, f) == before
    assert before["status"] == GrantStatus.ACTIVE


def test_closing_with_underspend_cancels_what_was_not_paid_and_gives_it_back_to_the_fund(
        app: Flask, setting: Any, make_user: Any) -> None:
    f = funded(app, setting, make_user)
    pay(app, f, 1)
    reporting_done(app, f)
    assert state(app, f)["instalments"] == [PAID, InstalmentStatus.SCHEDULED, InstalmentStatus.DUE]

    underspend = close(app, f)

    after = state(app, f)
    assert underspend == after["underspend"] == 10_000_00
    assert after["status"] == GrantStatus.CLOSED
    assert after["closed_at"] is not None
    assert after["instalments"] == [PAID, CANCELLED, CANCELLED]
    assert after["committed"] == 10_000_00  # only what was paid stays committed
    assert after["paid"] == 10_000_00
    [event] = audit(app, f.grant_id, "grant.closed")
    assert (event.actor_id, event.details["underspend_pence"], event.details["clawback_pence"]) == (
        f.officer.id, 10_000_00, 0)


def test_a_fully_paid_grant_closes_with_no_underspend_and_keeps_its_commitment(
        app: Flask, setting: Any, make_user: Any) -> None:
    f = funded(app, setting, make_user)
    pay(app, f, 1)
    pay(app, f, 2)
    reporting_done(app, f)
    pay(app, f, 3)

    assert close(app, f) == 0

    after = state(app, f)
    assert (after["status"], after["underspend"], after["paid"], after["committed"]) == (
        GrantStatus.CLOSED, 0, 20_000_00, 20_000_00)


def test_clawback_is_recorded_with_its_reason(app: Flask, setting: Any, make_user: Any) -> None:
    f = funded(app, setting, make_user)
    pay(app, f, 1)
    reporting_done(app, f)

    close(app, f, 2_500_00, "  Equipment bought outside the agreed budget ")

    after = state(app, f)
    assert (after["clawback"], after["clawback_reason"]) == (2_500_00, "Equipment bought outside the agreed budget")
    assert after["paid"] == 10_000_00  # the ledger of payments made is not rewritten
    [event] = audit(app, f.grant_id, "grant.closed")
    assert (event.details["clawback_pence"], event.details["clawback_reason"]) == (
        2_500_00, "Equipment bought outside the agreed budget")


def test_clawback_needs_a_reason_and_cannot_exceed_what_was_paid(app: Flask, setting: Any, make_user: Any) -> None:
    f = funded(app, setting, make_user)
    pay(app, f, 1)
    reporting_done(app, f)
    before = state(app, f)

    no_reason = refusal(app, services.close, f, 1_000_00, "  ")
    too_much = refusal(app, services.close, f, 10_000_01, "Everything and more")
    negative = refusal(app, services.close, f, -1, "Paying them back")

    assert (str(no_reason), no_reason.field) == ("Enter the reason for the clawback", "clawback_reason")
    assert str(too_much) == str(negative) == "Clawback must be between £0 and the £10,000.00 paid"
    assert too_much.field == "clawback"
    assert state(app, f) == before
    assert before["status"] == GrantStatus.ACTIVE


def test_a_grant_is_not_closed_while_a_payment_is_approved(app: Flask, setting: Any, make_user: Any) -> None:
    f = funded(app, setting, make_user)
    reporting_done(app, f)
    with app.app_context():
        payments.approve(db.session.get(User, f.finance.id), db.session.get(Grant, f.grant_id).instalments[0])
        db.session.commit()
    before = state(app, f)

    problem = refusal(app, services.close, f, 0, "")

    assert "approved or on hold" in str(problem)
    assert state(app, f) == before


def test_a_closed_grant_gives_its_underspend_back_only_once(app: Flask, setting: Any, make_user: Any) -> None:
    f = funded(app, setting, make_user)
    pay(app, f, 1)
    reporting_done(app, f)
    close(app, f)
    before = state(app, f)

    closing = refusal(app, services.close, f, 0, "")
    withdrawing = refusal(app, services.withdraw, f, "Closed in error")
    suspending = refusal(app, services.suspend, f, "Concern")

    assert str(closing) == "Only an accepted or active grant can be closed"
    assert str(withdrawing) == "This grant has already been closed or withdrawn"
    assert str(suspending) == "Only an accepted or active grant can be suspended"
    assert state(app, f) == before
    assert before["committed"] == 10_000_00


# --- suspending and resuming ---------------------------------------------------------------------


def test_an_accepted_grant_is_suspended_with_a_reason_and_resumes_as_accepted(
        app: Flask, setting: Any, make_user: Any) -> None:
    f = funded(app, setting, make_user)
    no_reason = refusal(app, services.suspend, f, " ")
    assert (str(no_reason), no_reason.field) == ("Enter the reason for suspending the grant", "reason")
    assert state(app, f)["status"] == GrantStatus.ACCEPTED

    with app.app_context():
        services.suspend(db.session.get(User, f.officer.id), db.session.get(Grant, f.grant_id),
                         "Safeguarding lead has left")
        db.session.commit()
    assert (state(app, f)["status"], state(app, f)["reason"]) == (GrantStatus.SUSPENDED, "Safeguarding lead has left")
    assert str(refusal(app, services.suspend, f, "Again")) == "Only an accepted or active grant can be suspended"

    with app.app_context():
        services.resume(db.session.get(User, f.officer.id), db.session.get(Grant, f.grant_id), "New lead in post")
        db.session.commit()

    after = state(app, f)
    assert (after["status"], after["reason"]) == (GrantStatus.ACCEPTED, "New lead in post")
    assert after["committed"] == 20_000_00  # suspension holds the money, it does not release it
    assert [e.details["reason"] for e in audit(app, f.grant_id, "grant.suspended")] == ["Safeguarding lead has left"]
    assert len(audit(app, f.grant_id, "grant.resumed")) == 1


def test_a_grant_with_payments_made_resumes_as_active(app: Flask, setting: Any, make_user: Any) -> None:
    f = funded(app, setting, make_user)
    pay(app, f, 1)
    with app.app_context():
        services.suspend(db.session.get(User, f.officer.id), db.session.get(Grant, f.grant_id), "Audit query")
        db.session.commit()

    with app.app_context():
        services.resume(db.session.get(User, f.officer.id), db.session.get(Grant, f.grant_id), "Answered")
        db.session.commit()

    assert state(app, f)["status"] == GrantStatus.ACTIVE
    assert str(refusal(app, services.resume, f, "Again")) == "Only a suspended grant can be resumed"


def test_an_offer_not_yet_accepted_cannot_be_suspended(app: Flask, setting: Any, make_user: Any) -> None:
    f = funded(app, setting, make_user, accepted=False)

    problem = refusal(app, services.suspend, f, "Concern")

    assert str(problem) == "Only an accepted or active grant can be suspended"
    assert state(app, f)["status"] == GrantStatus.OFFERED


# --- withdrawing a grant under way ---------------------------------------------------------------


def test_withdrawing_an_active_grant_releases_only_what_was_not_paid(app: Flask, setting: Any, make_user: Any) -> None:
    f = funded(app, setting, make_user)
    pay(app, f, 1)

    with app.app_context():
        released = services.withdraw(db.session.get(User, f.officer.id), db.session.get(Grant, f.grant_id),
                                     "Organisation stopped delivering")
        db.session.commit()

    after = state(app, f)
    assert released == 10_000_00
    assert after["committed"] == 10_000_00
    assert (after["status"], after["reason"], after["paid"]) == (
        GrantStatus.WITHDRAWN, "Organisation stopped delivering", 10_000_00)
    assert after["instalments"] == [PAID, CANCELLED, CANCELLED]
    [event] = audit(app, f.grant_id, "grant.withdrawn")
    assert (event.details["released_pence"], event.details["was"]) == (10_000_00, "active")


def test_a_suspended_grant_can_be_withdrawn(app: Flask, setting: Any, make_user: Any) -> None:
    f = funded(app, setting, make_user)
    with app.app_context():
        grant = db.session.get(Grant, f.grant_id)
        services.suspend(db.session.get(User, f.officer.id), grant, "Investigation")
        services.withdraw(db.session.get(User, f.officer.id), grant, "Investigation upheld")
        db.session.commit()

    after = state(app, f)
    assert (after["status"], after["committed"]) == (GrantStatus.WITHDRAWN, 0)
    assert after["instalments"] == [CANCELLED] * 3


def test_a_grant_is_not_withdrawn_while_a_payment_is_approved(app: Flask, setting: Any, make_user: Any) -> None:
    f = funded(app, setting, make_user)
    with app.app_context():
        payments.approve(db.session.get(User, f.finance.id), db.session.get(Grant, f.grant_id).instalments[0])
        db.session.commit()
    before = state(app, f)

    problem = refusal(app, services.withdraw, f, "Organisation stopped delivering")

    assert str(problem) == ("An instalment has been approved for payment: finance must pay it or take it out of "
                            "the payment run first")
    assert state(app, f) == before
    assert (before["status"], before["committed"]) == (GrantStatus.ACCEPTED, 20_000_00)
