"""Erasing an applicant's account (UK GDPR article 17, the right to erasure), done by an admin.

The account is anonymised rather than deleted: grants, payments, documents and the audit log
refer to it by id, and those are the organisation's financial record, which the PCC must keep for
audit (article 17(3)(b) and (e)). What identifies the person goes: name, e-mail address, password,
two-factor secret, sessions, links, sign-in attempts, memberships, pending invitations to them,
their declarations on applications that were never funded, and the organisation's safeguarding
lead when that was them.

What stays, on purpose: the name and role typed when accepting a grant are part of the signed
grant agreement, so they stay until the grant's own retention period ends (``retention.py``);
audit events are never rewritten (see the package docstring).

Only applicants can be erased here. Staff accounts are the PCC's own records of who assessed,
decided and paid; they are deactivated instead. An applicant who is the only member of an
organisation with a live grant may still be erased: the organisation and its grant carry on, and
the page warns the admin that nobody can then sign in for it until the grants team adds a contact.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, select

from ..applications.models import Application
from ..audit.services import record
from ..auth.models import AccountToken, SignInAttempt, User, UserSession
from ..dates import utcnow
from ..extensions import db
from ..grants.models import Grant
from ..organisations.models import Invitation, Membership, Organisation

ERASED_NAME = "Erased user"
ERASED_EMAIL_DOMAIN = "invalid"  # RFC 2606: can never receive mail, so no message reaches a stranger


class ErasureRefused(Exception):
    """The account cannot be erased; the message says why, for the admin."""


def erased_email(user: User) -> str:
    return f"erased-{user.id}@{ERASED_EMAIL_DOMAIN}"


def is_erased(user: User) -> bool:
    return user.email == erased_email(user)


def can_erase(user: User) -> bool:
    return not user.is_staff and not is_erased(user)


@dataclass(frozen=True)
class SoleContact:
    """An organisation with a live grant whose only member is the person being erased."""

    organisation: Organisation
    grant_references: list[str]


def sole_contact_of_live_grants(user: User) -> list[SoleContact]:
    found = []
    for membership in db.session.scalars(select(Membership).where(Membership.user_id == user.id)):
        members = db.session.scalar(select(func.count()).select_from(Membership)
                                    .where(Membership.organisation_id == membership.organisation_id))
        if members != 1:
            continue
        live = [grant.reference for grant in db.session.scalars(
            select(Grant).where(Grant.organisation_id == membership.organisation_id)) if grant.is_live]
        if live:
            found.append(SoleContact(membership.organisation, live))
    return found


def erase_applicant(actor: User, user: User) -> None:
    """Anonymise ``user``'s account, keep their organisation's records, and audit it."""
    if user.is_staff:
        raise ErasureRefused("Only applicants' accounts can be erased. Deactivate a member of staff instead: "
                             "their name stays on the assessments, decisions and payments they made.")
    if is_erased(user):
        raise ErasureRefused("This account has already been erased.")
    old_email = user.email
    memberships = list(db.session.scalars(select(Membership).where(Membership.user_id == user.id)))
    # Ids only: the audit log outlives the erasure, so it must not copy what is being erased.
    record("user.erased", actor=actor, subject=user,
           organisation_ids=sorted(m.organisation_id for m in memberships))

    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    db.session.execute(delete(AccountToken).where(AccountToken.user_id == user.id))
    db.session.execute(delete(SignInAttempt).where(SignInAttempt.email == old_email))
    db.session.execute(delete(Invitation).where(Invitation.email == old_email, Invitation.accepted_at.is_(None)))
    for invitation in db.session.scalars(select(Invitation).where(Invitation.email == old_email)):
        invitation.email = erased_email(user)  # an accepted invitation is kept as the record of who joined
    for membership in memberships:
        organisation = membership.organisation
        if organisation.safeguarding_lead_email == old_email:
            organisation.safeguarding_lead_name = None
            organisation.safeguarding_lead_email = None
        db.session.delete(membership)
    # A declaration on an application that was funded belongs to the grant record; others go.
    funded = select(Grant.application_id)
    for application in db.session.scalars(select(Application).where(Application.declared_by_id == user.id,
                                                                     Application.id.not_in(funded))):
        application.declaration_name = None
        application.declaration_role = None

    user.name = ERASED_NAME
    user.email = erased_email(user)
    user.password_hash = None
    user.totp_secret = None
    user.totp_enabled_at = None
    user.is_active = False
    user.deactivated_at = user.deactivated_at or utcnow()
    db.session.flush()
