"""A grant's life in Chromium, through the real pages: the organisation accepts the offer and
completes and submits its first quarterly monitoring return (one breakdown of its participants
first failing to add up); the grants officer asks for a change, the organisation makes it and
resubmits, and the officer accepts the return; one finance officer approves the first instalment
and another records it paid, which the organisation then sees on its grant's page. Every page
visited, the one with the error included, must pass axe-core's WCAG 2.2 A and AA rules, and no
browser console may log an error.

The live server runs in a thread of this process, so it reads the same ``clock`` as the set-up:
the offer is made in early May 2025 and the browsing happens in mid-May, six weeks into the
grant's first quarter, so its first return is open."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Locator, Page, expect

from sv_grants.auth.models import Role
from sv_grants.dates import clock
from sv_grants.extensions import db
from sv_grants.grants.models import Grant, InstalmentStatus
from sv_grants.monitoring.models import MonitoringReturn, ReturnStatus

from ..conftest import Person
from ..grants.factories import approved_application, give_bank_details, offer
from ..helpers import open_round
from .test_apply_in_a_browser import Axe, follow, in_group, press
from .test_assess_in_a_browser import (
    Browsing,
    open_browser_as,  # noqa: F401 - a fixture, found by its name
    sign_in,
)

pytestmark = pytest.mark.browser

APPLICATION = "SVF-2425-0001"
REFERENCE = f"GR-{APPLICATION}"  # the grant's
ORGANISATION = "Eastside Youth Trust"
RETURN = "Quarter 1 2025-26 return"  # 1 April to 30 June 2025, due by the end of July
DUE = "31 July 2025"
FIRST_INSTALMENT = "£10,000.00"  # half of the £20,000 award, due once the offer is accepted
# The £20,000 "Youth worker" line spread evenly over the grant's 365 days: 91 of them by 30 June.
PROFILE = "£4,986.30"
UNDERSPEND_REASON = "Our second youth worker started in June rather than April."
SPEND_DETAIL = "She started on 2 June; the underspend will be spent on extra sessions over the summer holidays."
OFFICER_COMMENT = "Please say in the spend section when the second youth worker started and how the underspend " \
                  "will be used."

APPLICANT, OFFICER, FINANCE, FINANCE2 = "Ada Applicant", "Olu Officer", "Fin One", "Fin Two"


def success(page: Page) -> Locator:
    """The flash message confirming what was just done (other banners on the page are notices)."""
    return page.locator(".govuk-notification-banner--success")


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def return_row(page: Page) -> Locator:
    return page.get_by_role("row", name=re.compile(RETURN))


# The journey, a step at a time -------------------------------------------------------------------


def applicant_accepts_the_offer(applicant: Browsing, live_server: str) -> None:
    page, axe = applicant.page, applicant.axe
    sign_in(live_server, applicant)
    expect(page).to_have_url(re.compile(r"/organisation$"))
    expect(heading(page)).to_have_text("Your applications")
    expect(page.locator("main")).to_contain_text("You have been offered a grant of £20,000.00.")
    follow(page, axe, "Read and accept the offer")

    expect(heading(page)).to_contain_text(f"Grant {REFERENCE}")
    expect(heading(page).locator(".govuk-tag")).to_have_text("Offered")
    press(page, axe, "Read and accept the offer")

    expect(heading(page)).to_have_text("Accept the grant offer")
    for statement in ("I am authorised to accept this grant on behalf of the organisation",
                      "The organisation accepts the grant agreement, its conditions, and the variation and clawback "
                      "terms",
                      "The organisation will report on the grant as the agreement sets out, without personal data "
                      "about participants"):
        in_group(page, "Confirm each of these").get_by_label(statement).check()
    page.get_by_label("Your full name").fill("Pat Chair")
    page.get_by_label("Your role in the organisation").fill("Chair of trustees")
    press(page, axe, "Accept the grant")

    expect(page).to_have_url(re.compile(r"/your-grants/\d+/accepted$"))
    panel = page.locator(".govuk-panel")
    expect(panel.locator(".govuk-panel__title")).to_have_text("Grant accepted")
    expect(panel).to_contain_text("Your grant reference is")
    expect(panel.locator("strong")).to_have_text(REFERENCE)
    expect(page.locator("main")).to_contain_text("The first instalment is now due.")


def applicant_opens_the_first_return(applicant: Browsing) -> None:
    page, axe = applicant.page, applicant.axe
    follow(page, axe, "Go to your grant")
    expect(page).to_have_url(re.compile(r"/your-grants/\d+$"))
    expect(heading(page).locator(".govuk-tag")).to_have_text("Accepted")
    returns = page.get_by_role("table", name="Monitoring returns")
    row = returns.get_by_role("row", name=re.compile(RETURN))
    expect(row).to_contain_text("1 April 2025 to 30 June 2025")
    expect(row).to_contain_text(DUE)
    expect(row.locator(".govuk-tag")).to_have_text("Not started")
    expect(returns.get_by_role("row", name=re.compile("Final return"))).to_contain_text("30 April 2026")
    with page.expect_navigation():
        row.get_by_role("link", name=f"Start the {RETURN.lower()}").click()
    axe.check()

    expect(heading(page)).to_have_text(RETURN)
    expect(page.locator("main")).to_contain_text(f"This return covers 1 April 2025 to 30 June 2025 and is due by "
                                                 f"{DUE}.")
    expect(page.locator("main")).to_contain_text("You have completed 0 of 5 sections.")


def open_section(page: Page, axe: Axe, number: int, title: str) -> None:
    follow(page, axe, f"{number}. {title}")
    expect(heading(page)).to_have_text(title)
    expect(page.locator(".govuk-caption-l")).to_have_text(f"{RETURN} – section {number} of 5")


def save_and_continue(page: Page, axe: Axe, completed: int) -> None:
    press(page, axe, "Save and continue")
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    expect(heading(page)).to_have_text(RETURN)
    expect(page.locator("main")).to_contain_text(f"You have completed {completed} of 5 sections.")


def reach_by(page: Page, counts: dict[str, dict[str, str]]) -> None:
    for breakdown, given in counts.items():
        for category, count in given.items():
            in_group(page, f"By {breakdown}").get_by_label(category, exact=True).fill(count)


def applicant_completes_every_section(applicant: Browsing) -> None:
    page, axe = applicant.page, applicant.axe

    open_section(page, axe, 1, "Outputs delivered")
    page.get_by_label("Mentoring sessions delivered this quarter").fill("9")
    page.get_by_label("Young people completing the programme this quarter").fill("0")
    save_and_continue(page, axe, 1)

    open_section(page, axe, 2, "Participants reached")
    page.get_by_label("How many new participants did the project work with this quarter?").fill("12")
    reach_by(page, {"age band": {"10 to 14": "5", "15 to 17": "6", "Not known": "1"},
                    "sex": {"Female": "5", "Male": "6", "Not known": "1"},
                    "area": {"Darlington": "9", "County Durham": "2"},  # one short: nobody is "not known"
                    "cohort": {"At risk of involvement in violence": "10", "Victim of violence": "1",
                               "Not known": "1"}})
    press(page, axe, "Save and continue", note="a breakdown that does not add up")
    assert page.title().startswith("Error: "), page.title()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("The area breakdown adds up to 11, which is 1 participant fewer than the 12 new "
                                    "participants")
    # What was typed is kept, so only the mistake needs fixing.
    expect(in_group(page, "By age band").get_by_label("15 to 17", exact=True)).to_have_value("6")
    reach_by(page, {"area": {"Not known": "1"}})
    save_and_continue(page, axe, 2)

    open_section(page, axe, 3, "Outcomes")
    outcome = in_group(page, "Young people reporting feeling safer")
    expect(outcome).to_contain_text("Target: 70%")
    outcome.get_by_label("Result so far").fill("8 of the 11 young people asked (73%) said they feel safer")
    outcome.get_by_label("How you measured it (optional)").fill("A short survey at the fourth session.")
    save_and_continue(page, axe, 3)

    open_section(page, axe, 4, "Spend to date")
    line = in_group(page, "Youth worker")
    expect(line).to_contain_text(f"Profile to date: {PROFILE}")
    line.get_by_label("Spent to date").fill("3,900")  # 22% below the profile, so it needs a reason
    line.get_by_label("Reason for the difference from the profile").fill(UNDERSPEND_REASON)
    save_and_continue(page, axe, 4)

    open_section(page, axe, 5, "Progress and case study")
    page.get_by_label("What progress has the project made?").fill(
        "Twelve young people joined the programme and nine mentoring sessions ran in town centre venues.")
    page.get_by_label("What challenges have you faced, and what are you doing about them?").fill(
        "Recruiting the second youth worker took longer than planned.")
    page.get_by_label("Case study").fill(
        "A young person referred by their school now attends every session and has taken on a peer mentor role.")
    page.get_by_label("How many safeguarding incidents were there?").fill("0")
    # By the label alone: the template's fieldset params replace the legend, so this group has no name yet.
    page.get_by_label("Amber: some problems, in hand").check()
    save_and_continue(page, axe, 5)


def applicant_checks_and_submits(applicant: Browsing, again: bool = False) -> None:
    page, axe = applicant.page, applicant.axe
    press(page, axe, "Check your answers")
    expect(heading(page)).to_have_text("Check your answers before submitting")
    main = page.locator("main")
    expect(main).to_contain_text("New participants this quarter: 12")
    expect(page.get_by_role("row", name=re.compile("Mentoring sessions delivered"))).to_contain_text("9")
    expect(main).to_contain_text("8 of the 11 young people asked (73%) said they feel safer")
    expect(page.get_by_role("row", name=re.compile("Youth worker"))).to_contain_text("£3,900")
    expect(main).to_contain_text(SPEND_DETAIL if again else UNDERSPEND_REASON)
    expect(main).not_to_contain_text("Before you can submit")
    press(page, axe, "Submit return")

    expect(success(page)).to_contain_text(f"{RETURN} has been submitted. The grants team will review it.")
    expect(heading(page)).to_have_text(RETURN)
    expect(main.locator(".govuk-tag").first).to_have_text("Submitted")
    expect(main).to_contain_text("You cannot change it unless they ask you to.")
    expect(page.get_by_role("button", name="Change the return")).to_have_count(0)


def officer_reviews(officer: Browsing, live_server: str, decision: str, comment: str, outcome: str) -> None:
    """From the list of returns waiting for review to the return's page, and a decision recorded."""
    page, axe = officer.page, officer.axe
    page.goto(f"{live_server}/returns")
    axe.check()
    expect(heading(page)).to_have_text("Monitoring returns")
    waiting = page.get_by_role("table", name="Waiting for review")
    expect(waiting.get_by_role("row", name=re.compile(REFERENCE))).to_contain_text(ORGANISATION)
    with page.expect_navigation():
        waiting.get_by_role("link", name=f"Review the {RETURN.lower()} for {REFERENCE}").click()
    axe.check()

    expect(heading(page)).to_have_text(RETURN)
    main = page.locator("main")
    expect(main.locator(".govuk-tag").first).to_have_text("Submitted")
    expect(main).to_contain_text(f"by {APPLICANT}")
    expect(main).to_contain_text("New participants this quarter: 12")
    expect(main).to_contain_text(PROFILE)
    page.get_by_label(decision).check()  # the radios have no legend yet, as in the narrative section
    page.get_by_label("Comments for the organisation").fill(comment)
    press(page, axe, "Record decision")
    expect(success(page)).to_contain_text(f"{RETURN} for {REFERENCE} {outcome}.")
    expect(page.get_by_role("button", name="Record decision")).to_have_count(0)


