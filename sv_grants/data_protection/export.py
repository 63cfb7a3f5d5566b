"""A person's data export (UK GDPR article 15, the right of access): everything the service holds
about one user, as JSON.

The rule is "about them, and nothing about anyone else". Records they made are listed with the
values they gave; records they only touched name others by reference (an application's reference,
an organisation's name) rather than copying other people's answers. Secrets are never exported:
password hash, two-factor secret, session and link tokens.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, or_, select

from ..applications.models import Application
from ..assessment.models import Assignment, Clarification, Review
from ..audit.models import AuditEvent
from ..auth.models import SignInAttempt, User, UserSession
from ..dates import utcnow
from ..extensions import db
from ..grants.models import Grant
from ..organisations.models import Document, Membership, Organisation

FORMAT_VERSION = 1


def _when(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def export_user(user: User) -> dict[str, Any]:
    """The export as plain data, ready for ``json.dumps``."""
    return {
        "format_version": FORMAT_VERSION,
        "exported_at": _when(utcnow()),
        "profile": {
            "id": user.id, "name": user.name, "email": user.email,
            "roles": sorted(role.value for role in user.roles), "active": user.is_active,
            "two_factor_set_up": user.has_two_factor, "created_at": _when(user.created_at),
            "last_signed_in_at": _when(user.last_signed_in_at), "deactivated_at": _when(user.deactivated_at),
        },
        "memberships": [
            {"organisation_id": m.organisation_id, "organisation": m.organisation.name,
             "main_contact": m.is_main_contact, "joined_at": _when(m.joined_at)}
            for m in db.session.scalars(select(Membership).where(Membership.user_id == user.id).order_by(Membership.id))
        ],
        "organisations_set_up": [
            {"id": o.id, "name": o.name, "created_at": _when(o.created_at)}
            for o in db.session.scalars(select(Organisation).where(Organisation.created_by_id == user.id)
                                        .order_by(Organisation.id))
        ],
        "applications": [_application(a, user) for a in db.session.scalars(
            select(Application).where(or_(Application.created_by_id == user.id, Application.submitted_by_id == user.id,
                                          Application.declared_by_id == user.id)).order_by(Application.id))],
        "documents_uploaded": [
            {"id": d.id, "kind": d.kind, "file_name": d.original_name, "size_bytes": d.size_bytes,
             "uploaded_at": _when(d.uploaded_at), "removed_at": _when(d.removed_at)}
            for d in db.session.scalars(select(Document).where(Document.uploaded_by_id == user.id)
                                        .order_by(Document.id))
        ],
        "answers_to_questions": [
            {"application": c.application.reference, "answer": c.answer, "answered_at": _when(c.answered_at)}
            for c in db.session.scalars(select(Clarification).where(Clarification.answered_by_id == user.id)
                                        .order_by(Clarification.id))
        ],
        "grant_acceptances": [
            {"grant": g.reference, "name_given": g.acceptance_name, "role_given": g.acceptance_role,
             "accepted_at": _when(g.accepted_at)}
            for g in db.session.scalars(select(Grant).where(Grant.accepted_by_id == user.id).order_by(Grant.id))
        ],
        "reviews": [_assignment(a) for a in db.session.scalars(
            select(Assignment).where(Assignment.reviewer_id == user.id).order_by(Assignment.id))],
        "sessions": [
            {"started_at": _when(s.created_at), "last_seen_at": _when(s.last_seen_at), "ended_at": _when(s.ended_at),
             "ended_reason": s.ended_reason}
            for s in db.session.scalars(select(UserSession).where(UserSession.user_id == user.id)
                                        .order_by(UserSession.id))
        ],
        "sign_in_attempts": [
            {"at": _when(a.at), "ip": a.ip, "step": a.step, "succeeded": a.succeeded}
            for a in db.session.scalars(select(SignInAttempt).where(SignInAttempt.email == user.email)
                                        .order_by(SignInAttempt.id))
        ],
        "audit_events": [_event(e, user) for e in db.session.scalars(
            select(AuditEvent).where(or_(
                AuditEvent.actor_id == user.id,
                and_(AuditEvent.subject_type == "users", AuditEvent.subject_id == str(user.id))))
            .order_by(AuditEvent.id))],
    }


def _application(application: Application, user: User) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": application.id, "reference": application.reference, "organisation": application.organisation.name,
        "title": application.title, "status": application.status, "created_at": _when(application.created_at),
        "submitted_at": _when(application.submitted_at),
        "you_created_it": application.created_by_id == user.id,
        "you_submitted_it": application.submitted_by_id == user.id,
    }
    if application.declared_by_id == user.id:  # the declaration is theirs; colleagues' is not
        data["declaration"] = {"name": application.declaration_name, "role": application.declaration_role,
                               "declared_at": _when(application.declared_at)}
    return data


def _assignment(assignment: Assignment) -> dict[str, Any]:
    review = db.session.scalar(select(Review).where(Review.assignment_id == assignment.id))
    return {
        "application": assignment.application.reference, "declaration": assignment.declaration,
        "interest_details": assignment.interest_details,
        "recommendation": review.recommendation if review else None,
        "overall_comment": review.overall_comment if review else None,
    }


def _event(event: AuditEvent, user: User) -> dict[str, Any]:
    """An event by or about them. The details of an event they caused may name someone else (the
    colleague they invited, say), so those are shown only for events about their own account."""
    about_them = event.subject_type == "users" and event.subject_id == str(user.id)
    return {
        "at": _when(event.at), "action": event.action, "by_them": event.actor_id == user.id,
        "subject_type": event.subject_type, "subject_id": event.subject_id,
        "details": event.details if about_them else None, "ip": event.ip if event.actor_id == user.id else None,
    }
