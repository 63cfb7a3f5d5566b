"""The reviewer's queue at scale: a page of assignments at a time, a summary that counts every
assignment whatever the page, and the same handful of queries however many assignments there are."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from sv_grants.applications.models import Application, ApplicationStatus
from sv_grants.assessment.models import Assignment, Declaration
from sv_grants.assessment.routes import REVIEWS_PAGE_SIZE
from sv_grants.auth.models import Role
from sv_grants.extensions import db
from sv_grants.organisations.models import LegalForm, Organisation

from ..helpers import counted_queries, page


def give_assignments(app: Flask, setting: Any, reviewer_id: int, officer_id: int, count: int,
                     first: int = 1) -> None:
    """``count`` applications, SVF-2425-0001 onwards, each assigned to the reviewer, in one commit."""
    with app.app_context():
        organisation = Organisation(name=f"Trust {first}", legal_form=LegalForm.REGISTERED_CHARITY)
        applications = [Application(round_id=setting.round_id, organisation=organisation, created_by_id=officer_id,
                                    reference=f"SVF-2425-{n:04d}", status=ApplicationStatus.IN_ASSESSMENT,
                                    title="A project", requested_pence=10_000_00, eligibility={})
                        for n in range(first, first + count)]
        db.session.add_all(Assignment(application=application, reviewer_id=reviewer_id, assigned_by_id=officer_id)
                           for application in applications)
        db.session.commit()


def shown_references(response: Any) -> list[str]:
    return [row.select_one("th a").contents[0].strip()
            for row in page(response).select("table.govuk-table tbody tr")]


@pytest.fixture
def reviewer(login_as: Any) -> FlaskClient:
    return login_as(Role.REVIEWER)


@pytest.fixture
def officer_id(make_user: Any) -> int:
    return make_user(Role.GRANTS_OFFICER).id


def test_the_queue_is_paged_and_page_two_starts_at_the_51st_assignment(
        app: Flask, setting: Any, reviewer: FlaskClient, officer_id: int) -> None:
    give_assignments(app, setting, reviewer.person.id, officer_id, REVIEWS_PAGE_SIZE + 10)

    first = reviewer.get("/reviews")
    second = reviewer.get("/reviews?page=2")

    assert shown_references(first) == [f"SVF-2425-{n:04d}" for n in range(1, 51)]
    assert shown_references(second) == [f"SVF-2425-{n:04d}" for n in range(51, 61)]
    pager = page(second).select_one("nav.govuk-pagination")
    assert pager is not None and pager.select_one(".govuk-pagination__prev a")["href"].endswith("page=1")
    assert "page 2 of 2" in page(second).select_one("caption").get_text()


@pytest.mark.parametrize(("asked", "shown"), [("abc", 1), ("-3", 1), ("0", 1), ("999999", 2), ("", 1)])
def test_a_junk_or_out_of_range_page_number_shows_the_nearest_page(
        app: Flask, setting: Any, reviewer: FlaskClient, officer_id: int, asked: str, shown: int) -> None:
    give_assignments(app, setting, reviewer.person.id, officer_id, REVIEWS_PAGE_SIZE + 1)

    response = reviewer.get(f"/reviews?page={asked}")

    assert response.status_code == 200
    expected = ["SVF-2425-0051"] if shown == 2 else [f"SVF-2425-{n:04d}" for n in range(1, 51)]
    assert shown_references(response) == expected


def test_the_summary_counts_every_assignment_on_every_page(
        app: Flask, setting: Any, reviewer: FlaskClient, officer_id: int) -> None:
    give_assignments(app, setting, reviewer.person.id, officer_id, REVIEWS_PAGE_SIZE + 10)
    with app.app_context():  # the last 25 declared: 35 still to declare, spread over both pages
        declared = select(Application.id).where(Application.reference > "SVF-2425-0035")
        db.session.execute(update(Assignment).where(Assignment.application_id.in_(declared))
                           .values(declaration=Declaration.NONE))
        db.session.commit()

    for url in ("/reviews", "/reviews?page=2"):
        text = " ".join(page(reviewer.get(url)).select_one("main").get_text().split())
        assert "60 applications are assigned to you, and 35 still need you to declare whether you have an " \
               "interest." in text


def test_no_pager_when_everything_fits_on_one_page(
        app: Flask, setting: Any, reviewer: FlaskClient, officer_id: int) -> None:
    give_assignments(app, setting, reviewer.person.id, officer_id, 3)

    response = reviewer.get("/reviews")

    assert shown_references(response) == ["SVF-2425-0001", "SVF-2425-0002", "SVF-2425-0003"]
    assert page(response).select_one("nav.govuk-pagination") is None


def test_the_queue_costs_the_same_queries_for_a_few_assignments_as_for_many(
        app: Flask, setting: Any, reviewer: FlaskClient, officer_id: int) -> None:
    # Past 500 rows a whole-queue page would need a second round of eager loads; a paged one never does.
    give_assignments(app, setting, reviewer.person.id, officer_id, 200)
    with counted_queries(app) as few:
        assert reviewer.get("/reviews").status_code == 200
    give_assignments(app, setting, reviewer.person.id, officer_id, 400, first=201)
    with counted_queries(app) as many:
        response = reviewer.get("/reviews?page=12")

    assert shown_references(response) == [f"SVF-2425-{n:04d}" for n in range(551, 601)]
    assert len(many) == len(few)
