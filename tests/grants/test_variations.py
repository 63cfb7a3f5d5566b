"""Variations: nothing changes until a grants officer approves, with a reason; an increase must fit
in the fund and is committed to it; a decrease never goes below what has been paid; and the
before and after are kept on the variation."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select, update

from sv_grants.applications.models import PlannedOutput
from sv_grants.audit.models import AuditEvent
from sv_grants.auth.models import Role, User
from sv_grants.extensions import db
from sv_grants.funds.models import Fund
from sv_grants.grants import payments, variations
from sv_grants.grants.models import (
    Grant,
    InstalmentStatus,
    Trigger,
    Variation,
    VariationKind,
    VariationStatus,
)
from sv_grants.grants.schedule import quarterly_count
from sv_grants.grants.services import GrantError

from .factories import approved_application, funded

AMOUNT, END_DATE, OUTPUTS = VariationKind.AMOUNT, VariationKind.END_DATE, VariationKind.OUTPUTS


def ask(app: Flask, user_id: int, grant_id: int, kind: VariationKind, after: dict,
        reason: str = "More young people referred than planned") -> int:
    with app.app_context():
        variation = variations.request_variation(db.session.get(User, user_id), db.session.get(Grant, grant_id),
                                                 kind, after, reason)
        db.session.commit()
        return variation.id


def decide(app: Flask, user_id: int, variation_id: int, approve: bool = True,
           reason: str = "Agreed at the grants meeting") -> None:
    with app.app_context():
        variations.decide_variation(db.session.get(User, user_id), db.session.get(Variation, variation_id), approve,
                                    reason)
        db.session.commit()


def refused(app: Flask, action: Any, *args: Any) -> GrantError:
    """The GrantError ``action`` raises, rolled back as the page does; the args are looked up by type."""
    with app.app_context():
        with pytest.raises(GrantError) as problem:
            action(*[db.session.get(kind, key) if isinstance(kind, type) else kind for kind, key in args])
        db.session.rollback()
    return problem.value


def terms(app: Flask, grant_id: int) -> dict[str, Any]:
    """Everything a variation might change, and the fund's commitment."""
    with app.app_context():
        grant = db.session.get(Grant, grant_id)
        return {"awarded": grant.awarded_pence, "end": grant.end_date,
                "instalments": [(i.amount_pence, i.status) for i in grant.instalments],
                "targets": [o.target for o in grant.application.outputs],
                "committed": db.session.get(Fund, grant.fund_id).committed_pence}


def live_total(app: Flask, grant_id: int) -> int:
    with app.app_context():
        return sum(i.amount_pence for i in db.session.get(Grant, grant_id).instalments
                   if i.status != InstalmentStatus.CANCELLED)


def variation_row(app: Flask, variation_id: int) -> tuple[str, dict, dict, int | None, str | None]:
    with app.app_context():
        v = db.session.get(Variation, variation_id)
        return v.status, v.before, v.after, v.decided_by_id, v.decision_reason


def pay_first(app: Flask, f: Any) -> None:
    with app.app_context():
        first = db.session.get(Grant, f.grant_id).instalments[0]
        payments.approve(db.session.get(User, f.finance.id), first)
        payments.record_paid(db.session.get(User, f.finance2.id), first, date(2025, 4, 10), "BACS-0001")
        db.session.commit()


# --- the award ------------------------------------------------------------------------------------


def test_an_increase_that_fits_the_fund_is_committed_and_added_to_the_last_unpaid_instalment(
        app: Flask, setting: Any, make_user: Any) -> None:
    f = funded(app, setting, make_user)
    variation_id = ask(app, f.applicant.id, f.grant_id, AMOUNT, {"awarded_pence": 23_000_50})
    assert terms(app, f.grant_id)["awarded"] == 20_000_00  # asking changes nothing

    decide(app, f.officer.id, variation_id)

    after = terms(app, f.grant_id)
    assert after["awarded"] == 23_000_50
    assert after["committed"] == 23_000_50
    assert after["instalments"] == [(10_000_00, InstalmentStatus.DUE), (5_000_00, InstalmentStatus.SCHEDULED),
                                    (8_000_50, InstalmentStatus.SCHEDULED)]
    assert live_total(app, f.grant_id) == 23_000_50
    assert variation_row(app, variation_id) == (VariationStatus.APPROVED, {"awarded_pence": 20_000_00},
                                                {"awarded_pence": 23_000_50}, f.officer.id,
                                                "Agreed at the grants meeting")
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "grant.variation_approved"))
        assert (event.actor_id, event.details["before"], event.details["after"]) == (
            f.officer.id, {"awarded_pence": 20_000_00}, {"awarded_pence": 23_000_50})


