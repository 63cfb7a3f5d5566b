"""Imports every package's models so the metadata (and Alembic) see all tables."""

from .applications.models import (
    Application,
    ApplicationDocument,
    ApplicationPriority,
    ApplicationSection,
    BudgetLine,
    PlannedOutcome,
    PlannedOutput,
    Reminder,
)
from .audit.models import AuditEvent
from .auth.models import AccountToken, SignInAttempt, User, UserRole, UserSession
from .funds.models import Area, Criterion, Fund, InterventionType, Priority, Round
from .organisations.models import Document, Invitation, Membership, Organisation

__all__ = [
    "AccountToken",
    "Application",
    "ApplicationDocument",
    "ApplicationPriority",
    "ApplicationSection",
    "Area",
    "AuditEvent",
    "BudgetLine",
    "Criterion",
    "Document",
    "Fund",
    "InterventionType",
    "Invitation",
    "Membership",
    "Organisation",
    "PlannedOutcome",
    "PlannedOutput",
    "Priority",
    "Reminder",
    "Round",
    "SignInAttempt",
    "User",
    "UserRole",
    "UserSession",
]
