"""Public pages, open to everyone."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select, text
from werkzeug.wrappers import Response

from ..auth.navigation import home_endpoint
from ..auth.permissions import public
from ..dates import utcnow
from ..extensions import db
from ..funds.models import Fund, FundStatus, Round

bp = Blueprint("pages", __name__)


@bp.route("/")
@public
def start() -> Response | str:
    if current_user.is_authenticated:
        return redirect(url_for(home_endpoint(current_user)))
    now = utcnow()
    open_rounds = db.session.execute(
        select(Round, Fund).join(Fund)
        .where(Fund.status == FundStatus.OPEN, Round.opens_at <= now, Round.closes_at > now)
        .order_by(Round.closes_at)
    ).all()
    return render_template("pages/start.html", open_rounds=open_rounds)


@bp.route("/accessibility")
@public
def accessibility() -> str:
    return render_template("pages/accessibility.html")


@bp.route("/privacy")
@public
def privacy() -> str:
    return render_template("pages/privacy.html")


@bp.route("/cookies")
@public
def cookies() -> str:
    return render_template("pages/cookies.html")


@bp.route("/healthz")
@public
def healthz() -> tuple[dict[str, str], int]:
    """The process is up."""
    return {"status": "ok"}, 200


@bp.route("/readyz")
@public
def readyz() -> tuple[dict[str, str], int]:
    """The database answers: the load balancer may send traffic here."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any failure means not ready
        return {"status": "unavailable"}, 503
    return {"status": "ok"}, 200
