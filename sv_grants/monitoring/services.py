"""Completing a return: who may change it and when, the rules every section shares, and
submitting it. Each section's save is in ``answers.py``; the officer's review in ``review.py``.

Every save checks everything first and changes nothing when something is wrong, so a mistake in
one answer never loses another. Problems come back as a ``ReturnError`` whose ``problems`` map the
form's field ids to messages. A save or a submission first claims the return with a conditional
UPDATE, so nothing changes a return once it has been submitted, even from a second tab.
"""

from __future__ import annotations

from sqlalchemy import update

from ..applications.models import BudgetLine
from ..audit.services import record
from ..auth.models import User
from ..dates import clock, format_date
from ..extensions import db
from ..money import gbp
from .figures import needs_explanation, personal_details_in, profile_pence
from .models import EDITABLE, MonitoringReturn, ReturnStatus
from .permissions import is_grant_member
from .sections import COMPLETED, IN_PROGRESS, OUTCOMES, OUTPUTS, SPEND, incomplete_sections

ALREADY_SUBMITTED = "This return has been submitted, so it cannot be changed"
NOT_THIS_GRANTS = "This {thing} is not part of this grant. Reload the page and enter the figures again"
MAX_TEXT = 10_000  # characters; the forms limit words, this stops anything larger reaching the database


class ReturnError(Exception):
    """A rule stopped the change. ``problems`` maps field ids to messages (``field`` is the first)."""

    def __init__(self, message: str, field: str | None = None, problems: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.problems = problems if problems is not None else ({field: message} if field else {})


def refuse(problems: dict[str, str]) -> None:
    if problems:
        field, message = next(iter(problems.items()))
        raise ReturnError(message, field, problems)


# Who may change a return, and when --------------------------------------------------------------

def can_start(monitoring_return: MonitoringReturn) -> bool:
    """A return opens on the first day of its period (the final one with the grant's last quarter),
    on a grant that is running."""
    return (monitoring_return.grant.is_live and monitoring_return.is_editable
            and clock.today_in_london() >= monitoring_return.opens_on)


def check_editable(actor: User, monitoring_return: MonitoringReturn) -> None:
    if not is_grant_member(actor, monitoring_return.grant):
        raise ReturnError("Only members of the funded organisation can complete its returns")
    if not monitoring_return.grant.is_live:
        raise ReturnError("This grant is not running, so its returns cannot be changed")
    if not monitoring_return.is_editable:
        raise ReturnError(ALREADY_SUBMITTED)
    if clock.today_in_london() < monitoring_return.opens_on:
        raise ReturnError(f"You can start this return from {format_date(monitoring_return.opens_on)}")


def claim(monitoring_return: MonitoringReturn) -> None:
    claimed = db.session.execute(
        update(MonitoringReturn).where(MonitoringReturn.id == monitoring_return.id,
                                       MonitoringReturn.status.in_(EDITABLE))
        .values(updated_at=clock.now()).execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        raise ReturnError(ALREADY_SUBMITTED)
    db.session.refresh(monitoring_return)


def mark_saved(actor: User, monitoring_return: MonitoringReturn, key: str, complete: bool, **details: object) -> None:
    monitoring_return.sections = {**(monitoring_return.sections or {}), key: COMPLETED if complete else IN_PROGRESS}
    if monitoring_return.status == ReturnStatus.NOT_STARTED:
        monitoring_return.move_to(ReturnStatus.DRAFT)
    db.session.flush()
    record("return.section_saved", actor=actor, subject=monitoring_return, section=key, completed=complete, **details)


def check_text(problems: dict[str, str], field: str, label: str, text: str) -> None:
    if len(text) > MAX_TEXT:
        problems[field] = f"The {label} must be {MAX_TEXT:,} characters or fewer"
        return
    found = personal_details_in(text)
    if found:
        problems[field] = (f"Remove the {found.split(' ', 1)[1]} from the {label}. A return must not include "
                           "anything that could identify someone")


def line_profile(monitoring_return: MonitoringReturn, line: BudgetLine) -> int:
    grant = monitoring_return.grant
    return profile_pence(line.amount_pence, grant.awarded_pence, grant.application.requested_pence, grant.start_date,
                         grant.end_date, monitoring_return.period_end, monitoring_return.is_final)


def spend_problem(line: BudgetLine, spent: int, profile: int, explanation: str) -> str | None:
    if explanation or not needs_explanation(spent, profile):
        return None
    side = "above" if spent > profile else "below"
    return (f"Explain why spend on {line.description} is more than 10% {side} its profile of "
            f"{gbp(profile, True)}")


# Submitting ------------------------------------------------------------------------------------

def submission_problems(monitoring_return: MonitoringReturn) -> list[str]:
    """What stops the return being submitted now, in the words of the check-answers page. The
    grant may have changed since a section was saved (a variation moves the dates or the award),
    so the spend is checked against today's profile."""
    problems = [f"Complete the section “{section.title}”" for section in incomplete_sections(monitoring_return)]
    if not problems:
        application = monitoring_return.grant.application
        if not monitoring_return.is_final and \
                {o.id for o in application.outputs} != {a.planned_output_id for a in monitoring_return.output_actuals}:
            problems.append(f"{OUTPUTS.title}: enter a figure for every planned output")
        if {o.id for o in application.outcomes} != {a.planned_outcome_id for a in monitoring_return.outcome_actuals}:
            problems.append(f"{OUTCOMES.title}: enter a result for every planned outcome")
        lines = {line.id: line for line in application.budget_lines}
        if set(lines) != {s.budget_line_id for s in monitoring_return.spend_lines}:
            problems.append(f"{SPEND.title}: enter the spend on every budget line")
        for row in monitoring_return.spend_lines:
            line = lines.get(row.budget_line_id)
            problem = line and spend_problem(line, row.spent_pence, line_profile(monitoring_return, line),
                                             row.explanation)
            if problem:
                problems.append(f"{SPEND.title}: {problem[0].lower()}{problem[1:]}")
    return problems


def submit(actor: User, monitoring_return: MonitoringReturn) -> None:
    """Send the completed return to the grants team; it is read-only to the organisation after."""
    if not is_grant_member(actor, monitoring_return.grant):
        raise ReturnError("Only members of the funded organisation can submit its returns")
    if monitoring_return.status in (ReturnStatus.SUBMITTED, ReturnStatus.ACCEPTED):
        raise ReturnError("This return has already been submitted")
    check_editable(actor, monitoring_return)
    problems = submission_problems(monitoring_return)
    if problems:
        raise ReturnError(problems[0])
    was = monitoring_return.status
    moved = db.session.execute(
        update(MonitoringReturn)
        .where(MonitoringReturn.id == monitoring_return.id,
               MonitoringReturn.status.in_((ReturnStatus.DRAFT, ReturnStatus.CHANGES_REQUESTED)))
        .values(status=ReturnStatus.SUBMITTED, submitted_at=clock.now(), submitted_by_id=actor.id,
                updated_at=clock.now())
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        raise ReturnError("This return has already been submitted")
    db.session.refresh(monitoring_return)
    for row in monitoring_return.spend_lines:  # the profile as it stood when the return was sent
        row.profile_pence = line_profile(monitoring_return, row.budget_line)
    db.session.flush()
    record("return.submitted", actor=actor, subject=monitoring_return, grant=monitoring_return.grant.reference,
           number=monitoring_return.number, resubmitted=was == ReturnStatus.CHANGES_REQUESTED)
