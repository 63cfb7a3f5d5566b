"""What stops a complete draft being submitted, and the lifecycle's transition table."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from sv_grants.applications.models import TRANSITIONS, Application, ApplicationStatus, InvalidTransition
from sv_grants.dates import clock, format_date
from sv_grants.extensions import db
from sv_grants.organisations.models import Document, DocumentKind, Organisation

from ..helpers import page
from .factories import post_submit, ready_draft
from .journey import application, documents_of_kind


def _still_a_draft_saying(client: FlaskClient, app: Flask, application_id: int, message: str) -> None:
    response = post_submit(client, application_id)
    assert response.status_code == 400
    listed = [item.get_text(" ", strip=True) for item in page(response).select("#submit-application li")]
    assert message in listed
    assert application(app, application_id).status == ApplicationStatus.DRAFT
    assert application(app, application_id).reference is None


def test_an_expired_safeguarding_policy_stops_submission(app: Flask, applicant: FlaskClient, setting: Any) -> None:
    application_id = ready_draft(applicant, app, setting)
    policy_id = documents_of_kind(app, applicant.organisation_id, DocumentKind.SAFEGUARDING_POLICY)
    yesterday = clock.today_in_london() - timedelta(days=1)
    with app.app_context():
        db.session.get(Document, policy_id).expires_on = yesterday
        db.session.commit()

    _still_a_draft_saying(applicant, app, application_id, "The document chosen as your safeguarding policy "
                          f"expired on {format_date(yesterday)}: upload a current one")


def test_a_document_removed_after_it_was_chosen_stops_submission(app: Flask, applicant: FlaskClient,
                                                                 setting: Any) -> None:
    application_id = ready_draft(applicant, app, setting)
    accounts_id = documents_of_kind(app, applicant.organisation_id, DocumentKind.ACCOUNTS)
    with app.app_context():
        db.session.get(Document, accounts_id).removed_at = clock.now()
        db.session.commit()

    _still_a_draft_saying(applicant, app, application_id,
                          "The document chosen as your latest accounts has been removed: choose another")


def test_incomplete_organisation_details_stop_submission(app: Flask, applicant: FlaskClient, setting: Any) -> None:
    application_id = ready_draft(applicant, app, setting)
    with app.app_context():
        db.session.get(Organisation, applicant.organisation_id).postcode = None
        db.session.commit()

    _still_a_draft_saying(applicant, app, application_id, "Complete your organisation's details")


MOVES = [(start, end) for start in ApplicationStatus for end in ApplicationStatus]


@pytest.mark.parametrize(("start", "end"), MOVES, ids=[f"{s.value}-to-{e.value}" for s, e in MOVES])
def test_only_the_moves_in_the_transition_table_are_allowed(start: ApplicationStatus, end: ApplicationStatus) -> None:
    application = Application(status=start)
    allowed = {
        ApplicationStatus.DRAFT: {"submitted"},
        ApplicationStatus.SUBMITTED: {"withdrawn", "ineligible", "in_assessment"},
        ApplicationStatus.IN_ASSESSMENT: {"withdrawn", "approved", "rejected", "reserve"},
        ApplicationStatus.RESERVE: {"approved", "rejected"},
    }.get(start, set())
    if end.value in allowed:
        application.move_to(end)
        assert application.status == end
    else:
        with pytest.raises(InvalidTransition):
            application.move_to(end)
        assert application.status == start
    assert {s.value for s in TRANSITIONS[start]} == allowed
