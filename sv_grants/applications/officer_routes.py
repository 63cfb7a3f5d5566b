"""Grants officers' list of a round's applications: filter, search, page through, open read-only."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from ..auth.models import Role
from ..auth.permissions import roles_required
from ..extensions import db
from ..forms import is_whole_number
from ..funds.models import Round
from ..organisations.models import Organisation
from ..pagination import page_count, requested_page
from .models import Application, ApplicationPriority, ApplicationStatus
from .services import count_by_status

bp = Blueprint("round_applications", __name__)
PAGE_SIZE = 25
# Officers see what has been submitted; drafts stay private to the organisation until then.
VISIBLE = [status for status in ApplicationStatus if status != ApplicationStatus.DRAFT]


@bp.route("/rounds/<int:round_id>/applications")
@roles_required(Role.GRANTS_OFFICER)
def list_applications(round_id: int) -> str:
    round_ = db.session.get(Round, round_id)
    if round_ is None:
        abort(404)
    status = request.args.get("status", "")
    priority = request.args.get("priority", "")
    query = request.args.get("q", "").strip()[:100]

    statement = select(Application).join(Organisation).where(
        Application.round_id == round_.id, Application.status.in_(VISIBLE))
    if status in {s.value for s in VISIBLE}:
        statement = statement.where(Application.status == status)
    if is_whole_number(priority) and len(priority) <= 9:  # an id, not a number too big for the column
        statement = statement.where(Application.priorities.any(
            (ApplicationPriority.priority_id == int(priority)) & ApplicationPriority.is_primary))
    if query:
        pattern = f"%{query.lower()}%"
        statement = statement.where(or_(func.lower(Application.reference).like(pattern),
                                        func.lower(Organisation.name).like(pattern)))
    total = db.session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    pages = page_count(total, PAGE_SIZE)
    page = requested_page(pages)
    # Joined, not selected in, so an empty page costs the same queries as a full one.
    applications = db.session.scalars(
        statement.options(joinedload(Application.organisation),
                          joinedload(Application.priorities).joinedload(ApplicationPriority.priority))
        .order_by(Application.reference).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ).unique().all()
    counts = count_by_status(round_)
    return render_template("applications/round_applications.html", round=round_, applications=applications,
                           statuses=VISIBLE, status=status, priority=priority, query=query, page=page,
                           pages=pages, total=total, drafts=counts.get(ApplicationStatus.DRAFT, 0))
