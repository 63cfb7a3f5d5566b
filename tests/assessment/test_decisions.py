"""Moderating a score, recording the panel's decisions, the budget they commit, telling applicants
in a batch, the reserve list, and a withdrawal giving back an approval the applicant was not told of.
(Approvals racing each other are tested in ``test_approval_concurrency.py``.)"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from sv_grants.applications.models import Application, ApplicationStatus
from sv_grants.assessment.models import Decision, Moderation
from sv_grants.audit.models import AuditEvent
from sv_grants.auth.models import Role
from sv_grants.extensions import db
from sv_grants.funds.models import Fund

from ..applications.factories import add_member
from ..helpers import Outbox, csrf_token, error_summary, field_error, heading, page, submit_form
from . import factories

PANEL_DATE = ["4", "3", "2025"]
DECISION_ACTIONS = ("assessment.moderated", "assessment.decided", "assessment.decision_notified",
                    "assessment.decision_cancelled")


@dataclass
class World:
    fund_id: int
    round_id: int
    officer: Any
    reviewer_id: int
    ann: Any  # applicant of SVF-2425-0001 (Alder Trust, £10,000); her colleague Amy is a member too
    amy_email: str
    ben: Any  # applicant of SVF-2425-0002 (Birch Club, £12,000)
    cal: Any  # applicant of SVF-2425-0003 (Cedar Group, £8,000)
    first: int
    second: int
    third: int


@pytest.fixture
def world(app: Flask, setting: Any, make_user: Any, login_as: Any) -> World:
    """Three applications of three organisations, each with one submitted review."""
    officer = login_as(Role.GRANTS_OFFICER, name="Olive Officer")
    reviewer = make_user(Role.REVIEWER, name="Rita Reviewer")
    factories.add_criteria(app, setting.round_id)
    ann, ben, cal = (login_as(Role.APPLICANT, name=name) for name in ("Ann Alder", "Ben Birch", "Cal Cedar"))
    ids = []
    for n, (client, organisation, pounds) in enumerate(
            [(ann, "Alder Trust", 10_000), (ben, "Birch Club", 12_000), (cal, "Cedar Group", 8_000)], start=1):
        application_id = factories.being_assessed(app, setting, client.person.id, organisation=organisation,
                                                  reference=f"SVF-2425-000{n}", requested_pence=pounds * 100,
                                                  title=f"{organisation} project")
        factories.reviewed(app, application_id, reviewer.id, officer.person.id, [3, 3, 3, 3, 3])
        ids.append(application_id)
    amy = make_user(Role.APPLICANT, name="Amy Alder")
    add_member(app, factories.organisation_of(app, ids[0]), amy.id)
    return World(setting.fund_id, setting.round_id, officer, reviewer.id, ann, amy.email, ben, cal, *ids)


def _committed(app: Flask, fund_id: int) -> int:
    with app.app_context():
        return db.session.get(Fund, fund_id).committed_pence


def _set_fund_total(app: Flask, fund_id: int, total_pence: int) -> None:
    with app.app_context():
        db.session.get(Fund, fund_id).total_pence = total_pence
        db.session.commit()


def _decision(app: Flask, application_id: int) -> tuple[str, int | None, bool] | None:
    """(outcome, award, still a draft) of the application's decision, or None."""
    with app.app_context():
        decision = db.session.scalar(select(Decision).where(Decision.application_id == application_id))
        return None if decision is None else (decision.outcome, decision.awarded_pence, decision.is_draft)


def _decision_id(app: Flask, application_id: int) -> int:
    with app.app_context():
        return db.session.scalar(select(Decision.id).where(Decision.application_id == application_id))


def _count(app: Flask, model: Any) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def _status(app: Flask, application_id: int) -> str:
    with app.app_context():
        return db.session.get(Application, application_id).status


def _audit(app: Flask, application_id: int) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(
            select(AuditEvent).where(AuditEvent.subject_type == "applications",
                                     AuditEvent.subject_id == str(application_id),
                                     AuditEvent.action.in_(DECISION_ACTIONS))
            .order_by(AuditEvent.id)))


def _text(response: Any) -> str:
    return " ".join(page(response).get_text(" ").split())


def _decide(client: Any, application_id: int, outcome: str | None, amount: str = "", feedback: str = "",
            conditions: str = "", panel_date: list[str] | None = None) -> Any:
    data: dict[str, Any] = {"amount": amount, "feedback": feedback, "conditions": conditions,
                            "panel_date": PANEL_DATE if panel_date is None else panel_date}
    if outcome is not None:
        data["outcome"] = outcome
    return submit_form(client, f"/applications/{application_id}/decision", data)


