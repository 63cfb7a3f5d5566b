"""Loading what the returns are built from, a fund at a time, without a query per grant."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Row, Subquery, and_, case, exists, func, select

from ..applications.models import Application, ApplicationPriority, BudgetLine, CostType
from ..assessment.models import Decision, Outcome
from ..dates import LONDON
from ..extensions import db
from ..funds.models import Area, Fund, Priority, Round
from ..grants.models import Grant, GrantStatus, Instalment, InstalmentStatus
from ..monitoring.models import MonitoringReturn, ReturnStatus, SpendLine
from ..organisations.models import Organisation
from .periods import Period


def end_of(day: date) -> datetime:
    """The first instant after ``day`` in London, for comparing UTC timestamps with a period."""
    return datetime.combine(day + timedelta(days=1), time(0), LONDON)


def start_of(day: date) -> datetime:
    return datetime.combine(day, time(0), LONDON)


def area_names() -> dict[str, str]:
    return {area.code: area.name for area in db.session.scalars(select(Area))}


def area_label(codes: list[str], names: dict[str, str]) -> str:
    if not codes:
        return "Not recorded"
    return " and ".join(sorted(names.get(code, code) for code in codes))


def approved_lines(fund: Fund, period: Period) -> Sequence[Row[Any]]:
    """One plain row per approved decision (drafts included: they already hold budget) on the fund's
    applications, made by the end of the period, in reference order: the application's reference,
    organisation, main priority and areas, the decision's award, and its grant, if one was offered,
    with the instalments it had been paid in the period and by its end summed in SQL.

    Only the columns the funding return prints are selected: loading decisions, applications and
    grants with their instalments as objects took most of the time of a return of thousands of grants."""
    paid = (select(Instalment.grant_id,
                   func.sum(case((in_period(Instalment.paid_on, period), Instalment.amount_pence), else_=0))
                   .label("in_period"),
                   func.sum(case((Instalment.paid_on <= period.end, Instalment.amount_pence), else_=0))
                   .label("to_end"))
            .join(Grant, Instalment.grant_id == Grant.id)
            .where(Grant.fund_id == fund.id, Instalment.status == InstalmentStatus.PAID,
                   Instalment.paid_on.is_not(None))
            .group_by(Instalment.grant_id).subquery())
    query = (select(Application.reference.label("application_reference"), Organisation.name.label("organisation"),
                    Priority.id.label("priority_id"), Priority.code.label("priority_code"),
                    Priority.title.label("priority_title"), Application.delivery_areas,
                    Decision.awarded_pence.label("decision_pence"), Decision.notified_at.is_not(None).label("notified"),
                    Grant.id.label("grant_id"), Grant.reference.label("grant_reference"),
                    Grant.status.label("grant_status"), Grant.awarded_pence, Grant.paid_pence, Grant.underspend_pence,
                    paid.c.in_period, paid.c.to_end)
             .select_from(Decision).join(Application, Decision.application_id == Application.id)
             .join(Round, Application.round_id == Round.id)
             .join(Organisation, Application.organisation_id == Organisation.id)
             .outerjoin(ApplicationPriority, and_(ApplicationPriority.application_id == Application.id,
                                                  ApplicationPriority.is_primary))
             .outerjoin(Priority, ApplicationPriority.priority_id == Priority.id)
             .outerjoin(Grant, and_(Grant.application_id == Application.id, Grant.fund_id == fund.id))
             .outerjoin(paid, paid.c.grant_id == Grant.id)
             .where(Round.fund_id == fund.id, Decision.outcome == Outcome.APPROVED, *decided_by(period))
             .order_by(Application.reference))
    return db.session.execute(query).all()


@dataclass(frozen=True)
class LatestSpend:
    labour_pence: int
    non_labour_pence: int
    rag: str | None


def latest_reporting_spend(fund: Fund, period: Period) -> Subquery:
    """(grant_id, number) of each grant's latest accepted return by the end of ``period`` that
    reports spend: spend is reported to date, so only that return counts."""
    return (select(MonitoringReturn.grant_id, func.max(MonitoringReturn.number).label("number"))
            .join(Grant, MonitoringReturn.grant_id == Grant.id)
            .where(Grant.fund_id == fund.id, MonitoringReturn.status == ReturnStatus.ACCEPTED,
                   MonitoringReturn.period_end <= period.end, MonitoringReturn.spend_lines.any())
            .group_by(MonitoringReturn.grant_id).subquery())


def latest_spend(fund: Fund, period: Period) -> dict[int, LatestSpend]:
    """{grant id: spend on its latest return that reports any}, summed in SQL: loading every return
    and spend line of a fund of thousands of grants took most of the funding return's time."""
    latest = latest_reporting_spend(fund, period)
    labour = BudgetLine.cost_type == CostType.LABOUR
    rows = db.session.execute(
        select(MonitoringReturn.grant_id, MonitoringReturn.rag,
               func.sum(case((labour, SpendLine.spent_pence), else_=0)),
               func.sum(case((labour, 0), else_=SpendLine.spent_pence)))
        .join(latest, and_(latest.c.grant_id == MonitoringReturn.grant_id,
                           latest.c.number == MonitoringReturn.number))
        .join(SpendLine, SpendLine.return_id == MonitoringReturn.id)
        .join(BudgetLine, SpendLine.budget_line_id == BudgetLine.id)
        .group_by(MonitoringReturn.grant_id, MonitoringReturn.rag))
    return {grant_id: LatestSpend(int(labour_pence), int(other_pence), rag)
            for grant_id, rag, labour_pence, other_pence in rows}


def committed_case() -> ColumnElement[int]:
    """What a grant still holds of the fund: nothing beyond what was paid once it is withdrawn;
    the award less the underspend released otherwise."""
    return case((Grant.status == GrantStatus.WITHDRAWN, Grant.paid_pence),
                else_=Grant.awarded_pence - Grant.underspend_pence)


def decided_by(period: Period) -> list[ColumnElement[bool]]:
    """Awards made by the end of the period; to date, every award, whenever the clock says it is."""
    return [] if period.is_to_date else [Decision.decided_at < end_of(period.end)]


def committed_total(fund: Fund, period: Period) -> int:
    decided = select(Decision.application_id).where(*decided_by(period))
    grants = db.session.scalar(select(func.coalesce(func.sum(committed_case()), 0))
                               .where(Grant.fund_id == fund.id, Grant.application_id.in_(decided)))
    waiting = db.session.scalar(
        select(func.coalesce(func.sum(Decision.awarded_pence), 0))
        .join(Application, Decision.application_id == Application.id).join(Round, Application.round_id == Round.id)
        .where(Round.fund_id == fund.id, Decision.outcome == Outcome.APPROVED, *decided_by(period),
               ~exists().where(Grant.application_id == Decision.application_id)))
    return int(grants) + int(waiting)


def in_period(column: ColumnElement[date], period: Period) -> ColumnElement[bool]:
    condition = column <= period.end
    return condition if period.start is None else and_(column >= period.start, condition)
