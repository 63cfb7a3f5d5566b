"""The impact return for quarter 2 of 2025/26 (July to September 2025) on a worked example whose
figures were added up by hand, and small-number suppression in every format the PCC's office can
download: a count of 3 never appears, and neither does anything that would give it away.

The example (all made on 1 March 2025; money in pence):

* Eastside Youth Trust, P1, award 1,000,001: 500,000 paid on 15 April; 250,000 more paid on
  5 October, after the quarter. Its Q1 return (accepted): 20 new participants, 10 of its 40
  mentoring sessions, outcome "48% so far", a case study. Its Q2 return (accepted): 5 new
  participants (1 female, 4 male; all 15 to 17; Darlington; at risk), 12 sessions, outcome "61% in
  the September survey".
* Northfield Families Project, P1, award 700,001: 350,000 paid on 20 May. Its Q2 return (accepted):
  7 new participants (2 female, 5 male; 15 to 17; County Durham; at risk), 9 of its 30 detached
  sessions, outcome "52%".
* Westside Boxing Club, P3, award 900,000: 450,000 paid on 10 July. Its Q2 return (accepted, its
  case study featured): 13 new participants (6 female, 7 male; 18 to 24; County Durham; already
  involved in violence), 10 of its 16 workshops, outcome "Not measured yet".
* Southgate Youth Hub, P2, award 400,000, nothing paid. Its Q2 return was submitted but never
  accepted: 40 participants (3 female), 15 of its 20 assemblies, outcome "90%". None of it counts.

So P1 reached 5 + 7 = 12 people in the quarter, of whom 1 + 2 = 3 were female: the cell that must
be hidden. P3 reached 13 (6 female, 7 male).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from sqlalchemy import select

from sv_grants.auth.models import Role
from sv_grants.dates import clock
from sv_grants.extensions import db
from sv_grants.funds.models import Fund
from sv_grants.reports.data import ImpactReturn, cost_per_participant
from sv_grants.reports.impact import build_impact
from sv_grants.reports.periods import parse_period

from .factories import (
    COUNTY_DURHAM,
    DARLINGTON,
    Award,
    Output,
    Team,
    accepted,
    approve,
    context_measure,
    csv_rows,
    csv_table,
    feature,
    fund,
    html_figures,
    html_tables,
    money,
    on,
    pay,
    pdf_pages,
    submitted,
    team,
    xlsx_sheets,
    xlsx_table,
)

SLUG, PERIOD = "svpf-2024-25", "2025-26-Q2"
HIDDEN = "fewer than 5"
SMALL = {"1", "2", "3", "4"}  # no count of people in a suppressed return may read as one of these
FIRST_STORY = "A girl referred by her school joined in May and has not missed a session since."
FEATURED_STORY = "A young man who had carried a knife now helps coach the under-sixteens on Saturdays."
NOT_ACCEPTED_STORY = "This story comes from a return the grants team has not accepted."


@dataclass
class Example:
    staff: Team
    eastside: Award
    northfield: Award
    westside: Award
    southgate: Award


def reach(female: int, male: int, age: str, area: str, cohort: str) -> dict[str, dict[str, int]]:
    total = female + male
    return {"sex": {"female": female, "male": male}, "age_band": {age: total}, "area": {area: total},
            "cohort": {cohort: total}}


@pytest.fixture
def example(app: Flask, setting: Any, make_user: Any) -> Example:
    on(date(2025, 3, 1))
    staff = team(app, setting, make_user)
    eastside = approve(app, setting, staff, make_user, reference="SVF-2425-0001", organisation="Eastside Youth Trust",
                       award_pence=1_000_001, priority=1, areas=(DARLINGTON,),
                       outputs=(Output("Mentoring sessions delivered", "sessions", 40),))
    northfield = approve(app, setting, staff, make_user, reference="SVF-2425-0002",
                         organisation="Northfield Families Project", award_pence=700_001, priority=1,
                         areas=(COUNTY_DURHAM,), outputs=(Output("Detached youth work sessions", "sessions", 30),))
    westside = approve(app, setting, staff, make_user, reference="SVF-2425-0003", organisation="Westside Boxing Club",
                       award_pence=900_000, priority=3, areas=(COUNTY_DURHAM,),
                       outputs=(Output("Knife-crime workshops", "workshops", 16),))
    southgate = approve(app, setting, staff, make_user, reference="SVF-2425-0004", organisation="Southgate Youth Hub",
                        award_pence=400_000, priority=2, areas=(DARLINGTON,),
                        outputs=(Output("School assemblies", "assemblies", 20),))
    for award in (eastside, northfield, westside, southgate):
        fund(app, staff, award)  # the default schedule: half on acceptance

    on(date(2025, 7, 5))
    pay(app, staff, eastside.grant_id, 1, date(2025, 4, 15))
    pay(app, staff, northfield.grant_id, 1, date(2025, 5, 20))
    first = accepted(app, staff, eastside, 1, participants=20, delivered=(10,), result="48% so far",
                     case_study=FIRST_STORY)

    on(date(2025, 10, 6))
    pay(app, staff, westside.grant_id, 1, date(2025, 7, 10))
    accepted(app, staff, eastside, 2, participants=5, reach=reach(1, 4, "15_17", DARLINGTON, "at_risk"),
             delivered=(12,), result="61% in the September survey")
    pay(app, staff, eastside.grant_id, 2, date(2025, 10, 5))  # due once its Q2 return was accepted
    accepted(app, staff, northfield, 2, participants=7, reach=reach(2, 5, "15_17", COUNTY_DURHAM, "at_risk"),
             delivered=(9,), result="52%")
    featured = accepted(app, staff, westside, 2, participants=13,
                        reach=reach(6, 7, "18_24", COUNTY_DURHAM, "involved"), delivered=(10,),
                        result="Not measured yet", case_study=FEATURED_STORY)
    waiting = submitted(app, southgate, 2, participants=40, reach=reach(3, 37, "10_14", DARLINGTON, "at_risk"),
                        delivered=(15,), result="90%", case_study=NOT_ACCEPTED_STORY)
    for return_id in (first, featured, waiting):
        feature(app, staff, return_id)  # only the accepted one of the quarter may appear
    for quarter, value in ((1, 19), (2, 27)):
        context_measure(app, staff, measure="knife_crime", area="County Durham", year="2025-26", quarter=quarter,
                        value=value, source="Durham Constabulary recorded crime")
    context_measure(app, staff, measure="homicides", area="Darlington", year="2025-26", quarter=2, value=2,
                    source="Home Office Homicide Index")
    return Example(staff, eastside, northfield, westside, southgate)


def impact(app: Flask) -> ImpactReturn:
    with app.app_context():
        fund_ = db.session.scalar(select(Fund).where(Fund.slug == SLUG))
        return build_impact(fund_, parse_period(PERIOD, clock.today_in_london()), "Test")


def nonzero(counts: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    return {dimension: {c: n for c, n in by.items() if n} for dimension, by in counts.items() if any(by.values())}


def test_impact_return_matches_the_hand_worked_figures_from_accepted_returns_only(app: Flask,
                                                                                   example: Example) -> None:
    data = impact(app)
    # (code, interventions, new participants, participants to the end of Q2, paid by 30 September,
    # outcomes reported). P1: 5 + 7 new, 20 + 5 + 7 to date, 500,000 + 350,000 paid (Eastside's
    # October payment is after the quarter). P2: Southgate is funded, but its one return is not
    # accepted, so it reached nobody and reported nothing. P3: 13, and 450,000 paid in July.
    assert [(p.code, p.interventions, p.participants, p.participants_to_end, p.paid_to_end_pence,
             p.outcomes_reported) for p in data.priorities] == [
        ("P1", 2, 12, 32, 850_000, 2), ("P2", 1, 0, 0, 0, 0), ("P3", 1, 13, 13, 450_000, 1), ("P4", 0, 0, 0, 0, 0)]
    assert (data.interventions, data.participants, data.participants_to_end, data.paid_to_end_pence) == (
        4, 25, 45, 1_300_000)
    by_priority = {p.code: nonzero(p.reach) for p in data.priorities}
    assert by_priority == {
        "P1": {"sex": {"female": 3, "male": 9}, "age_band": {"15_17": 12},
               "area": {DARLINGTON: 5, COUNTY_DURHAM: 7}, "cohort": {"at_risk": 12}},
        "P2": {},
        "P3": {"sex": {"female": 6, "male": 7}, "age_band": {"18_24": 13}, "area": {COUNTY_DURHAM: 13},
               "cohort": {"involved": 13}},
        "P4": {},
    }
    assert [data.reach_total("sex", s) for s in ("female", "male", "another", "not_known")] == [9, 16, 0, 0]
    assert [data.reach_total("area", a) for a in (COUNTY_DURHAM, DARLINGTON)] == [20, 5]

    # Outputs, to the end of Q2: Eastside 10 + 12 of 40; Northfield 9 of 30; Southgate nothing
    # accepted; Westside 10 of 16.
    assert [(o.priority_code, o.organisation, o.target, o.in_period, o.to_end, o.achieved) for o in data.outputs] == [
        ("P1", "Eastside Youth Trust", 40, 12, 22, Fraction(22, 40)),
        ("P1", "Northfield Families Project", 30, 9, 9, Fraction(9, 30)),
        ("P2", "Southgate Youth Hub", 20, 0, 0, Fraction(0)),
        ("P3", "Westside Boxing Club", 16, 10, 10, Fraction(10, 16)),
    ]
    # The mean share of target: P1 (55% + 30%) / 2 = 42.5%; all four (55 + 30 + 0 + 62.5) / 4 = 36.875%.
    assert data.average_achieved("P1") == Fraction(425, 1000)
    assert data.average_achieved() == Fraction(36_875, 100_000)
    # The latest accepted result for each indicator: Eastside's Q2 one replaces its Q1 one.
    assert [(o.priority_code, o.organisation, o.result) for o in data.outcomes] == [
        ("P1", "Eastside Youth Trust", "61% in the September survey"), ("P1", "Northfield Families Project", "52%"),
        ("P3", "Westside Boxing Club", "Not measured yet")]
    # Featured: Eastside's Q1 story is from another quarter; Southgate's return is not accepted.
    assert [(c.priority_code, c.organisation, c.text) for c in data.case_studies] == [
        ("P3", "Westside Boxing Club", FEATURED_STORY)]
    # Context: Q2's figures only, not Q1's 19.
    assert [(f.measure, f.area, f.period, f.value) for f in data.context] == [
        ("Homicides", "Darlington", "2025/26 quarter 2", 2),
        ("Police-recorded knife or sharp instrument offences", "County Durham", "2025/26 quarter 2", 27)]


@pytest.mark.parametrize(("paid", "participants", "pence"), [
    (850_000, 32, 26_563),  # 26,562.5: a half rounds up
    (450_000, 13, 34_615),  # 34,615.38
    (1_300_000, 45, 28_889),  # 28,888.89
    (1, 2, 1),  # half a penny rounds up to a penny
    (1, 3, 0),  # a third of a penny rounds down
    (500, 0, None),  # nobody reached: no cost to show
])
def test_cost_per_participant_is_paid_over_people_reached_rounded_half_up_to_the_penny(
        paid: int, participants: int, pence: int | None) -> None:
    assert cost_per_participant(paid, participants) == pence


# Suppression in every format ----------------------------------------------------------------

# New participants by sex, as every suppressed format must show it. P1's 3 women are hidden, so
# its 9 men are too (the row total 12 would give the 3 away); the female column's total 9 would
# then give it away with P3's 6, so that is hidden, and with it P3's 7 men (P3's row total is 13).
# That leaves four hidden cells in a rectangle: every row and column has two, and no total
# gives any of them away.
SEX_TABLE = [
    ["P1 Early intervention", HIDDEN, HIDDEN, "0", "0", "12"],
    ["P2 Places", "0", "0", "0", "0", "0"],
    ["P3 Weapons", HIDDEN, HIDDEN, "0", "0", "13"],
    ["P4 Communities", "0", "0", "0", "0", "0"],
    ["All priorities", "9", "16", "0", "0", "25"],
]
SEX_TABLE_UNSUPPRESSED = [
    ["P1 Early intervention", "3", "9", "0", "0", "12"],
    ["P2 Places", "0", "0", "0", "0", "0"],
    ["P3 Weapons", "6", "7", "0", "0", "13"],
    ["P4 Communities", "0", "0", "0", "0", "0"],
    ["All priorities", "9", "16", "0", "0", "25"],
]
# Nothing else about people is small, so the other breakdowns are shown in full.
AREA_TABLE = [
    ["P1 Early intervention", "7", "5", "0", "0", "12"],
    ["P2 Places", "0", "0", "0", "0", "0"],
    ["P3 Weapons", "13", "0", "0", "0", "13"],
    ["P4 Communities", "0", "0", "0", "0", "0"],
    ["All priorities", "20", "5", "0", "0", "25"],
]
# Interventions are grants, each published by name, so their number is shown however small. Cost
# per participant is shown, as the participants it divides by are not hidden. P1: 850,000 / 32 =
# 26,562.5, rounded up to 26,563; P3: 450,000 / 13 = 34,615.38; all: 1,300,000 / 45 = 28,888.89.
PRIORITY_TABLE = [
    ["P1 Early intervention", "2", "12", "32", "43%", money(850_000), money(26_563)],
    ["P2 Places", "1", "0", "0", "0%", money(0), "–"],
    ["P3 Weapons", "1", "13", "13", "63%", money(450_000), money(34_615)],
    ["P4 Communities", "0", "0", "0", "–", money(0), "–"],
    ["All priorities", "4", "25", "45", "37%", money(1_300_000), money(28_889)],
]
CONTEXT_TABLE = [
    ["Homicides", "Darlington", "2025/26 quarter 2", HIDDEN, "Home Office Homicide Index"],
    ["Police-recorded knife or sharp instrument offences", "County Durham", "2025/26 quarter 2", "27",
     "Durham Constabulary recorded crime"],
]


def as_csv(row: list[str]) -> list[str]:
    """A page's row as the CSV writes it: counts and pounds without separators or signs."""
    return [cell.replace("£", "").replace(",", "") if cell.startswith("£") else cell for cell in row]


