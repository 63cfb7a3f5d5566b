"""A grant's returns, planned from its dates: created when the offer is accepted and planned again
when a variation moves the end date. Importing this module connects both signals."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select

from ..audit.services import record
from ..extensions import db
from ..grants.models import Grant
from ..grants.schedule import Period, return_periods
from ..grants.services import grant_accepted, grant_dates_changed
from .models import MonitoringReturn, ReturnKind, ReturnReminder, ReturnStatus


def returns_of(grant: Grant) -> list[MonitoringReturn]:
    return list(db.session.scalars(select(MonitoringReturn).where(MonitoringReturn.grant_id == grant.id)
                                   .order_by(MonitoringReturn.number)))


def plan_returns(grant: Grant, actor: Any = None) -> list[MonitoringReturn]:
    """Make the grant's returns match ``return_periods`` of its dates. Returns already started,
    submitted or accepted stay as they are; not-started ones are moved, added or removed. Quarterly
    returns are numbered in date order from 1 and the final return comes last."""
    existing = returns_of(grant)
    started = [r for r in existing if r.status != ReturnStatus.NOT_STARTED]
    spare = [r for r in existing if r.status == ReturnStatus.NOT_STARTED]
    covered = {(r.financial_year, r.quarter) for r in started if not r.is_final}
    final_started = any(r.is_final for r in started)
    wanted = [p for p in return_periods(grant.start_date, grant.end_date)
              if (p.kind == ReturnKind.FINAL and not final_started)
              or (p.kind == ReturnKind.QUARTERLY and (p.financial_year, p.quarter) not in covered)]
    before = [(r.number, r.period_start.isoformat(), r.due_on.isoformat()) for r in existing]

    # Numbers are unique per grant: park every existing one out of the way before renumbering.
    for row in existing:
        row.number = -row.id
    db.session.flush()

    with db.session.no_autoflush:  # new rows have no number until every row is renumbered
        rows = list(started)
        moved = []
        for period in wanted:
            row = spare.pop(0) if spare else None
            if row is None:
                row = MonitoringReturn(grant_id=grant.id, status=ReturnStatus.NOT_STARTED, sections={})
                db.session.add(row)
            elif (row.kind, row.period_start, row.period_end) != (period.kind, period.start, period.end):
                moved.append(row.id)
            _set_period(row, period)
            rows.append(row)
        if moved:  # a reminder about the old due date says nothing about the new one
            db.session.execute(delete(ReturnReminder).where(ReturnReminder.return_id.in_(moved)))
        for row in spare:
            db.session.execute(delete(ReturnReminder).where(ReturnReminder.return_id == row.id))
            db.session.delete(row)

        rows.sort(key=lambda r: (r.is_final, r.period_start))
        for number, row in enumerate(rows, start=1):
            row.number = number
    db.session.flush()
    after = [(r.number, r.period_start.isoformat(), r.due_on.isoformat()) for r in rows]
    if before != after:
        record("returns.planned", actor=actor, subject=grant, before=before, after=after)
    return rows


def _set_period(row: MonitoringReturn, period: Period) -> None:
    row.kind = period.kind
    row.period_start, row.period_end = period.start, period.end
    row.financial_year, row.quarter, row.due_on = period.financial_year, period.quarter, period.due_on


@grant_accepted.connect
def _on_grant_accepted(grant: Grant, actor: Any = None, **_: Any) -> None:
    plan_returns(grant, actor)


@grant_dates_changed.connect
def _on_grant_dates_changed(grant: Grant, actor: Any = None, **_: Any) -> None:
    plan_returns(grant, actor)
