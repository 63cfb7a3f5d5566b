"""The panel page: the ranking, the running total against the remaining budget, totals per priority,
applications still waiting for reviews, and the recommended funding set with its reasons, including
minimums per priority. (The knapsack itself is tested in ``test_knapsack.py``.)

Scores use the round's criteria weighted 30/20/20/15/15 out of 4: five equal marks of k score 25·k%
(3s → 75%, 2s → 50%, 1s → 25%, 4s → 100%), and [3, 3, 3, 3, 2] scores 75 - 15·1/4 = 71.25%.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask

from sv_grants.assessment.models import Outcome
from sv_grants.auth.models import Role
from sv_grants.extensions import db
from sv_grants.funds.models import Fund

from ..helpers import error_summary, field_error, page
from . import factories


def _table(response: Any, caption: str) -> list[list[str]]:
    """The body rows of the table with this caption, each as its cells' text."""
    found = page(response).find("caption", string=lambda text: text is not None and text.strip() == caption)
    assert found is not None, f"no table captioned {caption!r}"
    return [[" ".join(cell.get_text(" ").split()) for cell in row.find_all(["th", "td"])]
            for row in found.find_parent("table").select("tbody tr")]


def _summary(response: Any) -> dict[str, str]:
    rows = {}
    for row in page(response).select(".govuk-summary-list__row"):
        rows[" ".join(row.select_one(".govuk-summary-list__key").get_text().split())] = \
            " ".join(row.select_one(".govuk-summary-list__value").get_text().split())
    return rows


def _text(response: Any) -> str:
    return " ".join(page(response).get_text(" ").split())


def _set_fund_total(app: Flask, fund_id: int, total_pence: int) -> None:
    with app.app_context():
        db.session.get(Fund, fund_id).total_pence = total_pence
        db.session.commit()


@dataclass
class Panel:
    officer: Any
    ids: dict[str, int]  # reference → application id
    url: str


def _make(app: Flask, setting: Any, make_user: Any, officer_id: int, reviewer_id: int,
          rows: list[tuple[str, str, int, int, list[int] | None]]) -> dict[str, int]:
    """(reference, organisation, requested pounds, priority index, marks or None) → applications."""
    ids = {}
    for reference, organisation, pounds, priority, marks in rows:
        application_id = factories.being_assessed(
            app, setting, make_user(Role.APPLICANT).id, organisation=organisation, reference=reference,
            requested_pence=pounds * 100, priority_index=priority, title=f"{organisation} project")
        if marks is not None:
            factories.reviewed(app, application_id, reviewer_id, officer_id, marks)
        ids[reference] = application_id
    return ids


# The ranking ---------------------------------------------------------------------------------------


@pytest.fixture
def ranking(app: Flask, setting: Any, make_user: Any, login_as: Any) -> Panel:
    """A £30,000 fund and:

    0001 Alder (P1, £11,000): 75%
    0002 Birch (P1, £12,000): 50%, moderated to 80.0%  → first
    0003 Cedar (P2, £8,000): 75%                        → ties with 0004 and 0001; smaller request first
    0004 Damson (P2, £8,000): 75%                       → same request as 0003; reference decides
    0005 Elm (P3, £5,000): 100%, moderated to 60.0%     → last
    0006 Fir (P1, £4,000): a draft review only          → waiting
    0007 Gorse (P4, £3,000): no reviewer yet            → waiting

    Running totals in rank order: £12,000, £20,000, £28,000, £39,000 (over), £44,000 (over).
    Best set within £30,000: 0002 + 0003 + 0004 = £28,000 for 80 + 75 + 75 = 230 (0001 + 0003 + 0004
    scores 225; 0002 + 0004 + 0001 costs £31,000).
    """
    officer = login_as(Role.GRANTS_OFFICER, name="Olive Officer")
    reviewer = make_user(Role.REVIEWER, name="Rita Reviewer")
    factories.add_criteria(app, setting.round_id)
    _set_fund_total(app, setting.fund_id, 30_000_00)
    ids = _make(app, setting, make_user, officer.person.id, reviewer.id, [
        ("SVF-2425-0001", "Alder Trust", 11_000, 0, [3, 3, 3, 3, 3]),
        ("SVF-2425-0002", "Birch Club", 12_000, 0, [2, 2, 2, 2, 2]),
        ("SVF-2425-0003", "Cedar Group", 8_000, 1, [3, 3, 3, 3, 3]),
        ("SVF-2425-0004", "Damson Club", 8_000, 1, [3, 3, 3, 3, 3]),
        ("SVF-2425-0005", "Elm Project", 5_000, 2, [4, 4, 4, 4, 4]),
        ("SVF-2425-0006", "Fir Youth", 4_000, 0, None),
        ("SVF-2425-0007", "Gorse Trust", 3_000, 3, None),
    ])
    factories.moderate(app, ids["SVF-2425-0002"], officer.person.id, 800, reason="Strong local evidence")
    factories.moderate(app, ids["SVF-2425-0005"], officer.person.id, 600, reason="Costs not justified")
    draft = factories.assign(app, ids["SVF-2425-0006"], reviewer.id, officer.person.id)
    factories.declare(app, draft)
    factories.score(app, draft, [4, 4, 4, 4, 4], submit=False)
    return Panel(officer, ids, f"/rounds/{setting.round_id}/panel")


