"""The "Needs your attention" banner on the grants officer's pages at scale: the few most urgent returns
and late offers, counts over everything with a link to the full returns list, never anything the officer
has declared an interest in, and the same number of queries however much is waiting."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from sv_grants.auth.models import Role
from sv_grants.extensions import db
from sv_grants.grants.models import Grant, GrantStatus
from sv_grants.monitoring.models import ReturnStatus

from ..conftest import sign_in
from ..grants.factories import Funded
from ..helpers import counted_queries, page
from .test_officer_returns_pages import add_grant, add_returns, declare_interest

BANNER_PAGES = ["/grants", "/officer"]


def banner(response: Any) -> list[tuple[str, str | None, str | None]]:
    """Each line of the banner: its words, and its link's address and words (None with no link)."""
    assert response.status_code == 200
    lines = []
    for item in page(response).select(".govuk-notification-banner li"):
        link = item.find("a")
        lines.append((" ".join(item.get_text(" ").split()), link["href"] if link else None,
                      " ".join(link.get_text(" ").split()) if link else None))
    return lines


def return_ids(response: Any) -> list[int]:
    return [int(href.rsplit("/", 1)[1]) for _, href, _ in banner(response)
            if href and "/returns/" in href]


def view_all(response: Any) -> dict[str, str]:
    """The banner's links to the whole returns list, by their words."""
    return {words: href for _, href, words in banner(response) if words and words.startswith("View all")}


def late_offer(app: Flask, grant: Funded, name: str, accept_by: date = date(2025, 6, 1)) -> int:
    """A grant to a new organisation, offered and not accepted by ``accept_by``."""
    grant_id = add_grant(app, grant, name)
    with app.app_context():
        offered = db.session.get(Grant, grant_id)
        offered.status = GrantStatus.OFFERED
        offered.accept_by = accept_by
        db.session.commit()
    return grant_id


@pytest.mark.parametrize("path", BANNER_PAGES)
def test_the_banner_names_the_five_most_urgent_of_each_and_links_to_the_rest(
        app: Flask, grant: Funded, officer: FlaskClient, path: str) -> None:
    overdue = add_returns(app, grant.grant_id, 9, ReturnStatus.DRAFT)
    awaiting = add_returns(app, grant.grant_id, 120, ReturnStatus.SUBMITTED)

    response = officer.get(path)

    # Longest overdue first, then the returns that have waited longest for review, as on the returns list.
    assert return_ids(response) == overdue[:5] + awaiting[:5]
    assert view_all(response) == {"View all 9 overdue returns": "/returns#overdue",
                                  "View all 120 returns waiting for review": "/returns#awaiting"}
    assert banner(response)[0][0].startswith("GR-SVF-2425-0001 (Eastside Youth Trust): the quarter 1 2024-25 "
                                             "return was due on 1 January 2025 and has not been submitted")
    listed = officer.get("/returns")
    assert "120 returns are waiting for review." in listed.get_data(as_text=True)


def test_with_five_or_fewer_all_are_named_and_there_is_no_link_to_view_all(
        app: Flask, grant: Funded, officer: FlaskClient) -> None:
    overdue = add_returns(app, grant.grant_id, 5, ReturnStatus.NOT_STARTED)
    awaiting = add_returns(app, grant.grant_id, 2, ReturnStatus.SUBMITTED)

    response = officer.get("/grants")

    assert return_ids(response) == overdue + awaiting
    assert view_all(response) == {}


def test_nothing_waiting_means_no_banner(grant: Funded, officer: FlaskClient) -> None:
    for path in BANNER_PAGES:
        assert banner(officer.get(path)) == []
        assert "Needs your attention" not in officer.get(path).get_data(as_text=True)