def _notify(app: Flask, world: World, *application_ids: int) -> Any:
    return submit_form(world.officer, f"/rounds/{world.round_id}/decisions",
                       {"decisions": [str(_decision_id(app, i)) for i in application_ids]})


def _decision_mails(outbox: Outbox) -> list[tuple[str, str]]:
    return sorted((m["To"], m["Subject"]) for m in outbox.messages() if m["Subject"].startswith("Decision on"))


# Moderation ------------------------------------------------------------------------------------------


SCORE_RULE = "Moderated score must be a number from 0 to 100, with at most one decimal place"


@pytest.mark.parametrize(("score", "reason", "errors"), [
    ("abc", "", {"score": SCORE_RULE, "reason": "Enter the reason for the moderated score"}),
    ("101", "The panel agreed", {"score": SCORE_RULE}),
    ("100.1", "The panel agreed", {"score": SCORE_RULE}),
    ("72.55", "The panel agreed", {"score": SCORE_RULE}),
    ("-5", "The panel agreed", {"score": SCORE_RULE}),
    ("", "The panel agreed", {"score": "Enter the moderated score"}),
    ("72.5", "   ", {"reason": "Enter the reason for the moderated score"}),
])
def test_moderation_errors_are_shown_beside_the_fields_and_nothing_is_stored(
        app: Flask, world: World, score: str, reason: str, errors: dict[str, str]) -> None:
    response = submit_form(world.officer, f"/applications/{world.first}/moderate", {"score": score, "reason": reason})

    assert response.status_code == 400
    for field, message in errors.items():
        assert field_error(response, field) == message
    assert error_summary(response) == list(errors.values())
    assert page(response).find("input", attrs={"name": "score"})["value"] == score
    assert _count(app, Moderation) == 0
    assert _audit(app, world.first) == []


def test_a_moderated_score_is_stored_in_tenths_and_audited(app: Flask, world: World) -> None:
    response = submit_form(world.officer, f"/applications/{world.first}/moderate",
                           {"score": "72.5", "reason": "The panel heard more about the reach"})

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/applications/{world.first}/assessment")
    with app.app_context():
        moderation = db.session.scalars(select(Moderation)).one()
        assert (moderation.application_id, moderation.score_tenths) == (world.first, 725)
        assert moderation.reason == "The panel heard more about the reach"
        assert moderation.moderated_by_id == world.officer.person.id
    hub = world.officer.get(response.headers["Location"])
    assert "Moderated score of 72.5% recorded for SVF-2425-0001." in _text(hub)
    [event] = [e for e in _audit(app, world.first) if e.action == "assessment.moderated"]
    assert event.actor_id == world.officer.person.id
    assert event.details == {"score_tenths": 725, "reason": "The panel heard more about the reach"}


@pytest.mark.parametrize(("typed", "tenths"), [("0", 0), ("100", 1000), ("65%", 650), ("7.0", 70)])
def test_moderated_scores_at_the_edges(app: Flask, world: World, typed: str, tenths: int) -> None:
    response = submit_form(world.officer, f"/applications/{world.first}/moderate",
                           {"score": typed, "reason": "Agreed at the panel"})

    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalars(select(Moderation.score_tenths)).all() == [tenths]


def test_an_application_without_a_submitted_review_cannot_be_moderated(app: Flask, setting: Any, world: World,
                                                                         make_user: Any) -> None:
    unscored = factories.being_assessed(app, setting, make_user(Role.APPLICANT).id, organisation="Damson Club",
                                        reference="SVF-2425-0004")
    draft = factories.assign(app, unscored, world.reviewer_id, world.officer.person.id)
    factories.declare(app, draft)
    factories.score(app, draft, [4, 4, 4, 4, 4], submit=False)

    response = submit_form(world.officer, f"/applications/{unscored}/moderate",
                           {"score": "70", "reason": "Trying anyway"})

    assert response.status_code == 400
    message = "No reviewer has submitted scores yet, so there is nothing to moderate"
    assert field_error(response, "score") == message
    assert message in error_summary(response)
    assert _count(app, Moderation) == 0


# Recording a decision: validation -------------------------------------------------------------------


