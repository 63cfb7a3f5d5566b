"""The funding return: where the fund's money went, to the penny.

The per-grant rows come from one row a grant (its instalments summed in SQL) and its latest
accepted return's spend; the headline comes from aggregate queries of their own.
``FundingReturn.checks`` compares the two, and, to date, the fund's own ledgers, so a mistake in
either shows on the return itself."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, func, select
from sqlalchemy.orm import InstrumentedAttribute

from ..applications.models import BudgetLine, CostType
from ..dates import to_london, utcnow
from ..extensions import db
from ..funds.models import Fund
from ..grants.models import Grant, GrantStatus, Instalment, InstalmentStatus
from ..monitoring.models import MonitoringReturn, SpendLine
from ..organisations.models import Organisation
from . import queries
from .data import FundingGrantRow, FundingGroupRow, FundingReturn, Headline, QuarterPayments, Release
from .periods import Period, quarter_bounds, quarter_of, quarters_between


def build_funding(fund: Fund, period: Period, generated_by: str, now: datetime | None = None) -> FundingReturn:
    now = now or utcnow()
    names = queries.area_names()
    spend = queries.latest_spend(fund, period)
    areas: dict[tuple[str, ...], str] = {}  # a fund's grants share a few sets of areas: each label is made once
    rows = [_row(line, spend, names, areas) for line in queries.approved_lines(fund, period)]
    underspends = _releases(fund, period, Grant.underspend_pence)
    clawbacks = _releases(fund, period, Grant.clawback_pence)
    to_date = period.is_to_date
    ledger_paid = db.session.scalar(select(func.coalesce(func.sum(Grant.paid_pence), 0))
                                    .where(Grant.fund_id == fund.id)) if to_date else None
    return FundingReturn(
        fund_name=fund.name, fund_slug=fund.slug, period=period, data_as_at=now, generated_by=generated_by,
        headline=_headline(fund, period, underspends, clawbacks), grants=rows,
        by_priority=_groups(rows, lambda r: f"{r.priority_code} {r.priority_title}".strip(),
                            [f"{p.code} {p.title}" for p in fund.priorities]),
        by_area=_groups(rows, lambda r: r.area, []),
        payments_by_quarter=_payments_by_quarter(fund, period),
        underspends=underspends, clawbacks=clawbacks,
        ledger_committed_pence=fund.committed_pence if to_date else None,
        ledger_paid_pence=int(ledger_paid) if ledger_paid is not None else None)


def _row(line: Row[Any], spend: dict[int, queries.LatestSpend], names: dict[str, str],
         areas: dict[tuple[str, ...], str]) -> FundingGrantRow:
    codes = tuple(line.delivery_areas or [])
    area = areas.get(codes)
    if area is None:
        area = areas[codes] = queries.area_label(list(codes), names)
    prioritised = line.priority_id is not None
    common = {"organisation": line.organisation, "priority_code": line.priority_code if prioritised else "",
              "priority_title": line.priority_title if prioritised else "Not recorded", "area": area}
    if line.grant_id is None:
        told = bool(line.notified)
        return FundingGrantRow(reference=line.application_reference or "", **common,
                               status="Approved, offer not yet made" if told else "Approved, not yet announced",
                               committed_pence=line.decision_pence or 0, paid_in_period_pence=0,
                               paid_to_end_pence=0, spend_pence=None, labour_spend_pence=None,
                               non_labour_spend_pence=None, rag=None)
    latest = spend.get(line.grant_id)
    labour = latest.labour_pence if latest is not None else None
    non_labour = latest.non_labour_pence if latest is not None else None
    withdrawn = line.grant_status == GrantStatus.WITHDRAWN
    return FundingGrantRow(
        reference=line.grant_reference, **common, status=GrantStatus(line.grant_status).label,
        committed_pence=line.paid_pence if withdrawn else line.awarded_pence - line.underspend_pence,
        paid_in_period_pence=int(line.in_period or 0), paid_to_end_pence=int(line.to_end or 0),
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


def _headline(fund: Fund, period: Period, underspends: list[Release], clawbacks: list[Release]) -> Headline:
    _, paid_in_period = _paid(fund, queries.in_period(Instalment.paid_on, period))
    _, paid_to_end = _paid(fund, Instalment.paid_on <= period.end)
    spend = _spend_by_cost_type(fund, period)
    underspend = sum(r.amount_pence for r in underspends)
    clawback = sum(r.amount_pence for r in clawbacks)
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
    # Summed by day in SQL: a fund of thousands of grants has tens of thousands of payments but few payment days.
    query = (select(Instalment.paid_on, func.count(Instalment.id), func.sum(Instalment.amount_pence))
             .join(Grant, Instalment.grant_id == Grant.id)
             .where(Grant.fund_id == fund.id, Instalment.status == InstalmentStatus.PAID,
                    queries.in_period(Instalment.paid_on, period))
             .group_by(Instalment.paid_on))
    buckets: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0])  # quarter: [payments, pence]
    for paid_on, payments, amount in db.session.execute(query):
        bucket = buckets[quarter_of(paid_on)]
        bucket[0] += int(payments)
        bucket[1] += int(amount)
    if period.start is not None:
        keys = quarters_between(period.start, period.end)
    elif buckets:
        keys = quarters_between(min(_start(k) for k in buckets), period.end)
    else:
        keys = []
    return [QuarterPayments(label=f"{year.replace('-', '/')} Q{quarter}", payments=buckets[(year, quarter)][0],
                            paid_pence=buckets[(year, quarter)][1]) for year, quarter in keys]


def _start(key: tuple[str, int]) -> date:
    return quarter_bounds(int(key[0][:4]), key[1])[0]


def _releases(fund: Fund, period: Period, column: InstrumentedAttribute[int]) -> list[Release]:
    """Closed grants' underspend released, or clawback recorded, in the period."""
    query = (select(Grant.reference, Organisation.name, Grant.closed_at, column, Grant.clawback_reason)
             .join(Organisation, Grant.organisation_id == Organisation.id)
             .where(Grant.fund_id == fund.id, Grant.closed_at.is_not(None), column > 0,
                    Grant.closed_at < queries.end_of(period.end))
             .order_by(Grant.closed_at))
    if period.start is not None:
        query = query.where(Grant.closed_at >= queries.start_of(period.start))
    clawback = column.key == "clawback_pence"
    return [Release(reference=reference, organisation=organisation, on=to_london(closed_at).date(),
                    amount_pence=amount, reason=(reason or "") if clawback else "")
            for reference, organisation, closed_at, amount, reason in db.session.execute(query)]
