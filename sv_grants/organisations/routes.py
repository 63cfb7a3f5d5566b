"""An applicant's organisation: its details, its members, and joining by invitation."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ..auth.models import Role
from ..auth.permissions import roles_required
from ..extensions import db
from ..forms import BaseForm
from ..funds.services import local_authority_areas
from ..money import pounds_for_input
from . import services
from .forms import OUTSIDE_AREA, InviteMemberForm, OrganisationForm, ProfileForm
from .models import LegalForm, Organisation
from .permissions import get_organisation_for
from .services import OrganisationError

bp = Blueprint("organisations", __name__)


@bp.route("/organisations/new", methods=["GET", "POST"])
@roles_required(Role.APPLICANT)
def create_organisation() -> Response | str:
    form = OrganisationForm()
    if form.validate_on_submit():
        organisation = services.create_organisation(current_user, form.name.data,
                                                    LegalForm(form.legal_form.data))
        db.session.commit()
        flash(f"{organisation.name} has been set up. Now add its details.", "success")
        return redirect(url_for("organisations.edit_organisation", organisation_id=organisation.id))
    return render_template("organisations/organisation_new.html", form=form)


@bp.route("/organisations/<int:organisation_id>")
@roles_required(Role.APPLICANT)
def show_organisation(organisation_id: int) -> str:
    organisation = get_organisation_for(current_user, organisation_id)
    areas = {area.code: area.name for area in local_authority_areas()}
    area_name = areas.get(organisation.local_authority_code or "", "Outside County Durham and Darlington"
                          if organisation.local_authority_code == OUTSIDE_AREA else None)
    return render_template("organisations/organisation_show.html", organisation=organisation, area_name=area_name)


@bp.route("/organisations/<int:organisation_id>/details", methods=["GET", "POST"])
@roles_required(Role.APPLICANT)
def edit_organisation(organisation_id: int) -> Response | str:
    organisation = get_organisation_for(current_user, organisation_id)
    form = ProfileForm(data=None if request.method == "POST" else profile_data(organisation))
    form.set_areas([(area.code, area.name) for area in local_authority_areas()])
    if form.validate_on_submit():
        services.update_profile(
            current_user, organisation,
            name=form.name.data, legal_form=form.legal_form.data,
            charity_number=form.charity_number.data or None, company_number=form.company_number.data or None,
            address_line_1=form.address_line_1.data, address_line_2=form.address_line_2.data or None,
            town=form.town.data, postcode=form.postcode.data, local_authority_code=form.local_authority.data,
            annual_income_pence=form.annual_income_pence, safeguarding_lead_name=form.safeguarding_lead_name.data,
            safeguarding_lead_email=form.safeguarding_lead_email.data.lower(),
        )
        db.session.commit()
        flash("Your organisation's details have been saved.", "success")
        return redirect(url_for("organisations.show_organisation", organisation_id=organisation.id))
    return render_template("organisations/organisation_edit.html", form=form, organisation=organisation)


def profile_data(organisation: Organisation) -> dict[str, object]:
    return {
        "name": organisation.name, "legal_form": organisation.legal_form,
        "charity_number": organisation.charity_number, "company_number": organisation.company_number,
        "address_line_1": organisation.address_line_1, "address_line_2": organisation.address_line_2,
        "town": organisation.town, "postcode": organisation.postcode,
        "local_authority": organisation.local_authority_code,
        "annual_income": pounds_for_input(organisation.annual_income_pence),
        "safeguarding_lead_name": organisation.safeguarding_lead_name,
        "safeguarding_lead_email": organisation.safeguarding_lead_email,
    }


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
