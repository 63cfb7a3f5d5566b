"""The administrators' list of users at scale: fifty at a time, a count over every user (or every
match for a search) whatever the page, a search kept from page to page, and the same handful of
queries however many users there are."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from sv_grants.auth.admin_routes import PAGE_SIZE
from sv_grants.auth.models import Role, User, UserRole
from sv_grants.extensions import db

from ..helpers import counted_queries, page


def add_users(app: Flask, count: int, first: int = 1, name: str = "Person", email: str = "person") -> None:
    """``count`` invited members of staff, "Person 0001" onwards, in one commit (hashing a password
    for each would take longer than the test)."""
    with app.app_context():
        for n in range(first, first + count):
            user = User(name=f"{name} {n:04d}", email=f"{email}{n:04d}@example.org")
            user.role_grants.append(UserRole(role=Role.REVIEWER))
            db.session.add(user)
        db.session.commit()


def names(response: Any) -> list[str]:
    return [" ".join(cell.get_text().split()) for cell in page(response).select("tbody tr td:first-child")]


def caption(response: Any) -> str:
    return " ".join(page(response).select_one("caption").get_text().split())


@pytest.fixture
def admin(login_as: Any) -> FlaskClient:
    # "Ada" sorts before every "Person", so the people fill the pages in number order after her.
    return login_as(Role.ADMIN, name="Ada Admin")


def test_users_are_listed_fifty_at_a_time_and_page_two_starts_at_the_51st(
        app: Flask, admin: FlaskClient) -> None:
    add_users(app, PAGE_SIZE + 10)

    first = admin.get("/admin/users")
    second = admin.get("/admin/users?page=2")

    assert names(first) == ["Ada Admin"] + [f"Person {n:04d}" for n in range(1, 50)]
    assert names(second) == [f"Person {n:04d}" for n in range(50, 61)]
    assert caption(first) == "61 users Page 1 of 2"
    assert caption(second) == "61 users Page 2 of 2"
    pager = page(second).select_one("nav.govuk-pagination")
    assert pager["aria-label"] == "Pages of users"
    assert pager.select_one(".govuk-pagination__prev a")["href"] == "/admin/users?page=1"
    assert [a.get_text(strip=True) for a in pager.select(".govuk-pagination__item a")] == ["1", "2"]


@pytest.mark.parametrize(("asked", "expected_page"), [("abc", 1), ("-3", 1), ("0", 1), ("999999", 2), ("", 1)])
def test_a_junk_or_out_of_range_page_number_shows_the_nearest_page(
        app: Flask, admin: FlaskClient, asked: str, expected_page: int) -> None:
    add_users(app, PAGE_SIZE)

    response = admin.get(f"/admin/users?page={asked}")

    assert response.status_code == 200
    assert names(response) == (["Person 0050"] if expected_page == 2 else
                               ["Ada Admin"] + [f"Person {n:04d}" for n in range(1, 50)])


def test_a_search_is_counted_in_full_and_kept_from_page_to_page(app: Flask, admin: FlaskClient) -> None:
    add_users(app, 70, name="Rita Reviewer", email="rita")
    add_users(app, 30, first=100)

    first = admin.get("/admin/users?q=RITA")
    second = admin.get(page(first).select_one(".govuk-pagination__next a")["href"])

    assert caption(first) == "70 users matching “RITA” Page 1 of 2"
    assert names(second) == [f"Rita Reviewer {n:04d}" for n in range(51, 71)]
    assert page(second).find("input", attrs={"name": "q"})["value"] == "RITA"
    assert page(second).select_one(".govuk-pagination__prev a")["href"] == "/admin/users?page=1&q=RITA"


def test_a_percent_sign_or_underscore_in_a_search_is_looked_for_not_a_wildcard(
        app: Flask, admin: FlaskClient) -> None:
    add_users(app, 1, name="Jo", email="jo_smith")
    add_users(app, 1, first=2, name="Jo", email="joesmith")

    underscore = admin.get("/admin/users?q=jo_")
    percent = admin.get("/admin/users?q=%25")

    assert names(underscore) == ["Jo 0001"]
    assert names(percent) == []
    assert "No users match “%”" in page(percent).select_one("main").get_text()


def test_the_list_costs_the_same_queries_for_a_few_users_as_for_many(app: Flask, admin: FlaskClient) -> None:
    add_users(app, 40)
    with counted_queries(app) as few:
        assert len(names(admin.get("/admin/users"))) == 41
    add_users(app, 80, first=41)
    with counted_queries(app) as many:
        response = admin.get("/admin/users?page=2")

    assert names(response) == [f"Person {n:04d}" for n in range(50, 100)]
    assert len(many) == len(few)
