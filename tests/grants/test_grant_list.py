"""The officers' list of grants runs to thousands over the years, so it comes a page at a time."""

from __future__ import annotations

from sv_grants.auth.models import Role
from sv_grants.grants import officer_routes

from ..helpers import page
from .factories import approved_application, offer


def references(response) -> list[str]:
    rows = page(response).select("table.govuk-table tbody tr td:first-child a")
    return [row.get_text(strip=True) for row in rows]


def test_grants_come_a_page_at_a_time_and_any_page_number_is_brought_within_range(
        app, setting, make_user, login_as, monkeypatch):
    monkeypatch.setattr(officer_routes, "PAGE_SIZE", 2)
    officer = make_user(Role.GRANTS_OFFICER, name="Olu Officer")
    reviewer = make_user(Role.REVIEWER, name="Rae Reviewer")
    made = []
    for number, organisation in enumerate(["Eastside Youth Trust", "Westside Boxing", "Northside Pastors"], 1):
        applicant = make_user(Role.APPLICANT, name=f"Applicant {number}")
        application_id = approved_application(app, setting, applicant.id, officer.id, reviewer.id,
                                              reference=f"SVF-2425-000{number}", organisation=organisation)
        offer(app, application_id, officer.id)
        made.append(f"GR-SVF-2425-000{number}")
    client = login_as(Role.GRANTS_OFFICER)

    first, second = client.get("/grants"), client.get("/grants?page=2")

    assert references(first) == [made[2], made[1]]  # newest first
    assert references(second) == [made[0]]
    assert "page 1 of 2" in page(first).find("caption").get_text()
    assert page(first).select_one("nav.govuk-pagination a[rel=next]")["href"] == "/grants?page=2"
    for junk in ["99999999999999999999999", "-3", "two", "0"]:
        response = client.get(f"/grants?page={junk}")
        assert response.status_code == 200
        assert references(response) in ([made[0]], [made[2], made[1]])
