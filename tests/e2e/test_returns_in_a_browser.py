"""Returns in Chromium, through the real pages: a finance officer opens Returns from the navigation,
first asks for a return without choosing one, then downloads the funding return for the first
quarter of 2025-26 as PDF, CSV and Excel and reads it as a page; the PCC's office reads the impact
return as a page. Every page visited, the error one included, must pass axe-core's WCAG 2.2 A and
AA rules, each return produced is audited once, and no browser console may log an error.

The grant behind the returns is real (see ``reported_grant``): £20,000 awarded, £10,000 paid in May
2025 and its first quarterly return (three new participants) accepted; the clock stands at 10 July 2025."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from openpyxl import load_workbook
from playwright.sync_api import Page, expect
from sqlalchemy import select

from sv_grants.audit.models import AuditEvent
from sv_grants.auth.models import Role
from sv_grants.extensions import db

from ..conftest import Person
from ..reports.test_returns_pages import FUND, FUND_NAME, REFERENCE, reported_grant
from .test_apply_in_a_browser import press
from .test_assess_in_a_browser import (
    Browsing,
    open_browser_as,  # noqa: F401 - a fixture, found by its name
    sign_in,
)

pytestmark = pytest.mark.browser

QUARTER = "2025-26-Q1"
QUARTER_LABEL = "2025/26 quarter 1 (1 April 2025 to 30 June 2025)"


def heading(page: Page) -> Any:
    return page.get_by_role("heading", level=1)


def open_returns_from_the_navigation(someone: Browsing) -> None:
    page = someone.page
    with page.expect_navigation():
        page.get_by_role("navigation", name="Menu").get_by_role("link", name="Returns", exact=True).click()
    someone.axe.check()
    expect(heading(page)).to_have_text("Returns")


def choose(page: Page, kind: str, fmt: str) -> None:
    page.get_by_role("group", name="Return").get_by_label(kind, exact=True).check()
    page.get_by_label("Period").select_option(QUARTER)
    page.get_by_role("group", name="Format").get_by_label(fmt, exact=True).check()


def download(page: Page, fmt: str) -> tuple[str, bytes]:
    """Choose the funding return in ``fmt`` and get it: its file name and its bytes."""
    choose(page, "Funding return", fmt)
    with page.expect_download() as waiting:
        page.get_by_role("button", name="Get the return").click()
    made = waiting.value
    with open(made.path(), "rb") as file:
        return made.suggested_filename, file.read()


def finance_downloads_the_funding_return(finance: Browsing, live_server: str) -> None:
    page, axe = finance.page, finance.axe
    sign_in(live_server, finance)
    open_returns_from_the_navigation(finance)
    expect(page.get_by_role("group", name="Return").get_by_role("radio")).to_have_count(1)  # no impact return

    press(page, axe, "Get the return", "nothing chosen")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Select which return you want")
    expect(summary).to_contain_text("Select a format")
    expect(page.get_by_label(FUND_NAME)).to_be_checked()  # what was chosen is kept

    name, pdf = download(page, "PDF")
    assert name == f"funding-return-{FUND}-{QUARTER}.pdf"
    assert pdf.startswith(b"%PDF-") and b"%%EOF" in pdf[-1024:]

    name, csv = download(page, "CSV")
    assert name == f"funding-return-{FUND}-{QUARTER}.csv"
    text = csv.decode("utf-8")
    assert text.startswith("\ufeff") and REFERENCE in text and "Eastside Youth Trust" in text

    name, xlsx = download(page, "Excel (XLSX)")
    assert name == f"funding-return-{FUND}-{QUARTER}.xlsx"
    workbook = load_workbook(io.BytesIO(xlsx), read_only=True)
    try:
        cells = " ".join(str(value) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True)
                         for value in row if value is not None)
    finally:
        workbook.close()
    assert REFERENCE in cells

    choose(page, "Funding return", "HTML")
    press(page, axe, "Get the return")
    expect(page).to_have_url(re.compile(rf"/reports/{FUND}/funding/{QUARTER}$"))
    expect(heading(page)).to_have_text("Funding return")
    main = page.locator("main")
    expect(main).to_contain_text(QUARTER_LABEL)
    grants = page.get_by_role("table", name="Funding by grant")
    expect(grants.get_by_role("row", name=re.compile(REFERENCE))).to_contain_text("£10,000.00")


def pcc_reads_the_impact_return(pcc: Browsing, live_server: str) -> None:
    page, axe = pcc.page, pcc.axe
    sign_in(live_server, pcc)
    open_returns_from_the_navigation(pcc)
    choose(page, "Impact return", "HTML")
    press(page, axe, "Get the return")
    expect(page).to_have_url(re.compile(rf"/reports/{FUND}/impact/{QUARTER}$"))
    expect(heading(page)).to_have_text("Impact return")
    expect(page.locator("main")).to_contain_text(QUARTER_LABEL)
    expect(page.get_by_role("table", name="Impact by priority")).to_be_visible()
    # Small numbers are suppressed for the PCC's office: the three new participants read "fewer than 5".
    expect(page.locator(".govuk-summary-list__row", has_text="New participants in the period")).to_contain_text(
        "fewer than 5")


def test_finance_download_the_funding_return_and_the_pcc_office_reads_the_impact_return(
        app: Flask, live_server: str, make_user: Any,
        open_browser_as: Callable[[Person, str], Browsing]) -> None:  # noqa: F811 - the fixture imported above
    grant = reported_grant(app, make_user)
    pcc_person = make_user(Role.PCC_VIEWER, name="Pam PCC")
    finance, pcc = open_browser_as(grant.finance, "Fin One"), open_browser_as(pcc_person, "Pam PCC")

    finance_downloads_the_funding_return(finance, live_server)
    pcc_reads_the_impact_return(pcc, live_server)

    with app.app_context():
        produced = [(e.actor_id, e.details["kind"], e.details["format"], e.details["period"])
                    for e in db.session.scalars(select(AuditEvent).where(AuditEvent.action == "report.downloaded")
                                                .order_by(AuditEvent.id))]
    assert produced == [(grant.finance.id, "funding", fmt, QUARTER) for fmt in ("pdf", "csv", "xlsx", "html")] + [
        (pcc_person.id, "impact", "html", QUARTER)]

    everyone = [finance, pcc]
    # Chromium logs the 400 the Returns page answers an incomplete choice with; that one is expected.
    errors = [(m.text, m.location["url"]) for someone in everyone for m in someone.console
              if m.type == "error" and not ("status of 400" in m.text and "/reports?" in m.location["url"])]
    assert errors == []
    checked = [where for someone in everyone for where in someone.axe.checked]
    for address in ["/reports", f"/reports/{FUND}/funding/{QUARTER}", f"/reports/{FUND}/impact/{QUARTER}"]:
        assert any(where.split(" ")[0].endswith(address) for where in checked), (address, checked)
    violations = {where: found for someone in everyone for where, found in someone.axe.violations.items()}
    assert violations == {}, "\n".join(f"{where}: {found}" for where, found in violations.items())
