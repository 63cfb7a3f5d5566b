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
from .grants.models import Grant, Instalment, Variation
from .monitoring.models import MonitoringReturn, OutcomeActual, OutputActual, ReachCount, ReturnReminder, SpendLine
from .organisations.models import BankAccount, Document, Invitation, Membership, Organisation
from .reports.models import ContextMeasure, FeaturedCaseStudy

__all__ = [
    "AccountToken",
    "Application",
    "ApplicationDocument",
    "ApplicationPriority",
    "ApplicationSection",
    "Area",
    "Assignment",
    "AuditEvent",
    "BankAccount",
    "BudgetLine",
    "Clarification",
    "ContextMeasure",
    "Criterion",
    "Decision",
    "Document",
    "EligibilityCheck",
    "FeaturedCaseStudy",
    "Fund",
    "Grant",
    "Instalment",
    "InterventionType",
    "Invitation",
    "Membership",
    "Moderation",
    "MonitoringReturn",
    "Organisation",
    "OutcomeActual",
    "OutputActual",
    "PlannedOutcome",
    "PlannedOutput",
    "Priority",
    "ReachCount",
    "Reminder",
    "ReturnReminder",
    "Review",
    "Round",
    "Score",
    "SignInAttempt",
    "SpendLine",
    "User",
    "UserRole",
    "UserSession",
    "Variation",
]
