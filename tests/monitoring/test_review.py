"""Submitting a return and the grants officer's review: changes requested, resubmitted, accepted
and locked; instalments released by accepted returns; one acceptance even at the same moment."""

from __future__ import annotations

import threading
from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from sv_grants.audit.models import AuditEvent
from sv_grants.auth.models import User
from sv_grants.extensions import db
from sv_grants.grants.models import Grant
from sv_grants.monitoring import answers, review
from sv_grants.monitoring.models import MonitoringReturn
from sv_grants.monitoring.services import ReturnError

from ..grants.factories import Funded
from ..helpers import Outbox, error_summary, field_error, heading, page, submit_form
from .conftest import first_return_id, return_url
from .factories import accept, complete, completed_and_accepted, returns_of, submit, travel_to_day


def _officer_url(grant: Funded, return_id: int, rest: str = "") -> str:
    return f"/grants/{grant.grant_id}/returns/{return_id}{rest}"


def _status(app: Flask, return_id: int) -> str:
    with app.app_context():
        return db.session.get(MonitoringReturn, return_id).status


def _instalments(app: Flask, grant_id: int) -> list[tuple[str, int | None, str]]:
    with app.app_context():
        return [(i.trigger, i.after_return, i.status) for i in db.session.get(Grant, grant_id).instalments]


def _subjects(outbox: Outbox, to: str) -> list[str]:
    # The clock stands still in these tests, so messages are told apart by subject, not by order.
    return sorted(m["Subject"] for m in outbox.messages() if m["To"] == to and "return" in m["Subject"])


def _actions(app: Flask) -> list[str]:
    with app.app_context():
        return [e.action for e in db.session.scalars(select(AuditEvent).where(AuditEvent.action.like("return.%"))
                                                      .order_by(AuditEvent.id))
                if e.action != "return.section_saved"]


def test_submit_changes_requested_resubmit_and_accept(app: Flask, grant: Funded, member: FlaskClient,
                                                      officer: FlaskClient, outbox: Outbox) -> None:
    return_id = first_return_id(app, grant)
    check_url = return_url(grant, return_id, "/check")
    unfinished = member.get(check_url)
    assert "Complete the section “Outputs delivered”" in page(unfinished).get_text()
    complete(app, grant.applicant.id, return_id)

    checked = member.get(check_url)
    assert heading(checked) == "Check your answers before submitting"
    submitted = submit_form(member, check_url, {}, action=return_url(grant, return_id, "/submit"))

    assert submitted.status_code == 302
    assert _status(app, return_id) == "submitted"
    with app.app_context():
        officer_email = db.session.get(User, grant.officer.id).email
    assert _subjects(outbox, officer_email) == ["Quarter 1 2025-26 return submitted for grant GR-SVF-2425-0001"]
    [message] = [m for m in outbox.messages() if m["To"] == officer_email and "submitted" in m["Subject"]]
    assert f"{_officer_url(grant, return_id)}\n" in outbox.body(message)
    # Read-only now: the sections send the organisation back to the view.
    assert member.get(return_url(grant, return_id, "/sections/outputs")).status_code == 302
    assert member.get(return_url(grant, return_id)).headers["Location"].endswith(return_url(grant, return_id,
                                                                                            "/view"))

    # A decision must be chosen, and asking for changes needs a comment.
    undecided = submit_form(officer, _officer_url(grant, return_id), {}, action=_officer_url(grant, return_id,
                                                                                             "/review"))
    assert error_summary(undecided) == ["Select accept or ask for changes"]
    review_page = officer.get(_officer_url(grant, return_id))
    assert "Mentoring sessions delivered" in page(review_page).get_text()
    no_comment = submit_form(officer, _officer_url(grant, return_id), {"decision": "changes"},
                             action=_officer_url(grant, return_id, "/review"))
    assert no_comment.status_code == 400
    assert field_error(no_comment, "comment") == "Enter what the organisation needs to change"
    sent_back = submit_form(officer, _officer_url(grant, return_id),
                            {"decision": "changes", "comment": "Split the spend by month, please."},
                            action=_officer_url(grant, return_id, "/review"))
    assert sent_back.status_code == 302
    assert _status(app, return_id) == "changes_requested"
    assert _subjects(outbox, grant.applicant.email) == [
        "Quarter 1 2025-26 return for grant GR-SVF-2425-0001 needs changes"]
    told = next(m for m in outbox.messages() if "needs changes" in m["Subject"])
    assert "Split the spend by month, please." in outbox.body(told)

    # The organisation edits and submits again.
    task_list = member.get(return_url(grant, return_id))
    assert "Split the spend by month, please." in page(task_list).get_text()
    edited = submit_form(member, return_url(grant, return_id, "/sections/narrative"),
                         {"progress": "Fourteen sessions ran.", "challenges": "None.", "case_study": "A story.",
                          "safeguarding_incidents": "1", "rag": "amber"})
    assert edited.status_code == 302
    assert _status(app, return_id) == "changes_requested"
    resubmitted = submit_form(member, check_url, {}, action=return_url(grant, return_id, "/submit"))
    assert resubmitted.status_code == 302
    assert _status(app, return_id) == "submitted"

    accepted = submit_form(officer, _officer_url(grant, return_id), {"decision": "accept"},
                           action=_officer_url(grant, return_id, "/review"))
    assert accepted.status_code == 302
    with app.app_context():
        found = db.session.get(MonitoringReturn, return_id)
        assert (found.status, found.reviewed_by_id, found.rag, found.safeguarding_incidents) == \
            ("accepted", grant.officer.id, "amber", 1)
    assert "Quarter 1 2025-26 return for grant GR-SVF-2425-0001 accepted" in _subjects(outbox, grant.applicant.email)
    assert _actions(app) == ["return.submitted", "return.changes_requested", "return.submitted", "return.accepted"]

    # Accepted returns are locked, to the organisation and to a second review.
    locked = member.post(return_url(grant, return_id, "/sections/narrative"),
                         data={"progress": "Rewritten", "csrf_token": "x"})
    assert locked.status_code in (302, 400)
    with app.app_context():
        assert db.session.get(MonitoringReturn, return_id).progress == "Fourteen sessions ran."
    again = officer.get(_officer_url(grant, return_id))
    assert page(again).find("form", action=_officer_url(grant, return_id, "/review")) is None


