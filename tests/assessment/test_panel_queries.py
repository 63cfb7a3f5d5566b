"""The panel page reads a round in a fixed number of queries however many applications it has: a
round of hundreds must not cost a query (or a lazy load in the template) per application."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from sv_grants.assessment.models import Outcome
from sv_grants.auth.models import Role

from ..helpers import counted_queries
from . import factories


@pytest.fixture
def statements(app: Flask) -> Iterator[list[str]]:
    with counted_queries(app) as seen:
        yield seen


def _add_applications(app: Flask, setting: Any, make_user: Any, officer_id: int, reviewers: list[int],
                      start: int, count: int) -> None:
    """Applications with everything a panel row can show: two reviewers' marks and recommendations,
    a declared conflict, a moderation, a decision, a draft review, and one still waiting."""
    for n in range(start, start + count):
        application_id = factories.being_assessed(
            app, setting, make_user(Role.APPLICANT).id, organisation=f"Organisation {n}",
            reference=f"SVF-2425-{n:04d}", requested_pence=(1_000 + n) * 100, priority_index=n % 4)
        if n % 5 == 4:
            continue  # awaiting a review
        factories.reviewed(app, application_id, reviewers[0], officer_id, [n % 5, 3, 2, 4, 1])
        other = factories.assign(app, application_id, reviewers[1], officer_id)
        if n % 3 == 0:
            factories.declare(app, other, interest=True, details="A trustee")
        else:
            factories.declare(app, other)
            factories.score(app, other, [2, 2, 3, 3, 4], recommendation="do_not_fund", submit=n % 3 == 1)
        if n % 4 == 1:
            factories.moderate(app, application_id, officer_id, 600 + n)
        if n % 4 == 2:
            factories.decide(app, application_id, officer_id, Outcome.RESERVE if n % 8 == 2 else Outcome.REJECTED)


def _queries_for(client: Any, url: str, statements: list[str]) -> tuple[int, str]:
    client.get(url)  # the first view fills the worker's caches
    statements.clear()
    response = client.get(url)
    assert response.status_code == 200
    return len(statements), response.get_data(as_text=True)


def test_the_panel_page_costs_the_same_queries_at_three_times_the_size(
        app: Flask, setting: Any, make_user: Any, login_as: Any, statements: list[str]) -> None:
    officer = login_as(Role.GRANTS_OFFICER)
    reviewers = [make_user(Role.REVIEWER, name=f"Reviewer {n}").id for n in (1, 2)]
    factories.add_criteria(app, setting.round_id)
    url = f"/rounds/{setting.round_id}/panel"

    _add_applications(app, setting, make_user, officer.person.id, reviewers, 1, 5)
    small, small_page = _queries_for(officer, url, statements)
    _add_applications(app, setting, make_user, officer.person.id, reviewers, 6, 10)
    large, large_page = _queries_for(officer, url, statements)

    assert "SVF-2425-0003" in small_page and "SVF-2425-0015" in large_page  # both sizes really ranked
    assert "Still waiting for a submitted review: SVF-2425-0004, SVF-2425-0009, SVF-2425-0014." in large_page
    assert large == small, "\n".join(statements)
