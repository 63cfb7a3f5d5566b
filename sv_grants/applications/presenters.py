"""An application laid out for reading: the rows of "check your answers", the read-only view and
the PDF all come from ``summary_of``, so they always show the same answers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from flask import url_for

from ..dates import format_date, format_datetime
from ..extensions import db
from ..funds.models import Area, Round
from ..money import gbp
from .eligibility_routes import QUESTION_LABELS, describe
from .forms import DECLARATIONS
from .models import Application
from .sections import AGE_BANDS, CATEGORY_LABELS, DBS_CHECKS, GENDER_FOCUS, SECTIONS
from .services import attached, extra_documents

NOT_ANSWERED = "Not answered yet"


@dataclass
class Row:
    label: str
    text: str
    # Free text keeps its paragraphs on screen; the PDF uses ``text``.
    paragraphs: bool = False


@dataclass
class SectionSummary:
    key: str
    title: str
    change_url: str | None
    rows: list[Row] = field(default_factory=list)


@dataclass(frozen=True)
class Notice:
    """Something the applicant should know or do about a submitted application, with a link."""

    text: str
    link_text: str
    href: str


# Later stages add what the applicant should see (a question to answer, an outcome to read);
# applications cannot import them. Each answers for many applications at once, by application id,
# so a list of applications costs each stage the same few queries however long it is.
notice_providers: list[Callable[[list[Application]], dict[int, list[Notice]]]] = []


def notices_of(applications: list[Application]) -> dict[int, list[Notice]]:
    found: dict[int, list[Notice]] = {application.id: [] for application in applications}
    for provider in notice_providers:
        for application_id, notices in provider(applications).items():
            found[application_id].extend(notices)
    return found


def notices_for(application: Application) -> list[Notice]:
    return notices_of([application])[application.id]


def _or_not_answered(value: object) -> str:
    return NOT_ANSWERED if value in (None, "", []) else str(value)


def summary_of(application: Application, editable: bool) -> list[SectionSummary]:
    labels = {
        "age": dict(AGE_BANDS), "gender": dict(GENDER_FOCUS), "dbs": dict(DBS_CHECKS),
    }
    areas = {area.code: area.name for area in db.session.scalars(db.select(Area))}
    rows: dict[str, list[Row]] = {
        "about": [Row("Project title", _or_not_answered(application.title)),
                  Row("Summary", _or_not_answered(application.summary), True),
                  Row("Full description", _or_not_answered(application.description), True)],
        "priorities": [Row(("Main priority: " if p.is_primary else "Also addresses: ") + p.priority.code,
                           f"{p.priority.title}\n\n{p.how or NOT_ANSWERED}", True)
                       for p in application.priorities] or [Row("Priorities", NOT_ANSWERED)],
        "reach": [
            Row("Ages", ", ".join(labels["age"].get(a, a) for a in application.age_bands) or NOT_ANSWERED),
            Row("Who it is for", labels["gender"].get(application.gender_focus or "", NOT_ANSWERED)),
            Row("People expected", f"{application.people_expected:,}" if application.people_expected else NOT_ANSWERED),
            Row("How people are referred or found", _or_not_answered(application.referral_routes), True),
            Row("Where", ", ".join(areas.get(a, a) for a in application.delivery_areas) or NOT_ANSWERED),
            Row("Named places", application.delivery_places or "None given", True),
        ],
        "approach": [
            Row("Type of intervention", _intervention(application)),
            Row("Why this approach", _or_not_answered(application.approach_reason), True),
            Row("Evidence it works", _or_not_answered(application.evidence), True),
        ],
        "outputs": [Row(f"Output {n}", f"{o.target:,} {o.unit}: {o.measure} ({o.priority.code})")
                    for n, o in enumerate(application.outputs, start=1)]
                   + [Row(f"Outcome {n}", f"{o.indicator}: {o.target}")
                      for n, o in enumerate(application.outcomes, start=1)]
                   or [Row("Outputs and outcomes", NOT_ANSWERED)],
        "budget": [Row(f"{CATEGORY_LABELS.get(line.category, line.category)}: {line.description}",
                       gbp(line.amount_pence, True)) for line in application.budget_lines]
                  + ([Row("Total requested", gbp(application.requested_pence, True))]
                     if application.requested_pence else [Row("Budget", NOT_ANSWERED)]),
        "delivery": [
            Row("Start date", format_date(application.start_date) or NOT_ANSWERED),
            Row("End date", format_date(application.end_date) or NOT_ANSWERED),
            Row("Milestones", _or_not_answered(application.milestones), True),
            Row("Risks and how they are managed", _or_not_answered(application.risks), True),
        ],
        "safeguarding": [
            Row("Safeguarding policy", _document(attached(application, "safeguarding_policy"))),
            Row("DBS checks", labels["dbs"].get(application.dbs_checks or "", NOT_ANSWERED)),
            *([Row("Arranging the remaining checks", _or_not_answered(application.dbs_details), True)]
              if application.dbs_checks == "some" else []),
            Row("Safeguarding lead", _lead(application)),
        ],
        "documents": [
            Row("Constitution or governing document", _document(attached(application, "constitution"))),
            Row("Latest accounts", _document(attached(application, "accounts"))),
            Row("Other files", ", ".join(d.original_name for d in extra_documents(application)) or "None"),
        ],
        "declaration": [
            Row("Name", _or_not_answered(application.declaration_name)),
            Row("Role", _or_not_answered(application.declaration_role)),
            Row("Declared", ("\n".join(text for _, text in DECLARATIONS) + "\n\nConfirmed on "
                             + format_datetime(application.declared_at)) if application.declared_at
                else NOT_ANSWERED, True),
        ],
    }
    return [SectionSummary(section.key, section.title,
                           url_for("sections.edit_section", application_id=application.id, key=section.key,
                                   **{"return": "check"}) if editable else None, rows[section.key])
            for section in SECTIONS]


def eligibility_rows(application: Application) -> list[Row]:
    answers = application.eligibility or {}
    return [Row(label, describe(question, answers[question]))
            for question, label in QUESTION_LABELS.items() if question in answers]


def _intervention(application: Application) -> str:
    if application.intervention_type is not None:
        kind = application.intervention_type
        return f"{kind.name} (Youth Endowment Fund Toolkit impact: {kind.rating_label})"
    if application.intervention_other:
        return f"Other: {application.intervention_other}"
    return NOT_ANSWERED


def _document(document: object) -> str:
    if document is None:
        return NOT_ANSWERED
    expiry = f", expires {format_date(document.expires_on)}" if document.expires_on else ""  # type: ignore[attr-defined]
    return f"{document.original_name}{expiry}"  # type: ignore[attr-defined]


def _lead(application: Application) -> str:
    organisation = application.organisation
    if not application.safeguarding_lead_confirmed:
        return NOT_ANSWERED
    return f"{organisation.safeguarding_lead_name} ({organisation.safeguarding_lead_email})"


def deadline_countdown(round_: Round, now: datetime) -> str:
    """'Closes in 5 days: 5pm on 3 January 2027', in UK time, or 'Closed'."""
    if now >= round_.closes_at:
        return f"Closed at {format_datetime(round_.closes_at)}"
    left = round_.closes_at - now
    if left.days >= 2:
        when = f"in {left.days} days"
    elif left.days == 1:
        when = "in 1 day"
    elif left.seconds >= 2 * 3600:
        when = f"in {left.seconds // 3600} hours"
    else:
        when = "in less than 2 hours"
    return f"Closes {when}: {format_datetime(round_.closes_at)}"