@pytest.mark.parametrize(("outcome", "amount", "feedback", "panel_date", "field", "message"), [
    ("approved", "10000.01", "", PANEL_DATE, "amount",
     "Amount awarded cannot be more than the £10,000.00 requested"),
    ("approved", "0.50", "", PANEL_DATE, "amount", "Amount awarded must be at least £1"),
    ("approved", "abc", "Well done", PANEL_DATE, "amount",
     "Amount awarded must be an amount of money in pounds, like 15000"),
    ("approved", "", "", PANEL_DATE, "amount", "Enter the amount awarded"),
    ("approved", "-500", "", PANEL_DATE, "amount", "Amount awarded must be more than £0"),
    ("rejected", "", "", PANEL_DATE, "feedback", "Enter feedback for the applicant"),
    ("rejected", "", "   ", PANEL_DATE, "feedback", "Enter feedback for the applicant"),
    ("approved", "5000", "", ["", "", ""], "panel_date", "Enter the date of the panel"),
    ("approved", "5000", "", ["31", "2", "2025"], "panel_date",
     "Date of the panel must be a real date, like 27 3 2026"),
    (None, "5000", "", PANEL_DATE, "outcome", "Select approved, rejected or reserve list"),
    ("granted", "5000", "", PANEL_DATE, "outcome", "Select from the options shown"),
])
def test_a_decision_with_a_mistake_is_refused_beside_the_field_and_changes_nothing(
        app: Flask, world: World, outcome: str | None, amount: str, feedback: str, panel_date: list[str],
        field: str, message: str) -> None:
    response = _decide(world.officer, world.first, outcome, amount, feedback=feedback,
                       conditions="Quarterly reports", panel_date=panel_date)

    assert response.status_code == 400
    assert field_error(response, field) == message
    assert message in error_summary(response)
    assert _committed(app, world.fund_id) == 0
    assert _count(app, Decision) == 0
    # What was typed is still there to correct.
    form = page(response)
    assert form.find("input", attrs={"name": "amount"})["value"] == amount
    assert form.find("textarea", attrs={"name": "conditions"}).get_text() == "Quarterly reports"
    assert [form.find(id=f"panel_date-{part}")["value"] for part in ("day", "month", "year")] == panel_date
    if outcome in ("approved", "rejected"):
        assert form.find("input", attrs={"name": "outcome", "value": outcome}).has_attr("checked")


def test_an_application_nobody_has_scored_cannot_be_decided(app: Flask, setting: Any, world: World,
                                                           make_user: Any) -> None:
    unscored = factories.being_assessed(app, setting, make_user(Role.APPLICANT).id, organisation="Damson Club",
                                        reference="SVF-2425-0004", requested_pence=9_000_00)
    draft = factories.assign(app, unscored, world.reviewer_id, world.officer.person.id)
    factories.declare(app, draft)
    factories.score(app, draft, [4, 4, 4, 4, 4], submit=False)

    response = _decide(world.officer, unscored, "approved", "9000", feedback="Typed feedback")

    assert response.status_code == 400
    message = "This application has not been assessed yet: no reviewer has submitted scores"
    assert field_error(response, "outcome") == message
    assert error_summary(response) == [message]
    assert page(response).find("textarea", attrs={"name": "feedback"}).get_text() == "Typed feedback"
    assert _committed(app, world.fund_id) == 0
    assert _decision(app, unscored) is None
    assert _status(app, unscored) == ApplicationStatus.IN_ASSESSMENT


def test_an_application_not_yet_checked_cannot_be_decided(app: Flask, setting: Any, world: World,
                                                         make_user: Any) -> None:
    unchecked = factories.being_assessed(app, setting, make_user(Role.APPLICANT).id, organisation="Elm Project",
                                         reference="SVF-2425-0005", status=ApplicationStatus.SUBMITTED)

    response = _decide(world.officer, unchecked, "approved", "10000")

    assert response.status_code == 400
    message = "Only an application being assessed, or on the reserve list, can be decided"
    assert field_error(response, "outcome") == message
    assert page(response).find("input", attrs={"name": "amount"})["value"] == "10000"
    assert _committed(app, world.fund_id) == 0
    assert _decision(app, unchecked) is None
    assert _status(app, unchecked) == ApplicationStatus.SUBMITTED


# Recording a decision: the budget ---------------------------------------------------------------------


