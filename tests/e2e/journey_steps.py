"""Steps of the whole-journey browser test that the other browser tests do not already cover: the
officer's eligibility check and offer, bank details given and verified, two quarterly returns and
their review, and the returns finance and the PCC's office download. Each drives the real pages."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Locator, Page, expect

from .test_apply_in_a_browser import in_group, press
from .test_assess_in_a_browser import Browsing

FUND = "svpf-2024-25"


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def success(page: Page) -> Locator:
    return page.locator(".govuk-notification-banner--success")


def visit(someone: Browsing, address: str) -> None:
    someone.page.goto(address)
    someone.axe.check()


def fill_date(page: Page, field: str, day: int, month: int, year: int) -> None:
    page.locator(f"#{field}-day").fill(str(day))
    page.locator(f"#{field}-month").fill(str(month))
    page.locator(f"#{field}-year").fill(str(year))


def officer_checks_eligibility(officer: Browsing, live_server: str, application_id: int, reference: str) -> None:
    page, axe = officer.page, officer.axe
    visit(officer, f"{live_server}/applications/{application_id}/assessment")
    expect(page.locator("main")).to_contain_text("Not checked yet.")
    press(page, axe, "Check eligibility")
    expect(heading(page)).to_have_text("Check eligibility and due diligence")
    checks = in_group(page, "Which checks does the application meet?")
    for box in checks.get_by_role("checkbox").all():
        box.check()
    page.get_by_label("Pass: move the application into assessment").check()
    press(page, axe, "Record the check")
    expect(success(page)).to_contain_text(f"{reference} passed the check and is now being assessed.")


def officer_makes_the_offer(officer: Browsing, live_server: str, reference: str, award: str) -> None:
    page, axe = officer.page, officer.axe
    visit(officer, f"{live_server}/grants")
    expect(heading(page)).to_have_text("Grants")
    with page.expect_navigation():
        page.get_by_role("link", name=f"Make an offer for {reference}").click()
    axe.check()
    expect(heading(page)).to_have_text("Make a grant offer")
    expect(page.locator(".govuk-summary-list__row", has_text="Award")).to_contain_text(award)
    # The dates default to the application's delivery dates, 1 June 2025 to 31 March 2026.
    expect(page.locator("#start_date-month")).to_have_value("06")
    press(page, axe, "Make the offer")
    expect(success(page)).to_contain_text(f"Offer GR-{reference} has been made. The organisation has been emailed.")


def applicant_gives_bank_details(applicant: Browsing, sort_code: str, account_number: str, name: str) -> None:
    """From the grant's page, which warns that nothing can be paid without them."""
    page, axe = applicant.page, applicant.axe
    expect(page.locator("main")).to_contain_text("We cannot pay the grant until we have your bank details")
    with page.expect_navigation():
        page.get_by_role("link", name="Add bank details").click()
    axe.check()
    expect(heading(page)).to_have_text("Bank details")
    page.get_by_label("Name on the account").fill(name)
    page.get_by_label("Sort code").fill(sort_code)
    page.get_by_label("Account number").fill(account_number)
    press(page, axe, "Save bank details")
    expect(success(page)).to_contain_text("Bank details saved. Our finance team will check them with you")


def finance_verifies_bank_details(finance: Browsing, organisation: str, account_number: str) -> None:
    page, axe = finance.page, finance.axe
    expect(heading(page)).to_have_text("Payments")
    with page.expect_navigation():
        page.get_by_role("link", name=f"Verify bank details for {organisation}").click()
    axe.check()
    expect(heading(page)).to_have_text("Verify bank details")
    expect(page.locator(".govuk-summary-list__row", has_text="Account number")).to_contain_text(account_number)
    page.get_by_label("How did you verify the bank details?").fill("Phoned the treasurer on the number in the "
                                                                   "published accounts")
    page.get_by_label("I confirmed these details with the organisation using contact details we already held").check()
    press(page, axe, "Record verification")
    expect(page.locator("main")).to_contain_text("No bank details are waiting to be verified.")


def finance_approves(finance: Browsing, reference: str, amount: str) -> None:
    page, axe = finance.page, finance.axe
    due = page.get_by_role("table", name="Due for approval")
    expect(due.get_by_role("row", name=re.compile(reference))).to_contain_text(amount)
    press(page, axe, f"Approve {amount} for {reference}")
    expect(success(page)).to_contain_text("is approved for payment.")


def finance_records_paid(finance: Browsing, reference: str, paid_on: tuple[int, int, int], remittance: str) -> None:
    page, axe = finance.page, finance.axe
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile(rf"^Record as paid\W+{reference} instalment 1$")).click()
    axe.check()
    expect(heading(page)).to_have_text("Record the payment as made")
    day, month, year = paid_on
    date_paid = in_group(page, "Date paid")
    date_paid.get_by_label("Day").fill(str(day))
    date_paid.get_by_label("Month").fill(str(month))
    date_paid.get_by_label("Year").fill(str(year))
    page.get_by_label("Remittance reference").fill(remittance)
    press(page, axe, "Record payment")
    expect(success(page)).to_contain_text("is recorded.")


