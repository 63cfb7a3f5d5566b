"""Imports every package's models so the metadata (and Alembic) see all tables."""

from .audit.models import AuditEvent
from .auth.models import AccountToken, SignInAttempt, User, UserRole, UserSession
from .funds.models import Area, Criterion, Fund, InterventionType, Priority, Round
from .organisations.models import Invitation, Membership, Organisation

__all__ = [
    "AccountToken",
    "Area",
    "AuditEvent",
    "Criterion",
    "Fund",
    "InterventionType",
    "Invitation",
    "Membership",
    "Organisation",
    "Priority",
    "Round",
    "SignInAttempt",
    "User",
    "UserRole",
    "UserSession",
]
