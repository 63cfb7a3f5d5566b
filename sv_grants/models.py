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
from .assessment.models import (
    Assignment,
    Clarification,
    Decision,
    EligibilityCheck,
    Moderation,
    Review,
    Score,
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
    "Assignment",
    "AuditEvent",
    "BudgetLine",
    "Clarification",
    "Criterion",
    "Decision",
    "Document",
    "EligibilityCheck",
    "Fund",
    "InterventionType",
    "Invitation",
    "Membership",
    "Moderation",
    "Organisation",
    "PlannedOutcome",
    "PlannedOutput",
    "Priority",
    "Reminder",
    "Review",
    "Round",
    "Score",
    "SignInAttempt",
    "User",
    "UserRole",
    "UserSession",
]