def test_an_accepted_return_cannot_be_changed_or_accepted_again(app: Flask, grant: Funded) -> None:
    return_id = first_return_id(app, grant)
    completed_and_accepted(app, grant, return_id)

    with pytest.raises(ReturnError, match="already been reviewed"):
        accept(app, grant.officer.id, return_id)
    with pytest.raises(ReturnError, match="has been submitted, so it cannot be changed"):
        complete(app, grant.applicant.id, return_id)
    with pytest.raises(ReturnError, match="already been submitted"):
        submit(app, grant.applicant.id, return_id)


def test_a_return_with_sections_left_cannot_be_submitted(app: Flask, grant: Funded, member: FlaskClient) -> None:
    return_id = first_return_id(app, grant)
    with pytest.raises(ReturnError, match="Complete the section “Outputs delivered”"):
        submit(app, grant.applicant.id, return_id)
    check_url = return_url(grant, return_id, "/check")
    response = submit_form(member, check_url, {}, action=return_url(grant, return_id, "/submit"))
    assert response.status_code == 400
    assert error_summary(response) == ["Complete the section “Outputs delivered”"]


def test_accepting_quarterly_return_two_makes_the_second_instalment_due(app: Flask, grant: Funded) -> None:
    first, second = returns_of(app, grant.grant_id)[:2]
    assert _instalments(app, grant.grant_id) == [("on_acceptance", None, "due"), ("after_return", 2, "scheduled"),
                                                 ("final_return", None, "scheduled")]
    completed_and_accepted(app, grant, first.id)
    assert _instalments(app, grant.grant_id)[1] == ("after_return", 2, "scheduled")

    travel_to_day(date(2025, 10, 15))
    completed_and_accepted(app, grant, second.id)

    assert _instalments(app, grant.grant_id)[1] == ("after_return", 2, "due")
    assert _instalments(app, grant.grant_id)[2] == ("final_return", None, "scheduled")


def test_the_final_return_is_accepted_last_and_completes_reporting(app: Flask, grant: Funded) -> None:
    *quarterly, final = returns_of(app, grant.grant_id)
    travel_to_day(date(2026, 4, 10))
    complete(app, grant.applicant.id, final.id)
    submit(app, grant.applicant.id, final.id)
    with pytest.raises(ReturnError, match="Accept every quarterly return before the final return"):
        accept(app, grant.officer.id, final.id)

    for row in quarterly:
        completed_and_accepted(app, grant, row.id)
    accept(app, grant.officer.id, final.id)

    with app.app_context():
        found = db.session.get(Grant, grant.grant_id)
        assert found.reporting_complete_at is not None
    assert _instalments(app, grant.grant_id)[2] == ("final_return", None, "due")
    assert _status(app, final.id) == "accepted"


def test_two_officers_accepting_at_the_same_moment_accept_once(app: Flask, make_app: Any, grant: Funded) -> None:
    return_id = first_return_id(app, grant)
    complete(app, grant.applicant.id, return_id)
    submit(app, grant.applicant.id, return_id)
    workers = [make_app(), make_app()]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    lock = threading.Lock()

    def accept_on(worker: Flask) -> None:
        with worker.app_context():
            officer = db.session.get(User, grant.officer.id)
            monitoring_return = db.session.get(MonitoringReturn, return_id)
            assert monitoring_return.status == "submitted"
            db.session.commit()  # end the read, as two requests would have
            barrier.wait(timeout=30)
            try:
                review.accept(officer, monitoring_return)
                db.session.commit()
                result = "accepted"
            except ReturnError as error:
                db.session.rollback()
                result = str(error)
            with lock:
                outcomes.append(result)

    threads = [threading.Thread(target=accept_on, args=(w,), daemon=True) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["This return has already been reviewed, or has not been submitted", "accepted"]
    assert _actions(app).count("return.accepted") == 1


def test_services_refuse_people_outside_the_organisation(app: Flask, grant: Funded) -> None:
    return_id = first_return_id(app, grant)
    with app.test_request_context():
        officer = db.session.get(User, grant.officer.id)
        monitoring_return = db.session.get(MonitoringReturn, return_id)
        with pytest.raises(ReturnError, match="Only members of the funded organisation"):
            answers.save_outputs(officer, monitoring_return, [], False)
        applicant = db.session.get(User, grant.applicant.id)
        with pytest.raises(ReturnError, match="Only a grants officer"):
            review.request_changes(applicant, monitoring_return, "Please")
