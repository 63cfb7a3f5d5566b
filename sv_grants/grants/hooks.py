"""Where grants plugs into the packages before it: what the applicant is told beside their
application, what the officer's home page flags, and holding payments when bank details change."""

from __future__ import annotations

from flask import Flask, url_for

from ..applications import presenters
from ..applications.models import Application
from ..dates import clock, format_date
from ..funds import routes as fund_routes
from ..money import gbp
from . import payments  # noqa: F401 - connects the bank-details signals
from .models import Grant, GrantStatus
from .presenters import Attention, attention_items
from .services import grants_for_applications, overdue_offers


def applicant_notices(applications: list[Application]) -> dict[int, list[presenters.Notice]]:
    return {application_id: _grant_notices(grant)
            for application_id, grant in grants_for_applications([a.id for a in applications]).items()}


def _grant_notices(grant: Grant) -> list[presenters.Notice]:
    href = url_for("grants_applicant.show_grant", grant_id=grant.id)
    if grant.status == GrantStatus.OFFERED:
        return [presenters.Notice(f"You have been offered a grant of {gbp(grant.awarded_pence, True)}. "
                                  f"Accept it by {format_date(grant.accept_by)}.", "Read and accept the offer", href)]
    return [presenters.Notice(f"Grant {grant.reference} is {grant.status_enum.label.lower()}.",
                              "See the grant, its payments and returns", href)]


def officer_notices() -> list[Attention]:
    today = clock.today_in_london()
    late = [Attention(f"Offer {grant.reference} to {grant.organisation.name} was not accepted by "
                      f"{format_date(grant.accept_by)}.", url_for("grants_officer.show_grant", grant_id=grant.id),
                      "Chase or withdraw it") for grant in overdue_offers(today)]
    return late + attention_items(today)


def init_app(app: Flask) -> None:
    # Module-level lists: registering twice (several apps in one process) must not double up.
    if applicant_notices not in presenters.notice_providers:
        presenters.notice_providers.append(applicant_notices)
    if officer_notices not in fund_routes.officer_home_notices:
        fund_routes.officer_home_notices.append(officer_notices)
