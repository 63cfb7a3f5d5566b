"""Fixtures for the applicant journey: an open round of the demo fund and a signed-in applicant
whose organisation has complete details and its three required documents."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from reportlab.pdfgen import canvas

from sv_grants.auth.models import Role, User
from sv_grants.dates import clock
from sv_grants.extensions import db
from sv_grants.funds.models import Area, Fund, InterventionType, Priority, Round
from sv_grants.organisations.documents import upload_document
from sv_grants.organisations.models import DocumentKind, LegalForm, Organisation

from ..conftest import sign_in
from ..helpers import set_up_organisation


def pdf_bytes(text: str = "A real PDF") -> bytes:
    buffer = io.BytesIO()
    drawing = canvas.Canvas(buffer)
    drawing.drawString(72, 720, text)
    drawing.save()
    return buffer.getvalue()


@dataclass
class Setting:
    fund_id: int
    round_id: int
    priority_ids: list[int]
    intervention_id: int


@pytest.fixture
def app(make_app: Any, tmp_path: Path) -> Flask:
    return make_app(UPLOAD_DIR=str(tmp_path / "uploads"))


@pytest.fixture
def setting(app: Flask) -> Setting:
    """A £500,000 fund with four priorities and a round open for six more weeks."""
    now = clock.now()
    with app.app_context():
        fund = Fund(slug="svpf-2024-25", name="Serious Violence Prevention Fund", funder_name="The PCC",
                    financial_year="2024/25", total_pence=500_000_00, status="open")
        fund.priorities = [Priority(code=f"P{n}", title=title, position=n) for n, title in enumerate(
            ["Early intervention", "Places", "Weapons", "Communities"], start=1)]
        round_ = Round(fund=fund, name="Round 1", opens_at=now - timedelta(days=7), closes_at=now + timedelta(days=42),
                       delivery_from=date(2025, 4, 1), delivery_until=date(2026, 3, 31),
                       min_award_pence=2_000_00, max_award_pence=50_000_00)
        kind = InterventionType(name="Mentoring", impact_rating="moderate")
        db.session.add_all([fund, round_, kind,
                            Area(code="E06000047", name="County Durham", kind="local_authority"),
                            Area(code="E06000005", name="Darlington", kind="local_authority")])
        db.session.commit()
        return Setting(fund.id, round_.id, [p.id for p in fund.priorities], kind.id)


def complete_organisation(app: Flask, user_id: int, name: str = "Eastside Youth Trust",
                          documents: bool = True) -> int:
    organisation_id = set_up_organisation(app, user_id, name, LegalForm.REGISTERED_CHARITY)
    with app.test_request_context():
        organisation = db.session.get(Organisation, organisation_id)
        organisation.charity_number = "1234567"
        organisation.address_line_1 = "1 High Street"
        organisation.town = "Darlington"
        organisation.postcode = "DL1 1AA"
        organisation.local_authority_code = "E06000005"
        organisation.annual_income_pence = 85_000_00
        organisation.safeguarding_lead_name = "Sam Lead"
        organisation.safeguarding_lead_email = "lead@example.org"
        if documents:
            actor = db.session.get(User, user_id)
            for kind in (DocumentKind.CONSTITUTION, DocumentKind.ACCOUNTS, DocumentKind.SAFEGUARDING_POLICY):
                upload_document(actor, organisation, kind, f"{kind.value}.pdf", pdf_bytes(kind.value), None)
        db.session.commit()
    return organisation_id


@pytest.fixture
def applicant(app: Flask, make_user: Any, setting: Setting) -> FlaskClient:
    """A signed-in applicant whose organisation is ready to apply (``client.organisation_id``)."""
    person = make_user(Role.APPLICANT, name="Alex Applicant")
    client = app.test_client()
    sign_in(client, person)
    client.person = person  # type: ignore[attr-defined]
    client.organisation_id = complete_organisation(app, person.id)  # type: ignore[attr-defined]
    return client