@pytest.mark.parametrize("path", BANNER_PAGES)
def test_returns_and_offers_the_officer_declared_an_interest_in_are_never_named_or_counted(
        app: Flask, grant: Funded, officer: FlaskClient, make_user: Any, path: str) -> None:
    conflicted = add_grant(app, grant, "Officer's Sister's Trust")
    declare_interest(app, grant.officer.id, conflicted)
    # Theirs come first in both lists' order, so a filter after the cap would leave the banner empty.
    hidden = (add_returns(app, conflicted, 30, ReturnStatus.NOT_STARTED)
              + add_returns(app, conflicted, 30, ReturnStatus.SUBMITTED))
    mine_overdue = add_returns(app, grant.grant_id, 7, ReturnStatus.CHANGES_REQUESTED, start=30)
    mine_awaiting = add_returns(app, grant.grant_id, 8, ReturnStatus.SUBMITTED, start=30)
    hidden_offer = late_offer(app, grant, "Sister's Second Trust", date(2025, 5, 1))
    declare_interest(app, grant.officer.id, hidden_offer)
    own_offer = late_offer(app, grant, "Northside Boxing Club")

    response = officer.get(path)

    assert return_ids(response) == mine_overdue[:5] + mine_awaiting[:5]
    assert view_all(response) == {"View all 7 overdue returns": "/returns#overdue",
                                  "View all 8 returns waiting for review": "/returns#awaiting"}
    text = page(response).select_one(".govuk-notification-banner").get_text()
    assert "Sister" not in text
    hrefs = [href for _, href, _ in banner(response)]
    assert f"/grants/{hidden_offer}" not in hrefs and f"/grants/{own_offer}" in hrefs
    # Every link in the banner opens for this officer.
    assert all(officer.get(href.split("#")[0]).status_code == 200 for href in hrefs if href)
    assert officer.get(f"/grants/{conflicted}/returns/{hidden[0]}").status_code == 404

    colleague = app.test_client()
    sign_in(colleague, make_user(Role.GRANTS_OFFICER, name="Col League"))
    theirs = colleague.get(path)
    assert return_ids(theirs) == hidden[:5] + hidden[30:35]
    assert view_all(theirs) == {"View all 37 overdue returns": "/returns#overdue",
                                "View all 38 returns waiting for review": "/returns#awaiting"}
    assert [href for _, href, _ in banner(theirs)][:2] == [f"/grants/{hidden_offer}", f"/grants/{own_offer}"]


def test_late_offers_are_capped_oldest_first_and_the_rest_counted(
        app: Flask, grant: Funded, officer: FlaskClient) -> None:
    offers = [late_offer(app, grant, f"Trust {n}", date(2025, 5, 1 + n)) for n in range(8)]

    lines = banner(officer.get("/officer"))

    assert [href for _, href, _ in lines[:5]] == [f"/grants/{grant_id}" for grant_id in offers[:5]]
    assert lines[0][0].startswith("Offer GR-SVF-2425-9001 to Trust 0 was not accepted by 1 May 2025.")
    assert lines[0][2] == "Chase or withdraw it : GR-SVF-2425-9001"
    assert lines[5] == ("3 more offers were not accepted in time.", None, None)
    assert len(lines) == 6


@pytest.mark.parametrize("path", BANNER_PAGES)
def test_the_banner_costs_the_same_queries_for_a_few_as_for_many(
        app: Flask, grant: Funded, officer: FlaskClient, path: str) -> None:
    # Each grant to its own organisation: rows that loaded their grant or organisation one at a time
    # would show here as queries growing with what is waiting.
    def add(count: int, first: int) -> None:
        for n in range(first, first + count):
            grant_id = add_grant(app, grant, f"Trust {n}")
            add_returns(app, grant_id, 1, ReturnStatus.SUBMITTED, start=n)
            add_returns(app, grant_id, 1, ReturnStatus.NOT_STARTED, start=n)
            late_offer(app, grant, f"Offered Trust {n}")

    add(10, 0)
    with counted_queries(app) as few:
        response = officer.get(path)
    assert len(return_ids(response)) == 10
    add(20, 10)
    with counted_queries(app) as many:
        response = officer.get(path)

    assert len(return_ids(response)) == 10
    assert view_all(response)["View all 30 returns waiting for review"] == "/returns#awaiting"
    assert len(few) == len(many)
