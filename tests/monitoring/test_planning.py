"""Returns are planned from the grant's dates when the offer is accepted, one per financial quarter
touched plus a final one, and planned again when a variation moves the end date."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Flask
from sqlalchemy import select

from sv_grants.audit.models import AuditEvent
from sv_grants.auth.models import User
from sv_grants.extensions import db
from sv_grants.grants import variations
from sv_grants.grants.models import Grant, VariationKind

from ..grants.factories import accept, funded
from ..helpers import Setting
from .factories import complete, returns_of, travel_to_day


def _schedule(app: Flask, grant_id: int) -> list[tuple[Any, ...]]:
    return [(r.number, r.kind, r.period_start, r.period_end, r.financial_year, r.quarter, r.due_on)
            for r in returns_of(app, grant_id)]


def test_a_grant_starting_mid_quarter_over_a_year_end_gets_a_return_per_quarter_and_a_final_one(
        app: Flask, setting: Setting, make_user: Any) -> None:
    grant = funded(app, setting, make_user, accepted=False, start=date(2026, 2, 15), end=date(2026, 8, 14))
    assert returns_of(app, grant.grant_id) == []  # an offer has no returns until it is accepted

    accept(app, grant.grant_id, grant.applicant.id)

    assert _schedule(app, grant.grant_id) == [
        (1, "quarterly", date(2026, 2, 15), date(2026, 3, 31), "2025-26", 4, date(2026, 4, 30)),
        (2, "quarterly", date(2026, 4, 1), date(2026, 6, 30), "2026-27", 1, date(2026, 7, 31)),
        (3, "quarterly", date(2026, 7, 1), date(2026, 8, 14), "2026-27", 2, date(2026, 9, 30)),
        (4, "final", date(2026, 2, 15), date(2026, 8, 14), "2026-27", None, date(2026, 9, 30)),
    ]
    assert {r.status for r in returns_of(app, grant.grant_id)} == {"not_started"}


def test_a_full_financial_year_grant_has_four_quarterly_returns_then_the_final_one(
        app: Flask, setting: Setting, make_user: Any) -> None:
    grant = funded(app, setting, make_user)

    schedule = _schedule(app, grant.grant_id)

    assert [(n, kind, quarter, due) for n, kind, _, _, _, quarter, due in schedule] == [
        (1, "quarterly", 1, date(2025, 7, 31)), (2, "quarterly", 2, date(2025, 10, 31)),
        (3, "quarterly", 3, date(2026, 1, 31)), (4, "quarterly", 4, date(2026, 4, 30)),
        (5, "final", None, date(2026, 4, 30))]


def _move_end_date(app: Flask, grant_id: int, officer_id: int, end: date) -> None:
    with app.test_request_context():
        officer = db.session.get(User, officer_id)
        grant = db.session.get(Grant, grant_id)
        variation = variations.request_variation(officer, grant, VariationKind.END_DATE,
                                                 {"end_date": end.isoformat()}, "Delivery paused over summer")
        variations.decide_variation(officer, variation, True, "Agreed at the review meeting")
        db.session.commit()


def test_moving_the_end_date_replans_only_returns_not_started(app: Flask, setting: Setting, make_user: Any) -> None:
    grant = funded(app, setting, make_user, start=date(2026, 2, 15), end=date(2026, 8, 14))
    first = returns_of(app, grant.grant_id)[0]
    travel_to_day(date(2026, 3, 1))
    complete(app, grant.applicant.id, first.id)  # the first return is started (and complete)

    _move_end_date(app, grant.grant_id, grant.officer.id, date(2026, 12, 31))

    returns = returns_of(app, grant.grant_id)
    assert _schedule(app, grant.grant_id) == [
        (1, "quarterly", date(2026, 2, 15), date(2026, 3, 31), "2025-26", 4, date(2026, 4, 30)),
        (2, "quarterly", date(2026, 4, 1), date(2026, 6, 30), "2026-27", 1, date(2026, 7, 31)),
        (3, "quarterly", date(2026, 7, 1), date(2026, 9, 30), "2026-27", 2, date(2026, 10, 31)),
        (4, "quarterly", date(2026, 10, 1), date(2026, 12, 31), "2026-27", 3, date(2027, 1, 31)),
        (5, "final", date(2026, 2, 15), date(2026, 12, 31), "2026-27", None, date(2027, 1, 31)),
    ]
    assert returns[0].id == first.id and returns[0].status == "draft"  # kept, with its answers

    # Shortening it again removes the returns no longer owed; the final one stays last.
    _move_end_date(app, grant.grant_id, grant.officer.id, date(2026, 5, 31))

    assert _schedule(app, grant.grant_id) == [
        (1, "quarterly", date(2026, 2, 15), date(2026, 3, 31), "2025-26", 4, date(2026, 4, 30)),
        (2, "quarterly", date(2026, 4, 1), date(2026, 5, 31), "2026-27", 1, date(2026, 6, 30)),
        (3, "final", date(2026, 2, 15), date(2026, 5, 31), "2026-27", None, date(2026, 6, 30)),
    ]
    assert returns_of(app, grant.grant_id)[0].id == first.id
    with app.app_context():
        assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "returns.planned")).all()
