"""The applicant journey's fixture: a signed-in applicant whose organisation has complete details
and its three required documents (the open round, ``setting``, comes from the root conftest)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from sv_grants.auth.models import Role

from ..conftest import sign_in
from ..helpers import Setting, complete_organisation


@pytest.fixture
def applicant(app: Flask, make_user: Any, setting: Setting) -> FlaskClient:
    """A signed-in applicant whose organisation is ready to apply (``client.organisation_id``)."""
    person = make_user(Role.APPLICANT, name="Alex Applicant")
    client = app.test_client()
    sign_in(client, person)
    client.person = person  # type: ignore[attr-defined]
    client.organisation_id = complete_organisation(app, person.id)  # type: ignore[attr-defined]
    return client
