"""Where monitoring plugs into the packages before it: applicant notices, officer attention items,
and the returns panel on a grant's page."""

from __future__ import annotations

from datetime import date

from flask import Flask, render_template, url_for
from flask_login import current_user
from markupsafe import Markup

from ..applications import presenters as application_presenters
from ..applications.models import Application
from ..dates import clock, format_date
from ..grants import presenters as grant_presenters
from ..grants.models import Grant
from ..grants.services import grants_for_applications
from . import planning, queries
from .models import MonitoringReturn, ReturnStatus
from .services import can_start


def applicant_notices(applications: list[Application]) -> dict[int, list[application_presenters.Notice]]:
    """One notice for each return the organisation can work on now, with its due date."""
    grants = grants_for_applications([application.id for application in applications])
    live = {application_id: grant for application_id, grant in grants.items() if grant.is_live}
    today = clock.today_in_london()
    returns = queries.open_returns_of(list(live.values()), today)
    return {application_id: _return_notices(grant, returns.get(grant.id, []), today)
            for application_id, grant in live.items()}


def _return_notices(grant: Grant, open_returns: list[MonitoringReturn],
                    today: date) -> list[application_presenters.Notice]:
    notices = []
    for monitoring_return in open_returns:
        href = url_for("monitoring.task_list", grant_id=grant.id, return_id=monitoring_return.id)
        due = format_date(monitoring_return.due_on)
        if monitoring_return.status == ReturnStatus.CHANGES_REQUESTED:
            notices.append(application_presenters.Notice(
                f"The grants team has asked for changes to the {monitoring_return.title}.", "Change the return", href))
            continue
        overdue = monitoring_return.due_on < today
        text = (f"{monitoring_return.title} was due by {due}." if overdue
                else f"{monitoring_return.title} due by {due}.")
        started = monitoring_return.status == ReturnStatus.DRAFT
        notices.append(application_presenters.Notice(text, "Continue the return" if started else "Start the return",
                                                     href))
    return notices


# The banner names only the first few of each list; the returns list has the rest.
ATTENTION_SHOWN = 5


def officer_attention(today: date) -> list[grant_presenters.Attention]:
    """The longest overdue returns and those waiting longest for review, leaving out any the signed-in
    officer has declared an interest in (their pages would answer 404), each list counted in full."""
    officer = current_user if current_user.is_authenticated else None
    urgent = queries.most_urgent(officer, today, ATTENTION_SHOWN)
    items = [_attention(r, f"was due on {format_date(r.due_on)} and has not been submitted", "View the return")
             for r in urgent.overdue]
    if urgent.overdue_total > len(urgent.overdue):
        items.append(grant_presenters.Attention(
            "", url_for("monitoring_officer.list_returns", _anchor="overdue"),
            f"View all {urgent.overdue_total} overdue returns"))
    items += [_attention(r, "is waiting for review", "Review the return") for r in urgent.awaiting]
    if urgent.awaiting_total > len(urgent.awaiting):
        items.append(grant_presenters.Attention(
            "", url_for("monitoring_officer.list_returns", _anchor="awaiting"),
            f"View all {urgent.awaiting_total} returns waiting for review"))
    return items


def _attention(monitoring_return: MonitoringReturn, state: str, action: str) -> grant_presenters.Attention:
    grant = monitoring_return.grant
    title = monitoring_return.title.lower()
    # Several links share the action's words: the hidden part tells them apart for screen reader users.
    link = Markup('{}<span class="govuk-visually-hidden">: {} {}</span>').format(action, grant.reference, title)
    return grant_presenters.Attention(f"{grant.reference} ({grant.organisation.name}): the {title} {state}",
                                      url_for("monitoring_officer.show_return", grant_id=grant.id,
                                              return_id=monitoring_return.id), link)


def returns_panel(grant: Grant, staff: bool) -> Markup:
    returns = planning.returns_of(grant)
    if not returns:
        return Markup("")
    # render_template escapes everything the template prints, so its output is safe markup.
    return Markup(render_template("monitoring/_grant_panel.html", grant=grant, returns=returns,  # noqa: S704
                                  staff=staff, can_start=can_start))


def init_app(app: Flask) -> None:
    # Module-level lists: registering twice (several apps in one process) must not double up.
    if applicant_notices not in application_presenters.notice_providers:
        application_presenters.notice_providers.append(applicant_notices)
    if officer_attention not in grant_presenters.attention_providers:
        grant_presenters.attention_providers.append(officer_attention)
    if returns_panel not in grant_presenters.grant_panels:
        grant_presenters.grant_panels.append(returns_panel)
