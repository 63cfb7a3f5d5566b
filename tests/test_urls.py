"""Ids in URLs and the places a sign-in may send someone back to."""

from __future__ import annotations

import pytest
from flask import url_for

from sv_grants.auth.models import Role
from sv_grants.urls import address_of, safe_next


@pytest.mark.parametrize("url", ["/applications/99999999999999999999", "/documents/2147483648",
                                 "/organisations/99999999999999999999/details"])
def test_an_id_too_big_for_the_database_is_not_found_rather_than_an_error(login_as, url):
    assert login_as(Role.APPLICANT).get(url).status_code == 404


def test_an_id_too_big_for_the_database_is_not_found_on_staff_pages_too(login_as):
    assert login_as(Role.ADMIN).get("/admin/users/99999999999999999999").status_code == 404


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/", "/\\evil.example/", "/\t/evil.example/", "/\n/evil.example",
    "/applications/1\\..\\x", "", None, "applications/1",
])
def test_sign_in_never_sends_anyone_off_the_site(target):
    assert safe_next(target) is None


def test_a_path_on_the_site_is_a_safe_place_to_return_to():
    path = "/applications/12/sections/documents?return=check"
    assert safe_next(path) == path


def test_addresses_built_once_for_a_list_are_the_ones_url_for_gives(app):
    with app.test_request_context():
        assessment_of = address_of("assessment_officer.show_assessment", "application_id")
        for application_id in (1, 7, 2147483646, 2147483647):
            assert assessment_of(application_id) == url_for("assessment_officer.show_assessment",
                                                            application_id=application_id)
        with pytest.raises(ValueError):
            assessment_of("7/../../admin")  # type: ignore[arg-type]
