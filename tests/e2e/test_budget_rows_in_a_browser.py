"""With JavaScript, budget lines are added and removed in the page, renumbered so the server reads
them in order, and the total updates as amounts are typed."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from sv_grants.applications import services
from sv_grants.applications.models import Application
from sv_grants.auth.models import Role, User
from sv_grants.extensions import db
from sv_grants.funds.models import Round
from sv_grants.organisations.models import Organisation

from ..helpers import Setting, complete_organisation
from .conftest import accessibility_violations

pytestmark = pytest.mark.browser


def test_budget_lines_are_added_removed_and_totalled_in_the_page(app: Flask, live_server: str, page: Page,
                                                                 make_user: Any, setting: Setting) -> None:
    person = make_user(Role.APPLICANT)
    organisation_id = complete_organisation(app, person.id, documents=False)
    with app.test_request_context():
        draft = services.start_application(db.session.get(User, person.id),
                                           db.session.get(Organisation, organisation_id),
                                           db.session.get(Round, setting.round_id), {})
        db.session.commit()
        application_id = draft.id

    page.goto(f"{live_server}/sign-in")
    page.get_by_label("Email address").fill(person.email)
    page.get_by_label("Password", exact=True).fill(person.password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/organisation")
    page.goto(f"{live_server}/applications/{application_id}/sections/budget")

    page.locator("#lines-0-category").select_option("staff")
    page.locator("#lines-0-description").fill("Mentor salary")
    page.locator("#lines-0-amount").fill("£12,000")
    expect(page.locator("#budget-total")).to_have_text("Total: £12,000.00 (not saved yet)")

    page.get_by_role("button", name="Add another line").click()
    page.locator("#lines-1-category").select_option("venue")
    page.locator("#lines-1-description").fill("Room hire")
    page.locator("#lines-1-amount").fill("1500.50")
    expect(page.locator("#budget-total")).to_have_text("Total: £13,500.50 (not saved yet)")
    page.get_by_role("button", name="Add another line").click()
    page.locator("#lines-2-description").fill("Never finished")
    assert page.get_by_role("group", name="Budget line 3").count() == 1

    # Removing the first line renumbers the rest from 0, so the server reads them in order.
    page.get_by_role("button", name="Remove budget line 1").click()
    expect(page.locator("#lines-0-description")).to_have_value("Room hire")
    expect(page.locator("#lines-1-description")).to_have_value("Never finished")
    assert page.locator("#lines-2-description").count() == 0
    expect(page.locator("#budget-total")).to_have_text("Total: £1,500.50 (not saved yet)")
    page.get_by_role("button", name="Remove budget line 2").click()
    expect(page.get_by_role("button", name="Remove budget line 1")).to_be_hidden()
    assert accessibility_violations(page) == []

    page.get_by_role("button", name="Save and come back later").click()
    page.wait_for_url(f"**/applications/{application_id}")
    with app.app_context():
        saved = db.session.get(Application, application_id)
        assert [(line.category, line.description, line.amount_pence) for line in saved.budget_lines] == [
            ("venue", "Room hire", 1_500_50)]
        assert saved.requested_pence == 1_500_50
    assert not [m.text for m in page.console_messages if m.type == "error"]  # type: ignore[attr-defined]