def test_approving_commits_the_award_and_changing_a_draft_adjusts_it(app: Flask, world: World) -> None:
    response = _decide(world.officer, world.first, "approved", "10000", conditions="Quarterly reports")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/applications/{world.first}/assessment")
    assert _committed(app, world.fund_id) == 10_000_00
    assert _decision(app, world.first) == ("approved", 10_000_00, True)

    # A reduced award commits only what is awarded.
    assert _decide(world.officer, world.second, "approved", "£7,500.50").status_code == 302
    assert _committed(app, world.fund_id) == 10_000_00 + 7_500_50

    # A changed amount moves the commitment by the difference.
    assert _decide(world.officer, world.first, "approved", "8000").status_code == 302
    assert _committed(app, world.fund_id) == 8_000_00 + 7_500_50
    assert _decision(app, world.first) == ("approved", 8_000_00, True)

    # A draft approval changed to a rejection gives its award back.
    assert _decide(world.officer, world.second, "rejected", feedback="Not enough evidence").status_code == 302
    assert _committed(app, world.fund_id) == 8_000_00
    assert _decision(app, world.second) == ("rejected", None, True)

    # A reserve commits nothing.
    assert _decide(world.officer, world.third, "reserve", feedback="Good, but the fund is stretched").status_code == 302
    assert _committed(app, world.fund_id) == 8_000_00
    assert _decision(app, world.third) == ("reserve", None, True)
    assert _count(app, Decision) == 3

    # Statuses do not move until the applicants are told.
    assert {_status(app, i) for i in (world.first, world.second, world.third)} == {ApplicationStatus.IN_ASSESSMENT}
    form = world.officer.get(f"/applications/{world.first}/decision")
    assert page(form).find("input", attrs={"name": "amount"})["value"] == "8000"
    assert "Approved of £8,000.00" in _text(form)


def test_an_award_that_does_not_fit_is_refused_with_what_remains(app: Flask, world: World) -> None:
    _set_fund_total(app, world.fund_id, 15_000_00)
    assert _decide(world.officer, world.first, "approved", "10000").status_code == 302

    response = _decide(world.officer, world.second, "approved", "12000", feedback="Well done")

    assert response.status_code == 409
    message = "There is not enough left in the fund: £5,000.00 remains, and this award needs £12,000.00"
    assert field_error(response, "amount") == message
    assert error_summary(response) == [message]
    assert page(response).find("input", attrs={"name": "amount"})["value"] == "12000"
    assert "Left in the fund £5,000.00" in _text(response)
    assert _committed(app, world.fund_id) == 10_000_00
    assert _decision(app, world.second) is None
    assert not [e for e in _audit(app, world.second) if e.action == "assessment.decided"]

    # A reduced award that fits exactly is accepted, and the fund is then fully committed.
    assert _decide(world.officer, world.second, "approved", "5000").status_code == 302
    assert _committed(app, world.fund_id) == 15_000_00
    refused = _decide(world.officer, world.third, "approved", "1")
    assert refused.status_code == 409
    assert "£0.00 remains" in field_error(refused, "amount")


def test_raising_a_draft_award_beyond_the_fund_is_refused_and_the_old_award_stands(app: Flask, world: World) -> None:
    _set_fund_total(app, world.fund_id, 15_000_00)
    assert _decide(world.officer, world.first, "approved", "6000").status_code == 302
    assert _decide(world.officer, world.second, "approved", "8000").status_code == 302  # £1,000 left

    response = _decide(world.officer, world.first, "approved", "10000")

    assert response.status_code == 409
    assert "£1,000.00 remains" in field_error(response, "amount")
    assert _committed(app, world.fund_id) == 14_000_00
    assert _decision(app, world.first) == ("approved", 6_000_00, True)


# Telling applicants ------------------------------------------------------------------------------------


