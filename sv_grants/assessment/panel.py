"""The panel's papers as one data object: the ranked table, totals per priority, the recommended
funding set with its reasons, and the conflicts register. The HTML pages and the PDF panel pack
both render ``panel_for``, so they always agree."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction
from functools import cached_property, lru_cache

from sqlalchemy import func, select

from ..applications.models import Application, ApplicationPriority, ApplicationStatus
from ..auth.models import User
from ..dates import clock
from ..extensions import db
from ..funds.models import Fund, Priority, Round
from ..money import gbp
from ..organisations.models import Organisation
from .knapsack import Candidate, Selection, best_selection
from .models import Assignment, Decision, Declaration, Outcome, Recommendation, Review, ReviewStatus
from .results import results_by_id
from .scoring import Result, hundredths, percent

IN_PLAY = (ApplicationStatus.IN_ASSESSMENT, ApplicationStatus.RESERVE)
# By stored value: each of a panel's hundreds of rows names its tallies.
_LABELLED = {recommendation.value: (n, recommendation.label) for n, recommendation in enumerate(Recommendation)}


@dataclass(frozen=True)
class Ranked:
    """What the panel's tables show of an application, read as one plain row; the pack loads the
    whole application for its own pages."""

    id: int
    reference: str | None
    status: str
    requested_pence: int | None
    organisation_id: int
    organisation_name: str
    priority_id: int | None


@dataclass
class PanelRow:
    rank: int
    application: Ranked
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
        return ", ".join(f"{_LABELLED[key][1]} ({count})" for key, count in
                         sorted(self.recommendations.items(), key=lambda item: _LABELLED[item[0]][0]))


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
    awaiting: list[Ranked]
    priority_totals: list[PriorityTotal]
    funding_set: FundingSet

    @cached_property
    def conflicts(self) -> list[ConflictEntry]:
        """Only the pack prints the register, so the panel page does not pay for it."""
        return conflicts_register(self.round)

    @property
    def requested_total_pence(self) -> int:
        return sum(row.requested_pence for row in self.rows if row.is_candidate)


def _applications(round_: Round) -> list[Ranked]:
    return [Ranked(*row) for row in db.session.execute(
        select(Application.id, Application.reference, Application.status, Application.requested_pence,
               Application.organisation_id, Organisation.name, ApplicationPriority.priority_id)
        .join(Organisation, Organisation.id == Application.organisation_id)
        .outerjoin(ApplicationPriority, (ApplicationPriority.application_id == Application.id)
                   & ApplicationPriority.is_primary)
        .where(Application.round_id == round_.id, Application.status.in_(
            [*IN_PLAY, ApplicationStatus.APPROVED, ApplicationStatus.REJECTED]))
        .order_by(Application.reference))]


def _recommendations(application_ids: list[int]) -> dict[int, Counter[str]]:
    """Submitted recommendations counted by the database: the page shows only the tallies. By the
    round's application ids, not a join to the round, so that PostgreSQL reads the assignments of
    those applications by index rather than every assignment in the database."""
    counts: dict[int, Counter[str]] = {}
    if not application_ids:
        return counts
    for application_id, recommendation, count in db.session.execute(
            select(Assignment.application_id, Review.recommendation, func.count())
            .join(Review)
            .where(Assignment.application_id.in_(application_ids), Review.status == ReviewStatus.SUBMITTED,
                   Review.recommendation.is_not(None))
            .group_by(Assignment.application_id, Review.recommendation)):
        counts.setdefault(application_id, Counter())[recommendation] = count
    return counts


def ranked_rows(round_: Round, remaining_pence: int) -> tuple[list[PanelRow], list[Ranked]]:
    """Assessed applications best first (moderated score where there is one, then the smaller
    request, then the reference); and those still awaiting a submitted review."""
    applications = _applications(round_)
    ids = [a.id for a in applications]
    results = results_by_id(round_, ids)
    decisions = {d.application_id: d for d in db.session.scalars(
        select(Decision).where(Decision.application_id.in_(ids)))} if ids else {}
    recommendations = _recommendations(ids)
    priorities = {priority.id: priority for priority in round_.fund.priorities}
    assessed = [a for a in applications if results[a.id].is_assessed]
    awaiting = [a for a in applications if not results[a.id].is_assessed and a.status in IN_PLAY]
    assessed.sort(key=lambda a: (-results[a.id].effective, a.requested_pence or 0, a.reference or ""))
    rows, running = [], 0
    for rank, application in enumerate(assessed, start=1):
        priority = None
        if application.priority_id is not None:
            priority = priorities.get(application.priority_id) or db.session.get(Priority, application.priority_id)
        row = PanelRow(rank, application, priority, results[application.id],
                       recommendations.get(application.id, Counter()), decisions.get(application.id))
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


@lru_cache(maxsize=64)
def _selection(candidates: tuple[Candidate, ...], budget: int, minimums: tuple[tuple[int, int], ...]) -> Selection:
    """The answer depends on nothing but its inputs, and the panel page asks the same question on
    every view until a score, a decision or the budget changes; for a round of 500 the sum takes
    most of a second, so each worker remembers its last few answers."""
    return best_selection(candidates, budget, dict(minimums))


def recommend(rows: list[PanelRow], remaining_pence: int, minimums: Mapping[int, int]) -> FundingSet:
    """The set of undecided applications with the highest total score that fits the remaining
    budget (exact, over whole pounds: requests round up, the budget rounds down), meeting any
    minimum number of awards per priority. Advice for the panel, never a decision."""
    candidates = [row for row in rows if row.is_candidate and row.application.status in IN_PLAY]
    budget_pounds = remaining_pence // 100
    by_id = {row.application.id: row for row in candidates}
    selection = _selection(
        tuple(Candidate(row.application.id, -(-row.requested_pence // 100) or 1, hundredths(row.result.effective),
                        row.priority.id if row.priority else None) for row in candidates),
        budget_pounds, tuple(sorted((k, v) for k, v in minimums.items() if v > 0)))
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
    rows = db.session.execute(
        select(User.name, Organisation.name, Application.reference, Assignment.declaration,
               Assignment.interest_details, Assignment.declared_at)
        .select_from(Assignment).join(Application, Application.id == Assignment.application_id)
        .join(Organisation, Organisation.id == Application.organisation_id)
        .join(User, User.id == Assignment.reviewer_id)
        .where(Application.round_id == round_.id, Assignment.declaration != Declaration.UNDECLARED)
        .order_by(Assignment.declared_at, Assignment.id))
    return [ConflictEntry(reviewer, organisation, reference or "",
                          "Interest declared" if declaration == Declaration.CONFLICTED else "No interest", details,
                          declared_at) for reviewer, organisation, reference, declaration, details, declared_at in rows]


def panel_for(round_: Round, minimums: Mapping[int, int] | None = None) -> Panel:
    fund = round_.fund
    db.session.refresh(fund)  # the committed total moves under concurrent approvals
    remaining = fund.remaining_pence
    rows, awaiting = ranked_rows(round_, remaining)
    funding_set = recommend(rows, remaining, minimums or {})
    return Panel(round_, fund, clock.now(), remaining, rows, awaiting, _priority_totals(fund, rows, funding_set),
                 funding_set)