def test_an_increase_beyond_what_is_left_in_the_fund_is_refused_and_changes_nothing(
        app: Flask, setting: Any, make_user: Any) -> None:
    f = funded(app, setting, make_user)
    with app.app_context():  # other grants have taken all but £5,000 of the fund
        db.session.execute(update(Fund).where(Fund.id == setting.fund_id).values(committed_pence=495_000_00))
        db.session.commit()
    variation_id = ask(app, f.applicant.id, f.grant_id, AMOUNT, {"awarded_pence": 26_000_00})
    before = terms(app, f.grant_id)

    problem = refused(app, variations.decide_variation, (User, f.officer.id), (Variation, variation_id),
                      (True, None), ("Agreed", None))

    assert str(problem) == ("There is not enough left in the fund: £5,000.00 remains, "
                            "and this award needs £6,000.00")
    assert terms(app, f.grant_id) == before
    assert before["committed"] == 495_000_00
    assert variation_row(app, variation_id)[0] == VariationStatus.REQUESTED


def test_the_award_cannot_be_cut_below_what_has_been_paid(app: Flask, setting: Any, make_user: Any) -> None:
    f = funded(app, setting, make_user)
    pay_first(app, f)

    problem = refused(app, variations.request_variation, (User, f.officer.id), (Grant, f.grant_id),
                      (AMOUNT, None), ({"awarded_pence": 9_999_99}, None), ("Underdelivery", None))

    assert str(problem) == "The new award must be more than £0 and at least the £10,000.00 already paid"
    with app.app_context():
        assert db.session.scalar(select(func.count(Variation.id))) == 0


def test_a_cut_requested_before_a_payment_cannot_be_approved_once_it_would_go_below_what_was_paid(
        app: Flask, setting: Any, make_user: Any) -> None:
    f = funded(app, setting, make_user)
    variation_id = ask(app, f.officer.id, f.grant_id, AMOUNT, {"awarded_pence": 9_000_00})
    pay_first(app, f)  # £10,000 goes out while the variation waits
    before = terms(app, f.grant_id)

    refused(app, variations.decide_variation, (User, f.officer.id), (Variation, variation_id), (True, None),
            ("Agreed", None))

    assert terms(app, f.grant_id) == before
    assert before["awarded"] == 20_000_00
    assert variation_row(app, variation_id)[0] == VariationStatus.REQUESTED


def test_a_decrease_comes_off_the_unpaid_instalments_last_first_and_goes_back_to_the_fund(
        app: Flask, setting: Any, make_user: Any) -> None:
    f = funded(app, setting, make_user)
    variation_id = ask(app, f.officer.id, f.grant_id, AMOUNT, {"awarded_pence": 12_000_00},
                       reason="The second year of delivery is not going ahead")

    decide(app, f.officer.id, variation_id)

    after = terms(app, f.grant_id)
    assert after["awarded"] == 12_000_00
    assert after["committed"] == 12_000_00  # £8,000 back in the fund
    assert [(amount, status) for amount, status in after["instalments"] if status != InstalmentStatus.CANCELLED] == [
        (10_000_00, InstalmentStatus.DUE), (2_000_00, InstalmentStatus.SCHEDULED)]
    assert after["instalments"][2][1] == InstalmentStatus.CANCELLED
    assert live_total(app, f.grant_id) == 12_000_00


def test_a_decrease_leaves_an_approved_payment_alone(app: Flask, setting: Any, make_user: Any) -> None:
    f = funded(app, setting, make_user)
    with app.app_context():
        payments.approve(db.session.get(User, f.finance.id), db.session.get(Grant, f.grant_id).instalments[0])
        db.session.commit()
    cut = ask(app, f.officer.id, f.grant_id, AMOUNT, {"awarded_pence": 8_000_00})
    before = terms(app, f.grant_id)

    refused(app, variations.decide_variation, (User, f.officer.id), (Variation, cut), (True, None), ("Ok", None))

    assert terms(app, f.grant_id) == before
    assert before["instalments"][0] == (10_000_00, InstalmentStatus.APPROVED)


# --- dates and outputs ---------------------------------------------------------------------------