def test_decisions_are_drafts_until_notified_then_sent_in_a_batch(app: Flask, world: World,
                                                                  outbox: Outbox) -> None:
    _decide(world.officer, world.first, "approved", "10000", conditions="Send a revised delivery plan",
            feedback="A strong, well-evidenced application")
    _decide(world.officer, world.second, "rejected", feedback="Not enough evidence of need in the area")
    _decide(world.officer, world.third, "approved", "8000")

    # The applicants see nothing yet.
    for client, application_id in ((world.ann, world.first), (world.ben, world.second)):
        dashboard = client.get("/organisation")
        assert "Being assessed" in _text(dashboard)
        assert "Read the decision" not in _text(dashboard)
        assert "Being assessed" in _text(client.get(f"/applications/{application_id}/view"))
        assert client.get(f"/applications/{application_id}/outcome").status_code == 404
    assert _decision_mails(outbox) == []

    waiting = world.officer.get(f"/rounds/{world.round_id}/decisions")
    assert [r.find("td").get_text(strip=True) for r in page(waiting).select("tbody tr")] == [
        "SVF-2425-0001", "SVF-2425-0002", "SVF-2425-0003"]

    response = _notify(app, world, world.first, world.second)

    assert response.status_code == 302
    assert "2 applicants notified." in _text(world.officer.get(response.headers["Location"]))
    assert _status(app, world.first) == ApplicationStatus.APPROVED
    assert _status(app, world.second) == ApplicationStatus.REJECTED
    assert _status(app, world.third) == ApplicationStatus.IN_ASSESSMENT
    assert _decision(app, world.third) == ("approved", 8_000_00, True)
    assert _decision_mails(outbox) == sorted([
        (world.ann.person.email, "Decision on application SVF-2425-0001"),
        (world.amy_email, "Decision on application SVF-2425-0001"),
        (world.ben.person.email, "Decision on application SVF-2425-0002"),
    ])
    assert outbox.link_in_last(world.ben.person.email) == f"/applications/{world.second}/outcome"

    approved = world.ann.get(f"/applications/{world.first}/outcome")
    assert approved.status_code == 200
    assert heading(approved) == "Your application has been approved"
    text = _text(approved)
    assert "Award: £10,000.00" in text
    assert "Send a revised delivery plan" in text
    assert "A strong, well-evidenced application" in text
    assert "Rita Reviewer" not in text and "75.0%" not in text  # never reviewers or scores
    dashboard = _text(world.ann.get("/organisation"))
    assert "Approved" in dashboard and "Read the decision" in dashboard

    rejected = world.ben.get(f"/applications/{world.second}/outcome")
    assert heading(rejected) == "Your application has not been funded"
    assert "Not enough evidence of need in the area" in _text(rejected)
    assert "Not funded" in _text(world.ben.get(f"/applications/{world.second}/view"))
    assert world.cal.get(f"/applications/{world.third}/outcome").status_code == 404

    # Posting the same batch again (a double click, the back button) sends nothing more.
    page_now = world.officer.get(f"/rounds/{world.round_id}/decisions")
    again = world.officer.post(f"/rounds/{world.round_id}/decisions", data={
        "decisions": [str(_decision_id(app, world.first)), str(_decision_id(app, world.second))],
        "csrf_token": csrf_token(page_now)})
    assert again.status_code == 302, again.status_code
    assert "Those decisions have already been sent." in _text(world.officer.get(again.headers["Location"]))
    assert len(_decision_mails(outbox)) == 3
    assert [r.find("td").get_text(strip=True) for r in page(page_now).select("tbody tr")] == ["SVF-2425-0003"]


def test_a_notified_decision_cannot_be_changed(app: Flask, world: World) -> None:
    _decide(world.officer, world.first, "approved", "10000")
    _notify(app, world, world.first)

    response = world.officer.post(f"/applications/{world.first}/decision", data={
        "outcome": "rejected", "feedback": "Changed our minds", "panel_date": PANEL_DATE,
        "csrf_token": csrf_token(world.officer.get(f"/applications/{world.first}/decision"))})

    assert response.status_code == 400
    assert "Only an application being assessed, or on the reserve list, can be decided" in error_summary(response)
    assert _committed(app, world.fund_id) == 10_000_00
    assert _decision(app, world.first) == ("approved", 10_000_00, False)


def test_the_reserve_list_then_approval_when_money_is_released(app: Flask, world: World, outbox: Outbox) -> None:
    _set_fund_total(app, world.fund_id, 15_000_00)
    assert _decide(world.officer, world.first, "approved", "10000").status_code == 302
    _decide(world.officer, world.third, "reserve", feedback="Good, but the fund is stretched")
    _notify(app, world, world.third)

    assert _status(app, world.third) == ApplicationStatus.RESERVE
    told = world.cal.get(f"/applications/{world.third}/outcome")
    assert heading(told) == "Your application is on the reserve list"
    assert "reserve list" in _text(told) and "Good, but the fund is stretched" in _text(told)
    assert "On the reserve list" in _text(world.cal.get("/organisation"))

    # Not enough money yet.
    refused = _decide(world.officer, world.third, "approved", "8000")
    assert refused.status_code == 409
    assert "£5,000.00 remains" in field_error(refused, "amount")
    assert _decision(app, world.third) == ("reserve", None, False)

    # The draft approval of the first application is changed to a rejection: its £10,000 comes back.
    _decide(world.officer, world.first, "rejected", feedback="The panel preferred others")
    assert _committed(app, world.fund_id) == 0

    form = world.officer.get(f"/applications/{world.third}/decision")
    assert page(form).find("input", attrs={"name": "outcome", "value": "approved"}).has_attr("checked")
    assert _decide(world.officer, world.third, "approved", "8000", conditions="Start by June").status_code == 302
    assert _committed(app, world.fund_id) == 8_000_00
    assert _status(app, world.third) == ApplicationStatus.RESERVE
    assert _decision(app, world.third) == ("approved", 8_000_00, True)

    _notify(app, world, world.third)

    assert _status(app, world.third) == ApplicationStatus.APPROVED
    approved = world.cal.get(f"/applications/{world.third}/outcome")
    assert heading(approved) == "Your application has been approved"
    assert "Award: £8,000.00" in _text(approved) and "Start by June" in _text(approved)
    assert [subject for to, subject in _decision_mails(outbox) if to == world.cal.person.email] == [
        "Decision on application SVF-2425-0003"] * 2