def as_xlsx(row: list[str]) -> list[Any]:
    """A page's row as the workbook holds it: counts as numbers, percentages as fractions."""
    values: list[Any] = []
    for cell in row:
        if cell.isdigit():
            values.append(int(cell))
        elif cell.endswith("%"):
            values.append(Fraction(int(cell[:-1]), 100))
        elif cell.startswith("£"):
            values.append(Fraction(cell[1:].replace(",", "")))
        else:
            values.append(cell)
    return values


def xlsx_as_fractions(rows: list[list[Any]]) -> list[list[Any]]:
    return [[Fraction(str(v)) if isinstance(v, float | Decimal) else v for v in row] for row in rows]


# The tables that count people (or outputs, or offences), by key and caption.
PEOPLE = {"by_priority": "Impact by priority", "reach_age_band": "New participants by age band",
          "reach_sex": "New participants by sex", "reach_area": "New participants by area",
          "reach_cohort": "New participants by cohort", "outputs": "Outputs delivered against targets",
          "context": "Home Office context measures"}


def people(key: str, row: list[Any]) -> list[Any]:
    """The cells of a row that count people (or outputs, or offences), leaving labels, targets,
    money, percentages and the number of interventions aside."""
    if key == "by_priority":
        return row[2:4]
    if key == "outputs":
        return row[4:6]
    if key == "context":
        return row[3:4]
    return row[1:]


