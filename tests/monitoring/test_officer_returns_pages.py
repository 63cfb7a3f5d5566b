"""The grants officers' list of returns at scale: returns waiting for review and overdue returns, each
fifty at a time on its own page number, counted over the whole list, never offering a return the
officer has declared an interest in, and the same handful of queries however many returns there are."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from sv_grants.applications.models import Application, ApplicationStatus
from sv_grants.applications.permissions import staff_exclusions
from sv_grants.assessment.models import Assignment, Declaration
from sv_grants.assessment.permissions import has_declared_interest
from sv_grants.auth.models import Role, User
from sv_grants.extensions import db
from sv_grants.grants.models import Grant, GrantStatus
from sv_grants.monitoring.models import MonitoringReturn, ReturnKind, ReturnStatus
from sv_grants.monitoring.officer_routes import RETURNS_PAGE_SIZE
from sv_grants.monitoring.permissions import can_review_returns
from sv_grants.organisations.models import LegalForm, Organisation

from ..conftest import sign_in
from ..grants.factories import Funded
from ..helpers import counted_queries, page

SUBMITTED_FROM = datetime(2025, 7, 1, 9, tzinfo=UTC)
DUE_FROM = date(2025, 1, 1)  # the clock is at 10 July 2025: every return due before then is overdue


def add_grant(app: Flask, grant: Funded, name: str) -> int:
    """Another live grant, like the funded one, to a new organisation called ``name``."""
    with app.app_context():
        base = db.session.get(Grant, grant.grant_id)
        organisation = Organisation(name=name, legal_form=LegalForm.REGISTERED_CHARITY)
        count = db.session.query(Grant).count()
        application = Application(round_id=base.application.round_id, organisation=organisation,
                                  created_by_id=base.application.created_by_id,
                                  reference=f"SVF-2425-9{count:03d}", status=ApplicationStatus.APPROVED,
                                  title="A project", requested_pence=base.awarded_pence, eligibility={})
        added = Grant(reference=f"GR-SVF-2425-9{count:03d}", application=application, fund_id=base.fund_id,
                      organisation=organisation, status=GrantStatus.ACTIVE, awarded_pence=base.awarded_pence,
                      start_date=base.start_date, end_date=base.end_date, approved_by_id=base.approved_by_id,
                      offered_by_id=base.offered_by_id, accept_by=base.accept_by)
        db.session.add(added)
        db.session.commit()
        return added.id


def add_returns(app: Flask, grant_id: int, count: int, status: ReturnStatus, start: int = 0) -> list[int]:
    """``count`` returns on the grant; the ``start``-th onwards in the list's own order (submitted,
    or due, a minute or a day after the one before)."""
    with app.app_context():
        numbers = db.session.query(db.func.max(MonitoringReturn.number)).filter_by(grant_id=grant_id).scalar() or 0
        submitted = status == ReturnStatus.SUBMITTED
        added = [MonitoringReturn(
            grant_id=grant_id, number=numbers + 1 + n, kind=ReturnKind.QUARTERLY, period_start=date(2024, 4, 1),
            period_end=date(2024, 6, 30), financial_year="2024-25", quarter=1,
            due_on=DUE_FROM + timedelta(days=start + n), status=status,
            submitted_at=SUBMITTED_FROM + timedelta(minutes=start + n) if submitted else None)
            for n in range(count)]
        db.session.add_all(added)
        db.session.commit()
        return [monitoring_return.id for monitoring_return in added]


def declare_interest(app: Flask, officer_id: int, grant_id: int) -> None:
    with app.app_context():
        application_id = db.session.get(Grant, grant_id).application_id
        db.session.add(Assignment(application_id=application_id, reviewer_id=officer_id, assigned_by_id=officer_id,
                                  declaration=Declaration.CONFLICTED, interest_details="My sister is a trustee."))
        db.session.commit()


def section(response: Any, name: str) -> Any:
    return page(response).select_one(f"h2#{name}")


def shown(response: Any, name: str) -> list[int]:
    """Ids of the returns listed under the heading, from their links."""
    table = section(response, name).find_next_sibling(["table", "h2"])
    if table is None or table.name != "table":
        return []
    return [int(row.select_one("a")["href"].rsplit("/", 1)[1]) for row in table.select("tbody tr")]


def said(response: Any, name: str) -> str:
    return " ".join(section(response, name).find_next_sibling("p").get_text().split())


def pager(response: Any, name: str) -> Any:
    following = section(response, name).find_next_sibling(["nav", "h2"])
    return following if following is not None and following.name == "nav" else None


def test_returns_waiting_for_review_are_paged_and_page_two_starts_at_the_51st(
        app: Flask, grant: Funded, officer: FlaskClient) -> None:
    ids = add_returns(app, grant.grant_id, RETURNS_PAGE_SIZE + 10, ReturnStatus.SUBMITTED)

    first = officer.get("/returns")
    second = officer.get("/returns?awaiting_page=2")

    assert shown(first, "awaiting") == ids[:50]
    assert shown(second, "awaiting") == ids[50:]
    assert said(first, "awaiting") == "60 returns are waiting for review. Showing 1 to 50, oldest submission first."
    assert said(second, "awaiting") == "60 returns are waiting for review. Showing 51 to 60, oldest submission first."
    previous = pager(second, "awaiting").select_one(".govuk-pagination__prev a")["href"]
    assert previous == "/returns?awaiting_page=1#awaiting"
    assert officer.get(previous).status_code == 200


def test_overdue_returns_are_paged_longest_overdue_first(app: Flask, grant: Funded, officer: FlaskClient) -> None:
    ids = add_returns(app, grant.grant_id, RETURNS_PAGE_SIZE + 1, ReturnStatus.NOT_STARTED)

    first = officer.get("/returns")
    second = officer.get("/returns?overdue_page=2")

    assert shown(first, "overdue") == ids[:50]
    assert shown(second, "overdue") == ids[50:]
    assert said(second, "overdue") == "51 returns are overdue. Showing 51 to 51, longest overdue first."


def test_each_list_keeps_its_own_page_while_the_other_is_paged(
        app: Flask, grant: Funded, officer: FlaskClient) -> None:
    awaiting = add_returns(app, grant.grant_id, 120, ReturnStatus.SUBMITTED)
    overdue = add_returns(app, grant.grant_id, 70, ReturnStatus.DRAFT)

    response = officer.get("/returns?awaiting_page=3&overdue_page=2")

    assert shown(response, "awaiting") == awaiting[100:]
    assert shown(response, "overdue") == overdue[50:]
    awaiting_links = [a["href"] for a in pager(response, "awaiting").select("a")]
    overdue_links = [a["href"] for a in pager(response, "overdue").select("a")]
    assert "/returns?awaiting_page=2&overdue_page=2#awaiting" in awaiting_links
    assert all("overdue_page=2" in link for link in awaiting_links)
    assert "/returns?overdue_page=1&awaiting_page=3#overdue" in overdue_links
    assert all("awaiting_page=3" in link for link in overdue_links)


@pytest.mark.parametrize("name", ["awaiting", "overdue"])
@pytest.mark.parametrize(("asked", "expected_page"), [("abc", 1), ("-3", 1), ("0", 1), ("999999", 2), ("", 1),
                                                      ("2.5", 1), ("99999999999999999999999", 2)])
def test_a_junk_or_out_of_range_page_number_shows_the_nearest_page(
        app: Flask, grant: Funded, officer: FlaskClient, name: str, asked: str, expected_page: int) -> None:
    status = ReturnStatus.SUBMITTED if name == "awaiting" else ReturnStatus.CHANGES_REQUESTED
    ids = add_returns(app, grant.grant_id, RETURNS_PAGE_SIZE + 1, status)

    response = officer.get(f"/returns?{name}_page={asked}")

    assert response.status_code == 200
    assert shown(response, name) == (ids[50:] if expected_page == 2 else ids[:50])


def test_a_return_the_officer_has_declared_an_interest_in_is_on_no_page_and_in_no_count(
        app: Flask, grant: Funded, officer: FlaskClient, make_user: Any) -> None:
    conflicted = add_grant(app, grant, "Officer's Sister's Trust")
    declare_interest(app, grant.officer.id, conflicted)
    # Interleaved with the officer's own, so a filter after paging would leave short or empty pages.
    hidden: list[int] = []
    mine: list[int] = []
    for batch in range(4):
        mine += add_returns(app, grant.grant_id, 20, ReturnStatus.SUBMITTED, start=batch * 40)
        hidden += add_returns(app, conflicted, 20, ReturnStatus.SUBMITTED, start=batch * 40 + 20)
        mine += add_returns(app, grant.grant_id, 15, ReturnStatus.DRAFT, start=batch * 40)
        hidden += add_returns(app, conflicted, 15, ReturnStatus.NOT_STARTED, start=batch * 40 + 20)

    pages = [officer.get(f"/returns?awaiting_page={n}&overdue_page={n}") for n in (1, 2)]
    listed = [return_id for response in pages for name in ("awaiting", "overdue")
              for return_id in shown(response, name)]

    assert sorted(listed) == sorted(mine)
    assert not set(listed) & set(hidden)
    assert said(pages[1], "awaiting") == "80 returns are waiting for review. Showing 51 to 80, oldest submission first."
    assert said(pages[0], "overdue") == "60 returns are overdue. Showing 1 to 50, longest overdue first."
    assert officer.get(f"/grants/{conflicted}/returns/{hidden[0]}").status_code == 404

    # The SQL filter and the rule each return's own page applies agree, return by return.
    with app.test_request_context():
        user = db.session.get(User, grant.officer.id)
        everything = [db.session.get(MonitoringReturn, return_id) for return_id in mine + hidden]
        assert sorted(r.id for r in everything if can_review_returns(user, r.grant)) == sorted(mine)

    colleague = app.test_client()
    sign_in(colleague, make_user(Role.GRANTS_OFFICER, name="Col League"))
    assert said(colleague.get("/returns"), "awaiting").startswith("160 returns are waiting for review.")


def test_the_sql_filter_covers_every_rule_that_keeps_staff_out(app: Flask) -> None:
    # ``queries.reviewable_by`` repeats these rules in SQL: a new one must be added there as well.
    assert staff_exclusions == [has_declared_interest]


def test_with_nothing_to_do_each_list_says_so(grant: Funded, officer: FlaskClient) -> None:
    response = officer.get("/returns?awaiting_page=4")

    assert response.status_code == 200
    assert said(response, "awaiting") == "No returns are waiting for review."
    assert said(response, "overdue") == "No returns are overdue."
    assert shown(response, "awaiting") == [] and shown(response, "overdue") == []
    assert page(response).select("nav.govuk-pagination") == []


def test_one_return_is_counted_in_the_singular_with_no_pager(app: Flask, grant: Funded, officer: FlaskClient) -> None:
    ids = add_returns(app, grant.grant_id, 1, ReturnStatus.SUBMITTED)

    response = officer.get("/returns")

    assert shown(response, "awaiting") == ids
    assert said(response, "awaiting") == "1 return is waiting for review. Oldest submission first."
    assert pager(response, "awaiting") is None


def test_the_list_costs_the_same_queries_for_a_few_returns_as_for_many(
        app: Flask, grant: Funded, officer: FlaskClient) -> None:
    # One return of each kind per grant, each grant to its own organisation: rows that loaded their
    # grant or organisation one by one would show here as queries growing with the page.
    def grants_with_returns(count: int, first: int) -> None:
        for n in range(first, first + count):
            grant_id = add_grant(app, grant, f"Trust {n}")
            add_returns(app, grant_id, 1, ReturnStatus.SUBMITTED, start=n)
            add_returns(app, grant_id, 1, ReturnStatus.NOT_STARTED, start=n)

    grants_with_returns(20, 0)
    with counted_queries(app) as few:
        response = officer.get("/returns")
    assert len(shown(response, "awaiting")) == 20
    grants_with_returns(40, 20)
    with counted_queries(app) as many:
        response = officer.get("/returns")
    assert len(shown(response, "awaiting")) == len(shown(response, "overdue")) == 50
    with counted_queries(app) as last:
        response = officer.get("/returns?awaiting_page=2&overdue_page=2")

    assert len(shown(response, "awaiting")) == len(shown(response, "overdue")) == 10
    assert len(few) == len(many) == len(last)
