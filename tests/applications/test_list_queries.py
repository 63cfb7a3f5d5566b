"""The applicant's dashboard and the officer's list of a round's applications cost the same
queries however many applications they list: nothing is looked up one row at a time."""

from __future__ import annotations

from typing import Any

from flask import Flask

from sv_grants.applications.models import ApplicationStatus
from sv_grants.assessment.models import Clarification
from sv_grants.auth.models import Role
from sv_grants.dates import clock
from sv_grants.extensions import db

from ..conftest import sign_in
from ..helpers import complete_organisation, counted_queries, page
from .factories import insert_application


def add_applications(app: Flask, setting: Any, organisation_id: int, user_id: int, count: int, first: int,
                     status: ApplicationStatus = ApplicationStatus.SUBMITTED) -> list[int]:
    return [insert_application(app, setting.round_id, organisation_id, user_id, reference=f"SVF-2425-{n:04d}",
                               status=status, primary_priority_id=setting.priority_ids[n % 4], title=f"Project {n}")
            for n in range(first, first + count)]


def ask_about(app: Flask, application_ids: list[int], officer_id: int) -> None:
    with app.app_context():
        db.session.add_all(Clarification(application_id=application_id, question="Who delivers it?",
                                         asked_by_id=officer_id, asked_at=clock.now())
                           for application_id in application_ids)
        db.session.commit()


def test_the_dashboard_costs_the_same_queries_for_three_applications_as_for_nine(
        app: Flask, setting: Any, make_user: Any) -> None:
    applicant = make_user(Role.APPLICANT)
    officer = make_user(Role.GRANTS_OFFICER)
    organisation_id = complete_organisation(app, applicant.id)
    client = app.test_client()
    sign_in(client, applicant)
    few_ids = add_applications(app, setting, organisation_id, applicant.id, 3, first=1)
    ask_about(app, few_ids[:1], officer.id)
    with counted_queries(app) as few:
        assert client.get("/organisation").status_code == 200
    many_ids = add_applications(app, setting, organisation_id, applicant.id, 6, first=4)
    ask_about(app, many_ids[:2], officer.id)
    with counted_queries(app) as many:
        response = client.get("/organisation")

    cards = page(response).select(".govuk-summary-card")
    assert len(cards) == 9
    questions = [card for card in cards if "Answer the question" in card.get_text()]
    assert len(questions) == 3  # each card still tells of its own open question
    assert len(many) == len(few)


def test_the_officer_list_costs_the_same_queries_for_an_empty_page_as_a_full_one(
        app: Flask, setting: Any, make_user: Any) -> None:
    officer = make_user(Role.GRANTS_OFFICER)
    client = app.test_client()
    sign_in(client, officer)
    organisation_id = complete_organisation(app, make_user(Role.APPLICANT).id)
    url = f"/rounds/{setting.round_id}/applications?status=in_assessment&page=2"
    with counted_queries(app) as none:
        assert client.get(url).status_code == 200
    add_applications(app, setting, organisation_id, officer.id, 10, first=1, status=ApplicationStatus.IN_ASSESSMENT)
    with counted_queries(app) as few:
        assert client.get(url).status_code == 200
    add_applications(app, setting, organisation_id, officer.id, 20, first=11, status=ApplicationStatus.IN_ASSESSMENT)
    with counted_queries(app) as many:
        response = client.get(url)

    rows = page(response).select("table.govuk-table tbody tr")
    assert [row.select("td")[0].get_text(strip=True) for row in rows] == \
        [f"SVF-2425-{n:04d}" for n in range(26, 31)]
    assert all(row.select("td")[2].get_text(strip=True) for row in rows)  # each row's main priority shown
    assert len(none) == len(few) == len(many)
