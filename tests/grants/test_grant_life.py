"""The whole life of one grant, worked by hand: £20,000 awarded from the £500,000 fund for
delivery from 1 April 2025 to 31 March 2026, so four quarterly returns and a final one, paid
£10,000 on acceptance, £5,000 after the second quarterly return and £5,000 after the final one.
Fund and grant balances are checked after every step."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sv_grants.auth.models import User
from sv_grants.dates import clock
from sv_grants.extensions import db
from sv_grants.funds.models import Fund
from sv_grants.grants import payments, services
from sv_grants.grants.models import Grant, GrantStatus, InstalmentStatus
from sv_grants.monitoring import answers as returns
from sv_grants.monitoring import review
from sv_grants.monitoring import services as submitting
from sv_grants.monitoring.models import ReturnStatus
from sv_grants.monitoring.planning import returns_of
from sv_grants.monitoring.reach import BREAKDOWNS

from .factories import funded

AWARD = 20_000_00


def balances(app, fund_id, grant_id):
    """(fund committed, fund remaining, grant paid, grant outstanding, instalment statuses)."""
    with app.app_context():
        fund, grant = db.session.get(Fund, fund_id), db.session.get(Grant, grant_id)
        return (fund.committed_pence, fund.remaining_pence, grant.paid_pence, grant.awarded_pence - grant.paid_pence,
                [i.status for i in grant.instalments])


def pay(app, grant_id, sequence, approver_id, payer_id, on):
    with app.test_request_context():
        instalment = db.session.get(Grant, grant_id).instalments[sequence - 1]
        payments.approve(db.session.get(User, approver_id), instalment)
        db.session.commit()
        payments.record_paid(db.session.get(User, payer_id), instalment, on, f"BACS-{sequence}")
        db.session.commit()


def fill(app, grant_id, number, applicant_id, delivered=10, people=8):
    """Complete every section of return ``number`` with figures that add up, spend on profile."""
    with app.test_request_context():
        actor = db.session.get(User, applicant_id)
        grant = db.session.get(Grant, grant_id)
        monitoring_return = returns_of(grant)[number - 1]
        if not monitoring_return.is_final:
            returns.save_outputs(actor, monitoring_return, [returns.OutputFigure(o.id, delivered)
                                                            for o in grant.application.outputs], True)
            counts = {b.dimension: {key: 0 for key, _ in b.categories} for b in BREAKDOWNS}
            for b in BREAKDOWNS:
                counts[b.dimension][b.categories[0][0]] = people
            returns.save_reach(actor, monitoring_return, people, counts, True)
        returns.save_outcomes(actor, monitoring_return, [returns.OutcomeResult(o.id, "68% so far")
                                                         for o in grant.application.outcomes], True)
        returns.save_spend(actor, monitoring_return, [
            returns.SpendFigure(line.id, submitting.line_profile(monitoring_return, line))
            for line in grant.application.budget_lines], True)
        returns.save_narrative(actor, monitoring_return, returns.Narrative(
            "Sessions running weekly.", "Recruiting volunteers.", "A young person (A) joined a team.", 0, "green"),
            True)
        submitting.submit(actor, monitoring_return)
        db.session.commit()
        return monitoring_return.id


def officer_review(app, grant_id, number, officer_id, accept=True):
    with app.test_request_context():
        monitoring_return = returns_of(db.session.get(Grant, grant_id))[number - 1]
        officer = db.session.get(User, officer_id)
        if accept:
            review.accept(officer, monitoring_return)
        else:
            review.request_changes(officer, monitoring_return, "Add the sessions from the half-term week.")
        db.session.commit()


def travel(day: date) -> None:
    clock.travel_to(datetime(day.year, day.month, day.day, 12, tzinfo=UTC))


def test_offer_to_closure_keeps_the_fund_and_the_grant_in_balance(app, setting, make_user):
    travel(date(2025, 3, 20))
    f = funded(app, setting, make_user, accepted=False, requested_pence=AWARD)
    fund_total = 500_000_00
    # Offered: the award is committed (since the decision), nothing is paid, nothing is due.
    assert balances(app, setting.fund_id, f.grant_id) == (AWARD, fund_total - AWARD, 0, AWARD,
                                                          ["scheduled", "scheduled", "scheduled"])

    services_accept(app, f)
    assert balances(app, setting.fund_id, f.grant_id)[4] == ["due", "scheduled", "scheduled"]
    with app.app_context():
        grant = db.session.get(Grant, f.grant_id)
        assert [(i.amount_pence, i.trigger) for i in grant.instalments] == [
            (10_000_00, "on_acceptance"), (5_000_00, "after_return"), (5_000_00, "final_return")]
        planned = returns_of(grant)
        assert [(r.kind, r.quarter, r.due_on) for r in planned] == [
            ("quarterly", 1, date(2025, 7, 31)), ("quarterly", 2, date(2025, 10, 31)),
            ("quarterly", 3, date(2026, 1, 31)), ("quarterly", 4, date(2026, 4, 30)),
            ("final", None, date(2026, 4, 30))]

    travel(date(2025, 4, 3))
    pay(app, f.grant_id, 1, f.finance.id, f.finance2.id, date(2025, 4, 3))
    assert balances(app, setting.fund_id, f.grant_id) == (AWARD, fund_total - AWARD, 10_000_00, 10_000_00,
                                                          ["paid", "scheduled", "scheduled"])
    with app.app_context():
        assert db.session.get(Grant, f.grant_id).status == GrantStatus.ACTIVE

    # Quarter 1: sent back once, then resubmitted and accepted. No instalment waits on it.
    travel(date(2025, 7, 10))
    fill(app, f.grant_id, 1, f.applicant.id)
    officer_review(app, f.grant_id, 1, f.officer.id, accept=False)
    with app.app_context():
        assert returns_of(db.session.get(Grant, f.grant_id))[0].status == ReturnStatus.CHANGES_REQUESTED
    fill(app, f.grant_id, 1, f.applicant.id, delivered=12)
    officer_review(app, f.grant_id, 1, f.officer.id)
    assert balances(app, setting.fund_id, f.grant_id)[2:] == (10_000_00, 10_000_00, ["paid", "scheduled", "scheduled"])

    # Quarter 2 accepted: the second instalment falls due, and is paid in arrears of it.
    travel(date(2025, 10, 8))
    fill(app, f.grant_id, 2, f.applicant.id)
    officer_review(app, f.grant_id, 2, f.officer.id)
    assert balances(app, setting.fund_id, f.grant_id)[4] == ["paid", "due", "scheduled"]
    pay(app, f.grant_id, 2, f.finance2.id, f.finance.id, date(2025, 10, 8))
    assert balances(app, setting.fund_id, f.grant_id) == (AWARD, fund_total - AWARD, 15_000_00, 5_000_00,
                                                          ["paid", "paid", "scheduled"])

    for number, day in ((3, date(2026, 1, 9)), (4, date(2026, 4, 9))):
        travel(day)
        fill(app, f.grant_id, number, f.applicant.id)
        officer_review(app, f.grant_id, number, f.officer.id)
    assert balances(app, setting.fund_id, f.grant_id)[4] == ["paid", "paid", "scheduled"]

    # The final return: the last instalment falls due, is paid, and the grant can close.
    fill(app, f.grant_id, 5, f.applicant.id)
    officer_review(app, f.grant_id, 5, f.officer.id)
    assert balances(app, setting.fund_id, f.grant_id)[4] == ["paid", "paid", "due"]
    pay(app, f.grant_id, 3, f.finance.id, f.finance2.id, date(2026, 4, 9))
    assert balances(app, setting.fund_id, f.grant_id) == (AWARD, fund_total - AWARD, AWARD, 0,
                                                          ["paid", "paid", "paid"])

    with app.test_request_context():
        grant = db.session.get(Grant, f.grant_id)
        underspend = services.close(db.session.get(User, f.officer.id), grant, 0, "")
        db.session.commit()
        assert underspend == 0
        assert grant.status == GrantStatus.CLOSED
        assert all(r.status == ReturnStatus.ACCEPTED for r in returns_of(grant))
    # Fully spent: the award stays committed and paid; nothing goes back to the fund.
    assert balances(app, setting.fund_id, f.grant_id) == (AWARD, fund_total - AWARD, AWARD, 0,
                                                          ["paid", "paid", "paid"])


def test_closing_with_the_last_instalment_unpaid_returns_the_underspend_to_the_fund(app, setting, make_user):
    travel(date(2025, 3, 20))
    f = funded(app, setting, make_user, requested_pence=AWARD, start=date(2025, 4, 1), end=date(2025, 6, 30))
    pay(app, f.grant_id, 1, f.finance.id, f.finance2.id, date(2025, 3, 20))
    travel(date(2025, 7, 5))
    fill(app, f.grant_id, 1, f.applicant.id)
    officer_review(app, f.grant_id, 1, f.officer.id)
    fill(app, f.grant_id, 2, f.applicant.id)  # the final return
    officer_review(app, f.grant_id, 2, f.officer.id)
    with app.test_request_context():
        grant = db.session.get(Grant, f.grant_id)
        assert [i.status for i in grant.instalments] == [InstalmentStatus.PAID, InstalmentStatus.DUE,
                                                         InstalmentStatus.DUE]
        underspend = services.close(db.session.get(User, f.officer.id), grant, 1_000_00,
                                    "Venue costs were not incurred")
        db.session.commit()
        assert underspend == 10_000_00
        assert (grant.underspend_pence, grant.clawback_pence) == (10_000_00, 1_000_00)
        assert [i.status for i in grant.instalments][1:] == [InstalmentStatus.CANCELLED, InstalmentStatus.CANCELLED]
    assert balances(app, setting.fund_id, f.grant_id)[:4] == (10_000_00, 490_000_00, 10_000_00, 10_000_00)


def services_accept(app, f):
    with app.test_request_context():
        services.accept_offer(db.session.get(User, f.applicant.id), db.session.get(Grant, f.grant_id), "Pat Chair",
                              "Chair of trustees")
        db.session.commit()
