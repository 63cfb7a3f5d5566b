"""Who may see what during assessment.

- A reviewer sees only their own assignments, and an application's content, documents and scores
  only after declaring no interest in its organisation.
- Anyone who has declared an interest in an organisation is kept out of its applications in every
  role they hold, grants officer included: the rule is registered with the applications package,
  so its pages and files refuse them too.
- Everything refused is a 404, so ids in URLs reveal nothing.
"""

from __future__ import annotations

from flask import abort
from sqlalchemy import exists, select

from ..applications import permissions as application_permissions
from ..applications.models import Application, ApplicationStatus
from ..auth.models import Role, User
from ..extensions import db
from .models import Assignment, Clarification, Declaration, Review


def has_declared_interest(user: User, application: Application) -> bool:
    if not user.is_authenticated:
        return False
    return bool(db.session.scalar(select(exists().where(
        Assignment.reviewer_id == user.id, Assignment.declaration == Declaration.CONFLICTED,
        Assignment.application_id == Application.id, Application.organisation_id == application.organisation_id))))


def conflicted_organisation_ids(user: User) -> set[int]:
    """The organisations ``user`` has declared an interest in: one query for a whole list of
    applications, where ``has_declared_interest`` on each row would be one query a row."""
    if not user.is_authenticated:
        return set()
    return set(db.session.scalars(select(Application.organisation_id).join(
        Assignment, Assignment.application_id == Application.id).where(
        Assignment.reviewer_id == user.id, Assignment.declaration == Declaration.CONFLICTED).distinct()))


def get_own_assignment(user: User, assignment_id: int) -> Assignment:
    """The reviewer's own assignment, whatever they have declared."""
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None or assignment.reviewer_id != user.id:
        abort(404)
    return assignment


def get_readable_assignment(user: User, assignment_id: int) -> Assignment:
    """The reviewer's assignment once they have declared no interest; 404 before that, and for ever
    after declaring one."""
    assignment = get_own_assignment(user, assignment_id)
    if not assignment.may_see_application or has_declared_interest(user, assignment.application):
        abort(404)
    return assignment


def get_assessed_application(user: User, application_id: int) -> Application:
    """A submitted application for a grants officer, unless they have declared an interest in it."""
    application = db.session.get(Application, application_id)
    if (application is None or application.status == ApplicationStatus.DRAFT or not user.has_role(Role.GRANTS_OFFICER)
            or has_declared_interest(user, application)):
        abort(404)
    return application


def get_assignment_for_officer(user: User, assignment_id: int) -> Assignment:
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None:
        abort(404)
    get_assessed_application(user, assignment.application_id)
    return assignment


def get_review_for_officer(user: User, review_id: int) -> Review:
    review = db.session.get(Review, review_id)
    if review is None:
        abort(404)
    get_assessed_application(user, review.assignment.application_id)
    return review


def get_clarification_for_applicant(user: User, application_id: int, clarification_id: int) -> Clarification:
    clarification = db.session.get(Clarification, clarification_id)
    if clarification is None or clarification.application_id != application_id or \
            not application_permissions.is_applicant_for(user, clarification.application):
        abort(404)
    return clarification
