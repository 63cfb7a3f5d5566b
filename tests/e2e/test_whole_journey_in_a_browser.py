"""A grant's whole life in Chromium, through the real pages and by every role: an organisation
registers and applies; a grants officer checks its eligibility and assigns two reviewers, who declare
no interest and score it; the officer moderates, records the panel's approval and tells the applicant,
then makes the offer, which the applicant, e-mailed, accepts; finance verify the bank details, one
approves the first instalment and another records it paid; the organisation sends two quarterly
returns, which the officer accepts; and finance and the PCC's office download their returns, whose
figures must be the ones entered along the way. Every page visited must pass axe-core's WCAG 2.2 A
and AA rules; the violations are gathered by page and checked once, at the end.

Only the fund, its round, its criteria and the staff accounts are set up directly. The live server
runs in a thread of this process and reads the same ``clock``, which moves from the application in
March 2025 to the offer and payment in May and the returns in October."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import expect
from pypdf import PdfReader

from sv_grants.auth.models import Role
from sv_grants.dates import clock
from sv_grants.extensions import db
from sv_grants.grants.models import Grant, InstalmentStatus

from ..assessment.factories import add_criteria
from ..conftest import Person
from ..helpers import Outbox, open_round
from . import journey_steps as steps
from .test_apply_in_a_browser import (
    APPLICANT,
    ORGANISATION,
    TITLE,
    about_with_errors_first,
    answer_approach,
    answer_budget_with_two_lines,
    answer_declaration,
    answer_delivery,
    answer_documents_with_an_extra_file,
    answer_eligibility,
    answer_outputs,
    answer_priorities,
    answer_reach,
    answer_safeguarding,
    fill_section,
    follow,
    press,
    register_and_set_up_organisation,
    upload_organisation_documents,
)
from .test_assess_in_a_browser import (
    Browsing,
    open_browser_as,  # noqa: F401 - a fixture, found by its name
    score_every_criterion,
    sign_in,
)

pytestmark = pytest.mark.browser

APPLICANT_EMAIL, APPLICANT_PASSWORD = "amira@example.org", "lantern orchard quietly 42"
OFFICER, REVIEWERS, FINANCE, FINANCE2, PCC = "Olu Officer", ("Rita Reviewer", "Ravi Reviewer"), "Fin One", \
    "Fin Two", "Pam PCC"
AWARD, FIRST_INSTALMENT = "£12,000.00", "£6,000.00"  # half the award is paid once the offer is accepted
SORT_CODE, ACCOUNT_NUMBER = "309430", "00733445"
# Two quarters of the grant that runs from 1 June 2025: sessions run and young people reached.
QUARTERS = {
    "Quarter 1 2025-26 return": (9, {"age band": {"10 to 14": 5, "15 to 17": 7},
                                     "sex": {"Female": 6, "Male": 6},
                                     "area": {"Darlington": 10, "County Durham": 2},
                                     "cohort": {"At risk of involvement in violence": 12}}),
    "Quarter 2 2025-26 return": (14, {"age band": {"10 to 14": 8, "15 to 17": 10},
                                      "sex": {"Female": 9, "Male": 9},
                                      "area": {"Darlington": 18},
                                      "cohort": {"At risk of involvement in violence": 15,
                                                 "Victim of violence": 3}}),
}
SESSIONS = sum(sessions for sessions, _ in QUARTERS.values())  # 23
PARTICIPANTS = sum(sum(reach["age band"].values()) for _, reach in QUARTERS.values())  # 30
YEAR = "2025-26"


def at(year: int, month: int, day: int, hour: int = 10) -> None:
    clock.travel_to(datetime(year, month, day, hour, tzinfo=UTC))


# The organisation applies --------------------------------------------------------------------------


def organisation_registers_and_applies(applicant: Browsing, live_server: str, tmp_path: Path) -> tuple[int, str]:
    """Every task of the application, then submitted; returns the application's id and reference."""
    page, axe = applicant.page, applicant.axe
    register_and_set_up_organisation(page, axe, live_server)
    upload_organisation_documents(page, axe, tmp_path)
    answer_eligibility(page, axe)
    about_with_errors_first(page, axe)
    fill_section(page, axe, "Priorities", answer_priorities)
    fill_section(page, axe, "Who it reaches", answer_reach)
    fill_section(page, axe, "Approach and evidence", answer_approach)
    fill_section(page, axe, "Outputs and outcomes", answer_outputs)
    answer_budget_with_two_lines(page, axe)
    fill_section(page, axe, "Delivery plan and dates", answer_delivery)
    fill_section(page, axe, "Safeguarding", answer_safeguarding)
    answer_documents_with_an_extra_file(page, axe, tmp_path)
    fill_section(page, axe, "Declaration", answer_declaration)
    expect(page.get_by_text("You have completed 10 of 10 sections")).to_be_visible()
    press(page, axe, "Check your answers")
    press(page, axe, "Accept and submit")

    expect(page).to_have_url(re.compile(r"/applications/\d+/submitted$"))
    panel = page.locator(".govuk-panel")
    expect(panel).to_contain_text("Application submitted")
    found = re.search(r"SVF-\d{4}-\d{4}", panel.inner_text())
    assert found, panel.inner_text()
    application_id = int(re.search(r"/applications/(\d+)/", page.url).group(1))
    return application_id, found.group(0)


