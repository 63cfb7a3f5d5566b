"""Account rules: registration, sign-in, throttling, two-factor, invitations, resets, roles.

Services take the acting user as an argument, write the audit event and flush; the route
commits. They raise ``AuthError`` subclasses with a message fit to show next to a field.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from flask import current_app
from redis import RedisError
from sqlalchemy import delete, func, select, update

from .. import notifications, rate_limits
from ..audit.services import record
from ..dates import utcnow
from ..extensions import db
from . import two_factor
from .models import (
    STAFF_ROLES,
    AccountToken,
    Role,
    SignInAttempt,
    TokenPurpose,
    User,
    UserRole,
    UserSession,
)
from .passwords import dummy_verify, hash_password, password_problem, verify_password
from .sessions import end_all_sessions
from .tokens import new_token, token_hash

log = logging.getLogger(__name__)


class AuthError(Exception):
    """A rule was broken; ``str(error)`` is the message for the person."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class Throttled(AuthError):
    pass


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def needs_two_factor(user: User) -> bool:
    return user.is_staff and current_app.config["REQUIRE_TWO_FACTOR"]


# Registration -------------------------------------------------------------------------------

def register_applicant(name: str, email: str, password: str) -> User:
    email = normalise_email(email)
    if find_user_by_email(email) is not None:
        raise AuthError(
            "An account already exists with this email address. Sign in, or reset your password "
            "if you have forgotten it", field="email")
    problem = password_problem(password, email=email, name=name)
    if problem:
        raise AuthError(problem, field="password")
    user = User(name=name.strip(), email=email, password_hash=hash_password(password))
    user.role_grants.append(UserRole(role=Role.APPLICANT))
    db.session.add(user)
    db.session.flush()
    record("user.registered", actor=user, subject=user)
    return user


# Sign-in and throttling ---------------------------------------------------------------------

THROTTLE_MESSAGE = (
    "You have tried to sign in too many times. Wait 5 minutes, then try again. "
    "If you have forgotten your password, reset it"
)


def recent_failures(email: str, ip: str) -> tuple[int, int]:
    """Failed attempts in the throttling window: (for this account, from this address).

    From Redis when ``REDIS_URL`` is set (a window that starts at the first failure), otherwise
    from the attempts recorded in the database (a window sliding back from now)."""
    shared = rate_limits.shared_counter()
    if shared is not None:
        try:
            return (shared.count(rate_limits.private_key("sign-in-account", email)),
                    shared.count(rate_limits.private_key("sign-in-ip", ip)))
        except RedisError:
            # Signing in must not stop with Redis: the attempts are in the database anyway.
            log.warning("Redis unreachable: sign-in throttling counted in the database")
    since = utcnow() - timedelta(seconds=current_app.config["SIGN_IN_WINDOW_SECONDS"])
    failed = select(func.count()).select_from(SignInAttempt).where(
        SignInAttempt.succeeded.is_(False), SignInAttempt.at > since
    )
    by_account = db.session.scalar(failed.where(SignInAttempt.email == email)) or 0
    by_ip = db.session.scalar(failed.where(SignInAttempt.ip == ip)) or 0
    return by_account, by_ip


def check_throttle(email: str, ip: str) -> None:
    limit = current_app.config["SIGN_IN_ATTEMPT_LIMIT"]
    by_account, by_ip = recent_failures(email, ip)
    if by_account >= limit or by_ip >= limit:
        raise Throttled(THROTTLE_MESSAGE)


def _attempt(email: str, ip: str, step: str, succeeded: bool) -> None:
    db.session.add(SignInAttempt(email=email, ip=ip, step=step, succeeded=succeeded))
    shared = rate_limits.shared_counter()
    if shared is not None and not succeeded:
        window = current_app.config["SIGN_IN_WINDOW_SECONDS"]
        try:
            shared.hit(rate_limits.private_key("sign-in-account", email), window)
            shared.hit(rate_limits.private_key("sign-in-ip", ip), window)
        except RedisError:
            log.warning("Redis unreachable: a failed sign-in was not counted there")


