"""The funding return: where the fund's money went, to the penny.

The per-grant rows are worked out in Python from the grants, their instalments and accepted
returns; the headline comes from aggregate queries. ``FundingReturn.checks`` compares the two,
and, to date, the fund's own ledgers, so a mistake in either shows on the return itself."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import InstrumentedAttribute, joinedload

from ..applications.models import Application, BudgetLine, CostType
from ..assessment.models import Decision
from ..dates import to_london, utcnow
from ..extensions import db
from ..funds.models import Fund
from ..grants.models import Grant, Instalment, InstalmentStatus
from ..monitoring.models import MonitoringReturn, SpendLine
from . import queries
from .data import FundingGrantRow, FundingGroupRow, FundingReturn, Headline, QuarterPayments, Release
from .periods import Period, quarter_bounds, quarter_of, quarters_between


def build_funding(fund: Fund, period: Period, generated_by: str, now: datetime | None = None) -> FundingReturn:
    now = now or utcnow()
    names = queries.area_names()
    grants = queries.grants_of(fund)
    spend = queries.latest_spend(fund, period)
    rows = [_row(decision, application, grants.get(application.id), spend, names, period)
            for decision, application in queries.approvals(fund, period)]
    rows = [row for row in rows if row is not None]
    to_date = period.is_to_date
    ledger_paid = db.session.scalar(select(func.coalesce(func.sum(Grant.paid_pence), 0))
                                    .where(Grant.fund_id == fund.id)) if to_date else None
    return FundingReturn(
        fund_name=fund.name, fund_slug=fund.slug, period=period, data_as_at=now, generated_by=generated_by,
        headline=_headline(fund, period), grants=rows,
        by_priority=_groups(rows, lambda r: f"{r.priority_code} {r.priority_title}".strip(),
                            [f"{p.code} {p.title}" for p in fund.priorities]),
        by_area=_groups(rows, lambda r: r.area, []),
        payments_by_quarter=_payments_by_quarter(fund, period),
        underspends=_releases(fund, period, Grant.underspend_pence),
        clawbacks=_releases(fund, period, Grant.clawback_pence),
        ledger_committed_pence=fund.committed_pence if to_date else None,
        ledger_paid_pence=int(ledger_paid) if ledger_paid is not None else None)


def _row(decision: Decision, application: Application, grant: Grant | None, spend: dict[int, queries.LatestSpend],
         names: dict[str, str], period: Period) -> FundingGrantRow | None:
    priority = application.primary_priority
    common = {"organisation": application.organisation.name, "priority_code": priority.code if priority else "",
              "priority_title": priority.title if priority else "Not recorded",
              "area": queries.area_label(application.delivery_areas or [], names)}
    if grant is None:
        told = decision.notified_at is not None
        return FundingGrantRow(reference=application.reference or "", **common,
                               status="Approved, offer not yet made" if told else "Approved, not yet announced",
                               committed_pence=decision.awarded_pence or 0, paid_in_period_pence=0,
                               paid_to_end_pence=0, spend_pence=None, labour_spend_pence=None,
                               non_labour_spend_pence=None, rag=None)
    paid = [i for i in grant.instalments if i.status == InstalmentStatus.PAID and i.paid_on is not None]
    latest = spend.get(grant.id)
    labour = latest.labour_pence if latest is not None else None
    non_labour = latest.non_labour_pence if latest is not None else None
    committed = grant.paid_pence if grant.status == "withdrawn" else grant.awarded_pence - grant.underspend_pence
    return FundingGrantRow(
        reference=grant.reference, **common, status=grant.status_enum.label, committed_pence=committed,
        paid_in_period_pence=sum(i.amount_pence for i in paid if period.contains(i.paid_on)),
        paid_to_end_pence=sum(i.amount_pence for i in paid if i.paid_on <= period.end),
        spend_pence=None if latest is None else (labour or 0) + (non_labour or 0),
        labour_spend_pence=labour, non_labour_spend_pence=non_labour,
        rag=latest.rag if latest is not None else None)


def _groups(rows: list[FundingGrantRow], key: Callable[[FundingGrantRow], str],
            order: list[str]) -> list[FundingGroupRow]:
    grouped: dict[str, list[FundingGrantRow]] = defaultdict(list)
    for row in rows:
        grouped[key(row)].append(row)
    labels = list(order) + sorted(label for label in grouped if label not in order)
    return [FundingGroupRow(label=label, grants=len(grouped[label]),
                            committed_pence=sum(r.committed_pence for r in grouped[label]),
                            paid_to_end_pence=sum(r.paid_to_end_pence for r in grouped[label]),
                            spend_pence=sum(r.spend_pence or 0 for r in grouped[label]))
            for label in labels]


def _paid(fund: Fund, *conditions: ColumnElement[bool]) -> tuple[int, int]:
    count, total = db.session.execute(
        select(func.count(Instalment.id), func.coalesce(func.sum(Instalment.amount_pence), 0))
        .join(Grant, Instalment.grant_id == Grant.id)
        .where(Grant.fund_id == fund.id, Instalment.status == InstalmentStatus.PAID, *conditions)).one()
    return int(count), int(total)


def _headline(fund: Fund, period: Period) -> Headline:
    _, paid_in_period = _paid(fund, queries.in_period(Instalment.paid_on, period))
    _, paid_to_end = _paid(fund, Instalment.paid_on <= period.end)
    spend = _spend_by_cost_type(fund, period)
    underspend = sum(r.amount_pence for r in _releases(fund, period, Grant.underspend_pence))
    clawback = sum(r.amount_pence for r in _releases(fund, period, Grant.clawback_pence))
    return Headline(
        pot_pence=fund.total_pence, committed_pence=queries.committed_total(fund, period),
        paid_in_period_pence=paid_in_period, paid_to_end_pence=paid_to_end,
        spend_pence=spend.get(CostType.LABOUR, 0) + spend.get(CostType.NON_LABOUR, 0),
        labour_spend_pence=spend.get(CostType.LABOUR, 0), non_labour_spend_pence=spend.get(CostType.NON_LABOUR, 0),
        underspend_released_pence=underspend, clawback_owed_pence=clawback)


def _spend_by_cost_type(fund: Fund, period: Period) -> dict[str, int]:
    """Spend to date from each grant's latest accepted return that reports spend, by cost type."""
    reporting = queries.latest_reporting_spend(fund, period)
    query = (select(BudgetLine.cost_type, func.coalesce(func.sum(SpendLine.spent_pence), 0))
             .join(MonitoringReturn, SpendLine.return_id == MonitoringReturn.id)
             .join(reporting, (reporting.c.grant_id == MonitoringReturn.grant_id)
                   & (reporting.c.number == MonitoringReturn.number))
             .join(BudgetLine, SpendLine.budget_line_id == BudgetLine.id)
             .group_by(BudgetLine.cost_type))
    totals = {CostType.LABOUR.value: 0, CostType.NON_LABOUR.value: 0}
    for cost_type, total in db.session.execute(query):
        key = CostType.LABOUR.value if cost_type == CostType.LABOUR else CostType.NON_LABOUR.value
        totals[key] += int(total)
    return totals


