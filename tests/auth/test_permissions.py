"""Every page is either deliberately public or guarded by a role, and each role opens only its own pages."""

from urllib.parse import parse_qs, urlsplit

import pytest
from flask import url_for

from sv_grants.auth.models import Role
from sv_grants.auth.navigation import ROLE_HOMES
from sv_grants.auth.permissions import access_of

from ..conftest import sign_in
from ..helpers import page

# The only pages anyone may open without signing in. Adding to this list is a security decision.
PUBLIC_ENDPOINTS = frozenset({
    "static",
    "pages.start", "pages.accessibility", "pages.privacy", "pages.cookies", "pages.healthz", "pages.readyz",
    "auth.sign_in", "auth.two_factor", "auth.set_up_two_factor", "auth.register",
    "auth.forgotten_password", "auth.reset_password", "auth.accept_invitation",
    # Published grants: open data about public money, with nothing personal in it.
    "transparency.list_funds", "transparency.list_awards", "transparency.download_csv",
    "transparency.download_360giving_json", "transparency.download_360giving_xlsx",
})

HOMES = {
    Role.APPLICANT: "/organisation",
    Role.GRANTS_OFFICER: "/officer",
    Role.REVIEWER: "/reviews",
    Role.FINANCE_OFFICER: "/payments",
    Role.PCC_VIEWER: "/overview",
    Role.ADMIN: "/admin/users",
}


def access_marks(app):
    """Each endpoint's access mark, read as the default-deny check reads it."""
    with app.app_context():
        return {rule.endpoint: access_of(rule.endpoint) for rule in app.url_map.iter_rules()}


def navigation_links(response):
    return {a["href"]: " ".join(a.get_text().split())
            for a in page(response).select(".govuk-service-navigation__list a")}


def test_every_page_is_either_an_allowlisted_public_page_or_guarded_by_a_role(app):
    offenders = []
    for endpoint, access in access_marks(app).items():
        if endpoint != "static":
            assert getattr(app.view_functions[endpoint], "access", None) == access
        if endpoint in PUBLIC_ENDPOINTS:
            if access is None or not access.public:
                offenders.append(f"{endpoint}: allowlisted as public but not marked @public")
        elif access is None or not access.roles:
            offenders.append(f"{endpoint}: neither allowlisted as public nor guarded by roles_required")
    assert offenders == []


def test_no_page_outside_the_allowlist_is_marked_public(app):
    marked_public = {endpoint for endpoint, access in access_marks(app).items() if access and access.public}
    assert marked_public - PUBLIC_ENDPOINTS == set()


def test_every_allowlisted_public_page_still_exists(app):
    assert PUBLIC_ENDPOINTS - set(app.view_functions) == set()


def test_a_page_added_without_an_access_mark_is_refused_even_to_an_administrator(make_app, make_user):
    app = make_app()
    app.add_url_rule("/unmarked", "unmarked", lambda: "secret")
    signed_out = app.test_client()
    admin = app.test_client()
    sign_in(admin, make_user(Role.ADMIN))

    for client in (signed_out, admin):
        response = client.get("/unmarked")
        assert response.status_code == 403
        assert "secret" not in response.get_data(as_text=True)


def test_every_role_has_a_home_at_the_expected_address(app):
    with app.test_request_context():
        homes = {role: url_for(endpoint) for role, endpoint, _ in ROLE_HOMES}
    assert homes == HOMES


@pytest.mark.parametrize("role", list(Role))
def test_each_role_opens_its_own_home_and_is_refused_every_other_home(login_as, role):
    client = login_as(role)
    expected = {url: 200 if home_role == role else 403 for home_role, url in HOMES.items()}
    actual = {url: client.get(url).status_code for url in HOMES.values()}
    assert actual == expected


@pytest.mark.parametrize("role", list(Role))
def test_every_role_can_open_their_account_page(login_as, role):
    response = login_as(role).get("/account")
    assert response.status_code == 200
    assert "Your account" in page(response).find("h1").get_text()


@pytest.mark.parametrize("url", list(HOMES.values()))
def test_a_signed_out_visitor_is_sent_to_sign_in_and_brought_back_afterwards(client, url):
    response = client.get(url)
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/sign-in"
    assert parse_qs(location.query)["next"] == [url]


def test_a_signed_out_visitor_is_not_shown_the_account_page(client):
    response = client.get("/account")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/sign-in"


def test_a_person_with_two_roles_opens_both_homes_and_sees_both_in_the_navigation(login_as):
    client = login_as(Role.GRANTS_OFFICER, Role.REVIEWER)

    assert client.get("/officer").status_code == 200
    assert client.get("/reviews").status_code == 200
    assert client.get("/payments").status_code == 403
    response = client.get("/officer")
    assert navigation_links(response) == {"/officer": "Funds", "/reviews": "Your reviews", "/reports": "Returns",
                                          "/account": "Your account"}


@pytest.mark.parametrize("role", list(Role))
def test_the_navigation_shows_only_the_pages_the_role_may_open(login_as, role):
    client = login_as(role)
    links = navigation_links(client.get("/account"))

    shared = {"/reports"} if role in (Role.FINANCE_OFFICER, Role.PCC_VIEWER, Role.GRANTS_OFFICER) else set()
    assert set(links) == {HOMES[role], "/account"} | shared
    for href in links:
        assert client.get(href).status_code == 200


def test_a_signed_out_visitor_sees_no_service_navigation(client):
    assert navigation_links(client.get("/sign-in")) == {}


@pytest.mark.parametrize("role", list(Role))
def test_home_takes_each_role_to_its_own_home(login_as, role):
    response = login_as(role).get("/home")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == HOMES[role]
