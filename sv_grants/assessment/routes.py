"""The reviewer's pages: their assignments, the declaration of interest that comes before anything
else, the application to read with its files, and the scoring form.

A reviewer sees nothing of an application but its organisation's name until they declare no
interest, and nothing of it ever after declaring one. They see other reviewers' scores only once
their own review is submitted, so every review is made independently.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from .. import notifications
from ..applications.document_routes import send_document
from ..applications.models import Application, ApplicationDocument, ApplicationStatus
from ..applications.presenters import summary_of
from ..auth.models import Role, User
from ..auth.permissions import roles_required
from ..extensions import db
from ..funds.models import Criterion, Round
from ..pagination import page_count, pagination, requested_page
from . import assignments, reviews
from .forms import DeclarationForm, ReviewForm
from .models import Assignment, Declaration, Review
from .permissions import get_own_assignment, get_readable_assignment, has_declared_interest
from .results import scored_assignments
from .scoring import percent, reviewer_score

bp = Blueprint("assessment", __name__)
REVIEWS_PAGE_SIZE = 50


# Your reviews ----------------------------------------------------------------------------------

def status_of(assignment: Assignment) -> tuple[str, str]:
    """What the reviewer has left to do, as a tag's text and colour."""
    if assignment.declaration == Declaration.UNDECLARED:
        return "Declare interest", "govuk-tag--blue"
    if assignment.is_conflicted:
        return "Interest declared", "govuk-tag--grey"
    review = assignment.review
    if review is None:
        return "Not started", "govuk-tag--light-blue"
    if review.is_submitted:
        return "Submitted", "govuk-tag--green"
    return "Draft", "govuk-tag--yellow"


@bp.route("/reviews")
@roles_required(Role.REVIEWER)
def reviewer_home() -> str:
    mine = Assignment.reviewer_id == current_user.id
    # Counted over every assignment, not the page shown, so the summary holds on any page.
    total, to_declare = db.session.execute(select(
        func.count(Assignment.id),
        func.count(Assignment.id).filter(Assignment.declaration == Declaration.UNDECLARED)).where(mine)).one()
    pages = page_count(total, REVIEWS_PAGE_SIZE)
    page = requested_page(pages)
    # Sorting ids alone keeps the sort narrow; the page's few rows are loaded whole afterwards.
    ids = list(db.session.scalars(
        select(Assignment.id).join(Application).where(mine)
        .order_by(Application.round_id.desc(), Application.reference, Assignment.id)
        .limit(REVIEWS_PAGE_SIZE).offset((page - 1) * REVIEWS_PAGE_SIZE)))
    loaded = {assignment.id: assignment for assignment in db.session.scalars(
        select(Assignment).where(Assignment.id.in_(ids))
        .options(selectinload(Assignment.application).selectinload(Application.organisation),
                 selectinload(Assignment.application).selectinload(Application.round).selectinload(Round.fund),
                 selectinload(Assignment.review)))}
    shown = [loaded[assignment_id] for assignment_id in ids]
    return render_template("assessment/reviewer_home.html",
                           assignments=[(assignment, *status_of(assignment)) for assignment in shown],
                           total=total, to_declare=to_declare, page=page, pages=pages,
                           pagination=pagination(".reviewer_home", page, pages, "Pages of your reviews"))


# Declaring an interest -------------------------------------------------------------------------

def _kept_out(assignment: Assignment) -> bool:
    """Declared an interest here, or in another application of the same organisation."""
    return assignment.is_conflicted or has_declared_interest(current_user, assignment.application)


@bp.route("/reviews/<int:assignment_id>", methods=["GET", "POST"])
@roles_required(Role.REVIEWER)
def show_assignment(assignment_id: int) -> Response | str | tuple[str, int]:
    assignment = get_own_assignment(current_user, assignment_id)
    if assignment.declaration != Declaration.UNDECLARED:
        if _kept_out(assignment):
            return render_template("assessment/conflicted.html", assignment=assignment)
        return redirect(url_for(".score", assignment_id=assignment.id))
    form = DeclarationForm()
    if form.validate_on_submit():
        try:
            assignments.declare(current_user, assignment, form.interest.data == "yes", form.details.data or "")
        except assignments.AssignmentError as problem:
            db.session.rollback()
            flash(str(problem))
            return redirect(url_for(".show_assignment", assignment_id=assignment_id))
        db.session.commit()
        if assignment.is_conflicted:
            # The officer who gave it out finds another reviewer; they hear now, not at the panel.
            officer = db.session.get(User, assignment.assigned_by_id)
            notifications.interest_declared(officer.email, officer.name, current_user.name,
                                            assignment.application.reference,
                                            url_for("assessment_officer.show_assessment",
                                                    application_id=assignment.application_id))
        if _kept_out(assignment):
            return redirect(url_for(".show_assignment", assignment_id=assignment.id))
        return redirect(url_for(".score", assignment_id=assignment.id))
    return render_template("assessment/declare.html", assignment=assignment, form=form), \
        400 if form.errors else 200