def suppressed_downloads(app: Flask, client: Any) -> dict[str, bytes]:
    made = {"html": client.get(f"/reports/{SLUG}/impact/{PERIOD}")}
    for fmt in ("pdf", "csv", "xlsx"):
        made[fmt] = client.get(f"/reports/{SLUG}/impact/{PERIOD}.{fmt}")
    assert all(response.status_code == 200 for response in made.values()), {k: r.status_code for k, r in made.items()}
    return {fmt: response.data for fmt, response in made.items()}


TABLES = {"reach_sex": ("New participants by sex", SEX_TABLE), "reach_area": ("New participants by area", AREA_TABLE),
          "by_priority": ("Impact by priority", PRIORITY_TABLE), "context": ("Home Office context measures",
                                                                             CONTEXT_TABLE)}


def test_pcc_formats_hide_a_count_of_3_and_every_figure_that_would_give_it_away(
        app: Flask, example: Example, login_as: Any) -> None:
    made = suppressed_downloads(app, login_as(Role.PCC_VIEWER))

    page = html_tables(made["html"])
    for key, (_, rows) in TABLES.items():
        assert page[key] == rows, key
    assert html_figures(made["html"], "summary") == [
        ("Interventions funded", "4"), ("New participants in the period", "25"),
        ("Participants reached to the end of the period", "45"), ("Paid to the end of the period", money(1_300_000)),
        ("Cost per participant", money(28_889))]
    assert not [cell for key in PEOPLE for row in page[key] for cell in people(key, row) if cell in SMALL]
    assert "Officers only" not in BeautifulSoup(made["html"], "html.parser").get_text()

    rows = csv_rows(made["csv"])
    for key, (caption, expected) in TABLES.items():
        _, body = csv_table(rows, caption)
        assert body == [as_csv(row) for row in expected], key
    people_cells = [cell for key, caption in PEOPLE.items() for row in csv_table(rows, caption)[1]
                    for cell in people(key, row)]
    assert people_cells and not [cell for cell in people_cells if cell in SMALL]

    sheets = xlsx_sheets(made["xlsx"])
    for key, (_, expected) in TABLES.items():
        assert xlsx_as_fractions(xlsx_table(sheets, key)) == [as_xlsx(row) for row in expected], key
    assert not [value for key in PEOPLE for row in xlsx_table(sheets, key) for value in people(key, row)
                if isinstance(value, int) and 1 <= value <= 4]

    document = " ".join(pdf_pages(made["pdf"]))
    missing = [f"{key}: {' '.join(row)}" for key, (_, rows) in TABLES.items() for row in rows
               if " ".join(row) not in document]
    assert not missing, "not in the PDF as on the page:\n" + "\n".join(missing)


