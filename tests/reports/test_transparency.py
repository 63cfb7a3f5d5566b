"""The public transparency list: open without signing in, showing only awards the applicant has been
told of and has not lost, with nothing personal, paged, and downloadable as CSV and 360Giving data."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime
from types import SimpleNamespace
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import event

from sv_grants.applications.models import Application
from sv_grants.assessment.models import Decision
from sv_grants.auth.models import Role
from sv_grants.extensions import db
from sv_grants.funds.models import Fund, Priority, Round
from sv_grants.grants.models import Grant
from sv_grants.reports import transparency

from ..helpers import heading, page
from .published_awards import many_awards, published_awards
from .schema_check import schema_errors


@pytest.fixture
def published(app, setting, make_user):
    return published_awards(app, setting, make_user)


def table_rows(response: Any) -> list[list[str]]:
    return [[" ".join(cell.get_text().split()) for cell in row.select("td")]
            for row in page(response).select("table tbody tr")]


def csv_rows(response: Any) -> list[list[str]]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def test_anyone_can_read_the_awarded_grants_without_signing_in(client, published):
    response = client.get(f"/transparency/{published.slug}")

    assert response.status_code == 200
    assert heading(response) == "Grants awarded from the Serious Violence Prevention Fund"
    assert page(response).select_one("table caption").get_text(strip=True) == "Grants awarded"
    rows = table_rows(response)
    assert [row[0] for row in rows] == ["Eastside Youth Trust", "Northside Boxing CIC", "Hilltop Residents Group"]
    assert rows[1][1:4] == ['=HYPERLINK("http://evil.example") boxing for young people', "P1: Early intervention",
                            "£12,500.50"]
    assert "£37,500.50" in page(response).get_text()  # the total: £20,000 + £12,500.50 + £5,000


def test_drafts_rejections_and_withdrawn_grants_are_not_published(client, published):
    text = client.get(f"/transparency/{published.slug}").get_data(as_text=True)
    listed = client.get(f"/transparency/{published.slug}/grants.csv").get_data(as_text=True)

    for name in published.unpublished:
        assert name not in text
        assert name not in listed


def test_no_personal_data_is_published(client, published):
    html = client.get(f"/transparency/{published.slug}").get_data(as_text=True)
    listed = client.get(f"/transparency/{published.slug}/grants.csv").get_data(as_text=True)
    data = client.get(f"/transparency/{published.slug}/360giving.json").get_data(as_text=True)

    for detail in published.personal:
        assert detail not in html
        assert detail not in listed
        assert detail not in data


def test_the_csv_lists_each_award_with_safe_text_and_plain_pounds(client, published):
    response = client.get(f"/transparency/{published.slug}/grants.csv")

    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="svpf-2024-25-grants-')
    rows = csv_rows(response)
    assert rows[0] == ["Recipient", "Purpose", "Priority", "Amount (£)", "Award date"]
    assert [(row[0], row[3]) for row in rows[1:]] == [("Eastside Youth Trust", "20000.00"),
                                                      ("Northside Boxing CIC", "12500.50"),
                                                      ("Hilltop Residents Group", "5000.00")]
    assert rows[2][1] == '\'=HYPERLINK("http://evil.example") boxing for young people'
    assert rows[1][2] == "P1: Early intervention"


def test_the_award_date_is_the_day_in_london_the_applicant_was_told(app, client, published):
    with app.app_context():
        decision = db.session.scalar(db.select(Decision).join(Application)
                                     .where(Application.reference == published.company))
        decision.notified_at = datetime(2025, 6, 30, 23, 30, tzinfo=UTC)  # 00:30 on 1 July in London
        db.session.commit()

    rows = csv_rows(client.get(f"/transparency/{published.slug}/grants.csv"))

    assert rows[1][0] == "Northside Boxing CIC" and rows[1][4] == "2025-07-01"
    assert table_rows(client.get(f"/transparency/{published.slug}"))[0][4] == "1 July 2025"


def test_a_grants_amount_replaces_the_decisions_once_it_has_been_varied(app, client, published):
    with app.app_context():
        grant = db.session.scalar(db.select(Grant).join(Application).where(Application.reference == published.charity))
        grant.awarded_pence = 18_000_00
        db.session.commit()

    rows = csv_rows(client.get(f"/transparency/{published.slug}/grants.csv"))

    assert rows[1][:1] + rows[1][3:4] == ["Eastside Youth Trust", "18000.00"]
    with app.app_context():
        assert transparency.totals(db.session.get(Fund, published.fund_id)).amount_pence == 35_500_50


def test_long_lists_are_paged_fifty_at_a_time(app, client, setting, make_user):
    many_awards(app, setting, make_user(Role.GRANTS_OFFICER).id, 120)

    first = client.get("/transparency/svpf-2024-25")
    third = client.get("/transparency/svpf-2024-25?page=3")

    assert len(table_rows(first)) == 50 and table_rows(first)[0][0] == "Group 001"
    assert "(1 to 50 of 120)" in page(first).select_one("caption").get_text()
    nav = page(first).select_one("nav.govuk-pagination")
    assert nav is not None and nav.select_one("a[rel=next]")["href"] == "/transparency/svpf-2024-25?page=2"
    assert [row[0] for row in table_rows(third)] == [f"Group {n:03d}" for n in range(101, 121)]
    assert page(third).select_one(".govuk-pagination__item--current").get_text(strip=True) == "3"


@pytest.mark.parametrize("value, shown", [("abc", 1), ("0", 1), ("-4", 1), ("2", 2), ("999999999999999999999999", 3),
                                          ("", 1), ("2.5", 1)])
def test_any_page_number_shows_a_page_rather_than_an_error(app, client, setting, make_user, value, shown):
    many_awards(app, setting, make_user(Role.GRANTS_OFFICER).id, 101)

    response = client.get(f"/transparency/svpf-2024-25?page={value}")

    assert response.status_code == 200
    assert table_rows(response)[0][0] == f"Group {(shown - 1) * 50 + 1:03d}"


def test_the_list_shows_each_fund_with_awards_or_goes_straight_to_the_only_one(app, client, published, make_user):
    assert client.get("/transparency").headers["Location"] == f"/transparency/{published.slug}"

    with app.app_context():
        quiet = Fund(slug="quiet-fund", name="Quiet Fund", funder_name="The PCC", financial_year="2025/26",
                     total_pence=1_000_00)
        other = Fund(slug="other-fund", name="Another Fund", funder_name="The PCC", financial_year="2025/26",
                     total_pence=10_000_00, priorities=[Priority(code="A1", title="Anything")])
        other_round = Round(fund=other, name="Only round", opens_at=datetime(2025, 1, 1, tzinfo=UTC),
                            closes_at=datetime(2025, 2, 1, tzinfo=UTC), delivery_from=date(2025, 4, 1),
                            delivery_until=date(2026, 3, 31), min_award_pence=100, max_award_pence=10_000_00)
        db.session.add_all([quiet, other, other_round])
        db.session.commit()
        elsewhere = SimpleNamespace(round_id=other_round.id, priority_ids=[other.priorities[0].id] * 4)
    many_awards(app, elsewhere, make_user(Role.GRANTS_OFFICER).id, 1)

    response = client.get("/transparency")

    assert response.status_code == 200
    # The fund without awards is not listed.
    assert [a.get_text(strip=True) for a in page(response).select("main ul.govuk-list a")] == [
        "Another Fund (2025/26)", "Serious Violence Prevention Fund (2024/25)"]


def test_with_nothing_published_the_pages_say_so(client, setting):
    listing = client.get("/transparency")
    fund_page = client.get("/transparency/svpf-2024-25")

    assert listing.status_code == 200 and "No grants have been published yet" in page(listing).get_text()
    assert fund_page.status_code == 200 and page(fund_page).select("table") == []
    assert "No grants from this fund have been published yet" in page(fund_page).get_text()
    assert page(fund_page).select("a[href$='.json'], a[href$='.xlsx'], a[href$='.csv']") == []
    assert client.get("/transparency/svpf-2024-25/360giving.json").status_code == 404
    assert client.get("/transparency/svpf-2024-25/360giving.xlsx").status_code == 404
    assert csv_rows(client.get("/transparency/svpf-2024-25/grants.csv")) == [
        ["Recipient", "Purpose", "Priority", "Amount (£)", "Award date"]]


@pytest.mark.parametrize("path", ["/transparency/no-such-fund", "/transparency/no-such-fund/grants.csv",
                                  "/transparency/no-such-fund/360giving.json",
                                  "/transparency/no-such-fund/360giving.xlsx"])
def test_an_unknown_fund_is_not_found(client, setting, path):
    assert client.get(path).status_code == 404


def test_the_page_links_to_the_downloads_which_hold_the_same_grants(client, published):
    fund_page = page(client.get(f"/transparency/{published.slug}"))
    links = {a["href"] for a in fund_page.select("main a")}
    json_url = f"/transparency/{published.slug}/360giving.json"
    xlsx_url = f"/transparency/{published.slug}/360giving.xlsx"
    assert {f"/transparency/{published.slug}/grants.csv", json_url, xlsx_url} <= links

    package = json.loads(client.get(json_url).get_data())
    sheet = load_workbook(io.BytesIO(client.get(xlsx_url).get_data()), read_only=True)["grants"]

    assert schema_errors(package) == []
    assert [grant["recipientOrganization"][0]["name"] for grant in package["grants"]] == [
        "Eastside Youth Trust", "Northside Boxing CIC", "Hilltop Residents Group"]
    assert len(list(sheet.iter_rows())) == 4  # the headings and three grants


def test_every_page_links_to_the_transparency_list(client, setting):
    footer = page(client.get("/")).select_one("footer")

    assert footer.select_one("a[href='/transparency']").get_text(strip=True) == "Grants we have awarded"


def test_a_page_of_the_list_takes_a_fixed_number_of_queries(app, client, setting, make_user):
    many_awards(app, setting, make_user(Role.GRANTS_OFFICER).id, 120)
    statements: list[str] = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))

    assert client.get("/transparency/svpf-2024-25?page=2").status_code == 200
    assert len(statements) <= 8, statements
