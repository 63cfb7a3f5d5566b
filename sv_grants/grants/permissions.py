"""Permission-aware getters for grants: a grant, instalment or variation the user may not see is a
404, so another organisation's ids reveal nothing."""

from __future__ import annotations

from flask import abort

from ..applications.permissions import is_excluded
from ..auth.models import Role, User
from ..extensions import db
from ..organisations.models import BankAccount
from ..organisations.services import is_member
from .models import Grant, Instalment, Variation


def is_member_of_grant(user: User, grant: Grant) -> bool:
    return user.is_authenticated and user.has_role(Role.APPLICANT) and is_member(user, grant.organisation)


def get_grant_for_applicant(user: User, grant_id: int) -> Grant:
    grant = db.session.get(Grant, grant_id)
    if grant is None or not is_member_of_grant(user, grant):
        abort(404)
    return grant


def get_grant_for_officer(user: User, grant_id: int) -> Grant:
    """A grant for a grants officer, unless they declared an interest in its organisation."""
    grant = db.session.get(Grant, grant_id)
    if grant is None or not user.has_role(Role.GRANTS_OFFICER) or is_excluded(user, grant.application):
        abort(404)
    return grant


def get_variation_for_officer(user: User, grant_id: int, variation_id: int) -> Variation:
    grant = get_grant_for_officer(user, grant_id)
    variation = db.session.get(Variation, variation_id)
    if variation is None or variation.grant_id != grant.id:
        abort(404)
    return variation


def get_instalment(instalment_id: int) -> Instalment:
    instalment = db.session.get(Instalment, instalment_id)
    if instalment is None:
        abort(404)
    return instalment


def get_bank_account(account_id: int) -> BankAccount:
    account = db.session.get(BankAccount, account_id)
    if account is None:
        abort(404)
    return account
