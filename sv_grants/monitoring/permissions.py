"""Who may see and change a grant's returns.

Members of the funded organisation (applicant role) complete and read its returns; grants
officers read and review them, unless they have declared an interest in the organisation. Anyone
else gets a 404, so ids in URLs reveal nothing.
"""

from __future__ import annotations

from flask import abort

from ..applications.permissions import is_excluded
from ..auth.models import Role, User
from ..extensions import db
from ..grants.models import Grant, GrantStatus
from ..grants.permissions import is_member_of_grant as is_grant_member
from .models import MonitoringReturn

# States in which a grant has returns at all: before acceptance there are none to see.
REPORTING = (GrantStatus.ACCEPTED, GrantStatus.ACTIVE, GrantStatus.SUSPENDED, GrantStatus.CLOSED,
             GrantStatus.WITHDRAWN)


def can_review_returns(user: User, grant: Grant) -> bool:
    return bool(user.is_authenticated and user.has_role(Role.GRANTS_OFFICER)
                and not is_excluded(user, grant.application))


def can_view_return(user: User, monitoring_return: MonitoringReturn) -> bool:
    return is_grant_member(user, monitoring_return.grant) or can_review_returns(user, monitoring_return.grant)


def get_grant_for_member(user: User, grant_id: int) -> Grant:
    grant = db.session.get(Grant, grant_id)
    if grant is None or grant.status not in REPORTING or not is_grant_member(user, grant):
        abort(404)
    return grant


def get_return_for_member(user: User, grant_id: int, return_id: int) -> MonitoringReturn:
    grant = get_grant_for_member(user, grant_id)
    monitoring_return = db.session.get(MonitoringReturn, return_id)
    if monitoring_return is None or monitoring_return.grant_id != grant.id:
        abort(404)
    return monitoring_return


def get_return_for_officer(user: User, grant_id: int, return_id: int) -> MonitoringReturn:
    monitoring_return = db.session.get(MonitoringReturn, return_id)
    if monitoring_return is None or monitoring_return.grant_id != grant_id \
            or not can_review_returns(user, monitoring_return.grant):
        abort(404)
    return monitoring_return
