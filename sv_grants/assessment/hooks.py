"""Where assessment plugs into the applications package, which comes first and cannot import it:
the conflict-of-interest rule that keeps staff out, and what the applicant is told on their pages."""

from __future__ import annotations

from flask import Flask, url_for

from ..applications import permissions as application_permissions
from ..applications import presenters
from ..applications.models import Application
from . import decisions  # noqa: F401 - connects the withdrawal signal
from .checks import applicant_outcome, clarifications_of
from .permissions import has_declared_interest


def applicant_notices(application: Application) -> list[presenters.Notice]:
    notices = []
    if any(c.answer is None for c in clarifications_of(application)):
        notices.append(presenters.Notice("The grants team has asked a question about this application.",
                                         "Answer the question",
                                         url_for("applicant_assessment.questions", application_id=application.id)))
    if applicant_outcome(application) is not None:
        notices.append(presenters.Notice("A decision has been made on this application.", "Read the decision",
                                         url_for("applicant_assessment.outcome", application_id=application.id)))
    return notices


def init_app(app: Flask) -> None:
    # Module-level lists: registering twice (several apps in one process) must not double up.
    if has_declared_interest not in application_permissions.staff_exclusions:
        application_permissions.staff_exclusions.append(has_declared_interest)
    if applicant_notices not in presenters.notice_providers:
        presenters.notice_providers.append(applicant_notices)