def test_a_reserve_applicant_keeps_seeing_the_reserve_decision_until_told_the_new_one(app: Flask,
                                                                                      world: World) -> None:
    """The applicant was told "reserve list" (and e-mailed a link to it). While the officer's new
    approval is still a draft, that page must keep showing what they were told, not vanish."""
    _decide(world.officer, world.third, "reserve", feedback="Good, but the fund is stretched")
    _notify(app, world, world.third)
    assert world.cal.get(f"/applications/{world.third}/outcome").status_code == 200

    assert _decide(world.officer, world.third, "approved", "8000").status_code == 302  # a draft

    assert "On the reserve list" in _text(world.cal.get("/organisation"))
    still = world.cal.get(f"/applications/{world.third}/outcome")
    assert still.status_code == 200
    assert heading(still) == "Your application is on the reserve list"
    assert "8,000" not in _text(still)  # the draft award is not shown before it is sent


def test_withdrawing_gives_back_an_approval_the_applicant_was_not_told_of(app: Flask, world: World) -> None:
    _decide(world.officer, world.first, "approved", "10000")
    assert _committed(app, world.fund_id) == 10_000_00

    response = submit_form(world.ann, f"/applications/{world.first}/withdraw",
                           {"reason": "We have found other funding"})

    assert response.status_code == 302
    assert _status(app, world.first) == ApplicationStatus.WITHDRAWN
    assert _committed(app, world.fund_id) == 0
    assert _decision(app, world.first) is None
    [cancelled] = [e for e in _audit(app, world.first) if e.action == "assessment.decision_cancelled"]
    assert cancelled.actor_id == world.ann.person.id
    assert cancelled.details["outcome"] == "approved"
    assert world.officer.get(f"/rounds/{world.round_id}/decisions").status_code == 200
    assert "SVF-2425-0001" not in _text(world.officer.get(f"/rounds/{world.round_id}/decisions"))


def test_a_notified_approval_cannot_be_withdrawn_and_stays_committed(app: Flask, world: World) -> None:
    _decide(world.officer, world.first, "approved", "10000")
    _notify(app, world, world.first)

    assert world.ann.get(f"/applications/{world.first}/withdraw").status_code == 404
    assert _committed(app, world.fund_id) == 10_000_00
    assert _decision(app, world.first) == ("approved", 10_000_00, False)


# The audit trail ---------------------------------------------------------------------------------------


def test_moderating_deciding_and_notifying_are_audited(app: Flask, world: World) -> None:
    submit_form(world.officer, f"/applications/{world.first}/moderate", {"score": "80", "reason": "Agreed"})
    _decide(world.officer, world.first, "approved", "10000")
    _decide(world.officer, world.first, "approved", "9000")
    _notify(app, world, world.first)

    events = _audit(app, world.first)
    assert [e.action for e in events] == ["assessment.moderated", "assessment.decided", "assessment.decided",
                                          "assessment.decision_notified"]
    assert {e.actor_id for e in events} == {world.officer.person.id}
    moderated, first, second, notified = (e.details for e in events)
    assert moderated == {"score_tenths": 800, "reason": "Agreed"}
    assert first == {"outcome": "approved", "awarded_pence": 10_000_00, "previous_award_pence": None}
    assert second == {"outcome": "approved", "awarded_pence": 9_000_00, "previous_award_pence": 10_000_00}
    assert notified == {"outcome": "approved"}
