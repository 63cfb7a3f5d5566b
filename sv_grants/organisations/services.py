"""Organisation rules: who may create, join and see an organisation."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from .. import notifications
from ..audit.services import record
from ..auth.models import User
from ..auth.tokens import new_token, token_hash
from ..dates import utcnow
from ..extensions import db
from .models import Invitation, LegalForm, Membership, Organisation


class OrganisationError(Exception):
    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def organisations_of(user: User) -> list[Organisation]:
    return list(db.session.scalars(
        select(Organisation).join(Membership).where(Membership.user_id == user.id)
        .order_by(Organisation.name)
    ))


def is_member(user: User, organisation: Organisation) -> bool:
    return db.session.scalar(
        select(Membership.id).where(Membership.user_id == user.id,
                                    Membership.organisation_id == organisation.id)
    ) is not None


def member_emails(organisation: Organisation) -> list[str]:
    return list(db.session.scalars(
        select(User.email).join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id == organisation.id, User.is_active.is_(True)).order_by(User.email)
    ))


def create_organisation(actor: User, name: str, legal_form: LegalForm) -> Organisation:
    organisation = Organisation(name=name.strip(), legal_form=legal_form, created_by_id=actor.id)
    organisation.memberships.append(Membership(user_id=actor.id, is_main_contact=True))
    db.session.add(organisation)
    db.session.flush()
    record("organisation.created", actor=actor, subject=organisation, name=organisation.name)
    return organisation


def invite_member(actor: User, organisation: Organisation, email: str) -> Invitation:
    email = email.strip().lower()
    already = db.session.scalar(
        select(Membership.id).join(User, User.id == Membership.user_id)
        .where(Membership.organisation_id == organisation.id, User.email == email)
    )
    if already is not None:
        raise OrganisationError(f"{email} is already a member of {organisation.name}", field="email")
    raw = new_token()
    days = current_app.config["INVITATION_DAYS"]
    invitation = Invitation(organisation_id=organisation.id, email=email, token_hash=token_hash(raw),
                            invited_by_id=actor.id, expires_at=utcnow() + timedelta(days=days))
    db.session.add(invitation)
    db.session.flush()
    record("organisation.member_invited", actor=actor, subject=organisation, email=email)
    notifications.organisation_invitation(email, organisation.name, actor.name, f"/join/{raw}", days)
    return invitation


def find_invitation(raw: str) -> Invitation | None:
    invitation = db.session.scalar(select(Invitation).where(Invitation.token_hash == token_hash(raw)))
    if invitation is None or invitation.accepted_at is not None or invitation.expires_at <= utcnow():
        return None
    return invitation


def accept_invitation(actor: User, invitation: Invitation) -> Organisation:
    """Join the organisation. Only the person the invitation was sent to may use it, once."""
    if actor.email != invitation.email:
        raise OrganisationError(
            f"This invitation was sent to {invitation.email}. Sign in with that email address to accept it")
    result = db.session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.accepted_at.is_(None))
        .values(accepted_at=utcnow(), accepted_by_id=actor.id)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise OrganisationError("This invitation has already been used")
    organisation = invitation.organisation
    if not is_member(actor, organisation):
        db.session.add(Membership(organisation_id=organisation.id, user_id=actor.id))
    record("organisation.member_joined", actor=actor, subject=organisation)
    return organisation


PROFILE_FIELDS = (
    "name", "legal_form", "charity_number", "company_number", "address_line_1", "address_line_2", "town",
    "postcode", "local_authority_code", "annual_income_pence", "safeguarding_lead_name", "safeguarding_lead_email",
)


def update_profile(actor: User, organisation: Organisation, **values: object) -> list[str]:
    """Save the organisation's details; the audit event names the fields that changed."""
    unknown = set(values) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"not profile fields: {sorted(unknown)}")
    changed = [name for name, value in values.items() if getattr(organisation, name) != value]
    for name in changed:
        setattr(organisation, name, values[name])
    if changed:
        record("organisation.updated", actor=actor, subject=organisation, fields=changed)
    return changed
