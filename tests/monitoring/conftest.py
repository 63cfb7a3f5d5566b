"""A funded grant (1 April 2025 to 31 March 2026, £20,000 on one budget line, two planned outputs
and one outcome) with the clock in July 2025, when its first quarterly return is open, and its
applicant signed in."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from ..conftest import sign_in
from ..grants.factories import Funded, funded
from ..helpers import Setting
from .factories import returns_of, travel_to_day

JULY_2025 = date(2025, 7, 10)


@pytest.fixture
def grant(app: Flask, setting: Setting, make_user: Any) -> Funded:
    made = funded(app, setting, make_user)
    travel_to_day(JULY_2025)
    return made


@pytest.fixture
def member(app: Flask, grant: Funded) -> FlaskClient:
    client = app.test_client()
    sign_in(client, grant.applicant)
    client.person = grant.applicant  # type: ignore[attr-defined]
    return client


@pytest.fixture
def officer(app: Flask, grant: Funded) -> FlaskClient:
    client = app.test_client()
    sign_in(client, grant.officer)
    client.person = grant.officer  # type: ignore[attr-defined]
    return client


def return_url(grant: Funded, return_id: int, rest: str = "") -> str:
    return f"/your-grants/{grant.grant_id}/returns/{return_id}{rest}"


def first_return_id(app: Flask, grant: Funded) -> int:
    return returns_of(app, grant.grant_id)[0].id