# Assessment ----------------------------------------------------------------------------------------


def officer_assigns_two_reviewers(officer: Browsing, reference: str) -> None:
    page, axe = officer.page, officer.axe
    follow(page, axe, "Run the round")
    follow(page, axe, "Assign reviewers")
    page.get_by_label(f"{reference} – {ORGANISATION}").check()
    for name in REVIEWERS:
        page.get_by_label(name).check()
    press(page, axe, "Assign selected reviewers")
    expect(steps.success(page)).to_contain_text("2 assignments made. Each reviewer has been emailed.")


def reviewer_declares_and_scores(reviewer: Browsing, live_server: str, reference: str, marks: tuple[int, ...],
                                 weighted: str) -> None:
    page, axe = reviewer.page, reviewer.axe
    sign_in(live_server, reviewer)
    steps.visit(reviewer, f"{live_server}/reviews")
    follow(page, axe, reference)
    expect(steps.heading(page)).to_have_text(f"Declare any interest in {ORGANISATION}")
    page.get_by_label("No, I have no interest to declare").check()
    press(page, axe, "Confirm declaration")
    expect(steps.heading(page)).to_have_text("Score this application")
    expect(page.locator("main")).to_contain_text(TITLE)
    score_every_criterion(page, marks, reviewer.name)
    press(page, axe, "Submit review")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your review has been submitted")
    expect(page.locator("main")).to_contain_text(weighted)


def officer_moderates_approves_and_notifies(officer: Browsing, live_server: str, application_id: int,
                                            round_id: int, reference: str) -> None:
    page, axe = officer.page, officer.axe
    steps.visit(officer, f"{live_server}/applications/{application_id}/assessment")
    expect(page.locator("main")).to_contain_text("71.3% from 2 submitted reviews")
    follow(page, axe, "Record a moderated score")
    page.get_by_label("Moderated score (%)").fill("75")
    page.get_by_label("Reason for moderating").fill("The panel agreed the first review weighed the evidence better.")
    press(page, axe, "Record moderated score")
    expect(steps.success(page)).to_contain_text(f"Moderated score of 75% recorded for {reference}.")

    press(page, axe, "Record decision")
    page.get_by_label("Approved", exact=True).check()
    page.get_by_label("Amount awarded").fill("12,000")
    page.get_by_label("Feedback for the applicant").fill("A well-evidenced project; the panel funded the mentoring.")
    steps.fill_date(page, "panel_date", 20, 3, 2025)
    press(page, axe, "Record decision")
    expect(steps.success(page)).to_contain_text(f"Decision recorded for {reference}.")

    steps.visit(officer, f"{live_server}/rounds/{round_id}")
    follow(page, axe, "Notify applicants of decisions")
    page.get_by_role("group", name="Which decisions do you want to send?").get_by_label(reference).check()
    press(page, axe, "Notify applicants")
    expect(steps.success(page)).to_contain_text("1 applicant notified.")


