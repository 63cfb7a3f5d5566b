"""What the applicant sees of assessment: the grants team's questions to answer, and the outcome
with the feedback written for them. Never reviewers' names, scores or comments."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from .. import notifications
from ..applications.models import Application
from ..applications.permissions import get_application_for, is_applicant_for
from ..auth.models import Role
from ..auth.permissions import roles_required
from ..extensions import db
from . import checks
from .forms import AnswerForm
from .permissions import get_clarification_for_applicant

bp = Blueprint("applicant_assessment", __name__)


def _applicants_application(application_id: int) -> Application:
    application = get_application_for(current_user, application_id)
    if not is_applicant_for(current_user, application):
        abort(404)
    return application


@bp.route("/applications/<int:application_id>/questions")
@roles_required(Role.APPLICANT)
def questions(application_id: int) -> str:
    application = _applicants_application(application_id)
    return render_template("assessment/applicant_questions.html", application=application,
                           clarifications=checks.clarifications_of(application))


@bp.route("/applications/<int:application_id>/questions/<int:clarification_id>", methods=["GET", "POST"])
@roles_required(Role.APPLICANT)
def answer_question(application_id: int, clarification_id: int) -> Response | str | tuple[str, int]:
    clarification = get_clarification_for_applicant(current_user, application_id, clarification_id)
    application = clarification.application
    if clarification.answer is not None:
        return redirect(url_for(".questions", application_id=application.id))
    form = AnswerForm()
    if form.validate_on_submit():
        try:
            checks.answer(current_user, clarification, form.answer.data)
        except checks.CheckError as problem:
            db.session.rollback()
            form.answer.errors.append(str(problem))
            return render_template("assessment/applicant_answer.html", application=application,
                                   clarification=clarification, form=form), 409
        db.session.commit()
        notifications.clarification_answered(
            clarification.asked_by.email, clarification.asked_by.name, application.reference,
            url_for("assessment_officer.show_assessment", application_id=application.id))
        flash("Your answer has been sent to the grants team.", "success")
        return redirect(url_for(".questions", application_id=application.id))
    return render_template("assessment/applicant_answer.html", application=application, clarification=clarification,
                           form=form), 400 if form.errors else 200


@bp.route("/applications/<int:application_id>/outcome")
@roles_required(Role.APPLICANT)
def outcome(application_id: int) -> str:
    application = _applicants_application(application_id)
    told = checks.applicant_outcome(application)
    if told is None:
        abort(404)
    return render_template("assessment/applicant_outcome.html", application=application, title=told[0],
                           message=told[1], decision=checks.published_decision(application))
