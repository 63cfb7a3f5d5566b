"""Returns at the edges of size: a fund with no grants, a fund with one, and a funding return of
5,000 grants, whose PDF must repeat the table's headings on every page it runs over, number every
page "Page n of N", and lose no row."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from flask import Flask

from sv_grants.auth.models import Role
from sv_grants.reports.data import FundingGrantRow, FundingGroupRow, FundingReturn, Headline, QuarterPayments
from sv_grants.reports.layout import funding_report
from sv_grants.reports.pdf import render_pdf
from sv_grants.reports.periods import Period
from sv_grants.reports.tabular import render_csv, render_xlsx

from .factories import (
    DARLINGTON,
    accepted,
    approve,
    csv_rows,
    csv_table,
    fund,
    html_figures,
    html_tables,
    money,
    on,
    pay,
    pdf_pages,
    pounds,
    team,
    xlsx_money,
    xlsx_sheets,
    xlsx_table,
)

SLUG = "svpf-2024-25"
KINDS = ("funding", "impact")


def every_format(client: Any, kind: str, period: str) -> dict[str, bytes]:
    made = {"html": client.get(f"/reports/{SLUG}/{kind}/{period}")}
    for fmt in ("pdf", "csv", "xlsx"):
        made[fmt] = client.get(f"/reports/{SLUG}/{kind}/{period}.{fmt}")
    assert {fmt: r.status_code for fmt, r in made.items()} == {"html": 200, "pdf": 200, "csv": 200, "xlsx": 200}
    return {fmt: response.data for fmt, response in made.items()}


def numbered(pages: list[str]) -> bool:
    return all(text.endswith(f"Page {number} of {len(pages)}") for number, text in enumerate(pages, start=1))


@pytest.mark.parametrize("period", ["to-date", "2025-26", "2025-26-Q3"])
def test_a_fund_with_no_grants_gives_empty_returns_in_every_format(app: Flask, setting: Any, login_as: Any,
                                                                   period: str) -> None:
    officer = login_as(Role.GRANTS_OFFICER)
    funding = every_format(officer, "funding", period)
    figures = dict(html_figures(funding["html"], "summary"))
    assert figures["Fund"] == "£500,000.00" and figures["Committed"] == "£0.00"
    assert figures["Remaining to commit"] == "£500,000.00"
    assert html_tables(funding["html"])["grants"] == [["There is nothing to show in this table."],
                                                      ["Total", "", "", "", "", *["£0.00"] * 5, ""]]
    assert "The rows of this return add up to its headline figures." in funding["html"].decode()
    pages = pdf_pages(funding["pdf"])
    assert numbered(pages) and "There is nothing to show in this table." in " ".join(pages)
    assert csv_table(csv_rows(funding["csv"]), "Funding by grant")[1] == [["Total", "", "", "", "", *["0.00"] * 5, ""]]
    assert xlsx_table(xlsx_sheets(funding["xlsx"]), "grants") == [["Total", None, None, None, None,
                                                                     *[xlsx_money(0)] * 5, None]]

    impact = every_format(officer, "impact", period)
    assert dict(html_figures(impact["html"], "summary")) == {
        "Interventions funded": "0", "New participants in the period": "0",
        "Participants reached to the end of the period": "0", "Paid to the end of the period": "£0.00",
        "Cost per participant": "–"}
    assert numbered(pdf_pages(impact["pdf"]))
    assert csv_rows(impact["csv"])[0] == ["Impact return"]
    assert "by_priority" in xlsx_sheets(impact["xlsx"])


def test_a_fund_with_one_grant_gives_it_in_every_format(app: Flask, setting: Any, make_user: Any,
                                                        login_as: Any) -> None:
    on(date(2025, 3, 1))
    staff = team(app, setting, make_user)
    award = approve(app, setting, staff, make_user, reference="SVF-2425-0001", organisation="Eastside Youth Trust",
                    award_pence=1_234_567, priority=2, areas=(DARLINGTON,))
    fund(app, staff, award)
    on(date(2025, 7, 10))
    pay(app, staff, award.grant_id, 1, date(2025, 4, 2))  # half the award: 617,283
    accepted(app, staff, award, 1, participants=8, delivered=(6,))

    officer = login_as(Role.GRANTS_OFFICER)
    funding = every_format(officer, "funding", "2025-26")
    row = ["GR-SVF-2425-0001", "Eastside Youth Trust", "P2", "Darlington", "Active"]
    assert html_tables(funding["html"])["grants"][0][:8] == [*row, money(1_234_567), money(617_283), money(617_283)]
    assert csv_table(csv_rows(funding["csv"]), "Funding by grant")[1][0][:8] == [
        *row, pounds(1_234_567), pounds(617_283), pounds(617_283)]
    assert xlsx_table(xlsx_sheets(funding["xlsx"]), "grants")[0][:8] == [
        *row, xlsx_money(1_234_567), xlsx_money(617_283), xlsx_money(617_283)]
    pages = pdf_pages(funding["pdf"])
    assert numbered(pages) and "GR-SVF-2425-0001" in re.sub(r"\s", "", " ".join(pages))

    impact = every_format(officer, "impact", "2025-26")
    figures = dict(html_figures(impact["html"], "summary"))
    # A count of grants is not about people: it is shown however small. 617,283 paid / 8 people =
    # 77,160.375 pence.
    assert figures["Interventions funded"] == "1"
    assert figures["New participants in the period"] == "8"
    assert figures["Cost per participant"] == money(77_160)
    assert numbered(pdf_pages(impact["pdf"]))


# 5,000 grants -----------------------------------------------------------------------------------

COUNT = 5_000
PRIORITIES = [("P1", "Early intervention"), ("P2", "Places"), ("P3", "Weapons"), ("P4", "Communities")]
AREAS = ["County Durham", "Darlington", "County Durham and Darlington"]


def reference(n: int) -> str:
    return f"GR-SVF-2526-{n:04d}"


def synthetic_return() -> FundingReturn:
    """5,000 active grants: grant n committed 1,000,000 + n pence and paid half of that, rounded
    down, in quarter 1; no returns yet. The headline is added up here so the return reconciles."""
    rows = []
    for n in range(1, COUNT + 1):
        code, title = PRIORITIES[n % 4]
        committed = 1_000_000 + n
        rows.append(FundingGrantRow(reference(n), f"Organisation number {n}", code, title, AREAS[n % 3], "Active",
                                    committed, committed // 2, committed // 2, None, None, None, None))
    paid = sum(r.paid_to_end_pence for r in rows)
    committed = sum(r.committed_pence for r in rows)

    def groups(label: Any, labels: list[str]) -> list[FundingGroupRow]:
        return [FundingGroupRow(name, sum(1 for r in rows if label(r) == name),
                                sum(r.committed_pence for r in rows if label(r) == name),
                                sum(r.paid_to_end_pence for r in rows if label(r) == name), 0) for name in labels]

    return FundingReturn(
        fund_name="Serious Violence Prevention Fund", fund_slug="svpf", period=Period("2025-26", date(2025, 4, 1),
                                                                                      date(2026, 3, 31)),
        data_as_at=datetime(2026, 4, 2, 9, tzinfo=UTC), generated_by="Test",
        headline=Headline(20_000_000_000, committed, paid, paid, 0, 0, 0, 0, 0), grants=rows,
        by_priority=groups(lambda r: f"{r.priority_code} {r.priority_title}", [f"{c} {t}" for c, t in PRIORITIES]),
        by_area=groups(lambda r: r.area, sorted(AREAS)),
        payments_by_quarter=[QuarterPayments("2025/26 Q1", COUNT, paid)] + [
            QuarterPayments(f"2025/26 Q{q}", 0, 0) for q in (2, 3, 4)],
        underspends=[], clawbacks=[])


# Committed: 5,000 x 1,000,000 + (1 + 2 + ... + 5,000) = 5,000,000,000 + 12,502,500.
COMMITTED = 5_012_502_500
# Paid: half of each, rounded down: (1,000,000 + n) // 2 = 500,000 + n // 2, and n // 2 over
# 1 to 5,000 adds up to 2 x (0 + 1 + ... + 2,499) + 2,500 = 6,247,500 + 2,500 = 6,250,000.
PAID = 2_500_000_000 + 6_250_000


@pytest.fixture(scope="module")
def big() -> Iterator[dict[str, Any]]:
    data = synthetic_return()
    assert sum(r.committed_pence for r in data.grants) == COMMITTED and data.headline.paid_to_end_pence == PAID
    report = funding_report(data)
    started = time.perf_counter()
    pdf = render_pdf(report)
    seconds = time.perf_counter() - started
    print(f"\n5,000-grant funding return: PDF built in {seconds:.1f}s, {len(pdf) / 1e6:.1f} MB")
    yield {"data": data, "report": report, "pdf": pdf, "pages": pdf_pages(pdf), "seconds": seconds}


def found_on(pages: list[str], n: int) -> int:
    """The index of the page holding grant ``n``."""
    return next(i for i, text in enumerate(pages) if reference(n) in re.sub(r"\s", "", text))


def test_5000_grant_pdf_repeats_the_headings_on_every_page_of_grants_and_loses_no_row(big: dict[str, Any]) -> None:
    pages: list[str] = big["pages"]
    table = big["report"].table("grants")
    # Headings may wrap inside their cells, so they are compared with the spaces taken out.
    headings = "".join(column.heading for column in table.columns).replace(" ", "")
    found: list[int] = []
    pages_of_rows = 0
    for number, text in enumerate(pages, start=1):
        squeezed = re.sub(r"\s", "", text)
        on_page = [int(n) for n in re.findall(r"GR-SVF-2526-(\d{4})(?!\d)", squeezed)]
        if on_page:
            pages_of_rows += 1
            assert headings in squeezed, f"page {number} has grants but no headings"
        found += on_page
    assert found == list(range(1, COUNT + 1)), "a grant is missing, repeated or out of order"
    assert pages_of_rows > 50  # the table really does run over many pages
    first, last = found_on(pages, 1), found_on(pages, COUNT)
    assert first < last and "Organisation number 1 " in pages[first] and "Organisation number 5000" in pages[last]


def test_5000_grant_pdf_numbers_every_page_out_of_the_same_total(big: dict[str, Any]) -> None:
    pages: list[str] = big["pages"]
    footers = [re.findall(r"Page (\d+) of (\d+)", text) for text in pages]
    assert all(len(found) == 1 for found in footers), "each page has one page number"
    assert [int(n) for ((n, _),) in footers] == list(range(1, len(pages) + 1))
    assert {int(total) for ((_, total),) in footers} == {len(pages)}
    assert all(text.endswith(f"Page {n} of {len(pages)}") for n, text in enumerate(pages, start=1))
    subject = big["report"].subject
    assert all(text.startswith(subject) for text in pages), "every page carries the running header"


def test_5000_grant_pdf_says_the_return_reconciles(big: dict[str, Any]) -> None:
    assert big["data"].reconciles
    assert "The rows of this return add up to its headline figures." in " ".join(big["pages"])


def test_5000_grant_csv_and_xlsx_hold_every_grant_and_the_totals_to_the_penny(big: dict[str, Any]) -> None:
    report = big["report"]
    started = time.perf_counter()
    _, body = csv_table(csv_rows(render_csv(report)), "Funding by grant")
    workbook = xlsx_sheets(render_xlsx(report))
    print(f"\n5,000-grant funding return: CSV and XLSX built and read in {time.perf_counter() - started:.1f}s")
    assert [row[0] for row in body[:-1]] == [reference(n) for n in range(1, COUNT + 1)]
    assert body[-1][0] == "Total" and body[-1][5:8] == [pounds(COMMITTED), pounds(PAID), pounds(PAID)]
    assert body[4999][5] == pounds(1_005_000) and body[4999][6] == pounds(502_500)

    sheet = xlsx_table(workbook, "grants")
    assert len(sheet) == COUNT + 1
    assert [row[0] for row in sheet[:-1]] == [reference(n) for n in range(1, COUNT + 1)]
    assert sheet[-1][0] == "Total" and sheet[-1][5:8] == [xlsx_money(COMMITTED), xlsx_money(PAID), xlsx_money(PAID)]
    assert sheet[0][5:7] == [xlsx_money(1_000_001), xlsx_money(500_000)]
