"""The impact return: what the fund's interventions delivered and whom they reached, by priority.

Figures come only from monitoring returns the grants team has accepted. Reach and outputs come from
quarterly returns whose quarter ends within the period ("to the end of the period" counts every
quarter before too); outcomes are each indicator's latest reported result."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ..applications.models import Application, ApplicationPriority
from ..dates import utcnow
from ..extensions import db
from ..funds.models import Fund
from ..grants.models import Grant, GrantStatus, InstalmentStatus
from ..monitoring.models import MonitoringReturn, ReturnKind, ReturnStatus
from . import queries
from .data import CaseStudy, ContextFigure, ImpactReturn, OutcomeReported, OutputProgress, PriorityImpact
from .models import ContextMeasure, FeaturedCaseStudy, Measure
from .periods import Period, parse_period, period_key

FUNDED = (GrantStatus.ACCEPTED, GrantStatus.ACTIVE, GrantStatus.SUSPENDED, GrantStatus.CLOSED)
NOT_RECORDED = ("", "Priority not recorded")


def build_impact(fund: Fund, period: Period, generated_by: str, now: datetime | None = None) -> ImpactReturn:
    grants = _grants(fund)
    returns = queries.accepted_returns(fund, period)
    priority_of = {grant.id: _priority(grant.application) for grant in grants}
    buckets: dict[tuple[str, str], dict] = {}
    for code, title in [(p.code, p.title) for p in fund.priorities]:
        buckets[(code, title)] = _bucket()
    for grant in grants:
        bucket = buckets.setdefault(priority_of[grant.id], _bucket())
        if grant.status in FUNDED and _overlaps(grant, period) and _decided_by(grant, period):
            bucket["interventions"] += 1
        bucket["paid"] += sum(i.amount_pence for i in grant.instalments
                              if i.status == InstalmentStatus.PAID and i.paid_on and i.paid_on <= period.end)
    delivered: dict[int, list[int]] = defaultdict(lambda: [0, 0])  # planned output id: [in period, to end]
    results: dict[int, tuple[MonitoringReturn, object]] = {}
    for monitoring_return in returns:
        bucket = buckets.setdefault(priority_of.get(monitoring_return.grant_id, NOT_RECORDED), _bucket())
        within = period.contains(monitoring_return.period_end)
        if monitoring_return.kind == ReturnKind.QUARTERLY:
            bucket["to_end"] += monitoring_return.new_participants or 0
            if within:
                bucket["participants"] += monitoring_return.new_participants or 0
                for count in monitoring_return.reach_counts:
                    bucket["reach"][count.dimension][count.category] += count.count
            for actual in monitoring_return.output_actuals:
                delivered[actual.planned_output_id][1] += actual.quantity
                if within:
                    delivered[actual.planned_output_id][0] += actual.quantity
        for outcome in monitoring_return.outcome_actuals:
            if outcome.result.strip():
                results[outcome.planned_outcome_id] = (monitoring_return, outcome)  # oldest first: latest wins
    funded = [grant for grant in grants if grant.status in FUNDED and _decided_by(grant, period)]
    outcomes = _outcomes(funded, results, priority_of)
    reported = defaultdict(int)
    for outcome in outcomes:
        reported[outcome.priority_code] += 1
    priorities = [PriorityImpact(code=code, title=title, interventions=b["interventions"],
                                 participants=b["participants"], participants_to_end=b["to_end"],
                                 paid_to_end_pence=b["paid"], outcomes_reported=reported[code],
                                 reach={dimension: dict(counts) for dimension, counts in b["reach"].items()})
                  for (code, title), b in buckets.items()
                  if (code, title) != NOT_RECORDED or b["interventions"] or b["to_end"]]
    return ImpactReturn(
        fund_name=fund.name, fund_slug=fund.slug, period=period, data_as_at=now or utcnow(),
        generated_by=generated_by, priorities=priorities, outputs=_outputs(funded, delivered),
        outcomes=outcomes, case_studies=_case_studies(fund, period, priority_of), context=context_figures(period))


def _bucket() -> dict:
    return {"interventions": 0, "participants": 0, "to_end": 0, "paid": 0,
            "reach": defaultdict(lambda: defaultdict(int))}


def _grants(fund: Fund) -> list[Grant]:
    query = (select(Grant).where(Grant.fund_id == fund.id)
             .options(selectinload(Grant.instalments), joinedload(Grant.organisation),
                      joinedload(Grant.application).selectinload(Application.priorities)
                      .joinedload(ApplicationPriority.priority),
                      joinedload(Grant.application).selectinload(Application.outputs),
                      joinedload(Grant.application).selectinload(Application.outcomes))
             .order_by(Grant.reference))
    return list(db.session.scalars(query).unique())


def _priority(application: Application) -> tuple[str, str]:
    priority = application.primary_priority
    return (priority.code, priority.title) if priority is not None else NOT_RECORDED


def _overlaps(grant: Grant, period: Period) -> bool:
    return period.is_to_date or (grant.start_date <= period.end and grant.end_date >= period.start)


def _decided_by(grant: Grant, period: Period) -> bool:
    return period.is_to_date or (grant.accepted_at or grant.offered_at) < queries.end_of(period.end)


def _outputs(grants: list[Grant], delivered: dict[int, list[int]]) -> list[OutputProgress]:
    rows = []
    for grant in grants:
        for output in grant.application.outputs:
            in_period, to_end = delivered.get(output.id, [0, 0])
            rows.append(OutputProgress(key=output.id, priority_code=output.priority.code if output.priority else "",
                                       organisation=grant.organisation.name, measure=output.measure,
                                       unit=output.unit, target=output.target, in_period=in_period, to_end=to_end))
    return sorted(rows, key=lambda row: (row.priority_code, row.organisation, row.measure))


def _outcomes(grants: list[Grant], results: dict, priority_of: dict[int, tuple[str, str]]) -> list[OutcomeReported]:
    rows = []
    for grant in grants:
        for outcome in grant.application.outcomes:
            if outcome.id not in results:
                continue
            monitoring_return, actual = results[outcome.id]
            rows.append(OutcomeReported(priority_code=priority_of[grant.id][0], organisation=grant.organisation.name,
                                        indicator=outcome.indicator, target=outcome.target, result=actual.result,
                                        source=monitoring_return.title))
    return sorted(rows, key=lambda row: (row.priority_code, row.organisation, row.indicator))


def _case_studies(fund: Fund, period: Period, priority_of: dict[int, tuple[str, str]]) -> list[CaseStudy]:
    query = (select(MonitoringReturn).join(FeaturedCaseStudy, FeaturedCaseStudy.return_id == MonitoringReturn.id)
             .join(Grant, MonitoringReturn.grant_id == Grant.id)
             .where(Grant.fund_id == fund.id, MonitoringReturn.status == ReturnStatus.ACCEPTED,
                    queries.in_period(MonitoringReturn.period_end, period))
             .options(joinedload(MonitoringReturn.grant).joinedload(Grant.organisation))
             .order_by(MonitoringReturn.period_end, MonitoringReturn.id))
    return [CaseStudy(priority_code=priority_of.get(r.grant_id, NOT_RECORDED)[0],
                      organisation=r.grant.organisation.name, source=f"{r.grant.organisation.name}, {r.title}",
                      text=r.case_study or "")
            for r in db.session.scalars(query) if (r.case_study or "").strip()]


def context_figures(period: Period) -> list[ContextFigure]:
    """The context measures whose own period lies within ``period``."""
    figures = []
    for measure in db.session.scalars(select(ContextMeasure).order_by(
            ContextMeasure.measure, ContextMeasure.area_name, ContextMeasure.financial_year, ContextMeasure.quarter)):
        own = parse_period(period_key(measure.financial_year, measure.quarter or None), period.end)
        assert own.start is not None
        if (period.start is None or own.start >= period.start) and own.end <= period.end:
            figures.append(ContextFigure(key=measure.id, measure=Measure(measure.measure).label,
                                         area=measure.area_name, period=measure.period_label, value=measure.value,
                                         source=measure.source))
    order = {m.label: i for i, m in enumerate(Measure)}
    return sorted(figures, key=lambda f: (order[f.measure], f.area, f.period))
