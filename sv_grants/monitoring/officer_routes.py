"""A grants officer reviewing monitoring returns: accept, or send back with comments."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from .. import notifications
from ..auth.models import Role
from ..auth.permissions import roles_required
from ..dates import clock
from ..extensions import db
from ..organisations.services import member_emails
from ..pagination import page_count, pagination, requested_page
from . import queries, review
from .forms import ReviewForm
from .models import MonitoringReturn, ReturnStatus
from .permissions import get_return_for_officer
from .report import report_of
from .routes import pdf_response
from .services import ReturnError

bp = Blueprint("monitoring_officer", __name__)
OFFICER = Role.GRANTS_OFFICER
RETURNS_PAGE_SIZE = 50


@dataclass(frozen=True)
class Listing:
    """One of the page's two lists: the rows shown, and where they sit in the whole list."""

    returns: list[MonitoringReturn]
    total: int
    page: int
    pages: int
    pager: dict[str, Any]

    @property
    def first(self) -> int:
        return (self.page - 1) * RETURNS_PAGE_SIZE + 1


@bp.route("/returns")
@roles_required(OFFICER)
def list_returns() -> str:
    # Each list pages on its own parameter, so an officer working down one keeps their place in the other.
    today = clock.today_in_london()
    awaiting_total, overdue_total = queries.officer_counts(current_user, today)
    awaiting_pages = page_count(awaiting_total, RETURNS_PAGE_SIZE)
    overdue_pages = page_count(overdue_total, RETURNS_PAGE_SIZE)
    awaiting_at = requested_page(awaiting_pages, "awaiting_page")
    overdue_at = requested_page(overdue_pages, "overdue_page")
    awaiting = Listing(
        queries.awaiting_page(current_user, RETURNS_PAGE_SIZE, (awaiting_at - 1) * RETURNS_PAGE_SIZE),
        awaiting_total, awaiting_at, awaiting_pages,
        pagination(".list_returns", awaiting_at, awaiting_pages, "Pages of returns waiting for review",
                   "awaiting_page", overdue_page=overdue_at if overdue_at > 1 else None, _anchor="awaiting"))
    overdue = Listing(
        queries.overdue_page(current_user, today, RETURNS_PAGE_SIZE, (overdue_at - 1) * RETURNS_PAGE_SIZE),
        overdue_total, overdue_at, overdue_pages,
        pagination(".list_returns", overdue_at, overdue_pages, "Pages of overdue returns",
                   "overdue_page", awaiting_page=awaiting_at if awaiting_at > 1 else None, _anchor="overdue"))
    return render_template("monitoring/officer_returns.html", awaiting=awaiting, overdue=overdue)


@bp.route("/grants/<int:grant_id>/returns/<int:return_id>")
@roles_required(OFFICER)
def show_return(grant_id: int, return_id: int) -> str:
    monitoring_return = get_return_for_officer(current_user, grant_id, return_id)
    return _page(monitoring_return, ReviewForm())


def _page(monitoring_return: MonitoringReturn, form: ReviewForm, status: int = 200) -> tuple[str, int]:
    # Nothing the organisation has not submitted is shown: a draft is theirs until they send it.
    report = report_of(monitoring_return) if monitoring_return.submitted_at is not None else None
    return render_template("monitoring/officer_return.html", monitoring_return=monitoring_return, report=report,
                           form=form, can_review=monitoring_return.status == ReturnStatus.SUBMITTED
                           and monitoring_return.grant.is_live), status


@bp.route("/grants/<int:grant_id>/returns/<int:return_id>/review", methods=["POST"])
@roles_required(OFFICER)
def review_return(grant_id: int, return_id: int) -> BaseResponse | tuple[str, int]:
    monitoring_return = get_return_for_officer(current_user, grant_id, return_id)
    form = ReviewForm()
    if not form.validate_on_submit():
        return _page(monitoring_return, form, 400)
    accepted = form.decision.data == "accept"
    try:
        if accepted:
            review.accept(current_user, monitoring_return, form.comment.data or "")
        else:
            review.request_changes(current_user, monitoring_return, form.comment.data or "")
    except ReturnError as problem:
        db.session.rollback()
        (form.comment if problem.field == "comment" else form.decision).errors = [str(problem)]
        return _page(monitoring_return, form, 400)
    db.session.commit()
    grant = monitoring_return.grant
    path = url_for("monitoring.show_return", grant_id=grant.id, return_id=monitoring_return.id)
    for email in member_emails(grant.organisation):
        notifications.return_reviewed(email, grant.reference, monitoring_return.title, accepted,
                                      monitoring_return.reviewer_comment or "", path)
    flash(f"{monitoring_return.title} for {grant.reference} "
          f"{'has been accepted' if accepted else 'has been sent back for changes'}.", "success")
    return redirect(url_for(".show_return", grant_id=grant.id, return_id=monitoring_return.id))


@bp.route("/grants/<int:grant_id>/returns/<int:return_id>/return.pdf")
@roles_required(OFFICER)
def return_pdf(grant_id: int, return_id: int) -> Response:
    return pdf_response(get_return_for_officer(current_user, grant_id, return_id))