# The offer -----------------------------------------------------------------------------------------


def applicant_follows_the_offer_e_mail_and_accepts(applicant: Browsing, live_server: str, outbox: Outbox,
                                                   grant_reference: str) -> int:
    page, axe = applicant.page, applicant.axe
    subjects = [message["Subject"] for message in outbox.messages() if message["To"] == APPLICANT_EMAIL]
    assert f"Grant offer {grant_reference}" in subjects, subjects
    assert any(subject.startswith("Decision on application") for subject in subjects), subjects
    offer = outbox.last(APPLICANT_EMAIL)
    assert offer["Subject"] == f"Grant offer {grant_reference}"
    assert ORGANISATION in outbox.body(offer)

    steps.visit(applicant, live_server + outbox.link_in_last(APPLICANT_EMAIL))  # signed out: asked to sign in
    page.get_by_label("Email address").fill(APPLICANT_EMAIL)
    page.get_by_label("Password", exact=True).fill(APPLICANT_PASSWORD)
    press(page, axe, "Sign in")
    expect(page).to_have_url(re.compile(r"/your-grants/\d+$"))
    expect(page.locator("main")).to_contain_text(f"You have been offered a grant of {AWARD}.")
    grant_id = int(page.url.rsplit("/", 1)[1])

    press(page, axe, "Read and accept the offer")
    for box in page.get_by_role("group", name="Confirm each of these").get_by_role("checkbox").all():
        box.check()
    page.get_by_label("Your full name").fill(APPLICANT)
    page.get_by_label("Your role in the organisation").fill("Chair of trustees")
    press(page, axe, "Accept the grant")
    expect(page.locator(".govuk-panel__title")).to_have_text("Grant accepted")
    follow(page, axe, "Go to your grant")
    return grant_id


# The returns to the funder -------------------------------------------------------------------------


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages)


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def row_with(rows: list[list[str]], first: str) -> list[str]:
    found = [row for row in rows if row and row[0] == first]
    assert found, (first, rows)
    return found[0]


def finance_download_the_funding_return(finance: Browsing, grant_reference: str) -> tuple[str, list[list[str]]]:
    page = finance.page
    steps.open_returns(finance)
    name, pdf = steps.download_return(page, "Funding return", YEAR, "PDF")
    assert name == f"funding-return-{steps.FUND}-{YEAR}.pdf"
    name, data = steps.download_return(page, "Funding return", YEAR, "CSV")
    assert name == f"funding-return-{steps.FUND}-{YEAR}.csv"
    steps.open_return_page(finance, "Funding return", YEAR, "funding")
    grants = page.get_by_role("table", name="Funding by grant").get_by_role("row", name=re.compile(grant_reference))
    expect(grants).to_contain_text(AWARD)
    expect(grants).to_contain_text(FIRST_INSTALMENT)
    return pdf_text(pdf), csv_rows(data)


def pcc_downloads_the_impact_return(pcc: Browsing) -> tuple[str, list[list[str]]]:
    page = pcc.page
    steps.open_returns(pcc)
    name, pdf = steps.download_return(page, "Impact return", YEAR, "PDF")
    assert name == f"impact-return-{steps.FUND}-{YEAR}.pdf"
    name, data = steps.download_return(page, "Impact return", YEAR, "CSV")
    assert name == f"impact-return-{steps.FUND}-{YEAR}.csv"
    steps.open_return_page(pcc, "Impact return", YEAR, "impact")
    expect(page.locator(".govuk-summary-list__row", has_text="New participants in the period")).to_contain_text(
        str(PARTICIPANTS))
    outputs = page.get_by_role("table", name="Outputs delivered against targets")
    expect(outputs.get_by_role("row", name=re.compile("Mentoring sessions delivered"))).to_contain_text(
        re.compile(rf"400\s+{SESSIONS}\s+{SESSIONS}"), use_inner_text=True)
    return pdf_text(pdf), csv_rows(data)


