"""The impact return: what the fund's interventions delivered and whom they reached, by priority.

Figures come only from monitoring returns the grants team has accepted. Reach and outputs come from
quarterly returns whose quarter ends within the period ("to the end of the period" counts every
quarter before too); outcomes are each indicator's latest reported result."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import select

from ..dates import utcnow
from ..extensions import db
from ..funds.models import Fund
from ..grants.models import GrantStatus
from . import impact_queries, queries
from .data import CaseStudy, ContextFigure, ImpactReturn, OutcomeReported, OutputProgress, PriorityImpact
from .impact_queries import NOT_RECORDED, GrantFacts
from .models import ContextMeasure, Measure
from .periods import Period, parse_period, period_key

FUNDED = (GrantStatus.ACCEPTED, GrantStatus.ACTIVE, GrantStatus.SUSPENDED, GrantStatus.CLOSED)


def build_impact(fund: Fund, period: Period, generated_by: str, now: datetime | None = None) -> ImpactReturn:
    grants = impact_queries.grants(fund, period)
    priority_of = {grant.id: grant.priority for grant in grants}
    buckets: dict[tuple[str, str], dict] = {}
    for code, title in [(p.code, p.title) for p in fund.priorities]:
        buckets[(code, title)] = _bucket()
    for grant in grants:
        bucket = buckets.setdefault(grant.priority, _bucket())
        if grant.status in FUNDED and _overlaps(grant, period) and _decided_by(grant, period):
            bucket["interventions"] += 1
        bucket["paid"] += grant.paid_pence
        bucket["participants"] += grant.participants
        bucket["to_end"] += grant.participants_to_end
    for key, counts in impact_queries.reach(fund, period).items():
        buckets.setdefault(key, _bucket())["reach"] = counts
    funded = {grant.id: grant for grant in grants if grant.status in FUNDED and _decided_by(grant, period)}
    outcomes = _outcomes(funded, fund, period)
    reported: dict[str, int] = defaultdict(int)
    for outcome in outcomes:
        reported[outcome.priority_code] += 1
    priorities = [PriorityImpact(code=code, title=title, interventions=b["interventions"],
                                 participants=b["participants"], participants_to_end=b["to_end"],
                                 paid_to_end_pence=b["paid"], outcomes_reported=reported[code], reach=b["reach"])
                  for (code, title), b in buckets.items()
                  if (code, title) != NOT_RECORDED or b["interventions"] or b["to_end"]]
    return ImpactReturn(
        fund_name=fund.name, fund_slug=fund.slug, period=period, data_as_at=now or utcnow(),
        generated_by=generated_by, priorities=priorities, outputs=_outputs(funded, fund, period),
        outcomes=outcomes, case_studies=_case_studies(fund, period, priority_of), context=context_figures(period))


def _bucket() -> dict:
    return {"interventions": 0, "participants": 0, "to_end": 0, "paid": 0, "reach": {}}


def _overlaps(grant: GrantFacts, period: Period) -> bool:
    return period.is_to_date or (grant.start_date <= period.end and grant.end_date >= period.start)


def _decided_by(grant: GrantFacts, period: Period) -> bool:
    return period.is_to_date or (grant.accepted_at or grant.offered_at) < queries.end_of(period.end)


def _outputs(funded: dict[int, GrantFacts], fund: Fund, period: Period) -> list[OutputProgress]:
    rows = [OutputProgress(key=output.id, priority_code=output.priority_code,
                           organisation=funded[output.grant_id].organisation, measure=output.measure,
                           unit=output.unit, target=output.target, in_period=output.in_period, to_end=output.to_end)
            for output in impact_queries.planned_outputs(fund, period) if output.grant_id in funded]
    return sorted(rows, key=lambda row: (row.priority_code, row.organisation, row.measure))


def _outcomes(funded: dict[int, GrantFacts], fund: Fund, period: Period) -> list[OutcomeReported]:
    rows = [OutcomeReported(priority_code=funded[latest.grant_id].priority[0],
                            organisation=funded[latest.grant_id].organisation, indicator=latest.indicator,
                            target=latest.target, result=latest.result, source=latest.source)
            for latest in impact_queries.latest_results(fund, period) if latest.grant_id in funded]
    return sorted(rows, key=lambda row: (row.priority_code, row.organisation, row.indicator))


def _case_studies(fund: Fund, period: Period, priority_of: dict[int, tuple[str, str]]) -> list[CaseStudy]:
    return [CaseStudy(priority_code=priority_of.get(story.grant_id, NOT_RECORDED)[0],
                      organisation=story.organisation, source=f"{story.organisation}, {story.source}",
                      text=story.text)
            for story in impact_queries.featured_stories(fund, period) if story.text.strip()]


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