def test_ranked_by_effective_score_then_smaller_request_then_reference(ranking: Panel) -> None:
    response = ranking.officer.get(ranking.url)

    assert response.status_code == 200
    rows = _table(response, "Assessed applications, best score first")
    assert [row[1].split(" – ")[0] for row in rows] == [
        "SVF-2425-0002", "SVF-2425-0003", "SVF-2425-0004", "SVF-2425-0001", "SVF-2425-0005"]
    assert [row[0] for row in rows] == ["1", "2", "3", "4", "5"]
    birch, elm = rows[0], rows[4]
    assert birch[4] == "80.0% moderated; weighted 50.0%"  # the moderated score beats the weighted one
    assert elm[4] == "60.0% moderated; weighted 100.0%"  # both ways
    assert rows[1][4] == "75.0%"
    assert birch[5] == "–"  # one reviewer: no spread
    assert birch[6] == "Fund (1)"


def test_running_total_against_the_remaining_budget(ranking: Panel) -> None:
    response = ranking.officer.get(ranking.url)

    summary = _summary(response)
    assert summary["Fund"] == "£30,000.00"
    assert summary["Remaining budget"] == "£30,000.00"
    assert summary["Requested by applications still to be decided"] == "£44,000.00"
    running = [row[7] for row in _table(response, "Assessed applications, best score first")]
    assert running == ["£12,000", "£20,000", "£28,000", "£39,000 Over budget", "£44,000 Over budget"]


def test_applications_awaiting_reviews_are_listed_separately(ranking: Panel) -> None:
    response = ranking.officer.get(ranking.url)

    ranked = " ".join(" ".join(row) for row in _table(response, "Assessed applications, best score first"))
    assert "SVF-2425-0006" not in ranked and "SVF-2425-0007" not in ranked
    assert "Still waiting for a submitted review: SVF-2425-0006, SVF-2425-0007." in _text(response)


def test_totals_per_priority(ranking: Panel) -> None:
    response = ranking.officer.get(ranking.url)

    assert _table(response, "Totals by main priority") == [
        # priority, assessed, requested, recommended, approved
        ["P1: Early intervention", "2", "£23,000", "1 (£12,000)", "0 (£0)"],
        ["P2: Places", "2", "£16,000", "2 (£16,000)", "0 (£0)"],
        ["P3: Weapons", "1", "£5,000", "0 (£0)", "0 (£0)"],
        ["P4: Communities", "0", "£0", "0 (£0)", "0 (£0)"],
    ]
    picked = _table(response, "Picked")
    assert [row[1].split(" – ")[0] for row in picked] == ["SVF-2425-0002", "SVF-2425-0003", "SVF-2425-0004"]


# The recommended set ---------------------------------------------------------------------------------


