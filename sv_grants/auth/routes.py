"""Signing in and out, registering, two-factor authentication, password reset, invitations."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from ..dates import utcnow
from ..extensions import db
from ..urls import safe_next
from . import services
from . import two_factor as totp
from .forms import ForgottenPasswordForm, RegisterForm, SetPasswordForm, SignInForm, TwoFactorForm
from .models import TokenPurpose, User
from .navigation import home_endpoint
from .permissions import any_signed_in_user, public
from .services import AuthError, SignInOutcome, Throttled
from .sessions import end_session, start_session

bp = Blueprint("auth", __name__)

PENDING_USER = "pending_user_id"
PENDING_SINCE = "pending_since"
PENDING_NEXT = "pending_next"
PENDING_LIFETIME = timedelta(minutes=10)


def _client_ip() -> str:
    return request.remote_addr or "unknown"


def _field_error(form: FlaskForm, error: AuthError, default_field: str) -> None:
    field = getattr(form, error.field or default_field)
    field.errors = [*field.errors, str(error)]


def _finish_sign_in(user: User, method: str, next_url: str | None) -> Response:
    start_session(user)
    services.record_sign_in(user, method)
    db.session.commit()
    return redirect(safe_next(next_url) or url_for(home_endpoint(user)))


@bp.route("/sign-in", methods=["GET", "POST"])
@public
def sign_in() -> Response | str | tuple[str, int]:
    if current_user.is_authenticated:
        return redirect(url_for(home_endpoint(current_user)))
    form = SignInForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data, _client_ip())
        except Throttled as error:
            form.email.errors = [str(error)]
            status = 429
        except AuthError as error:
            _field_error(form, error, "email")
            db.session.commit()  # keep the failed attempt: it counts towards throttling
            status = 200
        else:
            next_url = request.args.get("next")
            step = services.next_step_after_password(user)
            if step == SignInOutcome.SIGNED_IN:
                return _finish_sign_in(user, "password", next_url)
            session.clear()
            session[PENDING_USER] = user.id
            session[PENDING_SINCE] = utcnow().timestamp()
            session[PENDING_NEXT] = safe_next(next_url)
            db.session.commit()
            endpoint = "auth.two_factor" if step == SignInOutcome.TWO_FACTOR else "auth.set_up_two_factor"
            return redirect(url_for(endpoint))
    return render_template("auth/sign_in.html", form=form), status


def _pending_user() -> User | None:
    user_id, since = session.get(PENDING_USER), session.get(PENDING_SINCE)
    if not user_id or not since:
        return None
    if utcnow().timestamp() - since > PENDING_LIFETIME.total_seconds():
        return None
    user = db.session.get(User, user_id)
    return user if user is not None and user.is_active else None


def _restart_sign_in() -> Response:
    session.clear()
    flash("Your sign-in timed out. Sign in again.", "info")
    return redirect(url_for("auth.sign_in"))


@bp.route("/sign-in/two-factor", methods=["GET", "POST"])
@public  # the password step, kept in the signed session, is the guard here
def two_factor() -> Response | str | tuple[str, int]:
    user = _pending_user()
    if user is None or not user.has_two_factor:
        return _restart_sign_in()
    form = TwoFactorForm()
    status = 200
    if form.validate_on_submit():
        try:
            services.verify_two_factor(user, form.code.data, _client_ip())
        except AuthError as error:
            _field_error(form, error, "code")
            status = 429 if isinstance(error, Throttled) else 200
            db.session.commit()
        else:
            return _finish_sign_in(user, "password+totp", session.get(PENDING_NEXT))
    return render_template("auth/two_factor.html", form=form), status


@bp.route("/sign-in/set-up-two-factor", methods=["GET", "POST"])
@public  # the password step, kept in the signed session, is the guard here
def set_up_two_factor() -> Response | str | tuple[str, int]:
    user = _pending_user()
    if user is None:
        return _restart_sign_in()
    if user.has_two_factor:
        return redirect(url_for("auth.two_factor"))
    form = TwoFactorForm()
    status = 200
    if not user.totp_secret:
        services.begin_two_factor_setup(user)
        db.session.commit()
    if form.validate_on_submit():
        try:
            services.confirm_two_factor_setup(user, form.code.data, _client_ip())
        except AuthError as error:
            _field_error(form, error, "code")
            status = 429 if isinstance(error, Throttled) else 200
            db.session.commit()
        else:
            flash("Two-factor sign-in is set up. You will need a code from your app each time you sign in.",
                  "success")
            return _finish_sign_in(user, "password+totp", session.get(PENDING_NEXT))
    uri = totp.provisioning_uri(user.totp_secret, user.email, current_app.config["SERVICE_NAME"])
    return render_template(
        "auth/set_up_two_factor.html", form=form, secret=user.totp_secret,
        qr_code=totp.qr_code_data_uri(uri),
    ), status


@bp.route("/sign-out", methods=["POST"])
@any_signed_in_user
def sign_out() -> Response:
    services.record_sign_out(current_user)
    end_session("signed_out")
    db.session.commit()
    flash("You have signed out.", "success")
    return redirect(url_for("auth.sign_in"))


@bp.route("/register", methods=["GET", "POST"])
@public
def register() -> Response | str:
    if current_user.is_authenticated:
        return redirect(url_for(home_endpoint(current_user)))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = services.register_applicant(form.name.data, form.email.data, form.password.data)
        except AuthError as error:
            _field_error(form, error, "email")
        else:
            start_session(user)
            services.record_sign_in(user, "registration")
            db.session.commit()
            return redirect(safe_next(request.args.get("next")) or url_for("applications.dashboard"))
    return render_template("auth/register.html", form=form)


@bp.route("/forgotten-password", methods=["GET", "POST"])
@public
def forgotten_password() -> Response | str:
    form = ForgottenPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()
        return render_template("auth/reset_sent.html", email=form.email.data)
    return render_template("auth/forgotten_password.html", form=form)


def _set_password(token: str, purpose: TokenPurpose, template: str) -> Response | str:
    if services.find_token(token, purpose) is None:
        return render_template("auth/link_expired.html", purpose=purpose)
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            user = services.set_password_with_token(token, purpose, form.password.data)
        except AuthError as error:
            _field_error(form, error, "password")
        else:
            db.session.commit()
            if purpose == TokenPurpose.STAFF_INVITATION and services.needs_two_factor(user):
                session.clear()
                session[PENDING_USER] = user.id
                session[PENDING_SINCE] = utcnow().timestamp()
                return redirect(url_for("auth.set_up_two_factor"))
            session.clear()
            flash("Your password has been saved. Sign in with your new password.", "success")
            return redirect(url_for("auth.sign_in"))
    return render_template(template, form=form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str) -> Response | str:
    return _set_password(token, TokenPurpose.PASSWORD_RESET, "auth/reset_password.html")


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@public
def accept_invitation(token: str) -> Response | str:
    return _set_password(token, TokenPurpose.STAFF_INVITATION, "auth/accept_invitation.html")


@bp.route("/account")
@any_signed_in_user
def account() -> str:
    return render_template("auth/account.html", user=current_user,
                           two_factor_required=services.needs_two_factor(current_user))


@bp.route("/home")
@any_signed_in_user
def home() -> Response:
    return redirect(url_for(home_endpoint(current_user)))
