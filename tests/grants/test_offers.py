"""Offers: made on the panel's notified award with the default schedule, accepted once, withdrawn
with the award given back to the fund, and the schedule reshaped only before acceptance."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from sv_grants.applications.models import Application, ApplicationStatus
from sv_grants.audit.models import AuditEvent
from sv_grants.auth.models import Role, User
from sv_grants.dates import clock
from sv_grants.extensions import db
from sv_grants.funds.models import Fund
from sv_grants.grants import services
from sv_grants.grants.models import Grant, GrantStatus, InstalmentStatus, Trigger
from sv_grants.grants.schedule import PlannedInstalment
from sv_grants.grants.services import GrantError

from ..assessment.factories import being_assessed, decide, reviewed
from .factories import accept, approved_application, funded, offer

START, END = date(2025, 4, 1), date(2026, 3, 31)  # four quarterly returns and a final one


def schedule_of(app: Flask, grant_id: int) -> list[tuple[int, str, int | None, str]]:
    with app.app_context():
        grant = db.session.get(Grant, grant_id)
        return [(i.amount_pence, i.trigger, i.after_return, i.status) for i in grant.instalments]


def committed(app: Flask, fund_id: int) -> int:
    with app.app_context():
        return db.session.get(Fund, fund_id).committed_pence


def people(make_user: Any) -> tuple[Any, Any, Any]:
    return (make_user(Role.APPLICANT, name="Ada Applicant"), make_user(Role.GRANTS_OFFICER, name="Olu Officer"),
            make_user(Role.REVIEWER, name="Rae Reviewer"))


def audit_of(grant_id: int, action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(
        AuditEvent.subject_type == "grants", AuditEvent.subject_id == str(grant_id), AuditEvent.action == action)))


# --- making the offer ------------------------------------------------------------------------------


def test_an_offer_is_made_for_the_panels_award_not_the_amount_requested_and_splits_it_to_the_penny(
        app: Flask, setting: Any, make_user: Any) -> None:
    applicant, officer, reviewer = people(make_user)
    application_id = approved_application(app, setting, applicant.id, officer.id, reviewer.id,
                                          requested_pence=25_000_00, awarded_pence=20_000_03)

    grant_id = offer(app, application_id, officer.id, START, END)

    with app.app_context():
        grant = db.session.get(Grant, grant_id)
        assert grant.reference == "GR-SVF-2425-0001"
        assert grant.status == GrantStatus.OFFERED
        assert grant.awarded_pence == 20_000_03
        assert grant.paid_pence == 0
        assert grant.approved_by_id == officer.id  # the officer who decided: kept out of paying it
        assert grant.offered_by_id == officer.id
        assert grant.conditions == "Share your safeguarding policy review by June."
        [event] = audit_of(grant_id, "grant.offered")
        assert event.details["awarded_pence"] == 20_000_03
    # Half, a quarter and the rest: the odd pence go in the last instalment, nothing lost or invented.
    assert schedule_of(app, grant_id) == [
        (10_000_01, Trigger.ON_ACCEPTANCE, None, InstalmentStatus.SCHEDULED),
        (5_000_00, Trigger.AFTER_RETURN, 2, InstalmentStatus.SCHEDULED),
        (5_000_02, Trigger.FINAL_RETURN, None, InstalmentStatus.SCHEDULED)]
    assert sum(amount for amount, *_ in schedule_of(app, grant_id)) == 20_000_03
    # Making the offer does not commit the award a second time: the decision already did.
    assert committed(app, setting.fund_id) == 20_000_03


def test_the_default_schedule_of_a_round_award_is_fifty_twenty_five_twenty_five(
        app: Flask, setting: Any, make_user: Any) -> None:
    f = funded(app, setting, make_user, accepted=False)

    assert [amount for amount, *_ in schedule_of(app, f.grant_id)] == [10_000_00, 5_000_00, 5_000_00]


def test_the_offer_must_be_accepted_within_the_configured_period_counted_in_uk_days(
        app: Flask, make_app: Any, setting: Any, make_user: Any) -> None:
    applicant, officer, reviewer = people(make_user)
    first = approved_application(app, setting, applicant.id, officer.id, reviewer.id)
    second = approved_application(app, setting, make_user(Role.APPLICANT).id, officer.id, reviewer.id,
                                  reference="SVF-2425-0002", organisation="Westside Boxing Club")
    short = make_app(OFFER_ACCEPTANCE_DAYS=10)
    # 11:30pm UTC on 30 June is already 1 July in London.
    clock.travel_to(datetime(2025, 6, 30, 23, 30, tzinfo=UTC))

    default_id = offer(app, first, officer.id)
    short_id = offer(short, second, officer.id)

    with app.app_context():
        assert db.session.get(Grant, default_id).accept_by == date(2025, 7, 1) + timedelta(days=30)
        assert db.session.get(Grant, short_id).accept_by == date(2025, 7, 11)


def test_an_application_can_be_offered_only_one_grant(app: Flask, setting: Any, make_user: Any) -> None:
    f = funded(app, setting, make_user, accepted=False)

    with app.app_context():
        with pytest.raises(GrantError, match="An offer has already been made for this application"):
            services.make_offer(db.session.get(User, f.officer.id), db.session.get(Application, f.application_id),
                                START, END)
        db.session.rollback()
        assert db.session.scalar(select(func.count(Grant.id))) == 1
    assert committed(app, setting.fund_id) == 20_000_00


def test_a_decision_the_applicant_has_not_been_told_cannot_be_offered(
        app: Flask, setting: Any, make_user: Any) -> None:
    applicant, officer, reviewer = people(make_user)
    approved_application(app, setting, applicant.id, officer.id, reviewer.id)  # adds the criteria
    draft = being_assessed(app, setting, make_user(Role.APPLICANT).id, reference="SVF-2425-0002",
                           organisation="Westside Boxing Club", requested_pence=8_000_00)
    reviewed(app, draft, reviewer.id, officer.id, [3, 3, 3, 3, 3])
    decide(app, draft, officer.id, awarded_pence=8_000_00)  # decided, but not yet notified

    with app.app_context():
        application = db.session.get(Application, draft)
        assert application.status == ApplicationStatus.IN_ASSESSMENT
        with pytest.raises(GrantError, match="Only an approved application whose applicant has been told"):
            services.make_offer(db.session.get(User, officer.id), application, START, END)
        db.session.rollback()
        assert services.grant_for_application(draft) is None


def test_an_offer_must_end_after_it_starts(app: Flask, setting: Any, make_user: Any) -> None:
    applicant, officer, reviewer = people(make_user)
    application_id = approved_application(app, setting, applicant.id, officer.id, reviewer.id)

    with app.app_context():
        with pytest.raises(GrantError, match="The end date must be after the start date") as refused:
            services.make_offer(db.session.get(User, officer.id), db.session.get(Application, application_id),
                                START, START)
        assert refused.value.field == "end_date"
        db.session.rollback()
        assert services.grant_for_application(application_id) is None


# --- accepting it --------------------------------------------------------------------------------


def test_accepting_records_who_signed_and_when_and_makes_the_first_instalment_due(
        app: Flask, setting: Any, make_user: Any) -> None:
    f = funded(app, setting, make_user, accepted=False)
    clock.travel_to(datetime(2025, 4, 3, 9, 15, tzinfo=UTC))

    with app.app_context():
        grant = db.session.get(Grant, f.grant_id)
        services.accept_offer(db.session.get(User, f.applicant.id), grant, "  Pat   Chair ", "Chair of  trustees")
        db.session.commit()

    with app.app_context():
        grant = db.session.get(Grant, f.grant_id)
        assert grant.status == GrantStatus.ACCEPTED
        assert grant.accepted_by_id == f.applicant.id
        assert (grant.acceptance_name, grant.acceptance_role) == ("Pat Chair", "Chair of trustees")
        assert grant.accepted_at == datetime(2025, 4, 3, 9, 15, tzinfo=UTC)
        assert [(i.status, i.due_on) for i in grant.instalments] == [
            (InstalmentStatus.DUE, date(2025, 4, 3)), (InstalmentStatus.SCHEDULED, None),
            (InstalmentStatus.SCHEDULED, None)]
        [event] = audit_of(f.grant_id, "grant.accepted")
        assert event.actor_id == f.applicant.id
        assert event.details == {"name": "Pat Chair", "role": "Chair of trustees"}


def test_accepting_twice_is_refused_and_changes_nothing(app: Flask, setting: Any, make_user: Any) -> None:
    f = funded(app, setting, make_user)
    with app.app_context():
        grant = db.session.get(Grant, f.grant_id)
        first = (grant.accepted_at, grant.acceptance_name, grant.acceptance_role, grant.accepted_by_id)
    before = schedule_of(app, f.grant_id)
    someone_else = make_user(Role.APPLICANT)
    clock.advance(days=2)

    with app.app_context():
        with pytest.raises(GrantError, match="This offer has already been accepted"):
            services.accept_offer(db.session.get(User, someone_else.id), db.session.get(Grant, f.grant_id),
                                  "Mallory", "Treasurer")
        db.session.commit()  # even if the caller commits, nothing was changed

    with app.app_context():
        grant = db.session.get(Grant, f.grant_id)
        assert (grant.accepted_at, grant.acceptance_name, grant.acceptance_role, grant.accepted_by_id) == first
        assert len(audit_of(f.grant_id, "grant.accepted")) == 1
    assert schedule_of(app, f.grant_id) == before


def test_a_withdrawn_offer_cannot_be_accepted(app: Flask, setting: Any, make_user: Any) -> None:
    f = funded(app, setting, make_user, accepted=False)
    with app.app_context():
        services.withdraw(db.session.get(User, f.officer.id), db.session.get(Grant, f.grant_id), "Charity dissolved")
        db.session.commit()

    with app.app_context():
        with pytest.raises(GrantError, match="withdrawn"):
            services.accept_offer(db.session.get(User, f.applicant.id), db.session.get(Grant, f.grant_id),
                                  "Pat Chair", "Chair")
        db.session.rollback()
        grant = db.session.get(Grant, f.grant_id)
        assert grant.status == GrantStatus.WITHDRAWN
        assert grant.accepted_at is None
        assert {i.status for i in grant.instalments} == {InstalmentStatus.CANCELLED}


def test_overdue_offers_are_those_past_their_accept_by_date(app: Flask, setting: Any, make_user: Any) -> None:
    applicant, officer, reviewer = people(make_user)
    early = approved_application(app, setting, applicant.id, officer.id, reviewer.id)
    late = approved_application(app, setting, make_user(Role.APPLICANT).id, officer.id, reviewer.id,
                                reference="SVF-2425-0002", organisation="Westside Boxing Club")
    clock.travel_to(datetime(2025, 5, 1, 10, tzinfo=UTC))
    early_id = offer(app, early, officer.id)
    clock.advance(days=10)
    late_id = offer(app, late, officer.id)

    def overdue_on(day: date) -> list[int]:
        with app.app_context():
            return list(db.session.scalars(select(Grant.id).where(services.is_overdue_offer(day))
                                           .order_by(Grant.accept_by)))

    assert overdue_on(date(2025, 5, 31)) == []  # the last day to accept
    assert overdue_on(date(2025, 6, 1)) == [early_id]
    assert overdue_on(date(2025, 6, 11)) == [early_id, late_id]
    with app.app_context():
        services.withdraw(db.session.get(User, officer.id), db.session.get(Grant, early_id), "Not accepted in time")
        db.session.commit()
    assert overdue_on(date(2025, 6, 11)) == [late_id]


# --- withdrawing it ------------------------------------------------------------------------------


def test_withdrawing_an_offer_gives_the_award_back_to_the_fund_and_cancels_the_instalments(
        app: Flask, setting: Any, make_user: Any) -> None:
    f = funded(app, setting, make_user, accepted=False)
    assert committed(app, setting.fund_id) == 20_000_00

    with app.app_context():
        released = services.withdraw(db.session.get(User, f.officer.id), db.session.get(Grant, f.grant_id),
                                     "  The charity has closed  ")
        db.session.commit()

    assert released == 20_000_00
    assert committed(app, setting.fund_id) == 0
    with app.app_context():
        grant = db.session.get(Grant, f.grant_id)
        assert grant.status == GrantStatus.WITHDRAWN
        assert grant.status_reason == "The charity has closed"
        assert {i.status for i in grant.instalments} == {InstalmentStatus.CANCELLED}
        [event] = audit_of(f.grant_id, "grant.withdrawn")
        assert event.actor_id == f.officer.id
        assert (event.details["released_pence"], event.details["reason"], event.details["was"]) == (
            20_000_00, "The charity has closed", "offered")


def test_withdrawing_needs_a_reason(app: Flask, setting: Any, make_user: Any) -> None:
    f = funded(app, setting, make_user, accepted=False)

    with app.app_context():
        with pytest.raises(GrantError, match="Enter the reason for withdrawing the grant") as refused:
            services.withdraw(db.session.get(User, f.officer.id), db.session.get(Grant, f.grant_id), "   ")
        assert refused.value.field == "reason"
        db.session.rollback()
        assert db.session.get(Grant, f.grant_id).status == GrantStatus.OFFERED
    assert committed(app, setting.fund_id) == 20_000_00


def test_an_offer_cannot_be_withdrawn_twice_nor_the_award_released_twice(
        app: Flask, setting: Any, make_user: Any) -> None:
    f = funded(app, setting, make_user, accepted=False)
    with app.app_context():
        services.withdraw(db.session.get(User, f.officer.id), db.session.get(Grant, f.grant_id), "Dissolved")
        db.session.commit()

    with app.app_context():
        with pytest.raises(GrantError, match="already been closed or withdrawn"):
            services.withdraw(db.session.get(User, f.officer.id), db.session.get(Grant, f.grant_id), "Again")
        db.session.rollback()
    assert committed(app, setting.fund_id) == 0


# --- reshaping the schedule ----------------------------------------------------------------------


def replace(app: Flask, f: Any, plan: list[PlannedInstalment]) -> None:
    with app.app_context():
        services.replace_schedule(db.session.get(User, f.officer.id), db.session.get(Grant, f.grant_id), plan)
        db.session.commit()


def refused_replacement(app: Flask, f: Any, plan: list[PlannedInstalment]) -> str:
    before = schedule_of(app, f.grant_id)
    with app.app_context():
        with pytest.raises(GrantError) as refused:
            services.replace_schedule(db.session.get(User, f.officer.id), db.session.get(Grant, f.grant_id), plan)
        db.session.rollback()
    assert schedule_of(app, f.grant_id) == before
    return str(refused.value)


def test_the_schedule_can_be_reshaped_before_acceptance(app: Flask, setting: Any, make_user: Any) -> None:
    f = funded(app, setting, make_user, accepted=False)

    replace(app, f, [PlannedInstalment(8_000_00, Trigger.ON_ACCEPTANCE),
                     PlannedInstalment(4_000_00, Trigger.AFTER_RETURN, 1),
                     PlannedInstalment(4_000_00, Trigger.AFTER_RETURN, 4),
                     PlannedInstalment(4_000_00, Trigger.FINAL_RETURN)])

    assert schedule_of(app, f.grant_id) == [
        (8_000_00, Trigger.ON_ACCEPTANCE, None, InstalmentStatus.SCHEDULED),
        (4_000_00, Trigger.AFTER_RETURN, 1, InstalmentStatus.SCHEDULED),
        (4_000_00, Trigger.AFTER_RETURN, 4, InstalmentStatus.SCHEDULED),
        (4_000_00, Trigger.FINAL_RETURN, None, InstalmentStatus.SCHEDULED)]
    with app.app_context():
        [event] = audit_of(f.grant_id, "grant.schedule_changed")
        assert [row[0] for row in event.details["before"]] == [10_000_00, 5_000_00, 5_000_00]
        assert [row[0] for row in event.details["after"]] == [8_000_00, 4_000_00, 4_000_00, 4_000_00]
    accept(app, f.grant_id, f.applicant.id)
    assert [status for *_, status in schedule_of(app, f.grant_id)] == [
        InstalmentStatus.DUE, InstalmentStatus.SCHEDULED, InstalmentStatus.SCHEDULED, InstalmentStatus.SCHEDULED]


def test_a_schedule_that_does_not_add_up_to_the_award_is_refused_with_the_difference(
        app: Flask, setting: Any, make_user: Any) -> None:
    f = funded(app, setting, make_user, accepted=False)

    short = refused_replacement(app, f, [PlannedInstalment(10_000_00, Trigger.ON_ACCEPTANCE),
                                         PlannedInstalment(9_999_01, Trigger.FINAL_RETURN)])
    over = refused_replacement(app, f, [PlannedInstalment(10_000_00, Trigger.ON_ACCEPTANCE),
                                        PlannedInstalment(10_000_50, Trigger.FINAL_RETURN)])

    assert short == "The instalments add up to £19,999.01, which is £0.99 short of the £20,000.00 award"
    assert over == "The instalments add up to £20,000.50, which is £0.50 more than the £20,000.00 award"


def test_an_instalment_must_wait_on_a_return_the_grant_will_actually_have(
        app: Flask, setting: Any, make_user: Any) -> None:
    f = funded(app, setting, make_user, accepted=False)

    message = refused_replacement(app, f, [PlannedInstalment(10_000_00, Trigger.ON_ACCEPTANCE),
                                           PlannedInstalment(10_000_00, Trigger.AFTER_RETURN, 5)])
    assert message == "This grant has 4 quarterly returns: choose a return from 1 to 4"
    assert refused_replacement(app, f, [PlannedInstalment(10_000_00, Trigger.ON_ACCEPTANCE),
                                        PlannedInstalment(10_000_00, Trigger.AFTER_RETURN, 0)]) == message


def test_an_instalment_of_nothing_or_less_is_refused_with_a_message(app: Flask, setting: Any, make_user: Any) -> None:
    """Amounts that add up to the award but include a negative instalment must be refused by the
    rule, with a message, not left to the database's CHECK constraint."""
    f = funded(app, setting, make_user, accepted=False)

    negative = refused_replacement(app, f, [PlannedInstalment(20_500_00, Trigger.ON_ACCEPTANCE),
                                            PlannedInstalment(-500_00, Trigger.FINAL_RETURN)])
    zero = refused_replacement(app, f, [PlannedInstalment(20_000_00, Trigger.ON_ACCEPTANCE),
                                        PlannedInstalment(0, Trigger.FINAL_RETURN)])

    assert negative == zero == "Each instalment must be more than £0"


def test_the_schedule_cannot_be_changed_once_the_offer_is_accepted(app: Flask, setting: Any, make_user: Any) -> None:
    f = funded(app, setting, make_user)

    message = refused_replacement(app, f, [PlannedInstalment(20_000_00, Trigger.ON_ACCEPTANCE)])

    assert message == "The payment schedule can only be changed before the offer is accepted"