def applicant_makes_the_change(applicant: Browsing, live_server: str, grant_id: int) -> None:
    page, axe = applicant.page, applicant.axe
    page.goto(f"{live_server}/your-grants/{grant_id}")
    axe.check()
    row = return_row(page)
    expect(row.locator(".govuk-tag")).to_have_text("Changes requested")
    with page.expect_navigation():
        row.get_by_role("link", name=f"Change the {RETURN.lower()}").click()
    axe.check()

    expect(heading(page)).to_have_text(RETURN)
    request = page.locator(".govuk-notification-banner")
    expect(request).to_contain_text("The grants team has asked for changes")
    expect(request).to_contain_text(OFFICER_COMMENT)
    expect(page.locator("main")).to_contain_text("You have completed 5 of 5 sections.")

    open_section(page, axe, 4, "Spend to date")
    reason = in_group(page, "Youth worker").get_by_label("Reason for the difference from the profile")
    expect(reason).to_have_value(UNDERSPEND_REASON)
    reason.fill(f"{UNDERSPEND_REASON} {SPEND_DETAIL}")
    save_and_continue(page, axe, 5)
    applicant_checks_and_submits(applicant, again=True)


def finance_approves(finance: Browsing, live_server: str) -> None:
    page, axe = finance.page, finance.axe
    sign_in(live_server, finance)
    expect(page).to_have_url(re.compile(r"/payments$"))
    expect(heading(page)).to_have_text("Payments")
    due = page.get_by_role("table", name="Due for approval")
    row = due.get_by_role("row", name=re.compile(REFERENCE))
    expect(row).to_contain_text(ORGANISATION)
    expect(row).to_contain_text(FIRST_INSTALMENT)
    expect(row.locator(".govuk-tag")).to_have_text("Due")
    press(page, axe, f"Approve {FIRST_INSTALMENT} for {REFERENCE}")
    expect(success(page)).to_contain_text(f"{FIRST_INSTALMENT} to {ORGANISATION} is approved for payment.")
    approved = page.get_by_role("table", name="Approved, waiting to be paid")
    expect(approved.get_by_role("row", name=re.compile(REFERENCE)).locator(".govuk-tag")).to_have_text("Approved")
    expect(due).to_contain_text("No instalments are waiting for approval.")


