"""Security headers on every response, no inline script, CSRF protection and error pages that give nothing away."""

import re

import pytest

from sv_grants.auth.models import Role
from sv_grants.auth.permissions import public

from .helpers import heading, page


def csp_directives(response):
    policy = response.headers["Content-Security-Policy"]
    directives = (part.split() for part in policy.split(";") if part.strip())
    return {name: values for name, *values in directives}


def responses_of_every_kind(client, login_as):
    signed_in = login_as(Role.APPLICANT)
    static = client.get("/static/app.js")
    static.close()
    return {
        "public page": client.get("/accessibility"),
        "signed-in page": signed_in.get("/organisation"),
        "not found": client.get("/no-such-page"),
        "redirect": client.get("/organisation"),
        "static file": static,
    }


def test_every_kind_of_response_carries_the_security_headers(client, login_as):
    for kind, response in responses_of_every_kind(client, login_as).items():
        directives = csp_directives(response)
        assert directives["frame-ancestors"] == ["'none'"], kind
        assert directives["object-src"] == ["'none'"], kind
        assert directives["base-uri"] == ["'none'"], kind
        assert "script-src" in directives, kind
        assert "'unsafe-inline'" not in directives["script-src"], kind
        assert "'unsafe-eval'" not in directives["script-src"], kind
        assert response.headers["X-Content-Type-Options"] == "nosniff", kind
        assert response.headers.get("Referrer-Policy"), kind


def test_pages_are_not_stored_in_the_browser_cache_but_static_files_may_be(client, login_as):
    responses = responses_of_every_kind(client, login_as)

    assert "no-store" in responses["signed-in page"].headers["Cache-Control"]
    assert "no-store" in responses["public page"].headers["Cache-Control"]
    assert "no-store" not in responses["static file"].headers.get("Cache-Control", "")


def test_strict_transport_security_is_sent_in_production_only(client, make_app):
    production = make_app(APP_ENV="production", SECRET_KEY="x" * 40)

    hsts = production.test_client().get("/sign-in").headers.get("Strict-Transport-Security", "")

    max_age = re.search(r"max-age=(\d+)", hsts)
    assert max_age is not None
    assert int(max_age.group(1)) >= 31536000  # a year
    assert "Strict-Transport-Security" not in client.get("/sign-in").headers


def pages_to_check(client, login_as):
    yield from (client.get(url) for url in (
        "/", "/sign-in", "/register", "/forgotten-password", "/accessibility", "/privacy", "/cookies",
        "/no-such-page",
    ))
    for role, url in ((Role.APPLICANT, "/organisation"), (Role.APPLICANT, "/organisations/new"),
                      (Role.GRANTS_OFFICER, "/officer"), (Role.ADMIN, "/admin/users"),
                      (Role.ADMIN, "/account"), (Role.REVIEWER, "/admin/users")):
        yield login_as(role).get(url)


def test_no_page_contains_inline_script_or_inline_event_handlers(client, login_as):
    for response in pages_to_check(client, login_as):
        html = page(response)
        scripts = html.find_all("script")
        assert scripts, response.request.path
        assert [s for s in scripts if not s.get("src") or s.get_text().strip()] == [], response.request.path
        handlers = [(tag.name, attr) for tag in html.find_all(True) for attr in tag.attrs if attr.startswith("on")]
        assert handlers == [], response.request.path


def test_signing_in_without_a_csrf_token_is_refused_with_the_error_page(client, make_user):
    person = make_user(Role.APPLICANT)

    response = client.post("/sign-in", data={"email": person.email, "password": person.password})

    assert response.status_code == 400
    assert heading(response) == "Sorry, there is a problem with your request"
    assert client.get("/organisation").status_code == 302  # still signed out


def test_a_forged_sign_out_without_a_csrf_token_is_refused_and_leaves_the_user_signed_in(login_as):
    client = login_as(Role.APPLICANT)

    response = client.post("/sign-out")

    assert response.status_code == 400
    assert heading(response) == "Sorry, there is a problem with your request"
    assert client.get("/organisation").status_code == 200


def test_a_missing_page_shows_page_not_found(client):
    response = client.get("/no-such-page")

    assert response.status_code == 404
    assert heading(response) == "Page not found"


def test_a_wrong_method_shows_the_method_not_allowed_page(login_as):
    response = login_as(Role.APPLICANT).get("/sign-out")

    assert response.status_code == 405
    assert heading(response) == "Sorry, you cannot do that on this page"
    assert "POST" in response.headers["Allow"]


def test_a_request_larger_than_the_limit_shows_the_too_large_page(make_app):
    client = make_app(MAX_CONTENT_LENGTH=1000).test_client()

    response = client.post("/sign-in", data={"email": "a@example.org", "password": "x" * 2000})

    assert response.status_code == 413
    assert heading(response) == "The file or form you sent is too large"


@pytest.fixture
def failing_app(make_app):
    app = make_app()
    app.testing = False
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @public
    def boom():
        raise RuntimeError("boom secret")

    app.add_url_rule("/boom", "boom", boom)
    return app


def test_an_unexpected_error_shows_a_reference_and_never_the_details(failing_app):
    response = failing_app.test_client().get("/boom")

    assert response.status_code == 500
    assert heading(response) == "Sorry, there is a problem with the service"
    reference = page(response).find("strong")
    assert reference is not None
    assert re.fullmatch(r"[0-9A-F]{8}", reference.get_text(strip=True))
    body = response.get_data(as_text=True)
    assert "boom secret" not in body
    assert "Traceback" not in body
    assert "RuntimeError" not in body
    assert csp_directives(response)["frame-ancestors"] == ["'none'"]


def test_each_unexpected_error_gets_its_own_reference(failing_app):
    client = failing_app.test_client()

    references = {page(client.get("/boom")).find("strong").get_text(strip=True) for _ in range(3)}

    assert len(references) == 3
