"""The reviewer's pages. Assignments and scoring arrive with the assessment work."""

from __future__ import annotations

from flask import Blueprint, render_template

from ..auth.models import Role
from ..auth.permissions import roles_required

bp = Blueprint("assessment", __name__)


@bp.route("/reviews")
@roles_required(Role.REVIEWER)
def reviewer_home() -> str:
    return render_template("assessment/reviewer_home.html", assignments=[])
