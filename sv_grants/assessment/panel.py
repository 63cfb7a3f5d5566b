"""The panel's papers as one data object: the ranked table, totals per priority, the recommended
funding set with its reasons, and the conflicts register. The HTML pages and the PDF panel pack
both render ``panel_for``, so they always agree."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..applications.models import Application, ApplicationPriority, ApplicationStatus
from ..dates import clock
from ..extensions import db
from ..funds.models import Fund, Priority, Round
from ..money import gbp
from .knapsack import Candidate, best_selection
from .models import Assignment, Decision, Declaration, Outcome, Recommendation
from .results import results_for
from .scoring import Result, hundredths, percent

IN_PLAY = (ApplicationStatus.IN_ASSESSMENT, ApplicationStatus.RESERVE)


@dataclass
class PanelRow:
    rank: int
    application: Application
    priority: Priority | None
    result: Result
    recommendations: Counter[str]
    decision: Decision | None
    running_total_pence: int | None = None  # only for applications still to be decided
    within_budget: bool | None = None

    @property
    def requested_pence(self) -> int:
        return self.application.requested_pence or 0

    @property
    def is_candidate(self) -> bool:
        """Still open to a recommendation: no decision yet, or on the reserve list."""
        return self.decision is None or self.decision.outcome == Outcome.RESERVE

    @property
    def recommendation_text(self) -> str:
        if not self.recommendations:
            return "None"
        return ", ".join(f"{Recommendation(key).label} ({count})" for key, count in
                         sorted(self.recommendations.items(), key=lambda item: list(Recommendation).index(
                             Recommendation(item[0]))))


@dataclass
class PriorityTotal:
    priority: Priority | None
    assessed: int = 0
    requested_pence: int = 0
    recommended: int = 0
    recommended_pence: int = 0
    approved: int = 0
    approved_pence: int = 0

    @property
    def label(self) -> str:
        return f"{self.priority.code}: {self.priority.title}" if self.priority else "No main priority"


@dataclass
class Pick:
    row: PanelRow
    remaining_after_pence: int


@dataclass
class LeftOut:
    row: PanelRow
    reason: str


@dataclass
class FundingSet:
    budget_pence: int
    minimums: dict[int, int]
    feasible: bool
    picks: list[Pick] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)
    total_score_hundredths: int = 0
    total_pence: int = 0
    explanation: str = ""


@dataclass
class ConflictEntry:
    reviewer: str
    organisation: str
    reference: str
    declaration: str
    details: str
    declared_at: datetime | None


@dataclass
class Panel:
    round: Round
    fund: Fund
    generated_at: datetime
    remaining_pence: int
    rows: list[PanelRow]
    awaiting: list[Application]
    priority_totals: list[PriorityTotal]
    funding_set: FundingSet
    conflicts: list[ConflictEntry]

    @property
    def requested_total_pence(self) -> int:
        return sum(row.requested_pence for row in self.rows if row.is_candidate)


def _applications(round_: Round) -> list[Application]:
    return list(db.session.scalars(
        select(Application).where(Application.round_id == round_.id, Application.status.in_(
            [*IN_PLAY, ApplicationStatus.APPROVED, ApplicationStatus.REJECTED]))
        .options(selectinload(Application.organisation),
                 selectinload(Application.priorities).selectinload(ApplicationPriority.priority))
        .order_by(Application.reference)))


def _recommendations(application_ids: list[int]) -> dict[int, Counter[str]]:
    counts: dict[int, Counter[str]] = {i: Counter() for i in application_ids}
    if not application_ids:
        return counts
    for assignment in db.session.scalars(
            select(Assignment).where(Assignment.application_id.in_(application_ids))
            .options(selectinload(Assignment.review))):
        review = assignment.review
        if review is not None and review.is_submitted and review.recommendation:
            counts[assignment.application_id][review.recommendation] += 1
    return counts


def ranked_rows(round_: Round, remaining_pence: int) -> tuple[list[PanelRow], list[Application]]:
    """Assessed applications best first (moderated score where there is one, then the smaller
    request, then the reference); and those still awaiting a submitted review."""
    applications = _applications(round_)
    results = results_for(round_, applications)
    ids = [a.id for a in applications]
    decisions = {d.application_id: d for d in db.session.scalars(
        select(Decision).where(Decision.application_id.in_(ids)))} if ids else {}
    recommendations = _recommendations(ids)
    assessed = [a for a in applications if results[a.id].is_assessed]
    awaiting = [a for a in applications if not results[a.id].is_assessed and a.status in IN_PLAY]
    assessed.sort(key=lambda a: (-results[a.id].effective, a.requested_pence or 0, a.reference or ""))
    rows, running = [], 0
    for rank, application in enumerate(assessed, start=1):
        row = PanelRow(rank, application, application.primary_priority, results[application.id],
                       recommendations[application.id], decisions.get(application.id))
        if row.is_candidate and application.status in IN_PLAY:
            running += row.requested_pence
            row.running_total_pence, row.within_budget = running, running <= remaining_pence
        rows.append(row)
    return rows, awaiting


def _priority_totals(fund: Fund, rows: list[PanelRow], funding_set: FundingSet) -> list[PriorityTotal]:
    totals = {priority.id: PriorityTotal(priority) for priority in fund.priorities}
    picked = {pick.row.application.id for pick in funding_set.picks}
    for row in rows:
        total = totals.setdefault(row.priority.id if row.priority else 0, PriorityTotal(row.priority))
        total.assessed += 1
        total.requested_pence += row.requested_pence
        if row.application.id in picked:
            total.recommended += 1
            total.recommended_pence += row.requested_pence
        if row.decision is not None and row.decision.outcome == Outcome.APPROVED:
            total.approved += 1
            total.approved_pence += row.decision.awarded_pence or 0
    return list(totals.values())


def recommend(rows: list[PanelRow], remaining_pence: int, minimums: Mapping[int, int]) -> FundingSet:
    """The set of undecided applications with the highest total score that fits the remaining
    budget (exact, over whole pounds: requests round up, the budget rounds down), meeting any
    minimum number of awards per priority. Advice for the panel, never a decision."""
    candidates = [row for row in rows if row.is_candidate and row.application.status in IN_PLAY]
    budget_pounds = remaining_pence // 100
    by_id = {row.application.id: row for row in candidates}
    selection = best_selection(
        [Candidate(row.application.id, -(-row.requested_pence // 100) or 1, hundredths(row.result.effective),
                   row.priority.id if row.priority else None) for row in candidates],
        budget_pounds, {k: v for k, v in minimums.items() if v > 0})
    funding_set = FundingSet(budget_pence=remaining_pence, minimums=dict(minimums), feasible=selection.feasible)
    if not selection.feasible:
        funding_set.explanation = ("No set of applications meets the minimum number of awards per priority within "
                                   f"the {gbp(remaining_pence)} remaining. Lower a minimum to see a recommendation.")
        funding_set.left_out = [LeftOut(row, "No recommendation could be made.") for row in candidates]
        return funding_set
    chosen = set(selection.chosen)
    remaining = remaining_pence
    for row in candidates:  # already in rank order
        if row.application.id in chosen:
            remaining -= row.requested_pence
            funding_set.picks.append(Pick(row, remaining))
    funding_set.total_pence = remaining_pence - remaining
    funding_set.total_score_hundredths = selection.total_value
    for row in candidates:
        if row.application.id not in chosen:
            funding_set.left_out.append(LeftOut(row, _why_left_out(row, remaining_pence, remaining)))
    average = (Fraction(funding_set.total_score_hundredths, 100 * len(funding_set.picks))
               if funding_set.picks else None)
    funding_set.explanation = (
        f"{len(funding_set.picks)} of {len(by_id)} applications, asking for {gbp(funding_set.total_pence)} of the "
        f"{gbp(remaining_pence)} remaining, with the highest total weighted score possible within it"
        + (f" (average {percent(average)})" if average is not None else "") + ". "
        + f"{gbp(remaining)} would be left unallocated.")
    return funding_set


def _why_left_out(row: PanelRow, budget_pence: int, left_pence: int) -> str:
    if row.requested_pence > budget_pence:
        return f"Asks for {gbp(row.requested_pence)}, more than the {gbp(budget_pence)} remaining in the fund."
    if row.requested_pence > left_pence:
        return (f"Does not fit in the {gbp(left_pence)} left after the picked set; funding it instead would mean "
                f"dropping applications that score more in total.")
    return "Adding it would lower the total score, or break a priority minimum."


def conflicts_register(round_: Round) -> list[ConflictEntry]:
    assignments = db.session.scalars(
        select(Assignment).join(Application)
        .where(Application.round_id == round_.id, Assignment.declaration != Declaration.UNDECLARED)
        .options(selectinload(Assignment.reviewer), selectinload(Assignment.application)
                 .selectinload(Application.organisation))
        .order_by(Assignment.declared_at, Assignment.id))
    return [ConflictEntry(a.reviewer.name, a.application.organisation.name, a.application.reference or "",
                          "Interest declared" if a.is_conflicted else "No interest", a.interest_details,
                          a.declared_at) for a in assignments]


def panel_for(round_: Round, minimums: Mapping[int, int] | None = None) -> Panel:
    fund = round_.fund
    db.session.refresh(fund)  # the committed total moves under concurrent approvals
    remaining = fund.remaining_pence
    rows, awaiting = ranked_rows(round_, remaining)
    funding_set = recommend(rows, remaining, minimums or {})
    return Panel(round_, fund, clock.now(), remaining, rows, awaiting, _priority_totals(fund, rows, funding_set),
                 funding_set, conflicts_register(round_))