def test_small_numbers_are_shown_only_on_the_officers_own_page(app: Flask, example: Example, login_as: Any) -> None:
    officer = login_as(Role.GRANTS_OFFICER)
    response = officer.get(f"/reports/{SLUG}/impact/{PERIOD}/unsuppressed")
    assert response.status_code == 200
    tables = html_tables(response.data)
    assert tables["reach_sex"] == SEX_TABLE_UNSUPPRESSED
    assert [row[1] for row in tables["by_priority"]] == ["2", "1", "1", "0", "4"]
    assert tables["context"][0][3] == "2"
    assert "Officers only: small numbers are shown." in BeautifulSoup(response.data, "html.parser").get_text()
    # The officer's ordinary page is the suppressed one.
    assert html_tables(officer.get(f"/reports/{SLUG}/impact/{PERIOD}").data)["reach_sex"] == SEX_TABLE

    pcc = login_as(Role.PCC_VIEWER)
    assert pcc.get(f"/reports/{SLUG}/impact/{PERIOD}/unsuppressed").status_code == 403
    finance = login_as(Role.FINANCE_OFFICER)
    assert finance.get(f"/reports/{SLUG}/impact/{PERIOD}/unsuppressed").status_code == 403
    assert finance.get(f"/reports/{SLUG}/impact/{PERIOD}.csv").status_code == 403