def test_the_end_date_can_be_moved_by_an_approved_variation(app: Flask, setting: Any, make_user: Any) -> None:
    f = funded(app, setting, make_user)
    variation_id = ask(app, f.applicant.id, f.grant_id, END_DATE, {"end_date": "2026-06-30"},
                       reason="Delivery delayed by the venue closing")

    decide(app, f.officer.id, variation_id)

    assert terms(app, f.grant_id)["end"] == date(2026, 6, 30)
    assert variation_row(app, variation_id)[:3] == (VariationStatus.APPROVED, {"end_date": "2026-03-31"},
                                                    {"end_date": "2026-06-30"})
    problem = refused(app, variations.request_variation, (User, f.applicant.id), (Grant, f.grant_id),
                      (END_DATE, None), ({"end_date": "2025-04-01"}, None), ("Finish early", None))
    assert (str(problem), problem.field) == ("The new end date must be after the grant's start date", "end_date")


def test_an_earlier_end_date_leaves_no_instalment_waiting_on_a_return_the_grant_will_not_have(
        app: Flask, setting: Any, make_user: Any) -> None:
    """The default schedule pays the second instalment after quarterly return 2. Ending the grant in
    its first quarter must either be refused or move that instalment: otherwise it can never fall
    due, and the organisation's money is lost as "underspend" at closure."""
    f = funded(app, setting, make_user)
    try:
        variation_id = ask(app, f.officer.id, f.grant_id, END_DATE, {"end_date": "2025-06-30"})
    except GrantError as refused:  # refused when asked: the message says what to change first
        assert "change the payment schedule first" in str(refused)
        variation_id = None
    with app.app_context():
        if variation_id is not None:
            try:
                variations.decide_variation(db.session.get(User, f.officer.id),
                                            db.session.get(Variation, variation_id), True, "Project finishing early")
                db.session.commit()
            except GrantError:
                db.session.rollback()
    with app.app_context():
        grant = db.session.get(Grant, f.grant_id)
        quarters = quarterly_count(grant.start_date, grant.end_date)
        waiting = [i.after_return for i in grant.instalments
                   if i.trigger == Trigger.AFTER_RETURN and i.status != InstalmentStatus.CANCELLED]
    assert all(number <= quarters for number in waiting), (
        f"instalments wait on return(s) {waiting} but the grant now has {quarters} quarterly return(s)")


def test_an_output_target_can_be_changed_and_the_old_targets_are_kept(
        app: Flask, setting: Any, make_user: Any) -> None:
    f = funded(app, setting, make_user)
    with app.app_context():
        sessions, people = (o.id for o in db.session.get(Grant, f.grant_id).application.outputs)
    variation_id = ask(app, f.applicant.id, f.grant_id, OUTPUTS, {"targets": {str(sessions): 30}},
                       reason="Fewer sessions, each longer")

    decide(app, f.officer.id, variation_id)

    assert terms(app, f.grant_id)["targets"] == [30, 25]
    assert variation_row(app, variation_id)[:3] == (
        VariationStatus.APPROVED, {"targets": {str(sessions): 40, str(people): 25}}, {"targets": {str(sessions): 30}})


def test_a_target_for_an_output_of_another_grant_is_refused(app: Flask, setting: Any, make_user: Any) -> None:
    f = funded(app, setting, make_user)
    other = approved_application(app, setting, make_user(Role.APPLICANT).id, f.officer.id, f.reviewer.id,
                                 reference="SVF-2425-0002", organisation="Westside Boxing Club")
    with app.app_context():
        theirs = db.session.scalar(select(PlannedOutput.id).where(PlannedOutput.application_id == other).limit(1))
    before = terms(app, f.grant_id)

    for targets in ({str(theirs): 100}, {"999999": 100}):
        problem = refused(app, variations.request_variation, (User, f.applicant.id), (Grant, f.grant_id),
                          (OUTPUTS, None), ({"targets": targets}, None), ("More", None))
        assert (str(problem), problem.field) == ("One of the outputs does not belong to this grant", "targets")

    assert terms(app, f.grant_id) == before
    with app.app_context():
        assert db.session.get(PlannedOutput, theirs).target == 40
        assert db.session.scalar(select(func.count(Variation.id))) == 0


# --- deciding -------------------------------------------------------------------------------------


