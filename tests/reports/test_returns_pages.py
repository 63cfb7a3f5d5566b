"""The Returns page and the returns it makes: who may choose which return, what an incomplete or
odd choice is told, what junk in an address gets (404, never 500), the downloads' types and file
names, the HTML page's structure, and one audit event (who, what, when) for every return produced.

The grant behind the returns is real: awarded in spring 2025, its first £10,000 instalment approved
and paid by two finance officers in May, and its first quarterly return (April to June 2025)
accepted in July, when the clock stands."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select

from sv_grants.audit.models import AuditEvent
from sv_grants.auth.models import Role, User
from sv_grants.dates import clock
from sv_grants.extensions import db
from sv_grants.funds.models import Fund
from sv_grants.grants import payments
from sv_grants.grants.models import Grant

from ..grants.factories import Funded, funded
from ..helpers import csrf_token, error_summary, field_error, heading, open_round, page
from ..monitoring.factories import accept, complete, returns_of, submit, travel_to_day

FUND = "svpf-2024-25"
FUND_NAME = "Serious Violence Prevention Fund"
REFERENCE = "GR-SVF-2425-0001"
JULY_2025 = date(2025, 7, 10)
STAFF = [Role.FINANCE_OFFICER, Role.PCC_VIEWER, Role.GRANTS_OFFICER]
OUTSIDERS = [Role.APPLICANT, Role.REVIEWER]
PARTICIPANTS = 3  # new in the first quarter: a small number, which the impact return hides unless told not to
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def reported_grant(app: Flask, make_user: Any) -> Funded:
    """The fund, one grant awarded and accepted in May 2025, its first instalment paid on 14 May and
    its first quarterly return (three new participants) accepted; the clock left at 10 July 2025."""
    clock.travel_to(datetime(2025, 3, 3, 10, tzinfo=UTC))
    setting = open_round(app)
    travel_to_day(date(2025, 5, 6))
    made = funded(app, setting, make_user)
    travel_to_day(date(2025, 5, 14))
    with app.test_request_context():
        instalment = db.session.get(Grant, made.grant_id).instalments[0]
        payments.approve(db.session.get(User, made.finance.id), instalment)
        payments.record_paid(db.session.get(User, made.finance2.id), instalment, date(2025, 5, 14), "BACS-250514")
        db.session.commit()
    travel_to_day(JULY_2025)
    first = returns_of(app, made.grant_id)[0].id
    complete(app, made.applicant.id, first, participants=PARTICIPANTS)
    submit(app, made.applicant.id, first)
    accept(app, made.officer.id, first)
    return made


@pytest.fixture
def grant(app: Flask, make_user: Any) -> Funded:
    return reported_grant(app, make_user)


def report_events(app: Flask) -> list[dict[str, Any]]:
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "report.downloaded")
                                    .order_by(AuditEvent.id))
        return [{"actor_id": e.actor_id, "subject": (e.subject_type, e.subject_id), "details": e.details, "at": e.at}
                for e in events]


def fund_id(app: Flask) -> str:
    with app.app_context():
        return str(db.session.scalar(select(Fund.id).where(Fund.slug == FUND)))


def choices(response: Any, name: str) -> list[str]:
    """The values offered for ``name`` on the Returns page (radios or select)."""
    form = page(response)
    radios = [radio["value"] for radio in form.select(f'input[name="{name}"]')]
    return radios or [option["value"] for option in form.select(f'select[name="{name}"] option')]


def chosen(response: Any, name: str) -> str | None:
    form = page(response)
    radio = form.select_one(f'input[name="{name}"][checked]')
    option = form.select_one(f'select[name="{name}"] option[selected]')
    found = radio or option
    return found["value"] if found else None


def navigation(response: Any) -> dict[str, str]:
    links = page(response).select(".govuk-service-navigation__list a")
    return {a["href"]: " ".join(a.get_text().split()) for a in links}


def choose(client: FlaskClient, **query: str) -> Any:
    return client.get("/reports", query_string=query)


# --- who may open the Returns page ------------------------------------------------------------------


@pytest.mark.parametrize("role", STAFF)
def test_each_staff_role_opens_the_returns_page_from_the_navigation(login_as: Any, setting: Any, role: Role) -> None:
    client = login_as(role)

    home = client.get("/account")
    assert navigation(home)["/reports"] == "Returns"
    response = client.get("/reports")

    assert response.status_code == 200
    assert heading(response) == "Returns"
    current = page(response).select_one(".govuk-service-navigation__item--active a")
    assert current["href"] == "/reports" and current["aria-current"] == "page"
    assert choices(response, "fund") == [FUND]
    # With one fund, it is chosen already; the period starts at "to date".
    assert (chosen(response, "fund"), chosen(response, "period")) == (FUND, "to-date")


def test_with_no_funds_yet_the_returns_page_says_so_and_offers_no_form(login_as: Any) -> None:
    finance = login_as(Role.FINANCE_OFFICER)

    response = finance.get("/reports")

    assert response.status_code == 200
    assert "There are no funds yet, so there are no returns to make." in page(response).get_text()
    assert page(response).select("main form") == []


@pytest.mark.parametrize("role", STAFF)
def test_only_grants_officers_are_shown_what_goes_into_the_impact_return(login_as: Any, setting: Any,
                                                                          role: Role) -> None:
    links = [a["href"] for a in page(login_as(role).get("/reports")).select("main a")]

    inputs = ["/reports/context-measures", f"/reports/{FUND}/case-studies"]
    assert [href for href in links if href in inputs] == (inputs if role == Role.GRANTS_OFFICER else [])


@pytest.mark.parametrize("role", OUTSIDERS)
def test_applicants_and_reviewers_neither_see_nor_open_any_returns_page(
        app: Flask, grant: Funded, login_as: Any, role: Role) -> None:
    client = login_as(role)
    return_id = returns_of(app, grant.grant_id)[0].id

    assert "/reports" not in navigation(client.get("/account"))
    for url in ["/reports", f"/reports?fund={FUND}&kind=funding&period=to-date&fmt=html",
                f"/reports/{FUND}/funding/2025-26", f"/reports/{FUND}/impact/2025-26",
                f"/reports/{FUND}/funding/2025-26.pdf", f"/reports/{FUND}/impact/2025-26.csv",
                f"/reports/{FUND}/impact/2025-26/unsuppressed", "/reports/context-measures",
                "/reports/context-measures/new", f"/reports/{FUND}/case-studies"]:
        assert client.get(url).status_code == 403, url
    token = csrf_token(client.get("/account"))  # a valid token, so the role alone is what refuses
    assert client.post(f"/reports/{FUND}/case-studies/{return_id}", data={"csrf_token": token}).status_code == 403
    assert report_events(app) == []


def test_a_signed_out_visitor_is_asked_to_sign_in_first(client: FlaskClient, grant: Funded) -> None:
    for url in ["/reports", f"/reports/{FUND}/funding/2025-26", f"/reports/{FUND}/funding/2025-26.xlsx",
                f"/reports/{FUND}/impact/2025-26/unsuppressed"]:
        response = client.get(url)

        assert response.status_code == 302, url
        location = urlsplit(response.headers["Location"])
        assert (location.path, parse_qs(location.query)) == ("/sign-in", {"next": [url]})


# --- which returns each role is offered ----------------------------------------------------------------


def test_finance_are_offered_the_funding_return_only_and_cannot_open_the_impact_return(
        app: Flask, grant: Funded, login_as: Any) -> None:
    finance = login_as(Role.FINANCE_OFFICER)

    offered = finance.get("/reports")
    assert choices(offered, "kind") == ["funding"]
    assert choices(offered, "fmt") == ["html", "pdf", "csv", "xlsx"]
    asked = choose(finance, fund=FUND, kind="impact", period="2025-26", fmt="html")
    assert asked.status_code == 400
    assert field_error(asked, "kind") == "Select from the options shown"
    for url in [f"/reports/{FUND}/impact/2025-26", f"/reports/{FUND}/impact/2025-26.pdf",
                f"/reports/{FUND}/impact/to-date.xlsx", f"/reports/{FUND}/impact/2025-26/unsuppressed"]:
        assert finance.get(url).status_code == 403, url
    assert report_events(app) == []


@pytest.mark.parametrize("role", [Role.PCC_VIEWER, Role.GRANTS_OFFICER])
def test_the_pcc_office_and_grants_officers_are_offered_both_returns(grant: Funded, login_as: Any,
                                                                     role: Role) -> None:
    client = login_as(role)

    assert choices(client.get("/reports"), "kind") == ["funding", "impact"]
    assert client.get(f"/reports/{FUND}/impact/2025-26-Q1").status_code == 200


def test_only_grants_officers_see_the_impact_return_with_small_numbers_shown(
        app: Flask, grant: Funded, login_as: Any) -> None:
    officer, pcc, finance = (login_as(role) for role in (Role.GRANTS_OFFICER, Role.PCC_VIEWER, Role.FINANCE_OFFICER))
    unsuppressed = f"/reports/{FUND}/impact/2025-26-Q1/unsuppressed"

    assert choices(pcc.get("/reports"), "fmt") == ["html", "pdf", "csv", "xlsx"]
    assert choices(officer.get("/reports"), "fmt") == ["html", "pdf", "csv", "xlsx", "unsuppressed"]
    refused = choose(pcc, fund=FUND, kind="impact", period="2025-26-Q1", fmt="unsuppressed")
    assert refused.status_code == 400 and field_error(refused, "fmt") == "Select from the options shown"
    assert pcc.get(unsuppressed).status_code == 403
    assert finance.get(unsuppressed).status_code == 403

    suppressed = page(pcc.get(f"/reports/{FUND}/impact/2025-26-Q1"))
    shown = officer.get(unsuppressed)

    assert shown.status_code == 200
    assert summary_figure(suppressed, "New participants in the period") == "fewer than 5"
    assert summary_figure(page(shown), "New participants in the period") == str(PARTICIPANTS)
    assert "Officers only: small numbers are shown." in page(shown).get_text()
    # The officers' version is for reading here only: it offers no download that would drop the warning.
    assert page(shown).select('a[href$=".pdf"], a[href$=".csv"], a[href$=".xlsx"]') == []


def summary_figure(soup: Any, label: str) -> str:
    for row in soup.select(".govuk-summary-list__row"):
        if " ".join(row.select_one(".govuk-summary-list__key").get_text().split()) == label:
            return " ".join(row.select_one(".govuk-summary-list__value").get_text().split())
    raise AssertionError(f"no summary row {label!r}")


# --- choosing a return ------------------------------------------------------------------------------


def test_choosing_nothing_puts_a_message_beside_each_field_and_in_the_summary(grant: Funded, login_as: Any) -> None:
    officer = login_as(Role.GRANTS_OFFICER)

    response = choose(officer, fund="", kind="", period="", fmt="")

    assert response.status_code == 400
    messages = {"fund": "Select the fund", "kind": "Select which return you want", "period": "Select the period",
                "fmt": "Select a format"}
    assert error_summary(response) == list(messages.values())
    assert [a["href"] for a in page(response).select(".govuk-error-summary__list a")] == [
        f"#{name}" for name in messages]
    for name, message in messages.items():
        assert field_error(response, name) == message
    assert page(response).title.get_text().startswith("Error: Returns")


def test_a_choice_left_incomplete_keeps_what_was_chosen(grant: Funded, login_as: Any) -> None:
    pcc = login_as(Role.PCC_VIEWER)

    response = choose(pcc, fund=FUND, kind="impact", period="2025-26-Q1")

    assert response.status_code == 400
    assert error_summary(response) == ["Select a format"]
    assert (chosen(response, "fund"), chosen(response, "kind"), chosen(response, "period")) == (
        FUND, "impact", "2025-26-Q1")


@pytest.mark.parametrize(("field", "value", "message"), [
    ("period", "2024-25", "Select a period from the list"),  # a real year, but before the fund's first round
    ("period", "2024-26", "Select a period from the list"),
    ("period", "2025-26-Q4", "Select a period from the list"),  # not begun in July 2025
    ("fund", "another-fund", "Select from the options shown"),
    ("kind", "transparency", "Select from the options shown"),
    ("fmt", "docx", "Select from the options shown"),
])
def test_a_choice_not_in_the_list_is_refused_with_a_message(grant: Funded, login_as: Any, field: str, value: str,
                                                            message: str) -> None:
    officer = login_as(Role.GRANTS_OFFICER)

    response = choose(officer, **{"fund": FUND, "kind": "funding", "period": "2025-26", "fmt": "pdf", field: value})

    assert response.status_code == 400
    assert field_error(response, field) == message
    assert error_summary(response) == [message]


def test_small_numbers_can_be_shown_only_in_the_impact_return(grant: Funded, login_as: Any) -> None:
    officer = login_as(Role.GRANTS_OFFICER)

    response = choose(officer, fund=FUND, kind="funding", period="2025-26", fmt="unsuppressed")

    assert response.status_code == 400
    message = "Small numbers can be shown only in the impact return: choose another format"
    assert field_error(response, "fmt") == message
    assert error_summary(response) == [message]


@pytest.mark.parametrize(("kind", "fmt", "address"), [
    ("funding", "html", f"/reports/{FUND}/funding/2025-26"),
    ("funding", "pdf", f"/reports/{FUND}/funding/2025-26.pdf"),
    ("impact", "csv", f"/reports/{FUND}/impact/2025-26.csv"),
    ("impact", "xlsx", f"/reports/{FUND}/impact/2025-26.xlsx"),
    ("impact", "unsuppressed", f"/reports/{FUND}/impact/2025-26/unsuppressed"),
])
def test_a_complete_choice_goes_to_the_return(grant: Funded, login_as: Any, kind: str, fmt: str,
                                              address: str) -> None:
    officer = login_as(Role.GRANTS_OFFICER)

    response = choose(officer, fund=FUND, kind=kind, period="2025-26", fmt=fmt)

    assert response.status_code == 302
    assert response.headers["Location"] == address
    assert officer.get(address).status_code == 200


# --- junk in the address -----------------------------------------------------------------------------


@pytest.mark.parametrize("url", [
    "/reports/no-such-fund/funding/2025-26",
    "/reports/no-such-fund/funding/2025-26.pdf",
    "/reports/no-such-fund/impact/2025-26/unsuppressed",
    "/reports/no-such-fund/case-studies",
    f"/reports/{FUND}/payments/2025-26",
    f"/reports/{FUND}/payments/2025-26.csv",
    f"/reports/{FUND}/funding/2024-26",
    f"/reports/{FUND}/funding/2024-25-Q5",
    f"/reports/{FUND}/funding/2024-25-Q0",
    f"/reports/{FUND}/funding/2024",
    f"/reports/{FUND}/funding/yesterday",
    f"/reports/{FUND}/funding/0000-01",  # a well-formed year before the calendar's first
    f"/reports/{FUND}/impact/9999-00.pdf",  # and one whose end is after its last
    f"/reports/{FUND}/funding/2025-26.docx",
    f"/reports/{FUND}/funding/2025-26.PDF",
    f"/reports/{FUND}/impact/2025-26-Q5/unsuppressed",
    f"/reports/{FUND}/funding/2025-26/unsuppressed",
])
def test_junk_in_a_returns_address_is_not_found(app: Flask, grant: Funded, login_as: Any, url: str) -> None:
    officer = login_as(Role.GRANTS_OFFICER)

    response = officer.get(url)

    assert response.status_code == 404
    assert heading(response) == "Page not found"
    assert report_events(app) == []


# --- what each return is -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["funding", "impact"])
@pytest.mark.parametrize(("fmt", "mimetype"), [
    ("pdf", "application/pdf"), ("csv", "text/csv; charset=utf-8"), ("xlsx", XLSX)])
def test_each_download_has_its_type_and_a_file_name_saying_what_it_is(
        grant: Funded, login_as: Any, kind: str, fmt: str, mimetype: str) -> None:
    pcc = login_as(Role.PCC_VIEWER)

    response = pcc.get(f"/reports/{FUND}/{kind}/2025-26-Q1.{fmt}")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == mimetype
    assert response.headers["Content-Disposition"] == f'attachment; filename="{kind}-return-{FUND}-2025-26-Q1.{fmt}"'
    content = response.get_data()
    if fmt == "pdf":
        assert content.startswith(b"%PDF-")
    elif fmt == "csv":
        assert content.startswith("\ufeff".encode())  # the BOM Excel needs to read UTF-8
        assert REFERENCE.encode() in content or kind == "impact"
        assert FUND_NAME.encode() in content
    else:
        workbook = load_workbook(io.BytesIO(content), read_only=True)
        assert workbook.sheetnames
        workbook.close()


@pytest.mark.parametrize(("kind", "title"), [("funding", "Funding return"), ("impact", "Impact return")])
def test_the_return_page_has_a_heading_and_tables_with_captions_and_scoped_headers(
        grant: Funded, login_as: Any, kind: str, title: str) -> None:
    officer = login_as(Role.GRANTS_OFFICER)

    response = officer.get(f"/reports/{FUND}/{kind}/2025-26-Q1")

    assert response.status_code == 200
    assert heading(response) == title
    soup = page(response)
    assert "2025/26 quarter 1 (1 April 2025 to 30 June 2025)" in soup.find("main").get_text()
    tables = soup.select("main table")
    assert tables, "the return has no tables"
    for table in tables:
        caption = table.find("caption")
        assert caption is not None and caption.get_text(strip=True), table["id"]
        assert all(th.get("scope") in {"col", "row"} for th in table.select("th")), table["id"]
    # Each format offered as a download of the same return and period.
    assert [a["href"] for a in soup.select("main a[href*='.']") if "/reports/" in a["href"]] == [
        f"/reports/{FUND}/{kind}/2025-26-Q1.{fmt}" for fmt in ("pdf", "csv", "xlsx")]


def test_the_funding_return_shows_the_grant_and_what_was_paid(grant: Funded, login_as: Any) -> None:
    finance = login_as(Role.FINANCE_OFFICER)

    soup = page(finance.get(f"/reports/{FUND}/funding/2025-26-Q1"))

    row = next(tr for tr in soup.select("#table-grants tbody tr") if REFERENCE in tr.get_text())
    cells = [" ".join(cell.get_text().split()) for cell in row.select("th, td")]
    assert cells[:2] == [REFERENCE, "Eastside Youth Trust"]
    assert "£20,000.00" in cells and "£10,000.00" in cells
    assert summary_figure(soup, "Paid in the period") == "£10,000.00"


# --- the audit trail ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "url", "details"), [
    (Role.FINANCE_OFFICER, f"/reports/{FUND}/funding/2025-26",
     {"kind": "funding", "period": "2025-26", "format": "html", "suppressed": True}),
    (Role.FINANCE_OFFICER, f"/reports/{FUND}/funding/to-date.pdf",
     {"kind": "funding", "period": "to-date", "format": "pdf", "suppressed": True}),
    (Role.PCC_VIEWER, f"/reports/{FUND}/impact/2025-26-Q1",
     {"kind": "impact", "period": "2025-26-Q1", "format": "html", "suppressed": True}),
    (Role.PCC_VIEWER, f"/reports/{FUND}/impact/2025-26-Q1.csv",
     {"kind": "impact", "period": "2025-26-Q1", "format": "csv", "suppressed": True}),
    (Role.GRANTS_OFFICER, f"/reports/{FUND}/impact/2025-26.xlsx",
     {"kind": "impact", "period": "2025-26", "format": "xlsx", "suppressed": True}),
    (Role.GRANTS_OFFICER, f"/reports/{FUND}/impact/2025-26/unsuppressed",
     {"kind": "impact", "period": "2025-26", "format": "html", "suppressed": False}),
])
def test_every_return_produced_writes_one_audit_event_saying_who_what_and_when(
        app: Flask, grant: Funded, login_as: Any, role: Role, url: str, details: dict[str, Any]) -> None:
    client = login_as(role)
    choose(client, fund=FUND, kind=details["kind"], period=details["period"], fmt="html")  # choosing is not producing
    assert client.head(url).status_code == 200  # nor is asking whether it is there

    assert client.get(url).status_code == 200

    assert report_events(app) == [{"actor_id": client.person.id, "subject": ("funds", fund_id(app)),
                                   "details": details, "at": clock.now()}]
