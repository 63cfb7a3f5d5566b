"""An applicant registers, sets up their organisation and gives its details, in Chromium."""

import pytest
from sqlalchemy import select

from sv_grants.extensions import db
from sv_grants.funds.models import Area
from sv_grants.organisations.models import Organisation

from .conftest import accessibility_violations

pytestmark = pytest.mark.browser


def test_a_new_applicant_sets_up_their_organisation_and_every_page_passes_axe(app, live_server, page):
    with app.app_context():
        db.session.add(Area(code="E06000005", name="Darlington", kind="local_authority"))
        db.session.commit()

    page.goto(f"{live_server}/register")
    assert accessibility_violations(page) == []
    page.get_by_label("Full name").fill("Amira Khan")
    page.get_by_label("Email address").fill("amira@example.org")
    page.get_by_label("Create a password").fill("lantern orchard quietly 42")
    page.get_by_role("button", name="Create account").click()

    page.wait_for_url("**/organisation")
    assert accessibility_violations(page) == []
    page.get_by_role("button", name="Set up your organisation").click()
    assert accessibility_violations(page) == []
    page.get_by_label("Organisation name").fill("Darlington Youth Outreach")
    page.get_by_label("Registered charity").check()
    page.get_by_role("button", name="Save and continue").click()

    page.wait_for_url("**/details")
    page.get_by_label("Charity number").fill("1234567")
    page.get_by_label("Annual income").fill("85,000")
    page.get_by_label("Address line 1").fill("1 High Row")
    page.get_by_label("Town or city").fill("Darlington")
    page.get_by_label("Postcode").fill("not a postcode")
    page.get_by_label("Darlington").check()
    page.get_by_label("Safeguarding lead's full name").fill("Sam Lee")
    page.get_by_label("Safeguarding lead's email address").fill("sam@example.org")
    page.get_by_role("button", name="Save and continue").click()

    summary = page.locator(".govuk-error-summary")
    assert "Enter a real postcode, like DL1 5QA" in summary.inner_text()
    assert page.get_by_label("Town or city").input_value() == "Darlington"
    assert accessibility_violations(page) == []
    page.get_by_role("link", name="Enter a real postcode, like DL1 5QA").click()
    assert page.evaluate("document.activeElement.id") == "postcode"
    page.get_by_label("Postcode").fill("dl1 5qa")
    page.get_by_role("button", name="Save and continue").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Darlington Youth Outreach"
    assert "DL1 5QA" in page.locator(".govuk-summary-list").inner_text()
    assert accessibility_violations(page) == []
    with app.app_context():
        assert db.session.scalar(select(Organisation.postcode)) == "DL1 5QA"
