"""The national data set's applications, with what the app keeps beside each: sections, priority,
budget, outputs and outcomes; the eligibility check, reviewers' scores on every criterion and the
panel's published decision. See ``demo_national`` for the plan they follow."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from .applications.models import (
    Application,
    ApplicationPriority,
    ApplicationSection,
    ApplicationStatus,
    BudgetLine,
    PlannedOutcome,
    PlannedOutput,
    SectionStatus,
)
from .applications.sections import SECTIONS
from .assessment.checks import CHECKLIST
from .assessment.models import Assignment, Decision, EligibilityCheck, Review, Score
from .demo_national import AreaStaff, PlannedApplication, Writer, london, set_references_issued
from .extensions import db
from .funds.models import InterventionType

CHUNK = 4_000
ASSESSED = {ApplicationStatus.IN_ASSESSMENT, ApplicationStatus.APPROVED, ApplicationStatus.REJECTED,
            ApplicationStatus.RESERVE}
DECIDED = {ApplicationStatus.APPROVED, ApplicationStatus.REJECTED, ApplicationStatus.RESERVE}
THEMES = ["Detached youth work", "Mentoring for young people", "Night-time safe haven", "Knife crime education",
          "A&E youth navigators", "Sports for change", "Family support", "Domestic abuse perpetrator programme",
          "Focused deterrence", "Trauma-informed schools"]
# The score each outcome's reviews centre on, on the 0 to 4 scale.
CENTRE = {ApplicationStatus.APPROVED: 3, ApplicationStatus.RESERVE: 2, ApplicationStatus.REJECTED: 1,
          ApplicationStatus.IN_ASSESSMENT: 2}


@dataclass(frozen=True)
class FundedApplication:
    """What the grant made from an approved application needs to know about it."""
    spec: PlannedApplication
    id: int
    reference: str
    summary: str
    officer: int
    notified_at: datetime
    budget_lines: list[tuple[int, int]]  # (id, amount in pence)
    outputs: list[int]
    outcome: int


def reviews_each(plan: list[PlannedApplication], target: int) -> list[int]:
    """Reviews per assessed application: two to four, adding up to ``target`` where they can."""
    assessed = sum(1 for spec in plan if spec.status in ASSESSED)
    if not assessed:
        return []
    extra = min(max(0, target - 2 * assessed), 2 * assessed)
    return [2 + extra * (k + 1) // assessed - extra * k // assessed for k in range(assessed)]


def add_applications(writer: Writer, rng: random.Random, plan: list[PlannedApplication], staff: dict[int, AreaStaff],
                     applicants: list[tuple[int, int]], reviews: int) -> list[FundedApplication]:
    interventions = list(db.session.scalars(select(InterventionType.id).order_by(InterventionType.id))) or [None]
    review_counts = iter(reviews_each(plan, reviews))
    funded: list[FundedApplication] = []
    for start in range(0, len(plan), CHUNK):
        chunk = _Chunk(writer, rng, staff, applicants, interventions)
        for spec in plan[start:start + CHUNK]:
            made = chunk.add(spec, next(review_counts) if spec.status in ASSESSED else 0)
            if made is not None:
                funded.append(made)
        chunk.write()
    set_references_issued({spec.fund.id: spec.fund for spec in plan}.values())
    return funded


class _Chunk:
    def __init__(self, writer: Writer, rng: random.Random, staff: dict[int, AreaStaff],
                 applicants: list[tuple[int, int]], interventions: list[int | None]) -> None:
        self.writer, self.rng, self.staff, self.applicants = writer, rng, staff, applicants
        self.interventions = interventions
        self.rows: dict[Any, list[dict[str, Any]]] = {model: [] for model in (
            Application, ApplicationSection, ApplicationPriority, BudgetLine, PlannedOutput, PlannedOutcome,
            EligibilityCheck, Assignment, Review, Score, Decision)}

    def _id(self, model: Any) -> int:
        return self.writer.ids(model.__table__, 1)[0]

    def add(self, spec: PlannedApplication, reviews: int) -> FundedApplication | None:
        rng, fund, status = self.rng, spec.fund, spec.status
        organisation_id, applicant = self.applicants[spec.organisation]
        officer = self.staff[fund.force].officer
        year = fund.year
        app_id = self._id(Application)
        created = london(date(year, 1, 20) + timedelta(days=rng.randrange(21)), 9 + rng.randrange(8))
        draft = status == ApplicationStatus.DRAFT
        submitted = None if draft else created + timedelta(days=rng.randrange(4, 13))
        reference = None
        if not draft:
            fund.numbered += 1
            reference = f"F{fund.force + 1:02d}-{year % 100:02d}{(year + 1) % 100:02d}-{fund.numbered:04d}"
        theme = rng.choice(THEMES)
        title = f"{theme} {fund.index + 1}-{app_id}"
        summary = f"{theme} for people at risk of serious violence, with local schools and services."
        people = rng.randrange(20, 400)
        withdrawn = status == ApplicationStatus.WITHDRAWN
        self.rows[Application].append({
            "id": app_id, "round_id": fund.round_id, "organisation_id": organisation_id, "reference": reference,
            "status": status.value, "version_id": 1, "created_by_id": applicant, "created_at": created,
            "updated_at": submitted or created, "submitted_at": submitted,
            "submitted_by_id": None if draft else applicant,
            "withdrawn_at": submitted + timedelta(days=9) if withdrawn and submitted else None,
            "withdrawal_reason": "Our match funding fell through." if withdrawn else None,
            "eligibility": {}, "title": title, "summary": summary,
            "description": f"{summary} Sessions run weekly through the year.",
            "age_bands": rng.sample(["10_13", "14_17", "18_24"], 2), "gender_focus": rng.choice(["all", "male"]),
            "people_expected": people, "referral_routes": "Schools, youth offending service and the police.",
            "delivery_areas": [], "delivery_places": "Town centres and estates across the force area.",
            "intervention_type_id": rng.choice(self.interventions), "intervention_other": None,
            "approach_reason": "It suits the young people we already work with.",
            "evidence": "The YEF Toolkit rates the approach; our own evaluation agrees.",
            "requested_pence": spec.requested_pence, "start_date": date(year, 7, 1), "end_date": date(year + 1, 3, 31),
            "milestones": "Recruit in the first month; deliver from the second.",
            "risks": "Staff turnover: we keep a bank of sessional workers.", "dbs_checks": "all",
            "dbs_details": None, "safeguarding_lead_confirmed": not draft,
            "declaration_name": None if draft else f"Applicant {spec.organisation + 1}",
            "declaration_role": None if draft else "Chief executive",
            "declared_at": submitted, "declared_by_id": None if draft else applicant})
        done = rng.randrange(len(SECTIONS)) if draft else len(SECTIONS)
        for position, section in enumerate(SECTIONS):
            finished = position < done
            self.rows[ApplicationSection].append({
                "id": self._id(ApplicationSection), "application_id": app_id, "key": section.key,
                "status": (SectionStatus.COMPLETED if finished else SectionStatus.NOT_STARTED).value,
                "version": 1 if finished else 0, "updated_at": created if finished else None,
                "updated_by_id": applicant if finished else None})
        priority = rng.choice(fund.priority_ids)
        self.rows[ApplicationPriority].append({"id": self._id(ApplicationPriority), "application_id": app_id,
                                               "priority_id": priority, "is_primary": True,
                                               "how": "It is the work the priority describes."})
        labour = spec.requested_pence * 3 // 5 // 100 * 100
        lines = [(self._id(BudgetLine), labour, "staff", "labour", "Youth workers"),
                 (self._id(BudgetLine), spec.requested_pence - labour, "venue", "non_labour", "Venue hire")]
        self.rows[BudgetLine].extend({"id": line_id, "application_id": app_id, "position": position,
                                      "category": category, "cost_type": cost_type, "description": description,
                                      "amount_pence": amount}
                                     for position, (line_id, amount, category, cost_type, description)
                                     in enumerate(lines, start=1))
        outputs = [self._id(PlannedOutput), self._id(PlannedOutput)]
        self.rows[PlannedOutput].extend([
            {"id": outputs[0], "application_id": app_id, "position": 1, "measure": "Young people supported",
             "unit": "young people", "target": people, "priority_id": priority},
            {"id": outputs[1], "application_id": app_id, "position": 2, "measure": "Sessions delivered",
             "unit": "sessions", "target": rng.randrange(20, 120), "priority_id": priority}])
        outcome = self._id(PlannedOutcome)
        self.rows[PlannedOutcome].append({"id": outcome, "application_id": app_id, "position": 1,
                                          "indicator": "Participants who report feeling safer",
                                          "target": "70% of participants"})
        if status in ASSESSED or status == ApplicationStatus.INELIGIBLE:
            self._check(app_id, officer, year, status)
        if reviews:
            self._reviews(app_id, spec, officer, reviews)
        if status not in DECIDED:
            return None
        notified = self._decide(app_id, spec, officer)
        if status != ApplicationStatus.APPROVED:
            return None
        return FundedApplication(spec, app_id, reference or "", summary, officer, notified,
                                 [(line[0], line[1]) for line in lines], outputs, outcome)

    def _check(self, app_id: int, officer: int, year: int, status: ApplicationStatus) -> None:
        failed = status == ApplicationStatus.INELIGIBLE
        self.rows[EligibilityCheck].append({
            "id": self._id(EligibilityCheck), "application_id": app_id,
            "items": {item.key: not (failed and item.key == "amount_and_area_eligible") for item in CHECKLIST},
            "notes": "", "outcome": "fail" if failed else "pass",
            "reason": "The project would be delivered outside the force area." if failed else "",
            "checked_by_id": officer, "checked_at": london(date(year, 3, 10))})

    def _reviews(self, app_id: int, spec: PlannedApplication, officer: int, how_many: int) -> None:
        rng, year = self.rng, spec.fund.year
        reviewers = rng.sample(self.staff[spec.fund.force].reviewers, how_many)
        centre = CENTRE.get(spec.status, 2)
        for reviewer in reviewers:
            assignment, review = self._id(Assignment), self._id(Review)
            self.rows[Assignment].append({
                "id": assignment, "application_id": app_id, "reviewer_id": reviewer, "assigned_by_id": officer,
                "assigned_at": london(date(year, 3, 15)), "declaration": "none", "interest_details": "",
                "declared_at": london(date(year, 3, 16))})
            marks = [min(4, max(0, centre + rng.choice((-1, 0, 0, 1)))) for _ in spec.fund.criterion_ids]
            average = sum(marks) / len(marks)
            recommendation = "fund" if average >= 3 else "fund_with_conditions" if average >= 2 else "do_not_fund"
            reviewed = london(date(year, 4, 1) + timedelta(days=rng.randrange(20)), 14)
            self.rows[Review].append({
                "id": review, "assignment_id": assignment, "status": "submitted", "recommendation": recommendation,
                "overall_comment": "A clear plan with local evidence.", "updated_at": reviewed,
                "submitted_at": reviewed})
            self.rows[Score].extend({"id": self._id(Score), "review_id": review, "criterion_id": criterion,
                                     "score": mark, "comment": "Scored against the descriptors."}
                                    for criterion, mark in zip(spec.fund.criterion_ids, marks, strict=True))

    def _decide(self, app_id: int, spec: PlannedApplication, officer: int) -> datetime:
        year = spec.fund.year
        outcome = {ApplicationStatus.APPROVED: "approved", ApplicationStatus.REJECTED: "rejected",
                   ApplicationStatus.RESERVE: "reserve"}[spec.status]
        feedback = "The panel valued your local partnerships." if outcome == "approved" else \
            "The panel funded applications that scored higher against the criteria."
        notified = london(date(year, 5, 12), 11)
        self.rows[Decision].append({
            "id": self._id(Decision), "application_id": app_id, "outcome": outcome, "awarded_pence": spec.award_pence,
            "conditions": "", "feedback": feedback, "panel_date": date(year, 5, 10), "decided_by_id": officer,
            "decided_at": london(date(year, 5, 10), 15), "notified_at": notified, "notified_by_id": officer,
            "published_outcome": outcome, "published_awarded_pence": spec.award_pence, "published_conditions": "",
            "published_feedback": feedback})
        return notified

    def write(self) -> None:
        for model, rows in self.rows.items():  # parents before children, in the order they were listed
            self.writer.insert(model.__table__, rows)