# Reading the application -----------------------------------------------------------------------

@bp.route("/reviews/<int:assignment_id>/application")
@roles_required(Role.REVIEWER)
def read_application(assignment_id: int) -> str:
    assignment = get_readable_assignment(current_user, assignment_id)
    application = assignment.application
    return render_template("assessment/review_application.html", assignment=assignment, application=application,
                           summary=summary_of(application, editable=False))


@bp.route("/reviews/<int:assignment_id>/documents/<int:document_id>")
@roles_required(Role.REVIEWER)
def download_document(assignment_id: int, document_id: int) -> Response:
    assignment = get_readable_assignment(current_user, assignment_id)
    attachment = db.session.scalar(select(ApplicationDocument).where(
        ApplicationDocument.application_id == assignment.application_id,
        ApplicationDocument.document_id == document_id))
    if attachment is None:
        abort(404)
    return send_document(attachment.document)


# Scoring ---------------------------------------------------------------------------------------

def scale_names(round_: Round) -> dict[int, str]:
    """The round's name for each point of its scale that has one, like 3 → "Good"."""
    named = {}
    for descriptor in round_.score_descriptors or []:
        try:
            label = str(descriptor.get("label") or "").strip()
            if label:
                named[int(descriptor.get("score"))] = label
        except (AttributeError, TypeError, ValueError):
            continue
    return named


def score_labels(round_: Round) -> dict[int, str]:
    """Each point of the scale as the radios show it: "3 - Good" (with an en dash), or "3"."""
    named = scale_names(round_)
    return {n: f"{n} – {named[n]}" if n in named else str(n) for n in range(round_.score_min, round_.score_max + 1)}


def _build_form(round_: Round, criteria: list[Criterion], review: Review | None,
                formdata: Any = None) -> ReviewForm:
    if formdata is not None:
        form = ReviewForm(formdata=formdata)
    else:
        saved = {s.criterion_id: s for s in review.scores} if review else {}
        form = ReviewForm(formdata=None, data={
            "criteria": [{"criterion_id": str(c.id),
                          "score": str(saved[c.id].score) if c.id in saved and saved[c.id].score is not None else None,
                          "comment": saved[c.id].comment if c.id in saved else ""} for c in criteria],
            "recommendation": review.recommendation if review else None,
            "overall_comment": review.overall_comment if review else "",
        })
    choices = list(score_labels(round_).items())
    for row in form.criteria:
        row.form.score.choices = [(str(value), label) for value, label in choices]
    return form


def _matches(form: ReviewForm, criteria: list[Criterion]) -> bool:
    """The posted rows are this round's criteria, in order: not a page opened before they changed."""
    return ([(row.name, row.form.criterion_id.data) for row in form.criteria]
            == [(f"criteria-{index}", str(c.id)) for index, c in enumerate(criteria)])


def _show_problems(form: ReviewForm, problems: dict[str, str]) -> None:
    """Each problem beside its field, keeping any already there, and in the error summary."""
    for key, message in problems.items():
        if key.startswith("criteria-"):
            _, index, name = key.split("-", 2)
            field = form.criteria[int(index)].form[name]
        else:
            field = form[key]
        if not field.errors:
            field.errors = [message]
    _gather(form)


def _gather(form: ReviewForm) -> None:
    """A FieldList gathers its rows' errors while it validates: gather them again after changing
    them, or the error summary would disagree with the fields."""
    rows = form.criteria
    rows.errors = [row.errors for row in rows] if any(row.errors for row in rows) else []


@dataclass
class OtherReview:
    reviewer: str
    scores: dict[int, int | None]
    comments: dict[int, str]
    recommendation: str
    overall_comment: str
    weighted: str


def _weights(criteria: list[Criterion]) -> dict[int, int]:
    return {criterion.id: criterion.weight for criterion in criteria}


def _weighted(round_: Round, criteria: list[Criterion], review: Review) -> str:
    value: Fraction = reviewer_score(_weights(criteria), {s.criterion_id: s.score for s in review.scores},
                                     round_.score_max)
    return percent(value)