def authenticate(email: str, password: str, ip: str) -> User:
    """The user these credentials belong to; raises ``Throttled`` or ``AuthError``.

    After ``SIGN_IN_ATTEMPT_LIMIT`` failures in ``SIGN_IN_WINDOW_SECONDS`` for an account or from
    an address, every attempt is refused, right or wrong, until the window has passed.
    """
    email = normalise_email(email)
    check_throttle(email, ip)
    user = find_user_by_email(email)
    if user is None:
        dummy_verify()
        valid = False
    else:
        valid = verify_password(user.password_hash, password) and user.is_active
    _attempt(email, ip, "password", valid)
    if not valid:
        record("sign_in.failed", actor=None, subject=user, email=email,
               reason="inactive" if user is not None and not user.is_active else "credentials")
        raise AuthError("Enter a correct email address and password", field="email")
    return user


def record_sign_in(user: User, method: str) -> None:
    record("sign_in.succeeded", actor=user, subject=user, method=method)


def record_sign_out(user: User) -> None:
    record("sign_out", actor=user, subject=user)


# Two-factor ---------------------------------------------------------------------------------

def begin_two_factor_setup(user: User) -> str:
    """A fresh secret for the authenticator app, kept until the first code confirms it."""
    if user.has_two_factor:
        raise AuthError("Two-factor sign-in is already set up")
    user.totp_secret = two_factor.new_secret()
    return user.totp_secret


def confirm_two_factor_setup(user: User, code: str, ip: str) -> None:
    check_throttle(user.email, ip)
    if not user.totp_secret or not two_factor.use_code(user, user.totp_secret, code, utcnow()):
        _attempt(user.email, ip, "two_factor", False)
        raise AuthError("Enter the 6-digit code shown in your authenticator app", field="code")
    _attempt(user.email, ip, "two_factor", True)
    user.totp_enabled_at = utcnow()
    record("two_factor.enabled", actor=user, subject=user)


def verify_two_factor(user: User, code: str, ip: str) -> None:
    """Accept a code once; a code already used, even a moment ago, is refused."""
    check_throttle(user.email, ip)
    if not user.totp_secret or not two_factor.use_code(user, user.totp_secret, code, utcnow()):
        _attempt(user.email, ip, "two_factor", False)
        record("sign_in.failed", subject=user, email=user.email, reason="two_factor")
        raise AuthError(
            "Enter the current 6-digit code from your authenticator app. Each code can only be "
            "used once", field="code")
    _attempt(user.email, ip, "two_factor", True)


def reset_two_factor(actor: User, user: User) -> None:
    """An admin clears a lost authenticator; the user sets it up again at next sign-in."""
    user.totp_secret = None
    user.totp_enabled_at = None
    end_all_sessions(user, "two_factor_reset")
    record("two_factor.reset", actor=actor, subject=user)


# One-time tokens ----------------------------------------------------------------------------