def second_finance_officer_records_it_paid(finance2: Browsing, live_server: str) -> None:
    page, axe = finance2.page, finance2.axe
    sign_in(live_server, finance2)
    with page.expect_navigation():  # Chromium hears the hidden text as "Record as paid : GR-…"
        page.get_by_role("link", name=re.compile(rf"^Record as paid\W+{REFERENCE} instalment 1$")).click()
    axe.check()
    expect(page).to_have_url(re.compile(r"/payments/\d+/paid$"))
    expect(heading(page)).to_have_text("Record the payment as made")
    expect(page.locator(".govuk-summary-list__row", has_text="Approved by")).to_contain_text(FINANCE)
    in_group(page, "Date paid").get_by_label("Day").fill("14")
    in_group(page, "Date paid").get_by_label("Month").fill("5")
    in_group(page, "Date paid").get_by_label("Year").fill("2025")
    page.get_by_label("Remittance reference").fill("BACS-250514-01")
    press(page, axe, "Record payment")
    expect(success(page)).to_contain_text(f"Payment of {FIRST_INSTALMENT} to {ORGANISATION} is recorded.")
    paid = page.get_by_role("table", name="Recently paid").get_by_role("row", name=re.compile(REFERENCE))
    expect(paid).to_contain_text("14 May 2025, ref. BACS-250514-01")