# Quarterly returns ---------------------------------------------------------------------------------


def _section(page: Page, axe: Any, number: int, title: str) -> None:
    with page.expect_navigation():
        page.get_by_role("link", name=f"{number}. {title}").click()
    axe.check()
    expect(heading(page)).to_have_text(title)


def _save(page: Page, axe: Any, completed: int) -> None:
    press(page, axe, "Save and continue")
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    expect(page.locator("main")).to_contain_text(f"You have completed {completed} of 5 sections.")


def applicant_completes_a_return(applicant: Browsing, live_server: str, grant_id: int, title: str,
                                 sessions: int, reach: dict[str, dict[str, int]]) -> None:
    """Every section of the quarter's return, spending exactly what the profile says so far, then submitted."""
    page, axe = applicant.page, applicant.axe
    visit(applicant, f"{live_server}/your-grants/{grant_id}")
    row = page.get_by_role("row", name=re.compile(title))
    expect(row.locator(".govuk-tag")).to_have_text("Not started")
    with page.expect_navigation():
        row.get_by_role("link", name=f"Start the {title.lower()}").click()
    axe.check()
    expect(heading(page)).to_have_text(title)

    _section(page, axe, 1, "Outputs delivered")
    page.get_by_label("Mentoring sessions delivered this quarter").fill(str(sessions))
    _save(page, axe, 1)

    _section(page, axe, 2, "Participants reached")
    participants = sum(reach["age band"].values())
    page.get_by_label("How many new participants did the project work with this quarter?").fill(str(participants))
    for breakdown, counts in reach.items():
        for category, count in counts.items():
            in_group(page, f"By {breakdown}").get_by_label(category, exact=True).fill(str(count))
    _save(page, axe, 2)

    _section(page, axe, 3, "Outcomes")
    in_group(page, "% feeling safer").get_by_label("Result so far").fill("Most of those asked said they feel safer")
    _save(page, axe, 3)

    _section(page, axe, 4, "Spend to date")
    for line in ("Mentor salary", "Room hire"):
        group = in_group(page, line)
        profile = re.search(r"Profile to date: £([\d,.]+)", group.inner_text())
        assert profile, group.inner_text()
        group.get_by_label("Spent to date").fill(profile.group(1))
    _save(page, axe, 4)

    _section(page, axe, 5, "Progress and case study")
    page.get_by_label("What progress has the project made?").fill("Sessions ran every week in the town centre.")
    page.get_by_label("What challenges have you faced, and what are you doing about them?").fill(
        "Finding a second venue; the library has offered a room.")
    page.get_by_label("Case study").fill("A young person referred by their school now helps run a session.")
    page.get_by_label("How many safeguarding incidents were there?").fill("0")
    page.get_by_label("Green: on track").check()
    _save(page, axe, 5)

    press(page, axe, "Check your answers")
    expect(page.locator("main")).to_contain_text(f"New participants this quarter: {participants}")
    press(page, axe, "Submit return")
    expect(success(page)).to_contain_text(f"{title} has been submitted.")


def officer_accepts_a_return(officer: Browsing, live_server: str, grant_reference: str, title: str,
                             participants: int) -> None:
    page, axe = officer.page, officer.axe
    visit(officer, f"{live_server}/returns")
    waiting = page.get_by_role("table", name="Waiting for review")
    with page.expect_navigation():
        waiting.get_by_role("link", name=f"Review the {title.lower()} for {grant_reference}").click()
    axe.check()
    expect(heading(page)).to_have_text(title)
    expect(page.locator("main")).to_contain_text(f"New participants this quarter: {participants}")
    page.get_by_label("Accept the return").check()
    press(page, axe, "Record decision")
    expect(success(page)).to_contain_text(f"{title} for {grant_reference} has been accepted.")


# Returns to the funder -------------------------------------------------------------------------------


def open_returns(someone: Browsing) -> None:
    page = someone.page
    with page.expect_navigation():
        page.get_by_role("navigation", name="Menu").get_by_role("link", name="Returns", exact=True).click()
    someone.axe.check()
    expect(heading(page)).to_have_text("Returns")


def choose_return(page: Page, kind: str, period: str, fmt: str) -> None:
    page.get_by_role("group", name="Return").get_by_label(kind, exact=True).check()
    page.get_by_label("Period").select_option(period)
    page.get_by_role("group", name="Format").get_by_label(fmt, exact=True).check()


def download_return(page: Page, kind: str, period: str, fmt: str) -> tuple[str, bytes]:
    choose_return(page, kind, period, fmt)
    with page.expect_download() as waiting:
        page.get_by_role("button", name="Get the return").click()
    made = waiting.value
    with open(made.path(), "rb") as file:
        return made.suggested_filename, file.read()


def open_return_page(someone: Browsing, kind: str, period: str, slug: str) -> None:
    page, axe = someone.page, someone.axe
    choose_return(page, kind, period, "HTML")
    press(page, axe, "Get the return")
    expect(page).to_have_url(re.compile(rf"/reports/{FUND}/{slug}/{period}$"))
    expect(heading(page)).to_have_text(kind)
