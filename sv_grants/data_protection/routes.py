"""Admin pages: download a person's data, erase an applicant's account."""

from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from ..audit.services import record
from ..auth.admin_routes import get_user_for_admin
from ..auth.forms import ConfirmForm
from ..auth.models import Role, User
from ..auth.permissions import roles_required
from ..database import end_read_transaction
from ..extensions import db
from . import erasure
from .export import export_user
from .retention import Policy

bp = Blueprint("data_protection", __name__, url_prefix="/admin/users")


@bp.app_template_global()
def can_erase(user: User) -> bool:
    return erasure.can_erase(user)


@bp.app_template_global()
def retention_policy() -> Policy:
    """The periods the privacy notice quotes: the same settings ``purge-expired`` applies."""
    return Policy.from_config(current_app.config)


@bp.route("/<int:user_id>/data.json")
@roles_required(Role.ADMIN)
def download_user_data(user_id: int) -> Response:
    user = get_user_for_admin(user_id)
    data = export_user(user)
    end_read_transaction()
    record("user.data_exported", actor=current_user, subject=user)
    db.session.commit()
    response = Response(json.dumps(data, indent=2, ensure_ascii=False), mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="user-{user.id}-data.json"'
    response.headers["Cache-Control"] = "no-store"  # personal data: no copy left in a shared cache
    return response


@bp.route("/<int:user_id>/erase", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def erase_user(user_id: int) -> Response | str:
    user = get_user_for_admin(user_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            erasure.erase_applicant(current_user, user)
        except erasure.ErasureRefused as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash("The applicant's personal data has been erased. Their organisation's records are kept.", "success")
        return redirect(url_for("admin.show_user", user_id=user.id))
    refusal = None if erasure.can_erase(user) else (
        "This account has already been erased." if erasure.is_erased(user)
        else "Only applicants' accounts can be erased. Deactivate a member of staff instead.")
    return render_template("data_protection/user_erase.html", user=user, form=form, refusal=refusal,
                           sole_contacts=erasure.sole_contact_of_live_grants(user))
