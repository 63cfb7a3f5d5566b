"""The funding return on a worked example whose every figure was added up by hand: five awards
in three priorities and both council areas, six payments either side of a quarter's edge, accepted
and unaccepted monitoring returns, a grant withdrawn after a payment, one closed with an underspend
and a clawback, and an approval with no offer yet. The return must give those figures to the penny
for each period, in the PDF, HTML, CSV and XLSX alike, and say whether it reconciles.

The example (all money in pence; "on" is the day the clock stands at):

* on 1 March 2025, four awards, offered and accepted:
  A GR-SVF-2425-0001 Eastside Youth Trust, P1, Darlington, 1,234,567 paid as 500,000 + 300,033
    (both due on acceptance) + 434,534 after the final return; budget 900,000 labour, 334,567 other.
  B GR-SVF-2425-0002 Westside Boxing Club, P3, County Durham and Darlington, 2,500,050 paid as
    1,000,000 on acceptance + 1,500,050 after the final return.
  C GR-SVF-2425-0003 Northfield Families Project, P1, County Durham, 800,099 paid as 300,001 on
    acceptance + 500,098 after the final return.
  D GR-SVF-2425-0004 Riverside Arts, P2, Darlington, 333,333 for one quarter (April to June 2025),
    on the default schedule: 166,666 on acceptance, 83,333 after return 1, 83,334 after the final.
* on 5 July 2025: A1 paid 12 May, B1 paid 30 June (the last day of Q1), D1 paid 20 April, C1 paid
  1 July (the first day of Q2); returns accepted: A's Q1 (spend 210,012 labour + 45,678 other), D's
  Q1 (120,000 + 40,000) and D's final (180,000 + 69,999, also ending 30 June: the later one counts).
* on 25 August 2025: A2 paid 20 August, D2 paid 15 July; D closed with 10,000 clawback, releasing
  its unpaid 83,334; C withdrawn, releasing its unpaid 500,098.
* on 10 October 2025: A's Q2 return accepted (420,000 + 98,765); A's Q3 return submitted but not
  accepted (700,000 + 150,000: must count nowhere); E SVF-2425-0005 Southgate Youth Hub, P2,
  Darlington, approved for 1,000,001 of 1,200,000 asked and told, with no offer yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select, text

from sv_grants.auth.models import Role
from sv_grants.dates import clock
from sv_grants.extensions import db
from sv_grants.funds.models import Fund
from sv_grants.reports.data import FundingReturn
from sv_grants.reports.funding import build_funding
from sv_grants.reports.periods import parse_period

from .factories import (
    COUNTY_DURHAM,
    DARLINGTON,
    Award,
    Line,
    Team,
    accepted,
    after_final,
    approve,
    close,
    csv_figures,
    csv_rows,
    csv_table,
    fund,
    html_figures,
    html_tables,
    money,
    on,
    on_acceptance,
    pay,
    pdf_pages,
    pounds,
    submitted,
    team,
    withdraw,
    xlsx_money,
    xlsx_sheets,
    xlsx_table,
)

SLUG = "svpf-2024-25"
TODAY = date(2025, 10, 10)  # where the example leaves the clock: "to date" ends here


@dataclass
class Example:
    staff: Team
    eastside: Award
    westside: Award
    northfield: Award
    riverside: Award
    southgate: Award


@pytest.fixture
def example(app: Flask, setting: Any, make_user: Any) -> Example:
    on(date(2025, 3, 1))
    staff = team(app, setting, make_user)
    eastside = approve(app, setting, staff, make_user, reference="SVF-2425-0001", organisation="Eastside Youth Trust",
                       award_pence=1_234_567, priority=1, areas=(DARLINGTON,),
                       budget=(Line("labour", "Youth worker", 900_000), Line("non_labour", "Venue hire", 334_567)))
    fund(app, staff, eastside, schedule=[*on_acceptance(500_000, 300_033), after_final(434_534)])
    westside = approve(app, setting, staff, make_user, reference="SVF-2425-0002", organisation="Westside Boxing Club",
                       award_pence=2_500_050, priority=3, areas=(COUNTY_DURHAM, DARLINGTON))
    fund(app, staff, westside, schedule=[*on_acceptance(1_000_000), after_final(1_500_050)])
    northfield = approve(app, setting, staff, make_user, reference="SVF-2425-0003",
                         organisation="Northfield Families Project", award_pence=800_099, priority=1,
                         areas=(COUNTY_DURHAM,))
    fund(app, staff, northfield, schedule=[*on_acceptance(300_001), after_final(500_098)])
    riverside = approve(app, setting, staff, make_user, reference="SVF-2425-0004", organisation="Riverside Arts",
                        award_pence=333_333, priority=2, areas=(DARLINGTON,),
                        budget=(Line("labour", "Coach", 200_000), Line("non_labour", "Kit", 133_333)))
    fund(app, staff, riverside, end=date(2025, 6, 30))

    on(date(2025, 7, 5))
    pay(app, staff, eastside.grant_id, 1, date(2025, 5, 12))
    pay(app, staff, westside.grant_id, 1, date(2025, 6, 30))
    pay(app, staff, riverside.grant_id, 1, date(2025, 4, 20))
    pay(app, staff, northfield.grant_id, 1, date(2025, 7, 1))
    accepted(app, staff, eastside, 1, spent=(210_012, 45_678), rag="amber")
    accepted(app, staff, riverside, 1, spent=(120_000, 40_000), rag="amber")
    accepted(app, staff, riverside, 2, spent=(180_000, 69_999), rag="green")  # the final return

    on(date(2025, 8, 25))
    pay(app, staff, eastside.grant_id, 2, date(2025, 8, 20))
    pay(app, staff, riverside.grant_id, 2, date(2025, 7, 15))
    assert close(app, staff, riverside.grant_id, 10_000, "Unspent kit budget") == 83_334
    assert withdraw(app, staff, northfield.grant_id) == 500_098

    on(TODAY)
    accepted(app, staff, eastside, 2, spent=(420_000, 98_765), rag="red")
    submitted(app, eastside, 3, spent=(700_000, 150_000), rag="red")
    southgate = approve(app, setting, staff, make_user, reference="SVF-2425-0005", organisation="Southgate Youth Hub",
                        award_pence=1_000_001, requested_pence=1_200_000, priority=2, areas=(DARLINGTON,))
    return Example(staff, eastside, westside, northfield, riverside, southgate)


def funding(app: Flask, key: str) -> FundingReturn:
    with app.app_context():
        fund_ = db.session.scalar(select(Fund).where(Fund.slug == SLUG))
        return build_funding(fund_, parse_period(key, clock.today_in_london()), "Test")


def grant_rows(data: FundingReturn) -> list[tuple]:
    return [(r.reference, r.organisation, r.priority_code, r.area, r.status, r.committed_pence,
             r.paid_in_period_pence, r.paid_to_end_pence, r.spend_pence, r.labour_spend_pence,
             r.non_labour_spend_pence, r.rag) for r in data.grants]


def group_rows(rows: list) -> list[tuple]:
    return [(r.label, r.grants, r.committed_pence, r.paid_to_end_pence, r.spend_pence) for r in rows]


A, B, C, D, E = "GR-SVF-2425-0001", "GR-SVF-2425-0002", "GR-SVF-2425-0003", "GR-SVF-2425-0004", "SVF-2425-0005"
EASTSIDE, WESTSIDE, NORTHFIELD, RIVERSIDE, SOUTHGATE = ("Eastside Youth Trust", "Westside Boxing Club",
                                                        "Northfield Families Project", "Riverside Arts",
                                                        "Southgate Youth Hub")
BOTH = "County Durham and Darlington"
WAITING = "Approved, offer not yet made"

# To date and for the year 2025/26 (nothing happened after the year began but before it, and
# nothing yet after 10 October), the grants read:
#   A committed the award, 1,234,567; paid 500,000 + 300,033 = 800,033; spend from its Q2 return
#     (its latest accepted: the Q3 one is only submitted) 420,000 + 98,765 = 518,765.
#   B committed 2,500,050; paid 1,000,000; no accepted return, so no spend.
#   C withdrawn: committed falls to what was paid, 300,001.
#   D closed: committed 333,333 - 83,334 underspend = 249,999 = 166,666 + 83,333 paid; spend from the
#     final return, 180,000 + 69,999 = 249,999.
#   E committed its award, 1,000,001, with nothing paid.
WHOLE_YEAR_ROWS = [
    (A, EASTSIDE, "P1", "Darlington", "Active", 1_234_567, 800_033, 800_033, 518_765, 420_000, 98_765, "red"),
    (B, WESTSIDE, "P3", BOTH, "Active", 2_500_050, 1_000_000, 1_000_000, None, None, None, None),
    (C, NORTHFIELD, "P1", "County Durham", "Withdrawn", 300_001, 300_001, 300_001, None, None, None, None),
    (D, RIVERSIDE, "P2", "Darlington", "Closed", 249_999, 249_999, 249_999, 249_999, 180_000, 69_999, "green"),
    (E, SOUTHGATE, "P2", "Darlington", WAITING, 1_000_001, 0, 0, None, None, None, None),
]
# Committed 1,234,567 + 2,500,050 + 300,001 + 249,999 + 1,000,001 = 5,284,618; paid 800,033 +
# 1,000,000 + 300,001 + 249,999 = 2,350,033; spend 518,765 + 249,999 = 768,764, of which labour
# 420,000 + 180,000 = 600,000 and other 98,765 + 69,999 = 168,764.
WHOLE_YEAR_PRIORITIES = [
    ("P1 Early intervention", 2, 1_234_567 + 300_001, 800_033 + 300_001, 518_765),
    ("P2 Places", 2, 249_999 + 1_000_001, 249_999, 249_999),
    ("P3 Weapons", 1, 2_500_050, 1_000_000, 0),
    ("P4 Communities", 0, 0, 0, 0),
]
WHOLE_YEAR_AREAS = [
    ("County Durham", 1, 300_001, 300_001, 0),
    (BOTH, 1, 2_500_050, 1_000_000, 0),
    ("Darlington", 3, 1_234_567 + 249_999 + 1_000_001, 800_033 + 249_999, 518_765 + 249_999),
]
# Q1 (April to June 2025): A1 500,000 + B1 1,000,000 + D1 166,666 = 1,666,666 in 3 payments.
# Q2 (July to September): C1 300,001 + A2 300,033 + D2 83,333 = 683,367 in 3 payments.
Q1_PAYMENTS, Q2_PAYMENTS = ("2025/26 Q1", 3, 1_666_666), ("2025/26 Q2", 3, 683_367)

# Quarter 1 ends on 30 June 2025. E was approved in October, so it is not in it. Paid by then: A
# 500,000, B 1,000,000 (paid on the last day), D 166,666; C was paid on 1 July, so nothing yet,
# though its commitment is already what it was paid in the end. Spend: A's Q1 return, 210,012 +
# 45,678 = 255,690; D's final return (it ends on 30 June too), 249,999.
Q1_ROWS = [
    (A, EASTSIDE, "P1", "Darlington", "Active", 1_234_567, 500_000, 500_000, 255_690, 210_012, 45_678, "amber"),
    (B, WESTSIDE, "P3", BOTH, "Active", 2_500_050, 1_000_000, 1_000_000, None, None, None, None),
    (C, NORTHFIELD, "P1", "County Durham", "Withdrawn", 300_001, 0, 0, None, None, None, None),
    (D, RIVERSIDE, "P2", "Darlington", "Closed", 249_999, 166_666, 166_666, 249_999, 180_000, 69_999, "green"),
]
# Quarter 2 (July to September): paid in it A 300,033, C 300,001, D 83,333; paid to its end as for
# the year; A's spend from its Q2 return; E still not approved; D's underspend released in August.
Q2_ROWS = [
    (A, EASTSIDE, "P1", "Darlington", "Active", 1_234_567, 300_033, 800_033, 518_765, 420_000, 98_765, "red"),
    (B, WESTSIDE, "P3", BOTH, "Active", 2_500_050, 0, 1_000_000, None, None, None, None),
    (C, NORTHFIELD, "P1", "County Durham", "Withdrawn", 300_001, 300_001, 300_001, None, None, None, None),
    (D, RIVERSIDE, "P2", "Darlington", "Closed", 249_999, 83_333, 249_999, 249_999, 180_000, 69_999, "green"),
]


@dataclass(frozen=True)
class Expected:
    rows: list[tuple]
    committed: int
    paid_in_period: int
    paid_to_end: int
    spend: tuple[int, int, int]  # total, labour, other
    underspend: int
    clawback: int
    priorities: list[tuple]
    areas: list[tuple]
    quarters: list[tuple]


PERIODS = {
    "2025-26": Expected(
        WHOLE_YEAR_ROWS, 5_284_618, 2_350_033, 2_350_033, (768_764, 600_000, 168_764), 83_334, 10_000,
        WHOLE_YEAR_PRIORITIES, WHOLE_YEAR_AREAS,
        [Q1_PAYMENTS, Q2_PAYMENTS, ("2025/26 Q3", 0, 0), ("2025/26 Q4", 0, 0)]),
    "2025-26-Q1": Expected(
        Q1_ROWS, 1_234_567 + 2_500_050 + 300_001 + 249_999, 1_666_666, 1_666_666,
        (255_690 + 249_999, 210_012 + 180_000, 45_678 + 69_999), 0, 0,
        [("P1 Early intervention", 2, 1_534_568, 500_000, 255_690), ("P2 Places", 1, 249_999, 166_666, 249_999),
         ("P3 Weapons", 1, 2_500_050, 1_000_000, 0), ("P4 Communities", 0, 0, 0, 0)],
        [("County Durham", 1, 300_001, 0, 0), (BOTH, 1, 2_500_050, 1_000_000, 0),
         ("Darlington", 2, 1_234_567 + 249_999, 666_666, 505_689)],
        [Q1_PAYMENTS]),
    "2025-26-Q2": Expected(
        Q2_ROWS, 4_284_617, 683_367, 2_350_033, (768_764, 600_000, 168_764), 83_334, 10_000,
        [("P1 Early intervention", 2, 1_534_568, 1_100_034, 518_765), ("P2 Places", 1, 249_999, 249_999, 249_999),
         ("P3 Weapons", 1, 2_500_050, 1_000_000, 0), ("P4 Communities", 0, 0, 0, 0)],
        [("County Durham", 1, 300_001, 300_001, 0), (BOTH, 1, 2_500_050, 1_000_000, 0),
         ("Darlington", 2, 1_484_566, 1_050_032, 768_764)],
        [Q2_PAYMENTS]),
}


def test_funding_return_to_date_matches_the_hand_worked_figures_and_both_ledgers(app: Flask,
                                                                                  example: Example) -> None:
    data = funding(app, "to-date")
    assert data.period.end == TODAY
    assert grant_rows(data) == WHOLE_YEAR_ROWS
    head = data.headline
    assert (head.pot_pence, head.committed_pence, head.paid_in_period_pence, head.paid_to_end_pence) == (
        50_000_000, 5_284_618, 2_350_033, 2_350_033)
    assert head.outstanding_pence == 5_284_618 - 2_350_033 == 2_934_585
    assert head.remaining_pence == 50_000_000 - 5_284_618 == 44_715_382
    # The Q3 return was submitted, not accepted: its 850,000 of spend is nowhere.
    assert (head.spend_pence, head.labour_spend_pence, head.non_labour_spend_pence) == (768_764, 600_000, 168_764)
    assert (head.underspend_released_pence, head.clawback_owed_pence) == (83_334, 10_000)
    assert [(r.reference, r.organisation, r.on, r.amount_pence) for r in data.underspends] == [
        (D, RIVERSIDE, date(2025, 8, 25), 83_334)]
    assert [(r.reference, r.on, r.amount_pence, r.reason) for r in data.clawbacks] == [
        (D, date(2025, 8, 25), 10_000, "Unspent kit budget")]
    assert group_rows(data.by_priority) == WHOLE_YEAR_PRIORITIES
    assert group_rows(data.by_area) == WHOLE_YEAR_AREAS
    # To date runs from the first payment's quarter to today's, empty quarters included.
    assert [(q.label, q.payments, q.paid_pence) for q in data.payments_by_quarter] == [
        Q1_PAYMENTS, Q2_PAYMENTS, ("2025/26 Q3", 0, 0)]
    # The fund's ledger: 5,868,050 awarded, less 500,098 released by C and 83,334 by D.
    assert data.ledger_committed_pence == 1_234_567 + 2_500_050 + 800_099 + 333_333 + 1_000_001 - 500_098 - 83_334
    assert data.ledger_paid_pence == 2_350_033
    assert [(c.label, c.against, c.rows_pence, c.headline_pence) for c in data.checks] == [
        ("Committed", "Headline", 5_284_618, 5_284_618),
        ("Paid in the period", "Headline", 2_350_033, 2_350_033),
        ("Paid to the end of the period", "Headline", 2_350_033, 2_350_033),
        ("Reported spend", "Headline", 768_764, 768_764),
        ("Payments by quarter", "Headline", 2_350_033, 2_350_033),
        ("Committed", "The fund's budget ledger", 5_284_618, 5_284_618),
        ("Paid to date", "The grants' payment ledgers", 2_350_033, 2_350_033),
    ]
    assert data.reconciles


@pytest.mark.parametrize("key", list(PERIODS))
def test_a_period_counts_only_awards_payments_and_returns_by_its_end(app: Flask, example: Example, key: str) -> None:
    expected = PERIODS[key]
    data = funding(app, key)
    assert grant_rows(data) == expected.rows
    head = data.headline
    assert (head.committed_pence, head.paid_in_period_pence, head.paid_to_end_pence) == (
        expected.committed, expected.paid_in_period, expected.paid_to_end)
    assert (head.spend_pence, head.labour_spend_pence, head.non_labour_spend_pence) == expected.spend
    assert (head.underspend_released_pence, head.clawback_owed_pence) == (expected.underspend, expected.clawback)
    assert head.outstanding_pence == expected.committed - expected.paid_to_end
    assert group_rows(data.by_priority) == expected.priorities
    assert group_rows(data.by_area) == expected.areas
    assert [(q.label, q.payments, q.paid_pence) for q in data.payments_by_quarter] == expected.quarters
    # The ledgers hold today's totals, so only a return to date is compared with them.
    assert data.ledger_committed_pence is None and data.ledger_paid_pence is None
    assert [c.label for c in data.checks] == ["Committed", "Paid in the period", "Paid to the end of the period",
                                              "Reported spend", "Payments by quarter"]
    assert all(check.agrees for check in data.checks) and data.reconciles


# The same figures in every format -------------------------------------------------------------


class Pence(int):
    """An amount of money in an expected row, as opposed to a count."""


def as_page(cell: Any) -> str:
    if cell is None:
        return "–"
    if isinstance(cell, Pence):
        return money(cell)
    if isinstance(cell, int):
        return f"{cell:,}"
    return cell


def as_csv(cell: Any) -> str:
    if isinstance(cell, Pence):
        return pounds(cell)
    return str(cell) if isinstance(cell, int) else as_page(cell)


def as_xlsx(cell: Any) -> Any:
    if isinstance(cell, Pence):
        return xlsx_money(cell)
    if cell == "":
        return None
    return cell if isinstance(cell, int) else as_page(cell)


RAG = {"red": "Red", "amber": "Amber", "green": "Green", None: "Not reported"}


def _variance(spend: int | None, paid: int) -> Pence | None:
    return None if spend is None else Pence(spend - paid)


def _opt(pence: int | None) -> Pence | None:
    return None if pence is None else Pence(pence)


GRANTS_TABLE = [
    [ref, org, code, area, status, Pence(committed), Pence(in_period), Pence(to_end), _opt(spend),
     _variance(spend, to_end), RAG[rag]]
    for ref, org, code, area, status, committed, in_period, to_end, spend, _, _, rag in WHOLE_YEAR_ROWS
] + [["Total", "", "", "", "", Pence(5_284_618), Pence(2_350_033), Pence(2_350_033), Pence(768_764),
      # Spend less paid, added over the grants that reported: A 518,765 - 800,033 and D 0.
      Pence(518_765 - 800_033), ""]]
FIGURES = [("Fund", 50_000_000), ("Committed", 5_284_618), ("Paid in the period", 2_350_033),
           ("Paid to the end of the period", 2_350_033), ("Outstanding commitments", 2_934_585),
           ("Remaining to commit", 44_715_382), ("Reported spend", 768_764), ("Reported spend on labour", 600_000),
           ("Reported spend on other costs", 168_764), ("Underspend released in the period", 83_334),
           ("Clawback owed, recorded in the period", 10_000)]


def _groups(rows: list[tuple]) -> list[list[Any]]:
    body = [[label, grants, Pence(committed), Pence(paid), Pence(spend)] for label, grants, committed, paid, spend
            in rows]
    return [*body, ["Total", sum(r[1] for r in rows), Pence(sum(r[2] for r in rows)), Pence(sum(r[3] for r in rows)),
                    Pence(sum(r[4] for r in rows))]]


TABLES = {
    "by_priority": ("Funding by priority", _groups(WHOLE_YEAR_PRIORITIES)),
    "by_area": ("Funding by area", _groups(WHOLE_YEAR_AREAS)),
    "grants": ("Funding by grant", GRANTS_TABLE),
    "payments": ("Payments by financial quarter", [
        ["2025/26 Q1", 3, Pence(1_666_666)], ["2025/26 Q2", 3, Pence(683_367)], ["2025/26 Q3", 0, Pence(0)],
        ["Total", 6, Pence(2_350_033)]]),
    "underspend": ("Underspend released to the fund", [
        [D, RIVERSIDE, "25 August 2025", Pence(83_334)], ["Total", "", None, Pence(83_334)]]),
    "clawback": ("Clawback owed", [
        [D, RIVERSIDE, "25 August 2025", Pence(10_000), "Unspent kit budget"], ["Total", "", None, Pence(10_000), ""]]),
}
ROWS, HEADLINE, FUND_LEDGER, PAYMENT_LEDGER = ("The rows of this return", "Headline", "The fund's budget ledger",
                                               "The grants' payment ledgers")
RECONCILED = [
    ["Committed", ROWS, Pence(5_284_618), HEADLINE, Pence(5_284_618), "Yes"],
    ["Paid in the period", ROWS, Pence(2_350_033), HEADLINE, Pence(2_350_033), "Yes"],
    ["Paid to the end of the period", ROWS, Pence(2_350_033), HEADLINE, Pence(2_350_033), "Yes"],
    ["Reported spend", ROWS, Pence(768_764), HEADLINE, Pence(768_764), "Yes"],
    ["Payments by quarter", ROWS, Pence(2_350_033), HEADLINE, Pence(2_350_033), "Yes"],
    ["Committed", "This return's headline", Pence(5_284_618), FUND_LEDGER, Pence(5_284_618), "Yes"],
    ["Paid to date", "This return's headline", Pence(2_350_033), PAYMENT_LEDGER, Pence(2_350_033), "Yes"],
]
EXCEL_DAY = datetime(2025, 8, 25)  # noqa: DTZ001 - a spreadsheet's dates carry no time zone
AGREES = "The rows of this return add up to its headline figures."
DISAGREES = "The figures do not reconcile: tell the grants team before using this return."


def _dates_as_csv(row: list[str]) -> list[str]:
    return ["2025-08-25" if cell == "25 August 2025" else cell for cell in row]


def _dates_as_xlsx(row: list[Any]) -> list[Any]:
    return [EXCEL_DAY if cell == "25 August 2025" else cell for cell in row]


def downloads(app: Flask, login_as: Any) -> dict[str, bytes]:
    officer = login_as(Role.GRANTS_OFFICER)
    made = {"html": officer.get(f"/reports/{SLUG}/funding/to-date")}
    for fmt in ("pdf", "csv", "xlsx"):
        made[fmt] = officer.get(f"/reports/{SLUG}/funding/to-date.{fmt}")
    assert all(response.status_code == 200 for response in made.values()), {k: r.status_code for k, r in made.items()}
    return {fmt: response.data for fmt, response in made.items()}


def check_every_format(made: dict[str, bytes], reconciliation: list[list[Any]], verdict: str) -> None:
    """The worked example's figures, table by table, in the page, the PDF, the CSV and the workbook."""
    tables = {**TABLES, "reconciliation": ("Reconciliation", reconciliation)}

    page = html_tables(made["html"])
    assert html_figures(made["html"], "summary") == [(label, money(pence)) for label, pence in FIGURES]
    for key, (_, rows) in tables.items():
        assert page[key] == [[as_page(cell) for cell in row] for row in rows], key
    assert verdict in made["html"].decode()

    rows = csv_rows(made["csv"])
    assert csv_figures(rows, "Summary") == [(f"{label} (£)", pounds(pence)) for label, pence in FIGURES]
    for key, (caption, expected) in tables.items():
        _, body = csv_table(rows, caption)
        assert body == [_dates_as_csv([as_csv(cell) for cell in row]) for row in expected], key

    sheets = xlsx_sheets(made["xlsx"])
    about = sheets["About"]
    start = next(i for i, row in enumerate(about) if row and row[0] == "Summary")
    assert [(row[0], row[1]) for row in about[start + 1:start + 1 + len(FIGURES)]] == [
        (label, xlsx_money(pence)) for label, pence in FIGURES]
    for key, (_, expected) in tables.items():
        assert xlsx_table(sheets, key) == [_dates_as_xlsx([as_xlsx(cell) for cell in row]) for row in expected], key

    # Last, as the hardest to read back: a wrapped cell's lines are joined with spaces, so each row
    # must read as its cells in order, every figure whole ("£12,345 .67" is not £12,345.67).
    document = " ".join(pdf_pages(made["pdf"]))
    assert verdict in document
    missing = [f"{label} {money(pence)}" for label, pence in FIGURES if f"{label} {money(pence)}" not in document]
    for key, (_, rows) in tables.items():
        lines = [" ".join(as_page(cell) for cell in row if cell != "") for row in rows]
        missing += [f"{key}: {line}" for line in lines if line not in document]
    assert not missing, "not in the PDF as on the page:\n" + "\n".join(missing)