def other_reviews(assignment: Assignment, round_: Round, criteria: list[Criterion]) -> list[OtherReview]:
    """The other reviewers' submitted reviews of the application. Only for a reviewer whose own
    review is submitted: the caller checks."""
    others = []
    for other in scored_assignments([assignment.application_id]):
        review = other.review
        if other.id == assignment.id or other.is_conflicted or review is None or not review.is_submitted:
            continue
        others.append(OtherReview(other.reviewer.name, {s.criterion_id: s.score for s in review.scores},
                                  {s.criterion_id: s.comment for s in review.scores}, review.recommendation_label,
                                  review.overall_comment, _weighted(round_, criteria, review)))
    return others


def _closed_reason(application: Application) -> str | None:
    if application.status == ApplicationStatus.IN_ASSESSMENT:
        return None
    return (f"This application is no longer being assessed (its status is “{application.status_enum.label}”), "
            "so it can no longer be scored.")


def _render_score(assignment: Assignment, form: ReviewForm | None, status: int = 200,
                  problem: str | None = None) -> tuple[str, int]:
    application = assignment.application
    round_ = application.round
    criteria = list(round_.criteria)
    review = reviews.review_of(assignment)
    submitted = review is not None and review.is_submitted
    context: dict[str, Any] = {
        "assignment": assignment, "application": application, "round": round_, "criteria": criteria,
        "review": review, "labels": score_labels(round_), "names": scale_names(round_), "problem": problem,
        "closed": None if submitted else _closed_reason(application),
    }
    if submitted:
        saved = {s.criterion_id: s for s in review.scores}
        context.update(saved=saved, weighted=_weighted(round_, criteria, review),
                       others=other_reviews(assignment, round_, criteria))
    elif form is not None and context["closed"] is None and criteria:
        context["form"] = form
    return render_template("assessment/score.html", **context), status


@bp.route("/reviews/<int:assignment_id>/score", methods=["GET", "POST"])
@roles_required(Role.REVIEWER)
def score(assignment_id: int) -> Response | tuple[str, int]:
    assignment = get_readable_assignment(current_user, assignment_id)
    application = assignment.application
    round_ = application.round
    criteria = list(round_.criteria)
    review = reviews.review_of(assignment)
    if request.method == "GET":
        return _render_score(assignment, _build_form(round_, criteria, review))

    if review is not None and review.is_submitted:
        return _render_score(assignment, None, 400, "You have already submitted this review. Ask a grants officer "
                                                    "to reopen it to change it.")
    closed = _closed_reason(application)
    if closed is not None or not criteria:
        return _render_score(assignment, None, 409, closed or "There are no criteria to score against yet.")
    form = _build_form(round_, criteria, review, request.form)
    if not _matches(form, criteria):
        return _render_score(assignment, _build_form(round_, criteria, review), 409,
                             "The scoring criteria changed after you opened this page. Check your answers and "
                             "save again.")
    form.validate()
    submitting = bool(form.submit_review.data)
    problems: dict[str, str] = {}
    marks: dict[int, reviews.Marks] = {}
    for index, (row, criterion) in enumerate(zip(form.criteria, criteria, strict=True)):
        # The scale is the service's to check, with its own messages.
        row.form.score.errors = []
        raw = (row.form.score.data or "").strip()
        value = None
        if raw:
            try:
                value = int(raw)
            except ValueError:
                problems[f"criteria-{index}-score"] = f"Select a score for {criterion.title}"
        marks[criterion.id] = reviews.Marks(value, row.form.comment.data or "")
    form.recommendation.errors = []
    _gather(form)
    recommendation = form.recommendation.data or None
    overall_comment = form.overall_comment.data or ""
    if problems or form.errors:
        found = reviews.score_problems(round_, criteria, marks, recommendation, overall_comment, submitting)
        _show_problems(form, {**found, **problems})
        return _render_score(assignment, form, 400)
    try:
        reviews.save(current_user, assignment, marks, recommendation, overall_comment, submit=submitting)
    except reviews.ReviewIncomplete as incomplete:
        db.session.rollback()
        _show_problems(form, incomplete.problems)
        return _render_score(assignment, form, 400)
    except reviews.ReviewError as refused:
        db.session.rollback()
        return _render_score(assignment, None, 400, str(refused))
    db.session.commit()
    flash("Your review has been submitted" if submitting else "Your draft has been saved", "success")
    return redirect(url_for(".score", assignment_id=assignment.id))
