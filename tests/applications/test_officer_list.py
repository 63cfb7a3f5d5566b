"""A grants officer's list of a round's applications: submitted ones only, filtered, searched, paged."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from sv_grants.applications.models import ApplicationStatus
from sv_grants.auth.models import Role
from sv_grants.extensions import db
from sv_grants.organisations.models import LegalForm, Organisation

from ..helpers import heading, page
from .factories import insert_application


@pytest.fixture
def officer(login_as: Any) -> FlaskClient:
    return login_as(Role.GRANTS_OFFICER)


def organisation(app: Flask, name: str) -> int:
    with app.app_context():
        found = Organisation(name=name, legal_form=LegalForm.REGISTERED_CHARITY)
        db.session.add(found)
        db.session.commit()
        return found.id


def references(response: Any) -> list[str]:
    return [row.select("td")[0].get_text(strip=True) for row in page(response).select("table.govuk-table tbody tr")]


def list_url(round_id: int) -> str:
    return f"/rounds/{round_id}/applications"


@pytest.fixture
def listed(app: Flask, setting: Any, officer: FlaskClient) -> dict[str, int]:
    """Five applications from three organisations, in every state an officer might filter by."""
    eastside, westside, hope = (organisation(app, name) for name in
                                ("Eastside Youth Trust", "Westside Boxing Club", "Hope Street Project"))
    first, second, third = setting.priority_ids[:3]
    user = officer.person.id
    rows = {
        "SVF-2425-0001": (eastside, ApplicationStatus.SUBMITTED, first, "Mentoring in Darlington"),
        "SVF-2425-0002": (westside, ApplicationStatus.SUBMITTED, second, "Boxing after school"),
        "SVF-2425-0003": (hope, ApplicationStatus.WITHDRAWN, first, "Street outreach"),
        "SVF-2425-0004": (eastside, ApplicationStatus.IN_ASSESSMENT, third, "Knife crime workshops"),
    }
    ids = {reference: insert_application(app, setting.round_id, org, user, reference=reference, status=status,
                                         primary_priority_id=priority, title=title)
           for reference, (org, status, priority, title) in rows.items()}
    ids["draft"] = insert_application(app, setting.round_id, westside, user, reference=None,
                                      status=ApplicationStatus.DRAFT, primary_priority_id=second,
                                      title="Unfinished secret plan")
    return ids


def test_an_officer_sees_only_submitted_applications_not_drafts(
        setting: Any, officer: FlaskClient, listed: dict[str, int]) -> None:
    response = officer.get(list_url(setting.round_id))

    assert response.status_code == 200
    assert heading(response) == "Applications to Round 1"
    assert references(response) == ["SVF-2425-0001", "SVF-2425-0002", "SVF-2425-0003", "SVF-2425-0004"]
    text = " ".join(page(response).get_text().split())
    assert "Unfinished secret plan" not in text
    assert "1 draft not yet submitted." in text
    assert page(response).select_one("caption").get_text(strip=True) == "4 applications"
    link = page(response).find("a", string="SVF-2425-0002")
    # The officer lands on the assessment page, which links to the read-only view.
    assert link["href"] == f"/applications/{listed['SVF-2425-0002']}/assessment"


@pytest.mark.parametrize(("status", "expected"), [
    ("submitted", ["SVF-2425-0001", "SVF-2425-0002"]),
    ("withdrawn", ["SVF-2425-0003"]),
    ("in_assessment", ["SVF-2425-0004"]),
    ("approved", []),
    ("draft", ["SVF-2425-0001", "SVF-2425-0002", "SVF-2425-0003", "SVF-2425-0004"]),  # not a filter officers have
])
def test_an_officer_can_filter_by_status(
        setting: Any, officer: FlaskClient, listed: dict[str, int], status: str, expected: list[str]) -> None:
    response = officer.get(list_url(setting.round_id), query_string={"status": status})

    assert response.status_code == 200
    assert references(response) == expected
    assert "Unfinished secret plan" not in response.get_data(as_text=True)


def test_an_officer_can_filter_by_main_priority(
        app: Flask, setting: Any, officer: FlaskClient, listed: dict[str, int]) -> None:
    first, second = setting.priority_ids[:2]

    by_first = officer.get(list_url(setting.round_id), query_string={"priority": str(first)})
    by_second = officer.get(list_url(setting.round_id), query_string={"priority": str(second)})

    assert references(by_first) == ["SVF-2425-0001", "SVF-2425-0003"]
    assert references(by_second) == ["SVF-2425-0002"]  # the draft addresses it too, but stays hidden
    selected = page(by_second).select_one("#priority option[selected]")
    assert selected["value"] == str(second)


def test_only_the_main_priority_counts_when_filtering(
        app: Flask, setting: Any, officer: FlaskClient, listed: dict[str, int]) -> None:
    from sv_grants.applications.models import ApplicationPriority

    with app.app_context():
        db.session.add(ApplicationPriority(application_id=listed["SVF-2425-0001"], priority_id=setting.priority_ids[3],
                                           is_primary=False))
        db.session.commit()

    response = officer.get(list_url(setting.round_id), query_string={"priority": str(setting.priority_ids[3])})

    assert references(response) == []
    assert "No applications match these filters." in response.get_data(as_text=True)


@pytest.mark.parametrize(("query", "expected"), [
    ("SVF-2425-0003", ["SVF-2425-0003"]),
    ("svf-2425-0002", ["SVF-2425-0002"]),
    ("  0004 ", ["SVF-2425-0004"]),
    ("EASTSIDE", ["SVF-2425-0001", "SVF-2425-0004"]),
    ("boxing c", ["SVF-2425-0002"]),
    ("hOpE sTrEeT", ["SVF-2425-0003"]),
    ("Nobody at all", []),
])
def test_an_officer_can_search_by_reference_or_part_of_the_organisation_name(
        setting: Any, officer: FlaskClient, listed: dict[str, int], query: str, expected: list[str]) -> None:
    response = officer.get(list_url(setting.round_id), query_string={"q": query})

    assert response.status_code == 200
    assert references(response) == expected
    assert page(response).find(id="q")["value"] == query.strip()


def test_a_search_does_not_find_drafts(setting: Any, officer: FlaskClient, listed: dict[str, int]) -> None:
    response = officer.get(list_url(setting.round_id), query_string={"q": "Westside"})
    assert references(response) == ["SVF-2425-0002"]


def test_a_long_list_is_paged_25_at_a_time_keeping_the_filters(
        app: Flask, setting: Any, officer: FlaskClient) -> None:
    trust = organisation(app, "Many Projects Trust")
    for number in range(1, 28):
        insert_application(app, setting.round_id, trust, officer.person.id, reference=f"SVF-2425-{number:04d}",
                           primary_priority_id=setting.priority_ids[0], title=f"Project {number}")
    url = list_url(setting.round_id)

    first = officer.get(url, query_string={"status": "submitted"})

    assert references(first) == [f"SVF-2425-{n:04d}" for n in range(1, 26)]
    assert page(first).select_one("caption").get_text(strip=True) == "27 applications"
    assert "Page 1 of 2" in page(first).select_one(".govuk-pagination").get_text()
    assert page(first).select_one("a[rel=prev]") is None
    next_link = page(first).select_one("a[rel=next]")["href"]
    assert parse_qs(urlsplit(next_link).query) == {"status": ["submitted"], "page": ["2"]}

    second = officer.get(next_link)

    assert references(second) == ["SVF-2425-0026", "SVF-2425-0027"]
    assert "Page 2 of 2" in page(second).select_one(".govuk-pagination").get_text()
    assert page(second).select_one("a[rel=next]") is None
    assert page(second).select_one("a[rel=prev]") is not None
    assert references(officer.get(url, query_string={"page": "99"})) == ["SVF-2425-0026", "SVF-2425-0027"]
    assert references(officer.get(url, query_string={"page": "0"}))[0] == "SVF-2425-0001"
    assert references(officer.get(url, query_string={"page": "many"}))[0] == "SVF-2425-0001"


def test_a_round_that_does_not_exist_is_not_found(setting: Any, officer: FlaskClient) -> None:
    assert officer.get(list_url(setting.round_id + 1000)).status_code == 404


def test_an_applicant_cannot_open_the_list(setting: Any, applicant: FlaskClient, listed: dict[str, int]) -> None:
    response = applicant.get(list_url(setting.round_id))

    assert response.status_code == 403
    assert "SVF-2425-0001" not in response.get_data(as_text=True)


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.FINANCE_OFFICER])
def test_other_staff_cannot_open_the_list(setting: Any, login_as: Any, role: Role) -> None:
    assert login_as(role).get(list_url(setting.round_id)).status_code == 403
