"""Only members of the funded organisation reach its returns, and only grants officers review them:
everyone else gets a 404 (another organisation) or a 403 (the wrong role) on every URL."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from sv_grants.auth.models import Role

from ..applications.factories import other_applicant
from ..grants.factories import Funded
from ..helpers import csrf_token
from .conftest import first_return_id
from .factories import complete, submit

BLUEPRINTS = ("monitoring", "monitoring_officer")


def _urls(app: Flask, grant: Funded, return_id: int) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) for every monitoring route, filled in for this return."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] not in BLUEPRINTS:
            continue
        values = {"grant_id": grant.grant_id, "return_id": return_id, "key": "outputs"}
        url = rule.build({name: values[name] for name in rule.arguments}, append_unknown=False)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((rule.endpoint, method, url))
    return found


def _call(client: FlaskClient, method: str, url: str, token: str) -> int:
    if method == "GET":
        return client.get(url).status_code
    return client.post(url, data={"csrf_token": token, "decision": "accept", "rows-0-quantity": "1"}).status_code


@pytest.fixture
def submitted_return(app: Flask, grant: Funded) -> int:
    return_id = first_return_id(app, grant)
    complete(app, grant.applicant.id, return_id)
    submit(app, grant.applicant.id, return_id)
    return return_id


def test_every_monitoring_route_is_covered(app: Flask, grant: Funded, submitted_return: int) -> None:
    endpoints = {endpoint for endpoint, _, _ in _urls(app, grant, submitted_return)}
    assert endpoints == {
        "monitoring.list_returns", "monitoring.task_list", "monitoring.edit_section", "monitoring.check_return",
        "monitoring.submit_return", "monitoring.show_return", "monitoring.return_pdf",
        "monitoring_officer.list_returns", "monitoring_officer.show_return", "monitoring_officer.review_return",
        "monitoring_officer.return_pdf"}


def test_another_organisations_applicant_gets_404_on_every_return_url(app: Flask, grant: Funded,
                                                                      submitted_return: int, make_user: Any) -> None:
    outsider = other_applicant(app, make_user)
    token = csrf_token(outsider.get("/organisation"))
    for endpoint, method, url in _urls(app, grant, submitted_return):
        if endpoint.startswith("monitoring_officer."):
            assert _call(outsider, method, url, token) == 403, (method, url)
        else:
            assert _call(outsider, method, url, token) == 404, (method, url)


def test_reviewers_and_finance_officers_are_refused(app: Flask, grant: Funded, submitted_return: int,
                                                    login_as: Any) -> None:
    for role in (Role.REVIEWER, Role.FINANCE_OFFICER, Role.PCC_VIEWER):
        client = login_as(role)
        for endpoint, method, url in _urls(app, grant, submitted_return):
            token = "not-needed: refused before the form is read"
            status = _call(client, method, url, token)
            assert status in (400, 403, 404), (role, endpoint, status)
            if method == "GET":
                assert status in (403, 404), (role, endpoint, status)


def test_the_member_cannot_reach_a_return_through_another_grants_url(app: Flask, grant: Funded,
                                                                     member: FlaskClient) -> None:
    return_id = first_return_id(app, grant)
    assert member.get(f"/your-grants/{grant.grant_id}/returns/{return_id}").status_code == 200
    assert member.get(f"/your-grants/{grant.grant_id + 1}/returns/{return_id}").status_code == 404
    assert member.get(f"/your-grants/{grant.grant_id}/returns/{return_id + 999}").status_code == 404
    assert member.get(f"/your-grants/{grant.grant_id}/returns/{return_id}/sections/nonsense").status_code == 404
    # The member is not an officer: the review pages refuse them.
    assert member.get(f"/grants/{grant.grant_id}/returns/{return_id}").status_code == 403


def test_a_return_not_yet_submitted_has_no_pdf(app: Flask, grant: Funded, member: FlaskClient,
                                               officer: FlaskClient) -> None:
    return_id = first_return_id(app, grant)
    assert member.get(f"/your-grants/{grant.grant_id}/returns/{return_id}/return.pdf").status_code == 404
    assert officer.get(f"/grants/{grant.grant_id}/returns/{return_id}/return.pdf").status_code == 404
    # And the officer sees that it is not submitted, none of the draft.
    page = officer.get(f"/grants/{grant.grant_id}/returns/{return_id}")
    assert page.status_code == 200
    assert "has not submitted this return yet" in page.get_data(as_text=True)