def check_the_funding_return(pdf: str, rows: list[list[str]], grant_reference: str) -> None:
    """The award and the instalment paid, in the headline and against the grant, in both formats."""
    assert row_with(rows, "Committed (£)")[1] == "12000.00"
    assert row_with(rows, "Paid in the period (£)")[1] == "6000.00"
    assert row_with(rows, "Outstanding commitments (£)")[1] == "6000.00"
    grant = row_with(rows, grant_reference)
    assert grant[1] == ORGANISATION and grant[5:8] == ["12000.00", "6000.00", "6000.00"], grant
    # Each figure added up from the rows agrees with the headline.
    start = rows.index(["Figure", "Added up from", "Total (£)", "Compared with", "Their figure (£)", "Agrees"])
    checks = [row for row in rows[start + 1:] if row]
    assert checks and all(row[-1] == "Yes" for row in checks), checks
    for shown in ("Committed £12,000.00", "Paid in the period £6,000.00", f"{grant_reference} {ORGANISATION}"):
        assert shown in pdf, shown


def check_the_impact_return(pdf: str, rows: list[list[str]]) -> None:
    """The participants and sessions both quarters reported, and small numbers hidden from the PCC's office."""
    assert row_with(rows, "New participants in the period")[1] == str(PARTICIPANTS)
    assert row_with(rows, "Paid to the end of the period (£)")[1] == "6000.00"
    by_age = [row for row in rows if row and row[0] == "All priorities"]
    assert ["All priorities", "0", "13", "17", "0", "0", "0", "0", str(PARTICIPANTS)] in by_age, by_age
    # Two young people from County Durham: too few to show, and so is Darlington's 28, which would give it away.
    assert ["All priorities", "fewer than 5", "fewer than 5", "0", "0", str(PARTICIPANTS)] in by_age, by_age
    sessions = [row for row in rows if len(row) > 2 and row[2] == "Mentoring sessions delivered (sessions)"]
    assert sessions == [["P1", ORGANISATION, "Mentoring sessions delivered (sessions)", "400", str(SESSIONS),
                         str(SESSIONS), "6%"]], sessions
    for shown in (f"New participants in the period {PARTICIPANTS}", "Paid to the end of the period £6,000.00",
                  f"Mentoring sessions delivered (sessions) 400 {SESSIONS} {SESSIONS}"):
        assert shown in pdf, shown


# The test ------------------------------------------------------------------------------------------


