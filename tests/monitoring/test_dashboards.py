"""Where returns show up outside their own pages: the organisation's dashboard (with the due date),
the grant page's returns panel, and the grants officer's list of things needing attention."""

from __future__ import annotations

from datetime import date

from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient

from sv_grants.extensions import db
from sv_grants.grants import presenters
from sv_grants.grants.models import Grant

from ..conftest import sign_in
from ..grants.factories import Funded
from ..helpers import page, submit_form
from .conftest import return_url
from .factories import complete, returns_of, submit, travel_to_day


def _notices(member: FlaskClient) -> list[tuple[str, str, str]]:
    """(text, link text, link) of each return notice on the dashboard."""
    found = []
    for paragraph in page(member.get("/organisation")).select("dd p.govuk-body"):
        link = paragraph.find("a")
        text = " ".join(paragraph.get_text().split())
        if link is not None:
            hidden = link.find(class_="govuk-visually-hidden")
            link_text = " ".join(link.get_text().replace(hidden.get_text() if hidden else "", "").split())
            if link_text.endswith("the return"):
                found.append((text.split(link_text)[0].strip(), link_text, link["href"]))
    return found


def test_the_dashboard_lists_each_open_return_with_its_due_date(app: Flask, grant: Funded,
                                                                member: FlaskClient) -> None:
    first, second, *_ = returns_of(app, grant.grant_id)

    assert _notices(member) == [
        ("Quarter 1 2025-26 return due by 31 July 2025.", "Start the return", return_url(grant, first.id)),
        ("Quarter 2 2025-26 return due by 31 October 2025.", "Start the return", return_url(grant, second.id)),
    ]

    complete(app, grant.applicant.id, first.id)
    assert _notices(member)[0][1] == "Continue the return"
    travel_to_day(date(2025, 8, 2))
    sign_in(member, grant.applicant)  # the session has expired meanwhile
    assert _notices(member)[0][0] == "Quarter 1 2025-26 return was due by 31 July 2025."

    submit(app, grant.applicant.id, first.id)
    assert [text for text, _, _ in _notices(member)] == ["Quarter 2 2025-26 return due by 31 October 2025."]


def test_a_request_for_changes_shows_on_the_dashboard(app: Flask, grant: Funded, member: FlaskClient,
                                                      officer: FlaskClient) -> None:
    first = returns_of(app, grant.grant_id)[0]
    complete(app, grant.applicant.id, first.id)
    submit(app, grant.applicant.id, first.id)
    url = f"/grants/{grant.grant_id}/returns/{first.id}"
    submit_form(officer, url, {"decision": "changes", "comment": "Add the summer sessions."}, action=url + "/review")

    assert _notices(member)[0] == ("The grants team has asked for changes to the Quarter 1 2025-26 return.",
                                   "Change the return", return_url(grant, first.id))


def _panel(app: Flask, grant_id: int, staff: bool) -> BeautifulSoup:
    with app.test_request_context():
        panels = presenters.panels_for(db.session.get(Grant, grant_id), staff)
        return BeautifulSoup("".join(panels), "html.parser")


def test_the_grant_page_panel_lists_returns_with_status_and_actions(app: Flask, grant: Funded) -> None:
    first = returns_of(app, grant.grant_id)[0]
    complete(app, grant.applicant.id, first.id)
    submit(app, grant.applicant.id, first.id)

    rows = [[" ".join(cell.get_text().split()) for cell in row.find_all("td")]
            for row in _panel(app, grant.grant_id, staff=False).select("tbody tr")]
    assert rows[0] == ["Quarter 1 2025-26 return", "1 April 2025 to 30 June 2025", "31 July 2025", "Submitted",
                       "View the quarter 1 2025-26 return"]
    assert rows[1][3:] == ["Not started", "Start the quarter 2 2025-26 return"]
    assert rows[2][3:] == ["Not started", "Opens 1 October 2025"]
    assert rows[-1][:3] == ["Final return", "1 April 2025 to 31 March 2026", "30 April 2026"]

    staff = _panel(app, grant.grant_id, staff=True)
    [review] = staff.find_all("a")
    assert review.get_text(" ", strip=True).startswith("Review")
    assert review["href"] == f"/grants/{grant.grant_id}/returns/{first.id}"


def test_officers_are_told_of_overdue_returns_and_returns_to_review(app: Flask, grant: Funded) -> None:
    first, second, *_ = returns_of(app, grant.grant_id)

    def attention(day: date) -> list[tuple[str, str]]:
        with app.test_request_context():
            return [(item.text, item.href) for item in presenters.attention_items(day)]

    assert attention(date(2025, 7, 31)) == []
    assert attention(date(2025, 8, 1)) == [
        ("GR-SVF-2425-0001 (Eastside Youth Trust): the quarter 1 2025-26 return was due on 31 July 2025 and has not "
         "been submitted", f"/grants/{grant.grant_id}/returns/{first.id}")]
    complete(app, grant.applicant.id, first.id)
    submit(app, grant.applicant.id, first.id)
    assert attention(date(2025, 8, 1)) == [
        ("GR-SVF-2425-0001 (Eastside Youth Trust): the quarter 1 2025-26 return is waiting for review",
         f"/grants/{grant.grant_id}/returns/{first.id}")]
    assert second.due_on == date(2025, 10, 31)
