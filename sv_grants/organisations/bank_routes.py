"""An organisation's bank details, entered by its members and shown masked."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ..auth.models import Role
from ..auth.permissions import roles_required
from ..extensions import db
from . import bank
from .bank_forms import BankDetailsForm
from .permissions import get_organisation_for
from .services import OrganisationError

bp = Blueprint("bank_details", __name__)


@bp.route("/organisations/<int:organisation_id>/bank-details", methods=["GET", "POST"])
@roles_required(Role.APPLICANT)
def edit(organisation_id: int) -> Response | tuple[str, int]:
    organisation = get_organisation_for(current_user, organisation_id)
    account = bank.current_account(organisation.id)
    form = BankDetailsForm()  # never prefilled: the full numbers are not shown again
    if form.validate_on_submit():
        try:
            saved = bank.set_bank_details(current_user, organisation, form.account_name.data, form.sort_code.data,
                                          form.account_number.data)
        except OrganisationError as problem:
            db.session.rollback()
            form.account_name.errors.append(str(problem))
        else:
            db.session.commit()
            flash("Bank details saved. Our finance team will check them with you before any payment is made."
                  if not saved.is_verified else "Those are the bank details we already hold.", "success")
            return redirect(url_for("organisations.show_organisation", organisation_id=organisation.id))
    return render_template("organisations/bank_details.html", organisation=organisation, account=account,
                           form=form), 400 if form.errors else 200
