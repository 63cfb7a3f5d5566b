"""Where assessment plugs into the applications package, which comes first and cannot import it:
the conflict-of-interest rule that keeps staff out, and what the applicant is told on their pages."""

from __future__ import annotations

from flask import Flask, url_for
from sqlalchemy import select

from ..applications import permissions as application_permissions
from ..applications import presenters
from ..applications.models import Application, ApplicationStatus
from ..extensions import db
from . import decisions  # noqa: F401 - connects the withdrawal signal
from .models import Clarification, Decision
from .permissions import has_declared_interest


def applicant_notices(applications: list[Application]) -> dict[int, list[presenters.Notice]]:
    ids = [application.id for application in applications]
    asked = set(db.session.scalars(select(Clarification.application_id).where(
        Clarification.application_id.in_(ids), Clarification.answer.is_(None))))
    # As ``applicant_outcome``: a failed check, or a decision the applicant has been told.
    told = set(db.session.scalars(select(Decision.application_id).where(
        Decision.application_id.in_(ids), Decision.published_outcome.is_not(None))))
    found: dict[int, list[presenters.Notice]] = {}
    for application in applications:
        notices = found.setdefault(application.id, [])
        if application.id in asked:
            notices.append(presenters.Notice(
                "The grants team has asked a question about this application.", "Answer the question",
                url_for("applicant_assessment.questions", application_id=application.id)))
        if application.status == ApplicationStatus.INELIGIBLE or application.id in told:
            notices.append(presenters.Notice(
                "A decision has been made on this application.", "Read the decision",
                url_for("applicant_assessment.outcome", application_id=application.id)))
    return found


def init_app(app: Flask) -> None:
    # Module-level lists: registering twice (several apps in one process) must not double up.
    if has_declared_interest not in application_permissions.staff_exclusions:
        application_permissions.staff_exclusions.append(has_declared_interest)
    if applicant_notices not in presenters.notice_providers:
        presenters.notice_providers.append(applicant_notices)