@pytest.fixture
def crowded(app: Flask, setting: Any, make_user: Any, login_as: Any) -> Panel:
    """A £60,000 fund of which £40,000 is already approved (a draft approval of 0001), leaving
    £20,000 for:

    0002 Beech (P2, £15,000): 100%      rank 1
    0003 Hazel (P1, £10,000): 75%       rank 2
    0004 Holly (P1, £10,000): 71.25%    rank 3
    0006 Juniper (P2, £25,000): 50%     rank 4 (ties with 0001 at 50%; the smaller request first)
    0001 Zinc (P4, £40,000): 50%        rank 5, approved, so no longer a candidate
    0005 Ivy (P3, £5,000): 25%          rank 6

    Greedy by rank takes Beech (£5,000 left), skips Hazel and Holly, then takes Ivy: 100 + 25 = 125.
    The best set is Hazel + Holly: £20,000 for 75 + 71.25 = 146.25 (average 73.125 → 73.1%).
    """
    officer = login_as(Role.GRANTS_OFFICER, name="Olive Officer")
    reviewer = make_user(Role.REVIEWER, name="Rita Reviewer")
    factories.add_criteria(app, setting.round_id)
    _set_fund_total(app, setting.fund_id, 60_000_00)
    ids = _make(app, setting, make_user, officer.person.id, reviewer.id, [
        ("SVF-2425-0001", "Zinc Trust", 40_000, 3, [2, 2, 2, 2, 2]),
        ("SVF-2425-0002", "Beech Club", 15_000, 1, [4, 4, 4, 4, 4]),
        ("SVF-2425-0003", "Hazel Group", 10_000, 0, [3, 3, 3, 3, 3]),
        ("SVF-2425-0004", "Holly Trust", 10_000, 0, [3, 3, 3, 3, 2]),
        ("SVF-2425-0005", "Ivy Project", 5_000, 2, [1, 1, 1, 1, 1]),
        ("SVF-2425-0006", "Juniper Club", 25_000, 1, [2, 2, 2, 2, 2]),
    ])
    factories.decide(app, ids["SVF-2425-0001"], officer.person.id, Outcome.APPROVED, 40_000_00)
    return Panel(officer, ids, f"/rounds/{setting.round_id}/panel")


def test_the_recommended_set_is_the_best_total_not_greedy_by_rank(crowded: Panel) -> None:
    response = crowded.officer.get(crowded.url)

    assert response.status_code == 200
    summary = _summary(response)
    assert summary["Already committed"] == "£40,000.00"
    assert summary["Remaining budget"] == "£20,000.00"
    ranked = _table(response, "Assessed applications, best score first")
    assert [row[1].split(" – ")[0] for row in ranked] == [
        "SVF-2425-0002", "SVF-2425-0003", "SVF-2425-0004", "SVF-2425-0006", "SVF-2425-0001", "SVF-2425-0005"]
    assert [row[7] for row in ranked] == ["£15,000", "£25,000 Over budget", "£35,000 Over budget",
                                          "£60,000 Over budget", "–", "£65,000 Over budget"]
    assert ranked[4][8] == "Approved (draft)"

    picked = _table(response, "Picked")
    assert [(row[0], row[1], row[2], row[3], row[4]) for row in picked] == [
        ("2", "SVF-2425-0003 – Hazel Group", "75.0%", "£10,000", "£10,000"),
        ("3", "SVF-2425-0004 – Holly Trust", "71.3%", "£10,000", "£0"),
    ]
    headers = [" ".join(th.get_text().split()) for th in page(response).find(
        "caption", string="Picked").find_parent("table").select("thead th")]
    assert headers[-1] == "Budget left after this award"
    assert ("2 of 5 applications, asking for £20,000 of the £20,000 remaining, with the highest total weighted "
            "score possible within it (average 73.1%). £0 would be left unallocated.") in _text(response)

    left_out = {row[1].split(" – ")[0]: row[2] for row in _table(response, "Left out, and why")}
    assert left_out == {
        "SVF-2425-0002": "Does not fit in the £0 left after the picked set; funding it instead would mean "
                         "dropping applications that score more in total.",
        "SVF-2425-0006": "Asks for £25,000, more than the £20,000 remaining in the fund.",
        "SVF-2425-0005": "Does not fit in the £0 left after the picked set; funding it instead would mean "
                         "dropping applications that score more in total.",
    }
    assert "SVF-2425-0001" not in left_out  # already decided: not a candidate

    totals = {row[0]: row[1:] for row in _table(response, "Totals by main priority")}
    assert totals["P1: Early intervention"] == ["2", "£20,000", "2 (£20,000)", "0 (£0)"]
    assert totals["P4: Communities"] == ["1", "£40,000", "0 (£0)", "1 (£40,000)"]


