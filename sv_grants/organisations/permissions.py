"""Who may see an organisation: its members, and nobody else among applicants."""

from __future__ import annotations

from flask import abort

from ..auth.models import User
from ..extensions import db
from .models import Organisation
from .services import is_member


def can_view_organisation(user: User, organisation: Organisation) -> bool:
    return user.is_authenticated and is_member(user, organisation)


def get_organisation_for(user: User, organisation_id: int) -> Organisation:
    """The organisation, or 404 when ``user`` may not see it (its existence stays private)."""
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or not can_view_organisation(user, organisation):
        abort(404)
    return organisation