def _payments_by_quarter(fund: Fund, period: Period) -> list[QuarterPayments]:
    query = (select(Instalment.paid_on, Instalment.amount_pence).join(Grant, Instalment.grant_id == Grant.id)
             .where(Grant.fund_id == fund.id, Instalment.status == InstalmentStatus.PAID,
                    queries.in_period(Instalment.paid_on, period)))
    buckets: dict[tuple[str, int], list[int]] = defaultdict(list)
    for paid_on, amount in db.session.execute(query):
        buckets[quarter_of(paid_on)].append(amount)
    if period.start is not None:
        keys = quarters_between(period.start, period.end)
    elif buckets:
        keys = quarters_between(min(_start(k) for k in buckets), period.end)
    else:
        keys = []
    return [QuarterPayments(label=f"{year.replace('-', '/')} Q{quarter}", payments=len(buckets[(year, quarter)]),
                            paid_pence=sum(buckets[(year, quarter)])) for year, quarter in keys]


def _start(key: tuple[str, int]) -> date:
    return quarter_bounds(int(key[0][:4]), key[1])[0]


def _releases(fund: Fund, period: Period, column: InstrumentedAttribute[int]) -> list[Release]:
    """Closed grants' underspend released, or clawback recorded, in the period."""
    query = (select(Grant).where(Grant.fund_id == fund.id, Grant.closed_at.is_not(None), column > 0,
                                 Grant.closed_at < queries.end_of(period.end))
             .options(joinedload(Grant.organisation)).order_by(Grant.closed_at))
    if period.start is not None:
        query = query.where(Grant.closed_at >= queries.start_of(period.start))
    return [Release(reference=grant.reference, organisation=grant.organisation.name,
                    on=to_london(grant.closed_at).date(), amount_pence=getattr(grant, column.key),
                    reason=(grant.clawback_reason or "") if column.key == "clawback_pence" else "")
            for grant in db.session.scalars(query)]