def issue_token(user: User, purpose: TokenPurpose, lifetime: timedelta) -> str:
    # A new link replaces any earlier unused one of the same kind.
    db.session.execute(
        update(AccountToken)
        .where(AccountToken.user_id == user.id, AccountToken.purpose == purpose,
               AccountToken.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    raw = new_token()
    db.session.add(AccountToken(purpose=purpose, token_hash=token_hash(raw), user_id=user.id,
                                expires_at=utcnow() + lifetime))
    return raw


def find_token(raw: str, purpose: TokenPurpose) -> AccountToken | None:
    """The unused, unexpired token ``raw`` stands for, or None."""
    token = db.session.scalar(
        select(AccountToken).where(AccountToken.token_hash == token_hash(raw),
                                   AccountToken.purpose == purpose)
    )
    if token is None or token.used_at is not None or token.expires_at <= utcnow():
        return None
    if not token.user.is_active:
        return None
    return token


def _use_token(token: AccountToken) -> None:
    """Mark used with a conditional UPDATE, so two requests cannot both use one link."""
    result = db.session.execute(
        update(AccountToken)
        .where(AccountToken.id == token.id, AccountToken.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise AuthError("This link has already been used")


# Password reset -----------------------------------------------------------------------------

def request_password_reset(email: str) -> None:
    """E-mail a reset link if the address has an active account; do nothing visible otherwise."""
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        return
    minutes = current_app.config["PASSWORD_RESET_MINUTES"]
    raw = issue_token(user, TokenPurpose.PASSWORD_RESET, timedelta(minutes=minutes))
    notifications.password_reset(user.email, user.name, f"/reset-password/{raw}", minutes)
    record("password_reset.requested", actor=None, subject=user)


def set_password_with_token(raw: str, purpose: TokenPurpose, password: str) -> User:
    token = find_token(raw, purpose)
    if token is None:
        raise AuthError("This link has expired or has already been used")
    user = token.user
    problem = password_problem(password, email=user.email, name=user.name)
    if problem:
        raise AuthError(problem, field="password")
    _use_token(token)
    user.password_hash = hash_password(password)
    end_all_sessions(user, "password_changed")
    if purpose == TokenPurpose.PASSWORD_RESET:
        record("password_reset.completed", actor=user, subject=user)
        notifications.password_changed(user.email, user.name)
    else:
        record("invitation.accepted", actor=user, subject=user)
    return user


# Staff accounts (admin) ---------------------------------------------------------------------

@dataclass
class StaffInvitation:
    user: User
    link_path: str


def invite_staff(actor: User, name: str, email: str, roles: set[Role]) -> StaffInvitation:
    email = normalise_email(email)
    if not roles or not roles <= STAFF_ROLES:
        raise AuthError("Select at least one staff role", field="roles")
    if find_user_by_email(email) is not None:
        raise AuthError("A user with this email address already exists", field="email")
    user = User(name=name.strip(), email=email, password_hash=None)
    db.session.add(user)
    db.session.flush()
    record("user.invited", actor=actor, subject=user, roles=sorted(roles))
    _grant(actor, user, roles)
    days = current_app.config["INVITATION_DAYS"]
    raw = issue_token(user, TokenPurpose.STAFF_INVITATION, timedelta(days=days))
    path = f"/invitation/{raw}"
    notifications.staff_invitation(user.email, user.name, actor.name,
                                   [Role(r).label for r in sorted(roles)], path, days)
    return StaffInvitation(user, path)


def _grant(actor: User, user: User, roles: set[Role]) -> None:
    for role in sorted(roles):
        user.role_grants.append(UserRole(role=role, granted_by_id=actor.id))
        record("role.granted", actor=actor, subject=user, role=str(role))


def change_roles(actor: User, user: User, roles: set[Role]) -> None:
    if actor.id == user.id:
        raise AuthError("You cannot change your own roles. Ask another administrator", field="roles")
    if not roles:
        raise AuthError("Select at least one role", field="roles")
    current = user.roles
    for grant in list(user.role_grants):
        if Role(grant.role) not in roles:
            user.role_grants.remove(grant)
            record("role.revoked", actor=actor, subject=user, role=grant.role)
    _grant(actor, user, roles - current)
    if user.roles & STAFF_ROLES and not current & STAFF_ROLES:
        end_all_sessions(user, "roles_changed")  # they must now sign in with two factors


def deactivate(actor: User, user: User) -> None:
    if actor.id == user.id:
        raise AuthError("You cannot deactivate your own account")
    if not user.is_active:
        raise AuthError("This account is already deactivated")
    user.is_active = False
    user.deactivated_at = utcnow()
    end_all_sessions(user, "deactivated")
    record("user.deactivated", actor=actor, subject=user)


def reactivate(actor: User, user: User) -> None:
    if user.is_active:
        raise AuthError("This account is already active")
    user.is_active = True
    user.deactivated_at = None
    record("user.reactivated", actor=actor, subject=user)


# Housekeeping --------------------------------------------------------------------------------

SECURITY_RECORD_DAYS = 90  # as the privacy notice promises


def purge_expired_security_records() -> dict[str, int]:
    """Delete sign-in attempts, finished sessions and spent links older than 90 days."""
    cutoff = utcnow() - timedelta(days=SECURITY_RECORD_DAYS)
    deleted = {
        "sign-in attempts": db.session.execute(
            delete(SignInAttempt).where(SignInAttempt.at < cutoff)).rowcount,
        "sessions": db.session.execute(
            delete(UserSession).where(func.coalesce(UserSession.ended_at, UserSession.last_seen_at) < cutoff)
        ).rowcount,
        "links": db.session.execute(
            delete(AccountToken).where(AccountToken.expires_at < cutoff)).rowcount,
    }
    record("security_records.purged", **deleted)
    return deleted


class SignInOutcome(StrEnum):
    SIGNED_IN = "signed_in"
    TWO_FACTOR = "two_factor"
    SET_UP_TWO_FACTOR = "set_up_two_factor"


def next_step_after_password(user: User) -> SignInOutcome:
    if not needs_two_factor(user):
        return SignInOutcome.SIGNED_IN
    return SignInOutcome.TWO_FACTOR if user.has_two_factor else SignInOutcome.SET_UP_TWO_FACTOR
