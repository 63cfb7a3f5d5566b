"""The impact return's figures, added up by the database in a fixed number of queries: loading every
accepted return with its reach counts, outputs and outcomes as objects, only to add them up, took
most of the return's time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from sqlalchemy import ColumnElement, Select, and_, case, func, select

from ..applications.models import ApplicationPriority, PlannedOutcome, PlannedOutput
from ..extensions import db
from ..funds.models import Fund, Priority
from ..grants.models import Grant, Instalment, InstalmentStatus
from ..monitoring.models import MonitoringReturn, OutcomeActual, OutputActual, ReachCount, ReturnKind, ReturnStatus
from ..organisations.models import Organisation
from . import queries
from .models import FeaturedCaseStudy
from .periods import Period

NOT_RECORDED = ("", "Priority not recorded")
PriorityKey = tuple[str, str]
WHITESPACE = " \t\n\r\f\v"


@dataclass(frozen=True)
class GrantFacts:
    id: int
    status: str
    start_date: date
    end_date: date
    offered_at: datetime
    accepted_at: datetime | None
    organisation: str
    priority: PriorityKey  # its application's primary priority
    paid_pence: int  # paid by the end of the period
    # New participants on its quarterly returns: in the period, and from the start to its end.
    participants: int
    participants_to_end: int


@dataclass(frozen=True)
class PlannedOutputFacts:
    id: int
    grant_id: int
    priority_code: str
    measure: str
    unit: str
    target: int
    in_period: int
    to_end: int


@dataclass(frozen=True)
class LatestResult:
    planned_outcome_id: int
    grant_id: int
    indicator: str
    target: str
    result: str
    source: str  # the title of the return that reported it


def grants(fund: Fund, period: Period) -> list[GrantFacts]:
    """The fund's grants, in reference order."""
    paid = (select(Instalment.grant_id, func.sum(Instalment.amount_pence).label("pence"))
            .join(Grant, Instalment.grant_id == Grant.id)
            .where(Grant.fund_id == fund.id, Instalment.status == InstalmentStatus.PAID,
                   Instalment.paid_on.is_not(None), Instalment.paid_on <= period.end)
            .group_by(Instalment.grant_id).subquery())
    people = func.coalesce(MonitoringReturn.new_participants, 0)
    reached = (select(MonitoringReturn.grant_id, func.sum(case((_within(period), people), else_=0)).label("in_period"),
                      func.sum(people).label("to_end"))
               .join(Grant, MonitoringReturn.grant_id == Grant.id)
               .where(*_accepted(fund, period), MonitoringReturn.kind == ReturnKind.QUARTERLY)
               .group_by(MonitoringReturn.grant_id).subquery())
    query = _with_priority(
        select(Grant.id, Grant.status, Grant.start_date, Grant.end_date, Grant.offered_at, Grant.accepted_at,
               Organisation.name, Priority.code, Priority.title, paid.c.pence, reached.c.in_period, reached.c.to_end)
        .join(Organisation, Grant.organisation_id == Organisation.id)
        .outerjoin(paid, paid.c.grant_id == Grant.id)
        .outerjoin(reached, reached.c.grant_id == Grant.id)
        .where(Grant.fund_id == fund.id)).order_by(Grant.reference)
    return [GrantFacts(grant_id, status, start, end, offered_at, accepted_at, organisation, _key(code, title),
                       int(pence or 0), int(in_period or 0), int(to_end or 0))
            for grant_id, status, start, end, offered_at, accepted_at, organisation, code, title, pence, in_period,
            to_end in db.session.execute(query)]


def reach(fund: Fund, period: Period) -> dict[PriorityKey, dict[str, dict[str, int]]]:
    """{priority: {dimension: {category: people}}} from quarterly returns whose quarter ends in the period."""
    # Grouped by the priority's id, and named after: sorting every reach count of a big fund by the
    # priority's code and title as well took twice as long.
    summed = (select(ApplicationPriority.priority_id, ReachCount.dimension, ReachCount.category,
                     func.sum(ReachCount.count).label("people"))
              .select_from(ReachCount).join(MonitoringReturn, ReachCount.return_id == MonitoringReturn.id)
              .join(Grant, MonitoringReturn.grant_id == Grant.id)
              .outerjoin(ApplicationPriority, and_(ApplicationPriority.application_id == Grant.application_id,
                                                   ApplicationPriority.is_primary))
              .where(*_accepted(fund, period), MonitoringReturn.kind == ReturnKind.QUARTERLY, _within(period))
              .group_by(ApplicationPriority.priority_id, ReachCount.dimension, ReachCount.category).subquery())
    query = (select(Priority.code, Priority.title, summed.c.dimension, summed.c.category, summed.c.people)
             .select_from(summed).outerjoin(Priority, summed.c.priority_id == Priority.id))
    counts: dict[PriorityKey, dict[str, dict[str, int]]] = {}
    for code, title, dimension, category, people in db.session.execute(query):
        by_category = counts.setdefault(_key(code, title), {}).setdefault(dimension, {})
        by_category[category] = by_category.get(category, 0) + int(people)
    return counts


