"""What a funded organisation sees of its grant: the offer to accept, its payments, its variations."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_login import current_user

from .. import notifications
from ..auth.models import Role, User
from ..auth.permissions import roles_required
from ..dates import clock
from ..extensions import db
from ..organisations.bank import current_account
from . import services, variations
from .forms import AcceptForm
from .models import GrantStatus
from .officer_routes import agreement_response
from .permissions import get_grant_for_applicant
from .presenters import panels_for
from .schedule import return_periods
from .variation_views import variation_page

bp = Blueprint("grants_applicant", __name__)


@bp.route("/your-grants/<int:grant_id>")
@roles_required(Role.APPLICANT)
def show_grant(grant_id: int) -> str:
    grant = get_grant_for_applicant(current_user, grant_id)
    return render_template("grants/applicant_grant.html", grant=grant, account=current_account(grant.organisation_id),
                           periods=return_periods(grant.start_date, grant.end_date), panels=panels_for(grant, False),
                           pending=variations.pending(grant), today=clock.today_in_london())


@bp.route("/your-grants/<int:grant_id>/agreement.pdf")
@roles_required(Role.APPLICANT)
def agreement(grant_id: int) -> Response:
    return agreement_response(get_grant_for_applicant(current_user, grant_id))


@bp.route("/your-grants/<int:grant_id>/accept", methods=["GET", "POST"])
@roles_required(Role.APPLICANT)
def accept(grant_id: int) -> Response | tuple[str, int]:
    grant = get_grant_for_applicant(current_user, grant_id)
    if grant.status != GrantStatus.OFFERED:
        flash("This offer has already been accepted." if grant.accepted_at else "This offer can no longer be accepted.",
              "info")
        return redirect(url_for(".show_grant", grant_id=grant.id))
    form = AcceptForm()
    if form.validate_on_submit():
        try:
            services.accept_offer(current_user, grant, form.name.data, form.role.data)
        except services.GrantError as problem:
            db.session.rollback()
            form.confirmations.errors.append(str(problem))
        else:
            db.session.commit()
            officer = db.session.get(User, grant.offered_by_id)
            notifications.offer_accepted(officer.email, officer.name, grant.reference, grant.organisation.name,
                                         url_for("grants_officer.show_grant", grant_id=grant.id))
            return redirect(url_for(".accepted", grant_id=grant.id))
    return render_template("grants/accept.html", grant=grant, form=form,
                           periods=return_periods(grant.start_date, grant.end_date)), 400 if form.errors else 200


@bp.route("/your-grants/<int:grant_id>/accepted")
@roles_required(Role.APPLICANT)
def accepted(grant_id: int) -> str:
    grant = get_grant_for_applicant(current_user, grant_id)
    return render_template("grants/accepted.html", grant=grant, account=current_account(grant.organisation_id))


@bp.route("/your-grants/<int:grant_id>/variations/new", methods=["GET", "POST"])
@roles_required(Role.APPLICANT)
def new_variation(grant_id: int) -> Response | tuple[str, int]:
    grant = get_grant_for_applicant(current_user, grant_id)
    page = url_for(".show_grant", grant_id=grant.id)
    return variation_page(grant, page, page, staff=False)
