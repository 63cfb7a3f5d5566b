"""Staff home pages built on the funds: the officer's funds and the PCC's overview."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, render_template
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..auth.models import Role
from ..auth.permissions import roles_required
from ..extensions import db
from .models import Fund


def _funds() -> list[Fund]:
    return list(db.session.scalars(
        select(Fund).options(selectinload(Fund.rounds), selectinload(Fund.priorities))
        .order_by(Fund.created_at.desc(), Fund.id.desc())
    ))


bp = Blueprint("funds", __name__)

# Later packages add what needs the officer's attention (offers not accepted, returns overdue):
# each provider returns items with ``text``, ``href`` and ``link_text``.
officer_home_notices: list[Callable[[], list[Any]]] = []


@bp.route("/officer")
@roles_required(Role.GRANTS_OFFICER)
def officer_home() -> str:
    notices = [notice for provider in officer_home_notices for notice in provider()]
    return render_template("funds/officer_home.html", funds=_funds(), notices=notices)


@bp.route("/overview")
@roles_required(Role.PCC_VIEWER)
def pcc_home() -> str:
    return render_template("funds/pcc_home.html", funds=_funds())