def test_a_grant_from_sign_up_to_the_funders_returns_through_every_role(
        app: Flask, live_server: str, make_user: Any, outbox: Outbox, tmp_path: Path,
        open_browser_as: Callable[[Person, str], Browsing]) -> None:  # noqa: F811 - the fixture imported above
    everyone: list[Browsing] = []

    def browse_as(person: Person, name: str) -> Browsing:
        """A fresh browser for each sitting: months pass between them, and sessions do not last that long."""
        someone = open_browser_as(person, name)
        everyone.append(someone)
        return someone

    at(2025, 3, 3)
    setting = open_round(app)
    add_criteria(app, setting.round_id, (40, 30, 30))
    staff = {name: make_user(role, name=name) for name, role in [
        (OFFICER, Role.GRANTS_OFFICER), (REVIEWERS[0], Role.REVIEWER), (REVIEWERS[1], Role.REVIEWER),
        (FINANCE, Role.FINANCE_OFFICER), (FINANCE2, Role.FINANCE_OFFICER), (PCC, Role.PCC_VIEWER)]}
    applicant = Person(0, APPLICANT_EMAIL, APPLICANT_PASSWORD, None)

    # 1. March: the organisation signs up and applies.
    application_id, reference = organisation_registers_and_applies(browse_as(applicant, APPLICANT), live_server,
                                                                    tmp_path)
    grant_reference = f"GR-{reference}"

    # 2 to 4. Checked, reviewed, moderated and approved.
    at(2025, 3, 5)
    officer = browse_as(staff[OFFICER], OFFICER)
    sign_in(live_server, officer)
    steps.officer_checks_eligibility(officer, live_server, application_id, reference)
    steps.visit(officer, f"{live_server}/officer")
    officer_assigns_two_reviewers(officer, reference)
    at(2025, 3, 12)
    # Rita: (40*4 + 30*3 + 30*3) / 4 = 85.0%; Ravi: (40*2 + 30*3 + 30*2) / 4 = 57.5%; the mean 71.3%.
    reviewer_declares_and_scores(browse_as(staff[REVIEWERS[0]], REVIEWERS[0]), live_server, reference,
                                 (4, 3, 3), "85.0%")
    reviewer_declares_and_scores(browse_as(staff[REVIEWERS[1]], REVIEWERS[1]), live_server, reference,
                                 (2, 3, 2), "57.5%")
    at(2025, 3, 20, 15)
    officer = browse_as(staff[OFFICER], OFFICER)
    sign_in(live_server, officer)
    officer_moderates_approves_and_notifies(officer, live_server, application_id, setting.round_id, reference)

    # 5 and 6. May: the offer, accepted; bank details given and verified; the first instalment paid.
    at(2025, 5, 20)
    officer = browse_as(staff[OFFICER], OFFICER)
    sign_in(live_server, officer)
    steps.officer_makes_the_offer(officer, live_server, reference, AWARD)
    at(2025, 5, 21)
    organisation = browse_as(applicant, APPLICANT)
    grant_id = applicant_follows_the_offer_e_mail_and_accepts(organisation, live_server, outbox, grant_reference)
    steps.applicant_gives_bank_details(organisation, SORT_CODE, ACCOUNT_NUMBER, ORGANISATION)
    at(2025, 5, 22)
    finance = browse_as(staff[FINANCE], FINANCE)
    sign_in(live_server, finance)
    steps.finance_verifies_bank_details(finance, ORGANISATION, ACCOUNT_NUMBER)
    steps.finance_approves(finance, grant_reference, FIRST_INSTALMENT)
    finance2 = browse_as(staff[FINANCE2], FINANCE2)
    sign_in(live_server, finance2)
    steps.finance_records_paid(finance2, grant_reference, (22, 5, 2025), "BACS-250522-01")
    sign_in(live_server, organisation)  # a day later: signed out for being idle
    steps.visit(organisation, f"{live_server}/your-grants/{grant_id}")
    expect(organisation.page.locator(".govuk-summary-list__row", has_text="Paid so far")).to_contain_text(
        FIRST_INSTALMENT)

    # 7 and 8. October: two quarterly returns, both accepted.
    at(2025, 10, 8)
    organisation = browse_as(applicant, APPLICANT)
    sign_in(live_server, organisation)
    for title, (sessions, reach) in QUARTERS.items():
        steps.applicant_completes_a_return(organisation, live_server, grant_id, title, sessions, reach)
    at(2025, 10, 9)
    officer = browse_as(staff[OFFICER], OFFICER)
    sign_in(live_server, officer)
    for title, (_, reach) in QUARTERS.items():
        steps.officer_accepts_a_return(officer, live_server, grant_reference, title, sum(reach["age band"].values()))

    # 9. The returns to the funder, checked against what was entered.
    at(2025, 10, 10)
    finance = browse_as(staff[FINANCE], FINANCE)
    sign_in(live_server, finance)
    funding_pdf, funding_csv = finance_download_the_funding_return(finance, grant_reference)
    pcc = browse_as(staff[PCC], PCC)
    sign_in(live_server, pcc)
    impact_pdf, impact_csv = pcc_downloads_the_impact_return(pcc)

    check_the_funding_return(funding_pdf, funding_csv, grant_reference)
    check_the_impact_return(impact_pdf, impact_csv)
    with app.app_context():
        grant = db.session.get(Grant, grant_id)
        first = grant.instalments[0]
        assert (grant.awarded_pence, grant.paid_pence, first.status) == (12_000_00, 6_000_00, InstalmentStatus.PAID)
        assert (first.approved_by_id, first.paid_by_id) == (staff[FINANCE].id, staff[FINANCE2].id)

    checked = [where for someone in everyone for where in someone.axe.checked]
    assert len(checked) >= 120, checked
    violations = {where: found for someone in everyone for where, found in someone.axe.violations.items()}
    assert violations == {}, "\n".join(f"{where}: {found}" for where, found in violations.items())