def test_a_minimum_per_priority_pulls_in_a_lower_ranked_application(setting: Any, crowded: Panel) -> None:
    p3 = setting.priority_ids[2]

    response = crowded.officer.get(f"{crowded.url}?min-{p3}=1")

    assert response.status_code == 200
    picked = _table(response, "Picked")
    # Ivy (P3, rank 6) must be in; the best use of the other £15,000 is then Beech (100%).
    assert [(row[1].split(" – ")[0], row[4]) for row in picked] == [("SVF-2425-0002", "£5,000"),
                                                                    ("SVF-2425-0005", "£0")]
    assert "2 of 5 applications, asking for £20,000 of the £20,000 remaining" in _text(response)
    assert "(average 62.5%)" in _text(response)
    assert page(response).find(id=f"min-{p3}")["value"] == "1"
    totals = {row[0]: row[3] for row in _table(response, "Totals by main priority")}
    assert totals["P3: Weapons"] == "1 (£5,000)"
    assert totals["P1: Early intervention"] == "0 (£0)"


@pytest.mark.parametrize("query", [
    "min-{p1}=2&min-{p2}=1",  # Hazel + Holly + Beech would cost £35,000
    "min-{p4}=1",  # the only P4 application is already approved
])
def test_minimums_that_cannot_be_met_are_explained(setting: Any, crowded: Panel, query: str) -> None:
    p1, p2, _, p4 = setting.priority_ids

    response = crowded.officer.get(f"{crowded.url}?{query.format(p1=p1, p2=p2, p4=p4)}")

    assert response.status_code == 200
    assert ("No set of applications meets the minimum number of awards per priority within the £20,000 "
            "remaining. Lower a minimum to see a recommendation.") in _text(response)
    assert page(response).find("caption", string="Picked") is None
    left_out = _table(response, "Left out, and why")
    assert len(left_out) == 5
    assert {row[2] for row in left_out} == {"No recommendation could be made."}


@pytest.mark.parametrize("typed", [
    "x", "-1", "1.5", "51",
    # "²".isdigit() is True but int("²") raises: the page must still answer 400, not 500.
    pytest.param("²", id="superscript-two"),
])
def test_a_bad_minimum_is_shown_beside_its_field_and_in_the_summary(setting: Any, crowded: Panel,
                                                                    typed: str) -> None:
    p2 = setting.priority_ids[1]

    response = crowded.officer.get(crowded.url, query_string={f"min-{p2}": typed})

    assert response.status_code == 400
    message = "Minimum for P2 must be a whole number from 0 to 50"
    assert field_error(response, f"min-{p2}") == message
    assert error_summary(response) == [message]
    assert page(response).find("a", string=message)["href"] == f"#min-{p2}"
    assert page(response).find(id=f"min-{p2}")["value"] == typed  # what they typed, to correct
    assert page(response).title.get_text().startswith("Error: ")
    # The rest of the page still works, recommending without minimums.
    assert [row[1].split(" – ")[0] for row in _table(response, "Picked")] == ["SVF-2425-0003", "SVF-2425-0004"]


def test_blank_minimums_and_zero_are_no_minimum(setting: Any, crowded: Panel) -> None:
    p1, p2, p3, p4 = setting.priority_ids

    response = crowded.officer.get(f"{crowded.url}?min-{p1}=&min-{p2}=0&min-{p3}=+&min-{p4}=0")

    assert response.status_code == 200
    assert [row[1].split(" – ")[0] for row in _table(response, "Picked")] == ["SVF-2425-0003", "SVF-2425-0004"]

