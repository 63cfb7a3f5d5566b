"""The applicant's home: their organisation, its members, and joining by invitation."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ..auth.models import Role
from ..auth.permissions import roles_required
from ..extensions import db
from ..forms import BaseForm
from . import services
from .forms import InviteMemberForm, OrganisationForm
from .models import LegalForm
from .permissions import get_organisation_for
from .services import OrganisationError

bp = Blueprint("organisations", __name__)


@bp.route("/organisation")
@roles_required(Role.APPLICANT)
def dashboard() -> str:
    organisations = services.organisations_of(current_user)
    return render_template("organisations/dashboard.html", organisations=organisations)


@bp.route("/organisations/new", methods=["GET", "POST"])
@roles_required(Role.APPLICANT)
def create_organisation() -> Response | str:
    form = OrganisationForm()
    if form.validate_on_submit():
        organisation = services.create_organisation(current_user, form.name.data,
                                                    LegalForm(form.legal_form.data))
        db.session.commit()
        flash(f"{organisation.name} has been set up. You can now invite colleagues.", "success")
        return redirect(url_for("organisations.show_organisation", organisation_id=organisation.id))
    return render_template("organisations/organisation_new.html", form=form)


@bp.route("/organisations/<int:organisation_id>")
@roles_required(Role.APPLICANT)
def show_organisation(organisation_id: int) -> str:
    organisation = get_organisation_for(current_user, organisation_id)
    return render_template("organisations/organisation_show.html", organisation=organisation)


@bp.route("/organisations/<int:organisation_id>/members/invite", methods=["GET", "POST"])
@roles_required(Role.APPLICANT)
def invite_member(organisation_id: int) -> Response | str:
    organisation = get_organisation_for(current_user, organisation_id)
    form = InviteMemberForm()
    if form.validate_on_submit():
        try:
            invitation = services.invite_member(current_user, organisation, form.email.data)
        except OrganisationError as error:
            form.email.errors = [str(error)]
        else:
            db.session.commit()
            flash(f"Invitation sent to {invitation.email}.", "success")
            return redirect(url_for("organisations.show_organisation", organisation_id=organisation.id))
    return render_template("organisations/member_invite.html", form=form, organisation=organisation)


@bp.route("/join/<token>", methods=["GET", "POST"])
@roles_required(Role.APPLICANT)
def join_organisation(token: str) -> Response | str:
    invitation = services.find_invitation(token)
    if invitation is None:
        return render_template("organisations/invitation_expired.html")
    form = BaseForm()  # only the CSRF token
    error = None
    if form.validate_on_submit():
        try:
            organisation = services.accept_invitation(current_user, invitation)
        except OrganisationError as problem:
            error = str(problem)
        else:
            db.session.commit()
            flash(f"You have joined {organisation.name}.", "success")
            return redirect(url_for("organisations.show_organisation", organisation_id=organisation.id))
    return render_template("organisations/invitation_accept.html", invitation=invitation,
                           form=form, error=error)