def test_a_refused_variation_leaves_the_grant_and_the_fund_as_they_were(
        app: Flask, setting: Any, make_user: Any) -> None:
    f = funded(app, setting, make_user)
    variation_id = ask(app, f.applicant.id, f.grant_id, AMOUNT, {"awarded_pence": 30_000_00})
    before = terms(app, f.grant_id)

    decide(app, f.officer.id, variation_id, approve=False, reason="Outside the fund's priorities")

    assert terms(app, f.grant_id) == before
    assert variation_row(app, variation_id) == (VariationStatus.REFUSED, {"awarded_pence": 20_000_00},
                                                {"awarded_pence": 30_000_00}, f.officer.id,
                                                "Outside the fund's priorities")
    with app.app_context():
        assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action.like("grant.variation_%"))
                                 .order_by(AuditEvent.id.desc()).limit(1)) == "grant.variation_refused"


def test_a_variation_is_decided_once(app: Flask, setting: Any, make_user: Any) -> None:
    f = funded(app, setting, make_user)
    approved = ask(app, f.applicant.id, f.grant_id, AMOUNT, {"awarded_pence": 22_000_00})
    decide(app, f.officer.id, approved)
    rejected = ask(app, f.applicant.id, f.grant_id, END_DATE, {"end_date": "2026-05-31"})
    decide(app, f.officer.id, rejected, approve=False)
    before = terms(app, f.grant_id)
    other_officer = make_user(Role.GRANTS_OFFICER)

    for variation_id, approve in ((approved, True), (approved, False), (rejected, True)):
        problem = refused(app, variations.decide_variation, (User, other_officer.id), (Variation, variation_id),
                          (approve, None), ("Second thoughts", None))
        assert str(problem) == "This variation has already been decided"

    assert terms(app, f.grant_id) == before
    assert before["committed"] == 22_000_00  # the increase committed once
    assert variation_row(app, approved)[0] == VariationStatus.APPROVED
    assert variation_row(app, rejected)[0] == VariationStatus.REFUSED


def test_a_variation_overtaken_by_another_cannot_be_approved(app: Flask, setting: Any, make_user: Any) -> None:
    f = funded(app, setting, make_user)
    first = ask(app, f.applicant.id, f.grant_id, AMOUNT, {"awarded_pence": 22_000_00})
    second = ask(app, f.applicant.id, f.grant_id, AMOUNT, {"awarded_pence": 24_000_00})
    decide(app, f.officer.id, first)

    problem = refused(app, variations.decide_variation, (User, f.officer.id), (Variation, second), (True, None),
                      ("Agreed", None))

    assert str(problem) == "The grant has changed since this variation was requested: ask for a new one"
    assert (terms(app, f.grant_id)["awarded"], terms(app, f.grant_id)["committed"]) == (22_000_00, 22_000_00)


def test_a_variation_needs_a_reason_to_be_asked_for_and_to_be_decided(
        app: Flask, setting: Any, make_user: Any) -> None:
    f = funded(app, setting, make_user)

    asked = refused(app, variations.request_variation, (User, f.applicant.id), (Grant, f.grant_id), (AMOUNT, None),
                    ({"awarded_pence": 22_000_00}, None), ("   ", None))
    assert (str(asked), asked.field) == ("Enter the reason for the change", "reason")

    variation_id = ask(app, f.applicant.id, f.grant_id, AMOUNT, {"awarded_pence": 22_000_00})
    before = terms(app, f.grant_id)
    decided = refused(app, variations.decide_variation, (User, f.officer.id), (Variation, variation_id),
                      (True, None), ("", None))
    assert (str(decided), decided.field) == ("Enter the reason for your decision", "decision_reason")
    assert terms(app, f.grant_id) == before
    assert variation_row(app, variation_id)[0] == VariationStatus.REQUESTED


def test_only_a_grants_officer_can_decide_a_variation(app: Flask, setting: Any, make_user: Any) -> None:
    f = funded(app, setting, make_user)
    variation_id = ask(app, f.applicant.id, f.grant_id, AMOUNT, {"awarded_pence": 22_000_00})

    for person in (f.applicant, f.finance):
        problem = refused(app, variations.decide_variation, (User, person.id), (Variation, variation_id),
                          (True, None), ("Fine by me", None))
        assert str(problem) == "Only a grants officer can approve a variation"

    assert terms(app, f.grant_id)["committed"] == 20_000_00
    assert variation_row(app, variation_id)[0] == VariationStatus.REQUESTED