def applicant_sees_it_paid(applicant: Browsing, live_server: str, grant_id: int) -> None:
    page, axe = applicant.page, applicant.axe
    page.goto(f"{live_server}/your-grants/{grant_id}")
    axe.check()
    expect(heading(page).locator(".govuk-tag")).to_have_text("Active")
    expect(page.locator(".govuk-summary-list__row", has_text="Paid so far")).to_contain_text(FIRST_INSTALMENT)
    payments = page.get_by_role("table", name="Payments")
    first = payments.locator("tbody tr").first
    expect(first).to_contain_text(FIRST_INSTALMENT)
    expect(first.locator(".govuk-tag")).to_have_text("Paid")
    expect(first).to_contain_text("14 May 2025 (ref. BACS-250514-01)")
    expect(return_row(page).locator(".govuk-tag")).to_have_text("Accepted")
    with page.expect_navigation():
        return_row(page).get_by_role("link", name=f"View the {RETURN.lower()}").click()
    axe.check()
    expect(page.locator("main")).to_contain_text("The grants team accepted this return on 14 May 2025.")


# The test ---------------------------------------------------------------------------------------


def test_the_organisation_reports_the_officer_reviews_and_finance_pays_the_first_instalment(
        app: Flask, live_server: str, make_user: Any,
        open_browser_as: Callable[[Person, str], Browsing]) -> None:  # noqa: F811 - the fixture imported above
    # The round, the application and the panel's decision, in March 2025.
    clock.travel_to(datetime(2025, 3, 3, 10, tzinfo=UTC))
    setting = open_round(app)
    people = {name: make_user(role, name=name) for name, role in [
        (APPLICANT, Role.APPLICANT), (OFFICER, Role.GRANTS_OFFICER), ("Rae Reviewer", Role.REVIEWER),
        (FINANCE, Role.FINANCE_OFFICER), (FINANCE2, Role.FINANCE_OFFICER)]}
    application_id = approved_application(app, setting, people[APPLICANT].id, people[OFFICER].id,
                                          people["Rae Reviewer"].id, reference=APPLICATION, organisation=ORGANISATION)
    # The offer, and bank details the finance team has checked, in early May.
    clock.travel_to(datetime(2025, 5, 6, 11, tzinfo=UTC))
    grant_id = offer(app, application_id, people[OFFICER].id)
    with app.app_context():
        organisation_id = db.session.get(Grant, grant_id).organisation_id
    give_bank_details(app, organisation_id, people[APPLICANT].id, verified_by=people[FINANCE].id)
    clock.travel_to(datetime(2025, 5, 14, 9, 30, tzinfo=UTC))

    applicant, officer, finance, finance2 = (open_browser_as(people[name], name)
                                             for name in (APPLICANT, OFFICER, FINANCE, FINANCE2))
    applicant_accepts_the_offer(applicant, live_server)
    applicant_opens_the_first_return(applicant)
    applicant_completes_every_section(applicant)
    applicant_checks_and_submits(applicant)

    sign_in(live_server, officer)
    officer_reviews(officer, live_server, "Ask the organisation to make changes", OFFICER_COMMENT,
                    "has been sent back for changes")
    expect(officer.page.locator("main")).to_contain_text(OFFICER_COMMENT)
    applicant_makes_the_change(applicant, live_server, grant_id)
    officer_reviews(officer, live_server, "Accept the return", "", "has been accepted")

    finance_approves(finance, live_server)
    second_finance_officer_records_it_paid(finance2, live_server)
    applicant_sees_it_paid(applicant, live_server, grant_id)

    with app.app_context():
        grant = db.session.get(Grant, grant_id)
        first = grant.instalments[0]
        assert (first.status, first.amount_pence, first.remittance_reference) == (
            InstalmentStatus.PAID, 10_000_00, "BACS-250514-01")
        assert grant.paid_pence == first.amount_pence
        assert first.approved_by_id == people[FINANCE].id and first.paid_by_id == people[FINANCE2].id
        [quarter_one] = db.session.scalars(db.select(MonitoringReturn).where(MonitoringReturn.grant_id == grant_id,
                                                                             MonitoringReturn.number == 1)).all()
        assert quarter_one.status == ReturnStatus.ACCEPTED
        assert quarter_one.reviewed_by_id == people[OFFICER].id
        assert quarter_one.new_participants == 12
        assert quarter_one.spend_lines[0].spent_pence == 3_900_00
        assert quarter_one.spend_lines[0].explanation == f"{UNDERSPEND_REASON} {SPEND_DETAIL}"

    everyone = [applicant, officer, finance, finance2]
    # Chromium logs the 400 the breakdown that does not add up is answered with; that one is expected.
    errors = [(m.text, m.location["url"]) for someone in everyone for m in someone.console
              if m.type == "error" and not ("status of 400" in m.text and m.location["url"].endswith("/reach"))]
    assert errors == []
    checked = [where for someone in everyone for where in someone.axe.checked]
    assert len(checked) >= 30, checked
    violations = {where: found for someone in everyone for where, found in someone.axe.violations.items()}
    assert violations == {}, "\n".join(f"{where}: {found}" for where, found in violations.items())
