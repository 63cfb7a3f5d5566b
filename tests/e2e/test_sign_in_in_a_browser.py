"""A person signs in through the real pages in Chromium; every page passes axe-core's WCAG 2.2 AA rules."""

import pytest

from sv_grants.auth.models import Role

from ..conftest import current_code
from .conftest import accessibility_violations

pytestmark = pytest.mark.browser


def test_staff_sign_in_with_two_factor_and_no_accessibility_violations(live_server, page, make_user):
    officer = make_user(Role.GRANTS_OFFICER)

    page.goto(f"{live_server}/sign-in")
    assert page.title() == "Sign in – SV Grants"
    assert accessibility_violations(page) == []

    page.get_by_label("Email address").fill(officer.email)
    page.get_by_label("Password", exact=True).fill(officer.password)
    page.get_by_role("button", name="Sign in").click()

    page.wait_for_url("**/sign-in/two-factor")
    assert accessibility_violations(page) == []
    page.get_by_label("Security code").fill(current_code(officer.totp_secret))
    page.get_by_role("button", name="Continue").click()

    page.wait_for_url("**/officer")
    assert page.get_by_role("heading", level=1).inner_text() == "Funds"
    assert page.get_by_role("link", name="Your account").is_visible()
    assert accessibility_violations(page) == []
    # The GOV.UK scripts ran (no inline script was needed) and nothing broke the policy.
    assert "govuk-frontend-supported" in page.evaluate("document.body.className")
    errors = [m.text for m in page.console_messages if m.type == "error"]
    assert errors == []


def test_a_mistake_is_announced_in_an_error_summary_that_passes_axe(live_server, page):
    page.goto(f"{live_server}/sign-in")
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert "Enter your email address" in summary.inner_text()
    assert page.title().startswith("Error: ")
    assert accessibility_violations(page) == []


def test_the_applicant_home_page_passes_axe(live_server, page, make_user):
    applicant = make_user(Role.APPLICANT)
    page.goto(f"{live_server}/sign-in")
    page.get_by_label("Email address").fill(applicant.email)
    page.get_by_label("Password", exact=True).fill(applicant.password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/organisation")
    assert page.get_by_role("heading", level=1).inner_text() == "Your applications"
    assert accessibility_violations(page) == []