def test_every_format_gives_the_worked_example_to_the_penny_and_says_it_reconciles(
        app: Flask, example: Example, login_as: Any) -> None:
    check_every_format(downloads(app, login_as), RECONCILED, AGREES)


def test_a_ledger_that_disagrees_makes_every_format_say_the_return_does_not_reconcile(
        app: Flask, example: Example, login_as: Any) -> None:
    with app.app_context():
        db.session.execute(text("UPDATE funds SET committed_pence = committed_pence + 100 WHERE slug = :slug"),
                           {"slug": SLUG})
        db.session.execute(text("UPDATE grants SET paid_pence = paid_pence - 1 WHERE reference = :reference"),
                           {"reference": B})
        db.session.commit()
    data = funding(app, "to-date")
    assert not data.reconciles
    assert [c.label for c in data.checks if not c.agrees] == ["Committed", "Paid to date"]

    broken = [*RECONCILED[:5],
              ["Committed", "This return's headline", Pence(5_284_618), FUND_LEDGER, Pence(5_284_718),
               "No: differs by £1.00"],
              ["Paid to date", "This return's headline", Pence(2_350_033), PAYMENT_LEDGER, Pence(2_350_032),
               "No: differs by £0.01"]]
    made = downloads(app, login_as)
    check_every_format(made, broken, DISAGREES)
    assert AGREES not in made["html"].decode()