def planned_outputs(fund: Fund, period: Period) -> list[PlannedOutputFacts]:
    """Every planned output of the fund's grants with what quarterly returns say was delivered, in
    the order the grants (by reference) and their applications list them."""
    delivered = (select(OutputActual.planned_output_id,
                        func.sum(case((_within(period), OutputActual.quantity), else_=0)).label("in_period"),
                        func.sum(OutputActual.quantity).label("to_end"))
                 .join(MonitoringReturn, OutputActual.return_id == MonitoringReturn.id)
                 .join(Grant, MonitoringReturn.grant_id == Grant.id)
                 .where(*_accepted(fund, period), MonitoringReturn.kind == ReturnKind.QUARTERLY)
                 .group_by(OutputActual.planned_output_id).subquery())
    query = (select(PlannedOutput.id, Grant.id, Priority.code, PlannedOutput.measure, PlannedOutput.unit,
                    PlannedOutput.target, delivered.c.in_period, delivered.c.to_end)
             .join(PlannedOutput, PlannedOutput.application_id == Grant.application_id)
             .outerjoin(Priority, PlannedOutput.priority_id == Priority.id)
             .outerjoin(delivered, delivered.c.planned_output_id == PlannedOutput.id)
             .where(Grant.fund_id == fund.id)
             .order_by(Grant.reference, PlannedOutput.position, PlannedOutput.id))
    return [PlannedOutputFacts(output_id, grant_id, code or "", measure, unit, target, int(in_period or 0),
                               int(to_end or 0))
            for output_id, grant_id, code, measure, unit, target, in_period, to_end in db.session.execute(query)]


def latest_results(fund: Fund, period: Period) -> list[LatestResult]:
    """Each planned outcome's latest non-blank result on an accepted return by the end of the
    period: the grant's highest-numbered return reporting one (highest grant too, should a result
    ever be recorded against another grant's outcome). Results are stripped when saved, so blank
    means empty; trimming whitespace covers any entered some other way. Only outcomes with a
    result, in the order the grants (by reference) and their applications list them."""
    ranked = (select(OutcomeActual.planned_outcome_id, OutcomeActual.result, MonitoringReturn.kind,
                     MonitoringReturn.quarter, MonitoringReturn.financial_year,
                     func.row_number().over(partition_by=OutcomeActual.planned_outcome_id,
                                            order_by=(MonitoringReturn.grant_id.desc(),
                                                      MonitoringReturn.number.desc())).label("rank"))
              .join(MonitoringReturn, OutcomeActual.return_id == MonitoringReturn.id)
              .join(Grant, MonitoringReturn.grant_id == Grant.id)
              .where(*_accepted(fund, period), func.trim(OutcomeActual.result, WHITESPACE) != "")
              .subquery())
    query = (select(PlannedOutcome.id, Grant.id, PlannedOutcome.indicator, PlannedOutcome.target, ranked.c.result,
                    ranked.c.kind, ranked.c.quarter, ranked.c.financial_year)
             .join(PlannedOutcome, PlannedOutcome.application_id == Grant.application_id)
             .join(ranked, and_(ranked.c.planned_outcome_id == PlannedOutcome.id, ranked.c.rank == 1))
             .where(Grant.fund_id == fund.id)
             .order_by(Grant.reference, PlannedOutcome.position, PlannedOutcome.id))
    return [LatestResult(outcome_id, grant_id, indicator, target, result, return_title(kind, quarter, year))
            for outcome_id, grant_id, indicator, target, result, kind, quarter, year in db.session.execute(query)]


@dataclass(frozen=True)
class FeaturedStory:
    grant_id: int
    organisation: str
    source: str  # the title of the return it came from
    text: str


def featured_stories(fund: Fund, period: Period) -> list[FeaturedStory]:
    """Case studies chosen from accepted returns whose period ends in ``period``, oldest first."""
    query = (select(MonitoringReturn.grant_id, Organisation.name, MonitoringReturn.kind, MonitoringReturn.quarter,
                    MonitoringReturn.financial_year, MonitoringReturn.case_study)
             .join(FeaturedCaseStudy, FeaturedCaseStudy.return_id == MonitoringReturn.id)
             .join(Grant, MonitoringReturn.grant_id == Grant.id)
             .join(Organisation, Grant.organisation_id == Organisation.id)
             .where(Grant.fund_id == fund.id, MonitoringReturn.status == ReturnStatus.ACCEPTED, _within(period))
             .order_by(MonitoringReturn.period_end, MonitoringReturn.id))
    return [FeaturedStory(grant_id, organisation, return_title(kind, quarter, year), text or "")
            for grant_id, organisation, kind, quarter, year, text in db.session.execute(query)]


@lru_cache(maxsize=512)
def return_title(kind: str, quarter: int | None, financial_year: str) -> str:
    """A return's title from the columns that make it, without loading the return: the model keeps
    the one rule, and the few titles a fund's returns share are made once."""
    return MonitoringReturn(kind=kind, quarter=quarter, financial_year=financial_year).title


def _accepted(fund: Fund, period: Period) -> list[ColumnElement[bool]]:
    """Accepted returns of the fund's grants whose period ends by the end of ``period``."""
    return [Grant.fund_id == fund.id, MonitoringReturn.status == ReturnStatus.ACCEPTED,
            MonitoringReturn.period_end <= period.end]


def _within(period: Period) -> ColumnElement[bool]:
    return queries.in_period(MonitoringReturn.period_end, period)


def _with_priority(query: Select) -> Select:
    """``query`` (which has grants in it) with each grant's primary priority, if it has one: an
    application has at most one."""
    return (query.outerjoin(ApplicationPriority, and_(ApplicationPriority.application_id == Grant.application_id,
                                                      ApplicationPriority.is_primary))
            .outerjoin(Priority, ApplicationPriority.priority_id == Priority.id))


def _key(code: str | None, title: str | None) -> PriorityKey:
    return (code, title) if code is not None and title is not None else NOT_RECORDED
