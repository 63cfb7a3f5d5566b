"""The grants officer's work on one application: the eligibility check, questions to the applicant,
reviewers, reopening reviews, moderation and the decision."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from .. import notifications
from ..applications.models import Application, ApplicationStatus
from ..auth.models import Role, User
from ..auth.permissions import roles_required
from ..dates import clock
from ..extensions import db
from ..money import pounds_for_input
from ..organisations.services import member_emails
from . import assignments, checks, decisions, reviews
from .forms import ButtonForm, DecisionForm, EligibilityCheckForm, ModerationForm, QuestionForm, ReopenForm
from .models import CheckOutcome, Outcome
from .permissions import get_assessed_application, get_assignment_for_officer, get_review_for_officer
from .results import score_sheet
from .scoring import percent

bp = Blueprint("assessment_officer", __name__)
OFFICER = Role.GRANTS_OFFICER


def _hub(application: Application) -> Response:
    return redirect(url_for(".show_assessment", application_id=application.id))


@bp.route("/applications/<int:application_id>/assessment")
@roles_required(OFFICER)
def show_assessment(application_id: int) -> str:
    application = get_assessed_application(current_user, application_id)
    mine = assignments.assignments_of([application])
    taken = {a.reviewer_id for a in mine}
    conflicts = assignments.conflicted_pairs([application.organisation_id])
    free = [r for r in assignments.reviewers()
            if r.id not in taken and (r.id, application.organisation_id) not in conflicts]
    return render_template(
        "assessment/officer_application.html", application=application, check=checks.check_of(application),
        clarifications=checks.clarifications_of(application), assignments=mine, free_reviewers=free,
        sheet=score_sheet(application), decision=decisions.decision_of(application), percent=percent,
        form=ButtonForm(), reviews_by_assignment={a.id: a.review for a in mine})


@bp.route("/applications/<int:application_id>/eligibility-check", methods=["GET", "POST"])
@roles_required(OFFICER)
def check_eligibility(application_id: int) -> Response | tuple[str, int]:
    application = get_assessed_application(current_user, application_id)
    if application.status != ApplicationStatus.SUBMITTED:
        flash("This application has already been checked.", "info")
        return _hub(application)
    form = EligibilityCheckForm()
    if form.validate_on_submit():
        chosen = set(form.items.data or [])
        try:
            checks.record_check(current_user, application, {item.key: item.key in chosen for item in checks.CHECKLIST},
                                form.notes.data or "", CheckOutcome(form.outcome.data), form.reason.data or "")
        except checks.CheckError as problem:
            db.session.rollback()
            flash(str(problem), "info")
            return _hub(application)
        db.session.commit()
        passed = form.outcome.data == CheckOutcome.PASSED
        flash(f"{application.reference} {'passed the check and is now being assessed' if passed else 'is not eligible'}"
              ".", "success")
        return _hub(application)
    return render_template("assessment/eligibility_check.html", application=application, form=form,
                           findings=checks.findings(application, clock.today_in_london())), 400 if form.errors else 200


@bp.route("/applications/<int:application_id>/questions/new", methods=["GET", "POST"])
@roles_required(OFFICER)
def ask_question(application_id: int) -> Response | tuple[str, int]:
    application = get_assessed_application(current_user, application_id)
    form = QuestionForm()
    if form.validate_on_submit():
        try:
            checks.ask(current_user, application, form.question.data)
        except checks.CheckError as problem:
            db.session.rollback()
            form.question.errors.append(str(problem))
        else:
            db.session.commit()
            for email in member_emails(application.organisation):
                notifications.clarification_asked(email, application.reference, application.display_title,
                                                  url_for("applicant_assessment.questions",
                                                          application_id=application.id))
            flash("Your question has been sent to the applicant.", "success")
            return _hub(application)
    return render_template("assessment/ask_question.html", application=application, form=form), \
        400 if form.errors else 200


@bp.route("/applications/<int:application_id>/reviewers", methods=["POST"])
@roles_required(OFFICER)
def add_reviewer(application_id: int) -> Response:
    application = get_assessed_application(current_user, application_id)
    reviewer = db.session.get(User, request.form.get("reviewer_id", type=int) or 0)
    if ButtonForm().validate_on_submit() and reviewer is not None and reviewer in assignments.reviewers():
        result = assignments.assign(current_user, [application], [reviewer])
        db.session.commit()
        notify_reviewers(result.created)
        for reason in result.skipped:
            flash(reason, "info")
        if result.created:
            flash(f"{reviewer.name} has been asked to review {application.reference}.", "success")
    else:
        flash("Select a reviewer to assign.", "info")
    return _hub(application)


def notify_reviewers(created: list) -> None:
    """One e-mail per reviewer for a batch of new assignments."""
    by_reviewer: dict[int, list] = {}
    for assignment in created:
        by_reviewer.setdefault(assignment.reviewer_id, []).append(assignment)
    for batch in by_reviewer.values():
        reviewer = batch[0].reviewer
        notifications.reviews_assigned(reviewer.email, reviewer.name, len(batch), batch[0].application.round.name,
                                       url_for("assessment.reviewer_home"))


@bp.route("/assignments/<int:assignment_id>/remove", methods=["POST"])
@roles_required(OFFICER)
def remove_reviewer(assignment_id: int) -> Response:
    assignment = get_assignment_for_officer(current_user, assignment_id)
    application = assignment.application
    if not ButtonForm().validate_on_submit():
        abort(400)
    name = assignment.reviewer.name
    try:
        assignments.remove(current_user, assignment)
    except assignments.AssignmentError as problem:
        db.session.rollback()
        flash(str(problem), "info")
        return _hub(application)
    db.session.commit()
    flash(f"{name} no longer reviews {application.reference}.", "success")
    return _hub(application)


@bp.route("/reviews/<int:review_id>/reopen", methods=["GET", "POST"])
@roles_required(OFFICER)
def reopen_review(review_id: int) -> Response | tuple[str, int]:
    review = get_review_for_officer(current_user, review_id)
    application = review.assignment.application
    form = ReopenForm()
    if form.validate_on_submit():
        try:
            reviews.reopen(current_user, review, form.reason.data)
        except reviews.ReviewError as problem:
            db.session.rollback()
            flash(str(problem), "info")
            return _hub(application)
        db.session.commit()
        flash(f"{review.assignment.reviewer.name}'s review is open for changes again.", "success")
        return _hub(application)
    return render_template("assessment/reopen_review.html", review=review, application=application, form=form), \
        400 if form.errors else 200


@bp.route("/applications/<int:application_id>/moderate", methods=["GET", "POST"])
@roles_required(OFFICER)
def moderate(application_id: int) -> Response | tuple[str, int]:
    application = get_assessed_application(current_user, application_id)
    form = ModerationForm()
    sheet = score_sheet(application)
    if form.validate_on_submit():
        try:
            decisions.moderate(current_user, application, form.score_tenths, form.reason.data)
        except decisions.DecisionError as problem:
            db.session.rollback()
            form.score.errors.append(str(problem))
        else:
            db.session.commit()
            flash(f"Moderated score of {form.score.data.removesuffix('%')}% recorded for {application.reference}.",
                  "success")
            return _hub(application)
    return render_template("assessment/moderate.html", application=application, form=form, sheet=sheet,
                           percent=percent), 400 if form.errors else 200


@bp.route("/applications/<int:application_id>/decision", methods=["GET", "POST"])
@roles_required(OFFICER)
def record_decision(application_id: int) -> Response | tuple[str, int]:
    application = get_assessed_application(current_user, application_id)
    existing = decisions.decision_of(application)
    form = DecisionForm(requested_pence=application.requested_pence or 0)
    if request.method == "GET":
        _prefill(form, application, existing)
    status = 200
    if form.validate_on_submit():
        try:
            decisions.decide(current_user, application, Outcome(form.outcome.data), form.awarded_pence,
                             form.conditions.data or "", form.feedback.data or "", form.panel_date.data)
        except decisions.DecisionError as problem:
            db.session.rollback()
            field = form.amount if isinstance(problem, decisions.BudgetExceeded) else form.outcome
            field.errors = [*field.errors, str(problem)]
            status = 409 if isinstance(problem, decisions.BudgetExceeded) else 400
        except IntegrityError:
            # Another officer's first decision on this application committed a moment earlier.
            db.session.rollback()
            form.outcome.errors = [*form.outcome.errors, "Another officer recorded a decision on this application "
                                   "at the same moment. Check it on the assessment page before changing it."]
            status = 409
        else:
            db.session.commit()
            flash(f"Decision recorded for {application.reference}. The applicant will not see it until you "
                  "notify them.", "success")
            return _hub(application)
    elif form.errors:
        status = 400
    fund = application.round.fund
    db.session.refresh(fund)
    return render_template("assessment/decision.html", application=application, form=form, existing=existing,
                           fund=fund, result=score_sheet(application).result, percent=percent), status


def _prefill(form: DecisionForm, application: Application, existing: decisions.Decision | None) -> None:
    if existing is None:
        form.amount.data = pounds_for_input(application.requested_pence)
        form.panel_date.data = clock.today_in_london()
        return
    form.outcome.data = existing.outcome
    form.amount.data = pounds_for_input(existing.awarded_pence or application.requested_pence)
    form.conditions.data = existing.conditions
    form.feedback.data = existing.feedback
    form.panel_date.data = existing.panel_date
    if existing.outcome == Outcome.RESERVE and application.status == ApplicationStatus.RESERVE:
        form.outcome.data = Outcome.APPROVED  # coming back to a reserve: usually to approve it
