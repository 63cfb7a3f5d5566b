"""The impact return page reads a fund in a fixed number of queries however many grants and returns
it has: the database adds up the reach, outputs and outcomes, rather than a query (or a lazy load)
per grant or return, which a fund of thousands of grants could not afford."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from flask import Flask

from sv_grants.auth.models import Role

from ..helpers import counted_queries
from .factories import Output, Team, accepted, approve, feature, fund, html_figures, html_tables, on, pay, team

URL = "/reports/svpf-2024-25/impact/2025-26-Q2"


@pytest.fixture
def statements(app: Flask) -> Iterator[list[str]]:
    with counted_queries(app) as seen:
        yield seen


def _add_grants(app: Flask, setting: Any, make_user: Any, staff: Team, start: int, count: int) -> None:
    """Grants across the priorities, each paid its first instalment, with an accepted return for each
    of the first two quarters (10 and then 6 new participants), outputs delivered, an outcome
    result and a featured case study."""
    on(date(2025, 3, 1))
    awards = [approve(app, setting, staff, make_user, reference=f"SVF-2425-{n:04d}", organisation=f"Organisation {n}",
                      award_pence=100_000 * n, priority=n % 3 + 1,
                      outputs=(Output("Sessions delivered", "sessions", 20), Output("Referrals", "referrals", 8)))
              for n in range(start, start + count)]
    for award in awards:
        fund(app, staff, award)
    on(date(2025, 7, 5))
    for n, award in enumerate(awards, start=start):
        assert award.grant_id is not None
        pay(app, staff, award.grant_id, 1, date(2025, 7, 1))
        accepted(app, staff, award, 1, participants=10, delivered=(4, 1), result=f"{n}0% so far")
    on(date(2025, 10, 6))
    for n, award in enumerate(awards, start=start):
        reach = {"sex": {"female": 2, "male": 4}, "age_band": {"15_17": 6}}
        feature(app, staff, accepted(app, staff, award, 2, participants=6, reach=reach, delivered=(5, 2),
                                     result=f"{n}5% in the September survey"))


def _queries_for(client: Any, statements: list[str]) -> tuple[int, bytes]:
    client.get(URL)  # the first view fills the worker's caches
    statements.clear()
    response = client.get(URL)
    assert response.status_code == 200
    return len(statements), response.data


def test_the_impact_return_page_costs_the_same_queries_at_three_times_the_grants(
        app: Flask, setting: Any, make_user: Any, login_as: Any, statements: list[str]) -> None:
    staff = team(app, setting, make_user)
    officer = login_as(Role.GRANTS_OFFICER)

    _add_grants(app, setting, make_user, staff, 1, 2)
    small, small_page = _queries_for(officer, statements)
    _add_grants(app, setting, make_user, staff, 3, 4)
    large, large_page = _queries_for(officer, statements)

    assert dict(html_figures(small_page, "summary"))["Participants reached to the end of the period"] == "32"
    figures = dict(html_figures(large_page, "summary"))
    assert (figures["Interventions funded"], figures["New participants in the period"],
            figures["Participants reached to the end of the period"]) == ("6", "36", "96")
    latest = {row[1]: row[4] for row in html_tables(large_page)["outcomes"]}
    assert latest == {f"Organisation {n}": f"{n}5% in the September survey" for n in range(1, 7)}
    assert large == small, "\n".join(statements)
    # Rows read must not grow with the returns either: the reach counts and outputs delivered come
    # back summed, never a row per return.
    figures_read = [s for s in statements if "FROM reach_counts" in s or "FROM output_actuals" in s]
    assert figures_read and all("sum(" in s.lower() for s in figures_read), "\n".join(figures_read)
