"""Quick ways to reach the states assessment tests start from: criteria, applications being
assessed, reviewers' scores, moderation and decisions, written through the services where a
rule matters and straight to the database where it does not."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Flask

from sv_grants.applications.models import Application, ApplicationPriority, ApplicationStatus, BudgetLine
from sv_grants.assessment import assignments, decisions, reviews
from sv_grants.assessment.models import Assignment, Outcome
from sv_grants.auth.models import User
from sv_grants.extensions import db
from sv_grants.funds.models import Criterion

from ..helpers import complete_organisation

DESCRIPTORS = {"0": "Unacceptable", "1": "Weak", "2": "Adequate", "3": "Good", "4": "Excellent"}


def add_criteria(app: Flask, round_id: int, weights: tuple[int, ...] = (30, 20, 20, 15, 15)) -> list[int]:
    """The round's criteria, one per weight, titled "Criterion 1", "Criterion 2"…; returns their ids."""
    with app.app_context():
        criteria = [Criterion(round_id=round_id, position=n, title=f"Criterion {n}", weight=weight,
                              guidance=f"Guidance {n}", descriptors=dict(DESCRIPTORS))
                    for n, weight in enumerate(weights, start=1)]
        db.session.add_all(criteria)
        db.session.commit()
        return [criterion.id for criterion in criteria]


def being_assessed(app: Flask, setting: Any, applicant_id: int, *, organisation: str = "Eastside Youth Trust",
                   reference: str = "SVF-2425-0001", requested_pence: int = 10_000_00, priority_index: int = 0,
                   title: str = "A project", organisation_id: int | None = None,
                   status: ApplicationStatus = ApplicationStatus.IN_ASSESSMENT) -> int:
    """An application of a ready organisation (made for ``applicant_id`` unless given), already past
    its eligibility check, with one budget line for the amount requested. Returns its id."""
    if organisation_id is None:
        organisation_id = complete_organisation(app, applicant_id, organisation)
    with app.app_context():
        application = Application(
            round_id=setting.round_id, organisation_id=organisation_id, created_by_id=applicant_id,
            reference=reference, status=status, title=title, summary=f"Summary of {title}",
            requested_pence=requested_pence, eligibility={}, delivery_areas=["E06000005"])
        application.priorities = [ApplicationPriority(priority_id=setting.priority_ids[priority_index],
                                                      is_primary=True, how="It helps.")]
        application.budget_lines = [BudgetLine(position=1, category="staff", cost_type="labour",
                                               description="Youth worker", amount_pence=requested_pence)]
        db.session.add(application)
        db.session.commit()
        return application.id


def organisation_of(app: Flask, application_id: int) -> int:
    with app.app_context():
        return db.session.get(Application, application_id).organisation_id


def assign(app: Flask, application_id: int, reviewer_id: int, officer_id: int) -> int:
    """The reviewer assigned through the service (audited); returns the assignment id."""
    with app.test_request_context():
        application = db.session.get(Application, application_id)
        result = assignments.assign(db.session.get(User, officer_id), [application],
                                    [db.session.get(User, reviewer_id)])
        db.session.commit()
        assert result.created, result.skipped
        return result.created[0].id


def declare(app: Flask, assignment_id: int, interest: bool = False, details: str = "") -> None:
    with app.test_request_context():
        assignment = db.session.get(Assignment, assignment_id)
        assignments.declare(assignment.reviewer, assignment, interest, details)
        db.session.commit()


def score(app: Flask, assignment_id: int, marks: list[int | None], *, comments: list[str] | None = None,
          recommendation: str | None = "fund", overall: str = "A sound project.", submit: bool = True) -> None:
    """Scores (in criterion order) saved, and submitted unless told not to, by the assigned reviewer."""
    with app.test_request_context():
        assignment = db.session.get(Assignment, assignment_id)
        criteria = assignment.application.round.criteria
        comments = comments or [f"Comment on {c.title}" for c in criteria]
        given = {c.id: reviews.Marks(mark, comment) for c, mark, comment in zip(criteria, marks, comments,
                                                                                  strict=True)}
        reviews.save(assignment.reviewer, assignment, given, recommendation, overall, submit)
        db.session.commit()


def reviewed(app: Flask, application_id: int, reviewer_id: int, officer_id: int, marks: list[int | None],
             **kwargs: Any) -> int:
    """Assign, declare no interest and score in one go; returns the assignment id."""
    assignment_id = assign(app, application_id, reviewer_id, officer_id)
    declare(app, assignment_id)
    score(app, assignment_id, marks, **kwargs)
    return assignment_id


def moderate(app: Flask, application_id: int, officer_id: int, score_tenths: int, reason: str = "Moderated") -> None:
    with app.test_request_context():
        decisions.moderate(db.session.get(User, officer_id), db.session.get(Application, application_id),
                           score_tenths, reason)
        db.session.commit()


def decide(app: Flask, application_id: int, officer_id: int, outcome: Outcome = Outcome.APPROVED,
           awarded_pence: int | None = None, feedback: str = "Feedback for the applicant",
           conditions: str = "") -> None:
    with app.test_request_context():
        application = db.session.get(Application, application_id)
        if outcome == Outcome.APPROVED and awarded_pence is None:
            awarded_pence = application.requested_pence
        decisions.decide(db.session.get(User, officer_id), application, outcome, awarded_pence, conditions,
                         feedback, date(2025, 3, 1))
        db.session.commit()
