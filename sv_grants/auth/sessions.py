"""Server-side sessions on top of Flask's signed cookie.

The cookie carries a random session id; the ``user_sessions`` row decides whether it is live.
Signing out, resetting a password or deactivating a user ends the row, so a copied cookie stops
working at once. Sessions end after ``SESSION_IDLE_MINUTES`` without a request and, whatever
happens, ``SESSION_MAX_HOURS`` after sign-in.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Flask, current_app, flash, g, redirect, request, session, url_for
from flask_login import login_user, logout_user
from sqlalchemy import Update, select, update
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from ..database import in_read_only_request, write_connection
from ..dates import utcnow
from ..extensions import db, login_manager
from .models import User, UserSession
from .tokens import new_token, token_hash

SESSION_KEY = "sid"
# Recording every request would make every page a write; a minute's precision is plenty.
TOUCH_INTERVAL = timedelta(seconds=60)


def init_app(app: Flask) -> None:
    login_manager.user_loader(load_user)
    login_manager.unauthorized_handler(_ask_to_sign_in)
    # Our own session rows do this job; Flask-Login's IP/agent check would sign out mobile users.
    login_manager.session_protection = None


def _ask_to_sign_in() -> Response:
    if g.get("session_expired"):
        flash("You have been signed out because you had not used the service for "
              f"{current_app.config['SESSION_IDLE_MINUTES']} minutes, or had been signed in for "
              "a long time. Sign in again to continue.", "info")
    else:
        flash("Sign in to see that page.", "info")
    target = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("auth.sign_in", next=target))


def start_session(user: User) -> UserSession:
    """Sign ``user`` in with a brand-new session (the old cookie contents are discarded)."""
    session.clear()
    token = new_token()
    now = utcnow()
    row = UserSession(token_hash=token_hash(token), user_id=user.id, created_at=now, last_seen_at=now)
    db.session.add(row)
    user.last_signed_in_at = now
    session[SESSION_KEY] = token
    login_user(user)
    return row


def current_session_row() -> UserSession | None:
    return g.get("user_session")


def end_session(reason: str) -> None:
    row = current_session_row()
    if row is not None:
        _end(row.id, reason)
    logout_user()
    session.clear()


def end_all_sessions(user: User, reason: str) -> None:
    db.session.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .values(ended_at=utcnow(), ended_reason=reason)
        .execution_options(synchronize_session=False)
    )


def expiry_reason(row: UserSession, now: datetime) -> str | None:
    config = current_app.config
    if now - row.created_at > timedelta(hours=config["SESSION_MAX_HOURS"]):
        return "expired"
    if now - row.last_seen_at > timedelta(minutes=config["SESSION_IDLE_MINUTES"]):
        return "idle"
    return None


def load_user(user_id: str) -> User | None:
    token = session.get(SESSION_KEY)
    if not token:
        return None
    # Every signed-in request starts here, so the session, the user and their roles (which the
    # menu and every permission check read) come back in one query.
    found = db.session.execute(
        select(UserSession, User)
        .join(User, User.id == UserSession.user_id)
        .where(UserSession.token_hash == token_hash(token))
        .options(joinedload(User.role_grants))
    ).unique().first()
    if found is None:
        return None
    row, user = found
    if row.ended_at is not None or str(user.id) != user_id or not user.is_active:
        return None
    now = utcnow()
    reason = expiry_reason(row, now)
    if reason:
        _end(row.id, reason)
        g.session_expired = True
        return None
    if now - row.last_seen_at >= TOUCH_INTERVAL:
        _touch(row.id, now)
    g.user_session = row
    return user


def _end(row_id: int, reason: str) -> None:
    _persist(
        update(UserSession)
        .where(UserSession.id == row_id, UserSession.ended_at.is_(None))
        .values(ended_at=utcnow(), ended_reason=reason)
    )


def _touch(row_id: int, now: datetime) -> None:
    _persist(update(UserSession).where(UserSession.id == row_id).values(last_seen_at=now))


def _persist(statement: Update) -> None:
    """Record session bookkeeping so that it sticks.

    A reading request never commits its own transaction, so the write goes through a short
    transaction of its own. A writing request already holds the write lock on SQLite (a second
    writer would wait for it forever), so the write joins the request's transaction instead.
    """
    if in_read_only_request():
        with write_connection(db.engine) as connection:
            connection.execute(statement)
            connection.commit()
    else:
        db.session.execute(statement.execution_options(synchronize_session=False))
