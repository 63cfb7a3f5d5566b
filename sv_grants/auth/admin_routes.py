"""Administrators manage staff accounts: list, invite, change roles, deactivate."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, or_, select
from werkzeug.wrappers import Response

from ..extensions import db
from ..pagination import page_count, pagination, requested_page
from . import services
from .forms import ChangeRolesForm, ConfirmForm, InviteStaffForm
from .models import Role, User
from .permissions import can_change_roles, can_deactivate, roles_required
from .services import AuthError

bp = Blueprint("admin", __name__, url_prefix="/admin")
PAGE_SIZE = 50


def get_user_for_admin(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/users")
@roles_required(Role.ADMIN)
def list_users() -> str:
    query = request.args.get("q", "").strip()[:100]
    matching = select(User)
    if query:
        # Escaped, so a "%" or "_" typed in the box is looked for, not taken as a wildcard.
        needle = query.lower()
        matching = matching.where(or_(User.email.contains(needle, autoescape=True),
                                      func.lower(User.name).contains(needle, autoescape=True)))
    total = db.session.scalar(select(func.count()).select_from(matching.subquery())) or 0
    pages = page_count(total, PAGE_SIZE)
    page = requested_page(pages)
    users = db.session.scalars(matching.order_by(User.name, User.id)
                               .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    return render_template("admin/users.html", users=users, query=query, page=page, pages=pages, total=total,
                           pagination=pagination(".list_users", page, pages, "Pages of users", q=query or None))


@bp.route("/users/invite", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def invite_user() -> Response | str:
    form = InviteStaffForm()
    if form.validate_on_submit():
        try:
            invitation = services.invite_staff(current_user, form.name.data, form.email.data,
                                               {Role(r) for r in form.roles.data})
        except AuthError as error:
            getattr(form, error.field or "email").errors = [str(error)]
        else:
            db.session.commit()
            flash(f"Invitation sent to {invitation.user.email}.", "success")
            return redirect(url_for("admin.show_user", user_id=invitation.user.id))
    return render_template("admin/user_invite.html", form=form)


@bp.route("/users/<int:user_id>")
@roles_required(Role.ADMIN)
def show_user(user_id: int) -> str:
    user = get_user_for_admin(user_id)
    return render_template("admin/user_show.html", user=user, confirm=ConfirmForm(),
                           can_change=can_change_roles(current_user, user),
                           can_deactivate=can_deactivate(current_user, user))


@bp.route("/users/<int:user_id>/roles", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def change_roles(user_id: int) -> Response | str:
    user = get_user_for_admin(user_id)
    if not can_change_roles(current_user, user):
        abort(403)
    form = ChangeRolesForm(data={"roles": sorted(user.roles)} if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            services.change_roles(current_user, user, {Role(r) for r in form.roles.data})
        except AuthError as error:
            form.roles.errors = [str(error)]
        else:
            db.session.commit()
            flash(f"Roles of {user.name} saved.", "success")
            return redirect(url_for("admin.show_user", user_id=user.id))
    return render_template("admin/user_roles.html", user=user, form=form)


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@roles_required(Role.ADMIN)
def deactivate_user(user_id: int) -> Response:
    return _account_action(user_id, services.deactivate, "{name} can no longer sign in.")


@bp.route("/users/<int:user_id>/reactivate", methods=["POST"])
@roles_required(Role.ADMIN)
def reactivate_user(user_id: int) -> Response:
    return _account_action(user_id, services.reactivate, "{name} can sign in again.")


@bp.route("/users/<int:user_id>/reset-two-factor", methods=["POST"])
@roles_required(Role.ADMIN)
def reset_two_factor(user_id: int) -> Response:
    return _account_action(user_id, services.reset_two_factor,
                           "{name} will set up two-factor sign-in again next time they sign in.")


def _account_action(user_id: int, action: Callable[[User, User], None], message: str) -> Response:
    user = get_user_for_admin(user_id)
    if ConfirmForm().validate_on_submit():
        try:
            action(current_user, user)
        except AuthError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(message.format(name=user.name), "success")
    return redirect(url_for("admin.show_user", user_id=user.id))
